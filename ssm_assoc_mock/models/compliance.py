"""Configuration compliance of managed nodes: PutComplianceItems and the three list calls.

Items are kept per node and compliance type, as AWS keeps them: a COMPLETE upload replaces every
item of that type on the node, a PARTIAL one only the items of the (MANUAL) associations it names.
Runs of associations with SyncCompliance AUTO write the node's ``Association`` item themselves
(``record_run_compliance``, called when a run is recorded), as the agent's upload does; deleting an
association removes its items.

What AWS leaves open is decided here and listed in the README: a resource's ``OverallSeverity`` is
the highest severity among its non-compliant items (among all items when none is non-compliant);
ListComplianceSummaries counts resources, not items, each under its overall severity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from ..exceptions import (
    ComplianceTypeCountLimitExceededException,
    InvalidItemContentException,
    InvalidResourceId,
    InvalidResourceType,
    ItemSizeLimitExceededException,
    TotalSizeLimitExceededException,
)
from ..pagination import decode_next_token, int_position, page_of, request_fingerprint
from ..targets import Node, parameter_value_targets
from ..validation import enum_values
from .clock import epoch_to_datetime
from .filters import (
    COMPLIANCE_DETAIL_KEYS,
    COMPLIANCE_ITEM_FILTERS,
    COMPLIANCE_RESOURCE_FILTERS,
    INSTANCE_INFORMATION_KEY,
    compliance_filter,
)
from .room import Room

if TYPE_CHECKING:
    from .associations import Association
    from .runs import Execution

RESOURCE_TYPE = "ManagedInstance"  # "ManagedInstance is currently the only supported resource type" (model)
ASSOCIATION_TYPE = "Association"
CUSTOM_PREFIX = "Custom:"
MAX_CUSTOM_TYPES = 10  # ComplianceTypeCountLimitExceededException: "a maximum of 10 different types" (model)
COMPLIANCE_PAGE_SIZE = 50  # the model's MaxResults maximum for all three list calls
COMPLIANT, NON_COMPLIANT = enum_values("ComplianceItemEntry", "Status")
# Highest first, as the model's enum lists them: CRITICAL, HIGH, ..., UNSPECIFIED.
SEVERITIES = tuple(enum_values("ComplianceItemEntry", "Severity"))
# The per-node outcomes after which the agent uploads association compliance: the association ran (or
# was cut off) there. Pending, InProgress and Skipped leave the node's item as it was.
_COMPLIANCE_OUTCOMES = ("Success", "Failed", "TimedOut", "Cancelled")


def stored_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    """A ``ComplianceExecutionSummary`` as stored: empty ExecutionId/ExecutionType dropped, as AWS shows them."""
    moment = epoch_to_datetime(summary["ExecutionTime"])
    stored: dict[str, Any] = {"ExecutionTime": moment.replace(microsecond=moment.microsecond // 1000 * 1000)}
    for member in ("ExecutionId", "ExecutionType"):
        if summary.get(member):
            stored[member] = summary[member]
    return stored


@dataclass(frozen=True)
class ComplianceFlip:
    """A node's association compliance status, first recorded or changed (EventBridge announces it)."""

    resource_id: str
    compliance_type: str
    status: str  # COMPLIANT or NON_COMPLIANT
    execution_time: datetime


