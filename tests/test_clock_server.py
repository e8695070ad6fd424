"""State Manager's clock in server mode: the clock and run-outcome controls, and an advance racing other clients."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from .helpers import INSTANCE, SHELL
from .test_server import call, client, register


def advance(base: str, seconds: float) -> dict[str, Any]:
    status, body = call(base, "POST", "/ssm-assoc-mock/clock", {"AdvanceSeconds": seconds})
    assert status == 200, body
    return dict(body)


def test_the_clock_control_advances_and_starts_due_runs(served_mock: str) -> None:
    register(served_mock)
    ssm = client(served_mock)
    created = ssm.create_association(
        **SHELL, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}], ScheduleExpression="rate(1 hour)"
    )["AssociationDescription"]
    status, before = call(served_mock, "GET", "/ssm-assoc-mock/clock")
    assert status == 200 and before["Now"] >= created["Date"].timestamp()

    body = advance(served_mock, 7200)

    assert body["Now"] >= before["Now"] + 7200
    times = [item["CreatedTime"] for item in body["Executions"]]
    assert times == [created["Date"].timestamp() + 3600 * n for n in range(3)]
    assert {item["AssociationId"] for item in body["Executions"]} == {created["AssociationId"]}
    listed = ssm.describe_association_executions(AssociationId=created["AssociationId"])["AssociationExecutions"]
    assert [item["ExecutionId"] for item in listed] == [item["ExecutionId"] for item in reversed(body["Executions"])]
    status, after = call(served_mock, "GET", "/ssm-assoc-mock/clock")
    assert after["Now"] >= body["Now"]


def test_the_run_outcome_control_decides_later_runs(served_mock: str) -> None:
    register(served_mock)
    ssm = client(served_mock)
    association_id = ssm.create_association(**SHELL, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])[
        "AssociationDescription"
    ]["AssociationId"]

    status, body = call(
        served_mock,
        "POST",
        "/ssm-assoc-mock/run-outcome",
        {"AssociationId": association_id, "InstanceStatuses": {INSTANCE: "Failed"}},
    )
    assert status == 200, body
    (execution,) = advance(served_mock, 0)["Executions"]

    assert (execution["Status"], execution["ResourceCountByStatus"]) == ("Failed", "{Failed=1}")
    overview = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]["Overview"]
    assert overview["AssociationStatusAggregatedCount"] == {"Failed": 1}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error", "message"),
    [
        ("POST", "/ssm-assoc-mock/clock", {}, 400, "BadRequest", "AdvanceSeconds must be a number"),
        ("POST", "/ssm-assoc-mock/clock", {"AdvanceSeconds": -5}, 400, "BadRequest", "0 or more"),
        ("POST", "/ssm-assoc-mock/clock", {"AdvanceSeconds": "60"}, 400, "BadRequest", "not '60'"),
        ("POST", "/ssm-assoc-mock/clock", {"AdvanceSeconds": True}, 400, "BadRequest", "AdvanceSeconds"),
        ("POST", "/ssm-assoc-mock/clock", {"Seconds": 5}, 400, "BadRequest", "Unknown member(s) Seconds"),
        ("POST", "/ssm-assoc-mock/clock", b"[]", 400, "BadRequest", "JSON object"),
        ("DELETE", "/ssm-assoc-mock/clock", None, 405, "MethodNotAllowed", "accepts GET, POST"),
        ("POST", "/ssm-assoc-mock/run-outcome", {}, 400, "BadRequest", "AssociationId is required"),
        (
            "POST",
            "/ssm-assoc-mock/run-outcome",
            {"AssociationId": "11111111-2222-3333-4444-555555555555"},
            400,
            "AssociationDoesNotExist",
            "does not exist",
        ),
        (
            "POST",
            "/ssm-assoc-mock/run-outcome",
            {"AssociationId": "x", "InstanceStatuses": ["Failed"]},
            400,
            "BadRequest",
            "InstanceStatuses an object",
        ),
        ("GET", "/ssm-assoc-mock/run-outcome", None, 405, "MethodNotAllowed", "accepts POST"),
    ],
)
def test_clock_control_errors_are_json_with_a_4xx_status(
    served_mock: str, method: str, path: str, body: Any, status: int, error: str, message: str
) -> None:
    got_status, got = call(served_mock, method, path, body)

    assert (got_status, got["error"]) == (status, error), got
    assert message in got["message"]


def test_an_unknown_run_status_is_a_validation_error(served_mock: str) -> None:
    register(served_mock)
    association_id = client(served_mock).create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)[
        "AssociationDescription"
    ]["AssociationId"]
    outcome = {"AssociationId": association_id, "Status": "Ok"}
    status, body = call(served_mock, "POST", "/ssm-assoc-mock/run-outcome", outcome)
    assert (status, body["error"]) == (400, "ValidationException")
    assert "Ok is not one of" in body["message"]


def test_an_advance_racing_creates_updates_and_deletes_loses_nothing(served_mock: str) -> None:
    nodes = [f"i-0{number:016x}" for number in range(6)]
    for node in nodes:
        register(served_mock, node, Tags={"Role": "web"})
    threads, per_thread = 6, 12
    clients = [client(served_mock) for _ in range(threads)]  # made here: client creation is not thread-safe
    failures: list[BaseException] = []
    kept: dict[str, int] = {}  # association id -> the number of updates it got
    deleted: set[str] = set()
    started: list[dict[str, Any]] = []
    start = threading.Barrier(threads + 1)
    done = threading.Event()

    def work(worker: int) -> None:
        own = clients[worker]
        start.wait()
        for index in range(per_thread):
            try:
                association_id = own.create_association(
                    **SHELL,
                    Targets=[{"Key": "InstanceIds", "Values": [nodes[worker]]}],
                    ScheduleExpression="rate(30 minutes)",
                )["AssociationDescription"]["AssociationId"]
                own.update_association(AssociationId=association_id, AssociationName=f"w{worker}-{index}", **SHELL)
                if index % 3 == 2:
                    own.delete_association(AssociationId=association_id)
                    deleted.add(association_id)
                else:
                    kept[association_id] = 1
            except BaseException as error:  # every failure counts, whatever it is
                failures.append(error)

    def advance_meanwhile() -> None:
        start.wait()
        while not done.is_set():
            try:
                started.extend(advance(served_mock, 600)["Executions"])
            except BaseException as error:
                failures.append(error)

    workers = [threading.Thread(target=work, args=(worker,)) for worker in range(threads)]
    advancer = threading.Thread(target=advance_meanwhile)
    for thread in [*workers, advancer]:
        thread.start()
    for worker in workers:
        worker.join(timeout=120)
    done.set()
    advancer.join(timeout=120)
    started.extend(advance(served_mock, 0)["Executions"])  # what fell due since the last advance

    assert failures == []
    ssm = client(served_mock)
    listed = ssm.get_paginator("list_associations").paginate().build_full_result()["Associations"]
    assert {item["AssociationId"] for item in listed} == set(kept)
    assert not {item["AssociationId"] for item in started if item["AssociationId"] not in deleted} - set(kept)
    for association_id in kept:
        description = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
        assert description["AssociationVersion"] == "2"
        executions = ssm.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
        # Every run an advance reported is in the history, once, and the update's run has happened.
        reported = [item["ExecutionId"] for item in started if item["AssociationId"] == association_id]
        assert sorted(reported) == sorted(item["ExecutionId"] for item in executions)
        assert executions[0]["AssociationVersion"] == "2"
        assert description["LastExecutionDate"] >= description["LastUpdateAssociationDate"]
        times = [item["CreatedTime"] for item in executions]
        assert times == sorted(times, reverse=True)
