"""AWS-owned documents as moto's document API shows them: readable in every account and region, never writable.

moto keeps only the documents an account creates; the catalogue (``documents.aws_owned_documents``)
stands in for the ones AWS publishes. The handlers take moto's document operations only for requests
that name a catalogue document (and ListDocuments when it asks for Amazon's documents), so moto keeps
answering for the caller's own documents. Every catalogue document has one version, ``1``, owned by
``Amazon``, in JSON. A write answers the error AWS's model lists for that operation.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterator, Mapping, Sequence

import yaml

from ..documents import (
    AMAZON_OWNER,
    DEFAULT_VERSION,
    LATEST_VERSION,
    DocumentInfo,
    aws_owned_document,
    aws_owned_documents,
    is_reserved_name,
    moto_document_platforms,
    readable_moto_documents,
)
from ..exceptions import (
    InvalidDocument,
    InvalidDocumentOperation,
    InvalidDocumentVersion,
    InvalidFilterKey,
    InvalidNextToken,
    ValidationException,
)
from ..pagination import DEFAULT_PAGE_SIZE, decode_next_token, int_position, page_of, request_fingerprint
from .room import Room

# The catalogue does not record when AWS published each document; one fixed time stands in.
CATALOGUE_CREATED_DATE = datetime(2017, 1, 1)
# Filter keys ListDocuments knows besides tag:<key> (the model's Filters documentation).
LIST_FILTER_KEYS = ("Owner", "Name", "PlatformTypes", "DocumentType", "TargetType", "CloudProviders")
TAG_FILTER_PREFIX = "tag:"
# Owner filter values the package answers: those that include the catalogue, and Self, whose documents
# then show their platforms (moto's answer has a placeholder). Private, Public and ThirdParty stay moto's.
ANSWERED_OWNER_VALUES = (AMAZON_OWNER, "All", "Self")
# The write operations refused for an AWS-owned document, with the code each one's model lists:
# InvalidDocumentOperation where the model has it, else InvalidDocument.
REFUSED_WRITES: Mapping[str, tuple[type[InvalidDocument | InvalidDocumentOperation], str]] = {
    "UpdateDocument": (InvalidDocumentOperation, "updated"),
    "DeleteDocument": (InvalidDocumentOperation, "deleted"),
    "UpdateDocumentDefaultVersion": (InvalidDocument, "given another default version"),
    "ModifyDocumentPermission": (InvalidDocument, "shared or unshared"),
}


def catalogue_version(info: DocumentInfo, document_version: str | None, version_name: str | None) -> None:
    """Check a requested version of a catalogue document, which has only version 1 and no version name."""
    if document_version not in (None, DEFAULT_VERSION, LATEST_VERSION, info.document_version):
        raise InvalidDocumentVersion(
            f"Document {info.name} has no version {document_version}. Its only version is {info.document_version}."
        )
    if version_name is not None:
        raise InvalidDocumentVersion(f"Document {info.name} has no version named {version_name}.")


def content_of(info: DocumentInfo) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(info.content)
    return content


def parameter_list(info: DocumentInfo) -> list[dict[str, Any]]:
    """DescribeDocument's Parameters: each definition's name, type, description and default as text."""
    described = []
    for name, definition in info.parameters.items():
        parameter = {"Name": name, "Type": definition.get("type"), "Description": definition.get("description")}
        if "default" in definition:
            default = definition["default"]
            parameter["DefaultValue"] = default if isinstance(default, str) else json.dumps(default)
        described.append(parameter)
    return described


def identifier(info: DocumentInfo) -> dict[str, Any]:
    """A catalogue document as ListDocuments shows it."""
    return {
        "Name": info.name,
        "CreatedDate": CATALOGUE_CREATED_DATE,
        "Owner": AMAZON_OWNER,
        "PlatformTypes": list(info.platform_types),
        "DocumentVersion": info.document_version,
        "DocumentType": info.document_type,
        "SchemaVersion": info.schema_version,
        "DocumentFormat": "JSON",
        "Tags": [],
    }


@dataclass(frozen=True)
class Listed:
    """What ListDocuments filters on, for a document of either source, and how to show it."""

    name: str
    owner: str
    platform_types: Sequence[str]
    document_type: str
    target_type: str | None
    render: Callable[[], dict[str, Any]]
    tags: Mapping[str, str] = field(default_factory=dict)


def matches(listed: Listed, key: str, values: Sequence[str], account_id: str) -> bool:
    """One filter: a filter's values are ORed, as the model documents."""
    if key == "Owner":
        owner = values[0]
        if owner == "All":
            return True
        return listed.owner == (account_id if owner == "Self" else owner)
    if key == "Name":  # "you can use a name prefix"
        return any(listed.name.startswith(value) for value in values)
    if key == "PlatformTypes":
        return any(value in listed.platform_types for value in values)
    if key == "DocumentType":
        return listed.document_type in values
    if key == "TargetType":
        return listed.target_type in values
    if key == "CloudProviders":  # documents from before cloud providers, like all of these, run against AWS
        return "AWS" in values
    tag = key[len(TAG_FILTER_PREFIX) :]
    return tag in listed.tags and (not values or listed.tags[tag] in values)


