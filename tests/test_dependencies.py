"""Every third-party module annot, its tests, benchmarks and scripts import is a declared dependency.

A module that is only there because another package pulls it in (``regex``
through sacrebleu, ``numpy`` through pandas) breaks the day that package stops
needing it; so each direct import must be declared in ``pyproject.toml`` (the
tests' and tools' in the ``test`` extra), or installed by ``scripts/setup.sh``.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
# argostranslate is installed with --no-deps by scripts/setup.sh (its declared deps pull in torch).
SETUP_INSTALLS = set(re.findall(r'--no-deps\s+"?([A-Za-z0-9_.\-]+)==', (ROOT / "scripts" / "setup.sh").read_text()))


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _normalize(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])


RUNTIME = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]} | {_normalize(n) for n in SETUP_INSTALLS}
TEST = RUNTIME | {_requirement_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]}


def _third_party_imports(folder: Path) -> dict[str, Path]:
    """Top-level module name -> a file importing it, for modules outside the stdlib and this repository."""
    # The folder's own modules, and the benchmark scripts (tests import them from benchmarks/ by path).
    local = {p.stem for p in folder.glob("*.py")} | {p.stem for p in (ROOT / "benchmarks").glob("*.py")}
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"__future__", "annot", "tests"} | local:
                    continue
                found.setdefault(top, path)
    return found


@pytest.mark.parametrize(("folder", "declared"), [("annot", RUNTIME), ("tests", TEST), ("benchmarks", TEST),
                                                   ("scripts", TEST)])  # fmt: skip
def test_dependencies_every_import_is_declared(folder: str, declared: set[str]):
    distributions = packages_distributions()
    missing = []
    for module, path in _third_party_imports(ROOT / folder).items():
        dists = {_normalize(d) for d in distributions.get(module, [module])}
        if not dists & declared:
            missing.append(f"{module} ({', '.join(sorted(dists))}) imported by {path.relative_to(ROOT)}")
    assert not missing, "declare in pyproject.toml: " + "; ".join(missing)
