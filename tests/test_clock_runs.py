"""Associations run when their schedule says, as the test moves State Manager's clock (issue 12).

Times are exact: freezegun fixes moto's time, ``advance_clock`` moves State Manager's beyond it.
2026-01-01 is a Thursday.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

import ssm_assoc_mock
from ssm_assoc_mock import advance_clock, register_managed_instance, set_run_outcome
from ssm_assoc_mock.exceptions import AssociationDoesNotExist, ValidationException

from .helpers import INSTANCE, OTHER_INSTANCE, SHELL, ec2_client, run_ec2
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session", "no_default_amis")

T = datetime(2026, 1, 1, 12, 0, 0)
WEB = [{"Key": "tag:Role", "Values": ["web"]}]


@pytest.fixture
def frozen(ssm_client: Any) -> Iterator[FrozenDateTimeFactory]:
    """moto's time frozen at T, inside the mock (the clock's offset starts at zero)."""
    with freeze_time(T) as factory:
        yield factory


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc)


def create(ssm_client: Any, **kwargs: Any) -> str:
    request = {**SHELL, **kwargs}
    return str(ssm_client.create_association(**request)["AssociationDescription"]["AssociationId"])


def update(ssm_client: Any, association_id: str, **kwargs: Any) -> None:
    ssm_client.update_association(AssociationId=association_id, Parameters=SHELL["Parameters"], **kwargs)


def history(ssm_client: Any, association_id: str) -> list[datetime]:
    """The association's execution times, oldest first."""
    response = ssm_client.describe_association_executions(AssociationId=association_id)
    assert_output_shape("DescribeAssociationExecutions", response)
    return [item["CreatedTime"] for item in reversed(response["AssociationExecutions"])]


def ran_at(executions: list[dict[str, Any]], association_id: str | None = None) -> list[datetime]:
    return [item["CreatedTime"] for item in executions if association_id in (None, item["AssociationId"])]


def targets_of(ssm_client: Any, association_id: str, execution_id: str) -> dict[str, str]:
    response = ssm_client.describe_association_execution_targets(AssociationId=association_id, ExecutionId=execution_id)
    return {item["ResourceId"]: item["Status"] for item in response["AssociationExecutionTargets"]}


# --- the creation run ------------------------------------------------------------------


def test_a_new_association_is_pending_until_the_clock_starts_its_run(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    description = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert description["Overview"]["Status"] == "Pending"
    assert history(ssm_client, association_id) == []

    started = advance_clock(0)

    assert ran_at(started) == [T]
    assert started[0]["AssociationId"] == association_id and started[0]["Status"] == "Success"
    listed = ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
    assert [{**item, "CreatedTime": utc(item["CreatedTime"])} for item in started] == listed
    description = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert description["LastExecutionDate"] == utc(T)
    assert description["Overview"] == {
        "Status": "Success",
        "DetailedStatus": "Success",
        "AssociationStatusAggregatedCount": {"Success": 1},
    }
    assert advance_clock(0) == []  # nothing else is due


def test_records_are_stamped_with_the_clock(ssm_client: Any, frozen: Any) -> None:
    advance_clock(timedelta(days=2))
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    description = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert description["Date"] == utc(T + timedelta(days=2))
    assert ran_at(advance_clock(60)) == [T + timedelta(days=2)]
    status = ssm_client.describe_instance_associations_status(InstanceId=INSTANCE)["InstanceAssociationStatusInfos"]
    assert status[0]["ExecutionDate"] == utc(T + timedelta(days=2))


# --- rate, cron, at, none ----------------------------------------------------------------


def test_rate_runs_every_interval_after_the_previous_run(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(
        ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}], ScheduleExpression="rate(30 minutes)"
    )
    started = advance_clock(timedelta(hours=3, minutes=10))

    expected = [T + timedelta(minutes=30 * n) for n in range(7)]  # 12:00, 12:30, ..., 15:00
    assert ran_at(started) == expected
    assert history(ssm_client, association_id) == [utc(moment) for moment in expected]
    target = ssm_client.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=started[-1]["ExecutionId"]
    )["AssociationExecutionTargets"][0]
    assert target["LastExecutionDate"] == utc(T + timedelta(hours=3))
    # The next one is 15:30: 20 minutes from the clock's 15:10.
    assert advance_clock(timedelta(minutes=19, seconds=59)) == []
    assert ran_at(advance_clock(1)) == [T + timedelta(hours=3, minutes=30)]


