"""Chaining two engines through a third language, and choosing a route for a pair."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annot.errors import ModelNotInstalled
from annot.translate.base import Engine, Model, format_pairs

__all__ = ["PivotEngine", "Route", "find_route"]


class PivotEngine:
    """``first`` from ``source`` to ``via``, then ``second`` from ``via`` to ``target``.

    A wrapper around any two engines (the same one twice, as Apertium en->es->pt,
    or two, as bergamot pt->en then Apertium en->es); its signature joins both
    hops' signatures, so a pivot translation is never mistaken for a direct one.
    """

    def __init__(self, first: Engine, second: Engine, source: str, via: str, target: str) -> None:
        self.first, self.second = first, second
        self.source, self.via, self.target = source, via, target
        self.name = first.name if first.name == second.name else f"{first.name}+{second.name}"

    def __repr__(self) -> str:
        return f"PivotEngine({self.first.name}:{self.source}->{self.via}, {self.second.name}:{self.via}->{self.target})"

    def pairs(self) -> list[tuple[str, str]]:
        """The one pair this pivot covers."""
        return [(self.source, self.target)]

    def _check(self, source: str, target: str) -> None:
        if (source, target) != (self.source, self.target):
            raise ModelNotInstalled(f"This pivot translates {self.source}->{self.target}, not {source}->{target}.")

    def model(self, source: str, target: str) -> Model:
        """Both hops' models, joined with ``>``."""
        self._check(source, target)
        one, two = self.first.model(source, self.via), self.second.model(self.via, target)
        return Model(f"{one.name}>{two.name}", f"{one.version}>{two.version}")

    def signature(self, source: str, target: str) -> str:
        """``pivot(<first signature> > <second signature>)``."""
        self._check(source, target)
        return f"pivot({self.first.signature(source, self.via)} > {self.second.signature(self.via, target)})"

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Translate through ``via``; one output per input."""
        self._check(source, target)
        middle = self.first.translate(texts, source=source, target=self.via)
        return self.second.translate(middle, source=self.via, target=target)


@dataclass(frozen=True, slots=True)
class Route:
    """How an engine gets from ``source`` to ``target``: directly, or through ``via``."""

    engine: Engine
    source: str
    target: str
    via: str | None = None

    @property
    def path(self) -> str:
        """``en>pt`` or ``en>es>pt``."""
        return ">".join(lang for lang in (self.source, self.via, self.target) if lang)


def find_route(engine: Engine, source: str, target: str, helpers: Sequence[Engine] = ()) -> Route:
    """The route ``engine`` takes from ``source`` to ``target``.

    Direct when the engine has the pair; otherwise through one pivot language,
    preferring the engine for both hops (Apertium en->es->pt), then the engine
    for the first hop and a helper for the second, then a helper for the
    first; pivots through English come first, then the others alphabetically.

    Raises:
        ModelNotInstalled: no direct pair and no two-hop route (lists the pairs).
    """
    own = set(engine.pairs())
    if (source, target) in own:
        return Route(engine, source, target)
    others = [h for h in helpers if h.name != engine.name]
    vias = sorted({t for s, t in own if s == source} | {s for s, t in own if t == target} - {source, target},
                  key=lambda lang: (lang != "en", lang))  # fmt: skip
    for first, second in [(engine, engine), *((engine, h) for h in others), *((h, engine) for h in others)]:
        first_pairs, second_pairs = set(first.pairs()), set(second.pairs())
        for via in vias:
            if (source, via) in first_pairs and (via, target) in second_pairs:
                return Route(PivotEngine(first, second, source, via, target), source, target, via)
    raise ModelNotInstalled(
        f"{engine.name} cannot translate {source}->{target}, directly or through one other language."
        f" {engine.name} has: {format_pairs(sorted(own))}. Add a model (annot models install FILE.argosmodel)"
        " or an Apertium pair (apt-get install apertium-<pair>), or pick another engine (annot engines)."
    )
