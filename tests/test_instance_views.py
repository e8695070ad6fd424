"""The per-node views: DescribeInstanceAssociationsStatus, DescribeEffectiveInstanceAssociations and
DescribeInstanceInformation, with their filters, pagination and errors (reference 4.9, 4.10, 4.14)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from ssm_assoc_mock import register_managed_instance, simulate_run

from .helpers import (
    HYBRID_INSTANCE,
    INSTANCE,
    OTHER_INSTANCE,
    SHELL,
    VALIDATION_MESSAGE,
    collect,
    command_document,
    ec2_client,
    expect_error,
    run_ec2,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session", "no_default_amis")

UNMANAGED = "i-0ddddddddddddddd0"


def create(ssm_client: Any, **kwargs: Any) -> str:
    request = {**SHELL, **kwargs}
    return str(ssm_client.create_association(**request)["AssociationDescription"]["AssociationId"])


def page_sizes(total: int, size: int) -> list[int]:
    return [min(size, total - start) for start in range(0, total, size)]


# --- DescribeInstanceAssociationsStatus ------------------------------------------------------------


def statuses(ssm_client: Any, instance_id: str, **kwargs: Any) -> dict[str, Any]:
    return assert_output_shape(
        "DescribeInstanceAssociationsStatus",
        ssm_client.describe_instance_associations_status(InstanceId=instance_id, **kwargs),
    )


def status_by_association(ssm_client: Any, instance_id: str) -> dict[str, dict[str, Any]]:
    response = statuses(ssm_client, instance_id)
    assert "NextToken" not in response
    return {item["AssociationId"]: item for item in response["InstanceAssociationStatusInfos"]}


def test_associations_that_have_not_run_are_pending_associated(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE, tags={"Env": "prod"})
    legacy = create(ssm_client, Name="AWS-UpdateSSMAgent", Parameters={}, InstanceId=INSTANCE)
    targeted = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}], AssociationName="patch-web")

    infos = status_by_association(ssm_client, INSTANCE)

    assert list(infos) == [legacy, targeted]  # creation order
    for association_id, name in ((legacy, "AWS-UpdateSSMAgent"), (targeted, "AWS-RunShellScript")):
        info = infos[association_id]
        assert info["Status"] == "Pending"
        assert info["DetailedStatus"] == "Associated"
        assert info["Name"] == name
        assert info["InstanceId"] == INSTANCE
        assert info["AssociationVersion"] == "1"
        assert info["DocumentVersion"].isdigit()
        assert "ExecutionDate" not in info
        assert "ExecutionSummary" not in info
    assert infos[targeted]["AssociationName"] == "patch-web"


def test_associations_that_do_not_target_the_node_are_not_listed(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE, tags={"Env": "prod"})
    register_managed_instance(OTHER_INSTANCE, tags={"Env": "dev"})
    create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["dev"]}])
    create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [OTHER_INSTANCE]}])
    everywhere = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": ["*"]}])

    assert list(status_by_association(ssm_client, INSTANCE)) == [everywhere]


def test_status_shows_the_latest_run_on_the_node(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE, tags={"Env": "prod"})
    register_managed_instance(OTHER_INSTANCE, tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    simulate_run(association_id)
    latest = simulate_run(association_id, instance_statuses={INSTANCE: "Failed"})

    mine = status_by_association(ssm_client, INSTANCE)[association_id]
    other = status_by_association(ssm_client, OTHER_INSTANCE)[association_id]

    assert (mine["Status"], mine["DetailedStatus"]) == ("Failed", "Failed")
    assert mine["ExecutionSummary"] == "1 out of 1 plugin processed, 0 success, 1 failed, 0 timedout, 0 skipped. "
    assert (other["Status"], other["DetailedStatus"]) == ("Success", "Success")
    listed = ssm_client.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
    assert listed[0]["ExecutionId"] == latest["ExecutionId"]
    assert mine["ExecutionDate"] == listed[0]["CreatedTime"]


def test_a_later_success_replaces_an_earlier_failure(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    simulate_run(association_id, status="Failed")
    simulate_run(association_id, status="TimedOut")
    simulate_run(association_id)

    info = status_by_association(ssm_client, INSTANCE)[association_id]

    assert (info["Status"], info["DetailedStatus"]) == ("Success", "Success")
    assert info["ExecutionSummary"] == "1 out of 1 plugin processed, 1 success, 0 failed, 0 timedout, 0 skipped. "
    assert "ErrorCode" not in info


def test_status_records_the_version_that_ran(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    simulate_run(association_id)
    ssm_client.update_association(
        AssociationId=association_id,
        Parameters={"commands": ["uptime"]},
        Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}],
    )

    assert status_by_association(ssm_client, INSTANCE)[association_id]["AssociationVersion"] == "1"
    simulate_run(association_id)
    assert status_by_association(ssm_client, INSTANCE)[association_id]["AssociationVersion"] == "2"


def test_a_node_that_is_no_longer_targeted_keeps_its_last_result(ssm_client: Any) -> None:
    register_managed_instance(HYBRID_INSTANCE, tags={"Env": "prod"})
    association_id = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    simulate_run(association_id, status="Failed")
    ssm_client.remove_tags_from_resource(ResourceType="ManagedInstance", ResourceId=HYBRID_INSTANCE, TagKeys=["Env"])

    assert status_by_association(ssm_client, HYBRID_INSTANCE)[association_id]["Status"] == "Failed"


@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_status_paging_covers_every_association_once(ssm_client: Any, page_size: int) -> None:
    register_managed_instance(INSTANCE, tags={"Env": "prod"})
    created = [create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}]) for _ in range(5)]
    simulate_run(created[2], status="Failed")

    pages = collect(
        lambda **kwargs: statuses(ssm_client, INSTANCE, **kwargs),
        "InstanceAssociationStatusInfos",
        MaxResults=page_size,
    )

    assert [item["AssociationId"] for page in pages for item in page] == created
    assert [len(page) for page in pages] == page_sizes(5, page_size)
    assert [item["Status"] for page in pages for item in page].count("Failed") == 1


def test_status_next_token_of_another_node_is_rejected(ssm_client: Any) -> None:
    for node in (INSTANCE, OTHER_INSTANCE):
        register_managed_instance(node)
    for _ in range(3):
        create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": ["*"]}])
    token = statuses(ssm_client, INSTANCE, MaxResults=1)["NextToken"]

    expect_error(
        ssm_client.describe_instance_associations_status,
        "InvalidNextToken",
        InstanceId=OTHER_INSTANCE,
        NextToken=token,
    )
    expect_error(
        ssm_client.describe_instance_associations_status, "InvalidNextToken", InstanceId=INSTANCE, NextToken="garbage"
    )


def test_status_max_results_above_fifty_is_rejected(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)

    message = expect_error(
        ssm_client.describe_instance_associations_status,
        "ValidationException",
        "maxResults",
        InstanceId=INSTANCE,
        MaxResults=51,
    )
    assert VALIDATION_MESSAGE.match(message)


def test_status_of_an_unmanaged_node(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)

    expect_error(ssm_client.describe_instance_associations_status, "InvalidInstanceId", UNMANAGED, InstanceId=UNMANAGED)


def test_status_of_a_terminated_ec2_instance(ssm_client: Any) -> None:
    (instance_id,) = run_ec2()
    create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [instance_id]}])
    ec2_client().terminate_instances(InstanceIds=[instance_id])

    expect_error(
        ssm_client.describe_instance_associations_status, "InvalidInstanceId", instance_id, InstanceId=instance_id
    )


# --- DescribeEffectiveInstanceAssociations -----------------------------------------------------------


def effective(ssm_client: Any, instance_id: str, **kwargs: Any) -> dict[str, Any]:
    return assert_output_shape(
        "DescribeEffectiveInstanceAssociations",
        ssm_client.describe_effective_instance_associations(InstanceId=instance_id, **kwargs),
    )


def effective_by_association(ssm_client: Any, instance_id: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for page in collect(lambda **kwargs: effective(ssm_client, instance_id, **kwargs), "Associations"):
        found.update((item["AssociationId"], item) for item in page)
    return found


def test_effective_content_is_the_document_content(ssm_client: Any, ssm_document: Any) -> None:
    register_managed_instance(INSTANCE)
    content = command_document()
    name = ssm_document(content)
    association_id = create(
        ssm_client, Name=name, Parameters={}, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}]
    )

    (item,) = effective(ssm_client, INSTANCE)["Associations"]

    assert item["AssociationId"] == association_id
    assert item["InstanceId"] == INSTANCE
    assert item["AssociationVersion"] == "1"
    assert item["Content"] == ssm_client.get_document(Name=name)["Content"]
    assert json.loads(item["Content"]) == content


def test_effective_content_of_a_yaml_document_is_json(ssm_client: Any, ssm_document: Any) -> None:
    register_managed_instance(INSTANCE)
    content = command_document()
    name = ssm_document(yaml.safe_dump(content), document_format="YAML")
    create(ssm_client, Name=name, Parameters={}, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])

    (item,) = effective(ssm_client, INSTANCE)["Associations"]

    assert json.loads(item["Content"]) == content


def test_effective_content_follows_the_associations_document_version(ssm_client: Any, ssm_document: Any) -> None:
    register_managed_instance(INSTANCE)
    first, second = command_document(), {**command_document(), "description": "second version"}
    name = ssm_document(first)
    ssm_client.update_document(Name=name, Content=json.dumps(second), DocumentVersion="$LATEST")
    on_instance = [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    pinned = create(ssm_client, Name=name, Parameters={}, DocumentVersion="1", Targets=on_instance)
    latest = create(ssm_client, Name=name, Parameters={}, DocumentVersion="$LATEST", Targets=on_instance)
    default = create(ssm_client, Name=name, Parameters={}, Targets=on_instance)

    found = effective_by_association(ssm_client, INSTANCE)

    assert json.loads(found[pinned]["Content"]) == first
    assert json.loads(found[latest]["Content"]) == second
    assert json.loads(found[default]["Content"]) == first  # the default version is still 1


def test_effective_lists_only_associations_that_target_the_node_now(ssm_client: Any) -> None:
    register_managed_instance(HYBRID_INSTANCE, tags={"Env": "prod", "Role": "web"})
    register_managed_instance(OTHER_INSTANCE, tags={"Env": "dev"})
    by_env = create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["prod"]}])
    by_role = create(ssm_client, Targets=[{"Key": "tag:Role", "Values": ["web"]}])
    create(ssm_client, Targets=[{"Key": "tag:Env", "Values": ["dev"]}])
    legacy = create(ssm_client, Name="AWS-UpdateSSMAgent", Parameters={}, InstanceId=HYBRID_INSTANCE)
    simulate_run(by_env)

    assert list(effective_by_association(ssm_client, HYBRID_INSTANCE)) == [by_env, by_role, legacy]

    ssm_client.remove_tags_from_resource(ResourceType="ManagedInstance", ResourceId=HYBRID_INSTANCE, TagKeys=["Env"])

    assert list(effective_by_association(ssm_client, HYBRID_INSTANCE)) == [by_role, legacy]
    # the association that ran there still reports its result
    assert by_env in status_by_association(ssm_client, HYBRID_INSTANCE)


def test_effective_of_a_deleted_association(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    kept = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    deleted = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    ssm_client.delete_association(AssociationId=deleted)

    assert list(effective_by_association(ssm_client, INSTANCE)) == [kept]


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 5])
def test_effective_paging_with_every_allowed_page_size(ssm_client: Any, page_size: int) -> None:
    register_managed_instance(INSTANCE)
    created = [create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}]) for _ in range(7)]

    pages = collect(lambda **kwargs: effective(ssm_client, INSTANCE, **kwargs), "Associations", MaxResults=page_size)

    assert [item["AssociationId"] for page in pages for item in page] == created
    assert [len(page) for page in pages] == page_sizes(7, page_size)


def test_effective_default_page_is_at_most_five(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    created = [create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}]) for _ in range(6)]

    first = effective(ssm_client, INSTANCE)

    assert [item["AssociationId"] for item in first["Associations"]] == created[:5]
    rest = effective(ssm_client, INSTANCE, NextToken=first["NextToken"])
    assert [item["AssociationId"] for item in rest["Associations"]] == created[5:]
    assert "NextToken" not in rest


def test_effective_max_results_above_five_is_rejected(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)

    message = expect_error(
        ssm_client.describe_effective_instance_associations,
        "ValidationException",
        "maxResults",
        "5",
        InstanceId=INSTANCE,
        MaxResults=6,
    )
    assert VALIDATION_MESSAGE.match(message)


def test_effective_next_token_of_another_node_is_rejected(ssm_client: Any) -> None:
    for node in (INSTANCE, OTHER_INSTANCE):
        register_managed_instance(node)
    for _ in range(2):
        create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": ["*"]}])
    token = effective(ssm_client, INSTANCE, MaxResults=1)["NextToken"]

    expect_error(
        ssm_client.describe_effective_instance_associations,
        "InvalidNextToken",
        InstanceId=OTHER_INSTANCE,
        NextToken=token,
    )


def test_effective_of_an_unmanaged_node(ssm_client: Any) -> None:
    expect_error(
        ssm_client.describe_effective_instance_associations, "InvalidInstanceId", UNMANAGED, InstanceId=UNMANAGED
    )


# --- DescribeInstanceInformation -----------------------------------------------------------------------


def information(ssm_client: Any, **kwargs: Any) -> dict[str, Any]:
    return assert_output_shape("DescribeInstanceInformation", ssm_client.describe_instance_information(**kwargs))


def listed_ids(ssm_client: Any, **kwargs: Any) -> list[str]:
    response = information(ssm_client, **kwargs)
    assert "NextToken" not in response
    return [item["InstanceId"] for item in response["InstanceInformationList"]]


@pytest.fixture
def fleet(ssm_client: Any) -> dict[str, str]:
    """Two running EC2 instances, a stopped one (managed, ConnectionLost), a Linux and a Windows registered node."""
    web, db = run_ec2(2, tags={"Role": "web"})
    (stopped,) = run_ec2(tags={"Role": "web"})
    ec2 = ec2_client()
    ec2.create_tags(Resources=[db], Tags=[{"Key": "Role", "Value": "db"}, {"Key": "Backup", "Value": "daily"}])
    ec2.stop_instances(InstanceIds=[stopped])
    register_managed_instance(HYBRID_INSTANCE, tags={"Role": "web", "Site": "onprem"})
    windows = "mi-0fffffffffffffff0"
    register_managed_instance(windows, tags={"Site": "onprem"}, platform_type="Windows")
    return {"web": web, "db": db, "stopped": stopped, "hybrid": HYBRID_INSTANCE, "windows": windows}


def test_lists_ec2_instances_and_registered_nodes(ssm_client: Any, fleet: dict[str, str]) -> None:
    response = information(ssm_client)

    by_id = {item["InstanceId"]: item for item in response["InstanceInformationList"]}
    assert sorted(by_id) == sorted(fleet.values())
    assert by_id.pop(fleet["stopped"])["PingStatus"] == "ConnectionLost"  # managed, but its agent does not answer
    for name in ("web", "db"):
        assert by_id[fleet[name]]["ResourceType"] == "EC2Instance"
        assert by_id[fleet[name]]["SourceType"] == "AWS::EC2::Instance"
    for name in ("hybrid", "windows"):
        assert by_id[fleet[name]]["ResourceType"] == "ManagedInstance"
        assert by_id[fleet[name]]["SourceType"] == "AWS::SSM::ManagedInstance"
        assert "RegistrationDate" in by_id[fleet[name]]
    assert by_id[fleet["windows"]]["PlatformType"] == "Windows"
    assert all(item["PingStatus"] == "Online" for item in by_id.values())
    assert all("AssociationStatus" not in item for item in by_id.values())


def in_form(form: str, key: str, values: list[str]) -> dict[str, Any]:
    """One filter, in the newer ``Filters`` form or the legacy ``InstanceInformationFilterList``."""
    if form == "Filters":
        return {"Filters": [{"Key": key, "Values": values}]}
    return {"InstanceInformationFilterList": [{"key": key, "valueSet": values}]}


FORMS = ("InstanceInformationFilterList", "Filters")


@pytest.mark.parametrize(
    "key, values, expected",
    [
        ("PlatformTypes", ["Windows"], ["windows"]),
        ("PlatformTypes", ["Linux", "MacOS"], ["web", "db", "stopped", "hybrid"]),
        ("ResourceType", ["ManagedInstance"], ["hybrid", "windows"]),
        ("ResourceType", ["EC2Instance"], ["web", "db", "stopped"]),
        ("PingStatus", ["Online"], ["web", "db", "hybrid", "windows"]),
        ("PingStatus", ["ConnectionLost"], ["stopped"]),
        ("InstanceIds", ["{hybrid}", "{db}"], ["db", "hybrid"]),
        ("AgentVersion", ["0.0.0.0"], []),
    ],
)
def test_filter_keys_in_either_form(
    ssm_client: Any, fleet: dict[str, str], key: str, values: list[str], expected: list[str]
) -> None:
    values = [value.format(**fleet) for value in values]

    for form in FORMS:
        assert listed_ids(ssm_client, **in_form(form, key, values)) == sorted(fleet[name] for name in expected), form


def test_association_status_filter_in_either_form(ssm_client: Any, fleet: dict[str, str]) -> None:
    failing = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [fleet["db"], fleet["hybrid"]]}])
    simulate_run(failing, instance_statuses={fleet["db"]: "Failed"})

    def by_legacy(status: str) -> list[str]:
        return listed_ids(
            ssm_client, InstanceInformationFilterList=[{"key": "AssociationStatus", "valueSet": [status]}]
        )

    def by_filters(status: str) -> list[str]:
        return listed_ids(ssm_client, Filters=[{"Key": "AssociationStatus", "Values": [status]}])

    for lookup in (by_legacy, by_filters):
        assert lookup("Failed") == [fleet["db"]]
        assert lookup("Success") == [fleet["hybrid"]]
        assert lookup("Pending") == []


def test_filters_are_anded_and_values_ored(ssm_client: Any, fleet: dict[str, str]) -> None:
    filters = [
        {"Key": "ResourceType", "Values": ["ManagedInstance", "EC2Instance"]},
        {"Key": "PlatformTypes", "Values": ["Linux"]},
        {"Key": "InstanceIds", "Values": [fleet["web"], fleet["windows"], fleet["hybrid"]]},
    ]

    assert listed_ids(ssm_client, Filters=filters) == sorted([fleet["web"], fleet["hybrid"]])


def test_tag_filters(ssm_client: Any, fleet: dict[str, str]) -> None:
    def by(*filters: tuple[str, list[str]]) -> list[str]:
        return listed_ids(ssm_client, Filters=[{"Key": key, "Values": values} for key, values in filters])

    # EC2 tags and registered tags; the stopped instance is managed too.
    assert by(("tag:Role", ["web"])) == sorted([fleet["web"], fleet["stopped"], fleet["hybrid"]])
    assert by(("tag:Role", ["web", "db"])) == sorted([fleet["web"], fleet["stopped"], fleet["db"], fleet["hybrid"]])
    assert by(("tag:Role", ["Web"])) == []  # values are case-sensitive
    assert by(("tag-key", ["Site"])) == sorted([fleet["hybrid"], fleet["windows"]])
    assert by(("tag-key", ["Backup", "Site"])) == sorted([fleet["db"], fleet["hybrid"], fleet["windows"]])
    assert by(("tag:Role", ["web"]), ("tag-key", ["Site"])) == [fleet["hybrid"]]
    assert by(("tag:Nothing", ["x"])) == []


def test_tag_filters_see_tags_changed_after_start(ssm_client: Any, fleet: dict[str, str]) -> None:
    ssm_client.add_tags_to_resource(
        ResourceType="ManagedInstance", ResourceId=fleet["windows"], Tags=[{"Key": "Role", "Value": "web"}]
    )

    assert listed_ids(ssm_client, Filters=[{"Key": "tag:Role", "Values": ["web"]}]) == sorted(
        [fleet["web"], fleet["stopped"], fleet["hybrid"], fleet["windows"]]
    )


def test_tag_filters_cannot_be_mixed_with_other_keys(ssm_client: Any, fleet: dict[str, str]) -> None:
    expect_error(
        ssm_client.describe_instance_information,
        "ValidationException",
        Filters=[{"Key": "tag:Role", "Values": ["web"]}, {"Key": "PlatformTypes", "Values": ["Linux"]}],
    )


def test_filters_together_with_the_legacy_list_are_rejected(ssm_client: Any, fleet: dict[str, str]) -> None:
    expect_error(
        ssm_client.describe_instance_information,
        "ValidationException",
        "InstanceInformationFilterList",
        Filters=[{"Key": "PlatformTypes", "Values": ["Linux"]}],
        InstanceInformationFilterList=[{"key": "PingStatus", "valueSet": ["Online"]}],
    )


@pytest.mark.parametrize("key", ["Platform", "tag", "tags:Role", "InstanceId"])
def test_an_unknown_filter_key(ssm_client: Any, fleet: dict[str, str], key: str) -> None:
    expect_error(
        ssm_client.describe_instance_information,
        "InvalidFilterKey",
        Filters=[{"Key": key, "Values": ["x"]}],
    )


def test_a_legacy_filter_key_outside_its_enum(ssm_client: Any, fleet: dict[str, str]) -> None:
    expect_error(
        ssm_client.describe_instance_information,
        "ValidationException",
        "instanceInformationFilterList.1.member.key",
        InstanceInformationFilterList=[{"key": "tag:Role", "valueSet": ["web"]}],
    )


@pytest.mark.parametrize(
    "key, value",
    [
        ("PingStatus", "Offline"),
        ("PlatformTypes", "Solaris"),
        ("ResourceType", "Server"),
        ("AssociationStatus", "Succeeded"),
        ("InstanceIds", "not-an-instance"),
    ],
)
def test_a_bad_filter_value(ssm_client: Any, fleet: dict[str, str], key: str, value: str) -> None:
    for form in FORMS:
        expect_error(
            ssm_client.describe_instance_information,
            "InvalidInstanceInformationFilterValue",
            value,
            **in_form(form, key, [value]),
        )


def test_instance_ids_naming_an_unmanaged_node(ssm_client: Any, fleet: dict[str, str]) -> None:
    for form in FORMS:
        expect_error(
            ssm_client.describe_instance_information,
            "InvalidInstanceId",
            UNMANAGED,
            **in_form(form, "InstanceIds", [fleet["web"], UNMANAGED]),
        )


def test_instance_ids_naming_a_stopped_or_terminated_instance(ssm_client: Any, fleet: dict[str, str]) -> None:
    """The model: a stopped node is in a valid state (listed, ConnectionLost); a terminated one is not."""
    (stopped,) = information(ssm_client, Filters=[{"Key": "InstanceIds", "Values": [fleet["stopped"]]}])[
        "InstanceInformationList"
    ]
    assert stopped["PingStatus"] == "ConnectionLost"

    ec2_client().terminate_instances(InstanceIds=[fleet["stopped"]])
    expect_error(
        ssm_client.describe_instance_information,
        "InvalidInstanceId",
        fleet["stopped"],
        "terminated",
        Filters=[{"Key": "InstanceIds", "Values": [fleet["stopped"]]}],
    )


@pytest.mark.parametrize("page_size", [5, 7, 50])
def test_information_paging(ssm_client: Any, page_size: int) -> None:
    nodes = sorted(f"mi-{n:017d}" for n in range(12))
    for node in nodes:
        register_managed_instance(node)

    pages = collect(lambda **kwargs: information(ssm_client, **kwargs), "InstanceInformationList", MaxResults=page_size)

    assert [item["InstanceId"] for page in pages for item in page] == nodes
    assert [len(page) for page in pages] == page_sizes(12, page_size)


def test_information_default_page_size_is_ten(ssm_client: Any) -> None:
    nodes = sorted(f"mi-{n:017d}" for n in range(12))
    for node in nodes:
        register_managed_instance(node)

    first = information(ssm_client)

    assert [item["InstanceId"] for item in first["InstanceInformationList"]] == nodes[:10]
    rest = information(ssm_client, NextToken=first["NextToken"])
    assert [item["InstanceId"] for item in rest["InstanceInformationList"]] == nodes[10:]
    assert "NextToken" not in rest


def test_information_paging_with_a_filter(ssm_client: Any) -> None:
    nodes = sorted(f"mi-{n:017d}" for n in range(12))
    for number, node in enumerate(nodes):
        register_managed_instance(node, platform_type=("Linux", "Windows")[number % 2])

    pages = collect(
        lambda **kwargs: information(ssm_client, **kwargs),
        "InstanceInformationList",
        MaxResults=5,
        Filters=[{"Key": "PlatformTypes", "Values": ["Windows"]}],
    )

    assert [item["InstanceId"] for page in pages for item in page] == nodes[1::2]
    assert [len(page) for page in pages] == [5, 1]


def test_information_paging_with_the_boto3_paginator(ssm_client: Any) -> None:
    nodes = sorted(f"mi-{n:017d}" for n in range(11))
    for node in nodes:
        register_managed_instance(node)

    paginator = ssm_client.get_paginator("describe_instance_information")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))

    assert [item["InstanceId"] for page in pages for item in page["InstanceInformationList"]] == nodes


def test_information_next_token_errors(ssm_client: Any) -> None:
    for n in range(6):
        register_managed_instance(f"mi-{n:017d}")
    token = information(ssm_client, MaxResults=5)["NextToken"]

    expect_error(
        ssm_client.describe_instance_information,
        "InvalidNextToken",
        NextToken=token,
        MaxResults=5,
        Filters=[{"Key": "PlatformTypes", "Values": ["Linux"]}],
    )
    expect_error(ssm_client.describe_instance_information, "InvalidNextToken", NextToken="garbage")


def test_information_max_results_above_fifty_is_rejected(ssm_client: Any) -> None:
    message = expect_error(ssm_client.describe_instance_information, "ValidationException", "maxResults", MaxResults=51)
    assert VALIDATION_MESSAGE.match(message)


def test_association_roll_up_after_runs(ssm_client: Any, fleet: dict[str, str]) -> None:
    web, db, hybrid = fleet["web"], fleet["db"], fleet["hybrid"]
    everywhere = create(ssm_client, Targets=[{"Key": "tag:Role", "Values": ["web", "db"]}])
    databases = create(ssm_client, Targets=[{"Key": "tag:Role", "Values": ["db"]}])
    on_hybrid = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [hybrid]}])
    create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [hybrid]}])  # never runs: not counted
    simulate_run(everywhere, instance_statuses={web: "Failed"})
    simulate_run(on_hybrid)
    last = simulate_run(databases, status="Failed")

    by_id = {item["InstanceId"]: item for item in information(ssm_client)["InstanceInformationList"]}

    assert by_id[web]["AssociationStatus"] == "Failed"
    assert by_id[web]["AssociationOverview"] == {
        "DetailedStatus": "Failed",
        "InstanceAssociationStatusAggregatedCount": {"Failed": 1},
    }
    assert "LastSuccessfulAssociationExecutionDate" not in by_id[web]
    assert by_id[db]["AssociationStatus"] == "Failed"
    assert by_id[db]["AssociationOverview"] == {
        "DetailedStatus": "Failed",
        "InstanceAssociationStatusAggregatedCount": {"Failed": 1, "Success": 1},
    }
    listed = ssm_client.describe_association_executions(AssociationId=databases)["AssociationExecutions"]
    assert listed[0]["ExecutionId"] == last["ExecutionId"]
    assert by_id[db]["LastAssociationExecutionDate"] == listed[0]["CreatedTime"]
    assert by_id[db]["LastSuccessfulAssociationExecutionDate"] <= by_id[db]["LastAssociationExecutionDate"]
    assert by_id[hybrid]["AssociationStatus"] == "Success"
    assert by_id[hybrid]["AssociationOverview"] == {
        "DetailedStatus": "Success",
        "InstanceAssociationStatusAggregatedCount": {"Success": 2},
    }
    assert "LastSuccessfulAssociationExecutionDate" in by_id[hybrid]
    assert "AssociationStatus" not in by_id[fleet["windows"]]
    assert "AssociationOverview" not in by_id[fleet["windows"]]


def test_association_roll_up_recovers_when_the_failure_is_fixed(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    simulate_run(association_id, status="Failed")
    simulate_run(association_id)

    (item,) = information(ssm_client)["InstanceInformationList"]

    assert item["AssociationStatus"] == "Success"
    assert item["AssociationOverview"] == {
        "DetailedStatus": "Success",
        "InstanceAssociationStatusAggregatedCount": {"Success": 1},
    }


def test_association_roll_up_of_an_in_progress_run_is_pending(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    association_id = create(ssm_client, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])
    simulate_run(association_id, status="InProgress")

    (item,) = information(ssm_client, Filters=[{"Key": "AssociationStatus", "Values": ["Pending"]}])[
        "InstanceInformationList"
    ]

    assert item["AssociationStatus"] == "Pending"
    assert item["AssociationOverview"]["InstanceAssociationStatusAggregatedCount"] == {"InProgress": 1}
