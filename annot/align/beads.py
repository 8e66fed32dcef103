"""The rules of a sentence alignment, in one place: what a valid alignment is, how a manual edit recuts it.

Pure functions over ``annot.model.Bead``, with no store: the aligner uses
them (``cover``, ``edit_beads`` for manual beads carried over), the store
checks every alignment it writes with ``check_beads`` and edits with
``edit_beads``, and the CLI writes beads with ``bead_text``. This module
imports only the foundation (errors, model), so that the store, below the
rest of ``annot.align``, can use it.

How well an alignment matches a gold one (``bead_scores``: precision and
recall of beads) is here too, for the tests and benchmarks of the aligner.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annot.errors import AlignmentError
from annot.model import BEAD_ORIGINS, MEASURES, AlignmentInfo, Bead

__all__ = ["BeadLike", "BeadScores", "bead_scores", "bead_text", "check_beads", "check_indexes", "check_measure",
           "cover", "edit_beads", "swap"]  # fmt: skip

BeadLike = Bead | tuple[Sequence[int], Sequence[int]]


def _span_text(indexes: Sequence[int]) -> str:
    if not indexes:
        return ""
    return str(indexes[0]) if len(indexes) == 1 else f"{indexes[0]}-{indexes[-1]}"


def bead_text(bead: Bead) -> str:
    """``11-12=12``, ``7=`` (A 7 unaligned), ``=5``: a bead as ``annot alignment --set`` writes it."""
    return f"{_span_text(bead.a)}={_span_text(bead.b)}"


def swap(beads: Iterable[Bead]) -> list[Bead]:
    """The same alignment seen from the other document: sides exchanged."""
    return [Bead(bead.b, bead.a, bead.score, bead.origin) for bead in beads]


def check_indexes(indexes: Any, side: str, size: int, where: str) -> tuple[int, ...]:
    """``indexes`` as a tuple, checked to be consecutive increasing sentence indexes below ``size``.

    Raises:
        AlignmentError: not integers, not consecutive, or out of range.
    """
    try:
        values = tuple(indexes)
    except TypeError:
        raise AlignmentError(f"{where}: side {side} must be a list of sentence indexes, got {indexes!r}.") from None
    if any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in values):
        raise AlignmentError(f"{where}: side {side} must hold integer sentence indexes, got {list(values)!r}.")
    values = tuple(int(v) for v in values)
    if values and values != tuple(range(values[0], values[0] + len(values))):
        raise AlignmentError(
            f"{where}: {side} sentences {list(values)} are not consecutive; a bead joins neighbouring"
            " sentences (split it into several beads)."
        )
    if values and (values[0] < 0 or values[-1] >= size):
        raise AlignmentError(
            f"{where}: {side} sentence {values[0] if values[0] < 0 else values[-1]} is out of range"
            f" (document {side} has {size} sentences: 0-{size - 1})."
            if size
            else f"{where}: document {side} has no sentences, so its side must be empty."
        )
    return values


def check_measure(measure: Any, route: Any, what: str = "Alignment") -> AlignmentInfo:
    """What an alignment's scores measure and the route that translated B, checked together.

    The rule: a route (``apertium es>en``) goes with ``chrf`` and only with it,
    since chrF is measured on B machine-translated into A's language; the other
    measures, and an unknown one (``None``), are made without MT.

    Args:
        measure: a key of ``annot.model.MEASURES``, or ``None`` (unknown).
        route: the engine and route that translated B, as people read them; ``None`` or ``""`` for none.
        what: what is checked, to start the message with.

    Raises:
        AlignmentError: an unknown measure, a route that is not a one-line name, or a route
            without ``chrf`` (or ``chrf`` without one).
    """
    if measure is not None and measure not in MEASURES:
        raise AlignmentError(
            f"{what}: measure {measure!r} is not valid; valid measures: {', '.join(MEASURES)} (or None: unknown)."
        )
    route = "" if route is None else route
    if not isinstance(route, str) or route != " ".join(route.split()):
        raise AlignmentError(
            f"{what}: route must be a one-line name such as 'apertium es>en' (or empty), got {route!r}."
        )
    if (measure == "chrf") != bool(route):
        raise AlignmentError(
            f"{what}: chrF scores need the route that translated B (such as 'apertium es>en'), got measure"
            f" {measure!r} with route {route!r}; give a route with measure 'chrf' and none with any other."
        )
    return AlignmentInfo(measure, route)


def _check_bead(item: Any, origin: str, sizes: tuple[int, int], where: str) -> Bead:
    if isinstance(item, Bead):
        bead = item
    elif isinstance(item, (tuple, list)) and len(item) == 2:
        bead = Bead(item[0], item[1], None, origin)
    else:
        raise AlignmentError(f"{where}: expected a Bead or an (a, b) pair of index lists, got {item!r}.")
    a = check_indexes(bead.a, "A", sizes[0], where)
    b = check_indexes(bead.b, "B", sizes[1], where)
    if not a and not b:
        raise AlignmentError(f"{where}: both sides are empty; a bead holds at least one sentence.")
    score = bead.score
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, numbers.Real) or not math.isfinite(score):
            raise AlignmentError(f"{where}: score must be a finite number or None, got {score!r}.")
        score = float(score)
    if bead.origin not in BEAD_ORIGINS:
        raise AlignmentError(f"{where}: origin {bead.origin!r} is not valid; valid origins: {', '.join(BEAD_ORIGINS)}.")
    return Bead(a, b, score, bead.origin)


def check_beads(
    beads: Iterable[BeadLike], sizes: tuple[int, int], *, origin: str = "auto", what: str = "Alignment"
) -> list[Bead]:
    """Validate an alignment of documents with ``sizes`` = (A's, B's) sentence counts.

    Each side of each bead is consecutive and in range, no sentence appears
    twice, and the beads are in order on both sides. Sentences in no bead are
    allowed (``cover`` makes them unaligned beads).

    Raises:
        AlignmentError: the first bead that breaks a rule, named by position.
    """
    if origin not in BEAD_ORIGINS:
        raise AlignmentError(f"{what}: origin {origin!r} is not valid; valid origins: {', '.join(BEAD_ORIGINS)}.")
    out: list[Bead] = []
    holder: dict[str, dict[int, int]] = {"A": {}, "B": {}}  # side -> sentence -> bead position
    last: dict[str, tuple[int, int]] = {}  # side -> (last sentence, its bead position)
    for pos, item in enumerate(beads):
        bead = _check_bead(item, origin, sizes, f"{what}, bead {pos}")
        for side, indexes in (("A", bead.a), ("B", bead.b)):
            if not indexes:
                continue
            where = f"{what}, bead {pos} ({bead_text(bead)})"
            for i in indexes:
                if i in holder[side]:
                    raise AlignmentError(
                        f"{where}: {side} sentence {i} is already in bead {holder[side][i]};"
                        " a sentence belongs to one bead."
                    )
            if side in last and indexes[0] < last[side][0]:
                raise AlignmentError(
                    f"{where}: {side} sentence {indexes[0]} comes before {side} sentence {last[side][0]} of bead"
                    f" {last[side][1]}; beads must be in the order of both documents."
                )
            holder[side].update((i, pos) for i in indexes)
            last[side] = (indexes[-1], pos)
        out.append(bead)
    return out


def _ordered(beads: Iterable[Bead]) -> list[Bead]:
    """Non-crossing beads in alignment order: pairs by position, unaligned ones in the gaps (A's first)."""
    beads = list(beads)
    pairs = sorted((x for x in beads if x.a and x.b), key=lambda x: x.a[0])
    gaps: list[list[tuple[int, int, Bead]]] = [[] for _ in range(len(pairs) + 1)]
    a_starts, b_starts = [x.a[0] for x in pairs], [x.b[0] for x in pairs]
    for x in beads:
        if not x.b:
            gaps[bisect_right(a_starts, x.a[0])].append((0, x.a[0], x))
        elif not x.a:
            gaps[bisect_right(b_starts, x.b[0])].append((1, x.b[0], x))
    out: list[Bead] = []
    for g, gap in enumerate(gaps):
        out.extend(x for *_, x in sorted(gap, key=lambda item: item[:2]))
        if g < len(pairs):
            out.append(pairs[g])
    return out


def cover(beads: Iterable[Bead], n_a: int, n_b: int) -> list[Bead]:
    """``beads`` completed so every sentence of both sides is in exactly one bead.

    Sentences in no bead become unaligned beads of their own (``auto``, no score).
    """
    beads = list(beads)
    used_a = {i for x in beads for i in x.a}
    used_b = {j for x in beads for j in x.b}
    beads += [Bead((i,), (), None, "auto") for i in range(n_a) if i not in used_a]
    beads += [Bead((), (j,), None, "auto") for j in range(n_b) if j not in used_b]
    return _ordered(beads)


def edit_beads(beads: Iterable[Bead], n_a: int, n_b: int, a: Sequence[int], b: Sequence[int]) -> list[Bead]:
    """The alignment with A sentences ``a`` paired with B sentences ``b`` (a manual bead).

    Total: any valid edit gives a full alignment. Beads that shared a sentence
    with the new one, or would cross it (one side before it, the other after),
    are broken up, and their other sentences become unaligned beads; every
    other bead is kept as it was. ``b`` empty marks ``a`` as having no
    counterpart (and the reverse). The new bead has no score, unless it was
    already a bead (then it is confirmed: its score is kept).

    Raises:
        AlignmentError: ``a`` or ``b`` not consecutive or out of range, or both empty.
    """
    new = _check_bead(Bead(tuple(a), tuple(b), None, "manual"), "manual", (n_a, n_b), "Alignment edit")
    full = cover(beads, n_a, n_b)
    same = [x for x in full if (x.a, x.b) == (new.a, new.b)]
    if same:  # a confirmed bead keeps its measured score
        new = Bead(new.a, new.b, same[0].score, "manual")
    taken_a, taken_b = set(new.a), set(new.b)
    kept: list[Bead] = [new]
    loose_a: set[int] = set()
    loose_b: set[int] = set()
    for x in full:
        broken = bool(taken_a.intersection(x.a) or taken_b.intersection(x.b))
        if not broken and x.a and x.b and new.a and new.b:
            broken = (x.a[0] < new.a[0]) != (x.b[0] < new.b[0])  # crosses the new bead
        if broken:
            loose_a.update(set(x.a) - taken_a)
            loose_b.update(set(x.b) - taken_b)
        else:
            kept.append(x)
    kept += [Bead((i,), (), None, "auto") for i in sorted(loose_a)]
    kept += [Bead((), (j,), None, "auto") for j in sorted(loose_b)]
    return _ordered(kept)


@dataclass(frozen=True, slots=True)
class BeadScores:
    """How an alignment compares with a gold one.

    Attributes:
        precision: the share of the alignment's beads that are gold beads.
        recall: the share of the gold beads the alignment found.
        found: the number of beads of the alignment.
        gold: the number of gold beads.
    """

    precision: float
    recall: float
    found: int
    gold: int


def _units(beads: Iterable[BeadLike]) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Beads as (a, b) pairs; an unaligned run counts as one bead per sentence, as the aligner writes it."""
    out: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    for bead in beads:
        a, b = (tuple(bead.a), tuple(bead.b)) if isinstance(bead, Bead) else (tuple(bead[0]), tuple(bead[1]))
        if a and b:
            out.add((a, b))
        else:
            out.update(((i,), ()) for i in a)
            out.update(((), (j,)) for j in b)
    return out


def bead_scores(found: Iterable[BeadLike], gold: Iterable[BeadLike]) -> BeadScores:
    """Bead precision and recall of an alignment against a gold alignment (exact beads only).

    Unaligned sentences count as beads too (``7=`` is right only when the gold
    leaves A 7 unaligned): a partial version spread over the whole document
    loses precision and recall both.

    Args:
        found: the alignment to score.
        gold: the right beads.

    Returns:
        Precision and recall (0-1; 1.0 for an empty side, as nothing was wrong).
    """
    ours, right = _units(found), _units(gold)
    hits = len(ours & right)
    return BeadScores(hits / len(ours) if ours else 1.0, hits / len(right) if right else 1.0, len(ours), len(right))
