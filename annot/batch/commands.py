"""What ``annot translate``, ``suggest`` and ``project`` call: in this process, on a LocalCluster, or on a scheduler."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from annot.batch.cluster import dashboard_link, local_workers, open_client
from annot.batch.jobs import suggest_on_cluster, translate_on_cluster
from annot.batch.projection import project_on_cluster
from annot.errors import ClusterError
from annot.model import Document
from annot.pipeline import TranslateReport, translate
from annot.progress import Progress
from annot.project.core import check_lexicon
from annot.project.documents import ProjectReport, projectable, refresh_projections
from annot.suggestion_layer import SuggestReport, stored_documents, suggest_documents

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["project_batch", "suggest_batch", "translate_batch", "workers_for"]


def workers_for(
    store: Store, docs: str | Document | Sequence[str | Document] | None, scheduler: str | None, workers: int | None
) -> int:
    """The local worker processes a job gets: ``workers`` if given, else sized to the job (``local_workers``).

    Raises:
        ClusterError: ``workers`` below 1, or given with ``scheduler`` (the scheduler's workers do the work).
    """
    if workers is not None and workers < 1:
        raise ClusterError(f"--workers must be at least 1, not {workers}; 1 works in this process.")
    if scheduler is not None:
        if workers is not None:
            raise ClusterError("--workers sizes a cluster on this machine; leave it out with --scheduler.")
        return 1
    if workers is not None:
        return workers
    documents = stored_documents(store, docs)
    if len(documents) < 2:
        return 1
    return local_workers(sum(len(store.get_sentences(doc)) for doc in documents), len(documents))


def translate_batch(
    docs: str | Document | Sequence[str | Document] | None, store: Store, *, to: str,
    engines: Sequence[str] | str | None = None, pivot: bool = True, force: bool = False,
    scheduler: str | None = None, workers: int | None = None, progress: Progress | bool | None = None,
    on_dashboard: Callable[[str], None] | None = None,
) -> TranslateReport:  # fmt: skip
    """``pipeline.translate``, on the Dask scheduler at ``scheduler``, a LocalCluster, or in this process.

    Args:
        docs, store, to, engines, pivot, force, progress: as ``pipeline.translate``.
        scheduler: a Dask scheduler's address (``tcp://10.0.0.5:8786``); its workers need annot and the same
            engines and models as this process.
        workers: local worker processes without ``scheduler`` (1: this process); default sized to the job.
        on_dashboard: called with the Dask dashboard's URL, when there is one.

    Returns:
        The report, the same wherever it ran.

    Raises:
        ClusterError: no scheduler at ``scheduler``, Dask missing, workers unlike this process, bad ``workers``.
        ModelNotInstalled, EngineNotInstalled, EngineError: as ``pipeline.translate``.
    """
    count = workers_for(store, docs, scheduler, workers)
    with open_client(scheduler, workers=count) as client:
        if client is None:
            return translate(docs, store, to=to, engines=engines, pivot=pivot, force=force, progress=progress)
        _announce(client, on_dashboard)
        return translate_on_cluster(client, docs, store, to=to, engines=engines, pivot=pivot, force=force,
                                    progress=progress)  # fmt: skip


def suggest_batch(
    store: Store, docs: str | Document | Sequence[str | Document] | None = None, *,
    only: str | Sequence[str] | None = None, min_confidence: float = 0.0, ner: bool = False,
    scheduler: str | None = None, workers: int | None = None, progress: Progress | bool | None = None,
    on_dashboard: Callable[[str], None] | None = None,
) -> SuggestReport:  # fmt: skip
    """``suggestion_layer.suggest_documents``, on a Dask scheduler, a LocalCluster, or in this process.

    Args:
        store, docs, only, min_confidence, ner, progress: as ``suggest_documents``.
        scheduler, workers, on_dashboard: as ``translate_batch``.

    Returns:
        The report, the same wherever it ran.

    Raises:
        ClusterError: as ``translate_batch``.
        SuggesterError, NotFound, SchemaError: as ``suggest_documents``.
    """
    count = workers_for(store, docs, scheduler, workers)
    with open_client(scheduler, workers=count) as client:
        if client is None:
            return suggest_documents(store, docs, only=only, min_confidence=min_confidence, ner=ner,
                                     progress=progress)  # fmt: skip
        _announce(client, on_dashboard)
        return suggest_on_cluster(client, store, docs, only=only, min_confidence=min_confidence, ner=ner,
                                  progress=progress)  # fmt: skip


def project_batch(
    store: Store, docs: Sequence[str | Document] | None, to: str, *, engines: Sequence[str] | None = None,
    references: bool = True, lexicon: str = "cached", scheduler: str | None = None, workers: int | None = None,
    progress: Progress | bool | None = None, on_dashboard: Callable[[str], None] | None = None,
) -> ProjectReport:  # fmt: skip
    """``annot.project.documents.refresh_projections``, on a Dask scheduler, a LocalCluster, or in this process.

    The documents are chosen first (``projectable``: those named, or every current one with something to
    project into ``to``), and the cluster is sized to them.

    Args:
        store, docs, to, engines, references, lexicon, progress: as ``refresh_projections``.
        scheduler, workers, on_dashboard: as ``translate_batch``.

    Returns:
        The report, the same wherever it ran.

    Raises:
        ClusterError: as ``translate_batch``.
        AnnotError: a document named cannot be projected, or an unknown ``lexicon``.
        NotFound: no such document.
    """
    check_lexicon(lexicon)
    documents, skipped = projectable(store, docs, to, engines=engines, references=references)
    count = workers_for(store, documents, scheduler, workers)
    options: dict[str, Any] = {"engines": engines, "references": references, "lexicon": lexicon, "progress": progress}
    with open_client(scheduler, workers=count) as client:
        if client is None:
            report = refresh_projections(store, documents, to, **options)
        else:
            _announce(client, on_dashboard)
            report = project_on_cluster(client, store, documents, to, **options)
    report.skipped = skipped
    return report


def _announce(client: object, on_dashboard: Callable[[str], None] | None) -> None:
    link = dashboard_link(client)  # type: ignore[arg-type]
    if link and on_dashboard is not None:
        on_dashboard(link)
