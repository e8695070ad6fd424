"""post_import.when_imported: callbacks run once, right after the module's code, or at once if it is imported."""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Iterator

import pytest

from ssm_assoc_mock import post_import

NAME = "ssm_assoc_mock_post_import_probe"


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A module that no one has imported yet, forgotten again afterwards."""
    source = tmp_path / f"{NAME}.py"
    source.write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    try:
        yield source
    finally:
        sys.modules.pop(NAME, None)
        post_import._pending.pop(NAME, None)


def test_runs_once_after_the_module_executes_and_gives_back_its_loader(probe: Path) -> None:
    seen: list[int] = []

    def callback(module: ModuleType) -> None:
        seen.append(module.VALUE)

    post_import.when_imported(NAME, callback)
    post_import.when_imported(NAME, callback)  # idempotent
    assert seen == [] and post_import.is_pending(NAME, callback)

    module = importlib.import_module(NAME)

    assert seen == [42]
    assert not post_import.is_pending(NAME, callback)
    assert type(module.__loader__).__name__ == "SourceFileLoader"
    assert module.__spec__ is not None and module.__spec__.loader is module.__loader__
    importlib.reload(module)
    assert seen == [42]


def test_runs_at_once_when_already_imported(probe: Path) -> None:
    importlib.import_module(NAME)
    seen: list[str] = []

    post_import.when_imported(NAME, lambda module: seen.append(module.__name__))

    assert seen == [NAME]


def test_a_cancelled_callback_never_runs(probe: Path) -> None:
    seen: list[str] = []

    def callback(module: ModuleType) -> None:
        seen.append(module.__name__)

    post_import.when_imported(NAME, callback)
    post_import.cancel(NAME, callback)
    post_import.cancel(NAME, callback)  # a no-op now
    importlib.import_module(NAME)

    assert seen == []


def test_a_failed_import_keeps_the_callback_for_the_next_attempt(probe: Path) -> None:
    probe.write_text("raise RuntimeError('not yet')\n")
    seen: list[int] = []
    post_import.when_imported(NAME, lambda module: seen.append(module.VALUE))

    with pytest.raises(RuntimeError):
        importlib.import_module(NAME)
    probe.write_text("VALUE = 7\n")
    importlib.invalidate_caches()
    sys.modules.pop(NAME, None)
    importlib.import_module(NAME)

    assert seen == [7]


def test_threads_importing_at_once_run_the_callback_once(probe: Path) -> None:
    probe.write_text("import time\ntime.sleep(0.05)\nVALUE = 1\n")
    seen: list[int] = []
    post_import.when_imported(NAME, lambda module: seen.append(module.VALUE))
    threads = [threading.Thread(target=importlib.import_module, args=(NAME,)) for _ in range(4)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert seen == [1]
