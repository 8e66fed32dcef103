"""Translation and suggestion as distributed batches: what workers compute, and how the client stores it.

Workers never open the store. For translation the client plans as the local path does
(``pipeline.plan_translation``), sends each batch of documents the texts the engines must read, and
stores each batch's answers as it arrives through the local path's own ``pipeline.translate_document``,
fed by stand-ins that answer from the worker's results. For suggestions the client sends each document's
input (its sentences and spans) and the workers run the local path's ``plan_document``; the client stores
the plans (``store_plan``). So skipping, caching, counting and failures are decided as locally, and the
store's one writer stays the client.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annot.batch.cluster import partition, run_batches, worker_cached
from annot.errors import ClusterError, EngineError, PartialTranslation
from annot.model import Document
from annot.pipeline import (
    Plan,
    TranslateReport,
    plan_translation,
    raise_failures,
    texts_to_translate,
    translate_document,
)
from annot.progress import Progress, resolve_progress
from annot.suggestion_layer import (
    DocumentInput,
    DocumentPlan,
    SuggestReport,
    check_min_confidence,
    choose_suggesters,
    known_actors,
    plan_document,
    store_plan,
    stored_documents,
)

if TYPE_CHECKING:
    from distributed import Client

    from annot.model import Model
    from annot.store import Store
    from annot.suggest import KnownActor
    from annot.translate import Route

__all__ = ["BATCH_SENTENCES", "suggest_on_cluster", "translate_on_cluster"]

#: Sentences a task aims at: big enough that the scheduler's ~ms per task is noise, small enough that a
#: dead worker's batch is cheap to redo and both workers stay busy to the end.
BATCH_SENTENCES = 96

# (route name, source, target, pivot, signature): what a worker needs to take the client's route.
RouteKey = tuple[str, str, str, bool, str]


@dataclass(slots=True)
class Answers:
    """A worker's translations of one plan's texts: text -> translation, text -> why it failed, or an error."""

    outputs: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    error: str = ""


def _worker_route(key: RouteKey) -> Route:
    from annot.translate import routes_for

    name, source, target, pivot, signature = key
    route = worker_cached(("route", *key[:4]), lambda: routes_for(source, target, [name], pivot=pivot).routes[0])
    if route.signature() != signature:
        raise ClusterError(
            f"A worker's {name} route {source}>{target} is {route.signature()}, the client's {signature}: install"
            " the same engines and models on every worker (annot models install), then run again."
        )
    return route


def translate_texts(items: Sequence[tuple[RouteKey, list[str]]], batch_size: int) -> list[Answers]:
    """On a worker: each item's texts translated by its route, the route built once per worker and kept.

    Args:
        items: (route key, distinct texts) per plan of the batch.
        batch_size: texts per engine call.

    Returns:
        One ``Answers`` per item; an engine failing on an item is recorded in it, not raised.

    Raises:
        ClusterError: the worker's route has another signature than the client's.
    """
    answers = []
    for key, texts in items:
        route, got = _worker_route(key), Answers()
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            try:
                outputs: list[str | None] = list(route.translate(batch))
            except PartialTranslation as exc:
                outputs = exc.outputs
                got.failed.update({batch[i]: why for i, why in exc.reasons.items()})
            except EngineError as exc:
                got.error = str(exc)
                break
            got.outputs.update((text, out) for text, out in zip(batch, outputs) if out is not None)
        answers.append(got)
    return answers


class AnsweredRoute:
    """A route whose translations were made on a worker: ``translate`` looks them up, as the engine would say."""

    def __init__(self, route: Route, answers: Answers) -> None:
        self._route, self._answers = route, answers
        self.name, self.source, self.target, self.path = route.name, route.source, route.target, route.path

    def signature(self) -> str:
        return self._route.signature()

    def model(self) -> Model:
        return self._route.model()

    def translate(self, texts: Sequence[str]) -> list[str]:
        """The worker's translations of ``texts``; its failures as the engine raised them."""
        got = self._answers
        if got.error and any(t not in got.outputs and t not in got.failed for t in texts):
            raise EngineError(got.error)
        outputs = [got.outputs.get(t) for t in texts]
        reasons = {
            i: got.failed.get(t, "not translated by the worker") for i, t in enumerate(texts) if outputs[i] is None
        }
        if reasons:
            raise PartialTranslation(outputs, reasons)
        return outputs  # type: ignore[return-value]


