"""The AWS CLI's documented examples for the association commands, the compliance commands and the
document reads the package serves, run against the served mock.

The examples ship with the AWS CLI (``awscli/examples/ssm/<command>.rst``). Each test reads its
example from there: the command (``aws ssm ...``) and the documented output. It sets up the state
the example assumes through boto3 and the HTTP controls (managed nodes, documents, associations,
simulated runs), substitutes the ids the mock generated for AWS's (AssociationId, ExecutionId),
runs the documented command with the real AWS CLI and compares what it prints with the documented
output:

- the same keys at every level, except where an allowance below names a key and says why (an
  output that is a documented copy of another example, a member that the example predates, ...);
- the same values, except ids the mock cannot reproduce (checked for their format) and
  timestamps (checked for their type, and that timestamps equal in the example are equal here);
- the same JSON types.

Each example is named ``<command> #<n>``: the n-th example of the file (``**Example n: ...**``, or
the n-th bold title where the file does not number them, as the compliance files do). Known
problems with the examples themselves are in the reference notes (``shared/reference/ssm-associations.md``,
``state-manager-runtime.md`` 3.1 for compliance); the allowances cite them.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import re
import shlex
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Mapping

import boto3
import pytest
from botocore.config import Config

from .aws_cli import AwsCli

# Located without importing awscli (tests/aws_cli.py says why it must not be imported here).
_AWSCLI = importlib.util.find_spec("awscli")
assert _AWSCLI is not None and _AWSCLI.origin is not None, "the AWS CLI (awscli) is not installed"
EXAMPLES_DIR = Path(_AWSCLI.origin).resolve().parent / "examples" / "ssm"
REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"  # moto's, which the served mock answers in
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Output members that are timestamps (epoch seconds in CLI v1 output).
DATE_KEYS = frozenset(
    {
        "Date",
        "LastUpdateAssociationDate",
        "LastExecutionDate",
        "LastSuccessfulExecutionDate",
        "CreatedTime",
        "CreatedDate",
        "ExecutionDate",
        "LastPingDateTime",
        "LastAssociationExecutionDate",
        "LastSuccessfulAssociationExecutionDate",
        "RegistrationDate",
        "ExecutionTime",
    }
)
# Output members holding ids AWS generates; a documented value without a substitute is
# checked only for its format.
ID_KEYS = frozenset({"AssociationId", "ExecutionId", "OutputSourceId"})

# Reasons for allowances, used by several examples.
PREDATES_VERSIONING = (
    "the example predates association versions (Aug 2017), reference 2.2: AssociationVersion is '1' on creation"
)
PREDATES_CRON_FLAG = (
    "ApplyOnlyAtCronInterval (2020) is newer than the example; reference 2.2 recommends always returning it "
    "(update-association #2 returns false although the request did not set it)"
)
DETAILED_STATUS_SOMETIMES_ABSENT = (
    "Overview.DetailedStatus is sometimes absent in AWS output (reference 2.3); list-associations #2 shows it on one "
    "item and not on the other"
)
ELIDED = "the example elides items (``...``)"
COPIED_OUTPUT = (
    "create-association #2 and #3 outputs are copies of #1 (reference 2.1 caveat): no evidence that a "
    "Targets-based association carries Status/InstanceId"
)


# --- the examples ------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One documented example: the CLI arguments after ``aws`` and the documented output."""

    command: str
    number: int
    title: str
    arguments: tuple[str, ...]
    output: Any = None
    has_output: bool = False
    produces_no_output: bool = False

    @property
    def label(self) -> str:
        return f"{self.command} #{self.number}"


# How the examples say a command prints nothing.
NO_OUTPUT = ("This command produces no output.", "There is no output if the command succeeds.")
_EXAMPLE_HEADER = re.compile(r"^\*\*(?:Example (\d+): )?(.+?)\*\*\s*$", re.MULTILINE)


@cache
def examples(command: str) -> tuple[Example, ...]:
    text = (EXAMPLES_DIR / f"{command}.rst").read_text("utf-8")
    headers = list(_EXAMPLE_HEADER.finditer(text))
    assert headers, f"{command}.rst has no example header"
    found = []
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        chunk = text[header.end() : end]
        output, has_output = _output_block(chunk)
        found.append(
            Example(
                command=command,
                number=int(header.group(1) or index + 1),
                title=header.group(2),
                arguments=_command(chunk),
                output=output,
                has_output=has_output,
                produces_no_output=any(words in chunk for words in NO_OUTPUT),
            )
        )
    return tuple(found)


def example(command: str, number: int = 1) -> Example:
    for item in examples(command):
        if item.number == number:
            return item
    raise AssertionError(f"{command}.rst has no example {number}")


def _command(chunk: str) -> tuple[str, ...]:
    """The ``aws ssm ...`` command of an example, as a shell would split it, without ``aws``.

    Continuation lines end with ``\\``; list-associations #1 and #2 end theirs with ``/`` (a typo:
    in a shell the ``/`` would be an argument and the next line a separate command), read as ``\\``.
    """
    lines = chunk.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("aws ssm "))
    parts = []
    for line in lines[start:]:
        stripped = line.strip()
        continued = stripped.endswith((" \\", " /"))
        parts.append(stripped[:-1].rstrip() if continued else stripped)
        if not continued:
            break
    # The examples write "\$LATEST" inside double quotes, which a POSIX shell reads as "$LATEST".
    words = shlex.split(" ".join(parts).replace("\\$", "$"))
    assert words[:2] == ["aws", "ssm"], words
    return tuple(words[1:])


def _output_block(chunk: str) -> tuple[Any, bool]:
    """The JSON after ``Output::``; ``...`` lines (elided items) and trailing commas removed."""
    marker = chunk.find("Output::")
    if marker < 0:
        return None, False
    block: list[str] = []
    for line in chunk[marker + len("Output::") :].splitlines()[1:]:
        if line.strip() and not line[:1].isspace():
            break
        if line.strip() != "...":
            block.append(line)
    text = re.sub(r",(\s*[\]}])", r"\1", "\n".join(block))
    return json.loads(text), True


