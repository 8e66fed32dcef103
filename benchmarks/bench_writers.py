"""Concurrent annotators: 10 writer processes x 1,000 durable edits each, on SQLite and on PostgreSQL.

Each writer is a process of its own with its own annotator name, editing one shared
corpus as annotators do: ``add_span``, ``update_span`` (label and attrs), ``delete_span``
and ``undo``, each a separate durable call (``MIX``: 35% adds, 35% updates, 15% deletes,
15% undos). Updates go to the writer's own spans, or to a pool of 50 corpus spans every
writer edits (so several writers change the same spans); deletes and undos touch only
the writer's own work, where no other writer can make them conflict, so every edit is
expected to be acknowledged (a refused one is counted and reported). All writers open
the store, then wait at one barrier and start together; each times every call it makes.

Each backend runs twice, on a fresh copy of the corpus each time: one writer alone
(the baseline: the same edits without contention), then all of them. Backends: the
SQLite project folder (``annot.db``: one writer at a time on its file
lock), and a schema on a PostgreSQL server the script starts on loopback and stops
(``annot.store.pgserver``; writers queue on the schema's advisory lock). Printed per
backend: acknowledged edits per second of wall time (first start to last finish),
latency p50/p95/p99/max over every edit of every writer, and "nothing lost": after the
run a fresh ``Store`` reads every span and history row back and finds each writer's
acknowledged adds, its live spans, one history row per acknowledged edit (op and span),
its undos, unique ids, and every span as its last history row left it. Then the
PostgreSQL/SQLite ratios. A lost edit fails the script (exit status 1).

Run: ``.venv/bin/python benchmarks/bench_writers.py [--quick] [--backend sqlite|postgres|both]``
(``--quick``: 3 writers x 50 edits on a corpus of 400 spans)
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import queue
import random
import shutil
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C

BACKENDS = C.BACKENDS
SHARED = 50  # corpus spans every writer updates
# The mix of edits: (op, weight); an op that cannot run (nothing of one's own to delete) adds a span instead.
MIX = (("add", 35), ("update_shared", 20), ("update_own", 15), ("delete", 15), ("undo", 15))


def sizes(quick: bool) -> tuple[int, int, C.Shape]:
    """Writers, edits per writer, and the shared corpus's shape."""
    if quick:
        return 3, 50, C.Shape(4, 50, 2)
    return 10, 1_000, C.Shape(20, 100, 5)


def writer_name(index: int) -> str:
    return f"writer{index:02d}"


# -- one writer (a process of its own) -------------------------------------------


def _corpus(store: Any) -> tuple[dict[str, str], list[tuple[str, int, int]], list[str]]:
    """The documents' texts, every sentence's (doc_id, start, end), and the ids of the shared spans."""
    texts = {doc.id: doc.text for doc in store.iter_documents()}
    sentences = [(s.doc_id, s.start, s.end) for doc_id in texts for s in store.get_sentences(doc_id)]
    seed = store.spans(annotator=C.ANNOTATOR, columns=["id"])["id"]
    shared = sorted(seed.tolist())[:SHARED]
    return texts, sentences, shared


def write(index: int, path: str, url: str, edits: int, barrier: Any, results: Any) -> None:
    """Writer ``index``: open the store, wait at ``barrier``, make ``edits`` timed edits, put what it did on
    ``results``."""
    from annot.errors import AnnotError
    from annot.store import Store

    name = writer_name(index)
    rng = random.Random(index)
    with C.store_env(url or None):
        store = Store(path, annotator=name)
    texts, sentences, shared = _corpus(store)
    ops, weights = zip(*MIX)
    own_live: list[str] = []  # this writer's live spans: nobody else adds, deletes or undoes them
    stack: list[tuple[str, str, bool]] = []  # (op, span id, on a shared span) of its edits not undone, in order
    adds: list[str] = []
    acked: list[tuple[str, str]] = []  # (history op, span id) of every acknowledged edit but undos
    latencies: list[float] = []
    refused: list[str] = []
    undos = 0
    barrier.wait()
    started = time.monotonic()
    for n in range(edits):
        op = rng.choices(ops, weights)[0]
        if (op in ("delete", "update_own") and not own_live) or (op == "undo" and (not stack or stack[-1][2])):
            op = "add"  # nothing of one's own to edit, or the last edit touched a shared span (undo could conflict)
        label = "ACTOR" if rng.random() < 0.5 else "QUANTITY"
        attrs = C.span_attrs(label, "", rng)
        try:
            if op == "add":
                doc_id, s, e = rng.choice(sentences)
                word = rng.choice(list(C.WORD.finditer(texts[doc_id], s, e)))
                t0 = time.perf_counter()
                span = store.add_span(doc_id, word.start(), word.end(), label, attrs)
                latencies.append(time.perf_counter() - t0)
                adds.append(span.id)
                own_live.append(span.id)
                stack.append(("add", span.id, False))
                acked.append(("add", span.id))
            elif op in ("update_shared", "update_own"):
                on_shared = op == "update_shared"
                span_id = rng.choice(shared if on_shared else own_live)
                t0 = time.perf_counter()
                store.update_span(span_id, label=label, attrs=attrs)
                latencies.append(time.perf_counter() - t0)
                stack.append(("update", span_id, on_shared))
                acked.append(("update", span_id))
            elif op == "delete":
                span_id = own_live.pop(rng.randrange(len(own_live)))
                t0 = time.perf_counter()
                store.delete_span(span_id)
                latencies.append(time.perf_counter() - t0)
                stack.append(("delete", span_id, False))
                acked.append(("delete", span_id))
            else:
                t0 = time.perf_counter()
                span = store.undo()
                latencies.append(time.perf_counter() - t0)
                last_op, span_id, _ = stack.pop()
                if span is None or span.id != span_id:
                    raise RuntimeError(f"{name}: undo took back {span and span.id}, not its last edit {span_id}")
                undos += 1
                if last_op == "add":
                    own_live.remove(span_id)
                elif last_op == "delete":
                    own_live.append(span_id)
        except AnnotError as exc:
            refused.append(f"{op} #{n}: {exc}")
            if op == "delete":
                own_live.append(span_id)
    finished = time.monotonic()
    store.close()
    results.put({
        "annotator": name, "latencies": latencies, "adds": adds, "live": own_live, "acked": acked, "undos": undos,
        "refused": refused, "started": started, "finished": finished,
    })  # fmt: skip


