"""Association state and behaviour, per account and region.

The backend lives in a moto ``BackendDict``, so moto's reset (start of a mock,
``POST /moto-api/reset``) clears it with every other service, and requests are routed to
it by the account (``MOTO_ACCOUNT_ID``, the account header, STS credentials) and region
of the caller. Settings use AWS's member names, so a description is assembled from them
without a translation table. Every write holds the backend's lock: moto's server is
threaded, and an update must never be lost.
"""

from __future__ import annotations

import bisect
import os
import threading
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.utils import utcnow
from moto.moto_api import state_manager
from moto.moto_api._internal.managed_state_model import ManagedState
from moto.utilities.tagging_service import TaggingService

from . import documents as document_store
from .exceptions import (
    AssociationAlreadyExists,
    AssociationDoesNotExist,
    AssociationExecutionDoesNotExist,
    AssociationLimitExceeded,
    AssociationVersionLimitExceeded,
    DuplicateInstanceId,
    InternalServerError,
    InvalidAssociationVersion,
    InvalidDocument,
    InvalidFilterKey,
    InvalidInstanceId,
    InvalidInstanceInformationFilterValue,
    InvalidOutputLocation,
    InvalidParameters,
    InvalidResourceId,
    InvalidSchedule,
    InvalidTag,
    InvalidTarget,
    InvalidTargetMaps,
    InvalidUpdate,
    SSMAssociationError,
    StatusUnchanged,
    TooManyTagsError,
    UnsupportedPlatformType,
    ValidationException,
)
from .pagination import decode_next_token, encode_next_token, int_position, request_fingerprint
from .schedule import parse_schedule
from .targets import (
    ONLINE,
    ManagedInstance,
    Node,
    managed_node,
    managed_nodes,
    node_is_targeted,
    parameter_value_targets,
    resolve_targets,
    targets_for_instance,
    validate_targets,
)
from .validation import enum_values, matches_model_pattern, member_shape

# Settings an association is created or updated with (AWS member names), in the order
# AWS prints them. UpdateAssociation replaces all of them but Name and Targets.
SETTING_MEMBERS = (
    "Name",
    "DocumentVersion",
    "Parameters",
    "Targets",
    "ScheduleExpression",
    "OutputLocation",
    "AssociationName",
    "AutomationTargetParameterName",
    "MaxErrors",
    "MaxConcurrency",
    "ComplianceSeverity",
    "SyncCompliance",
    "ApplyOnlyAtCronInterval",
    "CalendarNames",
    "TargetLocations",
    "ScheduleOffset",
    "Duration",
    "TargetMaps",
    "AlarmConfiguration",
    "AssociationDispatchAssumeRole",
)
# Inputs the model says a legacy (InstanceId) association cannot have.
LEGACY_FORBIDDEN = (
    "AssociationName",
    "DocumentVersion",
    "MaxErrors",
    "MaxConcurrency",
    "OutputLocation",
    "ScheduleExpression",
)
LIST_ITEM_MEMBERS = (
    "Name",
    "InstanceId",
    "AssociationId",
    "AssociationVersion",
    "DocumentVersion",
    "Targets",
    "LastExecutionDate",
    "Overview",
    "ScheduleExpression",
    "AssociationName",
    "ScheduleOffset",
    "Duration",
    "TargetMaps",
)
DEFAULT_DOCUMENT_VERSION = "$DEFAULT"
LATEST = "$LATEST"
DEFAULT_ASSOCIATION_LIMIT = 2000  # "at most 2,000 active associations" (model)
MAX_VERSIONS = 1000  # "Each association has a limit of 1,000 versions" (model)
MAX_TAGS_PER_RESOURCE = 50
DEFAULT_PAGE_SIZE = 50
EFFECTIVE_ASSOCIATIONS_PAGE_SIZE = 5  # the model's maximum for DescribeEffectiveInstanceAssociations
INSTANCE_INFORMATION_PAGE_SIZE = 10  # the documented default of DescribeInstanceInformation


def reported_now() -> datetime:
    """Now (naive UTC, as moto keeps time) at the millisecond precision the API reports.

    Stored so, a time a caller read back compares equal to its source in a filter: "after
    the last execution I saw" does not return that execution again.
    """
    moment = utcnow()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def epoch_to_datetime(value: float) -> datetime:
    """A request timestamp (epoch seconds) as the naive UTC datetime moto uses."""
    return datetime.fromtimestamp(value, tz=timezone.utc).replace(tzinfo=None)


RUN_MODEL_NAME = "ssm::association"
# Shared by every association: moto only reads it.
_RUN_TRANSITIONS: list[tuple[str | None, str]] = [("Pending", "Success")]
# Per-target outcomes a run can record, and how they roll up into Overview.Status.
TARGET_STATUSES = ("Success", "Failed", "Pending", "InProgress", "TimedOut", "Cancelled", "Skipped")
_FAILED_STATUSES = ("Failed", "TimedOut", "Cancelled")
_PENDING_STATUSES = ("Pending", "InProgress")


