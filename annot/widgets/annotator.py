"""The annotation widget: an anywidget view over ``AnnotationSession``; the browser sends intents, Python decides.

Wire protocol. Python -> browser: the synced traitlets ``window``, ``position``,
``labels``, ``status``, ``form``, ``targets`` and ``mt``. Browser -> Python:
one custom message per intent (the ``*Intent`` TypedDicts below), each with an
``id`` that ``status["ack"]`` echoes once the intent is handled, so the view
shows "saving…" until the store has committed. Every write goes through the
session to the store and is durable before ``status`` says ``saved``; an
``AnnotError`` becomes its one-line message in ``status`` (kind ``error``),
anything else propagates as a bug.

Consistency: a widget notices writes made elsewhere (another widget, notebook,
kernel or process) through ``Store.revision()``, which the view polls about
once a second, and widgets of one kernel on the same document tell each other
at once.
"""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypedDict

import anywidget
import traitlets

from annot.annotate import STANCE_FIELDS, AnnotationSession
from annot.annotate.mt import BackgroundTranslator, JobState, mt_rows, targets
from annot.errors import AnnotError, NotFound, SpanError
from annot.model import Document, Span, format_sentences
from annot.suggest.quantities import parse_quantity
from annot.translate import base_engine
from annot.translate.checks import check_numbers

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["Annotator"]

_HERE = Path(__file__).parent


class SelectIntent(TypedDict):
    type: Literal["select"]
    sentence: int
    utf16_start: int
    utf16_end: int


class LabelIntent(TypedDict):
    type: Literal["label"]
    label: str


class SpanIntent(TypedDict):
    type: Literal["focus", "delete"]
    span_id: str


class AttrsIntent(TypedDict):
    type: Literal["attrs"]
    span_id: str
    attrs: dict[str, Any]


class NavIntent(TypedDict, total=False):
    type: Literal["nav"]
    to: Literal["next", "previous", "next_unannotated", "index"]
    index: int


class StanceIntent(TypedDict, total=False):
    """Some fields of the current sentence's stance; an empty value clears a field."""

    type: Literal["stance_set"]
    holder_span: str | None
    holder: str | None
    target: str | None
    target_span: str | None
    polarity: str | None
    evidence: str | None


class MTIntent(TypedDict, total=False):
    type: Literal["mt"]
    target: str
    engine: str


class SimpleIntent(TypedDict):
    type: Literal["undo", "redo", "clear", "poll", "holder", "next_engine"]


Intent = SelectIntent | LabelIntent | SpanIntent | AttrsIntent | NavIntent | StanceIntent | MTIntent | SimpleIntent


