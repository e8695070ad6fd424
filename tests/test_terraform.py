"""Terraform's AWS provider against the served mock: apply, plan without drift, update, plan, destroy (issue 11).

Terraform runs offline from a local provider mirror: ``SSM_ASSOC_MOCK_TF_MIRROR``, else Terraform's own
implied mirror directories, else the first directory holding ``registry.terraform.io/hashicorp/aws`` a few
levels below the file system's root. The round trip takes about a minute (the provider waits 10 s each for
an EC2 instance to start and to terminate), so it runs only with ``TESTS_TERRAFORM=1``; ``.ci/run`` sets it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("TESTS_TERRAFORM") != "1",
        reason="the Terraform round trip runs with TESTS_TERRAFORM=1 (about a minute; .ci/run sets it)",
    ),
]

PROVIDER = Path("registry.terraform.io", "hashicorp", "aws")
SEARCH_DEPTH = 4  # the mirror's registry.terraform.io directory this far below the root at most
SKIPPED_ROOTS = frozenset({"proc", "sys", "dev", "run", "tmp", "var", "boot", "lost+found"})

CONFIGURATION = """
variable "endpoint" { type = string }
variable "command" { type = string }
variable "schedule" { type = string }
variable "env" { type = string }

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  endpoints {
    ec2 = var.endpoint
    iam = var.endpoint
    ssm = var.endpoint
    sts = var.endpoint
  }
}

resource "aws_ssm_document" "shell" {
  name          = "tf-round-trip"
  document_type = "Command"
  # Schema 1.2: a legacy (instance_id) association takes no later one.
  content = jsonencode({
    schemaVersion = "1.2"
    description   = "Run a command"
    parameters    = { commands = { type = "StringList", description = "the commands" } }
    runtimeConfig = {
      "aws:runShellScript" = { properties = [{ id = "0.aws:runShellScript", runCommand = "{{ commands }}" }] }
    }
  })
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0" # not in moto's catalogue, so a Linux node
  instance_type = "t3.micro"
  tags          = { Role = "web" }
}

resource "aws_ssm_association" "by_tag" {
  name                = aws_ssm_document.shell.name
  association_name    = "by-tag"
  schedule_expression = var.schedule
  parameters          = { commands = var.command }
  targets {
    key    = "tag:Role"
    values = ["web"]
  }
  tags = { Env = var.env }
}

# The model allows a legacy association no schedule: its parameters and tags change.
resource "aws_ssm_association" "legacy" {
  name        = aws_ssm_document.shell.name
  instance_id = aws_instance.web.id
  parameters  = { commands = var.command }
  tags        = { Env = var.env }
}
"""


def _has_provider(directory: Path) -> bool:
    try:
        return (directory / PROVIDER).is_dir()
    except OSError:
        return False


def _implied_mirrors() -> Iterator[Path]:
    """Terraform's own implied local mirror directories on Unix."""
    home = Path.home()
    yield home / ".terraform.d" / "plugins"
    yield Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "terraform" / "plugins"
    for data_dir in (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":"):  # XDG's default
        if data_dir:
            yield Path(data_dir) / "terraform" / "plugins"


def _search(root: Path, depth: int) -> Path | None:
    """The first directory below ``root`` (breadth first, ``depth`` levels) holding the provider."""
    level = [root]
    for _ in range(depth):
        below: list[Path] = []
        for directory in level:
            try:
                entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in entries:
                if directory == root and entry.name in SKIPPED_ROOTS:
                    continue
                if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                    if entry.name == PROVIDER.parts[0] and _has_provider(directory):
                        return Path(directory)
                    below.append(Path(entry.path))
        level = below
    return None


@functools.cache
def provider_mirror() -> Path | None:
    given = os.environ.get("SSM_ASSOC_MOCK_TF_MIRROR")
    if given:
        return Path(given) if _has_provider(Path(given)) else None
    for candidate in _implied_mirrors():
        if _has_provider(candidate):
            return candidate
    return _search(Path(Path.cwd().anchor), SEARCH_DEPTH)


