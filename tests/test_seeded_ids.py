"""moto's ``/moto-api/seed`` makes the ids the plugin hands out repeatable, as it does moto's own."""

from __future__ import annotations

from typing import Any

import boto3
import requests
from moto import mock_aws

import ssm_assoc_mock

from .helpers import INSTANCE, REGION


def ids_of_one_seeded_session(seed: int) -> list[str]:
    """Seed moto, then create an association and run it; every id the calls return, in order."""
    with mock_aws():
        requests.post(f"http://motoapi.amazonaws.com/moto-api/seed?a={seed}")
        ssm_assoc_mock.register_managed_instance(INSTANCE, region_name=REGION)
        client: Any = boto3.client("ssm", region_name=REGION)
        created = client.create_association(
            Name="AWS-RunShellScript",
            Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}],
            Parameters={"commands": ["uptime"]},
        )["AssociationDescription"]
        association_id = created["AssociationId"]
        execution_id = ssm_assoc_mock.simulate_run(association_id, region_name=REGION)["ExecutionId"]
        target = client.describe_association_execution_targets(AssociationId=association_id, ExecutionId=execution_id)[
            "AssociationExecutionTargets"
        ][0]
        return [association_id, execution_id, target["OutputSource"]["OutputSourceId"]]


def test_two_runs_seeded_alike_give_the_same_ids(aws_credentials: None) -> None:
    first = ids_of_one_seeded_session(42)
    second = ids_of_one_seeded_session(42)

    assert first == second
    assert len(set(first)) == 3


def test_another_seed_gives_other_ids(aws_credentials: None) -> None:
    assert ids_of_one_seeded_session(1) != ids_of_one_seeded_session(2)
