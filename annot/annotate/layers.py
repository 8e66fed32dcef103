"""Annotators' layers: whose spans a view shows (all, mine, another's read-only, two compared) and how two differ.

Pure functions and one small value type over spans the session has read; the
session (``AnnotationSession.layer``) and the overview's ``shown`` apply them,
so the window, the outline, the entities and Tab all show the same spans.

A span is in the layer of its annotator (``Span.annotator``: who made it, or a
curator for a curated span), except a suggestion (origin ``suggested``): the
suggester proposed it to the whole team and it has one status for everyone, so
it is nobody's layer. ``mine`` shows the suggestions besides the annotator's own
spans (pending ones are theirs to review); another annotator's layer and the
comparison leave them out.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from annot.errors import SpanError
from annot.model import Origin, Span

__all__ = [
    "ALL",
    "AnnotatorCount",
    "Difference",
    "Layer",
    "LayerKind",
    "check_annotator",
    "choices",
    "count_annotators",
    "differences",
    "owner",
]

LayerKind = Literal["all", "mine", "annotator", "compare"]
Difference = Literal["only", "changed"]


def check_annotator(name: object) -> str:
    """``name`` stripped, if it can name an annotator: some text, and no control characters.

    Raises:
        SpanError: the name is blank, not text, or holds a control character or lone surrogate.
    """
    cleaned = name.strip() if isinstance(name, str) else ""
    bad = next((c for c in cleaned if unicodedata.category(c) in ("Cc", "Cs")), None)
    if not cleaned or bad is not None:
        problem = f"holds U+{ord(bad):04X}, a control character or lone surrogate" if bad else "is empty"
        raise SpanError(f"Annotator name {name!r} {problem}; give a name of visible characters, such as 'ana'.")
    return cleaned


def owner(span: Span) -> str | None:
    """Whose layer ``span`` is in: its annotator's, or nobody's (``None``) for a suggestion."""
    return None if span.origin == Origin.SUGGESTED else span.annotator


@dataclass(frozen=True, slots=True)
class Layer:
    """Which annotators' spans a view shows.

    Attributes:
        kind: ``all`` (everyone's), ``mine`` (the viewing annotator's and the
            suggestions), ``annotator`` (``name``'s own, read-only for anyone
            else) or ``compare`` (as ``mine``, with ``name``'s version of the
            current sentence drawn under it and the differences marked).
        name: the other annotator, for ``annotator`` and ``compare``; else empty.
    """

    kind: LayerKind = "all"
    name: str = ""

    @classmethod
    def parse(cls, spec: str | Layer) -> Layer:
        """A layer from its spelling: ``all``, ``mine``, ``annotator:NAME`` (or ``NAME`` alone), ``compare:NAME``.

        Raises:
            SpanError: an empty or invalid annotator name (the message lists the spellings).
        """
        if isinstance(spec, Layer):
            return spec
        text = spec.strip() if isinstance(spec, str) else ""
        if text in ("all", "mine"):
            return cls(text)  # type: ignore[arg-type]
        kind, sep, name = text.partition(":")
        if not sep or kind not in ("annotator", "compare"):
            kind, name = "annotator", text
        if not name.strip():
            raise SpanError(f"Layer {spec!r} names no annotator; choose all, mine, annotator:NAME or compare:NAME.")
        return cls(kind, check_annotator(name))  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}" if self.name else self.kind

    def holds(self, span: Span, annotator: str) -> bool:
        """Whether this layer, viewed by ``annotator``, shows ``span`` (``overview.shown`` adds the rest)."""
        if self.kind == "all":
            return True
        if self.kind == "annotator":
            return owner(span) == self.name
        return owner(span) in (annotator, None)

    def read_only(self, annotator: str) -> bool:
        """Whether ``annotator`` may not edit from this view: it shows another annotator's layer."""
        return self.kind == "annotator" and self.name != annotator

    def whose(self, annotator: str) -> str:
        """Whose sentence marks the view shows: the layer's annotator's, else the viewer's."""
        return self.name if self.kind == "annotator" else annotator

    def describe(self, annotator: str) -> str:
        """The layer for people: ``all annotators``, ``mine (ana)``, ``bob's layer (read-only)``, ``ana vs bob``."""
        if self.kind == "all":
            return "all annotators"
        if self.kind == "mine":
            return f"mine ({annotator})"
        if self.kind == "compare":
            return f"{annotator} vs {self.name}"
        return f"{self.name}'s layer" + (" (read-only)" if self.read_only(annotator) else "")


