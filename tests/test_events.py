"""EventBridge events runs leave (reference state-manager-runtime.md section 2), read back as a user would:
an SQS queue that a moto events rule on source aws.ssm targets. The events built are also checked, field by
field, against AWS's documented examples."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

import ssm_assoc_mock
from ssm_assoc_mock.models.compliance import ComplianceFlip
from ssm_assoc_mock.models.events import (
    association_event,
    compliance_event,
    instance_association_event,
)

from .helpers import INSTANCE, OTHER_INSTANCE, SHELL, automation_document

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")

ACCOUNT = "123456789012"
REGION = "us-east-1"
ASSOCIATION = "EC2 State Manager Association State Change"
INSTANCE_ASSOCIATION = "EC2 State Manager Instance Association State Change"
COMPLIANCE = "Configuration Compliance State Change"


def subscribe(events: Any, sqs: Any) -> str:
    """A queue that receives every aws.ssm event of the default bus; its URL."""
    queue_url = str(sqs.create_queue(QueueName="ssm-events")["QueueUrl"])
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="ssm-events", EventPattern=json.dumps({"source": ["aws.ssm"]}))
    events.put_targets(Rule="ssm-events", Targets=[{"Id": "queue", "Arn": arn}])
    return queue_url


def received(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every event waiting on the queue, oldest first, removed from it."""
    found: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def by_type(found: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for event in found:
        assert event["source"] == "aws.ssm" and event["region"] == REGION
        assert all(isinstance(value, str) for value in event["detail"].values()), event["detail"]
        grouped.setdefault(event["detail-type"], []).append(event)
    return grouped


@pytest.fixture
def queue(ssm_client: Any) -> tuple[Any, str]:
    for instance_id in (INSTANCE, OTHER_INSTANCE):
        ssm_assoc_mock.register_managed_instance(instance_id, tags={"Role": "web"})
    sqs = boto3.client("sqs", region_name=REGION)
    return sqs, subscribe(boto3.client("events", region_name=REGION), sqs)


def test_a_successful_run_then_a_failed_one(ssm_client: Any, queue: tuple[Any, str]) -> None:
    sqs, queue_url = queue
    association_id = ssm_client.create_association(
        **SHELL,
        Targets=[{"Key": "tag:Role", "Values": ["web"]}],
        ScheduleExpression="rate(30 minutes)",
        OutputLocation={"S3Location": {"OutputS3BucketName": "ssm-logs"}},
    )["AssociationDescription"]["AssociationId"]

    ssm_assoc_mock.simulate_run(association_id)
    first = by_type(received(sqs, queue_url))

    assert sorted(event["detail"]["instance-id"] for event in first[INSTANCE_ASSOCIATION]) == sorted(
        [INSTANCE, OTHER_INSTANCE]
    )
    node_event = next(event for event in first[INSTANCE_ASSOCIATION] if event["detail"]["instance-id"] == INSTANCE)
    assert node_event["resources"] == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{INSTANCE}",
        f"arn:aws:ssm:{REGION}::document/AWS-RunShellScript",
    ]
    detail = node_event["detail"]
    assert (detail["association-id"], detail["status"], detail["error-code"]) == (association_id, "Success", "")
    assert detail["last-successful-execution-date"] == detail["last-execution-date"]
    (status,) = ssm_client.describe_instance_associations_status(InstanceId=INSTANCE)["InstanceAssociationStatusInfos"]
    assert detail["output-url"] == status["OutputUrl"]["S3OutputUrl"]["OutputUrl"]
    assert json.loads(detail["targets"]) == [{"key": "tag:Role", "values": ["web"]}]
    (association_change,) = first[ASSOCIATION]
    assert association_change["resources"] == [f"arn:aws:ssm:{REGION}::document/AWS-RunShellScript"]
    assert association_change["detail"]["status"] == "Success"
    assert association_change["detail"]["association-status-aggregated-count"] == '{"Success":2}'
    assert association_change["detail"]["schedule-expression"] == "rate(30 minutes)"
    assert sorted(event["detail"]["compliance-status"] for event in first[COMPLIANCE]) == ["compliant"] * 2

    ssm_assoc_mock.set_run_outcome(association_id, instance_statuses={OTHER_INSTANCE: "Failed"})
    ssm_assoc_mock.advance_clock(30 * 60)
    second = by_type(received(sqs, queue_url))

    statuses = {event["detail"]["instance-id"]: event["detail"]["status"] for event in second[INSTANCE_ASSOCIATION]}
    assert statuses == {INSTANCE: "Success", OTHER_INSTANCE: "Failed"}
    failed = next(event for event in second[INSTANCE_ASSOCIATION] if event["detail"]["instance-id"] == OTHER_INSTANCE)
    assert failed["detail"]["error-code"] == "1"
    assert failed["detail"]["last-successful-execution-date"] < failed["detail"]["last-execution-date"]
    # As delivered: the time is the run's on State Manager's clock (half an hour ahead of the wall clock now).
    assert failed["time"] == failed["detail"]["last-execution-date"]
    (association_change,) = second[ASSOCIATION]
    assert association_change["detail"]["status"] == "Failed"
    assert association_change["detail"]["association-status-aggregated-count"] == '{"Failed":1,"Success":1}'
    (flip,) = second[COMPLIANCE]  # only the node whose compliance flipped
    assert flip["resources"] == [f"arn:aws:ssm:{REGION}:{ACCOUNT}:managed-instance/{OTHER_INSTANCE}"]
    assert flip["detail"] == {
        "last-runtime": failed["detail"]["last-execution-date"],
        "compliance-status": "non_compliant",
        "resource-type": "managed-instance",
        "resource-id": OTHER_INSTANCE,
        "compliance-type": "Association",
    }

    ssm_assoc_mock.advance_clock(30 * 60)  # the same outcome again: the nodes' results, and nothing flips
    assert set(by_type(received(sqs, queue_url))) == {INSTANCE_ASSOCIATION}


