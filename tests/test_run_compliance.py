"""Compliance that runs leave (reference state-manager-runtime.md section 3): with SyncCompliance AUTO each
finished run writes the node's Association item; MANUAL leaves it to PutComplianceItems. Read through the
compliance calls only."""

from __future__ import annotations

from typing import Any

import pytest

import ssm_assoc_mock

from .helpers import INSTANCE, OTHER_INSTANCE, SHELL
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")

NONE = {"CriticalCount": 0, "HighCount": 0, "MediumCount": 0, "LowCount": 0, "InformationalCount": 0}


def severities(**counts: int) -> dict[str, int]:
    return {**NONE, "UnspecifiedCount": 0, **counts}


def association_items(ssm_client: Any, node: str) -> list[dict[str, Any]]:
    response = ssm_client.list_compliance_items(
        ResourceIds=[node], Filters=[{"Key": "ComplianceType", "Values": ["Association"]}]
    )
    return list(assert_output_shape("ListComplianceItems", response)["ComplianceItems"])


def resource_summaries(ssm_client: Any) -> dict[str, dict[str, Any]]:
    response = assert_output_shape("ListResourceComplianceSummaries", ssm_client.list_resource_compliance_summaries())
    return {item["ResourceId"]: item for item in response["ResourceComplianceSummaryItems"]}


@pytest.fixture
def nodes(ssm_client: Any) -> list[str]:
    for instance_id in (INSTANCE, OTHER_INSTANCE):
        ssm_assoc_mock.register_managed_instance(instance_id, tags={"Role": "web"})
    return [INSTANCE, OTHER_INSTANCE]


def create(ssm_client: Any, **kwargs: Any) -> str:
    request = {**SHELL, "Targets": [{"Key": "tag:Role", "Values": ["web"]}], **kwargs}
    return str(ssm_client.create_association(**request)["AssociationDescription"]["AssociationId"])


def test_a_run_writes_each_node_its_association_item_as_aws_lists_it(ssm_client: Any, nodes: list[str]) -> None:
    association_id = create(ssm_client)
    ssm_assoc_mock.simulate_run(association_id, instance_statuses={OTHER_INSTANCE: "Failed"})

    (execution,) = ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
    ran_at = execution["CreatedTime"]
    expected = {
        "ComplianceType": "Association",
        "ResourceType": "ManagedInstance",
        "ResourceId": INSTANCE,
        "Id": association_id,
        "Title": "",
        "Status": "COMPLIANT",
        "Severity": "UNSPECIFIED",
        "ExecutionSummary": {"ExecutionTime": ran_at},
        "Details": {"DocumentName": "AWS-RunShellScript", "DocumentVersion": "1"},
    }
    assert association_items(ssm_client, INSTANCE) == [expected]
    assert association_items(ssm_client, OTHER_INSTANCE) == [
        {**expected, "ResourceId": OTHER_INSTANCE, "Status": "NON_COMPLIANT"}
    ]
    summaries = resource_summaries(ssm_client)
    assert summaries[INSTANCE]["Status"] == "COMPLIANT"
    assert summaries[OTHER_INSTANCE]["Status"] == "NON_COMPLIANT"
    assert summaries[OTHER_INSTANCE]["NonCompliantSummary"] == {
        "NonCompliantCount": 1,
        "SeveritySummary": severities(UnspecifiedCount=1),
    }
    by_type = assert_output_shape("ListComplianceSummaries", ssm_client.list_compliance_summaries())
    assert by_type["ComplianceSummaryItems"] == [
        {
            "ComplianceType": "Association",
            "CompliantSummary": {"CompliantCount": 1, "SeveritySummary": severities(UnspecifiedCount=1)},
            "NonCompliantSummary": {"NonCompliantCount": 1, "SeveritySummary": severities(UnspecifiedCount=1)},
        }
    ]


def test_the_clock_runs_flip_compliance_with_the_association_severity(ssm_client: Any, nodes: list[str]) -> None:
    association_id = create(ssm_client, ComplianceSeverity="HIGH", ScheduleExpression="rate(30 minutes)")
    other_id = create(ssm_client, Name="AWS-UpdateSSMAgent", Parameters={})
    ssm_assoc_mock.advance_clock(0)
    first = {item["Id"]: item for item in association_items(ssm_client, INSTANCE)}
    assert {item["Status"] for item in first.values()} == {"COMPLIANT"}
    assert (first[association_id]["Severity"], first[other_id]["Severity"]) == ("HIGH", "UNSPECIFIED")

    ssm_assoc_mock.set_run_outcome(association_id, instance_statuses={INSTANCE: "TimedOut"})
    ssm_assoc_mock.advance_clock(30 * 60)
    execution = ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"][0]
    items = {item["Id"]: item for item in association_items(ssm_client, INSTANCE)}
    assert items[association_id]["Status"] == "NON_COMPLIANT"
    assert items[association_id]["ExecutionSummary"] == {"ExecutionTime": execution["CreatedTime"]}
    assert items[other_id] == first[other_id]  # the other association's item is as its own run left it
    summary = resource_summaries(ssm_client)[INSTANCE]
    assert (summary["Status"], summary["OverallSeverity"]) == ("NON_COMPLIANT", "HIGH")
    assert summary["CompliantSummary"]["CompliantCount"] == 1
    assert resource_summaries(ssm_client)[OTHER_INSTANCE]["Status"] == "COMPLIANT"


