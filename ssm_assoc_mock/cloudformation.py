"""``AWS::SSM::Association`` for moto's CloudFormation.

moto deploys a template by looking each resource type up among the subclasses of its
``CloudFormationModel``; a type it does not know is skipped with a warning. Defining
``AssociationResource`` below makes ``AWS::SSM::Association`` known: ``create_stack``,
``update_stack``, ``delete_stack`` and change sets then create, update and delete
associations through the same backend as the SSM API, so everything the API checks is
checked for a template too.

What CloudFormation does and moto does not, this module adds around moto's
CloudFormation backend (reversibly, like hook.py):

- a resource that fails leaves the stack ``ROLLBACK_COMPLETE`` (or ``CREATE_FAILED``
  with ``OnFailure=DO_NOTHING`` / ``DisableRollback``), ``UPDATE_ROLLBACK_COMPLETE``
  after a failed update, with ``CREATE_FAILED`` / ``UPDATE_FAILED`` stack events whose
  ``ResourceStatusReason`` names the SSM error; moto would let the exception escape;
- properties are checked against the resource's registry schema first (unknown keys,
  ``Name`` missing, wrong types), as CloudFormation does before calling SSM.

Property names follow the registry schema of ``AWS::SSM::Association``; only
``InstanceId`` is create-only (a change replaces the association), every other change is
an ``UpdateAssociation`` that writes a new association version. CloudFormation's
``WaitForSuccessTimeoutSeconds`` waits for the association to run successfully; under
the mock creation just succeeds. moto's CloudFormation needs ``moto[cloudformation]``;
without it this module still imports, and there is nothing to register with.
"""

from __future__ import annotations

import contextvars
import re
import threading
import warnings
from typing import Any, Callable, Mapping

from moto.core.common_models import CloudFormationModel
from moto.moto_api._internal import mock_random

from .exceptions import SSMAssociationError
from .models import SSMAssociationBackend, association_backends
from .validation import validate_request

RESOURCE_TYPE = "AWS::SSM::Association"
# What cloudformation_type() answers while uninstalled: no template can use it.
_DISABLED_TYPE = "SSMAssocMock::Disabled::Association"
ATTRIBUTES = ("AssociationId",)

# The registry schema's properties (additionalProperties is false), by JSON type.
STRING_PROPERTIES = (
    "Name",
    "AssociationName",
    "AssociationDispatchAssumeRole",
    "AutomationTargetParameterName",
    "ComplianceSeverity",
    "DocumentVersion",
    "InstanceId",
    "MaxConcurrency",
    "MaxErrors",
    "ScheduleExpression",
    "SyncCompliance",
)
BOOLEAN_PROPERTIES = ("ApplyOnlyAtCronInterval",)
INTEGER_PROPERTIES = ("ScheduleOffset", "WaitForSuccessTimeoutSeconds")
OTHER_PROPERTIES = ("CalendarNames", "OutputLocation", "Parameters", "Tags", "Targets")
PROPERTIES = frozenset(STRING_PROPERTIES + BOOLEAN_PROPERTIES + INTEGER_PROPERTIES + OTHER_PROPERTIES)
REQUIRED_PROPERTIES = ("Name",)
CREATE_ONLY_PROPERTIES = ("InstanceId",)  # a change means replacement
CFN_ONLY_PROPERTIES = ("WaitForSuccessTimeoutSeconds",)  # not sent to SSM
NOT_UPDATABLE_BY_API = ("InstanceId", "Tags")  # UpdateAssociation has no such members
SYSTEM_TAG_PREFIX = "aws:cloudformation:"

# CloudFormation's handler error code for an SSM error code; InvalidRequest otherwise.
HANDLER_ERROR_CODES = {
    "AssociationAlreadyExists": "AlreadyExists",
    "AssociationDoesNotExist": "NotFound",
    "AssociationLimitExceeded": "ServiceLimitExceeded",
    "AssociationVersionLimitExceeded": "ServiceLimitExceeded",
    "InternalServerError": "InternalFailure",
}


