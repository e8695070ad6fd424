"""DescribeAssociationExecutions and DescribeAssociationExecutionTargets: order, every filter of the model,
pagination and errors (reference 4.12, 4.13)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import ssm_assoc_mock.models.clock
from ssm_assoc_mock import register_managed_instance, simulate_run

from .helpers import (
    HYBRID_INSTANCE,
    INSTANCE,
    OTHER_INSTANCE,
    SHELL,
    UNKNOWN_ID,
    VALIDATION_MESSAGE,
    automation_document,
    collect,
    expect_error,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session", "no_default_amis")

PROD = [{"Key": "tag:Env", "Values": ["prod"]}]
# Runs happen at whole minutes plus 250.5 ms: the half millisecond is below what the API reports.
START = datetime(2024, 5, 1, 12, 0, 0, 250500)


class Clock:
    """The time the package reads (``utcnow``), moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(START)
    monkeypatch.setattr(ssm_assoc_mock.models.clock, "utcnow", fake)
    return fake


def iso(moment: datetime, milliseconds: bool = True) -> str:
    """ISO 8601 UTC, as the documented examples write it (``2018-04-10T19:15:38.372Z``)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if not milliseconds:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def tagged_association(ssm_client: Any, nodes: tuple[str, ...] = (INSTANCE,)) -> str:
    for node in nodes:
        register_managed_instance(node, tags={"Env": "prod"})
    response = ssm_client.create_association(**SHELL, Targets=PROD)
    return str(response["AssociationDescription"]["AssociationId"])


def executions(ssm_client: Any, association_id: str, **kwargs: Any) -> dict[str, Any]:
    return assert_output_shape(
        "DescribeAssociationExecutions",
        ssm_client.describe_association_executions(AssociationId=association_id, **kwargs),
    )


def execution_ids(ssm_client: Any, association_id: str, **kwargs: Any) -> list[str]:
    response = executions(ssm_client, association_id, **kwargs)
    assert "NextToken" not in response, "a request without MaxResults fitting one page must end there"
    return [item["ExecutionId"] for item in response["AssociationExecutions"]]


def run_at_minutes(association_id: str, clock: Clock, statuses: list[str]) -> list[dict[str, Any]]:
    """One run per status, a minute apart, oldest first."""
    runs = []
    for status in statuses:
        runs.append(simulate_run(association_id, status=status))
        clock.advance()
    return runs


# --- DescribeAssociationExecutions: order ------------------------------------------------------


def test_executions_are_listed_newest_first(ssm_client: Any, clock: Clock) -> None:
    association_id = tagged_association(ssm_client)
    runs = run_at_minutes(association_id, clock, ["Success", "Failed", "Success"])

    listed = executions(ssm_client, association_id)["AssociationExecutions"]

    assert [item["ExecutionId"] for item in listed] == [run["ExecutionId"] for run in reversed(runs)]
    assert [item["Status"] for item in listed] == ["Success", "Failed", "Success"]
    created = [item["CreatedTime"] for item in listed]
    assert created == sorted(created, reverse=True)


def test_an_association_that_never_ran_has_no_executions(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)

    response = executions(ssm_client, association_id)

    assert response["AssociationExecutions"] == []
    assert "NextToken" not in response


# --- DescribeAssociationExecutions: filters ------------------------------------------------------


def test_filter_by_execution_id(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    first = simulate_run(association_id)
    simulate_run(association_id, status="Failed")

    filtered = execution_ids(
        ssm_client,
        association_id,
        Filters=[{"Key": "ExecutionId", "Value": first["ExecutionId"], "Type": "EQUAL"}],
    )

    assert filtered == [first["ExecutionId"]]


def test_filter_by_an_execution_id_of_no_run_is_empty(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    simulate_run(association_id)

    filters = [{"Key": "ExecutionId", "Value": UNKNOWN_ID, "Type": "EQUAL"}]

    assert execution_ids(ssm_client, association_id, Filters=filters) == []


@pytest.mark.parametrize("status, expected", [("Success", [2, 0]), ("Failed", [1]), ("TimedOut", [])])
def test_filter_by_status(ssm_client: Any, status: str, expected: list[int]) -> None:
    association_id = tagged_association(ssm_client)
    runs = [simulate_run(association_id, status=outcome) for outcome in ("Success", "Failed", "Success")]

    filtered = execution_ids(ssm_client, association_id, Filters=[{"Key": "Status", "Value": status, "Type": "EQUAL"}])

    assert filtered == [runs[i]["ExecutionId"] for i in expected]


def test_filter_by_created_time_equal_matches_the_reported_time(ssm_client: Any, clock: Clock) -> None:
    association_id = tagged_association(ssm_client)
    runs = run_at_minutes(association_id, clock, ["Success", "Success", "Success"])
    reported = {
        item["ExecutionId"]: item["CreatedTime"]
        for item in executions(ssm_client, association_id)["AssociationExecutions"]
    }

    middle = runs[1]["ExecutionId"]
    filters = [{"Key": "CreatedTime", "Value": iso(reported[middle]), "Type": "EQUAL"}]

    assert execution_ids(ssm_client, association_id, Filters=filters) == [middle]


def test_filter_by_created_time_less_and_greater_than(ssm_client: Any, clock: Clock) -> None:
    association_id = tagged_association(ssm_client)
    runs = run_at_minutes(association_id, clock, ["Success", "Failed", "Success"])
    ids = [run["ExecutionId"] for run in runs]
    between_first_and_second = iso(START + timedelta(seconds=30), milliseconds=False)

    def filtered(comparison: str, value: str) -> list[str]:
        filters = [{"Key": "CreatedTime", "Value": value, "Type": comparison}]
        return execution_ids(ssm_client, association_id, Filters=filters)

    assert filtered("LESS_THAN", between_first_and_second) == [ids[0]]
    assert filtered("GREATER_THAN", between_first_and_second) == [ids[2], ids[1]]
    assert filtered("GREATER_THAN", "2024-05-01T11:00:00Z") == [ids[2], ids[1], ids[0]]
    assert filtered("LESS_THAN", "2024-05-01T11:00:00Z") == []
    # an explicit offset is the same instant as its UTC form
    assert filtered("LESS_THAN", "2024-05-01T14:00:30+02:00") == [ids[0]]


def test_created_time_filters_combine_with_status(ssm_client: Any, clock: Clock) -> None:
    """The documented example: CreatedTime GREATER_THAN and Status EQUAL Success, ANDed."""
    association_id = tagged_association(ssm_client)
    runs = run_at_minutes(association_id, clock, ["Success", "Failed", "Success", "Failed"])

    filters = [
        {"Key": "CreatedTime", "Value": iso(START + timedelta(seconds=30), milliseconds=False), "Type": "GREATER_THAN"},
        {"Key": "Status", "Value": "Success", "Type": "EQUAL"},
    ]

    assert execution_ids(ssm_client, association_id, Filters=filters) == [runs[2]["ExecutionId"]]


def test_created_time_greater_than_a_reported_time_excludes_that_execution(ssm_client: Any, clock: Clock) -> None:
    """Resuming "everything after the newest run I saw" must not see that run again."""
    association_id = tagged_association(ssm_client)
    first, second = run_at_minutes(association_id, clock, ["Success", "Success"])
    seen = executions(
        ssm_client, association_id, Filters=[{"Key": "ExecutionId", "Value": first["ExecutionId"], "Type": "EQUAL"}]
    )["AssociationExecutions"][0]["CreatedTime"]

    def filtered(comparison: str) -> list[str]:
        filters = [{"Key": "CreatedTime", "Value": iso(seen), "Type": comparison}]
        return execution_ids(ssm_client, association_id, Filters=filters)

    assert filtered("EQUAL") == [first["ExecutionId"]]
    assert filtered("LESS_THAN") == []
    assert filtered("GREATER_THAN") == [second["ExecutionId"]]


@pytest.mark.parametrize("key, comparison", [("ExecutionId", "LESS_THAN"), ("Status", "GREATER_THAN")])
def test_a_comparison_the_key_does_not_support_is_rejected(ssm_client: Any, key: str, comparison: str) -> None:
    association_id = tagged_association(ssm_client)
    simulate_run(association_id)

    expect_error(
        ssm_client.describe_association_executions,
        "ValidationException",
        key,
        comparison,
        AssociationId=association_id,
        Filters=[{"Key": key, "Value": "Success", "Type": comparison}],
    )


def test_a_created_time_that_is_not_a_time_is_rejected(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)

    expect_error(
        ssm_client.describe_association_executions,
        "ValidationException",
        "yesterday",
        AssociationId=association_id,
        Filters=[{"Key": "CreatedTime", "Value": "yesterday", "Type": "GREATER_THAN"}],
    )


@pytest.mark.parametrize(
    "item, member",
    [
        ({"Key": "ResourceId", "Value": INSTANCE, "Type": "EQUAL"}, "filters.1.member.key"),
        ({"Key": "Status", "Value": "Success", "Type": "LIKE"}, "filters.1.member.type"),
    ],
    ids=["key-outside-the-enum", "type-outside-the-enum"],
)
def test_filter_members_outside_the_model_enums(ssm_client: Any, item: dict[str, str], member: str) -> None:
    association_id = tagged_association(ssm_client)

    message = expect_error(
        ssm_client.describe_association_executions,
        "ValidationException",
        member,
        AssociationId=association_id,
        Filters=[item],
    )
    assert VALIDATION_MESSAGE.match(message)


# --- DescribeAssociationExecutions: pagination ---------------------------------------------------


@pytest.mark.parametrize("page_size", [1, 3, 7])
def test_paging_through_every_execution(ssm_client: Any, page_size: int) -> None:
    association_id = tagged_association(ssm_client)
    runs = [simulate_run(association_id, status=("Success", "Failed")[i % 2]) for i in range(7)]

    pages = collect(
        lambda **kwargs: executions(ssm_client, association_id, **kwargs),
        "AssociationExecutions",
        MaxResults=page_size,
    )

    listed = [item["ExecutionId"] for page in pages for item in page]
    assert listed == [run["ExecutionId"] for run in reversed(runs)]  # no duplicates, no gaps, newest first
    assert [len(page) for page in pages] == [min(page_size, 7 - i) for i in range(0, 7, page_size)]


def test_paging_with_a_filter_pages_over_the_matching_executions(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    runs = [simulate_run(association_id, status=("Success", "Failed")[i % 2]) for i in range(7)]
    failed = [{"Key": "Status", "Value": "Failed", "Type": "EQUAL"}]

    pages = collect(
        lambda **kwargs: executions(ssm_client, association_id, **kwargs),
        "AssociationExecutions",
        MaxResults=2,
        Filters=failed,
    )

    assert [[item["ExecutionId"] for item in page] for page in pages] == [
        [runs[5]["ExecutionId"], runs[3]["ExecutionId"]],
        [runs[1]["ExecutionId"]],
    ]


def test_a_run_between_pages_neither_repeats_nor_skips_an_execution(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    runs = [simulate_run(association_id) for _ in range(4)]

    first = executions(ssm_client, association_id, MaxResults=2)
    simulate_run(association_id)
    rest = executions(ssm_client, association_id, MaxResults=2, NextToken=first["NextToken"])

    listed = [item["ExecutionId"] for item in first["AssociationExecutions"] + rest["AssociationExecutions"]]
    assert listed == [run["ExecutionId"] for run in reversed(runs)]
    assert "NextToken" not in rest


def test_boto3_paginator_walks_every_execution(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    runs = [simulate_run(association_id) for _ in range(5)]

    paginator = ssm_client.get_paginator("describe_association_executions")
    pages = list(paginator.paginate(AssociationId=association_id, PaginationConfig={"PageSize": 2}))

    assert [len(page["AssociationExecutions"]) for page in pages] == [2, 2, 1]
    listed = [item["ExecutionId"] for page in pages for item in page["AssociationExecutions"]]
    assert listed == [run["ExecutionId"] for run in reversed(runs)]


def test_a_next_token_reused_with_other_filters_is_rejected(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    for _ in range(3):
        simulate_run(association_id)
    token = executions(ssm_client, association_id, MaxResults=1)["NextToken"]

    expect_error(
        ssm_client.describe_association_executions,
        "InvalidNextToken",
        AssociationId=association_id,
        NextToken=token,
        MaxResults=1,
        Filters=[{"Key": "Status", "Value": "Success", "Type": "EQUAL"}],
    )


def test_a_next_token_of_another_association_is_rejected(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    other = ssm_client.create_association(**SHELL, Targets=PROD)["AssociationDescription"]["AssociationId"]
    for _ in range(2):
        simulate_run(association_id)
        simulate_run(other)
    token = executions(ssm_client, association_id, MaxResults=1)["NextToken"]

    expect_error(
        ssm_client.describe_association_executions,
        "InvalidNextToken",
        AssociationId=other,
        NextToken=token,
        MaxResults=1,
    )


def test_a_garbage_next_token_is_rejected(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    simulate_run(association_id)

    # not base64 JSON; a JSON object without the position and binding; an empty object
    for token in ("garbage", "eyJwIjogLTF9", "e30="):
        expect_error(
            ssm_client.describe_association_executions,
            "InvalidNextToken",
            AssociationId=association_id,
            NextToken=token,
        )


def test_max_results_above_fifty_is_rejected(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)

    message = expect_error(
        ssm_client.describe_association_executions,
        "ValidationException",
        "maxResults",
        "50",
        AssociationId=association_id,
        MaxResults=51,
    )
    assert VALIDATION_MESSAGE.match(message)


def test_max_results_of_fifty_is_accepted(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    simulate_run(association_id)

    assert len(executions(ssm_client, association_id, MaxResults=50)["AssociationExecutions"]) == 1


# --- DescribeAssociationExecutions: errors -------------------------------------------------------


def test_executions_of_an_unknown_association(ssm_client: Any) -> None:
    expect_error(
        ssm_client.describe_association_executions, "AssociationDoesNotExist", UNKNOWN_ID, AssociationId=UNKNOWN_ID
    )


def test_executions_with_a_malformed_association_id(ssm_client: Any) -> None:
    expect_error(
        ssm_client.describe_association_executions, "ValidationException", "associationId", AssociationId="not-a-uuid"
    )


# --- DescribeAssociationExecutionTargets --------------------------------------------------------


NODES = (HYBRID_INSTANCE, INSTANCE, OTHER_INSTANCE, "i-0aaaaaaaaaaaaaaaa", "mi-0bbbbbbbbbbbbbbbb")


def targets(ssm_client: Any, association_id: str, execution_id: str, **kwargs: Any) -> dict[str, Any]:
    return assert_output_shape(
        "DescribeAssociationExecutionTargets",
        ssm_client.describe_association_execution_targets(
            AssociationId=association_id, ExecutionId=execution_id, **kwargs
        ),
    )


def target_statuses(ssm_client: Any, association_id: str, execution_id: str, **kwargs: Any) -> dict[str, str]:
    response = targets(ssm_client, association_id, execution_id, **kwargs)
    assert "NextToken" not in response
    return {item["ResourceId"]: item["Status"] for item in response["AssociationExecutionTargets"]}


@pytest.fixture
def mixed_run(ssm_client: Any) -> tuple[str, str]:
    """An association over five nodes, run with two failures and one timeout."""
    association_id = tagged_association(ssm_client, NODES)
    execution = simulate_run(
        association_id, instance_statuses={INSTANCE: "Failed", NODES[3]: "Failed", OTHER_INSTANCE: "TimedOut"}
    )
    return association_id, str(execution["ExecutionId"])


def test_targets_filter_by_status(ssm_client: Any, mixed_run: tuple[str, str]) -> None:
    association_id, execution_id = mixed_run

    def by(status: str) -> dict[str, str]:
        return target_statuses(ssm_client, association_id, execution_id, Filters=[{"Key": "Status", "Value": status}])

    assert by("Failed") == {INSTANCE: "Failed", NODES[3]: "Failed"}
    assert by("TimedOut") == {OTHER_INSTANCE: "TimedOut"}
    assert by("Success") == {HYBRID_INSTANCE: "Success", NODES[4]: "Success"}
    assert by("Cancelled") == {}


def test_targets_filter_by_resource_id(ssm_client: Any, mixed_run: tuple[str, str]) -> None:
    association_id, execution_id = mixed_run

    filters = [{"Key": "ResourceId", "Value": OTHER_INSTANCE}]

    assert target_statuses(ssm_client, association_id, execution_id, Filters=filters) == {OTHER_INSTANCE: "TimedOut"}
    unknown = [{"Key": "ResourceId", "Value": "i-0cccccccccccccccc"}]
    assert target_statuses(ssm_client, association_id, execution_id, Filters=unknown) == {}


def test_targets_filters_are_anded(ssm_client: Any, mixed_run: tuple[str, str]) -> None:
    association_id, execution_id = mixed_run

    def with_filters(*items: tuple[str, str]) -> dict[str, str]:
        filters = [{"Key": key, "Value": value} for key, value in items]
        return target_statuses(ssm_client, association_id, execution_id, Filters=filters)

    assert with_filters(("Status", "Failed"), ("ResourceId", INSTANCE)) == {INSTANCE: "Failed"}
    assert with_filters(("Status", "Success"), ("ResourceId", INSTANCE)) == {}
    assert with_filters(("Status", "Failed"), ("ResourceId", NODES[3]), ("ResourceType", "ManagedInstance")) == {
        NODES[3]: "Failed"
    }


def test_targets_filter_by_resource_type(ssm_client: Any, ssm_document: Any) -> None:
    """ParameterValues of a runbook reach a node (ManagedInstance) and another resource."""
    runbook = ssm_document(automation_document(), document_type="Automation")
    association_id = ssm_client.create_association(
        Name=runbook,
        AutomationTargetParameterName="InstanceId",
        Targets=[{"Key": "ParameterValues", "Values": [INSTANCE, "my-bucket"]}],
    )["AssociationDescription"]["AssociationId"]
    execution_id = simulate_run(association_id)["ExecutionId"]

    def by(resource_type: str) -> dict[str, str]:
        filters = [{"Key": "ResourceType", "Value": resource_type}]
        return target_statuses(ssm_client, association_id, execution_id, Filters=filters)

    assert by("ManagedInstance") == {INSTANCE: "Success"}
    assert by("Resource") == {"my-bucket": "Success"}
    assert by("EC2Instance") == {}


@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_paging_through_every_target(ssm_client: Any, mixed_run: tuple[str, str], page_size: int) -> None:
    association_id, execution_id = mixed_run

    pages = collect(
        lambda **kwargs: targets(ssm_client, association_id, execution_id, **kwargs),
        "AssociationExecutionTargets",
        MaxResults=page_size,
    )

    listed = [item["ResourceId"] for page in pages for item in page]
    assert sorted(listed) == sorted(NODES)
    assert len(listed) == len(set(listed))
    assert [len(page) for page in pages] == [min(page_size, 5 - i) for i in range(0, 5, page_size)]


def test_paging_through_filtered_targets(ssm_client: Any, mixed_run: tuple[str, str]) -> None:
    association_id, execution_id = mixed_run

    pages = collect(
        lambda **kwargs: targets(ssm_client, association_id, execution_id, **kwargs),
        "AssociationExecutionTargets",
        MaxResults=1,
        Filters=[{"Key": "Status", "Value": "Failed"}],
    )

    assert sorted(item["ResourceId"] for page in pages for item in page) == sorted([INSTANCE, NODES[3]])
    assert [len(page) for page in pages] == [1, 1]


def test_targets_next_token_reused_with_other_filters_is_rejected(ssm_client: Any, mixed_run: tuple[str, str]) -> None:
    association_id, execution_id = mixed_run
    token = targets(ssm_client, association_id, execution_id, MaxResults=2)["NextToken"]

    expect_error(
        ssm_client.describe_association_execution_targets,
        "InvalidNextToken",
        AssociationId=association_id,
        ExecutionId=execution_id,
        NextToken=token,
        Filters=[{"Key": "Status", "Value": "Failed"}],
    )
    expect_error(
        ssm_client.describe_association_execution_targets,
        "InvalidNextToken",
        AssociationId=association_id,
        ExecutionId=execution_id,
        NextToken="garbage",
    )


def test_targets_max_results_above_fifty_is_rejected(ssm_client: Any, mixed_run: tuple[str, str]) -> None:
    association_id, execution_id = mixed_run

    expect_error(
        ssm_client.describe_association_execution_targets,
        "ValidationException",
        "maxResults",
        AssociationId=association_id,
        ExecutionId=execution_id,
        MaxResults=51,
    )


def test_targets_of_an_unknown_execution(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    simulate_run(association_id)

    expect_error(
        ssm_client.describe_association_execution_targets,
        "AssociationExecutionDoesNotExist",
        UNKNOWN_ID,
        AssociationId=association_id,
        ExecutionId=UNKNOWN_ID,
    )


def test_targets_of_another_associations_execution(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    other = ssm_client.create_association(**SHELL, Targets=PROD)["AssociationDescription"]["AssociationId"]
    foreign_execution = simulate_run(other)["ExecutionId"]

    expect_error(
        ssm_client.describe_association_execution_targets,
        "AssociationExecutionDoesNotExist",
        AssociationId=association_id,
        ExecutionId=foreign_execution,
    )


def test_targets_of_an_unknown_association(ssm_client: Any) -> None:
    association_id = tagged_association(ssm_client)
    execution_id = simulate_run(association_id)["ExecutionId"]

    expect_error(
        ssm_client.describe_association_execution_targets,
        "AssociationDoesNotExist",
        UNKNOWN_ID,
        AssociationId=UNKNOWN_ID,
        ExecutionId=execution_id,
    )


def test_targets_filter_key_outside_the_enum(ssm_client: Any, mixed_run: tuple[str, str]) -> None:
    association_id, execution_id = mixed_run

    expect_error(
        ssm_client.describe_association_execution_targets,
        "ValidationException",
        "filters.1.member.key",
        AssociationId=association_id,
        ExecutionId=execution_id,
        Filters=[{"Key": "CreatedTime", "Value": "2024-05-01T12:00:00Z"}],
    )
