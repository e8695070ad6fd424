"""moto's IAM emulation applies to the association actions, with AWS's JSON error codes.

With ``set_initial_no_auth_action_count``, moto checks every request against the caller's
IAM policies (``ssm:<Action>``). A denial of one of our actions comes back as
``AccessDeniedException`` with HTTP 400, as AWS's JSON protocol sends it; moto's own SSM
actions keep moto's answer.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

import ssm_assoc_mock

from .helpers import INSTANCE, REGION, expect_error

STATUS = {"Date": 1424421071, "Name": "Pending", "Message": "temp_status_change"}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    with mock_aws():
        yield


def user_client(name: str, actions: list[str]) -> Any:
    """An SSM client for a new IAM user whose only policy allows ``actions`` (three IAM calls)."""
    iam = boto3.client("iam", region_name=REGION)
    iam.create_user(UserName=name)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    iam.put_user_policy(UserName=name, PolicyName="ssm", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return boto3.client(
        "ssm",
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def create_legacy_association() -> None:
    ssm_assoc_mock.register_managed_instance(INSTANCE, region_name=REGION)
    boto3.client("ssm", region_name=REGION).create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)


@set_initial_no_auth_action_count(7)  # the set-up: one association, two users of three IAM calls each
def test_update_association_status_needs_its_iam_action(aws: None) -> None:
    create_legacy_association()
    allowed_client = user_client("agent", ["ssm:UpdateAssociationStatus", "ssm:DescribeAssociation"])
    denied_client = user_client("reader", ["ssm:DescribeAssociation", "ssm:CreateAssociation"])

    with pytest.raises(ClientError) as raised:
        denied_client.update_association_status(
            Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE, AssociationStatus=STATUS
        )
    error = raised.value.response
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "ssm:UpdateAssociationStatus" in error["Error"]["Message"]
    # The denied call changed nothing.
    unchanged = denied_client.describe_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    assert unchanged["AssociationDescription"]["Status"]["Name"] == "Associated"

    allowed = allowed_client.update_association_status(
        Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE, AssociationStatus=STATUS
    )
    assert allowed["AssociationDescription"]["Status"]["Name"] == "Pending"


@set_initial_no_auth_action_count(3)
def test_moto_native_actions_keep_motos_answer(aws: None) -> None:
    client = user_client("reader", ["ssm:DescribeAssociation"])

    with pytest.raises(ClientError) as raised:
        client.describe_document(Name="My-Document")  # the caller's own documents are moto's

    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403  # moto's own XML denial
    assert raised.value.response["Error"]["Code"] != "AccessDeniedException"
    # An AWS-owned document is the package's to answer, denial included.
    expect_error(client.describe_document, "AccessDeniedException", Name="AWS-UpdateSSMAgent")


@set_initial_no_auth_action_count(7)  # the set-up: one association, two users of three IAM calls each
def test_update_association_also_needs_describe_association(aws: None) -> None:
    """The model: UpdateAssociation needs permission for DescribeAssociation too."""
    ssm_assoc_mock.register_managed_instance(INSTANCE, region_name=REGION)
    association_id = boto3.client("ssm", region_name=REGION).create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}],
        Parameters={"commands": ["a"]},
    )["AssociationDescription"]["AssociationId"]
    update_only = user_client("updater", ["ssm:UpdateAssociation"])
    both = user_client("maintainer", ["ssm:UpdateAssociation", "ssm:DescribeAssociation"])
    request = {"AssociationId": association_id, "Parameters": {"commands": ["b"]}}

    with pytest.raises(ClientError) as raised:
        update_only.update_association(**request)
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "ssm:DescribeAssociation" in raised.value.response["Error"]["Message"]

    updated = both.update_association(**request)["AssociationDescription"]
    assert (updated["AssociationVersion"], updated["Parameters"]) == ("2", {"commands": ["b"]})
