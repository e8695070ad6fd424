"""The README's Python examples run as written (each block that defines a test function)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = [
    block for block in re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.DOTALL) if "def test_" in block
]


def test_the_readme_has_runnable_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: re.search(r"def (test_\w+)", block).group(1))  # type: ignore[union-attr]
def test_readme_example_runs(block: str, aws_credentials: None) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(block, str(README), "exec"), namespace)  # as written: each block imports what it uses
    tests = [value for name, value in namespace.items() if name.startswith("test_") and callable(value)]
    assert tests
    for test in tests:
        test()
