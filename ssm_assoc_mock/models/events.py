"""EventBridge events that runs leave, put on the default event bus through moto's events backend.

State Manager emits, with source ``aws.ssm`` (reference state-manager-runtime.md section 2):

- "EC2 State Manager Association State Change" when a run changes the association's
  ``Overview.Status`` (a create or an update resets it to Pending);
- "EC2 State Manager Instance Association State Change" for each node a run records a status
  on (a run's result recorded again unchanged is not announced twice);
- "Configuration Compliance State Change" when a node's ``Association`` compliance status is
  first recorded or flips, whether a run, PutComplianceItems or a deletion flipped it.

Events are built as AWS's documented examples show them (every ``detail`` value a string) and
handed to moto's ``put_events``, so moto's rules and targets deliver them. Delivery is best
effort, as AWS documents it: a failure is logged at debug level and never fails the call.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from moto.moto_api._internal import mock_random

from .. import documents as document_store
from .clock import reported_now
from .room import Room
from .runs import FAILED_STATUSES, execution_summary

if TYPE_CHECKING:
    from .associations import Association
    from .compliance import ComplianceFlip
    from .runs import Execution, ExecutionTarget

LOG = logging.getLogger(__name__)

SOURCE = "aws.ssm"
ASSOCIATION_CHANGE = "EC2 State Manager Association State Change"
INSTANCE_ASSOCIATION_CHANGE = "EC2 State Manager Instance Association State Change"
COMPLIANCE_CHANGE = "Configuration Compliance State Change"
PUT_EVENTS_LIMIT = 10  # entries per PutEvents request (moto enforces AWS's figure)
# Absent from AWS's example: State Manager writes document-version so when no version was asked for.
NO_DOCUMENT_VERSION = "Optional.empty"


@dataclass
class _Announced:
    """What the events of one association last said: its overall status (for the version it was recorded
    under) and, per node, the execution and status last announced and its last success there."""

    version: int
    status: str
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)
    node_successes: dict[str, datetime] = field(default_factory=dict)


def _iso(moment: datetime | None, *, milliseconds: bool = False) -> str:
    """ISO 8601 UTC with ``Z``, as the examples write dates (creation and update dates with milliseconds)."""
    if moment is None:
        return ""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond // 1000:03d}Z" if milliseconds else f"{text}Z"


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _partition(region_name: str) -> str:
    try:
        from moto.utilities.utils import get_partition
    except ImportError:  # moto releases before partitions (early 5.0): AWS's names for them
        if region_name.startswith("cn-"):
            return "aws-cn"
        return "aws-us-gov" if region_name.startswith("us-gov-") else "aws"
    return str(get_partition(region_name))


def document_arn(name: str, account_id: str, region_name: str) -> str:
    """The document's ARN; AWS-owned documents have none of the account in it (as AWS's example shows)."""
    plain, owner = document_store.document_name_from(name)
    if owner is not None:
        return name  # the association names a shared document by its ARN
    owning = "" if plain in document_store.aws_owned_documents() else account_id
    return f"arn:{_partition(region_name)}:ssm:{region_name}:{owning}:document/{plain}"


def node_arn(node_id: str, account_id: str, region_name: str) -> str:
    """An EC2 instance's ARN, or a hybrid node's ``managed-instance`` ARN."""
    partition = _partition(region_name)
    if node_id.startswith("i-"):
        return f"arn:{partition}:ec2:{region_name}:{account_id}:instance/{node_id}"
    return f"arn:{partition}:ssm:{region_name}:{account_id}:managed-instance/{node_id}"


def _targets(association: Association) -> str:
    """The association's targets as the events write them: lower-case member names, the key as the user spelled it."""
    if association.instance_id:
        targets = [{"key": "InstanceIds", "values": [association.instance_id]}]
    else:
        targets = [
            {"key": target["Key"], "values": list(target["Values"])}
            for target in association.settings.get("Targets") or []
        ]
    return _compact(targets)


