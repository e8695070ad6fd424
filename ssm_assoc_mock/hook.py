"""Attach the association handlers to moto's own SSM dispatch.

moto looks up the handler for ``X-Amz-Target: AmazonSSM.<Action>`` on
``SimpleSystemManagerResponse`` at every request, so setting attributes there reaches
in-process mocks and a running moto server alike, survives ``mock_aws`` start/stop and
nesting, and is undone by deleting them. An action moto implements natively is left to
moto: a future native implementation wins. The exception is an action moto shares with
us (the tag calls): there our handler takes the requests it claims and passes the rest
to moto's own method.

moto answers a request its IAM emulation denies with an XML 403, which SDKs read as
error code "403". For our actions the denial is re-raised as the JSON error AWS sends
(``AccessDeniedException`` and friends, HTTP 400), so callers can catch it by code.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from moto import settings
from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.ssm.responses import SimpleSystemManagerResponse
from werkzeug.exceptions import HTTPException

from . import cloudformation
from .responses import CLAIMS, HANDLERS, Handler

_lock = threading.Lock()
# attribute -> (what we set, moto's own method it replaced or None)
_installed: dict[str, tuple[Any, Any]] = {}


def shared_handler(handler: Handler, native: Handler, claims: Any) -> Handler:
    """Dispatch the requests ``claims`` accepts to ``handler``, the rest to moto's ``native``."""

    def dispatch(response: BaseResponse) -> Any:
        return handler(response) if claims(response) else native(response)

    dispatch.__name__ = handler.__name__
    dispatch.__qualname__ = handler.__qualname__
    return dispatch


# moto's IAM error types -> the codes AWS's JSON protocol uses for them.
AUTH_ERROR_CODES = {
    "AccessDenied": "AccessDeniedException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
}
AUTHORIZE = "_authenticate_and_authorize_normal_action"
# Actions whose callers also need another action's permission, as the model documents:
# "In order to call this API operation, a user ... must be granted permission to call the
# DescribeAssociation API operation."
ALSO_REQUIRED = {"UpdateAssociation": "DescribeAssociation"}


def handles(response: BaseResponse) -> bool:
    """True if ``response``'s request goes to one of our handlers."""
    operation = response._get_action()
    if operation not in HANDLERS:
        return False
    claims = CLAIMS.get(operation)
    return claims is None or claims(response)


def json_auth_errors(authorize: Callable[..., None]) -> Callable[..., None]:
    """moto's IAM check, with its denials of our actions re-raised as AWS's JSON errors."""

    def authenticate_and_authorize(response: BaseResponse, *args: Any, **kwargs: Any) -> None:
        # moto checks policies once its count of unchecked requests is used up.
        enforcing = getattr(response, "request_count", 0) >= settings.INITIAL_NO_AUTH_ACTION_COUNT
        try:
            authorize(response, *args, **kwargs)
            also_required = ALSO_REQUIRED.get(response._get_action())
            if enforcing and also_required is not None and handles(response):
                authorize_as(response, also_required, authorize, *args, **kwargs)
        except HTTPException as error:
            code = AUTH_ERROR_CODES.get(str(getattr(error, "error_type", "")))
            if code is None or not handles(response):
                raise
            raise JsonRESTError(code, str(getattr(error, "message", error.description))) from None

    return authenticate_and_authorize


def authorize_as(
    response: BaseResponse, action: str, authorize: Callable[..., None], *args: Any, **kwargs: Any
) -> None:
    """moto's IAM check of this request as if it were ``action`` (the response object is per request)."""
    response._get_action = lambda: action  # type: ignore[method-assign]
    try:
        authorize(response, *args, **kwargs)
    finally:
        del response._get_action


def install() -> list[str]:
    """Add the association actions to moto's SSM dispatch; idempotent. Returns the actions added."""
    cloudformation.install()  # AWS::SSM::Association in moto's CloudFormation
    with _lock:
        for operation, handler in HANDLERS.items():
            attribute = handler.__name__
            if attribute in _installed:
                continue
            native = vars(SimpleSystemManagerResponse).get(attribute)
            claims = CLAIMS.get(operation)
            if native is not None and claims is None:
                continue  # moto implements it: moto's wins
            attached = handler if native is None else shared_handler(handler, native, claims)
            setattr(SimpleSystemManagerResponse, attribute, attached)
            _installed[attribute] = (attached, native)
        if AUTHORIZE not in _installed:
            # Inherited from moto's BaseResponse: uninstall deletes ours and inheritance resumes.
            own = vars(SimpleSystemManagerResponse).get(AUTHORIZE)
            wrapped = json_auth_errors(getattr(SimpleSystemManagerResponse, AUTHORIZE))
            setattr(SimpleSystemManagerResponse, AUTHORIZE, wrapped)
            _installed[AUTHORIZE] = (wrapped, own)
        return sorted(name for name in _installed if name != AUTHORIZE)


def uninstall() -> None:
    """Remove everything ``install`` added, restoring moto exactly."""
    with _lock:
        for attribute, (attached, native) in list(_installed.items()):
            if vars(SimpleSystemManagerResponse).get(attribute) is attached:
                if native is None:
                    delattr(SimpleSystemManagerResponse, attribute)
                else:
                    setattr(SimpleSystemManagerResponse, attribute, native)
            del _installed[attribute]
    cloudformation.uninstall()


def is_installed() -> bool:
    return bool(_installed)
