#!/usr/bin/env python3
"""Prove that ssm_assoc_mock does not break moto's own SSM tests.

Runs ``tests/test_ssm`` from the source distribution of the installed moto version twice:

1. with our pytest plugin active (it loads through the ``pytest11`` entry point), recording every failure;
2. only those failures again with ``-p no:ssm_assoc_mock``, checking that nothing imported ssm_assoc_mock.

A test that fails with the plugin but not without it is a regression: they are listed and the exit code is 1.
Failures both ways are pre-existing (environment) failures and do not fail the check. Any broken step (no sdist,
nothing collected, plugin not active in run 1, plugin imported in run 2, pytest crashing) exits 2.

Usage:
    python scripts/check_moto_suite.py [--python PATH] [--keep] [-- EXTRA_PYTEST_ARGS...]

Extra pytest args (e.g. ``-x``, ``-k parameter``, ``-v``) go to the with-plugin run only; the re-run always runs
every recorded failure. The sdist is cached under ``.cache/moto-sdist/`` in the repository.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Any, Dict, List, Optional, Sequence, Set

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO / ".cache" / "moto-sdist"
SUITE = "tests/test_ssm"
PLUGIN = "ssm_assoc_mock"
PROBE = "_moto_suite_probe"
# Errors of the check itself, as opposed to regressions (exit 1).
BROKEN = 2

# A tiny pytest plugin, loaded with -p in both runs: records outcomes by node id and whether our plugin was loaded.
PROBE_SOURCE = '''
import json
import os
import sys
import traceback

_FORBIDDEN = os.environ.get("MOTO_SUITE_FORBID")
_import_stacks = []
_collected = []
_collect_errors = {}
_outcomes = {}
_messages = {}


class _ImportWatch:
    """Records who imports the forbidden package (it does not block it: the run is reported broken instead)."""

    def find_spec(self, name, path=None, target=None):
        if _FORBIDDEN and (name == _FORBIDDEN or name.startswith(_FORBIDDEN + ".")):
            _import_stacks.append("".join(traceback.format_stack(limit=25)))
        return None


if _FORBIDDEN:
    sys.meta_path.insert(0, _ImportWatch())


def pytest_collectreport(report):
    if report.failed:
        _collect_errors[report.nodeid] = str(report.longrepr)[-4000:]


def pytest_collection_finish(session):
    _collected.extend(item.nodeid for item in session.items)


def pytest_runtest_logreport(report):
    if report.failed:
        _outcomes[report.nodeid] = "failed" if report.when == "call" else "error"
        crash = getattr(report.longrepr, "reprcrash", None)
        _messages.setdefault(report.nodeid, crash.message if crash else str(report.longrepr)[-2000:])
    elif report.skipped and report.nodeid not in _outcomes:
        _outcomes[report.nodeid] = "skipped"
    elif report.when == "call" and report.nodeid not in _outcomes:
        _outcomes[report.nodeid] = "passed"


def pytest_sessionfinish(session, exitstatus):
    plugin = sys.modules.get("ssm_assoc_mock")
    data = {
        "exitstatus": int(exitstatus),
        "collected": _collected,
        "collect_errors": _collect_errors,
        "outcomes": _outcomes,
        "messages": _messages,
        "plugin_registered": session.config.pluginmanager.has_plugin("ssm_assoc_mock"),
        "plugin_imported": plugin is not None,
        "plugin_installed": bool(plugin is not None and plugin.is_installed()),
        "import_stacks": _import_stacks,
    }
    with open(os.environ["MOTO_SUITE_PROBE_OUT"], "w", encoding="utf-8") as fh:
        json.dump(data, fh)
'''


class CheckBroken(Exception):
    """A step of the check could not be carried out: never report green."""


def log(message: str) -> None:
    print(f"[check_moto_suite] {message}", flush=True)


def moto_version(python: str) -> str:
    # Ask the interpreter that will run the tests: --python may differ from this one.
    code = "import importlib.metadata as m; print(m.version('moto'))"
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise CheckBroken(f"cannot find moto's version with {python}: {last}")
    return proc.stdout.strip()


def fetch_sdist(version: str) -> Path:
    for candidate in (CACHE_DIR / f"moto-{version}.tar.gz", CACHE_DIR / f"moto-{version}.tgz"):
        if candidate.is_file():
            log(f"using cached {candidate.relative_to(REPO)}")
            return candidate
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # Download into a scratch dir first so an interrupted download never looks like a cached sdist.
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as scratch:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-binary",
            ":all:",
            "--no-deps",
            "--quiet",
            f"moto=={version}",
            "-d",
            scratch,
        ]
        log("downloading moto sdist: " + " ".join(cmd[2:]))
        if subprocess.run(cmd, check=False).returncode != 0:
            raise CheckBroken(f"pip could not download the moto {version} sdist")
        found = sorted(Path(scratch).glob(f"moto-{version}.tar.gz"))
        if not found:
            raise CheckBroken(f"pip saved no moto-{version}.tar.gz (got {sorted(os.listdir(scratch))})")
        target = CACHE_DIR / found[0].name
        found[0].replace(target)
    return target


def _imported_modules(source: bytes, module: str, is_package: bool) -> Set[str]:
    """Absolute names a module imports, including ``from pkg import name`` as a possible ``pkg.name``."""
    names: Set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def read_sdist(sdist: Path) -> Dict[str, bytes]:
    """The sdist's test sources and config files, in one sequential pass (seeking back in a .tar.gz is slow)."""
    files: Dict[str, bytes] = {}
    with tarfile.open(sdist) as tar:
        for member in tar:
            parts = PurePosixPath(member.name).parts[1:]  # drop the moto-X.Y.Z/ prefix
            if not member.isfile() or not parts or ".." in parts:
                continue
            name = str(PurePosixPath(*parts))
            if (
                (name.startswith("tests/") and name.endswith(".py"))
                or name.startswith(SUITE + "/")
                or name
                in (
                    "pyproject.toml",
                    "setup.cfg",
                )
            ):
                handle = tar.extractfile(member)
                if handle is not None:
                    files[name] = handle.read()
    return files