def truncated(example_: Example) -> bool:
    """Whether the documented output elides list items with ``...``."""
    text = (EXAMPLES_DIR / f"{example_.command}.rst").read_text("utf-8")
    return re.search(r"^\s+\.\.\.\s*$", text, re.MULTILINE) is not None


# --- the comparison ----------------------------------------------------------------------


@dataclass
class Allowances:
    """What a comparison may let pass, each with its reason (path patterns use ``[]`` for any index)."""

    ids: dict[str, str] = field(default_factory=dict)  # documented id -> the mock's id
    missing: dict[str, str] = field(default_factory=dict)  # documented keys we need not return
    extra: dict[str, str] = field(default_factory=dict)  # keys we return that the example lacks
    type_only: dict[str, str] = field(default_factory=dict)  # values that depend on the environment
    fixed_dates: frozenset[str] = frozenset()  # timestamps that are inputs, compared exactly
    case_insensitive: dict[str, str] = field(default_factory=dict)
    json_strings: frozenset[str] = frozenset()  # strings holding JSON, compared parsed
    open_lists: dict[str, str] = field(default_factory=dict)  # lists ours may extend past the documented items


def _matches(path: str, patterns: Mapping[str, Any] | frozenset[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def _epoch(value: Any) -> float:
    if isinstance(value, str):  # update-association #2 prints CLI v2's ISO 8601 form
        return datetime.fromisoformat(value).timestamp()
    return float(value)


def compare(documented: Any, actual: Any, allow: Allowances) -> list[str]:
    """Every difference between the documented output and ours that the allowances do not cover."""
    problems: list[str] = []
    dates: list[tuple[str, float, Any]] = []
    _compare(documented, actual, "", allow, problems, dates)
    # Timestamps the example shows as equal (creation = last update = Status.Date, ...) are equal here too.
    for index, (path, value, ours) in enumerate(dates):
        for other_path, other_value, other_ours in dates[index + 1 :]:
            if value == other_value and ours != other_ours:
                problems.append(
                    f"{path} ({ours!r}) and {other_path} ({other_ours!r}) differ; the example has both {value}"
                )
    return problems


def _compare(
    documented: Any, actual: Any, path: str, allow: Allowances, problems: list[str], dates: list[tuple[str, float, Any]]
) -> None:
    key = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if path in allow.json_strings and isinstance(documented, str) and isinstance(actual, str):
        _compare(json.loads(documented), json.loads(actual), path + "<json>", allow, problems, dates)
        return
    if isinstance(documented, dict):
        if not isinstance(actual, dict):
            problems.append(f"{path or '<top>'}: expected an object, got {actual!r}")
            return
        for name in documented:
            child = f"{path}.{name}" if path else name
            if name not in actual:
                if not _matches(child, allow.missing):
                    problems.append(f"{child}: documented key missing (documented value {documented[name]!r})")
                continue
            _compare(documented[name], actual[name], child, allow, problems, dates)
        for name in actual:
            child = f"{path}.{name}" if path else name
            if name not in documented and not _matches(child, allow.extra):
                problems.append(f"{child}: key not in the documented output (ours: {actual[name]!r})")
        return
    if isinstance(documented, list):
        if not isinstance(actual, list):
            problems.append(f"{path}: expected a list, got {actual!r}")
            return
        longer_ok = path in allow.open_lists
        if len(actual) < len(documented) or (len(actual) > len(documented) and not longer_ok):
            problems.append(f"{path}: {len(actual)} items, the example has {len(documented)}: {actual!r}")
        for documented_item, actual_item in zip(documented, actual):
            _compare(documented_item, actual_item, f"{path}[]", allow, problems, dates)
        return
    if key in DATE_KEYS and path not in allow.fixed_dates:
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            problems.append(f"{path}: expected a timestamp (epoch seconds), got {actual!r}")
            return
        dates.append((path, _epoch(documented), actual))
        return
    if key in ID_KEYS and isinstance(documented, str):
        if documented in allow.ids:
            if actual != allow.ids[documented]:
                problems.append(f"{path}: expected {allow.ids[documented]!r} (for {documented}), got {actual!r}")
        elif not (isinstance(actual, str) and UUID.match(actual)):
            problems.append(f"{path}: expected a lower-case UUID, got {actual!r}")
        return
    if type(actual) is not type(documented) and not (
        isinstance(documented, float) and isinstance(actual, int) and not isinstance(actual, bool)
    ):
        problems.append(f"{path}: expected {type(documented).__name__} {documented!r}, got {actual!r}")
        return
    if _matches(path, allow.type_only):
        return
    expected = allow.ids.get(documented, documented) if isinstance(documented, str) else documented
    if _matches(path, allow.case_insensitive) and isinstance(expected, str):
        if expected.lower() != str(actual).lower():
            problems.append(f"{path}: expected {expected!r} (any case), got {actual!r}")
    elif actual != expected:
        problems.append(f"{path}: expected {expected!r}, got {actual!r}")


def as_documented_by(example_: Example, output: Any) -> Example:
    """``example_`` with the output a sibling example documents for the same state (it shows none itself)."""
    return replace(example_, output=output, has_output=True)


def assert_as_documented(example_: Example, actual: Any, allow: Allowances) -> None:
    assert example_.has_output, f"{example_.label} documents no output"
    problems = compare(example_.output, actual, allow)
    assert not problems, f"{example_.label} ({example_.title}) differs from the documented output:\n  " + "\n  ".join(
        problems
    )


# --- the served mock ---------------------------------------------------------------------


class Mock:
    """The served mock: boto3 for set-up, HTTP controls, and the AWS CLI for the documented command."""

    def __init__(self, url: str, aws_cli: AwsCli) -> None:
        self.url = url
        self.aws_cli = aws_cli
        self.ssm = _session().client(
            "ssm",
            endpoint_url=url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )

    def control(self, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else b""
        request = urllib.request.Request(f"{self.url}{path}", data=data, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"POST {path} failed with {error.code}: {error.read()!r}") from None
        return json.loads(raw) if raw.strip() else None

    def register(self, instance_id: str, **extra: Any) -> None:
        self.control("/ssm-assoc-mock/managed-instances", {"InstanceId": instance_id, **extra})

    def run(self, association_id: str, **body: Any) -> dict[str, Any]:
        return dict(self.control("/ssm-assoc-mock/simulate-run", {"AssociationId": association_id, **body}))

    def associate(self, **request: Any) -> str:
        return str(self.ssm.create_association(**request)["AssociationDescription"]["AssociationId"])

    def cli(self, example_: Example, ids: Mapping[str, str] | None = None) -> Any:
        """Run the example's command (documented ids replaced by ours); the decoded output or None."""
        return self.cli_arguments(_substituted(example_.arguments, ids or {}))

    def cli_arguments(self, arguments: tuple[str, ...]) -> Any:
        """``aws <arguments> --endpoint-url URL --output json``: the decoded output, or None if it printed nothing."""
        status, stdout, stderr = self.aws_cli.run([*arguments, "--endpoint-url", self.url, "--output", "json"])
        assert status == 0, f"aws {shlex.join(arguments)} failed:\n{stderr}"
        return json.loads(stdout) if stdout.strip() else None


@lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    return boto3.session.Session()


def _substituted(arguments: tuple[str, ...], ids: Mapping[str, str]) -> tuple[str, ...]:
    result = []
    for argument in arguments:
        for documented, ours in ids.items():
            argument = argument.replace(documented, ours)
        result.append(argument)
    return tuple(result)


@pytest.fixture
def mock(served_mock: str, aws_cli: AwsCli) -> Mock:
    return Mock(served_mock, aws_cli)


def test_the_examples_parse() -> None:
    """Every association example is found, with its command and (where documented) its output."""
    counts = {
        "create-association": 3,
        "create-association-batch": 1,
        "describe-association": 2,
        "list-associations": 2,
        "update-association": 2,
        "update-association-status": 1,
        "delete-association": 2,
        "list-association-versions": 1,
        "start-associations-once": 1,
        "describe-association-executions": 2,
        "describe-association-execution-targets": 1,
        "describe-instance-associations-status": 1,
        "describe-effective-instance-associations": 1,
        "describe-instance-information": 3,
        "add-tags-to-resource": 3,
        "list-tags-for-resource": 1,
        "remove-tags-from-resource": 1,
        "put-compliance-items": 1,
        "list-compliance-items": 3,
        "list-compliance-summaries": 2,
        "list-resource-compliance-summaries": 2,
        "list-document-versions": 1,
        "list-documents": 2,
        "describe-document-permission": 1,
    }
    # Examples that show neither output nor "no output": checked against a sibling's output.
    without_output = {
        ("describe-instance-information", 1),
        ("describe-instance-information", 2),
        ("list-compliance-items", 2),
        ("list-compliance-items", 3),
        ("list-compliance-summaries", 2),
        ("list-resource-compliance-summaries", 2),
    }
    for command, count in counts.items():
        found = examples(command)
        assert [item.number for item in found] == list(range(1, count + 1)), command
        for item in found:
            assert item.arguments[:2] == ("ssm", command), item
            assert item.has_output or item.produces_no_output or (command, item.number) in without_output, item
    assert example("put-compliance-items").produces_no_output
    assert example("update-association").arguments[-1] == "$LATEST"
    assert example("list-associations").arguments == (
        "ssm",
        "list-associations",
        "--association-filter-list",
        "key=AssociationName,value=UpdateSSMAgent",
    )


# --- create-association ------------------------------------------------------------------

CREATE_EXTRAS = {
    "AssociationDescription.AssociationVersion": PREDATES_VERSIONING,
    "AssociationDescription.ApplyOnlyAtCronInterval": PREDATES_CRON_FLAG,
}


def test_create_association_example_1_legacy_instance_id(mock: Mock) -> None:
    documented = example("create-association", 1)
    mock.register("i-0cb2b964d3e14fd9f")

    output = mock.cli(documented)

    assert_as_documented(documented, output, Allowances(extra=CREATE_EXTRAS))
    assert output["AssociationDescription"]["AssociationVersion"] == "1"
    assert output["AssociationDescription"]["ApplyOnlyAtCronInterval"] is False


def test_create_association_example_2_targets(mock: Mock) -> None:
    documented = example("create-association", 2)
    mock.register("i-0cb2b964d3e14fd9f")

    output = mock.cli(documented)

    allow = Allowances(
        missing={"AssociationDescription.Status": COPIED_OUTPUT, "AssociationDescription.InstanceId": COPIED_OUTPUT},
        extra=CREATE_EXTRAS,
        case_insensitive={
            "AssociationDescription.Targets[].Key": "the request says instanceids, the (copied) output InstanceIds; "
            "whether AWS normalises the case is open (reference 6)"
        },
    )
    assert_as_documented(documented, output, allow)


def test_create_association_example_3_runs_once(mock: Mock) -> None:
    documented = example("create-association", 3)
    mock.register("i-0cb2b964d3e14fd9f")

    output = mock.cli(documented)

    allow = Allowances(
        missing={"AssociationDescription.Status": COPIED_OUTPUT, "AssociationDescription.InstanceId": COPIED_OUTPUT},
        extra={
            **CREATE_EXTRAS,
            "AssociationDescription.ScheduleExpression": "the copied output omits the schedule the command sent "
            "(reference 2.1 caveat); checked below",
        },
        case_insensitive={"AssociationDescription.Targets[].Key": "see create-association #2"},
    )
    assert_as_documented(documented, output, allow)
    assert output["AssociationDescription"]["ScheduleExpression"] == "at(2020-05-14T15:55:00)"
    assert output["AssociationDescription"]["ApplyOnlyAtCronInterval"] is True


# --- create-association-batch ------------------------------------------------------------


def test_create_association_batch_example_1(mock: Mock) -> None:
    documented = example("create-association-batch")
    mock.register("i-1234567890abcdef0")
    mock.register("i-9876543210abcdef0")

    output = mock.cli(documented)

    assert_as_documented(
        documented, output, Allowances(extra={"Successful[].ApplyOnlyAtCronInterval": PREDATES_CRON_FLAG})
    )


# --- describe-association ----------------------------------------------------------------

INVENTORY_PARAMETERS = {
    "applications": ["Enabled"],
    "awsComponents": ["Enabled"],
    "customInventory": ["Enabled"],
    "files": [""],
    "instanceDetailedInformation": ["Enabled"],
    "networkConfig": ["Enabled"],
    "services": ["Enabled"],
    "windowsRegistry": [""],
    "windowsRoles": ["Enabled"],
    "windowsUpdates": ["Enabled"],
}


def _inventory_association(mock: Mock, targets: list[dict[str, Any]] | None = None) -> str:
    return mock.associate(
        Name="AWS-GatherSoftwareInventory",
        Targets=targets or [{"Key": "InstanceIds", "Values": ["*"]}],
        Parameters=INVENTORY_PARAMETERS,
        ScheduleExpression="rate(24 hours)",
        AssociationName="Inventory-Association",
    )


def test_describe_association_example_1_by_id(mock: Mock) -> None:
    documented = example("describe-association", 1)
    mock.register("i-1234567890abcdef0")
    mock.register("i-9876543210abcdef0")
    association_id = _inventory_association(mock)
    mock.run(association_id)  # the example has run on two nodes: Success 2

    output = mock.cli(documented, {"8dfe3659-4309-493a-8755-0123456789ab": association_id})

    allow = Allowances(
        ids={"8dfe3659-4309-493a-8755-0123456789ab": association_id},
        extra={
            "AssociationDescription.Overview.DetailedStatus": DETAILED_STATUS_SOMETIMES_ABSENT,
            "AssociationDescription.ApplyOnlyAtCronInterval": PREDATES_CRON_FLAG,
        },
    )
    assert_as_documented(documented, output, allow)


def test_describe_association_example_2_by_name_and_instance(mock: Mock) -> None:
    documented = example("describe-association", 2)
    mock.register("i-1234567890abcdef0")
    association_id = mock.associate(Name="AWS-UpdateSSMAgent", InstanceId="i-1234567890abcdef0")
    # The node has accepted the association but not run it yet: the closest the controls come.
    mock.run(association_id, Status="Pending", DetailedStatus="Associated")

    output = mock.cli(documented)

    allow = Allowances(
        ids={"d8617c07-2079-4c18-9847-1234567890ab": association_id},
        extra={
            "AssociationDescription.AssociationVersion": PREDATES_VERSIONING,
            "AssociationDescription.ApplyOnlyAtCronInterval": PREDATES_CRON_FLAG,
        },
    )
    assert_as_documented(documented, output, allow)


# --- list-associations -------------------------------------------------------------------

LIST_DOCUMENT_VERSION = (
    "ListAssociations items carry DocumentVersion in real output (reference 4.4: former2#92); the 2019 example "
    "shows none"
)
LIST_INSTANCE_ID = (
    "the item has AssociationName and ScheduleExpression, which an InstanceId (legacy) association cannot have "
    "(model), so it is Targets-based; its InstanceId contradicts reference 2.1 (open question 6): not reproducible"
)


def _update_agent_association(mock: Mock, instance_id: str) -> str:
    """The 2019 examples' 'UpdateSSMAgent' association (list-associations, list-association-versions)."""
    return mock.associate(
        Name="AWS-UpdateSSMAgent",
        Targets=[{"Key": "InstanceIds", "Values": [instance_id]}],
        Parameters={"allowDowngrade": ["false"], "version": [""]},
        ScheduleExpression="cron(0 00 12 ? * SUN *)",
        AssociationName="UpdateSSMAgent",
    )


def test_list_associations_example_1_by_association_name(mock: Mock) -> None:
    documented = example("list-associations", 1)
    mock.register("i-016648b75dd622dab")
    association_id = _update_agent_association(mock, "i-016648b75dd622dab")
    mock.run(association_id, Status="Pending", DetailedStatus="Associated")

    output = mock.cli(documented)

    allow = Allowances(
        ids={"8dfe3659-4309-493a-8755-0123456789ab": association_id},
        missing={"Associations[].InstanceId": LIST_INSTANCE_ID},
        extra={"Associations[].DocumentVersion": LIST_DOCUMENT_VERSION},
    )
    assert_as_documented(documented, output, allow)


def test_list_associations_example_2_by_document_name(mock: Mock) -> None:
    documented = example("list-associations", 2)
    mock.register("i-1234567890abcdef0")
    mock.register("i-9876543210abcdef0")
    first = _update_agent_association(mock, "i-1234567890abcdef0")
    # The second item has an InstanceId and none of the settings a legacy association cannot have.
    second = mock.associate(Name="AWS-UpdateSSMAgent", InstanceId="i-9876543210abcdef0")
    mock.run(first)
    mock.run(second)
    # Not listed by a Name filter for another document.
    mock.associate(
        Name="AWS-RunShellScript", Parameters={"commands": ["id"]}, Targets=[{"Key": "tag:Env", "Values": ["x"]}]
    )

    output = mock.cli(documented)

    allow = Allowances(
        ids={"8dfe3659-4309-493a-8755-0123456789ab": first, "fbc07ef7-b985-4684-b82b-0123456789ab": second},
        missing={"Associations[].InstanceId": LIST_INSTANCE_ID},
        extra={
            "Associations[].DocumentVersion": LIST_DOCUMENT_VERSION,
            "Associations[].Overview.DetailedStatus": DETAILED_STATUS_SOMETIMES_ABSENT,
        },
    )
    assert_as_documented(documented, output, allow)
    assert output["Associations"][1]["InstanceId"] == "i-9876543210abcdef0"  # only the first item is exempt


# --- update-association ------------------------------------------------------------------


def test_update_association_example_1_document_version(mock: Mock) -> None:
    documented = example("update-association", 1)
    mock.register("i-1234567890abcdef0", Tags={"Name": "Linux"})
    association_id = mock.associate(Name="AWS-UpdateSSMAgent", Targets=[{"Key": "tag:Name", "Values": ["Linux"]}])
    mock.run(association_id)

    output = mock.cli(documented, {"8dfe3659-4309-493a-8755-0123456789ab": association_id})

    allow = Allowances(
        ids={"8dfe3659-4309-493a-8755-0123456789ab": association_id},
        extra={"AssociationDescription.ApplyOnlyAtCronInterval": PREDATES_CRON_FLAG},
    )
    assert_as_documented(documented, output, allow)
    description = output["AssociationDescription"]
    assert description["LastUpdateAssociationDate"] > description["Date"]


def test_update_association_example_2_schedule(mock: Mock) -> None:
    documented = example("update-association", 2)
    association_id = mock.associate(
        Name="AWS-HelloWorld",
        Targets=[{"Key": "aws:NoOpAutomationTag", "Values": ["AWS-NoOpAutomationTarget-Value"]}],
    )
    mock.run(association_id, Status="Failed")  # LastExecutionDate, but no LastSuccessfulExecutionDate

    output = mock.cli(documented, {"8dfe3659-4309-493a-8755-0123456789ab": association_id})

    # The example's timestamps are ISO 8601 strings (CLI v2's format); CLI v1 prints epoch seconds,
    # which the comparison expects for every timestamp.
    assert_as_documented(documented, output, Allowances(ids={"8dfe3659-4309-493a-8755-0123456789ab": association_id}))


# --- update-association-status -----------------------------------------------------------


def test_update_association_status_example_1(mock: Mock) -> None:
    documented = example("update-association-status")
    mock.register("i-1234567890abcdef0")
    association_id = mock.associate(Name="AWS-UpdateSSMAgent", InstanceId="i-1234567890abcdef0")
    mock.run(association_id)

    output = mock.cli(documented)

    allow = Allowances(
        ids={"8dfe3659-4309-493a-8755-0123456789ab": association_id},
        extra={
            "AssociationDescription.Overview.DetailedStatus": DETAILED_STATUS_SOMETIMES_ABSENT,
            "AssociationDescription.ApplyOnlyAtCronInterval": PREDATES_CRON_FLAG,
        },
        # Sent as Date=1424421071.939; the CLI truncates it to whole seconds (reference 1).
        fixed_dates=frozenset({"AssociationDescription.Status.Date"}),
    )
    assert_as_documented(documented, output, allow)


# --- delete-association ------------------------------------------------------------------


def test_delete_association_example_1_by_id(mock: Mock) -> None:
    documented = example("delete-association", 1)
    mock.register("i-1234567890abcdef0")
    association_id = _update_agent_association(mock, "i-1234567890abcdef0")

    output = mock.cli(documented, {"8dfe3659-4309-493a-8755-0123456789ab": association_id})

    assert documented.produces_no_output
    assert output is None
    assert mock.ssm.list_associations()["Associations"] == []


def test_delete_association_example_2_by_name_and_instance(mock: Mock) -> None:
    documented = example("delete-association", 2)
    mock.register("i-1234567890abcdef0")
    mock.associate(Name="AWS-UpdateSSMAgent", InstanceId="i-1234567890abcdef0")
    kept = _inventory_association(mock)

    output = mock.cli(documented)

    assert documented.produces_no_output
    assert output is None
    assert [item["AssociationId"] for item in mock.ssm.list_associations()["Associations"]] == [kept]


# --- list-association-versions -----------------------------------------------------------


def test_list_association_versions_example_1(mock: Mock) -> None:
    documented = example("list-association-versions")
    mock.register("i-1234567890abcdef0")
    association_id = _update_agent_association(mock, "i-1234567890abcdef0")

    output = mock.cli(documented, {"8dfe3659-4309-493a-8755-0123456789ab": association_id})

    allow = Allowances(
        ids={"8dfe3659-4309-493a-8755-0123456789ab": association_id},
        extra={"AssociationVersions[].ApplyOnlyAtCronInterval": PREDATES_CRON_FLAG},
    )
    assert_as_documented(documented, output, allow)


# --- start-associations-once -------------------------------------------------------------


def test_start_associations_once_example_1(mock: Mock) -> None:
    documented = example("start-associations-once")
    mock.register("i-1234567890abcdef0")
    association_id = _update_agent_association(mock, "i-1234567890abcdef0")

    output = mock.cli(documented, {"8dfe3659-4309-493a-8755-0123456789ab": association_id})

    assert documented.produces_no_output
    assert output is None
    executions = mock.ssm.describe_association_executions(AssociationId=association_id)["AssociationExecutions"]
    assert [(item["Status"], item["ResourceCountByStatus"]) for item in executions] == [("Success", "{Success=1}")]


# --- describe-association-executions -----------------------------------------------------


def _association_with_two_runs(mock: Mock) -> tuple[str, list[dict[str, Any]]]:
    mock.register("i-1234567890abcdef0")
    association_id = _update_agent_association(mock, "i-1234567890abcdef0")
    runs = [mock.run(association_id), mock.run(association_id)]
    return association_id, runs


@pytest.mark.parametrize("number", [1, 2])
def test_describe_association_executions_examples(mock: Mock, number: int) -> None:
    documented = example("describe-association-executions", number)
    association_id, runs = _association_with_two_runs(mock)
    newest, oldest = runs[1], runs[0]

    output = mock.cli(documented, {"8dfe3659-4309-493a-8755-0123456789ab": association_id})

    allow = Allowances(
        ids={
            "8dfe3659-4309-493a-8755-0123456789ab": association_id,
            "474925ef-1249-45a2-b93d-0123456789ab": newest["ExecutionId"],
            "7abb6378-a4a5-4f10-8312-0123456789ab": oldest["ExecutionId"],
        },
        open_lists={"AssociationExecutions": ELIDED} if truncated(documented) else {},
    )
    assert_as_documented(documented, output, allow)


# --- describe-association-execution-targets ----------------------------------------------


def test_describe_association_execution_targets_example_1(mock: Mock) -> None:
    documented = example("describe-association-execution-targets")
    mock.register("i-1234567890abcdef0")
    association_id = _update_agent_association(mock, "i-1234567890abcdef0")
    execution_id = mock.run(association_id)["ExecutionId"]
    ids = {
        "8dfe3659-4309-493a-8755-0123456789ab": association_id,
        "7abb6378-a4a5-4f10-8312-0123456789ab": execution_id,
    }

    output = mock.cli(documented, ids)

    assert_as_documented(documented, output, Allowances(ids=ids))


# --- describe-instance-associations-status -----------------------------------------------


def test_describe_instance_associations_status_example_1(mock: Mock) -> None:
    documented = example("describe-instance-associations-status")
    mock.register("i-1234567890abcdef0")
    inventory = _inventory_association(mock)
    agent = _update_agent_association(mock, "i-1234567890abcdef0")
    mock.run(inventory)
    mock.run(agent)

    output = mock.cli(documented)

    allow = Allowances(
        ids={"8dfe3659-4309-493a-8755-0123456789ab": inventory, "5c5a31f6-6dae-46f9-944c-0123456789ab": agent},
        extra={
            "InstanceAssociationStatusInfos[].DetailedStatus": "the example shows DetailedStatus on its second item "
            "only (reference 2.3: sometimes absent)",
            "InstanceAssociationStatusInfos[].ExecutionSummary": "the example shows ExecutionSummary on its first "
            "item only; both are successful runs of the same shape",
        },
    )
    assert_as_documented(documented, output, allow)


# --- describe-effective-instance-associations --------------------------------------------


def test_describe_effective_instance_associations_example_1(mock: Mock) -> None:
    documented = example("describe-effective-instance-associations")
    mock.register("i-1234567890abcdef0")
    association_id = mock.associate(Name="AWS-UpdateSSMAgent", InstanceId="i-1234567890abcdef0")

    output = mock.cli(documented)

    allow = Allowances(
        ids={"8dfe3659-4309-493a-8755-0123456789ab": association_id},
        json_strings=frozenset({"Associations[].Content"}),
    )
    assert_as_documented(documented, output, allow)


# --- describe-instance-information -------------------------------------------------------

DOCUMENTED_NODE = "i-028ea792daEXAMPLE"
NODE_ALLOWANCES = Allowances(
    extra={
        "InstanceInformationList[].SourceId": "modelled member (botocore 1.43) the 2020 example predates",
        "InstanceInformationList[].SourceType": "modelled member (botocore 1.43) the 2020 example predates",
    },
    type_only={
        "InstanceInformationList[].AgentVersion": "the node's agent version; the registration control cannot set it",
        "InstanceInformationList[].IPAddress": "the node's address; the registration control cannot set it",
    },
)


def _documented_node(mock: Mock) -> None:
    """The example's node: SLES 15.1, tag key DEV, two associations that succeeded on it."""
    mock.register(
        DOCUMENTED_NODE,
        Tags={"DEV": "true"},
        PlatformType="Linux",
        PlatformName="SLES",
        PlatformVersion="15.1",
        ComputerName="ip-198.51.100.0.us-east-2.compute.internal",
    )
    for association_id in (
        _inventory_association(mock, [{"Key": "InstanceIds", "Values": [DOCUMENTED_NODE]}]),
        mock.associate(Name="AWS-UpdateSSMAgent", InstanceId=DOCUMENTED_NODE),
    ):
        mock.run(association_id)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_describe_instance_information_examples(mock: Mock, number: int) -> None:
    """Examples 1 and 2 document no output: they are checked against example 3's (the same node)."""
    documented = example("describe-instance-information", number)
    _documented_node(mock)
    if number == 3:
        mock.register("i-0fedcba0987654321", Tags={"PROD": "true"})  # no DEV tag: not listed

    output = mock.cli(documented)

    assert_as_documented(example("describe-instance-information", 3), output, NODE_ALLOWANCES)


# --- tags on associations ----------------------------------------------------------------
# The CLI's tagging examples tag a maintenance window, a parameter, a document and a patch
# baseline; none tags an association. These run each documented command with --resource-type
# Association and an association's id in place of the example's resource.


def _as_association(arguments: tuple[str, ...], association_id: str) -> tuple[str, ...]:
    replaced = list(arguments)
    for option, value in (("--resource-type", "Association"), ("--resource-id", association_id)):
        replaced[replaced.index(option) + 1] = value
    return tuple(replaced)


def _tags(mock: Mock, association_id: str) -> dict[str, str]:
    tags = mock.ssm.list_tags_for_resource(ResourceType="Association", ResourceId=association_id)["TagList"]
    return {tag["Key"]: tag["Value"] for tag in tags}


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, {"Stack": "Production"}),
        (2, {"Region": "East", "Environment": "Production"}),
        (3, {"Quarter": "Q322"}),
    ],
)
def test_add_tags_to_resource_examples_on_an_association(mock: Mock, number: int, expected: dict[str, str]) -> None:
    documented = example("add-tags-to-resource", number)
    mock.register("i-1234567890abcdef0")
    association_id = _update_agent_association(mock, "i-1234567890abcdef0")

    output = mock.cli_arguments(_as_association(documented.arguments, association_id))

    assert documented.produces_no_output
    assert output is None
    assert _tags(mock, association_id) == expected


