"""Seed files: documents, managed instances and associations to load into a server.

A seed is a JSON (or YAML) object. Its top level is a *scope* (one account and region);
``scopes`` adds more::

    {
      "account": "123456789012",          # default: MOTO_ACCOUNT_ID or moto's default
      "region": "us-east-1",              # default: us-east-1
      "documents": [{"Name": "Custom-Doc", "Content": {...}, "DocumentType": "Command"}],
      "managed_instances": [{"InstanceId": "i-1234567890abcdef0", "Tags": {"Env": "prod"},
                             "PlatformType": "Linux"}],
      "associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": "i-1234567890abcdef0"}],
      "scopes": [{"account": "210987654321", "region": "eu-west-1", "associations": [...]}]
    }

Entries use AWS's member names: a document is a ``CreateDocument`` request (``Content``
may be an object, written as JSON or YAML per ``DocumentFormat``), an association a
``CreateAssociation`` request. Both are checked against botocore's model first, so a bad
entry reads like the API error it would cause. An association may also list ``Runs``, each
``{"Status": "Success", "InstanceStatuses": {...}, "DetailedStatus": ..., "Output": ...,
"ErrorOutput": ...}`` (all optional), run after it is created as ``simulate_run`` runs it.
Keys starting with ``_`` are comments.
Within a scope, documents load first, then managed instances, then associations; scopes
load in order. Every error names the entry: ``scopes[0].associations[1]
(AWS-UpdateSSMAgent on i-1234567890abcdef0): InvalidInstanceId: ...``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import yaml
from moto.ssm.models import ssm_backends

from .exceptions import SSMAssociationError
from .models import association_backends, default_account_id
from .targets import ManagedInstance
from .validation import operation_model, validate_request

DEFAULT_REGION = "us-east-1"
SCOPE_KEYS = ("account", "region", "documents", "managed_instances", "associations")
TOP_LEVEL_KEYS = (*SCOPE_KEYS, "scopes")
MANAGED_INSTANCE_KEYS = ("InstanceId", "Tags", "PlatformType", "PlatformName", "PlatformVersion", "ComputerName")
RUNS_KEY = "Runs"  # beside the CreateAssociation members of an association entry
RUN_KEYS = ("Status", "InstanceStatuses", "DetailedStatus", "Output", "ErrorOutput")
_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2,}(-[a-z0-9]+)+-\d+")

# The example seed (examples/seed.json holds the same): the AWS CLI reference example's
# instance, registered as a managed node, and its legacy association with AWS-UpdateSSMAgent,
# which has run once successfully (the documented output shows that run).
EXAMPLE_SEED: dict[str, Any] = {
    "region": "us-east-1",
    "managed_instances": [{"InstanceId": "i-1234567890abcdef0", "PlatformType": "Linux", "Tags": {"Name": "demo"}}],
    "associations": [
        {"Name": "AWS-UpdateSSMAgent", "InstanceId": "i-1234567890abcdef0", RUNS_KEY: [{"Status": "Success"}]}
    ],
}


class SeedError(ValueError):
    """A seed file that cannot be loaded; the message names the entry and the reason."""

    def __init__(self, entry: str, reason: str, source: str | None = None) -> None:
        self.entry = entry
        self.reason = reason
        self.source = source
        where = f"{source}: {entry}" if source else entry
        super().__init__(f"{where}: {reason}")


@dataclass
class SeedReport:
    """What a seed created, per ``account/region``."""

    documents: list[str] = field(default_factory=list)
    managed_instances: list[str] = field(default_factory=list)
    associations: list[dict[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{_count(self.documents, 'document')}, {_count(self.managed_instances, 'managed instance')}, "
            f"{_count(self.associations, 'association')}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "Documents": list(self.documents),
            "ManagedInstances": list(self.managed_instances),
            "Associations": [dict(item) for item in self.associations],
        }


def _count(items: Sequence[Any], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


# --- reading -------------------------------------------------------------------------


def parse_seed_text(text: str, source: str = "seed", yaml_syntax: bool | None = None) -> dict[str, Any]:
    """Decode a seed: JSON, or YAML when ``yaml_syntax`` (None: JSON, then YAML if that fails)."""
    data: Any
    if not yaml_syntax:
        try:
            data = json.loads(text)
        except ValueError as error:
            if yaml_syntax is False:
                raise SeedError("file", f"not valid JSON: {error}", source) from None
            data = _load_yaml(text, source)
    else:
        data = _load_yaml(text, source)
    if not isinstance(data, dict):
        raise SeedError("file", f"the top level must be an object, not {_type_name(data)}", source)
    return data


def _load_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SeedError("file", f"not valid JSON or YAML: {error}", source) from None


def read_seed_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a seed file; ``.yaml``/``.yml`` are YAML, ``.json`` JSON, anything else either."""
    file = Path(path)
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SeedError("file", f"cannot be read: {error}", str(path)) from None
    suffix = file.suffix.lower()
    yaml_syntax = True if suffix in (".yaml", ".yml") else False if suffix == ".json" else None
    return parse_seed_text(text, str(path), yaml_syntax)