def select_files(files: Dict[str, bytes]) -> List[str]:
    """The files needed to run the suite: the suite dir, tests/ package files, and what the suite imports from tests."""
    wanted: Set[str] = {name for name in files if name.startswith(SUITE + "/")}
    if not wanted:
        raise CheckBroken(f"the sdist has no {SUITE}/")
    wanted.update(n for n in ("tests/__init__.py", "tests/conftest.py", "pyproject.toml", "setup.cfg") if n in files)
    queue = [name for name in wanted if name.startswith("tests/") and name.endswith(".py")]
    while queue:
        path = PurePosixPath(queue.pop())
        is_package = path.name == "__init__.py"
        module = ".".join(path.parent.parts if is_package else path.with_suffix("").parts)
        for imported in _imported_modules(files[str(path)], module, is_package):
            if imported != "tests" and not imported.startswith("tests."):
                continue
            parts = imported.split(".")
            # A module needs its file plus the __init__.py of every package above it.
            for depth in range(1, len(parts) + 1):
                prefix = "/".join(parts[:depth])
                for candidate in (f"{prefix}.py", f"{prefix}/__init__.py"):
                    if candidate in files and candidate not in wanted:
                        wanted.add(candidate)
                        queue.append(candidate)
    return sorted(wanted)


def extract(sdist: Path, dest: Path) -> List[str]:
    files = read_sdist(sdist)
    selected = select_files(files)
    for name in selected:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written by hand (no tar.extract): only regular files, at paths we built ourselves.
        target.write_bytes(files[name])
    return selected


