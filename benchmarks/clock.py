"""6. State Manager's clock: one day's advance over 2,000 scheduled associations vs as many DescribeAssociation calls.

An advance must cost what it starts plus the associations with a schedule, never the length of
the window nor every node once per run. The store: 100 running EC2 instances in 50 tag groups
(two each) and 2,000 associations on ``tag:Group`` targets, three in four ``rate(30 minutes)``
and one in four ``cron(0 */2 * * ? *)``. A one-day advance starts 80,000 runs (each creation
run, then 48 or 12 scheduled ones), 160,000 per-node results. Each round starts a fresh mock
(moto's reset returns the clock to moto's time), fills it, then times 2,000
``describe_association`` calls through boto3 and ``advance_clock(86400)`` on the same store.
"""

from __future__ import annotations

import gc
from typing import Any

from ._common import REGION, Result, check, clock, summary, use_fake_credentials

TARGET = "<= 10x"
ASSOCIATIONS = 2_000
NODES = 100
GROUPS = 50
DAY = 86_400


def _schedule(index: int) -> str:
    return "cron(0 */2 * * ? *)" if index % 4 == 0 else "rate(30 minutes)"


def _fill(ec2: Any) -> list[str]:
    """The nodes and the associations (through the backend: boto3 would time the client, not the clock)."""
    import ssm_assoc_mock

    instances = [
        instance["InstanceId"]
        for _ in range(NODES // 50)
        for instance in ec2.run_instances(ImageId="ami-12c6146b", MinCount=50, MaxCount=50)["Instances"]
    ]
    for number, instance_id in enumerate(instances):
        ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "Group", "Value": f"group-{number % GROUPS}"}])
    backend = ssm_assoc_mock.backend(region_name=REGION)
    return [
        backend.create_association(
            {
                "Name": "AWS-RunShellScript",
                "Parameters": {"commands": ["echo bench"]},
                "Targets": [{"Key": "tag:Group", "Values": [f"group-{index % GROUPS}"]}],
                "ScheduleExpression": _schedule(index),
            }
        )["AssociationId"]
        for index in range(ASSOCIATIONS)
    ]


def _timed(call: Any) -> tuple[float, Any]:
    now = clock()
    gc.collect()
    gc.disable()
    try:
        start = now()
        result = call()
        return now() - start, result
    finally:
        gc.enable()


def run(quick: bool = False) -> list[Result]:
    use_fake_credentials()
    import os

    import boto3
    from moto import mock_aws

    import ssm_assoc_mock

    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # run_instances takes any image id; spare the catalogue
    rounds = 2 if quick else 3
    client = boto3.client("ssm", region_name=REGION)
    ec2 = boto3.client("ec2", region_name=REGION)
    describes: list[float] = []
    advances: list[float] = []
    started_runs = 0
    for _ in range(rounds):
        with mock_aws():
            ids = _fill(ec2)
            client.describe_association(AssociationId=ids[0])  # warm: the first call loads botocore's model

            def describe_all(ids: list[str] = ids) -> None:
                for association_id in ids:
                    client.describe_association(AssociationId=association_id)

            describe_seconds, _ = _timed(describe_all)
            advance_seconds, executions = _timed(lambda: ssm_assoc_mock.advance_clock(DAY))
            describes.append(describe_seconds)
            advances.append(advance_seconds)
            started_runs = len(executions)
    advance, describe = summary(advances), summary(describes)
    ratio = advance / describe
    return [
        Result(
            "clock",
            f"advance_clock one day over {ASSOCIATIONS:,} scheduled associations vs {ASSOCIATIONS:,} "
            "DescribeAssociation calls",
            f"{advance:.2f} s vs {describe:.2f} s",
            ratio,
            TARGET,
            check(ratio, TARGET),
            {
                "runs_started": started_runs,
                "per_run_started": f"{advance / max(started_runs, 1) * 1e6:,.0f} µs",
                "per_describe": f"{describe / ASSOCIATIONS * 1e6:,.0f} µs",
                "nodes": NODES,
                "rounds": rounds,
            },
        )
    ]