class Annotator(anywidget.AnyWidget):
    """Annotate one document in a notebook: ``Annotator(store, doc)`` as a cell's last line.

    Args:
        store: the project store.
        doc: a ``Document`` or any reference ``Store.document`` accepts.
        annotator: who edits; the store's annotator when ``None``.
        target: language code of the machine translations shown under the sentence.
        engine: the engine shown first, or a route name annot printed (``argos+apertium``
            shows argos); the first installed one reaching ``target`` when ``None``.
        translate: translate missing sentences in the background (else only stored translations are shown).

    Raises:
        NotFound: no such document.
    """

    _esm = _HERE / "annotator.js"
    _css = _HERE / "annotator.css"
    _open: ClassVar[weakref.WeakSet[Annotator]] = weakref.WeakSet()

    window = traitlets.List().tag(sync=True)
    position = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.List().tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    form = traitlets.Dict().tag(sync=True)
    targets = traitlets.Dict().tag(sync=True)
    mt = traitlets.Dict().tag(sync=True)

    def __init__(
        self, store: Store, doc: Document | str, *, annotator: str | None = None, target: str = "pt",
        engine: str | None = None, translate: bool = True,
    ) -> None:  # fmt: skip
        super().__init__()
        ref = doc.id if isinstance(doc, Document) else doc
        self.session = AnnotationSession(store, ref, annotator=annotator)
        self._ack = 0
        self._mt_lock = threading.RLock()
        self._retry = False
        self._background = (
            BackgroundTranslator(store, self.session.document, self._on_job, sentences=len(self.session.sentences))
            if translate else None
        )  # fmt: skip
        self.labels = [
            {
                "name": label.name, "color": label.color, "key": label.key, "description": label.description,
                "attributes": [
                    {"name": a.name, "type": a.type, "choices": list(a.choices), "labels": list(a.labels),
                     "description": a.description}
                    for a in label.attributes.values()
                ],
            }
            for label in store.schema.labels.values()
        ]  # fmt: skip
        self.targets = targets(self.session.document.lang)
        chosen_target = target if target in self.targets else next(iter(self.targets), target)
        engines = self.targets.get(chosen_target, [])
        engine = base_engine(engine) if engine else None
        self._mt_choice = (chosen_target, engine if engine in engines else (engines[0] if engines else ""))
        self.status = {"text": "", "kind": "info", "ack": 0}
        self.on_msg(self._on_msg)
        Annotator._open.add(self)
        self._sync()

    # -- wiring ---------------------------------------------------------------

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict):
            self.handle(content)  # type: ignore[arg-type]

    def handle(self, intent: Intent) -> None:
        """Apply one intent from the browser and update the traitlets (what a custom message does).

        Raises:
            ValueError: an intent of unknown type (a bug in the JavaScript, not the user's doing).
        """
        kind = intent.get("type")
        handler = getattr(self, f"_do_{kind}", None)
        if handler is None:
            raise ValueError(f"Unknown intent type {kind!r}; valid: select, label, focus, attrs, delete, nav, undo, "
                             "redo, stance_set, holder, clear, poll, mt, next_engine.")  # fmt: skip
        self._ack = max(self._ack, int(intent.get("id", 0) or 0))  # type: ignore[call-overload]
        store = self.session.store
        with self.hold_sync():
            try:
                before = store.revision()
                handler(intent)
            except AnnotError as exc:
                before = None
                self._say(str(exc), "error")  # one line: NotFound overrides KeyError's quoting
            try:
                if kind != "poll":
                    self._sync()  # after a failure too: the view shows what is stored, nothing else
                wrote = before is not None and store.revision() != before
            except AnnotError as exc:  # the store itself is unusable (closed, corrupted)
                wrote = False
                self._say(str(exc), "error")
            self.status = {**self.status, "ack": self._ack}
        if wrote:
            self._tell_others()

    def _say(self, text: str, kind: Literal["saved", "error", "info"] = "info") -> None:
        stamp = time.strftime("%H:%M:%S") if kind == "saved" else ""
        self.status = {"text": text, "kind": kind, "ack": self._ack, "at": stamp}

    def _sync(self) -> None:
        s = self.session
        self.window = list(s.window())
        self.position = s.position_line()
        self._sync_mt()

    def _tell_others(self) -> None:
        """Widgets of this kernel on the same document redraw now (others notice by polling)."""
        mine = (self.session.store.path.resolve(), self.session.doc_id)
        for other in list(Annotator._open):
            if other is self or (other.session.store.path.resolve(), other.session.doc_id) != mine:
                continue
            try:
                other._external_change()
            except AnnotError:  # its store was closed: that widget is finished
                Annotator._open.discard(other)

    def _external_change(self) -> None:
        with self.hold_sync():
            self.session.refresh()
            self._sync()
            self._check_form()

    def _check_form(self) -> None:
        """Drop the form of a span that is gone (deleted elsewhere), refresh it otherwise."""
        span_id = self.form.get("span_id")
        if not span_id:
            return
        try:
            span = self.session.store.get_span(span_id)
        except NotFound:
            self.form = {}
            return
        if span.attrs != self.form.get("attrs"):
            self._show(span, say=False)

    # -- machine translation ---------------------------------------------------

    def _sync_mt(self) -> None:
        target, engine = self._mt_choice
        s = self.session
        with self._mt_lock:
            if not s.sentences or not target:
                self.mt = {"target": target, "engine": engine, "rows": [], "job": None}
                return
            sentence = s.sentences[s.index]
            # Each row carries its route's engine ("argos" for "argos+apertium"), the dropdown's entry.
            rows = mt_rows(s.store, s.doc_id, sentence, target, s.kept_names())
            job: JobState | None = None
            if self._background is not None and engine and not any(r["base"] == engine for r in rows):
                first = list(s.window_indexes())
                job = self._background.ensure(target, engine, first=first, retry=self._retry)
                self._retry = False
            elif self._background is not None and engine:
                job = self._background.state(target, engine)
            ref = s.reference(target)
            reference = None
            if ref is not None:
                check = check_numbers(" ".join(s.sentences[i].text for i in ref.a), ref.text)
                reference = {"text": ref.text, "doc_id": ref.doc_id, "sentences": format_sentences(ref.b),
                             "plural": len(ref.b) > 1, "label": ref.label, "numbers_ok": check.ok,
                             "numbers": check.describe(), "shared": len(ref.a) > 1}  # fmt: skip
            self.mt = {"target": target, "engine": engine, "rows": rows, "job": dict(job) if job else None,
                       "index": s.index, "reference": reference}  # fmt: skip

    def _on_job(self, state: JobState) -> None:
        """Called on the translation worker's thread after each stored batch: redraw if it concerns the view."""
        if (state["target"], state["engine"]) == self._mt_choice:
            self._sync_mt()

    def _do_mt(self, intent: MTIntent) -> None:
        target = intent.get("target") or self._mt_choice[0]
        engines = self.targets.get(target, [])
        if not engines:
            raise SpanError(f"No installed engine translates {self.session.document.lang}->{target};"
                            " see annot engines for what is installed.")  # fmt: skip
        engine = base_engine(intent.get("engine") or self._mt_choice[1])
        self._mt_choice = (target, engine if engine in engines else engines[0])
        self._retry = True  # choosing an engine again retries its translation if it failed

    def _do_next_engine(self, _intent: SimpleIntent) -> None:
        target, engine = self._mt_choice
        engines = self.targets.get(target, [])
        if engines:
            following = engines[(engines.index(engine) + 1) % len(engines)] if engine in engines else engines[0]
            self._mt_choice = (target, following)

    # -- the form ----------------------------------------------------------------

    def _show(self, span: Span, *, say: bool = True) -> None:
        """Put a span in the attribute form (with the choices it needs); say it is saved after a write."""
        s = self.session
        form: dict[str, Any] = {"pending": None, "span_id": span.id, "label": span.label, "attrs": dict(span.attrs)}
        if span.label == "ACTOR":
            form["names"] = s.actor_names()
        if span.label == "STANCE":
            form["holders"] = [{"id": a.id, "text": a.text, "name": a.attrs.get("canonical") or a.text}
                               for a in s.holder_candidates()]  # fmt: skip
            guess = s.suggest_stance()
            form["cue"] = guess.cue
        self.form = form
        if say:
            self._say("saved", "saved")

    # -- intents ---------------------------------------------------------------

    def _do_poll(self, _intent: SimpleIntent) -> None:
        if self.session.changed():
            self._sync()
            self._check_form()

    def _do_select(self, intent: SelectIntent) -> None:
        self.form = {}  # a failed selection leaves nothing pending
        pending = self.session.select(
            int(intent["utf16_start"]), int(intent["utf16_end"]), utf16=True, sentence=int(intent["sentence"])
        )
        self.form = {"pending": dict(pending), "span_id": None, "label": None, "attrs": {}}
        self._say("")

    def _do_clear(self, _intent: SimpleIntent) -> None:
        self.form = {}

    def _do_focus(self, intent: SpanIntent) -> None:
        span = self.session.store.get_span(intent["span_id"])
        if span.doc_id != self.session.doc_id:
            raise NotFound(f"Span {span.id} belongs to document {span.doc_id}, not to {self.session.doc_id}.")
        self._show(span, say=False)

    def _do_label(self, intent: LabelIntent) -> None:
        label = intent["label"]
        self.session.store.schema.label(label)  # unknown label: SpanError listing the valid ones
        if label == "STANCE":
            span = self.session.start_stance()
        else:
            pending = self.form.get("pending")
            if not pending:
                raise SpanError(f"Select some words first, then press a label key to tag them as {label}.")
            attrs: dict[str, Any] = {}
            if label == "QUANTITY":
                guess = parse_quantity(pending["text"], self.session.document.lang)
                attrs = guess.to_attrs() if guess is not None else {}
            span = self.session.tag(pending["sent_start"], pending["sent_end"], label, attrs,
                                    sentence=pending["sentence"])  # fmt: skip
        self._show(span)

    def _do_attrs(self, intent: AttrsIntent) -> None:
        span = self.session.edit(intent["span_id"], attrs=dict(intent["attrs"]))
        self._show(span)

    def _do_delete(self, intent: SpanIntent) -> None:
        self.session.delete(intent["span_id"])
        self.form = {}
        self._say("saved", "saved")

    def _do_nav(self, intent: NavIntent) -> None:
        to = intent.get("to")
        s = self.session
        if to == "next":
            s.next()
        elif to == "previous":
            s.previous()
        elif to == "next_unannotated":
            if s.next_unannotated() is None:
                self._say("no unannotated sentence after this one")
                return
        elif to == "index":
            s.go(int(intent.get("index", 0)))
        else:
            raise ValueError(f"Unknown nav target {to!r}; valid: next, previous, next_unannotated, index.")
        self.form = {}

    def _do_undo(self, intent: SimpleIntent) -> None:
        self.form = {}
        step = self.session.redo if intent["type"] == "redo" else self.session.undo
        if step() is None:
            self._say(f"nothing to {intent['type']}")
        else:
            self._say("saved", "saved")

    _do_redo = _do_undo

    def _do_stance_set(self, intent: StanceIntent) -> None:
        changes = {name: (intent.get(name) or None) for name in STANCE_FIELDS if name in intent}
        self._show(self.session.update_stance(**changes))

    def _do_holder(self, _intent: SimpleIntent) -> None:
        self._show(self.session.cycle_holder())

    def go(self, index: int) -> None:
        """Show sentence ``index`` (0-based; out-of-range indexes clamp), as the keys do."""
        self.handle({"type": "nav", "to": "index", "index": index})

    def close(self) -> None:
        """Stop background translation and close the widget's views."""
        if self._background is not None:
            self._background.close()
        Annotator._open.discard(self)
        super().close()
