"""The MT pane's logic: installed targets, stored translations with their projection and fidelity flags,
background translation (and each route's word lexicon, which projection places spans with)."""

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
from annot.compare.aliases import add_alias
from annot.compare.flags import Flag, failed_flag, fidelity_flag
from annot.errors import AnnotError, SpanError
from annot.model import Document, Status
from annot.pipeline import only_sentences_failed, translate
from annot.project.fidelity import dismissed_flags
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
    from annot.project.cached import DocumentProjection
    from annot.project.fidelity import FidelityFlag
    from annot.project.targets import Target
    from annot.store import Store

__all__ = [
    "BackgroundTranslator",
    "Flag",
    "JobState",
    "MTRow",
    "Projected",
    "decide_flag",
    "mt_rows",
    "projection_ready",
    "reference_flags",
    "reference_view",
    "targets",
    "warm_projection",
]

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


class Projected(TypedDict):
    """A source span (or a part of one) found in a translation: where, so the pane can paint it."""

    start: int  # code points in the row's text, half-open
    end: int
    label: str  # the source span's label ("ACTOR"); an added thing's kind ("QUANTITY", "TIME", "ACTOR")
    part: str  # "span", "cue" or "holder" of a STANCE, or "added" (the translation has it, the source not)
    span_id: str | None  # the source span (None for "added")
    status: str  # "kept", "changed" or "added" (a lost one has no place: its flag says so)
    source_text: str  # the source unit's text ("" for "added")
    detail: str  # what changed, for people ("qualifier approximately -> exact"), or ""


class MTRow(TypedDict):
    """One route's translation of a sentence, as the MT pane shows it (a wire message to the browser)."""

    engine: str  # the route's name: "argos", or "argos+apertium" for argos with apertium's help for one hop
    base: str  # the engine the route belongs to (the engine dropdown's entry): "argos"
    kind: str  # the engine's kind: "neural" or "rule-based" (annot.translate.route_kind)
    route: str  # the languages it went through: "en>pt", "en>es>pt"
    text: str  # "" when the engine failed on the sentence (its "failed" flag says why)
    model: str
    signature: str
    numbers_ok: bool  # no flag about a number left to show (number style, a QUANTITY lost, changed or added)
    numbers: str  # those flags' chips, "; "-joined (dismissed or not), or "ok"
    flags: list[Flag]  # projection's (annot.project.fidelity order); dismissed ones marked, not dropped
    projected: list[Projected]  # the sentence's spans found in ``text``, by start
    checked: bool  # the flags and spans come from projection (False while the kernel's first one is computed)


# Languages a projection into was computed in this process: their one-time loads (word frequencies, CLDR
# names, spellings; seconds) are done, and a document's projection takes a fraction of a second from then on.
_warmed: set[str] = set()


def projection_ready(target: str) -> bool:
    """Whether a projection into ``target`` was computed in this process: the next one loads nothing (seconds)."""
    return target in _warmed


def warm_projection(store: Store, doc_id: str, target: str) -> None:
    """Compute the document's projection into ``target`` (and the process's one-time loads): for a worker thread,
    so that ``mt_rows`` is quick from then on (``projection_ready``)."""
    _projection(store, doc_id, target)


def _projection(store: Store, doc_id: str, target: str) -> DocumentProjection:
    from annot.project.cached import document_projection

    found = document_projection(store, doc_id, target)
    _warmed.add(target)
    return found


def _number_flag(flag: Flag, label: str) -> bool:
    return flag["kind"] == "number style" or (label == "QUANTITY" and flag["kind"] in ("lost", "changed", "added"))


def _about(flag: FidelityFlag, rows: Sequence[dict]) -> dict:
    """The projection row a flag is about: its span's part placed where the flag is (the ACTOR's rather than
    a STANCE's holder at the same place), or the added row there; ``{}`` for a sentence-wide finding."""
    here = [r for r in rows if r["target_start"] == flag.start and r["target_end"] == flag.end]
    if flag.span_id is None:
        return next((r for r in here if r["part"] == "added"), {}) if flag.start is not None else {}
    own = [r for r in here if r["span_id"] == flag.span_id] or [r for r in rows if r["span_id"] == flag.span_id]
    if own and own[0]["part"] == "holder" and flag.start is not None:
        return next((r for r in here if r["label"] == "ACTOR"), own[0])
    return own[0] if own else {}


def _wire_flags(
    found: Sequence[FidelityFlag], rows: Sequence[dict], dismissed: frozenset[str] = frozenset()
) -> list[tuple[Flag, str]]:
    """Each flag's wire form (``annot.compare.flags.fidelity_flag``) and the label of what it is about ("" if none)."""
    out = []
    for flag in found:
        row = _about(flag, rows)
        source = str(row.get("source_text") or "") if flag.span_id is not None else ""
        label = str(row.get("label") or "")
        out.append((fidelity_flag(flag, dismissed, source_text=source, label=label), label))
    return out


