"""Turning handler output and errors into awsJson responses, on every moto 5.x.

Output is written here, guided by the operation's output shape in botocore's model: members
the shape does not have and ``None`` values are dropped, timestamps become epoch seconds as
JSON floats (AWS writes ``1424421071.0``). moto >= 5.1.2 could do this through its generic
``ActionResult`` serialiser, but that walks the shape with far more work than a request's own
handling (see benchmarks/), and moto < 5.1.2 has none. Errors go through moto where it
serialises a raised ``ServiceException`` (moto >= 5.1.2), and are written here otherwise.
"""

from __future__ import annotations

import calendar
import functools
import json
from datetime import datetime
from typing import Any, Mapping

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .exceptions import SSMAssociationError
from .validation import operation_model, service_model

try:  # moto >= 5.1.2: call_action serialises a raised ServiceException (our errors' base there)
    from moto.core.responses import ActionResult  # noqa: F401
except ImportError:  # pragma: no cover - moto < 5.1.2
    MOTO_SERIALISES_ERRORS = False
else:
    MOTO_SERIALISES_ERRORS = True

# What AWS (and moto >= 5.1.2) sends with SSM's responses; older moto would send text/html.
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


def success_response(operation: str, output: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The (body, headers) pair moto's ``call_action`` takes from a handler."""
    body = json.dumps(to_wire(output, operation_model(operation).output_shape))
    return body, {"Content-Type": JSON_CONTENT_TYPE}


def error_response(error: SSMAssociationError) -> Any:
    """Let moto serialise a modelled error where it can; otherwise write awsJson's error body.

    moto warns about every error code outside the service model (ValidationException and
    SerializationException, which AWS sends for every JSON service): those are written here.
    """
    if MOTO_SERIALISES_ERRORS and error.code in modelled_error_codes():
        raise error
    return _error_body(error), _error_headers(error)


@functools.cache
def modelled_error_codes() -> frozenset[str]:
    return frozenset(shape.name for shape in service_model().error_shapes)


def _error_body(error: SSMAssociationError) -> str:
    return json.dumps({"__type": error.code, "message": error.message})


def _error_headers(error: SSMAssociationError) -> dict[str, Any]:
    return {"status": error.status_code, "X-Amzn-ErrorType": error.code, "Content-Type": JSON_CONTENT_TYPE}


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
