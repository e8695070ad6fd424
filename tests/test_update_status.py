"""UpdateAssociationStatus: legacy associations only (reference 4.6; README)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from ssm_assoc_mock import register_managed_instance

from .helpers import (
    INSTANCE,
    OTHER_INSTANCE,
    expect_error,
)
from .shapes import assert_output_shape

pytestmark = pytest.mark.usefixtures("reuse_boto3_session")

DOCUMENT = "AWS-UpdateSSMAgent"


def _status(name: str = "Pending", message: str = "temp_status_change", **extra: Any) -> dict[str, Any]:
    return {"Date": datetime(2015, 2, 20, 8, 31, 11, tzinfo=timezone.utc), "Name": name, "Message": message, **extra}


def _legacy(ssm_client: Any, instance_id: str = INSTANCE) -> dict[str, Any]:
    register_managed_instance(instance_id)
    return dict(ssm_client.create_association(Name=DOCUMENT, InstanceId=instance_id)["AssociationDescription"])


def test_status_replaces_only_status(ssm_client: Any) -> None:
    created = _legacy(ssm_client)
    status = _status(AdditionalInfo="Additional-Config-Needed")

    response = assert_output_shape(
        "UpdateAssociationStatus",
        ssm_client.update_association_status(Name=DOCUMENT, InstanceId=INSTANCE, AssociationStatus=status),
    )

    description = response["AssociationDescription"]
    assert description["Status"] == status
    unchanged = {key: value for key, value in created.items() if key != "Status"}
    assert {key: value for key, value in description.items() if key != "Status"} == unchanged
    assert description["AssociationVersion"] == "1"
    assert description["LastUpdateAssociationDate"] == created["LastUpdateAssociationDate"]
    described = ssm_client.describe_association(AssociationId=created["AssociationId"])["AssociationDescription"]
    assert described == description
    versions = ssm_client.list_association_versions(AssociationId=created["AssociationId"])["AssociationVersions"]
    assert len(versions) == 1


def test_status_date_is_stored_as_sent(ssm_client: Any) -> None:
    _legacy(ssm_client)

    description = ssm_client.update_association_status(
        Name=DOCUMENT, InstanceId=INSTANCE, AssociationStatus={**_status(), "Date": 1424421071}
    )["AssociationDescription"]

    assert description["Status"]["Date"].timestamp() == 1424421071


def test_status_can_move_between_every_modelled_value(ssm_client: Any) -> None:
    _legacy(ssm_client)

    seen = []
    for name in ("Pending", "Success", "Failed", "Pending"):
        description = ssm_client.update_association_status(
            Name=DOCUMENT, InstanceId=INSTANCE, AssociationStatus=_status(name, f"now {name}")
        )["AssociationDescription"]
        seen.append(description["Status"]["Name"])

    assert seen == ["Pending", "Success", "Failed", "Pending"]


def test_status_is_per_association(ssm_client: Any) -> None:
    _legacy(ssm_client, INSTANCE)
    other = _legacy(ssm_client, OTHER_INSTANCE)

    ssm_client.update_association_status(Name=DOCUMENT, InstanceId=INSTANCE, AssociationStatus=_status("Failed"))

    untouched = ssm_client.describe_association(AssociationId=other["AssociationId"])["AssociationDescription"]
    assert untouched["Status"]["Name"] == "Associated"


def test_same_name_message_and_info_is_status_unchanged_even_with_a_new_date(ssm_client: Any) -> None:
    _legacy(ssm_client)
    ssm_client.update_association_status(
        Name=DOCUMENT, InstanceId=INSTANCE, AssociationStatus=_status("Success", "done", AdditionalInfo="x")
    )

    repeated = {**_status("Success", "done", AdditionalInfo="x"), "Date": datetime(2020, 1, 1, tzinfo=timezone.utc)}
    expect_error(
        ssm_client.update_association_status,
        "StatusUnchanged",
        Name=DOCUMENT,
        InstanceId=INSTANCE,
        AssociationStatus=repeated,
    )
    stored = ssm_client.describe_association(Name=DOCUMENT, InstanceId=INSTANCE)["AssociationDescription"]["Status"]
    assert stored["Date"] == datetime(2015, 2, 20, 8, 31, 11, tzinfo=timezone.utc)


def test_status_without_additional_info_twice_is_status_unchanged(ssm_client: Any) -> None:
    _legacy(ssm_client)
    ssm_client.update_association_status(Name=DOCUMENT, InstanceId=INSTANCE, AssociationStatus=_status())

    expect_error(
        ssm_client.update_association_status,
        "StatusUnchanged",
        Name=DOCUMENT,
        InstanceId=INSTANCE,
        AssociationStatus=_status(),
    )


@pytest.mark.parametrize(
    "change",
    [{"Name": "Success"}, {"Message": "another message"}, {"AdditionalInfo": "more"}],
    ids=["name", "message", "additional-info"],
)
def test_any_changed_member_is_a_status_change(ssm_client: Any, change: dict[str, str]) -> None:
    _legacy(ssm_client)
    ssm_client.update_association_status(Name=DOCUMENT, InstanceId=INSTANCE, AssociationStatus=_status())

    description = ssm_client.update_association_status(
        Name=DOCUMENT, InstanceId=INSTANCE, AssociationStatus={**_status(), **change}
    )["AssociationDescription"]

    for member, value in change.items():
        assert description["Status"][member] == value


def test_targets_based_association_is_association_does_not_exist(ssm_client: Any) -> None:
    register_managed_instance(INSTANCE)
    created = ssm_client.create_association(Name=DOCUMENT, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}])[
        "AssociationDescription"
    ]

    expect_error(
        ssm_client.update_association_status,
        "AssociationDoesNotExist",
        DOCUMENT,
        INSTANCE,
        Name=DOCUMENT,
        InstanceId=INSTANCE,
        AssociationStatus=_status(),
    )
    described = ssm_client.describe_association(AssociationId=created["AssociationId"])["AssociationDescription"]
    assert "Status" not in described


def test_unknown_document_is_invalid_document(ssm_client: Any) -> None:
    _legacy(ssm_client)

    expect_error(
        ssm_client.update_association_status,
        "InvalidDocument",
        "No-Such-Document",
        Name="No-Such-Document",
        InstanceId=INSTANCE,
        AssociationStatus=_status(),
    )


def test_unmanaged_instance_is_invalid_instance_id(ssm_client: Any) -> None:
    _legacy(ssm_client)

    expect_error(
        ssm_client.update_association_status,
        "InvalidInstanceId",
        OTHER_INSTANCE,
        Name=DOCUMENT,
        InstanceId=OTHER_INSTANCE,
        AssociationStatus=_status(),
    )


def test_document_and_instance_without_association_is_association_does_not_exist(ssm_client: Any) -> None:
    _legacy(ssm_client)
    register_managed_instance(OTHER_INSTANCE)

    expect_error(
        ssm_client.update_association_status,
        "AssociationDoesNotExist",
        OTHER_INSTANCE,
        Name=DOCUMENT,
        InstanceId=OTHER_INSTANCE,
        AssociationStatus=_status(),
    )
    expect_error(
        ssm_client.update_association_status,
        "AssociationDoesNotExist",
        "AWS-RunShellScript",
        Name="AWS-RunShellScript",
        InstanceId=INSTANCE,
        AssociationStatus=_status(),
    )


def test_deleted_association_has_no_status_to_update(ssm_client: Any) -> None:
    created = _legacy(ssm_client)
    ssm_client.delete_association(AssociationId=created["AssociationId"])

    expect_error(
        ssm_client.update_association_status,
        "AssociationDoesNotExist",
        Name=DOCUMENT,
        InstanceId=INSTANCE,
        AssociationStatus=_status(),
    )
