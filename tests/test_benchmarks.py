"""Every benchmark runs to the end, as a script on its own, in its ``--quick`` mode.

Figures are printed, never asserted (see benchmarks/_common.py): what is
checked is that each script finishes (exit status 0, no traceback) on this
checkout, as ``./run benchmarks`` needs. The scripts share one work folder, as
``benchmarks/run_all.py`` does, so the synthetic stores are built once.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
# Every script but the shared helpers and run_all.py (which runs the bench_* ones in one process).
SCRIPTS = sorted(p.stem for p in BENCHMARKS.glob("*.py") if not p.stem.startswith("_") and p.stem != "run_all")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("benchmarks")


def test_run_all_runs_every_bench_script():
    tree = ast.parse((BENCHMARKS / "run_all.py").read_text("utf-8"))
    listed = next(
        {element.id for element in node.value.elts}
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "BENCHMARKS" for t in node.targets)
    )
    assert listed == {name for name in SCRIPTS if name.startswith("bench_")}


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_quick_mode_runs_to_the_end(script: str, workdir: Path, tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{script}.py"), "--quick", "--workdir", str(workdir)],
        cwd=tmp_path, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    shown = f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
    assert proc.returncode == 0, shown
    assert "Traceback" not in proc.stderr, shown
    assert "\n=== " in f"\n{proc.stdout}", shown  # its header, then its figures
