"""Reading numbers written with digits, whatever the locale's grouping ("9,000" = "9.000" = "9 000")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["GROUP_SEPARATORS", "parse_digits"]

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
