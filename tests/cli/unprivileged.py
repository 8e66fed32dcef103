"""Running the annot CLI as a user who cannot write a folder, for real, also when the tests run as root.

Root writes through mode 555, so ``chmod`` alone tests nothing there: as root,
the command runs as ``nobody`` (``setpriv``, else ``runuser``), on folders made
world-readable under a directory ``nobody`` can traverse. As any other user,
``chmod`` is enough and the command runs as that user. A missing tool fails the
test: it is never skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["make_read_only", "run_python_unprivileged", "run_unprivileged", "shared_folder", "unprivileged_uid"]

NOBODY = 65534
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _prefix() -> list[str]:
    if not AS_ROOT:
        return []
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.fail("running as root, but neither setpriv nor runuser is installed to run as an unprivileged user")


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A fresh folder under the system temp dir that every user can traverse and read (0755)."""
    folder = Path(tempfile.mkdtemp(prefix="annot-unprivileged-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:  # give write access back, so the folder can be removed
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def make_read_only(project: Path) -> None:
    """Folder 555 and files 444: readable by everyone, writable by no one but root."""
    for path in project.rglob("*"):
        path.chmod(0o444 if path.is_file() else 0o555)
    project.chmod(0o555)


def run_python_unprivileged(code: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``python -c CODE ARGS...`` as a user who owns none of the test's files (nobody when root)."""
    # The interpreter is run directly: nobody may lack access to a wrapper's path (env, a console script).
    cmd = [*_prefix(), sys.executable, "-c", code, *args]
    env = {**os.environ, "HOME": str(home), "ANNOT_ANNOTATOR": "reader", "COLUMNS": "200"}
    env.pop("ANNOT_PROJECT", None)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=home, timeout=300)


def run_unprivileged(project: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``annot --project PROJECT ARGS...`` as a user who owns none of the test's files (nobody when root)."""
    return run_python_unprivileged("from annot.cli import main; main()", "--project", str(project), *args, home=home)


def unprivileged_uid(home: Path) -> int:
    """The user id the commands above run as (to check that it is not root).

    Fails the test, with the reason, when that user cannot run this interpreter
    and import annot (a virtualenv under a home folder only root may enter).
    """
    result = run_python_unprivileged("import os, annot; print(os.geteuid())", home=home)
    if result.returncode != 0:
        pytest.fail(
            f"cannot run {sys.executable} with annot as an unprivileged user: {result.stderr.strip()[-500:]}"
            " (the interpreter, the virtualenv and the repository must be readable by everyone)"
        )
    return int(result.stdout)
