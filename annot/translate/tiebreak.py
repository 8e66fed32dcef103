"""The measured tie-break between routes: agreement and round trip (chrF, sacrebleu) on a sample of a document.

``annot.translate.best_route(source, target, sample=texts)`` calls
``score_routes`` only for routes its static rule leaves tied (as many hops,
same kind). No human reference exists for a document being read, so:

- with three or more tied routes, **agreement**: each route's output scored
  (corpus chrF) against each other route's, averaged: the route the others
  agree with most;
- with two (agreement is then one number for both), **round trip**: each
  route's output is translated back by the same engine's route back (as
  compare's round trips are), and scored against the source sentences; when
  either has no way back, nothing is measured.

A sentence a route fails on (``PartialTranslation``) counts as an empty
output; a route failing on the whole sample scores -1, below every chrF.
sacrebleu loads on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from annot.errors import EngineError, PartialTranslation

if TYPE_CHECKING:
    from annot.translate.routes import Route

__all__ = ["SAMPLE_SIZE", "agreement_chrf", "chrf", "outputs_of", "pick_sample", "round_trip_chrf", "score_routes"]

#: Sentences of a document a tie is measured on: enough to tell routes apart, few enough for the aligner.
SAMPLE_SIZE = 12
FAILED = -1.0  # the score of a route that translated nothing of the sample


def pick_sample(texts: Sequence[str], size: int = SAMPLE_SIZE) -> list[str]:
    """Up to ``size`` distinct non-blank texts spread evenly over ``texts`` (the first and last included)."""
    distinct = list(dict.fromkeys(t for t in texts if t.strip()))
    if len(distinct) <= size:
        return distinct
    step = (len(distinct) - 1) / (size - 1)
    return [distinct[round(i * step)] for i in range(size)]


def chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus chrF (0-100, sacrebleu's defaults) of ``hypotheses`` against one reference each."""
    from sacrebleu.metrics import CHRF

    if not hypotheses:
        return 0.0
    return float(CHRF().corpus_score(list(hypotheses), [list(references)]).score)


def outputs_of(route: Route, texts: Sequence[str]) -> list[str] | None:
    """``route``'s translations of ``texts``: ``""`` where it failed on a text, None when it failed on all."""
    try:
        return route.translate(texts)
    except PartialTranslation as exc:
        return [out or "" for out in exc.outputs]
    except EngineError:
        return None


def round_trip_chrf(outputs: Sequence[str], back: Route, sources: Sequence[str]) -> float:
    """chrF of ``outputs`` translated back by ``back`` against ``sources`` (-1 if ``back`` fails on all)."""
    returned = outputs_of(back, outputs)
    return FAILED if returned is None else chrf(returned, sources)


def agreement_chrf(outputs: Sequence[str], others: Sequence[Sequence[str]]) -> float:
    """Mean chrF of ``outputs`` against each of ``others`` (the same texts by other routes)."""
    return sum(chrf(outputs, other) for other in others) / len(others) if others else 0.0


def score_routes(
    routes: Sequence[Route], sample: Sequence[str], back: Callable[[Route], Route | None]
) -> tuple[str, dict[str, float]]:
    """Score tied routes on ``sample``: agreement (three or more routes) or round trip (two).

    Args:
        routes: the tied routes (same source and target).
        sample: source sentences (``pick_sample`` of a document's).
        back: gives a route's way back from the target (None when there is none), asked only for a round trip.

    Returns:
        ``"agreement"``, ``"round trip"`` or ``"none"`` (nothing measured: two routes and no way back),
        and route name -> score (higher is better).
    """
    outputs = {route.name: outputs_of(route, sample) for route in routes}
    usable = {name: out for name, out in outputs.items() if out is not None}
    scores = {name: FAILED for name in outputs}
    if len(routes) >= 3:
        for name, out in usable.items():
            scores[name] = agreement_chrf(out, [o for n, o in usable.items() if n != name])
        return "agreement", scores
    backs = {route.name: back(route) for route in routes}
    if any(route_back is None for route_back in backs.values()):
        return "none", {name: 0.0 if name in usable else FAILED for name in outputs}
    for name, out in usable.items():
        scores[name] = round_trip_chrf(out, backs[name], sample)  # type: ignore[arg-type]
    return "round trip", scores
