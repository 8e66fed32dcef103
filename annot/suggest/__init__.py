"""Suggestions that pre-fill annotations: rule-based, offline, explainable.

Each module reads text into guesses of one label's attributes, with offsets of
the phrase it read; the annotation session turns accepted guesses into spans.
Modules here import only ``annot.errors``, ``annot.model``, ``annot.schema`` and ``annot.names`` (actors).
"""

from __future__ import annotations

from annot.suggest.actor_finder import ActorSuggestion, KnownActor, suggest_actors
from annot.suggest.quantities import QUALIFIERS, QuantityGuess, find_quantities, parse_quantity
from annot.suggest.stance import ActorRef, StanceGuess, suggest_stance

__all__ = [
    "ActorRef",
    "ActorSuggestion",
    "KnownActor",
    "QUALIFIERS",
    "QuantityGuess",
    "StanceGuess",
    "find_quantities",
    "parse_quantity",
    "suggest_actors",
    "suggest_stance",
]
