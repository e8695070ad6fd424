"""Runs of associations: executions, per-resource outcomes, and moto's state-manager model.

A run resolves an association's targets now, gives each resource an outcome, and is recorded
by ``record_run``: the one place a finished run updates the association (Overview, dates, the
legacy Status) and the per-node views. A run starts from ``run_association`` (the
``simulate_run`` face, seeds, the server's control), ``StartAssociationsOnce``, or moto's
state manager when a pending association is next read (``observe``).
"""

from __future__ import annotations

import itertools
from datetime import datetime
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
from ..targets import ONLINE, Node, parameter_value_targets, resolve_targets
from .clock import reported_now
from .filters import EXECUTION_TARGET_FILTERS, execution_filter
from .room import Room

if TYPE_CHECKING:
    from .associations import Association

RUN_MODEL_NAME = "ssm::association"
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


state_manager.register_default_transition(RUN_MODEL_NAME, transition={"progression": "manual", "times": 2**62})


def pending_run_state(settings: Mapping[str, Any]) -> AssociationRunState | None:
    """The state a new or updated association waits in: AWS applies it at once, unless it waits for its cron."""
    return None if settings.get("ApplyOnlyAtCronInterval") else AssociationRunState()


class ExecutionTarget:
    """The outcome of one run on one resource."""

    __slots__ = ("date", "detailed_status", "output_source_id", "resource_id", "resource_type", "status")

    def __init__(self, resource_id: str, resource_type: str, status: str, date: datetime) -> None:
        self.resource_id = resource_id
        self.resource_type = resource_type
        self.status = status
        self.detailed_status = status
        self.date = date
        self.output_source_id = str(mock_random.uuid4())


class Execution:
    """One run of an association over its resolved targets."""

    __slots__ = (
        "association_version",
        "created",
        "detailed_status",
        "document_version",
        "execution_id",
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


def output_url(association: Association, instance_id: str, execution_id: str) -> dict[str, Any] | None:
    """Where a run on a node wrote its output, when the association has an S3 OutputLocation."""
    location = (association.settings.get("OutputLocation") or {}).get("S3Location")
    if not location:
        return None
    prefix = str(location.get("OutputS3KeyPrefix") or "").strip("/")
    key = "/".join(part for part in (prefix, instance_id, association.association_id, execution_id) if part)
    return {"S3OutputUrl": {"OutputUrl": f"https://{location['OutputS3BucketName']}.s3.amazonaws.com/{key}"}}


def _looks_like_node(resource_id: str) -> bool:
    return resource_id.startswith(("i-", "mi-"))


class RunsRoom(Room):
    """Runs and their executions; the per-node results they leave."""

    # From the other rooms.
    get: Callable[[str], Association]
    managed_node: Callable[[str], Node]
    nodes: Callable[[], dict[str, Node]]

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # Which associations have run on a resource, and its last successful run.
        self.results_by_instance: dict[str, dict[str, Association]] = {}
        self.last_success_by_instance: dict[str, datetime] = {}

    def run_association(
        self,
        association_id: str,
        status: str = "Success",
        instance_statuses: Mapping[str, str] | None = None,
        detailed_status: str | None = None,
    ) -> dict[str, Any]:
        """Run an association now over its resolved targets, recording the given outcomes."""
        with self.lock:
            return self._run(self.get(association_id), status, instance_statuses or {}, detailed_status)

    def start_associations_once(self, association_ids: Sequence[str]) -> None:
        with self.lock:
            associations = [self.get(association_id) for association_id in association_ids]
            for association in associations:
                self._run(association, "Success", {}, None)

    def observe(self, association: Association) -> Association:
        """Let moto's state manager run a pending association when it is read (off by default)."""
        state = association.run_state
        if state is not None:
            state.advance()
            if state.status == "Success":
                self._run(association, "Success", {}, None)
        return association

    def _run(
        self,
        association: Association,
        status: str,
        instance_statuses: Mapping[str, str],
        detailed_status: str | None,
    ) -> dict[str, Any]:
        for outcome in [status, *instance_statuses.values()]:
            if outcome not in TARGET_STATUSES:
                raise ValidationException(f"Run status {outcome} is not one of {', '.join(TARGET_STATUSES)}.")
        resources = self._resolve_run_targets(association)
        unknown = sorted(set(instance_statuses) - {resource_id for resource_id, _ in resources})
        if unknown:
            raise InvalidTarget(
                f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among the targets of association "
                f"{association.association_id} ({', '.join(r for r, _ in resources) or 'none resolved'})."
            )
        now = reported_now()
        targets = [
            ExecutionTarget(resource_id, resource_type, instance_statuses.get(resource_id, status), now)
            for resource_id, resource_type in resources
        ]
        # No resource to run on (aws:NoOpAutomationTag, or no node matches): the run's outcome is the requested one.
        overall = overall_status(target.status for target in targets) if targets else status
        execution = Execution(
            association.latest.number,
            self.resolved_document_version(association),
            overall,
            detailed_status or overall,
            now,
            targets,
        )
        self.record_run(association, execution)
        return execution.describe(association.association_id)

    def record_run(self, association: Association, execution: Execution) -> None:
        """A run finished with these per-node results: the association and the per-node views show it.

        Everything a run leaves behind hangs from here, whatever started the run.
        """
        now, overall, targets = execution.created, execution.status, execution.targets
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

    def forget_runs(self, association: Association) -> None:
        """A deleted association's runs no longer show in the per-node views."""
        for resource_id in association.instance_results:
            self.results_by_instance.get(resource_id, {}).pop(association.association_id, None)

    def _resolve_run_targets(self, association: Association) -> list[tuple[str, str]]:
        """(resource id, resource type) pairs the association reaches if it runs now."""
        if association.instance_id:
            try:
                nodes = [self.managed_node(association.instance_id)]
            except InvalidInstanceId:
                return []
        else:
            targets = association.settings.get("Targets") or []
            parameter_values = parameter_value_targets(targets)
            if parameter_values:
                return [
                    (value, "ManagedInstance" if _looks_like_node(value) else "Resource") for value in parameter_values
                ]
            nodes = resolve_targets(targets, self.nodes(), self.account_id, self.region_name)
        # Only a node whose agent answers runs it: a stopped instance is managed, but not reached.
        return [(node.instance_id, "ManagedInstance") for node in nodes if node.ping_status == ONLINE]

    def resolved_document_version(self, association: Association) -> str:
        """The document version a run of the association uses now."""
        try:
            return document_store.find_document(
                self.account_id, self.region_name, association.name, association.settings.get("DocumentVersion")
            ).document_version
        except SSMAssociationError:  # the document was deleted since: report what was asked for
            return str(association.settings.get("DocumentVersion", document_store.DEFAULT_VERSION))

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
