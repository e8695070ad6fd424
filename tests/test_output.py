"""Run output in S3 (issue 13, reference 4.2): each run writes stdout (and stderr on failure) under the
agent's layout, and the per-node views report the OutputUrl naming those objects."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from freezegun import freeze_time

import ssm_assoc_mock
from ssm_assoc_mock import simulate_run
from ssm_assoc_mock.exceptions import InvalidTarget
from ssm_assoc_mock.seed import load_seed

from .helpers import INSTANCE, REGION, SHELL, command_document, run_ec2
from .shapes import assert_output_shape
from .test_server import call, client, register

pytestmark = pytest.mark.usefixtures("reuse_boto3_session", "no_default_amis")

BUCKET = "ssm-output"
RUN_ID = re.compile(r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z")
SHELL_STEP = "awsrunShellScript/0.awsrunShellScript"


def output_location(prefix: str | None = None, bucket: str = BUCKET) -> dict[str, Any]:
    location = {"OutputS3BucketName": bucket, **({"OutputS3KeyPrefix": prefix} if prefix is not None else {})}
    return {"S3Location": location}


def objects(s3: Any, bucket: str = BUCKET) -> dict[str, str]:
    """Every object in the bucket, read back through S3's API: key -> text."""
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().decode() for item in listed}


def output_url(ssm: Any, instance_id: str, association_id: str) -> str | None:
    response = assert_output_shape(
        "DescribeInstanceAssociationsStatus", ssm.describe_instance_associations_status(InstanceId=instance_id)
    )
    (item,) = [i for i in response["InstanceAssociationStatusInfos"] if i["AssociationId"] == association_id]
    url = item.get("OutputUrl")
    return None if url is None else str(url["S3OutputUrl"]["OutputUrl"])


def run_id_of(execution: dict[str, Any]) -> str:
    created = execution["CreatedTime"]
    return created.strftime("%Y-%m-%dT%H-%M-%S.") + f"{created.microsecond // 1000:03d}Z"


def test_a_success_writes_stdout_under_the_prefix_and_the_url_names_it(ssm_client: Any) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    first, second = run_ec2(2, tags={"Role": "web"})
    association_id = ssm_client.create_association(
        **SHELL, Targets=[{"Key": "tag:Role", "Values": ["web"]}], OutputLocation=output_location("ssm/out/")
    )["AssociationDescription"]["AssociationId"]

    execution = simulate_run(association_id, output="updated 3 packages\n")

    run_id = run_id_of(execution)
    assert RUN_ID.fullmatch(run_id)
    expected = {
        f"ssm/out/{node}/{association_id}/{run_id}/{SHELL_STEP}/stdout": "updated 3 packages\n"
        for node in (first, second)
    }
    assert objects(s3) == expected
    for node in (first, second):
        url = output_url(ssm_client, node, association_id)
        assert url == f"{BUCKET}/ssm/out/{node}/{association_id}/{run_id}"
        assert f"{url.split('/', 1)[1]}/{SHELL_STEP}/stdout" in expected


def test_a_failure_writes_stderr_too_and_no_prefix_leaves_no_leading_slash(ssm_client: Any) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    ok, broken = run_ec2(2)
    association_id = ssm_client.create_association(
        **SHELL, Targets=[{"Key": "InstanceIds", "Values": [ok, broken]}], OutputLocation=output_location()
    )["AssociationDescription"]["AssociationId"]

    execution = simulate_run(
        association_id,
        instance_statuses={broken: "Failed"},
        output={broken: "starting\n"},
        error_output="yum: command not found\n",
    )

    folder = f"{association_id}/{run_id_of(execution)}/{SHELL_STEP}"
    assert objects(s3) == {
        f"{ok}/{folder}/stdout": f"Association {association_id} ran on {ok}: Success\n",  # the default
        f"{broken}/{folder}/stdout": "starting\n",
        f"{broken}/{folder}/stderr": "yum: command not found\n",
    }
    assert (
        output_url(ssm_client, broken, association_id) == f"{BUCKET}/{broken}/{association_id}/{run_id_of(execution)}"
    )


def test_a_missing_bucket_never_fails_the_run_and_the_url_is_still_reported(ssm_client: Any) -> None:
    (node,) = run_ec2(1)
    association_id = ssm_client.create_association(
        **SHELL, Targets=[{"Key": "InstanceIds", "Values": [node]}], OutputLocation=output_location("logs")
    )["AssociationDescription"]["AssociationId"]

    execution = simulate_run(association_id)

    assert execution["Status"] == "Success"
    assert (
        output_url(ssm_client, node, association_id) == f"{BUCKET}/logs/{node}/{association_id}/{run_id_of(execution)}"
    )
    assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []


def test_schema_2_steps_are_named_by_step_and_platform_preconditions_hold(ssm_client: Any) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    content = command_document()
    content["mainSteps"] = [
        {"action": "aws:runShellScript", "name": "Install", "inputs": {"runCommand": ["true"]}},
        {
            "action": "aws:runPowerShellScript",
            "name": "OnWindows",
            "precondition": {"StringEquals": ["platformType", "Windows"]},
            "inputs": {"runCommand": ["exit 0"]},
        },
    ]
    ssm_client.create_document(Name="Two-Steps", DocumentType="Command", Content=json.dumps(content))
    (node,) = run_ec2(1)  # a Linux node
    association_id = ssm_client.create_association(
        Name="Two-Steps", Targets=[{"Key": "InstanceIds", "Values": [node]}], OutputLocation=output_location("p")
    )["AssociationDescription"]["AssociationId"]

    execution = simulate_run(association_id, output="done\n")

    assert list(objects(s3)) == [f"p/{node}/{association_id}/{run_id_of(execution)}/awsrunShellScript/Install/stdout"]


