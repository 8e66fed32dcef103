"""Numbers of a translation against its source (the engines' output guard), and folding words for name lookups."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from annot.numbers import parse_digits

__all__ = ["NumberCheck", "check_numbers", "extract_numbers", "fold_text", "fold_words"]

# A number as written in news in any of our languages: digits with optional
# group separators (, . space, no-break spaces, apostrophe) and an optional
# decimal part. Dates like 10/17/2022 yield 10, 17 and 2022.
_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+(?:[.,]\d+)?(?![\w])|(?<![\w])\d+(?:[.,]\d+)?(?![\w])"
)


def _value(token: str) -> Decimal | None:
    """The value of one written number, normalized: 9000 stays ``Decimal('9000')``, 1.50 becomes 1.5."""
    value = parse_digits(token)
    if value is None:
        return None
    try:
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    except InvalidOperation:  # more digits than the context's precision (28): the value as read
        return value


def extract_numbers(text: str) -> list[Decimal]:
    """The numbers written with digits in ``text``, as values, in order."""
    values = (_value(m.group()) for m in _NUMBER.finditer(text))
    return [v for v in values if v is not None]


@dataclass(frozen=True, slots=True)
class NumberCheck:
    """What happened to the numbers of a source sentence in its translation."""

    source: tuple[Decimal, ...]
    translation: tuple[Decimal, ...]
    missing: tuple[Decimal, ...] = field(default=())
    added: tuple[Decimal, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the translation has exactly the source's numbers."""
        return not self.missing and not self.added

    def describe(self) -> str:
        """``ok`` or e.g. ``missing 9000; added 900``."""
        if self.ok:
            return "ok"
        parts = []
        if self.missing:
            parts.append("missing " + ", ".join(format(v, "f") for v in self.missing))
        if self.added:
            parts.append("added " + ", ".join(format(v, "f") for v in self.added))
        return "; ".join(parts)


def check_numbers(source: str, translation: str) -> NumberCheck:
    """Compare the numbers of ``source`` and ``translation``, aware of locale grouping.

    ``"up to 9,000 soldiers"`` and ``"até 9.000 soldados"`` agree; so do
    ``9 000`` and ``9000``. Numbers written in words are not compared.

    Returns:
        The numbers of each side, and those missing from / added to the translation.
    """
    src, tgt = extract_numbers(source), extract_numbers(translation)
    missing = Counter(src) - Counter(tgt)
    added = Counter(tgt) - Counter(src)
    return NumberCheck(tuple(src), tuple(tgt), tuple(sorted(missing.elements())), tuple(sorted(added.elements())))


# -- names ---------------------------------------------------------------------------

# Hand-written rather than a library: folding is a few lines of unicodedata, the same
# for every name lookup (annot.names.name_key) and the annotator's search.
_WORD = re.compile(r"\w+")


def fold_text(text: str) -> str:
    """``text`` without accents (NFKD, combining marks dropped) and casefolded; nothing else changes.

    The one rule of "the same letters whatever the accents and case": names
    (``fold_words``) and the annotator's search through a document both use it.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    combining = unicodedata.combining
    # Combining marks start at U+0300: the comparison spares a lookup for most characters.
    return "".join(c for c in decomposed if c < "\u0300" or not combining(c)).casefold()


def fold_words(text: str) -> str:
    """The words of ``text`` folded with ``fold_text`` (no accents, casefolded), one space apart.

    Names are compared through it (``annot.names.name_key``).
    """
    return " ".join(_WORD.findall(fold_text(text)))
