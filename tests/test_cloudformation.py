"""AWS::SSM::Association in moto's CloudFormation: deploy, update, delete, failures."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError

import ssm_assoc_mock
from ssm_assoc_mock import cloudformation

from .helpers import INSTANCE, OTHER_INSTANCE, REGION
from .shapes import assert_output_shape

Render = Callable[[dict[str, Any]], str]


def as_json(template: dict[str, Any]) -> str:
    return json.dumps(template)


def as_yaml(template: dict[str, Any]) -> str:
    return yaml.safe_dump(template, sort_keys=False)


@pytest.fixture
def cfn(ssm_client: Any) -> Any:
    return boto3.client("cloudformation", region_name=REGION)


def template(schedule: str = "rate(30 minutes)", commands: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """A legacy (InstanceId) and a Targets-based association, with their ids as outputs."""
    targeted: dict[str, Any] = {
        "Name": "AWS-RunShellScript",
        "AssociationName": "patch-web",
        "Targets": [{"Key": "tag:Env", "Values": ["prod"]}],
        "Parameters": {"commands": commands or ["echo hello"]},
        "ScheduleExpression": schedule,
        "OutputLocation": {"S3Location": {"OutputS3BucketName": "logs-bucket", "OutputS3KeyPrefix": "ssm/"}},
        "MaxErrors": "1",
        "MaxConcurrency": "10%",
        "ComplianceSeverity": "HIGH",
        "SyncCompliance": "AUTO",
        "WaitForSuccessTimeoutSeconds": 300,
        **extra,
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "AgentUpdate": {
                "Type": "AWS::SSM::Association",
                "Properties": {"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE},
            },
            "WebCommands": {"Type": "AWS::SSM::Association", "Properties": targeted},
        },
        "Outputs": {
            "LegacyId": {"Value": {"Ref": "AgentUpdate"}},
            "TargetedId": {"Value": {"Fn::GetAtt": ["WebCommands", "AssociationId"]}},
        },
    }


def outputs(cfn: Any, stack: str) -> dict[str, str]:
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    return {item["OutputKey"]: item["OutputValue"] for item in described.get("Outputs", [])}


def stack_status(cfn: Any, stack: str) -> str:
    return str(cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"])


def failure_reasons(cfn: Any, stack: str) -> dict[str, str]:
    events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
    return {
        event["LogicalResourceId"]: event["ResourceStatusReason"]
        for event in events
        if event["ResourceStatus"] in ("CREATE_FAILED", "UPDATE_FAILED") and event["LogicalResourceId"] != stack
    }


def describe(ssm_client: Any, association_id: str) -> dict[str, Any]:
    response = assert_output_shape("DescribeAssociation", ssm_client.describe_association(AssociationId=association_id))
    return dict(response["AssociationDescription"])


def all_associations(ssm_client: Any) -> list[dict[str, Any]]:
    return list(assert_output_shape("ListAssociations", ssm_client.list_associations())["Associations"])


@pytest.mark.parametrize("render", [as_json, as_yaml], ids=["json", "yaml"])
def test_stack_creates_updates_and_deletes_associations(
    cfn: Any, ssm_client: Any, managed_instance: Any, render: Render
) -> None:
    managed_instance(INSTANCE)
    cfn.create_stack(StackName="assoc", TemplateBody=render(template()))

    assert stack_status(cfn, "assoc") == "CREATE_COMPLETE"
    ids = outputs(cfn, "assoc")
    legacy = describe(ssm_client, ids["LegacyId"])
    assert legacy["Name"] == "AWS-UpdateSSMAgent"
    assert legacy["InstanceId"] == INSTANCE
    assert legacy["Status"]["Name"] == "Associated"
    targeted = describe(ssm_client, ids["TargetedId"])
    assert targeted["Targets"] == [{"Key": "tag:Env", "Values": ["prod"]}]
    assert targeted["Parameters"] == {"commands": ["echo hello"]}
    assert targeted["ScheduleExpression"] == "rate(30 minutes)"
    assert targeted["AssociationName"] == "patch-web"
    assert targeted["OutputLocation"] == {
        "S3Location": {"OutputS3BucketName": "logs-bucket", "OutputS3KeyPrefix": "ssm/"}
    }
    assert (targeted["MaxErrors"], targeted["MaxConcurrency"]) == ("1", "10%")
    assert (targeted["ComplianceSeverity"], targeted["SyncCompliance"]) == ("HIGH", "AUTO")
    assert "InstanceId" not in targeted
    summaries = cfn.list_stack_resources(StackName="assoc")["StackResourceSummaries"]
    assert {(item["LogicalResourceId"], item["PhysicalResourceId"], item["ResourceType"]) for item in summaries} == {
        ("AgentUpdate", ids["LegacyId"], "AWS::SSM::Association"),
        ("WebCommands", ids["TargetedId"], "AWS::SSM::Association"),
    }

    updated = template(schedule="rate(1 hour)", commands=["echo bye"])
    del updated["Resources"]["WebCommands"]["Properties"]["AssociationName"]
    cfn.update_stack(StackName="assoc", TemplateBody=render(updated))

    assert stack_status(cfn, "assoc") == "UPDATE_COMPLETE"
    assert outputs(cfn, "assoc") == ids  # updated in place
    targeted = describe(ssm_client, ids["TargetedId"])
    assert targeted["AssociationVersion"] == "2"
    assert targeted["ScheduleExpression"] == "rate(1 hour)"
    assert targeted["Parameters"] == {"commands": ["echo bye"]}
    assert "AssociationName" not in targeted  # CloudFormation sends every setting: omitted ones are cleared
    versions = ssm_client.list_association_versions(AssociationId=ids["TargetedId"])
    assert [
        v["ScheduleExpression"] for v in assert_output_shape("ListAssociationVersions", versions)["AssociationVersions"]
    ] == ["rate(30 minutes)", "rate(1 hour)"]
    assert describe(ssm_client, ids["LegacyId"])["AssociationVersion"] == "1"  # unchanged resource, no new version

    cfn.delete_stack(StackName="assoc")

    assert all_associations(ssm_client) == []
    with pytest.raises(ClientError) as raised:
        ssm_client.describe_association(AssociationId=ids["LegacyId"])
    assert raised.value.response["Error"]["Code"] == "AssociationDoesNotExist"


def test_yaml_short_form_functions_and_parameters(cfn: Any, ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    body = """
Parameters:
  Schedule:
    Type: String
    Default: cron(0 2 ? * SUN *)
  Offset:
    Type: Number
    Default: 2