def _tagged_association(mock: Mock) -> str:
    """The tags the list- and remove-tags-from-resource examples start from, on an association."""
    mock.register("i-1234567890abcdef0")
    association_id = _update_agent_association(mock, "i-1234567890abcdef0")
    mock.ssm.add_tags_to_resource(
        ResourceType="Association",
        ResourceId=association_id,
        Tags=[{"Key": "Environment", "Value": "Production"}, {"Key": "Region", "Value": "EMEA"}],
    )
    return association_id


def test_list_tags_for_resource_example_1_on_an_association(mock: Mock) -> None:
    documented = example("list-tags-for-resource")
    association_id = _tagged_association(mock)

    output = mock.cli_arguments(_as_association(documented.arguments, association_id))

    assert_as_documented(documented, output, Allowances())


def test_remove_tags_from_resource_example_1_on_an_association(mock: Mock) -> None:
    documented = example("remove-tags-from-resource")
    association_id = _tagged_association(mock)

    output = mock.cli_arguments(_as_association(documented.arguments, association_id))

    assert documented.produces_no_output
    assert output is None
    assert _tags(mock, association_id) == {"Environment": "Production"}


# --- get-document: an AWS-owned document, read before associating it ------------------------


def test_get_document_example_1_an_aws_owned_document(mock: Mock) -> None:
    documented = example("get-document")

    output = mock.cli(documented)

    allow = Allowances(
        extra={"CreatedDate": "GetDocumentResult has CreatedDate in the model; the example predates it"},
        # The example's text is AWS's own layout of the JSON; the catalogue's content is the same document.
        json_strings=frozenset({"Content"}),
    )
    assert_as_documented(documented, output, allow)


