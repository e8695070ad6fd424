"""The traces runs leave, through the server: events that a rule of the server's EventBridge delivers to its SQS,
and compliance over the API, from a successful run and then a failed one (the clock and run-outcome controls)."""

from __future__ import annotations

from .helpers import INSTANCE, SHELL
from .test_clock_server import advance
from .test_events import ASSOCIATION, COMPLIANCE, INSTANCE_ASSOCIATION, by_type, received, subscribe
from .test_server import call, client, register


def test_runs_put_events_and_write_compliance_through_the_server(served_mock: str) -> None:
    register(served_mock)
    ssm, sqs = client(served_mock), client(served_mock, "sqs")
    queue_url = subscribe(client(served_mock, "events"), sqs)
    association_id = ssm.create_association(
        **SHELL, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}], ComplianceSeverity="CRITICAL"
    )["AssociationDescription"]["AssociationId"]

    advance(served_mock, 0)  # the creation run succeeds
    first = by_type(received(sqs, queue_url))
    status, body = call(
        served_mock, "POST", "/ssm-assoc-mock/run-outcome", {"AssociationId": association_id, "Status": "Failed"}
    )
    assert status == 200, body
    ssm.start_associations_once(AssociationIds=[association_id])
    second = by_type(received(sqs, queue_url))

    assert [event["detail"]["status"] for event in first[INSTANCE_ASSOCIATION] + second[INSTANCE_ASSOCIATION]] == [
        "Success",
        "Failed",
    ]
    assert [event["detail"]["status"] for event in first[ASSOCIATION] + second[ASSOCIATION]] == ["Success", "Failed"]
    assert [event["detail"]["compliance-status"] for event in first[COMPLIANCE] + second[COMPLIANCE]] == [
        "compliant",
        "non_compliant",
    ]
    (item,) = ssm.list_compliance_items(ResourceIds=[INSTANCE])["ComplianceItems"]
    assert (item["Id"], item["Status"], item["Severity"]) == (association_id, "NON_COMPLIANT", "CRITICAL")
    (summary,) = ssm.list_compliance_summaries()["ComplianceSummaryItems"]
    assert summary["NonCompliantSummary"]["SeveritySummary"]["CriticalCount"] == 1
