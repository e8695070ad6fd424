"""Turning handler output and errors into awsJson responses, on every moto 5.x.

Output is written here, guided by the operation's output shape in botocore's model: members
the shape does not have and ``None`` values are dropped, timestamps become epoch seconds as
JSON floats (AWS writes ``1424421071.0``). moto >= 5.1.2 could do this through its generic
``ActionResult`` serialiser, but that walks the shape with far more work than a request's own
handling (see benchmarks/), and moto < 5.1.2 has none. Errors are written here too, as
awsJson's ``{"__type": code, "message": ...}`` with ``X-Amzn-ErrorType``: one path on every
moto version, and no moto warning for the codes outside SSM's model that AWS sends for
every JSON service (``SerializationException``, ``AccessDeniedException``).
"""

from __future__ import annotations

import calendar
import json
from datetime import datetime
from typing import Any, Mapping

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .exceptions import SSMAssociationError
from .validation import operation_model

# What AWS (and moto >= 5.1.2) sends with SSM's responses; older moto would send text/html.
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


def success_response(operation: str, output: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The (body, headers) pair moto's ``call_action`` takes from a handler."""
    body = json.dumps(to_wire(output, operation_model(operation).output_shape))
    return body, {"Content-Type": JSON_CONTENT_TYPE}


def error_response(error: SSMAssociationError) -> tuple[str, dict[str, Any]]:
    """The awsJson error as a (body, headers) pair, the status among the headers as moto takes it."""
    body = json.dumps({"__type": error.code, "message": error.message})
    return body, {"status": error.status_code, "X-Amzn-ErrorType": error.code, "Content-Type": JSON_CONTENT_TYPE}


def to_wire(value: Any, shape: Shape | None = None) -> Any:
    """JSON-ready output for ``shape``: only its members, no ``None``, timestamps as epoch floats.

    Without a shape (or below a member the model leaves open) every key is kept.
    """
    if isinstance(value, Mapping):
        if isinstance(shape, StructureShape):
            members = shape.members
            return {
                key: to_wire(item, members[key]) for key, item in value.items() if item is not None and key in members
            }
        inner = shape.value if isinstance(shape, MapShape) else None
        return {key: to_wire(item, inner) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        member = shape.member if isinstance(shape, ListShape) else None
        return [to_wire(item, member) for item in value]
    if isinstance(value, datetime):
        return epoch_seconds(value)
    return value


def epoch_seconds(value: datetime) -> float:
    """Epoch seconds as a float, truncated to milliseconds (Smithy's rule, as moto 5.2 applies it)."""
    return float(calendar.timegm(value.timetuple())) + (value.microsecond // 1000) / 1000.0
