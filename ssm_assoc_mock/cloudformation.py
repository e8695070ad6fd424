"""What CloudFormation does and moto's does not, around ``AWS::SSM::Association``.

The resource itself is ``models/association_resource.py``. This module enables it in moto's
CloudFormation and adds, reversibly (like hook.py), two things around moto's CloudFormation
backend:

- **Rollback emulation.** moto lets a failing resource's exception escape ``create_stack``,
  ``update_stack`` and ``execute_change_set``, so a template with a bad association would be a
  500, not a failed stack. Here a resource that fails leaves the stack ``ROLLBACK_COMPLETE``
  (or ``CREATE_FAILED`` with ``OnFailure=DO_NOTHING`` / ``DisableRollback``),
  ``UPDATE_ROLLBACK_COMPLETE`` after a failed update, with ``CREATE_FAILED`` /
  ``UPDATE_FAILED`` stack events whose ``ResourceStatusReason`` names the SSM error.
- **moto-version shims.** moto 5.0 differs from 5.1.22 and 5.2 where the emulation touches
  it: the stack event class's name, rolling back resources an update never created, and a
  DescribeStacks template without ``StackStatusReason``. Each shim says which.

moto's CloudFormation needs ``moto[cloudformation]``; without it this module still imports,
and there is nothing to register with.
"""

from __future__ import annotations

import contextvars
import threading
import warnings
from typing import Any, Callable, Mapping

from moto.core.common_models import CloudFormationModel

from .models.association_resource import RESOURCE_TYPE, AssociationResource, ResourceFailed
from .models.document_resource import RESOURCE_TYPE as DOCUMENT_TYPE
from .models.document_resource import DocumentResource, document_properties, failed_with

__all__ = ["RESOURCE_TYPE", "AssociationResource", "install", "is_registered", "uninstall"]


# --- rollback emulation: what CloudFormation does when a resource fails ------------------------

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
    stack.tags = previous["tags"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Unable to delete X, as it was never created"
            stack.resource_map.update(previous["template_dict"], previous["parameters"])
        retag_associations(stack)
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
        "tags": dict(stack.tags or {}),
    }


def retag_associations(stack: Any) -> None:
    """Give each association of the stack the stack's current tags.

    CloudFormation propagates a stack's tags to its taggable resources on every update; moto
    updates only the resources whose template changed, and sets the stack's tags afterwards.
    """
    for resource in list(stack.resource_map._parsed_resources.values()):
        if isinstance(resource, AssociationResource):
            resource.apply_stack_tags()


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
        tags = kwargs["tags"] if "tags" in kwargs else (args[3] if len(args) > 3 else None)
        if tags is not None:  # None: the request gave no Tags, and the stack keeps its own
            stack.tags = dict(tags)  # before its resources update, so they see the new ones
        try:
            updated = original(self, name, *args, **kwargs)
            retag_associations(stack)
            return updated
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


# --- AWS::SSM::Document: CloudFormation's defaults in front of moto's model ----------------


def _wrap_document_create(original: Any) -> Any:
    """moto's ``Document.create_from_cloudformation_json`` (a classmethod), given the properties as
    CreateDocument takes them, and failing the stack (not the request) when SSM rejects them."""
    create = original.__func__

    def create_from_cloudformation_json(
        cls: Any, /, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> Any:
        properties = document_properties(cloudformation_json.get("Properties"))
        try:
            return create(
                cls, resource_name, {**cloudformation_json, "Properties": properties}, account_id, region_name, **kwargs
            )
        except Exception as error:
            failure = failed_with(str(kwargs.get("LogicalId") or resource_name), error)
            if failure is None:
                raise
            raise failure from error

    return classmethod(create_from_cloudformation_json)


def _install_documents() -> None:
    """Wrap moto's AWS::SSM::Document model, or enable ours where moto has none (moto 5.0). ``_state.lock`` held."""
    native = next(
        (
            model
            for model in CloudFormationModel.__subclasses__()
            if model is not DocumentResource and model.cloudformation_type() == DOCUMENT_TYPE
        ),
        None,
    )
    if native is None:
        DocumentResource.enabled = True
        return
    attribute = "create_from_cloudformation_json"
    original = vars(native).get(attribute)
    if isinstance(original, classmethod):
        wrapper = _wrap_document_create(original)
        setattr(native, attribute, wrapper)
        _state.patched.append((native, attribute, original, wrapper))


# --- install / uninstall --------------------------------------------------------------------


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
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
        if AssociationResource.enabled:
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
        _install_documents()
        AssociationResource.enabled = True
        _clear_moto_caches()
        return True


def uninstall() -> None:
    """Undo ``install``: moto skips ``AWS::SSM::Association`` again and its backend is as it was."""
    with _state.lock:
        for owner, attribute, original, wrapper in reversed(_state.patched):
            if vars(owner).get(attribute) is wrapper:
                setattr(owner, attribute, original)
        _state.patched.clear()
        AssociationResource.enabled = False
        DocumentResource.enabled = False
        _clear_moto_caches()


def is_registered() -> bool:
    return AssociationResource.enabled
