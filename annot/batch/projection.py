"""Projection as distributed batches: workers project what the client read; the client stores each document.

``refresh_projection`` is three steps (``annot.project.stored``): ``plan_refresh`` reads the store (and fills
the aligner's lexicons with the routes, the engines running here), ``project_rows`` aligns and matches with no
store at all, ``finish_refresh`` writes the rows and the linked versions' suggestions in one transaction. Here
the client plans the documents (``CHUNK_DOCUMENTS`` at a time), sends each batch of stale ones (their
``Prepared``: texts, units, targets, lexicons, names) to a worker, and finishes each document in the
documents' order as the rows come back, as ``refresh_projections`` does in one process: so the store ends the
same. A worker's word stemmers, name finders and word frequencies are built once in its process (module
caches) and kept for its later batches.
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

    from annot.model import Document
    from annot.project.core import Prepared
    from annot.store import Store

__all__ = ["CHUNK_DOCUMENTS", "PROJECT_PAIRS", "project_on_cluster", "project_prepared"]

#: Sentence pairs (a source sentence and its text in one target) a task aims at: a pair costs about a
#: millisecond to align and match, so a task is a fraction of a second, and a dead worker's batch cheap to redo.
PROJECT_PAIRS = 400

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

    A document whose stored rows are fresh is not sent. The rows of a batch handed over twice (a worker
    killed after it finished) are stored once: each document is finished once, in order, and finishing is
    idempotent anyway (``finish_refresh``: the rows replace the document's, keyed by document and language;
    the suggestions already offered are found and kept).

    Args:
        client: the cluster (``annot.batch.open_client``).
        store, docs, to, engines, references, lexicon: as ``refresh_projections``.
        batch_pairs: sentence pairs a task aims at.
        progress: called with (steps done, steps, what): each document read (``read <id>``), each stored
            (``<id>``); documents are read ``CHUNK_DOCUMENTS`` at a time, each window stored before the next.

    Returns:
        The report, as ``refresh_projections``'.

    Raises:
        AnnotError: as ``refresh_projections``.
        ClusterError: a worker runs another annot version, or a batch kept killing its workers.
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
            if update is not None:
                update(done, total, what)

        for first in range(0, len(documents), CHUNK_DOCUMENTS):
            # A window of documents at a time: the client holds what it read of these only.
            plans: list[RefreshPlan] = []
            for doc in documents[first : first + CHUNK_DOCUMENTS]:
                plans.append(plan_refresh(store, doc, to, lexicon=lexicon, names=names))
                tick(f"read {doc.id}")
            report.runs.extend(_project_window(client, store, plans, references, batch_pairs, tick))
    report.seconds = time.perf_counter() - started
    return report


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
            runs.append(finish_refresh(store, plan, arrived.pop(len(runs)), suggest=references))
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
