"""Turning handler output and errors into responses, across moto versions.

moto >= 5.1.2 serialises an ``ActionResult`` against botocore's output shape (dropping
``None`` members, writing timestamps as epoch seconds) and serialises a raised
``ServiceException`` as the modelled error. Older moto (5.0.x, 5.1.0, 5.1.1) has neither:
there, the same JSON is written here.
"""

from __future__ import annotations

import calendar
import functools
import json
from datetime import datetime
from typing import Any, Mapping

from .exceptions import SSMAssociationError

try:
    from moto.core.responses import ActionResult as _ActionResult
    from moto.core.serialize import TimestampSerializer as _TimestampSerializer
except ImportError:  # pragma: no cover - moto < 5.1.2
    _action_result: Any = None
else:

    class _FloatTimestamps(_TimestampSerializer):
        """Epoch timestamps as JSON floats: AWS writes 1424421071.0 where moto writes 1424421071."""

        @staticmethod
        def _timestamp_unixtimestamp(value: datetime) -> float:
            # Computed here rather than by moto, whose precision varies across 5.1.x/5.2.x.
            return epoch_seconds(value)

    @functools.cache
    def _with_float_timestamps(serializer_class: type) -> type:
        class FloatTimestampSerializer(serializer_class):  # type: ignore[misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                if hasattr(self, "_timestamp_serializer"):
                    self._timestamp_serializer = _FloatTimestamps(self.DEFAULT_TIMESTAMP_FORMAT)

        return FloatTimestampSerializer

    class AwsJsonResult(_ActionResult):
        """moto's ActionResult, serialised with AWS's float timestamps."""

        def execute_result(self, context: Any) -> Any:
            context.serializer_class = _with_float_timestamps(context.serializer_class)
            return super().execute_result(context)

    _action_result = AwsJsonResult

MOTO_SERIALISES = _action_result is not None
# What moto >= 5.1.2 sends with SSM's responses; older moto would send text/html.
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


def success_response(output: Mapping[str, Any]) -> Any:
    if _action_result is not None:
        return _action_result(dict(output))
    # moto < 5.1.2 (its call_action takes a (body, headers) pair); run by the nox matrix.
    return json.dumps(to_wire(output)), {"Content-Type": JSON_CONTENT_TYPE}  # pragma: no cover - moto < 5.1.2


def error_response(error: SSMAssociationError) -> Any:
    """Let moto serialise the error where it can; otherwise write awsJson's error body."""
    if MOTO_SERIALISES:
        raise error
    # moto < 5.1.2: the awsJson error, as the modelled ServiceException would produce it.
    return _error_body(error), _error_headers(error)  # pragma: no cover - moto < 5.1.2


def _error_body(error: SSMAssociationError) -> str:  # pragma: no cover - moto < 5.1.2
    return json.dumps({"__type": error.code, "message": error.message})


def _error_headers(error: SSMAssociationError) -> dict[str, Any]:  # pragma: no cover - moto < 5.1.2
    return {"status": error.status_code, "X-Amzn-ErrorType": error.code, "Content-Type": JSON_CONTENT_TYPE}


def to_wire(value: Any) -> Any:
    """JSON-ready output: no ``None`` members, timestamps as epoch seconds (ms precision)."""
    if isinstance(value, Mapping):
        return {key: to_wire(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [to_wire(item) for item in value]
    if isinstance(value, datetime):
        return epoch_seconds(value)
    return value


def epoch_seconds(value: datetime) -> float:
    """Epoch seconds as a float, truncated to milliseconds (Smithy's rule, as moto 5.2 applies it)."""
    return float(calendar.timegm(value.timetuple())) + (value.microsecond // 1000) / 1000.0