def test_compliance_put_by_the_caller_and_a_deletion_announce_their_flips(
    ssm_client: Any, queue: tuple[Any, str]
) -> None:
    sqs, queue_url = queue
    association_id = ssm_client.create_association(
        **SHELL, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}], SyncCompliance="MANUAL"
    )["AssociationDescription"]["AssociationId"]
    other_id = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"][
        "AssociationId"
    ]
    ssm_assoc_mock.simulate_run(other_id)
    ssm_assoc_mock.simulate_run(association_id, status="Failed")  # MANUAL: compliance is the caller's
    assert [event["detail"]["compliance-status"] for event in by_type(received(sqs, queue_url))[COMPLIANCE]] == [
        "compliant"
    ]

    ssm_client.put_compliance_items(
        ResourceId=INSTANCE,
        ResourceType="ManagedInstance",
        ComplianceType="Association",
        ExecutionSummary={"ExecutionTime": 1550505600},
        Items=[{"Id": association_id, "Severity": "HIGH", "Status": "NON_COMPLIANT"}],
        UploadType="PARTIAL",
    )
    (flip,) = received(sqs, queue_url)
    assert (flip["detail"]["compliance-status"], flip["detail"]["last-runtime"]) == (
        "non_compliant",
        "2019-02-18T16:00:00Z",
    )

    ssm_client.delete_association(AssociationId=association_id)
    (flip,) = received(sqs, queue_url)
    assert flip["detail"]["compliance-status"] == "compliant"


def test_only_managed_nodes_get_instance_events(ssm_client: Any, queue: tuple[Any, str], ssm_document: Any) -> None:
    # A runbook's ParameterValues may name other resources: they are no managed node, so no instance
    # association state changes (nor a managed-instance ARN made of a bucket name).
    sqs, queue_url = queue
    runbook = ssm_document(automation_document(), document_type="Automation")
    association_id = ssm_client.create_association(
        Name=runbook,
        AutomationTargetParameterName="InstanceId",
        Targets=[{"Key": "ParameterValues", "Values": [INSTANCE, "my-bucket"]}],
    )["AssociationDescription"]["AssociationId"]

    ssm_assoc_mock.simulate_run(association_id)

    found = by_type(received(sqs, queue_url))
    assert [event["detail"]["instance-id"] for event in found[INSTANCE_ASSOCIATION]] == [INSTANCE]
    (association_change,) = found[ASSOCIATION]
    assert association_change["detail"]["association-status-aggregated-count"] == '{"Success":2}'


