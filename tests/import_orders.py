"""Child process of test_lazy_import.py: one import order per fresh process.

    python tests/import_orders.py before|after|never|uninstalled

``before``: moto's SSM, CloudFormation and state manager are imported before the package;
``after``: the package first, then moto, used through plain ``mock_aws`` (CloudFormation and
IAM too); ``never``: the test imports only the package and boto3 and uses ``mock_ssm``;
``uninstalled``: the package is uninstalled before moto loads SSM, then installed again.
Each checks what a user relies on and exits non-zero on any failure; CloudFormation (about
3 s of moto imports) only where its hook is at stake.
This file imports nothing of the test package, so what it finds in ``sys.modules`` is its own.
"""

from __future__ import annotations

import json
import sys
from typing import Any

INSTANCE = "i-1234567890abcdef0"
REGION = "us-east-1"
# moto's light core, which its decorators and state manager load without any service.
LIGHT_MOTO = {"core", "utilities", "settings", "moto_api", "backends", "backend_index", "proxy", "log"}


def heavy_modules() -> list[str]:
    """moto service modules, boto3, Flask and werkzeug in ``sys.modules``."""
    found = []
    for name in sys.modules:
        top, _, rest = name.partition(".")
        if top in ("boto3", "flask", "werkzeug") or (top == "moto" and rest and rest.split(".")[0] not in LIGHT_MOTO):
            found.append(name)
    return sorted(found)


def associations_work() -> str:
    import boto3

    import ssm_assoc_mock

    ssm_assoc_mock.register_managed_instance(INSTANCE, region_name=REGION)
    client = boto3.client("ssm", region_name=REGION)
    created = client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]
    described = client.describe_association(AssociationId=created["AssociationId"])["AssociationDescription"]
    assert described["InstanceId"] == INSTANCE, described
    return str(created["AssociationId"])


def cloudformation_works() -> None:
    import boto3

    resource = {"Name": "AWS-UpdateSSMAgent", "Targets": [{"Key": "InstanceIds", "Values": [INSTANCE]}]}
    template = {"Resources": {"Agent": {"Type": "AWS::SSM::Association", "Properties": resource}}}
    cfn = boto3.client("cloudformation", region_name=REGION)
    cfn.create_stack(StackName="lazy", TemplateBody=json.dumps(template))
    stack = cfn.describe_stacks(StackName="lazy")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    (summary,) = cfn.list_stack_resources(StackName="lazy")["StackResourceSummaries"]
    listed = boto3.client("ssm", region_name=REGION).list_associations()["Associations"]
    assert summary["PhysicalResourceId"] in {item["AssociationId"] for item in listed}, (summary, listed)


def iam_denial_is_aws_json() -> None:
    import boto3
    from botocore.exceptions import ClientError
    from moto import mock_aws
    from moto.core import set_initial_no_auth_action_count

    @set_initial_no_auth_action_count(3)
    def denied() -> Any:
        with mock_aws():
            iam = boto3.client("iam", region_name=REGION)
            iam.create_user(UserName="reader")
            policy = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["ssm:ListDocuments"], "Resource": "*"}],
            }
            iam.put_user_policy(UserName="reader", PolicyName="ssm", PolicyDocument=json.dumps(policy))
            key = iam.create_access_key(UserName="reader")["AccessKey"]
            client = boto3.client(
                "ssm",
                region_name=REGION,
                aws_access_key_id=key["AccessKeyId"],
                aws_secret_access_key=key["SecretAccessKey"],
            )
            try:
                client.list_associations()
            except ClientError as error:
                return error.response
            raise AssertionError("ListAssociations was not denied")

    response = denied()
    assert response["Error"]["Code"] == "AccessDeniedException", response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400, response


def state_model_registered() -> None:
    from moto.moto_api import state_manager

    assert "ssm::association" in state_manager.get_registered_models()
    assert state_manager.get_transition("ssm::association")["progression"] == "manual"


def before() -> None:
    import moto.cloudformation
    import moto.moto_api
    import moto.ssm.responses
    from moto import mock_aws

    import ssm_assoc_mock

    assert "describe_association" in vars(moto.ssm.responses.SimpleSystemManagerResponse)
    assert ssm_assoc_mock.is_installed()
    state_model_registered()
    with mock_aws():
        associations_work()
        cloudformation_works()


def after() -> None:
    import ssm_assoc_mock

    assert heavy_modules() == [], heavy_modules()
    assert ssm_assoc_mock.is_installed()  # armed: attaches when moto loads SSM
    from moto import mock_aws

    state_model_registered()
    assert "moto.ssm" not in sys.modules  # registered without loading SSM
    with mock_aws():
        associations_work()
        cloudformation_works()  # moto imports its CloudFormation only now
    iam_denial_is_aws_json()
    assert all(hasattr(ssm_assoc_mock, name) for name in ssm_assoc_mock.__all__)


def never() -> None:
    import ssm_assoc_mock
    from ssm_assoc_mock import mock_ssm

    assert heavy_modules() == [], heavy_modules()

    @mock_ssm
    def decorated() -> str:
        return associations_work()

    assert decorated()
    with mock_ssm():
        associations_work()
    assert isinstance(ssm_assoc_mock.backend(), ssm_assoc_mock.SSMAssociationBackend)


def uninstalled() -> None:
    import ssm_assoc_mock

    ssm_assoc_mock.uninstall()
    assert not ssm_assoc_mock.is_installed()
    import boto3
    import moto.cloudformation  # noqa: F401
    from moto import mock_aws
    from moto.ssm.responses import SimpleSystemManagerResponse

    assert "describe_association" not in vars(SimpleSystemManagerResponse)  # the pending attach was cancelled
    with mock_aws():
        try:
            boto3.client("ssm", region_name=REGION).list_associations()
        except NotImplementedError:
            pass  # moto's own answer for an action it lacks
        else:
            raise AssertionError("ListAssociations answered after uninstall")
    assert "list_associations" in ssm_assoc_mock.install()
    with mock_aws():
        associations_work()
        cloudformation_works()


if __name__ == "__main__":
    {"before": before, "after": after, "never": never, "uninstalled": uninstalled}[sys.argv[1]]()
    print("ok")
