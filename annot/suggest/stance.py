"""Stance prefill: how a sentence presents a claim (evidence) and who holds it, from cue words.

A reporting verb ("says", "según", "заявил") makes a claim *reported*; a
hedge ("allegedly", "supuestamente", "якобы") makes it *alleged*; a quotation
of four words or more next to a reporting verb makes it *quoted*. The holder is
the tagged actor closest to the cue. This is a prefill for a person to
confirm, not a classifier: no offline library does stance evidence for these
languages, and a short cue list per language is transparent and easy to extend.
Polarity is never guessed: it needs reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

__all__ = ["ActorRef", "StanceGuess", "suggest_stance"]

# Cue phrases per language, lower case; matched on word boundaries.
_REPORTED: dict[str, tuple[str, ...]] = {
    "en": ("says", "said", "say", "reported", "reports", "according to", "announced", "announces", "stated",
           "states", "told", "tweeted", "confirmed", "declared", "added", "wrote", "described", "has described"),
    "es": ("dice", "dijo", "dicen", "según", "informó", "informa", "anunció", "declaró", "aseguró", "afirmó",
           "afirma", "confirmó", "señaló", "indicó", "ha descrito", "tuiteó"),
    "pt": ("diz", "disse", "dizem", "segundo", "informou", "anunciou", "declarou", "afirmou", "afirma",
           "confirmou", "assegurou", "indicou", "de acordo com"),
    "fr": ("dit", "a dit", "selon", "a déclaré", "a annoncé", "affirme", "a affirmé", "a indiqué", "a confirmé"),
    "de": ("sagte", "sagt", "laut", "erklärte", "teilte", "berichtete", "kündigte", "bestätigte", "zufolge"),
    "ru": ("заявил", "заявила", "заявили", "сообщил", "сообщила", "сообщили", "сказал", "сказала",
           "по словам", "по данным", "объявил", "подтвердил", "отметил"),
    "uk": ("заявив", "заявила", "повідомив", "повідомила", "сказав", "за словами", "за даними"),
}  # fmt: skip
_ALLEGED: dict[str, tuple[str, ...]] = {
    "en": ("allegedly", "alleged", "claims", "claimed", "purportedly", "purported", "supposedly", "reportedly"),
    "es": ("supuestamente", "presuntamente", "presunto", "presunta", "supuesto", "supuesta", "alegó"),
    "pt": ("supostamente", "alegadamente", "suposto", "suposta", "alegado", "alegada", "alegou"),
    "fr": ("prétendument", "présumé", "présumée", "prétendu", "prétendue", "supposément"),
    "de": ("angeblich", "angebliche", "angeblichen", "mutmaßlich", "mutmaßliche", "behauptete"),
    "ru": ("якобы", "предположительно", "предполагаемый", "предполагаемая", "будто бы"),
    "uk": ("нібито", "імовірно", "ймовірно"),
}  # fmt: skip
_QUOTE = regex.compile(r"[“«„\"]([^”»“\"]+)[”»“\"]")
_MIN_QUOTED_WORDS = 4


@dataclass(frozen=True, slots=True)
class ActorRef:
    """A tagged actor the holder can be: its span id and sentence-relative code point offsets."""

    id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class StanceGuess:
    """What the text suggests for a sentence's stance; ``None`` fields are left for the annotator."""

    evidence: str | None
    holder_span: str | None
    cue: str | None  # the phrase the guess rests on, shown to the annotator


def _cues(text: str, phrases: tuple[str, ...]) -> list[tuple[int, int, str]]:
    found = []
    for phrase in phrases:
        pattern = r"(?<!\w)" + regex.escape(phrase).replace(r"\ ", r"\s+") + r"(?!\w)"
        found += [(m.start(), m.end(), m.group()) for m in regex.finditer(pattern, text, flags=regex.IGNORECASE)]
    return sorted(found)


def suggest_stance(text: str, lang: str, actors: Sequence[ActorRef] = ()) -> StanceGuess:
    """Suggest the evidence and holder of a sentence's stance.

    Args:
        text: the sentence.
        lang: its ISO 639-1 language; languages without cue lists get no evidence guess.
        actors: the ACTOR spans tagged in the sentence (offsets relative to it).

    Returns:
        The guess; ``evidence`` is ``alleged``, ``quoted``, ``reported`` or ``None``, and
        ``holder_span`` the actor nearest to the cue (the only actor when there is no cue).
    """
    alleged = _cues(text, _ALLEGED.get(lang, ()))
    reported = _cues(text, _REPORTED.get(lang, ()))
    quoted = any(len(m.group(1).split()) >= _MIN_QUOTED_WORDS for m in _QUOTE.finditer(text))
    if alleged:
        evidence, cue = "alleged", alleged[0]
    elif reported:
        evidence, cue = ("quoted" if quoted else "reported"), reported[0]
    else:
        evidence, cue = None, None
    holder = None
    if actors and cue is not None:
        middle = (cue[0] + cue[1]) / 2
        holder = min(actors, key=lambda a: (min(abs(a.start - middle), abs(a.end - middle)), a.start)).id
    elif len(actors) == 1:
        holder = actors[0].id
    return StanceGuess(evidence=evidence, holder_span=holder, cue=cue[2] if cue else None)