def test_events_are_delivered_on_a_moto_without_partitions(
    ssm_client: Any, queue: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Early moto 5.0 releases have no moto.utilities.utils.get_partition (setup.cfg allows them):
    # an event's ARNs then use the region's partition as AWS names it, and the run does not fail.
    import moto.utilities.utils

    sqs, queue_url = queue
    association_id = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)[
        "AssociationDescription"
    ]["AssociationId"]
    monkeypatch.delattr(moto.utilities.utils, "get_partition")

    ssm_assoc_mock.simulate_run(association_id)

    (node_event,) = by_type(received(sqs, queue_url))[INSTANCE_ASSOCIATION]
    assert node_event["resources"] == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{INSTANCE}",
        f"arn:aws:ssm:{REGION}::document/AWS-UpdateSSMAgent",
    ]


def test_a_failing_delivery_never_fails_the_run(ssm_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="ssm_assoc_mock.models.events")
    ssm_assoc_mock.register_managed_instance(INSTANCE)
    events = boto3.client("events", region_name=REGION)
    events.put_rule(Name="to-nowhere", EventPattern=json.dumps({"source": ["aws.ssm"]}))
    missing_queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:deleted-queue"
    events.put_targets(Rule="to-nowhere", Targets=[{"Id": "gone", "Arn": missing_queue}])
    association_id = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)[
        "AssociationDescription"
    ]["AssociationId"]

    ssm_assoc_mock.simulate_run(association_id, status="Failed")

    overview = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]["Overview"]
    assert overview["Status"] == "Failed"
    assert "EventBridge delivery of State Manager events failed" in caplog.text  # said, at debug level


# --- the events built, against AWS's documented examples (EventBridge event examples) ---------------


def test_the_association_event_is_built_as_aws_documents_it(ssm_client: Any) -> None:
    region = "us-east-2"
    ssm = boto3.client("ssm", region_name=region)
    ssm_assoc_mock.register_managed_instance("i-12345678", region_name=region, platform_type="Windows")
    with freeze_time("2017-02-13T17:22:54.458Z"):
        association_id = ssm.create_association(
            Name="AWS-RunPowerShellScript",
            Parameters={"commands": ["Get-Date"]},
            Targets=[{"Key": "InstanceIds", "Values": ["i-12345678"]}],
            ScheduleExpression="cron(0 */30 * * * ? *)",
        )["AssociationDescription"]["AssociationId"]
    with freeze_time("2017-05-16T23:00:01Z"):
        ssm_assoc_mock.simulate_run(association_id, region_name=region)
    backend = ssm_assoc_mock.backend(region_name=region)
    association = backend.associations[association_id]

    event = association_event(association, ACCOUNT, region, association.last_execution_date)

    assert event.pop("id")
    assert event == {
        "version": "0",
        "detail-type": "EC2 State Manager Association State Change",
        "source": "aws.ssm",
        "account": "123456789012",
        "time": "2017-05-16T23:00:01Z",
        "region": "us-east-2",
        "resources": ["arn:aws:ssm:us-east-2::document/AWS-RunPowerShellScript"],
        "detail": {
            "association-id": association_id,
            "document-name": "AWS-RunPowerShellScript",
            "association-version": "1",
            "document-version": "Optional.empty",
            "targets": '[{"key":"InstanceIds","values":["i-12345678"]}]',
            "creation-date": "2017-02-13T17:22:54.458Z",
            "last-successful-execution-date": "2017-05-16T23:00:01Z",
            "last-execution-date": "2017-05-16T23:00:01Z",
            "last-updated-date": "2017-02-13T17:22:54.458Z",
            "status": "Success",
            "association-status-aggregated-count": '{"Success":1}',
            "schedule-expression": "cron(0 */30 * * * ? *)",
            "association-cwe-version": "1.0",
        },
    }