def _texts_per_plan(store: Store, plans: Sequence[Plan], *, force: bool, batch_size: int) -> list[list[str]]:
    """What each plan's worker must translate: its texts neither stored nor cached, nor an earlier plan's.

    A text shared by several documents goes to the first (in-process, the later ones copy it from the
    store's cache), so each engine call reads the texts it would read in-process: argos's output depends
    on what else is in the batch (its shortlist is the batch's), and the stored rows stay the same.
    With ``force`` every document is translated again whole, as in-process.
    """
    owned: set[tuple[str, str]] = set()
    todo = []
    for doc, sents, route in plans:
        signature = route.signature()
        texts = texts_to_translate(store, doc, sents, route, force=force, batch_size=batch_size)
        if not force:
            texts = [t for t in texts if (signature, t) not in owned]
            owned.update((signature, t) for t in texts)
        todo.append(texts)
    return todo


def translate_on_cluster(
    client: Client, docs: str | Document | Sequence[str | Document] | None, store: Store, *, to: str,
    engines: Sequence[str] | str | None = None, pivot: bool = True, force: bool = False, batch_size: int = 64,
    batch_sentences: int = BATCH_SENTENCES, progress: Progress | bool | None = None,
) -> TranslateReport:  # fmt: skip
    """``pipeline.translate`` with the engines on a Dask cluster: the same routes, rows, report and errors.

    Documents are batched whole (about ``batch_sentences`` sentences to translate per task); a worker loads
    each route's models once and keeps them; this process stores each batch as it comes back, keyed by
    (document, sentence, route signature), so a batch done twice (a worker killed after it finished)
    writes the same rows, and a killed worker's batch is redone elsewhere before anything of it is stored.

    Args:
        client: the cluster (``annot.batch.open_client``).
        docs, store, to, engines, pivot, force, batch_size, progress: as ``pipeline.translate``.
        batch_sentences: sentences a task aims at.

    Returns:
        The report, as ``pipeline.translate``'s.

    Raises:
        ModelNotInstalled, EngineNotInstalled, EngineError: as ``pipeline.translate``.
        ClusterError: a worker's models differ from this process's, or a batch kept killing its workers.
    """
    report, plans = plan_translation(docs, store, to=to, engines=engines, pivot=pivot)
    todo = _texts_per_plan(store, plans, force=force, batch_size=batch_size)
    total = sum(len(sents) for _, sents, _ in plans)
    started = time.perf_counter()
    with resolve_progress(progress, f"translating to {to}") as update:
        done = 0
        arrived: dict[int, Answers] = {i: Answers() for i, texts in enumerate(todo) if not texts}
        stored = 0  # plans stored so far: always a prefix of ``plans``

        def store_arrived() -> None:
            # In plan order, as in-process: a text shared with an earlier document is copied from its translation.
            nonlocal done, stored
            while stored in arrived:
                doc, sents, route = plans[stored]
                answered = AnsweredRoute(route, arrived.pop(stored))
                run = translate_document(store, doc, sents, answered, force=force, batch_size=batch_size)  # type: ignore[arg-type]
                report.runs.append(run)
                done += len(sents)
                stored += 1
                if update is not None:
                    update(done, total, f"{doc.id} {route.name}")

        busy = [i for i, texts in enumerate(todo) if texts]
        batches = [[busy[i] for i in part] for part in partition([len(todo[i]) for i in busy], batch_sentences)]

        def keys(index: int) -> tuple[RouteKey, list[str]]:
            route = plans[index][2]
            return (route.name, route.source, route.target, pivot, route.signature()), todo[index]

        def store_batch(number: int, answers: list[Answers]) -> None:
            arrived.update(zip(batches[number], answers))
            store_arrived()

        store_arrived()
        run_batches(client, translate_texts, [[keys(i) for i in batch] for batch in batches], args=(batch_size,),
                    on_result=store_batch, name="annot-translate")  # fmt: skip
    report.seconds = time.perf_counter() - started
    raise_failures(report)
    return report


