"""1. Per-call cost through boto3 under mock_aws, against moto's own describe_document and a Stubber call."""

from __future__ import annotations

import time
from typing import Any, Callable

from ._common import (
    BENCH_DOCUMENT,
    BENCH_DOCUMENT_CONTENT,
    LEGACY_DOCUMENT,
    REGION,
    Case,
    Result,
    check,
    counter_messages,
    interleaved,
    spread,
    summary,
    us,
    use_fake_credentials,
)

TARGET = "<= 1.0x"
INSTANCE = "i-0123456789abcdef0"


def operations(client: Any, created: list[str]) -> dict[str, tuple[str, Callable[[], dict[str, Any]]]]:
    """Operation name -> (boto3 method name, a call with fresh, valid parameters each time)."""
    messages = counter_messages("bench status")
    association_id: str = client.describe_association(Name=LEGACY_DOCUMENT, InstanceId=INSTANCE)[
        "AssociationDescription"
    ]["AssociationId"]

    def update_association_status() -> dict[str, Any]:
        status = {"Date": time.time(), "Name": "Success", "Message": next(messages)}
        return dict(
            client.update_association_status(Name=LEGACY_DOCUMENT, InstanceId=INSTANCE, AssociationStatus=status)
        )

    def describe_association() -> dict[str, Any]:
        return dict(client.describe_association(AssociationId=association_id))

    def create_association() -> dict[str, Any]:
        response = client.create_association(
            Name="AWS-RunShellScript",
            Targets=[{"Key": "tag:Group", "Values": ["bench"]}],
            Parameters={"commands": ["echo bench"]},
        )
        created.append(response["AssociationDescription"]["AssociationId"])
        return dict(response)

    def describe_document() -> dict[str, Any]:
        return dict(client.describe_document(Name=BENCH_DOCUMENT))

    return {
        "UpdateAssociationStatus": ("update_association_status", update_association_status),
        "DescribeAssociation": ("describe_association", describe_association),
        "CreateAssociation": ("create_association", create_association),
        "DescribeDocument": ("describe_document", describe_document),
    }


def stubbed_case(
    operation: str, method: str, response: dict[str, Any], call_kwargs: Callable[[], dict[str, Any]]
) -> Case:
    """The same call on a client whose botocore Stubber answers: serialisation and parsing, no moto."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("ssm", region_name=REGION)
    stubber = Stubber(client)
    stubber.activate()
    bound = getattr(client, method)
    body = {key: value for key, value in response.items() if key != "ResponseMetadata"}

    def prepare(number: int) -> None:
        for _ in range(number):
            stubber.add_response(method, body)

    return Case(f"{operation} (Stubber)", lambda: bound(**call_kwargs()), prepare=prepare)


def run(quick: bool = False) -> list[Result]:
    use_fake_credentials()
    import boto3
    from moto import mock_aws

    import ssm_assoc_mock

    number, rounds = (60, 5) if quick else (200, 9)
    results: list[Result] = []
    with mock_aws():
        client = boto3.client("ssm", region_name=REGION)
        client.create_document(Content=BENCH_DOCUMENT_CONTENT, Name=BENCH_DOCUMENT, DocumentType="Command")
        ssm_assoc_mock.register_managed_instance(INSTANCE, region_name=REGION)
        client.create_association(Name=LEGACY_DOCUMENT, InstanceId=INSTANCE)
        backend = ssm_assoc_mock.backend(region_name=REGION)
        backend.association_limit = 1_000_000
        created: list[str] = []

        def drop_created() -> None:  # keep the store at its size between rounds (untimed)
            for association_id in created:
                backend.delete_association(association_id, None, None)
            created.clear()

        calls = operations(client, created)
        cases = [
            Case(name, call, cleanup=drop_created if name == "CreateAssociation" else None)
            for name, (_, call) in calls.items()
        ]
        mocked = interleaved(cases, number, rounds)

        messages = counter_messages("stub status")
        stub_kwargs: dict[str, Callable[[], dict[str, Any]]] = {
            "UpdateAssociationStatus": lambda: {
                "Name": LEGACY_DOCUMENT,
                "InstanceId": INSTANCE,
                "AssociationStatus": {"Date": time.time(), "Name": "Success", "Message": next(messages)},
            },
            "DescribeAssociation": lambda: {"AssociationId": "8dfe3659-4309-493a-8755-0123456789ab"},
            "CreateAssociation": lambda: {
                "Name": "AWS-RunShellScript",
                "Targets": [{"Key": "tag:Group", "Values": ["bench"]}],
                "Parameters": {"commands": ["echo bench"]},
            },
        }
        stub_cases = [
            stubbed_case(name, calls[name][0], calls[name][1](), kwargs) for name, kwargs in stub_kwargs.items()
        ]
        drop_created()
    stubbed = interleaved(stub_cases, number, rounds)

    baseline = summary(mocked["DescribeDocument"])
    for name in stub_kwargs:
        cost = summary(mocked[name])
        ratio = cost / baseline
        results.append(
            Result(
                "calls",
                f"{name} vs moto describe_document",
                f"{us(cost)} vs {us(baseline)}",
                ratio,
                TARGET,
                check(ratio, TARGET),
                {"rounds": rounds, "calls_per_round": number, "spread": round(spread(mocked[name]), 3)},
            )
        )
        floor = summary(stubbed[f"{name} (Stubber)"])
        results.append(
            Result(
                "calls",
                f"{name} vs botocore Stubber (client floor)",
                f"{us(cost)} vs {us(floor)}",
                cost / floor,
                notes={"server_side_us": round((cost - floor) * 1e6, 1)},
            )
        )
    return results
