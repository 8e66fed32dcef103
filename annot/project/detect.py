"""Fidelity flags read from a translation's own text: words of another language, digit styles, times.

These detectors need no projected source span, so they also see what no gold
span covers ("logistically" left in Spanish, "10/17/2022" kept in Portuguese):

- ``wrong_language``: a word that belongs to another language of the route
  (the source, a pivot) and not to the target, by word frequencies (wordfreq);
- ``number_style``: a digit group a reader of the target misreads
  (``annot.numbers.digit_style``: "9,000" in Spanish reads as nine);
- ``annot.project.dates``: weekdays, months, dates and numbers the target
  loses or adds (``time_changes``, ``added_numbers``).

Offsets are code points in the target text, half-open. Each function returns
``Finding``s in text order.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from annot.numbers import date_order, digit_style, iter_digit_groups, language_name
from annot.translate.checks import fold_text

__all__ = [
    "WORD",
    "base_lang",
    "overlaps",
    "COMMON_IN_TARGET",
    "FUSED_LETTERS",
    "Finding",
    "GAP",
    "GAP_COMMON",
    "MIN_LETTERS",
    "MIN_NAME",
    "MIN_OTHER",
    "number_style",
    "preload",
    "wrong_language",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """One flag on a target text: what is wrong, where, and one line that says it to a user.

    Attributes:
        kind: ``"wrong language"``, ``"number style"``, ``"time lost"`` or ``"added"``.
        start: code-point offset in the target text; ``None`` when nothing is there (a lost weekday).
        end: end offset (exclusive), ``None`` with ``start``.
        text: the target text at ``start:end`` (``""`` when lost).
        detail: one line for the user, e.g. ``left in English: "Belarusian"``.
        source_text: the source text it concerns, when there is one ("Monday").
        lang: for ``wrong language``, the language the word belongs to.
    """

    kind: str
    start: int | None
    end: int | None
    text: str
    detail: str
    source_text: str = ""
    lang: str = ""


# A word: letters and combining marks, joined by inner hyphens or apostrophes ("de-escalation",
# "segunda-feira", "пʼятниця"); digits are left to the number detectors.
WORD = regex.compile(r"[\p{L}\p{M}]+(?:[-'’][\p{L}\p{M}]+)*")


# -- wrong language ---------------------------------------------------------------------

#: A word must be at least this common in the other language (Zipf scale: log10 of its
#: frequency per billion words; 1.5 is about once in 30 million words) to be called its word.
MIN_OTHER = 1.5
#: ... and this much more common there (in Zipf, so 1.0 is ten times) than in the target,
#: and than in most languages (the median of ``_PANELS``): a name spelled alike everywhere
#: ("Minsk", "Interfax", "Putin") belongs to no one language.
GAP = 1.0
#: A word this common in the target (once per million words) needs a wider gap, ``GAP_COMMON``
#: (thirty times): Spanish "nordeste" is Portuguese too (a gap of 1.2), while Russian "который" in
#: Ukrainian (1.7) is common in wordfreq's Ukrainian list only because its web text mixes in Russian.
COMMON_IN_TARGET = 3.0
GAP_COMMON = 1.5
#: A capitalised word, often a transliterated name rare in every list, must be this common in the
#: other language (once in 3 million words), unless the target spells it otherwise ("Belarús").
MIN_NAME = 2.5
#: Shorter words are skipped: two- and three-letter words are function words of many languages at once.
MIN_LETTERS = 4

# Languages with wordfreq's large lists, by script: the "rest of the world" a word is compared to.
_PANELS = {
    "Latin": ("cs", "de", "en", "es", "fr", "it", "nl", "pl", "pt"),
    "Cyrillic": ("bg", "mk", "ru", "uk"),
}
_SCRIPTS = {name: regex.compile(rf"\p{{{name}}}") for name in _PANELS}


@cache
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())


def base_lang(lang: str) -> str:
    """The language of a locale code: ``pt_BR`` and ``pt-BR`` are ``pt``."""
    return lang.replace("-", "_").split("_")[0].lower()


@lru_cache(maxsize=200_000)  # a document repeats its words; wordfreq costs microseconds, this nanoseconds
def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


@cache
def _alphabet(lang: str) -> frozenset[str]:
    """The letters of ``lang``: those in at least 10 of its 20,000 commonest words (es has ñ, not ç)."""
    from wordfreq import top_n_list

    counts: Counter[str] = Counter()
    for word in top_n_list(lang, 20_000):
        counts.update(set(word))
    return frozenset(c for c, n in counts.items() if n >= 10 and c.isalpha())


def _script(word: str) -> str | None:
    for name, pattern in _SCRIPTS.items():
        if pattern.search(word):
            return name
    return None


_DOUBLED = re.compile(r"(.)\1+")


def _spelling_key(word: str) -> str:
    """``word`` without accents, case or doubled letters: "Bielorrússia" and "Bielorrusia" share "bielorusia"."""
    return _DOUBLED.sub(r"\1", fold_text(word))


@cache
def _spellings(lang: str) -> dict[str, str]:
    """``_spelling_key`` -> the commonest word of ``lang`` with that key, over its 100,000 commonest words."""
    from wordfreq import top_n_list

    found: dict[str, str] = {}
    for word in top_n_list(lang, 100_000):
        found.setdefault(_spelling_key(word), word)
    return found


def _respelled(word: str, lang: str) -> str:
    """The word of ``lang`` that ``word`` is another spelling of (accents, doubled letters), or ``""``.

    "Belarús" in Portuguese, which writes "Belarus"; "Bielorrússia" in Spanish ("Bielorrusia").
    """
    found = _spellings(lang).get(_spelling_key(word), word)
    return "" if found == word else found


#: A word no list knows is read as words run together ("ejerciciosdefuego", which Apertium writes
#: for a multiword unit) when it is this long, and cut into at most three words this common.
FUSED_LETTERS = 10
_FUSED_PART = 3.0


def _fused(word: str, target: str, others: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """``(language, words)`` when ``word`` is two or three common words of one of ``others`` run together.

    At least one of the words must be no word of ``target``: "ejercicios" + "de" + "fuego"
    is Spanish in Portuguese text; a German compound of German words is German.
    """
    if len(word) < FUSED_LETTERS or not word.isalpha():
        return None

    def cuts(rest: str, parts: int) -> Iterator[tuple[str, ...]]:
        if parts == 1:
            yield (rest,)
            return
        for i in range(2, len(rest) - 1):
            for tail in cuts(rest[i:], parts - 1):
                yield (rest[:i], *tail)

    for other in others:
        for parts in (2, 3):
            for split in cuts(word, parts):
                if all(_zipf(p, other) >= _FUSED_PART for p in split) and any(
                    _zipf(p, target) < MIN_OTHER for p in split
                ):
                    return other, split
    return None


@lru_cache(maxsize=100_000)
def _belongs_elsewhere(word: str, target: str, others: tuple[str, ...], capitalised: bool) -> tuple[str, str] | None:
    """The language of ``others`` that ``word`` (casefolded) belongs to rather than ``target``, if any.

    Returns:
        ``(language, a note for the user or "")``, or ``None``. The note gives the target's own
        spelling ('Portuguese writes "belarus"') or the words of a fused one.
    """
    script = _script(word)
    if script is None:
        return None
    in_target = _zipf(word, target)
    least = GAP if in_target < COMMON_IN_TARGET else GAP_COMMON
    panel = _PANELS[script]
    respelled: str | None = None  # looked up only for a capitalised word of weak evidence
    best, best_gap = None, 0.0
    for other in others:
        in_other = _zipf(word, other)
        gap = in_other - in_target
        if in_other < MIN_OTHER or gap < least or gap <= best_gap:
            continue
        # Transliterated names ("Shoigu", "Sumy") are rare in every list and commonest in
        # English's: a capitalised word needs to be common, or spelled as the target does not.
        if capitalised and in_other < MIN_NAME and not respelled:
            if respelled is None:
                respelled = _respelled(word, target)
            if not respelled:
                continue
        world = [_zipf(word, lang) for lang in panel if lang not in (other, target)]
        if world and in_other - statistics.median(world) < GAP:
            continue
        best, best_gap = other, gap
    if best is not None:
        # wordfreq's lists are lower-case; the note writes the name as the text does
        return best, f'{language_name(target)} writes "{respelled.capitalize()}"' if respelled else ""
    if in_target > 0 or capitalised:
        return None
    if any(_zipf(word, other) > 0 for other in others):
        return None
    fused = _fused(word, target, others)
    if fused is not None:
        return fused[0], f'fused: "{" ".join(fused[1])}"'
    # A word no list knows, in letters the target never writes and another language does
    # ("desescalação" in Spanish: ç and ã are Portuguese). Names are spelled their own way
    # ("François" in Spanish), so a capitalised word needs a frequency list's word.
    foreign = {c for c in word if c.isalpha()} - _alphabet(target)
    if not foreign:
        return None
    other = next((other for other in others if foreign <= _alphabet(other)), None)
    return (other, "") if other else None


def overlaps(start: int | None, end: int | None, ranges: Iterable[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` overlaps one of ``ranges`` (never when it has no place: ``None``)."""
    return start is not None and end is not None and any(start < r_end and r_start < end for r_start, r_end in ranges)