class Terraform:
    """``terraform`` in one working directory, offline, with the mirror as its only provider source."""

    def __init__(self, executable: str, workdir: Path, mirror: Path, endpoint: str) -> None:
        self.executable = executable
        self.workdir = workdir
        self.endpoint = endpoint
        cli_config = workdir / "terraform.rc"
        cli_config.write_text(
            f"provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(str(mirror))}\n  }}\n}}\n"
        )
        (workdir / "main.tf").write_text(CONFIGURATION)
        self.env = {
            **{key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "TF_"))},
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",  # no version check over the network
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def __call__(self, *args: str, variables: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        arguments = [self.executable, *args, "-no-color"]
        if variables is not None:
            var_file = self.workdir / "terraform.tfvars.json"
            var_file.write_text(json.dumps({"endpoint": self.endpoint, **variables}))
            arguments.append(f"-var-file={var_file}")
        return subprocess.run(arguments, cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=600)

    def ok(self, *args: str, variables: dict[str, str] | None = None) -> str:
        done = self(*args, variables=variables)
        assert done.returncode == 0, f"terraform {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def no_changes(self, variables: dict[str, str]) -> None:
        """A refreshed plan finds nothing to do: what the mock reports matches the configuration."""
        done = self("plan", "-detailed-exitcode", "-lock=false", variables=variables)
        assert done.returncode == 0, f"plan found changes (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"


@pytest.fixture
def terraform(served_mock: str, tmp_path: Path) -> Terraform:
    if moto_release() < (5, 1, 22):
        pytest.skip(
            "moto 5.0 answers CreateDocument's CreatedDate as a string, which the provider's SDK rejects; "
            "5.1.22 and 5.2 answer a number (releases between are not checked)"
        )
    executable = shutil.which("terraform")
    if executable is None:
        pytest.skip("terraform is not installed (not on PATH)")
    mirror = provider_mirror()
    if mirror is None:
        pytest.skip(
            "no local provider mirror holding registry.terraform.io/hashicorp/aws was found; "
            "point SSM_ASSOC_MOCK_TF_MIRROR at one"
        )
    return Terraform(executable, tmp_path, mirror, served_mock)


def moto_release() -> tuple[int, ...]:
    from importlib.metadata import version

    return tuple(int(part) for part in version("moto").split(".")[:3] if part.isdigit())


def _associations(ssm: Any) -> dict[str, dict[str, Any]]:
    """The associations by kind (legacy or by tag), each with its tags."""
    found: dict[str, dict[str, Any]] = {}
    for item in ssm.list_associations()["Associations"]:
        description = ssm.describe_association(AssociationId=item["AssociationId"])["AssociationDescription"]
        tags = ssm.list_tags_for_resource(ResourceType="Association", ResourceId=item["AssociationId"])["TagList"]
        description["Tags"] = {tag["Key"]: tag["Value"] for tag in tags}
        found["legacy" if "InstanceId" in description else "by_tag"] = description
    return found


def test_apply_plan_update_plan_destroy(terraform: Terraform, served_mock: str) -> None:
    ssm = boto3.client(
        "ssm",
        region_name="us-east-1",
        endpoint_url=served_mock,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    first = {"command": "uptime", "schedule": "rate(1 day)", "env": "dev"}
    second = {"command": "date", "schedule": "rate(12 hours)", "env": "prod"}
    terraform.ok("init", "-input=false")

    terraform.ok("apply", "-auto-approve", "-lock=false", "-parallelism=20", variables=first)
    created = _associations(ssm)
    assert created["by_tag"]["Targets"] == [{"Key": "tag:Role", "Values": ["web"]}]
    assert created["by_tag"]["ScheduleExpression"] == "rate(1 day)"
    assert created["legacy"]["InstanceId"].startswith("i-")
    for association in created.values():
        assert association["Parameters"] == {"commands": ["uptime"]}
        assert association["Tags"] == {"Env": "dev"}
    terraform.no_changes(first)

    # The plan just refreshed the state: the apply need not again.
    terraform.ok("apply", "-auto-approve", "-lock=false", "-refresh=false", "-parallelism=20", variables=second)
    updated = _associations(ssm)
    assert updated["by_tag"]["ScheduleExpression"] == "rate(12 hours)"
    for kind, association in updated.items():
        assert association["AssociationId"] == created[kind]["AssociationId"]  # updated in place
        assert association["AssociationVersion"] == "2"
        assert association["Parameters"] == {"commands": ["date"]}
        assert association["Tags"] == {"Env": "prod"}
    terraform.no_changes(second)

    terraform.ok("destroy", "-auto-approve", "-lock=false", "-refresh=false", "-parallelism=20", variables=second)
    assert ssm.list_associations()["Associations"] == []
