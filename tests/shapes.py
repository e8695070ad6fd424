"""Check parsed boto3 responses against botocore's output shapes.

A response passes when every key is a member of its shape (no invented fields) and every
value has the Python type botocore's parser produces for that shape.
"""

from __future__ import annotations

import datetime
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StructureShape

_MODEL = botocore.session.get_session().get_service_model("ssm")
_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "timestamp": (datetime.datetime,),
    "double": (float, int),
    "float": (float, int),
}


def shape_errors(shape: Shape, value: Any, path: str = "") -> list[str]:
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            return [f"{path}: expected structure, got {type(value).__name__}"]
        errors = []
        for key, item in value.items():
            if key == "ResponseMetadata" and not path:
                continue
            if key not in shape.members:
                errors.append(f"{path}.{key}: not a member of {shape.name}")
                continue
            errors.extend(shape_errors(shape.members[key], item, f"{path}.{key}"))
        return errors
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            return [f"{path}: expected list, got {type(value).__name__}"]
        return [error for i, item in enumerate(value) for error in shape_errors(shape.member, item, f"{path}[{i}]")]
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            return [f"{path}: expected map, got {type(value).__name__}"]
        return [error for key, item in value.items() for error in shape_errors(shape.value, item, f"{path}[{key}]")]
    expected = _SCALARS.get(shape.type_name)
    if expected and (not isinstance(value, expected) or (shape.type_name != "boolean" and isinstance(value, bool))):
        return [f"{path}: expected {shape.type_name}, got {type(value).__name__} {value!r}"]
    return []


def assert_output_shape(operation: str, response: dict[str, Any]) -> dict[str, Any]:
    """Assert ``response`` fits ``operation``'s output shape; return it for chaining."""
    shape = _MODEL.operation_model(operation).output_shape
    errors = shape_errors(shape, response) if shape is not None else []
    assert not errors, f"{operation} response does not match botocore's output shape: {errors}"
    return response