ALL = Layer()


class AnnotatorCount(TypedDict):
    """An annotator found in a document: their live spans (suggestions are nobody's) and sentence marks."""

    name: str
    spans: int
    marks: int


def count_annotators(spans: Iterable[Span], mark_annotators: Iterable[str]) -> list[AnnotatorCount]:
    """Everyone with a span or a mark in a document, sorted by name (case aside), with their counts.

    Args:
        spans: the document's live spans (``overview.shown``).
        mark_annotators: the annotator of each sentence mark of the document.
    """
    spans_by = Counter(name for name in map(owner, spans) if name is not None)
    marks_by = Counter(mark_annotators)
    names = sorted(set(spans_by) | set(marks_by), key=lambda n: (n.casefold(), n))
    return [AnnotatorCount(name=n, spans=spans_by[n], marks=marks_by[n]) for n in names]


def choices(annotator: str, names: Iterable[str]) -> list[Layer]:
    """The layers a view can switch between, in the order a key cycles them.

    ``all``, ``mine``, then each other annotator's layer, then a comparison with each of them.
    """
    others = [name for name in names if name != annotator]
    return [ALL, Layer("mine"), *(Layer("annotator", n) for n in others), *(Layer("compare", n) for n in others)]


def _content(span: Span, refs: Mapping[str, Span]) -> tuple[Any, ...]:
    """What must be equal for two spans over one range to agree: the label and the attributes.

    An attribute naming another span by id (a STANCE's holder) is compared by
    that span's range and label: each annotator's holder is their own ACTOR span.
    """

    def value(v: Any) -> Any:
        if isinstance(v, str):
            target = refs.get(v)
            return v if target is None else (target.start, target.end, target.label)
        return v if isinstance(v, int | float | bool) or v is None else json.dumps(v, sort_keys=True, default=str)

    return (span.label, *sorted((name, value(v)) for name, v in span.attrs.items()))


def differences(mine: Sequence[Span], theirs: Sequence[Span], refs: Mapping[str, Span] | None = None
                ) -> dict[str, Difference]:  # fmt: skip
    """The spans of two versions of a text that differ, by span id.

    Spans agree when they have the same range, label and attributes; agreeing
    spans pair off one to one. A span left over is ``changed`` when the other
    version has a span left over on the same range (another label or other
    attributes), else ``only`` (the other version has nothing there).

    Args:
        mine: one version's spans (one annotator's, in one sentence).
        theirs: the other version's.
        refs: spans by id, to compare attributes that name another span (``_content``).

    Returns:
        Span id -> ``only`` or ``changed``, for the spans of both versions that differ.
    """
    refs = refs or {}

    def keyed(spans: Sequence[Span]) -> list[tuple[tuple[int, int, tuple[Any, ...]], Span]]:
        return [((s.start, s.end, _content(s, refs)), s) for s in spans]

    left, right = keyed(mine), keyed(theirs)
    count_left, count_right = Counter(k for k, _ in left), Counter(k for k, _ in right)
    common = count_left & count_right
    leftover: list[list[Span]] = [[], []]
    for side, items in enumerate((left, right)):
        paired = Counter(common)
        for key, span in items:
            if paired[key] > 0:
                paired[key] -= 1
            else:
                leftover[side].append(span)
    ranges = [{(s.start, s.end) for s in spans} for spans in leftover]
    out: dict[str, Difference] = {}
    for side, spans in enumerate(leftover):
        for span in spans:
            out[span.id] = "changed" if (span.start, span.end) in ranges[1 - side] else "only"
    return out
