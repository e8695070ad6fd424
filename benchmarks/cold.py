"""6. Cold start in whole fresh processes: what installing the package costs before and at first use.

Three pairs, each two child processes run side by side in interleaved rounds (the order flips
every round); a pair's ratio is the median of its per-round ratios:

1. pytest on a one-line test that uses no AWS, with the plugin loaded vs ``-p no:ssm_assoc_mock``;
2. ``import ssm_assoc_mock`` vs ``import moto``: time and peak RSS;
3. the first association call (CreateAssociation) in a fresh process vs the first moto
   ``describe_document`` in another without the package: the same preamble (boto3, moto,
   ``mock_aws``, a client), then the call timed inside the child, so what moto and the package
   load on first use (moto's SSM and EC2, our handlers, models and botocore's SSM model) is in it.

Times are the child's CPU time (user + system, from ``wait4``) with the default CPU clock, so
other processes on the machine do not count; wall time with ``--clock wall``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

from ._common import CLOCK_VARIABLE, FAKE_CREDENTIALS, Result, check

PYTEST_TARGET = "<= 1.05x"
IMPORT_TARGET = "<= 1.1x"
FIRST_CALL_TARGET = "<= 1.2x"
FIRST_CALL_MARKER = "FIRST-CALL-SECONDS "

# The child of pair 3: the same preamble, then one timed call. argv[1]: "association" or "moto".
FIRST_CALL = """
import sys, time
import boto3
from moto import mock_aws
if sys.argv[1] == "association":
    import ssm_assoc_mock
now = time.process_time if sys.argv[2] == "cpu" else time.perf_counter
with mock_aws():
    client = boto3.client("ssm", region_name="us-east-1")
    start = now()
    if sys.argv[1] == "association":
        client.create_association(
            Name="AWS-RunShellScript",
            Parameters={"commands": ["id"]},
            Targets=[{"Key": "tag:Environment", "Values": ["Production"]}],
        )
    else:
        try:
            client.describe_document(Name="bench-describe-document")
        except client.exceptions.InvalidDocument:  # moto ships no documents: its answer is this error
            pass
    print("FIRST-CALL-SECONDS", now() - start)
"""


def child_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "MOTO_", "PYTEST_"))}
    # As installed, a package's bytecode is on disk (pip compiles it; a checkout's first run writes it).
    # Without this, PYTHONDONTWRITEBYTECODE would have every child compile the package's modules from
    # source (and pytest rewrite the plugin's asserts) while moto and pytest load theirs compiled.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(FAKE_CREDENTIALS)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env


class Sample:
    """One child process: its time (CPU or wall), peak RSS and what it printed."""

    def __init__(self, command: Sequence[str], cwd: str) -> None:
        wall_clock = os.environ.get(CLOCK_VARIABLE, "cpu") == "wall"
        started = time.perf_counter()
        child = subprocess.Popen(
            list(command), cwd=cwd, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert child.stdout is not None
        self.output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n{self.output[-3000:]}")
        self.seconds = time.perf_counter() - started if wall_clock else usage.ru_utime + usage.ru_stime
        self.peak_rss = usage.ru_maxrss * 1024  # KiB on Linux

    def printed(self, marker: str) -> float:
        for line in self.output.splitlines():
            if line.startswith(marker):
                return float(line[len(marker) :])
        raise RuntimeError(f"no {marker!r} in:\n{self.output[-3000:]}")


Pair = tuple[str, Callable[[], Sample], str, Callable[[], Sample]]


def pairs(workdir: str) -> list[Pair]:
    python = sys.executable
    test_file = Path(workdir) / "test_one.py"
    test_file.write_text("def test_one():\n    assert 1 + 1 == 2\n")
    pytest = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)]
    first_call = [python, "-c", FIRST_CALL]
    clock = os.environ.get(CLOCK_VARIABLE, "cpu")
    return [
        (
            "pytest with the plugin",
            lambda: Sample(pytest, workdir),
            "pytest -p no:ssm_assoc_mock",
            lambda: Sample([*pytest, "-p", "no:ssm_assoc_mock"], workdir),
        ),
        (
            "import ssm_assoc_mock",
            lambda: Sample([python, "-c", "import ssm_assoc_mock"], workdir),
            "import moto",
            lambda: Sample([python, "-c", "import moto"], workdir),
        ),
        (
            "first association call",
            lambda: Sample([*first_call, "association", clock], workdir),
            "first moto describe_document",
            lambda: Sample([*first_call, "moto", clock], workdir),
        ),
    ]


def seconds(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def mib(value: float) -> str:
    return f"{value / 2**20:,.1f} MiB"


def run(quick: bool = False) -> list[Result]:
    # pytest's pair differs by a few milliseconds in about 700: it gets more rounds.
    rounds = 3 if quick else 7
    extra_pytest_rounds = 2 if quick else 8
    with tempfile.TemporaryDirectory(prefix="ssm-assoc-bench-") as workdir:
        measured: list[tuple[Pair, list[Sample], list[Sample]]] = []
        for pair in pairs(workdir):
            pair[1](), pair[3]()  # warm the file cache and bytecode: not a round
            measured.append((pair, [], []))
        for index in range(rounds + extra_pytest_rounds):
            for (_, ours, _, theirs), our_samples, their_samples in measured[: 1 if index >= rounds else None]:
                if index % 2:  # interleaved: who goes first flips every round
                    their_samples.append(theirs())
                    our_samples.append(ours())
                else:
                    our_samples.append(ours())
                    their_samples.append(theirs())

    results: list[Result] = []
    for (ours, _, _, _), our_samples, their_samples in measured:
        if ours == "first association call":
            our_times = [sample.printed(FIRST_CALL_MARKER) for sample in our_samples]
            their_times = [sample.printed(FIRST_CALL_MARKER) for sample in their_samples]
        else:
            our_times = [sample.seconds for sample in our_samples]
            their_times = [sample.seconds for sample in their_samples]
        ratio = statistics.median(a / b for a, b in zip(our_times, their_times))
        target = IMPORT_TARGET if ours.startswith("import") else FIRST_CALL_TARGET if "first" in ours else PYTEST_TARGET
        label = {
            "pytest with the plugin": "pytest, one test using no AWS: plugin loaded vs -p no:ssm_assoc_mock",
            "import ssm_assoc_mock": "import ssm_assoc_mock vs import moto: time",
            "first association call": "first CreateAssociation in a fresh process vs first moto describe_document",
        }[ours]
        notes = {
            "rounds": len(our_times),
            "ours": [seconds(t) for t in our_times],
            "theirs": [seconds(t) for t in their_times],
        }
        results.append(
            Result(
                "cold",
                label,
                f"{seconds(statistics.median(our_times))} vs {seconds(statistics.median(their_times))}",
                ratio,
                target,
                check(ratio, target),
                notes,
            )
        )
        if ours.startswith("import"):
            our_rss = [sample.peak_rss for sample in our_samples]
            their_rss = [sample.peak_rss for sample in their_samples]
            rss_ratio = statistics.median(a / b for a, b in zip(our_rss, their_rss))
            results.append(
                Result(
                    "cold",
                    "import ssm_assoc_mock vs import moto: peak RSS",
                    f"{mib(statistics.median(our_rss))} vs {mib(statistics.median(their_rss))}",
                    rss_ratio,
                    IMPORT_TARGET,
                    check(rss_ratio, IMPORT_TARGET),
                    {"rounds": len(our_rss), "ours": [mib(v) for v in our_rss], "theirs": [mib(v) for v in their_rss]},
                )
            )
    return results
