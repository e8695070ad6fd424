"""Runs of associations: executions, per-resource outcomes, and moto's state-manager model.

A run resolves an association's targets now, gives each resource an outcome, and is recorded
by ``record_run``: the one place a finished run updates the association (Overview, dates, the
legacy Status) and the per-node views. A run starts from ``run_association`` (the
``simulate_run`` face, seeds, the server's control), ``StartAssociationsOnce``, moto's
state manager when a pending association is next read (``observe``), or State Manager's clock
(``start_due_runs``) when the test advances it.

The clock's runs are planned here: each association's ``RunPlan`` says when its apply-now run
(after a create or update) and its next scheduled run fall due, and which nodes it reached.
Each backend keeps its associations' next due times in a heap, and an advance looks at the
managed nodes once (``NodeSnapshot``), resolving each distinct Targets list once, so an advance
costs what it starts plus the scheduled associations, never a walk over the window's minutes
or over every node per run.
"""

from __future__ import annotations

import heapq
import itertools
import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from moto.moto_api import state_manager
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.managed_state_model import ManagedState

from .. import documents as document_store
from ..exceptions import (
    AssociationExecutionDoesNotExist,
    InvalidInstanceId,
    InvalidTarget,
    SSMAssociationError,
    ValidationException,
)
from ..pagination import DEFAULT_PAGE_SIZE, decode_next_token, int_position, page_of, request_fingerprint
from ..schedule import Schedule, parse_schedule
from ..state_model import RUN_MODEL_NAME, register_default_transition
from ..targets import ONLINE, Node, parameter_value_targets, resolve_targets
from .clock import reported_now
from .filters import EXECUTION_TARGET_FILTERS, execution_filter
from .room import Room

if TYPE_CHECKING:
    from .associations import Association

# Shared by every association: moto only reads it.
_RUN_TRANSITIONS: list[tuple[str | None, str]] = [("Pending", "Success")]
# Per-target outcomes a run can record, and how they roll up into Overview.Status.
TARGET_STATUSES = ("Success", "Failed", "Pending", "InProgress", "TimedOut", "Cancelled", "Skipped")
FAILED_STATUSES = ("Failed", "TimedOut", "Cancelled")
_PENDING_STATUSES = ("Pending", "InProgress")


def overall_status(statuses: Iterable[str]) -> str:
    """Overview.Status (Pending, Success or Failed) for a set of per-target outcomes."""
    seen = set(statuses)
    if seen & set(FAILED_STATUSES):
        return "Failed"
    if seen & set(_PENDING_STATUSES):
        return "Pending"
    return "Success"