def test_the_instance_association_event_is_built_as_aws_documents_it(ssm_client: Any) -> None:
    region = "us-east-2"
    ssm = boto3.client("ssm", region_name=region)
    ssm_assoc_mock.register_managed_instance("i-12345678", region_name=region)
    content = {"schemaVersion": "2.2", "mainSteps": [{"action": "aws:runShellScript", "name": "run", "inputs": {}}]}
    ssm.create_document(Name="my-custom-document", Content=json.dumps(content), DocumentType="Command")
    with freeze_time("2017-02-23T15:23:48Z"):
        # The example spells the key instanceids; the package stores (and reports) it as InstanceIds.
        association_id = ssm.create_association(
            Name="my-custom-document", Targets=[{"Key": "InstanceIds", "Values": ["i-12345678"]}]
        )["AssociationDescription"]["AssociationId"]
    with freeze_time("2017-02-23T16:23:48Z"):
        ssm_assoc_mock.simulate_run(association_id, region_name=region)
    association = ssm_assoc_mock.backend(region_name=region).associations[association_id]
    execution, target = association.instance_results["i-12345678"]

    event = instance_association_event(association, execution, target, target.date, ACCOUNT, region)

    assert event.pop("id")
    assert event == {
        "version": "0",
        "detail-type": "EC2 State Manager Instance Association State Change",
        "source": "aws.ssm",
        "account": "123456789012",
        "time": "2017-02-23T16:23:48Z",  # the example's 15:23:48 is its creation time: ours is the result's
        "region": "us-east-2",
        "resources": [
            "arn:aws:ec2:us-east-2:123456789012:instance/i-12345678",
            "arn:aws:ssm:us-east-2:123456789012:document/my-custom-document",
        ],
        "detail": {
            "association-id": association_id,
            "instance-id": "i-12345678",
            "document-name": "my-custom-document",
            "document-version": "1",
            "targets": '[{"key":"InstanceIds","values":["i-12345678"]}]',
            "creation-date": "2017-02-23T15:23:48Z",
            "last-successful-execution-date": "2017-02-23T16:23:48Z",
            "last-execution-date": "2017-02-23T16:23:48Z",
            "status": "Success",
            # The example's placeholders (detailed-status "", "testErrorCode", "testExecutionSummary",
            # "sampleurl"): what DescribeInstanceAssociationsStatus shows for the same result.
            "detailed-status": "Success",
            "error-code": "",
            "execution-summary": "1 out of 1 plugin processed, 1 success, 0 failed, 0 timedout, 0 skipped. ",
            "output-url": "",
            "instance-association-cwe-version": "1",
        },
    }


@pytest.mark.parametrize(
    ("status", "time"), [("COMPLIANT", "2017-07-17T19:03:26Z"), ("NON_COMPLIANT", "2017-07-17T19:02:31Z")]
)
def test_the_compliance_event_is_built_as_aws_documents_it(status: str, time: str) -> None:
    flip = ComplianceFlip("i-01234567890abcdef", "Association", status, datetime(2017, 1, 1, 10, 10, 10))

    event = compliance_event(flip, ACCOUNT, "us-east-2", datetime.fromisoformat(time[:-1]))

    assert event.pop("id")
    assert event == {
        "version": "0",
        "detail-type": "Configuration Compliance State Change",
        "source": "aws.ssm",
        "account": "123456789012",
        "time": time,
        "region": "us-east-2",
        "resources": ["arn:aws:ssm:us-east-2:123456789012:managed-instance/i-01234567890abcdef"],
        "detail": {
            "last-runtime": "2017-01-01T10:10:10Z",
            "compliance-status": status.lower(),
            "resource-type": "managed-instance",
            "resource-id": "i-01234567890abcdef",
            "compliance-type": "Association",
        },
    }
