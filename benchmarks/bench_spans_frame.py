"""Time and peak RSS of ``Store.spans()`` (every span as a typed DataFrame), each in a fresh process.

Baseline, same run, same rows: ``pd.read_sql_query("SELECT * FROM spans", conn)``,
the untyped frame pandas gives for free (on SQLite a ``sqlite3`` connection to the
file; on PostgreSQL a plain psycopg connection: pandas' DBAPI path, no SQLAlchemy).
Other probes: ``spans(columns=[...])``, a projection an analysis would ask for (it reads only those columns); the SQL
``spans()`` used to run (the whole sort key in SQL, every column fetched into
Python tuples), to split the time between SQLite and frame building. The floor
line is a process that only imports annot and pandas. ``open s`` is
``Store(path)`` for annot (see ``annot.store.db.QUICK_CHECK_MAX_BYTES``).

Backends (``--backend``, default both): the SQLite project folder, and a schema on a
PostgreSQL server the script starts on loopback and stops (``annot.store.pgserver``),
holding the same rows: the documents, sentences and spans tables of the SQLite
template, copied with ``COPY`` (the history, which ``spans()`` does not read, is left
out). The server's own memory is in neither probe's figures.

Targets (issue 16), at the largest size, on both backends: open < 100 ms (SQLite);
``spans()`` <= 1.0x ``pd.read_sql_query`` in time and <= 0.6x its peak RSS.

Run: ``.venv/bin/python benchmarks/bench_spans_frame.py [--quick] [--backend sqlite|postgres|both]``
"""

from __future__ import annotations

import contextlib
import statistics
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C

BACKENDS = C.BACKENDS
# The tables Store.spans() reads, copied into PostgreSQL as they are in the SQLite template.
PG_TABLES = ("documents", "sentences", "spans", "span_confidence")


def shapes(quick: bool) -> list[tuple[str, C.Shape]]:
    # Same shapes as bench_edit_latency, so run_all builds each store once.
    if quick:
        return [("10k", C.Shape(20, 100, 5)), ("100k", C.Shape(200, 100, 5))]
    return [("100k", C.Shape(200, 100, 5)), ("1M", C.Shape(2_000, 100, 5))]


def _open_store(path: str, url: str) -> tuple[Any, float]:
    """The project at ``path`` (on PostgreSQL: its schema at ``url``), and the seconds opening it took."""
    import pandas  # noqa: F401  spans() imports it lazily; the baseline pays it before its clock too

    from annot.store import Store

    with C.store_env(url or None):
        t0 = time.perf_counter()
        store = Store(path, annotator=C.ANNOTATOR)
        return store, time.perf_counter() - t0


def annot_frame(path: str, url: str = "") -> dict[str, Any]:
    store, open_s = _open_store(path, url)
    with store:
        before = C.rss_mb()
        t0 = time.perf_counter()
        df = store.spans()
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(df), "columns": df.shape[1], "rss_before_mb": before, "open_s": open_s}


PROJECTION = ["doc_id", "sentence", "label", "annotator", "status"]


def annot_projection(path: str, url: str = "") -> dict[str, Any]:
    """``spans(columns=PROJECTION)``: who labelled what in which sentence, without attrs, texts or times."""
    store, open_s = _open_store(path, url)
    with store:
        before = C.rss_mb()
        t0 = time.perf_counter()
        df = store.spans(columns=PROJECTION)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(df), "columns": df.shape[1], "rss_before_mb": before, "open_s": open_s}


def _raw_open(path: str, url: str = "") -> tuple[Any, float]:
    """A plain DBAPI connection to the store (``sqlite3`` on the file, else psycopg in the schema), and the
    seconds opening it took."""
    t0 = time.perf_counter()
    if url:
        import psycopg

        from annot.store.postgres import split_url

        conninfo, schema = split_url(url)
        conn = psycopg.connect(conninfo)
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute("SELECT count(*) FROM meta").fetchone()
    else:
        import sqlite3

        from annot.store import DB_NAME

        conn = sqlite3.connect(Path(path) / DB_NAME)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn, time.perf_counter() - t0