def count_by_status(statuses: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


def execution_summary(status: str) -> str | None:
    """The agent's one-line plugin summary, as DescribeInstanceAssociationsStatus shows it."""
    if status in _PENDING_STATUSES:
        return None
    success, failed = int(status == "Success"), int(status in ("Failed", "Cancelled"))
    timed_out, skipped = int(status == "TimedOut"), int(status == "Skipped")
    return f"1 out of 1 plugin processed, {success} success, {failed} failed, {timed_out} timedout, {skipped} skipped. "


class AssociationRunState(ManagedState):
    """moto state-manager model ``ssm::association``: Pending until the association runs.

    By default nothing runs by itself. A test that sets a transition
    (``state_manager.set_transition("ssm::association", {"progression": "immediate"})``,
    or ``manual`` with ``times``, or ``time`` with ``seconds``) makes a pending association
    run successfully when it is next read, as if the agent had applied it.
    """

    def __init__(self) -> None:
        super().__init__(RUN_MODEL_NAME, transitions=_RUN_TRANSITIONS)


register_default_transition(state_manager)


def pending_run_state(settings: Mapping[str, Any]) -> AssociationRunState | None:
    """The state a new or updated association waits in: AWS applies it at once, unless it waits for its cron."""
    return None if settings.get("ApplyOnlyAtCronInterval") else AssociationRunState()


class ExecutionTarget:
    """The outcome of one run on one resource."""

    __slots__ = (
        "date",
        "detailed_status",
        "output_source_id",
        "output_url",
        "resource_id",
        "resource_type",
        "status",
    )

    def __init__(self, resource_id: str, resource_type: str, status: str, date: datetime) -> None:
        self.resource_id = resource_id
        self.resource_type = resource_type
        self.status = status
        self.detailed_status = status
        self.date = date
        self.output_source_id = str(mock_random.uuid4())
        # Where the run's output on this node went (S3 OutputLocation), once it finished there.
        self.output_url: str | None = None


class Execution:
    """One run of an association over its resolved targets."""

    __slots__ = (
        "association_version",
        "created",
        "detailed_status",
        "document_version",
        "execution_id",
        "outcome",
        "status",
        "targets",
    )

    def __init__(
        self,
        association_version: int,
        document_version: str,
        status: str,
        detailed_status: str,
        created: datetime,
        targets: list[ExecutionTarget],
    ) -> None:
        self.execution_id = str(mock_random.uuid4())
        self.association_version = association_version
        self.document_version = document_version
        self.status = status
        self.detailed_status = detailed_status
        self.created = created
        self.targets = targets
        # What the test chose for the run (the output its nodes write).
        self.outcome = SUCCESS

    def describe(self, association_id: str) -> dict[str, Any]:
        """An ``AssociationExecution`` item."""
        counts = count_by_status(target.status for target in self.targets)
        return {
            "AssociationId": association_id,
            "AssociationVersion": str(self.association_version),
            "ExecutionId": self.execution_id,
            "Status": self.status,
            "DetailedStatus": self.detailed_status,
            "CreatedTime": self.created,
            # AWS renders this map the Java way: {Failed=1, Success=2}
            "ResourceCountByStatus": "{" + ", ".join(f"{k}={v}" for k, v in counts.items()) + "}",
        }

    def describe_target(self, association_id: str, target: ExecutionTarget) -> dict[str, Any]:
        """An ``AssociationExecutionTarget`` item."""
        return {
            "AssociationId": association_id,
            "AssociationVersion": str(self.association_version),
            "ExecutionId": self.execution_id,
            "ResourceId": target.resource_id,
            "ResourceType": target.resource_type,
            "Status": target.status,
            "DetailedStatus": target.detailed_status,
            "LastExecutionDate": target.date,
            "OutputSource": {"OutputSourceId": target.output_source_id, "OutputSourceType": "RunCommand"},
        }


def _looks_like_node(resource_id: str) -> bool:
    return resource_id.startswith(("i-", "mi-"))


def check_statuses(statuses: Iterable[str]) -> None:
    for outcome in statuses:
        if outcome not in TARGET_STATUSES:
            raise ValidationException(f"Run status {outcome} is not one of {', '.join(TARGET_STATUSES)}.")


def _check_output(name: str, value: str | Mapping[str, str] | None) -> str | dict[str, str] | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return dict(value)
    raise TypeError(f"{name} must be a string or a mapping of instance ids to strings, not {value!r}.")


class RunOutcome:
    """How a run turns out on each resource: ``status``, unless ``instance_statuses`` names the resource.

    ``output`` / ``error_output``: what a node's ``stdout`` (and, on failure, ``stderr``) holds in
    the S3 OutputLocation; one text for every node, or texts per instance id (None: a default).
    """

    __slots__ = ("error_output", "instance_statuses", "output", "status")

    def __init__(
        self,
        status: str = "Success",
        instance_statuses: Mapping[str, str] | None = None,
        output: str | Mapping[str, str] | None = None,
        error_output: str | Mapping[str, str] | None = None,
    ) -> None:
        check_statuses([status, *(instance_statuses or {}).values()])
        self.status = status
        self.instance_statuses = dict(instance_statuses or {})
        self.output = _check_output("output", output)
        self.error_output = _check_output("error_output", error_output)

    def on(self, resource_id: str) -> str:
        return self.instance_statuses.get(resource_id, self.status)

    def named_resources(self) -> set[str]:
        """The resource ids the outcome names (each must be a target of a simulated run)."""
        named = set(self.instance_statuses)
        for texts in (self.output, self.error_output):
            if isinstance(texts, dict):
                named.update(texts)
        return named

    def stdout_on(self, resource_id: str) -> str | None:
        return self.output.get(resource_id) if isinstance(self.output, dict) else self.output

    def stderr_on(self, resource_id: str) -> str | None:
        return self.error_output.get(resource_id) if isinstance(self.error_output, dict) else self.error_output


SUCCESS = RunOutcome()


_NONE: frozenset[str] = frozenset()


class RunPlan:
    """When an association runs next, and which nodes its runs have reached (State Manager's clock)."""

    __slots__ = (
        "apply_due",
        "catch_up",
        "catch_up_due",
        "deadlines",
        "last_full_run",
        "missed",
        "next_due",
        "targeted",
    )

    def __init__(self) -> None:
        # The apply-now run a create or update asked for (None: none pending, or ApplyOnlyAtCronInterval).
        self.apply_due: datetime | None = None
        # The latest run over all targets: rate() counts from it, and no scheduled run falls before it.
        self.last_full_run: datetime | None = None
        # Nodes the runs targeted, and those among them that were not reached (stopped) since.
        # Immutable and shared while empty: an association that never misses a node costs no set.
        self.targeted: frozenset[str] | None = None
        self.missed: frozenset[str] = _NONE
        # Nodes that newly match, or came back, wait for a run of their own.
        self.catch_up: frozenset[str] = _NONE
        self.catch_up_due: datetime | None = None
        # Duration: when the unfinished targets of a run are cancelled.
        self.deadlines: tuple[tuple[datetime, Execution], ...] = ()
        # The time the backend's heap holds for this association (other entries are stale).
        self.next_due: datetime | None = None


class NodeSnapshot:
    """The managed nodes of one account and region as an advance of the clock sees them.

    Nothing an advance does changes the nodes, so it looks at them once, and resolves each
    distinct Targets list once: a run costs what it records, not a walk over every node (and
    moto's EC2 tags) per run.
    """

    __slots__ = ("_selected", "nodes")

    def __init__(self, nodes: dict[str, Node]) -> None:
        self.nodes = nodes
        self._selected: dict[tuple[tuple[str, tuple[str, ...]], ...], list[Node]] = {}

    def select(self, targets: Sequence[Mapping[str, Any]], account_id: str, region_name: str) -> list[Node]:
        """``resolve_targets`` over these nodes, once per Targets list (an error is not kept: it is raised again)."""
        key = tuple((str(t.get("Key", "")), tuple(str(v) for v in t.get("Values") or [])) for t in targets)
        selected = self._selected.get(key)
        if selected is None:
            selected = self._selected[key] = resolve_targets(targets, self.nodes, account_id, region_name)
        return selected


def _allowed_errors(value: str | None, total: int) -> int | None:
    """MaxErrors as a count: ``"3"``, or a percentage of ``total`` rounded down (10% of 50: the 6th error stops)."""
    if value is None:
        return None
    if value.endswith("%"):
        return total * int(value[:-1]) // 100
    return int(value)


class RunsRoom(Room):
    """Runs and their executions; the per-node results they leave."""

    # From the other rooms.
    associations: dict[str, Association]
    get: Callable[[str], Association]
    managed_node: Callable[[str], Node]
    leave_traces: Callable[[Association, Execution], None]
    forget_traces: Callable[[Association], None]
    nodes: Callable[[], dict[str, Node]]
    write_run_output: Callable[[Association, Execution], None]

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # Which associations have run on a resource, and its last successful run.
        self.results_by_instance: dict[str, dict[str, Association]] = {}
        self.last_success_by_instance: dict[str, datetime] = {}
        # What set_run_outcome chose for the runs State Manager starts.
        self.run_outcomes: dict[str, RunOutcome] = {}
        self.run_plans: dict[str, RunPlan] = {}
        # (due, creation position, association id): the next due time of each planned association.
        self._due: list[tuple[datetime, int, str]] = []
        # The managed nodes as the last advance saw them: a change is looked for only when they differ.
        self._nodes_seen: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] | None = None

    def run_association(
        self,
        association_id: str,
        status: str = "Success",
        instance_statuses: Mapping[str, str] | None = None,
        detailed_status: str | None = None,
        output: str | Mapping[str, str] | None = None,
        error_output: str | Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Run an association now over its resolved targets, recording the given outcomes.

        Every target gets an outcome (rate controls do not apply: the test chose them all).
        """
        with self.lock:
            association = self.get(association_id)
            outcome = RunOutcome(status, instance_statuses, output, error_output)
            execution = self._run(association, outcome, detailed_status=detailed_status, exact=True)
            return execution.describe(association.association_id)

    def set_run_outcome(self, association_id: str, outcome: RunOutcome) -> None:
        """How the runs State Manager starts from now on (clock, StartAssociationsOnce, state manager) turn out."""
        with self.lock:
            self.run_outcomes[self.get(association_id).association_id] = outcome

    def start_associations_once(self, association_ids: Sequence[str]) -> None:
        with self.lock:
            associations = [self.get(association_id) for association_id in association_ids]
            for association in associations:
                self._run(association, self._outcome(association))

    def observe(self, association: Association) -> Association:
        """Let moto's state manager run a pending association when it is read (off by default)."""
        state = association.run_state
        if state is not None:
            state.advance()
            if state.status == "Success":
                self._run(association, self._outcome(association))
        return association

    def _outcome(self, association: Association) -> RunOutcome:
        return self.run_outcomes.get(association.association_id, SUCCESS)

    def _run(
        self,
        association: Association,
        outcome: RunOutcome,
        *,
        detailed_status: str | None = None,
        at: datetime | None = None,
        only: frozenset[str] | None = None,
        exact: bool = False,
        snapshot: NodeSnapshot | None = None,
    ) -> Execution:
        """Run over the association's targets now (or ``at`` a due time; ``only`` some nodes) and record it.

        ``exact``: every resource gets its outcome and ``instance_statuses`` must name targets
        (simulate_run); otherwise MaxConcurrency and MaxErrors decide how far dispatching goes.
        ``snapshot``: the nodes as the clock's advance saw them (else they are looked at now).
        """
        resources, unreached = self._resolve_run_targets(association, snapshot)
        if only is not None:
            resources = [(resource_id, kind) for resource_id, kind in resources if resource_id in only]
            unreached = unreached & only
        if exact:
            unknown = sorted(outcome.named_resources() - {resource_id for resource_id, _ in resources})
            if unknown:
                resolved = ", ".join(resource_id for resource_id, _ in resources) or "none resolved"
                raise InvalidTarget(
                    f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among the targets of "
                    f"association {association.association_id} ({resolved})."
                )
            dispatched = resources
        else:
            dispatched = self._dispatched(association, resources, outcome)
        moment = at or reported_now()
        targets = [
            ExecutionTarget(resource_id, resource_type, outcome.on(resource_id), moment)
            for resource_id, resource_type in dispatched
        ]
        # No resource to run on (aws:NoOpAutomationTag, or no node matches): the run's outcome is the requested one.
        overall = overall_status(target.status for target in targets) if targets else outcome.status
        execution = Execution(
            association.latest.number,
            self.resolved_document_version(association),
            overall,
            detailed_status or overall,
            moment,
            targets,
        )
        execution.outcome = outcome
        self.record_run(association, execution)
        self._plan_after_run(association, execution, {resource_id for resource_id, _ in resources}, unreached, only)
        return execution

    @staticmethod
    def _dispatched(
        association: Association, resources: list[tuple[str, str]], outcome: RunOutcome
    ) -> list[tuple[str, str]]:
        """The resources a run reaches: in waves of MaxConcurrency, until more than MaxErrors have failed.

        Targets in a wave already dispatched finish (and count); the rest get no result in this run.
        """
        total = len(resources)
        concurrency = association.settings.get("MaxConcurrency")
        wave = total
        if concurrency:  # a count, or a percentage of the targets rounded up (at least one)
            percent = concurrency.endswith("%")
            wave = max(1, math.ceil(total * int(concurrency[:-1]) / 100)) if percent else int(concurrency)
        allowed_errors = _allowed_errors(association.settings.get("MaxErrors"), total)
        dispatched: list[tuple[str, str]] = []
        errors = 0
        for first in range(0, total, wave or 1):
            if allowed_errors is not None and errors > allowed_errors:
                break
            for resource in resources[first : first + wave]:
                dispatched.append(resource)
                errors += outcome.on(resource[0]) in FAILED_STATUSES
        return dispatched

    def record_run(self, association: Association, execution: Execution) -> None:
        """A run finished with these per-node results: the association and the per-node views show it.

        Everything a run leaves behind hangs from here, whatever started the run.
        """
        now, overall, targets = execution.created, execution.status, execution.targets
        if not association.executions or association.executions[-1] is not execution:  # else: its results changed
            association.executions.append(execution)
        association.overview = {
            "Status": overall,
            "DetailedStatus": execution.detailed_status,
            "AssociationStatusAggregatedCount": count_by_status(target.status for target in targets),
        }
        finished = overall != "Pending"  # a Pending run has not executed anywhere yet
        if finished:
            association.last_execution_date = now
        if overall == "Success":
            association.last_successful_execution_date = now
        if association.instance_id and finished:
            association.status = {
                "Date": now,
                "Name": overall,
                "Message": execution_summary(overall) or f"Association is {overall.lower()}",
            }
        for target in targets:
            association.instance_results[target.resource_id] = (execution, target)
            self.results_by_instance.setdefault(target.resource_id, {})[association.association_id] = association
            if target.status == "Success":
                self.last_success_by_instance[target.resource_id] = now
        association.run_state = None
        self.write_run_output(association, execution)
        self.leave_traces(association, execution)

    def forget_runs(self, association: Association) -> None:
        """A deleted association's runs no longer show in the per-node views (nor in compliance), and it never
        runs again."""
        self.forget_traces(association)
        for resource_id in association.instance_results:
            self.results_by_instance.get(resource_id, {}).pop(association.association_id, None)
        self.run_outcomes.pop(association.association_id, None)
        self.run_plans.pop(association.association_id, None)  # its heap entries are stale from now on

    def _resolve_run_targets(
        self, association: Association, snapshot: NodeSnapshot | None = None
    ) -> tuple[list[tuple[str, str]], set[str]]:
        """(resource id, resource type) pairs the association reaches if it runs now, and the targeted
        nodes it cannot reach: their agent does not answer (a stopped instance is managed, but not reached)."""
        if association.instance_id and snapshot is not None:
            node = snapshot.nodes.get(association.instance_id)
            nodes = [] if node is None else [node]
        elif association.instance_id:
            try:
                nodes = [self.managed_node(association.instance_id)]
            except InvalidInstanceId:
                return [], set()
        else:
            targets = association.settings.get("Targets") or []
            parameter_values = parameter_value_targets(targets)
            if parameter_values:
                kinds = ["ManagedInstance" if _looks_like_node(value) else "Resource" for value in parameter_values]
                return list(zip(parameter_values, kinds)), set()
            if snapshot is None:
                nodes = resolve_targets(targets, self.nodes(), self.account_id, self.region_name)
            else:
                nodes = snapshot.select(targets, self.account_id, self.region_name)
        reached = [(node.instance_id, "ManagedInstance") for node in nodes if node.ping_status == ONLINE]
        return reached, {node.instance_id for node in nodes if node.ping_status != ONLINE}

    # --- State Manager's clock: when runs fall due ----------------------------------

    def plan_runs(self, association: Association, *, creating: bool) -> None:
        """A create or update: the apply-now run is due now (unless ApplyOnlyAtCronInterval); the schedule restarts."""
        plan = self.run_plans.setdefault(association.association_id, RunPlan())
        settings = association.settings
        since = association.last_updated
        association.run_state = pending_run_state(settings)
        plan.apply_due = None if settings.get("ApplyOnlyAtCronInterval") else since
        schedule = _schedule_of(association)
        if creating and schedule is not None and schedule.at is not None and schedule.at <= since:
            plan.apply_due = since  # an at() already past when created runs at once, whatever the flag says
        self._replan(association, plan)

    def _scheduled_due(self, association: Association, plan: RunPlan) -> datetime | None:
        """The association's next scheduled run: never before its last create/update or its latest full run.

        ``rate()`` counts from the latest run; ``cron()`` selects a day and time in UTC, then waits
        ScheduleOffset days (a match whose day is past is skipped even if day + offset is ahead);
        ``at()`` is one run, and without ApplyOnlyAtCronInterval that run is the creation run.
        """
        schedule = _schedule_of(association)
        if schedule is None or (schedule.at is not None and not association.settings.get("ApplyOnlyAtCronInterval")):
            return None
        offset = timedelta(days=int(association.settings.get("ScheduleOffset") or 0))
        anchor = association.last_updated
        if plan.last_full_run is not None:
            anchor = max(anchor, plan.last_full_run - offset)
        found = schedule.next_after(anchor)
        return None if found is None else found + offset

    def _replan(self, association: Association, plan: RunPlan) -> None:
        """Put the association's next due time (apply-now, scheduled, catch-up or Duration cut-off) on the heap."""
        candidates = [plan.apply_due, self._scheduled_due(association, plan), plan.catch_up_due]
        candidates.extend(deadline for deadline, _ in plan.deadlines)
        due = min((moment for moment in candidates if moment is not None), default=None)
        if due != plan.next_due:
            plan.next_due = due
            if due is not None:
                heapq.heappush(self._due, (due, association.position, association.association_id))

    def _plan_after_run(
        self,
        association: Association,
        execution: Execution,
        resolved: set[str],
        unreached: set[str],
        only: frozenset[str] | None,
    ) -> None:
        plan = self.run_plans.setdefault(association.association_id, RunPlan())
        reached = {target.resource_id for target in execution.targets}
        if only is None:
            # A run over all targets: the apply-now run is done, rate() counts from here, catch-ups are covered.
            plan.targeted = frozenset(resolved | unreached)
            plan.missed = (plan.missed & (plan.targeted - reached)) | unreached
            plan.apply_due = None
            plan.last_full_run = execution.created
            plan.catch_up, plan.catch_up_due = _NONE, None
        else:
            plan.targeted = (plan.targeted or _NONE) | reached
            plan.missed = plan.missed - reached
        duration = association.settings.get("Duration")
        unfinished = any(target.status in _PENDING_STATUSES for target in execution.targets)
        if duration and association.settings.get("ApplyOnlyAtCronInterval") and unfinished:
            plan.deadlines += ((execution.created + timedelta(hours=int(duration)), execution),)
        self._replan(association, plan)

    def next_due(self) -> datetime | None:
        """The earliest time a run (or a Duration cut-off) of this account and region falls due."""
        with self.lock:
            while self._due:
                due, _, association_id = self._due[0]
                plan = self.run_plans.get(association_id)
                if plan is not None and plan.next_due == due:
                    return due
                heapq.heappop(self._due)  # replanned or deleted since
            return None

    def start_next_due(self, until: datetime, snapshot: NodeSnapshot | None) -> list[tuple[str, Execution]]:
        """Handle the earliest due association, if it is due by ``until``: the runs it started."""
        with self.lock:
            due = self.next_due()
            if due is None or due > until:
                return []
            _, _, association_id = heapq.heappop(self._due)
            association = self.associations[association_id]
            plan = self.run_plans[association_id]
            plan.next_due = None
            started = self._handle_due(association, plan, due, snapshot)
            self._replan(association, plan)
            return [(association_id, execution) for execution in started]

    def _handle_due(
        self, association: Association, plan: RunPlan, due: datetime, snapshot: NodeSnapshot | None
    ) -> list[Execution]:
        # A run that outlived its Duration is cut off before the next one starts.
        passed = [item for item in plan.deadlines if item[0] <= due]
        plan.deadlines = tuple(item for item in plan.deadlines if item[0] > due)
        for deadline, execution in passed:
            self._cancel_unfinished(association, execution, deadline)
        outcome = self._outcome(association)
        scheduled = self._scheduled_due(association, plan)
        started: list[Execution] = []
        if (plan.apply_due is not None and plan.apply_due <= due) or (scheduled is not None and scheduled <= due):
            started.append(self._run_or_fail(association, outcome, due, None, snapshot))
        if plan.catch_up_due is not None and plan.catch_up_due <= due:
            nodes, plan.catch_up, plan.catch_up_due = plan.catch_up, _NONE, None
            if self._reaches_any(association, nodes, snapshot):
                started.append(self._run_or_fail(association, outcome, due, nodes, snapshot))
        return started

    def _reaches_any(self, association: Association, nodes: frozenset[str], snapshot: NodeSnapshot | None) -> bool:
        """Whether a run now would reach one of ``nodes`` (a run that cannot resolve its targets fails instead)."""
        try:
            reached = self._resolve_run_targets(association, snapshot)[0]
            return any(resource_id in nodes for resource_id, _ in reached)
        except SSMAssociationError:
            return True

    def _run_or_fail(
        self,
        association: Association,
        outcome: RunOutcome,
        due: datetime,
        only: frozenset[str] | None,
        snapshot: NodeSnapshot | None,
    ) -> Execution:
        """A run the clock starts; one whose targets cannot be resolved (a bad resource group) fails as a whole."""
        try:
            return self._run(association, outcome, at=due, only=only, snapshot=snapshot)
        except SSMAssociationError as error:
            execution = Execution(
                association.latest.number, self.resolved_document_version(association), "Failed", error.code, due, []
            )
            self.record_run(association, execution)
            self._plan_after_run(association, execution, set(), set(), only)
            return execution

    def _cancel_unfinished(self, association: Association, execution: Execution, deadline: datetime) -> None:
        """Duration: the targets still pending or in progress at the cut-off are cancelled."""
        for target in execution.targets:
            if target.status in _PENDING_STATUSES:
                target.status = target.detailed_status = "Cancelled"
                target.date = deadline
        execution.status = execution.detailed_status = overall_status(target.status for target in execution.targets)
        if association.executions and association.executions[-1] is execution:
            self.record_run(association, execution)

    def notice_node_changes(self, moment: datetime) -> NodeSnapshot | None:
        """Nodes that newly match an association's targets, or answer again after missing a run, get a run at
        ``moment``. Looked for only when the managed nodes (ids, ping status, tags) differ from the last look.
        Automation runbooks are not re-applied on target changes (as AWS documents).

        Returns the nodes it looked at, for the advance's runs (None: nothing is planned here, so no look).
        """
        with self.lock:
            if not self.run_plans:
                return None
            snapshot = NodeSnapshot(self.nodes())
            seen = tuple(
                (node.instance_id, node.ping_status, tuple(sorted(node.tags.items())))
                for node in snapshot.nodes.values()
            )
            if seen == self._nodes_seen:
                return snapshot
            self._nodes_seen = seen
            for association_id, plan in self.run_plans.items():
                if plan.targeted is None or plan.apply_due is not None:
                    continue  # never run yet, or a run over all targets is pending anyway
                association = self.associations[association_id]
                waiting = self._nodes_to_catch_up(association, plan, snapshot) - plan.catch_up
                if waiting:
                    plan.catch_up |= waiting
                    plan.catch_up_due = plan.catch_up_due or moment
                    self._replan(association, plan)
            return snapshot

    def _nodes_to_catch_up(self, association: Association, plan: RunPlan, snapshot: NodeSnapshot) -> set[str]:
        nodes = snapshot.nodes
        if association.instance_id:
            targeted = [nodes[association.instance_id]] if association.instance_id in nodes else []
        else:
            targets = association.settings.get("Targets") or []
            if parameter_value_targets(targets) or self._is_runbook(association):
                return set()
            try:
                targeted = snapshot.select(targets, self.account_id, self.region_name)
            except SSMAssociationError:
                return set()
        known = plan.targeted or _NONE
        return {
            node.instance_id
            for node in targeted
            if node.ping_status == ONLINE and (node.instance_id not in known or node.instance_id in plan.missed)
        }

    def _is_runbook(self, association: Association) -> bool:
        document = self.association_document(association)
        return document is not None and document.document_type == "Automation"

    def association_document(self, association: Association) -> document_store.DocumentInfo | None:
        """The document (in the version asked for) a run of the association uses now; None once it is deleted."""
        try:
            return document_store.find_document(
                self.account_id, self.region_name, association.name, association.settings.get("DocumentVersion")
            )
        except SSMAssociationError:
            return None

    def resolved_document_version(self, association: Association) -> str:
        """The document version a run of the association uses now."""
        document = self.association_document(association)
        if document is None:  # the document was deleted since: report what was asked for
            return str(association.settings.get("DocumentVersion", document_store.DEFAULT_VERSION))
        return document.document_version

    # --- executions --------------------------------------------------------------

    def describe_association_executions(
        self, association_id: str, filters: Sequence[Mapping[str, str]], max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        predicates = [execution_filter(item["Key"], item["Value"], item["Type"]) for item in filters]
        fingerprint = request_fingerprint("DescribeAssociationExecutions", {"id": association_id, "f": list(filters)})
        position = decode_next_token(next_token, fingerprint)
        with self.lock:
            association = self.observe(self.get(association_id))
            executions = association.executions
            start = len(executions) - 1 if position is None else int_position(position)
            newest_first = (
                (index, executions[index])
                for index in range(min(start, len(executions) - 1), -1, -1)
                if all(predicate(executions[index]) for predicate in predicates)
            )
            return page_of(
                newest_first,
                max_results or DEFAULT_PAGE_SIZE,
                fingerprint,
                lambda execution: execution.describe(association_id),
            )

    def describe_association_execution_targets(
        self,
        association_id: str,
        execution_id: str,
        filters: Sequence[Mapping[str, str]],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        wanted = [(EXECUTION_TARGET_FILTERS[item["Key"]], item["Value"]) for item in filters]
        fingerprint = request_fingerprint(
            "DescribeAssociationExecutionTargets", {"id": association_id, "e": execution_id, "f": list(filters)}
        )
        start = int_position(decode_next_token(next_token, fingerprint))
        with self.lock:
            association = self.get(association_id)
            execution = next((e for e in association.executions if e.execution_id == execution_id), None)
            if execution is None:
                raise AssociationExecutionDoesNotExist(
                    f"Execution {execution_id} does not exist for association {association_id}. "
                    "List them with DescribeAssociationExecutions."
                )
            matching = (
                (index, target)
                for index, target in itertools.islice(enumerate(execution.targets), start, None)
                if all(getattr(target, attribute) == value for attribute, value in wanted)
            )
            return page_of(
                matching,
                max_results or DEFAULT_PAGE_SIZE,
                fingerprint,
                lambda target: execution.describe_target(association_id, target),
            )


def _schedule_of(association: Association) -> Schedule | None:
    expression = association.settings.get("ScheduleExpression")
    return None if expression is None else parse_schedule(expression)


def start_due_runs(backends: Sequence[RunsRoom], start: datetime, until: datetime) -> list[dict[str, Any]]:
    """Start every run due by ``until`` in these backends, in time order across them; the executions, oldest first.

    ``start`` is when the advance began: nodes that newly match, or answer again, get their runs then.
    """
    # The nodes are looked at once per backend: nothing the runs do changes them.
    snapshots = [backend.notice_node_changes(start) for backend in backends]
    waiting = [(due, order, backend) for order, backend in enumerate(backends) for due in [backend.next_due()] if due]
    heapq.heapify(waiting)
    started: list[tuple[str, Execution]] = []
    while waiting:
        due, order, backend = heapq.heappop(waiting)
        if due > until:
            break
        started.extend(backend.start_next_due(until, snapshots[order]))
        following = backend.next_due()
        if following is not None:
            heapq.heappush(waiting, (following, order, backend))
    return [execution.describe(association_id) for association_id, execution in started]
