"""Where one translation says something else than all the others: a word sense the other engines agree on.

A span-based flag cannot see a word translated in the wrong sense ("planes"
as "planos", plans, instead of "aviones"; "launches" as "lanchas", boats), and
neither can a round trip through the same engine, which reads its own error
back. Several translations of the same sentence can: when the other routes
into the language (and a linked human version) agree among themselves on how a
source word is rendered, and one route renders it with a word none of them
uses, that route's word is ``changed``, with what the others say.

Each translation is aligned with the source (``annot.project.wordalign``, with
its route's lexicon); only words of 4+ letters that are neither names
(capitalised) nor among the source language's most common words are compared,
and only words linked by real evidence (not by filling a gap). Two words agree
when they share a Snowball stem or one is a near spelling of the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from annot.project.wordalign import GAP, Link, stems, words

__all__ = ["Disagreement", "MIN_AGREEING", "disagreements"]

#: How many other translations must agree on a word before one that differs is flagged.
MIN_AGREEING = 2
_COMMON = 5.5  # wordfreq zipf: function words and the most common verbs ("have", "been") are not compared


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A word of one translation that every other translation renders otherwise.

    Attributes:
        start: offset of the word in the translation.
        end: offset after it.
        text: the word(s).
        source: the source word it renders.
        others: what the other translations write for it.
    """

    start: int
    end: int
    text: str
    source: str
    others: tuple[str, ...]

    @property
    def detail(self) -> str:
        said = " / ".join(f'"{o}"' for o in self.others[:3])
        return f'"{self.source}" rendered as "{self.text}", where the other translations write {said}'


@lru_cache(maxsize=65_536)
def _compared(word: str, lang: str) -> bool:
    from wordfreq import zipf_frequency

    return len(word) >= 4 and word.isalpha() and not word[:1].isupper() and zipf_frequency(word, lang) < _COMMON


def _rendering(links: Sequence[Link], source_span: tuple[int, int], target: str) -> list[tuple[int, int]]:
    return sorted({link.target for link in links if link.source == source_span and link.score > GAP})


def disagreements(
    source: str, source_lang: str, links: Mapping[str, Sequence[Link]], texts: Mapping[str, str], target_lang: str
) -> dict[str, list[Disagreement]]:
    """Per translation, its words every other translation renders otherwise (``MIN_AGREEING`` of them at least).

    Args:
        source: the source sentence.
        source_lang: its language.
        links: translation name -> its word links with the source (``align_words``).
        texts: translation name -> its text.
        target_lang: the translations' language.

    Returns:
        Translation name -> its disagreements, in text order (names without any are left out).
    """
    if len(links) < MIN_AGREEING + 1:
        return {}
    found: dict[str, list[Disagreement]] = {}
    for start, end in words(source):
        word = source[start:end]
        if not _compared(word, source_lang):
            continue
        rendered: dict[str, tuple[list[tuple[int, int]], frozenset[str]]] = {}
        for name, found_links in links.items():
            spans = _rendering(found_links, (start, end), texts[name])
            forms = [texts[name][a:b].casefold() for a, b in spans]
            rendered[name] = (spans, frozenset(stems(target_lang, forms)) | frozenset(forms))
        for name, (spans, mine) in rendered.items():
            others = [(n, r) for n, r in rendered.items() if n != name and r[1]]
            if not spans or len(others) < MIN_AGREEING or any(mine & r[1] for _, r in others):
                continue
            # The others agree among themselves: one stem (or word) is in all of them.
            if not frozenset.intersection(*(r[1] for _, r in others)):
                continue
            a, b = spans[0][0], spans[-1][1]
            said = tuple(dict.fromkeys(" ".join(texts[n][x:y] for x, y in r[0]) for n, r in others))
            found.setdefault(name, []).append(Disagreement(a, b, texts[name][a:b], word, said))
    return found
