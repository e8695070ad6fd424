"""Configuration compliance: PutComplianceItems, ListComplianceItems, ListComplianceSummaries and
ListResourceComplianceSummaries (reference state-manager-runtime.md section 3), through boto3 only."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import boto3
import pytest

from ssm_assoc_mock import register_managed_instance

from .helpers import INSTANCE, OTHER_INSTANCE, expect_error
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")

WHEN = datetime(2019, 2, 18, 16, 0, tzinfo=timezone.utc)
NONE = {"CriticalCount": 0, "HighCount": 0, "MediumCount": 0, "LowCount": 0, "InformationalCount": 0}


def severities(**counts: int) -> dict[str, int]:
    return {**NONE, "UnspecifiedCount": 0, **counts}


def put_request(items: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    """A PutComplianceItems request for the node INSTANCE, type Custom:AVCheck unless ``kwargs`` say otherwise."""
    return {
        "ResourceId": INSTANCE,
        "ResourceType": "ManagedInstance",
        "ComplianceType": "Custom:AVCheck",
        "ExecutionSummary": {"ExecutionTime": WHEN},
        "Items": items,
        **kwargs,
    }


def put(ssm_client: Any, items: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    return assert_output_shape("PutComplianceItems", ssm_client.put_compliance_items(**put_request(items, **kwargs)))


def list_items(ssm_client: Any, **kwargs: Any) -> list[dict[str, Any]]:
    request = {"ResourceIds": [INSTANCE], "ResourceTypes": ["ManagedInstance"], **kwargs}
    response = assert_output_shape("ListComplianceItems", ssm_client.list_compliance_items(**request))
    return list(response["ComplianceItems"])


@pytest.fixture
def node(ssm_client: Any) -> str:
    register_managed_instance(INSTANCE, tags={"Env": "prod"})
    register_managed_instance(OTHER_INSTANCE, platform_type="Windows")
    return INSTANCE


def test_put_then_list_the_documented_custom_item(ssm_client: Any, node: str) -> None:
    """The CLI's put-compliance-items example, read back as list-compliance-items shows it."""
    put(ssm_client, [{"Id": "Version2.0", "Title": "ScanHost", "Severity": "CRITICAL", "Status": "COMPLIANT"}])
    assert list_items(ssm_client) == [
        {
            "ComplianceType": "Custom:AVCheck",
            "ResourceType": "ManagedInstance",
            "ResourceId": INSTANCE,
            "Id": "Version2.0",
            "Title": "ScanHost",
            "Status": "COMPLIANT",
            "Severity": "CRITICAL",
            "ExecutionSummary": {"ExecutionTime": WHEN},
        }
    ]


def test_complete_upload_replaces_every_item_of_the_type(ssm_client: Any, node: str) -> None:
    put(ssm_client, [{"Id": "a", "Severity": "LOW", "Status": "COMPLIANT"}])
    put(ssm_client, [{"Id": "x", "Severity": "HIGH", "Status": "COMPLIANT"}], ComplianceType="Custom:Other")
    put(
        ssm_client,
        [{"Id": "b", "Severity": "HIGH", "Status": "NON_COMPLIANT", "Details": {"Reason": "old"}}],
        ExecutionSummary={"ExecutionTime": WHEN, "ExecutionId": "run-2", "ExecutionType": "Command"},
    )
    items = {(item["ComplianceType"], item["Id"]): item for item in list_items(ssm_client)}
    assert sorted(items) == [("Custom:AVCheck", "b"), ("Custom:Other", "x")]
    assert items["Custom:AVCheck", "b"]["ExecutionSummary"] == {
        "ExecutionTime": WHEN,
        "ExecutionId": "run-2",
        "ExecutionType": "Command",
    }
    assert items["Custom:AVCheck", "b"]["Details"] == {"Reason": "old"}
    # An empty list clears the type.
    put(ssm_client, [])
    assert [item["ComplianceType"] for item in list_items(ssm_client)] == ["Custom:Other"]


