"""Suggester names -> suggester classes: built-ins by dotted path, third parties by entry point.

Built-ins are imported on first use. A package adds a suggester (a class
following ``annot.suggest.base.Suggester``, built without arguments) with::

    [project.entry-points."annot.suggesters"]
    mysuggester = "mypackage.suggest:MySuggester"
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from annot.errors import SuggesterError
from annot.plugins import load_plugin, plugin_names, read_entry_points

if TYPE_CHECKING:
    from annot.suggest.base import Suggester

__all__ = [
    "BUILTIN_SUGGESTERS",
    "ENTRY_POINT_GROUP",
    "get_suggester",
    "suggester_class",
    "suggester_names",
    "suggesters",
]

BUILTIN_SUGGESTERS: dict[str, str] = {
    "actors": "annot.suggest.builtin:ActorSuggester",
    "quantities": "annot.suggest.builtin:QuantitySuggester",
    "stance": "annot.suggest.builtin:StanceSuggester",
}
ENTRY_POINT_GROUP = "annot.suggesters"


@cache
def _entry_points() -> dict[str, str]:
    # Read once per process, as the engines' registry does.
    return read_entry_points(ENTRY_POINT_GROUP)


def suggester_names() -> list[str]:
    """Every known suggester name: built-ins first, then entry points."""
    return plugin_names(BUILTIN_SUGGESTERS, _entry_points())


def suggester_class(name: str) -> type[Suggester]:
    """The class of the suggester called ``name``, imported.

    Raises:
        SuggesterError: no suggester has that name (the message lists the known ones).
    """
    return load_plugin("suggester", name, BUILTIN_SUGGESTERS, _entry_points(), SuggesterError)


@cache
def get_suggester(name: str) -> Suggester:
    """The suggester called ``name`` (one shared instance per process).

    Raises:
        SuggesterError: no suggester has that name (the message lists the known ones).
    """
    return suggester_class(name)()


def suggesters(names: Sequence[str] | str | None = None) -> list[Suggester]:
    """The suggesters called ``names`` (a list, or ``"actors,quantities"``), or every known one, in that order.

    Raises:
        SuggesterError: a name no suggester has; every name is checked before any is built.
    """
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    wanted = suggester_names() if names is None else list(dict.fromkeys(names))
    for name in wanted:
        suggester_class(name)
    return [get_suggester(name) for name in wanted]
