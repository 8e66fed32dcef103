"""Time and peak RSS of ``Store.spans()`` (every span as a typed DataFrame), each in a fresh process.

Baseline, same run, same file: ``pd.read_sql_query("SELECT * FROM spans", conn)``,
the untyped frame pandas gives for free. Other probes: ``spans(columns=[...])``,
a projection an analysis would ask for (it reads only those columns); the SQL
``spans()`` used to run (the whole sort key in SQL, every column fetched into
Python tuples), to split the time between SQLite and frame building. The floor
line is a process that only imports annot and pandas. ``open s`` is
``Store(path)`` for annot (see ``annot.store.db.QUICK_CHECK_MAX_BYTES``).

Targets (issue 16), at the largest size: open < 100 ms; ``spans()`` <= 1.0x
``pd.read_sql_query`` in time and <= 0.6x its peak RSS.

Run: ``.venv/bin/python benchmarks/bench_spans_frame.py [--quick]``
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C


def shapes(quick: bool) -> list[tuple[str, C.Shape]]:
    # Same shapes as bench_edit_latency, so run_all builds each store once.
    if quick:
        return [("10k", C.Shape(20, 100, 5)), ("100k", C.Shape(200, 100, 5))]
    return [("100k", C.Shape(200, 100, 5)), ("1M", C.Shape(2_000, 100, 5))]


def annot_frame(path: str) -> dict[str, Any]:
    import pandas  # noqa: F401  spans() imports it lazily; the baseline pays it before its clock too

    from annot.store import Store

    t0 = time.perf_counter()
    with Store(path, annotator=C.ANNOTATOR) as store:
        open_s = time.perf_counter() - t0
        before = C.rss_mb()
        t0 = time.perf_counter()
        df = store.spans()
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(df), "columns": df.shape[1], "rss_before_mb": before, "open_s": open_s}


PROJECTION = ["doc_id", "sentence", "label", "annotator", "status"]


def annot_projection(path: str) -> dict[str, Any]:
    """``spans(columns=PROJECTION)``: who labelled what in which sentence, without attrs, texts or times."""
    import pandas  # noqa: F401

    from annot.store import Store

    t0 = time.perf_counter()
    with Store(path, annotator=C.ANNOTATOR) as store:
        open_s = time.perf_counter() - t0
        before = C.rss_mb()
        t0 = time.perf_counter()
        df = store.spans(columns=PROJECTION)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(df), "columns": df.shape[1], "rss_before_mb": before, "open_s": open_s}


def _raw_open(path: str) -> tuple[Any, float]:
    """A plain sqlite3 connection to the store file, and the seconds opening it took."""
    import sqlite3

    from annot.store import DB_NAME

    t0 = time.perf_counter()
    conn = sqlite3.connect(Path(path) / DB_NAME)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn, time.perf_counter() - t0


def annot_sql_only(path: str) -> dict[str, Any]:
    """The two queries ``Store.spans()`` ran before issue 16, fetched into Python tuples, no frame."""
    conn, open_s = _raw_open(path)
    before = C.rss_mb()
    t0 = time.perf_counter()
    rows = conn.execute(
        'SELECT id, doc_id, start, "end", label, attrs, text, annotator, origin, status, anchor, created_at,'
        ' updated_at, deleted FROM spans p WHERE p.deleted = 0 ORDER BY doc_id, start, "end", id'
    ).fetchall()
    sentences = conn.execute("SELECT doc_id, idx, start FROM sentences").fetchall()
    seconds = time.perf_counter() - t0
    conn.close()
    return {
        "seconds": seconds,
        "rows": len(rows),
        "sentence_rows": len(sentences),
        "columns": 14,
        "rss_before_mb": before,
        "open_s": open_s,
    }


def pandas_read_sql(path: str) -> dict[str, Any]:
    import pandas as pd

    conn, open_s = _raw_open(path)
    before = C.rss_mb()
    t0 = time.perf_counter()
    df = pd.read_sql_query("SELECT * FROM spans", conn)
    seconds = time.perf_counter() - t0
    conn.close()
    return {"seconds": seconds, "rows": len(df), "columns": df.shape[1], "rss_before_mb": before, "open_s": open_s}


PROBES = (
    ("annot spans()", annot_frame),
    (f"spans(columns={len(PROJECTION)})", annot_projection),
    ("old SQL only", annot_sql_only),
    ("pd.read_sql_query", pandas_read_sql),
)
TARGET_OPEN_S = 0.1
TARGET_TIME = 1.0  # x pd.read_sql_query
TARGET_PEAK = 0.6  # x pd.read_sql_query's peak RSS


def measure(path: Path, repeat: int) -> dict[str, dict[str, Any]]:
    """Each probe ``repeat`` times, each in a fresh process: median time, highest peak RSS.

    Rounds interleave the probes (each round runs every probe once), so that a burst of load
    from elsewhere on a shared machine falls on all of them rather than on one probe's runs.
    """
    rounds = [{name: C.in_fresh_process(probe, str(path)) for name, probe in PROBES} for _ in range(repeat)]
    out = {}
    for name, _ in PROBES:
        runs = [r[name] for r in rounds]
        out[name] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "rss_before_mb": max(r["rss_before_mb"] for r in runs),
            "open_s": statistics.median(r["open_s"] for r in runs),
            "rows": runs[0]["rows"], "columns": runs[0]["columns"],
        }  # fmt: skip
    return out


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("spans frame: Store.spans() vs pd.read_sql_query, fresh process each")
    print(C.machine_line())
    floor = C.in_fresh_process(C.idle_rss)["peak_rss_mb"]
    rows = []
    res: dict[str, dict[str, Any]] = {}
    with C.workdir(args.workdir) as root:
        for size, shape in shapes(args.quick):
            path = C.project(root, shape)  # read-only use: the shared template
            repeat = 3
            res = measure(path, repeat)
            base = res["pd.read_sql_query"]
            for name, r in res.items():
                rows.append((
                    size, name, f"{r['rows']:,}", r["columns"], f"{r['open_s']:.3f}", f"{r['seconds']:.2f}",
                    C.ratio(r["seconds"], base["seconds"]), f"{r['peak_rss_mb']:,.0f}",
                    f"{r['peak_rss_mb'] - r['rss_before_mb']:,.0f}",
                    C.ratio(r["peak_rss_mb"] - r["rss_before_mb"], base["peak_rss_mb"] - base["rss_before_mb"]),
                    f"{r['seconds'] * 1e6 / max(r['rows'], 1):.1f}", repeat,
                ))  # fmt: skip
    print(f"import-only floor (annot + pandas, fresh process): peak RSS {floor:,.0f} MiB")
    print(C.table(
        ["size", "probe", "rows", "cols", "open s", "time s", "time vs pandas", "peak RSS MiB", "RSS growth MiB",
         "growth vs pandas", "us/row", "runs"],
        rows,
    ))  # fmt: skip
    print(
        "(open = Store(path) for annot: cheap checks, plus the full quick_check for files up to 16 MiB;"
        " sqlite3.connect + one query for the others)"
    )
    print("(RSS growth = peak minus RSS just before the call, after imports and opening; times = median of runs)")
    print(f"projection: {', '.join(PROJECTION)}")
    annot, base = res["annot spans()"], res["pd.read_sql_query"]
    last = size  # the largest size measured
    print(C.verdict(annot["open_s"] < TARGET_OPEN_S, f"open a {last}-span store < {TARGET_OPEN_S * 1000:.0f} ms:"
                    f" {annot['open_s'] * 1000:.0f} ms"))  # fmt: skip
    time_ratio = annot["seconds"] / base["seconds"]
    print(C.verdict(time_ratio <= TARGET_TIME, f"spans() at {last} <= {TARGET_TIME:.1f}x pd.read_sql_query in time:"
                    f" {time_ratio:.2f}x ({annot['seconds']:.2f} s vs {base['seconds']:.2f} s)"))  # fmt: skip
    peak_ratio = annot["peak_rss_mb"] / base["peak_rss_mb"]
    growth_ratio = (annot["peak_rss_mb"] - annot["rss_before_mb"]) / (base["peak_rss_mb"] - base["rss_before_mb"])
    print(C.verdict(peak_ratio <= TARGET_PEAK, f"spans() at {last} <= {TARGET_PEAK:.1f}x pd.read_sql_query's peak RSS:"
                    f" {peak_ratio:.2f}x ({annot['peak_rss_mb']:,.0f} vs {base['peak_rss_mb']:,.0f} MiB;"
                    f" growth {growth_ratio:.2f}x)"))  # fmt: skip


if __name__ == "__main__":
    main()