def envelope(
    detail_type: str,
    account_id: str,
    region_name: str,
    moment: datetime,
    resources: Sequence[str],
    detail: Mapping[str, str],
) -> dict[str, Any]:
    """An event as EventBridge delivers it."""
    return {
        "version": "0",
        "id": str(mock_random.uuid4()),
        "detail-type": detail_type,
        "source": SOURCE,
        "account": account_id,
        "time": _iso(moment),
        "region": region_name,
        "resources": list(resources),
        "detail": dict(detail),
    }


def association_event(association: Association, account_id: str, region_name: str, moment: datetime) -> dict[str, Any]:
    """ "EC2 State Manager Association State Change" for the association as it is now."""
    settings, overview = association.settings, association.overview
    detail = {
        "association-id": association.association_id,
        "document-name": association.name,
        "association-version": str(association.latest.number),
        "document-version": str(settings.get("DocumentVersion") or NO_DOCUMENT_VERSION),
        "targets": _targets(association),
        "creation-date": _iso(association.created, milliseconds=True),
        "last-successful-execution-date": _iso(association.last_successful_execution_date),
        "last-execution-date": _iso(association.last_execution_date),
        "last-updated-date": _iso(association.last_updated, milliseconds=True),
        "status": str(overview["Status"]),
        "association-status-aggregated-count": _compact(overview.get("AssociationStatusAggregatedCount") or {}),
        "schedule-expression": str(settings.get("ScheduleExpression") or ""),
        "association-cwe-version": "1.0",
    }
    resources = [document_arn(association.name, account_id, region_name)]
    return envelope(ASSOCIATION_CHANGE, account_id, region_name, moment, resources, detail)


def instance_association_event(
    association: Association,
    execution: Execution,
    target: ExecutionTarget,
    last_success: datetime | None,
    account_id: str,
    region_name: str,
    *,
    targets: str | None = None,
    document: str | None = None,
) -> dict[str, Any]:
    """ "EC2 State Manager Instance Association State Change" for one node's result of a run.

    ``targets`` and ``document`` (the targets as events write them, the document's ARN) are the same for
    every node of a run: a caller building many passes them once made.
    """
    detail = {
        "association-id": association.association_id,
        "instance-id": target.resource_id,
        "document-name": association.name,
        "document-version": execution.document_version,
        "targets": _targets(association) if targets is None else targets,
        "creation-date": _iso(association.created),
        "last-successful-execution-date": _iso(last_success),
        "last-execution-date": _iso(target.date),
        "status": target.status,
        "detailed-status": target.detailed_status or "",
        "error-code": "1" if target.status in FAILED_STATUSES else "",
        "execution-summary": execution_summary(target.status) or "",
        "output-url": target.output_url or "",
        "instance-association-cwe-version": "1",
    }
    resources = [
        node_arn(target.resource_id, account_id, region_name),
        document_arn(association.name, account_id, region_name) if document is None else document,
    ]
    return envelope(INSTANCE_ASSOCIATION_CHANGE, account_id, region_name, target.date, resources, detail)


def compliance_event(flip: ComplianceFlip, account_id: str, region_name: str, moment: datetime) -> dict[str, Any]:
    """ "Configuration Compliance State Change" for a node's association compliance."""
    partition = _partition(region_name)
    detail = {
        "last-runtime": _iso(flip.execution_time),
        "compliance-status": flip.status.lower(),
        "resource-type": "managed-instance",
        "resource-id": flip.resource_id,
        "compliance-type": flip.compliance_type,
    }
    # The example's ARN says managed-instance even for an i- node.
    resources = [f"arn:{partition}:ssm:{region_name}:{account_id}:managed-instance/{flip.resource_id}"]
    return envelope(COMPLIANCE_CHANGE, account_id, region_name, moment, resources, detail)


def put_entry(event: Mapping[str, Any], moment: datetime) -> dict[str, Any]:
    """The PutEvents request entry that makes EventBridge deliver ``event`` (on the default bus)."""
    return {
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Detail": json.dumps(event["detail"]),
        "Resources": list(event["resources"]),
        "Time": _epoch(moment),  # moto's targets expect epoch seconds here
    }


