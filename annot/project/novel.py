"""What one side of a sentence pair has and the other has not: invented words, lost names, added places.

- ``unlinked_names``: capitalised target words no source word stands for
  ("Oriental" in "Bielorrússia Oriental"); ``invented`` makes a kept name
  holding or touching one ``changed``;
- ``lost_names``: source names nothing in the translation stands for
  ("Belarusian" lost from the deputy minister's role);
- ``added_places``: places the target names and the source does not.

All three read the pair's word links and its route's lexicon; without a
lexicon they judge nothing (a translated word would look invented).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from annot.names import NAME_WORD, NameFinder, name_key, name_stem
from annot.project.pair import Aligner, Placement, SentencePair, known_word, name_words, overlaps
from annot.project.wordalign import GAP, fold_word

__all__ = ["added_places", "invented", "lost_names", "unlinked_names"]


def unlinked_names(pair: SentencePair, explained: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
    """Capitalised words of the target no source word stands for: (start, end, detail).

    A word counts when it is capitalised but does not open the sentence or a quotation (a name, or a word
    of one: "Oriental" in "Bielorrússia Oriental" for "Belarusian"), has no link of its own to a source
    word (``Aligner.linked``), is not inside a range ``explained`` (a name or number placed), is neither
    written in the source nor a lexicon translation of a source word ("Minister" of "viceministro"), and is
    a word of the target language (wordfreq knows it: a garbled word such as "Corel" for "Coronel" is the
    engine's noise, not an invention). Worked out once per pair: the first call's ``explained`` counts.
    """
    if pair.align._unlinked is not None:
        return pair.align._unlinked
    if not pair.align.lexicon:  # without the route's word translations a translated word looks invented
        pair.align._unlinked = []
        return []
    text = pair.text.text
    source_words = {_fold(w) for w in NAME_WORD.findall(pair.source)}
    found: list[tuple[int, int, str]] = []
    for m in NAME_WORD.finditer(text):
        word = m.group()
        if not word[:1].isupper() or len(word) < 3 or _opens(text, m.start()) or _fold(word) in source_words:
            continue
        if overlaps(m.start(), m.end(), explained) or fold_word(word) in pair.align.vocabulary:
            continue
        if not pair.align.linked(m.start(), m.end()) and known_word(word, pair.target.lang):
            found.append((m.start(), m.end(), f"{word!r} has no counterpart in the source"))
    pair.align._unlinked = found
    return found


def lost_names(
    source: str, source_lang: str, align: Aligner, target: str
) -> list[tuple[int | None, int | None, str, str]]:
    """Source names nothing in the translation stands for: (target start, end, word, detail).

    The mirror of ``unlinked_names``: a capitalised source word that does not open the sentence and is
    rare as a word of its language (a name or a demonym, "Belarusian"; not a title written capitalised,
    "Minister"), has no link of its own into the target, is not written there, and none of whose lexicon
    translations is there. The range is where its neighbours' links put it (None when nowhere).
    """
    if not align.lexicon:  # without the route's word translations a translated name looks lost
        return []
    own = [link.source for link in align.links if link.score > GAP]
    folded_target = {fold_word(part) for w in NAME_WORD.findall(target) for part in (w, *w.split("-"))}
    found: list[tuple[int | None, int | None, str, str]] = []
    for m in NAME_WORD.finditer(source):
        word = m.group()
        if not word[:1].isupper() or len(word) < 3 or _opens(source, m.start()) or fold_word(word) in folded_target:
            continue
        if known_word(word, source_lang):
            continue
        if any(s < m.end() and m.start() < e for s, e in own):
            continue
        if set(align.lexicon.get(fold_word(word), ())) & folded_target:
            continue  # its translation is there, linked to another word ("vice-ministro" for "Deputy Minister")
        where = align.place(m.start(), m.end()) or _between(align, m.start(), m.end(), target)
        start, end = (where[0], where[1]) if where else (None, None)
        found.append((start, end, word, f'"{word}" has no counterpart in the translation'))
    return found


def _between(align: Aligner, start: int, end: int, target: str) -> tuple[int, int] | None:
    """Where a source word with no link would be: the target between its nearest linked neighbours' words."""
    links = [link for link in align.links if link.score > GAP]
    before = [link.target[1] for link in links if link.source[1] <= start]
    after = [link.target[0] for link in links if link.source[0] >= end]
    lo = max(before, default=0)
    hi = min((a for a in after if a >= lo), default=len(target))
    piece = target[lo:hi]
    trimmed = piece.strip(' ,;:.!?“”"«»()')
    if not trimmed:
        return None
    lo += piece.index(trimmed)
    return lo, lo + len(trimmed)


def _opens(text: str, at: int) -> bool:
    """Whether a word at ``at`` opens the text, a sentence or a quotation (so is capitalised anyway)."""
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:;“«\"'(—–-"


def _fold(word: str) -> str:
    return name_key(word)


def invented(placement: Placement, pair: SentencePair) -> Placement:
    """A kept name holding, or written right before or after, a capitalised word nothing in the source stands
    for is changed, and takes that word in ("Ministério da Defesa da Bielorrússia Oriental")."""
    if placement.status != "kept" or placement.start is None or placement.end is None:
        return placement
    text, start, end = pair.text.text, placement.start, placement.end
    extra = []
    for s, e, _ in unlinked_names(pair):
        inside = start <= s and e <= end
        touching = (e <= start and not text[e:start].strip()) or (s >= end and not text[end:s].strip())
        if inside or touching:
            extra.append((s, e))
            start, end = min(start, s), max(end, e)
    if not extra:
        return placement
    words = ", ".join(repr(text[s:e]) for s, e in extra)
    return Placement("changed", start, end, placement.method, placement.confidence,
                     f"name changed: {words} has no counterpart in the source", "changed")  # fmt: skip


@lru_cache(maxsize=32)
def _place_finder(lang: str) -> NameFinder:
    """A finder of every CLDR place name of ``lang`` (payload: the place)."""
    from annot.names import place_names

    finder = NameFinder()
    for where, names in place_names(lang).items():
        for name in names:
            finder.add(name, where)
    return finder


@lru_cache(maxsize=4096)  # the source's places are asked for by every route
def _places(text: str, lang: str) -> list[tuple[int, int, str]]:
    """The CLDR places named in ``text``: (start, end, place)."""
    finder = _place_finder(lang)
    words, bounds, stems = name_words(text, lang)
    return [(bounds[i][0], bounds[j - 1][1], str(place)) for i, j, place in finder.find(words, stems)] if words else []


def added_places(source: str, source_lang: str, target: str, target_lang: str,
                 covered: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:  # fmt: skip
    """The places the target names and its source does not: (start, end, detail), none inside ``covered``.

    A place counts as named in the source when the source names it in any of its CLDR names (in the source
    language or the target's: "Minsk" is named by "Minsk"), or names its country's people, as CLDR has no
    demonyms: a place is only added when no word of the source shares its name's stem.
    """
    from annot.names import place_names

    named = {place for _, _, place in _places(source, source_lang)} | {p for _, _, p in _places(source, target_lang)}
    source_stems = {name_stem(w) for w in NAME_WORD.findall(source)}
    found = []
    names = place_names(target_lang)
    for start, end, where in _places(target, target_lang):
        if where in named or overlaps(start, end, covered):
            continue
        if name_key(target[start:end]) not in {name_key(n) for n in names.get(where, ())}:
            continue  # a stem's guess ("Estos" for Estonia): only a place's own name counts here
        if any(name_stem(w) in source_stems for w in NAME_WORD.findall(target[start:end])):
            continue
        found.append((start, end, f"{target[start:end]!r} has no counterpart in the source"))
    return found