def test_unfinished_and_skipped_runs_leave_compliance_as_it_was(ssm_client: Any, nodes: list[str]) -> None:
    association_id = create(ssm_client)
    ssm_assoc_mock.simulate_run(association_id, instance_statuses={OTHER_INSTANCE: "Failed"})
    before = [association_items(ssm_client, node) for node in nodes]
    ssm_assoc_mock.simulate_run(association_id, instance_statuses={INSTANCE: "Pending", OTHER_INSTANCE: "Skipped"})
    assert [association_items(ssm_client, node) for node in nodes] == before


def test_manual_sync_leaves_association_compliance_to_the_caller(ssm_client: Any, nodes: list[str]) -> None:
    association_id = create(ssm_client, SyncCompliance="MANUAL")
    ssm_assoc_mock.simulate_run(association_id, status="Failed")
    assert association_items(ssm_client, INSTANCE) == []

    ssm_client.put_compliance_items(
        ResourceId=INSTANCE,
        ResourceType="ManagedInstance",
        ComplianceType="Association",
        ExecutionSummary={"ExecutionTime": 1550505600},
        Items=[{"Id": association_id, "Severity": "LOW", "Status": "COMPLIANT"}],
        UploadType="PARTIAL",
    )
    ssm_assoc_mock.simulate_run(association_id, status="Failed")
    assert [(item["Id"], item["Status"]) for item in association_items(ssm_client, INSTANCE)] == [
        (association_id, "COMPLIANT")
    ]


def test_deleting_an_association_removes_its_items(ssm_client: Any, nodes: list[str]) -> None:
    kept_id = create(ssm_client)
    deleted_id = create(ssm_client, Name="AWS-UpdateSSMAgent", Parameters={})
    ssm_assoc_mock.simulate_run(kept_id)
    ssm_assoc_mock.simulate_run(deleted_id, status="Failed")
    assert resource_summaries(ssm_client)[INSTANCE]["Status"] == "NON_COMPLIANT"

    ssm_client.delete_association(AssociationId=deleted_id)
    assert [item["Id"] for item in association_items(ssm_client, INSTANCE)] == [kept_id]
    assert resource_summaries(ssm_client)[INSTANCE]["Status"] == "COMPLIANT"
    ssm_client.delete_association(AssociationId=kept_id)
    assert resource_summaries(ssm_client) == {}


def test_custom_types_and_run_compliance_on_an_ec2_instance(ssm_client: Any, managed_instance: Any) -> None:
    instance_id = managed_instance()
    association_id = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=instance_id)[
        "AssociationDescription"
    ]["AssociationId"]
    ssm_assoc_mock.simulate_run(association_id)
    ssm_client.put_compliance_items(
        ResourceId=instance_id,
        ResourceType="ManagedInstance",
        ComplianceType="Custom:AVCheck",
        ExecutionSummary={"ExecutionTime": 1550505600},
        Items=[{"Id": "Version2.0", "Title": "ScanHost", "Severity": "CRITICAL", "Status": "NON_COMPLIANT"}],
    )
    listed = ssm_client.list_compliance_items(ResourceIds=[instance_id])["ComplianceItems"]
    assert [(item["ComplianceType"], item["Id"], item["Status"]) for item in listed] == [
        ("Association", association_id, "COMPLIANT"),
        ("Custom:AVCheck", "Version2.0", "NON_COMPLIANT"),
    ]


def test_a_run_replaces_every_item_with_its_id_and_keeps_the_others_in_order(ssm_client: Any, nodes: list[str]) -> None:
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    ssm_client.put_compliance_items(
        ResourceId=INSTANCE,
        ResourceType="ManagedInstance",
        ComplianceType="Association",
        ExecutionSummary={"ExecutionTime": 1550505600},
        Items=[
            {"Id": association_id, "Severity": "LOW", "Status": "NON_COMPLIANT"},
            {"Severity": "LOW", "Status": "NON_COMPLIANT"},
            {"Id": association_id, "Severity": "LOW", "Status": "COMPLIANT"},
            {"Id": "other", "Severity": "LOW", "Status": "COMPLIANT"},
        ],
    )
    ssm_assoc_mock.simulate_run(association_id)
    listed = [(item.get("Id"), item["Status"]) for item in association_items(ssm_client, INSTANCE)]
    assert listed == [(None, "NON_COMPLIANT"), ("other", "COMPLIANT"), (association_id, "COMPLIANT")]
    assert resource_summaries(ssm_client)[INSTANCE]["Status"] == "NON_COMPLIANT"
