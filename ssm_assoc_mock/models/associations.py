"""Associations: their lifecycle, versions and limits, and the rules a create or update obeys.

Settings use AWS's member names, so a description is assembled from them without a
translation table. Associations keep their creation order (for pagination) and indexes by
document name and instance id, so a filtered page reads only what it returns.
"""

from __future__ import annotations

import bisect
import itertools
from datetime import datetime
from typing import Any, Callable, Iterator, Mapping, Sequence

from moto.moto_api._internal import mock_random

from .. import documents as document_store
from ..exceptions import (
    AssociationAlreadyExists,
    AssociationDoesNotExist,
    AssociationLimitExceeded,
    AssociationVersionLimitExceeded,
    DuplicateInstanceId,
    InternalServerError,
    InvalidAssociationVersion,
    InvalidDocument,
    InvalidOutputLocation,
    InvalidParameters,
    InvalidSchedule,
    InvalidTarget,
    InvalidTargetMaps,
    InvalidUpdate,
    SSMAssociationError,
    StatusUnchanged,
    UnsupportedPlatformType,
    ValidationException,
)
from ..pagination import DEFAULT_PAGE_SIZE, decode_next_token, int_position, page_of, request_fingerprint
from ..schedule import parse_schedule
from ..targets import Node, targets_for_instance, validate_targets
from .clock import epoch_to_datetime, reported_now
from .filters import association_filter
from .room import Room
from .runs import AssociationRunState, Execution, ExecutionTarget, pending_run_state
from .tags import Tags, tags_after_adding, tags_replaced

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
LATEST = "$LATEST"
DEFAULT_ASSOCIATION_LIMIT = 2000  # "at most 2,000 active associations" (model)
MAX_VERSIONS = 1000  # "Each association has a limit of 1,000 versions" (model)


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
        "tags",
        "versions",
    )

    def __init__(
        self,
        association_id: str,
        instance_id: str | None,
        settings: dict[str, Any],
        now: datetime,
        position: int,
        tags: dict[str, str],
    ) -> None:
        self.association_id = association_id
        self.instance_id = instance_id
        self.tags = tags
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
        self.run_state: AssociationRunState | None = pending_run_state(settings)

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
            "DocumentVersion": document_store.DEFAULT_VERSION,
            **version.settings,
        }

    def summary(self) -> dict[str, Any]:
        """A ``ListAssociations`` item."""
        description = self.describe()
        return {member: description.get(member) for member in LIST_ITEM_MEMBERS}