# --- compliance --------------------------------------------------------------------------
# The examples' node i-1234567890abcdef0 carries the Association items of the inventory
# association (8dfe3659-...) and of the agent update association (e4c2ed6d-...), as in the
# association examples. State Manager's clock only moves forward, so a run cannot happen in
# 2019: the inventory association reports its item itself (SyncCompliance MANUAL, a PARTIAL
# upload, as AWS-RunPatchBaselineAssociation does) at its documented time, which puts it before
# list-compliance-items #3's 2019-02-18T16:00:00Z; the agent update association's item comes from
# a run (SyncCompliance AUTO), now, after it.

COMPLIANT_NODE = "i-1234567890abcdef0"
PATCHED_NODE = "i-9876543210abcdef0"
INVENTORY_ITEM_TIME = 1550408470.0  # list-compliance-items #1's first ExecutionTime
NO_NEXT_TOKEN = (
    "the documented output was cut short (--max-items, or by hand: '--token string truncated--'); the documented "
    "command pages through every item, so the CLI prints no NextToken"
)


def _moment(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)


def _node_association_compliance(mock: Mock) -> dict[str, str]:
    """The node's two Association items; the documented association ids -> ours."""
    mock.register(COMPLIANT_NODE)
    inventory = mock.associate(
        Name="AWS-GatherSoftwareInventory",
        Targets=[{"Key": "InstanceIds", "Values": [COMPLIANT_NODE]}],
        Parameters=INVENTORY_PARAMETERS,
        SyncCompliance="MANUAL",
    )
    mock.ssm.put_compliance_items(
        ResourceId=COMPLIANT_NODE,
        ResourceType="ManagedInstance",
        ComplianceType="Association",
        ExecutionSummary={"ExecutionTime": _moment(INVENTORY_ITEM_TIME)},
        Items=[
            {
                "Id": inventory,
                "Title": "",
                "Severity": "UNSPECIFIED",
                "Status": "COMPLIANT",
                "Details": {"DocumentName": "AWS-GatherSoftwareInventory", "DocumentVersion": "1"},
            }
        ],
        UploadType="PARTIAL",
    )
    agent = mock.associate(Name="AWS-UpdateSSMAgent", InstanceId=COMPLIANT_NODE)
    mock.run(agent)
    return {"8dfe3659-4309-493a-8755-0123456789ab": inventory, "e4c2ed6d-516f-41aa-aa2a-0123456789ab": agent}


