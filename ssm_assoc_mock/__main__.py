"""Command line: ``python -m ssm_assoc_mock`` (also ``ssm-assoc-mock``).

- ``serve [--host 127.0.0.1] [--port 5000] [--seed FILE] [--quiet]``: moto's server with
  association support and the ``/ssm-assoc-mock/`` controls, until SIGINT or SIGTERM.
- ``demo``: start the server with the example seed (examples/seed.json), run the AWS CLI
  reference example ``aws ssm update-association-status ...`` against it with
  ``--endpoint-url``, print the CLI's output and stop the server.
- ``demo --in-process``: the same example through boto3 under ``mock_aws``, no server.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

SEED_INSTANCE_ID = "i-1234567890abcdef0"
SEED_DOCUMENT = "AWS-UpdateSSMAgent"
# The seed page's --association-status "Date=1424421071.939,Name=Pending,Message=...,AdditionalInfo=..."
SEED_STATUS = {
    "Date": 1424421071.939,
    "Name": "Pending",
    "Message": "temp_status_change",
    "AdditionalInfo": "Additional-Config-Needed",
}
# The seed page's command, verbatim, after `aws`.
SEED_CLI_ARGUMENTS = (
    "ssm",
    "update-association-status",
    "--name",
    SEED_DOCUMENT,
    "--instance-id",
    SEED_INSTANCE_ID,
    "--association-status",
    "Date=1424421071.939,Name=Pending,Message=temp_status_change,AdditionalInfo=Additional-Config-Needed",
)
EXAMPLE_SEED_FILE = Path(__file__).resolve().parent.parent / "examples" / "seed.json"
CLI_TIMEOUT = 120


def run_demo(out: Any = sys.stdout) -> dict[str, Any]:
    """In-process: register the seed's instance, associate the document, run it once, then update the status.

    Returns the raw JSON body of the UpdateAssociationStatus response, printed as the
    AWS CLI prints it (4-space indent, timestamps as epoch seconds).
    """
    import boto3
    from moto import mock_aws

    from . import register_managed_instance, simulate_run

    captured: dict[str, Any] = {}

    def keep_raw_body(http_response: Any, **_: Any) -> None:
        captured["body"] = json.loads(http_response.content or b"{}")

    with mock_aws():
        register_managed_instance(SEED_INSTANCE_ID, region_name="us-east-1")
        client = boto3.client(
            "ssm", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        created = client.create_association(Name=SEED_DOCUMENT, InstanceId=SEED_INSTANCE_ID)
        simulate_run(created["AssociationDescription"]["AssociationId"], region_name="us-east-1")  # as documented
        client.meta.events.register("after-call.ssm.UpdateAssociationStatus", keep_raw_body)
        client.update_association_status(Name=SEED_DOCUMENT, InstanceId=SEED_INSTANCE_ID, AssociationStatus=SEED_STATUS)
    print(json.dumps(captured["body"], indent=4), file=out)
    return dict(captured["body"])


def aws_cli_command() -> list[str]:
    """How to run the AWS CLI: this interpreter's awscli module, else ``aws`` on PATH."""
    if importlib.util.find_spec("awscli") is not None:
        return [sys.executable, "-m", "awscli"]
    found = shutil.which("aws")
    if found:
        return [found]
    raise RuntimeError("the AWS CLI is not installed: pip install awscli (the package's 'test' extra has it)")


def aws_cli_environment(region: str = "us-east-1") -> dict[str, str]:
    """The environment for an AWS CLI run against the mock: fake credentials, no profile or config."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not (key.startswith("AWS_") or key.startswith("BOTO_") or key.startswith("MOTO_"))
    }
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_DEFAULT_OUTPUT": "json",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
        }
    )
    return env


def run_server_demo(seed_file: str | os.PathLike[str] | None = None, out: Any = None, err: Any = None) -> int:
    """Start ``serve`` with the example seed, run the seed page's AWS CLI command against it, stop it.

    Prints the command to ``err`` and the CLI's output to ``out``; returns the CLI's exit status.
    """
    from .seed import EXAMPLE_SEED
    from .server import ServerProcess

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        cli = aws_cli_command()
    except RuntimeError as error:
        print(f"ssm-assoc-mock demo: {error}", file=err)
        return 3
    with tempfile.TemporaryDirectory() as scratch:
        if seed_file is None:
            if EXAMPLE_SEED_FILE.is_file():
                seed_file = EXAMPLE_SEED_FILE
            else:  # installed without the repository's examples/: the same seed, built in
                seed_file = Path(scratch) / "seed.json"
                seed_file.write_text(json.dumps(EXAMPLE_SEED, indent=2), "utf-8")
        try:
            server = ServerProcess(seed_file).start()
        except RuntimeError as error:
            print(f"ssm-assoc-mock demo: {error}", file=err)
            return 1
        try:
            arguments = [*SEED_CLI_ARGUMENTS, "--endpoint-url", server.url]
            print(f"$ aws {shlex.join(arguments)}", file=err, flush=True)
            completed = subprocess.run(
                [*cli, *arguments],
                env=aws_cli_environment(),
                capture_output=True,
                text=True,
                timeout=CLI_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
            out.write(completed.stdout)
            out.flush()
            if completed.stderr:
                err.write(completed.stderr)
        finally:
            status = server.stop()
        if status != 0:
            print(f"ssm-assoc-mock demo: the server exited with status {status}: {server.stderr}", file=err)
            return completed.returncode or 1
        return completed.returncode


def port_number(text: str) -> int:
    """argparse type of ``--port``: a TCP port, 0 to 65535 (0 picks a free one)."""
    from .server import MAX_PORT

    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"{port} is not a port number: use 0 to 65535 (0 picks a free one)")
    return port


def main(argv: Sequence[str] | None = None) -> int:
    from . import __version__

    parser = argparse.ArgumentParser(prog="ssm-assoc-mock", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="run the AWS CLI reference example for update-association-status against a seeded server"
    )
    demo.add_argument("--in-process", action="store_true", help="use boto3 under mock_aws instead of a server")
    demo.add_argument("--seed", metavar="FILE", help="seed file for the server (default: examples/seed.json)")
    serve = commands.add_parser("serve", help="run moto's server with association support")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    serve.add_argument("--port", type=port_number, default=5000, help="port (default: 5000; 0 picks a free one)")
    serve.add_argument("--seed", metavar="FILE", help="JSON or YAML seed file to load before serving")
    serve.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if args.command == "demo":
        if args.in_process:
            run_demo()
            return 0
        return run_server_demo(args.seed)
    if args.command == "serve":
        from .server import serve as run_server

        return run_server(args.host, args.port, args.seed, quiet=args.quiet)
    return 2  # pragma: no cover - argparse rejects other commands


if __name__ == "__main__":
    sys.exit(main())
