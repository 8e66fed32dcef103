"""Adjudication: the annotators' versions of each sentence side by side, and the curator's version made from them.

``CurationSession`` is the whole logic of the curator widget in plain Python. An annotator's *version* of a
sentence is their own accepted spans starting in it (origin not ``curated``); the curator accepts one, merges
them, or edits the result, and ``Store.curate`` stores it as the *curated layer* (origin ``curated``, status
accepted, the curator as annotator) beside the originals, which stay as they were.

Holders: a STANCE's ``holder_span`` (any ``span`` attribute) names an ACTOR of its annotator. Copied into the
curated layer, it names the curated copy of that ACTOR when the ACTOR is copied with it (same sentence); an
ACTOR of another sentence is named through that sentence's curated ACTOR on the same words when there is
one, else the reference stays on the annotator's own ACTOR, which resolves (the store then refuses to delete
that ACTOR while the curated STANCE names it). Curating the ACTOR's sentence later does not move the
reference: relabel or set the holder again if it matters.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from annot.errors import NotFound, SpanError
from annot.model import Origin, Sentence, Span, Status, quote
from annot.store.curation import Curation

if TYPE_CHECKING:
    import pandas as pd

    from annot.store import Store

__all__ = ["CurationSession", "Merge", "SentenceVersions", "curation_status"]

Key = tuple[int, int, str, str]  # start, end, label, attributes as canonical JSON


@dataclass(frozen=True, slots=True)
class SentenceVersions:
    """One sentence as the curator sees it.

    Attributes:
        index: the sentence (0-based).
        start: its document offset (spans' ``start - start`` is their sentence offset).
        text: its text.
        versions: each annotator's accepted spans starting in it, in text order (annotators in session order).
        curated: the curated spans starting in it.
        record: how it was curated (``None``: never, or undone, or curated spans imported without a record).
        disagreement: how many distinct spans (range, label and attributes) some annotator lacks; 0 when all
            versions are identical (or there is one version).
    """

    index: int
    start: int
    text: str
    versions: dict[str, tuple[Span, ...]]
    curated: tuple[Span, ...]
    record: Curation | None
    disagreement: int

    @property
    def is_curated(self) -> bool:
        """Whether the sentence has a curated version (a record, or curated spans imported without one)."""
        return self.record is not None or bool(self.curated)


@dataclass(frozen=True, slots=True)
class Merge:
    """What ``merge`` stored: the curated spans, and the ties it kept for the curator to settle.

    Attributes:
        spans: the curated spans.
        ties: one line per range where versions disagreed with no majority (every tied span is kept: delete
            the wrong ones), e.g. ``'Minsk' [12, 17): ACTOR (ana) vs QUANTITY (ben)``.
    """

    spans: list[Span]
    ties: list[str] = field(default_factory=list)


def _span_attr_names(store: Store, label: str) -> set[str]:
    schema_label = store.schema.labels.get(label)
    return {n for n, a in schema_label.attributes.items() if a.type == "span"} if schema_label else set()


class CurationSession:
    """A curator's work on one document: the annotators' versions per sentence, and the curated layer.

    Args:
        store: the project store.
        doc: any reference ``Store.document`` accepts.
        curator: who curates (the curated spans' annotator, whose ``undo`` this is); the store's annotator
            when ``None``.
        annotators: whose versions to compare, in this order (``1``..``9`` in the widget); by default every
            annotator with an own accepted span or a sentence mark in the document, sorted.

    Raises:
        NotFound: no such document.
        SpanError: a blank curator name.
    """

    def __init__(
        self, store: Store, doc: str, *, curator: str | None = None, annotators: Sequence[str] | None = None
    ) -> None:
        self.store = store
        self.document = store.document(doc)
        self.doc_id = self.document.id
        name = (curator if curator is not None else store.annotator).strip()
        if not name:
            raise SpanError("The curator's name is empty; give a name such as 'cleo' (curator='cleo').")
        self.curator = name
        self.sentences: list[Sentence] = store.get_sentences(self.doc_id)
        self._starts = [s.start for s in self.sentences]
        self._chosen = list(dict.fromkeys(annotators)) if annotators is not None else None
        self.annotators: list[str] = []
        self._items: list[SentenceVersions] = []
        self._revision: int | None = None
        self.refresh()

    # -- reading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the document's spans, marks and curations again (after edits made elsewhere)."""
        self._revision = self.store.annotation_revision()
        spans = list(self.store.iter_spans(self.doc_id, status=Status.ACCEPTED))
        self._by_id = {s.id: s for s in spans}
        own = [s for s in spans if s.origin != Origin.CURATED]
        worked = {s.annotator for s in own} | set(self.store.sentence_marks(self.doc_id)["annotator"].tolist())
        self.annotators = self._chosen if self._chosen is not None else sorted(worked)
        per: list[dict[str, list[Span]]] = [{a: [] for a in self.annotators} for _ in self.sentences]
        curated: list[list[Span]] = [[] for _ in self.sentences]
        for span in spans:
            at = self.sentence_of(span)
            if at is None:
                continue
            if span.origin == Origin.CURATED:
                curated[at].append(span)
            elif span.annotator in per[at]:
                per[at][span.annotator].append(span)
        records = self.store.curation_records(self.doc_id)
        self._items = [
            SentenceVersions(
                index=s.index, start=s.start, text=s.text, versions={a: tuple(v) for a, v in per[i].items()},
                curated=tuple(curated[i]), record=records.get(s.index),
                disagreement=self._disagreement([self._keys(v) for v in per[i].values()]),
            )
            for i, s in enumerate(self.sentences)
        ]  # fmt: skip

    def changed(self) -> bool:
        """Re-read if annotations changed in the store since (by anyone); whether they did. Cheap to poll."""
        if self.store.annotation_revision() == self._revision:
            return False
        self.refresh()
        return True

    def sentence_of(self, span: Span) -> int | None:
        """The index of the sentence ``span`` starts in (``None`` before the first sentence)."""
        at = bisect_right(self._starts, span.start) - 1
        return self.sentences[at].index if at >= 0 and span.start < self.sentences[at].end else None

    def key(self, span: Span) -> Key:
        """What makes two annotators' spans the same: range, label, attributes (a span attribute by its target's
        range and label, as ids differ between annotators)."""
        attrs = dict(span.attrs)
        for name in _span_attr_names(self.store, span.label):
            target = self._by_id.get(attrs.get(name) or "")
            if target is not None:
                attrs[name] = [target.start, target.end, target.label]
        return span.start, span.end, span.label, json.dumps(attrs, sort_keys=True, ensure_ascii=False)

    def _keys(self, spans: Iterable[Span]) -> set[Key]:
        return {self.key(s) for s in spans}

    @staticmethod
    def _disagreement(versions: list[set[Key]]) -> int:
        if len(versions) < 2:
            return 0
        union = set().union(*versions)
        return sum(any(k not in v for v in versions) for k in union)

    def differs(self, index: int, annotator: str) -> bool:
        """Whether ``annotator``'s version of sentence ``index`` is not identical to every other version."""
        versions = self.item(index).versions
        mine = self._keys(versions[annotator])
        return any(self._keys(other) != mine for other in versions.values())

    def holder_name(self, span: Span) -> str:
        """Who holds a STANCE, as people read it: the text of the ACTOR it names, else its ``holder``, else ``""``."""
        holder = self._by_id.get(str(span.attrs.get("holder_span") or ""))
        return holder.text if holder is not None else str(span.attrs.get("holder") or "")

    def item(self, index: int) -> SentenceVersions:
        """Sentence ``index`` with its versions.

        Raises:
            SpanError: the document has no such sentence.
        """
        if not 0 <= index < len(self._items):
            raise SpanError(f"Document {self.doc_id} has no sentence {index} (valid: 0..{len(self._items) - 1}).")
        return self._items[index]

    def order(self) -> list[int]:
        """Sentence indexes to review: disagreements first (most first, then document order), then the rest."""
        return [i.index for i in sorted(self._items, key=lambda i: (-i.disagreement, i.index))]

    def next_open(self, after: int | None = None) -> int | None:
        """The next sentence with a disagreement and no curation, in ``order()`` after ``after`` (wrapping)."""
        order = self.order()
        begin = order.index(after) + 1 if after in order else 0
        for index in order[begin:] + order[:begin]:
            item = self._items[index]
            if item.disagreement and not item.is_curated:
                return index
        return None

    # -- curating ---------------------------------------------------------------------------------

    def accept(self, index: int, annotator: str) -> list[Span]:
        """Make ``annotator``'s version of sentence ``index`` its curated version (holders as the module says).

        Raises:
            SpanError: an annotator with no version here (the valid ones are listed), or a bad sentence.
        """
        item = self.item(index)
        if annotator not in item.versions:
            raise SpanError(
                f"No version of sentence {index} by {annotator!r}; annotators: {', '.join(self.annotators)}."
            )
        spans = list(item.versions[annotator])
        how = "accepted" if spans else "empty"
        return self._write(index, self._with_holders(spans, {s.id: s.id for s in spans}), how, annotator)

    def merge(self, index: int, annotators: Sequence[str] | None = None) -> Merge:
        """Store the union of the versions of sentence ``index`` as its curated version.

        Identical spans are kept once. Spans on one range that differ in label or attributes: the one most
        versions hold wins; with no majority every tied span is kept and the tie reported (``Merge.ties``).

        Args:
            index: the sentence.
            annotators: whose versions (every one of the session by default).

        Raises:
            SpanError: an unknown annotator, or a bad sentence.
        """
        item = self.item(index)
        names = list(annotators) if annotators is not None else list(item.versions)
        unknown = [a for a in names if a not in item.versions]
        if unknown:
            raise SpanError(f"No version of sentence {index} by {', '.join(map(repr, unknown))};"
                            f" annotators: {', '.join(self.annotators)}.")  # fmt: skip
        by_range: dict[tuple[int, int], dict[Key, list[Span]]] = {}
        for name in names:
            for span in item.versions[name]:
                by_range.setdefault((span.start, span.end), {}).setdefault(self.key(span), []).append(span)
        chosen: list[Span] = []
        alias: dict[str, str] = {}
        ties: list[str] = []
        for (start, end), candidates in sorted(by_range.items()):
            votes = Counter({k: len({s.annotator for s in v}) for k, v in candidates.items()})
            top = max(votes.values())
            winners = [k for k, n in votes.items() if n == top]
            if len(winners) > 1:
                text = self.document.text[start:end]
                shown = " vs ".join(
                    f"{candidates[k][0].label} ({', '.join(sorted({s.annotator for s in candidates[k]}))})"
                    for k in winners
                )
                ties.append(f"{quote(text)} [{start - item.start}, {end - item.start}): {shown}")
            for k in winners:
                keep = candidates[k][0]
                chosen.append(keep)
                alias.update({s.id: keep.id for s in candidates[k]})
        how = "merged" if chosen else "empty"
        return Merge(self._write(index, self._with_holders(chosen, alias), how, ""), ties)

    def mark_empty(self, index: int) -> list[Span]:
        """Curate sentence ``index`` as holding nothing to annotate (its curated spans go)."""
        self.item(index)
        return self._write(index, [], "empty", "")

    def delete(self, span_id: str) -> Span:
        """Delete a curated span (its sentence's curation becomes ``edited``).

        Raises:
            NotFound: no curated span ``span_id`` in this document.
            SpanError: another curated span names it (edit that one first).
        """
        span, index = self._curated(span_id)
        rest = [s for s in self._items[index].curated if s.id != span_id]
        self._write(index, rest, "edited" if rest else "empty", "")
        return span

    def relabel(self, span_id: str, label: str) -> Span:
        """Give a curated span another label; the attributes the new label lacks are dropped.

        Raises:
            NotFound: no curated span ``span_id`` here.
            SpanError: an unknown label.
        """
        span, index = self._curated(span_id)
        names = self.store.schema.label(label).attributes
        changed = replace(span, label=label, attrs={k: v for k, v in span.attrs.items() if k in names})
        return self._edit(index, changed)

    def set_field(self, span_id: str, name: str, value: Any) -> Span:
        """Set one attribute of a curated span (``None`` or ``""`` clears it); the store validates the value.

        Raises:
            NotFound: no curated span ``span_id`` here.
            SpanError: an attribute the label lacks, or an invalid value.
        """
        span, index = self._curated(span_id)
        label = self.store.schema.label(span.label)
        if name not in label.attributes:
            raise SpanError(f"{span.label} has no attribute {name!r}; valid: {', '.join(label.attributes)}.")
        attrs = {k: v for k, v in span.attrs.items() if k != name}
        if value not in (None, ""):
            attrs[name] = value
        return self._edit(index, replace(span, attrs=attrs))

    def undo(self) -> Span | None:
        """Undo the curator's last step in this document (a whole curation, or one edit); ``None``: nothing."""
        return self._step(redo=False)

    def redo(self) -> Span | None:
        """Redo the curator's last undone step in this document; ``None``: nothing to redo."""
        return self._step(redo=True)

    def _step(self, *, redo: bool) -> Span | None:
        done = (self.store.redo if redo else self.store.undo)(self.curator, doc_id=self.doc_id)
        self.refresh()
        return done

    def _curated(self, span_id: str) -> tuple[Span, int]:
        for item in self._items:
            for span in item.curated:
                if span.id == span_id:
                    return span, item.index
        raise NotFound(f"No curated span {span_id!r} in {self.doc_id}; Tab selects the curated spans.")

    def _edit(self, index: int, changed: Span) -> Span:
        spans = [changed if s.id == changed.id else s for s in self._items[index].curated]
        written = self._write(index, spans, "edited", "")
        return next(s for s in written if s.id == changed.id)

    def _with_holders(self, spans: list[Span], alias: dict[str, str]) -> list[Span]:
        """``spans`` with each span attribute naming a span of the list (through ``alias``), else the curated
        span on the target's words, else the target itself (see the module's docstring)."""
        curated = {(s.start, s.end, s.label): s.id for i in self._items for s in i.curated}
        out = []
        for span in spans:
            attrs = dict(span.attrs)
            for name in _span_attr_names(self.store, span.label):
                ref = attrs.get(name)
                if not isinstance(ref, str) or not ref:
                    continue
                target = self._by_id.get(ref)
                twin = curated.get((target.start, target.end, target.label)) if target else None
                attrs[name] = alias.get(ref) or twin or ref
            out.append(replace(span, attrs=attrs))
        return out

    def _write(self, index: int, spans: list[Span], how: str, source: str) -> list[Span]:
        written = self.store.curate(self.doc_id, index, spans, how=how, source=source, curator=self.curator)
        self.refresh()
        return written


def curation_status(store: Store, docs: Iterable[str] | None = None) -> pd.DataFrame:
    """Where curation stands: one row per sentence of each document with at least one annotator.

    Columns: doc_id, sentence, annotators (how many versions), disagreement (``SentenceVersions``), curated
    (bool), how, curator (``""`` when not curated), in document and sentence order.

    Args:
        store: the project (read only).
        docs: document references; every current document by default.

    Raises:
        NotFound: a document reference the store does not have.
    """
    import pandas as pd

    refs = list(docs) if docs is not None else store.documents()["id"].tolist()
    rows = []
    for ref in refs:
        session = CurationSession(store, ref)
        if not session.annotators:
            continue
        for item in (session.item(i) for i in range(len(session.sentences))):
            record = item.record
            rows.append({
                "doc_id": session.doc_id, "sentence": item.index, "annotators": len(item.versions),
                "disagreement": item.disagreement, "curated": item.is_curated,
                "how": record.how if record else ("imported" if item.curated else ""),
                "curator": record.curator if record else "",
            })  # fmt: skip
    columns = ["doc_id", "sentence", "annotators", "disagreement", "curated", "how", "curator"]
    return pd.DataFrame(rows, columns=columns)