def load_seed_file(path: str | os.PathLike[str]) -> SeedReport:
    """Read and load a seed file (see ``load_seed``)."""
    return load_seed(read_seed_file(path), source=str(path))


# --- checking and loading ----------------------------------------------------------------


@dataclass
class _Scope:
    label: str
    account: str
    region: str
    data: Mapping[str, Any]


def load_seed(seed: Mapping[str, Any], *, source: str | None = None) -> SeedReport:
    """Create what ``seed`` declares in moto's backends, all or nothing.

    Every entry's shape is checked before anything is created, so a seed with a typo or a
    bad value creates nothing. A semantic error (an unknown document, say) found while
    creating stops the load and undoes what it had created, so a seed posted to a running
    server leaves it as it was. The association backends of the seed's scopes are locked
    for the whole load: a concurrent request waits rather than seeing half a seed.
    """
    scopes = _scopes(seed, source)
    for scope in scopes:
        _check_scope(scope, source)
    report = SeedReport()
    backends = [
        association_backends[account][region] for account, region in sorted({(s.account, s.region) for s in scopes})
    ]
    with contextlib.ExitStack() as locks:
        for backend in backends:  # in a fixed order, so two loads cannot deadlock
            locks.enter_context(backend.lock)
        saved = [(backend, _backend_state(backend)) for backend in backends]
        created_documents: list[tuple[Any, str]] = []
        try:
            for scope in scopes:
                _load_scope(scope, report, source, created_documents)
        except BaseException:
            for backend, state in saved:
                _restore_backend_state(backend, state)
            for documents, name in created_documents:
                documents._documents.pop(name, None)
                documents._resource_tags.get("Document", {}).pop(name, None)
            raise
    return report


def _backend_state(backend: Any) -> dict[str, Any]:
    """A copy of an association backend's state (everything but its lock), to put back on failure."""
    return {name: copy.deepcopy(value) for name, value in vars(backend).items() if name != "lock"}


def _restore_backend_state(backend: Any, state: Mapping[str, Any]) -> None:
    for name in [name for name in vars(backend) if name != "lock" and name not in state]:
        delattr(backend, name)
    vars(backend).update(state)


def _scopes(seed: Mapping[str, Any], source: str | None) -> list[_Scope]:
    if not isinstance(seed, Mapping):
        raise SeedError("file", f"the top level must be an object, not {_type_name(seed)}", source)
    _reject_unknown_keys(seed, TOP_LEVEL_KEYS, "top level", source)
    account = _account(seed.get("account", default_account_id()), "top level", source)
    region = _region(seed.get("region", DEFAULT_REGION), "top level", source)
    scopes = [_Scope("", account, region, seed)]
    for label, item in _objects(seed.get("scopes", []), "scopes", source):
        _reject_unknown_keys(item, SCOPE_KEYS, label, source)
        scope_account = _account(item.get("account", account), label, source)
        scope_region = _region(item.get("region", region), label, source)
        scopes.append(_Scope(f"{label} ({scope_account}/{scope_region})", scope_account, scope_region, item))
    return scopes


def _reject_unknown_keys(item: Mapping[str, Any], allowed: Sequence[str], label: str, source: str | None) -> None:
    unknown = [key for key in item if not (isinstance(key, str) and key.startswith("_")) and key not in allowed]
    if unknown:
        raise SeedError(
            label, f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(allowed)}", source
        )  # fmt: skip


def _account(value: Any, label: str, source: str | None) -> str:
    if not isinstance(value, str) or not _ACCOUNT.fullmatch(value):
        raise SeedError(label, f"account must be a 12-digit string such as '123456789012', not {value!r}", source)
    return value


