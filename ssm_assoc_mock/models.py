"""Association state and behaviour, per account and region.

The backend lives in a moto ``BackendDict``, so moto's reset (start of a mock,
``POST /moto-api/reset``) clears it with every other service, and requests are routed to
it by the account (``MOTO_ACCOUNT_ID``, the account header, STS credentials) and region
of the caller. Settings use AWS's member names, so a description is assembled from them
without a translation table. Every write holds the backend's lock: moto's server is
threaded, and an update must never be lost.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Mapping, Sequence

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.utils import utcnow
from moto.utilities.tagging_service import TaggingService

from . import documents as document_store
from .exceptions import (
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
    InvalidTag,
    InvalidTarget,
    InvalidTargetMaps,
    InvalidUpdate,
    SSMAssociationError,
    StatusUnchanged,
    UnsupportedPlatformType,
    ValidationException,
)
from .pagination import decode_next_token, encode_next_token, request_fingerprint
from .schedule import parse_schedule
from .targets import ec2_instance, require_managed, targets_for_instance, validate_targets
from .validation import enum_values

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


def epoch_to_datetime(value: float) -> datetime:
    """A request timestamp (epoch seconds) as the naive UTC datetime moto uses."""
    return datetime.fromtimestamp(value, tz=timezone.utc).replace(tzinfo=None)


@dataclass
class ManagedInstance:
    """A node registered as managed without a moto EC2 instance behind it."""

    instance_id: str
    platform_type: str = "Linux"
    platform_name: str = "Amazon Linux"
    platform_version: str = "2"
    tags: dict[str, str] = field(default_factory=dict)
    ping_status: str = "Online"
    agent_version: str = "3.3.987.0"
    computer_name: str = ""
    ip_address: str = "10.0.0.1"
    registered_at: datetime = field(default_factory=utcnow)

    @property
    def resource_type(self) -> str:
        return "ManagedInstance" if self.instance_id.startswith("mi-") else "EC2Instance"


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
        "instance_id",
        "last_execution_date",
        "last_successful_execution_date",
        "overview",
        "position",
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
        self._by_name: dict[str, dict[str, Association]] = {}
        self._by_instance: dict[str, dict[str, Association]] = {}

    # --- managed instances -------------------------------------------------------

    def register_managed_instance(self, instance: ManagedInstance) -> ManagedInstance:
        with self.lock:
            self.managed_instances[instance.instance_id] = instance
            return instance

    def require_managed(self, instance_id: str) -> None:
        require_managed(instance_id, self.account_id, self.region_name, self.managed_instances)

    def platform_of(self, instance_id: str) -> str:
        registered = self.managed_instances.get(instance_id)
        if registered is not None:
            return registered.platform_type
        instance = ec2_instance(self.account_id, self.region_name, instance_id)
        platform = str(getattr(instance, "platform", "") or "")
        return "Windows" if platform.lower() == "windows" else "Linux"

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
        association = Association(association_id, instance_id, settings, utcnow(), len(self._order))
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
        self._by_name.setdefault(association.document_name, {})[association.association_id] = association
        if association.instance_id:
            self._legacy[(association.document_name, association.instance_id)] = association
            self._by_instance.setdefault(association.instance_id, {})[association.association_id] = association

    def _unindex(self, association: Association) -> None:
        self._by_name.get(association.document_name, {}).pop(association.association_id, None)
        if association.instance_id:
            self._legacy.pop((association.document_name, association.instance_id), None)
            self._by_instance.get(association.instance_id, {}).pop(association.association_id, None)

    # --- the rules shared by create and update ---------------------------------------

    def _checked_settings(self, request: Mapping[str, Any], instance_id: str | None, creating: bool) -> dict[str, Any]:
        """Validate a create/update request semantically and return the settings to store."""
        settings = {member: request[member] for member in SETTING_MEMBERS if request.get(member) is not None}
        legacy = bool(instance_id)
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
        elif not targets and not settings.get("TargetMaps") and not settings.get("TargetLocations"):
            raise InvalidTarget("Instance ID or targets must be specified")
        if targets and settings.get("TargetMaps"):
            raise InvalidTargetMaps("Targets and TargetMaps cannot be specified together.")

        document = document_store.find_document(
            self.account_id, self.region_name, settings["Name"], settings.get("DocumentVersion")
        )
        if legacy:
            assert instance_id is not None
            if document.schema_major >= 2.0:
                raise InvalidDocument(
                    f"Document schema version, {document.schema_version}, is not supported by association that is "
                    "created with instance id"
                )
            self.require_managed(instance_id)
            platform = self.platform_of(instance_id)
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
        settings.setdefault("DocumentVersion", DEFAULT_DOCUMENT_VERSION)
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
        if cron_only and (schedule is None or schedule.kind != "cron"):
            raise InvalidSchedule("ApplyOnlyAtCronInterval is supported only with a cron ScheduleExpression.")
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
            self.require_managed(instance_id)
        raise AssociationDoesNotExist(
            f"No association of document {document_name} with instance {instance_id} exists. "
            "Associations created with Targets must be addressed by AssociationId."
        )

    # --- read operations ---------------------------------------------------------

    def describe_association(
        self, association_id: str | None, name: str | None, instance_id: str | None, version: str | None
    ) -> dict[str, Any]:
        with self.lock:
            return self.find(association_id, name, instance_id).describe(version)

    def list_associations(
        self, filters: Sequence[Mapping[str, str]], max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        predicates = [_association_filter(item["key"], item["value"]) for item in filters]
        fingerprint = request_fingerprint("ListAssociations", {"filters": list(filters)})
        start = decode_next_token(next_token, fingerprint)
        limit = max_results or DEFAULT_PAGE_SIZE
        with self.lock:
            page: list[dict[str, Any]] = []
            for association in self._candidates(filters, start):
                if all(predicate(association) for predicate in predicates):
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
                subset = index.get(document_store.document_name_from(item["value"])[0], {}).values()
                return iter(sorted((a for a in subset if a.position >= start), key=lambda a: a.position))
        return self._in_order(start)

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
        start = decode_next_token(next_token, fingerprint)
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
            association.versions.append(AssociationVersion(len(association.versions) + 1, utcnow(), settings))
            association.overview = {"Status": "Pending", "DetailedStatus": "Creating"}
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


AssociationPredicate = Callable[[Association], bool]


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
    by_arn = value.startswith("arn:")
    getters: dict[str, Callable[[Association], str | None]] = {
        "InstanceId": lambda association: association.instance_id,
        "Name": lambda association: association.name if by_arn else association.document_name,
        "AssociationId": lambda association: association.association_id,
        "AssociationName": lambda association: association.settings.get("AssociationName"),
    }
    getter = getters[key]
    return lambda association: getter(association) == value


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
