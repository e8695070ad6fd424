"""Installing into moto's SSM dispatch, uninstalling without a trace, and the mock_ssm decorator."""

from __future__ import annotations

import unittest
from typing import Any, Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.responses import BaseResponse
from moto.ssm.responses import SimpleSystemManagerResponse

import ssm_assoc_mock
from ssm_assoc_mock import mock_ssm
from ssm_assoc_mock.responses import HANDLERS

from .helpers import INSTANCE, REGION

AUTHORIZE = "_authenticate_and_authorize_normal_action"


@pytest.fixture
def reinstalled(aws_credentials: None) -> Iterator[None]:
    """Whatever a test does to the installation, the next test finds it installed."""
    try:
        yield
    finally:
        ssm_assoc_mock.install()


def moto_dispatch() -> dict[str, Any]:
    return dict(vars(SimpleSystemManagerResponse))


def test_install_is_idempotent_and_adds_every_action(reinstalled: None) -> None:
    first = ssm_assoc_mock.install()
    before = moto_dispatch()

    assert ssm_assoc_mock.install() == first
    assert moto_dispatch() == before
    assert ssm_assoc_mock.is_installed()
    assert len(first) == len(HANDLERS)
    assert {"update_association_status", "create_association", "list_tags_for_resource"} <= set(first)


def test_uninstall_restores_moto_exactly(reinstalled: None) -> None:
    ssm_assoc_mock.uninstall()
    pristine = moto_dispatch()
    ssm_assoc_mock.install()
    assert moto_dispatch() != pristine

    ssm_assoc_mock.uninstall()

    assert moto_dispatch() == pristine
    assert not ssm_assoc_mock.is_installed()
    assert getattr(SimpleSystemManagerResponse, AUTHORIZE) is getattr(BaseResponse, AUTHORIZE)
    with mock_aws():
        client = boto3.client("ssm", region_name=REGION)
        with pytest.raises(NotImplementedError):  # moto's own answer for an action it lacks
            client.describe_association(AssociationId="00000000-0000-4000-8000-000000000000")
        # moto's own tag calls work as before.
        client.put_parameter(Name="p", Value="v", Type="String")
        client.add_tags_to_resource(ResourceType="Parameter", ResourceId="p", Tags=[{"Key": "k", "Value": "v"}])
        assert client.list_tags_for_resource(ResourceType="Parameter", ResourceId="p")["TagList"] == [
            {"Key": "k", "Value": "v"}
        ]


def test_an_action_moto_implements_natively_is_left_to_moto(reinstalled: None) -> None:
    ssm_assoc_mock.uninstall()

    def native_describe_association(self: Any) -> str:
        return '{"AssociationDescription": {"Name": "from-moto"}}'

    SimpleSystemManagerResponse.describe_association = native_describe_association  # type: ignore[attr-defined]
    try:
        added = ssm_assoc_mock.install()
        assert "describe_association" not in added
        assert vars(SimpleSystemManagerResponse)["describe_association"] is native_describe_association
        with mock_aws():
            client = boto3.client("ssm", region_name=REGION)
            described = client.describe_association(AssociationId="00000000-0000-4000-8000-000000000000")
            assert described["AssociationDescription"]["Name"] == "from-moto"
        ssm_assoc_mock.uninstall()
        assert vars(SimpleSystemManagerResponse)["describe_association"] is native_describe_association
    finally:
        del SimpleSystemManagerResponse.describe_association  # type: ignore[attr-defined]


def create_legacy_association() -> str:
    ssm_assoc_mock.register_managed_instance(INSTANCE, region_name=REGION)
    client = boto3.client("ssm", region_name=REGION)
    return str(
        client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"][
            "AssociationId"
        ]
    )


def test_mock_ssm_as_a_plain_decorator(aws_credentials: None) -> None:
    @mock_ssm
    def run() -> str:
        return create_legacy_association()

    assert run()


def test_mock_ssm_with_moto_config_and_as_a_context_manager(aws_credentials: None) -> None:
    @mock_ssm(config={"core": {"reset_boto3_session": False}})
    def run() -> str:
        return create_legacy_association()

    assert run()
    with mock_ssm():
        association_id = create_legacy_association()
        described = boto3.client("ssm", region_name=REGION).describe_association(AssociationId=association_id)
        assert described["AssociationDescription"]["InstanceId"] == INSTANCE


def test_mock_ssm_resets_state_like_moto(aws_credentials: None) -> None:
    with mock_ssm():
        create_legacy_association()
    with mock_ssm():
        assert boto3.client("ssm", region_name=REGION).list_associations()["Associations"] == []


def test_mock_ssm_nests_inside_mock_aws_without_a_reset(aws_credentials: None) -> None:
    with mock_aws():
        association_id = create_legacy_association()
        with mock_ssm():
            client = boto3.client("ssm", region_name=REGION)
            assert client.describe_association(AssociationId=association_id)["AssociationDescription"]
        listed = boto3.client("ssm", region_name=REGION).list_associations()["Associations"]
        assert [item["AssociationId"] for item in listed] == [association_id]


@mock_ssm
class TestMockSsmOnAClass(unittest.TestCase):
    def test_each_method_runs_inside_the_mock(self) -> None:
        association_id = create_legacy_association()
        with pytest.raises(ClientError) as raised:
            boto3.client("ssm", region_name=REGION).create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
        assert raised.value.response["Error"]["Code"] == "AssociationAlreadyExists"
        assert association_id

    def test_state_does_not_leak_between_methods(self) -> None:
        assert boto3.client("ssm", region_name=REGION).list_associations()["Associations"] == []
