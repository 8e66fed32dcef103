"""Numbers written with digits: read whatever the locale ("9,000" = "9.000"), and how each language writes them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

__all__ = [
    "DIGIT_GROUP",
    "GROUP_SEPARATORS",
    "date_order",
    "digit_style",
    "iter_digit_groups",
    "language_name",
    "number_symbols",
    "parse_digits",
    "read_date",
]

#: Characters that group thousands in the languages annot reads: comma, dot,
#: no-break and narrow no-break spaces, apostrophe (Swiss) and plain space.
GROUP_SEPARATORS = ",.\u00a0\u202f' "
_SEPARATOR = re.compile(r"([,.\u00a0\u202f' ])")


def parse_digits(token: str) -> Decimal | None:
    """The value of one written number such as ``9,000``, ``9.000``, ``1,5`` or ``1.234,56``.

    Hand-written because Babel and friends parse one *known* locale, while
    news text and machine translations mix conventions (Apertium keeps English
    "9,000" in Spanish). Rule: separators followed by exactly three digits,
    repeated, are grouping ("9,000", "9.000", "9 000" are all 9000); a last
    ``,`` or ``.`` followed by one, two or four+ digits is the decimal point
    ("1,5" and "1.5" are 1.5; "1.234,56" is 1234.56).

    Returns:
        The value as written (not normalized), or ``None`` if ``token`` is not digits and separators.
    """
    parts = _SEPARATOR.split(token)
    digits, seps = parts[0::2], parts[1::2]
    if len(digits) > 2 or (len(digits) == 2 and len(digits[1]) == 3):
        # Grouped; a final piece of another length after , or . is the decimal part.
        if len(digits[-1]) != 3 and seps[-1] in ",.":
            whole, decimals = "".join(digits[:-1]), digits[-1]
        else:
            whole, decimals = "".join(digits), ""
    elif len(digits) == 2:
        whole, decimals = digits
    else:
        whole, decimals = digits[0], ""
    try:
        return Decimal(f"{whole}.{decimals}" if decimals else whole)
    except InvalidOperation:
        return None


# -- how a language writes digits ------------------------------------------------------

#: A run of digits and the separators numbers and dates are written with: "9,000",
#: "1.234,56", "9 000" (a plain space only before exactly three digits), "10/17/2022",
#: "17.10.2022", "2022-10-17". A trailing full stop is the sentence's, not the number's.
DIGIT_GROUP = re.compile(r"(?<![\w.,/-])\d+(?:(?:[,.\u00a0\u202f'/-]| (?=\d{3}(?!\d)))\d+)*(?![\w])")
_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")


def iter_digit_groups(text: str) -> Iterator[tuple[int, int, str]]:
    """The digit groups of ``text`` (``DIGIT_GROUP``) as ``(start, end, token)``, code points, in order."""
    for m in DIGIT_GROUP.finditer(text):
        yield m.start(), m.end(), m.group()


@cache
def _locale(lang: str) -> Locale | None:
    """The CLDR locale of ``lang`` ("es", "pt_BR", "pt-PT"), or ``None`` for a code CLDR does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


@cache
def number_symbols(lang: str) -> tuple[str, str] | None:
    """``(decimal sign, group sign)`` of ``lang``'s CLDR locale: ``(",", ".")`` for "es", ``(".", ",")`` for "en"."""
    locale = _locale(lang)
    if locale is None:
        return None
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(locale), get_group_symbol(locale)


@cache
def date_order(lang: str) -> str | None:
    """The order of day, month and year in ``lang``'s short dates: ``"dmy"``, ``"mdy"`` or ``"ymd"``.

    Read from the CLDR locale ``lang`` names: "en" is CLDR's English, the US
    (``"mdy"``); "en_GB", "es", "pt" write ``"dmy"``. ``None`` for an unknown code.
    """
    locale = _locale(lang)
    if locale is None:
        return None
    pattern = locale.date_formats["short"].pattern
    order = "".join(dict.fromkeys(c.lower() for c in pattern if c in "dMy"))
    return order if sorted(order) == ["d", "m", "y"] else None


def read_date(token: str, order: str) -> tuple[int, int, int] | None:
    """``(year, month, day)`` of a numeric date such as ``10/17/2022``, read in ``order`` ("dmy" or "mdy").

    When the token cannot be a date in ``order`` (a month above 12) it is read in
    the other order, because a date kept from another locale is still that date.
    Two-digit years are 2000 + year. ``None`` when the token is no day-month-year date.
    """
    m = _DATE.fullmatch(token)
    if m is None:
        return None
    first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    year += 2000 if len(m.group(4)) == 2 else 0
    day, month = (first, second) if order == "dmy" else (second, first)
    if month > 12 >= day:
        day, month = month, day
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return year, month, day


@cache
def language_name(lang: str) -> str:
    """``lang`` as users read it in annot's messages, in English from CLDR: "Spanish", "Portuguese (Brazil)".

    Here because number messages were its first users; the code itself for a code CLDR does not know.
    """
    locale = _locale(lang)
    return (locale.get_display_name("en") if locale else None) or lang


def digit_style(token: str, lang: str) -> str | None:
    """What a reader of ``lang`` gets wrong in ``token``, one digit group, or ``None`` when it reads right.

    Two problems, both from CLDR's data for ``lang`` (Babel):

    - a grouping separator that is ``lang``'s decimal sign: ``"9,000"`` in Spanish,
      Portuguese, French, German or Russian reads as nine, ``"9.000"`` in English
      too. A group of three digits after a first part starting with 0 ("0,125") is
      a decimal and passes.
    - a month/day date in a language that writes day/month (or the reverse),
      when the numbers show it: ``"10/17/2022"`` in Spanish (17 is no month).
      "10/11/2022" cannot tell; ``annot.project.dates.time_changes`` checks it
      against the source.

    Args:
        token: one digit group (``iter_digit_groups``).
        lang: the language or CLDR locale of the text (``"es"``, ``"pt_BR"``).

    Returns:
        One line for a reader, e.g. ``"9,000" reads as 9 in Spanish: write 9.000``; ``None``
        when the token reads right, is not a number or date, or ``lang`` is unknown to CLDR.
    """
    symbols, order = number_symbols(lang), date_order(lang)
    if symbols is None or order is None:
        return None
    name = language_name(lang)
    date = _DATE.fullmatch(token)
    if date is not None:
        first, second = int(date.group(1)), int(date.group(3))
        written = "dmy" if first > 12 >= second else "mdy" if second > 12 >= first else None
        if written is None or written == order or order == "ymd":
            return None
        fixed = f"{second}{date.group(2)}{first}{date.group(2)}{date.group(4)}"
        said = "month/day" if written == "mdy" else "day/month"
        return f'"{token}" is written {said}: in {name} write {fixed}'
    decimal, _group = symbols
    parts = _SEPARATOR.split(token)
    digits, seps = parts[0::2], parts[1::2]
    grouped = len(digits) > 1 and all(len(d) == 3 for d in digits[1:]) and len(digits[0]) <= 3
    if not grouped or digits[0].startswith("0") or set(seps) != {decimal}:
        return None
    value = parse_digits(token)
    if value is None:
        return None
    from babel.numbers import format_decimal

    locale = _locale(lang)
    if len(seps) == 1:
        return f'"{token}" reads as {digits[0]} in {name}: write {format_decimal(value, locale=locale)}'
    return f'"{token}" is no number in {name}: write {format_decimal(value, locale=locale)}'