def list_filters(filters: Sequence[Mapping[str, Any]], document_filter_list: Sequence[Mapping[str, str]]) -> list[Any]:
    """Filters and the deprecated DocumentFilterList as one list of (key, values); ``InvalidFilterKey`` for others."""
    conditions = [(f["Key"], list(f.get("Values") or [])) for f in filters]
    conditions += [(f["key"], [f["value"]]) for f in document_filter_list]
    for key, _ in conditions:
        if key not in LIST_FILTER_KEYS and not key.startswith(TAG_FILTER_PREFIX):
            raise InvalidFilterKey(
                f"The filter key {key} isn't valid. Valid keys: {', '.join(LIST_FILTER_KEYS)} or tag:<key>."
            )
    owners = [values for key, values in conditions if key == "Owner"]
    if len(owners) > 1 or any(len(values) != 1 for values in owners):
        raise ValidationException("Only one Owner can be specified in a request.")
    return conditions


class DocumentsRoom(Room):
    """DescribeDocument, GetDocument, DescribeDocumentPermission and ListDocuments for AWS-owned documents,
    and ListDocumentVersions for every document."""

    def aws_document(self, name: str) -> DocumentInfo:
        info = aws_owned_document(self.account_id, self.region_name, name)
        if info is None:  # the handlers are given only requests that name one
            raise InvalidDocument(f"Document {name} does not exist in account {self.account_id}.")
        return info

    def describe_aws_document(
        self, name: str, document_version: str | None, version_name: str | None
    ) -> dict[str, Any]:
        info = self.aws_document(name)
        catalogue_version(info, document_version, version_name)
        return {
            "Hash": hashlib.sha256(info.content.encode("utf-8")).hexdigest(),
            "HashType": "Sha256",
            "Name": info.name,
            "Owner": AMAZON_OWNER,
            "CreatedDate": CATALOGUE_CREATED_DATE,
            "Status": "Active",
            "DocumentVersion": info.document_version,
            "Description": content_of(info).get("description"),
            "Parameters": parameter_list(info),
            "PlatformTypes": list(info.platform_types),
            "DocumentType": info.document_type,
            "SchemaVersion": info.schema_version,
            "LatestVersion": info.document_version,
            "DefaultVersion": info.document_version,
            "DocumentFormat": "JSON",
            "Tags": [],
        }

    def get_aws_document(
        self, name: str, document_version: str | None, version_name: str | None, document_format: str | None
    ) -> dict[str, Any]:
        info = self.aws_document(name)
        catalogue_version(info, document_version, version_name)
        if document_format in (None, "JSON"):
            content = info.content
        elif document_format == "YAML":
            content = yaml.safe_dump(content_of(info), sort_keys=False)
        else:  # TEXT is for documents written as text (ChangeCalendar), not these
            raise ValidationException(f"Document {name} can't be returned in format {document_format}.")
        return {
            "Name": info.name,
            "CreatedDate": CATALOGUE_CREATED_DATE,
            "DocumentVersion": info.document_version,
            "Status": "Active",
            "Content": content,
            "DocumentType": info.document_type,
            "DocumentFormat": document_format or "JSON",
        }

    def describe_aws_document_permission(self, name: str) -> dict[str, Any]:
        """AWS's documents are every account's by ownership, not shared with any: no sharing to show."""
        self.aws_document(name)
        return {"AccountIds": [], "AccountSharingInfoList": []}

    def refuse_aws_document_write(self, operation: str, name: str) -> None:
        """Raise the error a write to an AWS-owned document gets."""
        info = self.aws_document(name)
        error, done = REFUSED_WRITES[operation]
        raise error(f"Document {info.name} is owned by {AMAZON_OWNER} and can't be {done}.")

    @staticmethod
    def refuse_reserved_name(name: str) -> None:
        """CreateDocument with a name AWS keeps for its own documents."""
        if is_reserved_name(name):
            raise ValidationException(f"Invalid document name {name}")

    def list_documents(
        self,
        filters: Sequence[Mapping[str, Any]],
        document_filter_list: Sequence[Mapping[str, str]],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """ListDocuments over the caller's documents (moto's) and the catalogue, sorted by name."""
        conditions = list_filters(filters, document_filter_list)
        fingerprint = request_fingerprint(
            "ListDocuments", {"Filters": filters, "DocumentFilterList": document_filter_list}
        )
        position = decode_next_token(next_token, fingerprint)
        if isinstance(position, int):
            raise InvalidNextToken("The specified token isn't valid.")

        def positioned() -> Iterator[tuple[str, Listed]]:
            for entry in self._listed(position):
                if all(matches(entry, key, values, self.account_id) for key, values in conditions):
                    yield entry.name, entry

        return page_of(positioned(), max_results or DEFAULT_PAGE_SIZE, fingerprint, lambda entry: entry.render())

    def list_document_versions(
        self, name: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """ListDocumentVersions, which moto lacks: a catalogue document's one version, or moto's, oldest first."""
        fingerprint = request_fingerprint("ListDocumentVersions", {"Name": name})
        start = int_position(decode_next_token(next_token, fingerprint))
        versions = self._versions(name)
        return page_of(
            enumerate(versions[start:], start), max_results or DEFAULT_PAGE_SIZE, fingerprint, lambda version: version
        )

    def _versions(self, name: str) -> list[dict[str, Any]]:
        info = aws_owned_document(self.account_id, self.region_name, name)
        if info is not None:
            return [
                {
                    "Name": info.name,
                    "DocumentVersion": info.document_version,
                    "CreatedDate": CATALOGUE_CREATED_DATE,
                    "IsDefaultVersion": True,
                    "DocumentFormat": "JSON",
                    "Status": "Active",
                }
            ]
        documents = readable_moto_documents(self.account_id, self.region_name, name)
        if documents is None:
            raise InvalidDocument(f"Document {name} does not exist in account {self.account_id}, {self.region_name}.")
        return [
            {
                "Name": document.name,
                "DocumentVersion": document.document_version,
                "VersionName": document.version_name,
                "CreatedDate": document.created_date,
                "IsDefaultVersion": document.document_version == documents.default_version,
                "DocumentFormat": document.document_format,
                "Status": document.status,
            }
            for document in sorted(documents.versions.values(), key=lambda document: int(document.document_version))
        ]

    def _listed(self, start: str | None) -> Iterator[Listed]:
        """Both sources by name from ``start`` on; a name the caller has is the caller's document (as lookups
        resolve it). Built as read: a page parses only the documents it passes, not every one the caller has."""
        from moto.ssm.models import ssm_backends

        moto_backend = ssm_backends[self.account_id][self.region_name]
        catalogue = aws_owned_documents()
        own = dict(moto_backend._documents)
        names = sorted(catalogue.keys() | own.keys())
        for name in names[0 if start is None else bisect.bisect_left(names, start) :]:
            documents = own.get(name)
            if documents is None:
                info = catalogue[name]
                yield Listed(
                    name,
                    AMAZON_OWNER,
                    info.platform_types,
                    info.document_type,
                    None,
                    lambda info=info: identifier(info),  # type: ignore[misc]
                )
                continue
            document = documents.get_default_version()
            tags = moto_backend._get_documents_tags(name)
            platforms = list(moto_document_platforms(document))  # moto's own are a placeholder
            yield Listed(
                name,
                document.owner,
                platforms,
                document.document_type,
                document.target_type,
                # moto leaves Tags out when there are none; AWS shows them empty, as for its own documents.
                lambda document=document, tags=tags, platforms=platforms: {  # type: ignore[misc]
                    **document.list_describe(tags=tags),
                    "PlatformTypes": platforms,
                    "Tags": tags,
                },
                {tag["Key"]: tag["Value"] for tag in tags},
            )