def test_a_matching_content_hash_ignores_the_upload(ssm_client: Any, node: str) -> None:
    put(ssm_client, [{"Id": "a", "Severity": "LOW", "Status": "COMPLIANT"}], ItemContentHash="abc")
    put(ssm_client, [{"Id": "b", "Severity": "LOW", "Status": "NON_COMPLIANT"}], ItemContentHash="abc")
    assert [item["Id"] for item in list_items(ssm_client)] == ["a"]
    put(ssm_client, [{"Id": "c", "Severity": "LOW", "Status": "COMPLIANT"}], ItemContentHash="def")
    assert [item["Id"] for item in list_items(ssm_client)] == ["c"]


def test_resource_summaries_count_items_per_node_and_type(ssm_client: Any, node: str) -> None:
    put(
        ssm_client,
        [
            {"Id": "a", "Severity": "CRITICAL", "Status": "COMPLIANT"},
            {"Id": "b", "Severity": "MEDIUM", "Status": "NON_COMPLIANT"},
            {"Id": "c", "Severity": "LOW", "Status": "NON_COMPLIANT"},
        ],
    )
    put(ssm_client, [{"Id": "d", "Severity": "UNSPECIFIED", "Status": "COMPLIANT"}], ResourceId=OTHER_INSTANCE)
    response = assert_output_shape("ListResourceComplianceSummaries", ssm_client.list_resource_compliance_summaries())
    summaries = {item["ResourceId"]: item for item in response["ResourceComplianceSummaryItems"]}
    assert summaries[INSTANCE] == {
        "ComplianceType": "Custom:AVCheck",
        "ResourceType": "ManagedInstance",
        "ResourceId": INSTANCE,
        "Status": "NON_COMPLIANT",
        "OverallSeverity": "MEDIUM",  # the highest among the non-compliant items
        "ExecutionSummary": {"ExecutionTime": WHEN},
        "CompliantSummary": {"CompliantCount": 1, "SeveritySummary": severities(CriticalCount=1)},
        "NonCompliantSummary": {"NonCompliantCount": 2, "SeveritySummary": severities(MediumCount=1, LowCount=1)},
    }
    assert summaries[OTHER_INSTANCE]["Status"] == "COMPLIANT"
    assert summaries[OTHER_INSTANCE]["OverallSeverity"] == "UNSPECIFIED"


def test_compliance_summaries_count_resources_per_type(ssm_client: Any, node: str) -> None:
    put(ssm_client, [{"Id": "a", "Severity": "HIGH", "Status": "NON_COMPLIANT"}])
    put(ssm_client, [{"Id": "a", "Severity": "LOW", "Status": "COMPLIANT"}], ResourceId=OTHER_INSTANCE)
    put(ssm_client, [{"Id": "p", "Severity": "LOW", "Status": "COMPLIANT"}] * 3, ComplianceType="Patch")
    response = assert_output_shape("ListComplianceSummaries", ssm_client.list_compliance_summaries())
    assert response["ComplianceSummaryItems"] == [
        {
            "ComplianceType": "Custom:AVCheck",
            "CompliantSummary": {"CompliantCount": 1, "SeveritySummary": severities(LowCount=1)},
            "NonCompliantSummary": {"NonCompliantCount": 1, "SeveritySummary": severities(HighCount=1)},
        },
        {
            "ComplianceType": "Patch",
            "CompliantSummary": {"CompliantCount": 1, "SeveritySummary": severities(LowCount=1)},
            "NonCompliantSummary": {"NonCompliantCount": 0, "SeveritySummary": severities()},
        },
    ]


