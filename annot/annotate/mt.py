"""The MT pane's logic: installed targets, stored translations with fidelity flags, background translation."""

from __future__ import annotations

import logging
import threading
import warnings
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypedDict

from annot.annotate.workers import join_workers
from annot.compare.aliases import add_alias, sentence_actors, span_actors
from annot.compare.flags import Flag, dismissed_flags, failed_flag, translation_flags
from annot.errors import AnnotError, SpanError
from annot.model import Document
from annot.pipeline import only_sentences_failed, translate
from annot.schema import project_folder
from annot.translate import (
    base_engine,
    choose_route,
    newest_by_route,
    rank_engines,
    reachable,
    route_kind,
    stored_route_name,
)

if TYPE_CHECKING:
    from annot.model import Sentence, Span
    from annot.store import Store

__all__ = ["BackgroundTranslator", "Flag", "JobState", "MTRow", "decide_flag", "mt_rows", "reference_flags", "targets"]

_log = logging.getLogger(__name__)


# -- installed targets -----------------------------------------------------------


def targets(source: str, project: Store | str | Path | None = None) -> dict[str, list[str]]:
    """The languages installed engines translate ``source`` into, and the engines the pane offers for each, best first.

    A thin view of ``annot.translate.reachable``: an engine is offered for a
    target when a route reaching it belongs to the engine (its own pair, its own
    pivot, or a pivot with another installed engine's help: the route
    ``annot.translate(..., engines=[name])`` takes). Engines missing their
    backend are left out. Each list is in the order of
    ``annot.translate.rank_engines`` (the project's ``[translate] prefer``, then
    neural before rule-based, fewer hops, name), compare's column order too; its
    first engine is the one the pane shows first. Cheap to call again.

    Args:
        source: ISO 639-1 code of the document's language.
        project: the store or project folder whose ``[translate] prefer`` list applies.

    Returns:
        Target language -> engine names, by language: ``{"pt": ["argos", "bergamot", "apertium"], ...}``.

    Raises:
        SchemaError: the project's ``[translate]`` table is invalid.
    """
    folder = None if project is None else project_folder(project)
    return {
        target: rank_engines({base_engine(name) for name in names}, source, target, project=folder)
        for target, names in reachable(source).items()
    }


# -- stored translations with fidelity flags ---------------------------------------


class MTRow(TypedDict):
    """One route's translation of a sentence, as the MT pane shows it (a wire message to the browser)."""

    engine: str  # the route's name: "argos", or "argos+apertium" for argos with apertium's help for one hop
    base: str  # the engine the route belongs to (the engine dropdown's entry): "argos"
    kind: str  # the engine's kind: "neural" or "rule-based" (annot.translate.route_kind)
    route: str  # the languages it went through: "en>pt", "en>es>pt"
    text: str  # "" when the engine failed on the sentence (its "failed" flag says why)
    model: str
    signature: str
    numbers_ok: bool  # no numbers flag left to show (none, or dismissed)
    numbers: str  # ``check_numbers(...).describe()``: "ok", or "missing 9000; added 900" (dismissed or not)
    flags: list[Flag]  # numbers first, then lost actors in sentence order; dismissed ones marked, not dropped


