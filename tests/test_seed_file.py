"""Seed files: what they create, and errors that name the bad entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from moto import mock_aws
from moto.ssm.models import ssm_backends

from ssm_assoc_mock import association_backends
from ssm_assoc_mock.seed import EXAMPLE_SEED, SeedError, load_seed, load_seed_file, parse_seed_text, read_seed_file

from .helpers import EXAMPLES, INSTANCE

ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def mocked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    with mock_aws():
        yield


def associations(account: str = ACCOUNT, region: str = "us-east-1") -> list[Any]:
    return list(association_backends[account][region].associations.values())


def test_example_seed_file_is_the_built_in_example() -> None:
    data = read_seed_file(EXAMPLES / "seed.json")
    data.pop("_comment")
    assert data == EXAMPLE_SEED


def test_example_seed_registers_the_instance_and_its_legacy_association() -> None:
    report = load_seed_file(EXAMPLES / "seed.json")

    assert report.summary() == "0 documents, 1 managed instance, 1 association"
    backend = association_backends[ACCOUNT]["us-east-1"]
    assert backend.managed_instances[INSTANCE].tags == {"Name": "demo"}
    (association,) = associations()
    assert association.instance_id == INSTANCE
    assert association.name == "AWS-UpdateSSMAgent"
    assert report.associations == [
        {"Account": ACCOUNT, "Region": "us-east-1", "AssociationId": association.association_id}
    ]
    # Its one documented run: a successful execution on the instance.
    assert association.overview == {
        "Status": "Success",
        "DetailedStatus": "Success",
        "AssociationStatusAggregatedCount": {"Success": 1},
    }
    assert [execution.status for execution in association.executions] == ["Success"]
    assert association.last_successful_execution_date == association.last_execution_date is not None


def test_runs_are_simulated_in_order_with_their_outcomes() -> None:
    load_seed(
        {
            "managed_instances": [{"InstanceId": INSTANCE}, {"InstanceId": "i-0bbbbbbbbbbbbbbbb"}],
            "associations": [
                {
                    "Name": "AWS-RunShellScript",
                    "Parameters": {"commands": ["true"]},
                    "Targets": [{"Key": "InstanceIds", "Values": ["*"]}],
                    "Runs": [{}, {"InstanceStatuses": {INSTANCE: "Failed"}, "DetailedStatus": "Failed"}],
                }
            ],
        }
    )

    (association,) = associations()
    assert [execution.status for execution in association.executions] == ["Success", "Failed"]
    assert association.overview["AssociationStatusAggregatedCount"] == {"Failed": 1, "Success": 1}
    assert association.last_successful_execution_date == association.executions[0].created


def test_yaml_example_loads_documents_instances_and_associations_in_two_scopes() -> None:
    report = load_seed_file(EXAMPLES / "seed-multi-account.yaml")

    assert report.summary() == "1 document, 3 managed instances, 3 associations"
    assert "Custom-RestartNginx" in ssm_backends[ACCOUNT]["us-east-1"]._documents
    home = {a.settings.get("AssociationName") or a.name: a for a in associations()}
    assert set(home) == {"restart-web", "AWS-UpdateSSMAgent"}
    assert home["restart-web"].settings["ScheduleExpression"] == "rate(30 minutes)"
    other = association_backends["210987654321"]["eu-west-1"]
    assert [a.settings["AssociationName"] for a in other.associations.values()] == ["nightly-report"]
    assert association_backends[ACCOUNT]["us-east-1"].managed_instances["mi-0123456789abcdef0"].platform_type == (
        "Windows"
    )


def test_yaml_syntax_is_detected_without_a_suffix(tmp_path: Path) -> None:
    seed = tmp_path / "seed"
    seed.write_text("managed_instances:\n  - InstanceId: i-0aaaaaaaaaaaaaaaa\n", "utf-8")

    report = load_seed_file(seed)

    assert report.managed_instances == [f"{ACCOUNT}/us-east-1/i-0aaaaaaaaaaaaaaaa"]


def test_account_comes_from_moto_account_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")

    load_seed(EXAMPLE_SEED)

    assert len(associations("111122223333")) == 1
    assert associations() == []


def test_document_content_object_becomes_a_document_associations_can_use() -> None:
    load_seed(
        {
            "documents": [
                {
                    "Name": "Seeded-Doc",
                    "Content": {
                        "schemaVersion": "2.2",
                        "description": "seeded",
                        "mainSteps": [
                            {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}
                        ],
                    },
                }
            ],
            "associations": [{"Name": "Seeded-Doc", "Targets": [{"Key": "InstanceIds", "Values": ["*"]}]}],
        }
    )

    (association,) = associations()
    assert association.name == "Seeded-Doc"


@pytest.mark.parametrize(
    ("seed", "entry", "reason"),
    [
        ({"associations": {}}, "associations", "must be a list of objects, not an object"),
        ({"associatons": []}, "top level", "unknown key 'associatons'"),
        ({"account": "42"}, "top level", "account must be a 12-digit string"),
        ({"scopes": [{"region": "moon"}]}, "scopes[0]", "region must be a region name"),
        ({"associations": ["AWS-UpdateSSMAgent"]}, "associations[0]", "must be an object, not a string"),
        (
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceID": INSTANCE}]},
            "associations[0] (AWS-UpdateSSMAgent)",
            "unknown key 'InstanceID'",
        ),
        (
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": "web-1"}]},
            "associations[0] (AWS-UpdateSSMAgent on web-1)",
            "ValidationException: 1 validation error detected: Value 'web-1' at 'instanceId' failed to satisfy",
        ),
        (
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "MaxErrors": 5}]},
            "associations[0] (AWS-UpdateSSMAgent)",
            "SerializationException: Expected a string at 'maxErrors'",
        ),
        (
            {"managed_instances": [{"InstanceId": "web-1"}]},
            "managed_instances[0] (web-1)",
            "InstanceId 'web-1' is not an instance id",
        ),
        (
            {"managed_instances": [{"InstanceId": INSTANCE, "PlatformType": "Solaris"}]},
            f"managed_instances[0] ({INSTANCE})",
            "PlatformType must be one of Windows, Linux, MacOS, not 'Solaris'",
        ),
        (
            {"managed_instances": [{"InstanceId": INSTANCE, "Tags": ["Env=prod"]}]},
            f"managed_instances[0] ({INSTANCE})",
            "Tags must be an object",
        ),
        (
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE, "Runs": {"Status": "Success"}}]},
            f"associations[0] (AWS-UpdateSSMAgent on {INSTANCE}).Runs",
            "must be a list of objects, not an object",
        ),
        (
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE, "Runs": [{"State": "Failed"}]}]},
            f"associations[0] (AWS-UpdateSSMAgent on {INSTANCE}).Runs[0]",
            "unknown key 'State'; expected Status, InstanceStatuses, DetailedStatus",
        ),
        (
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE, "Runs": [{"Status": 1}]}]},
            f"associations[0] (AWS-UpdateSSMAgent on {INSTANCE}).Runs[0]",
            "Status and DetailedStatus must be strings",
        ),
        (
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE, "Runs": [{"Output": ["x"]}]}]},
            f"associations[0] (AWS-UpdateSSMAgent on {INSTANCE}).Runs[0]",
            "Output must be a string or an object",
        ),
        (
            {"documents": [{"Name": "x", "Content": "{}"}]},
            "documents[0] (x)",
            "ValidationException: 1 validation error detected: Value 'x' at 'name' failed to satisfy",
        ),
    ],
)
def test_shape_errors_name_the_entry_and_create_nothing(seed: dict[str, Any], entry: str, reason: str) -> None:
    seed = {"managed_instances": [{"InstanceId": "i-0bbbbbbbbbbbbbbbb"}], **seed}

    with pytest.raises(SeedError) as raised:
        load_seed(seed, source="seed.json")

    assert raised.value.entry == entry
    assert reason in raised.value.reason
    assert str(raised.value).startswith(f"seed.json: {entry}: ")
    assert association_backends[ACCOUNT]["us-east-1"].managed_instances == {}


@pytest.mark.parametrize(
    ("seed", "entry", "reason"),
    [
        (
            {"associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE}]},
            f"associations[0] (AWS-UpdateSSMAgent on {INSTANCE})",
            f"InvalidInstanceId: Instance {INSTANCE} is not a managed node",
        ),
        (
            {"associations": [{"Name": "No-Such-Doc", "Targets": [{"Key": "InstanceIds", "Values": ["*"]}]}]},
            "associations[0] (No-Such-Doc)",
            "InvalidDocument: Document No-Such-Doc does not exist",
        ),
        (
            {**EXAMPLE_SEED, "associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE}] * 2},
            f"associations[1] (AWS-UpdateSSMAgent on {INSTANCE})",
            "AssociationAlreadyExists",
        ),
        (
            {
                **EXAMPLE_SEED,
                "associations": [
                    {
                        "Name": "AWS-UpdateSSMAgent",
                        "InstanceId": INSTANCE,
                        "Runs": [{"InstanceStatuses": {"i-0ccccccccccccccccc": "Failed"}}],
                    }
                ],
            },
            f"associations[0] (AWS-UpdateSSMAgent on {INSTANCE}).Runs[0]",
            "InvalidTarget: i-0ccccccccccccccccc is not among the targets",
        ),
        (
            {
                **EXAMPLE_SEED,
                "associations": [
                    {"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE, "Runs": [{"Status": "Finished"}]}
                ],
            },
            f"associations[0] (AWS-UpdateSSMAgent on {INSTANCE}).Runs[0]",
            "ValidationException: Run status Finished is not one of Success, Failed",
        ),
        (
            {"documents": [{"Name": "Bad-Doc", "Content": "not json"}]},
            "documents[0] (Bad-Doc)",
            "InvalidDocumentContent",
        ),
        (
            {
                "scopes": [
                    {
                        "account": "210987654321",
                        "associations": [{"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE}],
                    }
                ]
            },
            f"scopes[0] (210987654321/us-east-1).associations[0] (AWS-UpdateSSMAgent on {INSTANCE})",
            "InvalidInstanceId",
        ),
    ],
)
def test_semantic_errors_name_the_entry_and_the_api_error(seed: dict[str, Any], entry: str, reason: str) -> None:
    with pytest.raises(SeedError) as raised:
        load_seed(seed)

    assert raised.value.entry == entry
    assert reason in raised.value.reason


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match=r"missing\.json: file: cannot be read"):
        read_seed_file(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"associations": [', "utf-8")
    with pytest.raises(SeedError, match=r"broken\.json: file: not valid JSON: .*line 1"):
        read_seed_file(broken)
    with pytest.raises(SeedError, match="the top level must be an object, not a list"):
        parse_seed_text(json.dumps([EXAMPLE_SEED]))
    with pytest.raises(SeedError, match="not valid JSON or YAML"):
        parse_seed_text("a: [")
