"""The curator widget: the annotators' versions of a sentence side by side, the curated version below them.

An anywidget view over ``annot.annotate.curation.CurationSession``, with the annotator widget's feel
(``annot.widgets.annotator``): the browser sends intents, each with an ``id`` that ``status["ack"]`` echoes
once Python has handled it; the status line says ``saved`` only after the store committed; an
``AnnotError`` becomes its one line (kind ``error``). The view polls ``poll`` about once a second, so
edits made elsewhere show up.

Python -> browser (synced traitlets): ``schema`` (labels, colours, keys; the annotator's stance keys),
``sentences`` (the review list, disagreements first: ``CurationListItem``), ``view`` (the current sentence:
``CurationView``), ``selected`` (the curated span selected, ``""`` for none), ``status``, ``curator``.
Browser -> Python: ``nav {to: next|previous|next_open|index, index}``, ``accept {number}`` (1-based, in the
order of ``view.rows``), ``merge``, ``empty``, ``cycle {step}``, ``select {span_id}``, ``delete``,
``relabel {label}``, ``field {name, value}``, ``undo``, ``redo``, ``clear``, ``poll``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import anywidget
import traitlets

from annot.annotate.curation import CurationSession, SentenceVersions
from annot.annotate.overview import SENTENCE_LABELS
from annot.annotate.text import codepoint_to_utf16
from annot.errors import AnnotError, SpanError
from annot.model import Document, Span, quote
from annot.widgets.annotator import _STANCE_KEYS
from annot.widgets.protocol import KeyView, LabelView, SchemaMsg, StatusMsg, intent_handler, status_msg

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["Curator", "CurationListItem", "CurationView", "CuratedSpanView"]

_HERE = Path(__file__).parent
_DEFAULT_COLOR = "#7f7f7f"
#: The annotator's stance keys that set a field (polarity, evidence): the curator sets them the same way.
_FIELD_KEYS = tuple(k for k in _STANCE_KEYS if k[1]["type"] == "field")


class CuratedSpanView(TypedDict):
    """A span as the curator view draws it: offsets relative to its sentence (UTF-16), and its attributes in words."""

    id: str
    label: str
    utf16_start: int
    utf16_end: int
    color: str
    text: str
    detail: str  # "9000 troops", "holder: Minsk · supports · reported"
    sentence_wide: bool


class CurationRow(TypedDict):
    """One version of the sentence: an annotator's (``number`` is its key) or the curated one (``number`` 0)."""

    name: str
    number: int
    spans: list[CuratedSpanView]
    differs: bool  # not identical to every other annotator's version


class CurationView(TypedDict):
    """The ``view`` traitlet: the current sentence, each annotator's version, the curated version."""

    index: int
    text: str
    place: str  # "2 of 14 in review order · 3 spans differ"
    rows: list[CurationRow]
    curated: CurationRow
    record: str  # "accepted ben's version · cleo 08:41" or ""


class CurationListItem(TypedDict):
    """One sentence of the review list (``sentences``), in review order."""

    index: int
    snippet: str
    disagreement: int
    curated: bool
    current: bool


# -- browser -> Python ----------------------------------------------------------------------


class CuratorNavIntent(TypedDict, total=False):
    type: Literal["nav"]
    to: Literal["next", "previous", "next_open", "index"]
    index: int


class AcceptVersionIntent(TypedDict):
    type: Literal["accept"]
    number: int


class CycleIntent(TypedDict):
    type: Literal["cycle"]
    step: int


class CuratedSpanIntent(TypedDict, total=False):
    type: Literal["select", "delete", "relabel", "field"]
    span_id: str
    label: str
    name: str
    value: str


class CuratorSimpleIntent(TypedDict):
    type: Literal["merge", "empty", "undo", "redo", "clear", "poll"]


CuratorIntent = CuratorNavIntent | AcceptVersionIntent | CycleIntent | CuratedSpanIntent | CuratorSimpleIntent


