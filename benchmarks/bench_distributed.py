"""Batch work on Dask: 200 articles translated with argos (en->pt) and pre-annotated, in-process vs 1 vs 2 workers.

Articles are the seed's sentences from a random start, their numbers changed (``_common.make_document``),
8-20 sentences each. Each run starts from a copy of the same project:

- **in-process**: ``pipeline.translate`` then ``suggest_documents``, as ``annot translate|suggest`` without
  a cluster;
- **1 worker, 2 workers**: a ``LocalCluster`` (processes, one thread each) and ``annot.batch``'s
  ``translate_on_cluster`` then ``suggest_on_cluster`` (the cluster's start timed apart).

Printed: wall time and sentences/s of each step, the speed-up of 2 workers over 1, each worker's peak RSS,
the scheduler's overhead per task (no-op tasks through the same client, and the share of the real run that
is not model time), and the per-sentence costs the README's "Scale out" arithmetic uses: the model's
(worker) and the store's (the client's writes, measured alone by storing answers already made).
Figures only, nothing asserted.

Run: ``.venv/bin/python benchmarks/bench_distributed.py [--quick]``
"""

from __future__ import annotations

import random
import resource
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C
import bench_translate

from annot.batch.jobs import AnsweredRoute, Answers, suggest_on_cluster, translate_on_cluster
from annot.pipeline import plan_translation, translate, translate_document
from annot.store import Store
from annot.suggestion_layer import suggest_documents

ENGINE = "argos"


def build(path: Path, articles: int, seed: int = 0) -> int:
    """A project of ``articles`` synthetic English articles; returns its sentence count."""
    rng = random.Random(seed)
    seeds = C.seed_sentences()
    sentences = 0
    with Store(path, annotator=C.ANNOTATOR) as store:
        for index in range(articles):
            doc, sents = C.make_document(index, rng.randint(8, 20), seeds, rng)
            store.add_document(doc, sents)
            sentences += len(sents)
    return sentences


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _noop(x: int) -> int:
    return x


def overhead_per_task(client: Any, tasks: int) -> float:
    """Seconds per task of no-op tasks submitted and gathered through ``client`` (the scheduler's round trip)."""
    client.gather(client.map(_noop, range(8), pure=False))  # warm
    t0 = time.perf_counter()
    client.gather(client.map(_noop, range(tasks), pure=False))
    return (time.perf_counter() - t0) / tasks


def run_in_process(path: Path) -> dict[str, float]:
    with Store(path) as store:
        t0 = time.perf_counter()
        translate(None, store, to="pt", engines=ENGINE)
        t1 = time.perf_counter()
        suggest_documents(store)
        t2 = time.perf_counter()
    return {"translate_s": t1 - t0, "suggest_s": t2 - t1}


def run_cluster(path: Path, workers: int, tasks: int) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        ) as cluster,  # fmt: skip
        Client(cluster, set_as_default=False) as client,
        Store(path) as store,
    ):
        started = time.perf_counter() - t0
        t1 = time.perf_counter()
        report = translate_on_cluster(client, None, store, to="pt", engines=ENGINE)
        t2 = time.perf_counter()
        suggest_on_cluster(client, store)
        t3 = time.perf_counter()
        peaks = sorted(client.run(_peak_rss_mb).values())
        overhead = overhead_per_task(client, tasks)
    return {"start_s": started, "translate_s": t2 - t1, "suggest_s": t3 - t2, "peaks_mb": peaks,
            "overhead_s": overhead, "runs": len(report.runs)}  # fmt: skip


def store_only(done: Path, fresh: Path) -> dict[str, float]:
    """The client's share alone: store ``done``'s translations into ``fresh`` as answers already made."""
    with Store(done) as source:
        frame = source.translations(target="pt")
        answers = dict(zip(frame["source"], frame["text"]))
    with Store(fresh) as store:
        _, plans = plan_translation(None, store, to="pt", engines=ENGINE)
        t0 = time.perf_counter()
        rows = 0
        for doc, sents, route in plans:
            run = translate_document(store, doc, sents, AnsweredRoute(route, Answers(outputs=answers)))  # type: ignore[arg-type]
            rows += run.translated + run.cached
        seconds = time.perf_counter() - t0
    return {"rows": rows, "seconds": seconds}


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    articles, tasks = (12, 50) if args.quick else (200, 500)
    C.header(f"distributed batch work: {articles} articles, argos en->pt + suggestions, in-process vs 1 vs 2 workers")
    print(C.machine_line())
    with C.workdir(args.workdir) as root, bench_translate.argos_packages(root):
        template = root / f"distributed-{articles}"
        shutil.rmtree(template, ignore_errors=True)
        sentences = build(template, articles)
        print(f"{articles} articles, {sentences} sentences")

        def copy(name: str) -> Path:
            target = root / f"distributed-{articles}-{name}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(template, target)
            return target

        local = C.in_fresh_process(run_in_process, copy("local"))
        one = run_cluster(copy("w1"), 1, tasks)
        two = run_cluster(copy("w2"), 2, tasks)
        writes = store_only(root / f"distributed-{articles}-w2", copy("store"))

    rows = []
    for name, r in (("in-process", local), ("1 worker", one), ("2 workers", two)):
        peaks = ", ".join(f"{p:.0f}" for p in r.get("peaks_mb", [])) or "-"
        rate = sentences / r["translate_s"]
        rows.append([name, f"{r.get('start_s', 0):.1f}", f"{r['translate_s']:.1f}", f"{rate:.1f}",
                     f"{r['suggest_s']:.1f}", f"{sentences / r['suggest_s']:.0f}", peaks])  # fmt: skip
    print(
        C.table(["run", "cluster start s", "translate s", "sent/s", "suggest s", "sent/s", "worker peak RSS MB"], rows)
    )
    print(f"speed-up of 2 workers over 1: translate {one['translate_s'] / two['translate_s']:.2f}x,"
          f" suggest {one['suggest_s'] / two['suggest_s']:.2f}x;"
          f" 2 workers over in-process: translate {local['translate_s'] / two['translate_s']:.2f}x")  # fmt: skip
    batches = -(-sentences // 96)
    print(f"scheduler overhead: {two['overhead_s'] * 1000:.2f} ms per no-op task ({tasks} tasks, 2 workers);"
          f" ~{batches} translation batches of ~96 sentences: {batches * two['overhead_s']:.2f} s of"
          f" {two['translate_s']:.1f} s")  # fmt: skip
    per_model = one["translate_s"] / sentences
    per_store = writes["seconds"] / max(1, writes["rows"])
    print(f"per sentence: model (1 worker, 2 cores) {per_model * 1000:.1f} ms; client's store writes alone"
          f" {per_store * 1000:.2f} ms ({writes['rows']} rows in {writes['seconds']:.1f} s,"
          f" {1 / per_store:.0f} rows/s);"
          f" suggestions (1 worker) {one['suggest_s'] / sentences * 1000:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
