"""Projection as distributed batches: workers project what the client read; the client stores each document.

``refresh_projection`` is three steps (``annot.project.stored``): ``plan_refresh`` reads the store (and fills
the aligner's lexicons with the routes), ``project_rows`` aligns and matches with no store at all,
``finish_refresh`` writes the rows and the linked versions' suggestions in one transaction. Here the client
takes the documents ``CHUNK_DOCUMENTS`` at a time: has the workers translate the words their lexicons miss
(``lexicon="fill"``: each route's words once, stored here as ``fill_lexicons`` stores them, so planning finds
them cached), plans each document, sends each batch of stale ones (their ``Prepared``: texts, units, targets,
lexicons, names) to a worker, and finishes each document in the documents' order as the rows come back, as
``refresh_projections`` does in one process: so the store ends the same. A worker keeps each route it built
(``worker_cached``), and its word stemmers, name finders and word frequencies (module caches), for its later
batches.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from annot.batch.cluster import partition, run_batches
from annot.errors import ClusterError
from annot.progress import Progress, resolve_progress
from annot.project.core import check_lexicon, names_table, project_rows
from annot.project.documents import ProjectReport, projectable
from annot.project.stored import RefreshPlan, RefreshReport, finish_refresh, plan_refresh

if TYPE_CHECKING:
    from distributed import Client

    from annot.batch.jobs import Answers
    from annot.model import Document
    from annot.project.core import Prepared
    from annot.store import Store
    from annot.translate import Route

__all__ = ["CHUNK_DOCUMENTS", "PROJECT_PAIRS", "project_on_cluster", "project_prepared"]

#: Sentence pairs (a source sentence and its text in one target) a task aims at: a pair costs about a
#: millisecond to align and match, so a task is a fraction of a second, and a dead worker's batch cheap to redo.
PROJECT_PAIRS = 400

#: Words a task translates for the aligner's lexicons (``lexicon="fill"``), and per engine call.
LEXICON_WORDS, LEXICON_BATCH = 512, 64

#: Documents read at a time: the client holds what it read of these only (a document's ``Prepared`` is its
#: sentences in every target and its lexicons, ~50-100 kB), the workers projecting one window's batches.
CHUNK_DOCUMENTS = 256

Rows = list[tuple[Any, ...]]


def project_prepared(items: Sequence[Prepared]) -> tuple[str, list[Rows]]:
    """On a worker: each document's projection rows (``project_rows``), and the annot version that made them.

    Args:
        items: what the client read for each document of the batch.

    Returns:
        This worker's ``annot.__version__``, and the rows of each item, in order.
    """
    import annot

    return annot.__version__, [project_rows(ready) for ready in items]


def _pairs(plan: RefreshPlan) -> int:
    """The sentence pairs a plan's projection aligns: the weight of its document in a batch."""
    ready = plan.ready
    return 0 if ready is None else sum(len(t.texts) for t in ready.targets)


def project_on_cluster(
    client: Client, store: Store, docs: Sequence[str | Document] | None, to: str, *,
    engines: Sequence[str] | None = None, references: bool = True, lexicon: str = "cached",
    batch_pairs: int = PROJECT_PAIRS, progress: Progress | bool | None = None,
) -> ProjectReport:  # fmt: skip
    """``annot.project.documents.refresh_projections`` with the aligning on a Dask cluster: the same store.

    With ``lexicon="fill"`` the words the lexicons miss are translated on the workers first (the routes
    built there, checked against this process's). A document whose stored rows are fresh is not sent. The
    rows of a batch handed over twice (a worker killed after it finished) are stored once: each document is
    finished once, in order, and finishing is idempotent anyway (``finish_refresh``: the rows replace the
    document's, keyed by document and language; the suggestions already offered are found and kept).

    Args:
        client: the cluster (``annot.batch.open_client``).
        store, docs, to, engines, references, lexicon: as ``refresh_projections``.
        batch_pairs: sentence pairs a task aims at.
        progress: called with (steps done, steps, what): each batch of words stored (``word translations``),
            each document read (``read <id>``), each stored (``<id>``); documents are taken ``CHUNK_DOCUMENTS``
            at a time, each window stored before the next.

    Returns:
        The report, as ``refresh_projections``', but each run's ``frame`` is ``None``: read the rows of every
        document at once (``Store.projections(lang=to)``), not one query a document.

    Raises:
        AnnotError: as ``refresh_projections``.
        ClusterError: a worker runs another annot version or other routes, or a batch kept killing its workers.
        EngineError: a route failed on the lexicon's words (as ``fill_lexicons``).
    """
    check_lexicon(lexicon)
    started = time.perf_counter()
    documents, skipped = projectable(store, docs, to, engines=engines, references=references)
    report = ProjectReport(to, skipped=skipped)
    total = 2 * len(documents)
    done = 0
    names = names_table(store, {to}) if documents else None  # the same for each: a refresh accepts no span
    with resolve_progress(progress, f"projecting into {to}") as update:

        def tick(what: str) -> None:
            nonlocal done
            done += 1
            note(what)

        def note(what: str) -> None:
            if update is not None:
                update(done, total, what)

        for first in range(0, len(documents), CHUNK_DOCUMENTS):
            # A window of documents at a time: the client holds what it read of these only.
            window = documents[first : first + CHUNK_DOCUMENTS]
            if lexicon == "fill":
                _fill_on_cluster(client, store, window, to, note)
            plans: list[RefreshPlan] = []
            for doc in window:
                plans.append(plan_refresh(store, doc, to, lexicon=lexicon, names=names))
                tick(f"read {doc.id}")
            report.runs.extend(_project_window(client, store, plans, references, batch_pairs, tick))
    report.seconds = time.perf_counter() - started
    return report


