"""Association targets: which keys State Manager accepts and which nodes are managed.

A node is *managed* when it is a running EC2 instance in moto's EC2 backend for the
same account and region, or when a test registered it (``register_managed_instance``),
as a real node is once SSM Agent has registered it.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from moto.ec2.models import ec2_backends

from .exceptions import InvalidInstanceId, InvalidTarget
from .validation import matches_model_pattern, member_shape

ALL_INSTANCES = "*"
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

REGISTER_HINT = (
    "Start it as a moto EC2 instance, or register it with "
    "ssm_assoc_mock.register_managed_instance('{instance_id}', account_id='{account_id}', region_name='{region_name}')."
)


def ec2_instance(account_id: str, region_name: str, instance_id: str) -> Any:
    """moto's EC2 instance for an id, or None."""
    if not instance_id.startswith("i-"):
        return None
    return ec2_backends[account_id][region_name].get_instance_by_id(instance_id)


def ec2_instance_state(instance: Any) -> str:
    return str(instance.state)


def require_managed(
    instance_id: str,
    account_id: str,
    region_name: str,
    registered: Mapping[str, Any],
) -> None:
    """Raise ``InvalidInstanceId`` unless the node is managed and running."""
    if instance_id in registered:
        return
    instance = ec2_instance(account_id, region_name, instance_id)
    hint = REGISTER_HINT.format(instance_id=instance_id, account_id=account_id, region_name=region_name)
    if instance is None:
        raise InvalidInstanceId(f"Instance {instance_id} is not a managed node in {account_id}/{region_name}. {hint}")
    state = ec2_instance_state(instance)
    if state != "running":
        raise InvalidInstanceId(f"Instance {instance_id} is {state}; only running instances are managed nodes.")


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
        elif key.startswith("resource-groups:Name") and len(values) != 1:
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
