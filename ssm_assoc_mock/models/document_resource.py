"""``AWS::SSM::Document`` as CloudFormation deploys it, for the templates that create an association's document.

CloudFormation defaults ``DocumentFormat`` to JSON and takes ``Content`` as an object;
CreateDocument takes a string in the format given. moto 5.1.22 and later model the type but
pass both through as written ("Invalid document format None" without ``DocumentFormat``);
moto 5.0 skips the type. ``cloudformation.install`` puts ``document_properties`` in front of
moto's model where there is one, and enables ``DocumentResource`` where there is none.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from moto.core.common_models import CloudFormationModel

from .association_resource import ResourceFailed, handler_reason

RESOURCE_TYPE = "AWS::SSM::Document"
_DISABLED_TYPE = "SSMAssocMock::Disabled::Document"
DEFAULT_FORMAT = "JSON"  # the registry schema's default


def document_properties(properties: Mapping[str, Any] | None) -> dict[str, Any]:
    """Template properties as CreateDocument takes them: a format, and Content as a string in it.

    An object is written as JSON, or as YAML for ``DocumentFormat: YAML`` (with the YAML library
    moto's SSM models use); with ``TEXT`` it is left for CreateDocument to reject.
    """
    given = dict(properties or {})
    document_format = given.get("DocumentFormat") or DEFAULT_FORMAT
    given["DocumentFormat"] = document_format
    content = given.get("Content")
    if isinstance(content, (dict, list)):
        if document_format == "JSON":
            given["Content"] = json.dumps(content)
        elif document_format == "YAML":
            import yaml

            given["Content"] = yaml.safe_dump(content, sort_keys=False)
    return given


def moto_error(error: Exception) -> tuple[str, str, int] | None:
    """(code, message, HTTP status) of an error moto's SSM raises: ``JsonRESTError`` in moto 5.0,
    ``ServiceException`` (code and message only) in newer moto; None for anything else."""
    from moto.core.exceptions import JsonRESTError

    if isinstance(error, JsonRESTError):
        return error.error_type, error.message, error.code
    code = getattr(error, "code", None)
    if type(error).__module__.startswith("moto.") and isinstance(code, str):
        return code, str(getattr(error, "message", "") or error), 400
    return None


def failed_with(logical_id: str, error: Exception) -> ResourceFailed | None:
    """The stack failure for an SSM error moto raised while deploying ``logical_id``."""
    fields = moto_error(error)
    return ResourceFailed(logical_id, handler_reason(*fields)) if fields is not None else None


def create_document(account_id: str, region_name: str, name: str, logical_id: str, properties: Any) -> None:
    """CreateDocument in moto's SSM backend for template properties; ``ResourceFailed`` with SSM's error."""
    from moto.ssm.models import ssm_backends

    checked = document_properties(properties)
    backend: Any = ssm_backends[account_id][region_name]  # moto's hints: every member a str; CFN may omit them
    try:
        backend.create_document(
            content=checked.get("Content"),
            requires=checked.get("Requires"),
            attachments=checked.get("Attachments"),
            name=name,
            version_name=checked.get("VersionName"),
            document_type=checked.get("DocumentType"),
            document_format=checked["DocumentFormat"],
            target_type=checked.get("TargetType"),
            tags=checked.get("Tags"),
        )
    except Exception as error:
        failure = failed_with(logical_id, error)
        if failure is None:
            raise
        raise failure from error


class DocumentResource(CloudFormationModel):
    """One ``AWS::SSM::Document`` of a stack, where moto has no model of its own; its physical id is the name."""

    enabled = False  # set by cloudformation.install() on a moto without the type

    def __init__(self, account_id: str, region_name: str, name: str, logical_id: str) -> None:
        self.account_id = account_id
        self.region_name = region_name
        self.name = name
        self.logical_id = logical_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"  # moto generates <stack>-<logical id>-<suffix> when the template gives none

    @staticmethod
    def cloudformation_type() -> str:
        return RESOURCE_TYPE if DocumentResource.enabled else _DISABLED_TYPE

    @property
    def physical_resource_id(self) -> str:
        return self.name

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
    ) -> DocumentResource:
        logical_id = str(kwargs.get("LogicalId") or resource_name)
        create_document(account_id, region_name, resource_name, logical_id, cloudformation_json.get("Properties"))
        return cls(account_id, region_name, resource_name, logical_id)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: DocumentResource,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> DocumentResource:
        # As moto's own model does (and CloudFormation for a new name): the new document replaces the old.
        original_resource.delete(account_id, region_name)
        logical_id = original_resource.logical_id
        create_document(account_id, region_name, new_resource_name, logical_id, cloudformation_json.get("Properties"))
        return cls(account_id, region_name, new_resource_name, logical_id)

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        _delete_document(account_id, region_name, resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        _delete_document(self.account_id, self.region_name, self.name)


def _delete_document(account_id: str, region_name: str, name: str) -> None:
    """DeleteDocument; a document already gone counts as deleted, as CloudFormation treats NotFound."""
    from moto.ssm.models import ssm_backends

    backend: Any = ssm_backends[account_id][region_name]
    try:
        backend.delete_document(name, None, None, False)
    except Exception as error:
        fields = moto_error(error)
        if fields is None:
            raise
        if fields[0] != "InvalidDocument":
            raise ResourceFailed(name, handler_reason(*fields)) from error
