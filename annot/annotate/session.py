"""One annotator's state on one document: navigation, the visible window, and edits through the store.

This is the whole logic of the annotation widget in plain Python: the browser
only sends intents (go to, select a range, set a label) and renders what
``window()`` returns, so everything here is tested without a browser.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypedDict

from annot.align import Reference, references
from annot.annotate import overview
from annot.annotate.layers import (
    ALL,
    AnnotatorCount,
    Layer,
    check_annotator,
    choices,
    count_annotators,
    differences,
    owner,
)
from annot.annotate.overview import EntityView, OutlineView
from annot.annotate.text import codepoint_to_utf16, snap_to_words, utf16_to_codepoint
from annot.errors import NotFound, SpanError
from annot.model import Origin, Sentence, Span, Status, Translation, format_sentences, quote
from annot.suggest.stance_finder import ActorRef, StanceGuess, suggest_stance
from annot.translate.checks import fold_text

if TYPE_CHECKING:
    from annot.store import Store

__all__ = [
    "AnnotationSession", "CompareView", "STANCE_FIELDS", "Selection", "SentenceView", "SpanView", "Step", "quote",
]  # fmt: skip

_DEFAULT_COLOR = "#7f7f7f"
STANCE_FIELDS = ("holder_span", "holder", "target", "target_span", "polarity", "evidence")


_ACTIONS = {"add": "tag", "update": "edit", "delete": "delete", "restore": "restore"}  # history op -> action
_VERBS = {"tag": "tagging", "edit": "editing", "delete": "deleting", "restore": "restoring", "accept": "accepting",
          "reject": "rejecting"}  # fmt: skip


def _actor_name(span: Span) -> str:
    """An ACTOR's name as people read it: its canonical name, else its text."""
    return str(span.attrs.get("canonical") or span.text)


def _action(op: str, old: Span, new: Span) -> str:
    """The edit a history row made, from the span before (``old``) and after it (``new``).

    An update changing a pending span's status alone is an ``accept`` or a
    ``reject``; any other update is an ``edit``.
    """
    decided = op == "update" and old.status == Status.PENDING and new.status != Status.PENDING
    if decided and replace(old, status=new.status, updated_at=new.updated_at) == new:
        return "accept" if new.status == Status.ACCEPTED else "reject"
    return _ACTIONS.get(op, op)


@dataclass(frozen=True, slots=True)
class Step:
    """What an undo or redo did: the span as it now is, and the edit that was undone or redone.

    Attributes:
        span: the span after the step (a tag undone leaves it deleted); of a step of
            several edits (``Store.edit_step``), the first one undone or redone.
        action: the edit undone or redone: ``tag``, ``edit``, ``accept``, ``reject``,
            ``delete`` or ``restore``; of several edits, theirs when they share one, else ``edit``.
        redo: whether it was a redo.
        whole_sentence: the span covers its whole sentence (a STANCE): ``describe()`` says so
            instead of quoting the sentence.
        spans: every span the step changed, as it now is (``span`` first); empty means ``span`` alone.
    """

    span: Span
    action: str
    redo: bool
    whole_sentence: bool = False
    spans: tuple[Span, ...] = ()

    def describe(self) -> str:
        """The step for people: ``undid tagging ACTOR 'Minsk'``, ``undid accepting 4 suggestions``."""
        done = "redid" if self.redo else "undid"
        verb = _VERBS.get(self.action, self.action)
        if len(self.spans) > 1:
            suggestions = self.action in ("accept", "reject") and all(s.origin == Origin.SUGGESTED for s in self.spans)
            return f"{done} {verb} {len(self.spans)} {'suggestions' if suggestions else 'spans'}"
        what = "(the whole sentence)" if self.whole_sentence else quote(self.span.text)
        return f"{done} {verb} {self.span.label} {what}"


class SpanView(TypedDict):
    """A span as the browser gets it: offsets relative to its sentence, in code points and UTF-16 units."""

    id: str
    label: str
    sent_start: int
    sent_end: int
    utf16_start: int
    utf16_end: int
    attrs: dict[str, Any]
    color: str
    text: str
    annotator: str
    status: str


class SentenceView(TypedDict):
    """One sentence of the window sent to the browser."""

    index: int
    text: str
    heading: bool
    current: bool
    spans: list[SpanView]


class CompareView(TypedDict):
    """Another annotator's version of the current sentence, under the viewer's (the ``compare`` layer).

    ``spans`` are theirs, drawn as the window's are; ``differ`` maps the id of
    every span of either version that differs (``layers.differences``) to
    ``only`` or ``changed``; ``counts`` tallies them: ``mine`` and ``theirs``
    (spans in one version only) and ``changed`` (pairs over one range, told apart by label or attributes).
    """

    annotator: str
    index: int
    text: str
    spans: list[SpanView]
    differ: dict[str, str]
    counts: dict[str, int]


class Selection(TypedDict):
    """A selection snapped to whole words: sentence-relative offsets in code points and UTF-16 units."""

    sentence: int
    sent_start: int
    sent_end: int
    text: str
    utf16_start: int
    utf16_end: int


def _snap(text: str, start: int, end: int, utf16: bool) -> tuple[int, int]:
    """``snap_to_words`` on offsets given in code points, or in UTF-16 units when ``utf16``."""
    if utf16:
        start, end = utf16_to_codepoint(text, start), utf16_to_codepoint(text, end)
    return snap_to_words(text, start, end)


