"""The hop search behind route choice: the first path, by the rule of ``annot.translate.routes``, over pairs.

Pure and cached: it sees engines only as names with their pairs, so the same
question about the same installed pairs is answered once per process (the MT
pane asks on every move), and installing a pair gives a fresh answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import product

__all__ = ["MAX_HOPS", "Installed", "PathKey", "find_path", "pivot_order"]

#: Hops of the longest route: a source, up to two intermediate languages, the target (it>es>pt>en).
MAX_HOPS = 3

#: The installed engines as the search sees them: (engine name, its sorted pairs) per engine.
Installed = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
#: A path found: (engine name, source, target) per hop.
PathKey = tuple[tuple[str, str, str], ...]

# Intermediate languages are tried English first, then Spanish and Portuguese (the targets annot
# serves, whose pairs are the most developed: it>es>en rather than it>ca>en), then alphabetically.
_FIRST_PIVOTS = ("en", "es", "pt")


def pivot_order(lang: str) -> tuple[int, str]:
    """The sort key of an intermediate language: en, es, pt, then alphabetically."""
    return (_FIRST_PIVOTS.index(lang) if lang in _FIRST_PIVOTS else len(_FIRST_PIVOTS), lang)


@cache
def _graph(pairs: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    """source -> the targets of ``pairs``, in pivot order."""
    out: dict[str, list[str]] = {}
    for source, target in pairs:
        if source != target:
            out.setdefault(source, []).append(target)
    return {source: tuple(sorted(set(targets), key=pivot_order)) for source, targets in out.items()}


@cache
def _assignments(crew: int, hops: int) -> tuple[tuple[int, ...], ...]:
    """Which engine does each hop (0 the route's engine, 1.. its helpers in order), best first.

    The engine takes part in every route; fewer helper hops first, then the
    engine (then the helpers in order) on earlier hops: for two hops that is
    the engine alone, engine then a helper, a helper then the engine.
    """
    found = [a for a in product(range(crew), repeat=hops) if 0 in a]
    return tuple(sorted(found, key=lambda a: (sum(1 for i in a if i), a)))


def _walk(graphs: list[dict[str, tuple[str, ...]]], source: str, target: str) -> PathKey | None:
    """The first path taking hop i with ``graphs[i]`` from ``source`` to ``target`` (pivots in pivot order)."""

    def go(i: int, lang: str, seen: frozenset[str]) -> Iterator[list[tuple[str, str]]]:
        if i == len(graphs) - 1:
            if target in graphs[i].get(lang, ()):
                yield [(lang, target)]
            return
        for via in graphs[i].get(lang, ()):
            if via not in seen and via != target:
                for rest in go(i + 1, via, seen | {via}):
                    yield [(lang, via), *rest]

    first = next(go(0, source, frozenset({source})), None)
    return None if first is None else tuple(("", s, t) for s, t in first)


@lru_cache(maxsize=65_536)
def find_path(
    installed: Installed, engine: str, helpers: tuple[str, ...], source: str, target: str, *, pivot: bool
) -> PathKey | None:
    """The hops ``engine`` takes from ``source`` to ``target``, helped by ``helpers`` (rule: annot.translate.routes).

    Fewest hops first (at most ``MAX_HOPS``); among routes of as many hops,
    the order of ``_assignments``, then intermediate languages in
    ``pivot_order`` (the first one's first). A route visits a language once.

    Args:
        installed: every installed engine's name and pairs (the cache key, and what is searched).
        engine: the engine the route belongs to.
        helpers: the engines that may do the other hops, in order of preference.
        source: ISO 639-1 code translated from.
        target: ISO 639-1 code translated into.
        pivot: ``False`` for the engine's direct pair only.

    Returns:
        (engine name, source, target) per hop, or None when no route is that short.
    """
    pairs = dict(installed)
    own = pairs.get(engine, ())
    if (source, target) in own and source != target:
        return ((engine, source, target),)
    if not pivot:
        return None
    crew = [engine, *(h for h in dict.fromkeys(helpers) if h != engine and h in pairs)]
    graphs = [_graph(pairs.get(name, ())) for name in crew]
    for hops in range(2, MAX_HOPS + 1):
        for assignment in _assignments(len(crew), hops):
            found = _walk([graphs[i] for i in assignment], source, target)
            if found is not None:
                return tuple((crew[i], s, t) for i, (_, s, t) in zip(assignment, found))
    return None
