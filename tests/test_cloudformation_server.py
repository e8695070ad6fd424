"""AWS::SSM::Association in server mode: a stack deployed through ``python -m ssm_assoc_mock serve`` (the shared
``served_process``)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ssm_assoc_mock.server import ServerProcess

from .shapes import assert_output_shape

TEMPLATE = """
Resources:
  Inventory:
    Type: AWS::SSM::Association
    Properties:
      Name: AWS-GatherSoftwareInventory
      Targets:
        - Key: InstanceIds
          Values: ["*"]
      ScheduleExpression: rate(1 day)
Outputs:
  Id:
    Value: !GetAtt Inventory.AssociationId
"""
WITH_BROKEN = TEMPLATE.replace(
    "Outputs:",
    """  Broken:
    Type: AWS::SSM::Association
    Properties:
      Name: NoSuchDocument
      Targets:
        - Key: InstanceIds
          Values: ["*"]
Outputs:""",
)


def client(url: str, service: str) -> Any:
    return boto3.client(
        service, endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def test_stack_in_a_moto_server_process(served_process: ServerProcess) -> None:
    cfn, ssm = client(served_process.url, "cloudformation"), client(served_process.url, "ssm")

    cfn.create_stack(StackName="served", TemplateBody=TEMPLATE)
    stack = cfn.describe_stacks(StackName="served")["Stacks"][0]
    association_id = stack["Outputs"][0]["OutputValue"]
    described = assert_output_shape("DescribeAssociation", ssm.describe_association(AssociationId=association_id))
    assert described["AssociationDescription"]["ScheduleExpression"] == "rate(1 day)"

    cfn.update_stack(StackName="served", TemplateBody=WITH_BROKEN)
    assert cfn.describe_stacks(StackName="served")["Stacks"][0]["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    events = cfn.describe_stack_events(StackName="served")["StackEvents"]
    reasons = [event.get("ResourceStatusReason", "") for event in events if event["LogicalResourceId"] == "Broken"]
    assert any("Error Code: InvalidDocument" in reason for reason in reasons)

    assert cfn.describe_stacks(StackName="served")["Stacks"][0]["Outputs"][0]["OutputValue"] == association_id
    cfn.delete_stack(StackName="served")
    with pytest.raises(ClientError) as raised:
        ssm.describe_association(AssociationId=association_id)
    assert raised.value.response["Error"]["Code"] == "AssociationDoesNotExist"