def annot_sql_only(path: str, url: str = "") -> dict[str, Any]:
    """The two queries ``Store.spans()`` ran before issue 16, fetched into Python tuples, no frame."""
    conn, open_s = _raw_open(path, url)
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


def pandas_read_sql(path: str, url: str = "") -> dict[str, Any]:
    import pandas as pd

    conn, open_s = _raw_open(path, url)
    before = C.rss_mb()
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # pandas asks for SQLAlchemy with any DBAPI connection but sqlite3's
        warnings.simplefilter("ignore", UserWarning)
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


def copy_to_postgres(template: Path, folder: Path, url: str) -> dict[str, Any]:
    """The rows of ``PG_TABLES`` of the SQLite project ``template``, put in a new project at ``url`` with COPY.

    The project stays writable: each identity column's sequence continues after the copied keys.

    ``folder`` is the PostgreSQL project's folder (its label schema: the default, as the template's).

    Returns:
        ``rows`` copied per table and the ``seconds`` it took (ANALYZE included).
    """
    import sqlite3

    import psycopg

    from annot.store import DB_NAME, Store
    from annot.store.postgres import split_url

    t0 = time.perf_counter()
    with C.store_env(url):
        Store(folder, annotator=C.ANNOTATOR).close()  # the schema and its tables, by the store's migrations
    conninfo, schema = split_url(url)
    lite = sqlite3.connect(f"{(template / DB_NAME).resolve().as_uri()}?mode=ro", uri=True)
    copied: dict[str, int] = {}
    try:
        with psycopg.connect(conninfo) as pg:
            for table in PG_TABLES:
                columns = [row[1] for row in lite.execute(f"PRAGMA table_info({table})")]
                names = ", ".join(f'"{c}"' for c in columns)
                with pg.cursor().copy(f'COPY "{schema}"."{table}" ({names}) FROM STDIN') as copy:
                    n = 0
                    for row in lite.execute(f"SELECT {names} FROM {table}"):
                        copy.write_row(row)
                        n += 1
                copied[table] = n
            # The copied keys were given, not drawn: move each identity column's sequence past them.
            identities = pg.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = %s AND is_identity = 'YES' AND table_name = ANY(%s)",
                (schema, list(PG_TABLES)),
            ).fetchall()
            for table, column in identities:
                pg.execute(
                    f'SELECT setval(pg_get_serial_sequence(%s, %s), max("{column}")) FROM "{schema}"."{table}"'
                    f' HAVING max("{column}") IS NOT NULL',
                    (f'"{schema}"."{table}"', column),
                )
            pg.commit()
        with psycopg.connect(conninfo, autocommit=True) as pg:
            for table in PG_TABLES:
                pg.execute(f'VACUUM ANALYZE "{schema}"."{table}"')
    finally:
        lite.close()
    return {"rows": copied, "seconds": time.perf_counter() - t0}


def backend_urls(root: Path, template: Path, size: str, backends: Sequence[str], server: Any) -> dict[str, str]:
    """Per backend, the ``url`` its probes open (``""``: the SQLite file ``template`` itself, read only)."""
    out = {}
    for backend in backends:
        if backend == "sqlite":
            out[backend] = ""
            continue
        url = server.url(f"spans_{size.lower()}")
        r = copy_to_postgres(template, root / f"pg-{size}", url)
        print(f"copied {r['rows']['spans']:,} spans, {r['rows']['sentences']:,} sentences into PostgreSQL with COPY"
              f" in {r['seconds']:.1f} s", flush=True)  # fmt: skip
        out[backend] = url
    return out