class AnnotationSession:
    """The state of one annotator on one document.

    Spans of every annotator are shown and count as annotations (a sentence is
    *annotated* when it holds the start of at least one live span, whatever
    its status), except suggestions rejected (``overview.shown``): the window,
    the outline, the entities and every list of spans here leave them out, as
    they do deleted spans. A layer (``set_layer``) narrows all of these to one
    annotator's spans (``layers.Layer``); another annotator's layer is read-only.
    Edits, undo and redo, sentence marks and the saved position
    are this annotator's. The document's spans and the annotator's marks are
    read once and cached, and the cache is dropped after every edit made
    through the session; ``changed()`` (polled) or ``refresh()`` see edits made
    elsewhere. Every edit is checked against the span as the cache shows it
    (``Store.update_span`` with ``seen``): someone else's edits of other fields
    merge, and changing a field they changed since is an ``EditConflict``.

    The session opens at the sentence this annotator was last at in this
    document (``Store.position``), else at the first, and saves every move
    there when the store is writable.

    Args:
        store: the project store.
        doc_ref: any document reference ``Store.document`` accepts (newest version).
        annotator: who edits; the store's annotator when ``None``.
        window: how many sentences to show before and after the current one.
        layer: whose spans to show: ``all``, ``mine``, ``annotator:NAME`` or ``compare:NAME`` (``set_layer``).

    Raises:
        NotFound: no such document.
        SpanError: the annotator name is blank or holds control characters, or the layer names nobody here.
    """

    def __init__(
        self, store: Store, doc_ref: str, *, annotator: str | None = None, window: int = 2, layer: str | Layer = "all"
    ) -> None:
        self.store = store
        self.document = store.document(doc_ref)
        self.doc_id = self.document.id
        self.annotator = check_annotator(annotator or store.annotator)
        self.window_size = max(0, window)
        self.sentences: list[Sentence] = store.get_sentences(self.document)
        self._starts = [s.start for s in self.sentences]
        self._by_sentence: dict[int, list[Span]] | None = None  # every live span shown, whatever the layer
        self._layered: dict[int, list[Span]] | None = None  # those of the layer shown
        self._layer = ALL
        self._marks: dict[int, str] | None = None
        self._shown_marks: dict[int, str] | None = None  # the marks of the layer's annotator
        self._annotators: list[AnnotatorCount] | None = None
        self._differ: dict[int, int] = {}  # compare layer: sentence -> spans that differ, kept across own edits
        self._folded: list[str] | None = None  # the sentences folded for search(), made on first use
        self._references: dict[str, dict[int, Reference]] = {}
        # Both tokens before any read, so that a write landing in between is seen by the next changed().
        self._revision = store.revision()
        self._annotations = store.annotation_revision()
        self._saved = store.position(self.doc_id, self.annotator)
        self._index = max(0, min(self._saved or 0, len(self.sentences) - 1))
        self.set_layer(layer)

    # -- navigation --------------------------------------------------------

    @property
    def index(self) -> int:
        """The current sentence's index (0-based)."""
        return self._index

    def go(self, index: int) -> int:
        """Make sentence ``index`` current; out-of-range indexes clamp to the first or last. Returns the index.

        A move to another sentence is saved as this annotator's position when the
        store is writable (the next session on this document opens there); it
        does not count as a change for other sessions' ``changed()``.

        Raises:
            StoreError: the position could not be saved (the move is made all the same).
        """
        self._index = max(0, min(index, len(self.sentences) - 1))
        if self.sentences and self._index != self._saved and not self.store.read_only:
            self._saved = self._index  # before saving: a failed save is retried at the next move, not at each go()
            self.store.save_position(self.doc_id, self.annotator, self._index)
        return self._index

    def next(self) -> int:
        """Move to the next sentence (stays on the last). Returns the index."""
        return self.go(self._index + 1)

    def previous(self) -> int:
        """Move to the previous sentence (stays on the first). Returns the index."""
        return self.go(self._index - 1)

    def next_unannotated(self) -> int | None:
        """Move to the first later sentence not annotated (``overview.annotated``); ``None`` (and no move) if none."""
        by_sentence = self._spans_by_sentence()
        for index in range(self._index + 1, len(self.sentences)):
            if not overview.annotated(by_sentence.get(index, ())):
                return self.go(index)
        return None

    def annotated_count(self) -> int:
        """How many sentences hold a live span that is not a pending suggestion (``overview.annotated``)."""
        return sum(1 for spans in self._spans_by_sentence().values() if overview.annotated(spans))

    def position_line(self) -> str:
        """Where the annotator is, for people: ``sentence 4 · 14 sentences · 9 annotated · 3 done``.

        Sentence numbers count from 0, as everywhere annot shows them
        (``model.format_sentences``). ``N done`` appears once this annotator has
        marked sentences, and counts both marks: done, and nothing to annotate.
        A layer other than ``all`` is named at the end (``· bob's layer (read-only)``),
        and the counts are its own (``shown_marks``).
        """
        marked = len(self.shown_marks())
        done = f" · {marked} done" if marked else ""
        if self._layer != ALL:  # which layer the numbers count
            done += f" · {self._layer.describe(self.annotator)}"
        if not self.sentences:
            return f"no sentences · {self.annotated_count()} annotated{done}"
        return (f"sentence {format_sentences([self._index])} · {len(self.sentences)} sentences"
                f" · {self.annotated_count()} annotated{done}")  # fmt: skip

    def set_annotator(self, name: str) -> str:
        """Switch who edits from now on (undo, marks and saved position become ``name``'s); returns the name, stripped.

        The current sentence stays as it is, and so does the layer (``mine`` becomes
        ``name``'s), except that a comparison with ``name`` becomes ``mine``.

        Raises:
            SpanError: the name is blank or holds control characters (nothing changes).
        """
        self.annotator = check_annotator(name)
        if self._layer.kind == "compare" and self._layer.name == self.annotator:
            self._layer = Layer("mine")  # no one is compared with themselves
        self._marks = None
        self._shown_marks = None
        self._layered = None  # "mine" is someone else now
        self._differ = {}
        self._saved = None  # the next move saves this annotator's position
        return self.annotator

    # -- layers: whose spans the view shows ----------------------------------------

    @property
    def layer(self) -> Layer:
        """The layer shown (``layers.Layer``): ``all`` unless ``set_layer`` chose another."""
        return self._layer

    def set_layer(self, layer: str | Layer) -> Layer:
        """Show ``all`` annotators' spans, ``mine``, another's (``annotator:NAME`` or ``NAME``, read-only), or
        ``compare:NAME`` (mine, with NAME's version of the current sentence, ``compare()``). Returns the layer.

        Raises:
            SpanError: a layer naming no annotator of this document (the message lists them), or naming
                the viewing annotator for a comparison (nothing changes).
        """
        chosen = Layer.parse(layer)
        if chosen.name and chosen.name != self.annotator:
            names = [a["name"] for a in self.annotators()]
            if chosen.name not in names:
                known = ", ".join(f"{a['name']} ({a['spans']})" for a in self.annotators()) or "nobody yet"
                raise SpanError(f"No annotator {chosen.name!r} in document {self.doc_id}; annotators here: {known}."
                                " Choose one of them, all or mine.")  # fmt: skip
        elif chosen.kind == "compare":
            raise SpanError(f"Cannot compare {self.annotator} with themselves; compare with another annotator.")
        self._layer = chosen
        self._layered = None
        self._shown_marks = None
        self._differ = {}
        return chosen

    def layer_choices(self) -> list[Layer]:
        """The layers this view can show, in the order a key cycles them (``layers.choices``)."""
        return choices(self.annotator, [a["name"] for a in self.annotators()])

    def annotators(self) -> list[AnnotatorCount]:
        """Who has live spans or sentence marks in this document, with how many, sorted by name.

        Suggestions are nobody's (``layers.owner``) and count for no one.
        """
        if self._annotators is None:
            spans = [s for spans in self._document_spans().values() for s in spans]
            marks = self.store.sentence_marks(self.doc_id)["annotator"]
            self._annotators = count_annotators(spans, (str(name) for name in marks))
        return list(self._annotators)

    def shows(self, span: Span) -> bool:
        """Whether this view shows ``span`` (a live span): ``overview.shown`` with this layer and annotator."""
        return span.doc_id == self.doc_id and overview.shown(span, self._layer, self.annotator)

    def read_only(self) -> bool:
        """Whether the layer shown is another annotator's: edits and marks are refused (``set_layer``)."""
        return self._layer.read_only(self.annotator)

    def _check_writable(self) -> None:
        if self.read_only():
            raise SpanError(f"This view shows {self._layer.name}'s layer, read-only: switch to mine or all"
                            " (the layer menu, or L) to edit.")  # fmt: skip

    def compare(self) -> CompareView | None:
        """The other annotator's version of the current sentence, and what differs from this annotator's.

        Only in a ``compare`` layer (else ``None``). Both versions are the
        annotators' own spans in the sentence (suggestions are nobody's and are
        left out); ``layers.differences`` says which differ.
        """
        if self._layer.kind != "compare" or not self.sentences:
            return None
        sentence = self.sentences[self._index]
        theirs = self._versions(self._index)[1]
        mine_ids = {s.id for s in self._versions(self._index)[0]}
        differ = self._differences(self._index, self._by_id())
        counts = {"mine": 0, "theirs": 0, "changed": 0}
        for span_id, kind in differ.items():
            if kind == "changed":
                counts["changed"] += span_id in mine_ids  # a pair counts once
            else:
                counts["mine" if span_id in mine_ids else "theirs"] += 1
        return CompareView(
            annotator=self._layer.name, index=sentence.index, text=sentence.text,
            spans=[self._view(s, sentence) for s in theirs], differ=dict(differ), counts=counts,
        )  # fmt: skip

    # -- sentence marks and the overview ------------------------------------------

    def marks(self) -> dict[int, str]:
        """This annotator's marks: sentence index -> ``"done"`` or ``"empty"`` (nothing to annotate)."""
        if self._marks is None:
            self._marks = self.store.marks(self.doc_id, self.annotator)
        return dict(self._marks)

    def _versions(self, index: int) -> tuple[list[Span], list[Span]]:
        """This annotator's own spans starting in sentence ``index``, and the compared annotator's."""
        here = self._document_spans().get(index, [])  # all shown: whose each is, is layers.owner's to say
        return [s for s in here if owner(s) == self.annotator], [s for s in here if owner(s) == self._layer.name]

    def _differences(self, index: int, refs: dict[str, Span]) -> dict[str, str]:
        """The spans of sentence ``index`` that differ between the two versions compared (``layers.differences``).

        ``refs``: the document's spans by id (``_by_id``), for attributes naming another span (a STANCE's holder).
        """
        mine, theirs = self._versions(index)
        return dict(differences(mine, theirs, refs)) if mine or theirs else {}

    def _by_id(self) -> dict[str, Span]:
        return {s.id: s for spans in self._document_spans().values() for s in spans}

    def shown_marks(self) -> dict[int, str]:
        """The marks the outline shows: the layer's annotator's in another's layer, else this one's (``marks``)."""
        whose = self._layer.whose(self.annotator)
        if whose == self.annotator:
            return self.marks()
        if self._shown_marks is None:
            self._shown_marks = self.store.marks(self.doc_id, whose)
        return dict(self._shown_marks)

    def mark(self, status: str | None, index: int | None = None) -> int:
        """Mark a sentence (the current one by default) ``"done"``, ``"empty"`` (nothing to annotate), or clear it.

        Marks are not span edits: ``undo`` leaves them alone; mark with ``None`` to clear.

        Returns:
            The index of the sentence marked.

        Raises:
            SpanError: an unknown status, no such sentence, or another annotator's layer is shown (nothing is written).
            StoreError: the store is read-only.
        """
        self._check_writable()
        target = self._sentence(index)
        seen = self._annotations
        if self.store.mark_sentences(self.doc_id, [target.index], status, annotator=self.annotator):
            # Our own mark moved the counter by one: the spans read are still current, unless someone
            # else wrote too (then the counter moved further, and changed() re-reads).
            if self.store.annotation_revision() == seen + 1:
                self._annotations = seen + 1
            self._marks = None
            self._annotators = None
        return target.index

    def outline(self) -> OutlineView:
        """The whole document for the overview: per-label counts of the layer's spans and the marks per sentence.

        Labels are the schema's, in its order; see ``overview.OutlineView``. The
        marks are this annotator's, or the layer's annotator's (``shown_marks``). In a
        ``compare`` layer, ``differ`` counts each sentence's spans that differ between the two versions.
        """
        view = overview.outline(
            len(self.sentences), self._spans_by_sentence(), list(self.store.schema.labels), self.shown_marks()
        )
        if self._layer.kind == "compare":
            missing = [i for i in range(len(self.sentences)) if i not in self._differ]
            refs = self._by_id() if missing else {}
            for i in missing:
                self._differ[i] = len(self._differences(i, refs))
            view["differ"] = [self._differ[i] for i in range(len(self.sentences))]
        return view

    def snippets(self, width: int = 80) -> list[str]:
        """Each sentence's first words, at most ``width`` characters ("…" when cut), for the outline's rows.

        Raises:
            SpanError: ``width`` is under 2.
        """
        if width < 2:
            raise SpanError(f"Snippet width must be at least 2 characters, got {width}.")
        return [overview.snippet(s.text, width) for s in self.sentences]

    def entities(self) -> list[EntityView]:
        """Every ACTOR grouped by canonical name, every QUANTITY by value and unit, other labels by text.

        See ``overview.entities``; STANCE spans are claims about a sentence, not entities, and are left out.
        """
        return overview.entities(self._spans_by_sentence(), list(self.store.schema.labels))

    def search(self, query: str) -> list[int]:
        """Indexes of the sentences containing ``query``, whatever the case and accents; ``[]`` for a blank query."""
        if self._folded is None:
            self._folded = [fold_text(s.text) for s in self.sentences]
        return overview.search(self._folded, query)

    # -- what the browser shows ----------------------------------------------

    def refresh(self) -> None:
        """Forget the cached spans and marks, so the next read sees edits made by other sessions or processes."""
        self._revision = self.store.revision()
        self._annotations = self.store.annotation_revision()
        self._by_sentence = None
        self._layered = None
        self._marks = None
        self._shown_marks = None
        self._annotators = None
        self._differ = {}
        self._references = {}

    def changed(self) -> bool:
        """Whether annotations changed since the last read (by anyone); if so, the cache is dropped.

        Annotations: spans, sentence marks, links and alignments, documents
        (``Store.annotation_revision``). Cheap enough to poll every second: when
        nothing at all was committed, no table is read; otherwise one row.
        Positions saved by moves and translations do not count, so sessions do
        not make each other re-read everything by moving or translating.
        """
        revision = self.store.revision()
        if revision == self._revision:
            return False
        if self.store.annotation_revision() == self._annotations:
            self._revision = revision
            return False
        self.refresh()
        return True

    def _sentence_of(self, doc_offset: int) -> int:
        # The store's rule: a span belongs to the last sentence starting at or
        # before it, or to the first one if it starts before every sentence.
        return max(bisect_right(self._starts, doc_offset) - 1, 0)

    def _spans_by_sentence(self) -> dict[int, list[Span]]:
        """The spans the view shows (``shows``: the layer's), by the sentence they start in."""
        if self._layer == ALL:
            return self._document_spans()
        if self._layered is None:
            layered: dict[int, list[Span]] = {}
            for index, spans in self._document_spans().items():
                kept = [s for s in spans if overview.shown(s, self._layer, self.annotator)]
                if kept:
                    layered[index] = kept
            self._layered = layered
        return self._layered

    def _document_spans(self) -> dict[int, list[Span]]:
        """Every live span shown (``overview.shown``, whatever the layer), by the sentence it starts in."""
        if self._by_sentence is None:
            by_sentence: dict[int, list[Span]] = {}
            if self.sentences:
                for span in self.store.iter_spans(self.doc_id):
                    if overview.shown(span):
                        by_sentence.setdefault(self._sentence_of(span.start), []).append(span)
            self._by_sentence = by_sentence
        return self._by_sentence

    def _after_write(self, span: Span | None, *, deleted: bool = False) -> None:
        """Bring the cache up to date after this session's own write of ``span`` (``None``: the write failed)."""
        self._after_writes(None if span is None else [(span, deleted)])

    def _after_writes(self, changes: list[tuple[Span, bool]] | None) -> None:
        """Bring the cache up to date after one transaction of this session's: each span written and whether
        it is now deleted (``None``: the write failed).

        When nothing else was written since the cache was read (the annotations
        counter moved by exactly this transaction), only those spans change in
        the cache; otherwise everything is read again. Re-reading a long
        document's spans after every edit took 150 ms with 20,000 spans. A
        suggestion rejected leaves the cache as a deleted span does (``overview.shown``).
        """
        now = self.store.annotation_revision()
        if changes is None or self._by_sentence is None or now != self._annotations + 1:
            self.refresh()
            return
        by_sentence = self._by_sentence
        for span, deleted in changes:
            if span.doc_id != self.doc_id:  # a step over several documents (Store.edit_step) changed another too
                continue
            for index, spans in list(by_sentence.items()):  # where the span was (an edit may move it)
                kept = [s for s in spans if s.id != span.id]
                if len(kept) != len(spans):
                    if kept:
                        by_sentence[index] = kept
                    else:
                        del by_sentence[index]
                    self._differ.pop(index, None)
                    break
            self._differ.pop(self._sentence_of(span.start), None)
            if self._differ and any(span.id in s.attrs.values() for ss in by_sentence.values() for s in ss):
                self._differ = {}  # a STANCE elsewhere names it as its holder: its comparison may change too
            if not deleted and overview.shown(span):
                spans = by_sentence.setdefault(self._sentence_of(span.start), [])
                keys = [(s.start, s.end, s.id) for s in spans]  # the store's order
                spans.insert(bisect_left(keys, (span.start, span.end, span.id)), span)
        self._annotations = now
        self._revision = self.store.revision()
        self._layered = None  # derived from the spans just changed (a pass, no read)
        self._annotators = None

    def spans_in(self, index: int) -> list[Span]:
        """The live spans starting in sentence ``index``, by start then end (suggestions rejected left out)."""
        return list(self._spans_by_sentence().get(index, []))

    def _view(self, span: Span, sentence: Sentence) -> SpanView:
        sent_start, sent_end = span.start - sentence.start, span.end - sentence.start
        size = len(sentence.text)
        # A span running past its sentence (or sitting in the space after it) is
        # drawn clipped to the sentence; the code point offsets stay exact.
        clip_start, clip_end = min(max(sent_start, 0), size), min(max(sent_end, 0), size)
        label = self.store.schema.labels.get(span.label)
        return SpanView(
            id=span.id, label=span.label, sent_start=sent_start, sent_end=sent_end,
            utf16_start=codepoint_to_utf16(sentence.text, clip_start),
            utf16_end=codepoint_to_utf16(sentence.text, clip_end),
            attrs=dict(span.attrs), color=label.color if label else _DEFAULT_COLOR,
            text=span.text, annotator=span.annotator, status=str(span.status.value),
        )  # fmt: skip

    def window_indexes(self) -> range:
        """The indexes of the sentences ``window()`` shows: the current one and ``window`` on each side."""
        low = max(0, self._index - self.window_size)
        return range(low, min(len(self.sentences), self._index + self.window_size + 1))

    def window(self) -> list[SentenceView]:
        """The current sentence and up to ``window`` sentences on each side, with their spans.

        Only this window travels to the browser, whatever the document's length.
        """
        if not self.sentences:
            return []
        by_sentence = self._spans_by_sentence()
        return [
            SentenceView(
                index=s.index, text=s.text, heading=s.heading, current=s.index == self._index,
                spans=[self._view(span, s) for span in by_sentence.get(s.index, [])],
            )
            for s in (self.sentences[i] for i in self.window_indexes())
        ]  # fmt: skip

    def _sentence(self, index: int | None) -> Sentence:
        if not self.sentences:
            raise SpanError(f"Document {self.doc_id} has no sentences to annotate.")
        index = self._index if index is None else index
        if not 0 <= index < len(self.sentences):
            raise SpanError(f"Document {self.doc_id} has no sentence {index} (valid: 0..{len(self.sentences) - 1}).")
        return self.sentences[index]

    # -- edits -----------------------------------------------------------------

    def select(self, sent_start: int, sent_end: int, *, utf16: bool = False, sentence: int | None = None) -> Selection:
        """Snap a selection to whole words without storing anything (the widget's pending selection).

        Args: as for ``tag``; the offsets may come in either order.

        Raises:
            SpanError: no such sentence, or the selection is out of range, inside a
                surrogate pair or holds no word.
        """
        target = self._sentence(sentence)
        try:
            start, end = _snap(target.text, *sorted((sent_start, sent_end)), utf16)
        except ValueError as exc:
            raise SpanError(f"Cannot select in sentence {target.index}: {exc}") from exc
        return Selection(
            sentence=target.index, sent_start=start, sent_end=end, text=target.text[start:end],
            utf16_start=codepoint_to_utf16(target.text, start), utf16_end=codepoint_to_utf16(target.text, end),
        )  # fmt: skip

    def tag(
        self, sent_start: int, sent_end: int, label: str, attrs: dict[str, Any] | None = None, *,
        utf16: bool = False, sentence: int | None = None,
    ) -> Span:  # fmt: skip
        """Tag a selection in a sentence, snapped to whole words, and return the stored span.

        Args:
            sent_start: where the selection starts, relative to the sentence.
            sent_end: where it ends, relative to the sentence.
            label: a label of the project's schema.
            attrs: the label's attributes.
            utf16: the offsets count UTF-16 code units (as the browser does), not code points.
            sentence: the sentence selected in (any of the window's); the current one when ``None``.

        Raises:
            SpanError: the selection is out of range, inside a surrogate pair or holds
                no word, the label or attributes are invalid, or another annotator's layer is shown.
        """
        self._check_writable()
        target = self._sentence(sentence)
        try:
            start, end = _snap(target.text, sent_start, sent_end, utf16)
        except ValueError as exc:
            raise SpanError(f"Cannot tag in sentence {target.index}: {exc}") from exc
        try:
            span = self.store.add_span(
                self.doc_id, target.start + start, target.start + end, label, attrs, annotator=self.annotator
            )
        except BaseException:
            self.refresh()
            raise
        self._after_write(span)
        return span

    def pending(self, index: int | None = None) -> list[Span]:
        """The pending spans (suggestions to review) starting in sentence ``index`` (the current one), in reading order.

        Raises:
            SpanError: no such sentence.
        """
        target = self._sentence(index)
        return [s for s in self._spans_by_sentence().get(target.index, []) if s.status == Status.PENDING]

    def accept_all(self, index: int | None = None) -> list[Span]:
        """Accept every pending span starting in sentence ``index`` (the current one); the spans as accepted.

        Each keeps its origin and attributes. The acceptances are one step
        (``Store.edit_step``): written in one transaction, and one ``undo`` takes them all back.

        Raises:
            SpanError: no such sentence, or another annotator's layer is shown.
            StoreError: the store is read-only (nothing is written).
            EditConflict: someone else decided one of them otherwise (rejected it) since the view showed it:
                none is accepted, and the view shows their decision.
        """
        self._check_writable()
        pending = self.pending(index)
        if not pending:
            return []
        try:
            with self.store.edit_step():
                spans = [self.store.update_span(s.id, annotator=self.annotator, seen=s, status=Status.ACCEPTED)
                         for s in pending]  # fmt: skip
        except BaseException:
            self.refresh()
            raise
        self._after_writes([(span, False) for span in spans])
        return spans

    def span(self, span_id: str) -> Span:
        """The span ``span_id`` of this document as this view shows it (the cached window), else as stored.

        What the view shows is what an edit is checked against (``edit``): a span
        someone else changed since shows as it was until ``changed()`` or
        ``refresh()`` reads again (the widget polls every second).

        Raises:
            NotFound: no such live span, or it belongs to another document.
        """
        for spans in self._document_spans().values():
            for span in spans:
                if span.id == span_id:
                    return span
        return self._own(span_id)

    def sentence_of(self, span: Span) -> int:
        """The index of the sentence holding ``span``'s start (the store's rule)."""
        return self._sentence_of(span.start)

    def spans_near(self, span: Span) -> list[Span]:
        """The live spans of the sentences ``window()`` would show around ``span``'s sentence, in reading order."""
        index = self.sentence_of(span)
        by_sentence = self._spans_by_sentence()
        low, high = max(0, index - self.window_size), index + self.window_size
        return [s for i in range(low, high + 1) for s in by_sentence.get(i, [])]

    def _own(self, span_id: str) -> Span:
        span = self.store.get_span(span_id)
        if span.doc_id != self.doc_id:
            raise NotFound(f"Span {span_id} belongs to document {span.doc_id}, not to {self.doc_id}.")
        return span

    def edit(self, span_id: str, **changes: Any) -> Span:
        """Change a span of this document (``start``, ``end``, ``label``, ``attrs``, ``status``).

        Correcting a pending suggestion (any change but ``status``) accepts it:
        the annotator has decided on it, and an accepted ACTOR teaches the actor suggester.

        The edit is checked against the span as this view shows it (``span``):
        fields someone else changed since are kept, and changing one of them
        again is an ``EditConflict`` (``Store.update_span`` with ``seen``); the
        view then reads again, so that it shows their version.

        Raises:
            NotFound: no live span ``span_id`` in this document.
            SpanError: the change is invalid, or another annotator's layer is shown (nothing is written).
            EditConflict: someone else changed a field this edit changes, or deleted the span, since
                the view showed it (nothing is written; the view shows their version).
        """
        self._check_writable()
        seen = self.span(span_id)
        if seen.status == Status.PENDING and "status" not in changes and changes:
            changes["status"] = Status.ACCEPTED
        try:
            span = self.store.update_span(span_id, annotator=self.annotator, seen=seen, **changes)
        except BaseException:
            self.refresh()
            raise
        self._after_write(span)
        return span

    def discard(self, span_id: str) -> Span:
        """What the Delete key does: reject a pending suggestion, delete any other span (undo brings it back).

        A suggestion is rejected rather than deleted: it leaves the view all the
        same, stays in the store so that no suggester makes it again, and may be
        the holder a STANCE suggestion refers to (which forbids deleting it).

        Raises:
            NotFound: no live span ``span_id`` in this document.
            SpanError: another span's attributes refer to it (a span that is no suggestion).
            EditConflict: someone else changed or deleted the span since the view showed it.
        """
        span = self.span(span_id)
        if span.origin == Origin.SUGGESTED and span.status == Status.PENDING:
            return self.edit(span_id, status=Status.REJECTED)
        return self.delete(span_id)

    def delete(self, span_id: str) -> Span:
        """Delete a span of this document (undo brings it back).

        Raises:
            NotFound: no live span ``span_id`` in this document.
            SpanError: another span's attributes refer to it, or another annotator's layer is shown.
            EditConflict: someone else changed or deleted the span since the view showed it (``span``):
                nothing is deleted, and the view shows their version.
        """
        self._check_writable()
        seen = self.span(span_id)
        try:
            span = self.store.delete_span(span_id, annotator=self.annotator, seen=seen)
        except BaseException:
            self.refresh()
            raise
        self._after_write(span, deleted=True)
        return span

    def _step(self, *, redo: bool) -> Step | None:
        try:
            done = self.store._step(self.annotator, redo=redo, doc_id=self.doc_id)
        except BaseException:
            self.refresh()
            raise
        if not done:
            self.refresh()
            return None
        # The span ends up deleted after undoing an add or a restore, or redoing a delete (the store's rule).
        self._after_writes([
            (span, (op in ("add", "restore") and not redo) or (op == "delete" and redo)) for span, op, _ in done
        ])  # fmt: skip
        # What the edits were: from the span before each to the span after it.
        actions = {_action(op, *((was, span) if redo else (span, was))) for span, op, was in done}
        span = done[0][0]
        sentence = self.sentences[self._sentence_of(span.start)] if self.sentences else None
        whole = sentence is not None and (span.start, span.end) == (sentence.start, sentence.end)
        action = actions.pop() if len(actions) == 1 else "edit"
        return Step(span, action, redo, whole_sentence=whole, spans=tuple(s for s, _, _ in done))

    def undo(self) -> Step | None:
        """Undo this annotator's last edit in this document; what was undone, or ``None`` if nothing was.

        Edits in other documents (another widget) are left alone: each view
        undoes its own. Sentence marks are not edits: undo leaves them alone.
        Edits made as one step (``accept_all``) are undone together.
        ``Step.describe()`` says what happened: ``undid tagging ACTOR 'Minsk'``,
        ``undid accepting 4 suggestions``.

        Raises:
            StoreError: someone else changed the span since (nothing is changed).
            SpanError: the undo would delete a span another span's attributes refer to.
        """
        return self._step(redo=False)

    def redo(self) -> Step | None:
        """Redo this annotator's last undone edit in this document; what was redone, or ``None`` if nothing was.

        Raises:
            StoreError: someone else changed the span since the undo (nothing is changed).
            SpanError: the redo would delete a span another span's attributes refer to.
        """
        return self._step(redo=True)

    def stance(self, index: int | None = None) -> Span | None:
        """This annotator's STANCE span covering sentence ``index`` (the current one by default), if any.

        Failing that, a STANCE suggestion starting in the sentence, accepted ones first: the stance
        keys then correct it (which accepts it) rather than start a second STANCE beside it. An
        accepted suggestion keeps its suggester's name, and is the team's like every accepted
        suggestion: correcting it again edits it.
        """
        target = self._sentence(index)
        stances = [s for s in self._spans_by_sentence().get(target.index, []) if s.label == "STANCE"]
        for span in stances:
            if span.annotator == self.annotator and (span.start, span.end) == (target.start, target.end):
                return span
        suggested = [s for s in stances if s.origin == Origin.SUGGESTED and s.status != Status.REJECTED]
        return next((s for s in suggested if s.status == Status.ACCEPTED), next(iter(suggested), None))

    def holder_candidates(self) -> list[Span]:
        """The ACTOR spans that can hold the current sentence's stance: this sentence's, then earlier ones.

        This sentence's actors come first in reading order, then earlier sentences'
        from the nearest back (a person named once and quoted later stays reachable).
        """
        by_sentence = self._spans_by_sentence()
        found: list[Span] = []
        for index in range(self._index, -1, -1):
            found += [s for s in by_sentence.get(index, []) if s.label == "ACTOR"]
        return found

    def suggest_stance(self) -> StanceGuess:
        """What the text suggests for the current sentence's stance (evidence and holder); see ``annot.suggest``."""
        sentence = self._sentence(None)
        actors = [ActorRef(s.id, s.start - sentence.start, s.end - sentence.start, _actor_name(s))
                  for s in self.spans_in(sentence.index) if s.label == "ACTOR"]  # fmt: skip
        lang = self.document.lang
        return suggest_stance(sentence.text, lang, actors, cues=self.store.schema.stance_cues(lang))

    def start_stance(self) -> Span:
        """This annotator's STANCE on the current sentence: the existing one, or a new one prefilled from the text.

        The prefill sets ``evidence`` and the holder (the tagged actor nearest to a
        reporting verb) when the text suggests them; polarity is left to the annotator.
        """
        existing = self.stance()
        if existing is not None:
            return existing
        guess = self.suggest_stance()
        holder = None
        if guess.holder_span is not None:
            span = next(s for s in self.holder_candidates() if s.id == guess.holder_span)
            holder = _actor_name(span)
        return self.set_stance(holder_span=guess.holder_span, holder=holder, evidence=guess.evidence)

    def update_stance(self, **changes: str | None) -> Span:
        """Change some fields of the current sentence's STANCE (created when missing); ``None`` clears a field.

        Setting ``holder_span`` also sets ``holder`` to that actor's name; setting
        ``holder`` alone (``"author"``, free text) clears ``holder_span``.

        Raises:
            SpanError: an unknown field or invalid value (nothing is written).
        """

        def candidate(span_id: str) -> Span | None:
            return next((s for s in self.holder_candidates() if s.id == span_id), None)

        changes = self._holder_rule(changes, candidate, "in this sentence or before it")
        existing = self.stance()
        fields: dict[str, str | None] = {name: None for name in STANCE_FIELDS}
        if existing is not None:
            fields.update({name: existing.attrs.get(name) for name in STANCE_FIELDS})
        fields.update(changes)
        return self.set_stance(**fields)

    def edit_stance(self, span_id: str, **changes: str | None) -> Span:
        """Change some fields of a STANCE span of this document; ``None`` clears a field.

        This annotator's stance on the current sentence goes through
        ``update_stance``; any other (another sentence's, another annotator's)
        is edited in place by the same rules, its holder any ACTOR of the document.

        Raises:
            NotFound: no live span ``span_id`` in this document.
            SpanError: an unknown field, a holder that is not an ACTOR, or an invalid value (nothing is written).
            EditConflict: someone else changed one of these fields since the view showed the span (``edit``).
        """
        span = self.span(span_id)
        current = self.stance()
        if current is not None and current.id == span.id:
            return self.update_stance(**changes)

        def actor(holder_id: str) -> Span | None:
            try:
                found = self._own(holder_id)
            except NotFound:
                return None
            return found if found.label == "ACTOR" else None

        changes = self._holder_rule(changes, actor, "in this document")
        attrs = {**span.attrs, **changes}
        return self.edit(span.id, attrs={name: value for name, value in attrs.items() if value is not None})

    @staticmethod
    def _holder_rule(
        changes: dict[str, str | None], actor: Callable[[str], Span | None], where: str
    ) -> dict[str, str | None]:
        """Stance changes checked, with the holder rule: ``holder_span`` also sets ``holder`` to that actor's
        name; ``holder`` alone (``"author"``, free text) clears ``holder_span``."""
        unknown = set(changes) - set(STANCE_FIELDS)
        if unknown:
            raise SpanError(f"Unknown STANCE field(s) {', '.join(sorted(unknown))}; valid: {', '.join(STANCE_FIELDS)}.")
        if changes.get("holder_span"):
            span = actor(str(changes["holder_span"]))
            if span is None:
                raise SpanError(
                    f"Span {changes['holder_span']} is not an ACTOR {where}; tag the holder as ACTOR first."
                )
            return {**changes, "holder": changes.get("holder") or _actor_name(span)}
        if "holder" in changes:
            return {"holder_span": None, **changes}
        return changes

    def cycle_holder(self) -> Span:
        """Set the stance holder to the next candidate: this sentence's actors, earlier actors, then the author."""
        options: list[str | None] = [s.id for s in self.holder_candidates()] + [None]  # None: the author
        existing = self.stance()
        current: str | bool | None = False  # False: no holder yet, so the first option comes next
        if existing is not None and (existing.attrs.get("holder_span") or existing.attrs.get("holder")):
            current = existing.attrs.get("holder_span")
        following = options[(options.index(current) + 1) % len(options)] if current in options else options[0]
        if following is None:
            return self.update_stance(holder="author")
        return self.update_stance(holder_span=following)

    def set_stance(
        self, holder_span: str | None = None, holder: str | None = None, target: str | None = None,
        polarity: str | None = None, evidence: str | None = None, *, target_span: str | None = None,
    ) -> Span:  # fmt: skip
        """Create or replace this annotator's one STANCE span over the whole current sentence.

        A pending STANCE suggestion there (``stance``) is corrected so, which accepts it.

        The attributes are set as given, not merged: the widget sends the whole
        form, and a field left empty (``None``) is cleared.

        Args:
            holder_span: id of the ACTOR span holding the stance.
            holder: the holder as free text (``"author"`` for the article's own voice).
            target: what or whom the stance is about, as free text.
            polarity: supports, opposes, neutral or unclear.
            evidence: asserted, reported, alleged or quoted.
            target_span: id of the ACTOR span the stance is about.

        Raises:
            SpanError: an invalid value, a span id that is not a live ACTOR of this document, or
                another annotator's layer is shown.
            EditConflict: someone else changed one of the fields this changes since the view showed the
                stance (``edit``; nothing is written).
        """
        self._check_writable()
        attrs = {"holder_span": holder_span, "holder": holder, "target": target, "target_span": target_span,
                 "polarity": polarity, "evidence": evidence}  # fmt: skip
        attrs = {name: value for name, value in attrs.items() if value is not None}
        sentence = self._sentence(None)
        existing = self.stance()
        try:
            if existing is not None:
                span = self.store.update_span(existing.id, annotator=self.annotator, seen=existing, attrs=attrs,
                                              status=Status.ACCEPTED)  # fmt: skip
            else:
                span = self.store.add_span(
                    self.doc_id, sentence.start, sentence.end, "STANCE", attrs, annotator=self.annotator
                )
        except BaseException:
            self.refresh()
            raise
        self._after_write(span)
        return span

    # -- helpers for the form ----------------------------------------------------

    def actor_names(self) -> list[str]:
        """Sorted distinct names of the project's ACTOR spans (canonical name, else the text), for completion."""
        return self.store.names("ACTOR", "canonical")

    def label_keys(self) -> dict[str, str]:
        """Keyboard shortcuts from the schema: key -> label name (``"1"`` -> ``"ACTOR"``)."""
        return {label.key: label.name for label in self.store.schema.labels.values() if label.key}

    def reference(self, target: str) -> Reference | None:
        """The linked version in ``target`` of the current sentence (a reference, or a human translation), if aligned.

        A document in ``target`` linked to this one (``annot link``) gives, through
        its sentence alignment, the sentences matching the current one; a bead of
        two sentences here and one there is the same reference for both.
        """
        if target not in self._references:
            self._references[target] = references(self.store, self.doc_id, target)
        for ref in self._references[target].values():
            if self._index in ref.a:
                return ref
        return None

    def translation(self, target: str, engine: str | None = None) -> list[Translation]:
        """The stored translations of the current sentence into ``target`` (one per engine signature).

        Nothing is translated here; see ``annot.translate`` for making them.
        """
        if not self.sentences:
            return []
        found = self.store.get_translations(self.doc_id, target=target, index=self._index)
        return [tr for tr in found if engine is None or tr.engine == engine]
