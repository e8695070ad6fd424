"""CreateAssociation and CreateAssociationBatch (reference 2.1, 2.2, 4.1, 4.2)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ssm_assoc_mock import SSMAssociationBackend

from .helpers import (
    INSTANCE,
    OTHER_INSTANCE,
    TAG_TARGETS,
    UUID,
    command_document,
    expect_error,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")


def _recent(moment: datetime) -> bool:
    return abs(datetime.now(timezone.utc) - moment) < timedelta(minutes=1)


# --- CreateAssociation --------------------------------------------------------------------


def test_legacy_association_has_instance_id_status_and_synthesised_targets(
    ssm_client: Any, managed_instance: Any
) -> None:
    managed_instance(INSTANCE)

    response = assert_output_shape(
        "CreateAssociation", ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    )

    description = response["AssociationDescription"]
    assert UUID.fullmatch(description["AssociationId"])
    assert description["Name"] == "AWS-UpdateSSMAgent"
    assert description["InstanceId"] == INSTANCE
    assert description["AssociationVersion"] == "1"
    assert description["DocumentVersion"] == "$DEFAULT"
    assert _recent(description["Date"])
    assert description["LastUpdateAssociationDate"] == description["Date"]
    assert description["Status"] == {
        "Date": description["Date"],
        "Name": "Associated",
        "Message": "Associated with AWS-UpdateSSMAgent",
    }
    assert description["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    assert description["Targets"] == [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    assert description["ApplyOnlyAtCronInterval"] is False
    for absent in ("LastExecutionDate", "LastSuccessfulExecutionDate", "Parameters", "ScheduleExpression"):
        assert absent not in description


def test_targets_association_has_neither_instance_id_nor_status(ssm_client: Any) -> None:
    response = assert_output_shape(
        "CreateAssociation",
        ssm_client.create_association(
            Name="AWS-RunShellScript",
            Targets=TAG_TARGETS,
            Parameters={"commands": ["uptime"]},
            ScheduleExpression="rate(30 minutes)",
        ),
    )

    description = response["AssociationDescription"]
    assert "InstanceId" not in description
    assert "Status" not in description
    assert description["Targets"] == TAG_TARGETS
    assert description["Parameters"] == {"commands": ["uptime"]}
    assert description["ScheduleExpression"] == "rate(30 minutes)"
    assert description["AssociationVersion"] == "1"
    assert description["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}


def test_every_supplied_optional_setting_is_echoed(ssm_client: Any) -> None:
    settings: dict[str, Any] = {
        "Name": "AWS-RunShellScript",
        "DocumentVersion": "$LATEST",
        "Parameters": {"commands": ["echo one", "echo two"], "workingDirectory": ["/tmp"]},
        "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "OutputLocation": {
            "S3Location": {"OutputS3Region": "us-east-1", "OutputS3BucketName": "logs", "OutputS3KeyPrefix": "ssm/"}
        },
        "AssociationName": "nightly-uptime",
        "MaxErrors": "10%",
        "MaxConcurrency": "5",
        "ComplianceSeverity": "HIGH",
        "SyncCompliance": "MANUAL",
        "ApplyOnlyAtCronInterval": True,
        "CalendarNames": ["arn:aws:ssm:us-east-1:123456789012:document/change-calendar"],
        "AssociationDispatchAssumeRole": "arn:aws:iam::123456789012:role/dispatch",
    }

    description = assert_output_shape("CreateAssociation", ssm_client.create_association(**settings))[
        "AssociationDescription"
    ]

    for member, value in settings.items():
        assert description[member] == value, member


def test_omitted_optional_settings_are_not_echoed(ssm_client: Any) -> None:
    description = ssm_client.create_association(
        Name="AWS-RunShellScript", Targets=TAG_TARGETS, Parameters={"commands": ["id"]}
    )["AssociationDescription"]

    for member in (
        "ScheduleExpression",
        "OutputLocation",
        "AssociationName",
        "MaxErrors",
        "MaxConcurrency",
        "ComplianceSeverity",
        "SyncCompliance",
        "CalendarNames",
        "TargetLocations",
        "ScheduleOffset",
        "Duration",
        "TargetMaps",
        "AlarmConfiguration",
        "AssociationDispatchAssumeRole",
        "AutomationTargetParameterName",
    ):
        assert member not in description, member
    assert description["DocumentVersion"] == "$DEFAULT"
    assert description["ApplyOnlyAtCronInterval"] is False


def test_identical_targets_associations_get_distinct_ids(ssm_client: Any) -> None:
    request = {"Name": "AWS-RunShellScript", "Targets": TAG_TARGETS, "Parameters": {"commands": ["id"]}}

    first = ssm_client.create_association(**request)["AssociationDescription"]
    second = ssm_client.create_association(**request)["AssociationDescription"]

    assert first["AssociationId"] != second["AssociationId"]
    listed = [item["AssociationId"] for item in ssm_client.list_associations()["Associations"]]
    assert listed == [first["AssociationId"], second["AssociationId"]]


@pytest.mark.parametrize("requested", ["$LATEST", "$DEFAULT", "1", "2"])
def test_document_version_is_stored_literally(ssm_client: Any, ssm_document: Any, requested: str) -> None:
    name = ssm_document(command_document())
    ssm_client.update_document(
        Name=name,
        Content=json.dumps(command_document({"x": {"type": "String", "default": ""}})),
        DocumentVersion="$LATEST",
    )

    description = ssm_client.create_association(Name=name, DocumentVersion=requested, Targets=TAG_TARGETS)[
        "AssociationDescription"
    ]

    assert description["DocumentVersion"] == requested


def test_own_document_by_arn_keeps_the_arn_as_name(ssm_client: Any, ssm_document: Any) -> None:
    name = ssm_document(command_document())
    arn = f"arn:aws:ssm:us-east-1:123456789012:document/{name}"

    description = assert_output_shape(
        "CreateAssociation", ssm_client.create_association(Name=arn, Targets=TAG_TARGETS)
    )["AssociationDescription"]

    assert description["Name"] == arn
    assert (
        ssm_client.describe_association(AssociationId=description["AssociationId"])["AssociationDescription"]["Name"]
        == arn
    )


def test_legacy_association_on_hybrid_and_ec2_nodes(ssm_client: Any, managed_instance: Any) -> None:
    hybrid = managed_instance("mi-0123456789abcdef0")
    ec2 = managed_instance()

    for node in (hybrid, ec2):
        description = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=node)[
            "AssociationDescription"
        ]
        assert description["InstanceId"] == node


def test_same_instance_can_have_several_documents(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)

    first = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    second = ssm_client.create_association(
        Name="AWS-RunShellScript", InstanceId=INSTANCE, Parameters={"commands": ["id"]}
    )["AssociationDescription"]

    assert first["AssociationId"] != second["AssociationId"]


def test_duplicate_legacy_association_is_association_already_exists(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)

    expect_error(
        ssm_client.create_association,
        "AssociationAlreadyExists",
        "AWS-UpdateSSMAgent",
        INSTANCE,
        Name="AWS-UpdateSSMAgent",
        InstanceId=INSTANCE,
    )
    assert len(ssm_client.list_associations()["Associations"]) == 1


def test_association_limit_exceeded(ssm_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SSMAssociationBackend, "association_limit", 3)
    ids = [
        ssm_client.create_association(Name="AWS-RunShellScript", Targets=TAG_TARGETS, Parameters={"commands": ["id"]})[
            "AssociationDescription"
        ]["AssociationId"]
        for _ in range(3)
    ]

    expect_error(
        ssm_client.create_association,
        "AssociationLimitExceeded",
        "3",
        Name="AWS-RunShellScript",
        Targets=TAG_TARGETS,
        Parameters={"commands": ["id"]},
    )
    assert len(ssm_client.list_associations()["Associations"]) == 3

    ssm_client.delete_association(AssociationId=ids[0])
    ssm_client.create_association(Name="AWS-RunShellScript", Targets=TAG_TARGETS, Parameters={"commands": ["id"]})
    assert len(ssm_client.list_associations()["Associations"]) == 3


def test_parameters_with_ampersand_and_equals_round_trip(ssm_client: Any) -> None:
    parameters = {"commands": ["echo a=b&c=d", "test 1 == 1 && echo ok", "curl 'https://x/?q=1&r=%20'"]}

    created = ssm_client.create_association(Name="AWS-RunShellScript", Targets=TAG_TARGETS, Parameters=parameters)[
        "AssociationDescription"
    ]
    described = ssm_client.describe_association(AssociationId=created["AssociationId"])["AssociationDescription"]
    versions = ssm_client.list_association_versions(AssociationId=created["AssociationId"])["AssociationVersions"]

    assert created["Parameters"] == parameters
    assert described["Parameters"] == parameters
    assert versions[0]["Parameters"] == parameters


def test_tags_with_reserved_prefix_are_invalid_tag(ssm_client: Any) -> None:
    expect_error(
        ssm_client.create_association,
        "InvalidTag",
        "aws:",
        Name="AWS-RunShellScript",
        Targets=TAG_TARGETS,
        Parameters={"commands": ["id"]},
        Tags=[{"Key": "aws:owner", "Value": "me"}],
    )
    assert ssm_client.list_associations()["Associations"] == []


# --- CreateAssociationBatch ---------------------------------------------------------------


def test_batch_all_successful(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    managed_instance(OTHER_INSTANCE)

    response = assert_output_shape(
        "CreateAssociationBatch",
        ssm_client.create_association_batch(
            Entries=[
                {"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE},
                {"Name": "AWS-UpdateSSMAgent", "InstanceId": OTHER_INSTANCE},
                {"Name": "AWS-RunShellScript", "Targets": TAG_TARGETS, "Parameters": {"commands": ["id"]}},
            ]
        ),
    )

    assert response["Failed"] == []
    successful = response["Successful"]
    assert [item.get("InstanceId") for item in successful] == [INSTANCE, OTHER_INSTANCE, None]
    assert len({item["AssociationId"] for item in successful}) == 3
    for item in successful:
        assert item["AssociationVersion"] == "1"
        assert item["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    assert successful[0]["Status"]["Message"] == "Associated with AWS-UpdateSSMAgent"
    assert "Status" not in successful[2]
    listed = {item["AssociationId"] for item in ssm_client.list_associations()["Associations"]}
    assert listed == {item["AssociationId"] for item in successful}


def test_batch_reports_failing_entries_and_creates_the_rest(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    entries: list[dict[str, Any]] = [
        {"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE},  # already exists
        {"Name": "No-Such-Document", "Targets": TAG_TARGETS},
        {"Name": "AWS-RunShellScript", "Targets": TAG_TARGETS},  # required parameter missing
        {
            "Name": "AWS-RunShellScript",
            "Targets": TAG_TARGETS,
            "Parameters": {"commands": ["id"]},
            "ScheduleExpression": "rate(1 minute)",
        },
        {"Name": "AWS-RunShellScript", "Targets": TAG_TARGETS, "Parameters": {"commands": ["a=b&c"]}},
    ]

    response = assert_output_shape("CreateAssociationBatch", ssm_client.create_association_batch(Entries=entries))

    assert [item["Parameters"] for item in response["Successful"]] == [{"commands": ["a=b&c"]}]
    failed = response["Failed"]
    assert [item["Entry"] for item in failed] == entries[:4]
    for item in failed:
        assert item["Fault"] == "Client"
        assert item["Message"].strip()
    assert failed[0]["Message"] == "Association Already Exists"  # AWS's documented example
    assert "No-Such-Document" in failed[1]["Message"]
    assert "commands" in failed[2]["Message"]
    assert "rate(1 minute)" in failed[3]["Message"]
    assert len(ssm_client.list_associations()["Associations"]) == 2


def test_batch_duplicate_instance_id_rejects_the_whole_request(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)

    expect_error(
        ssm_client.create_association_batch,
        "DuplicateInstanceId",
        INSTANCE,
        Entries=[
            {"Name": "AWS-RunShellScript", "Targets": TAG_TARGETS, "Parameters": {"commands": ["id"]}},
            {"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE},
            {"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE},
        ],
    )
    assert ssm_client.list_associations()["Associations"] == []


def test_batch_same_instance_with_different_documents_is_fine(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)

    response = ssm_client.create_association_batch(
        Entries=[
            {"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE},
            {"Name": "AWS-RunShellScript", "InstanceId": INSTANCE, "Parameters": {"commands": ["id"]}},
        ]
    )

    assert len(response["Successful"]) == 2
    assert response["Failed"] == []


def test_batch_over_the_association_limit_is_rejected_whole(ssm_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SSMAssociationBackend, "association_limit", 2)
    entry = {"Name": "AWS-RunShellScript", "Targets": TAG_TARGETS, "Parameters": {"commands": ["id"]}}

    expect_error(ssm_client.create_association_batch, "AssociationLimitExceeded", Entries=[entry, entry, entry])
    assert ssm_client.list_associations()["Associations"] == []

    response = ssm_client.create_association_batch(Entries=[entry, entry])
    assert len(response["Successful"]) == 2
