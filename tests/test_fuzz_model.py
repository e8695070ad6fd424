"""Property-based tests generated from botocore's SSM input shapes.

Every operation in ``ssm_assoc_mock.responses.HANDLERS`` is covered, so an operation added
later is fuzzed without touching this file; moto's document operations, which the package takes
only for AWS-owned documents (``DOCUMENT_OPERATIONS``), are moto's to answer and are left out.
Strategies are derived from the model alone (lengths, enums, ranges, list and map sizes,
patterns through ``compile_model_pattern``):

- *valid* requests must succeed (and fit the output shape) or fail with an error code that
  the operation models, or ``ValidationException`` (AWS's semantic checks use it too);
- *invalid* requests violate exactly one constraint, or put a value of the wrong JSON type
  somewhere, and must fail with ``ValidationException``/``SerializationException`` or a
  modelled code. They are sent by a client with ``parameter_validation=False``.

Neither may produce HTTP 500, ``InternalServerError`` or a Python exception. The mock is
started once per test function; each test runs its hypothesis loop inside it.

Slow (``-m "not slow"`` leaves it out); ``HYPOTHESIS_PROFILE=deep`` runs many more examples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Sequence

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from hypothesis import given
from hypothesis import strategies as st
from moto import mock_aws

import ssm_assoc_mock
from ssm_assoc_mock.responses import DOCUMENT_OPERATIONS, HANDLERS
from ssm_assoc_mock.validation import compile_model_pattern, operation_model

from .helpers import INSTANCE, REGION
from .shapes import assert_output_shape

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("reuse_boto3_session")]
OPERATIONS = sorted(set(HANDLERS) - DOCUMENT_OPERATIONS)
# How far past a lower bound a generated collection or unconstrained string may grow.
SPAN = 3
TEXT_SPAN = 24
# Path steps into a request: a structure member name, LIST (first item), KEY / VALUE (first entry).
LIST, KEY, VALUE = "[]", "{key}", "{value}"
Path = tuple[str, ...]
Hints = Mapping[str, Sequence[Any]]
NON_SURROGATE = st.characters(exclude_categories=("Cs",))


# --- the model ---------------------------------------------------------------------------


def bounds(shape: Shape) -> tuple[int | None, int | None]:
    minimum, maximum = shape.metadata.get("min"), shape.metadata.get("max")
    return (None if minimum is None else int(minimum), None if maximum is None else int(maximum))


def children(shape: Shape) -> list[tuple[str, Shape]]:
    if isinstance(shape, StructureShape):
        return list(shape.members.items())
    if isinstance(shape, ListShape):
        return [(LIST, shape.member)]
    if isinstance(shape, MapShape):
        return [(KEY, shape.key), (VALUE, shape.value)]
    return []


def string_fits(shape: Shape, value: str) -> bool:
    minimum, maximum = bounds(shape)
    if (minimum is not None and len(value) < minimum) or (maximum is not None and len(value) > maximum):
        return False
    if shape.enum and value not in shape.enum:
        return False
    pattern = shape.metadata.get("pattern")
    return pattern is None or compile_model_pattern(pattern).fullmatch(value) is not None


# --- valid values ------------------------------------------------------------------------


def string_strategy(shape: Shape) -> st.SearchStrategy[str]:
    if shape.enum:
        return st.sampled_from(list(shape.enum))
    minimum, maximum = bounds(shape)
    low = minimum or 0
    pattern = shape.metadata.get("pattern")
    if pattern is not None:
        generated = st.from_regex(compile_model_pattern(pattern), fullmatch=True)
        return generated.filter(lambda value: string_fits(shape, value))
    high = low + TEXT_SPAN if maximum is None else min(maximum, low + TEXT_SPAN)
    text = st.text(NON_SURROGATE, min_size=low, max_size=high)
    if maximum is None or maximum <= high:
        return text
    # The upper bound itself: a short random unit repeated to exactly the maximum length.
    at_maximum = st.text(NON_SURROGATE, min_size=1, max_size=3).map(lambda unit: (unit * maximum)[:maximum])
    return st.one_of(text, at_maximum)


def number_strategy(shape: Shape) -> st.SearchStrategy[int]:
    minimum, maximum = bounds(shape)
    return st.integers(min_value=minimum, max_value=maximum)


TIMESTAMPS: st.SearchStrategy[Any] = st.one_of(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(min_value=0, max_value=2**32),
)


def valid_value(shape: Shape, hints: Hints, hint_key: str = "", force: Path = ()) -> st.SearchStrategy[Any]:
    """Values that satisfy every constraint of ``shape``.

    ``force`` names a path that must be present in the value (list: at index 0, map: the
    first entry), so that a constraint deep inside the shape can be violated afterwards.
    """
    generated = _valid_value(shape, hints, hint_key, force)
    known = [value for value in hints.get(hint_key, ()) if hint_fits(shape, value)]
    if force or not known:
        return generated
    return st.one_of(st.sampled_from(known), generated)


def hint_fits(shape: Shape, value: Any) -> bool:
    if shape.type_name == "string":
        return isinstance(value, str) and string_fits(shape, value)
    if shape.type_name in ("structure", "map"):
        return isinstance(value, dict)
    return shape.type_name == "list" and isinstance(value, list)


def _valid_value(shape: Shape, hints: Hints, hint_key: str, force: Path) -> st.SearchStrategy[Any]:
    minimum, maximum = bounds(shape)
    if isinstance(shape, StructureShape):
        required = set(shape.required_members)
        if force:
            required.add(force[0])
        fixed = {
            name: valid_value(member, hints, name, force[1:] if force and force[0] == name else ())
            for name, member in shape.members.items()
            if name in required
        }
        optional = {
            name: valid_value(member, hints, name) for name, member in shape.members.items() if name not in required
        }
        return st.fixed_dictionaries(fixed, optional=optional)
    if isinstance(shape, ListShape):
        low = minimum or 0
        high = low + SPAN if maximum is None else min(maximum, low + SPAN)
        item = valid_value(shape.member, hints, hint_key)
        if not force:
            return st.lists(item, min_size=low, max_size=high)
        first = valid_value(shape.member, hints, hint_key, force[1:])
        rest = st.lists(item, min_size=max(low - 1, 0), max_size=max(high - 1, 0))
        return st.tuples(first, rest).map(lambda pair: [pair[0], *pair[1]])
    if isinstance(shape, MapShape):
        low = minimum or 0
        high = low + SPAN if maximum is None else min(maximum, low + SPAN)
        keys = valid_value(shape.key, hints, "")
        values = valid_value(shape.value, hints, hint_key)
        if not force:
            return st.dictionaries(keys, values, min_size=low, max_size=high)
        first_key = valid_value(shape.key, hints, "", force[1:] if force[0] == KEY else ())
        first_value = valid_value(shape.value, hints, hint_key, force[1:] if force[0] == VALUE else ())
        rest = st.dictionaries(keys, values, min_size=max(low - 1, 0), max_size=max(high - 1, 0))
        return st.tuples(first_key, first_value, rest).map(
            lambda t: {t[0]: t[1], **{k: v for k, v in t[2].items() if k != t[0]}}
        )
    if shape.type_name == "string":
        return string_strategy(shape)
    if shape.type_name in ("integer", "long"):
        return number_strategy(shape)
    if shape.type_name == "boolean":
        return st.booleans()
    if shape.type_name == "timestamp":
        return TIMESTAMPS
    raise NotImplementedError(f"no strategy for {shape.type_name} shape {shape.name}")  # a new model type


# --- violations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """One way to break a request: ``kind`` applied at ``path`` (whose shape is ``shape``)."""

    path: Path
    shape: Shape
    kind: str
    member: str = ""  # for kind == "required": the member to drop

    def __repr__(self) -> str:
        where = ".".join(self.path) or "<body>"
        return f"Site({where}: {self.kind}{' ' + self.member if self.member else ''})"


def violation_sites(shape: Shape, path: Path = (), seen: frozenset[str] = frozenset()) -> list[Site]:
    """Every single-constraint violation and wrong-type replacement the shape allows."""
    sites: list[Site] = []
    minimum, maximum = bounds(shape)
    is_map_key = bool(path) and path[-1] == KEY
    if not is_map_key:  # JSON object keys are always strings
        sites.append(Site(path, shape, "wrong-type"))
    if isinstance(shape, StructureShape):
        sites.extend(Site(path, shape, "required", member) for member in shape.required_members)
    elif isinstance(shape, (ListShape, MapShape)):
        if maximum is not None:
            sites.append(Site(path, shape, "too-many"))
        if minimum:
            sites.append(Site(path, shape, "too-few"))
    elif shape.type_name == "string":
        if maximum is not None:
            sites.append(Site(path, shape, "too-long"))
        if minimum:
            sites.append(Site(path, shape, "too-short"))
        if shape.enum:
            sites.append(Site(path, shape, "enum"))
        if shape.metadata.get("pattern") is not None and non_matching_strings(shape):
            sites.append(Site(path, shape, "pattern"))
    elif shape.type_name in ("integer", "long"):
        if minimum is not None:
            sites.append(Site(path, shape, "below-min"))
        if maximum is not None:
            sites.append(Site(path, shape, "above-max"))
    if shape.name in seen:  # a recursive shape: stop descending
        return sites
    for step, child in children(shape):
        sites.extend(violation_sites(child, (*path, step), seen | {shape.name}))
    return sites


_PROBES = ("", " ", "!", "#", "$", "%", "..", "a b", "\n", "\t", "\u00e9", "\u2028", "-", "a" * 300, "\u00a0")


def non_matching_strings(shape: Shape) -> list[str]:
    """Strings of an allowed length that the shape's pattern rejects."""
    minimum, maximum = bounds(shape)
    out = []
    for probe in _PROBES:
        for candidate in (probe, (probe or "#") * (minimum or 1)):
            if maximum is not None:
                candidate = candidate[:maximum]
            if minimum is not None and len(candidate) < minimum:
                continue
            if compile_model_pattern(shape.metadata["pattern"]).fullmatch(candidate) is None:
                out.append(candidate)
    return sorted(set(out))


