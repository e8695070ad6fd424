"""2. Scaling: the same calls and a ListAssociations first page at a small and a large store."""

from __future__ import annotations

import gc
import time

from ._common import (
    FILTERED_DOCUMENT,
    LEGACY_DOCUMENT,
    REGION,
    Case,
    Result,
    check,
    counter_messages,
    instance_id,
    interleaved,
    populate,
    summary,
    us,
    use_fake_credentials,
)

TARGET = "<= 1.2x"
PAGE = 50


SMALL_REGION, LARGE_REGION = REGION, "us-west-2"


def cases_for(size: int, region: str) -> list[Case]:
    """Populate ``region`` with ``size`` associations (inside an active mock); the calls to time there."""
    import boto3

    import ssm_assoc_mock

    client = boto3.client("ssm", region_name=region)
    backend = ssm_assoc_mock.backend(region_name=region)
    for index in range(0, size, 10):
        ssm_assoc_mock.register_managed_instance(instance_id(index), region_name=region)
    ids = populate(backend, size)
    legacy_instance = instance_id((size // 2) // 10 * 10)  # a legacy association half-way through creation order
    described = ids[size // 2 + 1]
    messages = counter_messages("bench status")
    created: list[str] = []

    def update_status() -> None:
        status = {"Date": time.time(), "Name": "Success", "Message": next(messages)}
        client.update_association_status(Name=LEGACY_DOCUMENT, InstanceId=legacy_instance, AssociationStatus=status)

    def create() -> None:
        response = client.create_association(
            Name="AWS-RunShellScript",
            Targets=[{"Key": "tag:Group", "Values": ["bench"]}],
            Parameters={"commands": ["echo bench"]},
        )
        created.append(response["AssociationDescription"]["AssociationId"])

    def drop_created() -> None:  # keep the store at its size between rounds (untimed)
        for association_id in created:
            backend.delete_association(association_id, None, None)
        created.clear()

    name_filter = [{"key": "Name", "value": FILTERED_DOCUMENT}]
    for response in (
        client.list_associations(MaxResults=PAGE),
        client.list_associations(MaxResults=PAGE, AssociationFilterList=name_filter),
    ):
        assert len(response["Associations"]) == PAGE and response.get("NextToken"), size  # full pages at any size
    return [
        Case(f"UpdateAssociationStatus@{size}", update_status),
        Case(f"DescribeAssociation@{size}", lambda: client.describe_association(AssociationId=described)),
        Case(f"CreateAssociation@{size}", create, cleanup=drop_created),
        Case(f"ListAssociations page@{size}", lambda: client.list_associations(MaxResults=PAGE)),
        Case(
            f"ListAssociations page, Name filter@{size}",
            lambda: client.list_associations(MaxResults=PAGE, AssociationFilterList=name_filter),
        ),
    ]


def run(quick: bool = False) -> list[Result]:
    """Both stores live side by side (two regions of one account) and their calls are interleaved."""
    use_fake_credentials()
    from moto import mock_aws

    small, large = 100, (10_000 if quick else 100_000)
    number, rounds = (30, 5) if quick else (50, 7)
    with mock_aws():
        started = time.perf_counter()
        small_cases = cases_for(small, SMALL_REGION)
        large_cases = cases_for(large, LARGE_REGION)
        populate_seconds = time.perf_counter() - started
        gc.collect()
        gc.freeze()  # the stores are long-lived: keep gc.collect between rounds from walking them
        samples = interleaved([*small_cases, *large_cases], number, rounds, warmup=10)
        gc.unfreeze()
    results: list[Result] = []
    for case in small_cases:
        name = case.name.split("@")[0]
        at_small, at_large = summary(samples[case.name]), summary(samples[f"{name}@{large}"])
        ratio = at_large / at_small
        results.append(
            Result(
                "scaling",
                f"{name}: {large:,} vs {small} associations",
                f"{us(at_large)} vs {us(at_small)}",
                ratio,
                TARGET,
                check(ratio, TARGET),
                {"populate_seconds": round(populate_seconds, 1), "rounds": rounds, "calls_per_round": number},
            )
        )
    return results