def overall_status(statuses: Iterable[str]) -> str:
    """Overview.Status (Pending, Success or Failed) for a set of per-target outcomes."""
    seen = set(statuses)
    if seen & set(_FAILED_STATUSES):
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


class ExecutionTarget:
    """The outcome of one run on one resource."""

    __slots__ = ("date", "detailed_status", "output_source_id", "resource_id", "resource_type", "status")

    def __init__(self, resource_id: str, resource_type: str, status: str, date: datetime) -> None:
        self.resource_id = resource_id
        self.resource_type = resource_type
        self.status = status
        self.detailed_status = status
        self.date = date
        self.output_source_id = str(uuid.uuid4())


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
        self.execution_id = str(uuid.uuid4())
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


class AssociationVersion:
    """The settings one CreateAssociation or UpdateAssociation wrote."""

    __slots__ = ("created", "number", "settings")

    def __init__(self, number: int, created: datetime, settings: dict[str, Any]) -> None:
        self.number = number
        self.created = created
        self.settings = settings

    def info(self, association_id: str) -> dict[str, Any]:
        """An ``AssociationVersionInfo`` item."""
        return {
            "AssociationId": association_id,
            "AssociationVersion": str(self.number),
            "CreatedDate": self.created,
            **self.settings,
        }


class Association:
    """One association: its versions plus the state its runs and status reports leave."""

    __slots__ = (
        "association_id",
        "created",
        "executions",
        "instance_id",
        "instance_results",
        "last_execution_date",
        "last_successful_execution_date",
        "overview",
        "position",
        "run_state",
        "status",
        "versions",
    )

    def __init__(
        self, association_id: str, instance_id: str | None, settings: dict[str, Any], now: datetime, position: int
    ) -> None:
        self.association_id = association_id
        self.instance_id = instance_id
        self.created = now
        self.versions = [AssociationVersion(1, now, settings)]
        self.status: dict[str, Any] | None = (
            {"Date": now, "Name": "Associated", "Message": f"Associated with {settings['Name']}"}
            if instance_id
            else None
        )
        self.overview: dict[str, Any] = {"Status": "Pending", "DetailedStatus": "Creating"}
        self.last_execution_date: datetime | None = None
        self.last_successful_execution_date: datetime | None = None
        self.position = position
        self.executions: list[Execution] = []
        # The latest run's outcome on each resource it reached.
        self.instance_results: dict[str, tuple[Execution, ExecutionTarget]] = {}
        self.run_state: AssociationRunState | None = (
            None if settings.get("ApplyOnlyAtCronInterval") else AssociationRunState()
        )

    @property
    def latest(self) -> AssociationVersion:
        return self.versions[-1]

    @property
    def settings(self) -> dict[str, Any]:
        return self.latest.settings

    @property
    def name(self) -> str:
        return str(self.settings["Name"])

    @property
    def document_name(self) -> str:
        return document_store.document_name_from(self.name)[0]

    @property
    def last_updated(self) -> datetime:
        return self.latest.created

    def version(self, requested: str | None) -> AssociationVersion:
        if requested in (None, LATEST):
            return self.latest
        number = int(str(requested))
        if not 1 <= number <= len(self.versions):
            raise InvalidAssociationVersion(
                f"Association {self.association_id} has no version {requested}; "
                f"its versions are 1 to {len(self.versions)}."
            )
        return self.versions[number - 1]

    def describe(self, requested_version: str | None = None) -> dict[str, Any]:
        """An ``AssociationDescription``; None values are dropped by the serialiser."""
        version = self.version(requested_version)
        return {
            "Name": version.settings["Name"],
            "InstanceId": self.instance_id,
            "AssociationVersion": str(version.number),
            "Date": self.created,
            "LastUpdateAssociationDate": version.created,
            "Status": dict(self.status) if self.status else None,
            "Overview": dict(self.overview),
            "AssociationId": self.association_id,
            "LastExecutionDate": self.last_execution_date,
            "LastSuccessfulExecutionDate": self.last_successful_execution_date,
            # Descriptions show the default; version history only what the request gave (as AWS's examples do).
            "DocumentVersion": DEFAULT_DOCUMENT_VERSION,
            **version.settings,
        }

    def summary(self) -> dict[str, Any]:
        """A ``ListAssociations`` item."""
        description = self.describe()
        return {member: description.get(member) for member in LIST_ITEM_MEMBERS}


