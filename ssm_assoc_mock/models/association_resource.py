"""``AWS::SSM::Association``: an association as a CloudFormation resource, for moto's CloudFormation.

moto deploys a template by looking each resource type up among the subclasses of its
``CloudFormationModel``; defining ``AssociationResource`` makes ``AWS::SSM::Association``
known once ``cloudformation.install`` enables it. ``create_stack``, ``update_stack``,
``delete_stack`` and change sets then create, update and delete associations through the
backend's public methods, so everything the API checks is checked for a template too.

Properties are checked first, as CloudFormation checks them against the resource's registry
schema (unknown keys, ``Name`` missing, wrong types) before calling SSM. The schema's
properties are CreateAssociation's members, less those it does not have, plus
``WaitForSuccessTimeoutSeconds``; their types are read from botocore's model. Only
``InstanceId`` is create-only (a change replaces the association); any other change is an
``UpdateAssociation`` that writes a new association version. ``WaitForSuccessTimeoutSeconds``
waits for the association to run successfully; under the mock creation just succeeds.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from botocore.model import Shape
from moto.core.common_models import CloudFormationModel
from moto.moto_api._internal import mock_random

from ..exceptions import SSMAssociationError
from ..validation import operation_model, validate_request
from . import SSMAssociationBackend, association_backends
from .associations import SETTING_MEMBERS

RESOURCE_TYPE = "AWS::SSM::Association"
# What cloudformation_type() answers while not enabled: no template can use it.
_DISABLED_TYPE = "SSMAssocMock::Disabled::Association"
ATTRIBUTES = ("AssociationId",)

# CreateAssociation members the registry schema has no property for (additionalProperties is false).
NOT_IN_SCHEMA = ("TargetLocations", "Duration", "TargetMaps", "AlarmConfiguration")
# Properties CloudFormation reads itself, by type; they are not sent to SSM.
CFN_ONLY_PROPERTIES = {"WaitForSuccessTimeoutSeconds": "integer"}
# Their ranges, from the registry schema (botocore's model does not have them).
CFN_ONLY_RANGES = {"WaitForSuccessTimeoutSeconds": (15, 172800)}
CREATE_ONLY_PROPERTIES = ("InstanceId",)  # a change means replacement
# Structure members the registry schema requires where botocore's model leaves them optional.
SCHEMA_REQUIRED = {"Target": ("Key", "Values")}
SYSTEM_TAG_PREFIX = "aws:cloudformation:"

# CloudFormation's handler error code for an SSM error code; InvalidRequest otherwise.
HANDLER_ERROR_CODES = {
    "AssociationAlreadyExists": "AlreadyExists",
    "AssociationDoesNotExist": "NotFound",
    "AssociationLimitExceeded": "ServiceLimitExceeded",
    "AssociationVersionLimitExceeded": "ServiceLimitExceeded",
    "InternalServerError": "InternalFailure",
}
_JSON_TYPES = {"string": "String", "boolean": "Boolean", "integer": "Integer", "long": "Integer"}


class ResourceFailed(Exception):
    """A resource of a stack failed; the stack operation fails with ``reason``."""

    def __init__(self, logical_id: str, reason: str) -> None:
        super().__init__(f"{logical_id}: {reason}")
        self.logical_id = logical_id
        self.reason = reason


def handler_failure_reason(error: SSMAssociationError) -> str:
    """The ``ResourceStatusReason`` CloudFormation writes when SSM rejects a call."""
    return handler_reason(error.code, error.message, error.status_code)


def handler_reason(code: str, message: str, status_code: int) -> str:
    """The ``ResourceStatusReason`` for SSM's error ``code`` with ``message`` and HTTP ``status_code``."""
    handler_code = HANDLER_ERROR_CODES.get(code, "InvalidRequest")
    return (
        f'Resource handler returned message: "{message} (Service: Ssm, Status Code: {status_code}, '
        f'Error Code: {code}, Request ID: {mock_random.uuid4()})" '
        f"(RequestToken: {mock_random.uuid4()}, HandlerErrorCode: {handler_code})"
    )


