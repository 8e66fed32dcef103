"""Stage "Document -> Sentences": split a document's text into sentences and headings (pysbd, then annot's rules)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from annot.model import Document, Sentence
from annot.segment.rules import caseless, repair, rules_for

if TYPE_CHECKING:
    import pysbd

__all__ = ["caseless", "segment", "split"]

_FINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")  # ends like a sentence, not a heading
_SOFT_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+")
_ANY_SPACE = re.compile(r"\s")
_CHUNK = 2000  # pysbd slows down superlinearly on long inputs; feed it at most this much
# News headlines run to 13-16 words. Characters only bound text written without
# spaces (zh, ja): a word of the coverage's headlines averages under 10 of them
# (Georgian, the longest: a 15-word headline of 145), so 12 per word bounds them all.
_HEADING_WORDS = 16
_HEADING_CHARS = 12 * _HEADING_WORDS


def segment(doc: Document) -> list[Sentence]:
    """Split a document into sentences and headings.

    Args:
        doc: the document; its ``lang`` picks the pysbd rules.

    Returns:
        The units in text order, indexed from 0, each with
        ``doc.text[s.start:s.end] == s.text``.
    """
    return [
        Sentence(doc_id=doc.id, index=index, start=start, end=end, text=doc.text[start:end], heading=heading)
        for index, (start, end, heading) in enumerate(split(doc.text, doc.lang))
    ]


def split(text: str, lang: str) -> list[tuple[int, int, bool]]:
    """Return the units of ``text`` as ``(start, end, heading)`` offsets.

    Paragraphs are separated by blank lines; every line is segmented on its own
    (annot puts one paragraph per line), with pysbd for ``lang`` (or the pysbd
    language ``abbreviations.toml`` borrows for it: Czech and Slovenian use
    Slovak's rules, Ukrainian Russian's, others English's). A unit never
    starts or ends with whitespace, is never empty, and units are strictly
    increasing and non-overlapping. pysbd's own offsets are not trusted: each
    piece it returns is found again in the text, ignoring whitespace (see
    ``_align``), so a piece pysbd altered can move a boundary but never make
    an offset wrong. Lines longer than 2,000 characters are fed to pysbd in
    chunks cut at sentence ends. annot's rules then correct pysbd's units
    (``annot.segment.rules.repair``): a piece joins the unit before when it
    starts in lowercase, follows an abbreviation that never ends a sentence
    (``gen.``, ``tzv.``, ``т. е.``) or one before a number (``ok. 170``), or is
    a speech tag after a quote (``», — заявил он.``); a full stop with no space
    before a capitalised word ends a sentence (``Independent.Bieloruský``); an
    agency dateline (``МИНСК, 17 октября. /ТАСС/.``) stays with the first
    sentence.

    A heading is a paragraph of one line and one unit that does not end in
    ``. ! ? … : ;`` (or a closing quote or bracket after them), of at most 16
    words (news headlines run to 13-16) and 192 characters, followed by another
    paragraph: a heading heads something, so a document's last line is not one.

    Args:
        text: document text, normalized (``\\n`` newlines).
        lang: ISO 639-1 code of the text.

    Returns:
        ``(start, end, heading)`` per unit, offsets into ``text``.
    """
    units: list[tuple[int, int, bool]] = []
    paragraphs = list(_paragraphs(text))
    for number, lines in enumerate(paragraphs, 1):
        found = [unit for start, end in lines for unit in _split_line(text, start, end, lang)]
        heads = number < len(paragraphs)
        if heads and len(lines) == 1 and len(found) == 1 and _looks_like_heading(text[found[0][0] : found[0][1]]):
            units.append((*found[0], True))
        else:
            units.extend((start, end, False) for start, end in found)
    return units


def _paragraphs(text: str) -> Iterator[list[tuple[int, int]]]:
    """Yield each paragraph as the ``(start, end)`` of its non-blank lines."""
    lines: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        if line and not line.isspace():
            lines.append((start, start + len(line)))
        elif lines:
            yield lines
            lines = []
        start += len(line) + 1
    if lines:
        yield lines


def _looks_like_heading(unit: str) -> bool:
    return len(unit) <= _HEADING_CHARS and len(unit.split()) <= _HEADING_WORDS and not _FINAL.search(unit)


def _split_line(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    line = text[start:end]
    segmenter = _segmenter(rules_for(lang).pysbd)
    chunks = list(_chunks(line))
    spans = [
        (offset + piece_start, offset + piece_end)
        for offset, chunk in chunks
        for piece_start, piece_end in _align(chunk, _pieces(segmenter, chunk))
    ]
    cuts = frozenset(offset for offset, _ in chunks[1:])
    return [(start + s, start + e) for s, e in repair(line, spans, lang, cuts=cuts)]


def _pieces(segmenter: pysbd.Segmenter, chunk: str) -> list[str]:
    # pysbd's list detection calls int() on text matched by \s and digits, and
    # crashes on e.g. "\x1f0. ": it sees plain spaces instead. Alignment skips
    # whitespace, so offsets are unaffected.
    try:
        return segmenter.segment(_ANY_SPACE.sub(" ", chunk))
    except ValueError:  # any other pysbd parsing failure: keep the chunk whole
        return [chunk]


def _chunks(line: str) -> Iterator[tuple[int, str]]:
    """Cut a long line into pieces of at most ``_CHUNK`` characters.

    Cuts go after the last sentence-final punctuation of the window, else
    after its last whitespace, so that pysbd's time stays linear in the text.
    """
    pos = 0
    while len(line) - pos > _CHUNK:
        window = line[pos : pos + _CHUNK]
        ends = [match.end() for match in _SOFT_END.finditer(window)]
        cut = ends[-1] if ends else next((i for i in range(_CHUNK - 1, 0, -1) if window[i - 1].isspace()), _CHUNK)
        yield pos, line[pos : pos + cut]
        pos += cut
    yield pos, line[pos:]


def _align(chunk: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Locate pysbd's pieces in ``chunk``; return stripped spans covering all its text.

    Matching compares non-whitespace characters in one forward pass, so it is
    linear and immune to pysbd trimming or collapsing whitespace. A piece only
    decides where a unit *starts*; the unit runs to the next start, so text
    pysbd dropped (it sometimes loses a final "?!") stays in the unit before.
    When a piece does not continue where the last one stopped (pysbd changed
    the text), its first word is searched for further on; if it is not there,
    the rest of the chunk stays one unit. Offsets are therefore always exact;
    only the place of a boundary can suffer from pysbd's changes.
    """
    starts: list[int] = []
    pos, size = 0, len(chunk)
    for piece in pieces:
        words = piece.split()
        if not words:
            continue
        while pos < size and chunk[pos].isspace():
            pos += 1
        if not chunk.startswith(words[0], pos):
            pos = chunk.find(words[0], pos)
            if pos < 0:
                break
        starts.append(pos)
        core, matched = "".join(words), 0
        while pos < size and matched < len(core):
            if chunk[pos].isspace():
                pos += 1
            elif chunk[pos] == core[matched]:
                pos, matched = pos + 1, matched + 1
            else:
                break
    lead = len(chunk) - len(chunk.lstrip())
    if lead == size:
        return []
    starts[:1] = [lead]  # text before pysbd's first piece belongs to the first unit
    bounds = [*starts, size]
    return [(begin, begin + len(chunk[begin:after].rstrip())) for begin, after in itertools.pairwise(bounds)]


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    import pysbd

    # clean=False: pysbd must not rewrite the text we align its output with.
    return pysbd.Segmenter(language=language, clean=False)
