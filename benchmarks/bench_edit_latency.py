"""Latency of one durable edit (add_span, update_span, delete_span) on a small and a large store.

``update+seen`` is ``update_span`` with ``seen=``, as an annotation session
edits: the conflict check (``annot.store.conflicts``) inside the write.

Baseline, measured in the same run on the same file: the equivalent raw
``sqlite3`` statement on the ``spans`` table plus COMMIT, on its own connection
with the store's pragmas (WAL, synchronous=FULL). annot and raw edits are
interleaved (alternating which goes first) so both see the same WAL, cache and
checkpoint conditions. A second baseline, "raw+log", also inserts the history
row an edit log needs: the floor for a store that keeps undo history.

Run: ``.venv/bin/python benchmarks/bench_edit_latency.py [--quick]``
"""

from __future__ import annotations

import json
import random
import secrets
import shutil
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _common as C

TIMED = 500
WARMUP = 50
TARGET_P95_MS = 5.0
TARGET_RATIO = 3.0
SPAN_COLS = 'id, doc_id, start, "end", label, attrs, text, annotator, origin, status, anchor, created_at, updated_at'


def shapes(quick: bool) -> list[tuple[str, C.Shape]]:
    # 100 sentences per document and 5 spans per sentence at every size: only the store grows.
    if quick:
        return [("10k", C.Shape(20, 100, 5)), ("100k", C.Shape(200, 100, 5))]
    return [("10k", C.Shape(20, 100, 5)), ("1M", C.Shape(2_000, 100, 5))]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _raw_connection(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _commit(conn: sqlite3.Connection, statements: Sequence[tuple[str, tuple[Any, ...]]]) -> float:
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for sql, args in statements:
        conn.execute(sql, args)
    conn.execute("COMMIT")
    return time.perf_counter() - t0


class Targets:
    """Random valid edit targets: word spans inside random sentences, random live span ids."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random) -> None:
        self.rng = rng
        self.texts = dict(conn.execute("SELECT id, text FROM documents"))
        self.sentences = conn.execute('SELECT doc_id, start, "end" FROM sentences').fetchall()
        self.max_seq = conn.execute("SELECT max(seq) FROM spans").fetchone()[0]
        self.conn = conn
        self.used: set[str] = set()

    def new_span(self, n: int) -> tuple[str, int, int, str, dict[str, Any]]:
        doc_id, s, e = self.rng.choice(self.sentences)
        words = list(C.WORD.finditer(self.texts[doc_id], s, e))
        w = self.rng.choice(words)
        label = "ACTOR" if n % 2 else "QUANTITY"
        return doc_id, w.start(), w.end(), label, C.span_attrs(label, w.group(), self.rng)

    def raw_span_row(self, n: int) -> tuple[Any, ...]:
        doc_id, start, end, label, attrs = self.new_span(n)
        now = _now()
        return (f"sp-{secrets.token_hex(8)}", doc_id, start, end, label,
                json.dumps(attrs, ensure_ascii=False, sort_keys=True), self.texts[doc_id][start:end],
                C.ANNOTATOR, "manual", "accepted", "ok", now, now)  # fmt: skip

    def live_ids(self, count: int) -> list[str]:
        """``count`` distinct live span ids spread over the whole table, never handed out twice."""
        out: list[str] = []
        while len(out) < count:
            row = self.conn.execute(
                "SELECT id FROM spans WHERE seq >= ? AND deleted = 0 ORDER BY seq LIMIT 1",
                (self.rng.randint(1, self.max_seq),),
            ).fetchone()
            if row and row[0] not in self.used:
                self.used.add(row[0])
                out.append(row[0])
        return out


def _interleave(n: int, series: dict[str, Callable[[int], float]]) -> dict[str, list[float]]:
    """Run each series' op ``WARMUP + n`` times, interleaved, rotating the order; keep the last ``n``."""
    names = list(series)
    out: dict[str, list[float]] = {name: [] for name in names}
    for i in range(WARMUP + n):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed = series[name](i)
            if i >= WARMUP:
                out[name].append(elapsed)
    return out


def measure(path: Path, n: int = TIMED, seed: int = 1) -> dict[str, dict[str, list[float]]]:
    """Latencies (s) of annot add/update/delete and their raw baselines on the project at ``path``."""
    from annot.store import DB_NAME, Store

    rng = random.Random(seed)
    store = Store(path, annotator=C.ANNOTATOR)
    raw = _raw_connection(path / DB_NAME)
    targets = Targets(raw, rng)
    results: dict[str, dict[str, list[float]]] = {}
    try:

        def annot_add(i: int) -> float:
            doc_id, start, end, label, attrs = targets.new_span(i)
            t0 = time.perf_counter()
            store.add_span(doc_id, start, end, label, attrs)
            return time.perf_counter() - t0

        def raw_add(i: int) -> float:
            row = targets.raw_span_row(i)
            return _commit(raw, [(f"INSERT INTO spans({SPAN_COLS}) VALUES ({','.join('?' * 13)})", row)])

        def raw_add_log(i: int) -> float:
            row = targets.raw_span_row(i)
            after = json.dumps(dict(zip([c.strip('" ') for c in SPAN_COLS.split(",")], row)), ensure_ascii=False)
            return _commit(raw, [
                (f"INSERT INTO spans({SPAN_COLS}) VALUES ({','.join('?' * 13)})", row),
                ("INSERT INTO history(span_id, annotator, op, before, after, at, undone) VALUES (?,?,?,?,?,?,0)",
                 (row[0], C.ANNOTATOR, "add", None, after, row[-1])),
            ])  # fmt: skip

        results["add"] = _interleave(n, {"annot": annot_add, "raw": raw_add, "raw+log": raw_add_log})

        total = WARMUP + n
        ids = {name: iter(targets.live_ids(total)) for name in ("annot", "raw")}

        def annot_update(i: int) -> float:
            span_id = next(ids["annot"])
            t0 = time.perf_counter()
            store.update_span(span_id, status="pending")
            return time.perf_counter() - t0

        def raw_update(i: int) -> float:
            return _commit(
                raw,
                [("UPDATE spans SET status = ?, updated_at = ? WHERE id = ?", ("pending", _now(), next(ids["raw"])))],
            )

        results["update"] = _interleave(n, {"annot": annot_update, "raw": raw_update})

        # An annotation session's edit: checked against the span as its view showed it (read before the clock).
        ids = {name: iter(targets.live_ids(total)) for name in ("annot", "raw")}

        def annot_update_seen(i: int) -> float:
            seen = store.get_span(next(ids["annot"]))
            t0 = time.perf_counter()
            store.update_span(seen.id, seen=seen, status="pending")
            return time.perf_counter() - t0

        results["update+seen"] = _interleave(n, {"annot": annot_update_seen, "raw": raw_update})

        ids = {name: iter(targets.live_ids(total)) for name in ("annot", "raw")}

        def annot_delete(i: int) -> float:
            span_id = next(ids["annot"])
            t0 = time.perf_counter()
            store.delete_span(span_id)
            return time.perf_counter() - t0

        def raw_delete(i: int) -> float:
            return _commit(
                raw, [("UPDATE spans SET deleted = 1, updated_at = ? WHERE id = ?", (_now(), next(ids["raw"])))]
            )

        results["delete"] = _interleave(n, {"annot": annot_delete, "raw": raw_delete})
    finally:
        raw.close()
        store.close()
    return results


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header(f"edit latency: {TIMED} durable edits after {WARMUP} warm-up, WAL + synchronous=FULL")
    print(C.machine_line())
    with C.workdir(args.workdir) as root:
        rows: list[tuple[str, str, dict[str, float], dict[str, float], dict[str, float] | None]] = []
        for size, shape in shapes(args.quick):
            path = C.project(root, shape, copy_as=f"edit-{size}")
            results = measure(path)
            for op, series in results.items():
                log = C.summary_ms(series["raw+log"]) if "raw+log" in series else None
                rows.append((size, op, C.summary_ms(series["annot"]), C.summary_ms(series["raw"]), log))
            shutil.rmtree(path, ignore_errors=True)

    print("\nadd_span vs raw INSERT + COMMIT (ms):")
    print(C.table(
        ["size", "annot p50", "annot p95", "raw p50", "raw p95", "ratio p95 annot/raw"],
        [(size, f"{a['p50']:.3f}", f"{a['p95']:.3f}", f"{r['p50']:.3f}", f"{r['p95']:.3f}", C.ratio(a["p95"], r["p95"]))
         for size, op, a, r, _ in rows if op == "add"],
    ))  # fmt: skip
    print("\nall edits, detail (ms; raw = same statement on the spans table + COMMIT; raw+log adds the history row):")
    detail = []
    for size, op, a, r, log in rows:
        for name, s in (("annot", a), ("raw", r), ("raw+log", log)):
            if s is not None:
                detail.append((size, op, name, *(f"{s[k]:.3f}" for k in ("p50", "p95", "p99", "mean", "max")),
                               C.ratio(s["p95"], r["p95"]) if name != "raw" else ""))  # fmt: skip
    print(C.table(["size", "op", "who", "p50", "p95", "p99", "mean", "max", "p95 vs raw"], detail))

    big, _ = shapes(args.quick)[-1]
    add = next((a, r) for size, op, a, r, _ in rows if size == big and op == "add")
    note = "" if big == "1M" else f" (measured at {big}: --quick; the target is stated for 1M)"
    print()
    print(
        C.verdict(
            add[0]["p95"] < TARGET_P95_MS, f"add_span p95 {add[0]['p95']:.3f} ms < {TARGET_P95_MS:g} ms at {big}{note}"
        )
    )
    ratio = C.ratio(add[0]["p95"], add[1]["p95"])
    print(C.verdict(add[0]["p95"] <= TARGET_RATIO * add[1]["p95"],
                    f"add_span p95 within {TARGET_RATIO:g}x of raw insert at {big}: {ratio}{note}"))  # fmt: skip
    for op in ("update", "update+seen", "delete"):
        a, r = next((a, r) for size, o, a, r, _ in rows if size == big and o == op)
        name = "update_span(seen=)" if op == "update+seen" else f"{op}_span"
        print(f"{name} p95 at {big}: {a['p95']:.3f} ms (raw {r['p95']:.3f} ms, {C.ratio(a['p95'], r['p95'])})")


if __name__ == "__main__":
    main()
