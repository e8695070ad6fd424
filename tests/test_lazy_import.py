"""The package costs nothing until used: import orders and the plugin's load, in fresh processes.

Each import order needs a process of its own (a fresh ``sys.modules``), so the children of
``import_orders.py`` and the plugin's pytest run side by side in one test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .helpers import ROOT

ORDERS = ("before", "after", "never", "uninstalled")
# A user's test file in a pytest of its own: the plugin loads from its entry point.
PLUGIN_TESTS = textwrap.dedent(
    """
    import sys

    def heavy():
        light = {"core", "utilities", "settings", "moto_api", "backends", "backend_index", "proxy", "log"}
        return sorted(
            name for name in sys.modules
            if name.split(".")[0] in ("boto3", "flask", "werkzeug")
            or (name.startswith("moto.") and name.split(".")[1] not in light)
        )

    def test_no_aws(request):
        assert request.config.pluginmanager.has_plugin("ssm_assoc_mock")
        assert heavy() == []

    def test_fixtures_import_on_first_use(ssm_client, managed_instance, association):
        created = association(Name="AWS-UpdateSSMAgent", InstanceId=managed_instance("i-1234567890abcdef0"))
        assert ssm_client.describe_association(AssociationId=created["AssociationId"])
    """
)


def child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "MOTO_", "PYTEST_"))}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    return env


@pytest.mark.slow
def test_every_import_order_and_the_plugin_load(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(PLUGIN_TESTS)
    commands = {order: [sys.executable, str(ROOT / "tests" / "import_orders.py"), order] for order in ORDERS}
    commands["plugin"] = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
    children = {
        name: subprocess.Popen(
            command, cwd=tmp_path, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for name, command in commands.items()
    }
    failures = {}
    for name, child in children.items():
        output, _ = child.communicate(timeout=300)
        if child.returncode != 0:
            failures[name] = output[-4000:]
    assert failures == {}
