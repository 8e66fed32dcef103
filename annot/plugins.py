"""Names -> classes for annot's plugins (translation engines, suggesters): the one lookup both registries use.

A registry is a table of built-ins by dotted path (``"annot.translate.argos:ArgosEngine"``)
and an entry-point group third-party packages add to. Built-ins are imported on
first use. Each registry module keeps its own table and entry-point cache (so
tests can swap either) and asks these functions.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from importlib.metadata import entry_points

from annot.errors import AnnotError

__all__ = ["load_plugin", "plugin_names", "read_entry_points"]


def read_entry_points(group: str) -> dict[str, str]:
    """Name -> dotted path of every entry point in ``group`` (about 14 ms of package metadata: cache it)."""
    return {ep.name: ep.value for ep in entry_points(group=group)}


def plugin_names(builtins: Mapping[str, str], found: Mapping[str, str]) -> list[str]:
    """Every known name: built-ins first, in their order, then the entry points' sorted."""
    return [*builtins, *sorted(set(found) - set(builtins))]


def load_plugin(
    kind: str, name: str, builtins: Mapping[str, str], found: Mapping[str, str], error: type[AnnotError]
) -> type:
    """The class registered as ``name``, imported (not built).

    Raises:
        error: no plugin has that name: ``Unknown engine 'nope'. Known engines: argos, ...``.
    """
    target = builtins.get(name) or found.get(name)
    if target is None:
        raise error(f"Unknown {kind} {name!r}. Known {kind}s: {', '.join(plugin_names(builtins, found))}.")
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)
