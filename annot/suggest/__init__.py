"""Suggestions that pre-fill annotations: rule-based, offline, explainable.

One protocol (``Suggester``, ``Suggestion``: ``base``) and one registry
(``registry``: built-ins by dotted path, third parties under the
``annot.suggesters`` entry-point group). Each built-in is also a plain
function returning ``list[Suggestion]``::

    annot.suggest.actors("Minsk dijo que...", lang="es")
    annot.suggest.quantities("hasta 9.000 soldados", lang="es")
    annot.suggest.stance("Según Minsk, el despliegue es defensivo.", lang="es")

The finders behind them are modules named so that these functions never hide
them: ``actor_finder``, ``quantity_finder``, ``stance_finder``. Storing suggestions as
pending spans is ``annot.suggest_documents``. Modules here import only
``annot.errors``, ``annot.model``, ``annot.schema``, ``annot.numbers`` and ``annot.names`` (actors).
"""

from __future__ import annotations

from annot.suggest.actor_finder import ActorSuggestion, KnownActor, suggest_actors
from annot.suggest.base import Suggester, Suggestion, annotator_name
from annot.suggest.builtin import ActorSuggester, QuantitySuggester, StanceSuggester, actors, quantities, stance
from annot.suggest.quantity_finder import QUALIFIERS, QuantityGuess, find_quantities, parse_quantity
from annot.suggest.registry import get_suggester, suggester_class, suggester_names, suggesters
from annot.suggest.stance_finder import ActorRef, StanceGuess, Statement, find_statements, suggest_stance

__all__ = [
    "QUALIFIERS",
    "ActorRef",
    "ActorSuggester",
    "ActorSuggestion",
    "KnownActor",
    "QuantityGuess",
    "QuantitySuggester",
    "StanceGuess",
    "StanceSuggester",
    "Statement",
    "Suggester",
    "Suggestion",
    "actors",
    "annotator_name",
    "find_quantities",
    "find_statements",
    "get_suggester",
    "parse_quantity",
    "quantities",
    "stance",
    "suggest_actors",
    "suggest_stance",
    "suggester_class",
    "suggester_names",
    "suggesters",
]
