"""Attach the association handlers to moto's own SSM dispatch.

moto looks up the handler for ``X-Amz-Target: AmazonSSM.<Action>`` on
``SimpleSystemManagerResponse`` at every request, so setting attributes there reaches
in-process mocks and a running moto server alike, survives ``mock_aws`` start/stop and
nesting, and is undone by deleting them. An action moto implements natively is left to
moto: a future native implementation wins. The exception is an action moto shares with
us (the tag calls): there our handler takes the requests it claims and passes the rest
to moto's own method.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.core.responses import BaseResponse
from moto.ssm.responses import SimpleSystemManagerResponse

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
        return sorted(_installed)


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
