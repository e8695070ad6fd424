"""One handler per association action, attached to moto's SSM response class by hook.py.

A handler decodes the JSON body itself (moto's ``_get_param`` reads JSON through
``parse_qsl``, which mangles values containing ``&`` or ``=``), validates it against the
model, calls the backend of the caller's account and region, and returns the output for
moto to serialise against the operation's output shape.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Mapping, Optional

from moto.core.responses import BaseResponse
from moto.core.utils import camelcase_to_underscores

from .documents import aws_owned_document, is_reserved_name
from .exceptions import SerializationException, SSMAssociationError
from .models import SSMAssociationBackend, association_backends
from .models.documents import ANSWERED_OWNER_VALUES, REFUSED_WRITES
from .serialisation import error_response, success_response
from .validation import validate_request

Output = Optional[Mapping[str, Any]]
ActionBody = Callable[[SSMAssociationBackend, Dict[str, Any]], Output]
Handler = Callable[[BaseResponse], Any]

# Action name (as in X-Amz-Target) -> handler, filled in by @action below.
HANDLERS: dict[str, Handler] = {}
# Actions moto implements for other resources: a request goes to our handler only when
# the predicate claims it, and to moto's own method otherwise (see hook.py).
CLAIMS: dict[str, Callable[[BaseResponse], bool]] = {}


def decode_body(response: BaseResponse) -> dict[str, Any]:
    raw = response.body
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    try:
        params = json.loads(raw or "{}")
    except ValueError:
        raise SerializationException("The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise SerializationException("The request body must be a JSON object.")
    return params


def backend_for(response: BaseResponse) -> SSMAssociationBackend:
    return association_backends[response.current_account][response.region]


def action(operation: str, claims: Callable[[BaseResponse], bool] | None = None) -> Callable[[ActionBody], ActionBody]:
    """Register ``body`` as the handler of ``operation`` (shared with moto when ``claims`` is given)."""

    def register(body: ActionBody) -> ActionBody:
        def handle(response: BaseResponse) -> Any:
            try:
                params = decode_body(response)
                validate_request(operation, params)
                output = body(backend_for(response), params)
            except SSMAssociationError as error:
                return error_response(error)
            return success_response(operation, output or {})

        handle.__name__ = camelcase_to_underscores(operation)
        handle.__qualname__ = f"ssm_assoc_mock.{handle.__name__}"
        HANDLERS[operation] = handle
        if claims is not None:
            CLAIMS[operation] = claims
        return body

    return register


@action("CreateAssociation")
def create_association(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    return {"AssociationDescription": backend.create_association(params)}


@action("CreateAssociationBatch")
def create_association_batch(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    return backend.create_association_batch(params["Entries"], params.get("AssociationDispatchAssumeRole"))


@action("DescribeAssociation")
def describe_association(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    description = backend.describe_association(
        params.get("AssociationId"), params.get("Name"), params.get("InstanceId"), params.get("AssociationVersion")
    )
    return {"AssociationDescription": description}


@action("ListAssociations")
def list_associations(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.list_associations(
        params.get("AssociationFilterList") or [], params.get("MaxResults"), params.get("NextToken")
    )
    return {"Associations": items, "NextToken": token}


@action("UpdateAssociation")
def update_association(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    return {"AssociationDescription": backend.update_association(params)}


@action("UpdateAssociationStatus")
def update_association_status(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    description = backend.update_association_status(params["Name"], params["InstanceId"], params["AssociationStatus"])
    return {"AssociationDescription": description}


@action("DeleteAssociation")
def delete_association(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    backend.delete_association(params.get("AssociationId"), params.get("Name"), params.get("InstanceId"))
    return None


@action("ListAssociationVersions")
def list_association_versions(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.list_association_versions(
        params["AssociationId"], params.get("MaxResults"), params.get("NextToken")
    )
    return {"AssociationVersions": items, "NextToken": token}


@action("StartAssociationsOnce")
def start_associations_once(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    backend.start_associations_once(params["AssociationIds"])
    return None


@action("DescribeAssociationExecutions")
def describe_association_executions(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.describe_association_executions(
        params["AssociationId"], params.get("Filters") or [], params.get("MaxResults"), params.get("NextToken")
    )
    return {"AssociationExecutions": items, "NextToken": token}


@action("DescribeAssociationExecutionTargets")
def describe_association_execution_targets(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.describe_association_execution_targets(
        params["AssociationId"],
        params["ExecutionId"],
        params.get("Filters") or [],
        params.get("MaxResults"),
        params.get("NextToken"),
    )
    return {"AssociationExecutionTargets": items, "NextToken": token}


@action("DescribeInstanceAssociationsStatus")
def describe_instance_associations_status(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.describe_instance_associations_status(
        params["InstanceId"], params.get("MaxResults"), params.get("NextToken")
    )
    return {"InstanceAssociationStatusInfos": items, "NextToken": token}


@action("DescribeEffectiveInstanceAssociations")
def describe_effective_instance_associations(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.describe_effective_instance_associations(
        params["InstanceId"], params.get("MaxResults"), params.get("NextToken")
    )
    return {"Associations": items, "NextToken": token}


@action("DescribeInstanceInformation")
def describe_instance_information(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.describe_instance_information(
        params.get("InstanceInformationFilterList") or [],
        params.get("Filters") or [],
        params.get("MaxResults"),
        params.get("NextToken"),
    )
    return {"InstanceInformationList": items, "NextToken": token}


# Tag calls: moto handles every resource type but these two (it rejects both).
TAGGED_RESOURCE_TYPES = ("Association", "ManagedInstance")


def claims_tag_call(response: BaseResponse) -> bool:
    """Ours: our resource types, and requests moto's handler would answer with a 500.

    moto answers a malformed body or a missing member with a 500, but an unknown
    ResourceType with its own ``InvalidResourceType``: that one is left to moto.
    """
    try:
        params = decode_body(response)
        resource_type = params.get("ResourceType")
        if resource_type in TAGGED_RESOURCE_TYPES:
            return True
        if isinstance(resource_type, str):
            params = {**params, "ResourceType": TAGGED_RESOURCE_TYPES[0]}  # check everything but the type
        validate_request(response._get_action(), params)
    except SSMAssociationError:
        return True
    return False


@action("AddTagsToResource", claims=claims_tag_call)
def add_tags_to_resource(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    backend.add_tags(params["ResourceType"], params["ResourceId"], params["Tags"])
    return None


@action("RemoveTagsFromResource", claims=claims_tag_call)
def remove_tags_from_resource(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    backend.remove_tags(params["ResourceType"], params["ResourceId"], params["TagKeys"])
    return None


@action("ListTagsForResource", claims=claims_tag_call)
def list_tags_for_resource(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    return {"TagList": backend.list_tags(params["ResourceType"], params["ResourceId"])}


# --- compliance ----------------------------------------------------------------------------


@action("PutComplianceItems")
def put_compliance_items(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    backend.put_compliance_items(params)
    return None


@action("ListComplianceItems")
def list_compliance_items(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.list_compliance_items(
        params.get("ResourceIds") or [],
        params.get("ResourceTypes") or [],
        params.get("Filters") or [],
        params.get("MaxResults"),
        params.get("NextToken"),
    )
    return {"ComplianceItems": items, "NextToken": token}


@action("ListComplianceSummaries")
def list_compliance_summaries(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.list_compliance_summaries(
        params.get("Filters") or [], params.get("MaxResults"), params.get("NextToken")
    )
    return {"ComplianceSummaryItems": items, "NextToken": token}


@action("ListResourceComplianceSummaries")
def list_resource_compliance_summaries(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.list_resource_compliance_summaries(
        params.get("Filters") or [], params.get("MaxResults"), params.get("NextToken")
    )
    return {"ResourceComplianceSummaryItems": items, "NextToken": token}


# --- moto's document operations, for AWS-owned documents ------------------------------------
# moto answers for the caller's own documents. These take only the requests that name a document
# of the catalogue (ListDocuments: that ask for Amazon's documents), so they are not fuzzed with
# the operations we own: a request they do not claim is moto's to answer.
DOCUMENT_OPERATIONS = frozenset(
    {"CreateDocument", "DescribeDocument", "GetDocument", "DescribeDocumentPermission", "ListDocuments"}
    | set(REFUSED_WRITES)
)


def claims_aws_document(response: BaseResponse) -> bool:
    """Ours: a request whose Name is an AWS-owned document (any other member is then checked by us)."""
    try:
        name = decode_body(response).get("Name")
    except SSMAssociationError:
        return False  # moto's answer, as for any malformed request about its documents
    return isinstance(name, str) and aws_owned_document(response.current_account, response.region, name) is not None


def claims_reserved_name(response: BaseResponse) -> bool:
    """Ours: CreateDocument with a name AWS reserves (moto refuses only some of them, in lower case)."""
    try:
        name = decode_body(response).get("Name")
    except SSMAssociationError:
        return False
    return isinstance(name, str) and is_reserved_name(name)


def claims_document_list(response: BaseResponse) -> bool:
    """Ours: ListDocuments asking for Amazon's documents (Owner Amazon or All) or the caller's (Self), or with
    the deprecated DocumentFilterList (moto rejects it outright), or that the model rejects. Without an Owner
    filter moto answers with the caller's documents, as before: existing tests count on that list (see README).
    """
    try:
        params = decode_body(response)
        validate_request("ListDocuments", params)
    except SSMAssociationError:
        return True
    if params.get("DocumentFilterList"):
        return True
    return any(
        f.get("Key") == "Owner" and any(value in ANSWERED_OWNER_VALUES for value in f.get("Values") or [])
        for f in params.get("Filters") or []
    )


@action("DescribeDocument", claims=claims_aws_document)
def describe_document(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    document = backend.describe_aws_document(params["Name"], params.get("DocumentVersion"), params.get("VersionName"))
    return {"Document": document}


@action("GetDocument", claims=claims_aws_document)
def get_document(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    return backend.get_aws_document(
        params["Name"], params.get("DocumentVersion"), params.get("VersionName"), params.get("DocumentFormat")
    )


@action("DescribeDocumentPermission", claims=claims_aws_document)
def describe_document_permission(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    return backend.describe_aws_document_permission(params["Name"])


@action("ListDocuments", claims=claims_document_list)
def list_documents(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.list_documents(
        params.get("Filters") or [],
        params.get("DocumentFilterList") or [],
        params.get("MaxResults"),
        params.get("NextToken"),
    )
    return {"DocumentIdentifiers": items, "NextToken": token}


@action("ListDocumentVersions")  # moto lacks it: ours for every document
def list_document_versions(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    items, token = backend.list_document_versions(params["Name"], params.get("MaxResults"), params.get("NextToken"))
    return {"DocumentVersions": items, "NextToken": token}


@action("CreateDocument", claims=claims_reserved_name)
def create_document(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
    backend.refuse_reserved_name(params["Name"])
    return None


def refused_write(operation: str) -> ActionBody:
    """UpdateDocument, DeleteDocument, ...: an AWS-owned document is read-only."""

    def refuse(backend: SSMAssociationBackend, params: dict[str, Any]) -> Output:
        backend.refuse_aws_document_write(operation, params["Name"])
        return None

    return refuse


for _operation in REFUSED_WRITES:
    action(_operation, claims=claims_aws_document)(refused_write(_operation))
