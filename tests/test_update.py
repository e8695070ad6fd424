"""UpdateAssociation: versions, replace semantics, preconditions, limits (reference 2.4, 4.5; README)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import ssm_assoc_mock
from ssm_assoc_mock import register_managed_instance

from .helpers import (
    INSTANCE,
    OTHER_INSTANCE,
    TAG_TARGETS,
    UNKNOWN_ID,
    command_document,
    expect_error,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")

FULL_SETTINGS: dict[str, Any] = {
    "Name": "AWS-RunShellScript",
    "DocumentVersion": "1",
    "Parameters": {"commands": ["uptime"]},
    "Targets": TAG_TARGETS,
    "ScheduleExpression": "cron(0 2 ? * SUN *)",
    "OutputLocation": {"S3Location": {"OutputS3BucketName": "logs", "OutputS3KeyPrefix": "ssm/"}},
    "AssociationName": "weekly-uptime",
    "MaxErrors": "1",
    "MaxConcurrency": "10%",
    "ComplianceSeverity": "CRITICAL",
    "SyncCompliance": "MANUAL",
    "ApplyOnlyAtCronInterval": True,
    "CalendarNames": ["change-calendar"],
    "ScheduleOffset": 2,
    "AssociationDispatchAssumeRole": "arn:aws:iam::123456789012:role/dispatch",
}
CLEARED_BY_UPDATE = (
    "OutputLocation",
    "AssociationName",
    "MaxErrors",
    "MaxConcurrency",
    "ComplianceSeverity",
    "SyncCompliance",
    "CalendarNames",
    "ScheduleOffset",
    "AssociationDispatchAssumeRole",
)


def _create(ssm_client: Any, **overrides: Any) -> dict[str, Any]:
    request = {
        "Name": "AWS-RunShellScript",
        "Targets": TAG_TARGETS,
        "Parameters": {"commands": ["id"]},
        **overrides,
    }
    return dict(ssm_client.create_association(**request)["AssociationDescription"])


def test_update_writes_version_two_and_keeps_creation_date(ssm_client: Any) -> None:
    created = _create(ssm_client, ScheduleExpression="rate(1 day)")

    response = assert_output_shape(
        "UpdateAssociation",
        ssm_client.update_association(
            AssociationId=created["AssociationId"],
            Parameters={"commands": ["whoami"]},
            ScheduleExpression="rate(2 days)",
        ),
    )

    updated = response["AssociationDescription"]
    assert updated["AssociationId"] == created["AssociationId"]
    assert updated["AssociationVersion"] == "2"
    assert updated["Date"] == created["Date"]
    assert updated["LastUpdateAssociationDate"] >= created["LastUpdateAssociationDate"]
    assert updated["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    assert updated["Parameters"] == {"commands": ["whoami"]}
    assert updated["ScheduleExpression"] == "rate(2 days)"
    assert ssm_client.describe_association(AssociationId=created["AssociationId"])["AssociationDescription"] == updated
    listed = ssm_client.list_associations()["Associations"][0]
    assert listed["AssociationVersion"] == "2"
    assert listed["ScheduleExpression"] == "rate(2 days)"


def test_every_update_is_a_new_version_even_when_nothing_changes(ssm_client: Any) -> None:
    association_id = _create(ssm_client)["AssociationId"]

    versions = [
        ssm_client.update_association(AssociationId=association_id, Parameters={"commands": ["id"]})[
            "AssociationDescription"
        ]["AssociationVersion"]
        for _ in range(3)
    ]

    assert versions == ["2", "3", "4"]
    assert len(ssm_client.list_association_versions(AssociationId=association_id)["AssociationVersions"]) == 4


def test_update_replaces_omitted_settings_but_keeps_name_and_targets(ssm_client: Any) -> None:
    created = _create(ssm_client, **FULL_SETTINGS)
    for member, value in FULL_SETTINGS.items():
        assert created[member] == value, member

    updated = ssm_client.update_association(
        AssociationId=created["AssociationId"], Parameters={"commands": ["date"]}, ScheduleExpression="rate(1 day)"
    )["AssociationDescription"]

    assert updated["Name"] == "AWS-RunShellScript"
    assert updated["Targets"] == TAG_TARGETS
    assert updated["DocumentVersion"] == "$DEFAULT"
    assert updated["ApplyOnlyAtCronInterval"] is False
    assert updated["Parameters"] == {"commands": ["date"]}
    assert updated["ScheduleExpression"] == "rate(1 day)"
    for member in CLEARED_BY_UPDATE:
        assert member not in updated, member


def test_update_with_only_the_id_clears_schedule_and_parameters(ssm_client: Any) -> None:
    created = _create(
        ssm_client, Name="AWS-UpdateSSMAgent", Parameters={"version": ["3.0"]}, ScheduleExpression="rate(1 day)"
    )

    updated = ssm_client.update_association(AssociationId=created["AssociationId"])["AssociationDescription"]

    assert updated["AssociationVersion"] == "2"
    assert "Parameters" not in updated
    assert "ScheduleExpression" not in updated
    assert updated["Name"] == "AWS-UpdateSSMAgent"
    assert updated["Targets"] == TAG_TARGETS


def test_update_can_change_name_targets_and_document_version(ssm_client: Any, ssm_document: Any) -> None:
    document = ssm_document(command_document())
    ssm_client.update_document(
        Name=document,
        Content=json.dumps(command_document({"level": {"type": "String", "default": "1"}})),
        DocumentVersion="$LATEST",
    )
    created = _create(ssm_client)
    new_targets = [{"Key": "InstanceIds", "Values": ["i-0123456789abcdef0", "i-00000001"]}]

    updated = ssm_client.update_association(
        AssociationId=created["AssociationId"], Name=document, DocumentVersion="2", Targets=new_targets
    )["AssociationDescription"]

    assert updated["Name"] == document
    assert updated["DocumentVersion"] == "2"
    assert updated["Targets"] == new_targets
    by_new_name = ssm_client.list_associations(AssociationFilterList=[{"key": "Name", "value": document}])
    by_old_name = ssm_client.list_associations(AssociationFilterList=[{"key": "Name", "value": "AWS-RunShellScript"}])
    assert [item["AssociationId"] for item in by_new_name["Associations"]] == [created["AssociationId"]]
    assert by_old_name["Associations"] == []


def test_apply_only_at_cron_interval_false_resets_the_flag(ssm_client: Any) -> None:
    created = _create(ssm_client, ScheduleExpression="cron(0 2 ? * SUN *)", ApplyOnlyAtCronInterval=True)

    updated = ssm_client.update_association(
        AssociationId=created["AssociationId"],
        Parameters={"commands": ["id"]},
        ScheduleExpression="cron(0 2 ? * SUN *)",
        ApplyOnlyAtCronInterval=False,
    )["AssociationDescription"]

    assert updated["ApplyOnlyAtCronInterval"] is False


def test_association_version_precondition(ssm_client: Any) -> None:
    association_id = _create(ssm_client)["AssociationId"]
    ssm_client.update_association(AssociationId=association_id, Parameters={"commands": ["a"]})  # now version 2

    expect_error(
        ssm_client.update_association,
        "InvalidAssociationVersion",
        "1",
        AssociationId=association_id,
        AssociationVersion="1",
        Parameters={"commands": ["b"]},
    )
    expect_error(
        ssm_client.update_association,
        "InvalidAssociationVersion",
        "3",
        AssociationId=association_id,
        AssociationVersion="3",
        Parameters={"commands": ["b"]},
    )
    current = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert current["AssociationVersion"] == "2"
    assert current["Parameters"] == {"commands": ["a"]}

    third = ssm_client.update_association(
        AssociationId=association_id, AssociationVersion="2", Parameters={"commands": ["c"]}
    )["AssociationDescription"]
    fourth = ssm_client.update_association(
        AssociationId=association_id, AssociationVersion="$LATEST", Parameters={"commands": ["d"]}
    )["AssociationDescription"]
    assert (third["AssociationVersion"], fourth["AssociationVersion"]) == ("3", "4")


def test_update_unknown_association_is_association_does_not_exist(ssm_client: Any) -> None:
    expect_error(
        ssm_client.update_association,
        "AssociationDoesNotExist",
        UNKNOWN_ID,
        AssociationId=UNKNOWN_ID,
        Parameters={"commands": ["id"]},
    )


def test_version_limit_is_association_version_limit_exceeded(ssm_client: Any) -> None:
    association_id = _create(ssm_client)["AssociationId"]
    store = ssm_assoc_mock.backend()
    for _ in range(998):  # versions 2..999, cheaply through the backend
        store.update_association({"AssociationId": association_id, "Parameters": {"commands": ["id"]}})

    thousandth = ssm_client.update_association(AssociationId=association_id, Parameters={"commands": ["last"]})
    assert thousandth["AssociationDescription"]["AssociationVersion"] == "1000"

    expect_error(
        ssm_client.update_association,
        "AssociationVersionLimitExceeded",
        "1,000",
        AssociationId=association_id,
        Parameters={"commands": ["one too many"]},
    )
    current = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert current["AssociationVersion"] == "1000"
    assert current["Parameters"] == {"commands": ["last"]}


def test_invalid_updates_write_no_version(ssm_client: Any) -> None:
    association_id = _create(ssm_client)["AssociationId"]
    cases: list[tuple[str, dict[str, Any], str]] = [
        (
            "InvalidSchedule",
            {"Parameters": {"commands": ["id"]}, "ScheduleExpression": "rate(1 minute)"},
            "rate(1 minute)",
        ),
        ("InvalidParameters", {"Parameters": {"nope": ["x"]}}, "nope"),
        ("InvalidParameters", {}, "commands"),
        ("InvalidDocument", {"Name": "No-Such-Document"}, "No-Such-Document"),
        ("InvalidDocumentVersion", {"Parameters": {"commands": ["id"]}, "DocumentVersion": "9"}, "9"),
        (
            "InvalidTarget",
            {"Parameters": {"commands": ["id"]}, "Targets": [{"Key": "Bogus", "Values": ["x"]}]},
            "Bogus",
        ),
    ]

    for code, changes, mention in cases:
        expect_error(ssm_client.update_association, code, mention, AssociationId=association_id, **changes)

    current = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert current["AssociationVersion"] == "1"
    assert current["Parameters"] == {"commands": ["id"]}


def test_legacy_association_update_keeps_instance_id_and_status(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    created = ssm_client.create_association(
        Name="AWS-RunShellScript", InstanceId=INSTANCE, Parameters={"commands": ["id"]}
    )["AssociationDescription"]

    updated = assert_output_shape(
        "UpdateAssociation",
        ssm_client.update_association(AssociationId=created["AssociationId"], Parameters={"commands": ["date"]}),
    )["AssociationDescription"]

    assert updated["AssociationVersion"] == "2"
    assert updated["InstanceId"] == INSTANCE
    assert updated["Targets"] == [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    assert updated["Status"] == created["Status"]
    assert updated["Parameters"] == {"commands": ["date"]}
    by_pair = ssm_client.describe_association(Name="AWS-RunShellScript", InstanceId=INSTANCE)
    assert by_pair["AssociationDescription"] == updated


@pytest.mark.parametrize("key", ["InstanceIds", "instanceids"])
def test_legacy_association_accepts_back_what_describe_reports(ssm_client: Any, key: str) -> None:
    # Terraform's provider resends the Targets and DocumentVersion DescribeAssociation reported (issue 11).
    register_managed_instance(INSTANCE)
    created = ssm_client.create_association(
        Name="AWS-RunShellScript", InstanceId=INSTANCE, Parameters={"commands": ["id"]}
    )["AssociationDescription"]
    reported = ssm_client.describe_association(AssociationId=created["AssociationId"])["AssociationDescription"]

    updated = ssm_client.update_association(
        AssociationId=created["AssociationId"],
        Name=reported["Name"],
        DocumentVersion=reported["DocumentVersion"],
        Targets=[{"Key": key, "Values": reported["Targets"][0]["Values"]}],
        ApplyOnlyAtCronInterval=reported["ApplyOnlyAtCronInterval"],
        Parameters={"commands": ["date"]},
    )["AssociationDescription"]

    assert updated["AssociationVersion"] == "2"
    assert updated["InstanceId"] == INSTANCE
    assert updated["Targets"] == [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    assert updated["DocumentVersion"] == "$DEFAULT"
    assert updated["Parameters"] == {"commands": ["date"]}
    versions = ssm_client.list_association_versions(AssociationId=created["AssociationId"])["AssociationVersions"]
    assert "DocumentVersion" not in versions[-1]  # the echoed default is not a setting of its own


@pytest.mark.parametrize(
    "changes",
    [
        {"ScheduleExpression": "rate(1 day)"},
        {"AssociationName": "renamed"},
        {"MaxConcurrency": "1"},
        {"Targets": [{"Key": "InstanceIds", "Values": [OTHER_INSTANCE]}]},
        {"Targets": [{"Key": "InstanceIds", "Values": [INSTANCE, OTHER_INSTANCE]}]},
        {"Targets": [{"Key": "tag:Env", "Values": ["prod"]}]},
        {"DocumentVersion": "1"},
        {"DocumentVersion": "$LATEST"},
    ],
    ids=["schedule", "name", "concurrency", "targets", "more-targets", "tag-targets", "doc-version", "latest"],
)
def test_legacy_association_rejects_targets_only_settings_with_invalid_update(
    ssm_client: Any, changes: dict[str, Any]
) -> None:
    register_managed_instance(INSTANCE)
    association_id = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)[
        "AssociationDescription"
    ]["AssociationId"]

    expect_error(
        ssm_client.update_association,
        "InvalidUpdate",
        next(iter(changes)),
        AssociationId=association_id,
        **changes,
    )
    assert (
        ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]["AssociationVersion"]
        == "1"
    )
