"""One exception class per SSM error code that the association API can return.

Each class is named exactly like the error shape in botocore's SSM model, so the
``__type`` on the wire (and ``error.response["Error"]["Code"]`` in boto3, or
``error.name`` in the JavaScript SDK) is the code real AWS sends.
"""

from __future__ import annotations

# Handlers write these themselves (serialisation.py); as moto's ServiceException (moto >= 5.1.2),
# one raised anywhere else in a request is still answered as the modelled error, not a 500.
try:
    from moto.core.exceptions import ServiceException as _ErrorBase
except ImportError:  # pragma: no cover - moto < 5.1.2
    _ErrorBase = Exception  # type: ignore[assignment,misc]


class SSMAssociationError(_ErrorBase):
    """Base class: an AWS error code with a human-readable message."""

    code = "InternalServerError"
    message = "An error occurred on the server side."

    def __init__(self, message: str | None = None) -> None:
        text = message if message is not None else type(self).message
        super().__init__(text)
        self.message = text

    @property
    def status_code(self) -> int:
        """HTTP status: the awsJson protocol sends 500 for faults, 400 for client errors."""
        return 500 if self.code == "InternalServerError" else 400

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# --- errors that are not in any operation's error list but that AWS returns -------------


class ValidationException(SSMAssociationError):
    code = "ValidationException"
    message = "1 validation error detected."


class SerializationException(SSMAssociationError):
    """A member of the wrong JSON type: AWS's JSON protocol rejects it before validation."""

    code = "SerializationException"
    message = "The request body could not be deserialised."


# --- modelled SSM errors ----------------------------------------------------------------


class InternalServerError(SSMAssociationError):
    code = "InternalServerError"
    message = "An error occurred on the server side."


class AssociationAlreadyExists(SSMAssociationError):
    code = "AssociationAlreadyExists"
    message = "The specified association already exists."


class AssociationDoesNotExist(SSMAssociationError):
    code = "AssociationDoesNotExist"
    message = "The specified association doesn't exist."


class AssociationExecutionDoesNotExist(SSMAssociationError):
    code = "AssociationExecutionDoesNotExist"
    message = "The specified execution ID doesn't exist. Verify the ID number and try again."


class AssociationLimitExceeded(SSMAssociationError):
    code = "AssociationLimitExceeded"
    message = "You can have at most 2,000 active associations."


class AssociationVersionLimitExceeded(SSMAssociationError):
    code = "AssociationVersionLimitExceeded"
    message = (
        "You have reached the maximum number versions allowed for an association. "
        "Each association has a limit of 1,000 versions."
    )


class DuplicateInstanceId(SSMAssociationError):
    code = "DuplicateInstanceId"
    message = "You can't specify a managed node ID in more than one association."


class InvalidAssociationVersion(SSMAssociationError):
    code = "InvalidAssociationVersion"
    message = (
        "The version you specified isn't valid. Use ListAssociationVersions to view all versions of an "
        "association according to the association ID. Or, use the $LATEST parameter to view the latest version."
    )


class InvalidDocument(SSMAssociationError):
    code = "InvalidDocument"
    message = "The specified SSM document doesn't exist."


class InvalidDocumentOperation(SSMAssociationError):
    code = "InvalidDocumentOperation"
    message = "You attempted to delete a document while it is still shared."


class InvalidDocumentVersion(SSMAssociationError):
    code = "InvalidDocumentVersion"
    message = "The document version isn't valid or doesn't exist."


class InvalidFilterKey(SSMAssociationError):
    code = "InvalidFilterKey"
    message = "The specified key isn't valid."


class InvalidInstanceId(SSMAssociationError):
    code = "InvalidInstanceId"
    message = "The following problem occurred: the specified node ID isn't valid."


class InvalidInstanceInformationFilterValue(SSMAssociationError):
    code = "InvalidInstanceInformationFilterValue"
    message = "The specified filter value isn't valid."


class InvalidNextToken(SSMAssociationError):
    code = "InvalidNextToken"
    message = "The specified token isn't valid."


class InvalidOutputLocation(SSMAssociationError):
    code = "InvalidOutputLocation"
    message = "The output location isn't valid or doesn't exist."


class InvalidParameters(SSMAssociationError):
    code = "InvalidParameters"
    message = (
        "You must specify values for all required parameters in the Amazon Web Services Systems Manager "
        "document (SSM document)."
    )


class InvalidResourceId(SSMAssociationError):
    code = "InvalidResourceId"
    message = "The resource ID isn't valid. Verify that you entered the correct ID and try again."


class InvalidSchedule(SSMAssociationError):
    code = "InvalidSchedule"
    message = "The schedule is invalid. Verify your cron or rate expression and try again."


class InvalidTag(SSMAssociationError):
    code = "InvalidTag"
    message = "The specified tag key or value isn't valid."


class InvalidTarget(SSMAssociationError):
    code = "InvalidTarget"
    message = "The target isn't valid or doesn't exist."


class InvalidTargetMaps(SSMAssociationError):
    code = "InvalidTargetMaps"
    message = "TargetMap parameter isn't valid."


class InvalidUpdate(SSMAssociationError):
    code = "InvalidUpdate"
    message = "The update isn't valid."


class StatusUnchanged(SSMAssociationError):
    code = "StatusUnchanged"
    message = "The updated status is the same as the current status."


class TooManyTagsError(SSMAssociationError):
    code = "TooManyTagsError"
    message = "The Targets parameter includes too many tags. Remove one or more tags and try the command again."


class UnsupportedPlatformType(SSMAssociationError):
    code = "UnsupportedPlatformType"
    message = "The document doesn't support the platform type of the given node IDs."


# --- compliance (PutComplianceItems and the list calls) ------------------------------------


class ComplianceTypeCountLimitExceededException(SSMAssociationError):
    code = "ComplianceTypeCountLimitExceededException"
    message = "You specified too many custom compliance types. You can specify a maximum of 10 different types."


class InvalidFilter(SSMAssociationError):
    code = "InvalidFilter"
    message = "The filter name isn't valid. Verify that you entered the correct name and try again."


class InvalidItemContentException(SSMAssociationError):
    code = "InvalidItemContentException"
    message = "One or more content items isn't valid."


class InvalidResourceType(SSMAssociationError):
    code = "InvalidResourceType"
    message = "The resource type isn't valid."


class ItemSizeLimitExceededException(SSMAssociationError):
    code = "ItemSizeLimitExceededException"
    message = "The inventory item size has exceeded the size limit."


class TotalSizeLimitExceededException(SSMAssociationError):
    code = "TotalSizeLimitExceededException"
    message = "The size of inventory data has exceeded the total size limit for the resource."
