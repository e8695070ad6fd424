"""Server-side input validation driven by botocore's SSM service model.

boto3 checks only required members, JSON types and minimums before sending; AWS checks
every constraint in the model (max length, pattern, enum, range, list and map sizes) and
answers ``ValidationException`` in its own message format. Nothing here copies a limit or
a pattern by hand: every rule is read from the installed model.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Mapping

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from .exceptions import SerializationException, ValidationException

# Java regex classes that Python's ``re`` spells differently. Java's \w, \d and \s are
# ASCII-only; Python's are Unicode-aware. \p{Z} is Unicode's separator category.
_UNICODE_SEPARATORS = "\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CLASS_ESCAPES = {
    r"\w": ("[A-Za-z0-9_]", "A-Za-z0-9_"),
    r"\d": ("[0-9]", "0-9"),
    r"\s": ("[ \t\n\x0b\f\r]", " \t\n\x0b\f\r"),
    r"\S": ("[^ \t\n\x0b\f\r]", None),
    # Unicode \w is exactly letters, numbers and '_'; every model class using these has '_'.
    r"\p{L}": ("[^\\W\\d_]", "\\w"),
    r"\p{N}": ("[^\\W_]", "\\w"),
    r"\p{Z}": (f"[{_UNICODE_SEPARATORS}]", _UNICODE_SEPARATORS),
}
_ESCAPE = re.compile(r"\\p\{[A-Z]\}|\\.")
SENSITIVE_PLACEHOLDER = "*** Sensitive Data Redacted ***"


@functools.cache
def service_model() -> ServiceModel:
    """botocore's SSM model, loaded once per process.

    moto 5.1 and later load it for their own request parsing and cache it
    (``moto.core.utils.get_service_model``): sharing that copy spares the first association
    call a second load of the same file. moto 5.0 has no such cache.
    """
    try:
        from moto.core.utils import get_service_model
    except ImportError:
        return botocore.session.get_session().get_service_model("ssm")
    return get_service_model("ssm")


@functools.cache
def operation_model(operation: str) -> OperationModel:
    return service_model().operation_model(operation)


@functools.cache
def compile_model_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a pattern from the model (Java syntax) into an equivalent Python regex."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            match = _ESCAPE.match(pattern, index)
            token = match.group(0) if match else char
            outside, inside = _CLASS_ESCAPES.get(token, (token, token))
            out.append((inside or outside) if in_class else outside)
            index += len(token)
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class and out and out[-1] != "[":
            in_class = False
        out.append(char)
        index += 1
    return re.compile("".join(out))


def matches_model_pattern(shape: Shape, value: str) -> bool:
    """True if ``value`` satisfies the shape's pattern, matched whole as AWS does."""
    pattern = shape.metadata.get("pattern")
    return pattern is None or compile_model_pattern(pattern).fullmatch(value) is not None


def camel_path(member_name: str) -> str:
    """AWS names members in messages with a lower-case first letter: 'associationId'."""
    return member_name[:1].lower() + member_name[1:]