def _projected(rows: Sequence[dict]) -> list[Projected]:
    """The placed rows (offsets in the shown text) as the pane paints them, by start, the longest first."""
    out = []
    for r in rows:
        if r["target_start"] is None or r["target_end"] is None or r["status"] == "lost":
            continue
        out.append(Projected(start=int(r["target_start"]), end=int(r["target_end"]),
                             label=str(r["label"]), part=str(r["part"]), span_id=r["span_id"],
                             status=str(r["status"]), source_text=str(r["source_text"] or ""),
                             detail=str(r["detail"] or "")))  # fmt: skip
    return sorted(out, key=lambda p: (p["start"], -p["end"]))


def mt_rows(
    store: Store, doc_id: str, sentence: Sentence, target: str, names: Sequence[str] | None = None, *,
    spans: Sequence[Span] | None = None, project: bool = True,
) -> list[MTRow]:  # fmt: skip
    """The stored translations of ``sentence`` into ``target``, one per route, best first, with projection and flags.

    Nothing is translated here (see ``BackgroundTranslator``). When a route
    has several translations of the sentence (an older model's and a newer
    one's), the newest is shown. Rows are in the order of
    ``annot.translate.rank_engines`` (the order of ``targets``, and of compare's
    columns). The flags are projection's (``annot.project.fidelity``, the rule
    compare uses too): what each translation lost, changed, added, left in
    another language, wrote in a wrong number style, and a weekday or date
    lost; ``projected`` says where each accepted span of the sentence is in
    the translation. Both come from ``annot.project.document_projection``,
    computed for the whole document once and kept until the spans, the
    translations, the dismissals or the project file change. A flag dismissed
    with ``Store.dismiss_flag`` is returned with ``dismissed`` True, so the
    pane can show it faded and take the dismissal back
    (``Store.undismiss_flag``). A route that failed on the sentence
    (``Store.get_translation_failures``) and has no translation of it gets a
    row with no text and one flag, ``failed``, saying why.

    Args:
        store: the project.
        doc_id: the sentence's document version.
        sentence: the sentence (its ``index`` and ``text`` are used).
        target: ISO 639-1 code of the translations.
        names: ignored, and deprecated: the flags come from the sentence's spans.
        spans: ignored, and deprecated: projection reads the document's accepted spans from the store.
        project: False gives the rows without projection (no flags but ``failed``, ``checked`` False): what
            the widget shows while the kernel's first projection is computed in the background.

    Returns:
        One row per route (a name stored by an older annot is read as today's,
        ``annot.translate.stored_route_name``).

    Raises:
        SchemaError: the project's ``[aliases]`` or ``[translate]`` table is invalid.
    """
    if names is not None:
        warnings.warn("mt_rows(names=...) is ignored: the flags come from the sentence's spans; drop the"
                      " argument.", DeprecationWarning, stacklevel=2)  # fmt: skip
    if spans is not None:
        warnings.warn("mt_rows(spans=...) is ignored: projection reads the document's spans from the store;"
                      " drop the argument.", DeprecationWarning, stacklevel=2)  # fmt: skip
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
    dismissed = dismissed_flags(store, doc_id, sentence.index)
    found = _projection(store, doc_id, target) if project and newest else None
    rows = []
    for name in rank_engines([*newest, *failures], source, target, project=store.path):
        decided = dismissed.get((sentence.index, name), frozenset())
        if name in failures:
            failure = failures[name]
            rows.append(MTRow(
                engine=name, base=base_engine(name), kind=route_kind(name), route=failure.route, text="",
                model=failure.model, signature=failure.signature, numbers_ok=True, numbers="ok",
                flags=[failed_flag(failure.reason, decided)], projected=[], checked=found is not None,
            ))  # fmt: skip
            continue
        tr = newest[name]
        flags: list[Flag] = []
        projected: list[Projected] = []
        numbers: list[Flag] = []
        route = found.route(name) if found is not None else None
        # The projection is of the newest translations; one made since (another signature) waits for the next.
        current = route is not None and sentence.index in route.texts and route.texts[sentence.index].text == tr.text
        if found is not None and route is not None and current:
            rows_here = found.rows(sentence.index, route.name)
            wired = _wire_flags(found.flags.get((sentence.index, name), ()), rows_here, decided)
            flags = [flag for flag, _ in wired]
            numbers = [flag for flag, label in wired if _number_flag(flag, label)]
            projected = _projected(rows_here)
        rows.append(MTRow(
            engine=name, base=base_engine(name), kind=route_kind(name), route=tr.route, text=tr.text,
            model=tr.model, signature=tr.signature, numbers_ok=not any(not f["dismissed"] for f in numbers),
            numbers="; ".join(f["text"] for f in numbers) or "ok", flags=flags, projected=projected,
            checked=found is not None and current,
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


def reference_view(
    store: Store, doc_id: str, indexes: Sequence[int], source: str, text: str, target: str
) -> tuple[list[Flag], list[Projected]]:
    """The flags of a linked version of sentences ``indexes`` (``text``), by the engines' rule, and the spans of
    those sentences found in it: projection's, through the sentence alignment (``annot.project``).

    Args:
        store: the project.
        doc_id: the document version the sentences belong to.
        indexes: the sentences the linked text matches (one bead of the alignment).
        source: their text, joined by one space.
        text: the linked version's text (the bead's sentences, as in its document).
        target: its language.

    Returns:
        The flags (never dismissed: a linked version is no route) and the projected spans, offsets in ``text``.
    """
    from annot.project.fidelity import sentence_flags

    found = _projection(store, doc_id, target)
    linked = _reference_target(found.targets, indexes, text)
    if linked is None:
        return [], []
    shift = dict(linked.texts[indexes[0]].doc_sentences)
    rows = [r for i in indexes for r in found.rows(i, linked.name)]
    placed = [_in_bead(r, shift) for r in rows]
    document = store.document(found.doc_id)
    flagged = sentence_flags(source, document.lang, text, linked.lang, linked.others, placed)
    return [flag for flag, _ in _wire_flags(flagged, placed)], _projected(placed)


def _in_bead(row: dict, shift: dict[int, int]) -> dict:
    """A reference's row with its offsets moved from its target sentence's to the bead's text."""
    base = shift.get(row["target_sentence"], 0)
    start, end = row["target_start"], row["target_end"]
    return {**row, "target_start": None if start is None else base + int(start),
            "target_end": None if end is None else base + int(end)}  # fmt: skip


def _reference_target(found: Sequence[Target], indexes: Sequence[int], text: str) -> Target | None:
    for linked in found:
        here = linked.texts.get(indexes[0]) if indexes and linked.kind == "reference" else None
        if here is not None and here.text == text:
            return linked
    return None


def reference_flags(
    store: Store, doc_id: str, indexes: Sequence[int], source: str, text: str, target: str
) -> list[Flag]:
    """The flags of a linked version of sentences ``indexes`` (``reference_view``'s first half).

    Args:
        store: the project.
        doc_id: the document version the sentences belong to.
        indexes: the sentences the linked text matches (one bead of the alignment).
        source: their text, joined.
        text: the linked version's text.
        target: its language.
    """
    return reference_view(store, doc_id, indexes, source, text, target)[0]


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
            flagged actor's name -- its canonical name, else its text: it joins the name's group in the
            project's ``[aliases]``).
        alias: the name as the translation writes it, for ``alias``.
        annotator: who decided; the store's annotator when ``None``.

    Raises:
        SpanError: an unknown action, an alias for a flag that is not about an actor's name, or a blank alias.
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
            raise SpanError(f"The flag {flag['text']!r} is not about an actor's name; only such a flag can become"
                            " an alias.")  # fmt: skip
        if not alias:
            raise SpanError("Type or select the name as the translation writes it, then press Enter.")
        return "alias added: " + " = ".join(add_alias(store, _actor_name(store, flag), alias))
    raise SpanError(f"Unknown flag action {action!r}; valid: dismiss, undismiss, alias.")


def _actor_name(store: Store, flag: Flag) -> str:
    """The name a flag's actor is known by: its span's canonical name, else its text (a 0.1 name flag: its value)."""
    span_id = flag.get("span_id")
    if not span_id:
        return flag["value"]
    span = store.get_span(span_id)
    return str(span.attrs.get("canonical") or span.text)


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
        if not job.pending:
            # Before the last batch: its "done" redraws the pane once, with the words just cached (the window's
            # batch came first, so the annotator reads its translations meanwhile).
            self._fill_lexicon(target, engine)
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

    def _fill_lexicon(self, target: str, engine: str) -> None:
        """Cache the route's translations of the document's words (``annot.project.lexicon``): projection places
        spans with them. A failure is logged and translating goes on (projection then places fewer spans)."""
        from annot.project.lexicon import fill_lexicons, queries
        from annot.project.targets import Target
        from annot.project.units import source_units

        try:
            route = choose_route(engine, self.document.lang, target)
            sentences = self.store.get_sentences(self.document)
            spans = list(self.store.iter_spans(self.doc_id, status=Status.ACCEPTED))
            units = source_units(sentences, spans, self.store.schema.stance_cues(self.document.lang))
            wanted = queries({s.index: s.text for s in sentences}, units)
            # No translation of the route is needed to fill its lexicon: a target with no text stands for it.
            lexicon_target = Target(f"{route.name} {route.path}", "route", target, tuple(route.path.split(">")),
                                    engine, route.path, {})  # fmt: skip
            fill_lexicons(self.store, self.document.lang, [lexicon_target], wanted)
        except Exception:  # the translation matters more than its lexicon
            _log.warning("filling the %s lexicon of %s into %s failed", engine, self.doc_id, target, exc_info=True)

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