def _region(value: Any, label: str, source: str | None) -> str:
    if not isinstance(value, str) or not _REGION.fullmatch(value):
        raise SeedError(label, f"region must be a region name such as 'us-east-1', not {value!r}", source)
    return value


def _entries(scope: _Scope, key: str, source: str | None) -> list[tuple[str, Mapping[str, Any]]]:
    items = scope.data.get(key, [])
    prefix = f"{scope.label}.{key}" if scope.label else key
    return [(f"{label}{_describe_entry(key, item)}", item) for label, item in _objects(items, prefix, source)]


def _objects(items: Any, prefix: str, source: str | None) -> list[tuple[str, Mapping[str, Any]]]:
    """A seed list whose members must all be objects, each with its label (``prefix[index]``)."""
    if not isinstance(items, list):
        raise SeedError(prefix, f"must be a list of objects, not {_type_name(items)}", source)
    labelled: list[tuple[str, Mapping[str, Any]]] = []
    for index, item in enumerate(items):
        label = f"{prefix}[{index}]"
        if not isinstance(item, Mapping):
            raise SeedError(label, f"must be an object, not {_type_name(item)}", source)
        labelled.append((label, item))
    return labelled


def _describe_entry(key: str, item: Mapping[str, Any]) -> str:
    if key == "managed_instances":
        return f" ({item['InstanceId']})" if isinstance(item.get("InstanceId"), str) else ""
    name = item.get("Name")
    if not isinstance(name, str):
        return ""
    if key == "associations" and isinstance(item.get("InstanceId"), str):
        return f" ({name} on {item['InstanceId']})"
    if key == "associations" and isinstance(item.get("AssociationName"), str):
        return f" ({name}, {item['AssociationName']})"
    return f" ({name})"


def _check_scope(scope: _Scope, source: str | None) -> None:
    for label, item in _entries(scope, "documents", source):
        _guard(label, source, _check_document, item)
        _reject_unknown_keys(item, _members("CreateDocument"), label, source)
    for label, item in _entries(scope, "managed_instances", source):
        _reject_unknown_keys(item, MANAGED_INSTANCE_KEYS, label, source)
        _guard(label, source, managed_instance, item)
    for label, item in _entries(scope, "associations", source):
        _reject_unknown_keys(item, (*_members("CreateAssociation"), RUNS_KEY), label, source)
        _guard(label, source, validate_request, "CreateAssociation", _create_request(item))
        for run_label, run in _runs(item, label, source):
            _reject_unknown_keys(run, RUN_KEYS, run_label, source)
            _guard(run_label, source, run_arguments, run)


def _load_scope(
    scope: _Scope, report: SeedReport, source: str | None, created_documents: list[tuple[Any, str]]
) -> None:
    where = f"{scope.account}/{scope.region}"
    documents = ssm_backends[scope.account][scope.region]
    for label, item in _entries(scope, "documents", source):
        request = _document_request(item)
        _guard(label, source, _create_document, documents, request)
        created_documents.append((documents, request["Name"]))
        report.documents.append(f"{where}/{request['Name']}")
    backend = association_backends[scope.account][scope.region]
    for label, item in _entries(scope, "managed_instances", source):
        instance = _guard(label, source, managed_instance, item)
        backend.register_managed_instance(instance)
        report.managed_instances.append(f"{where}/{instance.instance_id}")
    for label, item in _entries(scope, "associations", source):
        description = _guard(label, source, backend.create_association, _create_request(item))
        association_id = description["AssociationId"]
        for run_label, run in _runs(item, label, source):
            _guard(run_label, source, _run, backend, association_id, run)
        report.associations.append({"Account": scope.account, "Region": scope.region, "AssociationId": association_id})


def _run(backend: Any, association_id: str, run: Mapping[str, Any]) -> None:
    backend.run_association(association_id, **run_arguments(run))


def _create_request(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != RUNS_KEY}


def _runs(item: Mapping[str, Any], label: str, source: str | None) -> list[tuple[str, Mapping[str, Any]]]:
    runs = item.get(RUNS_KEY, [])
    if not isinstance(runs, list) or not all(isinstance(run, Mapping) for run in runs):
        raise SeedError(f"{label}.{RUNS_KEY}", f"must be a list of objects, not {_type_name(runs)}", source)
    return [(f"{label}.{RUNS_KEY}[{index}]", run) for index, run in enumerate(runs)]