def wrong_type_values(shape: Shape) -> list[Any]:
    """JSON values of a type the shape does not accept (never null: null means absent)."""
    by_type: dict[str, list[Any]] = {
        "structure": [[], "structure", 7],
        "list": [{}, "list", 7],
        "map": [[], "map", 7],
        "string": [7, 1.5, True, [], {}],
        "integer": ["7", True, [], {}, 1.5],
        "long": ["7", True, [], {}, 1.5],
        "boolean": ["true", 1, [], {}],
        "timestamp": ["yesterday", True, [], {}],
    }
    return by_type.get(shape.type_name, [[], {}])


def invalid_replacement(site: Site, current: Any, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Any:
    """A value breaking exactly ``site``'s constraint, derived from the valid ``current``."""
    shape = site.shape
    minimum, maximum = bounds(shape)
    if site.kind == "wrong-type":
        return draw(st.sampled_from(wrong_type_values(shape)))
    if site.kind == "too-long":
        assert maximum is not None
        unit = draw(st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=3))
        return (unit * (maximum + 1))[: maximum + draw(st.integers(1, 3))]
    if site.kind == "too-short":
        assert minimum
        return current[: minimum - 1]
    if site.kind == "enum":
        return draw(st.text(NON_SURROGATE, min_size=1, max_size=12).filter(lambda value: value not in shape.enum))
    if site.kind == "pattern":
        return draw(st.sampled_from(non_matching_strings(shape)))
    if site.kind == "below-min":
        assert minimum is not None
        return minimum - draw(st.integers(1, 1000))
    if site.kind == "above-max":
        assert maximum is not None
        return maximum + draw(st.integers(1, 1000))
    if site.kind == "too-many" and isinstance(shape, ListShape):
        assert maximum is not None
        item = current[0] if current else draw(valid_value(shape.member, {}))
        return [item] * (maximum + 1)
    if site.kind == "too-many" and isinstance(shape, MapShape):
        assert maximum is not None
        keys = draw(st.lists(string_strategy(shape.key), min_size=maximum + 1, max_size=maximum + 1, unique=True))
        value = next(iter(current.values()))
        return dict.fromkeys(keys, value)
    if site.kind == "too-few":
        assert minimum
        return list(current)[: minimum - 1] if isinstance(current, list) else dict(list(current.items())[: minimum - 1])
    raise AssertionError(f"unknown violation {site}")


