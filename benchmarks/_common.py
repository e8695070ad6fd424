"""Shared pieces: fake credentials, repeated interleaved timing, results, and the populations."""

from __future__ import annotations

import gc
import os
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterator, Sequence

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
LEGACY_DOCUMENT = "AWS-UpdateSSMAgent"
FILTERED_DOCUMENT = "AWS-RunShellScript"  # 60% of every population: a Name filter fills a page at any size
BENCH_DOCUMENT = "bench-describe-document"
BENCH_DOCUMENT_CONTENT = (
    '{"schemaVersion": "2.2", "description": "benchmark document", "mainSteps": '
    '[{"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["echo bench"]}}]}'
)


def use_fake_credentials() -> None:
    """Nothing in a benchmark may reach AWS: fake credentials and a fixed region."""
    os.environ.update(FAKE_CREDENTIALS)


@dataclass
class Result:
    """One row of the results table."""

    group: str
    benchmark: str
    measured: str
    ratio: float
    target: str = "-"
    met: bool | None = None  # None: no target
    notes: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check(ratio: float, target: str) -> bool | None:
    """Whether ``ratio`` meets a target written ``<= 1.0`` or ``>= 0.9`` (None for ``-``)."""
    if target == "-":
        return None
    operator, _, bound = target.partition(" ")
    limit = float(bound.rstrip("x%"))
    if bound.endswith("%"):
        limit = 1 + limit / 100
    return ratio <= limit if operator == "<=" else ratio >= limit


@dataclass
class Case:
    """Something to time: ``call`` runs once per iteration; ``prepare(n)`` before and ``cleanup()`` after a round."""

    name: str
    call: Callable[[], Any]
    prepare: Callable[[int], None] | None = None
    cleanup: Callable[[], None] | None = None


CLOCK_VARIABLE = "SSM_ASSOC_BENCH_CLOCK"


def clock() -> Callable[[], float]:
    """The timer: this process's CPU time (default: time other processes take is not counted) or wall time."""
    return time.perf_counter if os.environ.get(CLOCK_VARIABLE, "cpu") == "wall" else time.process_time


def time_round(case: Case, number: int) -> float:
    """Seconds per call over one round of ``number`` calls, gc off as in timeit."""
    if case.prepare is not None:
        case.prepare(number)
    call = case.call
    now = clock()
    gc.collect()
    gc.disable()
    try:
        start = now()
        for _ in range(number):
            call()
        elapsed = now() - start
    finally:
        gc.enable()
    if case.cleanup is not None:
        case.cleanup()
    return elapsed / number


def interleaved(cases: Sequence[Case], number: int, rounds: int, warmup: int = 20) -> dict[str, list[float]]:
    """Per-call seconds of every case, ``rounds`` times, interleaved (A B C, B C A, ...) so drift hits all alike."""
    for case in cases:
        time_round(case, warmup)
    samples: dict[str, list[float]] = {case.name: [] for case in cases}
    for index in range(rounds):
        shift = index % len(cases)
        for case in [*cases[shift:], *cases[:shift]]:
            samples[case.name].append(time_round(case, number))
    return samples


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


STAT_VARIABLE = "SSM_ASSOC_BENCH_STAT"


def summary(values: Sequence[float], higher_is_better: bool = False) -> float:
    """The round that represents a case: the best (timeit's advice: the others are other processes' noise),
    or the median with ``SSM_ASSOC_BENCH_STAT=median``."""
    if os.environ.get(STAT_VARIABLE, "best") == "median":
        return median(values)
    return float(max(values) if higher_is_better else min(values))


def spread(values: Sequence[float]) -> float:
    """Relative spread of the rounds: (max - min) / median."""
    middle = median(values)
    return (max(values) - min(values)) / middle if middle else 0.0


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def counter_messages(prefix: str) -> Iterator[str]:
    """Alternating status messages: UpdateAssociationStatus rejects an unchanged status."""
    number = 0
    while True:
        number += 1
        yield f"{prefix} {number % 2}"


# --- populations ---------------------------------------------------------------------------

# Every association i: i % 5 in (1, 2, 3) -> AWS-RunShellScript with Targets (60%);
# i % 10 == 0 -> legacy AWS-UpdateSSMAgent on its own registered instance (10%);
# i % 10 == 5 -> AWS-UpdateSSMAgent with Targets; i % 5 == 4 -> PowerShell or PatchBaseline with Targets.
_PARAMETERS = {
    "AWS-UpdateSSMAgent": {},
    "AWS-RunShellScript": {"commands": ["echo bench"]},
    "AWS-RunPowerShellScript": {"commands": ["Write-Output bench"]},
    "AWS-ApplyPatchBaseline": {"Operation": ["Scan"]},
}


def instance_id(index: int) -> str:
    return f"i-{index:017x}"


def is_legacy(index: int) -> bool:
    return index % 10 == 0


def document_for(index: int) -> str:
    remainder = index % 5
    if remainder in (1, 2, 3):
        return FILTERED_DOCUMENT
    if remainder == 0:
        return LEGACY_DOCUMENT
    return "AWS-RunPowerShellScript" if (index // 5) % 2 else "AWS-ApplyPatchBaseline"


def association_request(index: int) -> dict[str, Any]:
    name = document_for(index)
    request: dict[str, Any] = {"Name": name}
    if _PARAMETERS[name]:
        request["Parameters"] = _PARAMETERS[name]
    if is_legacy(index):
        request["InstanceId"] = instance_id(index)
    else:
        request["Targets"] = [{"Key": "tag:Group", "Values": [f"group-{index % 100}"]}]
        request["AssociationName"] = f"bench-{index}"
        request["ScheduleExpression"] = "rate(30 minutes)"
    return request


def register_instances(count: int, start: int = 0) -> None:
    """The managed nodes the legacy associations ``start`` to ``start + count`` need."""
    import ssm_assoc_mock

    for index in range(start - start % 10, start + count, 10):
        ssm_assoc_mock.register_managed_instance(instance_id(index), region_name=REGION)


def populate(backend: Any, count: int, start: int = 0) -> list[str]:
    """Associations ``start`` to ``start + count`` through the backend's own create (boto3 would take minutes).

    Returns their ids. Instances for the legacy ones must be registered first (``register_instances``).
    """
    backend.association_limit = max(backend.association_limit, start + count + 100_000)
    create = backend.create_association
    return [create(association_request(index))["AssociationId"] for index in range(start, start + count)]
