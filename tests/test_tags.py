"""Tags on associations and on registered managed nodes (AddTagsToResource, ListTagsForResource,
RemoveTagsFromResource), beside moto's own tags for every other resource type."""

from __future__ import annotations

from typing import Any

import pytest

import ssm_assoc_mock

from .helpers import (
    HYBRID_INSTANCE,
    INSTANCE,
    UNKNOWN_ID,
    expect_error,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")
TARGETS = [{"Key": "InstanceIds", "Values": ["*"]}]


def association_id(ssm_client: Any, **extra: Any) -> str:
    created = ssm_client.create_association(
        Name="AWS-RunShellScript", Targets=TARGETS, Parameters={"commands": ["true"]}, **extra
    )
    return str(created["AssociationDescription"]["AssociationId"])


def tags_of(ssm_client: Any, resource_type: str, resource_id: str) -> dict[str, str]:
    response = assert_output_shape(
        "ListTagsForResource", ssm_client.list_tags_for_resource(ResourceType=resource_type, ResourceId=resource_id)
    )
    return {tag["Key"]: tag["Value"] for tag in response["TagList"]}


def test_tags_given_at_creation_are_listed(ssm_client: Any) -> None:
    created = association_id(ssm_client, Tags=[{"Key": "Env", "Value": "prod"}, {"Key": "Team", "Value": "ops"}])

    assert tags_of(ssm_client, "Association", created) == {"Env": "prod", "Team": "ops"}


def test_an_association_without_tags_lists_an_empty_tag_list(ssm_client: Any) -> None:
    assert tags_of(ssm_client, "Association", association_id(ssm_client)) == {}


def test_add_overwrites_values_and_remove_ignores_missing_keys(ssm_client: Any) -> None:
    created = association_id(ssm_client, Tags=[{"Key": "Env", "Value": "dev"}])

    added = ssm_client.add_tags_to_resource(
        ResourceType="Association",
        ResourceId=created,
        Tags=[{"Key": "Env", "Value": "prod"}, {"Key": "Cost", "Value": "7"}],
    )
    removed = ssm_client.remove_tags_from_resource(
        ResourceType="Association", ResourceId=created, TagKeys=["Cost", "NotThere"]
    )

    assert_output_shape("AddTagsToResource", added)
    assert_output_shape("RemoveTagsFromResource", removed)
    assert tags_of(ssm_client, "Association", created) == {"Env": "prod"}


def test_tags_belong_to_one_association(ssm_client: Any) -> None:
    first = association_id(ssm_client, Tags=[{"Key": "Env", "Value": "prod"}])
    second = association_id(ssm_client)

    assert tags_of(ssm_client, "Association", second) == {}
    assert tags_of(ssm_client, "Association", first) == {"Env": "prod"}


def test_deleting_an_association_deletes_its_tags(ssm_client: Any) -> None:
    created = association_id(ssm_client, Tags=[{"Key": "Env", "Value": "prod"}])
    ssm_client.delete_association(AssociationId=created)

    expect_error(
        ssm_client.list_tags_for_resource, "InvalidResourceId", created, ResourceType="Association", ResourceId=created
    )


@pytest.mark.parametrize("call", ["add_tags_to_resource", "list_tags_for_resource", "remove_tags_from_resource"])
def test_unknown_association_is_invalid_resource_id(ssm_client: Any, call: str) -> None:
    extra = {
        "add_tags_to_resource": {"Tags": [{"Key": "k", "Value": "v"}]},
        "remove_tags_from_resource": {"TagKeys": ["k"]},
    }
    expect_error(
        getattr(ssm_client, call),
        "InvalidResourceId",
        UNKNOWN_ID,
        ResourceType="Association",
        ResourceId=UNKNOWN_ID,
        **extra.get(call, {}),
    )


def test_more_than_fifty_tags_is_too_many_tags_and_changes_nothing(ssm_client: Any) -> None:
    created = association_id(ssm_client, Tags=[{"Key": f"k{index}", "Value": "v"} for index in range(50)])

    expect_error(
        ssm_client.add_tags_to_resource,
        "TooManyTagsError",
        ResourceType="Association",
        ResourceId=created,
        Tags=[{"Key": "one-more", "Value": "v"}],
    )
    assert len(tags_of(ssm_client, "Association", created)) == 50


def test_the_aws_prefix_is_reserved(ssm_client: Any) -> None:
    created = association_id(ssm_client)

    expect_error(
        ssm_client.add_tags_to_resource,
        "ValidationException",
        "aws:",
        ResourceType="Association",
        ResourceId=created,
        Tags=[{"Key": "aws:owner", "Value": "me"}],
    )
    assert tags_of(ssm_client, "Association", created) == {}


def test_tags_of_a_registered_node_are_the_ones_targets_match(ssm_client: Any) -> None:
    ssm_assoc_mock.register_managed_instance(HYBRID_INSTANCE, tags={"Env": "dev"})
    created = ssm_client.create_association(
        Name="AWS-RunShellScript", Targets=[{"Key": "tag:Role", "Values": ["web"]}], Parameters={"commands": ["true"]}
    )["AssociationDescription"]["AssociationId"]

    ssm_client.add_tags_to_resource(
        ResourceType="ManagedInstance", ResourceId=HYBRID_INSTANCE, Tags=[{"Key": "Role", "Value": "web"}]
    )
    ssm_client.remove_tags_from_resource(ResourceType="ManagedInstance", ResourceId=HYBRID_INSTANCE, TagKeys=["Env"])
    execution = ssm_assoc_mock.simulate_run(created)

    assert tags_of(ssm_client, "ManagedInstance", HYBRID_INSTANCE) == {"Role": "web"}
    assert execution["ResourceCountByStatus"] == "{Success=1}"
    listed = ssm_client.describe_instance_information(Filters=[{"Key": "tag:Role", "Values": ["web"]}])
    assert [item["InstanceId"] for item in listed["InstanceInformationList"]] == [HYBRID_INSTANCE]


def test_an_unregistered_managed_instance_is_invalid_resource_id(ssm_client: Any) -> None:
    expect_error(
        ssm_client.list_tags_for_resource,
        "InvalidResourceId",
        INSTANCE,
        ResourceType="ManagedInstance",
        ResourceId=INSTANCE,
    )


def test_other_resource_types_stay_with_moto(ssm_client: Any) -> None:
    ssm_client.put_parameter(Name="/app/flag", Value="on", Type="String")
    ssm_client.add_tags_to_resource(
        ResourceType="Parameter", ResourceId="/app/flag", Tags=[{"Key": "Env", "Value": "prod"}]
    )

    assert tags_of(ssm_client, "Parameter", "/app/flag") == {"Env": "prod"}
    expect_error(ssm_client.list_tags_for_resource, "InvalidResourceType", ResourceType="Nonsense", ResourceId="x")
