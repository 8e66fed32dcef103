"""The built-in suggesters, adapters over the finders: ``ActorSuggester``, ``QuantitySuggester``, ``StanceSuggester``.

The finders (``actor_finder``, ``quantity_finder``, ``stance_finder``) import their word
lists on first call; these adapters only shape what they return into ``Suggestion``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from annot.suggest.base import Suggestion

if TYPE_CHECKING:
    from annot.schema import StanceCues

__all__ = [
    "QUANTITY_CONFIDENCE",
    "ActorSuggester",
    "QuantitySuggester",
    "StanceSuggester",
    "actors",
    "quantities",
    "stance",
]

#: The quantity finder has no per-rule confidence: this is about its measured precision
#: on 197 sentences of real articles in 9 languages (79%, issue 12), rounded.
QUANTITY_CONFIDENCE = 0.8


class ActorSuggester:
    """ACTOR spans with type and canonical name (``actor_finder.suggest_actors``).

    Args:
        ner: also run natasha's NER on Russian text (slow to load; off by default).
    """

    name = "actors"
    version = "2"  # 2: real-news rules (places, datelines, lone surnames), December 2026
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
    version = "2"  # 2: the counted noun phrase by each language's structure, December 2026
    labels = ("QUANTITY",)

    def suggest(self, text: str, lang: str, *, known: Iterable[Any] = ()) -> list[Suggestion]:
        """Quantity suggestions for ``text``; ``known`` is ignored."""
        from annot.suggest.quantity_finder import find_quantities

        return [
            Suggestion(g.start, g.end, "QUANTITY", g.to_attrs(), self.name, self.version, QUANTITY_CONFIDENCE,
                       text[g.start : g.end])
            for g in find_quantities(text, lang)
        ]  # fmt: skip


class StanceSuggester:
    """STANCE spans, one per attributed statement, with evidence and holder (``stance_finder.find_statements``).

    A sentence with one statement gets a STANCE over all of it, as the annotator's
    session makes them; two statements split it at a clause break. ``known`` holds
    the actors that can hold a statement (``ActorRef`` with the stored span id, which
    becomes ``holder_span``; or ``Suggestion``), and may hold the project's cue
    phrases (a ``StanceCues``, ``store.schema.stance_cues(lang)``). With no actor
    given, the actor suggester is run over the sentence and the holder is text only.
    """

    name = "stance"
    version = "1"
    labels = ("STANCE",)

    def suggest(self, text: str, lang: str, *, known: Iterable[Any] = ()) -> list[Suggestion]:
        """Stance suggestions for ``text``; ``known``: actors and optionally a ``StanceCues``."""
        from annot.schema import StanceCues
        from annot.suggest.stance_finder import find_statements

        given = list(known)
        cues = next((k for k in given if isinstance(k, StanceCues)), None)
        actor_list = [k for k in given if not isinstance(k, StanceCues)]
        out = []
        for s in find_statements(text, lang, actor_list or None, cues):
            attrs = {"evidence": s.evidence, "holder": s.holder or None}
            if s.holder_actor is not None and s.holder_actor.id:
                attrs["holder_span"] = s.holder_actor.id
            attrs = {k: v for k, v in attrs.items() if v is not None}
            out.append(Suggestion(s.start, s.end, "STANCE", attrs, self.name, self.version, s.confidence,
                                  text[s.start : s.end]))  # fmt: skip
        return out


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


def stance(
    text: str, lang: str = "en", *, actors: Iterable[Any] = (), cues: StanceCues | None = None
) -> list[Suggestion]:
    """Suggest a STANCE per attributed statement of ``text``: ``annot.suggest.stance("Según Minsk...", lang="es")``.

    Args:
        text: a sentence (or a short text); offsets are relative to it.
        lang: its ISO 639-1 code; en, es, pt, fr, de, it, ru, uk, pl and cs have cue lists.
        actors: the actors that can hold a statement: ``ActorRef`` (a stored span id becomes
            ``holder_span``) or ACTOR ``Suggestion``; none runs ``actors(text, lang)``.
        cues: the cue phrases (``load_schema(path).stance_cues(lang)`` for a project's); ``None``
            for the default schema's.

    Returns:
        STANCE suggestions in text order, one per statement, with ``evidence`` (reported,
        alleged, quoted), ``holder`` and ``holder_span`` when known, and the rule's confidence.
    """
    return StanceSuggester().suggest(text, lang, known=[*actors, *([cues] if cues is not None else [])])
