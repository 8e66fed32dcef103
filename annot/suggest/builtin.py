"""The built-in suggesters, adapters over the finders: ``ActorSuggester`` and ``QuantitySuggester``.

The finders (``actor_finder``, ``quantity_finder``) import their word lists on
first call; these adapters only shape what they return into ``Suggestion``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annot.suggest.base import Suggestion

__all__ = ["QUANTITY_CONFIDENCE", "ActorSuggester", "QuantitySuggester", "actors", "quantities"]

#: The quantity finder has no per-rule confidence: this is about its measured precision
#: on 197 sentences of real articles in 9 languages (79%, issue 12), rounded.
QUANTITY_CONFIDENCE = 0.8


class ActorSuggester:
    """ACTOR spans with type and canonical name (``actor_finder.suggest_actors``).

    Args:
        ner: also run natasha's NER on Russian text (slow to load; off by default).
    """

    name = "actors"
    version = "1"
    labels = ("ACTOR",)

    def __init__(self, *, ner: bool = False) -> None:
        self.ner = ner

    def suggest(self, text: str, lang: str, *, known: Iterable[Any] = ()) -> list[Suggestion]:
        """Actor suggestions for ``text``; ``known`` are ``KnownActor`` (or ``(text, canonical, type)``)."""
        from annot.suggest.actor_finder import suggest_actors

        return [
            Suggestion(s.start, s.end, s.label, s.attrs, self.name, self.version, s.confidence, s.text)
            for s in suggest_actors(text, lang, known=known, ner=self.ner)
        ]


class QuantitySuggester:
    """QUANTITY spans with value, unit, qualifier and low/high for ranges (``quantity_finder.find_quantities``)."""

    name = "quantities"
    version = "1"
    labels = ("QUANTITY",)

    def suggest(self, text: str, lang: str, *, known: Iterable[Any] = ()) -> list[Suggestion]:
        """Quantity suggestions for ``text``; ``known`` is ignored."""
        from annot.suggest.quantity_finder import find_quantities

        return [
            Suggestion(g.start, g.end, "QUANTITY", g.to_attrs(), self.name, self.version, QUANTITY_CONFIDENCE,
                       text[g.start : g.end])
            for g in find_quantities(text, lang)
        ]  # fmt: skip


def actors(text: str, lang: str = "en", *, known: Iterable[Any] = ()) -> list[Suggestion]:
    """Suggest the actors of ``text``: ``annot.suggest.actors("Minsk dijo...", lang="es")``.

    Args:
        text: a sentence (or a short text); offsets are relative to it.
        lang: its ISO 639-1 code.
        known: the project's accepted actors (``KnownActor`` or ``(text, canonical, type)``).

    Returns:
        ACTOR suggestions in text order, none overlapping.

    Raises:
        SpanError: a known actor has an unknown type.
    """
    return ActorSuggester().suggest(text, lang, known=known)


def quantities(text: str, lang: str = "en") -> list[Suggestion]:
    """Suggest the quantities of ``text``: ``annot.suggest.quantities("hasta 9.000 soldados", lang="es")``.

    Args:
        text: a sentence (or any text); offsets are relative to it.
        lang: its ISO 639-1 code.

    Returns:
        QUANTITY suggestions in text order, none overlapping; dates and years left out.
    """
    return QuantitySuggester().suggest(text, lang)