def pytest_config(dest: Path) -> Path:
    """moto's own pytest settings (markers, filterwarnings); an empty ini so pytest never looks above dest."""
    pyproject = dest / "pyproject.toml"
    if pyproject.is_file() and "[tool.pytest" in pyproject.read_text(encoding="utf-8"):
        return pyproject
    setup_cfg = dest / "setup.cfg"
    if setup_cfg.is_file() and "[tool:pytest]" in setup_cfg.read_text(encoding="utf-8"):
        return setup_cfg
    ini = dest / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    return ini


def child_env(probe_dir: Path, probe_out: Path, forbid_plugin: bool) -> Dict[str, str]:
    env = dict(os.environ)
    # Nothing from the caller's shell may load or block plugins behind our back, or reach real AWS.
    for name in (
        "PYTEST_PLUGINS",
        "PYTEST_ADDOPTS",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD",
        "TEST_SERVER_MODE",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "MOTO_TEST_ALLOW_AWS_REQUEST",
        "MOTO_SUITE_FORBID",
    ):
        env.pop(name, None)
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SECURITY_TOKEN": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_CONFIG_FILE": str(probe_dir / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(probe_dir / "no-aws-credentials"),
            "MOTO_SUITE_PROBE_OUT": str(probe_out),
            "PYTHONPATH": os.pathsep.join(p for p in (str(probe_dir), env.get("PYTHONPATH", "")) if p),
            # moto's test modules live in a throwaway dir: caching their bytecode only costs time.
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if forbid_plugin:
        env["MOTO_SUITE_FORBID"] = PLUGIN
    return env


def run_pytest(
    python: str, dest: Path, config: Path, args: Sequence[str], *, with_plugin: bool, timeout: float
) -> Dict[str, Any]:
    probe_dir = dest / "_probe"
    probe_dir.mkdir(exist_ok=True)
    (probe_dir / f"{PROBE}.py").write_text(PROBE_SOURCE, encoding="utf-8")
    probe_out = probe_dir / ("with-plugin.json" if with_plugin else "without-plugin.json")
    cmd = [
        python,
        "-m",
        "pytest",
        "-c",
        str(config),
        "--rootdir",
        str(dest),
        "-p",
        PROBE,
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-q",
        "--color=no",
    ]
    if not with_plugin:
        cmd += ["-p", f"no:{PLUGIN}"]
    cmd += list(args)
    log(("with plugin: " if with_plugin else "without plugin: ") + " ".join(cmd[1:]))
    try:
        proc = subprocess.run(
            cmd, cwd=dest, env=child_env(probe_dir, probe_out, not with_plugin), timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise CheckBroken(f"pytest did not finish within {timeout:.0f}s") from exc
    # 0 = all passed, 1 = some failed; anything else (interrupted, internal/usage error, nothing collected) is broken.
    if proc.returncode not in (0, 1):
        meaning = {2: "interrupted", 3: "internal error", 4: "usage error", 5: "no tests collected"}
        raise CheckBroken(f"pytest exited {proc.returncode} ({meaning.get(proc.returncode, 'crashed')})")
    if not probe_out.is_file():
        raise CheckBroken("pytest ran but the probe plugin wrote no results")
    result: Dict[str, Any] = json.loads(probe_out.read_text(encoding="utf-8"))
    return result


def outcome_of(target: str, result: Dict[str, Any]) -> str:
    """'failed', 'ok' (passed or skipped) or 'not run' for a node id or a module whose collection failed."""
    if any(key == target or key.startswith(target + "::") for key in result["collect_errors"]):
        return "failed"
    found = [v for k, v in result["outcomes"].items() if k == target or k.startswith(target + "::")]
    if not found:
        return "not run"
    return "failed" if any(v in ("failed", "error") for v in found) else "ok"


def check(python: str, keep: bool, timeout: float, extra: Sequence[str]) -> int:
    started = time.monotonic()
    version = moto_version(python)
    log(f"moto {version} ({python})")
    sdist = fetch_sdist(version)
    dest = Path(tempfile.mkdtemp(prefix=f"moto-{version}-suite-"))
    try:
        files = extract(sdist, dest)
        log(f"extracted {len(files)} files to {dest}: " + ", ".join(f for f in files if not f.startswith(SUITE)))
        config = pytest_config(dest)
        prepared = time.monotonic()

        first = run_pytest(
            python, dest, config, [SUITE, "--continue-on-collection-errors", *extra], with_plugin=True, timeout=timeout
        )
        first_done = time.monotonic()
        if not first["collected"] and not first["collect_errors"]:
            raise CheckBroken("the with-plugin run collected no tests")
        if not (first["plugin_registered"] and first["plugin_installed"]):
            raise CheckBroken(f"{PLUGIN} was not active in the with-plugin run (is it installed in {python}?)")
        outcomes: Dict[str, str] = first["outcomes"]
        failures = sorted(set(first["collect_errors"]) | {k for k, v in outcomes.items() if v in ("failed", "error")})
        passed = sum(v == "passed" for v in outcomes.values())
        skipped = sum(v == "skipped" for v in outcomes.values())

        regressions: List[str] = []
        preexisting: List[str] = []
        second_done = first_done
        if failures:
            second = run_pytest(python, dest, config, failures, with_plugin=False, timeout=timeout)
            second_done = time.monotonic()
            if second["plugin_registered"] or second["plugin_imported"] or second["import_stacks"]:
                # No stack: it was imported before the probe loaded (sitecustomize, a .pth file, PYTHONSTARTUP).
                stacks = "\n".join(second["import_stacks"][:1]) or "(before pytest loaded its plugins)"
                raise CheckBroken(f"{PLUGIN} was imported in the without-plugin run:\n{stacks}")
            unresolved: List[str] = []
            for target in failures:
                verdict = outcome_of(target, second)
                (preexisting if verdict == "failed" else regressions if verdict == "ok" else unresolved).append(target)
            if unresolved:
                raise CheckBroken("failures that did not run again without the plugin: " + ", ".join(unresolved))

        log(
            f"timings: prepare {prepared - started:.1f}s, with plugin {first_done - prepared:.1f}s, "
            f"re-run without plugin {second_done - first_done:.1f}s, total {second_done - started:.1f}s"
        )
        if preexisting:
            log("failed with and without the plugin (pre-existing/environment):")
            for target in preexisting:
                print(f"    {target}", flush=True)
        summary = (
            f"moto {version} {SUITE}: {len(first['collected'])} collected, {passed} passed with plugin, "
            f"{skipped} skipped, {len(preexisting)} failed both ways (pre-existing/environment), "
            f"{len(regressions)} regressions"
        )
        if regressions:
            print("\nREGRESSIONS: these moto tests fail with ssm_assoc_mock active and pass without it:", flush=True)
            for target in regressions:
                print(f"    {target}", flush=True)
                text = first["messages"].get(target) or first["collect_errors"].get(target) or ""
                if text.strip():
                    print("        " + text.strip().splitlines()[0][:300], flush=True)
            print(f"\nFAILED: {summary}", flush=True)
            return 1
        print(f"OK: {summary}", flush=True)
        return 0
    finally:
        if keep:
            log(f"kept {dest}")
        else:
            shutil.rmtree(dest, ignore_errors=True)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Arguments after -- (or unknown ones) are passed to the with-plugin run.",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter to run the tests with (default: %(default)s)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the extracted suite (path is printed)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per pytest run (default: 1800)")
    args, extra = parser.parse_known_args(argv)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    # Absolute, as pytest runs in the temp dir; not resolved, since a venv's python is a symlink that must stay one.
    python = shutil.which(args.python) if os.sep not in args.python else os.path.abspath(args.python)
    if not python or not os.access(python, os.X_OK):
        print(f"BROKEN: no such interpreter: {args.python}", file=sys.stderr)
        return BROKEN
    try:
        return check(python, args.keep, args.timeout, extra)
    except CheckBroken as exc:
        print(f"BROKEN: {exc}", file=sys.stderr, flush=True)
        return BROKEN


if __name__ == "__main__":
    sys.exit(main())
