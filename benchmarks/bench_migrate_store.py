"""Throughput of ``copy_store`` (``annot migrate-store``) between SQLite and a PostgreSQL server on loopback.

A synthetic project (the shared builder's documents, sentences and spans) is
copied SQLite -> PostgreSQL -> SQLite, and SQLite -> SQLite. Baseline,
measured in the same run on the same project: the route without this
command, ``export_jsonl`` then ``import_jsonl`` into a fresh store on the
same backend (it keeps the spans but not their history, marks or counters).
The server is a throwaway one (``annot.store.pgserver``) started for the run;
without PostgreSQL installed the PostgreSQL rows are left out.

Run: ``.venv/bin/python benchmarks/bench_migrate_store.py [--quick]``
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _common as C


def shapes(quick: bool) -> list[tuple[str, C.Shape]]:
    # 100 sentences per document and 5 spans per sentence.
    if quick:
        return [("10k", C.Shape(20, 100, 5))]
    return [("100k", C.Shape(200, 100, 5)), ("500k", C.Shape(1_000, 100, 5))]


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = work()
    return time.perf_counter() - t0, result


def _copy(src: Any, dst: Any) -> tuple[float, int]:
    from annot.store.copy import copy_store

    seconds, report = _timed(lambda: copy_store(src, dst))
    return seconds, report.total


def _via_export(src: Any, dst: Any, out: Path) -> tuple[float, int]:
    from annot.export import export_jsonl
    from annot.export.jsonl_import import import_jsonl

    def work() -> int:
        export_jsonl(src, out)
        return import_jsonl(dst, out).spans_written

    seconds, spans = _timed(work)
    return seconds, spans


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("migrate-store: copy_store between backends vs export_jsonl + import_jsonl")
    print(C.machine_line())
    from annot.errors import StoreError
    from annot.store import Store
    from annot.store.location import LOCAL
    from annot.store.pgserver import start

    server_folder = Path(tempfile.mkdtemp(prefix="annot-pg-bench-"))  # under /tmp: the server may run as postgres
    try:
        server = start(server_folder)
    except StoreError as exc:
        print(f"PostgreSQL rows left out: {exc}")
        server = None
    rows = []
    try:
        with C.workdir(args.workdir) as root:
            for size, shape in shapes(args.quick):
                template = C.project(root, shape)
                work = root / f"migrate-{size}"
                shutil.rmtree(work, ignore_errors=True)

                def place(name: str, kind: str, work: Path = work, size: str = size) -> Store:
                    schema = f"bench_{size}_{name}".replace("-", "_")
                    url = server.url(schema) if kind == "postgres" and server else LOCAL
                    return Store(work / name, annotator=C.ANNOTATOR, url=url)

                steps = [("sqlite", "sqlite")]
                if server is not None:
                    steps += [("sqlite", "postgres"), ("postgres", "sqlite")]  # there and back
                with Store(template, read_only=True) as src:
                    copies, opened = {"sqlite": src}, []
                    for a, b in steps:
                        dst, base_dst = place(f"copy-{a}-{b}", b), place(f"import-{a}-{b}", b)
                        opened += [dst, base_dst]
                        seconds, total = _copy(copies[a], dst)
                        copies.setdefault(b, dst)
                        base_s, spans = _via_export(copies[a], base_dst, work / f"{a}-{b}.jsonl")
                        rows.append((size, f"{a} -> {b}", f"{total:,}", f"{spans:,}", f"{seconds:.2f}",
                                     f"{total / seconds:,.0f}", f"{base_s:.2f}", C.ratio(base_s, seconds)))  # fmt: skip
                    for store in opened:
                        store.close()
                shutil.rmtree(work, ignore_errors=True)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(server_folder, ignore_errors=True)
    print(C.table(["size", "route", "rows copied", "spans", "copy s", "rows/s", "export+import s", "copy speed-up"],
                  rows))  # fmt: skip
    print("copy: every row of every table, one transaction; export+import: documents, sentences, spans and links only")


if __name__ == "__main__":
    main()
