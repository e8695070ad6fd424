"""Shared helpers for the association lifecycle tests: error assertions and documents."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Callable

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.core.config import default_user_config

import ssm_assoc_mock

REGION = "us-east-1"
INSTANCE = "i-1234567890abcdef0"
OTHER_INSTANCE = "i-0fedcba0987654321"
HYBRID_INSTANCE = "mi-0123456789abcdef0"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
TAG_TARGETS = [{"Key": "tag:Environment", "Values": ["Production"]}]
VALIDATION_MESSAGE = re.compile(
    r"^(1 validation error|[2-9]\d* validation errors) detected: "
    r"Value (null|'.*') at '[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*' failed to satisfy constraint: Member must .+$",
    re.DOTALL,
)


@pytest.fixture
def reuse_boto3_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep boto3's default session across mocks (moto's documented ``core.reset_boto3_session`` option).

    By default every mock start throws the session away, and the next ``boto3.client`` reloads
    botocore's SSM model: about 0.3 s per test. These tests never create a session outside a mock
    and use fake credentials only, so reusing it changes nothing they check.
    The fixture tests (test_fixtures.py) do not use this: they check the fixtures as shipped.
    """
    monkeypatch.setitem(default_user_config["core"], "reset_boto3_session", False)


def expect_error(call: Callable[..., Any], code: str, *mentions: str, **kwargs: Any) -> str:
    """Call ``call(**kwargs)``; assert it fails with ``code``, HTTP 400 and a message naming ``mentions``."""
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    response = raised.value.response
    assert response["Error"]["Code"] == code, response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400, response["ResponseMetadata"]
    message = str(response["Error"].get("Message", ""))
    assert message.strip(), f"{code} came without a message"
    for mention in mentions:
        assert mention in message, f"{code} message {message!r} does not mention {mention!r}"
    return message


def unvalidated_client(region_name: str = REGION) -> Any:
    """An SSM client that sends whatever it is given, as a non-botocore SDK would."""
    return boto3.client("ssm", region_name=region_name, config=Config(parameter_validation=False))


def command_document(
    parameters: dict[str, Any] | None = None,
    schema_version: str = "2.2",
    action: str = "aws:runShellScript",
) -> dict[str, Any]:
    """A Command document; schema 1.2 uses runtimeConfig, 2.x mainSteps."""
    content: dict[str, Any] = {
        "schemaVersion": schema_version,
        "description": "A test document",
        "parameters": parameters or {},
    }
    if schema_version.startswith("1."):
        content["runtimeConfig"] = {action: {"properties": [{"id": "0.step", "runCommand": ["echo hi"]}]}}
    else:
        content["mainSteps"] = [{"action": action, "name": "step", "inputs": {"runCommand": ["echo hi"]}}]
    return content


def automation_document(parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "schemaVersion": "0.3",
        "description": "A test runbook",
        "parameters": parameters or {"InstanceId": {"type": "String"}},
        "mainSteps": [{"name": "sleep", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
    }


def backend(account_id: str | None = None, region_name: str = REGION) -> ssm_assoc_mock.SSMAssociationBackend:
    return ssm_assoc_mock.backend(account_id, region_name)


def set_last_execution(association_id: str, when: datetime, overview_status: str = "Success") -> None:
    """Simulate a run (there is no execution engine in these operations): a back-door on the backend."""
    association = backend().associations[association_id]
    association.last_execution_date = when
    association.overview = {"Status": overview_status, "DetailedStatus": overview_status}


def as_json(content: dict[str, Any]) -> str:
    return json.dumps(content)


def send_json(operation: str, body: Any, region_name: str = REGION) -> Any:
    """Send ``body`` as the literal JSON request of ``operation`` (botocore cannot serialise wrong types).

    The call goes through botocore (signing, moto's interception, error parsing); only the body is swapped.
    """
    client = unvalidated_client(region_name)
    raw = json.dumps(body).encode("utf-8")

    def replace_body(request: Any, **_: Any) -> None:
        request.data = raw

    client.meta.events.register(f"before-sign.ssm.{operation}", replace_body)
    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
    return method()


def collect(call: Callable[..., dict[str, Any]], key: str, **kwargs: Any) -> list[list[dict[str, Any]]]:
    """Every page of ``call``, following NextToken until the service stops giving one."""
    pages: list[list[dict[str, Any]]] = []
    token: str | None = None
    while True:
        response = call(**kwargs, **({"NextToken": token} if token else {}))
        pages.append(response[key])
        token = response.get("NextToken")
        if not token:
            return pages
        assert len(pages) < 50, "pagination does not end"
