"""Tags of associations and managed instances (AddTagsToResource, RemoveTagsFromResource,
ListTagsForResource, and the Tags of CreateAssociation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

from moto.utilities.tagging_service import TaggingService

from ..exceptions import InvalidResourceId, InvalidTag, TooManyTagsError, ValidationException
from ..targets import ManagedInstance
from .room import Room

if TYPE_CHECKING:
    from .associations import Association

MAX_TAGS_PER_RESOURCE = 50


class TagsRoom(Room):
    """The tags of the resources the association API owns."""

    # From the other rooms.
    associations: dict[str, Association]
    managed_instances: dict[str, ManagedInstance]

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.tagger = TaggingService()

    def add_tags(self, resource_type: str, resource_id: str, tags: Sequence[Mapping[str, str]]) -> None:
        with self.lock:
            current = self.list_tags(resource_type, resource_id)
            merged = {tag["Key"]: tag["Value"] for tag in current}
            for tag in tags:
                if tag["Key"].lower().startswith("aws:"):
                    raise ValidationException(f"Tag key {tag['Key']} uses the reserved prefix aws:.")
                merged[tag["Key"]] = tag["Value"]
            if len(merged) > MAX_TAGS_PER_RESOURCE:
                raise TooManyTagsError(
                    f"{resource_type} {resource_id} would have {len(merged)} tags; at most {MAX_TAGS_PER_RESOURCE} "
                    "are allowed."
                )
            if resource_type == "ManagedInstance":
                self.managed_instances[resource_id].tags = merged
            else:
                self.tagger.tag_resource(resource_id, [dict(tag) for tag in tags])

    def remove_tags(self, resource_type: str, resource_id: str, keys: Sequence[str]) -> None:
        with self.lock:
            self.list_tags(resource_type, resource_id)
            if resource_type == "ManagedInstance":
                tags = self.managed_instances[resource_id].tags
                for key in keys:
                    tags.pop(key, None)
            else:
                self.tagger.untag_resource_using_names(resource_id, list(keys))

    def list_tags(self, resource_type: str, resource_id: str) -> list[dict[str, str]]:
        if resource_type == "ManagedInstance":
            registered = self.managed_instances.get(resource_id)
            if registered is None:
                raise InvalidResourceId(
                    f"Managed instance {resource_id} is not registered in {self.account_id}/{self.region_name}."
                )
            return [{"Key": key, "Value": value} for key, value in registered.tags.items()]
        if resource_id not in self.associations:
            raise InvalidResourceId(
                f"Association {resource_id} does not exist in {self.account_id}/{self.region_name}."
            )
        return list(self.tagger.list_tags_for_resource(resource_id)["Tags"])

    def _check_tags(self, tags: list[dict[str, str]]) -> None:
        keys = [tag["Key"] for tag in tags]
        if len(set(keys)) != len(keys):
            raise InvalidTag("Tag keys must be unique; a key appears more than once.")
        if len(keys) > MAX_TAGS_PER_RESOURCE:
            raise InvalidTag(f"An association can have at most {MAX_TAGS_PER_RESOURCE} tags; {len(keys)} were given.")
        for key in keys:
            if key.lower().startswith("aws:"):
                raise InvalidTag(f"Tag key {key} uses the reserved prefix aws:.")