def apply_violation(
    request: Any, site: Site, draw: Callable[[st.SearchStrategy[Any]], Any], at_body: bool = True
) -> Any:
    """Return a copy of ``request`` with ``site`` violated (the path exists: it was forced)."""
    if not site.path:
        if site.kind == "required":
            return {key: value for key, value in request.items() if key != site.member}
        if site.kind == "wrong-type" and at_body:  # the whole body: another JSON type, or no JSON at all
            return draw(st.sampled_from([[], "body", 7, RAW_NOT_JSON]))
        return invalid_replacement(site, request, draw)
    step, rest = site.path[0], Site(site.path[1:], site.shape, site.kind, site.member)
    if step == LIST:
        return [apply_violation(request[0], rest, draw, False), *request[1:]]
    if step in (KEY, VALUE):
        first_key = next(iter(request))
        others = {key: value for key, value in request.items() if key != first_key}
        if step == VALUE:
            return {first_key: apply_violation(request[first_key], rest, draw, False), **others}
        new_key = apply_violation(first_key, rest, draw, False)
        return {new_key: request[first_key], **{key: value for key, value in others.items() if key != new_key}}
    return {**request, step: apply_violation(request[step], rest, draw, False)}


class RawNotJson:
    def __repr__(self) -> str:
        return "<body that is not JSON>"


