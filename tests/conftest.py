"""Fixtures shared by the test files (constants and plain helpers are in ``helpers.py``).

The root ``conftest.py`` holds the hypothesis profiles and loads ``pytester``.
"""

from __future__ import annotations

import pytest
from moto.core.config import default_user_config


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
