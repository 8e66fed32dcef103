"""Tokens for the token-based formats (Prodigy, spaCy, CoNLL): spaCy's blank tokenizer of a document's language.

The one home of two decisions the three formats share:

- a document is tokenized by ``spacy.blank(lang)`` (rules only, offline, no model), or by
  ``spacy.blank("xx")`` when spaCy has no tokenizer for the language or its tokenizer
  needs a package that is not installed (Japanese, Korean, Thai, Vietnamese, Georgian);
- a span whose ends do not fall on token boundaries is never widened or narrowed to fit:
  ``token_bounds`` returns None and the format counts the span as left out
  (``NOT_ON_TOKENS``), so the file never says something the annotator did not.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from annot.export.formats import LeftOut

__all__ = [
    "FALLBACK_LANG",
    "NOT_ON_TOKENS",
    "Tokens",
    "blank",
    "example",
    "kept_attrs",
    "offsets",
    "token_bounds",
    "tokenize",
]

#: spaCy's multi-language tokenizer, for a language spaCy cannot tokenize here.
FALLBACK_LANG = "xx"
#: The reason a span that does not start and end on token boundaries is left out.
NOT_ON_TOKENS = "not on a token boundary"


@cache
def blank(lang: str | None) -> Language:
    """spaCy's blank pipeline (a tokenizer only) for ``lang``, or the multi-language one ("xx")."""
    import spacy

    try:
        return spacy.blank(lang or FALLBACK_LANG)
    except (ImportError, KeyError, ValueError):  # no such language, or its tokenizer's package is missing
        return spacy.blank(FALLBACK_LANG)


def tokenize(text: str, lang: str | None) -> Doc:
    """``text`` as a spaCy ``Doc`` of tokens (no tagger, no sentences): its text is ``text`` exactly."""
    return blank(lang).make_doc(text)


def offsets(doc: Doc) -> list[tuple[int, int, bool]]:
    """Each token's ``(start, end, followed by a space)`` in code points, read as arrays (no ``Token`` objects:
    making one per token costs more than tokenizing)."""
    starts, ends, spaces = _columns(doc)
    return list(zip(starts, ends, spaces))


def _columns(doc: Doc) -> tuple[list[int], list[int], list[bool]]:
    """The tokens' starts, ends and trailing-space flags, one list each (columns computed by numpy, then made
    lists once: a row-wise ``tolist`` is 3x slower)."""
    from spacy.attrs import IDX, LENGTH, SPACY

    if not len(doc):
        return [], [], []
    array = doc.to_array([IDX, LENGTH, SPACY])
    starts = array[:, 0]
    return starts.tolist(), (starts + array[:, 1]).tolist(), array[:, 2].astype(bool).tolist()


def token_bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The first and one-past-last token of the span ``start``-``end`` (code points), or None off the boundaries.

    spaCy's own ``Doc.char_span(alignment_mode="strict")``: the reference ``Tokens.bounds`` agrees with (tested).
    """
    span = doc.char_span(start, end, alignment_mode="strict")
    if span is None or len(span) == 0:
        return None
    return span.start, span.end


class Tokens:
    """A document tokenized once, with its tokens' offsets as lists and spans placed on them by lookups.

    ``bounds`` gives what ``token_bounds`` gives (spaCy's strict ``char_span``: a span starts where a token
    starts and ends where a token ends), by two dict lookups instead of a ``Span`` object per call: an export
    places every span of the corpus.
    """

    __slots__ = ("_first", "_last", "doc", "ends", "spaces", "starts")

    def __init__(self, text: str, lang: str | None) -> None:
        self.doc = tokenize(text, lang)
        self.starts, self.ends, self.spaces = _columns(self.doc)
        self._first = dict(zip(self.starts, range(len(self.starts))))
        self._last = dict(zip(self.ends, range(1, len(self.ends) + 1)))

    def __len__(self) -> int:
        return len(self.starts)

    def offsets(self) -> list[tuple[int, int, bool]]:
        """As ``offsets(self.doc)``."""
        return list(zip(self.starts, self.ends, self.spaces))

    def bounds(self, start: int, end: int) -> tuple[int, int] | None:
        """The first and one-past-last token of the span ``start``-``end`` (code points), or None when it does
        not start and end on token boundaries (as ``token_bounds``)."""
        first, last = self._first.get(start), self._last.get(end)
        if first is None or last is None or last <= first:
            return None
        return first, last


def example(label: str, text: str, doc_id: str, start: int, end: int) -> str:
    """How a left-out span is named in the report: ``ACTOR 'Minsk' in doc-1 at 12-17``."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"{label} {shown!r} in {doc_id} at {start}-{end}"


def kept_attrs(span: Mapping[str, Any], doc_id: str, written: Collection[str], left_out: LeftOut) -> dict[str, Any]:
    """The attributes of ``span`` (an annot/1 span record of document ``doc_id``) without a ``*_span`` attribute
    naming a span that was left out (counted: the file never names a span it does not hold, so that importing
    it back cannot fail on a missing holder)."""
    attrs = span.get("attrs") or {}
    kept = dict(attrs)
    for key, value in attrs.items():
        if key.endswith("_span") and value not in written:
            named = example(span["label"], span["text"], doc_id, span["start"], span["end"])
            left_out.add(f"{key} names a span left out (the attribute is dropped)", named)
            del kept[key]
    return kept