def plan_suggestions(
    inputs: Sequence[DocumentInput], names: tuple[str, ...], ner: bool, known: list[KnownActor],
    min_confidence: float,
) -> tuple[dict[str, str], list[DocumentPlan]]:  # fmt: skip
    """On a worker: each document's suggestions found and decided (``plan_document``), suggesters built once.

    Args:
        inputs: per document, what suggesting reads from the store (``DocumentInput.read`` on the client).
        names: the suggesters, STANCE's included: it reads the actors the others suggest in the same plan.
        ner: build the actor suggester with NER (``choose_suggesters``).
        known: the project's actors.
        min_confidence: as ``plan_document``.

    Returns:
        The suggesters' versions by name, and one plan per document.
    """
    chosen = worker_cached(("suggesters", names, ner), lambda: choose_suggesters(list(names), ner=ner))
    plans = [plan_document(given, chosen, known, min_confidence)[0] for given in inputs]
    return {s.name: s.version for s in chosen}, plans


def suggest_on_cluster(
    client: Client, store: Store, docs: str | Document | Sequence[str | Document] | None = None, *,
    only: str | Sequence[str] | None = None, min_confidence: float = 0.0, ner: bool = False,
    batch_sentences: int = BATCH_SENTENCES, progress: Progress | bool | None = None,
) -> SuggestReport:  # fmt: skip
    """``suggestion_layer.suggest_documents`` with the suggesters on a Dask cluster: the same spans and report.

    The client reads each document's spans (``DocumentInput``) and sends batches of documents to the workers,
    which run every suggester, STANCE's last, and decide what is new (``plan_document``). The client stores
    each batch's plans as they arrive (``store_plan``), in one transaction per batch, deciding again against
    what the annotators tagged meanwhile: a suggestion already stored is not stored again, so a batch handed over
    twice adds nothing.

    Args:
        client: the cluster (``annot.batch.open_client``).
        store, docs, only, min_confidence, ner, progress: as ``suggest_documents``.
        batch_sentences: sentences a task aims at.

    Returns:
        The report, as ``suggest_documents``'.

    Raises:
        SuggesterError, NotFound, SchemaError: as ``suggest_documents``.
        ClusterError: a worker's suggesters have other versions than this process's.
    """
    check_min_confidence(min_confidence)
    chosen = choose_suggesters(only, ner=ner)
    documents = stored_documents(store, docs)
    known = known_actors(store)
    inputs = [DocumentInput.read(store, doc) for doc in documents]
    units = [len(given.sentences) * len(chosen) for given in inputs]
    versions_here = {s.name: s.version for s in chosen}
    report = SuggestReport()
    started = time.perf_counter()
    with resolve_progress(progress, "suggesting") as update:
        done = 0

        def store_batch(number: int, result: tuple[dict[str, str], list[DocumentPlan]]) -> None:
            nonlocal done
            versions, plans = result
            for name, version in versions.items():
                if version != versions_here[name]:
                    raise ClusterError(
                        f"A worker's {name} suggester is version {version}, this one {versions_here[name]}:"
                        " install the same annot on every worker, then run again."
                    )
            with store.transaction():  # one commit per batch: the disk's flush, not the rows, is the cost
                for index, plan in zip(batches[number], plans):
                    report.runs.extend(store_plan(store, documents[index], plan))
            for index in batches[number]:
                report.sentences += len(inputs[index].sentences)
                done += units[index]
                if update is not None:
                    update(done, sum(units), documents[index].id)

        batches = partition([len(given.sentences) for given in inputs], batch_sentences)
        items = [[inputs[i] for i in batch] for batch in batches]
        names = tuple(s.name for s in chosen)
        run_batches(client, plan_suggestions, items, args=(names, ner, known, min_confidence),
                    on_result=store_batch, name="annot-suggest")  # fmt: skip
    order = {doc.id: n for n, doc in enumerate(documents)}
    report.runs.sort(key=lambda run: order[run.doc_id])
    report.seconds = time.perf_counter() - started
    return report
