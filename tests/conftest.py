"""Fixtures shared by the test files (constants and plain helpers are in ``helpers.py``).

The root ``conftest.py`` holds the hypothesis profiles and loads ``pytester``.

A test that uses a fixture in ``SLOW_FIXTURES`` (a child process or a served mock) is marked
``slow`` here; ``python -m pytest -m "not slow"`` leaves those out (the fast set), and so leaves out
any test marked ``slow`` in its file (the fuzzing, the README's demo).
"""

from __future__ import annotations

import signal
import urllib.request
from typing import TYPE_CHECKING, Iterator

import pytest
from moto.core.config import default_user_config

from .helpers import EXAMPLES

if TYPE_CHECKING:  # imported where used: the package's server and the CLI load only for the tests that need them
    from ssm_assoc_mock.server import AssociationServer, ServerProcess

    from .aws_cli import AwsCli


# Fixtures that start a child process or serve the mock over HTTP.
SLOW_FIXTURES = frozenset({"aws_cli", "served_mock", "served_process", "pytester"})


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m deselection
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def reuse_boto3_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep boto3's default session across mocks (moto's documented ``core.reset_boto3_session`` option).

    By default every mock start throws the session away, and the next ``boto3.client`` reloads
    botocore's SSM model: about 0.3 s per test. These tests never create a session outside a mock
    and use fake credentials only, so reusing it changes nothing they check.
    The fixture tests (test_fixtures.py) do not use this: they check the fixtures as shipped.
    """
    monkeypatch.setitem(default_user_config["core"], "reset_boto3_session", False)


@pytest.fixture
def no_default_amis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip loading moto's catalogue of public AMIs (about 0.3 s a test); run_instances accepts any id."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def _post(url: str, body: bytes = b"") -> None:
    request = urllib.request.Request(url, data=body, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201), response.read()


# --- one AWS CLI and one served mock for the tests that need them ------------------------


@pytest.fixture(scope="session")
def aws_cli() -> Iterator[AwsCli]:
    """The real AWS CLI (one worker process for the whole run); point it at a server with --endpoint-url."""
    from .aws_cli import AwsCli

    cli = AwsCli()
    try:
        yield cli
    finally:
        cli.close()


@pytest.fixture(scope="session")
def association_server() -> Iterator[AssociationServer]:
    """moto's server with associations, in this process (a thread) for the whole run; use ``served_mock``."""
    from ssm_assoc_mock.server import AssociationServer

    with AssociationServer(port=0) as running:
        yield running


@pytest.fixture
def served_mock(association_server: AssociationServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of the in-process server, reset (``/moto-api/reset``) for this test, in moto's default account."""
    monkeypatch.delenv("MOTO_ACCOUNT_ID", raising=False)
    _post(f"{association_server.url}/moto-api/reset")
    return association_server.url


@pytest.fixture(scope="session")
def server_process() -> Iterator[ServerProcess]:
    """``python -m ssm_assoc_mock serve --seed examples/seed-multi-account.yaml`` for the whole run; use
    ``served_process``. Stopped with SIGINT, which must end it cleanly."""
    from ssm_assoc_mock.server import ServerProcess

    server = ServerProcess(EXAMPLES / "seed-multi-account.yaml").start()
    try:
        yield server
    finally:
        status = server.stop(signal.SIGINT)
        assert status == 0, server.stderr
        assert server.stderr.rstrip().endswith("ssm-assoc-mock: stopped")


@pytest.fixture
def served_process(server_process: ServerProcess) -> ServerProcess:
    """The server process, reset and seeded again from its seed file for this test."""
    _post(f"{server_process.url}/moto-api/reset")
    _post(f"{server_process.url}/ssm-assoc-mock/seed")
    return server_process
