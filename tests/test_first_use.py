"""What a new user meets first: the command line's checks, state that must not leak, seeds and server errors."""

from __future__ import annotations

import io
import re
import socket
from pathlib import Path
from typing import Any, Iterator

import pytest
from moto import mock_aws

import ssm_assoc_mock
from ssm_assoc_mock.__main__ import main
from ssm_assoc_mock.plugin import transition_kept
from ssm_assoc_mock.seed import SeedError, load_seed
from ssm_assoc_mock.server import AssociationServer, serve

from .test_server import call, client

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = "i-1234567890abcdef0"
UNREGISTERED = "i-0aaaaaaaaaaaaaaaa"


# --- the command line -----------------------------------------------------------------


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"ssm-assoc-mock {ssm_assoc_mock.__version__}"


@pytest.mark.parametrize("port", ["70000", "-1", "65536", "http"])
def test_serve_rejects_a_port_outside_0_to_65535(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", port])

    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "argument --port" in error and "0 to 65535" in error
    assert "Traceback" not in error


def test_serve_reports_a_port_in_use_in_one_line_of_its_own() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        err = io.StringIO()

        status = serve("127.0.0.1", port, quiet=True, out=io.StringIO(), err=err)

    assert status == 1
    (line,) = err.getvalue().splitlines()
    assert line.startswith(f"ssm-assoc-mock: cannot listen on 127.0.0.1:{port}: ")
    assert "in use" in line and "--port" in line


def test_serve_reports_a_host_that_does_not_resolve_in_one_line_of_its_own() -> None:
    err = io.StringIO()

    status = serve("no-such-host.invalid", 0, quiet=True, out=io.StringIO(), err=err)

    assert status == 1
    (line,) = err.getvalue().splitlines()
    assert line.startswith("ssm-assoc-mock: cannot listen on no-such-host.invalid:0: ")
    assert "resolve" in line


def test_association_server_rejects_a_port_outside_the_range() -> None:
    with pytest.raises(ValueError, match="0 to 65535"):
        AssociationServer(port=70000).start()


# --- the state-manager transition does not leak from one test to the next ------------------

LEAKING_TESTS = """
from moto.moto_api import state_manager


def test_sets_the_transition(ssm_client):
    state_manager.set_transition("ssm::association", {"progression": "immediate"})


def test_a_later_test_sees_nothing_run_by_itself(ssm_client, managed_instance):
    managed_instance("i-1234567890abcdef0")
    created = ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId="i-1234567890abcdef0")
    described = ssm_client.describe_association(AssociationId=created["AssociationDescription"]["AssociationId"])
    assert described["AssociationDescription"]["Overview"]["Status"] == "Pending"
"""


def test_a_transition_set_in_a_test_is_undone_by_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=LEAKING_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-p", "no:randomly")

    result.assert_outcomes(passed=2)


@pytest.fixture
def immediate_runs() -> Iterator[None]:
    from moto.moto_api import state_manager

    state_manager.set_transition("ssm::association", {"progression": "immediate"})
    try:
        yield
    finally:
        state_manager.unset_transition("ssm::association")


def test_a_transition_set_before_the_fixtures_is_kept(immediate_runs: None, ssm_client: Any) -> None:
    from moto.moto_api import state_manager

    with transition_kept():
        state_manager.set_transition("ssm::association", {"progression": "manual", "times": 5})
    assert state_manager.get_transition("ssm::association") == {"progression": "immediate"}
    with transition_kept():
        state_manager.unset_transition("ssm::association")
    assert state_manager.get_transition("ssm::association") == {"progression": "immediate"}


# --- seeds load all or nothing ----------------------------------------------------------------

HALF_BAD_SEED = {
    "documents": [
        {"Name": "Seeded-Doc", "Content": {"schemaVersion": "2.2", "description": "x", "mainSteps": []}},
    ],
    "managed_instances": [{"InstanceId": INSTANCE}],
    "associations": [
        {"Name": "AWS-UpdateSSMAgent", "InstanceId": INSTANCE, "Runs": [{"Status": "Success"}]},
        {"Name": "No-Such-Document", "InstanceId": INSTANCE},
    ],
}


def test_a_seed_that_fails_half_way_leaves_nothing_behind() -> None:
    with mock_aws():
        kept = ssm_assoc_mock.register_managed_instance(UNREGISTERED, tags={"Keep": "me"})
        with pytest.raises(SeedError, match=r"associations\[1\] \(No-Such-Document on .*\): InvalidDocument"):
            load_seed(HALF_BAD_SEED)

        backend = ssm_assoc_mock.backend()
        assert backend.associations == {}
        assert backend.managed_instances == {UNREGISTERED: kept}
        import boto3

        ssm = boto3.client("ssm", region_name="us-east-1")
        assert ssm.list_associations()["Associations"] == []
        assert "Seeded-Doc" not in {d["Name"] for d in ssm.list_documents()["DocumentIdentifiers"]}
        info = ssm.describe_instance_information()["InstanceInformationList"]
        assert [item["InstanceId"] for item in info] == [UNREGISTERED]
        assert "LastSuccessfulAssociationExecutionDate" not in info[0]
        # The same seed, fixed, loads afterwards: nothing half-made is in its way.
        fixed = {**HALF_BAD_SEED, "associations": HALF_BAD_SEED["associations"][:1]}
        assert len(load_seed(fixed).associations) == 1


def test_the_seed_control_is_all_or_nothing(served_mock: str) -> None:
    url = served_mock
    status, body = call(url, "POST", "/ssm-assoc-mock/seed", HALF_BAD_SEED)

    assert (status, body["error"]) == (400, "InvalidSeed"), body
    assert "associations[1]" in body["message"]
    assert call(url, "GET", "/ssm-assoc-mock/managed-instances")[1] == {"ManagedInstances": []}
    ssm = client(url)
    assert ssm.list_associations()["Associations"] == []
    assert "Seeded-Doc" not in {d["Name"] for d in ssm.list_documents()["DocumentIdentifiers"]}


# --- errors in server mode point to the HTTP controls -------------------------------------------


def test_server_errors_advise_the_http_control_not_a_python_function(served_mock: str) -> None:
    url = served_mock
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as raised:
        client(url).create_association(Name="AWS-UpdateSSMAgent", InstanceId=UNREGISTERED)

    message = raised.value.response["Error"]["Message"]
    assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"
    assert "POST /ssm-assoc-mock/managed-instances" in message
    assert UNREGISTERED in message
    assert "ssm_assoc_mock." not in message and "register_managed_instance(" not in message


def test_in_process_errors_keep_the_python_advice(ssm_client: Any) -> None:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as raised:
        ssm_client.create_association(Name="AWS-UpdateSSMAgent", InstanceId=UNREGISTERED)

    assert "ssm_assoc_mock.register_managed_instance(" in raised.value.response["Error"]["Message"]


# --- the README ---------------------------------------------------------------------------------


def test_the_readme_names_only_files_in_the_repository() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    named = set(re.findall(r"`((?:[\w.-]+/)+[\w.-]+\.(?:md|py|json|ya?ml|mjs|toml|cfg))`", readme))

    assert named, "the README names no file"
    assert sorted(path for path in named if not (ROOT / path).is_file()) == []
