"""7. What the traces of a run cost: a run on 10 nodes writing AUTO compliance vs MANUAL (none), and building and
putting its EventBridge events (a rule on the default bus that none of them matches) vs no rule in the region (no
event is built). Delivering to a target is moto's work, not measured here: to SQS it costs milliseconds an event
(moto parses the rule's input template with jsonpath and recomputes the queue's attributes on every send)."""

from __future__ import annotations

import json
from typing import Any

from ._common import REGION, Case, Result, interleaved, summary, us, use_fake_credentials

NODES = 10
EVENTS_REGION = "us-west-2"  # the region with a rule; REGION has none


def run(quick: bool = False) -> list[Result]:
    use_fake_credentials()
    import boto3
    from moto import mock_aws

    import ssm_assoc_mock

    number, rounds = (20, 5) if quick else (100, 9)
    with mock_aws():
        association_ids: dict[str, str] = {}
        for region in (REGION, EVENTS_REGION):
            for index in range(NODES):
                ssm_assoc_mock.register_managed_instance(f"i-{index:017x}", region_name=region, tags={"Role": "bench"})
            ssm = boto3.client("ssm", region_name=region)
            for mode in ("AUTO", "MANUAL"):
                association_ids[f"{region} {mode}"] = ssm.create_association(
                    Name="AWS-RunShellScript",
                    Parameters={"commands": ["id"]},
                    Targets=[{"Key": "tag:Role", "Values": ["bench"]}],
                    SyncCompliance=mode,
                )["AssociationDescription"]["AssociationId"]
        events = boto3.client("events", region_name=EVENTS_REGION)
        events.put_rule(Name="bench", EventPattern=json.dumps({"source": ["aws.ssm"], "detail-type": ["none"]}))

        def run_of(key: str) -> Any:
            association_id, region = association_ids[key], key.split()[0]
            return lambda: ssm_assoc_mock.simulate_run(association_id, region_name=region)

        cases = [
            Case("manual", run_of(f"{REGION} MANUAL")),
            Case("auto", run_of(f"{REGION} AUTO")),
            Case("auto+events", run_of(f"{EVENTS_REGION} AUTO")),
        ]
        samples = interleaved(cases, number, rounds, warmup=5)
    manual, auto, with_events = (summary(samples[name]) for name in ("manual", "auto", "auto+events"))
    notes = {"rounds": rounds, "calls_per_round": number, "nodes": NODES}
    return [
        Result(
            "traces",
            f"simulate_run on {NODES} nodes: AUTO compliance vs MANUAL (no compliance written)",
            f"{us(auto)} vs {us(manual)}",
            auto / manual,
            notes=notes,
        ),
        Result(
            "traces",
            f"simulate_run on {NODES} nodes, AUTO: events built and put (a rule matching none) vs no rule there",
            f"{us(with_events)} vs {us(auto)}",
            with_events / auto,
            notes=notes,
        ),
    ]