def _put_patch_compliance(mock: Mock, node: str, status: str, severity: str, count: int = 1, **summary: Any) -> None:
    mock.ssm.put_compliance_items(
        ResourceId=node,
        ResourceType="ManagedInstance",
        ComplianceType="Patch",
        ExecutionSummary={"ExecutionTime": _moment(summary.pop("ExecutionTime", 1550248550.0)), **summary},
        Items=[{"Id": f"KB{4000000 + n}", "Severity": severity, "Status": status} for n in range(count)],
    )


def test_put_compliance_items_example_1(mock: Mock) -> None:
    documented = example("put-compliance-items")
    mock.register(COMPLIANT_NODE)

    output = mock.cli(documented)

    assert documented.produces_no_output
    assert output is None
    (item,) = mock.ssm.list_compliance_items(ResourceIds=[COMPLIANT_NODE])["ComplianceItems"]
    executed = item["ExecutionSummary"].pop("ExecutionTime")
    assert executed == datetime(2019, 2, 18, 16, tzinfo=timezone.utc)
    assert item == {
        "ComplianceType": "Custom:AVCheck",
        "ResourceType": "ManagedInstance",
        "ResourceId": COMPLIANT_NODE,
        "Id": "Version2.0",
        "Title": "ScanHost",
        "Status": "COMPLIANT",
        "Severity": "CRITICAL",
        "ExecutionSummary": {},
    }


