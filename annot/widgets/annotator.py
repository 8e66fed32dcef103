"""The annotation widget: an anywidget view over ``AnnotationSession``; the browser sends intents, Python decides.

Wire protocol. Python -> browser: the synced traitlets ``window``, ``position``,
``labels``, ``translation``, ``status`` and ``form``. Browser -> Python: one
custom message per intent (the ``*Intent`` TypedDicts below), each answered by
updating the traitlets. Every write goes through the session to the store and is
durable before ``status`` says ``saved``; an ``AnnotError`` becomes its one-line
message in ``status``, anything else propagates as a bug.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import anywidget
import traitlets

from annot.annotate import AnnotationSession
from annot.errors import AnnotError, SpanError
from annot.model import Document, Span
from annot.suggest.quantities import parse_quantity

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


class AttrsIntent(TypedDict):
    type: Literal["attrs"]
    span_id: str
    attrs: dict[str, Any]


class DeleteIntent(TypedDict):
    type: Literal["delete"]
    span_id: str


class NavIntent(TypedDict, total=False):
    type: Literal["nav"]
    to: Literal["next", "previous", "next_unannotated", "index"]
    index: int


class StanceIntent(TypedDict, total=False):
    type: Literal["stance"]
    holder_span: str | None
    holder: str | None
    target: str | None
    target_span: str | None
    polarity: str | None
    evidence: str | None


class SimpleIntent(TypedDict):
    type: Literal["undo", "redo", "clear"]


Intent = SelectIntent | LabelIntent | AttrsIntent | DeleteIntent | NavIntent | StanceIntent | SimpleIntent

_STANCE_FIELDS = ("holder_span", "holder", "target", "target_span", "polarity", "evidence")


class Annotator(anywidget.AnyWidget):
    """Annotate one document in a notebook: ``Annotator(store, doc)`` as a cell's last line.

    Args:
        store: the project store.
        doc: a ``Document`` or any reference ``Store.document`` accepts.
        annotator: who edits; the store's annotator when ``None``.
        target: language code of the machine translations shown under the sentence.

    Raises:
        NotFound: no such document.
    """

    _esm = _HERE / "annotator.js"
    _css = _HERE / "annotator.css"

    window = traitlets.List().tag(sync=True)
    position = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.List().tag(sync=True)
    translation = traitlets.List().tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    form = traitlets.Dict().tag(sync=True)

    def __init__(self, store: Store, doc: Document | str, *, annotator: str | None = None, target: str = "pt") -> None:
        super().__init__()
        ref = doc.id if isinstance(doc, Document) else doc
        self.session = AnnotationSession(store, ref, annotator=annotator)
        self.target = target
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
        self.on_msg(self._on_msg)
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
            raise ValueError(f"Unknown intent type {kind!r}; valid: select, label, attrs, delete, nav, undo, redo, "
                             "stance, clear.")  # fmt: skip
        with self.hold_sync():
            try:
                handler(intent)
            except AnnotError as exc:
                self.status = str(exc)  # one line: NotFound overrides KeyError's quoting
            self._sync()

    def _sync(self) -> None:
        s = self.session
        self.window = list(s.window())
        self.position = s.position_line()
        self.translation = [
            {"engine": tr.engine, "text": tr.text, "route": tr.route} for tr in s.translation(self.target)
        ]

    def _saved(self, message: str = "saved") -> None:
        self.status = message

    def _show(self, span: Span) -> None:
        """Put a just-written span in the attribute form and say it is saved."""
        self.form = {"pending": None, "span_id": span.id, "label": span.label, "attrs": dict(span.attrs)}
        self._saved()

    # -- intents ---------------------------------------------------------------

    def _do_select(self, intent: SelectIntent) -> None:
        self.form = {}  # a failed selection leaves nothing pending
        pending = self.session.select(
            int(intent["utf16_start"]), int(intent["utf16_end"]), utf16=True, sentence=int(intent["sentence"])
        )
        self.form = {"pending": dict(pending), "span_id": None, "label": None, "attrs": {}}
        self.status = ""

    def _do_clear(self, _intent: SimpleIntent) -> None:
        self.form = {}

    def _do_label(self, intent: LabelIntent) -> None:
        label = intent["label"]
        self.session.store.schema.label(label)  # unknown label: SpanError listing the valid ones
        if label == "STANCE":
            span = self.session.stance() or self.session.set_stance()
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

    def _do_delete(self, intent: DeleteIntent) -> None:
        self.session.delete(intent["span_id"])
        self.form = {}
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
                self.status = "no unannotated sentence after this one"
                return
        elif to == "index":
            s.go(int(intent.get("index", 0)))
        else:
            raise ValueError(f"Unknown nav target {to!r}; valid: next, previous, next_unannotated, index.")
        self.form = {}

    def _do_undo(self, _intent: SimpleIntent) -> None:
        self.form = {}
        self._saved("saved" if self.session.undo() is not None else "nothing to undo")

    def _do_redo(self, _intent: SimpleIntent) -> None:
        self.form = {}
        self._saved("saved" if self.session.redo() is not None else "nothing to redo")

    def _do_stance(self, intent: StanceIntent) -> None:
        fields = {name: (intent.get(name) or None) for name in _STANCE_FIELDS}  # type: ignore[misc]
        span = self.session.set_stance(**fields)
        self._show(span)
