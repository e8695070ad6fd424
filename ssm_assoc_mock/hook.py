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

When: importing the package only arms this (``arm``), importing nothing of moto. The
handlers and the IAM wrapper are attached when moto imports ``moto.ssm.responses`` (at the
first SSM request, or at once if it already has), ``AWS::SSM::Association`` is registered
when moto imports ``moto.cloudformation``, and the ``ssm::association`` state-manager
default when moto loads its state manager; see post_import.py.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

from . import post_import
from .state_model import register_default_transition

if TYPE_CHECKING:
    from moto.core.responses import BaseResponse

    from .responses import Handler

SSM_RESPONSES = "moto.ssm.responses"
CLOUDFORMATION = "moto.cloudformation"  # its package import loads the parsing module with the resource map
STATE_MANAGER = "moto.moto_api"

_lock = threading.RLock()
# False after uninstall: a callback already on its way then does nothing.
_armed = False
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
    from .responses import CLAIMS, HANDLERS

    operation = response._get_action()
    if operation not in HANDLERS:
        return False
    claims = CLAIMS.get(operation)
    return claims is None or claims(response)


def json_auth_errors(authorize: Callable[..., None]) -> Callable[..., None]:
    """moto's IAM check, with its denials of our actions re-raised as AWS's JSON errors."""

    from moto import settings
    from moto.core.exceptions import JsonRESTError
    from werkzeug.exceptions import HTTPException

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


def _attach(module: ModuleType) -> None:
    """Add the association actions and the IAM wrapper to moto's SSM dispatch (moto's ``module``)."""
    from .responses import CLAIMS, HANDLERS

    responses_class = module.SimpleSystemManagerResponse
    with _lock:
        if not _armed:
            return  # uninstalled meanwhile
        for operation, handler in HANDLERS.items():
            attribute = handler.__name__
            if attribute in _installed:
                continue
            native = vars(responses_class).get(attribute)
            claims = CLAIMS.get(operation)
            if native is not None and claims is None:
                continue  # moto implements it: moto's wins
            attached = handler if native is None else shared_handler(handler, native, claims)
            setattr(responses_class, attribute, attached)
            _installed[attribute] = (attached, native)
        if AUTHORIZE not in _installed:
            # Inherited from moto's BaseResponse: uninstall deletes ours and inheritance resumes.
            own = vars(responses_class).get(AUTHORIZE)
            wrapped = json_auth_errors(getattr(responses_class, AUTHORIZE))
            setattr(responses_class, AUTHORIZE, wrapped)
            _installed[AUTHORIZE] = (wrapped, own)


def _register_resource(module: ModuleType) -> None:
    """``AWS::SSM::Association`` in moto's CloudFormation (``module``: ``moto.cloudformation``)."""
    from . import cloudformation

    # Not under _lock: install imports moto's CloudFormation responses, and an import must not
    # wait for a lock that another thread's import callback (_attach) may be waiting for.
    if _armed:
        cloudformation.install()
        if not _armed:  # uninstalled meanwhile
            cloudformation.uninstall()


def _register_state_model(module: ModuleType) -> None:
    register_default_transition(module.state_manager)


_CALLBACKS: tuple[tuple[str, Callable[[ModuleType], None]], ...] = (
    (STATE_MANAGER, _register_state_model),
    (SSM_RESPONSES, _attach),
    (CLOUDFORMATION, _register_resource),
)


def arm() -> None:
    """Attach everything when moto imports the modules it goes into (at once for those it has)."""
    global _armed
    with _lock:
        _armed = True
    # Not under _lock: a callback may run now, and may wait for another thread's import.
    for name, callback in _CALLBACKS:
        post_import.when_imported(name, callback)


def install() -> list[str]:
    """Add the association actions to moto's SSM dispatch now; idempotent. Returns the actions added.

    Imports moto's SSM responses module if moto has not yet. CloudFormation's resource is
    registered when moto imports its CloudFormation (at once if it has).
    """
    arm()
    import moto.ssm.responses  # noqa: F401  (the import runs _attach)

    with _lock:
        return sorted(name for name in _installed if name != AUTHORIZE)


def uninstall() -> None:
    """Remove everything ``install`` or ``arm`` added or would add, restoring moto exactly."""
    global _armed
    with _lock:
        _armed = False
        for name, callback in _CALLBACKS:
            if callback is not _register_state_model:  # moto's default for our model stays: it is inert
                post_import.cancel(name, callback)
        ssm_responses = sys.modules.get(SSM_RESPONSES)
        for attribute, (attached, native) in list(_installed.items()):
            responses_class = getattr(ssm_responses, "SimpleSystemManagerResponse", None)
            if responses_class is not None and vars(responses_class).get(attribute) is attached:
                if native is None:
                    delattr(responses_class, attribute)
                else:
                    setattr(responses_class, attribute, native)
            del _installed[attribute]
        cloudformation = sys.modules.get(f"{__package__}.cloudformation")
        if cloudformation is not None:  # never imported: nothing registered
            cloudformation.uninstall()


def is_installed() -> bool:
    """True if the actions are attached, or will be when moto imports its SSM responses."""
    return bool(_installed) or post_import.is_pending(SSM_RESPONSES, _attach)