def render_value(value: Any) -> str:
    """Render a value the way AWS's (Java) validator prints it in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(render_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={render_value(item)}" for key, item in value.items()) + "}"
    return str(value)


class _Checker:
    """Walks a request against an input shape and collects every violation."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def violation(self, value: Any, path: str, constraint: str, sensitive: bool = False) -> None:
        shown = "null" if value is None else f"'{SENSITIVE_PLACEHOLDER if sensitive else render_value(value)}'"
        self.errors.append(f"Value {shown} at '{path}' failed to satisfy constraint: Member must {constraint}")

    def check(self, shape: Shape, value: Any, path: str, sensitive: bool = False) -> None:
        sensitive = sensitive or bool(shape.metadata.get("sensitive"))
        handler = self._handlers.get(shape.type_name, _Checker._check_nothing)
        handler(self, shape, value, path, sensitive)

    def _check_structure(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            raise_wrong_type(path, "structure", value)
        required = set(shape.required_members)
        for name, member in shape.members.items():
            member_path = f"{path}.{camel_path(name)}" if path else camel_path(name)
            item = value.get(name)
            if item is None:
                if name in required:
                    self.violation(None, member_path, "not be null")
                continue
            self.check(member, item, member_path, sensitive)

    def _check_list(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        assert isinstance(shape, ListShape)
        if not isinstance(value, list):
            raise_wrong_type(path, "list", value)
        self._check_size(shape, value, path, sensitive)
        for index, item in enumerate(value, start=1):
            if item is None:
                self.violation(None, f"{path}.{index}.member", "not be null")
                continue
            self.check(shape.member, item, f"{path}.{index}.member", sensitive)

    def _check_map(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        assert isinstance(shape, MapShape)
        if not isinstance(value, dict):
            raise_wrong_type(path, "map", value)
        self._check_size(shape, value, path, sensitive)
        for key, item in value.items():
            self.check(shape.key, key, f"{path}.key", sensitive)
            if item is None:
                self.violation(None, f"{path}.{key}", "not be null")
                continue
            self.check(shape.value, item, f"{path}.{key}", sensitive)

    def _check_string(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        if not isinstance(value, str):
            raise_wrong_type(path, "string", value)
        self._check_size(shape, value, path, sensitive)
        enum = shape.enum
        if enum and value not in enum:
            self.violation(value, path, f"satisfy enum value set: [{', '.join(enum)}]", sensitive)
        pattern = shape.metadata.get("pattern")
        if pattern is not None and not matches_model_pattern(shape, value):
            self.violation(value, path, f"satisfy regular expression pattern: {pattern}", sensitive)

    def _check_number(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise_wrong_type(path, "integer", value)
        minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
        if minimum is not None and value < minimum:
            self.violation(value, path, f"have value greater than or equal to {minimum}", sensitive)
        if maximum is not None and value > maximum:
            self.violation(value, path, f"have value less than or equal to {maximum}", sensitive)

    def _check_boolean(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        if not isinstance(value, bool):
            raise_wrong_type(path, "boolean", value)

    def _check_timestamp(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise_wrong_type(path, "timestamp", value)

    def _check_nothing(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        return None

    def _check_size(self, shape: Shape, value: Any, path: str, sensitive: bool) -> None:
        minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
        if minimum is not None and len(value) < minimum:
            self.violation(value, path, f"have length greater than or equal to {minimum}", sensitive)
        if maximum is not None and len(value) > maximum:
            self.violation(value, path, f"have length less than or equal to {maximum}", sensitive)

    _handlers: Mapping[str, Callable[[_Checker, Shape, Any, str, bool], None]] = {
        "structure": _check_structure,
        "list": _check_list,
        "map": _check_map,
        "string": _check_string,
        "integer": _check_number,
        "long": _check_number,
        "boolean": _check_boolean,
        "timestamp": _check_timestamp,
    }


def raise_wrong_type(path: str, expected: str, value: Any) -> None:
    where = path or "the request body"
    raise SerializationException(
        f"Expected a {expected} at '{where}' but found {type(value).__name__} {render_value(value)!s:.80}"
    )


def validation_message(errors: list[str]) -> str:
    noun = "error" if len(errors) == 1 else "errors"
    return f"{len(errors)} validation {noun} detected: " + "; ".join(errors)


def validate_request(operation: str, params: Any) -> None:
    """Check a decoded JSON request against the operation's input shape.

    Raises ``SerializationException`` for a member of the wrong JSON type and
    ``ValidationException`` listing every constraint violation, as AWS does.
    """
    shape = operation_model(operation).input_shape
    if shape is None:
        return
    checker = _Checker()
    checker.check(shape, params, "")
    if checker.errors:
        raise ValidationException(validation_message(checker.errors))


@functools.cache
def member_shape(structure: str, member: str) -> Shape:
    """The shape of one member of a named structure, e.g. ('Target', 'Key'); built once per process."""
    shape = service_model().shape_for(structure)
    assert isinstance(shape, StructureShape)
    return shape.members[member]


def enum_values(structure: str, member: str) -> list[str]:
    return list(member_shape(structure, member).enum)
