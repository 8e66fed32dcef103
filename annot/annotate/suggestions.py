"""Suggestions for the document an annotator has open, made on a worker thread: on opening, and after each lesson.

``annot.suggest_documents`` stores suggestions as pending spans; this module
decides when the open document needs it, so nobody has to run ``annot suggest``
after ingesting:

* on opening, a document gets every suggester that has no suggestion in it
  (deleted and decided ones count): all of them for a new document, the others
  for one ``annot suggest --only quantities`` was run on; and the actor
  suggester again when the project's accepted actors changed since this
  process last ran it there (a lesson learned in another document reaches this one);
* on opening, a document that is a linked version of annotated ones (``annot
  link``, with a stored alignment) gets their spans as pending suggestions,
  through their stored projection (``annot.project.stored.refresh_projection``);
* after the annotator accepts, corrects or tags an ACTOR (``learns``), the
  actor suggester runs again over the document, so the same name is suggested
  in the sentences still to come.

Every run is idempotent, so a run too many costs time, never a duplicate.
``$ANNOT_SUGGEST=0`` turns background suggestions off wherever the caller
leaves the choice to the environment (``wanted``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal, TypedDict

from annot.annotate.workers import join_workers
from annot.errors import AnnotError
from annot.model import Document, Origin, Span, Status
from annot.suggest import annotator_name, suggester_names
from annot.suggestion_layer import known_actors, suggest_documents

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["BackgroundSuggester", "SuggestState", "learns", "wanted"]

_log = logging.getLogger(__name__)

_Job = Literal["open", "actors"]

# (store folder, document version) -> the project's known actors when the actor suggester last ran there,
# in this process: opening the document again runs it only when they changed.
_ran_with: dict[tuple[str, str], int] = {}
_ran_lock = threading.Lock()


class SuggestState(TypedDict):
    """Where the suggestions of the open document stand (``status`` "idle" until the first run ends)."""

    status: Literal["idle", "running", "done", "error"]
    added: int  # suggestions the last run stored
    error: str  # one line when status is "error", else ""


def wanted(setting: bool | None = None) -> bool:
    """Whether to suggest in the background: ``setting``, or when ``None``, yes unless ``$ANNOT_SUGGEST`` says no.

    ``0``, ``no``, ``off`` and ``false`` (any case) say no; anything else, or nothing, yes.
    """
    if setting is not None:
        return setting
    return os.environ.get("ANNOT_SUGGEST", "").strip().lower() not in ("0", "no", "off", "false")


def learns(span: Span) -> bool:
    """Whether a span left so by an edit teaches the actor suggester: an accepted ACTOR (``known_actors``' rule)."""
    return span.label == "ACTOR" and span.status == Status.ACCEPTED


def _fingerprint(store: Store) -> int:
    return hash(tuple(sorted(known_actors(store), key=repr)))


class BackgroundSuggester:
    """Runs ``annot.suggest_documents`` for one document on a worker thread, one run at a time.

    ``opened`` and ``learn`` return at once; one daemon thread works through the
    queued runs (a run already queued is not queued twice). The store is shared
    with the caller's thread: its one SQLite connection is serialized by a lock,
    and each run's suggestions are written in one transaction. A read-only store
    gets no suggestions.

    ``on_update(state)`` is called **on the worker thread** after each run that
    stored suggestions (status "done") and on failure (status "error"); it should
    be quick and must not wait for the worker (no ``join``). An exception it raises
    is logged, and the work goes on.

    Args:
        store: the project.
        document: the open document version.
        on_update: called with a copy of the state after a run that changed something.
    """

    def __init__(self, store: Store, document: Document, on_update: Callable[[SuggestState], None]) -> None:
        self.store = store
        self.document = document
        self.on_update = on_update
        self._key = (str(store.path.resolve()), document.id)
        self._lock = threading.Lock()
        self._queue: list[_Job] = []
        self._thread: threading.Thread | None = None
        self._closed = False
        self._state = SuggestState(status="idle", added=0, error="")

    def state(self) -> SuggestState:
        """The state after the last run."""
        with self._lock:
            return self._state.copy()

    def opened(self) -> bool:
        """Suggest on the document if it needs it (see the module docstring); whether a run was queued."""
        return self._queue_run("open")

    def learn(self, spans: Iterable[Span]) -> bool:
        """After an edit leaving ``spans`` so: run the actor suggester again if one of them ``learns``.

        Returns:
            Whether a run was queued.
        """
        return any(learns(span) for span in spans) and self._queue_run("actors")

    def _queue_run(self, job: _Job) -> bool:
        if self.store.read_only:
            return False
        with self._lock:
            if self._closed:
                return False
            if job not in self._queue:
                self._queue.append(job)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name=f"annot-suggest-{self.document.id[:12]}", daemon=True
                )
                self._thread.start()
        return True

    def _work(self) -> None:
        while True:
            with self._lock:
                if self._closed or not self._queue:
                    self._thread = None
                    return
                job = self._queue.pop(0)
                self._state = SuggestState(status="running", added=0, error="")
            try:
                added = self._run(job)
                state = SuggestState(status="done", added=added, error="")
            except AnnotError as exc:
                state = SuggestState(status="error", added=0, error=" ".join(str(exc).split()))
            except Exception as exc:  # a bug: logged with its traceback, shown, and the queue goes on
                _log.exception("suggesting on %s failed", self.document.id)
                error = f"unexpected error (a bug, please report it): {exc!r}"
                state = SuggestState(status="error", added=0, error=error)
            with self._lock:
                self._state = state
                if self._closed:  # after close(), nobody is listening
                    continue
            if state["status"] == "error" or state["added"]:
                self._notify(state.copy())

    def _run(self, job: _Job) -> int:
        """Run what ``job`` needs; the number of suggestions stored."""
        known = _fingerprint(self.store)  # before the run: a lesson learned meanwhile queues its own run
        only = ["actors"]
        if job == "open":
            only = self._never_ran()
            with _ran_lock:
                learned = _ran_with.get(self._key) != known
            if learned and "actors" not in only:
                only.append("actors")
            offered = self._projected()
            if not only:
                return offered
            return offered + self._suggest(only, known)
        return self._suggest(only, known)

    def _suggest(self, only: list[str], known: int) -> int:
        """Run the suggesters ``only`` on the document; the number of suggestions stored."""
        doc = self.document
        report = suggest_documents(self.store, doc, only=only)
        with _ran_lock:
            _ran_with[self._key] = known
        return report.count("added")

    def _projected(self) -> int:
        """Offer the spans of the documents this one is a version of (``annot link``) as pending suggestions.

        For each linked document in another language with a stored alignment and accepted spans, its stored
        projection into this document's language is brought up to date (``refresh_projection``: computed
        again only when stale, from the word lexicons already cached; no engine runs here), which offers its
        spans here. Returns how many were offered for the first time.
        """
        from annot.project.stored import refresh_projection

        doc, added = self.document, 0
        for link in self.store.links(doc.id):
            for other_id in (link.doc_a, link.doc_b):
                other = self.store.document(other_id)
                if other.key == doc.key or other.lang == doc.lang or not self.store.aligned_versions(other.id, doc.id):
                    continue
                if next(iter(self.store.iter_spans(other.id, status="accepted")), None) is None:
                    continue
                added += refresh_projection(self.store, other, doc.lang, lexicon="cached").added
        return added

    def _never_ran(self) -> list[str]:
        """The suggesters with no suggestion in the document, deleted or decided ones included.

        A suggester that ran and found nothing is among them: running it again costs a
        few milliseconds and stores nothing twice.
        """
        made = {s.annotator for s in self.store.iter_spans(self.document.id, include_deleted=True)
                if s.origin == Origin.SUGGESTED}  # fmt: skip
        return [name for name in suggester_names() if not any(a.startswith(annotator_name(name, "")) for a in made)]

    def _notify(self, state: SuggestState) -> None:
        try:
            self.on_update(state)
        except Exception:  # a bug in the view must not stop the suggestions
            _log.exception("on_update failed for the suggestions of %s", self.document.id)

    def join(self, timeout: float | None = None) -> bool:
        """Wait until no run is left (for tests and notebooks; never from ``on_update``).

        Returns:
            True when the worker is idle, False when ``timeout`` seconds passed first.
        """

        def alive() -> list[threading.Thread]:
            with self._lock:
                return [self._thread] if self._thread is not None else []

        return join_workers(alive, timeout)

    def close(self) -> None:
        """Forget the queued runs; the one running finishes (its suggestions are stored) and tells nobody.

        Returns at once; ``join()`` waits for the worker to finish.
        """
        with self._lock:
            self._closed = True
            self._queue.clear()
