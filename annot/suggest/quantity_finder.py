"""Quantity suggestions: read "up to 9,000 military personnel" into QUANTITY attributes.

Rule-based and offline, so a suggestion is predictable and explainable in one
sentence. A text is split into tokens (digit groups, words, single symbols);
each number is read with the qualifier words just before it and the unit words
just after it:

* **Numbers**: digits with any grouping ("9,000", "9.000", "9 000" are 9000;
  "1,5" and "1.5" are 1.5 -- the rule of ``annot.translate.checks``, rewritten
  here because a stage may not import another), optionally followed by a scale
  word ("1.5 million", "9 mil", "2 млн"); English number words ("nine
  thousand", "a dozen", "two hundred and fifty"); plurals "hundreds of",
  "tens of thousands", "miles de", "Tausende" in all six languages.
* **Vague plurals** read as *at least* twice the magnitude: "hundreds of" is
  ``at least 200`` -- the smallest count the phrase can mean.
* **Qualifiers** are the words right before the number (longest match):
  "nearly"/"almost" count as *approximately* because annotators want the
  ballpark, not a bound. Without one, the qualifier is *exact*. A verb of
  exceeding before the number ("могут превысить 1,2 млрд") makes it *more
  than*; after a verb of change a "до"/"do" is no bound but the value reached
  ("замедлилась до 6,5%", "подешевели на 4,5% до 120 рублей": *exact*). Both
  verbs are known by their stems, per language.
* **Ranges** ("between 100 and 200", "100-200", "100 to 200", "entre 100 y
  200") have qualifier *range*, ``low``/``high`` set and ``value = low``: the
  schema needs a number and the lower bound is the claim the source commits to.
* **Units** are the noun phrase right after the number, found by the rules
  of :mod:`annot.suggest.counted` (its head noun, agreement and closed-class
  words per language; pymorphy3 tags for ru and uk), or after "de"/"of" that
  follows a scale or a vague plural ("1,5 millones de personas"). "%" and
  "percent" give ``%``; a currency sign before the number gives the sign.
* **Groups**: a number before a group noun counts groups ("two dozen" is 24,
  "двух десятков" 20); "une vingtaine", "una quindicina" are *approximately*.
* **Measurements** are quantities whose unit is the unit of measure:
  "калибра свыше 100 мм" is 100 мм, *more than*, and the word that labels it
  ("калибра") is not part of the counted thing before it.
* **Not quantities** (:mod:`annot.suggest.uncounted`): dates, clock times,
  scores ("3-1"), phone numbers, versions, ordinals ("3.º", "3-тя", "5.
  Brigade"), days next to a month name, numbers glued to a word ("MiG-29",
  "F16", "17th") and values of 10^15 or more (ids, phone numbers).
  :func:`find_quantities` also skips 4-digit years after a month name or
  "in"/"since"/..., a bare year that counts nothing ("gebaut 1985", "hasta
  2025") and a lone "one" (mostly a pronoun); :func:`parse_quantity` keeps
  them, as the annotator chose the phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from annot.numbers import parse_digits
from annot.suggest.counted import counted_end
from annot.suggest.lexicon import CURRENCIES, Table, table_for
from annot.suggest.uncounted import glued_to_name, is_year, skipped_numbers

__all__ = ["QUALIFIERS", "QuantityGuess", "find_quantities", "parse_quantity"]

QUALIFIERS = ("exact", "approximately", "up to", "at least", "more than", "less than", "range")
_LIMIT = Decimal(10) ** 15
_TOKEN = re.compile(
    r"(?P<num>[0-9]{1,3}(?:[,.\u00a0\u202f\x20][0-9]{3})+(?:[.,][0-9]+)?(?![0-9])|[0-9]+(?:[.,][0-9]+)?)"
    r"|(?P<word>(?<![^\W\d_])(?i:jusqu|lorsqu|puisqu|qu|[dljmnstc])['’](?=[^\W\d_])"
    r"|[^\W\d_]+(?:['’](?=[яюєїЯЮЄЇ])[^\W\d_]+|-[^\W\d_]+)*)"
    r"|(?P<punct>\S)"
)
_DASHES = set("-–—")
_OPEN_QUOTES = set("“«„\"'‘")
_CLOSE_QUOTES = set("”»“\"'’")


@dataclass(frozen=True, slots=True)
class QuantityGuess:
    """A suggested QUANTITY: its attributes and where its phrase is in the text.

    ``start``/``end`` are offsets into the string that was parsed, so that
    ``text[start:end]`` is the whole phrase, qualifier words and unit included.
    """

    value: int | float
    unit: str | None
    qualifier: str
    start: int
    end: int
    low: int | float | None = None
    high: int | float | None = None

    def to_attrs(self) -> dict[str, Any]:
        """The QUANTITY attributes of the default schema, without the unset ones."""
        attrs = {"value": self.value, "unit": self.unit, "qualifier": self.qualifier}
        attrs.update(low=self.low, high=self.high)
        return {name: value for name, value in attrs.items() if value is not None}


class _Tok(NamedTuple):  # a tuple, not a frozen dataclass: every sentence makes dozens of them
    kind: str  # "num", "word" or "punct"
    text: str
    low: str  # lower-cased, curly apostrophe straightened: the form looked up in tables
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Num:
    value: Decimal
    first: int  # token index
    stop: int  # token index after the number
    scale: Decimal | None = None
    plural: bool = False
    qualifier: str | None = None  # set by a phrase that carries one: "une vingtaine" (approximately)


def parse_quantity(text: str, lang: str = "en") -> QuantityGuess | None:
    """Read the first quantity of a selected phrase, to pre-fill the QUANTITY form.

    Args:
        text: the phrase the annotator selected, e.g. ``"up to 9,000 military personnel"``.
        lang: ISO 639-1 code picking the qualifier, unit and number words
            (en, es, pt, fr, de, ru; other languages use the English tables).

    Returns:
        The guess, offsets relative to ``text``; ``None`` when it has no number.
        Unlike :func:`find_quantities`, a lone "one" and years are kept.
    """
    guesses = _scan(text, lang, strict=False)
    return guesses[0] if guesses else None


def find_quantities(text: str, lang: str = "en") -> list[QuantityGuess]:
    """Find every quantity phrase of a sentence, for suggestions.

    Args:
        text: a sentence (or any text); offsets of the guesses are relative to it.
        lang: ISO 639-1 code, as for :func:`parse_quantity`.

    Returns:
        The guesses in text order, without overlaps; dates, years and a lone
        "one" are left out (see the module docstring).
    """
    return _scan(text, lang, strict=True)


def _scan(text: str, lang: str, strict: bool) -> list[QuantityGuess]:
    table = table_for(lang)
    toks = [
        _Tok(m.lastgroup or "punct", m.group(), _looked_up(m.group()), m.start(), m.end())
        for m in _TOKEN.finditer(text)
    ]
    skipped = skipped_numbers(toks, table)
    guesses: list[QuantityGuess] = []
    i = floor = 0
    while i < len(toks):
        num = None if i in skipped or glued_to_name(toks, i) else _number_at(toks, i, table)
        if num is None:
            i += 1
            continue
        lone_one = num.stop == i + 1 and toks[i].kind == "word" and num.value == 1
        if strict and (lone_one or is_year(toks, i, table)):
            i = num.stop
            continue
        guess, i = _build(text, toks, num, table, skipped, floor)
        if strict and guess is not None and _bare_year(toks, num, guess):
            continue
        if guess is not None:
            guesses.append(guess)
            floor = i
    return guesses


def _bare_year(toks: list[_Tok], num: _Num, guess: QuantityGuess) -> bool:
    """A lone 1800-2100 that counts nothing: a year ("wurden 1985 gebaut", "hasta 2025")."""
    tok = toks[num.first]
    return (
        num.stop == num.first + 1
        and tok.text.isdigit()
        and len(tok.text) == 4
        and 1800 <= int(tok.text) <= 2100
        and guess.unit is None
        and guess.qualifier in ("exact", "up to")  # "hasta 2025", "até 2025": until a year
    )


def _number_at(toks: list[_Tok], i: int, table: Table) -> _Num | None:
    """The number starting at token ``i``: digits [+ scale], number words, a plural or a vague phrase.

    A number before a group noun counts groups: "two dozen" is 24, "два десятка" and "duas dezenas" 20.
    """
    num = _number_core(toks, i, table)
    if num is None or num.plural or num.stop >= len(toks):
        return num
    group = toks[num.stop].low
    size = table.collectives.get(group) or table.plurals.get(group)
    if size is None or group in table.scales:
        return num
    stop = num.stop + 1
    if stop + 1 < len(toks) and toks[stop].low in table.of_words and toks[stop + 1].kind == "word":
        stop += 1  # "duas dezenas de helicópteros"
    return _Num(num.value * size, i, stop, num.scale)


def _number_core(toks: list[_Tok], i: int, table: Table) -> _Num | None:
    tok, n = toks[i], len(toks)
    if tok.kind == "num":
        value = parse_digits(tok.text)
        if value is None:
            return None
        scale = table.scales.get(toks[i + 1].low) if i + 1 < n and toks[i + 1].kind == "word" else None
        stop = i + 2 if scale else i + 1
        if (
            scale
            and stop < n
            and toks[stop].text == "."
            and toks[stop].start == toks[stop - 1].end
            and (toks[stop - 1].low in table.abbreviated)
        ):
            stop += 1  # "9 тыс. военных": the period belongs to the scale
        if scale and stop < n and toks[stop].low in table.scales:
            scale, stop = scale * table.scales[toks[stop].low], stop + 1  # "1,2 mil milhões": a billion
        return _Num(value * (scale or 1), i, stop, scale)
    if tok.kind != "word":
        return None
    for size in (3, 2, 1) if tok.low in table.phrase_starts else ():
        found = table.phrases.get(_lows(toks, i, size))
        if found is not None:  # "не одна тысяча", "several hundred", "une vingtaine"
            stop, value = i + size, found[0]
            if stop < n and toks[stop].low in table.scales:  # "несколько десятков тысяч", "več deset tisoč"
                value, stop = value * table.scales[toks[stop].low], stop + 1
            if stop + 1 < n and toks[stop].low in table.of_words and toks[stop + 1].kind == "word":
                stop += 1  # "une vingtaine d'hélicoptères"
            return _Num(value, i, stop, plural=True, qualifier=found[1])
    plural = table.plurals.get(tok.low)
    if plural is None and table.compounds:
        plural = table.plural_compound(tok.low)  # "desaťtisíce": tens of thousands
    if plural is not None:
        value, stop = plural, i + 1
        k = stop + 1 if stop < n and toks[stop].low in table.of_words else stop
        more = table.plurals.get(toks[k].low) or table.scales.get(toks[k].low) if k < n else None
        if more:  # "tens of thousands", "десятки тысяч", "desítky tisíc"
            value, stop = value * more, k + 1
        if stop + 1 < n and toks[stop].low in table.of_words and toks[stop + 1].kind == "word":
            stop += 1
        return _Num(2 * value, i, stop, plural=True)
    return _number_words(toks, i, table)


def _number_words(toks: list[_Tok], i: int, table: Table) -> _Num | None:
    """Number words: "nine thousand", "a dozen", "doscientos cincuenta", "novemila", "девяти тысячами"."""
    total, current, last, seen, k = Decimal(0), Decimal(0), Decimal(0), False, i
    while k < len(toks) and toks[k].kind == "word":
        word = toks[k].low
        nxt = toks[k + 1].low if k + 1 < len(toks) and toks[k + 1].kind == "word" else ""
        scale = table.scales.get(word)
        if scale is not None and scale >= 1000 and (seen or word not in table.plurals):
            total, current, last, seen = total + (current or 1) * scale, Decimal(0), scale, True
            k += 1
            continue
        if word in table.joiners and (seen or word in ("a", "an")) and k > i - 1:
            if nxt and (table.word_value(nxt) is not None or nxt in table.scales) and nxt not in ("a", "an"):
                if word in ("a", "an") and seen:
                    break
                k += 1
                continue
            break
        value = table.word_value(word) if scale is None else scale
        if value is None or (value == 0 and word in ("a", "an")):
            break
        if value == 100 and 0 < current < 100:
            current *= 100  # "deux cent", "dvě stě"
        elif value >= 1000 and current == 0:
            total += value  # a compound such as "novemila"
        elif current and value >= last:
            break  # two numbers side by side, not one
        else:
            current += value
        last, seen = value, True
        k += 1
    return _Num(total + current, i, k) if seen else None


def _qualifier_before(toks: list[_Tok], i: int, table: Table, floor: int) -> tuple[str, int] | None:
    """The longest qualifier phrase ending right before token ``i``, and its first token.

    A period glued to the phrase's last word is an abbreviation's ("ok. 200", "ca. 50").
    """
    prev = toks[i - 2] if i - 2 >= floor else None
    if prev is not None and toks[i - 1].text == "." and prev.kind == "word" and prev.end == toks[i - 1].start:
        i -= 1
    for size in range(4, 0, -1):
        k = i - size
        if k >= floor and all(t.kind == "word" for t in toks[k:i]):
            qualifier = table.qualifiers.get(_lows(toks, k, size))
            if qualifier is not None:
                return qualifier, k
    return None


def _verb_before(toks: list[_Tok], k: int, table: Table) -> str | None:
    """``"change"`` or ``"exceed"`` when a verb of that kind (by its stem) comes before token ``k``.

    Function words and another figure may stand between: "подешевели на 4,5% до 120 рублей".
    """
    for tok in reversed(toks[max(k - 6, 0) : k]):
        if tok.kind == "word":
            for kind, stems in (("change", table.change_verbs), ("exceed", table.exceed_verbs)):
                if stems and tok.low.startswith(stems):
                    return kind
        skippable = tok.kind == "num" or tok.text in "%." or tok.low in table.stop or tok.low in table.scales
        if not (skippable or (tok.low,) in table.percent):
            return None
    return None


def _qualified_number_end(toks: list[_Tok], k: int, table: Table) -> int | None:
    """The token index after a qualifier and a number that start at token ``k`` ("свыше 100 | мм"), else ``None``."""
    for size in range(1, 5):
        if k + size < len(toks) and _lows(toks, k, size) in table.qualifiers:
            num = _number_at(toks, k + size, table)
            return None if num is None else num.stop
    return None


def _starts_quantity(toks: list[_Tok], k: int, table: Table) -> bool:
    """Whether a number, or a qualifier then a number, starts at token ``k``."""
    if _number_at(toks, k, table) is not None:
        return True
    return any(
        _lows(toks, k, size) in table.qualifiers and _number_at(toks, k + size, table) is not None
        for size in range(1, 5)
        if k + size < len(toks)
    )


def _build(
    text: str, toks: list[_Tok], num: _Num, table: Table, skipped: set[int], floor: int
) -> tuple[QuantityGuess | None, int]:
    """The guess around ``num`` and the token index after its phrase."""
    first, stop, n = num.first, num.stop, len(toks)
    currency = first > floor and toks[first - 1].text in CURRENCIES and toks[first - 1].end == toks[first].start
    first -= currency
    value, low, high = num.value, None, None
    qualifier = num.qualifier or ("at least" if num.plural else "exact")
    opener = first - 1 if first > floor and toks[first - 1].low in table.openers else None
    connector = toks[stop] if stop < n else None
    second = None
    if (
        connector is not None
        and stop + 1 < n
        and stop + 1 not in skipped
        and not num.plural
        and (
            connector.text in _DASHES
            or connector.low in table.to_words
            or (opener is not None and connector.low in table.and_words)
        )
    ):
        second = _number_at(toks, stop + 1, table)
    if second is not None and connector.text in _DASHES and toks[stop + 1].text.startswith("0"):
        second = None  # "555-0199": a phone number, not a range
    if second is not None and not second.plural:
        low = num.value * (second.scale or 1) if second.scale and not num.scale else num.value
        value, high, qualifier, stop = low, second.value, "range", second.stop
        first = opener if opener is not None else first
    else:
        found = _qualifier_before(toks, first, table, floor)
        verb = _verb_before(toks, first if found is None else found[1], table)
        if found is not None and verb == "change" and _lows(toks, found[1], 1)[0] in table.to_words:
            found = None  # "замедлилась до 6,5%", "spadła do 6,5 proc.": the value reached, not a bound
        if found is not None:
            qualifier, first = found
        elif verb == "exceed" and not num.plural:
            qualifier = "more than"  # "могут превысить 1,2 млрд руб.": the verb is the qualifier, outside the span
        elif num.plural and first > floor and toks[first - 1].low in table.plural_articles:
            first -= 1  # "des milliers de personnes": the article belongs to the vague number
        if (  # Georgian "200-მდე" (up to 200)
            stop + 1 < n
            and toks[stop].text in _DASHES
            and toks[stop + 1].low in table.suffixes
            and toks[stop].start == toks[stop - 1].end
        ):
            qualifier, stop = table.suffixes[toks[stop + 1].low], stop + 2
    if (  # “hasta 9.000” efectivos: the quote closes inside the phrase
        stop < n
        and first > floor
        and toks[first - 1].text in _OPEN_QUOTES
        and toks[stop].text in _CLOSE_QUOTES
        and toks[stop].start == toks[stop - 1].end
    ):
        first, stop = first - 1, stop + 1
    unit = None
    percent = next((size for size in (2, 1) if _lows(toks, stop, size) in table.percent), 0)
    if percent:
        unit, stop = "%", stop + percent
        if stop < n and toks[stop].text == "." and toks[stop].start == toks[stop - 1].end:
            stop += toks[stop - 1].low in table.abbreviated  # "6,5 proc."
    elif currency:
        unit = toks[num.first - 1].text
    else:
        after_scale = (num.scale or num.plural) and stop < n and toks[stop].low in table.of_words
        j = stop + 1 if after_scale else stop  # "1,5 millones de personas": the thing follows "de"
        count = None if num.scale or num.plural else num.value
        end = counted_end(
            text,
            toks,
            j,
            table,
            starts_quantity=lambda k: _starts_quantity(toks, k, table),
            qualified_number_end=lambda k: _qualified_number_end(toks, k, table),
            one=count == 1 or bool(after_scale),
            few=count in (2, 3, 4),
        )
        end = stop if end == j else end
        if end > stop:
            unit, stop = text[toks[j].start : toks[end - 1].end], end
        elif num.first == first and toks[first].kind == "word" and stop < n and toks[stop].kind == "word":
            return None, num.stop  # "Два МиГ-29": a number word counts the name that follows, read no number
    if any(abs(v) >= _LIMIT for v in (value, low, high) if v is not None):
        return None, num.stop
    guess = QuantityGuess(
        value=_plain(value),
        unit=unit,
        qualifier=qualifier,
        start=toks[first].start,
        end=toks[stop - 1].end,
        low=None if low is None else _plain(low),
        high=None if high is None else _plain(high),
    )
    return guess, stop


def _looked_up(token: str) -> str:
    """The form a token is looked up in: lower case, apostrophes straightened ("п’ятдесят", "пʼятдесят")."""
    return token.lower().replace("’", "'").replace("ʼ", "'")


def _lows(toks: list[_Tok], k: int, size: int) -> tuple[str, ...]:
    """The looked-up forms of ``size`` tokens from ``k``; shorter near the end, so never a match."""
    found = tuple(t.low for t in toks[k : k + size])
    return found if len(found) == size else ()


def _plain(value: Decimal) -> int | float:
    """``int`` when integral (9000, not 9000.0), else ``float``."""
    return int(value) if value == value.to_integral_value() else float(value)
