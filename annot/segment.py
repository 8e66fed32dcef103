"""Stage "Document -> Sentences": split a document's text into sentences and headings."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from annot.model import Document, Sentence

if TYPE_CHECKING:
    import pysbd

__all__ = ["segment", "split"]

# pysbd covers ~20 languages; the others borrow the rules of a close relative.
_BORROWED = {"be": "ru", "uk": "ru", "ca": "es", "gl": "es", "pt": "es"}
# Titles written before a name; pysbd sometimes splits after them ("El Sr. | García").
_TITLES = {
    "de": "Dr Fr Hr Prof",
    "en": "Adm Capt Cmdr Col Dr Gen Gov Hon Lt Maj Mr Mrs Ms Prof Rep Rev Sen Sgt",
    "es": "D Dña Dr Dra Gral Ing Lic Sr Sra Srta",
    "fr": "M MM Me Mlle Mme Mmes Dr Pr",
    "it": "Avv Dott Ing On Prof Sig Sigg",
    "pt": "Dr Dra Prof Sr Sra",
}
_TITLE_END = {lang: re.compile(rf"(?<!\w)(?:{'|'.join(words.split())})\.$") for lang, words in _TITLES.items()}
_FINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")  # ends like a sentence, not a heading
_SOFT_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+")
_ANY_SPACE = re.compile(r"\s")
_CHUNK = 2000  # pysbd slows down superlinearly on long inputs; feed it at most this much
_HEADING_CHARS, _HEADING_WORDS = 140, 16  # news headlines run to 13-16 words


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
    (annot puts one paragraph per line), with pysbd for ``lang``. A unit never
    starts or ends with whitespace, is never empty, and units are strictly
    increasing and non-overlapping. pysbd's own offsets are not trusted: each
    piece it returns is found again in the text, ignoring whitespace (see
    ``_align``), so a piece pysbd altered can move a boundary but never make
    an offset wrong. Lines longer than 2,000 characters are fed to pysbd in
    chunks cut at sentence ends. Two repairs follow pysbd: a piece that starts in
    lowercase or with ``,;:)``, or has no letters or digits, joins the previous
    unit (``т. е. | глава`` is one sentence), and so does a piece after a title
    such as ``Sr.``/``Mme.``/``Dr.``.

    A heading is a paragraph of one line and one unit, of at most 16 words and
    140 characters (news headlines run to 13-16 words), that does not end in
    ``. ! ? … : ;`` (or a closing quote or bracket after them).

    Args:
        text: document text, normalized (``\\n`` newlines).
        lang: ISO 639-1 code of the text.

    Returns:
        ``(start, end, heading)`` per unit, offsets into ``text``.
    """
    units: list[tuple[int, int, bool]] = []
    for lines in _paragraphs(text):
        found = [unit for start, end in lines for unit in _split_line(text, start, end, lang)]
        if len(lines) == 1 and len(found) == 1 and _looks_like_heading(text[found[0][0] : found[0][1]]):
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
    segmenter = _segmenter(_pysbd_language(lang))
    spans = [
        (offset + piece_start, offset + piece_end)
        for offset, chunk in _chunks(line)
        for piece_start, piece_end in _align(chunk, _pieces(segmenter, chunk))
    ]
    return [(start + s, start + e) for s, e in _repair(line, spans, lang)]


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


def _repair(line: str, spans: list[tuple[int, int]], lang: str) -> list[tuple[int, int]]:
    """Join pieces that pysbd split off in the middle of a sentence."""
    title_end = _TITLE_END.get(lang) or _TITLE_END.get(_pysbd_language(lang))
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        piece = line[start:end]
        if joined and (
            piece[0].islower()
            or piece[0] in ",;:)]}"
            or not any(char.isalnum() for char in piece)
            or (title_end is not None and title_end.search(line[joined[-1][0] : joined[-1][1]]))
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


@cache
def _pysbd_language(lang: str) -> str:
    from pysbd.languages import LANGUAGE_CODES

    lang = _BORROWED.get(lang, lang)
    return lang if lang in LANGUAGE_CODES else "en"


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    import pysbd

    # clean=False: pysbd must not rewrite the text we align its output with.
    return pysbd.Segmenter(language=language, clean=False)