class ResourceFailed(Exception):
    """A resource of a stack failed; the stack operation fails with ``reason``."""

    def __init__(self, logical_id: str, reason: str) -> None:
        super().__init__(f"{logical_id}: {reason}")
        self.logical_id = logical_id
        self.reason = reason


def handler_failure_reason(error: SSMAssociationError) -> str:
    """The ``ResourceStatusReason`` CloudFormation writes when SSM rejects a call."""
    handler_code = HANDLER_ERROR_CODES.get(error.code, "InvalidRequest")
    return (
        f'Resource handler returned message: "{error.message} (Service: Ssm, Status Code: {error.status_code}, '
        f'Error Code: {error.code}, Request ID: {mock_random.uuid4()})" '
        f"(RequestToken: {mock_random.uuid4()}, HandlerErrorCode: {handler_code})"
    )


# --- properties -------------------------------------------------------------------------


class _PropertyChecker:
    """Checks and normalises template properties against the registry schema.

    CloudFormation converts scalars between the schema's primitive types (a ``Number``
    parameter into a string property, ``"true"`` into a boolean); anything else is a
    schema violation reported as ``#/Path: ...``.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []

    def wrong_type(self, path: str, expected: str, value: Any) -> None:
        self.errors.append(f"{path}: expected type: {expected}, found: {json_type(value)}")

    def string(self, value: Any, path: str) -> str | None:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        self.wrong_type(path, "String", value)
        return None

    def boolean(self, value: Any, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        self.wrong_type(path, "Boolean", value)
        return None

    def integer(self, value: Any, path: str) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
            return int(value)
        self.wrong_type(path, "Integer", value)
        return None

    def strings(self, value: Any, path: str) -> list[str] | None:
        if not isinstance(value, list):
            self.wrong_type(path, "JSONArray", value)
            return None
        items = [self.string(item, f"{path}/{index}") for index, item in enumerate(value)]
        return [item for item in items if item is not None]

    def structure(
        self, value: Any, path: str, members: Mapping[str, Callable[[Any, str], Any]], required: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.wrong_type(path, "JSONObject", value)
            return None
        for key in required:
            if key not in value:
                self.errors.append(f"{path}: required key [{key}] not found")
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key not in members:
                self.errors.append(f"{path}: extraneous key [{key}] is not permitted")
                continue
            checked = members[key](item, f"{path}/{key}")
            if checked is not None:
                result[key] = checked
        return result

    def structures(
        self, value: Any, path: str, members: Mapping[str, Callable[[Any, str], Any]], required: tuple[str, ...]
    ) -> list[dict[str, Any]] | None:
        if not isinstance(value, list):
            self.wrong_type(path, "JSONArray", value)
            return None
        items = [self.structure(item, f"{path}/{index}", members, required) for index, item in enumerate(value)]
        return [item for item in items if item is not None]

    def parameters(self, value: Any, path: str) -> dict[str, list[str]] | None:
        if not isinstance(value, dict):
            self.wrong_type(path, "JSONObject", value)
            return None
        result: dict[str, list[str]] = {}
        for key, item in value.items():
            checked = self.strings(item, f"{path}/{key}")
            if checked is not None:
                result[str(key)] = checked
        return result

    def output_location(self, value: Any, path: str) -> dict[str, Any] | None:
        s3_members = dict.fromkeys(("OutputS3BucketName", "OutputS3KeyPrefix", "OutputS3Region"), self.string)

        def s3_location(item: Any, item_path: str) -> dict[str, Any] | None:
            return self.structure(item, item_path, s3_members)

        return self.structure(value, path, {"S3Location": s3_location})

    def properties(self, value: Any) -> dict[str, Any]:
        members: dict[str, Callable[[Any, str], Any]] = {
            **dict.fromkeys(STRING_PROPERTIES, self.string),
            **dict.fromkeys(BOOLEAN_PROPERTIES, self.boolean),
            **dict.fromkeys(INTEGER_PROPERTIES, self.integer),
            "CalendarNames": self.strings,
            "OutputLocation": self.output_location,
            "Parameters": self.parameters,
            "Tags": lambda item, path: self.structures(
                item, path, {"Key": self.string, "Value": self.string}, ("Key", "Value")
            ),
            "Targets": lambda item, path: self.structures(
                item, path, {"Key": self.string, "Values": self.strings}, ("Key", "Values")
            ),
        }
        assert set(members) == PROPERTIES
        return self.structure(value, "#", members, REQUIRED_PROPERTIES) or {}


def json_type(value: Any) -> str:
    """The type name CloudFormation's schema validator prints."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "JSONArray"
    if isinstance(value, dict):
        return "JSONObject"
    return "Null"