RAW_NOT_JSON = RawNotJson()


def to_wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc).timestamp()
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_wire(item) for item in value]
    return value


# --- the mock and its seeded state -------------------------------------------------------


def seed_state(client: Any) -> dict[str, list[Any]]:
    """Documents, managed nodes and associations for generated requests to find.

    Returns hints: member name -> known-good values, mixed into the generated strings so
    that requests reach the behaviour behind the lookups, not only the 'not found' errors.
    """
    ssm_assoc_mock.register_managed_instance(INSTANCE, region_name=REGION, tags={"Env": "prod"})
    content = {
        "schemaVersion": "2.2",
        "description": "fuzz",
        "parameters": {"commands": {"type": "StringList", "default": ["echo hi"]}},
        "mainSteps": [{"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": "{{ commands }}"}}],
    }
    client.create_document(Content=json.dumps(content), Name="fuzz-command-doc", DocumentType="Command")
    legacy = client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    targeted = client.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}],
        Parameters={"commands": ["echo hello"]},
        ScheduleExpression="rate(30 minutes)",
        AssociationName="fuzz-targets",
    )["AssociationDescription"]
    association_ids = [legacy["AssociationId"], targeted["AssociationId"]]
    return {
        "Name": ["AWS-UpdateSSMAgent", "AWS-RunShellScript", "fuzz-command-doc"],
        "InstanceId": [INSTANCE],
        "AssociationId": association_ids,
        "ResourceId": [*association_ids, INSTANCE],
        "ResourceType": ["Association", "ManagedInstance"],
        # The compliance calls: a node, its resource type, built-in and custom types.
        "ResourceIds": [INSTANCE],
        "ResourceTypes": ["ManagedInstance"],
        "ComplianceType": ["Association", "Custom:Fuzz"],
        "AssociationVersion": ["1", "$LATEST"],
        "DocumentVersion": ["$DEFAULT", "$LATEST", "1"],
        "ScheduleExpression": ["rate(30 minutes)", "cron(0 2 ? * SUN *)", "rate(1 day)"],
        "Key": ["InstanceIds", "tag:Env", "ComplianceType", "Status"],
        "Values": [INSTANCE, "prod", "COMPLIANT"],
        "Value": ["AWS-UpdateSSMAgent", INSTANCE, "Pending"],
        "Parameters": [{"commands": ["echo fuzz"]}, {}],
    }


