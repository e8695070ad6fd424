"""The real AWS CLI for the tests: one worker process runs every command (the ``aws_cli`` fixture).

A process start per command costs a second or more (Python, awscli, botocore's data), so a child
process reads one command a line and runs each with a new driver (a new botocore session), as
``python -m awscli`` would; only botocore's data files are read once, by one loader the sessions
share (botocore shares it between clients of one session the same way).

The worker must not be this process: awscli vendors its own botocore and aliases ``import botocore``
to it only if it is imported before botocore (here moto and boto3 import botocore first, and that
botocore serialises timestamps differently).

``TESTS_AWS_CLI=subprocess`` runs a process per command instead, exactly as a user's shell would.
"""

from __future__ import annotations

import json
import os
import subprocess

from ssm_assoc_mock.__main__ import aws_cli_command, aws_cli_environment

from .helpers import REGION

_WORKER = r"""
import contextlib, io, json, sys
import awscli.clidriver
import botocore.loaders, botocore.session  # awscli's own botocore, aliased by the import above

_loaders = {}


def shared_loader(search_path=None):
    if search_path not in _loaders:
        _loaders[search_path] = botocore.loaders.create_loader(search_path)
    return _loaders[search_path]


botocore.session.create_loader = shared_loader
for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = awscli.clidriver.create_clidriver().main(json.loads(line))
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
    sys.__stdout__.write(json.dumps([status or 0, out.getvalue(), err.getvalue()]) + "\n")
    sys.__stdout__.flush()
"""


class AwsCli:
    """Runs ``aws <arguments>`` with fake credentials and no profile; ``run`` gives (status, stdout, stderr)."""

    def __init__(self, region: str = REGION) -> None:
        self.region = region
        self.process: subprocess.Popen[str] | None = None
        if os.environ.get("TESTS_AWS_CLI") != "subprocess":
            self.process = subprocess.Popen(
                [aws_cli_command()[0], "-c", _WORKER],
                env=aws_cli_environment(region),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )

    def run(self, arguments: list[str]) -> tuple[int, str, str]:
        if self.process is None:
            completed = subprocess.run(
                [*aws_cli_command(), *arguments],
                env=aws_cli_environment(self.region),
                capture_output=True,
                text=True,
                timeout=60,
                stdin=subprocess.DEVNULL,
            )
            return completed.returncode, completed.stdout, completed.stderr
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(arguments) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the AWS CLI worker exited with status {self.process.wait(timeout=10)}"
        status, stdout, stderr = json.loads(line)
        return int(status), str(stdout), str(stderr)

    def close(self) -> None:
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)
            if self.process.stdout is not None:
                self.process.stdout.close()
