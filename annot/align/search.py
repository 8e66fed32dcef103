"""The aligner: the best monotone sequence of beads between two documents' sentences, by dynamic programming.

``align`` is in the style of Gale & Church and Bleualign: the best monotone
sequence of beads (1-1, 1-2, 2-1, 2-2, and unaligned 1-0 / 0-1) is found. A
bead's value shrinks as its two sides' lengths disagree, and grows with what
they share, by the alignment's method:

- ``chrf``: B's sentences machine-translated into A's language; the similarity
  of the two sides is sacrebleu's sentence chrF (``annot.align.chrf``).
- ``anchors``: no MT; B in its own language. The sides' anchors -- numbers,
  names, quotations (``annot.align.anchors``) -- add for each match and cost
  for each anchor left unmatched, so a sentence whose numbers and names are
  nowhere in the other version is better left unaligned than paired. The
  expected length ratio of B to A is learnt in a second pass from the beads
  the anchors confirm (a partial version is shorter as a whole, not per sentence).
- ``length``: lengths only (plain Gale & Church), the baseline the others are measured against.

Headings pair with headings under every method.

Written by hand because nothing installable here does it offline: hunalign is
not packaged by Debian (``apt-cache policy hunalign`` finds no candidate), the
Bleualign on PyPI is a 2016 release, and the maintained Python aligners
(vecalign and its descendants, bertalign) need sentence-embedding models.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from annot.align.anchors import Anchors, match, read_anchors
from annot.align.chrf import Grams, char_ngrams, chrf_both_ways, chrf_of_ngrams
from annot.errors import AlignmentError
from annot.model import MEASURES, Bead

__all__ = ["METHODS", "align"]

#: How ``align`` compares sentences: ``chrf`` (B machine-translated into A's language),
#: ``anchors`` (numbers, names, quotations and lengths; B in any language) or ``length``
#: (characters only, Gale & Church; the baseline). Each names what its beads' scores measure:
#: ``annot.model.MEASURES``, the one table of these names, which the store records per alignment.
METHODS = tuple(MEASURES)

# Bead shapes the aligner considers, (A sentences, B sentences).
_MOVES = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 0), (0, 1))

# A bead's value is its weight x (quality - _BASE) - its shape's cost (+ its anchors' value). The
# weight is its length in average sentences (A's and B's added), so that a merge is worth about what
# its parts are worth and must earn its shape cost. Quality is the chrF similarity (0-1), or
# _LENGTH_BASE without text, less _LENGTH_WEIGHT x |log length ratio|. _BASE is about the chrF of two
# unrelated sentences of one language: a pair beats leaving both sides unaligned (-_SKIP per weight)
# only when it shares more.
_BASE = {"chrf": 0.25, "anchors": 0.0, "length": 0.0}
_LENGTH_BASE = 0.5
_LENGTH_WEIGHT = {"chrf": 0.3, "anchors": 1.0, "length": 1.0}
_SHAPE_COST = {
    "chrf": {(1, 1): 0.0, (1, 2): 0.15, (2, 1): 0.15, (2, 2): 0.45},
    "anchors": {(1, 1): 0.0, (1, 2): 0.3, (2, 1): 0.3, (2, 2): 0.6},
    "length": {(1, 1): 0.0, (1, 2): 0.3, (2, 1): 0.3, (2, 2): 0.6},
}
_SKIP = 0.3
# Anchors (method "anchors"): each match is worth _ANCHOR_MATCH, each anchor left unmatched costs
# _ANCHOR_MISS. Chosen on tests/data/align (benchmarks/bench_align.py): all three pairs are aligned
# exactly for a miss of 0.15-0.2 and a match of 0.4-1.0; at a miss of 0.3 a title-cased English
# "Defense Ministry" with no partner pushes a partial version's sentence to the wrong place.
_ANCHOR_MATCH = 0.6
_ANCHOR_MISS = 0.2
# The length ratio of B to A before it is learnt: the documents' own, kept within what translations
# between European languages give (a partial version must not make every sentence look short).
_RATIO_LIMITS = (0.8, 1.3)
_CONFIRMED = 0.5  # a 1-1 bead whose anchor agreement is at least this teaches the length ratio
_HEADING_BONUS = 0.5  # a heading paired with a heading
_HEADING_MISMATCH = 1.0  # a heading paired with a sentence
_BAND = 5  # initial half-width of the search band around the diagonal, doubled while the path touches it


class _Scorer:
    """The value of every candidate bead, with n-grams and anchors cached per run of sentences."""

    def __init__(
        self, a: Sequence[str], b: Sequence[str], heads: tuple[list[bool], list[bool]], method: str,
        anchors: tuple[list[Anchors], list[Anchors]] | None, ratio: float | None = None,
    ) -> None:  # fmt: skip
        self.a, self.b, self.method = a, b, method
        self.a_headings, self.b_headings = heads
        self.a_len = [len(t) for t in a]
        self.b_len = [len(t) for t in b]
        total_a, total_b = sum(self.a_len), sum(self.b_len)
        # The length B's side should have for A's: B in A's language is about as long as A (1.04 for
        # Apertium es->en on the seed); in another language, as long as the whole documents say
        # (with anchors: within _RATIO_LIMITS until the confirmed beads tell).
        if ratio is None:
            ratio = total_b / total_a if method != "chrf" and total_a and total_b else 1.0
            if method == "anchors":
                ratio = min(max(ratio, _RATIO_LIMITS[0]), _RATIO_LIMITS[1])
        self.ratio = ratio
        self.a_unit = max(total_a / len(a), 1.0)
        self.b_unit = max(total_b / len(b), 1.0)
        self.base, self.weight, self.cost = _BASE[method], _LENGTH_WEIGHT[method], _SHAPE_COST[method]
        self.anchors = anchors
        self._grams: dict[tuple[str, int, int], Grams] = {}
        self._sides: dict[tuple[str, int, int], Anchors] = {}

    def grams(self, side: str, start: int, end: int) -> Grams:
        key = (side, start, end)
        if key not in self._grams:
            texts = self.a if side == "a" else self.b
            self._grams[key] = char_ngrams(" ".join(texts[start:end]))
        return self._grams[key]

    def side_anchors(self, side: str, start: int, end: int) -> Anchors:
        """The anchors of a run of one side's sentences, added."""
        key = (side, start, end)
        if key not in self._sides:
            found = (self.anchors or ([], []))[0 if side == "a" else 1][start:end]
            total = Anchors()
            for more in found:
                total = total + more
            self._sides[key] = total
        return self._sides[key]

    def similarity(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        """The bead's score (0-100): chrF of B's side against A's, or the anchor agreement; ``None`` unmeasured."""
        if self.method == "chrf":
            return chrf_of_ngrams(self.grams("b", j0, j1), self.grams("a", i0, i1))
        if self.method == "anchors":
            found = match(self.side_anchors("a", i0, i1), self.side_anchors("b", j0, j1)).agreement
            return None if found is None else 100 * found
        return None

    def closeness(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """chrF both ways round, averaged (0-1), for the search.

        chrF weighs recall four times precision, so one way round it barely
        notices a B side that adds an unrelated sentence; the other way round
        it does. The matches are counted once for both.
        """
        return sum(chrf_both_ways(self.grams("b", j0, j1), self.grams("a", i0, i1))) / 200

    def value(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        """The value of the bead A[i0:i1] = B[j0:j1], or ``None`` when it is not allowed."""
        na, nb = i1 - i0, j1 - j0
        la = sum(self.a_len[i0:i1]) + na - 1 if na else 0
        lb = sum(self.b_len[j0:j1]) + nb - 1 if nb else 0
        weight = la / self.a_unit + lb / self.b_unit
        if not na or not nb:
            return -_SKIP * weight
        heads_a = sum(self.a_headings[i0:i1])
        heads_b = sum(self.b_headings[j0:j1])
        if (heads_a or heads_b) and (na > 1 or nb > 1):
            return None  # a heading stands alone
        # Smoothed so that two short headings of a few characters are not far apart.
        quality = -self.weight * abs(math.log((lb + 20) / (self.ratio * la + 20)))
        quality += self.closeness(i0, i1, j0, j1) if self.method == "chrf" else _LENGTH_BASE
        value = weight * (quality - self.base) - self.cost[(na, nb)]
        if self.anchors is not None:
            found = match(self.side_anchors("a", i0, i1), self.side_anchors("b", j0, j1))
            value += _ANCHOR_MATCH * found.matched - _ANCHOR_MISS * found.unmatched
        if heads_a and heads_b:
            value += _HEADING_BONUS
        elif heads_a or heads_b:
            value -= _HEADING_MISMATCH
        return value


def _search(scorer: _Scorer, na: int, nb: int, width: int) -> tuple[list[tuple[int, int, int, int]], bool]:
    """The best bead path within ``width`` of the diagonal, and whether it touched the band's edge."""
    lo: list[int] = []
    hi: list[int] = []
    for i in range(na + 1):
        centre = i * nb / na
        # A row starts no later than the previous one ends, so that a path always exists (B much
        # longer than A would leave gaps between the rows' bands, and cells nothing reaches).
        lo.append(max(0, min(math.floor(centre - width), hi[-1] if hi else 0)))
        hi.append(min(nb, math.ceil(centre + width)))
    best: list[list[float]] = [[-math.inf] * (hi[i] - lo[i] + 1) for i in range(na + 1)]
    back: list[list[int]] = [[-1] * (hi[i] - lo[i] + 1) for i in range(na + 1)]
    best[0][0] = 0.0
    for i in range(na + 1):
        row, row_back, row_lo = best[i], back[i], lo[i]
        for j in range(row_lo, hi[i] + 1):
            top, move = row[j - row_lo], -1
            for k, (da, db) in enumerate(_MOVES):
                pi, pj = i - da, j - db
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = best[pi][pj - lo[pi]]
                if prev == -math.inf:
                    continue
                value = scorer.value(pi, i, pj, j)
                if value is not None and prev + value > top:
                    top, move = prev + value, k
            if move >= 0:
                row[j - row_lo], row_back[j - row_lo] = top, move
    path = []
    i, j, touched = na, nb, False
    while i or j:
        touched |= (j == lo[i] and lo[i] > 0) or (j == hi[i] and hi[i] < nb)
        da, db = _MOVES[back[i][j - lo[i]]]
        path.append((i - da, i, j - db, j))
        i, j = i - da, j - db
    return path[::-1], touched


def _best_path(scorer: _Scorer, na: int, nb: int) -> list[tuple[int, int, int, int]]:
    width = _BAND
    while True:
        path, touched = _search(scorer, na, nb, width)
        if not touched or width >= max(na, nb):
            return path
        width *= 2


def _learnt_ratio(scorer: _Scorer, path: Iterable[tuple[int, int, int, int]]) -> float | None:
    """B's length over A's on the 1-1 beads the anchors confirm; ``None`` with fewer than three."""
    la = lb = count = 0
    for i0, i1, j0, j1 in path:
        if i1 - i0 == 1 and j1 - j0 == 1 and not scorer.a_headings[i0]:
            found = scorer.similarity(i0, i1, j0, j1)
            if found is not None and found >= 100 * _CONFIRMED:
                la, lb, count = la + scorer.a_len[i0], lb + scorer.b_len[j0], count + 1
    return lb / la if count >= 3 and la else None


def align(
    a: Sequence[str],
    b: Sequence[str],
    *,
    a_headings: Sequence[bool] | None = None,
    b_headings: Sequence[bool] | None = None,
    method: str = "chrf",
    langs: tuple[str, str] = ("", ""),
    project_aliases: Mapping[str, Iterable[str]] | None = None,
) -> list[Bead]:
    """Align the sentences of A with those of B.

    Every sentence ends up in exactly one bead, in order. Linear in the
    documents' length: the search keeps to a band around the diagonal,
    widened while the best path touches its edge (2,000 x 2,000 sentences
    take seconds; see benchmarks/bench_align.py).

    Args:
        a: A's sentences.
        b: with ``method="chrf"``, B's sentences translated into A's language; with
            ``anchors`` or ``length``, B's own sentences.
        a_headings: which of A's sentences are headings (paired only with headings).
        b_headings: the same for B.
        method: ``chrf``, ``anchors`` or ``length`` (see the module docstring).
        langs: A's and B's languages (ISO 639-1), with ``anchors``: names are looked up in
            CLDR and the project's aliases through them (``""``: transliteration only).
        project_aliases: the project's ``[aliases]`` table (``annot.names.read_aliases``), with ``anchors``.

    Returns:
        The beads, origin ``auto``. ``score`` is the bead's chrF (0-100) with ``chrf``, its
        anchor agreement (0-100) with ``anchors`` (``None`` when neither side has anchors),
        and ``None`` for unaligned beads and with ``length``.

    Raises:
        AlignmentError: unknown ``method``, or heading flags of the wrong length.
    """
    if method not in METHODS:
        raise AlignmentError(f"Unknown alignment method {method!r}; valid methods: {', '.join(METHODS)}.")
    heads = []
    for name, texts, flags in (("a_headings", a, a_headings), ("b_headings", b, b_headings)):
        flags = [False] * len(texts) if flags is None else [bool(f) for f in flags]
        if len(flags) != len(texts):
            raise AlignmentError(f"{name} has {len(flags)} flags for {len(texts)} sentences; give one per sentence.")
        heads.append(flags)
    na, nb = len(a), len(b)
    if not na or not nb:
        return [Bead((i,), (), None, "auto") for i in range(na)] + [Bead((), (j,), None, "auto") for j in range(nb)]
    anchors = None
    if method == "anchors":
        lang_a, lang_b = langs
        anchors = (
            [read_anchors(text, lang_a, lang_b, project_aliases) for text in a],
            [read_anchors(text, lang_b, lang_a, project_aliases) for text in b],
        )
    scorer = _Scorer(a, b, (heads[0], heads[1]), method, anchors)
    path = _best_path(scorer, na, nb)
    if method == "anchors":
        ratio = _learnt_ratio(scorer, path)
        if ratio is not None and abs(math.log(ratio / scorer.ratio)) > 0.05:
            scorer = _Scorer(a, b, (heads[0], heads[1]), method, anchors, ratio)
            path = _best_path(scorer, na, nb)
    beads = []
    for i0, i1, j0, j1 in path:
        score = scorer.similarity(i0, i1, j0, j1) if i1 > i0 and j1 > j0 else None
        beads.append(
            Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), None if score is None else round(score, 2), "auto")
        )
    return beads
