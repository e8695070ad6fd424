"""The command line: ``serve`` in a child process (the shared ``served_process``) driven by the real AWS CLI, and
``demo``."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from ssm_assoc_mock.__main__ import SEED_CLI_ARGUMENTS, main
from ssm_assoc_mock.server import READY_PREFIX, ServerProcess

from .aws_cli import AwsCli


def aws(cli: AwsCli, url: str, *arguments: str, check: bool = True) -> Any:
    """Run ``aws <arguments> --endpoint-url URL --output json``: the decoded output, or (status, stderr)."""
    status, stdout, stderr = cli.run([*arguments, "--endpoint-url", url, "--output", "json"])
    if not check:
        return status, stderr
    assert status == 0, stderr
    return json.loads(stdout) if stdout.strip() else None


def test_seed_is_loaded_before_serving(served_process: ServerProcess) -> None:
    with urllib.request.urlopen(f"{served_process.url}/ssm-assoc-mock/managed-instances", timeout=30) as response:
        instances = json.loads(response.read())["ManagedInstances"]
    assert {item["InstanceId"] for item in instances} == {"i-0a1b2c3d4e5f60718", "mi-0123456789abcdef0"}
    assert "seeded 1 document, 3 managed instances, 3 associations" in served_process.stderr


def test_aws_cli_create_describe_list_and_error(served_process: ServerProcess, aws_cli: AwsCli) -> None:
    created = aws(
        aws_cli,
        served_process.url,
        "ssm",
        "create-association",
        "--name",
        "AWS-RunShellScript",
        "--association-name",
        "from-the-cli",
        "--targets",
        "Key=tag:Env,Values=prod",
        "--parameters",
        "commands=uptime",
    )["AssociationDescription"]
    association_id = created["AssociationId"]
    assert created["AssociationVersion"] == "1"

    described = aws(aws_cli, served_process.url, "ssm", "describe-association", "--association-id", association_id)
    assert described["AssociationDescription"]["Parameters"] == {"commands": ["uptime"]}

    # --page-size 1: the CLI follows NextToken itself, one association a request.
    listed = aws(aws_cli, served_process.url, "ssm", "list-associations", "--page-size", "1")["Associations"]
    assert [item["Name"] for item in listed] == [
        "Custom-RestartNginx",
        "AWS-UpdateSSMAgent",
        "AWS-RunShellScript",
    ]
    assert listed[-1]["AssociationId"] == association_id

    status, stderr = aws(
        aws_cli,
        served_process.url,
        "ssm",
        "describe-association",
        "--association-id",
        "11111111-2222-3333-4444-555555555555",
        check=False,
    )
    assert status != 0
    assert "An error occurred (AssociationDoesNotExist) when calling the DescribeAssociation operation" in stderr


def test_bad_seed_file_stops_the_server_before_it_serves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": "i-0aaaaaaaaaaaaaaaa"}]}))

    with mock_aws():
        status = main(["serve", "--port", "0", "--seed", str(seed)])

    out, err = capsys.readouterr()
    assert status == 2
    assert READY_PREFIX not in out
    assert err == (
        f"ssm-assoc-mock: bad seed file, not serving: {seed}: "
        "associations[0] (AWS-UpdateSSMAgent on i-0aaaaaaaaaaaaaaaa): InvalidInstanceId: Instance i-0aaaaaaaaaaaaaaaa "
        "is not a managed node in 123456789012/us-east-1. Start it as a moto EC2 instance, or register it with "
        "ssm_assoc_mock.register_managed_instance('i-0aaaaaaaaaaaaaaaa', account_id='123456789012', "
        "region_name='us-east-1').\n"
    )


# The members of the seed page's documented output (shared/seeds/aws-cli-ssm-update-association-status.txt).
SEED_PAGE_OUTPUT = (
    "Name",
    "InstanceId",
    "AssociationVersion",
    "Date",
    "LastUpdateAssociationDate",
    "Status",
    "Overview",
    "DocumentVersion",
    "AssociationId",
    "Targets",
    "LastExecutionDate",
    "LastSuccessfulExecutionDate",
)


@pytest.mark.slow  # a server process and an AWS CLI process, as the README's main job starts them
def test_demo_runs_the_seed_page_command_against_a_served_mock(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's main job, ``python -m ssm_assoc_mock demo`` (its ``main``, to spare a process start)."""
    status = main(["demo"])

    out, err = capsys.readouterr()
    assert status == 0, err
    assert err.startswith(f"$ aws {' '.join(SEED_CLI_ARGUMENTS)} --endpoint-url http://127.0.0.1:")
    description = json.loads(out)["AssociationDescription"]
    assert description["Name"] == "AWS-UpdateSSMAgent"
    assert description["InstanceId"] == "i-1234567890abcdef0"
    assert description["AssociationVersion"] == "1"
    assert description["Status"] == {
        "Date": 1424421071.0,
        "Name": "Pending",
        "Message": "temp_status_change",
        "AdditionalInfo": "Additional-Config-Needed",
    }
    assert description["DocumentVersion"] == "$DEFAULT"
    assert description["Targets"] == [{"Key": "InstanceIds", "Values": ["i-1234567890abcdef0"]}]
    # Every member the seed page's output shows, with the run the example seed records.
    assert set(SEED_PAGE_OUTPUT) <= set(description)
    assert description["Overview"]["Status"] == "Success"
    assert description["Overview"]["AssociationStatusAggregatedCount"] == {"Success": 1}
    assert description["LastExecutionDate"] == description["LastSuccessfulExecutionDate"]
    for member in ("Date", "LastUpdateAssociationDate", "LastExecutionDate"):
        assert isinstance(description[member], float), member
    # As the AWS CLI prints AWS's answer: 4-space indent, timestamps as JSON numbers.
    assert out.startswith('{\n    "AssociationDescription": {\n')
