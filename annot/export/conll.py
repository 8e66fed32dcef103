"""CoNLL-2003-style NER files of the accepted ACTORs, for training pipelines: BIO (``conll``) or BILUO.

One token per line, ``token<TAB>tag``; a blank line after each of annot's own sentences (the record's
``sentences``); ``-DOCSTART- -X- O O`` and a blank line before each document, as CoNLL-2003 and the readers
built for it expect (spaCy's ``conll_ner_to_docs``, seqeval, flair's column corpora split on whitespace and
take the first and last column). Tokens come from spaCy's blank tokenizer of the document's language
(``annot.export.tokens``); whitespace tokens are not written, and a token holding whitespace (a
no-break space) has it written as ``_`` so that every line keeps two columns.

The tag's type is the ACTOR's ``type`` attribute, so a NER pipeline learns the kinds of actor:
``B-ACTOR.state``, ``I-ACTOR.government_body`` (spaces as ``_``), or ``B-ACTOR`` when the type is not set.
The format holds one flat layer of decided names, so these spans are left out, each reason counted with an
example: another label than ACTOR (``label not exported in CoNLL (actors only)``), an ACTOR not accepted,
one off the token boundaries, one crossing a sentence boundary, and one overlapping another ACTOR (the
longer, then the earlier, is kept). Export only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annot.export.formats import LeftOut, iter_documents
from annot.export.tokens import NOT_ON_TOKENS, Tokens, example
from annot.fileio import atomic_text_file

__all__ = ["DOCSTART", "LABEL", "SCHEMES", "SUFFIX", "tag_type", "to_lines", "write"]

SUFFIX = "conll"
SCHEMES = ("BIO", "BILUO")
LABEL = "ACTOR"
DOCSTART = "-DOCSTART- -X- O O"
NOT_ACTOR = "label not exported in CoNLL (actors only)"
NOT_ACCEPTED = "not accepted (CoNLL holds decided actors only)"
CROSSES = "crosses a sentence boundary"
OVERLAPS = "overlaps another ACTOR (the longer one is kept)"
Record = dict[str, Any]
_BLANKS = re.compile(r"\s")
_SEPARATORS = re.compile(r"[\s-]+")


def tag_type(attrs: Any) -> str:
    """The tag's type of an ACTOR: ``ACTOR.<type>`` (spaces and hyphens as ``_``), or ``ACTOR``."""
    kind = attrs.get("type") if isinstance(attrs, dict) else None
    if not isinstance(kind, str) or not kind.strip():
        return LABEL
    return f"{LABEL}.{_SEPARATORS.sub('_', kind.strip())}"


def write(records: Iterable[Record], out: Path, left_out: LeftOut, *, scheme: str = "BIO") -> tuple[int, int]:
    """Write the accepted ACTORs of annot/1 document records as CoNLL lines to ``out`` (atomically).

    Args:
        records: annot/1 records (``iter_records``).
        out: the file.
        left_out: where the spans the format cannot hold are counted.
        scheme: ``BIO`` or ``BILUO``.

    Returns:
        How many documents and ACTOR spans were written.

    Raises:
        ValueError: an unknown ``scheme``.
        OutputError: ``out`` cannot be written; it is unchanged.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"Unknown tagging scheme {scheme!r}; use one of: {', '.join(SCHEMES)}.")
    documents = spans = 0
    with atomic_text_file(out) as fh:
        for record in iter_documents(records):
            lines, written = to_lines(record, left_out, scheme=scheme)
            fh.write("\n".join(lines) + "\n")
            documents, spans = documents + 1, spans + written
    return documents, spans


def to_lines(record: Record, left_out: LeftOut, *, scheme: str = "BIO") -> tuple[list[str], int]:
    """The lines of one document (``-DOCSTART-`` first, a blank line after each sentence) and its ACTOR count."""
    text, doc_id = record["text"], record["id"]
    tokens = Tokens(text, record.get("lang"))
    sentences = sorted((s["start"], s["end"]) for s in record.get("sentences", ())) or [(0, len(text))]
    starts = [start for start, _ in sentences]
    tags = ["O"] * len(tokens)
    taken = [False] * len(tokens)
    actors = []
    for span in record.get("spans", ()):
        start, end, label = span["start"], span["end"], span["label"]
        named = example(label, span["text"], doc_id, start, end)
        reason = None
        if label != LABEL:
            reason = NOT_ACTOR
        elif span.get("status", "accepted") != "accepted":
            reason = NOT_ACCEPTED
        elif (bounds := tokens.bounds(start, end)) is None:
            reason = NOT_ON_TOKENS
        else:
            home = sentences[max(bisect_right(starts, start) - 1, 0)]
            if not home[0] <= start < end <= home[1]:
                reason = CROSSES
            else:
                actors.append((bounds, tag_type(span.get("attrs")), named))
        if reason:
            left_out.add(reason, named)
    written = 0
    for (first, last), kind, named in sorted(actors, key=lambda a: (a[0][0] - a[0][1], a[0][0])):
        if any(taken[first:last]):
            left_out.add(OVERLAPS, named)
            continue
        taken[first:last] = [True] * (last - first)
        written += 1
        for i in range(first, last):
            edge = "B" if i == first else "I"
            if scheme == "BILUO":
                edge = "U" if last - first == 1 else "B" if i == first else "L" if i == last - 1 else "I"
            tags[i] = f"{edge}-{kind}"
    lines = [DOCSTART, ""]
    bounds = tokens.offsets()
    token = 0
    for start, end in sentences:
        while token < len(bounds) and bounds[token][0] < start:
            token += 1
        before = len(lines)
        while token < len(bounds) and bounds[token][0] < end:
            word = text[bounds[token][0] : bounds[token][1]]
            if not word.isspace():
                lines.append(f"{_BLANKS.sub('_', word)}\t{tags[token]}")
            token += 1
        if len(lines) > before:
            lines.append("")
    return lines, written
