"""Semantic validation (reference 2.1, 3, 4.1) and model-driven ValidationException (reference 1)."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ssm_assoc_mock import register_managed_instance

from .helpers import (
    INSTANCE,
    REGION,
    SHELL,
    TAG_TARGETS,
    VALIDATION_MESSAGE,
    command_document,
    expect_error,
    send_json,
    unvalidated_client,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")

NAME_PATTERN = r"^[a-zA-Z0-9_\-.:/]{3,128}$"
ASSOCIATION_ID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _count(ssm_client: Any) -> int:
    return len(ssm_client.list_associations()["Associations"])


# --- documents ----------------------------------------------------------------------------


def test_unknown_document_is_invalid_document(ssm_client: Any) -> None:
    for name in ("No-Such-Document", "arn:aws:ssm:us-east-1:123456789012:document/No-Such-Document"):
        expect_error(
            ssm_client.create_association, "InvalidDocument", "No-Such-Document", Name=name, Targets=TAG_TARGETS
        )
    assert _count(ssm_client) == 0


def test_other_accounts_document_needs_sharing_and_an_arn(
    ssm_client: Any, ssm_document: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = "123456789012"
    name = ssm_document(command_document())
    arn = f"arn:aws:ssm:{REGION}:{owner}:document/{name}"
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111111111111")

    expect_error(ssm_client.create_association, "InvalidDocument", name, Name=arn, Targets=TAG_TARGETS)
    expect_error(ssm_client.create_association, "InvalidDocument", name, Name=name, Targets=TAG_TARGETS)

    monkeypatch.setenv("MOTO_ACCOUNT_ID", owner)
    ssm_client.modify_document_permission(Name=name, PermissionType="Share", AccountIdsToAdd=["111111111111"])
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111111111111")

    description = assert_output_shape(
        "CreateAssociation", ssm_client.create_association(Name=arn, Targets=TAG_TARGETS)
    )["AssociationDescription"]
    assert description["Name"] == arn


def test_missing_document_version_is_invalid_document_version(ssm_client: Any, ssm_document: Any) -> None:
    name = ssm_document(command_document())

    expect_error(
        ssm_client.create_association,
        "InvalidDocumentVersion",
        "5",
        Name=name,
        DocumentVersion="5",
        Targets=TAG_TARGETS,
    )
    expect_error(
        ssm_client.create_association,
        "InvalidDocumentVersion",
        "AWS-RunShellScript",
        DocumentVersion="99",
        Targets=TAG_TARGETS,
        **SHELL,
    )
    assert _count(ssm_client) == 0


def test_parameters_are_checked_against_the_document_version_used(ssm_client: Any, ssm_document: Any) -> None:
    name = ssm_document(command_document())
    ssm_client.update_document(
        Name=name,
        Content=json.dumps(command_document({"level": {"type": "String"}})),
        DocumentVersion="$LATEST",
    )

    ssm_client.create_association(Name=name, DocumentVersion="1", Targets=TAG_TARGETS)
    expect_error(
        ssm_client.create_association,
        "InvalidParameters",
        "level",
        Name=name,
        DocumentVersion="$LATEST",
        Targets=TAG_TARGETS,
    )
    ssm_client.create_association(Name=name, DocumentVersion="2", Targets=TAG_TARGETS, Parameters={"level": ["3"]})


# --- parameters ---------------------------------------------------------------------------


def test_missing_required_parameter_names_it(ssm_client: Any) -> None:
    message = expect_error(
        ssm_client.create_association, "InvalidParameters", Name="AWS-RunShellScript", Targets=TAG_TARGETS
    )
    assert 'Parameter "commands" requires a value.' in message


def test_unknown_parameter_names_it(ssm_client: Any) -> None:
    expect_error(
        ssm_client.create_association,
        "InvalidParameters",
        "bogus",
        Name="AWS-RunShellScript",
        Targets=TAG_TARGETS,
        Parameters={"commands": ["id"], "bogus": ["1"]},
    )


def test_value_outside_allowed_values_names_it(ssm_client: Any) -> None:
    expect_error(
        ssm_client.create_association,
        "InvalidParameters",
        "Reboot",
        Name="AWS-ApplyPatchBaseline",
        Targets=TAG_TARGETS,
        Parameters={"Operation": ["Reboot"]},
    )
    assert _count(ssm_client) == 0


def test_parameter_store_reference_is_accepted_for_restricted_parameters(ssm_client: Any) -> None:
    description = ssm_client.create_association(
        Name="AWS-ApplyPatchBaseline", Targets=TAG_TARGETS, Parameters={"Operation": ["{{ssm:patch-operation}}"]}
    )["AssociationDescription"]

    assert description["Parameters"] == {"Operation": ["{{ssm:patch-operation}}"]}


def test_own_document_parameters_with_defaults_are_optional(ssm_client: Any, ssm_document: Any) -> None:
    name = ssm_document(
        command_document(
            {
                "message": {"type": "String", "default": "hello"},
                "mode": {"type": "String", "allowedValues": ["fast", "slow"]},
            }
        )
    )

    expect_error(ssm_client.create_association, "InvalidParameters", "mode", Name=name, Targets=TAG_TARGETS)
    expect_error(
        ssm_client.create_association,
        "InvalidParameters",
        "medium",
        Name=name,
        Targets=TAG_TARGETS,
        Parameters={"mode": ["medium"]},
    )
    ssm_client.create_association(Name=name, Targets=TAG_TARGETS, Parameters={"mode": ["slow"]})


# --- schedules (reference 3) -----------------------------------------------------------------

VALID_SCHEDULES = [
    "cron(0 2 ? * SUN *)",
    "cron(0 */30 * * * ? *)",
    "cron(0 0 0/4 1/1 * ? *)",
    "cron(0 00 12 ? * SUN *)",
    "cron(0 0/12 * * ? *)",
    "cron(0 2 ? * TUE#3 *)",
    "cron(0 2 ? * 3L *)",
    "cron(0 2 L * ? *)",
    "rate(30 minutes)",
    "rate(240 minutes)",
    "rate(1 hour)",
    "rate(5 hours)",
    "rate(24 hours)",
    "rate(1 day)",
    "rate(7 days)",
    "rate(15 days)",
    "rate(30 days)",
    "at(2030-01-01T12:00:00)",
    "at(2000-01-01T00:00:00)",
]
INVALID_SCHEDULES = [
    "cron(0 2 1 * MON *)",  # day-of-month and day-of-week both given
    "cron(0 2 ? * ? *)",  # neither given
    "cron(0 2 ? 1 SUN *)",  # a month
    "cron(5 0 2 ? * SUN *)",  # seconds must be 0
    "cron(0 2 ? *)",  # too few fields
    "cron(0 0 2 ? * SUN * *)",  # too many fields
    "cron(* * ? * * *)",  # every minute
    "cron(0/5 * ? * * *)",  # every 5 minutes
    "cron(0 25 ? * SUN *)",  # no hour 25
    "cron(0 2 ? * FUNDAY *)",
    "cron()",
    "rate(1 hours)",  # plural with 1
    "rate(5 hour)",  # singular with 5
    "rate(29 minutes)",  # under 30 minutes
    "rate(31 days)",  # 31 days or more
    "rate(0 minutes)",
    "rate(1day)",
    "rate(2 weeks)",
    "rate(1.5 hours)",
    "at(2030-02-30T00:00:00)",  # no such date
    "at(2030-01-01 12:00:00)",
    "at(2030-01-01T12:00)",
    "daily",
    "0 2 * * *",
]


def test_documented_schedules_are_accepted_and_echoed_verbatim(ssm_client: Any) -> None:
    for expression in VALID_SCHEDULES:
        response = ssm_client.create_association(Targets=TAG_TARGETS, ScheduleExpression=expression, **SHELL)
        assert response["AssociationDescription"]["ScheduleExpression"] == expression
    listed = [item["ScheduleExpression"] for item in ssm_client.list_associations()["Associations"]]
    assert listed == VALID_SCHEDULES


def test_invalid_schedules_are_invalid_schedule_naming_the_expression(ssm_client: Any) -> None:
    for expression in INVALID_SCHEDULES:
        expect_error(
            ssm_client.create_association,
            "InvalidSchedule",
            expression,
            Targets=TAG_TARGETS,
            ScheduleExpression=expression,
            **SHELL,
        )
    assert _count(ssm_client) == 0


def test_apply_only_at_cron_interval_needs_a_cron_schedule(ssm_client: Any) -> None:
    for schedule in ({"ScheduleExpression": "rate(1 day)"}, {}):
        with pytest.raises(ClientError) as raised:
            ssm_client.create_association(Targets=TAG_TARGETS, ApplyOnlyAtCronInterval=True, **schedule, **SHELL)
        error = raised.value.response["Error"]
        assert error["Code"] in ("InvalidSchedule", "ValidationException"), error
        assert "ApplyOnlyAtCronInterval" in error["Message"]
    assert _count(ssm_client) == 0


# --- targets ------------------------------------------------------------------------------


def test_neither_instance_id_nor_targets_is_invalid_target(ssm_client: Any) -> None:
    message = expect_error(ssm_client.create_association, "InvalidTarget", **SHELL)
    assert message == "Instance ID or targets must be specified"
    expect_error(ssm_client.create_association, "InvalidTarget", Targets=[], **SHELL)


@pytest.mark.parametrize(
    ("targets", "mention"),
    [
        ([{"Key": "Bogus", "Values": ["x"]}], "Bogus"),
        ([{"Key": "InstanceIds", "Values": ["i-123"]}], "i-123"),
        ([{"Key": "resource-groups:Name", "Values": ["web", "db"]}], "resource group"),
    ],
    ids=["unknown-key", "bad-instance-id", "two-resource-groups"],
)
def test_unusable_targets_are_invalid_target(ssm_client: Any, targets: list[dict[str, Any]], mention: str) -> None:
    expect_error(ssm_client.create_association, "InvalidTarget", mention, Targets=targets, **SHELL)
    assert _count(ssm_client) == 0


def test_supported_target_keys_are_accepted(ssm_client: Any) -> None:
    for targets in (
        [{"Key": "InstanceIds", "Values": ["*"]}],
        [{"Key": "InstanceIds", "Values": ["i-1234567890abcdef0", "i-12345678", "mi-0123456789abcdef0"]}],
        [{"Key": "tag:Environment", "Values": ["Production"]}, {"Key": "tag:Role", "Values": ["Web"]}],
        [{"Key": "tag-key", "Values": ["Patch"]}],
        [{"Key": "resource-groups:Name", "Values": ["web-servers"]}],
    ):
        description = ssm_client.create_association(Targets=targets, **SHELL)["AssociationDescription"]
        assert description["Targets"] == targets


def test_targets_with_target_maps_is_invalid_target_maps(ssm_client: Any) -> None:
    expect_error(
        ssm_client.create_association,
        "InvalidTargetMaps",
        "TargetMaps",
        Name="AWS-RestartEC2Instance",
        Targets=TAG_TARGETS,
        TargetMaps=[{"InstanceId": [INSTANCE]}],
    )


def test_automation_runbook_with_target_maps(ssm_client: Any) -> None:
    target_maps = [{"InstanceId": [INSTANCE]}, {"InstanceId": ["i-0fedcba0987654321"]}]

    description = assert_output_shape(
        "CreateAssociation", ssm_client.create_association(Name="AWS-RestartEC2Instance", TargetMaps=target_maps)
    )["AssociationDescription"]

    assert description["TargetMaps"] == target_maps
    assert ssm_client.list_associations()["Associations"][0]["TargetMaps"] == target_maps


def test_automation_target_parameter_name_needs_targets(ssm_client: Any) -> None:
    """reference 4.1: 'Must specify both Automation Target Parameter Name and Targets' (issue)."""
    expect_error(
        ssm_client.create_association,
        "ValidationException",
        "Must specify both Automation Target Parameter Name and Targets",
        Name="AWS-RestartEC2Instance",
        AutomationTargetParameterName="InstanceId",
    )
    description = ssm_client.create_association(
        Name="AWS-RestartEC2Instance", AutomationTargetParameterName="InstanceId", Targets=TAG_TARGETS
    )["AssociationDescription"]
    assert description["AutomationTargetParameterName"] == "InstanceId"


# --- legacy (InstanceId) associations ---------------------------------------------------------


def test_legacy_association_rejects_targets_only_inputs(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    forbidden: dict[str, Any] = {
        "AssociationName": "named",
        "DocumentVersion": "1",
        "MaxErrors": "1",
        "MaxConcurrency": "1",
        "OutputLocation": {"S3Location": {"OutputS3BucketName": "logs"}},
        "ScheduleExpression": "rate(1 day)",
    }

    for member, value in forbidden.items():
        expect_error(
            ssm_client.create_association,
            "ValidationException",
            member,
            Name="AWS-UpdateSSMAgent",
            InstanceId=INSTANCE,
            **{member: value},
        )
    assert _count(ssm_client) == 0


def test_instance_id_and_targets_together_are_rejected(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)

    with pytest.raises(ClientError) as raised:
        ssm_client.create_association(
            Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}]
        )

    error = raised.value.response["Error"]
    assert error["Code"] in ("InvalidTarget", "ValidationException"), error
    assert "InstanceId" in error["Message"] and "Targets" in error["Message"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert _count(ssm_client) == 0


@pytest.mark.parametrize(
    ("document", "schema"),
    [("AWS-RunPatchBaseline", "2.2"), ("AWS-GatherSoftwareInventory", "2.0"), ("AWS-RestartEC2Instance", "0.3")],
)
def test_legacy_association_rejects_schema_2_and_automation_documents(
    ssm_client: Any, document: str, schema: str
) -> None:
    """reference 2.1: schema >= 2.0 fails; for 0.3 AWS answers InvalidDocument 'Document schema version, 0.3, ...'."""
    register_managed_instance(INSTANCE)
    parameters = {"RunPatchBaseline": {"Operation": ["Scan"]}, "AWS-RestartEC2Instance": {"InstanceId": [INSTANCE]}}

    message = expect_error(
        ssm_client.create_association,
        "InvalidDocument",
        schema,
        Name=document,
        InstanceId=INSTANCE,
        Parameters=parameters.get(document.replace("AWS-", ""), parameters.get(document, {})),
    )
    assert "instance id" in message.lower()
    assert _count(ssm_client) == 0


def test_legacy_association_rejects_own_schema_2_document(ssm_client: Any, ssm_document: Any) -> None:
    register_managed_instance(INSTANCE)
    modern = ssm_document(command_document(schema_version="2.2"))
    legacy = ssm_document(command_document(schema_version="1.2"))

    expect_error(ssm_client.create_association, "InvalidDocument", "2.2", Name=modern, InstanceId=INSTANCE)
    description = ssm_client.create_association(Name=legacy, InstanceId=INSTANCE)["AssociationDescription"]
    assert description["Name"] == legacy


def test_unsupported_platform_type(ssm_client: Any, ssm_document: Any) -> None:
    register_managed_instance(INSTANCE, platform_type="Linux")
    windows = "i-0aaaaaaaaaaaaaaaa"
    register_managed_instance(windows, platform_type="Windows")
    shell_only = ssm_document(command_document(schema_version="1.2", action="aws:runShellScript"))

    expect_error(
        ssm_client.create_association,
        "UnsupportedPlatformType",
        INSTANCE,
        Name="AWS-ApplyPatchBaseline",
        InstanceId=INSTANCE,
        Parameters={"Operation": ["Scan"]},
    )
    expect_error(ssm_client.create_association, "UnsupportedPlatformType", windows, Name=shell_only, InstanceId=windows)
    ssm_client.create_association(Name="AWS-ApplyPatchBaseline", InstanceId=windows, Parameters={"Operation": ["Scan"]})
    ssm_client.create_association(Name=shell_only, InstanceId=INSTANCE)
    assert _count(ssm_client) == 2


def test_unmanaged_instance_is_invalid_instance_id(ssm_client: Any) -> None:
    expect_error(
        ssm_client.create_association, "InvalidInstanceId", INSTANCE, Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE
    )


def test_terminated_ec2_instance_is_not_managed(ssm_client: Any, managed_instance: Any) -> None:
    """The model: valid states are Running, Pending, Stopped and Stopping; Terminated is not."""
    instance_id = managed_instance()
    boto3.client("ec2", region_name=REGION).terminate_instances(InstanceIds=[instance_id])

    expect_error(
        ssm_client.create_association,
        "InvalidInstanceId",
        instance_id,
        Name="AWS-UpdateSSMAgent",
        InstanceId=instance_id,
    )
    assert _count(ssm_client) == 0


def test_stopped_ec2_instance_is_still_a_managed_node(ssm_client: Any, managed_instance: Any) -> None:
    instance_id = managed_instance()
    boto3.client("ec2", region_name=REGION).stop_instances(InstanceIds=[instance_id])

    created = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=instance_id)

    assert created["AssociationDescription"]["InstanceId"] == instance_id


def test_running_ec2_instance_in_another_region_is_not_managed_here(ssm_client: Any) -> None:
    ec2 = boto3.client("ec2", region_name="us-west-2")
    instance_id = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]

    expect_error(
        ssm_client.create_association,
        "InvalidInstanceId",
        instance_id,
        Name="AWS-UpdateSSMAgent",
        InstanceId=instance_id,
    )
    west = boto3.client("ssm", region_name="us-west-2")
    assert west.create_association(Name="AWS-UpdateSSMAgent", InstanceId=instance_id)["AssociationDescription"]


# --- model-driven ValidationException -------------------------------------------------------


def _validation_message(call: Any, **kwargs: Any) -> str:
    message = expect_error(call, "ValidationException", **kwargs)
    assert VALIDATION_MESSAGE.match(message), message
    return message


def test_pattern_violation_message_format(ssm_client: Any) -> None:
    raw = unvalidated_client()
    name = "x" * 129

    message = _validation_message(raw.create_association, Name=name, Targets=TAG_TARGETS)

    assert message == (
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
    )
    assert _count(ssm_client) == 0


def test_association_id_pattern(ssm_client: Any) -> None:
    raw = unvalidated_client()

    for call in (raw.describe_association, raw.delete_association, raw.list_association_versions):
        message = _validation_message(call, AssociationId="not-a-uuid")
        assert message == (
            "1 validation error detected: Value 'not-a-uuid' at 'associationId' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {ASSOCIATION_ID_PATTERN}"
        )


def test_max_results_51_is_out_of_range(ssm_client: Any) -> None:
    raw = unvalidated_client()
    expected = (
        "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 50"
    )

    assert _validation_message(raw.list_associations, MaxResults=51) == expected
    assert _validation_message(raw.list_association_versions, AssociationId=ASSOCIATION_ID_SAMPLE, MaxResults=51) == (
        expected
    )


ASSOCIATION_ID_SAMPLE = "00000000-0000-4000-8000-000000000000"


def test_enum_violation(ssm_client: Any) -> None:
    raw = unvalidated_client()

    message = _validation_message(raw.create_association, ComplianceSeverity="SEVERE", Targets=TAG_TARGETS, **SHELL)

    assert message.endswith(
        "Value 'SEVERE' at 'complianceSeverity' failed to satisfy constraint: "
        "Member must satisfy enum value set: [CRITICAL, HIGH, MEDIUM, LOW, UNSPECIFIED]"
    )


def test_more_than_five_targets(ssm_client: Any) -> None:
    raw = unvalidated_client()
    targets = [{"Key": f"tag:k{n}", "Values": ["v"]} for n in range(6)]

    message = _validation_message(raw.create_association, Targets=targets, **SHELL)

    assert message.startswith("1 validation error detected: Value '")
    assert "at 'targets' failed to satisfy constraint: Member must have length less than or equal to 5" in message
    assert _count(ssm_client) == 0


def test_several_violations_are_counted(ssm_client: Any) -> None:
    raw = unvalidated_client()

    message = _validation_message(
        raw.create_association, Targets=TAG_TARGETS, MaxErrors="lots", SyncCompliance="SOMETIMES", **SHELL
    )

    assert message.startswith("2 validation errors detected: ")
    assert "at 'maxErrors' failed to satisfy constraint: Member must satisfy regular expression pattern" in message
    assert "Value 'SOMETIMES' at 'syncCompliance'" in message
    assert len(message.split("; ")) == 2


def test_nested_member_paths(ssm_client: Any) -> None:
    raw = unvalidated_client()

    key_message = _validation_message(raw.create_association, Targets=[{"Key": "k" * 164, "Values": ["v"]}], **SHELL)
    filter_message = _validation_message(
        raw.list_associations, AssociationFilterList=[{"key": "Colour", "value": "blue"}]
    )
    status_message = _validation_message(
        raw.update_association_status,
        Name="AWS-UpdateSSMAgent",
        InstanceId=INSTANCE,
        AssociationStatus={"Date": 1424421071, "Name": "Associated", "Message": "m"},
    )

    assert (
        "at 'targets.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 163"
        in (key_message)
    )
    assert "Value 'Colour' at 'associationFilterList.1.member.key' failed to satisfy constraint" in filter_message
    assert "Value 'Associated' at 'associationStatus.name' failed to satisfy constraint: " in status_message
    assert "Member must satisfy enum value set: [Pending, Success, Failed]" in status_message


def test_create_constraints(ssm_client: Any) -> None:
    raw = unvalidated_client()
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"ScheduleExpression": "rate(1 day)" + " " * 246},
            "scheduleExpression",
            "have length less than or equal to 256",
        ),
        ({"ScheduleOffset": 7}, "scheduleOffset", "have value less than or equal to 6"),
        ({"Duration": 25}, "duration", "have value less than or equal to 24"),
        ({"MaxConcurrency": "0"}, "maxConcurrency", "satisfy regular expression pattern"),
        ({"AssociationName": "bad name!"}, "associationName", "satisfy regular expression pattern"),
        ({"DocumentVersion": "v1"}, "documentVersion", "satisfy regular expression pattern"),
        ({"AssociationDispatchAssumeRole": "role"}, "associationDispatchAssumeRole", "satisfy regular expression"),
        ({"InstanceId": "i-123"}, "instanceId", "satisfy regular expression pattern"),
    ]

    for kwargs, path, constraint in cases:
        request = {"Targets": TAG_TARGETS, **SHELL, **kwargs}
        if "InstanceId" in kwargs:
            del request["Targets"]
        message = _validation_message(raw.create_association, **request)
        assert re.search(rf"at '{path}' failed to satisfy constraint: Member must {constraint}", message), message
    assert _count(ssm_client) == 0


def test_message_over_1024_characters(ssm_client: Any) -> None:
    raw = unvalidated_client()

    message = _validation_message(
        raw.update_association_status,
        Name="AWS-UpdateSSMAgent",
        InstanceId=INSTANCE,
        AssociationStatus={"Date": 1424421071, "Name": "Failed", "Message": "m" * 1025},
    )

    assert (
        "at 'associationStatus.message' failed to satisfy constraint: Member must have length less than or equal"
        in (message)
    )


def test_missing_required_member_is_not_null_violation(ssm_client: Any) -> None:
    raw = unvalidated_client()

    message = _validation_message(raw.update_association, Parameters={"commands": ["id"]})

    assert message == (
        "1 validation error detected: Value null at 'associationId' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_batch_entry_paths(ssm_client: Any) -> None:
    raw = unvalidated_client()

    message = _validation_message(
        raw.create_association_batch,
        Entries=[{"Targets": TAG_TARGETS, **SHELL}, {"Name": "x", "Targets": TAG_TARGETS}],
    )

    assert "Value 'x' at 'entries.2.member.name' failed to satisfy constraint" in message
    assert _count(ssm_client) == 0


def test_wrong_json_types_are_serialization_exception(ssm_client: Any) -> None:
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("ListAssociations", {"MaxResults": "ten"}, "maxResults"),
        ("CreateAssociation", {**SHELL, "Targets": {"Key": "tag:a", "Values": ["b"]}}, "targets"),
        ("CreateAssociation", {**SHELL, "Targets": TAG_TARGETS, "ApplyOnlyAtCronInterval": "yes"}, "applyOnly"),
        (
            "CreateAssociation",
            {"Name": "AWS-RunShellScript", "Targets": TAG_TARGETS, "Parameters": ["x"]},
            "parameters",
        ),
        ("DescribeAssociation", {"AssociationId": 12345}, "associationId"),
        ("CreateAssociation", ["not", "an", "object"], ""),
    ]

    for operation, body, mention in cases:
        expect_error(send_json, "SerializationException", mention, operation=operation, body=body)
    assert _count(ssm_client) == 0