def call(client: Any, operation: str, request: Any) -> Any:
    return getattr(client, xform_name(operation))(**request)


def send_raw_body(client: Any, operation: str, valid_request: Mapping[str, Any], body: Any) -> Any:
    """Send ``body`` (JSON-encoded unless it is RAW_NOT_JSON) in place of what botocore serialised."""
    data = b'{"Name": ' if body is RAW_NOT_JSON else json.dumps(to_wire(body)).encode("utf-8")

    def replace_body(request: Any, **_: Any) -> None:
        request.data = data

    event = f"before-sign.ssm.{operation}"
    client.meta.events.register_first(event, replace_body)
    try:
        return call(client, operation, dict(valid_request))
    finally:
        client.meta.events.unregister(event, replace_body)


def allowed_codes(model: OperationModel, extra: Sequence[str]) -> set[str]:
    return {shape.name for shape in model.error_shapes} - {"InternalServerError"} | set(extra)


def assert_client_error(error: ClientError, allowed: set[str], context: str) -> None:
    code = error.response["Error"]["Code"]
    status = error.response["ResponseMetadata"]["HTTPStatusCode"]
    assert code in allowed, f"{context}: unexpected error code {code!r} ({error})"
    assert status == 400, f"{context}: HTTP {status} for {code} ({error})"


# --- the properties ----------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
def test_valid_requests_succeed_or_fail_with_a_modelled_error(operation: str, aws_credentials: None) -> None:
    model = operation_model(operation)
    allowed = allowed_codes(model, ["ValidationException"])
    with mock_aws():
        client = boto3.client("ssm", region_name=REGION)
        hints = seed_state(client)

        @given(request=valid_value(model.input_shape, hints))
        def check(request: dict[str, Any]) -> None:
            try:
                response = call(client, operation, request)
            except ClientError as error:
                assert_client_error(error, allowed, f"{operation}({request!r})")
            else:
                assert_output_shape(operation, response)

        check()


@pytest.mark.parametrize("operation", OPERATIONS)
def test_invalid_requests_are_rejected(operation: str, aws_credentials: None) -> None:
    model = operation_model(operation)
    allowed = allowed_codes(model, ["ValidationException", "SerializationException"])
    sites = violation_sites(model.input_shape)
    with mock_aws():
        client = boto3.client("ssm", region_name=REGION, config=Config(parameter_validation=False))
        hints = seed_state(client)

        # One strategy per forced path, built once: hypothesis works out a new strategy's properties
        # (emptiness, regexes) on its first draw, which cost more than the request itself.
        forced: dict[Path, st.SearchStrategy[Any]] = {}

        @given(data=st.data(), site=st.sampled_from(sites))
        def check(data: st.DataObject, site: Site) -> None:
            if site.path not in forced:
                forced[site.path] = valid_value(model.input_shape, hints, force=site.path)
            request = data.draw(forced[site.path], label="valid request")
            broken = apply_violation(request, site, data.draw)
            context = f"{operation} with {site}: {broken!r}"[:2000]
            try:
                if site.kind == "wrong-type":
                    response = send_raw_body(client, operation, request, broken)
                else:
                    response = call(client, operation, broken)
            except ClientError as error:
                assert_client_error(error, allowed, context)
            else:
                raise AssertionError(f"{context}: accepted, answered {response!r}"[:3000])

        check()


def test_every_operation_has_violation_sites() -> None:
    """Guards the generator: each operation offers constraints to break, incl. wrong types."""
    for operation in OPERATIONS:
        kinds = {site.kind for site in violation_sites(operation_model(operation).input_shape)}
        assert "wrong-type" in kinds, operation
