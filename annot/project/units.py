"""What is projected: a document's spans as units, each inside one source sentence.

An ACTOR, a QUANTITY or a span of any other label is one unit (``part``
``span``). A STANCE, which covers a whole statement, is projected as the two
things a translation can get wrong: its **cue** (the attribution phrase,
"says", "according to": ``annot.suggest.stance_finder.find_cues`` with the
project's cue lists, the one nearest its holder) and its **holder** (the
text of its ``holder_span``, else its ``holder`` written in the sentence).
A statement with no cue (a bare quotation) has no cue unit; one whose holder
is not written in it has no holder unit.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annot.model import Sentence, Span, Status
from annot.schema import StanceCues
from annot.suggest.stance_finder import find_cues

__all__ = ["PARTS", "Unit", "source_units"]

#: What a unit is of its span: the span itself, a STANCE's cue, or a STANCE's holder.
PARTS = ("span", "cue", "holder")


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: a key of each placement
class Unit:
    """One thing to find in a translation: ``sentence.text[start:end]`` of a source sentence.

    Attributes:
        span_id: the source span.
        label: its label.
        part: ``span``, ``cue`` or ``holder`` (``PARTS``).
        sentence: the source sentence's index.
        start: offset in the sentence's text.
        end: offset after the unit in the sentence's text.
        text: the unit's text.
        attrs: the span's attributes (a holder's: its ACTOR span's, when it has one).
    """

    span_id: str
    label: str
    part: str
    sentence: int
    start: int
    end: int
    text: str
    attrs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """The names the unit goes by: its text, and its canonical name (or STANCE holder name) when it has one."""
        extra = str(self.attrs.get("canonical") or self.attrs.get("holder") or "").strip()
        return tuple(dict.fromkeys(n for n in (self.text.strip(), extra) if n))


def _locate(starts: Sequence[int], offset: int) -> int:
    return max(bisect.bisect_right(starts, offset) - 1, 0)


def source_units(sentences: Sequence[Sentence], spans: Sequence[Span], cues: StanceCues) -> list[Unit]:
    """The units of a document's spans (rejected ones left out), in text order.

    Args:
        sentences: the document's sentences.
        spans: its spans (any order).
        cues: the cue phrases of its language (``store.schema.stance_cues(doc.lang)``).
    """
    if not sentences:
        return []
    starts = [s.start for s in sentences]
    by_id = {s.id: s for s in spans}
    units: list[Unit] = []

    def unit(span: Span, part: str, start: int, end: int, attrs: Mapping[str, Any]) -> Unit | None:
        sentence = sentences[_locate(starts, start)]
        start, end = max(start, sentence.start), min(end, sentence.end)
        if end <= start:
            return None
        text = sentence.text[start - sentence.start : end - sentence.start]
        return Unit(span.id, span.label, part, sentence.index, start - sentence.start, end - sentence.start, text,
                    attrs)  # fmt: skip

    for span in sorted(spans, key=lambda s: (s.start, s.end, s.id)):
        if span.status == Status.REJECTED:
            continue
        if span.label != "STANCE":
            found = unit(span, "span", span.start, span.end, span.attrs)
            units.extend([found] if found else [])
            continue
        holder = _holder(span, by_id, sentences, starts)
        cue = _cue(span, sentences, starts, cues, holder)
        if cue is not None:
            found = unit(span, "cue", cue[0], cue[1], span.attrs)
            units.extend([found] if found else [])
        if holder is not None:
            attrs = dict(holder[2]) | {"holder": span.attrs.get("holder", "")}
            found = unit(span, "holder", holder[0], holder[1], attrs)
            units.extend([found] if found else [])
    return units


def _holder(
    span: Span, by_id: Mapping[str, Span], sentences: Sequence[Sentence], starts: Sequence[int]
) -> tuple[int, int, Mapping[str, Any]] | None:
    """The holder's document offsets and attributes: its ACTOR span, else its name written inside the STANCE."""
    held = by_id.get(str(span.attrs.get("holder_span") or ""))
    if held is not None and held.status != Status.REJECTED:
        return held.start, held.end, held.attrs
    name = str(span.attrs.get("holder") or "").strip()
    if not name:
        return None
    sentence = sentences[_locate(starts, span.start)]
    # The name as written, searched in the statement only (a holder named elsewhere is not this statement's).
    text = sentence.text
    lo, hi = max(span.start - sentence.start, 0), min(span.end - sentence.start, len(text))
    at = text.find(name, lo, hi)
    return (sentence.start + at, sentence.start + at + len(name), {}) if at >= 0 else None


def _cue(
    span: Span, sentences: Sequence[Sentence], starts: Sequence[int], cues: StanceCues,
    holder: tuple[int, int, Mapping[str, Any]] | None,
) -> tuple[int, int] | None:  # fmt: skip
    """The document offsets of the statement's cue: of the cues inside the STANCE, the one nearest its holder."""
    found: list[tuple[int, int]] = []
    first, last = _locate(starts, span.start), _locate(starts, max(span.end - 1, span.start))
    for sentence in sentences[first : last + 1]:
        for cue in find_cues(sentence.text, cues):
            start, end = sentence.start + cue.start, sentence.start + cue.end
            if cue.kind != "alleged" and span.start <= start and end <= span.end:
                found.append((start, end))
    if not found:
        return None
    if holder is None:
        return found[0]
    middle = (holder[0] + holder[1]) / 2
    return min(found, key=lambda c: abs((c[0] + c[1]) / 2 - middle))
