"""Request filters: each filter of a list or describe call as a predicate, checked on the way in.

Keys and enum values come from botocore's model; a value the model allows but AWS rejects
raises the error AWS returns.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..exceptions import InvalidFilter, InvalidFilterKey, InvalidInstanceInformationFilterValue, ValidationException
from ..validation import enum_values, matches_model_pattern, member_shape, service_model
from .clock import epoch_to_datetime

if TYPE_CHECKING:
    from .associations import Association
    from .runs import Execution

AssociationPredicate = Callable[["Association"], bool]
InformationPredicate = Callable[[Mapping[str, Any]], bool]

# AssociationExecutionTargetsFilter keys -> ExecutionTarget attributes they compare.
EXECUTION_TARGET_FILTERS = {"Status": "status", "ResourceId": "resource_id", "ResourceType": "resource_type"}
# DescribeInstanceInformation filter keys -> InstanceInformation members they compare.
_NODE_FILTER_FIELDS = {
    "InstanceIds": "InstanceId",
    "AgentVersion": "AgentVersion",
    "PingStatus": "PingStatus",
    "PlatformTypes": "PlatformType",
    "PlatformType": "PlatformType",
    "ActivationIds": "ActivationId",
    "IamRole": "IamRole",
    "ResourceType": "ResourceType",
    "AssociationStatus": "AssociationStatus",
    "SourceIds": "SourceId",
    "SourceTypes": "SourceType",
}
# Filter values that must come from an enum, read from the model.
_NODE_FILTER_ENUMS = {
    "PingStatus": ("InstanceInformation", "PingStatus"),
    "PlatformTypes": ("InstanceInformation", "PlatformType"),
    "PlatformType": ("InstanceInformation", "PlatformType"),
    "ResourceType": ("InstanceInformation", "ResourceType"),
    "SourceTypes": ("InstanceInformation", "SourceType"),
    "AssociationStatus": ("AssociationStatus", "Name"),
}


def association_filter(key: str, value: str) -> AssociationPredicate:
    """A predicate for one ``AssociationFilter`` (the key is checked against the model's enum)."""
    if key in ("LastExecutedBefore", "LastExecutedAfter"):
        moment = parse_filter_time(value, key)
        before = key == "LastExecutedBefore"

        def executed(association: Association) -> bool:
            ran = association.last_execution_date
            return ran is not None and (ran < moment if before else ran > moment)

        return executed
    if key == "AssociationStatusName":
        allowed = enum_values("AssociationStatus", "Name")
        if value not in allowed:
            raise ValidationException(f"AssociationStatusName filter value {value} is not one of {', '.join(allowed)}.")
        return lambda association: association.overview.get("Status") == value
    if key == "ResourceGroupName":
        return lambda association: any(
            target.get("Key") == "resource-groups:Name" and value in target.get("Values", [])
            for target in association.settings.get("Targets") or []
        )
    if key == "CloudConnectorId":
        # Cloud connectors (Azure) are not modelled here, so no association belongs to one.
        return lambda association: False
    by_arn = value.startswith("arn:")
    getters: dict[str, Callable[[Association], str | None]] = {
        "InstanceId": lambda association: association.instance_id,
        "Name": lambda association: association.name if by_arn else association.document_name,
        "AssociationId": lambda association: association.association_id,
        "AssociationName": lambda association: association.settings.get("AssociationName"),
    }
    getter = getters.get(key)
    if getter is None:  # a key a newer botocore model added
        raise ValidationException(f"The {key} filter is not supported by this version of ssm-assoc-mock.")
    return lambda association: getter(association) == value


def execution_filter(key: str, value: str, comparison: str) -> Callable[[Execution], bool]:
    """A predicate for one ``AssociationExecutionFilter``."""
    if key != "CreatedTime" and comparison != "EQUAL":
        raise ValidationException(f"Filter {key} supports only the EQUAL type, not {comparison}.")
    if key == "ExecutionId":
        return lambda execution: execution.execution_id == value
    if key == "Status":
        return lambda execution: execution.status == value
    moment = parse_filter_time(value, key)
    comparisons: dict[str, Callable[[datetime], bool]] = {
        "EQUAL": lambda created: created == moment,
        "LESS_THAN": lambda created: created < moment,
        "GREATER_THAN": lambda created: created > moment,
    }
    compare = comparisons[comparison]
    return lambda execution: compare(execution.created)


def checked_node_criteria(criteria: Sequence[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """DescribeInstanceInformation filters: known keys, valid values, tags not mixed with others."""
    tag_keys = [key for key, _ in criteria if key.startswith("tag:") or key == "tag-key"]
    if tag_keys and len(tag_keys) != len(criteria):
        raise ValidationException("Tag filters (tag:<key>, tag-key) cannot be combined with other filter keys.")
    instance_id_shape = member_shape("CreateAssociationRequest", "InstanceId")
    for key, values in criteria:
        if key not in _NODE_FILTER_FIELDS and key not in tag_keys:
            raise InvalidFilterKey(
                f"Filter key {key} is not valid. Use one of {', '.join(_NODE_FILTER_FIELDS)}, tag:<key> or tag-key."
            )
        allowed = enum_values(*_NODE_FILTER_ENUMS[key]) if key in _NODE_FILTER_ENUMS else None
        for value in values:
            bad_enum = allowed is not None and value not in allowed
            bad_id = key == "InstanceIds" and not matches_model_pattern(instance_id_shape, value)
            if bad_enum or bad_id:
                expected = f"one of {', '.join(allowed)}" if allowed else "an instance id"
                raise InvalidInstanceInformationFilterValue(f"Filter {key} value {value} is not valid: use {expected}.")
    return list(criteria)


def instance_information_filter(
    key: str, values: list[str], node_tags: Callable[[Mapping[str, Any]], Mapping[str, str]]
) -> InformationPredicate:
    """A predicate on an ``InstanceInformation`` item for one checked criterion (``checked_node_criteria``)."""
    if key.startswith("tag:"):
        tag = key[4:]
        return lambda info: node_tags(info).get(tag) in values
    if key == "tag-key":
        return lambda info: any(value in node_tags(info) for value in values)
    field_name = _NODE_FILTER_FIELDS[key]
    return lambda info: info.get(field_name) in values


def parse_filter_time(value: str, key: str) -> datetime:
    """A filter time: ISO 8601 (``2019-02-18T16:00:00Z``, with optional milliseconds) or epoch seconds."""
    try:
        return epoch_to_datetime(float(value))
    except (ValueError, OverflowError, OSError):  # not a number, or not a time ("nan", "1e300")
        pass
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationException(
            f"The {key} filter value {value} is not a valid time. Use ISO 8601, e.g. 2019-02-18T16:00:00Z."
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


# --- compliance: ComplianceStringFilter ---------------------------------------------------

# Item keys a compliance filter may name besides the item's own members: the Details keys
# PutComplianceItems documents.
COMPLIANCE_DETAIL_KEYS = (
    "DocumentName",
    "DocumentVersion",
    "Classification",
    "PatchBaselineId",
    "PatchSeverity",
    "PatchState",
    "PatchGroup",
    "InstalledTime",
)
_EXECUTION_KEYS = ("ExecutionId", "ExecutionType", "ExecutionTime")
COMPLIANCE_ITEM_FILTERS = (
    "ComplianceType",
    "ResourceId",
    "ResourceType",
    "Id",
    "Title",
    "Status",
    "Severity",
    *_EXECUTION_KEYS,
    *COMPLIANCE_DETAIL_KEYS,
)
# Resource-level keys (ListResourceComplianceSummaries, ListComplianceSummaries), plus
# AWS:InstanceInformation.<member> for any member of the node's InstanceInformation.
COMPLIANCE_RESOURCE_FILTERS = (
    "ComplianceType",
    "ResourceId",
    "InstanceId",
    "ResourceType",
    "Status",
    "OverallSeverity",
    *_EXECUTION_KEYS,
    *COMPLIANCE_DETAIL_KEYS,
)
INSTANCE_INFORMATION_KEY = "AWS:InstanceInformation."
_COMPLIANCE_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "EQUAL": lambda value, target: value == target,
    "BEGIN_WITH": lambda value, target: isinstance(value, str) and value.startswith(target),
    "LESS_THAN": lambda value, target: value < target,
    "GREATER_THAN": lambda value, target: value > target,
}


def compliance_filter(
    spec: Mapping[str, Any], keys: Sequence[str], value_of: Callable[[str, Any], Any]
) -> Callable[[Any], bool]:
    """A predicate for one ``ComplianceStringFilter`` over subjects whose ``value_of(key, subject)`` is
    compared (a list value matches if any element does). Values are ORed; NOT_EQUAL excludes them all;
    ``ExecutionTime`` compares as a time. Unknown keys and unreadable times raise ``InvalidFilter``."""
    key, values = str(spec.get("Key", "")), [str(value) for value in spec.get("Values") or []]
    comparison = spec.get("Type") or "EQUAL"
    _check_compliance_key(key, keys)
    wanted: list[Any] = values
    if key == "ExecutionTime":
        try:
            wanted = [parse_filter_time(value, key) for value in values]
        except ValidationException as error:
            raise InvalidFilter(error.message) from None
    compare = _COMPLIANCE_COMPARISONS.get(comparison)

    def matches(subject: Any) -> bool:
        found = value_of(key, subject)
        candidates = found if isinstance(found, list) else [found]
        present = [value if isinstance(value, datetime) else str(value) for value in candidates if value is not None]
        if compare is None:  # NOT_EQUAL
            return all(value not in wanted for value in present)
        return any(compare(value, target) for value in present for target in wanted)

    return matches


def _check_compliance_key(key: str, keys: Sequence[str]) -> None:
    resource_level = keys is COMPLIANCE_RESOURCE_FILTERS
    if resource_level and key.startswith(INSTANCE_INFORMATION_KEY):
        members = tuple(service_model().shape_for("InstanceInformation").members)
        if key[len(INSTANCE_INFORMATION_KEY) :] not in members:
            raise InvalidFilter(
                f"Filter key {key} names no InstanceInformation member; use {INSTANCE_INFORMATION_KEY} and one of "
                f"{', '.join(members)}."
            )
    elif key not in keys:
        extra = f" or {INSTANCE_INFORMATION_KEY}<member>" if resource_level else ""
        raise InvalidFilter(f"Filter key {key} is not valid here. Use one of {', '.join(keys)}{extra}.")