Resources:
  Inventory:
    Type: AWS::SSM::Association
    Properties:
      Name: AWS-GatherSoftwareInventory
      AssociationName: !Sub "${AWS::StackName}-inventory"
      Targets:
        - Key: InstanceIds
          Values: ["*"]
      Parameters:
        applications: [Enabled]
      ScheduleExpression: !Ref Schedule
      ApplyOnlyAtCronInterval: "true"
      ScheduleOffset: !Ref Offset
      CalendarNames: []
      Tags:
        - Key: team
          Value: ops
Outputs:
  Id:
    Value: !GetAtt Inventory.AssociationId
"""
    cfn.create_stack(StackName="inv", TemplateBody=body, Parameters=[{"ParameterKey": "Offset", "ParameterValue": "3"}])

    assert stack_status(cfn, "inv") == "CREATE_COMPLETE"
    described = describe(ssm_client, outputs(cfn, "inv")["Id"])
    assert described["AssociationName"] == "inv-inventory"
    assert described["ScheduleExpression"] == "cron(0 2 ? * SUN *)"
    assert described["ApplyOnlyAtCronInterval"] is True
    assert described["ScheduleOffset"] == 3
    association_id = described["AssociationId"]
    tags = ssm_client.list_tags_for_resource(ResourceType="Association", ResourceId=association_id)["TagList"]
    assert {tag["Key"]: tag["Value"] for tag in tags}.items() >= {
        "team": "ops",
        "aws:cloudformation:stack-name": "inv",
        "aws:cloudformation:logical-id": "Inventory",
    }.items()


def test_changing_instance_id_replaces_the_association(cfn: Any, ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    managed_instance(OTHER_INSTANCE)
    body = template()
    cfn.create_stack(StackName="assoc", TemplateBody=as_json(body))
    old_id = outputs(cfn, "assoc")["LegacyId"]

    body["Resources"]["AgentUpdate"]["Properties"]["InstanceId"] = OTHER_INSTANCE
    cfn.update_stack(StackName="assoc", TemplateBody=as_json(body))

    new_id = outputs(cfn, "assoc")["LegacyId"]
    assert new_id != old_id
    assert describe(ssm_client, new_id)["InstanceId"] == OTHER_INSTANCE
    assert describe(ssm_client, new_id)["AssociationVersion"] == "1"
    assert old_id not in {item["AssociationId"] for item in all_associations(ssm_client)}


def moto_deploys_ssm_documents() -> bool:
    """moto 5.1.22 and 5.2 deploy AWS::SSM::Document; moto 5.0.x skips it with a warning."""
    import moto.cloudformation.parsing  # noqa: F401  (imports the models it deploys: nothing else has yet)
    from moto.core.common_models import CloudFormationModel

    return any(model.cloudformation_type() == "AWS::SSM::Document" for model in CloudFormationModel.__subclasses__())


@pytest.mark.skipif(not moto_deploys_ssm_documents(), reason="this moto's CloudFormation has no AWS::SSM::Document")
def test_cdk_style_document_and_association(cfn: Any, ssm_client: Any) -> None:
    ssm_client.put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value="21", Type="String")
    body = {
        "Parameters": {
            "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/hnb659fds/version",
            }
        },
        "Resources": {
            "PatchDoc1A2B3C4D": {
                "Type": "AWS::SSM::Document",
                "Properties": {
                    "DocumentType": "Command",
                    "DocumentFormat": "JSON",
                    "Content": {
                        "schemaVersion": "2.2",
                        "description": "Restart nginx",
                        "parameters": {"service": {"type": "String", "default": "nginx"}},
                        "mainSteps": [
                            {
                                "action": "aws:runShellScript",
                                "name": "restart",
                                "inputs": {"runCommand": ["systemctl restart {{ service }}"]},
                            }
                        ],
                    },
                },
                "Metadata": {"aws:cdk:path": "App/PatchDoc/Resource"},
            },
            "RestartAssociation5E6F7A8B": {
                "Type": "AWS::SSM::Association",
                "Properties": {
                    "Name": {"Ref": "PatchDoc1A2B3C4D"},
                    "Parameters": {"service": ["nginx"]},
                    "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
                    "ScheduleExpression": "rate(1 day)",
                },
                "Metadata": {"aws:cdk:path": "App/RestartAssociation/Resource"},
            },
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:H4sI"}},
        },
        "Outputs": {
            "AssociationId": {
                "Value": {"Fn::GetAtt": ["RestartAssociation5E6F7A8B", "AssociationId"]},
                "Export": {"Name": "RestartAssociationId"},
            },
            "DocumentName": {"Value": {"Ref": "PatchDoc1A2B3C4D"}},
        },
    }
    with pytest.warns(UserWarning, match="AWS::CDK::Metadata"):  # moto skips types it does not know
        cfn.create_stack(StackName="App", TemplateBody=as_json(body))

    assert stack_status(cfn, "App") == "CREATE_COMPLETE"
    values = outputs(cfn, "App")
    described = describe(ssm_client, values["AssociationId"])
    assert described["Name"] == values["DocumentName"]
    assert described["Parameters"] == {"service": ["nginx"]}
    exports = {item["Name"]: item["Value"] for item in cfn.list_exports()["Exports"]}
    assert exports["RestartAssociationId"] == values["AssociationId"]


def test_change_set_deploys_associations(cfn: Any, ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    cfn.create_change_set(
        StackName="cs", ChangeSetName="initial", ChangeSetType="CREATE", TemplateBody=as_json(template())
    )
    cfn.execute_change_set(ChangeSetName="initial", StackName="cs")

    assert stack_status(cfn, "cs") == "CREATE_COMPLETE"
    assert {item["Name"] for item in all_associations(ssm_client)} == {"AWS-UpdateSSMAgent", "AWS-RunShellScript"}


def test_invalid_association_rolls_the_stack_back(cfn: Any, ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    body = template()
    body["Resources"]["WebCommands"]["Properties"]["Name"] = "NoSuchDocument"
    body["Resources"]["WebCommands"]["DependsOn"] = "AgentUpdate"  # the valid one exists when this one fails

    stack_id = cfn.create_stack(StackName="broken", TemplateBody=as_json(body))["StackId"]

    described = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
    assert described["StackStatus"] == "ROLLBACK_COMPLETE"
    assert described["StackStatusReason"].startswith("The following resource(s) failed to create: [WebCommands].")
    assert "Outputs" not in described
    reason = failure_reasons(cfn, "broken")["WebCommands"]
    assert "InvalidDocument" in reason and "NoSuchDocument" in reason
    assert all_associations(ssm_client) == []  # the legacy association was rolled back
    assert cfn.list_stack_resources(StackName="broken")["StackResourceSummaries"] == []
    cfn.delete_stack(StackName="broken")
    assert cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"Name": "AWS-RunShellScript", "Foo": "bar"}, "#: extraneous key [Foo] is not permitted"),
        ({"Targets": [{"Key": "tag:Env", "Values": ["prod"]}]}, "#: required key [Name] not found"),
        ({"Name": "AWS-UpdateSSMAgent", "ScheduleOffset": "soon"}, "#/ScheduleOffset: expected type: Integer"),
        ({"Name": "AWS-UpdateSSMAgent", "Parameters": ["x"]}, "#/Parameters: expected type: JSONObject"),
        ({"Name": "AWS-UpdateSSMAgent", "Duration": 2}, "#: extraneous key [Duration] is not permitted"),
    ],
)
def test_properties_outside_the_schema_fail_the_stack(cfn: Any, properties: dict[str, Any], expected: str) -> None:
    body = {"Resources": {"Assoc": {"Type": "AWS::SSM::Association", "Properties": properties}}}
    cfn.create_stack(StackName="bad", TemplateBody=as_json(body))

    assert stack_status(cfn, "bad") == "ROLLBACK_COMPLETE"
    reason = failure_reasons(cfn, "bad")["Assoc"]
    assert reason.startswith("Properties validation failed for resource Assoc with message: ")
    assert expected in reason


def test_api_validation_errors_name_the_aws_error(cfn: Any) -> None:
    body = {
        "Resources": {
            "Assoc": {
                "Type": "AWS::SSM::Association",
                "Properties": {
                    "Name": "AWS-RunShellScript",
                    "Targets": [{"Key": "tag:Env", "Values": ["p"]}],
                    "Parameters": {"commands": ["ls"]},
                    "ScheduleExpression": "every day",
                },
            }
        }
    }
    cfn.create_stack(StackName="sched", TemplateBody=as_json(body))

    reason = failure_reasons(cfn, "sched")["Assoc"]
    assert "Error Code: InvalidSchedule" in reason
    assert reason.startswith('Resource handler returned message: "')


@pytest.mark.parametrize(
    ("change", "member"),
    [
        ({"Name": "D" * 150}, "name"),
        ({"Targets": [{"Key": "tag:a+b", "Values": ["x"]}]}, "targets.1.member.key"),
        (
            {"OutputLocation": {"S3Location": {"OutputS3BucketName": "b", "OutputS3KeyPrefix": "p" * 600}}},
            "outputS3KeyPrefix",
        ),
    ],
    ids=["name-200", "target-key-plus", "key-prefix-1024"],
)
def test_where_the_registry_schema_allows_more_the_api_limits_apply(
    cfn: Any, ssm_client: Any, change: dict[str, Any], member: str
) -> None:
    # CloudFormation calls CreateAssociation with the properties: the API's limits are the ones a template meets.
    properties = {
        "Name": "AWS-RunShellScript",
        "Targets": [{"Key": "tag:Env", "Values": ["prod"]}],
        "Parameters": {"commands": ["id"]},
        **change,
    }
    body = {"Resources": {"Assoc": {"Type": "AWS::SSM::Association", "Properties": properties}}}
    cfn.create_stack(StackName="limits", TemplateBody=as_json(body))

    assert stack_status(cfn, "limits") == "ROLLBACK_COMPLETE"
    reason = failure_reasons(cfn, "limits")["Assoc"]
    assert "Error Code: ValidationException" in reason and member in reason
    assert all_associations(ssm_client) == []


def test_on_failure_do_nothing_keeps_what_was_created(cfn: Any, ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    body = template()
    body["Resources"]["WebCommands"]["Properties"]["Name"] = "NoSuchDocument"
    body["Resources"]["WebCommands"]["DependsOn"] = "AgentUpdate"

    cfn.create_stack(StackName="keep", TemplateBody=as_json(body), OnFailure="DO_NOTHING")

    assert stack_status(cfn, "keep") == "CREATE_FAILED"
    assert [item["Name"] for item in all_associations(ssm_client)] == ["AWS-UpdateSSMAgent"]
    summaries = cfn.list_stack_resources(StackName="keep")["StackResourceSummaries"]
    assert [item["LogicalResourceId"] for item in summaries] == ["AgentUpdate"]


def test_failed_update_rolls_back(cfn: Any, ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    cfn.create_stack(StackName="assoc", TemplateBody=as_json(template()))
    ids = outputs(cfn, "assoc")

    cfn.update_stack(StackName="assoc", TemplateBody=as_json(template(schedule="whenever")))

    assert stack_status(cfn, "assoc") == "UPDATE_ROLLBACK_COMPLETE"
    assert "InvalidSchedule" in failure_reasons(cfn, "assoc")["WebCommands"]
    targeted = describe(ssm_client, ids["TargetedId"])
    assert (targeted["AssociationVersion"], targeted["ScheduleExpression"]) == ("1", "rate(30 minutes)")
    assert json.loads(json.dumps(cfn.get_template(StackName="assoc")["TemplateBody"])) == template()
    assert outputs(cfn, "assoc") == ids

    cfn.update_stack(StackName="assoc", TemplateBody=as_json(template(schedule="rate(2 hours)")))
    assert stack_status(cfn, "assoc") == "UPDATE_COMPLETE"
    assert describe(ssm_client, ids["TargetedId"])["ScheduleExpression"] == "rate(2 hours)"


def test_association_deleted_outside_the_stack_does_not_block_deletion(cfn: Any, ssm_client: Any) -> None:
    properties = {"Name": "AWS-UpdateSSMAgent", "Targets": [{"Key": "InstanceIds", "Values": ["*"]}]}
    body = {"Resources": {"Assoc": {"Type": "AWS::SSM::Association", "Properties": properties}}}
    cfn.create_stack(StackName="gone", TemplateBody=as_json(body))
    summary = cfn.list_stack_resources(StackName="gone")["StackResourceSummaries"][0]
    ssm_client.delete_association(AssociationId=summary["PhysicalResourceId"])

    cfn.delete_stack(StackName="gone")

    stacks = cfn.list_stacks(StackStatusFilter=["DELETE_COMPLETE"])["StackSummaries"]
    assert [stack["StackName"] for stack in stacks] == ["gone"]


@pytest.fixture
def uninstalled() -> Iterator[None]:
    ssm_assoc_mock.uninstall()
    try:
        yield
    finally:
        ssm_assoc_mock.install()


def test_uninstall_makes_moto_skip_the_type_again(uninstalled: None, cfn: Any, ssm_client: Any) -> None:
    body = {"Resources": {"Assoc": {"Type": "AWS::SSM::Association", "Properties": {"Name": "AWS-UpdateSSMAgent"}}}}
    assert not cloudformation.is_registered()
    with pytest.warns(UserWarning, match="AWS::SSM::Association"):
        cfn.create_stack(StackName="plain", TemplateBody=as_json(body))
    assert stack_status(cfn, "plain") == "CREATE_COMPLETE"
    assert ssm_assoc_mock.backend(region_name=REGION).associations == {}  # the API itself is uninstalled too


def test_install_is_idempotent_and_registered() -> None:
    assert cloudformation.install() is True
    assert cloudformation.install() is True
    from moto.cloudformation.parsing import get_model_map

    assert get_model_map()["AWS::SSM::Association"] is cloudformation.AssociationResource


# --- stack tags, WaitForSuccessTimeoutSeconds, AWS::SSM::Document as CloudFormation deploys it (issue 11) ---


def own_tags(ssm_client: Any, association_id: str) -> dict[str, str]:
    """The association's tags, less CloudFormation's own ``aws:cloudformation:*``."""
    tags = ssm_client.list_tags_for_resource(ResourceType="Association", ResourceId=association_id)["TagList"]
    return {tag["Key"]: tag["Value"] for tag in tags if not tag["Key"].startswith("aws:")}


def test_stack_tags_tag_the_associations(cfn: Any, ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    body = template(Tags=[{"Key": "Team", "Value": "web"}])  # the resource's own tag wins on a clash
    cfn.create_stack(
        StackName="tagged",
        TemplateBody=as_json(body),
        Tags=[{"Key": "Team", "Value": "ops"}, {"Key": "CostCentre", "Value": "42"}],
    )
    ids = outputs(cfn, "tagged")
    assert own_tags(ssm_client, ids["TargetedId"]) == {"Team": "web", "CostCentre": "42"}
    assert own_tags(ssm_client, ids["LegacyId"]) == {"Team": "ops", "CostCentre": "42"}

    # The same template, new stack tags: CloudFormation retags every taggable resource.
    cfn.update_stack(StackName="tagged", TemplateBody=as_json(body), Tags=[{"Key": "CostCentre", "Value": "7"}])
    assert stack_status(cfn, "tagged") == "UPDATE_COMPLETE"
    assert own_tags(ssm_client, ids["TargetedId"]) == {"Team": "web", "CostCentre": "7"}
    assert own_tags(ssm_client, ids["LegacyId"]) == {"CostCentre": "7"}

    # No Tags in the request: the stack keeps its own, and so do its associations.
    cfn.update_stack(StackName="tagged", TemplateBody=as_json(template(schedule="rate(1 hour)")))
    assert stack_status(cfn, "tagged") == "UPDATE_COMPLETE"
    assert own_tags(ssm_client, ids["TargetedId"]) == {"CostCentre": "7"}
    assert own_tags(ssm_client, ids["LegacyId"]) == {"CostCentre": "7"}


def test_failed_update_restores_the_stack_tags(cfn: Any, ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    cfn.create_stack(StackName="tagged", TemplateBody=as_json(template()), Tags=[{"Key": "Env", "Value": "prod"}])
    ids = outputs(cfn, "tagged")

    broken = template(schedule="rate(1 minute)")  # below the least rate SSM takes
    cfn.update_stack(StackName="tagged", TemplateBody=as_json(broken), Tags=[{"Key": "Env", "Value": "test"}])

    assert stack_status(cfn, "tagged") == "UPDATE_ROLLBACK_COMPLETE"
    assert own_tags(ssm_client, ids["TargetedId"]) == {"Env": "prod"}
    assert own_tags(ssm_client, ids["LegacyId"]) == {"Env": "prod"}


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (14, "#/WaitForSuccessTimeoutSeconds: 14 is not greater or equal to 15"),
        (172801, "#/WaitForSuccessTimeoutSeconds: 172801 is not less or equal to 172800"),
        (15, None),
        ("172800", None),
    ],
)
def test_wait_for_success_timeout_is_between_15_and_172800(
    cfn: Any, ssm_client: Any, seconds: Any, expected: str | None
) -> None:
    properties = {
        "Name": "AWS-RunShellScript",
        "Targets": [{"Key": "tag:Env", "Values": ["prod"]}],
        "Parameters": {"commands": ["id"]},
        "WaitForSuccessTimeoutSeconds": seconds,
    }
    body = {"Resources": {"Assoc": {"Type": "AWS::SSM::Association", "Properties": properties}}}
    cfn.create_stack(StackName="wait", TemplateBody=as_json(body), OnFailure="DO_NOTHING")

    if expected is None:
        assert stack_status(cfn, "wait") == "CREATE_COMPLETE"
        return
    assert stack_status(cfn, "wait") == "CREATE_FAILED"
    reason = failure_reasons(cfn, "wait")["Assoc"]
    assert reason == f"Properties validation failed for resource Assoc with message: {expected}"
    assert all_associations(ssm_client) == []


COMMAND_CONTENT: dict[str, Any] = {
    "schemaVersion": "2.2",
    "description": "Restart a service",
    "parameters": {"service": {"type": "String", "default": "nginx"}},
    "mainSteps": [
        {
            "action": "aws:runShellScript",
            "name": "restart",
            "inputs": {"runCommand": ["systemctl restart {{ service }}"]},
        }
    ],
}


@pytest.mark.parametrize("document_format", [None, "JSON", "YAML"])
def test_document_content_as_an_object_in_the_default_or_given_format(
    cfn: Any, ssm_client: Any, document_format: str | None
) -> None:
    document: dict[str, Any] = {"DocumentType": "Command", "Content": COMMAND_CONTENT}
    if document_format:
        document["DocumentFormat"] = document_format
    body = {
        "Resources": {
            "Doc": {"Type": "AWS::SSM::Document", "Properties": document},
            "Restart": {
                "Type": "AWS::SSM::Association",
                "Properties": {"Name": {"Ref": "Doc"}, "Targets": [{"Key": "tag:Role", "Values": ["web"]}]},
            },
        },
        "Outputs": {"Doc": {"Value": {"Ref": "Doc"}}, "Id": {"Value": {"Ref": "Restart"}}},
    }
    cfn.create_stack(StackName="docs", TemplateBody=as_json(body))

    assert stack_status(cfn, "docs") == "CREATE_COMPLETE"
    values = outputs(cfn, "docs")
    expected_format = document_format or "JSON"
    assert ssm_client.describe_document(Name=values["Doc"])["Document"]["DocumentFormat"] == expected_format
    stored = ssm_client.get_document(Name=values["Doc"], DocumentFormat=expected_format)
    parse = json.loads if expected_format == "JSON" else yaml.safe_load
    assert parse(stored["Content"]) == COMMAND_CONTENT
    assert describe(ssm_client, values["Id"])["Name"] == values["Doc"]

    cfn.delete_stack(StackName="docs")
    assert all_associations(ssm_client) == []
    assert values["Doc"] not in {item["Name"] for item in ssm_client.list_documents()["DocumentIdentifiers"]}


def test_a_document_ssm_rejects_fails_the_stack(cfn: Any, ssm_client: Any) -> None:
    body = {
        "Resources": {
            "Doc": {
                "Type": "AWS::SSM::Document",
                "Properties": {"Name": "bad name!", "DocumentType": "Command", "Content": COMMAND_CONTENT},
            }
        }
    }
    cfn.create_stack(StackName="baddoc", TemplateBody=as_json(body))

    assert stack_status(cfn, "baddoc") == "ROLLBACK_COMPLETE"  # not an error answered to create_stack
    reason = failure_reasons(cfn, "baddoc")["Doc"]
    assert "Error Code: ValidationException" in reason and "bad name!" in reason
