"""Check parsed boto3 responses against botocore's output shapes, with botocore's own validator.

``botocore.validate.ParamValidator`` checks a request against its input shape: every key a member
(no invented fields), required members present, lengths and numbers at least their minimum, every
value of its type. A response is checked the same way against its output shape, with two rules
stricter than for a request, because botocore's parser produces exactly these types: a timestamp
is a ``datetime`` (not a string to parse), and a number is never a ``bool``.
"""

from __future__ import annotations

import datetime
from typing import Any

import botocore.session
from botocore.validate import ParamValidator

_MODEL = botocore.session.get_session().get_service_model("ssm")


class OutputValidator(ParamValidator):  # type: ignore[misc]  # botocore is untyped
    """botocore's validator, with the types botocore's parser gives a timestamp and a number."""

    def _validate_timestamp(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        if not isinstance(param, datetime.datetime):
            errors.report(name, "invalid type", param=param, valid_types=[str(datetime.datetime)])

    def _validate_integer(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        if isinstance(param, bool):
            errors.report(name, "invalid type", param=param, valid_types=[str(int)])
        else:
            super()._validate_integer(param, shape, errors, name)

    def _validate_long(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        if isinstance(param, bool):
            errors.report(name, "invalid type", param=param, valid_types=[str(int)])
        else:
            super()._validate_long(param, shape, errors, name)

    def _validate_double(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        if isinstance(param, bool):
            errors.report(name, "invalid type", param=param, valid_types=[str(float), str(int)])
        else:
            super()._validate_double(param, shape, errors, name)

    _validate_float = _validate_double


def assert_output_shape(operation: str, response: dict[str, Any]) -> dict[str, Any]:
    """Assert ``response`` fits ``operation``'s output shape; return it for chaining."""
    shape = _MODEL.operation_model(operation).output_shape
    if shape is not None:
        body = {key: value for key, value in response.items() if key != "ResponseMetadata"}
        errors = OutputValidator().validate(body, shape)
        assert not errors.has_errors(), (
            f"{operation} response does not match botocore's output shape:\n{errors.generate_report()}"
        )
    return response
