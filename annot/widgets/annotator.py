"""The annotation widget: an anywidget view over ``AnnotationSession``; the browser sends intents, Python decides.

Wire protocol (``annot.widgets.protocol``). Python -> browser: synced
traitlets (``schema``, ``window``, ``position``, ``form``, ``status``,
``targets``, ``mt``, ``outline``, ``snippets``, ``entities``, ``search``,
``annotator``, ``lang``, ``layers``, ``compare``). Browser -> Python: one custom message per intent,
each with an ``id`` that ``status["ack"]`` echoes once the intent is handled,
so the view shows "saving…" until the store has committed. Every write goes
through the session to the store and is durable before ``status`` says
``saved``; an ``AnnotError`` becomes its one-line message in ``status`` (kind
``error``), anything else propagates as a bug. Every span edit is checked
against the span as the view showed it (``AnnotationSession.edit``): when
someone else changed the same field meanwhile, nothing is written, ``status``
says who changed it and what to do, and the window and the form show their version.

Suggestions: a document never suggested on gets its suggestions in the
background on opening, and accepting, correcting or tagging an ACTOR runs the
actor suggester again over the document
(``annot.annotate.suggestions.BackgroundSuggester``); the view redraws when
they are stored. Pending spans are drawn dashed; Tab goes to them first, Enter
accepts one (its form stays open, prefilled), ``x`` rejects it, Shift+A accepts
the sentence's.

Layers: the view shows every annotator's spans (``all``), ``mine``, another
annotator's (read-only) or ``compare`` (mine, with another's version of the
current sentence under it, the differences marked): a menu in the header and
the L key choose (``AnnotationSession.set_layer``); the menu lists whoever has
spans or marks in the document, refreshed as the store changes.

Consistency: a widget notices writes made elsewhere (another widget, notebook,
kernel or process) through the session's ``changed()``, which the view polls
about once a second, and widgets of one kernel on the same store tell each
other (and ``LiveFrame`` views) at once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import anywidget
import traitlets

from annot.annotate import STANCE_FIELDS, AnnotationSession
from annot.annotate.mt import (
    BackgroundTranslator,
    JobState,
    decide_flag,
    mt_rows,
    projection_ready,
    reference_view,
    targets,
    warm_projection,
)
from annot.annotate.overview import SENTENCE_LABELS
from annot.annotate.suggestions import BackgroundSuggester, SuggestState, wanted
from annot.errors import AnnotError, EditConflict, NotFound, SpanError
from annot.model import Document, Origin, Span, Status, format_sentences, quote
from annot.suggest.quantity_finder import parse_quantity
from annot.translate import base_engine, no_route_hint
from annot.widgets.protocol import (
    AcceptAllIntent,
    AnnotatorIntent,
    FieldIntent,
    FieldView,
    FlagIntent,
    FormMsg,
    Intent,
    KeyView,
    LabelIntent,
    LabelView,
    LayerIntent,
    LayersMsg,
    MarkIntent,
    MTIntent,
    MTMsg,
    NavIntent,
    ReferenceMsg,
    ReviewIntent,
    SchemaMsg,
    SearchIntent,
    SelectIntent,
    SimpleIntent,
    SpanIntent,
    TabIntent,
    intent_handler,
    status_msg,
)

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["Annotator"]

_HERE = Path(__file__).parent
_log = logging.getLogger(__name__)

#: Labels tagged on the whole current sentence, with no selection (the session's stance logic): the
#: overview's sentence labels, one set for both.
SENTENCE_WIDE = SENTENCE_LABELS

#: Keys acting on a selected STANCE span: (key, what it sends, help).
_STANCE_KEYS: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("h", {"type": "holder"}, "stance: next holder (actors here, earlier, the author)"),
    *((key, {"type": "field", "name": "polarity", "value": value}, f"stance: {value}")
      for key, value in (("+", "supports"), ("-", "opposes"), ("=", "neutral"), ("~", "unclear"))),
    *((key, {"type": "field", "name": "evidence", "value": value}, f"stance: {value}")
      for key, value in (("a", "asserted"), ("r", "reported"), ("l", "alleged"), ("q", "quoted"))),
)  # fmt: skip
_STANCE_HINTS = {"holder": "h", "polarity": "+ - = ~", "evidence": "a r l q"}


class Annotator(anywidget.AnyWidget):
    """Annotate one document in a notebook: ``Annotator(store, doc)`` as a cell's last line.

    Args:
        store: the project store.
        doc: a ``Document`` or any reference ``Store.document`` accepts.
        annotator: who edits (shown in the widget, and changeable there); ``$ANNOT_USER``,
            ``$ANNOT_ANNOTATOR`` or the login name when ``None``.
        target: language code of the machine translations shown under the sentence.
        engine: the engine shown first, or a route name annot printed (``argos+apertium``
            shows argos); the best installed one reaching ``target`` when ``None`` (see
            ``annot.annotate.mt.targets`` for the order).
        translate: translate missing sentences in the background (else only stored translations are shown).
        suggest: store suggestions in the background: every suggester's for a document never suggested
            on, the actor suggester's again after an ACTOR is accepted, corrected or tagged (else only
            stored suggestions are shown); ``None``: yes, unless ``$ANNOT_SUGGEST`` is ``0``.
        layer: whose spans to show: ``all``, ``mine``, ``annotator:NAME`` (read-only) or
            ``compare:NAME`` (``AnnotationSession.set_layer``); changeable in the widget.

    Raises:
        NotFound: no such document.
        SpanError: the layer names no annotator of the document.
    """

    _esm = _HERE / "annotator.js"
    _css = _HERE / "annotator.css"
    _open: ClassVar[weakref.WeakSet[Annotator]] = weakref.WeakSet()

    schema = traitlets.Dict().tag(sync=True)
    window = traitlets.List().tag(sync=True)
    position = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    form = traitlets.Dict().tag(sync=True)
    targets = traitlets.Dict().tag(sync=True)
    mt = traitlets.Dict().tag(sync=True)
    outline = traitlets.Dict().tag(sync=True)
    snippets = traitlets.List().tag(sync=True)
    entities = traitlets.List().tag(sync=True)
    search = traitlets.Dict().tag(sync=True)
    annotator = traitlets.Unicode("").tag(sync=True)
    lang = traitlets.Unicode("").tag(sync=True)
    layers = traitlets.Dict().tag(sync=True)
    compare = traitlets.Dict().tag(sync=True)

    def __init__(
        self, store: Store, doc: Document | str, *, annotator: str | None = None, target: str = "pt",
        engine: str | None = None, translate: bool = True, suggest: bool | None = None, layer: str = "all",
    ) -> None:  # fmt: skip
        super().__init__()
        ref = doc.id if isinstance(doc, Document) else doc
        self.session = AnnotationSession(store, ref, annotator=annotator, layer=layer)
        self._ack = 0
        self._mt_lock = threading.RLock()
        # Intents (the kernel's thread) and redraws after background suggestions (the worker's) take turns.
        self._lock = threading.RLock()
        self._retry = False
        self._stale_overview = True
        self._tell = False  # set by a handler whose change others must see though the store did not move
        self._stale_entities = True
        self._entities_shown = False  # the browser's side panel shows the entity list
        self._warming: dict[str, threading.Thread] = {}  # target -> the kernel's first projection into it
        self._background = (
            BackgroundTranslator(store, self.session.document, self._on_job, sentences=len(self.session.sentences))
            if translate else None
        )  # fmt: skip
        self.schema = _schema_msg(store)
        self.lang = self.session.document.lang
        self.annotator = self.session.annotator
        self.snippets = self.session.snippets()
        self.search = {"query": "", "matches": []}
        self.targets = targets(self.session.document.lang, store)
        chosen_target = target if target in self.targets else next(iter(self.targets), target)
        engines = self.targets.get(chosen_target, [])
        engine = base_engine(engine) if engine else None
        self._mt_choice = (chosen_target, engine if engine in engines else (engines[0] if engines else ""))
        self.status = {"text": "", "kind": "info", "ack": 0}
        self.on_msg(self._on_msg)
        Annotator._open.add(self)
        self._sync()
        self.suggester = (
            BackgroundSuggester(store, self.session.document, self._on_suggested) if wanted(suggest) else None
        )
        if self.suggester is not None:
            self.suggester.opened()

    # -- wiring ---------------------------------------------------------------

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict):
            self.handle(content)  # type: ignore[arg-type]

    def handle(self, intent: Intent) -> None:
        """Apply one intent from the browser and update the traitlets (what a custom message does).

        Raises:
            ValueError: an intent of unknown type (a bug in the JavaScript, not the user's doing).
        """
        handler = intent_handler(self, intent.get("type"))
        with self._lock:
            wrote = self._handle(handler, intent)
        if wrote or self._tell:
            self._tell_others()

    def _handle(self, handler: Any, intent: Intent) -> bool:
        """Run one intent's handler and sync the traitlets; whether it wrote to the store."""
        kind = intent.get("type")
        self._ack = max(self._ack, int(intent.get("id", 0) or 0))  # type: ignore[call-overload]
        self._tell = False
        store = self.session.store
        with self.hold_sync():
            conflict = False
            try:
                before = store.revision()
                handler(intent)
            except AnnotError as exc:
                before = None
                self._say(str(exc), "error")  # one line: NotFound overrides KeyError's quoting
                conflict = isinstance(exc, EditConflict)
            try:
                if conflict:  # someone else's edit won: the session read it again, and the form shows it too
                    self._stale_overview = True
                    self._check_form()
                if kind != "poll":
                    self._sync()  # after a failure too: the view shows what is stored, nothing else
                wrote = before is not None and store.revision() != before and kind not in ("nav", "poll")
            except AnnotError as exc:  # the store itself is unusable (closed, corrupted)
                wrote = False
                self._say(str(exc), "error")
            self.status = {**self.status, "ack": self._ack}
        return wrote

    def _say(self, text: str, kind: Literal["saved", "error", "info"] = "info") -> None:
        self.status = status_msg(text, kind, self._ack)  # type: ignore[assignment]

    def _saved(self, what: str = "saved") -> None:
        self._stale_overview = True
        self._say(what, "saved")

    def _sync(self) -> None:
        s = self.session
        self.window = list(s.window())
        self.position = s.position_line()
        self.compare = dict(s.compare() or {})
        if self._stale_overview:
            self._stale_overview = False
            self.outline = dict(s.outline())
            self.layers = dict(_layers_msg(s))
            self._stale_entities = True
        if self._stale_entities and self._entities_shown:  # only while the Entities tab shows: 200 ms on 20k spans
            self._stale_entities = False
            self.entities = [dict(e) for e in s.entities()]
        self._sync_mt()

    def _tell_others(self) -> None:
        """Views of this kernel on the same store redraw now (others notice by polling)."""
        from annot.widgets.live import LiveFrame

        path = self.session.store.path.resolve()
        for other in list(Annotator._open):
            # A span edit concerns the views of its document; an alias (self._tell) every view of the store.
            if other is self or other.session.store.path.resolve() != path:
                continue
            if not self._tell and other.session.doc_id != self.session.doc_id:
                continue
            try:
                other._external_change()
            except AnnotError:  # its store was closed: that widget is finished
                Annotator._open.discard(other)
        LiveFrame.store_changed(path)

    def _external_change(self) -> None:
        with self._lock, self.hold_sync():
            self.session.refresh()
            self._stale_overview = True
            self._sync()
            self._check_form()

    def _on_suggested(self, state: SuggestState) -> None:
        """Called on the suggestion worker's thread after a run stored suggestions or failed: redraw, or say why."""
        if state["status"] == "error":
            with self._lock:
                self._say(f"suggestions failed: {state['error']}", "error")
            return
        with contextlib.suppress(AnnotError):  # the store was closed meanwhile: this widget is finished
            self._external_change()

    def _learn(self, *spans: Span) -> None:
        """After an edit leaving ``spans`` so: the suggester learns what it can from them (accepted ACTORs)."""
        if self.suggester is not None:
            self.suggester.learn(spans)

    def _check_form(self) -> None:
        """Drop the form of a span that is gone (deleted, or a suggestion rejected, elsewhere), refresh it otherwise."""
        span_id = (self.form.get("span") or {}).get("id")
        if not span_id:
            return
        try:
            span = self.session.store.get_span(span_id)
        except NotFound:
            self.form = {}
            return
        if not self.session.shows(span):  # a suggestion rejected elsewhere, or a span out of the layer
            self.form = {}
            return
        self._show(span)

    # -- machine translation ---------------------------------------------------

    def _sync_mt(self) -> None:
        target, engine = self._mt_choice
        s = self.session
        with self._mt_lock:
            if not s.sentences or not target or not self.targets:
                # Nothing reaches any language from this one: say which model would, and the command.
                hint = "" if self.targets else no_route_hint(s.document.lang)
                self.mt = MTMsg(target=target, engine=engine, rows=[], job=None, hint=hint)  # type: ignore[assignment]
                return
            sentence = s.sentences[s.index]
            # The kernel's first projection loads word frequencies and CLDR names (seconds): the pane shows the
            # translations at once and their projection when it is ready; from then on it takes a moment.
            ready = projection_ready(target)
            if not ready:
                self._warm_projection(target)
            # Each row carries its route's engine ("argos" for "argos+apertium"), the dropdown's entry.
            rows = mt_rows(s.store, s.doc_id, sentence, target, project=ready)
            job: JobState | None = None
            if self._background is not None and engine and not any(r["base"] == engine for r in rows):
                first = list(s.window_indexes())
                job = self._background.ensure(target, engine, first=first, retry=self._retry)
                self._retry = False
            elif self._background is not None and engine:
                job = self._background.state(target, engine)
            ref = s.reference(target)
            reference: ReferenceMsg | None = None
            if ref is not None:
                source = " ".join(s.sentences[i].text for i in ref.a)
                flags, projected = (
                    reference_view(s.store, s.doc_id, ref.a, source, ref.text, target) if ready else ([], [])
                )
                reference = ReferenceMsg(text=ref.text, doc_id=ref.doc_id, sentences=format_sentences(ref.b),
                                         plural=len(ref.b) > 1, label=ref.label, flags=flags, projected=projected,
                                         checked=ready, shared=len(ref.a) > 1)  # fmt: skip
            self.mt = MTMsg(target=target, engine=engine, rows=rows, job=job.copy() if job else None,  # type: ignore[assignment]
                            index=s.index, reference=reference)  # fmt: skip

    def _warm_projection(self, target: str) -> None:
        """Compute the kernel's first projection into ``target`` on a worker thread, then redraw the pane."""
        if target in self._warming:
            return
        thread = threading.Thread(target=self._warm, args=(target,), name=f"annot-projection-{target}", daemon=True)
        self._warming[target] = thread
        thread.start()

    def _warm(self, target: str) -> None:
        try:
            warm_projection(self.session.store, self.session.doc_id, target)
        except AnnotError as exc:  # the pane says so; its rows stay without projection
            with self._lock:
                self._say(f"projection failed: {exc}", "error")
            return
        except Exception:  # a bug: logged with its traceback; the translations still show
            _log.exception("projecting %s into %s failed", self.session.doc_id, target)
            return
        with contextlib.suppress(AnnotError), self._lock, self.hold_sync():  # a closed store: the widget is done
            self._sync_mt()

    def join_projection(self, timeout: float | None = None) -> bool:
        """Wait until the pane shows projection (the kernel's first is computed in the background; for tests).

        Returns:
            True when it does, False when ``timeout`` seconds passed first.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in list(self._warming.values()):
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._warming.values())

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

    def _do_flag(self, intent: FlagIntent) -> None:
        """Dismiss a flag of the current sentence's translation by a route, take that back, or make an alias."""
        s = self.session
        row = next((r for r in self.mt.get("rows", []) if r["engine"] == intent["route"]), None)
        flag = next((f for f in (row or {}).get("flags", []) if f["id"] == intent["flag"]), None)
        if row is None or flag is None:
            raise SpanError(f"No flag {intent['flag']!r} on the {intent['route']} translation of sentence {s.index};"
                            " it changed meanwhile: look at the pane again.")  # fmt: skip
        said = decide_flag(s.store, s.doc_id, s.index, row["engine"], flag, intent["action"],
                           alias=str(intent.get("alias") or ""), annotator=s.annotator)  # fmt: skip
        s.refresh()
        self._saved(said)
        if intent["action"] == "alias":
            self._tell = True  # annot.toml changed, not the store: the other views are told all the same

    # -- the form ----------------------------------------------------------------

    def _show(self, span: Span) -> None:
        """Put a span in the form, with the fields its label needs, under the sentence holding it."""
        self.form = _form(self.session, span)

    # -- intents ---------------------------------------------------------------

    def _do_poll(self, _intent: SimpleIntent) -> None:
        if self.session.changed():
            self._stale_overview = True
            self._sync()
            self._check_form()

    def _do_select(self, intent: SelectIntent) -> None:
        self.form = {}  # a failed selection leaves nothing pending
        pending = self.session.select(
            int(intent["utf16_start"]), int(intent["utf16_end"]), utf16=True, sentence=int(intent["sentence"])
        )
        self.form = FormMsg(sentence=pending["sentence"], pending=dict(pending), span=None)
        self._say("")

    def _do_clear(self, _intent: SimpleIntent) -> None:
        self.form = {}

    def _do_focus(self, intent: SpanIntent) -> None:
        self._show(self.session.span(intent["span_id"]))

    def _do_label(self, intent: LabelIntent) -> None:
        label = intent["label"]
        self.session.store.schema.label(label)  # unknown label: SpanError listing the valid ones
        if label in SENTENCE_WIDE:
            span = self.session.start_stance()
        else:
            pending = self.form.get("pending")
            if not pending:
                raise SpanError(f"Select some words first (mouse, or ← →), then press a label key to tag them as"
                                f" {label}.")  # fmt: skip
            attrs: dict[str, Any] = {}
            if label == "QUANTITY":
                guess = parse_quantity(pending["text"], self.session.document.lang)
                attrs = guess.to_attrs() if guess is not None else {}
            span = self.session.tag(pending["sent_start"], pending["sent_end"], label, attrs,
                                    sentence=pending["sentence"])  # fmt: skip
        self._show(span)
        self._saved()
        self._learn(span)

    def _do_field(self, intent: FieldIntent) -> None:
        s = self.session
        span = s.span(intent["span_id"])
        name, value = intent["name"], str(intent.get("value") or "").strip()
        if span.label in SENTENCE_WIDE and name in STANCE_FIELDS:
            if name == "holder" and value == "text":  # the free-text holder already stored: nothing changes
                return
            span = s.edit_stance(span.id, **_stance_changes(name, value))
        else:
            span = s.edit(span.id, attrs=_with_field(s.store, span, name, value))
        self._show(span)
        self._saved()
        self._learn(span)

    def _do_review(self, intent: ReviewIntent) -> None:
        # Accepting keeps the suggester's attributes and leaves the form open on the span, to correct them.
        span = self.session.edit(intent["span_id"], status=intent["status"])
        if self.session.shows(span):
            self._show(span)
        else:  # a suggestion rejected leaves the text, and the form with it (undo brings both back)
            self.form = {}
        self._saved(f"{intent['status']} {span.label} {quote(span.text)}")
        self._learn(span)

    def _do_accept_all(self, _intent: AcceptAllIntent) -> None:
        s = self.session
        spans = s.accept_all()
        if not spans:
            self._say(f"no suggestion left to accept in sentence {s.index}")
            return
        self._saved(f"accepted {len(spans)} suggestion{'s' if len(spans) > 1 else ''} in sentence {s.index}")
        self._learn(*spans)
        self._check_form()  # the span in the form may be one of them

    def _do_delete(self, intent: SpanIntent) -> None:
        span = self.session.discard(intent["span_id"])
        self.form = {}
        done = "rejected" if span.status == Status.REJECTED and span.origin == Origin.SUGGESTED else "deleted"
        self._saved(f"{done} {span.label} {quote(span.text)}")

    def _do_holder(self, _intent: SpanIntent) -> None:
        self._show(self.session.cycle_holder())
        self._saved()

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

    def _do_mark(self, intent: MarkIntent) -> None:
        s = self.session
        status = intent["status"]
        again = s.marks().get(s.index) == status
        s.mark(None if again else status)
        what = "unmarked" if again else "done" if status == "done" else "nothing to annotate"
        self._saved(f"sentence {s.index}: {what}")

    def _do_tab(self, intent: TabIntent) -> None:
        self._entities_shown = intent.get("tab") == "entities"

    def _do_search(self, intent: SearchIntent) -> None:
        query = str(intent.get("query") or "")
        self.search = {"query": query, "matches": self.session.search(query)}

    def _do_annotator(self, intent: AnnotatorIntent) -> None:
        self.session.set_annotator(str(intent.get("name") or ""))
        self.annotator = self.session.annotator
        self._stale_overview = True  # the outline shows this annotator's marks, the menu their layer as "mine"
        self._check_form()
        self._say(f"annotating as {self.session.annotator}")

    def _do_layer(self, intent: LayerIntent) -> None:
        self._show_layer(str(intent.get("layer") or ""))

    def _do_next_layer(self, _intent: SimpleIntent) -> None:
        choices = [str(layer) for layer in self.session.layer_choices()]
        here = str(self.session.layer)
        self._show_layer(choices[(choices.index(here) + 1) % len(choices)] if here in choices else choices[0])

    def _show_layer(self, layer: str) -> None:
        s = self.session
        s.set_layer(layer)
        self._stale_overview = True  # the outline and the entities count the layer's spans
        self._check_form()  # a span out of the layer leaves the form; one in it shows read-only or not
        self._say(f"showing {s.layer.describe(s.annotator)}")

    def _do_undo(self, intent: SimpleIntent) -> None:
        redo = intent["type"] == "redo"
        step = self.session.redo() if redo else self.session.undo()
        if step is None:
            self._say(f"nothing to {intent['type']}")
            return
        self._saved(step.describe())
        # Keep the selection while its span lives, so the stance keys go on working after an undo.
        span_id = (self.form.get("span") or {}).get("id")
        if span_id:
            try:
                span = self.session.span(span_id)
            except NotFound:
                self.form = {}
                return
            if self.session.shows(span):
                self._show(span)
            else:  # redoing the rejection of a suggestion: out of the text
                self.form = {}

    _do_redo = _do_undo

    def go(self, index: int) -> None:
        """Show sentence ``index`` (0-based; out-of-range indexes clamp), as the keys do."""
        self.handle({"type": "nav", "to": "index", "index": index})

    def close(self) -> None:
        """Stop background translation and suggestions, and close the widget's views."""
        if self._background is not None:
            self._background.close()
        if self.suggester is not None:
            self.suggester.close()
        Annotator._open.discard(self)
        super().close()


# -- what the browser is sent --------------------------------------------------------------


def _schema_msg(store: Store) -> SchemaMsg:
    labels = [
        LabelView(name=label.name, key=label.key, color=label.color, description=label.description,
                  sentence_wide=label.name in SENTENCE_WIDE)
        for label in store.schema.labels.values()
    ]  # fmt: skip
    keys = [KeyView(key=key, label=label, send=send, help=text) for key, send, text in _STANCE_KEYS
            for label in SENTENCE_WIDE if label in store.schema.labels]  # fmt: skip
    return SchemaMsg(labels=labels, keys=keys)


def _layers_msg(session: AnnotationSession) -> LayersMsg:
    """The layer menu: all, mine, each other annotator's layer with their span count, a comparison with each."""
    counts = {a["name"]: a["spans"] for a in session.annotators()}
    options: list[tuple[str, str]] = []
    for layer in session.layer_choices():
        if layer.kind == "annotator":
            text = f"{layer.name} ({counts.get(layer.name, 0)})"
        elif layer.kind == "compare":
            text = f"compare with {layer.name}"
        else:
            text = layer.describe(session.annotator)
        options.append((str(layer), text))
    value = str(session.layer)
    if value not in {v for v, _ in options}:  # an annotator whose spans are gone meanwhile: still shown
        options.append((value, session.layer.describe(session.annotator)))
    return LayersMsg(value=value, read_only=session.read_only(), label=session.layer.describe(session.annotator),
                     options=options)  # fmt: skip


def _stance_changes(name: str, value: str) -> dict[str, str | None]:
    """A stance form field's value as a change for ``AnnotationSession.edit_stance`` (``None`` clears it).

    The holder field holds ``author``, ``span:<ACTOR id>`` or nothing; any other field its value.
    """
    if name == "holder" and value.startswith("span:"):
        return {"holder_span": value[5:]}
    return {name: value or None}


def _form(session: AnnotationSession, span: Span) -> FormMsg:
    """The form of ``span``: one field per attribute of its label (STANCE: holder, target, polarity, evidence)."""
    schema = session.store.schema
    label = schema.labels.get(span.label)
    attrs = span.attrs
    fields: list[FieldView] = []
    cue = ""
    if span.label in SENTENCE_WIDE:
        holders = [(f"span:{a.id}", a.text if not a.attrs.get("canonical") or a.attrs["canonical"] == a.text
                    else f"{a.text} → {a.attrs['canonical']}") for a in session.holder_candidates()]  # fmt: skip
        options = [("author", "the author"), *holders]
        value = f"span:{attrs['holder_span']}" if attrs.get("holder_span") else str(attrs.get("holder") or "")
        if value and value not in {v for v, _ in options}:
            options.append(("text", value))
            value = "text"
        fields.append(FieldView(name="holder", kind="select", value=value, options=options, hint="h",
                                description="who holds the stance"))  # fmt: skip
        fields.append(FieldView(name="target", kind="text", value=str(attrs.get("target") or ""),
                                suggestions=session.actor_names(), description="what or whom it is about"))  # fmt: skip
        for name in ("polarity", "evidence"):
            attr = label.attributes[name] if label and name in label.attributes else None
            choices = attr.choices if attr else ()
            fields.append(FieldView(name=name, kind="select", value=str(attrs.get(name) or ""),
                                    options=[(c, c) for c in choices], hint=_STANCE_HINTS[name],
                                    description=attr.description if attr else name))  # fmt: skip
        if session.stance() is not None and session.stance().id == span.id:  # type: ignore[union-attr]
            cue = session.suggest_stance().cue or ""
    elif label is not None:
        for attr in label.attributes.values():
            value = attrs.get(attr.name)
            text = "" if value is None else str(value)
            if attr.type == "enum":
                choices = [(c, c) for c in attr.choices]
                fields.append(FieldView(name=attr.name, kind="select", value=text, options=choices,
                                        description=attr.description))  # fmt: skip
            elif attr.type == "span":
                others = [o for o in session.spans_near(span) if o.id != span.id
                          and (not attr.labels or o.label in attr.labels)]  # fmt: skip
                fields.append(FieldView(name=attr.name, kind="select", value=text,
                                        options=[(o.id, f"{o.label}: {o.text}") for o in others],
                                        description=attr.description))  # fmt: skip
            else:
                view = FieldView(name=attr.name, kind="number" if attr.type == "number" else "text", value=text,
                                 description=attr.description)  # fmt: skip
                if attr.name == "canonical":
                    view["suggestions"] = session.actor_names()
                fields.append(view)
    return FormMsg(
        sentence=session.sentence_of(span), pending=None, fields=fields, cue=cue, read_only=session.read_only(),
        span={"id": span.id, "label": span.label, "text": span.text, "status": str(span.status.value),
              "annotator": span.annotator},
    )  # fmt: skip


def _with_field(store: Store, span: Span, name: str, value: str) -> dict[str, Any]:
    """``span``'s attributes with ``name`` set from a form field's text (empty: removed); the store validates."""
    label = store.schema.label(span.label)
    attr = label.attributes.get(name)
    if attr is None:
        raise SpanError(f"{span.label} has no attribute {name!r}; valid: {', '.join(label.attributes)}.")
    attrs = dict(span.attrs)
    if not value:
        attrs.pop(name, None)
    elif attr.type == "number":
        try:
            attrs[name] = float(value)  # a number field sends plain digits ("9000.5"); the store normalizes
        except ValueError:
            raise SpanError(f"{name} must be a number, got {value!r}; type digits such as 9000.") from None
    else:
        attrs[name] = value
    return attrs