class ComplianceRecord:
    """The items of one compliance type on one node, and the summary of the upload that wrote them.

    Items are kept in upload order, indexed by Id, with a running count of the non-compliant ones:
    a run replaces its association's item, and reads the node's status, in constant time however
    many items the node has.
    """

    def __init__(
        self,
        execution_summary: dict[str, Any],
        items: Iterable[dict[str, Any]] = (),
        content_hash: str | None = None,
    ) -> None:
        self.execution_summary = execution_summary
        self.content_hash = content_hash
        # Id -> item; an item without an Id, or sharing one, is keyed by a fresh object and the record
        # marked unindexed, so Id lookups scan as before (an upload may carry such items).
        self._items: dict[object, dict[str, Any]] = {}
        self._unindexed = False
        self._non_compliant = 0
        for item in items:
            self._add(item)

    @property
    def items(self) -> list[dict[str, Any]]:
        return list(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item_id: object) -> bool:
        if self._unindexed:
            return any(item.get("Id") == item_id for item in self._items.values())
        return item_id in self._items

    @property
    def status(self) -> str:
        return NON_COMPLIANT if self._non_compliant else COMPLIANT

    @property
    def overall_severity(self) -> str:
        failing = [item for item in self._items.values() if item["Status"] == NON_COMPLIANT] or self.items
        return min((item["Severity"] for item in failing), key=SEVERITIES.index, default=SEVERITIES[-1])

    def _add(self, item: dict[str, Any]) -> None:
        item_id = item.get("Id")
        key: object = item_id
        if item_id is None or item_id in self._items:
            key, self._unindexed = object(), True
        self._items[key] = item
        self._non_compliant += item["Status"] == NON_COMPLIANT

    def remove(self, item_id: object) -> None:
        """Drop every item with this Id."""
        if self._unindexed:
            kept = [item for item in self._items.values() if item.get("Id") != item_id]
            self._items, self._unindexed, self._non_compliant = {}, False, 0
            for item in kept:
                self._add(item)
            return
        removed = self._items.pop(item_id, None)
        if removed is not None:
            self._non_compliant -= removed["Status"] == NON_COMPLIANT

    def replace(self, item: dict[str, Any]) -> None:
        """The item takes the place of every item with its Id, last in order."""
        self.remove(item.get("Id"))
        self._add(item)