def test_cron_runs_at_each_match_in_utc_to_the_second(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(
        ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}], ScheduleExpression="cron(0 2 ? * SUN *)"
    )
    # Creation (Thursday 12:00), then Sundays at 02:00:00.
    until_sunday = datetime(2026, 1, 4, 2, 0, 0) - T
    assert ran_at(advance_clock(until_sunday - timedelta(seconds=1))) == [T]
    assert ran_at(advance_clock(1)) == [datetime(2026, 1, 4, 2, 0, 0)]
    assert ran_at(advance_clock(timedelta(days=14))) == [datetime(2026, 1, 11, 2, 0), datetime(2026, 1, 18, 2, 0)]
    assert len(history(ssm_client, association_id)) == 4


def test_apply_only_at_cron_interval_waits_for_the_cron_on_create(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(
        ssm_client,
        Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}],
        ScheduleExpression="cron(0 0/4 * * ? *)",
        ApplyOnlyAtCronInterval=True,
    )
    assert advance_clock(0) == []
    description = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert description["Overview"]["Status"] == "Pending" and "LastExecutionDate" not in description
    assert ran_at(advance_clock(timedelta(hours=8))) == [datetime(2026, 1, 1, 16, 0), datetime(2026, 1, 1, 20, 0)]


def test_an_update_runs_again_unless_it_waits_for_the_cron(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    targets = [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    association_id = create(ssm_client, Targets=targets, ScheduleExpression="rate(1 hour)")
    assert ran_at(advance_clock(timedelta(minutes=20))) == [T]

    update(ssm_client, association_id, ScheduleExpression="rate(1 hour)", Targets=targets)
    # The update's run is at 12:20; the rate counts from it (13:20), not from 12:00.
    started = advance_clock(timedelta(hours=1))
    assert ran_at(started) == [T + timedelta(minutes=20), T + timedelta(hours=1, minutes=20)]
    assert [item["AssociationVersion"] for item in started] == ["2", "2"]

    update(
        ssm_client,
        association_id,
        Targets=targets,
        ScheduleExpression="cron(0 0 * * ? *)",
        ApplyOnlyAtCronInterval=True,
    )
    # No run after this update: the next is at midnight.
    assert ran_at(advance_clock(timedelta(hours=11))) == [datetime(2026, 1, 2, 0, 0)]  # 13:20 to 00:20


def test_an_update_drops_the_runs_that_were_overdue(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    targets = [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    association_id = create(ssm_client, Targets=targets, ScheduleExpression="rate(30 minutes)")
    assert ran_at(advance_clock(0)) == [T]
    frozen.tick(timedelta(hours=2))  # 12:30 to 14:00 fall due, but nothing advances the clock
    update(ssm_client, association_id, Targets=targets, ScheduleExpression="rate(30 minutes)")
    # The update's run at 14:00 and the schedule from it; 12:30, 13:00 and 13:30 are not started late.
    assert ran_at(advance_clock(timedelta(minutes=30))) == [T + timedelta(hours=2), T + timedelta(hours=2, minutes=30)]


def test_schedule_offset_waits_days_after_the_cron_match(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    settings = {
        "Targets": [{"Key": "InstanceIds", "Values": [INSTANCE]}],
        "ScheduleExpression": "cron(0 0 ? * THU#2 *)",
        "ScheduleOffset": 3,
        "ApplyOnlyAtCronInterval": True,
    }
    association_id = create(ssm_client, **settings)
    # The second Thursday is January 8th: the run is the Sunday after, the 11th; then February 15th.
    started = advance_clock(timedelta(days=60))
    assert ran_at(started) == [datetime(2026, 1, 11), datetime(2026, 2, 15)]
    assert history(ssm_client, association_id) == [utc(datetime(2026, 1, 11)), utc(datetime(2026, 2, 15))]


def test_schedule_offset_skips_a_period_whose_cron_day_has_passed(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    frozen.move_to(datetime(2026, 1, 9, 12, 0))  # past the 8th, before the 11th
    create(
        ssm_client,
        Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}],
        ScheduleExpression="cron(0 0 ? * THU#2 *)",
        ScheduleOffset=3,
        ApplyOnlyAtCronInterval=True,
    )
    assert ran_at(advance_clock(timedelta(days=40))) == [datetime(2026, 2, 15)]


def test_at_runs_once_at_its_time_with_the_flag(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    targets = [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    once = create(
        ssm_client, Targets=targets, ScheduleExpression="at(2026-01-02T08:30:00)", ApplyOnlyAtCronInterval=True
    )
    plain = create(ssm_client, Targets=targets, ScheduleExpression="at(2026-01-02T08:30:00)")
    started = advance_clock(timedelta(days=3))
    # With the flag: at its time. Without: the creation run is its one run.
    assert ran_at(started, once) == [datetime(2026, 1, 2, 8, 30)]
    assert ran_at(started, plain) == [T]
    assert advance_clock(timedelta(days=30)) == []


def test_an_association_without_schedule_runs_at_creation_and_after_updates(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    targets = [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    association_id = create(ssm_client, Targets=targets)
    assert ran_at(advance_clock(timedelta(days=30))) == [T]
    update(ssm_client, association_id, Targets=targets)
    assert ran_at(advance_clock(timedelta(days=30))) == [T + timedelta(days=30)]


def test_a_deleted_association_never_runs_again(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    targets = [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    deleted = create(ssm_client, Targets=targets, ScheduleExpression="rate(30 minutes)")
    kept = create(ssm_client, Targets=targets, ScheduleExpression="rate(1 hour)")
    assert len(advance_clock(timedelta(minutes=45))) == 3
    ssm_client.delete_association(AssociationId=deleted)
    started = advance_clock(timedelta(hours=2))
    assert {item["AssociationId"] for item in started} == {kept}
    assert ran_at(started) == [T + timedelta(hours=1), T + timedelta(hours=2)]


# --- nodes that come and go --------------------------------------------------------------


def test_a_node_that_newly_matches_gets_the_association_on_the_next_advance(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE, tags={"Role": "web"})
    association_id = create(ssm_client, Targets=WEB, ScheduleExpression="rate(1 day)")
    assert len(advance_clock(timedelta(hours=1))) == 1

    register_managed_instance(OTHER_INSTANCE, tags={"Role": "web"})
    frozen.tick(timedelta(minutes=5))
    started = advance_clock(0)

    assert ran_at(started) == [T + timedelta(hours=1, minutes=5)]
    assert targets_of(ssm_client, association_id, started[0]["ExecutionId"]) == {OTHER_INSTANCE: "Success"}
    assert advance_clock(0) == []  # once
    # The schedule still counts from the last run over every target.
    assert ran_at(advance_clock(timedelta(days=1))) == [T + timedelta(days=1)]


def test_a_stopped_instance_is_not_reached_and_catches_up_once_when_running(ssm_client: Any, frozen: Any) -> None:
    web, stopped = run_ec2(2, {"Role": "web"})
    ec2 = ec2_client()
    ec2.stop_instances(InstanceIds=[stopped])
    association_id = create(ssm_client, Targets=WEB, ScheduleExpression="rate(30 minutes)")

    started = advance_clock(timedelta(minutes=45))
    assert [targets_of(ssm_client, association_id, item["ExecutionId"]) for item in started] == [
        {web: "Success"},
        {web: "Success"},
    ]
    ec2.start_instances(InstanceIds=[stopped])
    caught_up = advance_clock(0)
    assert ran_at(caught_up) == [T + timedelta(minutes=45)]
    assert targets_of(ssm_client, association_id, caught_up[0]["ExecutionId"]) == {stopped: "Success"}
    assert advance_clock(0) == []
    latest = advance_clock(timedelta(minutes=15))
    assert targets_of(ssm_client, association_id, latest[0]["ExecutionId"]) == {web: "Success", stopped: "Success"}


# --- accounts, time, outcomes --------------------------------------------------------------


def test_one_advance_runs_every_account_and_region_in_time_order(ssm_client: Any, frozen: Any) -> None:
    plans = [("111111111111", "us-east-1"), ("222222222222", "eu-west-1")]
    ids = []
    for account_id, region_name in plans:
        register_managed_instance(INSTANCE, account_id=account_id, region_name=region_name)
        backend = ssm_assoc_mock.backend(account_id, region_name)
        request = {
            **SHELL,
            "Targets": [{"Key": "InstanceIds", "Values": [INSTANCE]}],
            "ScheduleExpression": "rate(1 hour)",
        }
        ids.append(backend.create_association(request)["AssociationId"])
        frozen.tick(timedelta(minutes=10))

    started = advance_clock(timedelta(hours=2))  # the clock goes from 12:20 to 14:20

    assert [(item["AssociationId"], item["CreatedTime"]) for item in started] == [
        (ids[0], T),
        (ids[1], T + timedelta(minutes=10)),
        (ids[0], T + timedelta(hours=1)),
        (ids[1], T + timedelta(hours=1, minutes=10)),
        (ids[0], T + timedelta(hours=2)),
        (ids[1], T + timedelta(hours=2, minutes=10)),
    ]


def test_freezegun_moving_time_makes_runs_due(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(
        ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}], ScheduleExpression="rate(30 minutes)"
    )
    frozen.tick(timedelta(hours=1))
    assert ran_at(advance_clock(0)) == [T, T + timedelta(minutes=30), T + timedelta(hours=1)]
    assert len(history(ssm_client, association_id)) == 3


def test_set_run_outcome_decides_later_runs_per_instance(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE, tags={"Role": "web"})
    register_managed_instance(OTHER_INSTANCE, tags={"Role": "web"})
    association_id = create(ssm_client, Targets=WEB, ScheduleExpression="rate(1 hour)")
    set_run_outcome(association_id, instance_statuses={OTHER_INSTANCE: "Failed"})

    started = advance_clock(0)
    assert started[0]["Status"] == "Failed"
    assert targets_of(ssm_client, association_id, started[0]["ExecutionId"]) == {
        INSTANCE: "Success",
        OTHER_INSTANCE: "Failed",
    }
    statuses = {
        item["InstanceId"]: item["Status"]
        for instance in (INSTANCE, OTHER_INSTANCE)
        for item in ssm_client.describe_instance_associations_status(InstanceId=instance)[
            "InstanceAssociationStatusInfos"
        ]
    }
    assert statuses == {INSTANCE: "Success", OTHER_INSTANCE: "Failed"}

    # StartAssociationsOnce runs with the same outcome; a new outcome applies to the next runs.
    ssm_client.start_associations_once(AssociationIds=[association_id])
    assert history(ssm_client, association_id)[-1] == utc(T)
    overview = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]["Overview"]
    assert overview["AssociationStatusAggregatedCount"] == {"Failed": 1, "Success": 1}
    set_run_outcome(association_id, status="TimedOut")
    assert advance_clock(timedelta(hours=1))[0]["ResourceCountByStatus"] == "{TimedOut=2}"


def test_max_errors_stops_dispatching_further_targets(ssm_client: Any, frozen: Any) -> None:
    nodes = [f"i-0{n:016x}" for n in range(1, 6)]
    for node in nodes:
        register_managed_instance(node, tags={"Role": "web"})
    association_id = create(ssm_client, Targets=WEB, MaxErrors="1", MaxConcurrency="1")
    set_run_outcome(association_id, status="Failed")
    started = advance_clock(0)
    # One at a time: the first error is allowed, the second exceeds MaxErrors, nothing more starts.
    assert targets_of(ssm_client, association_id, started[0]["ExecutionId"]) == {
        nodes[0]: "Failed",
        nodes[1]: "Failed",
    }
    assert started[0]["Status"] == "Failed"


def test_rate_control_percentages_round_concurrency_up_and_errors_down(ssm_client: Any, frozen: Any) -> None:
    nodes = [f"i-0{n:016x}" for n in range(1, 4)]
    for node in nodes:
        register_managed_instance(node, tags={"Role": "web"})
    # 50% of 3 targets: waves of 2 (rounded up); with MaxErrors 0 the first wave's errors stop the rest.
    waves = create(ssm_client, Targets=WEB, MaxConcurrency="50%", MaxErrors="0")
    # 50% of 3 errors allowed: 1 (rounded down); one at a time, the second error stops the third target.
    errors = create(ssm_client, Targets=WEB, MaxConcurrency="1", MaxErrors="50%")
    for association_id in (waves, errors):
        set_run_outcome(association_id, status="Failed")
    started = {item["AssociationId"]: item["ExecutionId"] for item in advance_clock(0)}
    assert targets_of(ssm_client, waves, started[waves]) == {nodes[0]: "Failed", nodes[1]: "Failed"}
    assert targets_of(ssm_client, errors, started[errors]) == {nodes[0]: "Failed", nodes[1]: "Failed"}


def test_targets_that_cannot_be_resolved_make_a_failed_run(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "resource-groups:Name", "Values": ["gone"]}])
    (execution,) = advance_clock(0)
    assert (execution["Status"], execution["DetailedStatus"], execution["CreatedTime"]) == (
        "Failed",
        "InvalidTarget",
        T,
    )
    assert targets_of(ssm_client, association_id, execution["ExecutionId"]) == {}


def test_simulate_run_ignores_the_chosen_outcome(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    set_run_outcome(association_id, status="Failed")
    assert ssm_assoc_mock.simulate_run(association_id)["Status"] == "Success"
    assert advance_clock(0) == []  # the simulated run was the run the creation asked for


def test_duration_cancels_what_is_unfinished(ssm_client: Any, frozen: Any) -> None:
    register_managed_instance(INSTANCE, tags={"Role": "web"})
    register_managed_instance(OTHER_INSTANCE, tags={"Role": "web"})
    association_id = create(
        ssm_client,
        Targets=WEB,
        ScheduleExpression="cron(0 14 * * ? *)",
        ApplyOnlyAtCronInterval=True,
        Duration=2,
    )
    set_run_outcome(association_id, instance_statuses={OTHER_INSTANCE: "InProgress"})
    started = advance_clock(timedelta(hours=3))
    assert ran_at(started) == [datetime(2026, 1, 1, 14, 0)]
    assert targets_of(ssm_client, association_id, started[0]["ExecutionId"]) == {
        INSTANCE: "Success",
        OTHER_INSTANCE: "InProgress",
    }
    advance_clock(timedelta(hours=1))  # 16:00, two hours after the start
    assert targets_of(ssm_client, association_id, started[0]["ExecutionId"]) == {
        INSTANCE: "Success",
        OTHER_INSTANCE: "Cancelled",
    }
    overview = ssm_client.describe_association(AssociationId=association_id)["AssociationDescription"]["Overview"]
    assert overview["Status"] == "Failed"


def test_bad_clock_and_outcome_input_is_refused(ssm_client: Any) -> None:
    with pytest.raises(ValueError, match="only moves forward"):
        advance_clock(-1)
    with pytest.raises(TypeError, match="Advance the clock by"):
        advance_clock("60")  # type: ignore[arg-type]
    with pytest.raises(AssociationDoesNotExist):
        set_run_outcome("00000000-0000-4000-8000-000000000000")
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    with pytest.raises(ValidationException, match="Done"):
        set_run_outcome(association_id, status="Done")
