"""Projection of many documents on Dask: 200 articles projected into pt, in-process vs a LocalCluster of 2 workers.

The project: ``bench_distributed.build``'s 200 synthetic articles (8-20 varied seed sentences), translated by
argos en->pt and pre-annotated (every suggestion accepted), in one process, untimed; then each document's
word lexicon filled (``fill_projection_lexicons``: argos translates each word once), timed apart, since
``annot project`` does it by default before projecting and it runs in the client's process. Each run
starts from a copy of that project, with no projection stored:

- **in-process**: ``refresh_projections(lexicon="cached")``, as ``annot project --to pt --workers 1``;
- **2 workers**: ``project_on_cluster`` on annot's own ``LocalCluster`` (its start timed apart), with the
  client's share measured: reading each document (``plan_refresh``) and storing it (``finish_refresh``).

Each configuration runs twice, interleaved, the fastest kept (once with ``--quick``: 12 articles).
Figures only, nothing asserted. Run: ``.venv/bin/python benchmarks/bench_project_batch.py [--quick]``
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import _common as C
import bench_distributed
import bench_translate

from annot.batch import projection as jobs
from annot.batch.cluster import local_client
from annot.model import Status
from annot.pipeline import translate
from annot.project.documents import refresh_projections
from annot.project.lexicon import fill_projection_lexicons
from annot.store import Store
from annot.suggestion_layer import suggest_documents


def prepare_project(path: Path, articles: int) -> dict[str, float]:
    """Build, translate, pre-annotate (untimed); fill every document's lexicon (timed). Sentences, spans, seconds."""
    sentences = bench_distributed.build(path, articles)
    with Store(path) as store:
        translate(None, store, to="pt", engines=bench_distributed.ENGINE)
        suggest_documents(store)
        for span in list(store.iter_spans(status=Status.PENDING)):
            store.update_span(span.id, status="accepted")
        spans = sum(1 for _ in store.iter_spans(status=Status.ACCEPTED))
        t0 = time.perf_counter()
        words = sum(fill_projection_lexicons(store, doc, "pt") for doc in store.iter_documents())
        fill = time.perf_counter() - t0
    return {"sentences": sentences, "spans": spans, "fill_s": fill, "words": words}


def run_in_process(path: Path) -> dict[str, float]:
    with Store(path) as store:
        t0 = time.perf_counter()
        report = refresh_projections(store, None, "pt", lexicon="cached")
        seconds = time.perf_counter() - t0
    return {"project_s": seconds, "rows": sum(len(r.frame) for r in report.runs if r.frame is not None)}


@contextlib.contextmanager
def client_share() -> Iterator[dict[str, float]]:
    """Seconds the client spends reading documents (``plan_refresh``) and storing them (``finish_refresh``)."""
    spent = {"plan": 0.0, "finish": 0.0}
    originals = {"plan": jobs.plan_refresh, "finish": jobs.finish_refresh}

    def timed(kind: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return originals[kind](*args, **kwargs)
            finally:
                spent[kind] += time.perf_counter() - t0

        return call

    jobs.plan_refresh, jobs.finish_refresh = timed("plan"), timed("finish")
    try:
        yield spent
    finally:
        jobs.plan_refresh, jobs.finish_refresh = originals["plan"], originals["finish"]


def _warm() -> None:
    """Imports and the caches a projection fills (stemmers, name finders, word frequencies), once per worker."""
    from annot.project.detect import wrong_language
    from annot.project.wordalign import align_words

    align_words("Russia sent 9,000 troops.", "A Rússia enviou 9.000 soldados.", "en", "pt")
    wrong_language("Bielorrússia", "pt", ("en",))


def run_cluster(path: Path, workers: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    with local_client(workers) as client, Store(path) as store, client_share() as spent:
        started = time.perf_counter() - t0
        client.run(_warm)
        warm = time.perf_counter() - t0 - started
        t1 = time.perf_counter()
        jobs.project_on_cluster(client, store, None, "pt", lexicon="cached")
        seconds = time.perf_counter() - t1
    return {"start_s": started, "warm_s": warm, "project_s": seconds, "plan_s": spent["plan"],
            "finish_s": spent["finish"]}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    articles, rounds = (12, 1) if args.quick else (200, 2)
    C.header(f"projection on Dask: {articles} articles into pt (argos), in-process vs 2 workers"
             f" (fastest of {rounds} interleaved rounds)")  # fmt: skip
    print(C.machine_line())
    with C.workdir(args.workdir) as root, bench_translate.argos_packages(root):
        template = root / f"project-batch-{articles}"
        shutil.rmtree(template, ignore_errors=True)
        made = prepare_project(template, articles)
        print(f"{articles} articles, {made['sentences']} sentences, {made['spans']} accepted spans; filling the"
              f" lexicons (client, argos): {made['words']} words in {made['fill_s']:.1f} s")  # fmt: skip

        def copy(name: str) -> Path:
            target = root / f"project-batch-{articles}-{name}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(template, target)
            return target

        local_runs, two_runs = [], []
        for _ in range(rounds):
            local_runs.append(C.in_fresh_process(run_in_process, copy("local")))
            two_runs.append(run_cluster(copy("w2"), 2))
        local = min(local_runs, key=lambda r: r["project_s"])
        two = min(two_runs, key=lambda r: r["project_s"])
    sentences = made["sentences"]
    print(C.table(
        ["run", "cluster start + warm s", "project s", "sentences/s", "client: read s", "client: store s"],
        [
            ["in-process", "-", f"{local['project_s']:.1f}", f"{sentences / local['project_s']:.0f}", "-", "-"],
            ["2 workers", f"{two['start_s']:.1f} + {two['warm_s']:.1f}", f"{two['project_s']:.1f}",
             f"{sentences / two['project_s']:.0f}", f"{two['plan_s']:.1f}", f"{two['finish_s']:.1f}"],
        ],
    ))  # fmt: skip
    workers = two["project_s"] - two["plan_s"] - two["finish_s"]
    print(
        f"2 workers vs in-process: {local['project_s'] / two['project_s']:.2f}x; of the cluster run, the client read"
        f" {two['plan_s'] / two['project_s']:.0%} and stored {two['finish_s'] / two['project_s']:.0%}, waiting on"
        f" the workers {max(workers, 0.0):.1f} s; per sentence: in-process {local['project_s'] / sentences * 1000:.2f}"
        f" ms, client's share on the cluster {(two['plan_s'] + two['finish_s']) / sentences * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