def _leans(word: str, other: str, target: str) -> bool:
    """Whether ``word`` is ten times commoner in ``other`` than in ``target`` (and ``MIN_OTHER`` common there)."""
    key = word.casefold()
    in_other = _zipf(key, other)
    return in_other >= MIN_OTHER and in_other - _zipf(key, target) >= GAP


# What may stand between two words of one name: spaces, and at most one short lower-case word ("of", "de").
_IN_NAME = regex.compile(r"\s+(?:\p{Ll}{1,3}\s+)?")


def _in_foreign_name(text: str, words: list[regex.Match[str]], k: int, other: str, target: str) -> bool:
    """Whether capitalised word ``k`` has a capitalised neighbour of ``other`` too: a name kept in ``other``.

    "Institute for the Study of War", "Kyiv Independent" are names an outlet keeps in English;
    "el Belarusian Ministerio de Defensa" is a word left untranslated before a translated one.
    """
    for step in (-1, 1):
        j = k + step
        if 0 <= j < len(words) and words[j].group().islower() and len(words[j].group()) <= 3:
            j += step  # across a connector
        if not 0 <= j < len(words):
            continue
        first, last = sorted((j, k))
        neighbour = words[j].group()
        if (
            _IN_NAME.fullmatch(text, words[first].end(), words[last].start())
            and neighbour[:1].isupper()
            and _leans(neighbour, other, target)
        ):
            return True
    return False


