"""annot's boundary rules after pysbd: abbreviations, datelines, speech tags, a missing space.

pysbd decides most boundaries; these rules correct the ones news text breaks,
in every language alike, with per-language data from ``abbreviations.toml``.
They are hand-written because no library we can install offline covers them:
pysbd (and the Moses/Punkt splitters) know abbreviation lists, but not agency
datelines, Slavic and Georgian speech tags after a quote, nor a missing space
after a full stop; and pysbd's own abbreviation test only reads ASCII letters.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from annot.model import caseless

__all__ = ["LanguageRules", "dateline_end", "final_abbreviation_cuts", "glued_cuts", "repair", "rules_for"]

Span = tuple[int, int]

# Closing quotation marks of the coverage's languages: » “ ” « (sl »…«), ’ and the straight ones.
_QUOTE_END = re.compile(r"[»”“«\"'’][.!?…]?$")
_DASH_THEN_WORD = re.compile(r"[-–—]\s+([^\W\d_])")
# A full stop between two letters with no space after it: "Independent.Bieloruský".
_GLUED = re.compile(r"(?<=[^\W\d_]{2})\.(?=[^\W\d_])")
_WEB = ("/", "@", "www")

# An agency dateline opening a paragraph: a place (1-4 words), then a date
# and/or an agency in brackets or slashes, then a dash or (after a full stop)
# a space. "МИНСК, 17 октября. /ТАСС/. ", "MINSK. — ", "KYIV (Reuters) - ",
# "Mińsk (PAP) – ", "ROMA, 17 ott – ", "Minsk 17. října (ČTK) - ", "MINSK. ",
# "(ANSA) - ROMA, 17 OTT - ". Which matches are datelines is decided in
# dateline_end: the regex alone would also read "Rusko, 17 tanků - " as one.
_LETTER = r"[^\W\d_]"
_AGENCY = rf"{_LETTER}[\w.&' -]{{0,24}}?"
_DATELINE = re.compile(
    rf"""
    (?:\(\s*{_AGENCY}\s*\)\s*[-–—]\s*)?                          # "(ANSA) - " before the place
    (?P<place>{_LETTER}[\w'’.-]{{0,30}}?(?:[ /-]{{1,3}}{_LETTER}[\w'’-]{{0,30}}){{0,3}}?)
    (?:,?\s+(?P<date>
        \d{{1,2}}\.?\s+{_LETTER}{{3,12}}\.?(?:\s+\d{{4}}(?:\s*{_LETTER}{{1,2}}\.)?)?  # 17 октября, 17 жовтня 2022 р.
        | {_LETTER}{{3,9}}\.?\s+\d{{1,2}}(?:,\s+\d{{4}})?                            # Oct. 17, 2022
    ))?
    \s*\.?
    (?:\s*(?P<agency>\(\s*{_AGENCY}\s*\)|/\s*{_AGENCY}\s*/)\s*\.?)?
    \s*(?P<sep>[-–—]|(?<=\.))\s+
    (?=[^\W_]|["«„“»'(])                                        # the body starts
    """,
    re.VERBOSE,
)
_DATELINE_CHARS = 80


@dataclass(frozen=True, slots=True)
class LanguageRules:
    """The abbreviation data of one language, compiled.

    Attributes:
        pysbd: the pysbd language whose rules segment this one.
        never_final: matches a unit ending in an abbreviation that never ends a sentence.
        before_number: matches a unit ending in an abbreviation that ends no sentence before a number.
        may_end: finds an abbreviation pysbd keeps with a capitalised word after it, and a space.
    """

    pysbd: str
    never_final: re.Pattern[str] | None
    before_number: re.Pattern[str] | None
    may_end: re.Pattern[str] | None


@cache
def _data() -> dict[str, dict[str, object]]:
    return tomllib.loads(files("annot.segment").joinpath("abbreviations.toml").read_text(encoding="utf-8"))


@cache
def rules_for(lang: str) -> LanguageRules:
    """The rules for ``lang``: its own entries, or those of the pysbd language it borrows.

    Args:
        lang: ISO 639-1 code.

    Returns:
        The compiled rules; a language without data gets pysbd's English rules and no lists.
    """
    from pysbd.languages import LANGUAGE_CODES

    entry = _data().get(lang, {})
    pysbd = str(entry.get("pysbd", lang))
    pysbd = pysbd if pysbd in LANGUAGE_CODES else "en"
    if not entry.get("never_final") and not entry.get("before_number"):
        entry = _data().get(pysbd, {})
    return LanguageRules(
        pysbd=pysbd,
        never_final=_ending(entry.get("never_final", [])),
        before_number=_ending(entry.get("before_number", [])),
        may_end=_ending(entry.get("may_end", []), then=r"\s+(?=[^\W\d_])"),
    )


def _ending(entries: object, then: str = "$") -> re.Pattern[str] | None:
    """A pattern for one of ``entries`` and its full stop, ending a unit (or followed by ``then``)."""
    forms: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        forms.add(entry)
        if entry[:1].islower():
            forms.add(entry[0].upper() + entry[1:])  # opening a sentence: "Gen.", "Tzv."
    if not forms:
        return None
    alternatives = sorted((r"\.\s?".join(map(re.escape, form.split("."))) for form in forms), key=len, reverse=True)
    return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(alternatives)})\.{then}")


def repair(line: str, spans: list[Span], lang: str, *, cuts: frozenset[int] = frozenset()) -> list[Span]:
    """Correct pysbd's units of one line: join what is one sentence, cut what is two.

    Joins a unit to the one before when it starts in lowercase or with
    ``,;:)]}``, has no letters or digits, follows with no space between
    (pysbd cut inside a word: "А.Г.|Лукашенко"), follows an abbreviation that
    never ends a sentence ("gen.", "tzv.") or one that ends none before a
    number ("ok. 170"), or is a speech tag after a quote ("“. – აცხადებს
    რევენკო."). Then cuts where a full stop lacks its space (:func:`glued_cuts`)
    or a capitalised word follows an abbreviation that pysbd wrongly keeps with
    it (:func:`final_abbreviation_cuts`), and keeps an agency dateline with the
    first sentence (:func:`dateline_end`).

    Args:
        line: one line of text.
        spans: pysbd's units as ``(start, end)`` into ``line``, in order, stripped.
        lang: ISO 639-1 code of the text.
        cuts: offsets where the line was cut into chunks for pysbd; a unit
            starting there is not joined for following with no space.

    Returns:
        The corrected units, in order, covering the same text.
    """
    rules = rules_for(lang)
    joined: list[Span] = []
    for start, end in spans:
        if joined and _continues(line, joined[-1], (start, end), rules, glued=start not in cuts):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    cut = [(begin, stop) for start, end in joined for begin, stop in _cut(line, start, end, lang)]
    return _keep_dateline(line, cut)


def _continues(line: str, before: Span, after: Span, rules: LanguageRules, *, glued: bool) -> bool:
    # The end of the unit before is all the rules read: no abbreviation or quote is 40 characters long.
    text, previous = line[after[0] : after[1]], line[max(before[0], before[1] - 40) : before[1]]
    if _starts_lowercase(text) or text[0] in ",;:)]}" or not any(char.isalnum() for char in text):
        return True
    if glued and before[1] == after[0]:
        return True
    if rules.never_final is not None and rules.never_final.search(previous):
        return True
    if rules.before_number is not None and text[0].isdigit() and rules.before_number.search(previous):
        return True
    return _speech_tag(previous, text)


def _speech_tag(previous: str, text: str) -> bool:
    """Whether ``text`` is the tag of the quote ``previous`` ends with: "». — заявил он.".

    A dash after a closing quote introduces who spoke; the tag's first word is
    lowercase ("— заявил"), or caseless (Georgian "– აცხადებს"). A capitalised
    word after the dash may be a new sentence, so it is left split.
    """
    dash = _DASH_THEN_WORD.match(text)
    return bool(dash and _QUOTE_END.search(previous) and not dash.group(1).isupper())


def glued_cuts(text: str, lang: str) -> list[int]:
    """Where a sentence starts right after a full stop with no space: "The Kyiv Independent.Bieloruský".

    The full stop must follow a word of two or more letters ending in lowercase
    and precede a capitalised word (a capital, then a lowercase letter); in
    Georgian, which writes no capitals, any two words. Not cut: initials and
    abbreviations ("A.G.Lukashenko", "U.S.", "e.g."), decimals, domains and URLs
    ("Meduza.io", "www.Kyiv.Post"), an abbreviation that never ends a sentence.

    Args:
        text: one unit of text.
        lang: ISO 639-1 code of the text.

    Returns:
        Offsets into ``text`` of the sentences that start there, ascending.
    """
    never_final = rules_for(lang).never_final
    cuts = []
    for match in _GLUED.finditer(text):
        dot, after = match.start(), match.end()
        left = text[:dot].rsplit(None, 1)[-1]  # the word the full stop ends
        right = text[after:].split(None, 1)[0]  # the word glued after it
        last, first = text[dot - 1], text[after]
        if any(mark in left + right for mark in _WEB) or "." in left or re.search(r"\.[^\W\d_]", right):
            continue  # a domain, URL, e-mail or chain of abbreviations
        if never_final is not None and never_final.search(text[: dot + 1]):
            continue
        if (_starts_lowercase(last) and _starts_capitalised(right)) or (caseless(last) and caseless(first)):
            cuts.append(after)
    return cuts


def final_abbreviation_cuts(text: str, lang: str) -> list[int]:
    """Where a sentence starts after an abbreviation that ends one, which pysbd kept: "Sumy ecc. | Gli analisti".

    Args:
        text: one unit of text.
        lang: ISO 639-1 code of the text.

    Returns:
        Offsets into ``text`` of capitalised words after a ``may_end`` abbreviation, ascending.
    """
    may_end = rules_for(lang).may_end
    if may_end is None:
        return []
    return [match.end() for match in may_end.finditer(text) if _starts_capitalised(text[match.end() :])]


def _cut(line: str, start: int, end: int, lang: str) -> list[Span]:
    text = line[start:end]
    cuts = sorted({start + at for at in (*glued_cuts(text, lang), *final_abbreviation_cuts(text, lang))})
    bounds = [start, *cuts, end]
    return [(begin, len(line[:stop].rstrip())) for begin, stop in itertools.pairwise(bounds) if begin < stop]


def dateline_end(line: str) -> int:
    """The length of the agency dateline that opens ``line``, or 0.

    A dateline is a place, then a date and/or an agency in brackets or slashes,
    then a dash (or a space after a full stop): "МИНСК, 17 октября. /ТАСС/. ",
    "KYIV (Reuters) - ", "Mińsk (PAP) – ", "ROMA, 17 ott – ". A place alone
    counts only in capitals: "MINSK. — ", "MINSK. " (three letters or more,
    before a full stop and a capital). It is at most 80 characters long.

    Args:
        line: one line of text.

    Returns:
        The offset where the body starts, 0 if the line opens with no dateline.
    """
    match = _DATELINE.match(line[: _DATELINE_CHARS + 2])  # bounded: a dateline is short
    if match is None or match.end() > _DATELINE_CHARS:
        return 0
    place, date, agency, dash = match["place"], match["date"], match["agency"], match["sep"]
    capitals = place.isupper() and sum(char.isalpha() for char in place) >= 2
    if _starts_lowercase(place):
        return 0
    if agency or (date and dash):
        return match.end()
    if capitals and dash:
        return match.end()
    if capitals and len(place) >= 3 and not date and line[match.end()].isupper():
        return match.end()
    return 0


def _keep_dateline(line: str, units: list[Span]) -> list[Span]:
    """Join a dateline pysbd split off ("МИНСК, 17 октября. | /ТАСС/. | Российские...") to the sentence after it."""
    body = dateline_end(line)
    if not body or not units:
        return units
    last = max(i for i, (start, _) in enumerate(units) if start < body)
    if units[last][1] <= body and last + 1 < len(units):
        last += 1
    return [(units[0][0], units[last][1]), *units[last + 1 :]]


def _starts_capitalised(text: str) -> bool:
    """A capital and then a lowercase letter: a word, not an acronym or an initial."""
    return len(text) > 1 and text[0].isupper() and text[1].islower()


def _starts_lowercase(text: str) -> bool:
    return text[:1].islower() and not caseless(text[0])
