"""Turning handler output and errors into responses, across moto versions.

moto >= 5.1.2 serialises an ``ActionResult`` against botocore's output shape (dropping
``None`` members, writing timestamps as epoch seconds) and serialises a raised
``ServiceException`` as the modelled error. Older moto has neither: there, the same
JSON is written here.
"""

from __future__ import annotations

import calendar
import json
from datetime import datetime
from typing import Any, Mapping

from .exceptions import SSMAssociationError

try:
    from moto.core.responses import ActionResult as _ActionResult

    _action_result: Any = _ActionResult
except ImportError:  # pragma: no cover - moto < 5.1.2
    _action_result = None

MOTO_SERIALISES = _action_result is not None


def success_response(output: Mapping[str, Any]) -> Any:
    if _action_result is not None:
        return _action_result(dict(output))
    return json.dumps(to_wire(output))  # pragma: no cover - moto < 5.1.2


def error_response(error: SSMAssociationError) -> Any:
    """Let moto serialise the error where it can; otherwise write awsJson's error body."""
    if MOTO_SERIALISES:
        raise error
    body = json.dumps({"__type": error.code, "message": error.message})  # pragma: no cover - moto < 5.1.2
    return body, {"status": error.status_code, "X-Amzn-ErrorType": error.code}  # pragma: no cover


def to_wire(value: Any) -> Any:
    """JSON-ready output: no ``None`` members, timestamps as epoch seconds (ms precision)."""
    if isinstance(value, Mapping):
        return {key: to_wire(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [to_wire(item) for item in value]
    if isinstance(value, datetime):
        return calendar.timegm(value.timetuple()) + (value.microsecond // 1000) / 1000.0
    return value
