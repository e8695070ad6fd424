"""Managed nodes, and the association views of one node: DescribeInstanceAssociationsStatus,
DescribeEffectiveInstanceAssociations and DescribeInstanceInformation.

A node is an EC2 instance of moto's EC2 backend or a registered ``ManagedInstance``
(``targets.py`` says which are managed). The views read the associations that apply to a node
and the results runs left on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from ..documents import DocumentInfo
from ..exceptions import ValidationException
from ..pagination import DEFAULT_PAGE_SIZE, decode_next_token, int_position, page_of, request_fingerprint
from ..targets import ManagedInstance, Node, managed_node, managed_nodes, node_is_targeted
from .clock import reported_now
from .filters import checked_node_criteria, instance_information_filter
from .output import reported_output_url
from .room import Room
from .runs import FAILED_STATUSES, count_by_status, execution_summary, overall_status

if TYPE_CHECKING:
    from .associations import Association

EFFECTIVE_ASSOCIATIONS_PAGE_SIZE = 5  # the model's maximum for DescribeEffectiveInstanceAssociations
INSTANCE_INFORMATION_PAGE_SIZE = 10  # the documented default of DescribeInstanceInformation


class NodesRoom(Room):
    """Managed nodes and what the associations did on each."""

    # From the other rooms.
    in_order: Callable[[int], Iterator[Association]]
    observe: Callable[[Association], Association]
    resolved_document_version: Callable[[Association], str]
    association_document: Callable[[Association], DocumentInfo | None]
    results_by_instance: dict[str, dict[str, Association]]
    last_success_by_instance: dict[str, datetime]

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.managed_instances: dict[str, ManagedInstance] = {}

    def register_managed_instance(self, instance: ManagedInstance) -> ManagedInstance:
        with self.lock:
            instance.registered_at = reported_now()  # registered now, on State Manager's clock
            self.managed_instances[instance.instance_id] = instance
            return instance

    def managed_node(self, instance_id: str) -> Node:
        """The managed node for an id; ``InvalidInstanceId`` if there is none."""
        return managed_node(self.account_id, self.region_name, self.managed_instances, instance_id)

    def nodes(self) -> dict[str, Node]:
        return managed_nodes(self.account_id, self.region_name, self.managed_instances)

    def _associations_applying_to(self, node: Node, start: int) -> Iterator[Association]:
        """Associations from position ``start`` on that apply to a node now (or have run on it), in creation order."""
        for association in self.in_order(start):
            if association.instance_id:
                applies = association.instance_id == node.instance_id
            else:
                targets = association.settings.get("Targets") or []
                applies = bool(targets) and node_is_targeted(targets, node, self.account_id, self.region_name)
            if applies or node.instance_id in association.instance_results:
                yield association

    def describe_instance_associations_status(
        self, instance_id: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        fingerprint = request_fingerprint("DescribeInstanceAssociationsStatus", {"InstanceId": instance_id})
        start = int_position(decode_next_token(next_token, fingerprint))
        with self.lock:
            node = self.managed_node(instance_id)
            applying = ((a.position, a) for a in self._associations_applying_to(node, start))
            return page_of(
                applying,
                max_results or DEFAULT_PAGE_SIZE,
                fingerprint,
                lambda association: self._instance_status(self.observe(association), node.instance_id),
            )

    def _instance_status(self, association: Association, instance_id: str) -> dict[str, Any]:
        """An ``InstanceAssociationStatusInfo``: the latest outcome on the node, or Pending."""
        item: dict[str, Any] = {
            "AssociationId": association.association_id,
            "Name": association.name,
            "AssociationVersion": str(association.latest.number),
            "InstanceId": instance_id,
            "AssociationName": association.settings.get("AssociationName"),
        }
        result = association.instance_results.get(instance_id)
        if result is None:
            item.update(
                DocumentVersion=self.resolved_document_version(association),
                Status="Pending",
                DetailedStatus="Associated",
            )
            return item
        execution, target = result
        item.update(
            DocumentVersion=execution.document_version,
            AssociationVersion=str(execution.association_version),
            ExecutionDate=target.date,
            Status=target.status,
            DetailedStatus=target.detailed_status,
            ExecutionSummary=execution_summary(target.status),
            ErrorCode="1" if target.status in FAILED_STATUSES else None,
            OutputUrl=reported_output_url(target),
        )
        return item

    def describe_effective_instance_associations(
        self, instance_id: str, max_results: int | None, next_token: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        fingerprint = request_fingerprint("DescribeEffectiveInstanceAssociations", {"InstanceId": instance_id})
        start = int_position(decode_next_token(next_token, fingerprint))
        with self.lock:
            node = self.managed_node(instance_id)
            effective = (
                (association.position, association)
                for association in self._associations_applying_to(node, start)
                if node.instance_id in self._current_targets(association, node)
            )
            return page_of(
                effective,
                max_results or EFFECTIVE_ASSOCIATIONS_PAGE_SIZE,
                fingerprint,
                lambda association: {
                    "AssociationId": association.association_id,
                    "InstanceId": node.instance_id,
                    "Content": self._document_content(association),
                    "AssociationVersion": str(association.latest.number),
                },
            )

    def _current_targets(self, association: Association, node: Node) -> set[str]:
        if association.instance_id:
            return {association.instance_id}
        targets = association.settings.get("Targets") or []
        return (
            {node.instance_id}
            if targets and node_is_targeted(targets, node, self.account_id, self.region_name)
            else set()
        )

    def _document_content(self, association: Association) -> str | None:
        document = self.association_document(association)
        return None if document is None else document.content

    def describe_instance_information(
        self,
        filter_list: Sequence[Mapping[str, Any]],
        filters: Sequence[Mapping[str, Any]],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        if filter_list and filters:
            raise ValidationException("Use either Filters or InstanceInformationFilterList, not both.")
        criteria = [(item["key"], list(item["valueSet"])) for item in filter_list] + [
            (item["Key"], list(item["Values"])) for item in filters
        ]
        fingerprint = request_fingerprint("DescribeInstanceInformation", {"c": criteria})
        start = decode_next_token(next_token, fingerprint)
        with self.lock:
            predicates = [self._instance_filter(key, values) for key, values in checked_node_criteria(criteria)]
            informations = (
                (instance_id, self._instance_information(node))
                for instance_id, node in self.nodes().items()
                if start is None or instance_id >= str(start)
            )
            matching = (
                (instance_id, information)
                for instance_id, information in informations
                if all(predicate(information) for predicate in predicates)
            )
            return page_of(
                matching, max_results or INSTANCE_INFORMATION_PAGE_SIZE, fingerprint, lambda information: information
            )

    def _instance_filter(self, key: str, values: list[str]) -> Callable[[Mapping[str, Any]], bool]:
        if key == "InstanceIds":
            for instance_id in values:
                self.managed_node(instance_id)
        return instance_information_filter(key, values, self._node_tags)

    def _node_tags(self, information: Mapping[str, Any]) -> Mapping[str, str]:
        return self.managed_node(str(information["InstanceId"])).tags

    def _instance_information(self, node: Node) -> dict[str, Any]:
        """An ``InstanceInformation`` item, with the node's association roll-up."""
        results = [
            association.instance_results[node.instance_id]
            for association in self.results_by_instance.get(node.instance_id, {}).values()
        ]
        statuses = [target.status for _, target in results]
        rolled_up = overall_status(statuses) if statuses else None
        registered = node.resource_type == "ManagedInstance"
        return {
            "InstanceId": node.instance_id,
            "PingStatus": node.ping_status,
            "LastPingDateTime": reported_now(),
            "AgentVersion": node.agent_version,
            "IsLatestVersion": True,
            "PlatformType": node.platform_type,
            "PlatformName": node.platform_name,
            "PlatformVersion": node.platform_version,
            "ActivationId": node.activation_id or None,
            "IamRole": node.iam_role or None,
            "RegistrationDate": node.registered_at if registered else None,
            "ResourceType": node.resource_type,
            "IPAddress": node.ip_address,
            "ComputerName": node.computer_name,
            "AssociationStatus": rolled_up,
            "LastAssociationExecutionDate": max((target.date for _, target in results), default=None),
            "LastSuccessfulAssociationExecutionDate": self.last_success_by_instance.get(node.instance_id),
            "AssociationOverview": {
                "DetailedStatus": rolled_up,
                "InstanceAssociationStatusAggregatedCount": count_by_status(statuses),
            }
            if statuses
            else None,
            "SourceId": node.instance_id,
            "SourceType": node.source_type,
        }