def _fill_on_cluster(
    client: Client, store: Store, documents: Sequence[Document], to: str, note: Callable[[str], None]
) -> None:
    """The words the documents' lexicons miss, translated on the workers and cached here, as ``fill_lexicons``
    would translate and cache them (``route_lexicon``, fed by the workers' answers): planning then finds them.

    Each route's words are asked for once for all the documents, in tasks of ``LEXICON_WORDS``; a route is
    built once per worker and checked against this process's signature (``annot.batch.jobs.translate_texts``).
    """
    from annot.batch.jobs import AnsweredRoute, translate_texts
    from annot.project.lexicon import missing_words, route_lexicon
    from annot.project.stored import lexicon_queries_of

    words: dict[str, tuple[Route, dict[str, None]]] = {}  # signature -> the route, its words missing
    for doc in documents:
        targets, wanted = lexicon_queries_of(store, doc, to)
        for route, missing in missing_words(store, doc.lang, targets, wanted) if wanted else ():
            words.setdefault(route.signature(), (route, {}))[1].update(dict.fromkeys(missing))
    items = [
        (route, chunk)
        for route, missing in words.values()
        for chunk in (list(missing)[i : i + LEXICON_WORDS] for i in range(0, len(missing), LEXICON_WORDS))
    ]
    if not items:
        return
    stored = [0]

    def store_words(number: int, answers: list[Answers]) -> None:
        # A word the engine failed on stays uncached: planning asks the engine here again, as in-process would.
        route, chunk = items[number]
        route_lexicon(AnsweredRoute(route, answers[0]), chunk, store=store)
        stored[0] += 1
        note(f"word translations {stored[0]}/{len(items)}")

    keys = [[((r.name, r.source, r.target, True, r.signature()), chunk)] for r, chunk in items]
    run_batches(client, translate_texts, keys, args=(LEXICON_BATCH,), on_result=store_words,
                name="annot-project-words")  # fmt: skip


def _project_window(
    client: Client, store: Store, plans: Sequence[RefreshPlan], references: bool, batch_pairs: int,
    tick: Callable[[str], None],
) -> list[RefreshReport]:  # fmt: skip
    """Project the stale plans on the cluster, store every plan in order as its rows arrive; their reports."""
    import annot

    arrived: dict[int, Rows | None] = {i: None for i, plan in enumerate(plans) if plan.ready is None}
    runs: list[RefreshReport] = []

    def store_arrived() -> None:
        # In the documents' order, as in one process (two documents may offer spans in one linked version).
        while len(runs) in arrived:
            plan = plans[len(runs)]
            runs.append(finish_refresh(store, plan, arrived.pop(len(runs)), suggest=references, frame=False))
            tick(plan.document.id)

    busy = [i for i, plan in enumerate(plans) if plan.ready is not None]
    batches = [[busy[i] for i in part] for part in partition([_pairs(plans[i]) for i in busy], batch_pairs)]

    def store_batch(number: int, result: tuple[str, list[Rows]]) -> None:
        version, rows = result
        if version != annot.__version__:
            raise ClusterError(
                f"A worker runs annot {version}, this process {annot.__version__}: install the same annot on"
                " every worker, then run again."
            )
        arrived.update(zip(batches[number], rows))
        store_arrived()

    store_arrived()
    run_batches(client, project_prepared, [[plans[i].ready for i in batch] for batch in batches],
                on_result=store_batch, name="annot-project")  # fmt: skip
    return runs
