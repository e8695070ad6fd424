"""Shared helpers and constants for the tests: error assertions, documents, EC2 instances, pages.

The shared fixtures are in ``conftest.py`` beside this module.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import ssm_assoc_mock

REGION = "us-east-1"
INSTANCE = "i-1234567890abcdef0"
OTHER_INSTANCE = "i-0fedcba0987654321"
HYBRID_INSTANCE = "mi-0123456789abcdef0"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
TAG_TARGETS = [{"Key": "tag:Environment", "Values": ["Production"]}]
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# A Command association's request, for tests that need any association.
SHELL = {"Name": "AWS-RunShellScript", "Parameters": {"commands": ["id"]}}
# moto accepts any AMI id for run_instances; this is the one moto's own tests use.
AMI = "ami-12c6146b"
VALIDATION_MESSAGE = re.compile(
    r"^(1 validation error|[2-9]\d* validation errors) detected: "
    r"Value (null|'.*') at '[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*' failed to satisfy constraint: Member must .+$",
    re.DOTALL,
)


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


@functools.lru_cache(maxsize=1)
def ec2_client() -> Any:
    """One EC2 client for the whole run: building one costs about 0.1 s (EC2 has hundreds of methods).

    moto intercepts every botocore client while a mock is active, whenever the client was made.
    """
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing").client(
        "ec2", region_name=REGION
    )


def run_ec2(count: int = 1, tags: dict[str, str] | None = None, region_name: str = REGION) -> list[str]:
    """Start ``count`` running moto EC2 instances (managed nodes) with ``tags``; their ids, sorted."""
    ec2 = ec2_client() if region_name == REGION else boto3.client("ec2", region_name=region_name)
    specs = [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] if tags else []
    reservation = ec2.run_instances(ImageId=AMI, MinCount=count, MaxCount=count, TagSpecifications=specs)
    return sorted(instance["InstanceId"] for instance in reservation["Instances"])


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
