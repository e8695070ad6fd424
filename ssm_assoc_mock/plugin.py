"""pytest plugin (registered through the ``pytest11`` entry point).

Loading it imports ``ssm_assoc_mock``, which adds association support to moto, so
``@mock_aws`` tests need no import. Loading it imports nothing of moto, boto3 or the
server, so a pytest run that never touches AWS pays nothing; the fixtures import what they
need on first use. The fixtures are factories over an active mock:

- ``ssm_client``: a boto3 SSM client inside ``mock_aws`` (fake credentials, us-east-1).
- ``ssm_document``: ``ssm_document(content, name=None, document_type="Command")`` -> name.
- ``managed_instance``: ``managed_instance(instance_id=None, tags=None, platform_type="Linux")``
  -> id; with no id, a running moto EC2 instance; with one, a registered node.
- ``association``: ``association(**create_association_kwargs)`` -> AssociationDescription.

Each leaves the ``ssm::association`` state-manager transition as it found it.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

import pytest

from . import register_managed_instance
from .state_model import RUN_MODEL_NAME

if TYPE_CHECKING:
    import boto3

REGION = "us-east-1"
# moto accepts any AMI id for run_instances; this is the one moto's own tests use.
EXAMPLE_AMI_ID = "ami-12c6146b"
_document_numbers = itertools.count(1)


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a default region, so nothing can reach real AWS."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)


@functools.lru_cache(maxsize=1)
def fake_session() -> boto3.session.Session:
    """One boto3 session with fake credentials for every fixture's clients.

    ``mock_aws`` throws boto3's default session away at each start, so a client made from it
    reloads botocore's service model (about 0.2 s a test); this one keeps it. Its credentials
    are fake, so it can never reach AWS, and moto's interception applies to it as to any other.
    """
    import boto3

    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


@contextlib.contextmanager
def transition_kept(model_name: str = RUN_MODEL_NAME) -> Iterator[None]:
    """Leave moto's state-manager transition of ``model_name`` as it was on entry.

    moto's state manager is process-wide and ``mock_aws`` does not reset it, so a test's
    ``state_manager.set_transition("ssm::association", ...)`` would otherwise apply to every
    later test.
    """
    from moto.moto_api import state_manager

    before = state_manager.get_transition(model_name)
    try:
        yield
    finally:
        if state_manager.get_transition(model_name) != before:
            state_manager.unset_transition(model_name)
            if state_manager.get_transition(model_name) != before:  # it was set when we started
                state_manager.set_transition(model_name, before)


@pytest.fixture
def ssm_client(aws_credentials: None) -> Iterator[Any]:
    from moto import mock_aws

    with mock_aws(), transition_kept():
        yield fake_session().client("ssm")


@pytest.fixture
def ssm_document(ssm_client: Any) -> Callable[..., str]:
    def create(
        content: Mapping[str, Any] | str,
        name: str | None = None,
        document_type: str = "Command",
        document_format: str = "JSON",
    ) -> str:
        name = name or f"test-document-{next(_document_numbers)}"
        text = content if isinstance(content, str) else json.dumps(content)
        ssm_client.create_document(Content=text, Name=name, DocumentType=document_type, DocumentFormat=document_format)
        return name

    return create


@pytest.fixture
def managed_instance(ssm_client: Any) -> Callable[..., str]:
    ec2 = fake_session().client("ec2")

    def create(
        instance_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        platform_type: str = "Linux",
    ) -> str:
        if instance_id is not None:
            return register_managed_instance(
                instance_id, region_name=REGION, tags=tags, platform_type=platform_type
            ).instance_id
        tag_specifications = (
            [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] if tags else []
        )
        reservation = ec2.run_instances(
            ImageId=EXAMPLE_AMI_ID, MinCount=1, MaxCount=1, TagSpecifications=tag_specifications
        )
        return str(reservation["Instances"][0]["InstanceId"])

    return create


@pytest.fixture
def association(ssm_client: Any) -> Callable[..., dict[str, Any]]:
    def create(**kwargs: Any) -> dict[str, Any]:
        return dict(ssm_client.create_association(**kwargs)["AssociationDescription"])

    return create