@pytest.mark.parametrize("number", [1, 2, 3])
def test_list_compliance_items_examples(mock: Mock, number: int) -> None:
    """#2 (the agent update association's item by Id) and #3 (items after 2019-02-18T16:00:00Z) document no
    output: both select #1's second item."""
    documented = example("list-compliance-items", number)
    ids = _node_association_compliance(mock)

    output = mock.cli(documented, ids)

    items = example("list-compliance-items", 1).output["ComplianceItems"]
    expected = documented if number == 1 else as_documented_by(documented, {"ComplianceItems": items[1:]})
    allow = Allowances(
        ids=ids,
        missing={"NextToken": NO_NEXT_TOKEN},
        open_lists={"ComplianceItems": ELIDED} if number == 1 else {},
    )
    assert_as_documented(expected, output, allow)
    if number == 1:
        assert output["ComplianceItems"][0]["ExecutionSummary"]["ExecutionTime"] == INVENTORY_ITEM_TIME


@pytest.mark.parametrize("number", [1, 2])
def test_list_compliance_summaries_examples(mock: Mock, number: int) -> None:
    """Two nodes compliant with an association; for Patch one compliant node and one non-compliant at CRITICAL.
    #2 (the Patch type only) documents no output: it is #1's Patch item."""
    documented = example("list-compliance-summaries", number)
    for node in (COMPLIANT_NODE, PATCHED_NODE, "i-0fedcba0987654321"):
        mock.register(node)
    mock.run(
        mock.associate(
            Name="AWS-UpdateSSMAgent", Targets=[{"Key": "InstanceIds", "Values": [COMPLIANT_NODE, PATCHED_NODE]}]
        )
    )
    _put_patch_compliance(mock, PATCHED_NODE, "COMPLIANT", "UNSPECIFIED")
    _put_patch_compliance(mock, "i-0fedcba0987654321", "NON_COMPLIANT", "CRITICAL")

    output = mock.cli(documented)

    items = example("list-compliance-summaries", 1).output["ComplianceSummaryItems"]
    expected = documented if number == 1 else as_documented_by(documented, {"ComplianceSummaryItems": items[1:]})
    allow = Allowances(
        missing={"NextToken": NO_NEXT_TOKEN + " (this token decodes to boto_truncate_amount 2)"},
        open_lists={"ComplianceSummaryItems": ELIDED} if number == 1 else {},
    )
    assert_as_documented(expected, output, allow)


