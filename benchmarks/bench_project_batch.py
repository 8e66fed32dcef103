"""Projection of many documents on Dask: 200 articles projected into pt, in-process vs a LocalCluster of 2 workers.

The project: ``bench_distributed.build``'s 200 synthetic articles (8-20 varied seed sentences), translated by
argos en->pt and pre-annotated (every suggestion accepted), in one process, untimed. Two starting points,
each run from a fresh copy with no projection stored:

- **words new** (``lexicon="fill"``, ``annot project``'s default, the first projection after translating):
  the aligner's words are translated by argos first (in-process: ``fill_lexicons``; on the cluster: by the
  workers, stored by the client);
- **words cached** (``lexicon="cached"``, every word translated before, as on a second run after new spans).

Runs: **in-process** ``refresh_projections``, as ``annot project --to pt --workers 1``; **2 workers**
``project_on_cluster`` on annot's own ``LocalCluster`` (its start timed apart), with the client's share
measured: translating words stored (``_fill_on_cluster``, workers included), reading each document
(``plan_refresh``) and storing it (``finish_refresh``).

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


def prepare_project(path: Path, articles: int) -> dict[str, int]:
    """Build, translate, pre-annotate (untimed): the sentences and accepted spans."""
    sentences = bench_distributed.build(path, articles)
    with Store(path) as store:
        translate(None, store, to="pt", engines=bench_distributed.ENGINE)
        suggest_documents(store)
        for span in list(store.iter_spans(status=Status.PENDING)):
            store.update_span(span.id, status="accepted")
        spans = sum(1 for _ in store.iter_spans(status=Status.ACCEPTED))
    return {"sentences": sentences, "spans": spans}


def fill_words(path: Path) -> dict[str, float]:
    """Every document's lexicon filled in this process (``fill_projection_lexicons``): words and seconds."""
    with Store(path) as store:
        t0 = time.perf_counter()
        words = sum(fill_projection_lexicons(store, doc, "pt") for doc in store.iter_documents())
        return {"words": words, "fill_s": time.perf_counter() - t0}


def run_in_process(path: Path, lexicon: str) -> dict[str, float]:
    with Store(path) as store:
        t0 = time.perf_counter()
        report = refresh_projections(store, None, "pt", lexicon=lexicon)
        seconds = time.perf_counter() - t0
    return {"project_s": seconds, "rows": sum(len(r.frame) for r in report.runs if r.frame is not None)}


@contextlib.contextmanager
def client_share() -> Iterator[dict[str, float]]:
    """Seconds the client spends on the words (``_fill_on_cluster``: the workers' translating included), reading
    documents (``plan_refresh``) and storing them (``finish_refresh``)."""
    spent = {"words": 0.0, "plan": 0.0, "finish": 0.0}
    names = {"words": "_fill_on_cluster", "plan": "plan_refresh", "finish": "finish_refresh"}
    originals = {kind: getattr(jobs, name) for kind, name in names.items()}

    def timed(kind: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return originals[kind](*args, **kwargs)
            finally:
                spent[kind] += time.perf_counter() - t0

        return call

    for kind, name in names.items():
        setattr(jobs, name, timed(kind))
    try:
        yield spent
    finally:
        for kind, name in names.items():
            setattr(jobs, name, originals[kind])


def _warm() -> None:
    """Imports and the caches a projection fills (stemmers, name finders, word frequencies), once per worker."""
    from annot.project.detect import wrong_language
    from annot.project.wordalign import align_words

    align_words("Russia sent 9,000 troops.", "A Rússia enviou 9.000 soldados.", "en", "pt")
    wrong_language("Bielorrússia", "pt", ("en",))


def run_cluster(path: Path, workers: int, lexicon: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    with local_client(workers) as client, Store(path) as store, client_share() as spent:
        started = time.perf_counter() - t0
        client.run(_warm)
        warm = time.perf_counter() - t0 - started
        t1 = time.perf_counter()
        jobs.project_on_cluster(client, store, None, "pt", lexicon=lexicon)
        seconds = time.perf_counter() - t1
    return {"start_s": started, "warm_s": warm, "project_s": seconds, "words_s": spent["words"],
            "plan_s": spent["plan"], "finish_s": spent["finish"]}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    articles, rounds = (12, 1) if args.quick else (200, 2)
    C.header(f"projection on Dask: {articles} articles into pt (argos), in-process vs 2 workers"
             f" (fastest of {rounds} interleaved rounds)")  # fmt: skip
    print(C.machine_line())
    with C.workdir(args.workdir) as root, bench_translate.argos_packages(root):
        fresh, cached = root / f"project-batch-{articles}", root / f"project-batch-{articles}-cached"
        for folder in (fresh, cached):
            shutil.rmtree(folder, ignore_errors=True)
        made = prepare_project(fresh, articles)
        shutil.copytree(fresh, cached)
        filled = fill_words(cached)
        print(f"{articles} articles, {made['sentences']} sentences, {made['spans']} accepted spans; the lexicons'"
              f" words: {filled['words']} (in-process, argos: {filled['fill_s']:.1f} s)")  # fmt: skip

        def copy(template: Path, name: str) -> Path:
            target = root / f"project-batch-{articles}-{name}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(template, target)
            return target

        found: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for _ in range(rounds):
            for lexicon, template in (("fill", fresh), ("cached", cached)):
                found.setdefault(("local", lexicon), []).append(
                    C.in_fresh_process(run_in_process, copy(template, "local"), lexicon)
                )
                found.setdefault(("two", lexicon), []).append(run_cluster(copy(template, "w2"), 2, lexicon))
    best = {key: min(runs, key=lambda r: r["project_s"]) for key, runs in found.items()}
    sentences = made["sentences"]
    rows = []
    for lexicon, label in (("fill", "words new"), ("cached", "words cached")):
        local, two = best[("local", lexicon)], best[("two", lexicon)]
        rows.append([f"{label}, in-process", "-", f"{local['project_s']:.1f}", f"{sentences / local['project_s']:.0f}",
                     "-", "-", "-"])  # fmt: skip
        rows.append([f"{label}, 2 workers", f"{two['start_s']:.1f} + {two['warm_s']:.1f}", f"{two['project_s']:.1f}",
                     f"{sentences / two['project_s']:.0f}", f"{two['words_s']:.1f}", f"{two['plan_s']:.1f}",
                     f"{two['finish_s']:.1f}"])  # fmt: skip
    print(C.table(["run", "cluster start + warm s", "project s", "sentences/s", "words s", "client: read s",
                   "client: store s"], rows))  # fmt: skip
    for lexicon, label in (("fill", "words new"), ("cached", "words cached")):
        local, two = best[("local", lexicon)], best[("two", lexicon)]
        share = (two["plan_s"] + two["finish_s"]) / sentences * 1000
        print(
            f"{label}: 2 workers vs in-process {local['project_s'] / two['project_s']:.2f}x; per sentence in-process"
            f" {local['project_s'] / sentences * 1000:.2f} ms, the client's reading and storing on the cluster"
            f" {share:.2f} ms"
        )


if __name__ == "__main__":
    main()
