"""Association targets: which keys State Manager accepts, which nodes are managed, and
which nodes a Targets list selects when an association runs.

A node is *managed* when it is an EC2 instance in moto's EC2 backend for the same account
and region in one of the states the model calls valid (pending, running, stopping,
stopped), or when a test registered it (``register_managed_instance``), as a real node is
once SSM Agent has registered it. Only a running instance's agent answers (PingStatus
Online): the others are managed but ConnectionLost, and a run does not reach them.
Shutting-down and terminated instances are not managed.
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

from moto.ec2.models import ec2_backends
from moto.resourcegroups.models import resourcegroups_backends

from .exceptions import InvalidInstanceId, InvalidTarget
from .validation import enum_values, matches_model_pattern, member_shape

ALL_INSTANCES = "*"
PLATFORM_TYPES = tuple(enum_values("InstanceInformation", "PlatformType"))  # Windows, Linux, MacOS
_TAG_KEY = re.compile(r"tag:(.+)")
_FIXED_KEYS = (
    "InstanceIds",
    "tag-key",
    "resource-groups:Name",
    "resource-groups:ResourceTypeFilters",
    "ParameterValues",
    "ResourceGroup",
    "aws:NoOpAutomationTag",
)
# The model's InvalidInstanceId: "Valid states are: Running, Pending, Stopped, and Stopping."
MANAGED_EC2_STATES = ("pending", "running", "stopping", "stopped")
ONLINE = "Online"
_EC2_TYPE = "AWS::EC2::Instance"
_MANAGED_TYPE = "AWS::SSM::ManagedInstance"

REGISTER_HINT = (
    "Start it as a moto EC2 instance, or register it with "
    "ssm_assoc_mock.register_managed_instance('{instance_id}', account_id='{account_id}', region_name='{region_name}')."
)
# The same advice for a client of the server, which may not be Python: the HTTP control.
HTTP_REGISTER_HINT = (
    "Start it as a moto EC2 instance (RunInstances), or register it with POST /ssm-assoc-mock/managed-instances "
    '{{"InstanceId": "{instance_id}", "AccountId": "{account_id}", "Region": "{region_name}"}}.'
)
# True while the server handles an HTTP request (set per request thread by server.py), so errors
# advise the HTTP controls rather than Python functions the caller may not be able to call.
serving_http: ContextVar[bool] = ContextVar("ssm_assoc_mock_serving_http", default=False)


# The SSM Agent version every node reports.
AGENT_VERSION = "3.3.987.0"
# The platform name and version a node reports when its registration does not say.
PLATFORM_DEFAULTS = {
    "Linux": ("Amazon Linux", "2"),
    "Windows": ("Microsoft Windows Server 2022 Datacenter", "10.0.20348"),
    "MacOS": ("macOS", "14.0"),
}


@dataclass
class ManagedInstance:
    """A node registered as managed without a moto EC2 instance behind it.

    Built from a registration (the Python API, a seed file, the server's control), it checks
    the id and the platform type (``ValueError``) and fills in what a registration leaves out.
    """

    instance_id: str
    platform_type: str = "Linux"
    platform_name: str = ""
    platform_version: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    ping_status: str = "Online"
    agent_version: str = AGENT_VERSION
    computer_name: str = ""
    ip_address: str = "10.0.0.1"
    iam_role: str = ""
    activation_id: str = ""
    # Set by the backend when it registers the node, from State Manager's clock.
    registered_at: datetime | None = None

    def __post_init__(self) -> None:
        if not matches_model_pattern(member_shape("CreateAssociationRequest", "InstanceId"), self.instance_id):
            raise ValueError(
                f"InstanceId {self.instance_id!r} is not an instance id: use i- plus 8 or 17 characters, or mi- plus 17"
            )
        if self.platform_type not in PLATFORM_TYPES:
            raise ValueError(f"PlatformType must be one of {', '.join(PLATFORM_TYPES)}, not {self.platform_type!r}")
        default_name, default_version = PLATFORM_DEFAULTS[self.platform_type]
        self.platform_name = self.platform_name or default_name
        self.platform_version = self.platform_version or default_version
        self.computer_name = self.computer_name or f"{self.instance_id}.localdomain"
        self.tags = dict(self.tags)

    @property
    def resource_type(self) -> str:
        return "ManagedInstance" if self.instance_id.startswith("mi-") else "EC2Instance"

    @property
    def source_type(self) -> str:
        return _MANAGED_TYPE if self.instance_id.startswith("mi-") else _EC2_TYPE


@dataclass(frozen=True)
class Node:
    """A managed node as SSM sees it, from moto EC2 or from a registration."""

    instance_id: str
    tags: Mapping[str, str]
    platform_type: str
    platform_name: str
    platform_version: str
    resource_type: str
    source_type: str
    ip_address: str
    computer_name: str
    agent_version: str
    ping_status: str
    registered_at: datetime | None
    iam_role: str = ""
    activation_id: str = ""

    @classmethod
    def from_registration(cls, instance: ManagedInstance) -> Node:
        return cls(
            instance_id=instance.instance_id,
            tags=dict(instance.tags),
            platform_type=instance.platform_type,
            platform_name=instance.platform_name,
            platform_version=instance.platform_version,
            resource_type=instance.resource_type,
            source_type=instance.source_type,
            ip_address=instance.ip_address,
            computer_name=instance.computer_name,
            agent_version=instance.agent_version,
            ping_status=instance.ping_status,
            registered_at=instance.registered_at,
            iam_role=instance.iam_role,
            activation_id=instance.activation_id,
        )

    @classmethod
    def from_ec2(cls, instance: Any) -> Node:
        windows = str(getattr(instance, "platform", "") or "").lower() == "windows"
        tags = _ec2_tags(instance)
        platform_type = "Windows" if windows else "Linux"
        platform_name, platform_version = PLATFORM_DEFAULTS[platform_type]
        return cls(
            instance_id=instance.id,
            tags=tags,
            platform_type=platform_type,
            platform_name=platform_name,
            platform_version=platform_version,
            resource_type="EC2Instance",
            source_type=_EC2_TYPE,
            ip_address=str(getattr(instance, "private_ip", "") or ""),
            # moto 5.1 renamed ``private_dns`` to ``private_dns_name``.
            computer_name=str(getattr(instance, "private_dns_name", None) or getattr(instance, "private_dns", "")),
            agent_version=AGENT_VERSION,
            ping_status=ONLINE if instance.state == "running" else "ConnectionLost",
            registered_at=getattr(instance, "launch_time_datetime", None),
        )


def ec2_instance(account_id: str, region_name: str, instance_id: str) -> Any:
    """moto's EC2 instance for an id, or None."""
    if not instance_id.startswith("i-"):
        return None
    return ec2_backends[account_id][region_name].get_instance_by_id(instance_id)


def _ec2_tags(instance: Any) -> dict[str, str]:
    """An EC2 instance's tags. Read from the EC2 backend's tag store by id: moto's ``get_tags`` filters every
    tag of the region through a regular expression, so building each node that way costs nodes x tags."""
    store = getattr(getattr(instance, "ec2_backend", None), "tags", None)
    if isinstance(store, Mapping):
        return dict(store.get(instance.id) or {})
    return {tag["key"]: tag["value"] for tag in instance.get_tags()}


def managed_node(
    account_id: str, region_name: str, registered: Mapping[str, ManagedInstance], instance_id: str
) -> Node:
    """The managed node for an id, or ``InvalidInstanceId`` saying how to make it one."""
    if instance_id in registered:
        return Node.from_registration(registered[instance_id])
    instance = ec2_instance(account_id, region_name, instance_id)
    hint = (HTTP_REGISTER_HINT if serving_http.get() else REGISTER_HINT).format(
        instance_id=instance_id, account_id=account_id, region_name=region_name
    )
    if instance is None:
        raise InvalidInstanceId(f"Instance {instance_id} is not a managed node in {account_id}/{region_name}. {hint}")
    if instance.state not in MANAGED_EC2_STATES:
        raise InvalidInstanceId(
            f"Instance {instance_id} is {instance.state}; managed nodes are {', '.join(MANAGED_EC2_STATES)}."
        )
    return Node.from_ec2(instance)


def managed_nodes(account_id: str, region_name: str, registered: Mapping[str, ManagedInstance]) -> dict[str, Node]:
    """Every managed node of an account and region, by id, in id order."""
    nodes = {
        instance.id: Node.from_ec2(instance)
        for reservation in ec2_backends[account_id][region_name].all_reservations()
        for instance in reservation.instances
        if instance.state in MANAGED_EC2_STATES
    }
    nodes.update((instance_id, Node.from_registration(item)) for instance_id, item in registered.items())
    return dict(sorted(nodes.items()))


def validate_targets(targets: Sequence[Mapping[str, Any]], document_type: str) -> None:
    """Semantic checks on ``Targets`` beyond the model's shape constraints."""
    instance_id_shape = member_shape("CreateAssociationRequest", "InstanceId")
    seen_keys: set[str] = set()
    for target in targets:
        key, values = target.get("Key", ""), list(target.get("Values") or [])
        if not values:
            raise InvalidTarget(f"Target {key} has no values. Give at least one value for each target key.")
        if key in seen_keys:
            raise InvalidTarget(f"Target key {key} appears more than once. Combine its values into one target.")
        seen_keys.add(key)
        if key == "InstanceIds":
            if ALL_INSTANCES in values and len(values) > 1:
                raise InvalidTarget("InstanceIds value * targets every managed node and cannot be combined with IDs.")
            for value in values:
                if value != ALL_INSTANCES and not matches_model_pattern(instance_id_shape, value):
                    raise InvalidTarget(f"InstanceIds value {value} is not a valid node ID.")
        elif key == "resource-groups:Name" and len(values) != 1:
            raise InvalidTarget("An association can target only one resource group.")
        elif key == "ParameterValues" and document_type != "Automation":
            raise InvalidTarget("ParameterValues targets apply only to Automation runbooks.")
        elif not (_TAG_KEY.fullmatch(key) or key in _FIXED_KEYS):
            raise InvalidTarget(
                f"Target key {key} is not supported. Use InstanceIds, tag:<key>, tag-key or resource-groups:Name."
            )


def targets_for_instance(instance_id: str) -> list[dict[str, Any]]:
    """The Targets AWS reports for a legacy (InstanceId) association."""
    return [{"Key": "InstanceIds", "Values": [instance_id]}]


def resolve_targets(
    targets: Sequence[Mapping[str, Any]], nodes: Mapping[str, Node], account_id: str, region_name: str
) -> list[Node]:
    """The managed nodes a Targets list selects now; several targets are ANDed."""
    selected = list(nodes.values())
    for target in targets:
        key, values = str(target.get("Key", "")), [str(value) for value in target.get("Values") or []]
        selected = [node for node in selected if _selects(key, values, node, account_id, region_name)]
    return selected


def node_is_targeted(targets: Sequence[Mapping[str, Any]], node: Node, account_id: str, region_name: str) -> bool:
    return all(
        _selects(
            str(target.get("Key", "")), [str(v) for v in target.get("Values") or []], node, account_id, region_name
        )
        for target in targets
    )


def parameter_value_targets(targets: Sequence[Mapping[str, Any]]) -> list[str]:
    """Resource ids of an Automation association that targets ``ParameterValues``."""
    return [str(value) for target in targets if target.get("Key") == "ParameterValues" for value in target["Values"]]


def _selects(key: str, values: list[str], node: Node, account_id: str, region_name: str) -> bool:
    if key == "InstanceIds":
        return ALL_INSTANCES in values or node.instance_id in values
    tag = _TAG_KEY.fullmatch(key)
    if tag:
        return node.tags.get(tag.group(1)) in values
    if key == "tag-key":
        return any(value in node.tags for value in values)
    if key in ("resource-groups:Name", "ResourceGroup"):
        return all(_in_resource_group(value, node, account_id, region_name) for value in values)
    if key == "resource-groups:ResourceTypeFilters":
        return node.source_type in values or "AWS::AllSupported" in values
    return False


def _in_resource_group(group_name: str, node: Node, account_id: str, region_name: str) -> bool:
    # ``groups.by_name``, not ``groups[...]``: moto 5.0's ResourceGroups has no __getitem__.
    group = resourcegroups_backends[account_id][region_name].groups.by_name.get(group_name)
    if group is None:
        raise InvalidTarget(
            f"Resource group {group_name} does not exist in {account_id}/{region_name}. "
            "Create it with the resource-groups API first."
        )
    query = group.resource_query or {}
    if query.get("Type") != "TAG_FILTERS_1_0":
        raise InvalidTarget(
            f"Resource group {group_name} uses a {query.get('Type')} query; only TAG_FILTERS_1_0 groups can be "
            "resolved by the mock."
        )
    definition = json.loads(query.get("Query") or "{}")
    type_filters = definition.get("ResourceTypeFilters") or ["AWS::AllSupported"]
    if "AWS::AllSupported" not in type_filters and node.source_type not in type_filters:
        return False
    return all(_tag_filter_matches(tag_filter, node.tags) for tag_filter in definition.get("TagFilters") or [])


def _tag_filter_matches(tag_filter: Mapping[str, Any], tags: Mapping[str, str]) -> bool:
    key = tag_filter.get("Key")
    values: Iterable[str] = tag_filter.get("Values") or []
    if key not in tags:
        return False
    values = list(values)
    return not values or tags[str(key)] in values
