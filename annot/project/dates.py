"""Weekdays, months, dates and numbers a translation loses or adds, read from its own text and its source's.

- ``time_changes``: a weekday, month or date of the source with no counterpart
  in the target ("time lost"), or one the target invents ("added"), by CLDR's
  day and month names (Babel); a date kept in the source's order where both
  orders read is "number style";
- ``added_numbers``: a number the target has and the source not (values read by
  ``annot.translate.checks.extract_numbers``, the rule of ``check_numbers``).

Offsets are code points in the target text, half-open; each returns
``annot.project.detect.Finding``s in text order.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import NamedTuple

import regex

from annot.numbers import date_order, iter_digit_groups, language_name, read_date
from annot.project.detect import WORD, Finding, base_lang
from annot.translate.checks import extract_numbers, fold_text

__all__ = ["added_numbers", "time_changes", "time_names"]


# -- time -------------------------------------------------------------------------------


@cache
def time_names(lang: str) -> tuple[dict[str, tuple[str, int]], tuple[tuple[str, str, int], ...], bool]:
    """CLDR's wide weekday and month names of ``lang``, folded: exact names, stems of inflected ones, case.

    Returns ``(names, stems, capitalised)``: folded name -> ("weekday" 0-6 | "month" 1-12);
    for a language whose month names inflect (CLDR's format and stand-alone forms differ:
    ru "октября"/"октябрь", pl "października"/"październik"), ``(stem, kind, index)`` so that
    other cases match ("в субботу", "в октябре"); and whether the names are capitalised
    (en, de), in which case a lower-case word is no name ("may"). Nothing for a code CLDR does not know.
    """
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_day_names, get_month_names

    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return {}, (), False

    names: dict[str, tuple[str, int]] = {}
    written = []
    for context in ("format", "stand-alone"):
        for index, name in get_day_names("wide", context, lang).items():
            names[fold_text(name)] = ("weekday", index)
            written.append(name)
        months = get_month_names("wide", context, lang)
        for index, name in months.items():
            names[fold_text(name)] = ("month", index)
            written.append(name)
    formats, alone = get_month_names("wide", "format", lang), get_month_names("wide", "stand-alone", lang)
    stems = []
    if any(formats[i] != alone[i] for i in formats):
        for name, (kind, index) in names.items():
            # The case ending is the final vowels (and soft sign); a stem under 5 letters would
            # match other words (ru "сред-" of "среда" is in "среди"), so short names match as written.
            stem = regex.sub(r"[aeiouyąęóаеёиоуыэюяіїєьй]+$", "", name)
            if len(stem) >= 5:
                stems.append((stem, kind, index))
    capitalised = all(w[:1].isupper() for w in written)
    return names, tuple(stems), capitalised


# The longest ending after a stem: case endings and adjectives ("в октябре", "февральского нападения").
_ENDING = 6


class _Mention(NamedTuple):
    """A weekday, month or numeric date in a text."""

    kind: str  # "weekday" | "month" | "date"
    key: int | tuple[int, int, int]  # weekday 0-6 (Monday 0), month 1-12, (year, month, day)
    start: int
    end: int
    text: str

    @property
    def month(self) -> int | None:
        if self.kind == "weekday":
            return None
        return self.key[1] if isinstance(self.key, tuple) else self.key

    def describe(self) -> str:
        return f'{self.kind} "{self.text}"'


def _mentions(text: str, lang: str) -> list[_Mention]:
    """The weekdays, months and numeric dates of ``text``, in order."""
    found: list[_Mention] = []
    names, stems, capitalised = time_names(lang)
    for m in WORD.finditer(text):
        word = m.group()
        if capitalised and not word[:1].isupper():
            continue
        folded = fold_text(word)
        hit = names.get(folded)
        if hit is None:
            hit = next((
                (k, i) for s, k, i in stems if folded.startswith(s) and len(folded) - len(s) <= _ENDING
            ), None)  # fmt: skip
        if hit is not None:
            found.append(_Mention(hit[0], hit[1], m.start(), m.end(), word))
    order = date_order(lang) or "dmy"
    for start, end, token in iter_digit_groups(text):
        date = read_date(token, order)
        if date is not None:
            found.append(_Mention("date", date, start, end, token))
    return sorted(found, key=lambda m: m.start)


def _pair(source: list[_Mention], target: list[_Mention]) -> tuple[list[_Mention], list[_Mention]]:
    """Pair source and target mentions, consuming each once; the unpaired of each side.

    First a date kept as written (the same date, whatever order each language reads),
    then the same weekday, month or date, then a numeric date with its month's name.
    """

    def kept(a: _Mention, b: _Mention) -> bool:
        return a.kind == b.kind == "date" and a.text == b.text

    def same(a: _Mention, b: _Mention) -> bool:
        return a.kind == b.kind and a.key == b.key

    def same_month(a: _Mention, b: _Mention) -> bool:
        return {a.kind, b.kind} == {"date", "month"} and a.month == b.month

    left, right = list(source), list(target)
    for match in (kept, same, same_month):
        for a in list(left):
            b = next((b for b in right if match(a, b)), None)
            if b is not None:
                left.remove(a)
                right.remove(b)
    return left, right


def _swapped(token: str) -> str:
    """``token``, a numeric date, with its first two numbers swapped: 10/11/2022 -> 11/10/2022."""
    first, sep, rest = regex.split(r"([/.-])", token, maxsplit=1)
    second, _, year = rest.partition(sep)
    return f"{second}{sep}{first}{sep}{year}"


def time_changes(source: str, source_lang: str, target: str, target_lang: str) -> list[Finding]:
    """Weekdays, months and dates of ``source`` lost in ``target``, and those ``target`` adds.

    Names come from CLDR (Babel's wide day and month names, both contexts), so every
    language CLDR knows is read; in languages whose names inflect (ru, uk, pl...)
    other cases match by stem ("в субботу"). A numeric date matches the same date
    in any order, or its month's name ("10/17/2022" and "17 de octubre").

    A date both orders can read ("10/11/2022") written as in the source although the
    two languages order dates differently is also flagged here, as ``"number style"``
    (``number_style`` flags the unambiguous ones from the target alone).

    Returns:
        ``"time lost"`` findings (offsets ``None``, ``source_text`` the source's word),
        ``"added"`` ones (at the target's word), ``"number style"`` ones; lost first.
    """
    src_lang, tgt_lang = base_lang(source_lang), base_lang(target_lang)
    lost, added = _pair(_mentions(source, src_lang), _mentions(target, tgt_lang))
    found = [Finding("time lost", None, None, "", f"{m.describe()} lost", source_text=m.text) for m in lost]
    found += [Finding("added", m.start, m.end, m.text, f"{m.describe()} added: the source has none") for m in added]
    src_order, tgt_order = date_order(source_lang), date_order(target_lang)
    if src_order and tgt_order and src_order != tgt_order:
        kept = {token for _s, _e, token in iter_digit_groups(source)}
        for start, end, token in iter_digit_groups(target):
            either = read_date(token, "dmy"), read_date(token, "mdy")
            if token in kept and None not in either and either[0] != either[1]:
                detail = (
                    f'date "{token}" kept in {language_name(source_lang)} order: '
                    f"in {language_name(target_lang)} write {_swapped(token)}"
                )
                found.append(Finding("number style", start, end, token, detail, source_text=token))
    return found


# -- numbers ----------------------------------------------------------------------------


def _numbers(text: str) -> list[tuple[int, int, str, list[Decimal]]]:
    """The digit groups of ``text`` with their values: a date's day, month and year, else ``extract_numbers``'s."""
    found = []
    for start, end, token in iter_digit_groups(text):
        date = read_date(token, "dmy")  # the order does not matter: the three values are compared as a bag
        try:
            values = [Decimal(v) for v in date] if date else extract_numbers(token)
        except InvalidOperation:  # checks' rounding overflows past 28 digits: no quantity of news
            values = []
        found.append((start, end, token, values))
    return found


def added_numbers(source: str, target: str) -> list[Finding]:
    """Numbers ``target`` has that ``source`` does not, by value.

    Values are read by ``annot.translate.checks.extract_numbers``, the rule of
    ``check_numbers``, locale grouping aside ("9,000" and "9.000" agree), from
    each digit group; a numeric date counts as its day, month and year, so that
    "10/17/2022" and "17.10.2022" agree (read whole, "17.10" would be 17.1).
    Each added value is placed at the first digit group of the target that
    carries it and is not yet taken.

    Returns:
        One ``"added"`` ``Finding`` per added number, at its digit group.
    """
    target_numbers = _numbers(target)
    extra = Counter(v for *_, values in target_numbers for v in values)
    extra -= Counter(v for *_, values in _numbers(source) for v in values)
    found = []
    for start, end, token, values in target_numbers:
        for value in values:
            if extra[value] > 0:
                extra[value] -= 1
                detail = f'number "{token}" added: the source has no {format(value, "f")}'
                found.append(Finding("added", start, end, token, detail))
                break
    return found
