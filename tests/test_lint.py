"""The code stays as clean as it is: ruff (the version pinned in pyproject.toml) checks and formats it.

The rule set is written down in pyproject.toml ([tool.ruff.lint]), with why each ignored rule is ignored.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUFF = [sys.executable, "-m", "ruff"]


def _pinned() -> str:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]["test"]
    return next(re.sub(r"^ruff==", "", r) for r in extras if r.startswith("ruff=="))


def test_lint_ruff_is_the_pinned_version():
    version = subprocess.run([*RUFF, "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
    assert version == _pinned(), f"ruff {version} is installed, pyproject.toml pins {_pinned()}: run ./run test"


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_lint_ruff_passes_on_the_whole_repository(command: list[str]):
    result = subprocess.run([*RUFF, *command, "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"ruff {' '.join(command)} found:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
