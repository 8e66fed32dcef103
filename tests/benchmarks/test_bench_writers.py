"""The concurrent-writers benchmark's check: it finds every acknowledged edit, and notices one that is missing.

Only correctness is asserted here (the figures are the script's to print): the
quick mode runs on both backends and its "nothing lost" verification passes, and
the verification itself fails when the writers report an edit the store lacks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def bench_writers():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_writers

        yield bench_writers
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.mark.slow
def test_bench_writers_quick_mode_loses_no_acknowledged_edit(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_writers.py"), "--quick", "--workdir", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    shown = f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
    assert proc.returncode == 0, shown
    assert "nothing lost on sqlite: yes" in proc.stdout, shown
    assert "nothing lost on postgres: yes" in proc.stdout, shown


def test_bench_writers_check_reports_an_edit_the_store_lacks(bench_writers, tmp_path: Path):
    import _common as C

    shape = C.Shape(2, 10, 2)
    path = tmp_path / "project"
    C.build_project(path, shape)
    results = bench_writers.run(path, "", writers=2, edits=20)
    assert sum(len(r["latencies"]) for r in results) == 40
    assert bench_writers.lost_edits(path, "", results, shape.spans) == []

    results[0]["adds"].append("sp-never-stored")
    results[1]["acked"].append(("update", results[1]["acked"][0][1]))
    problems = bench_writers.lost_edits(path, "", results, shape.spans)
    assert any(p.startswith("writer00: ") and "adds acknowledged" in p for p in problems), problems
    assert any(p.startswith("writer01: ") and "edits acknowledged" in p for p in problems), problems