def test_filters(ssm_client: Any, node: str) -> None:
    put(
        ssm_client,
        [
            {"Id": "a", "Severity": "CRITICAL", "Status": "NON_COMPLIANT", "Details": {"DocumentName": "Doc-A"}},
            {"Id": "b", "Severity": "LOW", "Status": "COMPLIANT", "Details": {"DocumentName": "Doc-B"}},
        ],
    )
    put(ssm_client, [{"Id": "w", "Severity": "LOW", "Status": "COMPLIANT"}], ResourceId=OTHER_INSTANCE)

    def ids(*filters: dict[str, Any]) -> list[str]:
        return [item["Id"] for item in list_items(ssm_client, Filters=list(filters))]

    assert ids({"Key": "Status", "Values": ["NON_COMPLIANT"]}) == ["a"]
    assert ids({"Key": "Severity", "Values": ["LOW", "CRITICAL"], "Type": "EQUAL"}) == ["a", "b"]
    assert ids({"Key": "DocumentName", "Values": ["Doc-A"], "Type": "NOT_EQUAL"}) == ["b"]
    assert ids({"Key": "Id", "Values": ["b"], "Type": "BEGIN_WITH"}) == ["b"]
    assert ids({"Key": "ComplianceType", "Values": ["Custom:AVCheck"]}, {"Key": "Id", "Values": ["a"]}) == ["a"]
    assert ids({"Key": "ExecutionTime", "Values": ["2019-02-18T15:00:00Z"], "Type": "GREATER_THAN"}) == ["a", "b"]
    assert ids({"Key": "ExecutionTime", "Values": ["2019-02-18T15:00:00Z"], "Type": "LESS_THAN"}) == []

    def resources(*filters: dict[str, Any]) -> list[str]:
        response = ssm_client.list_resource_compliance_summaries(Filters=list(filters))
        return [item["ResourceId"] for item in response["ResourceComplianceSummaryItems"]]

    assert resources({"Key": "OverallSeverity", "Values": ["CRITICAL"]}) == [INSTANCE]
    assert resources({"Key": "AWS:InstanceInformation.PlatformType", "Values": ["Windows"]}) == [OTHER_INSTANCE]
    assert resources({"Key": "InstanceId", "Values": [OTHER_INSTANCE], "Type": "NOT_EQUAL"}) == [INSTANCE]
    summary = ssm_client.list_compliance_summaries(Filters=[{"Key": "Status", "Values": ["NON_COMPLIANT"]}])
    assert [item["NonCompliantSummary"]["NonCompliantCount"] for item in summary["ComplianceSummaryItems"]] == [1]

    for call in (ssm_client.list_compliance_summaries, ssm_client.list_resource_compliance_summaries):
        expect_error(call, "InvalidFilter", "Colour", Filters=[{"Key": "Colour", "Values": ["red"]}])
    expect_error(
        ssm_client.list_compliance_items,
        "InvalidFilter",
        "ExecutionTime",
        Filters=[{"Key": "ExecutionTime", "Values": ["yesterday"], "Type": "LESS_THAN"}],
    )


def test_paging(ssm_client: Any, node: str) -> None:
    put(ssm_client, [{"Id": f"item-{n:02}", "Severity": "LOW", "Status": "COMPLIANT"} for n in range(7)])
    seen: list[str] = []
    token: dict[str, str] = {}
    while True:
        response = ssm_client.list_compliance_items(ResourceIds=[INSTANCE], MaxResults=3, **token)
        seen += [item["Id"] for item in response["ComplianceItems"]]
        if "NextToken" not in response:
            break
        token = {"NextToken": response["NextToken"]}
    assert seen == [f"item-{n:02}" for n in range(7)]
    paginator = ssm_client.get_paginator("list_compliance_items")
    pages = list(paginator.paginate(ResourceIds=[INSTANCE], PaginationConfig={"PageSize": 5}))
    assert [len(page["ComplianceItems"]) for page in pages] == [5, 2]
    expect_error(ssm_client.list_compliance_items, "InvalidNextToken", ResourceIds=[INSTANCE], NextToken="nope")
    expect_error(ssm_client.list_compliance_summaries, "InvalidNextToken", NextToken="nope")