# -- the run and its check ---------------------------------------------------------


def run(path: Path, url: str, writers: int, edits: int) -> list[dict[str, Any]]:
    """``writers`` processes of ``write`` on the project at ``path`` (on PostgreSQL: its schema at ``url``)."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(writers)
    results = ctx.Queue()
    procs = [ctx.Process(target=write, args=(i, str(path), url, edits, barrier, results)) for i in range(writers)]
    for proc in procs:
        proc.start()
    out = []
    try:
        while len(out) < writers:
            with contextlib.suppress(queue.Empty):
                out.append(results.get(timeout=5))
                continue
            dead = [p for p in procs if p.exitcode not in (None, 0)]
            if dead:
                barrier.abort()
                raise RuntimeError(f"writer process(es) failed: exit codes {[p.exitcode for p in dead]}")
    finally:
        for proc in procs:
            proc.join(timeout=60)
    return sorted(out, key=lambda r: r["annotator"])


def lost_edits(path: Path, url: str, results: Sequence[dict[str, Any]], corpus_spans: int) -> list[str]:
    """What a fresh ``Store`` does not show of the writers' acknowledged edits (``[]``: nothing lost)."""
    from annot.store import Store

    with C.store_env(url or None), Store(path, read_only=True) as store:
        spans = store.spans(include_deleted=True, columns=["id", "label", "attrs", "annotator", "deleted"])
        history = store.history()
    problems = []
    if spans["id"].duplicated().any():
        problems.append(f"{spans['id'].duplicated().sum()} span ids stored twice")
    if history["seq"].duplicated().any():
        problems.append("history seq numbers repeated")
    all_adds = [span_id for r in results for span_id in r["adds"]]
    if len(set(all_adds)) != len(all_adds):
        problems.append("two acknowledged adds returned the same span id")
    seed = spans[spans["annotator"] == C.ANNOTATOR]
    if len(seed) != corpus_spans or seed["deleted"].any():
        problems.append(
            f"corpus spans: {len(seed)} stored ({int(seed['deleted'].sum())} deleted), {corpus_spans} built"
        )
    for r in results:
        name = r["annotator"]
        mine = spans[spans["annotator"] == name]
        if set(mine["id"]) != set(r["adds"]) or len(mine) != len(r["adds"]):
            problems.append(f"{name}: {len(mine)} spans stored, {len(r['adds'])} adds acknowledged")
        live = set(mine.loc[~mine["deleted"], "id"])
        if live != set(r["live"]):
            problems.append(f"{name}: {len(live)} live spans stored, {len(r['live'])} expected")
        rows = history[history["annotator"] == name]
        stored = Counter(zip(rows["op"].astype(str), rows["span_id"]))
        if stored != Counter(map(tuple, r["acked"])):
            problems.append(f"{name}: {len(rows)} history rows, {len(r['acked'])} edits acknowledged (or ops differ)")
        undone = int(rows["state"].isin(["undone", "dropped"]).sum())
        if undone != r["undos"]:
            problems.append(f"{name}: {undone} history rows undone, {r['undos']} undos acknowledged")
    # Every span as the last edit of it (a writer's edit, or the undo of one) left it: no write went missing.
    last = history.drop_duplicates("span_id", keep="last").set_index("span_id")
    state = spans.set_index("id")
    edited = [
        span_id for span_id in last.index if span_id in state.index and last.at[span_id, "annotator"] != C.ANNOTATOR
    ]
    for span_id in edited:
        row = last.loc[span_id]
        left = row["before"] if row["state"] in ("undone", "dropped") else row["after"]
        stored = (state.at[span_id, "label"], state.at[span_id, "attrs"])
        if left is not None and (left["label"], json.loads(left["attrs"])) != stored:
            problems.append(f"span {span_id}: stored label/attrs differ from its last history row")
            break
    return problems