def mt_rows(
    store: Store, doc_id: str, sentence: Sentence, target: str, names: Sequence[str] | None = None, *,
    spans: Sequence[Span] | None = None,
) -> list[MTRow]:  # fmt: skip
    """The stored translations of ``sentence`` into ``target``, one per route, best first, with fidelity flags.

    Nothing is translated here (see ``BackgroundTranslator``). When a route
    has several translations of the sentence (an older model's and a newer
    one's), the newest is shown. Rows are in the order of
    ``annot.translate.rank_engines`` (the order of ``targets``, and of compare's
    columns). The flags are compare's (``annot.compare.flags``): a numbers
    flag, and one flag per tagged actor of the sentence whose names (text,
    canonical name, CLDR names, the project's ``[aliases]``) are all lost. A
    flag dismissed with ``Store.dismiss_flag`` is returned with ``dismissed``
    True, so the pane can show it faded and take the dismissal back
    (``Store.undismiss_flag``); ``numbers_ok`` is then True. A route that failed
    on the sentence (``Store.get_translation_failures``) and has no translation
    of it gets a row with no text and one flag, ``failed``, saying why.

    Args:
        store: the project.
        doc_id: the sentence's document version.
        sentence: the sentence (its ``index`` and ``text`` are used).
        target: ISO 639-1 code of the translations.
        names: ignored, and deprecated: the names come from the sentence's ACTOR spans.
        spans: the spans starting in the sentence, when the caller holds them (the annotator's
            session); else its ACTOR spans are read from the store (the whole document's, cached).

    Returns:
        One row per route (a name stored by an older annot is read as today's,
        ``annot.translate.stored_route_name``).

    Raises:
        SchemaError: the project's ``[aliases]`` or ``[translate]`` table is invalid.
    """
    if names is not None:
        warnings.warn("mt_rows(names=...) is ignored: the flags come from the sentence's ACTOR spans; drop the"
                      " argument.", DeprecationWarning, stacklevel=2)  # fmt: skip
    stored = store.get_translations(doc_id, target=target, index=sentence.index)
    newest = {name: by_index[sentence.index] for name, by_index in newest_by_route(stored).items()}
    failures = {}
    for failure in store.get_translation_failures(doc_id, target=target, index=sentence.index):
        name = stored_route_name(failure.engine, failure.route, failure.signature)
        if name not in newest:
            failures[name] = failure
    if not newest and not failures:
        return []
    source = next(iter([*newest.values(), *failures.values()])).source_lang
    if spans is not None:
        actors = span_actors(store, spans, target)
    else:
        actors = sentence_actors(store, doc_id, target).get(sentence.index, [])
    dismissed = dismissed_flags(store, doc_id, sentence.index)
    rows = []
    for name in rank_engines([*newest, *failures], source, target, project=store.path):
        if name in failures:
            failure = failures[name]
            flag = failed_flag(failure.reason, dismissed.get((sentence.index, name), frozenset()))
            rows.append(MTRow(
                engine=name, base=base_engine(name), kind=route_kind(name), route=failure.route, text="",
                model=failure.model, signature=failure.signature, numbers_ok=True, numbers="ok", flags=[flag],
            ))  # fmt: skip
            continue
        tr = newest[name]
        flags = translation_flags(sentence.text, tr.text, actors, dismissed.get((sentence.index, name), frozenset()))
        rows.append(MTRow(
            engine=name, base=base_engine(name), kind=route_kind(name), route=tr.route, text=tr.text,
            model=tr.model, signature=tr.signature,
            numbers_ok=not any(f["kind"] == "numbers" and not f["dismissed"] for f in flags),
            numbers=next((f["value"] for f in flags if f["kind"] == "numbers"), "ok"), flags=flags,
        ))  # fmt: skip
    return rows


# -- translating in the background ---------------------------------------------------


_Status = Literal["idle", "running", "done", "error"]


class JobState(TypedDict):
    """Where translating the document into ``target`` with ``engine`` stands."""

    target: str
    engine: str
    status: _Status
    done: int  # sentences with a translation by the engine's current signature
    total: int  # sentences in the document
    error: str  # one line when status is "error", else ""


@dataclass(slots=True, eq=False)
class _Job:
    state: JobState
    pending: list[int]  # sentence indexes still to translate, in order
    signature: str
    retry: bool = False  # translate again the sentences the engine failed on before


def reference_flags(
    store: Store, doc_id: str, indexes: Sequence[int], source: str, text: str, target: str
) -> list[Flag]:
    """The flags of a linked version of sentences ``indexes`` (``text``), by the engines' rule (compare's).

    Args:
        store: the project.
        doc_id: the document version the sentences belong to.
        indexes: the sentences the linked text matches (one bead of the alignment).
        source: their text, joined.
        text: the linked version's text.
        target: its language.
    """
    actors = sentence_actors(store, doc_id, target)
    return translation_flags(source, text, [a for i in indexes for a in actors.get(i, [])])


def decide_flag(
    store: Store, doc_id: str, index: int, route: str, flag: Flag, action: str, *, alias: str = "",
    annotator: str | None = None,
) -> str:  # fmt: skip
    """Act on a flag of the ``route`` translation of sentence ``index``; return what was done, for people.

    Args:
        store: the project.
        doc_id: the document version.
        index: the sentence.
        route: the translation's route name (``MTRow["engine"]``).
        flag: the flag, as ``mt_rows`` returned it.
        action: ``dismiss`` (the translation is fine: stored, hidden from the pane and compare),
            ``undismiss`` (show it again), or ``alias`` (``alias`` is how the translation writes the
            flagged name: it joins the name's group in the project's ``[aliases]``).
        alias: the name as the translation writes it, for ``alias``.
        annotator: who decided; the store's annotator when ``None``.

    Raises:
        SpanError: an unknown action, an alias for a numbers flag, or a blank alias.
        SchemaError, OutputError: ``annot.toml`` cannot be read or written.
    """
    if action == "dismiss":
        store.dismiss_flag(doc_id, index, route, flag["kind"], flag["value"], annotator=annotator)
        return f"flag dismissed: {flag['text']} ({route})"
    if action == "undismiss":
        store.undismiss_flag(doc_id, index, route, flag["id"])
        return f"flag shown again: {flag['text']} ({route})"
    if action == "alias":
        alias = " ".join(alias.split())
        if not flag["aliasable"]:
            raise SpanError(f"The flag {flag['text']!r} is not a name; only a name flag can become an alias.")
        if not alias:
            raise SpanError("Type or select the name as the translation writes it, then press Enter.")
        return "alias added: " + " = ".join(add_alias(store, flag["value"], alias))
    raise SpanError(f"Unknown flag action {action!r}; valid: dismiss, undismiss, alias.")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


