"""The seed: the AWS CLI reference example for update-association-status."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ssm_assoc_mock.__main__ import SEED_STATUS, run_demo

from .helpers import INSTANCE
from .shapes import assert_output_shape


def test_seed_example_returns_every_documented_field(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    created = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)["AssociationDescription"]

    response = ssm_client.update_association_status(
        Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE, AssociationStatus=SEED_STATUS
    )

    assert_output_shape("UpdateAssociationStatus", response)
    description = response["AssociationDescription"]
    assert description["Name"] == "AWS-UpdateSSMAgent"
    assert description["InstanceId"] == INSTANCE
    assert description["AssociationVersion"] == "1"
    assert description["AssociationId"] == created["AssociationId"]
    assert description["Date"] == created["Date"]
    assert description["LastUpdateAssociationDate"] == created["LastUpdateAssociationDate"]
    status = dict(description["Status"])
    # Stored as sent: older botocore cuts the .939 on the client, newer sends milliseconds.
    sent_at = status.pop("Date").timestamp()
    assert int(sent_at) == 1424421071
    assert round(sent_at % 1, 3) in (0.0, 0.939)
    assert status == {"Name": "Pending", "Message": "temp_status_change", "AdditionalInfo": "Additional-Config-Needed"}
    assert description["DocumentVersion"] == "$DEFAULT"
    assert description["Targets"] == [{"Key": "InstanceIds", "Values": [INSTANCE]}]
    assert set(description["Overview"]) >= {"Status"}


def test_status_update_is_visible_to_describe(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    association_id = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)[
        "AssociationDescription"
    ]["AssociationId"]
    ssm_client.update_association_status(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE, AssociationStatus=SEED_STATUS)

    by_id = ssm_client.describe_association(AssociationId=association_id)
    by_pair = ssm_client.describe_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)

    assert_output_shape("DescribeAssociation", by_id)
    assert by_id["AssociationDescription"]["Status"]["Message"] == "temp_status_change"
    assert by_pair["AssociationDescription"] == by_id["AssociationDescription"]


def test_repeating_the_same_status_is_status_unchanged(ssm_client: Any, managed_instance: Any) -> None:
    managed_instance(INSTANCE)
    ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE)
    ssm_client.update_association_status(Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE, AssociationStatus=SEED_STATUS)

    with pytest.raises(ClientError) as raised:
        ssm_client.update_association_status(
            Name="AWS-UpdateSSMAgent", InstanceId=INSTANCE, AssociationStatus=SEED_STATUS
        )

    assert raised.value.response["Error"]["Code"] == "StatusUnchanged"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_demo_prints_the_cli_shaped_response() -> None:
    out = io.StringIO()
    body = run_demo(out)
    printed = json.loads(out.getvalue())
    assert printed == body
    description = printed["AssociationDescription"]
    assert description["Status"]["Name"] == "Pending"
    assert description["Status"]["AdditionalInfo"] == "Additional-Config-Needed"
    assert isinstance(description["Date"], (int, float))
    assert out.getvalue().startswith('{\n    "AssociationDescription": {\n')