class SSMAssociationBackend(BaseBackend):
    """State Manager associations of one account in one region."""

    association_limit = DEFAULT_ASSOCIATION_LIMIT

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.associations: dict[str, Association] = {}
        self.managed_instances: dict[str, ManagedInstance] = {}
        self.tagger = TaggingService()
        # Index for the legacy identity (document name, instance id): O(1) lookups.
        self._legacy: dict[tuple[str, str], Association] = {}
        # Creation order for pagination; deleted associations leave None so positions
        # held in outstanding NextTokens stay valid.
        self._order: list[Association | None] = []
        # Creation-order positions (ascending) of the associations of each document name and
        # instance id: a filtered page starts with a bisect, not with a sort of the whole subset.
        self._by_name: dict[str, list[int]] = {}
        self._by_instance: dict[str, list[int]] = {}
        # Which associations have run on a resource, and its last successful run.
        self._results_by_instance: dict[str, dict[str, Association]] = {}
        self._last_success_by_instance: dict[str, datetime] = {}

    # --- managed instances -------------------------------------------------------

    def register_managed_instance(self, instance: ManagedInstance) -> ManagedInstance:
        with self.lock:
            self.managed_instances[instance.instance_id] = instance
            return instance

    def managed_node(self, instance_id: str) -> Node:
        """The managed node for an id; ``InvalidInstanceId`` if there is none."""
        return managed_node(self.account_id, self.region_name, self.managed_instances, instance_id)

    # --- create ------------------------------------------------------------------

    def create_association(self, request: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            self._check_limit(1)
            association = self._create(request)
            return association.describe()

    def create_association_batch(self, entries: Sequence[Mapping[str, Any]], assume_role: str | None) -> dict[str, Any]:
        with self.lock:
            self._reject_duplicate_instances(entries)
            self._check_limit(len(entries))
            successful: list[dict[str, Any]] = []
            failed: list[dict[str, Any]] = []
            for entry in entries:
                request = dict(entry)
                if assume_role is not None:
                    request.setdefault("AssociationDispatchAssumeRole", assume_role)
                try:
                    successful.append(self._create(request).describe())
                except SSMAssociationError as error:
                    fault = "Server" if isinstance(error, InternalServerError) else "Client"
                    failed.append({"Entry": dict(entry), "Message": error.message, "Fault": fault})
            return {"Successful": successful, "Failed": failed}

    def _reject_duplicate_instances(self, entries: Sequence[Mapping[str, Any]]) -> None:
        seen: set[tuple[str, str]] = set()
        for entry in entries:
            instance_id = entry.get("InstanceId")
            if not instance_id:
                continue
            key = (document_store.document_name_from(entry["Name"])[0], instance_id)
            if key in seen:
                raise DuplicateInstanceId(
                    f"Instance {instance_id} appears in more than one entry for document {key[0]}. "
                    "You can't specify a managed node ID in more than one association."
                )
            seen.add(key)

    def _check_limit(self, adding: int) -> None:
        if len(self.associations) + adding > self.association_limit:
            raise AssociationLimitExceeded(
                f"You can have at most {self.association_limit:,} active associations; "
                f"this account and region has {len(self.associations):,}."
            )

    def _create(self, request: Mapping[str, Any]) -> Association:
        instance_id = request.get("InstanceId")
        settings = self._checked_settings(request, instance_id=instance_id, creating=True)
        tags = list(request.get("Tags") or [])
        self._check_tags(tags)
        if instance_id:
            key = (document_store.document_name_from(settings["Name"])[0], instance_id)
            if key in self._legacy:
                raise AssociationAlreadyExists(
                    f"Document {key[0]} is already associated with instance {instance_id} "
                    f"(association {self._legacy[key].association_id})."
                )
        association_id = str(uuid.uuid4())
        while association_id in self.associations:  # pragma: no cover - uuid4 collision
            association_id = str(uuid.uuid4())
        association = Association(association_id, instance_id, settings, reported_now(), len(self._order))
        self.associations[association_id] = association
        self._order.append(association)
        self._index(association)
        if tags:
            self.tagger.tag_resource(association_id, tags)
        return association

    def _check_tags(self, tags: list[dict[str, str]]) -> None:
        keys = [tag["Key"] for tag in tags]
        if len(set(keys)) != len(keys):
            raise InvalidTag("Tag keys must be unique; a key appears more than once.")
        if len(keys) > MAX_TAGS_PER_RESOURCE:
            raise InvalidTag(f"An association can have at most {MAX_TAGS_PER_RESOURCE} tags; {len(keys)} were given.")
        for key in keys:
            if key.lower().startswith("aws:"):
                raise InvalidTag(f"Tag key {key} uses the reserved prefix aws:.")

    def _index(self, association: Association) -> None:
        bisect.insort(self._by_name.setdefault(association.document_name, []), association.position)
        if association.instance_id:
            self._legacy[(association.document_name, association.instance_id)] = association
            bisect.insort(self._by_instance.setdefault(association.instance_id, []), association.position)

    def _unindex(self, association: Association) -> None:
        _remove_position(self._by_name.get(association.document_name), association.position)
        if association.instance_id:
            self._legacy.pop((association.document_name, association.instance_id), None)
            _remove_position(self._by_instance.get(association.instance_id), association.position)

    # --- the rules shared by create and update ---------------------------------------

    def _checked_settings(self, request: Mapping[str, Any], instance_id: str | None, creating: bool) -> dict[str, Any]:
        """Validate a create/update request semantically and return the settings to store."""
        settings = {member: request[member] for member in SETTING_MEMBERS if request.get(member) is not None}
        legacy = bool(instance_id)
        if settings.get("Targets"):
            # AWS's documented commands write the key as instanceids (create-association #2, #3).
            settings["Targets"] = [
                {**target, "Key": "InstanceIds"} if str(target.get("Key", "")).lower() == "instanceids" else target
                for target in settings["Targets"]
            ]
        targets = settings.get("Targets")
        if legacy:
            forbidden = [member for member in LEGACY_FORBIDDEN if member in settings]
            if forbidden:
                error = ValidationException if creating else InvalidUpdate
                raise error(
                    f"{', '.join(forbidden)} cannot be used with an association created with InstanceId. "
                    "Use Targets instead of InstanceId."
                )
            if targets:
                raise (InvalidTarget if creating else InvalidUpdate)("Specify either InstanceId or Targets, not both.")
        elif settings.get("AutomationTargetParameterName") is not None and not targets:
            raise ValidationException("Must specify both Automation Target Parameter Name and Targets")
        elif not targets and not settings.get("TargetMaps") and not settings.get("TargetLocations"):
            raise InvalidTarget("Instance ID or targets must be specified")
        if targets and settings.get("TargetMaps"):
            raise InvalidTargetMaps("Targets and TargetMaps cannot be specified together.")

        document = document_store.find_document(
            self.account_id, self.region_name, settings["Name"], settings.get("DocumentVersion")
        )
        if legacy:
            assert instance_id is not None
            # Only schema 1.x Command documents: 2.x, and Automation's 0.3, need Targets.
            if document.schema_major >= 2.0 or document.document_type == "Automation":
                raise InvalidDocument(
                    f"Document schema version, {document.schema_version}, is not supported by association that is "
                    "created with instance id"
                )
            platform = self.managed_node(instance_id).platform_type
            if platform not in document.platform_types:
                raise UnsupportedPlatformType(
                    f"Document {document.name} supports {', '.join(document.platform_types)}; "
                    f"instance {instance_id} runs {platform}."
                )
        if targets:
            validate_targets(targets, document.document_type)
        self._check_automation_targets(settings, document)
        parameters = dict(settings.get("Parameters") or {})
        target_parameter = settings.get("AutomationTargetParameterName")
        if target_parameter and target_parameter not in parameters:
            # Filled in per target at run time, so it is not "missing" now.
            parameters[target_parameter] = [""]
        if document.document_type == "Automation" and settings.get("TargetMaps"):
            for target_map in settings["TargetMaps"]:
                parameters.update({name: values or [""] for name, values in target_map.items()})
        try:
            document.validate_parameters(parameters)
        except InvalidParameters:
            if not settings.get("TargetMaps") or document.document_type == "Automation":
                raise
            raise InvalidTargetMaps("TargetMaps apply only to Automation runbooks.") from None
        self._check_schedule(settings)
        location = (settings.get("OutputLocation") or {}).get("S3Location")
        if location is not None and not location.get("OutputS3BucketName"):
            raise InvalidOutputLocation("The output location needs an S3 bucket name (OutputS3BucketName).")
        if legacy:
            settings["Targets"] = targets_for_instance(instance_id or "")
        settings.setdefault("ApplyOnlyAtCronInterval", False)
        return settings

    @staticmethod
    def _check_automation_targets(settings: Mapping[str, Any], document: document_store.DocumentInfo) -> None:
        target_parameter = settings.get("AutomationTargetParameterName")
        targets = settings.get("Targets")
        if target_parameter is not None:
            if not targets:
                raise ValidationException("Must specify both Automation Target Parameter Name and Targets")
            if document.document_type != "Automation":
                raise InvalidParameters(
                    f"AutomationTargetParameterName applies only to Automation runbooks; {document.name} is a "
                    f"{document.document_type} document."
                )
            if target_parameter not in document.parameters:
                raise InvalidParameters(
                    f'AutomationTargetParameterName "{target_parameter}" is not a parameter of {document.name}.'
                )

    @staticmethod
    def _check_schedule(settings: Mapping[str, Any]) -> None:
        expression = settings.get("ScheduleExpression")
        schedule = parse_schedule(expression) if expression is not None else None
        cron_only = bool(settings.get("ApplyOnlyAtCronInterval"))
        if cron_only and (schedule is None or schedule.kind == "rate"):
            # The model: "This parameter isn't supported for rate expressions"; at(...) is documented with it.
            raise InvalidSchedule("ApplyOnlyAtCronInterval is supported only with a cron or at ScheduleExpression.")
        if settings.get("ScheduleOffset") is not None and not cron_only:
            raise ValidationException("ScheduleOffset requires a cron ScheduleExpression and ApplyOnlyAtCronInterval.")
        if settings.get("Duration") is not None and not cron_only:
            raise ValidationException("Duration can be specified only with ApplyOnlyAtCronInterval.")

    # --- lookups -----------------------------------------------------------------

    def get(self, association_id: str) -> Association:
        association = self.associations.get(association_id)
        if association is None:
            raise AssociationDoesNotExist(
                f"Association {association_id} does not exist in account {self.account_id}, region {self.region_name}."
            )
        return association

    def find(self, association_id: str | None, name: str | None, instance_id: str | None) -> Association:
        """Find by AssociationId, or for a legacy association by document name + instance id."""
        if association_id:
            return self.get(association_id)
        if not (name and instance_id):
            raise ValidationException(
                "Specify the AssociationId, or both Name and InstanceId for an association created with InstanceId."
            )
        return self.find_legacy(name, instance_id)

    def find_legacy(self, name: str, instance_id: str) -> Association:
        document_name = document_store.document_name_from(name)[0]
        association = self._legacy.get((document_name, instance_id))
        if association is not None:
            return association
        document_store.find_document(self.account_id, self.region_name, name, None)
        if instance_id not in self._by_instance:
            self.managed_node(instance_id)
        raise AssociationDoesNotExist(
            f"No association of document {document_name} with instance {instance_id} exists. "
            "Associations created with Targets must be addressed by AssociationId."
        )

    # --- read operations ---------------------------------------------------------

    def describe_association(
        self, association_id: str | None, name: str | None, instance_id: str | None, version: str | None
    ) -> dict[str, Any]:
        with self.lock:
            return self.observe(self.find(association_id, name, instance_id)).describe(version)

    def list_associations(
        self, filters: Sequence[Mapping[str, str]], max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        predicates = [_association_filter(item["key"], item["value"]) for item in filters]
        fingerprint = request_fingerprint("ListAssociations", {"filters": list(filters)})
        start = int_position(decode_next_token(next_token, fingerprint))
        limit = max_results or DEFAULT_PAGE_SIZE
        with self.lock:
            page: list[dict[str, Any]] = []
            for association in self._candidates(filters, start):
                if all(predicate(self.observe(association)) for predicate in predicates):
                    if len(page) == limit:
                        return page, encode_next_token(fingerprint, association.position)
                    page.append(association.summary())
            return page, None

    def _candidates(self, filters: Sequence[Mapping[str, str]], start: int) -> Iterator[Association]:
        """Associations from position ``start`` on, narrowed by an index where a filter allows."""
        for item in filters:
            if item["key"] == "AssociationId":
                found = self.associations.get(item["value"])
                return iter([found] if found is not None and found.position >= start else [])
        for item in filters:
            index = {"Name": self._by_name, "InstanceId": self._by_instance}.get(item["key"])
            if index is not None:
                positions = index.get(document_store.document_name_from(item["value"])[0], [])
                return self._at_positions(positions, bisect.bisect_left(positions, start))
        return self._in_order(start)

    def _at_positions(self, positions: list[int], first: int) -> Iterator[Association]:
        """The associations at ``positions[first:]``, lazily: a page reads only what it returns."""
        for index in range(first, len(positions)):
            association = self._order[positions[index]]
            if association is not None:
                yield association

    def _in_order(self, start: int) -> Iterator[Association]:
        order = self._order
        for position in range(start, len(order)):
            association = order[position]
            if association is not None:
                yield association

    def list_association_versions(
        self, association_id: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        fingerprint = request_fingerprint("ListAssociationVersions", {"AssociationId": association_id})
        start = int_position(decode_next_token(next_token, fingerprint))
        limit = max_results or DEFAULT_PAGE_SIZE
        with self.lock:
            association = self.get(association_id)
            versions = association.versions[start : start + limit]
            end = start + len(versions)
            token = encode_next_token(fingerprint, end) if end < len(association.versions) else None
            return [version.info(association_id) for version in versions], token

    # --- updates -----------------------------------------------------------------

    def update_association(self, request: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            association = self.get(request["AssociationId"])
            expected = request.get("AssociationVersion")
            if expected not in (None, LATEST) and expected != str(association.latest.number):
                raise InvalidAssociationVersion(
                    f"AssociationVersion {expected} is not the latest version ({association.latest.number}) of "
                    f"association {association.association_id}. Describe it again, or pass $LATEST."
                )
            if len(association.versions) >= MAX_VERSIONS:
                raise AssociationVersionLimitExceeded(
                    f"Association {association.association_id} already has {MAX_VERSIONS:,} versions, the most allowed."
                )
            if association.instance_id:
                if request.get("Targets"):
                    raise InvalidUpdate("An association created with InstanceId cannot be changed to use Targets.")
                if request.get("Name") not in (None, association.name):
                    raise InvalidUpdate("The document of an association created with InstanceId cannot be changed.")
            merged = dict(request)
            merged.setdefault("Name", association.name)
            if not association.instance_id:
                merged.setdefault("Targets", association.settings.get("Targets"))
                if merged.get("TargetMaps") and "Targets" not in request:
                    merged.pop("Targets")
            settings = self._checked_settings(merged, instance_id=association.instance_id, creating=False)
            self._unindex(association)
            association.versions.append(AssociationVersion(len(association.versions) + 1, reported_now(), settings))
            association.overview = {"Status": "Pending", "DetailedStatus": "Creating"}
            # AWS applies an association again after each update, unless it waits for its cron.
            association.run_state = None if settings.get("ApplyOnlyAtCronInterval") else AssociationRunState()
            self._index(association)
            return association.describe()

    def update_association_status(self, name: str, instance_id: str, status: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            association = self.find_legacy(name, instance_id)
            new_status = {
                "Date": epoch_to_datetime(status["Date"]),
                "Name": status["Name"],
                "Message": status["Message"],
                "AdditionalInfo": status.get("AdditionalInfo"),
            }
            current = association.status or {}
            if all(current.get(member) == new_status[member] for member in ("Name", "Message", "AdditionalInfo")):
                raise StatusUnchanged(
                    f"The association of {association.document_name} with {instance_id} already has status "
                    f"{new_status['Name']} with the same message."
                )
            association.status = new_status
            return association.describe()

    def delete_association(self, association_id: str | None, name: str | None, instance_id: str | None) -> None:
        with self.lock:
            association = self.find(association_id, name, instance_id)
            self._unindex(association)
            del self.associations[association.association_id]
            self._order[association.position] = None
            self.tagger.delete_all_tags_for_resource(association.association_id)
            for resource_id in association.instance_results:
                self._results_by_instance.get(resource_id, {}).pop(association.association_id, None)

    # --- runs --------------------------------------------------------------------

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
            self._resolved_document_version(association),
            overall,
            detailed_status or overall,
            now,
            targets,
        )
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
            self._results_by_instance.setdefault(target.resource_id, {})[association.association_id] = association
            if target.status == "Success":
                self._last_success_by_instance[target.resource_id] = now
        association.run_state = None
        return execution.describe(association.association_id)

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

    def _resolved_document_version(self, association: Association) -> str:
        try:
            return document_store.find_document(
                self.account_id, self.region_name, association.name, association.settings.get("DocumentVersion")
            ).document_version
        except SSMAssociationError:  # the document was deleted since: report what was asked for
            return str(association.settings.get("DocumentVersion", DEFAULT_DOCUMENT_VERSION))

    def observe(self, association: Association) -> Association:
        """Let moto's state manager run a pending association when it is read (off by default)."""
        state = association.run_state
        if state is not None:
            state.advance()
            if state.status == "Success":
                self._run(association, "Success", {}, None)
        return association

    # --- executions --------------------------------------------------------------

    def describe_association_executions(
        self, association_id: str, filters: Sequence[Mapping[str, str]], max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        predicates = [_execution_filter(item["Key"], item["Value"], item["Type"]) for item in filters]
        fingerprint = request_fingerprint("DescribeAssociationExecutions", {"id": association_id, "f": list(filters)})
        position = decode_next_token(next_token, fingerprint)
        limit = max_results or DEFAULT_PAGE_SIZE
        with self.lock:
            association = self.observe(self.get(association_id))
            executions = association.executions
            start = len(executions) - 1 if position is None else int_position(position)
            page: list[dict[str, Any]] = []
            for index in range(min(start, len(executions) - 1), -1, -1):  # newest first
                execution = executions[index]
                if all(predicate(execution) for predicate in predicates):
                    if len(page) == limit:
                        return page, encode_next_token(fingerprint, index)
                    page.append(execution.describe(association_id))
            return page, None

    def describe_association_execution_targets(
        self,
        association_id: str,
        execution_id: str,
        filters: Sequence[Mapping[str, str]],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        wanted = [(_EXECUTION_TARGET_FILTERS[item["Key"]], item["Value"]) for item in filters]
        fingerprint = request_fingerprint(
            "DescribeAssociationExecutionTargets", {"id": association_id, "e": execution_id, "f": list(filters)}
        )
        start = int_position(decode_next_token(next_token, fingerprint))
        limit = max_results or DEFAULT_PAGE_SIZE
        with self.lock:
            association = self.get(association_id)
            execution = next((e for e in association.executions if e.execution_id == execution_id), None)
            if execution is None:
                raise AssociationExecutionDoesNotExist(
                    f"Execution {execution_id} does not exist for association {association_id}. "
                    "List them with DescribeAssociationExecutions."
                )
            page: list[dict[str, Any]] = []
            for index in range(start, len(execution.targets)):
                target = execution.targets[index]
                if all(getattr(target, attribute) == value for attribute, value in wanted):
                    if len(page) == limit:
                        return page, encode_next_token(fingerprint, index)
                    page.append(execution.describe_target(association_id, target))
            return page, None

    # --- instance views ----------------------------------------------------------

    def nodes(self) -> dict[str, Node]:
        return managed_nodes(self.account_id, self.region_name, self.managed_instances)

    def _associations_applying_to(self, node: Node) -> Iterator[Association]:
        """Associations that apply to a node now (or have run on it), in creation order."""
        for association in self._in_order(0):
            if association.instance_id:
                applies = association.instance_id == node.instance_id
            else:
                targets = association.settings.get("Targets") or []
                applies = bool(targets) and node_is_targeted(targets, node, self.account_id, self.region_name)
            if applies or node.instance_id in association.instance_results:
                yield association

    def describe_instance_associations_status(
        self, instance_id: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        fingerprint = request_fingerprint("DescribeInstanceAssociationsStatus", {"InstanceId": instance_id})
        start = int_position(decode_next_token(next_token, fingerprint))
        limit = max_results or DEFAULT_PAGE_SIZE
        with self.lock:
            node = self.managed_node(instance_id)
            page: list[dict[str, Any]] = []
            for association in self._associations_applying_to(node):
                if association.position < start:
                    continue
                if len(page) == limit:
                    return page, encode_next_token(fingerprint, association.position)
                page.append(self._instance_status(self.observe(association), node.instance_id))
            return page, None

    def _instance_status(self, association: Association, instance_id: str) -> dict[str, Any]:
        """An ``InstanceAssociationStatusInfo``: the latest outcome on the node, or Pending."""
        item: dict[str, Any] = {
            "AssociationId": association.association_id,
            "Name": association.name,
            "AssociationVersion": str(association.latest.number),
            "InstanceId": instance_id,
            "AssociationName": association.settings.get("AssociationName"),
        }
        result = association.instance_results.get(instance_id)
        if result is None:
            item.update(
                DocumentVersion=self._resolved_document_version(association),
                Status="Pending",
                DetailedStatus="Associated",
            )
            return item
        execution, target = result
        item.update(
            DocumentVersion=execution.document_version,
            AssociationVersion=str(execution.association_version),
            ExecutionDate=target.date,
            Status=target.status,
            DetailedStatus=target.detailed_status,
            ExecutionSummary=execution_summary(target.status),
            ErrorCode="1" if target.status in _FAILED_STATUSES else None,
            OutputUrl=_output_url(association, instance_id, execution.execution_id),
        )
        return item

    def describe_effective_instance_associations(
        self, instance_id: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        fingerprint = request_fingerprint("DescribeEffectiveInstanceAssociations", {"InstanceId": instance_id})
        start = int_position(decode_next_token(next_token, fingerprint))
        limit = max_results or EFFECTIVE_ASSOCIATIONS_PAGE_SIZE
        with self.lock:
            node = self.managed_node(instance_id)
            page: list[dict[str, Any]] = []
            for association in self._associations_applying_to(node):
                if association.position < start or node.instance_id not in self._current_targets(association, node):
                    continue
                if len(page) == limit:
                    return page, encode_next_token(fingerprint, association.position)
                page.append(
                    {
                        "AssociationId": association.association_id,
                        "InstanceId": node.instance_id,
                        "Content": self._document_content(association),
                        "AssociationVersion": str(association.latest.number),
                    }
                )
            return page, None

    def _current_targets(self, association: Association, node: Node) -> set[str]:
        if association.instance_id:
            return {association.instance_id}
        targets = association.settings.get("Targets") or []
        return (
            {node.instance_id}
            if targets and node_is_targeted(targets, node, self.account_id, self.region_name)
            else set()
        )

    def _document_content(self, association: Association) -> str | None:
        try:
            return document_store.find_document(
                self.account_id, self.region_name, association.name, association.settings.get("DocumentVersion")
            ).content
        except SSMAssociationError:
            return None

    def describe_instance_information(
        self,
        filter_list: Sequence[Mapping[str, Any]],
        filters: Sequence[Mapping[str, Any]],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        if filter_list and filters:
            raise ValidationException("Use either Filters or InstanceInformationFilterList, not both.")
        criteria = [(item["key"], list(item["valueSet"])) for item in filter_list] + [
            (item["Key"], list(item["Values"])) for item in filters
        ]
        fingerprint = request_fingerprint("DescribeInstanceInformation", {"c": criteria})
        start = decode_next_token(next_token, fingerprint)
        limit = max_results or INSTANCE_INFORMATION_PAGE_SIZE
        with self.lock:
            predicates = [self._instance_filter(key, values) for key, values in _checked_node_criteria(criteria)]
            page: list[dict[str, Any]] = []
            for instance_id, node in self.nodes().items():
                if start is not None and instance_id < str(start):
                    continue
                information = self._instance_information(node)
                if all(predicate(information) for predicate in predicates):
                    if len(page) == limit:
                        return page, encode_next_token(fingerprint, instance_id)
                    page.append(information)
            return page, None

    def _instance_filter(self, key: str, values: list[str]) -> Callable[[Mapping[str, Any]], bool]:
        if key == "InstanceIds":
            for instance_id in values:
                self.managed_node(instance_id)
        if key.startswith("tag:"):
            tag = key[4:]
            return lambda info: self._node_tags(info).get(tag) in values
        if key == "tag-key":
            return lambda info: any(value in self._node_tags(info) for value in values)
        field_name = _NODE_FILTER_FIELDS[key]
        return lambda info: info.get(field_name) in values

    def _node_tags(self, information: Mapping[str, Any]) -> Mapping[str, str]:
        return self.managed_node(str(information["InstanceId"])).tags

    def _instance_information(self, node: Node) -> dict[str, Any]:
        """An ``InstanceInformation`` item, with the node's association roll-up."""
        results = [
            association.instance_results[node.instance_id]
            for association in self._results_by_instance.get(node.instance_id, {}).values()
        ]
        statuses = [target.status for _, target in results]
        rolled_up = overall_status(statuses) if statuses else None
        registered = node.resource_type == "ManagedInstance"
        return {
            "InstanceId": node.instance_id,
            "PingStatus": node.ping_status,
            "LastPingDateTime": reported_now(),
            "AgentVersion": node.agent_version,
            "IsLatestVersion": True,
            "PlatformType": node.platform_type,
            "PlatformName": node.platform_name,
            "PlatformVersion": node.platform_version,
            "ActivationId": node.activation_id or None,
            "IamRole": node.iam_role or None,
            "RegistrationDate": node.registered_at if registered else None,
            "ResourceType": node.resource_type,
            "IPAddress": node.ip_address,
            "ComputerName": node.computer_name,
            "AssociationStatus": rolled_up,
            "LastAssociationExecutionDate": max((target.date for _, target in results), default=None),
            "LastSuccessfulAssociationExecutionDate": self._last_success_by_instance.get(node.instance_id),
            "AssociationOverview": {
                "DetailedStatus": rolled_up,
                "InstanceAssociationStatusAggregatedCount": count_by_status(statuses),
            }
            if statuses
            else None,
            "SourceId": node.instance_id,
            "SourceType": node.source_type,
        }

    # --- tags --------------------------------------------------------------------

    def add_tags(self, resource_type: str, resource_id: str, tags: Sequence[Mapping[str, str]]) -> None:
        with self.lock:
            current = self.list_tags(resource_type, resource_id)
            merged = {tag["Key"]: tag["Value"] for tag in current}
            for tag in tags:
                if tag["Key"].lower().startswith("aws:"):
                    raise ValidationException(f"Tag key {tag['Key']} uses the reserved prefix aws:.")
                merged[tag["Key"]] = tag["Value"]
            if len(merged) > MAX_TAGS_PER_RESOURCE:
                raise TooManyTagsError(
                    f"{resource_type} {resource_id} would have {len(merged)} tags; at most {MAX_TAGS_PER_RESOURCE} "
                    "are allowed."
                )
            if resource_type == "ManagedInstance":
                self.managed_instances[resource_id].tags = merged
            else:
                self.tagger.tag_resource(resource_id, [dict(tag) for tag in tags])

    def remove_tags(self, resource_type: str, resource_id: str, keys: Sequence[str]) -> None:
        with self.lock:
            self.list_tags(resource_type, resource_id)
            if resource_type == "ManagedInstance":
                tags = self.managed_instances[resource_id].tags
                for key in keys:
                    tags.pop(key, None)
            else:
                self.tagger.untag_resource_using_names(resource_id, list(keys))

    def list_tags(self, resource_type: str, resource_id: str) -> list[dict[str, str]]:
        if resource_type == "ManagedInstance":
            registered = self.managed_instances.get(resource_id)
            if registered is None:
                raise InvalidResourceId(
                    f"Managed instance {resource_id} is not registered in {self.account_id}/{self.region_name}."
                )
            return [{"Key": key, "Value": value} for key, value in registered.tags.items()]
        if resource_id not in self.associations:
            raise InvalidResourceId(
                f"Association {resource_id} does not exist in {self.account_id}/{self.region_name}."
            )
        return list(self.tagger.list_tags_for_resource(resource_id)["Tags"])


AssociationPredicate = Callable[[Association], bool]


def _remove_position(positions: list[int] | None, position: int) -> None:
    if positions:
        index = bisect.bisect_left(positions, position)
        if index < len(positions) and positions[index] == position:
            del positions[index]


def _association_filter(key: str, value: str) -> AssociationPredicate:
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


_EXECUTION_TARGET_FILTERS = {"Status": "status", "ResourceId": "resource_id", "ResourceType": "resource_type"}
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


def _checked_node_criteria(criteria: Sequence[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
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


def _execution_filter(key: str, value: str, comparison: str) -> Callable[[Execution], bool]:
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


def _looks_like_node(resource_id: str) -> bool:
    return resource_id.startswith(("i-", "mi-"))


def _output_url(association: Association, instance_id: str, execution_id: str) -> dict[str, Any] | None:
    location = (association.settings.get("OutputLocation") or {}).get("S3Location")
    if not location:
        return None
    prefix = str(location.get("OutputS3KeyPrefix") or "").strip("/")
    key = "/".join(part for part in (prefix, instance_id, association.association_id, execution_id) if part)
    return {"S3OutputUrl": {"OutputUrl": f"https://{location['OutputS3BucketName']}.s3.amazonaws.com/{key}"}}


def parse_filter_time(value: str, key: str) -> datetime:
    """A filter time: ISO 8601 (``2019-02-18T16:00:00Z``, with optional milliseconds) or epoch seconds."""
    try:
        return epoch_to_datetime(float(value))
    except ValueError:
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


association_backends: BackendDict[SSMAssociationBackend] = BackendDict(SSMAssociationBackend, "ssm")


def default_account_id() -> str:
    """The account moto serves a request without an account header or STS credentials from."""
    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