class Curator(anywidget.AnyWidget):
    """Adjudicate one document in a notebook: ``Curator(store, doc)`` as a cell's last line.

    Args:
        store: the project store.
        doc: a ``Document`` or any reference ``Store.document`` accepts.
        curator: who curates (the curated spans' annotator, whose undo this is); the store's annotator when
            ``None``.
        annotators: whose versions, in this order (keys 1..9); every annotator of the document by default.

    Raises:
        NotFound: no such document.
    """

    _esm = _HERE / "curator.js"
    _css = _HERE / "curator.css"

    schema = traitlets.Dict().tag(sync=True)
    sentences = traitlets.List().tag(sync=True)
    view = traitlets.Dict().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    curator = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self, store: Store, doc: Document | str, *, curator: str | None = None, annotators: list[str] | None = None
    ) -> None:
        super().__init__()
        ref = doc.id if isinstance(doc, Document) else doc
        self.session = CurationSession(store, ref, curator=curator, annotators=annotators)
        self._ack = 0
        order = self.session.order()
        self.index = order[0] if order else 0
        self.schema = _schema_msg(store)
        self.curator = self.session.curator
        self.status = StatusMsg(text="", kind="info", ack=0)  # type: ignore[assignment]
        self.on_msg(self._on_msg)
        self._sync()

    # -- wiring -----------------------------------------------------------------------------------

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict):
            self.handle(content)  # type: ignore[arg-type]

    def handle(self, intent: CuratorIntent) -> None:
        """Apply one intent from the browser and update the traitlets (what a custom message does).

        Raises:
            ValueError: an intent of unknown type (a bug in the JavaScript, not the user's doing).
        """
        kind = intent.get("type")
        handler = intent_handler(self, kind)
        self._ack = max(self._ack, int(intent.get("id", 0) or 0))  # type: ignore[call-overload]
        with self.hold_sync():
            try:
                handler(intent)
            except AnnotError as exc:
                self._say(str(exc), "error")
            try:
                if kind != "poll":
                    self._sync()
            except AnnotError as exc:  # the store itself is unusable (closed, corrupted)
                self._say(str(exc), "error")
            self.status = {**self.status, "ack": self._ack}

    def _say(self, text: str, kind: Literal["saved", "error", "info"] = "info") -> None:
        self.status = status_msg(text, kind, self._ack)  # type: ignore[assignment]

    def _saved(self, what: str) -> None:
        from annot.widgets.live import LiveFrame

        self._say(what, "saved")
        LiveFrame.store_changed(self.session.store.path.resolve())

    def _sync(self) -> None:
        s = self.session
        order = s.order()
        self.sentences = [
            CurationListItem(index=i, snippet=_snippet(s.item(i).text), disagreement=s.item(i).disagreement,
                             curated=s.item(i).is_curated, current=i == self.index)
            for i in order
        ]  # fmt: skip
        if not order:
            self.view = {}
            return
        item = s.item(self.index)
        rows = [
            CurationRow(name=a, number=n, spans=self._spans(item, v), differs=s.differs(item.index, a))
            for n, (a, v) in enumerate(item.versions.items(), 1)
        ]  # fmt: skip
        place = f"{order.index(self.index) + 1} of {len(order)} in review order"
        if item.disagreement:
            place += f" · {item.disagreement} span{'s' if item.disagreement > 1 else ''} differ"
        self.view = CurationView(  # type: ignore[assignment]
            index=item.index, text=item.text, place=place, rows=rows, record=_record(item),
            curated=CurationRow(name=f"curated ({s.curator})", number=0, spans=self._spans(item, item.curated),
                                differs=False),
        )  # fmt: skip
        if self.selected and not any(x.id == self.selected for x in item.curated):
            self.selected = ""

    def _spans(self, item: SentenceVersions, spans: tuple[Span, ...]) -> list[CuratedSpanView]:
        schema = self.session.store.schema
        out = []
        for span in spans:
            label = schema.labels.get(span.label)
            start = max(0, span.start - item.start)
            end = min(len(item.text), span.end - item.start)
            out.append(CuratedSpanView(
                id=span.id, label=span.label, utf16_start=codepoint_to_utf16(item.text, start),
                utf16_end=codepoint_to_utf16(item.text, end), color=label.color if label else _DEFAULT_COLOR,
                text=span.text, detail=self._detail(span), sentence_wide=span.label in SENTENCE_LABELS,
            ))  # fmt: skip
        return out

    def _detail(self, span: Span) -> str:
        """A span's attributes in words: a quantity's value and unit, a stance's holder, polarity, evidence."""
        attrs = dict(span.attrs)
        if span.label in SENTENCE_LABELS:
            who = self.session.holder_name(span)
            parts = [f"holder: {who}" if who else "", attrs.get("polarity", ""), attrs.get("evidence", "")]
            return " · ".join(str(p) for p in parts if p)
        if span.label == "QUANTITY":
            value = attrs.get("value")
            shown = f"{value:g}" if isinstance(value, float) else "" if value is None else str(value)
            return " ".join(str(p) for p in (attrs.get("qualifier"), shown, attrs.get("unit")) if p)
        return " · ".join(str(v) for k, v in sorted(attrs.items()) if not k.endswith("_span"))

    # -- intents ----------------------------------------------------------------------------------

    def _do_poll(self, _intent: CuratorSimpleIntent) -> None:
        if self.session.changed():
            self._sync()

    def _do_nav(self, intent: CuratorNavIntent) -> None:
        order = self.session.order()
        to = intent.get("to")
        at = order.index(self.index) if self.index in order else 0
        if to == "next":
            self.index = order[min(at + 1, len(order) - 1)]
        elif to == "previous":
            self.index = order[max(at - 1, 0)]
        elif to == "next_open":
            found = self.session.next_open(self.index)
            if found is None:
                self._say("no disagreement left to curate")
                return
            self.index = found
        elif to == "index":
            self.index = self.session.item(int(intent.get("index", 0))).index
        else:
            raise ValueError(f"Unknown nav target {to!r}; valid: next, previous, next_open, index.")
        self.selected = ""
        self._say("")

    def _do_accept(self, intent: AcceptVersionIntent) -> None:
        names = list(self.session.item(self.index).versions)
        number = int(intent["number"])
        if not names:
            raise SpanError("Nobody has annotated this document yet: there is no version to accept.")
        if not 1 <= number <= len(names):
            raise SpanError(f"No version {number} here: press 1..{len(names)} ({', '.join(names)}).")
        spans = self.session.accept(self.index, names[number - 1])
        self.selected = ""
        self._saved(f"sentence {self.index}: accepted {names[number - 1]}'s version ({_count(spans)})")

    def _do_merge(self, _intent: CuratorSimpleIntent) -> None:
        merged = self.session.merge(self.index)
        self.selected = ""
        said = f"sentence {self.index}: merged ({_count(merged.spans)})"
        if merged.ties:
            said += f"; no majority, both kept: {'; '.join(merged.ties)} — delete the wrong ones (Tab, Delete)"
        self._saved(said)

    def _do_empty(self, _intent: CuratorSimpleIntent) -> None:
        self.session.mark_empty(self.index)
        self.selected = ""
        self._saved(f"sentence {self.index}: nothing to annotate")

    def _do_cycle(self, intent: CycleIntent) -> None:
        spans = self.session.item(self.index).curated
        if not spans:
            self._say("no curated span here: accept a version (1..9) or merge (m) first")
            return
        ids = [s.id for s in spans]
        step = 1 if int(intent.get("step", 1)) >= 0 else -1
        at = ids.index(self.selected) if self.selected in ids else (-1 if step > 0 else 0)
        self.selected = ids[(at + step) % len(ids)]
        span = spans[ids.index(self.selected)]
        self._say(f"{span.label} {quote(span.text)} selected: Delete, a label key, or the stance keys")

    def _do_select(self, intent: CuratedSpanIntent) -> None:
        span_id = str(intent.get("span_id") or "")
        if not any(s.id == span_id for s in self.session.item(self.index).curated):
            raise SpanError("Only curated spans can be selected; accept a version (1..9) or merge (m) first.")
        self.selected = span_id

    def _selected_span(self) -> str:
        if not self.selected:
            raise SpanError("Select a curated span first (Tab), then press the key.")
        return self.selected

    def _do_delete(self, _intent: CuratedSpanIntent) -> None:
        span = self.session.delete(self._selected_span())
        self.selected = ""
        self._saved(f"deleted {span.label} {quote(span.text)}")

    def _do_relabel(self, intent: CuratedSpanIntent) -> None:
        span = self.session.relabel(self._selected_span(), str(intent.get("label") or ""))
        self.selected = span.id
        self._saved(f"relabelled {quote(span.text)} as {span.label}")

    def _do_field(self, intent: CuratedSpanIntent) -> None:
        name, value = str(intent.get("name") or ""), str(intent.get("value") or "")
        span = self.session.set_field(self._selected_span(), name, value or None)
        self.selected = span.id
        self._saved(f"{span.label} {name}: {value or 'cleared'}")

    def _do_undo(self, intent: CuratorSimpleIntent) -> None:
        redo = intent["type"] == "redo"
        span = self.session.redo() if redo else self.session.undo()
        if span is None:
            self._say(f"nothing to {intent['type']}")
            return
        at = self.session.sentence_of(span)
        self._saved(f"{'redid' if redo else 'undid'} the curation of sentence {at}")
        if at is not None:
            self.index = at

    _do_redo = _do_undo

    def _do_clear(self, _intent: CuratorSimpleIntent) -> None:
        self.selected = ""
        self._say("")

    def go(self, index: int) -> None:
        """Show sentence ``index`` (0-based), as clicking it in the list does."""
        self.handle({"type": "nav", "to": "index", "index": index})


# -- what the browser is sent -----------------------------------------------------------------------


def _schema_msg(store: Store) -> SchemaMsg:
    labels = [
        LabelView(name=label.name, key=label.key, color=label.color, description=label.description,
                  sentence_wide=label.name in SENTENCE_LABELS)
        for label in store.schema.labels.values()
    ]  # fmt: skip
    keys = [KeyView(key=key, label=label, send=send, help=text) for key, send, text in _FIELD_KEYS
            for label in SENTENCE_LABELS if label in store.schema.labels]  # fmt: skip
    return SchemaMsg(labels=labels, keys=keys)


def _snippet(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _count(spans: list[Span]) -> str:
    return f"{len(spans)} span{'' if len(spans) == 1 else 's'}"


def _record(item: SentenceVersions) -> str:
    record = item.record
    if record is None:
        return "curated spans imported" if item.curated else ""
    how = {"accepted": f"accepted {record.source}'s version", "merged": "merged", "edited": "edited",
           "empty": "nothing to annotate"}.get(record.how, record.how)  # fmt: skip
    return f"{how} · {record.curator} {record.curated_at[:16].replace('T', ' ')}"