def measure(backend: str, writers: int, root: Path, server: Any, quick: bool) -> dict[str, Any]:
    """One run of ``writers`` writers on ``backend``, on a fresh copy of the corpus: figures, and what was lost."""
    _, edits, shape = sizes(quick)
    if backend == "sqlite":
        url, path = "", C.project(root, shape, copy_as=f"writers-sqlite-{writers}")
    else:
        url, path = server.url(f"writers_{writers}"), root / f"writers-postgres-{writers}"
        shutil.rmtree(path, ignore_errors=True)
        with C.store_env(url):
            r = C.in_fresh_process(_build, str(path), shape)
        print(f"built the corpus on PostgreSQL for {writers} writer(s): {r['spans']:,} spans through add_spans"
              f" in {r['spans_s']:.1f} s", flush=True)  # fmt: skip
    results = run(path, url, writers, edits)
    lost = lost_edits(path, url, results, shape.spans)
    shutil.rmtree(path, ignore_errors=True)
    latencies = [s for r in results for s in r["latencies"]]
    wall = max(r["finished"] for r in results) - min(r["started"] for r in results)
    return {
        "writers": writers, "edits": len(latencies), "refused": [x for r in results for x in r["refused"]],
        "undos": sum(r["undos"] for r in results), "wall_s": wall, "per_s": len(latencies) / wall,
        "ms": C.summary_ms(latencies), "lost": lost,
    }  # fmt: skip


def _build(path: str, shape: C.Shape) -> dict[str, Any]:
    return C.build_project(Path(path), shape)


def main(argv: Sequence[str] | None = None) -> None:
    args, backends = C.parse_backend_args(__doc__.splitlines()[0], argv)
    writers, edits, shape = sizes(args.quick)
    C.header(f"concurrent writers: {writers} processes x {edits:,} durable edits, corpus of {shape.spans:,} spans")
    print(C.machine_line())
    res: dict[tuple[str, int], dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        root = stack.enter_context(C.workdir(args.workdir))
        server = stack.enter_context(C.pg_server()) if "postgres" in backends else None
        for backend in backends:
            for n in (1, writers):  # one writer alone: the baseline of the same edits without contention
                res[backend, n] = measure(backend, n, root, server, args.quick)
    rows = []
    for (backend, n), r in res.items():
        ms = r["ms"]
        rows.append((
            backend, n, f"{r['edits']:,}", len(r["refused"]), r["undos"], f"{r['wall_s']:.1f}", f"{r['per_s']:,.0f}",
            C.ratio(r["per_s"], res[backend, 1]["per_s"]), *(f"{ms[k]:.1f}" for k in ("p50", "p95", "p99", "max")),
            "yes" if not r["lost"] else f"NO ({len(r['lost'])} problems)",
        ))  # fmt: skip
    print(C.table(
        ["backend", "writers", "edits acked", "refused", "undos", "wall s", "edits/s", "vs 1 writer", "p50 ms",
         "p95 ms", "p99 ms", "max ms", "nothing lost"],
        rows,
    ))  # fmt: skip
    print("(latency: each call as its writer timed it, all writers together; wall: first start to last finish)")
    if len(backends) == 2:
        for n in (1, writers):
            pg, lite = res["postgres", n], res["sqlite", n]
            latency = ", ".join(f"{k} {C.ratio(pg['ms'][k], lite['ms'][k])}" for k in ("p50", "p95", "p99"))
            print(f"PostgreSQL/SQLite, {n} writer(s): edits/s {C.ratio(pg['per_s'], lite['per_s'])}, latency {latency}")
    for backend in backends:
        runs = [r for (b, _), r in res.items() if b == backend]
        for r in runs:
            for line in r["refused"][:5]:
                print(f"{backend}, {r['writers']} writer(s): refused {line}")
            for line in r["lost"]:
                print(f"{backend}, {r['writers']} writer(s): LOST {line}")
        lost = any(r["lost"] for r in runs)
        print(f"nothing lost on {backend}: {'NO' if lost else 'yes'} (runs of 1 and {writers} writers)")
    if any(r["lost"] for r in res.values()):
        raise SystemExit("acknowledged edits are missing from the store (see LOST above)")


if __name__ == "__main__":
    main()