class BackgroundTranslator:
    """Translates one document sentence batch by sentence batch on a worker thread.

    ``ensure`` returns at once; one daemon thread works through the queued
    (target, engine) jobs, one at a time (two neural engines on a small machine
    only slow each other down), storing each batch through ``annot.translate``
    so the store's cache applies (a sentence translated before with the same
    signature is copied, not translated again). The store is shared with the
    caller's thread: its one SQLite connection is serialized by a lock.

    ``on_update(state)`` is called **on the worker thread** after each stored
    batch (status "running", or "done" after the last) and on failure (status
    "error"); it should be quick and must not wait for the worker (no ``join``).
    An exception it raises is logged, and the work goes on.

    Args:
        store: the project.
        doc_id: the document (a ``Document``, or any reference ``Store.document`` accepts; that version).
        on_update: called with a copy of a job's state as it changes.
        batch_size: sentences per stored batch.
        sentences: how many sentences the document has, if known (read from the store otherwise).

    Raises:
        NotFound: no such document.
    """

    def __init__(
        self, store: Store, doc_id: str | Document, on_update: Callable[[JobState], None], *, batch_size: int = 8,
        sentences: int | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        # A Document and its sentence count, when the caller has them, save reading a long document twice.
        self.document = doc_id if isinstance(doc_id, Document) else store.document(doc_id)
        self.doc_id = self.document.id
        self.on_update = on_update
        self.batch_size = max(1, batch_size)
        count = sentences if sentences is not None else len(store.get_sentences(self.document))
        self._indexes = list(range(count))
        self._lock = threading.Lock()
        self._states: dict[tuple[str, str], JobState] = {}
        self._queue: deque[_Job] = deque()  # the job being worked on first
        self._complete: set[tuple[str, str, str]] = set()  # (target, engine, signature) all stored
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()  # the current worker's
        self._threads: list[threading.Thread] = []

    def _new_state(self, target: str, engine: str, status: _Status, done: int = 0, error: str = "") -> JobState:
        return JobState(target=target, engine=engine, status=status, done=done, total=len(self._indexes), error=error)

    def _set(self, target: str, engine: str, status: _Status, done: int, error: str = "") -> JobState:
        """Record the state of a job that is not queued, and return a copy."""
        with self._lock:
            state = self._states[(target, engine)] = self._new_state(target, engine, status, done, error)
            return state.copy()

    def state(self, target: str, engine: str) -> JobState:
        """The last known state of a job (status "idle" and ``done`` 0 when it was never ensured)."""
        with self._lock:
            known = self._states.get((target, engine))
            return known.copy() if known is not None else self._new_state(target, engine, "idle")

    def _queued(self, target: str, engine: str) -> _Job | None:
        for job in self._queue:
            if (job.state["target"], job.state["engine"]) == (target, engine):
                return job
        return None

    @staticmethod
    def _prioritize(job: _Job, first: Sequence[int]) -> None:
        if not first:
            return
        pending = set(job.pending)
        front = [i for i in dict.fromkeys(first) if i in pending]
        if front:
            ahead = set(front)
            job.pending = front + [i for i in job.pending if i not in ahead]

    def ensure(self, target: str, engine: str, first: Sequence[int] = (), *, retry: bool = False) -> JobState:
        """Make sure every sentence gets a translation into ``target`` by ``engine``; return at once.

        What is missing (no translation with the engine's current signature for
        the route ``annot.translate`` takes) is queued: the sentences ``first``
        (the visible window), then the rest in document order. Asking again for
        a queued or running job only moves ``first`` to the front of its queue.

        Args:
            target: ISO 639-1 code of the translations.
            engine: an engine or route name (see ``targets``).
            first: sentence indexes to translate before the others.
            retry: start again a job that failed; without it, a failed job keeps
                its error (moving through the document does not retry it each time).

        Returns:
            The job's state: "done" when everything is stored (no thread is
            started), "running" when queued or working, "error" when the engine
            cannot translate the pair (the message says why; nothing is queued).
        """
        with self._lock:
            job = self._queued(target, engine)
            if job is not None:
                self._prioritize(job, first)
                return job.state.copy()
            failed = self._states.get((target, engine))
            if failed is not None and failed["status"] == "error" and not retry:
                return failed.copy()
        source = self.document.lang
        if source == target:  # a route may exist (en>pt>en) but annot.translate skips such documents
            return self._set(target, engine, "error", 0, f"Document {self.doc_id} is already in {source}.")
        try:
            signature = choose_route(engine, source, target).signature()
        except AnnotError as exc:
            return self._set(target, engine, "error", 0, _one_line(exc))
        if (target, engine, signature) in self._complete:
            return self._set(target, engine, "done", len(self._indexes))
        have = {tr.index for tr in self.store.get_translations(self.doc_id, target=target) if tr.signature == signature}
        if not retry:  # sentences the engine failed on are flagged in the pane, not tried on every move
            have |= {f.index for f in self.store.get_translation_failures(self.doc_id, target=target)
                     if f.signature == signature}  # fmt: skip
        missing = [i for i in self._indexes if i not in have]
        if not missing:
            self._complete.add((target, engine, signature))
            return self._set(target, engine, "done", len(self._indexes))
        with self._lock:
            job = self._queued(target, engine)  # queued by another thread meanwhile
            if job is not None:
                self._prioritize(job, first)
                return job.state.copy()
            state = self._states[(target, engine)] = self._new_state(
                target, engine, "running", len(self._indexes) - len(missing)
            )
            job = _Job(state, missing, signature, retry)
            self._prioritize(job, first)
            self._queue.append(job)
            if self._thread is None:
                self._start()
            return state.copy()

    def _start(self) -> None:
        """Start a worker (lock held); it first waits for a stopped one to finish its batch."""
        previous = self._threads[-1] if self._threads else None
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._work, args=(self._stop, previous), name=f"annot-mt-{self.doc_id[:12]}", daemon=True
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [self._thread]
        self._thread.start()

    def _work(self, stop: threading.Event, previous: threading.Thread | None) -> None:
        if previous is not None:
            previous.join()  # one worker at a time, even just after close()
        while True:
            with self._lock:
                if stop.is_set() or not self._queue:
                    if self._thread is threading.current_thread():
                        self._thread = None
                    return
                job = self._queue[0]
                batch = job.pending[: self.batch_size]
                del job.pending[: self.batch_size]
            state = self._run(job, batch)
            if not stop.is_set():  # after close(), nobody is listening
                self._notify(state)

    def _run(self, job: _Job, batch: list[int]) -> JobState:
        """Translate and store one batch; return the job's new state."""
        target, engine = job.state["target"], job.state["engine"]
        try:
            translate(self.document, self.store, to=target, engines=[engine], sentences=batch, progress=None,
                      retry_failed=job.retry)  # fmt: skip
        except AnnotError as exc:
            if not only_sentences_failed(exc):  # a sentence the engine failed on alone is stored, flagged: go on
                return self._fail(job, _one_line(exc))
        except Exception as exc:  # a bug: logged with its traceback, shown, and the queue goes on
            _log.exception("translating %s into %s with %s failed", self.doc_id, target, engine)
            return self._fail(job, f"unexpected error (a bug, please report it): {exc!r}")
        with self._lock:
            job.state["done"] += len(batch)
            if not job.pending:
                job.state["status"] = "done"
                self._complete.add((target, engine, job.signature))
                self._drop(job)
            return job.state.copy()

    def _drop(self, job: _Job) -> None:
        if job in self._queue:
            self._queue.remove(job)

    def _fail(self, job: _Job, error: str) -> JobState:
        with self._lock:
            job.state["status"] = "error"
            job.state["error"] = error
            self._drop(job)
            return job.state.copy()

    def _notify(self, state: JobState) -> None:
        try:
            self.on_update(state)
        except Exception:  # a bug in the view must not stop the translations
            _log.exception("on_update failed for %s->%s with %s", self.document.lang, state["target"], state["engine"])

    def join(self, timeout: float | None = None) -> bool:
        """Wait until no job is left (for tests and notebooks; never from ``on_update``).

        Returns:
            True when the worker is idle, False when ``timeout`` seconds passed first.
        """

        def alive() -> list[threading.Thread]:
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                return list(self._threads)

        return join_workers(alive, timeout)

    def close(self) -> None:
        """Stop after the batch being translated (it is stored) and forget the queued jobs.

        Returns at once; ``join()`` waits for the worker to finish. Unfinished jobs
        go back to status "idle"; a later ``ensure`` starts again.
        """
        with self._lock:
            self._stop.set()
            self._thread = None
            for job in self._queue:
                job.state["status"] = "idle"
            self._queue.clear()
