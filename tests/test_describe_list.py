"""DescribeAssociation and ListAssociations (reference 4.3, 4.4)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

import ssm_assoc_mock
from ssm_assoc_mock import register_managed_instance

from .helpers import (
    INSTANCE,
    OTHER_INSTANCE,
    SHELL,
    TAG_TARGETS,
    UNKNOWN_ID,
    expect_error,
    set_last_execution,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")


def _targets_association(ssm_client: Any, **overrides: Any) -> dict[str, Any]:
    request = {**SHELL, "Targets": TAG_TARGETS, **overrides}
    return dict(ssm_client.create_association(**request)["AssociationDescription"])


def _ids(response: dict[str, Any]) -> list[str]:
    return [item["AssociationId"] for item in response["Associations"]]


# --- DescribeAssociation ------------------------------------------------------------------


def test_describe_by_id_returns_what_create_returned(ssm_client: Any) -> None:
    created = _targets_association(ssm_client, AssociationName="describe-me", ScheduleExpression="rate(1 day)")

    response = assert_output_shape(
        "DescribeAssociation", ssm_client.describe_association(AssociationId=created["AssociationId"])
    )

    assert response["AssociationDescription"] == created


def test_describe_legacy_by_name_and_instance_id(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    created = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]

    response = assert_output_shape(
        "DescribeAssociation", ssm_client.describe_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    )

    assert response["AssociationDescription"] == created


def test_describe_legacy_pair_picks_the_right_association(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    register_managed_instance(OTHER_INSTANCE)
    on_first = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    on_second = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=OTHER_INSTANCE)[
        "AssociationDescription"
    ]
    shell_on_first = ssm_client.create_association(InstanceId=INSTANCE, **SHELL)["AssociationDescription"]

    def described(name: str, instance_id: str) -> str:
        return str(
            ssm_client.describe_association(Name=name, InstanceId=instance_id)["AssociationDescription"][
                "AssociationId"
            ]
        )

    assert described("AWS-UpdateSSMAgent", INSTANCE) == on_first["AssociationId"]
    assert described("AWS-UpdateSSMAgent", OTHER_INSTANCE) == on_second["AssociationId"]
    assert described("AWS-RunShellScript", INSTANCE) == shell_on_first["AssociationId"]


def test_targets_association_cannot_be_described_by_name_and_instance_id(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    _targets_association(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])

    expect_error(
        ssm_client.describe_association,
        "AssociationDoesNotExist",
        "AWS-RunShellScript",
        INSTANCE,
        Name="AWS-RunShellScript",
        InstanceId=INSTANCE,
    )


def test_describe_unknown_id_is_association_does_not_exist(ssm_client: Any) -> None:
    _targets_association(ssm_client)

    expect_error(ssm_client.describe_association, "AssociationDoesNotExist", UNKNOWN_ID, AssociationId=UNKNOWN_ID)


def test_describe_by_pair_reports_unknown_document_then_instance_then_missing_pair(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)

    expect_error(
        ssm_client.describe_association, "InvalidDocument", "No-Such-Doc", Name="No-Such-Doc", InstanceId=INSTANCE
    )
    expect_error(
        ssm_client.describe_association,
        "InvalidInstanceId",
        OTHER_INSTANCE,
        Name="AWS-UpdateSSMAgent",
        InstanceId=OTHER_INSTANCE,
    )
    expect_error(
        ssm_client.describe_association,
        "AssociationDoesNotExist",
        "AWS-UpdateSSMAgent",
        Name="AWS-UpdateSSMAgent",
        InstanceId=INSTANCE,
    )


def test_describe_without_any_identifier_is_rejected(ssm_client: Any) -> None:
    expect_error(ssm_client.describe_association, "ValidationException", "AssociationId")
    expect_error(ssm_client.describe_association, "ValidationException", "InstanceId", Name="AWS-UpdateSSMAgent")


def test_describe_by_association_version(ssm_client: Any) -> None:
    created = _targets_association(ssm_client, ScheduleExpression="rate(1 day)", AssociationName="v-one")
    association_id = created["AssociationId"]
    ssm_client.update_association(
        AssociationId=association_id, Parameters={"commands": ["whoami"]}, ScheduleExpression="rate(2 days)"
    )

    first = assert_output_shape(
        "DescribeAssociation", ssm_client.describe_association(AssociationId=association_id, AssociationVersion="1")
    )["AssociationDescription"]
    second = ssm_client.describe_association(AssociationId=association_id, AssociationVersion="2")[
        "AssociationDescription"
    ]
    latest = ssm_client.describe_association(AssociationId=association_id, AssociationVersion="$LATEST")[
        "AssociationDescription"
    ]
    default = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]

    assert first["AssociationVersion"] == "1"
    assert first["Parameters"] == {"commands": ["id"]}
    assert first["ScheduleExpression"] == "rate(1 day)"
    assert first["AssociationName"] == "v-one"
    assert first["Date"] == created["Date"]
    assert second["AssociationVersion"] == "2"
    assert second["Parameters"] == {"commands": ["whoami"]}
    assert second["ScheduleExpression"] == "rate(2 days)"
    assert "AssociationName" not in second
    assert latest == default == second


@pytest.mark.parametrize("version", ["3", "10"])
def test_describe_missing_version_is_invalid_association_version(ssm_client: Any, version: str) -> None:
    association_id = _targets_association(ssm_client)["AssociationId"]
    ssm_client.update_association(AssociationId=association_id, **SHELL)

    expect_error(
        ssm_client.describe_association,
        "InvalidAssociationVersion",
        version,
        AssociationId=association_id,
        AssociationVersion=version,
    )


# --- ListAssociations ---------------------------------------------------------------------


def test_list_returns_every_association_in_creation_order_as_summaries(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    legacy = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    targeted = _targets_association(ssm_client, AssociationName="named", ScheduleExpression="rate(1 hour)")

    response = assert_output_shape("ListAssociations", ssm_client.list_associations())

    assert "NextToken" not in response or response["NextToken"] == ""
    first, second = response["Associations"]
    assert first == {
        "Name": "AWS-UpdateSSMAgent",
        "InstanceId": INSTANCE,
        "AssociationId": legacy["AssociationId"],
        "AssociationVersion": "1",
        "DocumentVersion": "$DEFAULT",
        "Targets": [{"Key": "InstanceIds", "Values": [INSTANCE]}],
        "Overview": {"Status": "Pending", "DetailedStatus": "Creating"},
    }
    assert second == {
        "Name": "AWS-RunShellScript",
        "AssociationId": targeted["AssociationId"],
        "AssociationVersion": "1",
        "DocumentVersion": "$DEFAULT",
        "Targets": TAG_TARGETS,
        "Overview": {"Status": "Pending", "DetailedStatus": "Creating"},
        "ScheduleExpression": "rate(1 hour)",
        "AssociationName": "named",
    }


def test_list_is_empty_without_associations(ssm_client: Any) -> None:
    response = assert_output_shape("ListAssociations", ssm_client.list_associations())
    assert response["Associations"] == []


def test_filter_instance_id_matches_only_legacy_associations(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    register_managed_instance(OTHER_INSTANCE)
    legacy = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=OTHER_INSTANCE)
    _targets_association(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])

    response = assert_output_shape(
        "ListAssociations",
        ssm_client.list_associations(AssociationFilterList=[{"key": "InstanceId", "value": INSTANCE}]),
    )

    assert _ids(response) == [legacy["AssociationId"]]


def test_filter_name_is_an_exact_document_match(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    shell = _targets_association(ssm_client)
    agent = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    shell_legacy = ssm_client.create_association(InstanceId=INSTANCE, **SHELL)["AssociationDescription"]

    def by_name(value: str) -> list[str]:
        return _ids(ssm_client.list_associations(AssociationFilterList=[{"key": "Name", "value": value}]))

    assert by_name("AWS-RunShellScript") == [shell["AssociationId"], shell_legacy["AssociationId"]]
    assert by_name("AWS-UpdateSSMAgent") == [agent["AssociationId"]]
    assert by_name("AWS-RunShell") == []
    assert by_name("aws-runshellscript") == []


def test_filter_association_id(ssm_client: Any) -> None:
    _targets_association(ssm_client)
    wanted = _targets_association(ssm_client)

    response = ssm_client.list_associations(
        AssociationFilterList=[{"key": "AssociationId", "value": wanted["AssociationId"]}]
    )

    assert _ids(response) == [wanted["AssociationId"]]
    assert (
        _ids(ssm_client.list_associations(AssociationFilterList=[{"key": "AssociationId", "value": UNKNOWN_ID}])) == []
    )


def test_filter_association_name(ssm_client: Any) -> None:
    wanted = _targets_association(ssm_client, AssociationName="patching")
    _targets_association(ssm_client, AssociationName="patching-2")
    _targets_association(ssm_client)

    response = ssm_client.list_associations(AssociationFilterList=[{"key": "AssociationName", "value": "patching"}])

    assert _ids(response) == [wanted["AssociationId"]]


def test_filter_association_status_name(ssm_client: Any) -> None:
    pending = _targets_association(ssm_client)
    succeeded = _targets_association(ssm_client)
    failed = _targets_association(ssm_client)
    set_last_execution(succeeded["AssociationId"], datetime(2024, 1, 1), "Success")
    set_last_execution(failed["AssociationId"], datetime(2024, 1, 2), "Failed")

    def by_status(value: str) -> list[str]:
        return _ids(
            ssm_client.list_associations(AssociationFilterList=[{"key": "AssociationStatusName", "value": value}])
        )

    assert by_status("Pending") == [pending["AssociationId"]]
    assert by_status("Success") == [succeeded["AssociationId"]]
    assert by_status("Failed") == [failed["AssociationId"]]


def test_filter_last_executed_before_and_after(ssm_client: Any) -> None:
    _never_ran = _targets_association(ssm_client)
    early = _targets_association(ssm_client)
    late = _targets_association(ssm_client)
    set_last_execution(early["AssociationId"], datetime(2019, 2, 18, 10, 0, 0))
    set_last_execution(late["AssociationId"], datetime(2019, 2, 18, 20, 0, 0))

    def listed(key: str, value: str) -> list[str]:
        response = ssm_client.list_associations(AssociationFilterList=[{"key": key, "value": value}])
        assert_output_shape("ListAssociations", response)
        return _ids(response)

    assert listed("LastExecutedBefore", "2019-02-18T16:00:00Z") == [early["AssociationId"]]
    assert listed("LastExecutedAfter", "2019-02-18T16:00:00Z") == [late["AssociationId"]]
    # epoch seconds for 2019-02-18T16:00:00Z
    assert listed("LastExecutedBefore", "1550505600") == [early["AssociationId"]]
    assert listed("LastExecutedAfter", "1550505600") == [late["AssociationId"]]
    assert listed("LastExecutedAfter", "2000-01-01T00:00:00Z") == [early["AssociationId"], late["AssociationId"]]
    assert listed("LastExecutedBefore", "2000-01-01T00:00:00Z") == []


def test_list_items_carry_last_execution_date_once_run(ssm_client: Any) -> None:
    association_id = _targets_association(ssm_client)["AssociationId"]
    set_last_execution(association_id, datetime(2019, 2, 18, 10, 0, 0))

    item = assert_output_shape("ListAssociations", ssm_client.list_associations())["Associations"][0]

    assert item["LastExecutionDate"] == datetime(2019, 2, 18, 10, 0, 0, tzinfo=timezone.utc)


def test_filter_resource_group_name(ssm_client: Any) -> None:
    in_group = _targets_association(ssm_client, Targets=[{"Key": "resource-groups:Name", "Values": ["web-servers"]}])
    _targets_association(ssm_client, Targets=[{"Key": "resource-groups:Name", "Values": ["db-servers"]}])
    _targets_association(ssm_client, Targets=[{"Key": "tag:web-servers", "Values": ["web-servers"]}])

    response = ssm_client.list_associations(
        AssociationFilterList=[{"key": "ResourceGroupName", "value": "web-servers"}]
    )

    assert _ids(response) == [in_group["AssociationId"]]


def test_filters_are_anded(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    both = _targets_association(ssm_client, AssociationName="nightly")
    _targets_association(ssm_client, AssociationName="weekly")
    ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)

    response = ssm_client.list_associations(
        AssociationFilterList=[
            {"key": "Name", "value": "AWS-RunShellScript"},
            {"key": "AssociationName", "value": "nightly"},
        ]
    )
    nothing = ssm_client.list_associations(
        AssociationFilterList=[
            {"key": "Name", "value": "AWS-UpdateSSMAgent"},
            {"key": "AssociationName", "value": "nightly"},
        ]
    )

    assert _ids(response) == [both["AssociationId"]]
    assert _ids(nothing) == []


# --- pagination -----------------------------------------------------------------------------


def test_max_results_pages_through_everything_once(ssm_client: Any) -> None:
    created = [_targets_association(ssm_client)["AssociationId"] for _ in range(5)]

    seen: list[str] = []
    pages = 0
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        response = assert_output_shape("ListAssociations", ssm_client.list_associations(**kwargs))
        assert len(response["Associations"]) <= 2
        seen.extend(_ids(response))
        pages += 1
        token = response.get("NextToken")
        if not token:
            break

    assert seen == created
    assert pages == 3


def test_exactly_full_last_page_has_no_next_token(ssm_client: Any) -> None:
    created = [_targets_association(ssm_client)["AssociationId"] for _ in range(4)]

    first = ssm_client.list_associations(MaxResults=2)
    second = ssm_client.list_associations(MaxResults=2, NextToken=first["NextToken"])

    assert _ids(first) + _ids(second) == created
    assert not second.get("NextToken")


def test_default_page_is_at_most_fifty(ssm_client: Any) -> None:
    created = [
        item["AssociationId"]
        for item in ssm_client.create_association_batch(Entries=[{**SHELL, "Targets": TAG_TARGETS} for _ in range(55)])[
            "Successful"
        ]
    ]

    first = ssm_client.list_associations()
    second = ssm_client.list_associations(NextToken=first["NextToken"])

    assert len(first["Associations"]) == 50
    assert _ids(first) + _ids(second) == created


def test_botocore_paginator_walks_all_pages(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    created = [_targets_association(ssm_client)["AssociationId"] for _ in range(7)]
    ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    paginator = ssm_client.get_paginator("list_associations")

    pages = list(
        paginator.paginate(
            AssociationFilterList=[{"key": "Name", "value": "AWS-RunShellScript"}],
            PaginationConfig={"PageSize": 3},
        )
    )
    for page in pages:
        assert_output_shape("ListAssociations", page)
    everything = paginator.paginate(PaginationConfig={"PageSize": 2}).build_full_result()

    assert [len(page["Associations"]) for page in pages] == [3, 3, 1]
    assert [item for page in pages for item in _ids(page)] == created
    assert len(everything["Associations"]) == 8


def test_pagination_survives_deleting_an_item_already_returned(ssm_client: Any) -> None:
    created = [_targets_association(ssm_client)["AssociationId"] for _ in range(4)]

    first = ssm_client.list_associations(MaxResults=2)
    ssm_client.delete_association(AssociationId=created[0])
    second = ssm_client.list_associations(MaxResults=2, NextToken=first["NextToken"])

    assert _ids(first) == created[:2]
    assert _ids(second) == created[2:]


@pytest.mark.parametrize("token", ["garbage", "eyJub3QiOiAidGhpcyJ9", "a" * 300])
def test_garbage_next_token_is_invalid_next_token(ssm_client: Any, token: str) -> None:
    for _ in range(3):
        _targets_association(ssm_client)

    expect_error(ssm_client.list_associations, "InvalidNextToken", NextToken=token)


def test_next_token_reused_with_different_filters_is_invalid_next_token(ssm_client: Any) -> None:
    for _ in range(3):
        _targets_association(ssm_client, AssociationName="same")
    token = ssm_client.list_associations(
        AssociationFilterList=[{"key": "AssociationName", "value": "same"}], MaxResults=1
    )["NextToken"]

    expect_error(ssm_client.list_associations, "InvalidNextToken", NextToken=token, MaxResults=1)
    expect_error(
        ssm_client.list_associations,
        "InvalidNextToken",
        NextToken=token,
        AssociationFilterList=[{"key": "Name", "value": "AWS-RunShellScript"}],
    )
    # the same filters with another page size is the same query
    response = ssm_client.list_associations(
        AssociationFilterList=[{"key": "AssociationName", "value": "same"}], MaxResults=5, NextToken=token
    )
    assert len(response["Associations"]) == 2


def test_last_executed_after_an_associations_reported_time_excludes_it(ssm_client: Any) -> None:
    """Times compare at the precision the API reports: 'after the last run I saw' does not see it again."""
    association_id = ssm_client.create_association(
        Name="AWS-RunShellScript", Targets=[{"Key": "InstanceIds", "Values": ["*"]}], Parameters={"commands": ["a"]}
    )["AssociationDescription"]["AssociationId"]
    ssm_assoc_mock.simulate_run(association_id)
    ran = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]["LastExecutionDate"]
    moment = ran.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ran.microsecond // 1000:03d}Z"

    def listed(key: str) -> list[str]:
        filters = [{"key": key, "value": moment}]
        return [
            item["AssociationId"]
            for item in ssm_client.list_associations(AssociationFilterList=filters)["Associations"]
        ]

    assert listed("LastExecutedAfter") == []
    assert listed("LastExecutedBefore") == []
