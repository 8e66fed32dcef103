"""The whole document at a glance, for the annotator's overview: an outline per sentence, entities, snippets, search.

Pure functions over a document's sentences and the spans they show (``shown``), which
``AnnotationSession`` has read once and cached; each returns JSON-able data
(``TypedDict``s of lists, strings and numbers) that the browser draws as it is.
They are made for documents of thousands of sentences and tens of thousands of
spans: one pass over the spans, nothing read from the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NotRequired, TypedDict

from annot.annotate.layers import ALL, Layer
from annot.model import MARK_STATUSES, Origin, Span, Status
from annot.translate.checks import fold_text, fold_words

__all__ = [
    "EntityView",
    "OutlineProgress",
    "OutlineView",
    "annotated",
    "entities",
    "outline",
    "search",
    "shown",
    "snippet",
]


def shown(span: Span, layer: Layer = ALL, annotator: str = "") -> bool:
    """Whether the annotator's views show a live span: every one but a suggestion rejected, in the layer shown.

    A rejected suggestion stays in the store (so that no suggester makes it
    again, and undo brings it back) but leaves the reading, the outline's
    counts and the entities, as a deleted span does. A span someone made and
    then rejected stays in view, struck through: it is their own decision to show.

    Args:
        span: a live span.
        layer: whose spans the view shows (``layers.Layer``); everyone's by default.
        annotator: who is viewing (``mine`` is theirs).
    """
    if span.status == Status.REJECTED and span.origin == Origin.SUGGESTED:
        return False
    return layer.holds(span, annotator)


def annotated(spans: Iterable[Span]) -> bool:
    """Whether a sentence holding ``spans`` counts as annotated: a span there is not a pending suggestion.

    Suggestions nobody has reviewed yet are no annotation: ``n`` still stops at
    their sentence, and the progress line counts them apart ("to review").
    """
    return any(span.status != Status.PENDING for span in spans)


#: Labels that are claims about a whole sentence, not entities: the outline counts them, ``entities`` leaves them out.
SENTENCE_LABELS = frozenset({"STANCE"})


class OutlineProgress(TypedDict):
    """How far the annotator is: sentences in all, holding a span (anyone's), and marked by this annotator."""

    sentences: int
    annotated: int
    done: int
    empty: int


class OutlineView(TypedDict):
    """One entry per sentence, in compact arrays: ``counts[i][j]`` spans of ``labels[j]`` start in sentence ``i``.

    ``labels`` are the schema's, in its order (a span whose label the schema no
    longer has is in no column, but its sentence counts as annotated);
    ``marks[i]`` is this annotator's mark on sentence ``i``: ``"done"``,
    ``"empty"`` (nothing to annotate) or ``""``; ``pending[i]`` how many of
    sentence ``i``'s spans are pending (suggestions still to review, any label);
    in a ``compare`` layer, ``differ[i]`` how many spans of either version of
    sentence ``i`` differ (``layers.differences``).
    """

    labels: list[str]
    counts: list[list[int]]
    marks: list[str]
    pending: list[int]
    progress: OutlineProgress
    differ: NotRequired[list[int]]


class EntityView(TypedDict):
    """Spans naming the same thing, grouped: an actor by its canonical name, a quantity by its value and unit.

    ``name`` is what people read (the group's most frequent name or the
    normalized quantity); ``sentences`` are sorted indexes; ``span_ids`` are in
    document order; ``texts`` are the distinct surface texts in order of first
    appearance ("Minsk", "the Belarusian authorities").
    """

    label: str
    name: str
    count: int
    sentences: list[int]
    span_ids: list[str]
    texts: list[str]


def outline(
    sentence_count: int, by_sentence: Mapping[int, Sequence[Span]], labels: Sequence[str], marks: Mapping[int, str]
) -> OutlineView:
    """Per-label counts of the spans starting in each sentence, its pending ones, the annotator's marks, the progress.

    Args:
        sentence_count: how many sentences the document has.
        by_sentence: the spans shown (``shown``) by the index of the sentence they start in.
        labels: the label columns, in order (the schema's).
        marks: the annotator's marks, index -> ``"done"`` or ``"empty"``.
    """
    column = {label: j for j, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in range(sentence_count)]
    pending = [0] * sentence_count
    for index, spans in by_sentence.items():
        if 0 <= index < sentence_count:
            row = counts[index]
            for span in spans:
                j = column.get(span.label)
                if j is not None:
                    row[j] += 1
                if span.status == Status.PENDING:
                    pending[index] += 1
    row_marks = [marks.get(i, "") for i in range(sentence_count)]
    tally = Counter(status for index, status in marks.items() if 0 <= index < sentence_count)
    done, empty = (tally[status] for status in MARK_STATUSES)
    done_here = sum(1 for index, spans in by_sentence.items() if annotated(spans) and 0 <= index < sentence_count)
    progress = OutlineProgress(sentences=sentence_count, annotated=done_here, done=done, empty=empty)
    return OutlineView(labels=list(labels), counts=counts, marks=row_marks, pending=pending, progress=progress)


def snippet(text: str, width: int) -> str:
    """The first words of ``text`` in at most ``width`` characters, ending in "…" when cut (spaces collapsed).

    Cut after the last whole word that fits; a first word longer than ``width``
    is cut inside.
    """
    words = text.split()
    line = " ".join(words)
    if len(line) <= width:
        return line
    cut = line[: width - 1]
    if line[width - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def search(folded: Sequence[str], query: str) -> list[int]:
    """Indexes of the texts containing ``query``, whatever the case and accents (``fold_text``).

    Args:
        folded: the sentences' texts, each already folded with ``fold_text``.
        query: what to look for, matched code point by code point once folded;
            a blank query finds nothing.
    """
    if not query.strip():
        return []
    needle = fold_text(query)
    return [i for i, text in enumerate(folded) if needle in text]


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _quantity(attrs: Mapping[str, Any]) -> tuple[tuple[Any, ...], str] | None:
    """A QUANTITY's group key and name from its attributes (``None`` when it has no value or bounds)."""
    value, low, high = attrs.get("value"), attrs.get("low"), attrs.get("high")
    if value is None and low is None and high is None:
        return None
    qualifier = attrs.get("qualifier") or "exact"
    unit = str(attrs.get("unit") or "").strip()
    if value is None or qualifier == "range":
        amount = f"{_number(low) if low is not None else '?'}–{_number(high) if high is not None else '?'}"
    else:
        amount = _number(value)
    words = [qualifier if qualifier not in ("exact", "range") else "", amount, unit]
    return (qualifier, value, low, high, fold_words(unit)), " ".join(word for word in words if word)


def _key_and_name(span: Span, folds: dict[str, str]) -> tuple[tuple[Any, ...], str]:
    """The group of ``span`` among its label's, and the name it gives that group."""
    if span.label == "QUANTITY":
        found = _quantity(span.attrs)
        if found is not None:
            return found
    name = str(span.attrs.get("canonical") or span.text).strip() if span.label == "ACTOR" else span.text.strip()
    if name not in folds:
        folds[name] = fold_words(name) or name  # a name of no letters ("—") is its own group
    return (folds[name],), name


def entities(by_sentence: Mapping[int, Sequence[Span]], labels: Sequence[str]) -> list[EntityView]:
    """Every live span but sentence-level claims (STANCE), grouped by what it names.

    An ACTOR by its canonical name, else its text; a QUANTITY by qualifier,
    value (or bounds) and unit, else its text; any other label by its text.
    Names are compared without case and accents (``fold_words``), so "Belarus"
    and "belarus" are one actor.

    Args:
        by_sentence: the spans shown (``shown``) by the index of the sentence they start in.
        labels: the schema's label order, which the groups follow (then by count,
            most first, then name); labels the schema no longer has come last.

    Returns:
        One ``EntityView`` per group.
    """
    groups: dict[tuple[str, tuple[Any, ...]], list[tuple[int, Span, str]]] = {}
    folds: dict[str, str] = {}
    for index in sorted(by_sentence):
        for span in by_sentence[index]:
            if span.label in SENTENCE_LABELS:
                continue
            key, name = _key_and_name(span, folds)
            groups.setdefault((span.label, key), []).append((index, span, name))
    order = {label: i for i, label in enumerate(labels)}
    views = []
    for (label, _), members in groups.items():
        names = Counter(name for _, _, name in members)  # in order of first appearance
        views.append(EntityView(
            # The most frequent name; max() keeps the first of equals: the earliest in the document.
            label=label, name=max(names, key=names.__getitem__), count=len(members),
            sentences=sorted({index for index, _, _ in members}), span_ids=[span.id for _, span, _ in members],
            texts=list(dict.fromkeys(span.text for _, span, _ in members)),
        ))  # fmt: skip
    views.sort(key=lambda v: (order.get(v["label"], len(order)), v["label"], -v["count"], v["name"].casefold()))
    return views