def wrong_language(
    target: str, target_lang: str, others: Sequence[str], *, skip: Collection[tuple[int, int]] = ()
) -> list[Finding]:
    """Words of ``target`` left in another language of the route: the source's or a pivot's.

    A word is flagged for a language of ``others`` when it is at least ``MIN_OTHER``
    common there and ``GAP`` (ten times) more common there than in the target
    (``GAP_COMMON`` for a word ``COMMON_IN_TARGET`` in the target) and than in most
    languages of its script, so that names spelled alike everywhere ("Minsk",
    "Interfax") pass. "Belarusian" in Spanish is English; "Bielorrússia", "tuitou"
    and "adidos" in Spanish are Portuguese. A capitalised word must be ``MIN_NAME``
    common in the other language, or spelled as the target does not ("Belarús" in
    Portuguese), so that transliterated names ("Shoigu") pass; and one next to
    another capitalised word of that language is part of a name kept in it
    ("Kyiv Independent"). A lower-case word no frequency list knows is flagged when
    it is two or three common words of the other language run together
    ("ejerciciosdefuego" in Portuguese), or has letters the target never writes
    and the other language does ("desescalação" in Spanish). Words under
    ``MIN_LETTERS`` letters and words in other scripts are skipped.

    Args:
        target: the translated text.
        target_lang: its language (ISO 639-1, or a locale such as ``pt_BR``).
        others: the route's other languages: the source and any pivot (``["en", "es"]``
            for en>es>pt). Languages wordfreq has no list for are skipped.
        skip: ``(start, end)`` ranges of ``target`` a caller already explains.

    Returns:
        One ``Finding`` per flagged word, ``lang`` the language it belongs to; none when
        wordfreq has no list for ``target_lang``.
    """
    known = _wordfreq_languages()
    lang = base_lang(target_lang)
    route = tuple(dict.fromkeys(o for o in map(base_lang, others) if o in known and o != lang))
    if lang not in known or not route:
        return []
    found = []
    words = list(WORD.finditer(target))
    for k, m in enumerate(words):
        word = m.group()
        if sum(c.isalpha() for c in word) < MIN_LETTERS or overlaps(m.start(), m.end(), skip):
            continue
        capitalised = word[:1].isupper()
        hit = _belongs_elsewhere(word.casefold(), lang, route, capitalised)
        if hit is not None:
            other, note = hit
            if capitalised and _in_foreign_name(target, words, k, other, lang):
                continue
            detail = f'left in {language_name(other)}: "{word}"'
            if note:
                detail += f" ({note})"
            found.append(Finding("wrong language", m.start(), m.end(), word, detail, lang=other))
    return found


def preload(languages: Iterable[str]) -> None:
    """Load now what the detectors read for ``languages``: word lists, alphabets, spellings, CLDR names.

    The first call of ``wrong_language`` for a route loads its word lists and those of
    ``_PANELS`` (about 0.15 s a language) and indexes the target's spellings (about 0.8 s):
    a pane calls this in a background thread first. Unknown languages are passed over.
    """
    from annot.project.dates import time_names  # below detect: dates reads detect's words

    known = _wordfreq_languages()
    wanted = {base_lang(lang) for lang in languages}
    for lang in sorted(wanted | {p for panel in _PANELS.values() for p in panel if wanted & set(panel)}):
        if lang in known:
            _zipf("a", lang)
    for lang in sorted(wanted & known):
        _alphabet(lang)
        _spellings(lang)
    for lang in wanted:
        date_order(lang)
        time_names(lang)


# -- number style -----------------------------------------------------------------------


def number_style(target: str, target_lang: str) -> list[Finding]:
    """Digit groups of ``target`` that a reader of ``target_lang`` misreads (``annot.numbers.digit_style``).

    "9,000" in Spanish reads as nine; "10/17/2022" in Portuguese is month/day.
    Dates that both orders can read ("10/11/2022") are left to ``time_changes``.

    Returns:
        One ``"number style"`` ``Finding`` per such group; none for a language CLDR does not know.
    """
    found = []
    for start, end, token in iter_digit_groups(target):
        problem = digit_style(token, target_lang)
        if problem is not None:
            found.append(Finding("number style", start, end, token, problem))
    return found
