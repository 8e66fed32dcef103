"""Stage "sentences -> translations": engines behind one protocol, routes and pivots, fidelity checks.

Engines load on first use (``get_engine("argos")``), so importing this package
never loads CTranslate2 or starts Apertium. Which engine and route serve a pair,
and how routes are named, is decided in ``annot.translate.routes`` only.
"""

from __future__ import annotations

from annot.translate.base import ENGINE_KINDS, BaseEngine, Engine, Model, engine_kind, format_pairs, split_long
from annot.translate.checks import NumberCheck, check_numbers, extract_numbers
from annot.translate.registry import BUILTIN_ENGINES, engine_names, get_engine, installed_engines
from annot.translate.routes import (
    COVERAGE_TARGETS,
    Hop,
    Route,
    RouteName,
    Routes,
    base_engine,
    best_route,
    choose_route,
    coverage,
    format_route_name,
    newest_by_route,
    no_route_hint,
    parse_route_name,
    preferred_engines,
    rank_engines,
    reachable,
    route_kind,
    routes_for,
    stored_route_name,
    tied_routes,
    unreachable_error,
)

__all__ = [
    "BUILTIN_ENGINES",
    "BaseEngine",
    "COVERAGE_TARGETS",
    "ENGINE_KINDS",
    "Engine",
    "Hop",
    "Model",
    "NumberCheck",
    "Route",
    "RouteName",
    "Routes",
    "base_engine",
    "best_route",
    "check_numbers",
    "choose_route",
    "coverage",
    "engine_kind",
    "engine_names",
    "extract_numbers",
    "format_pairs",
    "format_route_name",
    "get_engine",
    "installed_engines",
    "newest_by_route",
    "no_route_hint",
    "parse_route_name",
    "preferred_engines",
    "rank_engines",
    "reachable",
    "route_kind",
    "routes_for",
    "split_long",
    "stored_route_name",
    "tied_routes",
    "unreachable_error",
]
