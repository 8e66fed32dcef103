"""Anchors: what two sentences in different languages share without MT -- numbers, names, quotations.

A sentence's anchors are the numbers written with digits in it (locale-aware:
"9,000" = "9.000" = "9 000", ``annot.translate.extract_numbers``), its names
(capitalised words, known by their transliterated stem, by CLDR and by the
project's aliases: ``annot.names``) and whether it quotes someone. Two beads
agree as much as their anchors match: ``agreement`` is the Dice coefficient
of the matched anchors (0-1), ``None`` when neither side has any.

A sentence's first word is capitalised whatever it is ("The", "В"), so it
counts only when it matches a name of the other side (it is "optional"):
"Russia will send" and "Россия направит" match on it, "The deployment" does
not lose for having no partner. So is every German noun, and every word of a
script without capitals (Georgian ლუკაშენკომ, Arabic): any of them may be a name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from annot.names import aliases, name_stem, same_stem
from annot.segment import caseless
from annot.translate import extract_numbers

__all__ = ["Anchors", "Match", "agreement", "match", "read_anchors"]

# Quotation marks that open or close a quotation in the languages annot reads (not the
# apostrophe ’, which English writes in "country’s").
_QUOTES = frozenset('“”«»„‟"‹›「」')
# A capitalised word in any script: an upper-case letter, then letters (an inner
# apostrophe or hyphen kept: "Mins'k", "Nowy-Sącz").
_NAME = re.compile(r"(?<![\w])[^\W\d_](?:[\w'’-]*\w)?")
# English adjectives of places: Belarus-ian, Russia-n, Europe-an.
_ADJECTIVE_ENDINGS = ("ian", "n")
# Languages that capitalise every noun: there a capitalised word is a name only when it matches one.
_NOUNS_CAPITALISED = frozenset({"de", "lb"})
_MIN_NAME = 3  # shorter capitalised words are mostly abbreviations of articles and prepositions


@dataclass(frozen=True, slots=True)
class Anchors:
    """The anchors of one sentence (or of a side of a bead: the sentences' anchors added).

    Attributes:
        numbers: the values written with digits, with repeats.
        names: each capitalised word's stem set: its own stem, and the stems of its
            aliases in the other document's language (CLDR, the project's table).
        optional: the same for the sentence's first word, and in German for every noun:
            capitalised whatever they are, they count only when they match (see the module).
        quotes: how many of the sentences quote (0 or 1 per sentence).
    """

    numbers: Counter[Decimal] = field(default_factory=Counter)
    names: tuple[frozenset[str], ...] = ()
    optional: tuple[frozenset[str], ...] = ()
    quotes: int = 0

    def __add__(self, other: Anchors) -> Anchors:
        return Anchors(
            self.numbers + other.numbers, self.names + other.names, self.optional + other.optional,
            self.quotes + other.quotes,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Match:
    """How two sides' anchors match: ``matched`` pairs, and anchors left ``unmatched`` on both sides together."""

    matched: int
    unmatched: int

    @property
    def agreement(self) -> float | None:
        """The Dice coefficient, 2 x matched / all anchors (0-1); ``None`` without anchors."""
        total = 2 * self.matched + self.unmatched
        return 2 * self.matched / total if total else None


def _stems(word: str, lang: str, other_lang: str, table: Mapping[str, Iterable[str]] | None) -> frozenset[str]:
    """A word's own stem, and the stems of the words of its aliases in ``other_lang``.

    An adjective of a place named in CLDR ("Belarusian", "Russian") takes the
    place's aliases too: Белоруссии and Россия are what a translation may write.
    """
    found = {name_stem(word)}
    for base in (word, *(word[: -len(end)] for end in _ADJECTIVE_ENDINGS if word.endswith(end))):
        named = aliases(base, other_lang, table, languages=(lang,))
        if base is word or len(named) > 1:
            found.update(name_stem(w) for alias in named for w in alias.split())
    return frozenset(s for s in found if s)


def read_anchors(
    text: str, lang: str = "", other_lang: str = "", project_aliases: Mapping[str, Iterable[str]] | None = None
) -> Anchors:
    """The anchors of one sentence.

    Args:
        text: the sentence.
        lang: its language (ISO 639-1), to look its names up in CLDR; ``""`` skips CLDR.
        other_lang: the language of the document it is aligned with: names get the
            stems of their aliases there (Belarus -> Беларусь); ``""`` for none.
        project_aliases: the project's ``[aliases]`` table (``annot.names.read_aliases``).
    """
    numbers = Counter(extract_numbers(text))
    names: list[frozenset[str]] = []
    optional: list[frozenset[str]] = []
    for k, found in enumerate(_NAME.finditer(text)):
        word = found.group()
        if len(word) < _MIN_NAME or not (word[0].isupper() or caseless(word[0])):
            continue
        if lang and other_lang:
            stems = _stems(word, lang, other_lang, project_aliases)
        else:
            stems = frozenset({name_stem(word)} - {""})
        if stems:
            (optional if k == 0 or lang in _NOUNS_CAPITALISED or caseless(word[0]) else names).append(stems)
    return Anchors(numbers, tuple(names), tuple(optional), int(any(c in _QUOTES for c in text)))


def _match_names(xs: Sequence[frozenset[str]], ys: Sequence[frozenset[str]]) -> tuple[set[int], set[int]]:
    """Greedy one-to-one matching of name stem sets (a stem of one the same as a stem of the other).

    Returns:
        The positions matched in ``xs`` and in ``ys``.
    """
    used_x: set[int] = set()
    used_y: set[int] = set()
    for i, x in enumerate(xs):
        for k, y in enumerate(ys):
            if k not in used_y and (x & y or any(same_stem(s, t) for s in x for t in y)):
                used_x.add(i)
                used_y.add(k)
                break
    return used_x, used_y


def match(a: Anchors, b: Anchors) -> Match:
    """How the anchors of two sides match.

    Numbers match by value, names by stem (``annot.names.same_stem``), one to
    one; a quoting side matches a quoting side. Optional names (first words,
    German nouns) count only when they match a name of the other side.
    """
    numbers = sum((a.numbers & b.numbers).values())
    used_a, used_b = _match_names(a.names + a.optional, b.names + b.optional)
    quotes = min(a.quotes, b.quotes)
    matched = numbers + len(used_a) + quotes
    # Left over: every number, quote and name but the optional ones.
    unmatched = sum(a.numbers.values()) + sum(b.numbers.values()) - 2 * numbers + abs(a.quotes - b.quotes)
    unmatched += sum(1 for i in range(len(a.names)) if i not in used_a)
    unmatched += sum(1 for k in range(len(b.names)) if k not in used_b)
    return Match(matched, unmatched)


def agreement(a: Anchors, b: Anchors) -> float | None:
    """The anchor agreement of two sides (0-1), ``None`` when neither has anchors: ``match(a, b).agreement``."""
    return match(a, b).agreement
