"""The version matrix: the test suite on Python 3.9-3.13 against moto 5.0, 5.1 and 5.2.

moto 5.2 requires Python >= 3.10, so there is no 3.9 + moto 5.2 cell: 14 cells in all.

    nox -s tests            # every cell
    nox -t oldest           # Python 3.9 + moto 5.0 (run by CI)
    nox -t newest           # Python 3.13 + moto 5.2 (run by CI)
    nox -t ci               # both of the above
    nox -s tests -p 3.12    # one Python, every moto series
    nox -t moto5.1          # one moto series, every Python
    nox -l                  # list the cells

A cell is named ``tests(<python>-moto<series>)``, e.g. ``nox -s "tests(3.9-moto5.0)"``; its tags are
``py<python>``, ``moto<series>``, ``matrix``, and ``oldest``/``newest``/``ci`` for the two CI cells.
Arguments after ``--`` go to pytest instead of the default (the whole suite), e.g.
``nox -t newest -- -x -k "not fuzz"``.
"""

from __future__ import annotations

import glob
import os

import nox

PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
MOTO_SERIES = ("5.0", "5.1", "5.2")
OLDEST = (PYTHONS[0], MOTO_SERIES[0])
NEWEST = (PYTHONS[-1], MOTO_SERIES[-1])
# Extras of moto the suite needs: the package's own (ssm, server) plus the test extra's.
MOTO_EXTRAS = "ssm,server,cloudformation"
# (python, moto) pairs that cannot be installed: moto 5.2.0 raised Requires-Python to >=3.10.
UNSUPPORTED = {("3.9", "5.2")}

nox.options.sessions = ["tests"]
# Build environments from interpreters already on the machine; never fetch one.
nox.options.download_python = "never"


def _release(bin_dir: str) -> tuple[int, ...]:
    """(3, 12, 1) for ``.../versions/3.12.1/bin``; non-numeric names (3.13.0t, 3.12-dev) sort first."""
    name = os.path.basename(os.path.dirname(bin_dir))
    return tuple(int(part) if part.isdigit() else -1 for part in name.split("."))


def _put_pyenv_interpreters_on_path() -> None:
    """Make ``python3.X`` resolve to pyenv's real interpreters, not its shims.

    pyenv's shims only run the versions named by ``pyenv global``/``local``, so on a machine
    with 3.9-3.13 installed under pyenv but a single global version, nox would find no
    usable ``python3.9``. Prepending each installed ``$PYENV_ROOT/versions/X.Y.*/bin``
    (newest patch release first) fixes that; interpreters found another way (CI's
    setup-python, the system) still work when pyenv is absent.
    """
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found: list[str] = []
    for minor in PYTHONS:
        # Requiring bin/pythonX.Y keeps "3.1.*" from matching 3.10.x and skips non-CPython builds.
        pattern = os.path.join(root, "versions", f"{minor}.*", "bin", f"python{minor}")
        candidates = sorted((os.path.dirname(exe) for exe in glob.glob(pattern)), key=_release, reverse=True)
        found.extend(candidates[:1])
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([*found, *(entry for entry in path.split(os.pathsep) if entry not in found)])


_put_pyenv_interpreters_on_path()


def _tags(python: str, moto: str) -> list[str]:
    tags = [f"py{python}", f"moto{moto}"]
    if (python, moto) == OLDEST:
        tags += ["oldest", "ci"]
    if (python, moto) == NEWEST:
        tags += ["newest", "ci"]
    return tags


@nox.session(tags=["matrix"])
@nox.parametrize(
    "python,moto",
    [
        nox.param(python, moto, id=f"{python}-moto{moto}", tags=_tags(python, moto))
        for python in PYTHONS
        for moto in MOTO_SERIES
        if (python, moto) not in UNSUPPORTED
    ],
)
def tests(session: nox.Session, moto: str) -> None:
    """The whole test suite on one Python against the newest release of one moto series."""
    # One resolver pass, so everything else is chosen to fit the pinned moto series. Editable,
    # because ``python -m pytest`` imports the package from the checkout anyway, and so that
    # cells running side by side do not race over an in-tree build/ directory.
    session.install("-e", ".[test]", f"moto[{MOTO_EXTRAS}]=={moto}.*")
    session.run(
        "python",
        "-c",
        "import sys, boto3, botocore, moto; "
        "print('python', sys.version.split()[0], '| moto', moto.__version__, "
        "'| boto3', boto3.__version__, '| botocore', botocore.__version__); "
        f"assert moto.__version__.startswith('{moto}.'), 'moto ' + moto.__version__ + ' is not {moto}.x'",
    )
    session.run("python", "-m", "pytest", *(session.posargs or ["-q"]))