def test_clock_runs_write_what_set_run_outcome_chose(ssm_client: Any) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    (node,) = run_ec2(1)
    association_id = ssm_client.create_association(
        **SHELL, Targets=[{"Key": "InstanceIds", "Values": [node]}], OutputLocation=output_location("clock")
    )["AssociationDescription"]["AssociationId"]
    ssm_assoc_mock.set_run_outcome(association_id, status="TimedOut", output="partial\n", error_output="timed out\n")

    (execution,) = ssm_assoc_mock.advance_clock(0)

    folder = f"clock/{node}/{association_id}/{run_id_of(execution)}/{SHELL_STEP}"
    assert objects(s3) == {f"{folder}/stdout": "partial\n", f"{folder}/stderr": "timed out\n"}


def test_unfinished_nodes_write_when_a_duration_cancels_them_and_skipped_ones_never(ssm_client: Any) -> None:
    with freeze_time("2026-01-01T12:00:00Z"):
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        running, skipped = run_ec2(2)
        association_id = ssm_client.create_association(
            **SHELL,
            Targets=[{"Key": "InstanceIds", "Values": [running, skipped]}],
            OutputLocation=output_location(),
            ScheduleExpression="cron(0 14 * * ? *)",
            ApplyOnlyAtCronInterval=True,
            Duration=1,
        )["AssociationDescription"]["AssociationId"]
        ssm_assoc_mock.set_run_outcome(association_id, instance_statuses={running: "InProgress", skipped: "Skipped"})

        (execution,) = ssm_assoc_mock.advance_clock(2.5 * 3600)  # 14:30: started at 14:00, still running
        assert objects(s3) == {}
        assert output_url(ssm_client, running, association_id) is None
        ssm_assoc_mock.advance_clock(3600)  # 15:30: the 15:00 cut-off cancelled it

        folder = f"{running}/{association_id}/2026-01-01T14-00-00.000Z/{SHELL_STEP}"
        assert run_id_of(execution) == "2026-01-01T14-00-00.000Z"
        assert objects(s3) == {
            f"{folder}/stdout": f"Association {association_id} ran on {running}: Cancelled\n",
            f"{folder}/stderr": f"Association {association_id} failed on {running}: Cancelled\n",
        }
        assert output_url(ssm_client, skipped, association_id) is None


def test_output_must_be_text_for_targets(ssm_client: Any) -> None:
    (node,) = run_ec2(1)
    association_id = ssm_client.create_association(
        **SHELL, Targets=[{"Key": "InstanceIds", "Values": [node]}], OutputLocation=output_location()
    )["AssociationDescription"]["AssociationId"]

    with pytest.raises(TypeError, match="output must be a string"):
        simulate_run(association_id, output=b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InvalidTarget, match=INSTANCE):
        simulate_run(association_id, error_output={INSTANCE: "not a target"})


def test_seeded_runs_write_their_output(ssm_client: Any) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    association = {
        "Name": "AWS-RunShellScript",
        "Parameters": {"commands": ["id"]},
        "Targets": [{"Key": "InstanceIds", "Values": [INSTANCE]}],
        "OutputLocation": output_location("seeded"),
        "Runs": [{"Output": {INSTANCE: "uid=0(root)\n"}}],
    }
    report = load_seed({"managed_instances": [{"InstanceId": INSTANCE}], "associations": [association]})

    (association_id,) = [item["AssociationId"] for item in report.associations]
    url = output_url(ssm_client, INSTANCE, association_id)
    assert url is not None and url.startswith(f"{BUCKET}/seeded/{INSTANCE}/{association_id}/")
    assert objects(s3) == {f"{url.split('/', 1)[1]}/{SHELL_STEP}/stdout": "uid=0(root)\n"}


@pytest.mark.slow
def test_server_runs_write_output_to_the_served_s3(served_mock: str) -> None:
    register(served_mock)
    ssm, s3 = client(served_mock), client(served_mock, "s3")
    s3.create_bucket(Bucket=BUCKET)
    association_id = ssm.create_association(
        **SHELL, Targets=[{"Key": "InstanceIds", "Values": [INSTANCE]}], OutputLocation=output_location("srv")
    )["AssociationDescription"]["AssociationId"]
    status, rejected = call(
        served_mock, "POST", "/ssm-assoc-mock/run-outcome", {"AssociationId": association_id, "Output": 42}
    )
    assert (status, rejected["error"]) == (400, "BadRequest")

    outcome = {
        "AssociationId": association_id,
        "Status": "Failed",
        "Output": "out\n",
        "ErrorOutput": {INSTANCE: "err\n"},
    }
    status, body = call(served_mock, "POST", "/ssm-assoc-mock/run-outcome", outcome)
    assert status == 200, body
    status, body = call(served_mock, "POST", "/ssm-assoc-mock/clock", {"AdvanceSeconds": 0})  # the creation run
    assert status == 200 and len(body["Executions"]) == 1, body

    url = output_url(ssm, INSTANCE, association_id)
    assert url is not None and url.startswith(f"{BUCKET}/srv/{INSTANCE}/{association_id}/")
    folder = f"{url.split('/', 1)[1]}/{SHELL_STEP}"
    assert objects(s3) == {f"{folder}/stdout": "out\n", f"{folder}/stderr": "err\n"}

    status, body = call(
        served_mock, "POST", "/ssm-assoc-mock/simulate-run", {"AssociationId": association_id, "Output": "again\n"}
    )
    assert status == 200, body
    url = output_url(ssm, INSTANCE, association_id)
    assert url is not None
    assert s3.get_object(Bucket=BUCKET, Key=f"{url.split('/', 1)[1]}/{SHELL_STEP}/stdout")["Body"].read() == b"again\n"
