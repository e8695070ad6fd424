"""Run the benchmarks and print a Markdown table of ratios measured in the same run.

    .venv/bin/python benchmarks/run.py                 # everything (about 4-7 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick         # smaller stores, fewer rounds (about 1-2 minutes)
    .venv/bin/python benchmarks/run.py --only calls,server
    .venv/bin/python benchmarks/run.py --only scaling --profile /tmp/prof   # cProfile each group

Each group runs in a fresh child process, so one group's state (a 100,000-association
store, tracemalloc, an uninstalled plugin, a server thread) cannot skew another's.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GROUPS = {
    "calls": "per-call cost vs moto describe_document and a botocore Stubber call",
    "scaling": "the same calls and ListAssociations pages at 100 vs 100,000 associations",
    "memory": "tracemalloc bytes per association at 100,000",
    "startup": "mock_aws enter/exit with the plugin installed vs uninstalled",
    "server": "requests/s over loopback against AssociationServer",
    "cold": "whole fresh processes: pytest with vs without the plugin, import vs moto, first call vs moto's",
    "traces": "a run's compliance and EventBridge events: AUTO vs MANUAL, a subscribed rule vs none",
    "clock": "advance_clock by one day over 2,000 scheduled associations vs 2,000 describe_association calls",
}
RESULT_MARKER = "BENCHMARK-RESULTS "
STAT_VARIABLE = "SSM_ASSOC_BENCH_STAT"  # as in benchmarks._common
CLOCK_VARIABLE = "SSM_ASSOC_BENCH_CLOCK"


def run_group(group: str, quick: bool, profile_dir: str | None) -> list[dict[str, Any]]:
    """Run one group here and now; its results as dicts."""
    module = importlib.import_module(f"benchmarks.{group}")
    if profile_dir is None:
        results = module.run(quick=quick)
    else:
        import cProfile

        Path(profile_dir).mkdir(parents=True, exist_ok=True)
        profiler = cProfile.Profile()
        results = profiler.runcall(module.run, quick=quick)
        profiler.dump_stats(str(Path(profile_dir) / f"{group}.prof"))
    return [result.as_dict() for result in results]


def run_in_child(group: str, quick: bool, profile_dir: str | None) -> list[dict[str, Any]]:
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "benchmarks.run", "--worker", group]
    if quick:
        command.append("--quick")
    if profile_dir is not None:
        command += ["--profile", profile_dir]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    child = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=900, check=False)
    for line in child.stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            results: list[dict[str, Any]] = json.loads(line[len(RESULT_MARKER) :])
            return results
    raise RuntimeError(f"benchmark group {group} failed (exit {child.returncode}):\n{child.stderr[-3000:]}")


def fmt_ratio(result: dict[str, Any]) -> str:
    ratio = float(result["ratio"])
    if ratio != ratio:  # NaN: the group failed
        return "-"
    return f"{(ratio - 1) * 100:+.1f}% ({ratio:.3f}x)" if result["target"].endswith("%") else f"{ratio:.2f}x"


def markdown_table(results: Sequence[dict[str, Any]]) -> str:
    lines = ["| benchmark | measured | ratio | target | met? |", "|---|---|---|---|---|"]
    for result in results:
        met = {True: "yes", False: "**no**", None: "-"}[result["met"]]
        cells = [result["benchmark"], result["measured"], fmt_ratio(result), result["target"], met]
        lines.append("| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def parse_groups(text: str) -> list[str]:
    groups = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [group for group in groups if group not in GROUPS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    return groups


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="ssm_assoc_mock benchmarks: ratios measured in one run, as a Markdown table.",
        epilog="groups: " + "; ".join(f"{name}: {text}" for name, text in GROUPS.items()),
    )
    parser.add_argument("--only", type=parse_groups, default=list(GROUPS), help="comma-separated groups to run")
    parser.add_argument("--quick", action="store_true", help="small stores (10,000), fewer and shorter rounds")
    parser.add_argument("--json", metavar="FILE", help="also write every result, with notes, to FILE")
    parser.add_argument("--profile", metavar="DIR", help="run each group under cProfile, writing DIR/<group>.prof")
    parser.add_argument(
        "--stat",
        choices=("best", "median"),
        default="best",
        help="which round represents a case (default best: the least disturbed by other processes)",
    )
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="time in-process calls by this process's CPU time (default; robust on a busy machine) or wall time",
    )
    parser.add_argument("--notes", action="store_true", help="print each result's notes under the table")
    parser.add_argument("--in-process", action="store_true", help="run the groups in this process (for debugging)")
    parser.add_argument("--worker", choices=list(GROUPS), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    os.environ[STAT_VARIABLE] = options.stat  # read by the groups, here or in the children
    os.environ[CLOCK_VARIABLE] = options.clock

    if options.worker:
        results = run_group(options.worker, options.quick, options.profile)
        print(RESULT_MARKER + json.dumps(results, default=str), flush=True)
        return 0

    every: list[dict[str, Any]] = []
    started = time.perf_counter()
    for group in options.only:
        group_started = time.perf_counter()
        print(f"running {group}: {GROUPS[group]} ...", file=sys.stderr, flush=True)
        try:
            if options.in_process:
                results = run_group(group, options.quick, options.profile)
            else:
                results = run_in_child(group, options.quick, options.profile)
        except Exception as error:  # report it and go on: one broken group must not lose the others
            print(f"  {group} FAILED: {error}", file=sys.stderr, flush=True)
            results = [
                {
                    "group": group,
                    "benchmark": f"{group}: failed to run",
                    "measured": "see stderr",
                    "ratio": float("nan"),
                    "target": "-",
                    "met": False,
                    "notes": {"error": str(error)[-2000:]},
                }
            ]
        print(f"  {group} done in {time.perf_counter() - group_started:.0f} s", file=sys.stderr, flush=True)
        every.extend(results)
    mode = "quick" if options.quick else "full"
    print(f"\n{markdown_table(every)}\n")
    elapsed = time.perf_counter() - started
    python = sys.version.split()[0]
    print(f"({mode} run, {options.clock} clock, {options.stat} of rounds, {elapsed:.0f} s, Python {python})")
    if options.notes:
        for result in every:
            print(f"\n{result['benchmark']}:")
            for key, value in result["notes"].items():
                if isinstance(value, list):
                    print(f"  {key}:")
                    for item in value:
                        print(f"    {item}")
                else:
                    print(f"  {key}: {value}")
    if options.json:
        Path(options.json).write_text(json.dumps(every, indent=2, default=str) + "\n", encoding="utf-8")
    missed = [result for result in every if result["met"] is False]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