class ComplianceRoom(Room):
    """Compliance items of the managed nodes."""

    # From the other rooms.
    associations: dict[str, Association]
    managed_node: Callable[[str], Node]
    nodes: Callable[[], dict[str, Node]]
    _instance_information: Callable[[Node], dict[str, Any]]
    announce_compliance: Callable[[Sequence[ComplianceFlip]], None]

    # The model documents ItemSizeLimitExceeded and TotalSizeLimitExceeded but not their
    # figures; these are the package's (JSON size of one item, and of one request's items).
    compliance_item_size_limit = 200 * 1024
    compliance_total_size_limit = 5 * 1024 * 1024

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        # resource id -> compliance type -> record
        self.compliance_records: dict[str, dict[str, ComplianceRecord]] = {}

    # --- writes ------------------------------------------------------------------------

    def put_compliance_items(self, request: Mapping[str, Any]) -> None:
        resource_id, compliance_type = request["ResourceId"], request["ComplianceType"]
        items = [dict(item) for item in request["Items"]]
        partial = request.get("UploadType") == "PARTIAL"
        self._check_compliance_sizes(compliance_type, items)
        with self.lock:
            if request["ResourceType"] != RESOURCE_TYPE:
                raise InvalidResourceType(
                    f"Resource type {request['ResourceType']} is not supported: compliance is recorded only for "
                    f"{RESOURCE_TYPE} resources."
                )
            if resource_id not in self.nodes():
                raise InvalidResourceId(
                    f"{resource_id} is not a managed node in {self.account_id}/{self.region_name}: start it as a moto "
                    "EC2 instance or register it (ssm_assoc_mock.register_managed_instance)."
                )
            if partial:
                self._check_partial_upload(compliance_type, items)
            records = self.compliance_records.setdefault(resource_id, {})
            current = records.get(compliance_type)
            content_hash = request.get("ItemContentHash")
            if current is not None and content_hash and current.content_hash == content_hash:
                return  # "If the content hashes match, the request to put compliance information is ignored."
            if current is None and compliance_type.startswith(CUSTOM_PREFIX):
                custom = [name for name in records if name.startswith(CUSTOM_PREFIX)]
                if len(custom) >= MAX_CUSTOM_TYPES:
                    raise ComplianceTypeCountLimitExceededException(
                        f"Node {resource_id} already has {len(custom)} custom compliance types "
                        f"({', '.join(sorted(custom))}); at most {MAX_CUSTOM_TYPES} are allowed."
                    )
            summary = stored_summary(request["ExecutionSummary"])
            stored = [_stored_item(item, summary) for item in items]
            if partial and current is not None:
                replaced = {item.get("Id") for item in stored}
                stored = [item for item in current.items if item.get("Id") not in replaced] + stored
            flip = self._store_compliance(resource_id, compliance_type, ComplianceRecord(summary, stored, content_hash))
            if flip is not None:
                self.announce_compliance([flip])

    def _store_compliance(
        self, resource_id: str, compliance_type: str, record: ComplianceRecord | None
    ) -> ComplianceFlip | None:
        """Keep (or, with None, drop) a node's record of one compliance type.

        Returns the change to announce: the node's association compliance status, first recorded or flipped.
        """
        records = self.compliance_records.setdefault(resource_id, {})
        before = records.get(compliance_type)
        before_status = before.status if before is not None and len(before) else None
        if record is not None:
            records[compliance_type] = record
        else:
            records.pop(compliance_type, None)
        if not records:
            del self.compliance_records[resource_id]
        return _flip(resource_id, compliance_type, before_status, record)

    def record_run_compliance(self, association: Association, execution: Execution) -> list[ComplianceFlip]:
        """SyncCompliance AUTO: each node the run finished on gets the association's item, as the agent uploads it.

        The item's Id is the association id, its Title empty, its Severity the association's
        ComplianceSeverity; its ExecutionSummary holds only the time (the agent's upload leaves
        ExecutionId and ExecutionType empty). The node's other association items keep theirs.
        """
        settings = association.settings
        if settings.get("SyncCompliance", "AUTO") != "AUTO":
            return []  # MANUAL: the caller reports compliance with PutComplianceItems
        finished = [
            target
            for target in execution.targets
            if target.resource_type == RESOURCE_TYPE and target.status in _COMPLIANCE_OUTCOMES
        ]
        if not finished:
            return []
        if parameter_value_targets(settings.get("Targets") or []):
            # ParameterValues may name ids that are not managed nodes: those get no compliance.
            nodes = self.nodes()
            finished = [target for target in finished if target.resource_id in nodes]
        details = {"DocumentName": association.name, "DocumentVersion": execution.document_version}
        severity = settings.get("ComplianceSeverity", SEVERITIES[-1])
        flips: list[ComplianceFlip] = []
        records = self.compliance_records
        for target in finished:
            summary = {"ExecutionTime": target.date.replace(microsecond=target.date.microsecond // 1000 * 1000)}
            item = {
                "Id": association.association_id,
                "Title": "",
                "Status": COMPLIANT if target.status == "Success" else NON_COMPLIANT,
                "Severity": severity,
                "Details": dict(details),
                "ExecutionSummary": summary,
            }
            # In place: the node's other items stay as they are, the upload's hash no longer holds.
            node_records = records.setdefault(target.resource_id, {})
            record = node_records.get(ASSOCIATION_TYPE)
            if record is None:
                record = node_records[ASSOCIATION_TYPE] = ComplianceRecord(dict(summary))
                before_status = None
            else:
                before_status = record.status if len(record) else None
                record.execution_summary, record.content_hash = dict(summary), None
            record.replace(item)
            flip = _flip(target.resource_id, ASSOCIATION_TYPE, before_status, record)
            if flip is not None:
                flips.append(flip)
        return flips

    def forget_compliance(self, association: Association) -> list[ComplianceFlip]:
        """A deleted association's items leave every node's association compliance: the nodes that flip."""
        flips: list[ComplianceFlip] = []
        for resource_id in list(self.compliance_records):
            current = self.compliance_records[resource_id].get(ASSOCIATION_TYPE)
            if current is None or association.association_id not in current:
                continue
            before_status = current.status
            current.remove(association.association_id)
            current.content_hash = None  # the stored items are no longer the upload the hash described
            if not len(current):
                self._store_compliance(resource_id, ASSOCIATION_TYPE, None)
                continue
            flip = _flip(resource_id, ASSOCIATION_TYPE, before_status, current)
            if flip is not None:
                flips.append(flip)
        return flips

    def _check_compliance_sizes(self, compliance_type: str, items: Sequence[Mapping[str, Any]]) -> None:
        total = 0
        for item in items:
            size = len(json.dumps(item))
            if size > self.compliance_item_size_limit:
                raise ItemSizeLimitExceededException(
                    f"A {compliance_type} compliance item (Id {item.get('Id', '')!r}) is {size:,} bytes; "
                    f"an item can be at most {self.compliance_item_size_limit:,}."
                )
            total += size
        if total > self.compliance_total_size_limit:
            raise TotalSizeLimitExceededException(
                f"The {compliance_type} compliance items total {total:,} bytes; a request can carry at most "
                f"{self.compliance_total_size_limit:,}."
            )

    def _check_partial_upload(self, compliance_type: str, items: Sequence[Mapping[str, Any]]) -> None:
        if compliance_type != ASSOCIATION_TYPE:
            raise InvalidItemContentException(
                f"UploadType PARTIAL is valid only for association compliance (ComplianceType {ASSOCIATION_TYPE}), "
                f"not {compliance_type}. Use COMPLETE."
            )
        for item in items:
            association = self.associations.get(str(item.get("Id")))
            mode = None if association is None else association.settings.get("SyncCompliance", "AUTO")
            if mode != "MANUAL":
                reason = "does not exist" if mode is None else f"has SyncCompliance {mode}"
                raise InvalidItemContentException(
                    f"A PARTIAL upload replaces the items of associations with SyncCompliance MANUAL; item Id "
                    f"{item.get('Id')!r} names no such association (it {reason})."
                )

    # --- reads -------------------------------------------------------------------------

    def list_compliance_items(
        self,
        resource_ids: Sequence[str],
        resource_types: Sequence[str],
        filters: Sequence[Mapping[str, Any]],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        if len(resource_ids) > 1:
            raise InvalidResourceId(
                f"ListComplianceItems takes one resource ID per call; {len(resource_ids)} were given."
            )
        for resource_type in resource_types:
            if resource_type != RESOURCE_TYPE:
                raise InvalidResourceType(f"Resource type {resource_type} is not supported: use {RESOURCE_TYPE}.")
        predicates = [compliance_filter(spec, COMPLIANCE_ITEM_FILTERS, _item_value) for spec in filters]
        request = {"ids": list(resource_ids), "types": list(resource_types), "filters": list(filters)}
        with self.lock:
            listed = (
                item
                for resource_id in (resource_ids or sorted(self.compliance_records))
                for item in self._compliance_items_of(resource_id)
                if all(predicate(item) for predicate in predicates)
            )
            return _listed_page("ListComplianceItems", request, listed, max_results, next_token)

    def _compliance_items_of(self, resource_id: str) -> Iterable[dict[str, Any]]:
        for compliance_type, record in sorted(self.compliance_records.get(resource_id, {}).items()):
            for item in record.items:
                yield {
                    "ComplianceType": compliance_type,
                    "ResourceType": RESOURCE_TYPE,
                    "ResourceId": resource_id,
                    **item,
                }

    def list_resource_compliance_summaries(
        self, filters: Sequence[Mapping[str, Any]], max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        with self.lock:
            listed = (self._resource_compliance_summary(*key) for key in self._filtered_compliance_records(filters))
            return _listed_page(
                "ListResourceComplianceSummaries", {"f": list(filters)}, listed, max_results, next_token
            )

    def list_compliance_summaries(
        self, filters: Sequence[Mapping[str, Any]], max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        with self.lock:
            by_type: dict[str, list[tuple[str, str]]] = {}
            for resource_id, compliance_type in self._filtered_compliance_records(filters):
                record = self.compliance_records[resource_id][compliance_type]
                by_type.setdefault(compliance_type, []).append((record.status, record.overall_severity))
            listed = (
                {
                    "ComplianceType": compliance_type,
                    "CompliantSummary": _count_summary("Compliant", COMPLIANT, resources),
                    "NonCompliantSummary": _count_summary("NonCompliant", NON_COMPLIANT, resources),
                }
                for compliance_type, resources in sorted(by_type.items())
            )
            return _listed_page("ListComplianceSummaries", {"f": list(filters)}, listed, max_results, next_token)

    def _filtered_compliance_records(self, filters: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
        """(resource id, compliance type) of every record with items that the filters select."""
        predicates = [
            compliance_filter(spec, COMPLIANCE_RESOURCE_FILTERS, self._resource_compliance_value) for spec in filters
        ]
        return [
            (resource_id, compliance_type)
            for resource_id in sorted(self.compliance_records)
            for compliance_type, record in sorted(self.compliance_records[resource_id].items())
            if len(record) and all(predicate((resource_id, compliance_type)) for predicate in predicates)
        ]

    def _resource_compliance_value(self, key: str, subject: tuple[str, str]) -> Any:
        resource_id, compliance_type = subject
        record = self.compliance_records[resource_id][compliance_type]
        if key.startswith(INSTANCE_INFORMATION_KEY):
            node = self.nodes().get(resource_id)
            information = self._instance_information(node) if node is not None else {}
            return information.get(key[len(INSTANCE_INFORMATION_KEY) :])
        if key in COMPLIANCE_DETAIL_KEYS:
            return [(item.get("Details") or {}).get(key) for item in record.items]
        values: dict[str, Any] = {
            "ComplianceType": compliance_type,
            "ResourceId": resource_id,
            "InstanceId": resource_id,
            "ResourceType": RESOURCE_TYPE,
            "Status": record.status,
            "OverallSeverity": record.overall_severity,
            **record.execution_summary,
        }
        return values.get(key)

    def _resource_compliance_summary(self, resource_id: str, compliance_type: str) -> dict[str, Any]:
        """A ``ResourceComplianceSummaryItem``: counts of the node's items of one type."""
        record = self.compliance_records[resource_id][compliance_type]
        severities = [(item["Status"], item["Severity"]) for item in record.items]
        return {
            "ComplianceType": compliance_type,
            "ResourceType": RESOURCE_TYPE,
            "ResourceId": resource_id,
            "Status": record.status,
            "OverallSeverity": record.overall_severity,
            "ExecutionSummary": dict(record.execution_summary),
            "CompliantSummary": _count_summary("Compliant", COMPLIANT, severities),
            "NonCompliantSummary": _count_summary("NonCompliant", NON_COMPLIANT, severities),
        }


def _flip(
    resource_id: str, compliance_type: str, before_status: str | None, record: ComplianceRecord | None
) -> ComplianceFlip | None:
    """The change to announce: the node's association compliance status, first recorded or flipped."""
    if compliance_type != ASSOCIATION_TYPE or record is None or not len(record) or before_status == record.status:
        return None
    return ComplianceFlip(resource_id, compliance_type, record.status, record.execution_summary["ExecutionTime"])


def _stored_item(entry: Mapping[str, Any], summary: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Id": entry.get("Id"),
        "Title": entry.get("Title"),
        "Status": entry["Status"],
        "Severity": entry["Severity"],
        "Details": dict(entry["Details"]) if entry.get("Details") is not None else None,
        "ExecutionSummary": dict(summary),
    }


def _item_value(key: str, item: Mapping[str, Any]) -> Any:
    if key in COMPLIANCE_DETAIL_KEYS:
        return (item.get("Details") or {}).get(key)
    if key in ("ExecutionTime", "ExecutionId", "ExecutionType"):
        return item["ExecutionSummary"].get(key)
    return item.get(key)


def _count_summary(prefix: str, status: str, severities: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A CompliantSummary or NonCompliantSummary over (status, severity) pairs."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for item_status, severity in severities:
        if item_status == status:
            counts[severity] += 1
    return {
        f"{prefix}Count": sum(counts.values()),
        "SeveritySummary": {f"{severity.capitalize()}Count": count for severity, count in counts.items()},
    }


def _listed_page(
    operation: str,
    request: Mapping[str, Any],
    listed: Iterable[dict[str, Any]],
    max_results: int | None,
    next_token: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of ``listed`` from the token's index on."""
    fingerprint = request_fingerprint(operation, request)
    start = int_position(decode_next_token(next_token, fingerprint))
    positioned = ((index, item) for index, item in enumerate(listed) if index >= start)
    return page_of(positioned, max_results or COMPLIANCE_PAGE_SIZE, fingerprint, lambda item: item)
