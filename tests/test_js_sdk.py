"""The AWS SDK for JavaScript v3 against the server: js/ssm-client-check.mjs, run by node.

``.ci/run`` installs js/node_modules with ``npm ci --prefix js``. Without node or those
modules the test fails under CI (CI=true) and is skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).resolve().parent.parent / "js"
SCRIPT = JS / "ssm-client-check.mjs"
SDK = JS / "node_modules" / "@aws-sdk" / "client-ssm"
INSTANCE = "i-0123456789abcdef0"


def node_or_skip() -> str:
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not on PATH (node 20 or later is needed)"
    elif not SDK.is_dir():
        problem = f"{SDK.relative_to(JS.parent)} is missing: run `npm ci --prefix js`"
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the JavaScript SDK test cannot run under CI: {problem}", pytrace=False)
        pytest.skip(problem)
    assert node is not None
    return node


def test_javascript_sdk_v3_create_describe_update_status_paginate_and_error(served_mock: str) -> None:
    node = node_or_skip()

    completed = subprocess.run(
        [node, str(SCRIPT), served_mock],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=JS,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true", "NODE_NO_WARNINGS": "1"},
    )

    assert completed.returncode == 0, completed.stderr
    results: dict[str, Any] = json.loads(completed.stdout)
    assert results["register"]["status"] == 201
    assert results["register"]["body"]["InstanceId"] == INSTANCE

    created = results["create"]
    association_id = created["AssociationId"]
    assert (created["Name"], created["InstanceId"], created["AssociationVersion"]) == (
        "AWS-UpdateSSMAgent",
        INSTANCE,
        "1",
    )
    assert created["Status"]["Name"] == "Associated"
    assert isinstance(created["Date"], (int, float))  # the SDK parsed it into a Date
    assert results["describe"] == created

    status = results["updateStatus"]["Status"]
    assert status == {
        "Date": 1424421071.939,
        "Name": "Pending",
        "Message": "temp_status_change",
        "AdditionalInfo": "Additional-Config-Needed",
    }
    assert results["updateStatus"]["AssociationId"] == association_id

    pages = results["pages"]
    assert [len(page["ids"]) for page in pages] == [2, 2, 1]
    assert [page["hasNextToken"] for page in pages] == [True, True, False]
    assert [name for page in pages for name in page["names"]] == [None] + [f"js-association-{i}" for i in range(4)]
    listed = [item for page in pages for item in page["ids"]]
    assert listed[0] == association_id
    assert len(set(listed)) == 5

    missing = results["missing"]
    assert missing["name"] == "AssociationDoesNotExist"
    assert (missing["httpStatusCode"], missing["fault"]) == (400, "client")
    assert "11111111-2222-3333-4444-555555555555" in missing["message"]
