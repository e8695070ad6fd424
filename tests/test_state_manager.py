"""The moto state-manager model ``ssm::association``: runs that happen by themselves on read.

Off by default (nothing runs unless a test says so), as in moto generally.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Iterator

import pytest
from moto.moto_api import state_manager

from ssm_assoc_mock.models import RUN_MODEL_NAME

from .helpers import INSTANCE, REGION

TARGETS = [{"Key": "InstanceIds", "Values": [INSTANCE]}]
PARAMETERS = {"commands": ["echo hi"]}


@pytest.fixture
def transition() -> Iterator[Any]:
    """``transition(model)`` sets the association run transition for one test."""
    try:
        yield lambda model: state_manager.set_transition(RUN_MODEL_NAME, model)
    finally:
        state_manager.unset_transition(RUN_MODEL_NAME)


def create(ssm_client: Any, managed_instance: Any, **extra: Any) -> str:
    managed_instance(INSTANCE)
    created = ssm_client.create_association(Name="AWS-RunShellScript", Targets=TARGETS, Parameters=PARAMETERS, **extra)[
        "AssociationDescription"
    ]
    return str(created["AssociationId"])


def executions(ssm_client: Any, association_id: str) -> list[dict[str, Any]]:
    return list(ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"])


def test_by_default_nothing_runs_by_itself(ssm_client: Any, managed_instance: Any) -> None:
    association_id = create(ssm_client, managed_instance)

    for _ in range(5):
        described = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]

    assert described["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    assert "LastExecutionDate" not in described
    assert executions(ssm_client, association_id) == []


def test_immediate_progression_runs_on_the_first_read(ssm_client: Any, managed_instance: Any, transition: Any) -> None:
    transition({"progression": "immediate"})
    association_id = create(ssm_client, managed_instance)

    described = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]

    assert described["Overview"] == {
        "Status": "Success",
        "DetailedStatus": "Success",
        "AssociationStatusAggregatedCount": {"Success": 1},
    }
    assert described["LastExecutionDate"] == described["LastSuccessfulExecutionDate"]
    (execution,) = executions(ssm_client, association_id)
    assert execution["ResourceCountByStatus"] == "{Success=1}"
    status = ssm_client.describe_instance_associations_status(InstanceId=INSTANCE)["InstanceAssociationStatusInfos"]
    assert [(item["AssociationId"], item["Status"]) for item in status] == [(association_id, "Success")]


def test_manual_progression_runs_after_the_given_number_of_reads(
    ssm_client: Any, managed_instance: Any, transition: Any
) -> None:
    transition({"progression": "manual", "times": 3})
    association_id = create(ssm_client, managed_instance)

    statuses = [
        ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]["Overview"]["Status"]
        for _ in range(4)
    ]

    # moto's manual progression advances on each read and transitions on the third.
    assert statuses == ["Pending", "Pending", "Success", "Success"]
    assert len(executions(ssm_client, association_id)) == 1  # it ran once, not on every later read


def test_apply_only_at_cron_interval_waits_for_its_schedule(
    ssm_client: Any, managed_instance: Any, transition: Any
) -> None:
    transition({"progression": "immediate"})
    association_id = create(
        ssm_client, managed_instance, ScheduleExpression="cron(0 2 ? * SUN *)", ApplyOnlyAtCronInterval=True
    )

    described = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]

    assert described["Overview"]["Status"] == "Pending"
    assert executions(ssm_client, association_id) == []


def test_an_update_runs_the_association_again(ssm_client: Any, managed_instance: Any, transition: Any) -> None:
    transition({"progression": "immediate"})
    association_id = create(ssm_client, managed_instance)
    ssm_client.describe_association(AssociationId=association_id)

    updated = ssm_client.update_association(AssociationId=association_id, Parameters={"commands": ["echo again"]})
    again = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]

    assert updated["AssociationDescription"]["Overview"] == {"Status": "Pending", "DetailedStatus": "Creating"}
    assert again["Overview"]["Status"] == "Success"
    assert [item["AssociationVersion"] for item in executions(ssm_client, association_id)] == ["2", "1"]


def test_the_transition_is_set_over_http_in_server_mode(served_mock: str) -> None:
    import boto3

    def post(path: str, body: Any) -> None:
        request = urllib.request.Request(f"{served_mock}{path}", data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    try:
        post(
            "/moto-api/state-manager/set-transition",
            {"model_name": RUN_MODEL_NAME, "transition": {"progression": "immediate"}},
        )
        post("/ssm-assoc-mock/managed-instances", {"InstanceId": INSTANCE})
        client = boto3.client(
            "ssm", region_name=REGION, endpoint_url=served_mock, aws_access_key_id="x", aws_secret_access_key="x"
        )
        association_id = client.create_association(Name="AWS-RunShellScript", Targets=TARGETS, Parameters=PARAMETERS)[
            "AssociationDescription"
        ]["AssociationId"]
        described = client.describe_association(AssociationId=association_id)["AssociationDescription"]
        assert described["Overview"]["Status"] == "Success"
    finally:
        post("/moto-api/state-manager/unset-transition", {"model_name": RUN_MODEL_NAME})