@pytest.mark.parametrize("number", [1, 2])
def test_list_resource_compliance_summaries_examples(mock: Mock, number: int) -> None:
    """The node with the two Association items, and another with 397 compliant patches from a Run Command
    execution. #2 (the Patch type only) documents no output: it is #1's Patch item."""
    documented = example("list-resource-compliance-summaries", number)
    _node_association_compliance(mock)
    mock.register(PATCHED_NODE)
    execution = {"ExecutionId": "7abb6378-a4a5-4f10-8312-0123456789ab", "ExecutionType": "Command"}
    _put_patch_compliance(mock, PATCHED_NODE, "COMPLIANT", "UNSPECIFIED", 397, **execution)

    output = mock.cli(documented)

    items = example("list-resource-compliance-summaries", 1).output["ResourceComplianceSummaryItems"]
    expected = (
        documented if number == 1 else as_documented_by(documented, {"ResourceComplianceSummaryItems": items[1:]})
    )
    allow = Allowances(ids={execution["ExecutionId"]: execution["ExecutionId"]}, missing={"NextToken": NO_NEXT_TOKEN})
    assert_as_documented(expected, output, allow)
    patch = output["ResourceComplianceSummaryItems"][-1]
    assert patch["ExecutionSummary"]["ExecutionTime"] == 1550248550.0


