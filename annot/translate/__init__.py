"""Stage "sentences -> translations": engines behind one protocol, pivots, fidelity checks.

Engines load on first use (``get_engine("argos")``), so importing this package
never loads CTranslate2 or starts Apertium.
"""

from __future__ import annotations

from annot.translate.base import BaseEngine, Engine, Model, format_pairs, split_long
from annot.translate.checks import NumberCheck, check_numbers, extract_numbers
from annot.translate.pivot import PivotEngine, Route, find_route
from annot.translate.registry import BUILTIN_ENGINES, engine_names, get_engine, installed_engines

__all__ = [
    "BUILTIN_ENGINES",
    "BaseEngine",
    "Engine",
    "Model",
    "NumberCheck",
    "PivotEngine",
    "Route",
    "check_numbers",
    "engine_names",
    "extract_numbers",
    "find_route",
    "format_pairs",
    "get_engine",
    "installed_engines",
    "split_long",
]