def test_errors(ssm_client: Any, node: str) -> None:
    item = [{"Id": "a", "Severity": "LOW", "Status": "COMPLIANT"}]
    expect_error(
        ssm_client.put_compliance_items, "InvalidResourceType", "Instance", **put_request(item, ResourceType="Instance")
    )
    expect_error(
        ssm_client.put_compliance_items,
        "InvalidResourceId",
        "i-0000000000000000f",
        **put_request(item, ResourceId="i-0000000000000000f"),
    )
    expect_error(
        ssm_client.put_compliance_items,
        "ValidationException",
        "complianceType",
        **put_request(item, ComplianceType="Custom:"),
    )
    expect_error(
        ssm_client.list_compliance_items, "InvalidResourceId", "one resource", ResourceIds=[INSTANCE, OTHER_INSTANCE]
    )
    expect_error(ssm_client.list_compliance_items, "InvalidResourceType", ResourceTypes=["Document"])


def test_at_most_ten_custom_types_per_node(ssm_client: Any, node: str) -> None:
    item = [{"Id": "a", "Severity": "LOW", "Status": "COMPLIANT"}]
    for n in range(10):
        put(ssm_client, item, ComplianceType=f"Custom:Type{n}")
    put(ssm_client, item, ComplianceType="Custom:Type3")  # an existing type: still fine
    put(ssm_client, item, ComplianceType="Patch")  # built-in types do not count
    expect_error(
        ssm_client.put_compliance_items,
        "ComplianceTypeCountLimitExceededException",
        "10",
        **put_request(item, ComplianceType="Custom:Type10"),
    )
    put(ssm_client, item, ComplianceType="Custom:Type10", ResourceId=OTHER_INSTANCE)  # per node


def test_item_size_limits(ssm_client: Any, node: str) -> None:
    big = {f"k{n}": "x" * 4096 for n in range(60)}
    expect_error(
        ssm_client.put_compliance_items,
        "ItemSizeLimitExceededException",
        **put_request([{"Id": "a", "Severity": "LOW", "Status": "COMPLIANT", "Details": big}]),
    )
    medium = {f"k{n}": "x" * 4096 for n in range(40)}
    expect_error(
        ssm_client.put_compliance_items,
        "TotalSizeLimitExceededException",
        **put_request([{"Id": str(n), "Severity": "LOW", "Status": "COMPLIANT", "Details": medium} for n in range(40)]),
    )


def test_partial_uploads_need_a_manual_association(ssm_client: Any, node: str) -> None:
    manual = ssm_client.create_association(
        Name="AWS-RunShellScript",
        Parameters={"commands": ["id"]},
        Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}],
        SyncCompliance="MANUAL",
    )["AssociationDescription"]["AssociationId"]
    auto = ssm_client.create_association(
        Name="AWS-RunShellScript",
        Parameters={"commands": ["id"]},
        Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}],
    )["AssociationDescription"]["AssociationId"]
    put(ssm_client, [{"Id": "other", "Severity": "LOW", "Status": "COMPLIANT"}], ComplianceType="Association")
    put(
        ssm_client,
        [{"Id": manual, "Severity": "HIGH", "Status": "NON_COMPLIANT"}],
        ComplianceType="Association",
        UploadType="PARTIAL",
    )
    assert [(item["Id"], item["Status"]) for item in list_items(ssm_client)] == [
        ("other", "COMPLIANT"),
        (manual, "NON_COMPLIANT"),
    ]
    for compliance_type, item_id, mention in (
        ("Association", auto, "AUTO"),
        ("Association", "unknown", "does not exist"),
        ("Custom:AV", manual, "PARTIAL"),
    ):
        expect_error(
            ssm_client.put_compliance_items,
            "InvalidItemContentException",
            mention,
            **put_request(
                [{"Id": item_id, "Severity": "LOW", "Status": "COMPLIANT"}],
                ComplianceType=compliance_type,
                UploadType="PARTIAL",
            ),
        )


def test_state_is_per_account_and_region(ssm_client: Any, node: str) -> None:
    put(ssm_client, [{"Id": "a", "Severity": "LOW", "Status": "COMPLIANT"}])
    other_region = boto3.client("ssm", region_name="eu-west-1")
    assert other_region.list_compliance_items(ResourceIds=[INSTANCE])["ComplianceItems"] == []
    assert other_region.list_compliance_summaries()["ComplianceSummaryItems"] == []
