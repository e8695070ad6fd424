"""Associations that run: target resolution, simulate_run, StartAssociationsOnce, the roll-ups a run
leaves (reference 2.3, 4.11) and the end-to-end "same truth everywhere" scenario of issue 3."""

from __future__ import annotations

import calendar
import json
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest

import ssm_assoc_mock
from ssm_assoc_mock import register_managed_instance, simulate_run

from .helpers import (
    HYBRID_INSTANCE,
    INSTANCE,
    OTHER_INSTANCE,
    REGION,
    SHELL,
    UNKNOWN_ID,
    UUID,
    automation_document,
    expect_error,
    run_ec2,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session", "no_default_amis")


def create(ssm_client: Any, **kwargs: Any) -> str:
    request = {**SHELL, **kwargs}
    response = assert_output_shape("CreateAssociation", ssm_client.create_association(**request))
    return str(response["AssociationDescription"]["AssociationId"])


def run_targets(ssm_client: Any, association_id: str, **kwargs: Any) -> dict[str, str]:
    """simulate_run, then the resource ids and statuses DescribeAssociationExecutionTargets reports."""
    execution = simulate_run(association_id, **kwargs)
    response = assert_output_shape(
        "DescribeAssociationExecutionTargets",
        ssm_client.describe_association_execution_targets(
            AssociationId=association_id, ExecutionId=execution["ExecutionId"]
        ),
    )
    return {item["ResourceId"]: item["Status"] for item in response["AssociationExecutionTargets"]}


def ms(moment: datetime) -> int:
    """A timestamp in whole milliseconds (naive values are UTC, as simulate_run returns them)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return calendar.timegm(moment.timetuple()) * 1000 + moment.microsecond // 1000


def describe(ssm_client: Any, association_id: str) -> dict[str, Any]:
    response = assert_output_shape("DescribeAssociation", ssm_client.describe_association(AssociationId=association_id))
    return dict(response["AssociationDescription"])


def tag_group(name: str, key: str, value: str, types: list[str] | None = None) -> None:
    query = {"ResourceTypeFilters": types or ["AWS::EC2::Instance"], "TagFilters": [{"Key": key, "Values": [value]}]}
    boto3.client("resource-groups", region_name=REGION).create_group(
        Name=name, ResourceQuery={"Type": "TAG_FILTERS_1_0", "Query": json.dumps(query)}
    )


# --- the "done when" scenario ---------------------------------------------------------


def test_one_failed_instance_reads_the_same_everywhere(ssm_client: Any) -> None:
    first, second, third = run_ec2(3, tags={"Env": "prod"})
    run_ec2(1, tags={"Env": "dev"})  # not a target
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    execution = simulate_run(association_id, instance_statuses={second: "Failed"})

    # DescribeAssociation
    description = describe(ssm_client, association_id)
    assert description["Overview"] == {
        "Status": "Failed",
        "DetailedStatus": "Failed",
        "AssociationStatusAggregatedCount": {"Failed": 1, "Success": 2},
    }
    assert ms(description["LastExecutionDate"]) == ms(execution["CreatedTime"])
    assert "LastSuccessfulExecutionDate" not in description
    assert "Status" not in description and "InstanceId" not in description

    # ListAssociations
    listed = assert_output_shape("ListAssociations", ssm_client.list_associations())["Associations"]
    assert [item["AssociationId"] for item in listed] == [association_id]
    assert listed[0]["Overview"] == description["Overview"]
    assert listed[0]["LastExecutionDate"] == description["LastExecutionDate"]
    failed_filter = [{"key": "AssociationStatusName", "value": "Failed"}]
    assert len(ssm_client.list_associations(AssociationFilterList=failed_filter)["Associations"]) == 1

    # DescribeAssociationExecutions
    executions = assert_output_shape(
        "DescribeAssociationExecutions", ssm_client.describe_association_executions(AssociationId=association_id)
    )["AssociationExecutions"]
    assert len(executions) == 1
    assert executions[0]["ExecutionId"] == execution["ExecutionId"]
    assert UUID.fullmatch(executions[0]["ExecutionId"])
    assert executions[0]["Status"] == "Failed"
    assert executions[0]["DetailedStatus"] == "Failed"
    assert executions[0]["AssociationVersion"] == "1"
    assert executions[0]["ResourceCountByStatus"] == "{Failed=1, Success=2}"
    assert executions[0]["CreatedTime"] == description["LastExecutionDate"]

    # DescribeAssociationExecutionTargets
    targets = assert_output_shape(
        "DescribeAssociationExecutionTargets",
        ssm_client.describe_association_execution_targets(
            AssociationId=association_id, ExecutionId=execution["ExecutionId"]
        ),
    )["AssociationExecutionTargets"]
    assert {t["ResourceId"]: t["Status"] for t in targets} == {first: "Success", second: "Failed", third: "Success"}
    for target in targets:
        assert target["ResourceType"] == "ManagedInstance"
        assert target["AssociationId"] == association_id
        assert target["ExecutionId"] == execution["ExecutionId"]
        assert target["AssociationVersion"] == "1"
        assert target["DetailedStatus"] == target["Status"]
        assert target["OutputSource"]["OutputSourceType"] == "RunCommand"
        assert len(target["OutputSource"]["OutputSourceId"]) == 36

    # DescribeInstanceAssociationsStatus
    for instance_id, expected in ((first, "Success"), (second, "Failed"), (third, "Success")):
        infos = assert_output_shape(
            "DescribeInstanceAssociationsStatus",
            ssm_client.describe_instance_associations_status(InstanceId=instance_id),
        )["InstanceAssociationStatusInfos"]
        assert len(infos) == 1
        info = infos[0]
        assert info["AssociationId"] == association_id
        assert info["InstanceId"] == instance_id
        assert info["Status"] == expected
        assert info["DetailedStatus"] == expected
        assert info["DocumentVersion"] == "1"
        assert info["ExecutionDate"] == description["LastExecutionDate"]
        failed = int(expected == "Failed")
        assert info["ExecutionSummary"] == (
            f"1 out of 1 plugin processed, {1 - failed} success, {failed} failed, 0 timedout, 0 skipped. "
        )

    # DescribeInstanceInformation
    information = assert_output_shape("DescribeInstanceInformation", ssm_client.describe_instance_information())
    by_id = {item["InstanceId"]: item for item in information["InstanceInformationList"]}
    assert by_id[second]["AssociationStatus"] == "Failed"
    assert by_id[second]["AssociationOverview"] == {
        "DetailedStatus": "Failed",
        "InstanceAssociationStatusAggregatedCount": {"Failed": 1},
    }
    assert by_id[second]["LastAssociationExecutionDate"] == description["LastExecutionDate"]
    assert "LastSuccessfulAssociationExecutionDate" not in by_id[second]
    for instance_id in (first, third):
        assert by_id[instance_id]["AssociationStatus"] == "Success"
        assert by_id[instance_id]["AssociationOverview"]["InstanceAssociationStatusAggregatedCount"] == {"Success": 1}
        assert by_id[instance_id]["LastSuccessfulAssociationExecutionDate"] == description["LastExecutionDate"]


# --- target resolution ---------------------------------------------------------------------


def test_instance_ids_reach_registered_and_ec2_instances(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    (ec2_id,) = run_ec2()
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE, ec2_id]}])

    assert run_targets(ssm_client, association_id) == {INSTANCE: "Success", ec2_id: "Success"}


def test_instance_ids_that_are_not_managed_nodes_are_not_reached(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE, OTHER_INSTANCE]}])

    assert run_targets(ssm_client, association_id) == {INSTANCE: "Success"}


def test_tag_target_matches_ec2_and_registered_instance_tags(ssm_client: Any) -> None:
    (ec2_prod,) = run_ec2(tags={"Env": "prod"})
    run_ec2(tags={"Env": "dev"})
    run_ec2()
    register_managed_instance(HYBRID_INSTANCE, tags={"Env": "prod"})
    register_managed_instance(INSTANCE, tags={"Env": "staging"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod", "qa"]}])

    assert run_targets(ssm_client, association_id) == {ec2_prod: "Success", HYBRID_INSTANCE: "Success"}


def test_tag_key_target_matches_any_value_of_the_key(ssm_client: Any) -> None:
    (with_owner,) = run_ec2(tags={"Owner": "alice"})
    (with_team,) = run_ec2(tags={"Team": "ops"})
    run_ec2(tags={"Env": "prod"})
    register_managed_instance(INSTANCE, tags={"Owner": ""})
    association_id = create(ssm_client, Targets=[{"Key": "tag-key", "Values": ["Owner", "Team"]}])

    assert run_targets(ssm_client, association_id) == {with_owner: "Success", with_team: "Success", INSTANCE: "Success"}


def test_several_target_keys_must_all_match(ssm_client: Any) -> None:
    (both,) = run_ec2(tags={"Env": "prod", "Role": "web"})
    run_ec2(tags={"Env": "prod", "Role": "db"})
    run_ec2(tags={"Role": "web"})
    association_id = create(
        ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}, {"Key": "tag:Role", "Values": ["web"]}]
    )

    assert run_targets(ssm_client, association_id) == {both: "Success"}


def test_targets_are_resolved_when_the_run_happens_not_at_create(ssm_client: Any) -> None:
    (early,) = run_ec2(tags={"Env": "prod"})
    (retagged,) = run_ec2(tags={"Env": "dev"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    assert run_targets(ssm_client, association_id) == {early: "Success"}

    ec2 = boto3.client("ec2", region_name=REGION)
    ec2.create_tags(Resources=[retagged], Tags=[{"Key": "Env", "Value": "prod"}])
    ec2.delete_tags(Resources=[early], Tags=[{"Key": "Env"}])
    (late,) = run_ec2(tags={"Env": "prod"})
    register_managed_instance(INSTANCE, tags={"Env": "prod"})

    assert run_targets(ssm_client, association_id) == {retagged: "Success", late: "Success", INSTANCE: "Success"}


def test_all_instances_target_reaches_every_managed_node_of_the_account_and_region(ssm_client: Any) -> None:
    ec2_ids = run_ec2(2)
    register_managed_instance(INSTANCE)
    register_managed_instance(HYBRID_INSTANCE)
    run_ec2(1, region_name="eu-west-1")
    register_managed_instance(OTHER_INSTANCE, region_name="eu-west-1")
    register_managed_instance(OTHER_INSTANCE, account_id="111111111111")
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": ["*"]}])

    reached = run_targets(ssm_client, association_id)

    assert sorted(reached) == sorted([*ec2_ids, INSTANCE, HYBRID_INSTANCE])


@pytest.mark.parametrize("action", ["stop_instances", "terminate_instances"])
def test_stopped_and_terminated_instances_are_not_targets(ssm_client: Any, action: str) -> None:
    running, halted = run_ec2(2, tags={"Env": "prod"})
    getattr(boto3.client("ec2", region_name=REGION), action)(InstanceIds=[halted])
    by_tag = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    by_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [running, halted]}])
    everything = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": ["*"]}])

    for association_id in (by_tag, by_id, everything):
        assert run_targets(ssm_client, association_id) == {running: "Success"}


def test_instance_stopped_after_create_is_skipped_and_back_when_started(ssm_client: Any) -> None:
    first, second = run_ec2(2, tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    ec2 = boto3.client("ec2", region_name=REGION)

    ec2.stop_instances(InstanceIds=[second])
    assert run_targets(ssm_client, association_id) == {first: "Success"}

    ec2.start_instances(InstanceIds=[second])
    assert run_targets(ssm_client, association_id) == {first: "Success", second: "Success"}


def test_resource_group_target_uses_the_groups_tag_query(ssm_client: Any) -> None:
    (in_group,) = run_ec2(tags={"Env": "prod"})
    run_ec2(tags={"Env": "dev"})
    register_managed_instance(INSTANCE, tags={"Env": "prod"})
    tag_group("prod-servers", "Env", "prod")
    association_id = create(ssm_client, Targets=[{"Key": "resource-groups:Name", "Values": ["prod-servers"]}])

    assert run_targets(ssm_client, association_id) == {in_group: "Success", INSTANCE: "Success"}


def test_resource_group_resource_type_filters_narrow_the_group(ssm_client: Any) -> None:
    (ec2_id,) = run_ec2(tags={"Env": "prod"})
    register_managed_instance(HYBRID_INSTANCE, tags={"Env": "prod"})
    tag_group("prod-any", "Env", "prod", types=["AWS::AllSupported"])
    tag_group("prod-hybrid", "Env", "prod", types=["AWS::SSM::ManagedInstance"])
    everything = create(ssm_client, Targets=[{"Key": "resource-groups:Name", "Values": ["prod-any"]}])
    hybrid_only = create(ssm_client, Targets=[{"Key": "resource-groups:Name", "Values": ["prod-hybrid"]}])
    ec2_only = create(
        ssm_client,
        Targets=[
            {"Key": "resource-groups:Name", "Values": ["prod-any"]},
            {"Key": "resource-groups:ResourceTypeFilters", "Values": ["AWS::EC2::Instance"]},
        ],
    )

    assert run_targets(ssm_client, everything) == {ec2_id: "Success", HYBRID_INSTANCE: "Success"}
    assert run_targets(ssm_client, hybrid_only) == {HYBRID_INSTANCE: "Success"}
    assert run_targets(ssm_client, ec2_only) == {ec2_id: "Success"}


def test_resource_group_that_does_not_exist_is_a_clear_error_at_run_time(ssm_client: Any) -> None:
    run_ec2()
    association_id = create(ssm_client, Targets=[{"Key": "resource-groups:Name", "Values": ["no-such-group"]}])

    with pytest.raises(Exception, match="no-such-group") as raised:
        simulate_run(association_id)
    assert getattr(raised.value, "code", None) == "InvalidTarget"
    expect_error(ssm_client.start_associations_once, "InvalidTarget", "no-such-group", AssociationIds=[association_id])
    assert ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"] == []


def test_resource_group_with_a_query_moto_cannot_answer_is_a_clear_error(ssm_client: Any) -> None:
    run_ec2()
    boto3.client("resource-groups", region_name=REGION).create_group(
        Name="stack-group",
        ResourceQuery={
            "Type": "CLOUDFORMATION_STACK_1_0",
            "Query": json.dumps(
                {
                    "ResourceTypeFilters": ["AWS::AllSupported"],
                    "StackIdentifier": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
                }
            ),
        },
    )
    association_id = create(ssm_client, Targets=[{"Key": "resource-groups:Name", "Values": ["stack-group"]}])

    with pytest.raises(Exception, match="CLOUDFORMATION_STACK_1_0") as raised:
        simulate_run(association_id)
    assert getattr(raised.value, "code", None) == "InvalidTarget"
    assert "TAG_FILTERS_1_0" in str(raised.value)


def test_parameter_values_targets_of_an_automation_runbook(ssm_client: Any, ssm_document: Any) -> None:
    runbook = ssm_document(automation_document(), document_type="Automation")
    association_id = create(
        ssm_client,
        Name=runbook,
        Parameters={},
        AutomationTargetParameterName="InstanceId",
        Targets=[{"Key": "ParameterValues", "Values": [INSTANCE, OTHER_INSTANCE]}],
    )

    reached = run_targets(ssm_client, association_id, instance_statuses={OTHER_INSTANCE: "Failed"})

    assert reached == {INSTANCE: "Success", OTHER_INSTANCE: "Failed"}


def test_parameter_values_are_rejected_for_command_documents(ssm_client: Any) -> None:
    expect_error(
        ssm_client.create_association,
        "InvalidTarget",
        "ParameterValues",
        **SHELL,
        Targets=[{"Key": "ParameterValues", "Values": [INSTANCE]}],
    )


def test_legacy_association_runs_on_its_instance_and_updates_status(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    created = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]

    execution = simulate_run(created["AssociationId"], status="Failed")

    description = describe(ssm_client, created["AssociationId"])
    assert description["Status"]["Name"] == "Failed"
    assert ms(description["Status"]["Date"]) == ms(execution["CreatedTime"])
    assert description["Status"]["Message"]
    assert description["Overview"]["AssociationStatusAggregatedCount"] == {"Failed": 1}
    assert description["InstanceId"] == INSTANCE

    simulate_run(created["AssociationId"])
    assert describe(ssm_client, created["AssociationId"])["Status"]["Name"] == "Success"


# --- simulate_run outcomes ------------------------------------------------------------------


def test_simulate_run_all_succeed(ssm_client: Any) -> None:
    ids = run_ec2(2, tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    execution = simulate_run(association_id)

    assert execution["Status"] == "Success"
    assert execution["ResourceCountByStatus"] == "{Success=2}"
    description = describe(ssm_client, association_id)
    assert description["Overview"] == {
        "Status": "Success",
        "DetailedStatus": "Success",
        "AssociationStatusAggregatedCount": {"Success": 2},
    }
    assert description["LastExecutionDate"] == description["LastSuccessfulExecutionDate"]
    assert description["LastExecutionDate"] >= description["Date"]
    assert run_targets(ssm_client, association_id) == dict.fromkeys(ids, "Success")


def test_simulate_run_all_fail(ssm_client: Any) -> None:
    ids = run_ec2(2, tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    execution = simulate_run(association_id, status="Failed")

    assert execution["Status"] == "Failed"
    assert execution["ResourceCountByStatus"] == "{Failed=2}"
    description = describe(ssm_client, association_id)
    assert description["Overview"]["Status"] == "Failed"
    assert description["Overview"]["AssociationStatusAggregatedCount"] == {"Failed": 2}
    assert "LastSuccessfulExecutionDate" not in description
    assert run_targets(ssm_client, association_id, status="Failed") == dict.fromkeys(ids, "Failed")


def test_simulate_run_per_instance_map_and_detailed_status(ssm_client: Any) -> None:
    first, second, _third = run_ec2(3, tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    execution = simulate_run(
        association_id,
        status="Failed",
        instance_statuses={first: "Success", second: "TimedOut"},
        detailed_status="AutomationExecutionLimitExceeded",
    )

    assert execution["Status"] == "Failed"
    assert execution["DetailedStatus"] == "AutomationExecutionLimitExceeded"
    assert execution["ResourceCountByStatus"] == "{Failed=1, Success=1, TimedOut=1}"
    assert describe(ssm_client, association_id)["Overview"] == {
        "Status": "Failed",
        "DetailedStatus": "AutomationExecutionLimitExceeded",
        "AssociationStatusAggregatedCount": {"Failed": 1, "Success": 1, "TimedOut": 1},
    }


def test_pending_outcomes_roll_up_to_pending(ssm_client: Any) -> None:
    first, _second = run_ec2(2, tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    simulate_run(association_id, instance_statuses={first: "InProgress"})

    overview = describe(ssm_client, association_id)["Overview"]
    assert overview["Status"] == "Pending"
    assert overview["AssociationStatusAggregatedCount"] == {"InProgress": 1, "Success": 1}


def test_last_successful_execution_date_keeps_the_last_success(ssm_client: Any) -> None:
    run_ec2(tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    succeeded = simulate_run(association_id)
    failed = simulate_run(association_id, status="Failed")

    description = describe(ssm_client, association_id)
    assert ms(description["LastSuccessfulExecutionDate"]) == ms(succeeded["CreatedTime"])
    assert ms(description["LastExecutionDate"]) == ms(failed["CreatedTime"])
    assert failed["CreatedTime"] >= succeeded["CreatedTime"]
    assert description["Overview"]["Status"] == "Failed"


def test_run_with_no_matching_nodes_succeeds_with_an_empty_count(ssm_client: Any) -> None:
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["nowhere"]}])

    execution = simulate_run(association_id)

    assert execution["ResourceCountByStatus"] == "{}"
    assert describe(ssm_client, association_id)["Overview"] == {
        "Status": "Success",
        "DetailedStatus": "Success",
        "AssociationStatusAggregatedCount": {},
    }


def test_simulate_run_returns_the_execution_as_listed(ssm_client: Any) -> None:
    run_ec2(tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    execution = simulate_run(association_id)

    listed = ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"][0]
    assert listed["ExecutionId"] == execution["ExecutionId"]
    assert listed["Status"] == execution["Status"]
    assert listed["ResourceCountByStatus"] == execution["ResourceCountByStatus"]
    assert ms(listed["CreatedTime"]) == ms(execution["CreatedTime"])


def test_simulate_run_records_the_version_that_ran(ssm_client: Any) -> None:
    run_ec2(tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    ssm_client.update_association(AssociationId=association_id, Parameters={"commands": ["uptime"]})

    execution = simulate_run(association_id)

    assert execution["AssociationVersion"] == "2"


def test_simulate_run_of_an_unknown_association(ssm_client: Any) -> None:
    with pytest.raises(Exception, match=UNKNOWN_ID) as raised:
        simulate_run(UNKNOWN_ID)
    assert getattr(raised.value, "code", None) == "AssociationDoesNotExist"


def test_simulate_run_rejects_an_unknown_outcome_and_changes_nothing(ssm_client: Any) -> None:
    (instance_id,) = run_ec2(tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    before = describe(ssm_client, association_id)

    with pytest.raises(Exception, match="Succeeded"):
        simulate_run(association_id, status="Succeeded")
    with pytest.raises(Exception, match="Broken"):
        simulate_run(association_id, instance_statuses={instance_id: "Broken"})

    assert describe(ssm_client, association_id) == before
    assert ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"] == []


def test_simulate_run_rejects_outcomes_for_instances_that_are_not_targets(ssm_client: Any) -> None:
    run_ec2(tags={"Env": "prod"})
    (outsider,) = run_ec2(tags={"Env": "dev"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    with pytest.raises(Exception, match=outsider) as raised:
        simulate_run(association_id, instance_statuses={outsider: "Failed"})
    assert getattr(raised.value, "code", None) == "InvalidTarget"
    assert ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"] == []


def test_simulate_run_in_another_region_and_account(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE, region_name="eu-west-1", tags={"Env": "prod"})
    eu = boto3.client("ssm", region_name="eu-west-1")
    association_id = eu.create_association(**SHELL, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])[
        "AssociationDescription"
    ]["AssociationId"]

    with pytest.raises(Exception, match=association_id):
        simulate_run(association_id)  # defaults to us-east-1
    execution = simulate_run(association_id, region_name="eu-west-1")

    assert execution["ResourceCountByStatus"] == "{Success=1}"
    assert eu.describe_association(AssociationId=association_id)["AssociationDescription"]["Overview"]["Status"] == (
        "Success"
    )
    assert ssm_assoc_mock.backend(region_name="eu-west-1").associations[association_id].executions


# --- StartAssociationsOnce -------------------------------------------------------------------


def test_start_associations_once_runs_each_association(ssm_client: Any) -> None:
    (instance_id,) = run_ec2(tags={"Env": "prod"})
    first = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    second = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [instance_id]}])

    response = assert_output_shape(
        "StartAssociationsOnce", ssm_client.start_associations_once(AssociationIds=[first, second])
    )

    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {}
    for association_id in (first, second):
        executions = ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
        assert len(executions) == 1
        assert executions[0]["Status"] == "Success"
        assert describe(ssm_client, association_id)["Overview"]["Status"] == "Success"
        assert run_targets(ssm_client, association_id) == {instance_id: "Success"}


def test_start_associations_once_twice_gives_two_executions(ssm_client: Any) -> None:
    run_ec2(tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])

    ssm_client.start_associations_once(AssociationIds=[association_id])
    ssm_client.start_associations_once(AssociationIds=[association_id])

    assert len(ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]) == 2


def test_start_associations_once_with_an_unknown_id_changes_nothing(ssm_client: Any) -> None:
    run_ec2(tags={"Env": "prod"})
    known = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    before = describe(ssm_client, known)

    expect_error(
        ssm_client.start_associations_once, "AssociationDoesNotExist", UNKNOWN_ID, AssociationIds=[known, UNKNOWN_ID]
    )

    assert describe(ssm_client, known) == before
    assert ssm_client.describe_association_executions(AssociationId=known)["AssociationExecutions"] == []


@pytest.mark.parametrize(
    "ids, mention",
    [
        (["not-a-uuid"], "associationIds"),
        ([UNKNOWN_ID] * 11, "associationIds"),
    ],
    ids=["bad-pattern", "more-than-ten"],
)
def test_start_associations_once_invalid_input(ssm_client: Any, ids: list[str], mention: str) -> None:
    expect_error(ssm_client.start_associations_once, "ValidationException", mention, AssociationIds=ids)


def test_start_associations_once_with_no_ids_is_rejected_by_the_client(ssm_client: Any) -> None:
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        ssm_client.start_associations_once(AssociationIds=[])


# --- deletion ----------------------------------------------------------------------------


def test_deleting_an_association_removes_its_executions_and_instance_results(ssm_client: Any) -> None:
    (instance_id,) = run_ec2(tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    execution = simulate_run(association_id, status="Failed")

    ssm_client.delete_association(AssociationId=association_id)

    expect_error(ssm_client.describe_association_executions, "AssociationDoesNotExist", AssociationId=association_id)
    expect_error(
        ssm_client.describe_association_execution_targets,
        "AssociationDoesNotExist",
        AssociationId=association_id,
        ExecutionId=execution["ExecutionId"],
    )
    assert (
        ssm_client.describe_instance_associations_status(InstanceId=instance_id)["InstanceAssociationStatusInfos"] == []
    )
    (information,) = ssm_client.describe_instance_information()["InstanceInformationList"]
    assert "AssociationStatus" not in information
    assert "AssociationOverview" not in information
