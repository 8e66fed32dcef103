"""Running the annot CLI as a user whom file permissions bind, for real, also when the tests run as root.

Root writes through mode 555, so ``chmod`` alone tests nothing there. As root,
the files are given to another user (nobody) and the command keeps uid 0 but
runs without the capabilities that bypass file permissions (``setpriv
--bounding-set=-dac_override,-dac_read_search,-fowner``): to the kernel it is
then a user facing someone else's read-only folder. The same interpreter and virtualenv
run, wherever they are (a different user might not be allowed into the folder
that holds them). As any other user, ``chmod`` is enough. A missing ``setpriv``
fails the test: it is never skipped.
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

__all__ = ["check_bound_by_permissions", "give_away", "make_read_only", "run_python_unprivileged", "run_unprivileged",
           "shared_folder"]  # fmt: skip

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534
_BYPASS = "-dac_override,-dac_read_search,-fowner"


def _prefix() -> list[str]:
    if not AS_ROOT:
        return []
    if not shutil.which("setpriv"):
        pytest.fail("running as root, but setpriv (util-linux) is not installed to drop the permission bypass")
    return ["setpriv", f"--bounding-set={_BYPASS}", "--"]


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A fresh folder under the system temp dir (0755)."""
    folder = Path(tempfile.mkdtemp(prefix="annot-unprivileged-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:  # give write access back, so the folder can be removed
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def give_away(*paths: Path) -> None:
    """Make ``paths`` someone else's (nobody's) when the tests run as root, as files shared by a colleague are."""
    if AS_ROOT:
        for path in paths:
            os.chown(path, NOBODY, NOBODY)


def make_read_only(project: Path) -> None:
    """Folder 555 and files 444, owned by someone else: readable by everyone, writable by no one else."""
    for path in project.rglob("*"):
        path.chmod(0o444 if path.is_file() else 0o555)
    project.chmod(0o555)
    give_away(project, *project.rglob("*"))


def run_python_unprivileged(code: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``python -c CODE ARGS...`` bound by file permissions (without root's bypass when root)."""
    cmd = [*_prefix(), sys.executable, "-c", code, *args]
    env = {**os.environ, "HOME": str(home), "ANNOT_ANNOTATOR": "reader", "COLUMNS": "200"}
    env.pop("ANNOT_PROJECT", None)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=home, timeout=300)


def run_unprivileged(project: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``annot --project PROJECT ARGS...`` bound by file permissions (see ``run_python_unprivileged``)."""
    return run_python_unprivileged("from annot.cli import main; main()", "--project", str(project), *args, home=home)


def check_bound_by_permissions(home: Path) -> None:
    """Fail the test unless the commands above really cannot write into a 0555 folder (as root could)."""
    probe = home / "probe"
    probe.mkdir(mode=0o555)
    probe.chmod(0o555)
    try:
        result = run_python_unprivileged(
            "import sys\ntry:\n    open(sys.argv[1] + '/x', 'w')\nexcept PermissionError:\n    print('refused')",
            str(probe), home=home,
        )  # fmt: skip
    finally:
        probe.chmod(0o755)
        shutil.rmtree(probe)
    if result.returncode != 0 or result.stdout.strip() != "refused":
        pytest.fail(f"the unprivileged runner can write into a 0555 folder: {result.stdout} {result.stderr}")
