"""Attach the association handlers to moto's own SSM dispatch.

moto looks up the handler for ``X-Amz-Target: AmazonSSM.<Action>`` on
``SimpleSystemManagerResponse`` at every request, so setting attributes there reaches
in-process mocks and a running moto server alike, survives ``mock_aws`` start/stop and
nesting, and is undone by deleting them. An action moto implements natively is left to
moto: a future native implementation wins.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.ssm.responses import SimpleSystemManagerResponse

from . import cloudformation
from .responses import HANDLERS

_lock = threading.Lock()
_installed: dict[str, Any] = {}


def install() -> list[str]:
    """Add the association actions to moto's SSM dispatch; idempotent. Returns the actions added."""
    cloudformation.install()  # AWS::SSM::Association in moto's CloudFormation
    with _lock:
        for handler in HANDLERS.values():
            attribute = handler.__name__
            if attribute in _installed or attribute in vars(SimpleSystemManagerResponse):
                continue
            setattr(SimpleSystemManagerResponse, attribute, handler)
            _installed[attribute] = handler
        return sorted(_installed)


def uninstall() -> None:
    """Remove everything ``install`` added, restoring moto exactly."""
    with _lock:
        for attribute, handler in list(_installed.items()):
            if vars(SimpleSystemManagerResponse).get(attribute) is handler:
                delattr(SimpleSystemManagerResponse, attribute)
            del _installed[attribute]
    cloudformation.uninstall()


def is_installed() -> bool:
    return bool(_installed)