def listening_bus(account_id: str, region_name: str) -> Any | None:
    """moto's events backend of the account and region, when a rule on its default bus could take an event.

    Where moto has no events backend for the account and region yet (or its default bus has no
    rule), nothing would be delivered: no event is built. moto.events is imported only here.
    """
    try:
        from moto.events.models import events_backends

        # dict.get: only the backends made so far ([] would make one; `in` is true for any known region).
        regions = events_backends.get(account_id)
        backend = None if regions is None else regions.get(region_name)
        return backend if backend is not None and backend.describe_event_bus("default").rules else None
    except Exception:  # moto's events are best effort here: without them, runs still run
        LOG.debug("moto's EventBridge is not usable for State Manager events", exc_info=True)
        return None


def deliver(backend: Any, entries: Sequence[tuple[Mapping[str, Any], datetime]]) -> None:
    """Put events on the default event bus of ``backend`` (moto's events backend). Never raises: delivery is
    best effort, as AWS documents it."""
    try:
        requests = [put_entry(event, moment) for event, moment in entries]
        for start in range(0, len(requests), PUT_EVENTS_LIMIT):
            for result in backend.put_events(requests[start : start + PUT_EVENTS_LIMIT]):
                if "ErrorCode" in result:
                    LOG.debug("EventBridge refused a State Manager event: %s", result)
    except Exception:  # events are best effort: the API call that caused them must not fail
        LOG.debug("EventBridge delivery of State Manager events failed", exc_info=True)


class EventsRoom(Room):
    """The events runs and compliance changes put on EventBridge, and what they last announced."""

    # From the other rooms.
    record_run_compliance: Callable[[Association, Execution], list[ComplianceFlip]]
    forget_compliance: Callable[[Association], list[ComplianceFlip]]

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self._announced: dict[str, _Announced] = {}

    def leave_traces(self, association: Association, execution: Execution) -> None:
        """What a recorded run leaves besides its views: compliance, and the events that announce it."""
        flips = self.record_run_compliance(association, execution)
        bus = listening_bus(self.account_id, self.region_name)
        events: list[tuple[Mapping[str, Any], datetime]] = []
        shared: dict[str, str] = {}  # what every node's event says alike, made for the first one
        version = association.latest.number
        announced = self._announced.get(association.association_id)
        if announced is None:
            announced = self._announced[association.association_id] = _Announced(version, "Pending")
        elif announced.version != version:
            announced.version, announced.status = version, "Pending"  # an update reset Overview to Pending
        for target in execution.targets:
            if target.resource_type != "ManagedInstance":
                continue  # a runbook's other resources (ParameterValues): the event is about managed nodes
            said = (execution.execution_id, target.status)
            if target.status == "Success":
                announced.node_successes[target.resource_id] = target.date
            if announced.nodes.get(target.resource_id) == said:
                continue
            announced.nodes[target.resource_id] = said
            if bus is not None:
                last_success = announced.node_successes.get(target.resource_id)
                if not shared:
                    shared["targets"] = _targets(association)
                    shared["document"] = document_arn(association.name, self.account_id, self.region_name)
                event = instance_association_event(
                    association, execution, target, last_success, self.account_id, self.region_name, **shared
                )
                events.append((event, target.date))
        status = str(association.overview["Status"])
        if status != announced.status:
            announced.status = status
            if bus is not None:
                event = association_event(association, self.account_id, self.region_name, execution.created)
                events.append((event, execution.created))
        if bus is not None:
            events.extend(
                (compliance_event(flip, self.account_id, self.region_name, flip.execution_time), flip.execution_time)
                for flip in flips
            )
            deliver(bus, events)

    def announce_compliance(self, flips: Sequence[ComplianceFlip]) -> None:
        """Compliance changes that no run made (PutComplianceItems, a deleted association)."""
        bus = listening_bus(self.account_id, self.region_name) if flips else None
        if bus is not None:
            now = reported_now()
            deliver(bus, [(compliance_event(flip, self.account_id, self.region_name, now), now) for flip in flips])

    def forget_traces(self, association: Association) -> None:
        """A deleted association: its compliance items go (which may flip a node back), its announcements too."""
        self._announced.pop(association.association_id, None)
        self.announce_compliance(self.forget_compliance(association))