# --- properties -------------------------------------------------------------------------


def property_shapes() -> dict[str, Shape]:
    """The schema's properties that SSM reads, each with its CreateAssociation member's shape."""
    members = operation_model("CreateAssociation").input_shape.members
    names = (*SETTING_MEMBERS, "InstanceId", "Tags")
    return {name: members[name] for name in names if name not in NOT_IN_SCHEMA}


class _PropertyChecker:
    """Checks and normalises template properties against the schema, as CloudFormation does.

    CloudFormation converts scalars between the schema's primitive types (a ``Number``
    parameter into a string property, ``"true"`` into a boolean); anything else is a
    schema violation reported as ``#/Path: ...``.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []

    def properties(self, value: Any) -> dict[str, Any]:
        shapes: dict[str, Shape | str] = {**property_shapes(), **CFN_ONLY_PROPERTIES}
        required = tuple(operation_model("CreateAssociation").input_shape.required_members)
        result = self.structure(value, "#", shapes, required) or {}
        for key, (minimum, maximum) in CFN_ONLY_RANGES.items():
            number = result.get(key)
            if number is None:
                continue
            # The schema validator's wording (everit), as CloudFormation reports it.
            if number < minimum:
                self.errors.append(f"#/{key}: {number} is not greater or equal to {minimum}")
            elif number > maximum:
                self.errors.append(f"#/{key}: {number} is not less or equal to {maximum}")
        return result

    def check(self, value: Any, shape: Shape | str, path: str) -> Any:
        """``value`` as the type of ``shape`` (a model shape, or a scalar type name); None if it is not one."""
        kind = shape if isinstance(shape, str) else shape.type_name
        if kind in _JSON_TYPES:
            return self.scalar(kind, value, path)
        assert isinstance(shape, Shape)
        if kind == "list":
            if not isinstance(value, list):
                self.wrong_type(path, "JSONArray", value)
                return None
            items = [self.check(item, shape.member, f"{path}/{index}") for index, item in enumerate(value)]
            return [item for item in items if item is not None]
        if kind == "map":
            if not isinstance(value, dict):
                self.wrong_type(path, "JSONObject", value)
                return None
            entries = {str(key): self.check(item, shape.value, f"{path}/{key}") for key, item in value.items()}
            return {key: item for key, item in entries.items() if item is not None}
        members = shape.members
        required = SCHEMA_REQUIRED.get(shape.name, tuple(shape.required_members))
        return self.structure(value, path, members, required)

    def structure(
        self, value: Any, path: str, members: Mapping[str, Shape | str], required: tuple[str, ...]
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
            checked = self.check(item, members[key], f"{path}/{key}")
            if checked is not None:
                result[key] = checked
        return result

    def scalar(self, kind: str, value: Any, path: str) -> Any:
        if kind == "string":
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, (str, int, float)):
                return str(value)
        elif kind == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
        elif isinstance(value, int) and not isinstance(value, bool):
            return value
        elif isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
            return int(value)
        self.wrong_type(path, _JSON_TYPES[kind], value)
        return None

    def wrong_type(self, path: str, expected: str, value: Any) -> None:
        """Record a type error; the caller drops the value."""
        self.errors.append(f"{path}: expected type: {expected}, found: {json_type(value)}")


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
    members = operation_model("UpdateAssociation").input_shape.members
    request = {key: value for key, value in properties.items() if key in members}
    request["AssociationId"] = association_id
    return request


def stack_tags(account_id: str, region_name: str, stack_id: str) -> dict[str, str]:
    """The tags of the stack (``create_stack(Tags=...)``); moto passes resources only the StackId."""
    if not stack_id:
        return {}
    from moto.cloudformation.models import cloudformation_backends

    stack = cloudformation_backends[account_id][region_name].stacks.get(stack_id)
    return dict(getattr(stack, "tags", None) or {})


def effective_tags(stack: Mapping[str, str], properties: Mapping[str, Any]) -> list[dict[str, str]]:
    """The stack's tags with the resource's own ``Tags``, which win on a key both have, as in CloudFormation."""
    merged = {**stack, **{tag["Key"]: tag["Value"] for tag in properties.get("Tags") or []}}
    return [{"Key": key, "Value": value} for key, value in merged.items()]


def stack_name_from_id(stack_id: str) -> str:
    """``arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`` -> ``<name>``."""
    parts = stack_id.split("/")
    return parts[1] if len(parts) >= 3 else stack_id


# --- the resource -------------------------------------------------------------------------


class AssociationResource(CloudFormationModel):
    """One ``AWS::SSM::Association`` of a stack; its physical id is the AssociationId."""

    # Set by cloudformation.install(): until then moto's CloudFormation does not deploy the type.
    enabled = False

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
        self.tags: list[dict[str, str]] = []  # the stack's and its own, as last applied

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""  # AssociationName is a setting, not the physical id

    @staticmethod
    def cloudformation_type() -> str:
        return RESOURCE_TYPE if AssociationResource.enabled else _DISABLED_TYPE

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
        backend = _backend(account_id, region_name)
        stack_id = str(kwargs.get("StackId") or "")
        tags = effective_tags(stack_tags(account_id, region_name, stack_id), properties)
        request = create_request(properties)
        if tags:
            request["Tags"] = tags
        try:
            validate_request("CreateAssociation", request)
            description = backend.create_association(request)
        except SSMAssociationError as error:
            raise ResourceFailed(logical_id, handler_failure_reason(error)) from error
        association_id = str(description["AssociationId"])
        if stack_id:
            system_tags = {"stack-name": stack_name_from_id(stack_id), "stack-id": stack_id, "logical-id": logical_id}
            backend.add_service_tags(
                "Association", association_id, {SYSTEM_TAG_PREFIX + key: value for key, value in system_tags.items()}
            )
        resource = cls(account_id, region_name, association_id, logical_id, stack_id, properties)
        resource.tags = tags
        return resource

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
        new_tags = effective_tags(stack_tags(account_id, region_name, original.stack_id), properties)
        if properties == original.properties:
            original.apply_tags(new_tags)  # only the stack's tags may have changed
            return original
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
        request = update_request(original.association_id, properties)
        try:
            validate_request("UpdateAssociation", request)
            if new_tags != original.tags:
                validate_request("CreateAssociation", {"Name": properties["Name"], "Tags": new_tags})
            # The settings and the tags change together, or neither.
            _backend(original.account_id, original.region_name).update_association(request, tags=new_tags)
        except SSMAssociationError as error:
            raise ResourceFailed(logical_id, handler_failure_reason(error)) from error
        original.properties = properties
        original.tags = new_tags
        return original

    def apply_stack_tags(self) -> None:
        """Tag the association with its stack's current tags (and its own), as a stack update does."""
        self.apply_tags(effective_tags(stack_tags(self.account_id, self.region_name, self.stack_id), self.properties))

    def apply_tags(self, tags: list[dict[str, str]]) -> None:
        """Replace the association's tags with ``tags`` (CloudFormation's own stay) if they differ."""
        if tags == self.tags:
            return
        try:
            validate_request("CreateAssociation", {"Name": self.properties["Name"], "Tags": tags})
            _backend(self.account_id, self.region_name).replace_tags("Association", self.association_id, tags)
        except SSMAssociationError as error:
            raise ResourceFailed(self.logical_id, handler_failure_reason(error)) from error
        self.tags = tags

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        _delete_association(account_id, region_name, resource_name, resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        _delete_association(self.account_id, self.region_name, self.association_id, self.logical_id)


def _backend(account_id: str, region_name: str) -> SSMAssociationBackend:
    return association_backends[account_id][region_name]


def _delete_association(account_id: str, region_name: str, association_id: str, logical_id: str) -> None:
    """Delete; an association already gone counts as deleted, as CloudFormation treats NotFound."""
    try:
        _backend(account_id, region_name).delete_association(association_id, None, None)
    except SSMAssociationError as error:
        if error.code != "AssociationDoesNotExist":
            raise ResourceFailed(logical_id, handler_failure_reason(error)) from error