def checked_properties(logical_id: str, properties: Any) -> dict[str, Any]:
    """Template properties as validated, normalised values; ``ResourceFailed`` if invalid."""
    checker = _PropertyChecker()
    result = checker.properties(properties if properties is not None else {})
    if checker.errors:
        message = checker.errors[0] if len(checker.errors) == 1 else f"[{', '.join(checker.errors)}]"
        raise ResourceFailed(
            logical_id, f"Properties validation failed for resource {logical_id} with message: {message}"
        )
    return result


def create_request(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The ``CreateAssociation`` request for checked properties (AWS member names)."""
    return {key: value for key, value in properties.items() if key not in CFN_ONLY_PROPERTIES}


def update_request(association_id: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """The ``UpdateAssociation`` request: every setting, so omitted ones are cleared, as CloudFormation does."""
    request = {
        key: value
        for key, value in properties.items()
        if key not in CFN_ONLY_PROPERTIES and key not in NOT_UPDATABLE_BY_API
    }
    request["AssociationId"] = association_id
    return request


def stack_name_from_id(stack_id: str) -> str:
    """``arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`` -> ``<name>``."""
    parts = stack_id.split("/")
    return parts[1] if len(parts) >= 3 else stack_id


# --- the resource -------------------------------------------------------------------------


class AssociationResource(CloudFormationModel):
    """One ``AWS::SSM::Association`` of a stack; its physical id is the AssociationId."""

    def __init__(
        self,
        account_id: str,
        region_name: str,
        association_id: str,
        logical_id: str,
        stack_id: str,
        properties: dict[str, Any],
    ) -> None:
        self.account_id = account_id
        self.region_name = region_name
        self.association_id = association_id
        self.logical_id = logical_id
        self.stack_id = stack_id
        self.properties = properties  # as last applied: what an update compares against

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""  # AssociationName is a setting, not the physical id

    @staticmethod
    def cloudformation_type() -> str:
        return RESOURCE_TYPE if _state.registered else _DISABLED_TYPE

    @property
    def physical_resource_id(self) -> str:
        return self.association_id

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "AssociationId":
            return self.association_id
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    def is_created(self) -> bool:
        return True

    @property
    def backend(self) -> SSMAssociationBackend:
        return association_backends[self.account_id][self.region_name]

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> AssociationResource:
        logical_id = str(kwargs.get("LogicalId") or resource_name)
        properties = checked_properties(logical_id, cloudformation_json.get("Properties"))
        backend = association_backends[account_id][region_name]
        request = create_request(properties)
        try:
            validate_request("CreateAssociation", request)
            description = backend.create_association(request)
        except SSMAssociationError as error:
            raise ResourceFailed(logical_id, handler_failure_reason(error)) from error
        association_id = str(description["AssociationId"])
        stack_id = str(kwargs.get("StackId") or "")
        if stack_id:
            system_tags = {
                "stack-name": stack_name_from_id(stack_id),
                "stack-id": stack_id,
                "logical-id": logical_id,
            }
            backend.add_service_tags(
                "Association", association_id, {SYSTEM_TAG_PREFIX + key: value for key, value in system_tags.items()}
            )
        return cls(account_id, region_name, association_id, logical_id, stack_id, properties)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: AssociationResource,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> AssociationResource:
        original = original_resource
        logical_id = original.logical_id
        properties = checked_properties(logical_id, cloudformation_json.get("Properties"))
        if properties == original.properties:
            return original  # nothing CloudFormation would change
        if any(properties.get(key) != original.properties.get(key) for key in CREATE_ONLY_PROPERTIES):
            # Replacement: the new association first, then the old one goes.
            replacement = cls.create_from_cloudformation_json(
                new_resource_name,
                cloudformation_json,
                account_id,
                region_name,
                LogicalId=logical_id,
                StackId=original.stack_id,
            )
            original.delete(account_id, region_name)
            return replacement
        backend = original.backend
        request = update_request(original.association_id, properties)
        new_tags = properties.get("Tags") or []
        try:
            validate_request("UpdateAssociation", request)
            if new_tags != (original.properties.get("Tags") or []):
                validate_request("CreateAssociation", {"Name": properties["Name"], "Tags": new_tags})
            # The settings and the tags change together, or neither.
            backend.update_association(request, tags=new_tags)
        except SSMAssociationError as error:
            raise ResourceFailed(logical_id, handler_failure_reason(error)) from error
        original.properties = properties
        return original

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        _delete_association(association_backends[account_id][region_name], resource_name, resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        _delete_association(self.backend, self.association_id, self.logical_id)


def _delete_association(backend: SSMAssociationBackend, association_id: str, logical_id: str) -> None:
    """Delete; an association already gone counts as deleted, as CloudFormation treats NotFound."""
    try:
        backend.delete_association(association_id, None, None)
    except SSMAssociationError as error:
        if error.code != "AssociationDoesNotExist":
            raise ResourceFailed(logical_id, handler_failure_reason(error)) from error


# --- failures: what CloudFormation does when a resource fails ----------------------------------

# OnFailure of the create_stack request being served (moto's backend does not see it).
_on_failure: contextvars.ContextVar[str] = contextvars.ContextVar("ssm_assoc_mock_on_failure", default="ROLLBACK")


def _event_class() -> Any:
    """moto's stack event class: ``Event`` in newer moto (5.1.22, 5.2), ``FakeEvent`` (same arguments) in 5.0."""
    from moto.cloudformation import models

    return vars(models).get("Event") or vars(models)["FakeEvent"]


def _add_event(stack: Any, logical_id: str, physical_id: str, status: str, reason: str | None) -> None:
    Event = _event_class()
    resource_json = stack.template_dict.get("Resources", {}).get(logical_id, {}) if stack.template_dict else {}
    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=resource_json.get("Type", RESOURCE_TYPE),
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _forget_resources(stack: Any) -> None:
    """A failed stack keeps the resources that exist (none after a rollback) and has no outputs.

    moto creates a template's resources lazily, on first access: without this, listing the
    stack's resources or describing its outputs would try to create the failed one again.
    """
    resource_map = stack.resource_map
    resource_map._resource_json_map = {
        logical_id: resource_json
        for logical_id, resource_json in resource_map._resource_json_map.items()
        if logical_id in resource_map._parsed_resources
    }
    stack.output_map._output_json_map = {}
    stack.output_map._parsed_outputs = {}


def fail_creation(backend: Any, stack: Any, failure: ResourceFailed, on_failure: str) -> None:
    """What CloudFormation does when a resource fails to create: events, rollback, final status."""
    _add_event(stack, failure.logical_id, "", "CREATE_IN_PROGRESS", None)
    _add_event(stack, failure.logical_id, "", "CREATE_FAILED", failure.reason)
    summary = f"The following resource(s) failed to create: [{failure.logical_id}]. "
    if on_failure == "DO_NOTHING":
        stack.status = "CREATE_FAILED"
        stack.status_reason = summary
        stack._add_stack_event("CREATE_FAILED", resource_status_reason=summary)
        _forget_resources(stack)
        return
    stack.status = "ROLLBACK_IN_PROGRESS"
    stack.status_reason = summary + (
        "Delete requested by user." if on_failure == "DELETE" else "Rollback requested by user."
    )
    stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=stack.status_reason)
    try:
        stack.resource_map.delete()
    except Exception as error:  # any resource may fail to delete
        stack.status = "ROLLBACK_FAILED"
        stack._add_stack_event("ROLLBACK_FAILED", resource_status_reason=str(error))
        return
    _add_event(stack, failure.logical_id, "", "DELETE_COMPLETE", None)
    _forget_resources(stack)
    stack.status = "ROLLBACK_COMPLETE"
    stack._add_stack_event("ROLLBACK_COMPLETE")
    if on_failure == "DELETE":
        backend.delete_stack(stack.stack_id)


