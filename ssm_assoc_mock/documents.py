"""SSM documents that associations can use: the caller's own (moto's SSM backend) and
a catalogue of AWS-owned ones, which moto does not ship.

Associations read three things from a document: that it exists (``InvalidDocument``)
in the requested version (``InvalidDocumentVersion``), its schema version and type
(legacy associations need schema < 2.0; Automation runbooks target differently), and
its parameter definitions (``InvalidParameters``).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Mapping

import yaml
from moto.ssm.models import ssm_backends

from .exceptions import InvalidDocument, InvalidDocumentVersion, InvalidParameters
from .validation import operation_model

_DOCUMENT_ARN = re.compile(r"arn:[^:]+:ssm:[^:]*:(?P<account>\d*):document/(?P<name>.+)")
_ALL_PLATFORMS = ("Windows", "Linux", "MacOS")
# Which platforms a plugin runs on; a document supports the union over its plugins.
_PLUGIN_PLATFORMS = {
    "aws:runShellScript": ("Linux", "MacOS"),
    "aws:runPowerShellScript": _ALL_PLATFORMS,
    "aws:applyPatchBaseline": ("Windows",),
    "aws:psModule": ("Windows",),
    "aws:updateAgent": ("Windows",),
}
_PARAMETER_REFERENCE = re.compile(r"\{\{\s*ssm:[^}]+\}\}")
# Who owns the catalogue's documents, as AWS reports it (ListDocuments' Owner, its Owner filter).
AMAZON_OWNER = "Amazon"
# The version selectors a request may name instead of a number.
DEFAULT_VERSION = "$DEFAULT"
LATEST_VERSION = "$LATEST"


@dataclass(frozen=True)
class DocumentInfo:
    """What an association needs to know about one version of a document."""

    name: str
    document_version: str
    document_type: str
    schema_version: str
    content: str
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    platform_types: tuple[str, ...] = _ALL_PLATFORMS

    @property
    def schema_major(self) -> float:
        try:
            return float(self.schema_version)
        except ValueError:
            return 0.0

    def validate_parameters(self, parameters: Mapping[str, list[str]] | None) -> None:
        """Raise ``InvalidParameters`` for unknown, missing or disallowed values."""
        given = parameters or {}
        for name in given:
            if name not in self.parameters:
                raise InvalidParameters(
                    f'Parameter "{name}" is not defined in document {self.name}. '
                    f"Defined parameters: {', '.join(sorted(self.parameters)) or 'none'}."
                )
        for name, definition in self.parameters.items():
            values = given.get(name)
            if values is None:
                if "default" not in definition:
                    raise InvalidParameters(f'Parameter "{name}" requires a value.')
                continue
            allowed = definition.get("allowedValues")
            for value in values:
                if allowed and value not in allowed and not _PARAMETER_REFERENCE.fullmatch(value):
                    raise InvalidParameters(f'Parameter "{name}" has value "{value}" not in {{{", ".join(allowed)}}}.')
            if definition.get("type") == "String" and len(values) > 1:
                raise InvalidParameters(f'Parameter "{name}" is a String and takes a single value.')


def document_name_from(name_or_arn: str) -> tuple[str, str | None]:
    """Split a document name or ARN into (name, owning account or None)."""
    match = _DOCUMENT_ARN.fullmatch(name_or_arn)
    if not match:
        return name_or_arn, None
    return match.group("name"), match.group("account") or None


@functools.lru_cache(maxsize=1)
def aws_owned_documents() -> Mapping[str, DocumentInfo]:
    """The catalogue of AWS-owned documents shipped with this package."""
    data = json.loads(resources.files(__package__).joinpath("data/aws_documents.json").read_text("utf-8"))
    catalogue: dict[str, DocumentInfo] = {}
    for entry in data["documents"]:
        content = entry["Content"]
        catalogue[entry["Name"]] = DocumentInfo(
            name=entry["Name"],
            document_version="1",
            document_type=entry["DocumentType"],
            schema_version=content["schemaVersion"],
            content=json.dumps(content, indent=2),
            parameters=content.get("parameters", {}),
            platform_types=tuple(entry["PlatformTypes"]),
        )
    return catalogue


def aws_owned_document(account_id: str, region_name: str, name_or_arn: str) -> DocumentInfo | None:
    """The catalogue document a request names, or None.

    A name (or an ARN without an account, as AWS writes its own documents' ARNs) resolves to the
    catalogue unless the caller has a document of that name: names AWS reserves cannot be created
    through the API, but moto's backend can hold one, and ``find_document`` prefers it too.
    """
    name, owner = document_name_from(name_or_arn)
    info = aws_owned_documents().get(name)
    if info is None or owner is not None or name in ssm_backends[account_id][region_name]._documents:
        return None
    return info


@functools.lru_cache(maxsize=1)
def reserved_name_prefixes() -> tuple[str, ...]:
    """The document name prefixes AWS reserves, lower-cased, as CreateDocument's Name documentation lists them."""
    documentation = operation_model("CreateDocument").input_shape.members["Name"].documentation
    _, _, reserved = documentation.partition("reserved")
    return tuple(sorted({code.strip().lower() for code in re.findall(r"<code>\s*([^<]+?)\s*</code>", reserved)}))


def is_reserved_name(name: str) -> bool:
    """True for a name AWS keeps for its own documents; any case (AWS's own are AWS-..., Amazon..., AWSSupport-...)."""
    return name.lower().startswith(reserved_name_prefixes())


def find_document(account_id: str, region_name: str, name_or_arn: str, document_version: str | None) -> DocumentInfo:
    """Resolve a document as CreateAssociation does.

    ``document_version`` may be None or ``$DEFAULT`` (the default version),
    ``$LATEST`` or a version number.
    """
    name, owner = document_name_from(name_or_arn)
    account = owner or account_id
    documents = readable_moto_documents(account_id, region_name, name_or_arn)
    if documents is not None:
        return _from_moto(documents, name, document_version)
    catalogue = aws_owned_documents()
    if name in catalogue and not owner:
        info = catalogue[name]
        if document_version not in (None, DEFAULT_VERSION, LATEST_VERSION, info.document_version):
            raise InvalidDocumentVersion(
                f"Document {name} has no version {document_version}. Its latest version is {info.document_version}."
            )
        return info
    raise InvalidDocument(
        f"Document {name_or_arn} does not exist in account {account}, region {region_name}. "
        "Create it with CreateDocument, or use an AWS-owned document such as "
        f"{', '.join(sorted(catalogue)[:4])}."
    )


def readable_moto_documents(account_id: str, region_name: str, name_or_arn: str) -> Any | None:
    """moto's versions of a document the caller owns, or that another account shares with it (named by ARN)."""
    name, owner = document_name_from(name_or_arn)
    documents = ssm_backends[owner or account_id][region_name]._documents.get(name)
    if documents is not None and (owner is None or _shared_with(documents, account_id, owner)):
        return documents
    return None


def _shared_with(documents: Any, caller: str, owner: str) -> bool:
    if caller == owner:
        return True
    shared = getattr(documents, "permissions", {}) or {}
    accounts = {account.lower() for account in shared}
    return "all" in accounts or caller in accounts


def _from_moto(documents: Any, name: str, document_version: str | None) -> DocumentInfo:
    if document_version in (None, DEFAULT_VERSION):
        document = documents.get_default_version()
    elif document_version == LATEST_VERSION:
        document = documents.get_latest_version()
    else:
        document = documents.find_by_version(document_version)
    if document is None:
        raise InvalidDocumentVersion(
            f"Document {name} has no version {document_version}. Its versions are 1 to {documents.latest_version}."
        )
    content_json = _moto_content(document)
    parameters = content_json.get("parameters") or {}
    return DocumentInfo(
        name=name,
        document_version=str(document.document_version),
        document_type=str(document.document_type),
        schema_version=str(content_json.get("schemaVersion", "")),
        content=json.dumps(content_json) if document.document_format == "YAML" else document.content,
        parameters=parameters if isinstance(parameters, dict) else {},
        platform_types=_platforms_of(content_json),
    )


def moto_document_platforms(document: Any) -> tuple[str, ...]:
    """The platforms a moto document runs on, which moto reports only as a placeholder."""
    return _platforms_of(_moto_content(document))


def _moto_content(document: Any) -> dict[str, Any]:
    """A moto document's content as a mapping, whatever the document's format."""
    content_json = document.content_json
    if not isinstance(content_json, dict):
        content_json = yaml.safe_load(document.content) if document.content else {}
    return content_json if isinstance(content_json, dict) else {}


def _platforms_of(content: Mapping[str, Any]) -> tuple[str, ...]:
    actions: list[str] = [step.get("action", "") for step in content.get("mainSteps") or [] if isinstance(step, dict)]
    runtime = content.get("runtimeConfig")
    if isinstance(runtime, dict):
        actions.extend(runtime)
    platforms: set[str] = set()
    for action in actions:
        platforms.update(_PLUGIN_PLATFORMS.get(action, _ALL_PLATFORMS))
    # In AWS's order (Windows, Linux, MacOS), as its documents list them.
    return tuple(platform for platform in _ALL_PLATFORMS if platform in platforms) if platforms else _ALL_PLATFORMS
