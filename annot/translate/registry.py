"""Engine names -> engine classes: built-ins by dotted path, third parties by entry point.

Built-ins are imported on first use, so ``import annot`` never loads
CTranslate2 or starts a process. A package adds an engine with::

    [project.entry-points."annot.engines"]
    myengine = "mypackage.engine:MyEngine"
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from annot.errors import EngineError, EngineNotInstalled
from annot.plugins import load_plugin, plugin_names, read_entry_points

if TYPE_CHECKING:
    from annot.translate.base import Engine

__all__ = ["BUILTIN_ENGINES", "engine_class", "engine_names", "get_engine", "installed_engines"]

BUILTIN_ENGINES: dict[str, str] = {
    "argos": "annot.translate.argos:ArgosEngine",
    "bergamot": "annot.translate.bergamot:BergamotEngine",
    "opus": "annot.translate.opus:OpusEngine",
    "apertium": "annot.translate.apertium:ApertiumEngine",
}
ENTRY_POINT_GROUP = "annot.engines"


@cache
def _entry_points() -> dict[str, str]:
    # Read once per process (~14 ms of package metadata each time otherwise, on every widget
    # opened): an engine package installed later shows after restarting the kernel.
    return read_entry_points(ENTRY_POINT_GROUP)


def engine_names() -> list[str]:
    """Every known engine name: built-ins first, then entry points."""
    return plugin_names(BUILTIN_ENGINES, _entry_points())


def engine_class(name: str) -> type[Engine]:
    """The class of the engine called ``name``, imported but not started (its backend may be missing).

    Raises:
        EngineError: no engine has that name (the message lists the known ones).
    """
    return load_plugin("engine", name, BUILTIN_ENGINES, _entry_points(), EngineError)


@cache
def get_engine(name: str) -> Engine:
    """The engine called ``name`` (one shared instance per process).

    Raises:
        EngineError: no engine has that name (the message lists the known ones).
        EngineNotInstalled: the engine's backend is missing (raised by the engine).
    """
    return engine_class(name)()


def installed_engines(names: Sequence[str] | None = None) -> list[Engine]:
    """The engines (of ``names``, or all known ones) whose backend is installed, in that order.

    Raises:
        EngineError: a name no engine has.
    """
    found = []
    for name in engine_names() if names is None else names:
        try:
            found.append(get_engine(name))
        except EngineNotInstalled:
            continue
    return found