class AssociationsRoom(Room):
    """Create, read, update and delete associations."""

    association_limit = DEFAULT_ASSOCIATION_LIMIT

    # From the other rooms.
    managed_node: Callable[[str], Node]
    observe: Callable[[Association], Association]
    forget_runs: Callable[[Association], None]
    plan_runs: Callable[..., None]

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.associations: dict[str, Association] = {}
        # Index for the legacy identity (document name, instance id): O(1) lookups.
        self._legacy: dict[tuple[str, str], Association] = {}
        # Creation order for pagination; deleted associations leave None so positions
        # held in outstanding NextTokens stay valid.
        self._order: list[Association | None] = []
        # Creation-order positions (ascending) of the associations of each document name and
        # instance id: a filtered page starts with a bisect, not with a sort of the whole subset.
        self._by_name: dict[str, list[int]] = {}
        self._by_instance: dict[str, list[int]] = {}

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
                    # AWS's documented batch example words an existing legacy association so.
                    message = (
                        "Association Already Exists" if isinstance(error, AssociationAlreadyExists) else error.message
                    )
                    failed.append({"Entry": dict(entry), "Message": message, "Fault": fault})
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
        tags = tags_after_adding({}, request.get("Tags") or [], with_new_resource=True)
        if instance_id:
            key = (document_store.document_name_from(settings["Name"])[0], instance_id)
            if key in self._legacy:
                raise AssociationAlreadyExists(
                    f"Document {key[0]} is already associated with instance {instance_id} "
                    f"(association {self._legacy[key].association_id})."
                )
        association_id = str(mock_random.uuid4())
        while association_id in self.associations:  # pragma: no cover - a collision
            association_id = str(mock_random.uuid4())
        association = Association(association_id, instance_id, settings, reported_now(), len(self._order), tags)
        self.associations[association_id] = association
        self._order.append(association)
        self._index(association)
        self.plan_runs(association, creating=True)
        return association

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
        settings = _requested_settings(request)
        _check_targeting(settings, instance_id, creating)
        document = document_store.find_document(
            self.account_id, self.region_name, settings["Name"], settings.get("DocumentVersion")
        )
        if instance_id:
            self._check_legacy_document(document, instance_id)
        if settings.get("Targets"):
            validate_targets(settings["Targets"], document.document_type)
        _check_automation_target_parameter(settings, document)
        _check_parameters(settings, document)
        _check_schedule(settings)
        location = (settings.get("OutputLocation") or {}).get("S3Location")
        if location is not None and not location.get("OutputS3BucketName"):
            raise InvalidOutputLocation("The output location needs an S3 bucket name (OutputS3BucketName).")
        if instance_id:
            settings["Targets"] = targets_for_instance(instance_id)
        settings.setdefault("ApplyOnlyAtCronInterval", False)
        return settings

    def _check_legacy_document(self, document: document_store.DocumentInfo, instance_id: str) -> None:
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

    def in_order(self, start: int) -> Iterator[Association]:
        """The associations from creation-order position ``start`` on."""
        order = self._order
        for position in range(start, len(order)):
            association = order[position]
            if association is not None:
                yield association

    # --- read operations ---------------------------------------------------------

    def describe_association(
        self, association_id: str | None, name: str | None, instance_id: str | None, version: str | None
    ) -> dict[str, Any]:
        with self.lock:
            return self.observe(self.find(association_id, name, instance_id)).describe(version)

    def list_associations(
        self, filters: Sequence[Mapping[str, str]], max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        predicates = [association_filter(item["key"], item["value"]) for item in filters]
        fingerprint = request_fingerprint("ListAssociations", {"filters": list(filters)})
        start = int_position(decode_next_token(next_token, fingerprint))
        with self.lock:
            matching = (
                (association.position, association)
                for association in self._candidates(filters, start)
                if all(predicate(self.observe(association)) for predicate in predicates)
            )
            return page_of(matching, max_results or DEFAULT_PAGE_SIZE, fingerprint, Association.summary)

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
        return self.in_order(start)

    def _at_positions(self, positions: list[int], first: int) -> Iterator[Association]:
        """The associations at ``positions[first:]``, lazily: a page reads only what it returns."""
        for index in range(first, len(positions)):
            association = self._order[positions[index]]
            if association is not None:
                yield association

    def list_association_versions(
        self, association_id: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        fingerprint = request_fingerprint("ListAssociationVersions", {"AssociationId": association_id})
        start = int_position(decode_next_token(next_token, fingerprint))
        with self.lock:
            association = self.get(association_id)
            versions = itertools.islice(enumerate(association.versions), start, None)
            return page_of(
                versions,
                max_results or DEFAULT_PAGE_SIZE,
                fingerprint,
                lambda version: version.info(association_id),
            )

    # --- updates -----------------------------------------------------------------

    def update_association(self, request: Mapping[str, Any], tags: Tags | None = None) -> dict[str, Any]:
        """UpdateAssociation; ``tags``, when given, replace the association's own tags in the same step
        (CloudFormation's update: the API's UpdateAssociation has no Tags)."""
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
                request = _without_reported_legacy_values(request, association.instance_id)
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
            if tags is not None:
                association.tags = tags_replaced(association.tags, tags)
            self._unindex(association)
            association.versions.append(AssociationVersion(len(association.versions) + 1, reported_now(), settings))
            association.overview = {"Status": "Pending", "DetailedStatus": "Creating"}
            # AWS applies an association again after each update, unless it waits for its cron.
            self.plan_runs(association, creating=False)
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
            self.forget_runs(association)


def _requested_settings(request: Mapping[str, Any]) -> dict[str, Any]:
    """The settings members a request gives, with the Target key ``instanceids`` spelled as AWS stores it."""
    settings = {member: request[member] for member in SETTING_MEMBERS if request.get(member) is not None}
    if settings.get("Targets"):
        # AWS's documented commands write the key as instanceids (create-association #2, #3).
        settings["Targets"] = [
            {**target, "Key": "InstanceIds"} if str(target.get("Key", "")).lower() == "instanceids" else target
            for target in settings["Targets"]
        ]
    return settings


def _without_reported_legacy_values(request: Mapping[str, Any], instance_id: str) -> dict[str, Any]:
    """A legacy update without the Targets and DocumentVersion its description reports: clients such as
    Terraform's provider send back what they read, and only a real change is an InvalidUpdate."""
    given = dict(request)
    if _requested_settings({"Targets": given.get("Targets")}).get("Targets") == targets_for_instance(instance_id):
        del given["Targets"]
    if given.get("DocumentVersion") == document_store.DEFAULT_VERSION:
        del given["DocumentVersion"]
    return given


def _check_targeting(settings: Mapping[str, Any], instance_id: str | None, creating: bool) -> None:
    """One way of choosing what the association applies to: InstanceId, Targets, TargetMaps or TargetLocations."""
    targets = settings.get("Targets")
    if instance_id:
        forbidden = [member for member in LEGACY_FORBIDDEN if member in settings]
        if forbidden:
            error = ValidationException if creating else InvalidUpdate
            raise error(
                f"{', '.join(forbidden)} cannot be used with an association created with InstanceId. "
                "Use Targets instead of InstanceId."
            )
        if targets:
            raise (InvalidTarget if creating else InvalidUpdate)("Specify either InstanceId or Targets, not both.")
    if settings.get("AutomationTargetParameterName") is not None and not targets:
        raise ValidationException("Must specify both Automation Target Parameter Name and Targets")
    if not instance_id and not targets and not settings.get("TargetMaps") and not settings.get("TargetLocations"):
        raise InvalidTarget("Instance ID or targets must be specified")
    if targets and settings.get("TargetMaps"):
        raise InvalidTargetMaps("Targets and TargetMaps cannot be specified together.")


def _check_automation_target_parameter(settings: Mapping[str, Any], document: document_store.DocumentInfo) -> None:
    target_parameter = settings.get("AutomationTargetParameterName")
    if target_parameter is None:
        return
    if document.document_type != "Automation":
        raise InvalidParameters(
            f"AutomationTargetParameterName applies only to Automation runbooks; {document.name} is a "
            f"{document.document_type} document."
        )
    if target_parameter not in document.parameters:
        raise InvalidParameters(
            f'AutomationTargetParameterName "{target_parameter}" is not a parameter of {document.name}.'
        )


def _check_parameters(settings: Mapping[str, Any], document: document_store.DocumentInfo) -> None:
    """Parameters against the document's, counting those a run fills in per target as given."""
    parameters = dict(settings.get("Parameters") or {})
    target_parameter = settings.get("AutomationTargetParameterName")
    if target_parameter and target_parameter not in parameters:
        parameters[target_parameter] = [""]
    target_maps = settings.get("TargetMaps")
    if document.document_type == "Automation" and target_maps:
        for target_map in target_maps:
            parameters.update({name: values or [""] for name, values in target_map.items()})
    try:
        document.validate_parameters(parameters)
    except InvalidParameters:
        if not target_maps or document.document_type == "Automation":
            raise
        raise InvalidTargetMaps("TargetMaps apply only to Automation runbooks.") from None


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


def _remove_position(positions: list[int] | None, position: int) -> None:
    if positions:
        index = bisect.bisect_left(positions, position)
        if index < len(positions) and positions[index] == position:
            del positions[index]