# --- documents ---------------------------------------------------------------------------
# The document examples are about "Example", an account's own Automation runbook (no example
# is about an AWS-owned document). list-document-versions, and list-documents with Owner Self,
# are the package's for every document; describe-document-permission of an own document is
# moto's, and checked as its set-up is one share. Not run: describe-document (moto answers for
# an own document, and reports its PlatformTypes as a placeholder), list-documents #2 (a
# document another account shares, whose name does not start with the prefix the filter asks for).

EXAMPLE_RUNBOOK = """\
description: Document Example
schemaVersion: '0.3'
assumeRole: '{{ AutomationAssumeRole }}'
parameters:
  AutomationAssumeRole:
    type: String
    description: (Required) The ARN of the role that allows Automation to perform the actions on your behalf. \
If no role is specified, Systems Manager Automation uses your IAM permissions to execute this document.
    default: ''
  InstanceId:
    type: String
    description: (Required) The ID of the Amazon EC2 instance.
    default: ''
mainSteps:
  - name: stopInstance
    action: aws:changeInstanceState
    inputs:
      InstanceIds:
        - '{{ InstanceId }}'
      DesiredState: stopped
"""


def _example_runbook(mock: Mock, **tags: str) -> None:
    mock.ssm.create_document(
        Name="Example",
        Content=EXAMPLE_RUNBOOK,
        DocumentType="Automation",
        DocumentFormat="YAML",
        **({"Tags": [{"Key": key, "Value": value} for key, value in tags.items()]} if tags else {}),
    )


def test_list_documents_example_1_own_documents_by_tag(mock: Mock) -> None:
    documented = example("list-documents", 1)
    _example_runbook(mock, DocUse="Testing")
    # Not listed: an own document without the tag, and AWS's documents (not the caller's).
    mock.ssm.create_document(Name="Untagged", Content=EXAMPLE_RUNBOOK, DocumentType="Automation", DocumentFormat="YAML")

    output = mock.cli(documented)

    allow = Allowances(
        ids={"29884EXAMPLE": DEFAULT_ACCOUNT},  # the example's account, masked
        open_lists={
            "DocumentIdentifiers[].PlatformTypes": "AWS lists runbooks for MacOS too (the catalogue's AWS-owned "
            "Automation documents: Windows, Linux, MacOS); the March 2020 example predates macOS nodes in Systems "
            "Manager"
        },
    )
    assert_as_documented(documented, output, allow)
    assert output["DocumentIdentifiers"][0]["PlatformTypes"] == ["Windows", "Linux", "MacOS"]


def test_list_document_versions_example_1(mock: Mock) -> None:
    documented = example("list-document-versions")
    _example_runbook(mock)

    output = mock.cli(documented)

    assert_as_documented(documented, output, Allowances())


def test_describe_document_permission_example_1(mock: Mock) -> None:
    documented = example("describe-document-permission")
    _example_runbook(mock)
    mock.ssm.modify_document_permission(Name="Example", PermissionType="Share", AccountIdsToAdd=["all"])

    output = mock.cli(documented)

    assert_as_documented(documented, output, Allowances())
