"""Numbers that count nothing: dates, clock times, years, scores, phone numbers, ordinals and model names.

:mod:`annot.suggest.quantity_finder` asks these before it reads a number as a
quantity. Each rule looks at the tokens around the number only:

* chained by ``/ . : -`` without spaces: dates (10/17/2022), times (19:00),
  versions; two numbers joined by a dash are a range unless the second starts
  with 0 (a phone number, 555-0199) or is the smaller (a score, 3-1);
* a time of day: "10h30", "à 19h", "7 p.m.", and each language's clock words
  ("alle 19", "o godz. 19", "um 19 Uhr", "v 19 hodin"), for numbers up to 24;
* a day next to a month name ("17 октября", "March 3", "17. října"), an ordinal
  written "17. brigáda" where the language writes them so, "3.º", "5-й", "17th";
* digits glued to a word: "MiG-29", "F16", "T-72";
* a year: 1800-2100 after a month or a year preposition ("in 2022") or before a
  year word ("2022 года").
"""

from __future__ import annotations

from collections.abc import Sequence

from annot.numbers import parse_digits
from annot.suggest.counted import Token
from annot.suggest.lexicon import DASH_ORDINALS, ORDINALS, Table

__all__ = ["glued_to_name", "is_year", "skipped_numbers"]

_CHAIN_SEPARATORS = set("/.:-–")
_DASHES = set("-–—")


def skipped_numbers(toks: Sequence[Token], table: Table) -> set[int]:
    """Token indices of numbers that are parts of dates, times, codes or ordinals ("17. brigáda")."""
    skipped: set[int] = set()
    i = 0
    while i < len(toks):
        chain, seps = [i], []
        while (
            toks[chain[-1]].kind == "num"
            and chain[-1] + 2 < len(toks)
            and toks[chain[-1] + 1].text in _CHAIN_SEPARATORS
            and toks[chain[-1] + 2].kind == "num"
            and toks[chain[-1]].end == toks[chain[-1] + 1].start
            and toks[chain[-1] + 1].end == toks[chain[-1] + 2].start
        ):
            seps.append(toks[chain[-1] + 1].text)
            chain.append(chain[-1] + 2)
        if len(chain) > 2 or (len(chain) == 2 and (seps[0] not in _DASHES or _no_range(toks, chain))):
            skipped.update(chain)  # dates, times, versions; "555-0199" is a phone number, "3-1" a score
        i = chain[-1] + 1
    for i, tok in enumerate(toks):
        if tok.kind != "num" or not tok.text.isdigit():
            continue
        if _clock_time(toks, i, table):
            skipped.add(i)
            continue
        k = i + 1
        dotted = k < len(toks) and toks[k].text == "." and toks[k].start == tok.end
        k += dotted  # "16. októbra", "17. října"
        nxt = toks[k] if k < len(toks) else None
        # German capitalises every noun, so "die 5. Brigade" is as much an ordinal as "17. brigáda".
        lower_word = nxt is not None and nxt.kind == "word" and (nxt.text[:1].islower() or table.shape == "german")
        # A sentence never ends after its first token: "3. Armia przerzuciła..." starts with an ordinal.
        opening = i == 0 or toks[i - 1].text in ".!?"
        lower_word = lower_word or (opening and nxt is not None and nxt.kind == "word")
        if dotted and table.dot_ordinals and lower_word and not table.is_month(nxt.text):
            skipped.add(i)  # "17. brigáda"; "5. Panzerdivision" is capitalised and stays
            continue
        if len(tok.text) > 2:
            continue
        after_month = nxt is not None and (
            table.is_month(nxt.text)
            or (nxt.low in table.of_words and k + 1 < len(toks) and table.is_month(toks[k + 1].text))
        )
        if after_month or (table.month_day and i > 0 and table.is_month(toks[i - 1].text)):
            skipped.add(i)
    return skipped


def _no_range(toks: Sequence[Token], chain: list[int]) -> bool:
    """Two numbers joined by a dash that are no range: "555-0199" (a phone number), "3-1", "2-2" (scores)."""
    low, high = (parse_digits(toks[k].text) for k in chain)
    return toks[chain[1]].text[:1] == "0" or (low is not None and high is not None and high <= low)


def _clock_time(toks: Sequence[Token], i: int, table: Table) -> bool:
    """A time of day: "10h30", "à 19h", "7 p.m.", "alle 19", "o godz. 19", "um 19 Uhr", "v 19 hodin"."""
    if int(toks[i].text) > 24:
        return False
    prev = toks[i - 1] if i > 0 else None
    if prev is not None and prev.text == "." and i > 1 and toks[i - 2].end == prev.start:
        prev = toks[i - 2]  # "godz. 19"
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if prev is not None and prev.low in table.clock_before and (nxt is None or nxt.kind != "word"):
        return True
    if nxt is None or nxt.kind != "word":
        return False
    if nxt.low in table.clock_after and (not table.clock_preps or (prev is not None and prev.low in table.clock_preps)):
        return True
    after = toks[i + 2] if i + 2 < len(toks) else None
    glued_h = nxt.low == "h" and nxt.start == toks[i].end and (after is None or after.kind != "word")
    meridiem = nxt.low in ("a", "p") and after is not None and after.text == "." and after.start == nxt.end
    return glued_h or (meridiem and int(toks[i].text) <= 12)


def is_year(toks: Sequence[Token], i: int, table: Table) -> bool:
    """A plain 1800-2100 after a month or a year preposition ("in 2022"), or before a year word ("2022 года")."""
    if not (toks[i].text.isdigit() and len(toks[i].text) == 4 and 1800 <= int(toks[i].text) <= 2100):
        return False
    if i + 1 < len(toks) and toks[i + 1].low in table.year_words:
        return True
    for k in range(i - 1, max(i - 4, -1), -1):
        if table.is_month(toks[k].text) or toks[k].low in table.year_preps:
            return True
        if not (
            toks[k].text in ",." or toks[k].low in table.of_words or (toks[k].kind == "num" and len(toks[k].text) <= 2)
        ):
            return False
    return False


def glued_to_name(toks: Sequence[Token], i: int) -> bool:
    """Digits that are part of a name or an ordinal: "F16", "MiG-29", "T-72", "17th", "5-й"."""
    if toks[i].kind != "num":
        return False
    prev = toks[i - 1] if i > 0 else None
    if prev is not None and prev.end == toks[i].start:
        if prev.kind == "word":
            return True
        before = toks[i - 2] if i > 1 else None
        if prev.text in _DASHES and before is not None and before.kind == "word" and before.end == prev.start:
            return True
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is not None and nxt.kind == "word" and nxt.start == toks[i].end and nxt.low in ORDINALS:
        return True
    if nxt is not None and nxt.text == "°" and nxt.start == toks[i].end and i + 2 < len(toks):
        return toks[i + 2].kind == "word" and toks[i + 2].low not in ("c", "f")  # "dal 9° piano"; not "30° C"
    after = toks[i + 2] if i + 2 < len(toks) else None
    if (  # "3.er", "3.º": Spanish and Portuguese ordinals
        nxt is not None
        and after is not None
        and nxt.text == "."
        and nxt.start == toks[i].end
        and after.start == nxt.end
        and after.low in ORDINALS
    ):
        return True
    return (
        nxt is not None
        and after is not None
        and nxt.text in _DASHES
        and nxt.start == toks[i].end
        and after.start == nxt.end
        and after.low in DASH_ORDINALS
    )