def measure(path: Path, repeat: int, url: str = "") -> dict[str, dict[str, Any]]:
    """Each probe ``repeat`` times, each in a fresh process: median time, highest peak RSS.

    Rounds interleave the probes (each round runs every probe once), so that a burst of load
    from elsewhere on a shared machine falls on all of them rather than on one probe's runs.
    """
    rounds = [{name: C.in_fresh_process(probe, str(path), url) for name, probe in PROBES} for _ in range(repeat)]
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
    args, backends = C.parse_backend_args(__doc__.splitlines()[0], argv)
    C.header(f"spans frame: Store.spans() vs pd.read_sql_query, fresh process each ({', '.join(backends)})")
    print(C.machine_line())
    floor = C.in_fresh_process(C.idle_rss)["peak_rss_mb"]
    rows = []
    res: dict[str, dict[str, dict[str, Any]]] = {}
    with contextlib.ExitStack() as stack:
        root = stack.enter_context(C.workdir(args.workdir))
        server = stack.enter_context(C.pg_server()) if "postgres" in backends else None
        for size, shape in shapes(args.quick):
            path = C.project(root, shape)  # read-only use: the shared template
            repeat = 1 if args.quick else 3  # --quick is a smoke run: one round
            for backend, url in backend_urls(root, path, size, backends, server).items():
                res[backend] = measure(root / f"pg-{size}" if url else path, repeat, url)
                base = res[backend]["pd.read_sql_query"]
                for name, r in res[backend].items():
                    rows.append((
                        size, backend, name, f"{r['rows']:,}", r["columns"], f"{r['open_s']:.3f}",
                        f"{r['seconds']:.2f}", C.ratio(r["seconds"], base["seconds"]), f"{r['peak_rss_mb']:,.0f}",
                        f"{r['peak_rss_mb'] - r['rss_before_mb']:,.0f}",
                        C.ratio(r["peak_rss_mb"] - r["rss_before_mb"], base["peak_rss_mb"] - base["rss_before_mb"]),
                        f"{r['seconds'] * 1e6 / max(r['rows'], 1):.1f}", repeat,
                    ))  # fmt: skip
    print(f"import-only floor (annot + pandas, fresh process): peak RSS {floor:,.0f} MiB")
    print(C.table(
        ["size", "backend", "probe", "rows", "cols", "open s", "time s", "time vs pandas", "peak RSS MiB",
         "RSS growth MiB", "growth vs pandas", "us/row", "runs"],
        rows,
    ))  # fmt: skip
    print(
        "(open = Store(path) for annot: cheap checks, plus the full quick_check for SQLite files up to 16 MiB;"
        " sqlite3.connect or psycopg.connect + one query for the others)"
    )
    print("(RSS growth = peak minus RSS just before the call, after imports and opening; times = median of runs)")
    print(f"projection: {', '.join(PROJECTION)}")
    last = size  # the largest size measured
    for backend in backends:
        annot, base = res[backend]["annot spans()"], res[backend]["pd.read_sql_query"]
        on = f"on {backend}"
        if backend == "sqlite":
            print(C.verdict(annot["open_s"] < TARGET_OPEN_S, f"open a {last}-span store < {TARGET_OPEN_S * 1000:.0f}"
                            f" ms: {annot['open_s'] * 1000:.0f} ms"))  # fmt: skip
        time_ratio = annot["seconds"] / base["seconds"]
        times = f"{time_ratio:.2f}x ({annot['seconds']:.2f} s vs {base['seconds']:.2f} s)"
        target = f"spans() at {last} {on} <= {TARGET_TIME:.1f}x pd.read_sql_query in time"
        print(C.verdict(time_ratio <= TARGET_TIME, f"{target}: {times}"))
        peak_ratio = annot["peak_rss_mb"] / base["peak_rss_mb"]
        growth_ratio = (annot["peak_rss_mb"] - annot["rss_before_mb"]) / (base["peak_rss_mb"] - base["rss_before_mb"])
        print(C.verdict(peak_ratio <= TARGET_PEAK, f"spans() at {last} {on} <= {TARGET_PEAK:.1f}x pd.read_sql_query's"
                        f" peak RSS: {peak_ratio:.2f}x ({annot['peak_rss_mb']:,.0f} vs {base['peak_rss_mb']:,.0f} MiB;"
                        f" growth {growth_ratio:.2f}x)"))  # fmt: skip


if __name__ == "__main__":
    main()
