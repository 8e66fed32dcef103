"""The concurrent-writers benchmark's check: it finds every acknowledged edit, and notices one that is missing.

Only correctness is asserted here (the figures are the script's to print): the verification
fails when the writers report an edit the store lacks. The quick mode itself runs in
tests/test_benchmarks.py, where a lost edit makes the script exit 1.
"""

from __future__ import annotations

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