def fail_update(stack: Any, failure: ResourceFailed, previous: dict[str, Any]) -> None:
    """What CloudFormation does when a resource fails to update: events, roll back to the previous template."""
    _add_event(stack, failure.logical_id, "", "UPDATE_FAILED", failure.reason)
    reason = f"The following resource(s) failed to update: [{failure.logical_id}]. "
    stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
    stack.status_reason = reason
    stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=reason)
    _forget_uncreated_additions(stack.resource_map, previous["template_dict"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Unable to delete X, as it was never created"
            stack.resource_map.update(previous["template_dict"], previous["parameters"])
    except Exception as error:  # any resource may fail to roll back
        stack.status = "UPDATE_ROLLBACK_FAILED"
        stack._add_stack_event("UPDATE_ROLLBACK_FAILED", resource_status_reason=str(error))
        return
    stack.template = previous["template"]
    stack.template_dict = previous["template_dict"]
    stack.parameters = previous["parameters"]
    stack.output_map = stack._create_output_map()
    stack.status = "UPDATE_ROLLBACK_COMPLETE"
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")


def _forget_uncreated_additions(resource_map: Any, previous_template: Mapping[str, Any] | None) -> None:
    """Keep a rollback from deleting resources the failed update added but never created.

    newer moto (5.1.22, 5.2) skips those with a warning; moto 5.0 looks each one up and fails with a
    KeyError, leaving the stack UPDATE_ROLLBACK_FAILED.
    """
    previous_resources = (previous_template or {}).get("Resources") or {}
    resource_map._resource_json_map = {
        logical_id: resource_json
        for logical_id, resource_json in resource_map._resource_json_map.items()
        if logical_id in resource_map._parsed_resources or logical_id in previous_resources
    }


def _snapshot(stack: Any) -> dict[str, Any]:
    import copy

    return {
        "template": stack.template,
        "template_dict": copy.deepcopy(stack.template_dict),
        "parameters": dict(stack.resource_map.input_parameters or {}),
    }


def _find_stack(backend: Any, name_or_id: str) -> Any:
    for stack in backend.stacks.values():
        if name_or_id in (stack.name, stack.stack_id):
            return stack
    return None


def _wrap_create_stack(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_stack(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(self, name, *args, **kwargs)
        except ResourceFailed as failure:
            stack = _find_stack(self, name)
            if stack is None:
                raise
            fail_creation(self, stack, failure, _on_failure.get())
            return stack

    return create_stack


def _wrap_update_stack(original: Callable[..., Any]) -> Callable[..., Any]:
    def update_stack(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        stack = self.get_stack(name)
        previous = _snapshot(stack)
        try:
            return original(self, name, *args, **kwargs)
        except ResourceFailed as failure:
            fail_update(stack, failure, previous)
            return stack

    return update_stack


def _wrap_execute_change_set(original: Callable[..., Any]) -> Callable[..., Any]:
    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> Any:
        change_set = self.change_sets.get(change_set_name) or next(
            (cs for cs in self.change_sets.values() if cs.change_set_name == change_set_name), None
        )
        stack = self.stacks.get(change_set.stack_id) if change_set is not None else None
        previous = _snapshot(stack) if stack is not None else None
        try:
            return original(self, change_set_name, stack_name)
        except ResourceFailed as failure:
            if change_set is None or stack is None or previous is None:
                raise
            change_set.execution_status = "EXECUTE_FAILED"
            if change_set.change_set_type == "CREATE":
                fail_creation(self, stack, failure, "ROLLBACK")
            else:
                fail_update(stack, failure, previous)
            return None

    return execute_change_set


def _wrap_create_stack_response(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_stack(self: Any) -> Any:
        on_failure = self._get_param("OnFailure")
        if on_failure is None:
            on_failure = "DO_NOTHING" if self._get_bool_param("DisableRollback", False) else "ROLLBACK"
        token = _on_failure.set(str(on_failure))
        try:
            return original(self)
        finally:
            _on_failure.reset(token)

    return create_stack


# --- install / uninstall --------------------------------------------------------------------


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.registered = False
        self.patched: list[tuple[Any, str, Any, Any]] = []  # (class or module, attribute, original, replacement)


_state = _State()


def _moto_cloudformation() -> tuple[type, type] | None:
    """moto's CloudFormation backend and response classes, or None without ``moto[cloudformation]``."""
    try:
        from moto.cloudformation.models import CloudFormationBackend
        from moto.cloudformation.responses import CloudFormationResponse
    except ImportError:
        return None
    return CloudFormationBackend, CloudFormationResponse


def _native_model_exists() -> bool:
    """A moto that models AWS::SSM::Association itself wins, as native SSM actions do in hook.py."""
    return any(
        model is not AssociationResource and model.cloudformation_type() == RESOURCE_TYPE
        for model in CloudFormationModel.__subclasses__()
    )


def _clear_moto_caches() -> None:
    import sys

    parsing = sys.modules.get("moto.cloudformation.parsing")
    for name in ("get_model_list", "get_model_map", "get_name_type_map"):
        cached = getattr(parsing, name, None)
        if cached is not None and hasattr(cached, "cache_clear"):
            cached.cache_clear()


# What moto 5.0 leaves out of its DescribeStacks XML: the reason a failure set on the stack.
_DESCRIBE_STACKS_TEMPLATE = "DESCRIBE_STACKS_TEMPLATE"  # in moto.cloudformation.responses (moto 5.0)
_STACK_STATUS = "<StackStatus>{{ stack.status }}</StackStatus>"
_STACK_STATUS_REASON = (
    "{% if stack.status_reason %}<StackStatusReason>{{ stack.status_reason | e }}</StackStatusReason>{% endif %}"
)


def _show_stack_status_reason() -> None:
    """Add ``StackStatusReason`` to a DescribeStacks template that lacks it (moto 5.0).

    newer moto (5.1.22, 5.2) serialises the stack's ``status_reason`` itself and has no such
    template. moto looks the template up in its module at each request, so this is undone
    by putting the original back. Called with ``_state.lock`` held.
    """
    from moto.cloudformation import responses

    template = getattr(responses, _DESCRIBE_STACKS_TEMPLATE, None)
    if not isinstance(template, str) or "StackStatusReason" in template or _STACK_STATUS not in template:
        return
    patched = template.replace(_STACK_STATUS, _STACK_STATUS + _STACK_STATUS_REASON, 1)
    setattr(responses, _DESCRIBE_STACKS_TEMPLATE, patched)
    _state.patched.append((responses, _DESCRIBE_STACKS_TEMPLATE, template, patched))


def install() -> bool:
    """Register ``AWS::SSM::Association`` with moto's CloudFormation; idempotent. True if registered."""
    with _state.lock:
        if _state.registered:
            return True
        classes = _moto_cloudformation()
        if classes is None or _native_model_exists():
            return False
        backend_class, response_class = classes
        wrappers = (
            (backend_class, "create_stack", _wrap_create_stack),
            (backend_class, "update_stack", _wrap_update_stack),
            (backend_class, "execute_change_set", _wrap_execute_change_set),
            (response_class, "create_stack", _wrap_create_stack_response),
        )
        for owner, attribute, wrap in wrappers:
            original = vars(owner)[attribute]
            wrapper = wrap(original)
            wrapper.__name__ = attribute
            wrapper.__qualname__ = f"ssm_assoc_mock.{owner.__name__}.{attribute}"
            setattr(owner, attribute, wrapper)
            _state.patched.append((owner, attribute, original, wrapper))
        _show_stack_status_reason()
        _state.registered = True
        _clear_moto_caches()
        return True


def uninstall() -> None:
    """Undo ``install``: moto skips ``AWS::SSM::Association`` again and its backend is as it was."""
    with _state.lock:
        for owner, attribute, original, wrapper in reversed(_state.patched):
            if vars(owner).get(attribute) is wrapper:
                setattr(owner, attribute, original)
        _state.patched.clear()
        _state.registered = False
        _clear_moto_caches()


def is_registered() -> bool:
    return _state.registered
