"""DeleteAssociation and ListAssociationVersions (reference 4.7, 4.8)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.validate import ParamValidator

from ssm_assoc_mock import register_managed_instance

from .helpers import (
    INSTANCE,
    OTHER_INSTANCE,
    TAG_TARGETS,
    UNKNOWN_ID,
    expect_error,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")


def _create(ssm_client: Any, **overrides: Any) -> str:
    request = {"Name": "AWS-RunShellScript", "Targets": TAG_TARGETS, "Parameters": {"commands": ["id"]}, **overrides}
    return str(ssm_client.create_association(**request)["AssociationDescription"]["AssociationId"])


def _assert_gone(ssm_client: Any, association_id: str) -> None:
    """Deleted means gone from every operation."""
    expect_error(
        ssm_client.describe_association, "AssociationDoesNotExist", association_id, AssociationId=association_id
    )
    expect_error(
        ssm_client.update_association,
        "AssociationDoesNotExist",
        association_id,
        AssociationId=association_id,
        Parameters={"commands": ["id"]},
    )
    expect_error(
        ssm_client.list_association_versions, "AssociationDoesNotExist", association_id, AssociationId=association_id
    )
    expect_error(ssm_client.delete_association, "AssociationDoesNotExist", association_id, AssociationId=association_id)
    listed = ssm_client.list_associations()["Associations"]
    assert association_id not in [item["AssociationId"] for item in listed]
    by_id = ssm_client.list_associations(AssociationFilterList=[{"key": "AssociationId", "value": association_id}])
    assert by_id["Associations"] == []


# --- DeleteAssociation --------------------------------------------------------------------


def test_delete_by_id_removes_it_everywhere(ssm_client: Any) -> None:
    kept = _create(ssm_client)
    deleted = _create(ssm_client, AssociationName="to-delete")

    response = assert_output_shape("DeleteAssociation", ssm_client.delete_association(AssociationId=deleted))

    assert {key for key in response if key != "ResponseMetadata"} == set()
    _assert_gone(ssm_client, deleted)
    assert (
        ssm_client.list_associations(AssociationFilterList=[{"key": "AssociationName", "value": "to-delete"}])[
            "Associations"
        ]
        == []
    )
    assert [item["AssociationId"] for item in ssm_client.list_associations()["Associations"]] == [kept]


def test_delete_legacy_by_name_and_instance_id(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    register_managed_instance(OTHER_INSTANCE)
    deleted = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    kept = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=OTHER_INSTANCE)["AssociationDescription"]

    response = ssm_client.delete_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)

    assert_output_shape("DeleteAssociation", response)
    _assert_gone(ssm_client, deleted["AssociationId"])
    expect_error(
        ssm_client.describe_association, "AssociationDoesNotExist", Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE
    )
    assert (
        ssm_client.list_associations(AssociationFilterList=[{"key": "InstanceId", "value": INSTANCE}])["Associations"]
        == []
    )
    remaining = ssm_client.describe_association(Name="AWS-UpdateSSMAgent", InstanceId=OTHER_INSTANCE)
    assert remaining["AssociationDescription"]["AssociationId"] == kept["AssociationId"]


def test_deleted_legacy_pair_can_be_associated_again(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    first = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    ssm_client.delete_association(AssociationId=first["AssociationId"])

    again = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]

    assert again["AssociationId"] != first["AssociationId"]
    assert again["AssociationVersion"] == "1"


def test_targets_association_cannot_be_deleted_by_name_and_instance_id(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = _create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])

    expect_error(
        ssm_client.delete_association,
        "AssociationDoesNotExist",
        "AWS-RunShellScript",
        Name="AWS-RunShellScript",
        InstanceId=INSTANCE,
    )
    assert ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]


def test_delete_unknown_id_is_association_does_not_exist(ssm_client: Any) -> None:
    _create(ssm_client)

    expect_error(ssm_client.delete_association, "AssociationDoesNotExist", UNKNOWN_ID, AssociationId=UNKNOWN_ID)
    assert len(ssm_client.list_associations()["Associations"]) == 1


def test_delete_by_pair_reports_unknown_document_and_instance(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)

    expect_error(
        ssm_client.delete_association,
        "InvalidDocument",
        "No-Such-Document",
        Name="No-Such-Document",
        InstanceId=INSTANCE,
    )
    expect_error(
        ssm_client.delete_association,
        "InvalidInstanceId",
        OTHER_INSTANCE,
        Name="AWS-UpdateSSMAgent",
        InstanceId=OTHER_INSTANCE,
    )
    assert len(ssm_client.list_associations()["Associations"]) == 1


# --- ListAssociationVersions --------------------------------------------------------------


def test_versions_are_ascending_snapshots(ssm_client: Any) -> None:
    created = ssm_client.create_association(
        Name="AWS-RunShellScript",
        Targets=TAG_TARGETS,
        Parameters={"commands": ["v1"]},
        AssociationName="first",
        ScheduleExpression="rate(1 day)",
        MaxConcurrency="2",
    )["AssociationDescription"]
    association_id = created["AssociationId"]
    second = ssm_client.update_association(
        AssociationId=association_id, Parameters={"commands": ["v2"]}, ComplianceSeverity="LOW"
    )["AssociationDescription"]
    third = ssm_client.update_association(
        AssociationId=association_id,
        Parameters={"commands": ["v3"]},
        Targets=[{"Key": "InstanceIds", "Values": ["*"]}],
        AssociationName="third",
    )["AssociationDescription"]

    response = assert_output_shape(
        "ListAssociationVersions", ssm_client.list_association_versions(AssociationId=association_id)
    )

    versions = response["AssociationVersions"]
    assert [item["AssociationVersion"] for item in versions] == ["1", "2", "3"]
    assert all(item["AssociationId"] == association_id for item in versions)
    v1, v2, v3 = versions
    assert v1["Parameters"] == {"commands": ["v1"]}
    assert v1["AssociationName"] == "first"
    assert v1["ScheduleExpression"] == "rate(1 day)"
    assert v1["MaxConcurrency"] == "2"
    assert v1["Targets"] == TAG_TARGETS
    assert v1["Name"] == "AWS-RunShellScript"
    assert "DocumentVersion" not in v1  # not given: AWS's list-association-versions example shows none
    assert "ComplianceSeverity" not in v1
    assert v2["Parameters"] == {"commands": ["v2"]}
    assert v2["ComplianceSeverity"] == "LOW"
    assert "AssociationName" not in v2
    assert "ScheduleExpression" not in v2
    assert v3["Targets"] == [{"Key": "InstanceIds", "Values": ["*"]}]
    assert v3["AssociationName"] == "third"
    assert v1["CreatedDate"] == created["Date"]
    assert v2["CreatedDate"] == second["LastUpdateAssociationDate"]
    assert v3["CreatedDate"] == third["LastUpdateAssociationDate"]
    assert v1["CreatedDate"] <= v2["CreatedDate"] <= v3["CreatedDate"]
    assert not response.get("NextToken")


def test_versions_of_legacy_association(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)[
        "AssociationDescription"
    ]["AssociationId"]

    versions = assert_output_shape(
        "ListAssociationVersions", ssm_client.list_association_versions(AssociationId=association_id)
    )["AssociationVersions"]

    assert len(versions) == 1
    assert versions[0]["Name"] == "AWS-UpdateSSMAgent"
    assert versions[0]["Targets"] == [{"Key": "InstanceIds", "Values": [INSTANCE]}]


def test_versions_pagination_and_paginator(ssm_client: Any) -> None:
    association_id = _create(ssm_client)
    for number in range(2, 8):
        ssm_client.update_association(AssociationId=association_id, Parameters={"commands": [f"v{number}"]})

    pages = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"AssociationId": association_id, "MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        page = assert_output_shape("ListAssociationVersions", ssm_client.list_association_versions(**kwargs))
        pages.append([item["AssociationVersion"] for item in page["AssociationVersions"]])
        token = page.get("NextToken")
        if not token:
            break
    paginated = (
        ssm_client.get_paginator("list_association_versions")
        .paginate(AssociationId=association_id, PaginationConfig={"PageSize": 2})
        .build_full_result()
    )

    assert pages == [["1", "2", "3"], ["4", "5", "6"], ["7"]]
    assert [item["AssociationVersion"] for item in paginated["AssociationVersions"]] == [str(n) for n in range(1, 8)]


def test_versions_next_token_errors(ssm_client: Any) -> None:
    first = _create(ssm_client)
    second = _create(ssm_client)
    for association_id in (first, second):
        for _ in range(2):
            ssm_client.update_association(AssociationId=association_id, Parameters={"commands": ["id"]})
    token = ssm_client.list_association_versions(AssociationId=first, MaxResults=1)["NextToken"]

    expect_error(ssm_client.list_association_versions, "InvalidNextToken", AssociationId=first, NextToken="garbage")
    expect_error(ssm_client.list_association_versions, "InvalidNextToken", AssociationId=second, NextToken=token)
    expect_error(ssm_client.list_associations, "InvalidNextToken", NextToken=token)
    rest = ssm_client.list_association_versions(AssociationId=first, NextToken=token)
    assert [item["AssociationVersion"] for item in rest["AssociationVersions"]] == ["2", "3"]


def test_versions_of_unknown_association_is_association_does_not_exist(ssm_client: Any) -> None:
    expect_error(ssm_client.list_association_versions, "AssociationDoesNotExist", UNKNOWN_ID, AssociationId=UNKNOWN_ID)


def wire_errors(shape: Any, body: Any) -> str:
    """What botocore's validator finds wrong in a raw JSON response (members outside the shape, types, ...).

    Timestamps on the wire are epoch numbers, which the validator accepts as it does for a request.
    """
    errors = ParamValidator().validate(body, shape)
    return str(errors.generate_report()) if errors.has_errors() else ""


def test_raw_json_has_only_members_of_the_output_shape(ssm_client: Any) -> None:
    """Settings of AssociationDescription that AssociationVersionInfo lacks stay out of the version's JSON."""
    bodies: dict[str, Any] = {}

    def keep_body(http_response: Any, model: Any, **_: Any) -> None:
        bodies[model.name] = (model.output_shape, json.loads(http_response.content))

    ssm_client.meta.events.register("after-call.ssm", keep_body)
    created = ssm_client.create_association(
        Name="AWS-RestartEC2Instance",
        AutomationTargetParameterName="InstanceId",
        Targets=[{"Key": "ParameterValues", "Values": ["i-1234567890abcdef0"]}],
        AlarmConfiguration={"Alarms": [{"Name": "cpu-high"}]},
    )["AssociationDescription"]
    ssm_client.list_association_versions(AssociationId=created["AssociationId"])

    assert created["AutomationTargetParameterName"] == "InstanceId"
    assert created["AlarmConfiguration"] == {"Alarms": [{"Name": "cpu-high"}]}
    shape, body = bodies["ListAssociationVersions"]
    assert body["AssociationVersions"][0]["Targets"] == created["Targets"]
    assert wire_errors(shape, body) == ""
    assert wire_errors(*bodies["CreateAssociation"]) == ""