def run_arguments(run: Mapping[str, Any]) -> dict[str, Any]:
    """``run_association`` keyword arguments for a run entry (the simulate-run control's members)."""
    status = run.get("Status", "Success")
    statuses = run.get("InstanceStatuses") or {}
    detailed = run.get("DetailedStatus")
    if not isinstance(status, str) or (detailed is not None and not isinstance(detailed, str)):
        raise ValueError("Status and DetailedStatus must be strings")
    if not isinstance(statuses, Mapping) or not all(isinstance(v, str) for v in statuses.values()):
        raise ValueError('InstanceStatuses must be an object {"<instance id>": "<status>"}')
    outputs = {key: run.get(key) for key in ("Output", "ErrorOutput")}
    for key, value in outputs.items():
        texts = list(value.values()) if isinstance(value, Mapping) else [] if value is None else [value]
        if not all(isinstance(text, str) for text in texts):
            raise ValueError(f'{key} must be a string or an object {{"<instance id>": "<text>"}}')
    return {
        "status": status,
        "instance_statuses": dict(statuses),
        "detailed_status": detailed,
        "output": outputs["Output"],
        "error_output": outputs["ErrorOutput"],
    }


def _guard(label: str, source: str | None, step: Callable[..., Any], *arguments: Any) -> Any:
    """Run one step of loading an entry; any failure becomes a ``SeedError`` naming it."""
    try:
        return step(*arguments)
    except SeedError:
        raise
    except SSMAssociationError as error:
        raise SeedError(label, f"{error.code}: {error.message}", source) from None
    except Exception as error:  # moto's own errors (DocumentAlreadyExists, ...), ValueError, TypeError
        code = getattr(error, "error_type", None) or getattr(error, "code", None)
        message = getattr(error, "message", None) or str(error)
        reason = f"{code}: {message}" if isinstance(code, str) and code else str(message)
        raise SeedError(label, reason, source) from None


def _members(operation: str) -> tuple[str, ...]:
    shape = operation_model(operation).input_shape
    return tuple(shape.members) if shape is not None else ()


def _check_document(item: Mapping[str, Any]) -> None:
    validate_request("CreateDocument", _document_request(item))


def _document_request(item: Mapping[str, Any]) -> dict[str, Any]:
    request = dict(item)
    request.setdefault("DocumentType", "Command")
    request.setdefault("DocumentFormat", "JSON")
    content = request.get("Content")
    if isinstance(content, (dict, list)):
        if request["DocumentFormat"] == "YAML":
            request["Content"] = yaml.safe_dump(content, sort_keys=False)
        else:
            request["Content"] = json.dumps(content, indent=2)
    return request


def _create_document(backend: Any, request: Mapping[str, Any]) -> None:
    backend.create_document(
        content=request["Content"],
        requires=request.get("Requires"),
        attachments=request.get("Attachments"),
        name=request["Name"],
        version_name=request.get("VersionName"),
        document_type=request["DocumentType"],
        document_format=request["DocumentFormat"],
        target_type=request.get("TargetType"),
        tags=request.get("Tags"),
    )


def managed_instance(item: Mapping[str, Any]) -> ManagedInstance:
    """The managed instance a seed entry (or the server's control) registers; ``ValueError`` if it is not one."""
    instance_id = item.get("InstanceId")
    if not isinstance(instance_id, str):
        raise ValueError(f"InstanceId is required and must be a string, not {_type_name(instance_id)}")
    tags = item.get("Tags") or {}
    if isinstance(tags, list):
        if not all(isinstance(tag, Mapping) and set(tag) == {"Key", "Value"} for tag in tags):
            raise ValueError('Tags must be an object {"Key": "Value"} or a list of {"Key": ..., "Value": ...}')
        tags = {tag["Key"]: tag["Value"] for tag in tags}
    if not isinstance(tags, Mapping) or not all(isinstance(v, str) and isinstance(k, str) for k, v in tags.items()):
        raise ValueError('Tags must be an object {"Key": "Value"} or a list of {"Key": ..., "Value": ...}')
    details = {
        key: _optional_string(item, key) for key in ("PlatformType", "PlatformName", "PlatformVersion", "ComputerName")
    }
    return ManagedInstance(
        instance_id=instance_id,
        tags=dict(tags),
        platform_type=details["PlatformType"] or "Linux",
        platform_name=details["PlatformName"] or "",
        platform_version=details["PlatformVersion"] or "",
        computer_name=details["ComputerName"] or "",
    )


def _optional_string(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string, not {_type_name(value)}")
    return value


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
