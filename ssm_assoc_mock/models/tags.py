"""Tags of associations and managed instances, and the rules every way of tagging obeys.

Each resource keeps its tags itself (``Association.tags``, ``ManagedInstance.tags``, which
targets match), so a deleted association takes its tags with it. The rules are written once:
keys outside the reserved ``aws:`` prefix, at most 50 of a resource's own tags. Tags given with
a new resource (CreateAssociation's ``Tags``, a template's) must also have unique keys, and
break a rule with ``InvalidTag``; AddTagsToResource answers ``ValidationException`` and
``TooManyTagsError``, as AWS does. Tags under the prefix are added only by a service that
manages the resource (CloudFormation's ``aws:cloudformation:*``) and do not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

from ..exceptions import InvalidResourceId, InvalidTag, SSMAssociationError, TooManyTagsError, ValidationException
from ..targets import ManagedInstance
from .room import Room

if TYPE_CHECKING:
    from .associations import Association

MAX_TAGS_PER_RESOURCE = 50
RESERVED_PREFIX = "aws:"
Tags = Sequence[Mapping[str, str]]  # [{"Key": ..., "Value": ...}], as the API writes them


def is_reserved(key: str) -> bool:
    return key.lower().startswith(RESERVED_PREFIX)


def tags_after_adding(current: Mapping[str, str], adding: Tags, *, with_new_resource: bool) -> dict[str, str]:
    """The tags a resource has once ``adding`` is added to ``current``; the AWS error if a rule is broken."""
    keys = [tag["Key"] for tag in adding]
    if with_new_resource and len(set(keys)) != len(keys):
        raise InvalidTag("Tag keys must be unique; a key appears more than once.")
    reserved = next((key for key in keys if is_reserved(key)), None)
    if reserved is not None:
        invalid: type[SSMAssociationError] = InvalidTag if with_new_resource else ValidationException
        raise invalid(f"Tag key {reserved} uses the reserved prefix {RESERVED_PREFIX}.")
    merged = {**current, **{tag["Key"]: tag["Value"] for tag in adding}}
    own = sum(not is_reserved(key) for key in merged)
    if own > MAX_TAGS_PER_RESOURCE:
        too_many: type[SSMAssociationError] = InvalidTag if with_new_resource else TooManyTagsError
        raise too_many(f"A resource can have at most {MAX_TAGS_PER_RESOURCE} tags; this one would have {own}.")
    return merged


def tags_replaced(current: Mapping[str, str], tags: Tags) -> dict[str, str]:
    """A resource's own tags replaced by ``tags`` (as given with a new resource); a service's tags stay."""
    kept = {key: value for key, value in current.items() if is_reserved(key)}
    return {**kept, **tags_after_adding({}, tags, with_new_resource=True)}


def as_tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


class TagsRoom(Room):
    """AddTagsToResource, RemoveTagsFromResource and ListTagsForResource, for both resource types."""

    # From the other rooms.
    associations: dict[str, Association]
    managed_instances: dict[str, ManagedInstance]

    def add_tags(self, resource_type: str, resource_id: str, tags: Tags) -> None:
        with self.lock:
            resource = self._tagged(resource_type, resource_id)
            resource.tags = tags_after_adding(resource.tags, tags, with_new_resource=False)

    def remove_tags(self, resource_type: str, resource_id: str, keys: Sequence[str]) -> None:
        with self.lock:
            resource = self._tagged(resource_type, resource_id)
            resource.tags = {key: value for key, value in resource.tags.items() if key not in keys}

    def list_tags(self, resource_type: str, resource_id: str) -> list[dict[str, str]]:
        with self.lock:
            return as_tag_list(self._tagged(resource_type, resource_id).tags)

    def replace_tags(self, resource_type: str, resource_id: str, tags: Tags) -> None:
        """A resource's own tags become ``tags`` (as given with a new resource); a service's tags stay."""
        with self.lock:
            resource = self._tagged(resource_type, resource_id)
            resource.tags = tags_replaced(resource.tags, tags)

    def add_service_tags(self, resource_type: str, resource_id: str, tags: Mapping[str, str]) -> None:
        """Tags a service that manages the resource adds, under the reserved prefix (``aws:cloudformation:*``)."""
        if not all(is_reserved(key) for key in tags):
            raise ValueError(f"Service tags use the reserved prefix {RESERVED_PREFIX}: {', '.join(tags)}")
        with self.lock:
            resource = self._tagged(resource_type, resource_id)
            resource.tags = {**resource.tags, **tags}

    def _tagged(self, resource_type: str, resource_id: str) -> Association | ManagedInstance:
        """The resource whose tags a call reads or writes; ``InvalidResourceId`` if there is none."""
        where = f"{self.account_id}/{self.region_name}"
        if resource_type == "ManagedInstance":
            resource: Association | ManagedInstance | None = self.managed_instances.get(resource_id)
            missing = f"Managed instance {resource_id} is not registered in {where}."
        else:
            resource = self.associations.get(resource_id)
            missing = f"Association {resource_id} does not exist in {where}."
        if resource is None:
            raise InvalidResourceId(missing)
        return resource
