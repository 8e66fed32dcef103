"""Sentence alignment of an article and its translation, through machine translation.

``align`` is a dynamic-programming aligner in the style of Gale & Church and
Bleualign: B's sentences, machine-translated into A's language, are compared
with A's, and the best monotone sequence of beads (1-1, 1-2, 2-1, 2-2, and
unaligned 1-0 / 0-1) is found. A bead's value grows with the similarity of its
two sides (sacrebleu's sentence chrF between A's side joined and B's side
joined) and shrinks as their lengths disagree; headings pair with headings.

Written by hand because nothing installable here does it offline: hunalign is
not packaged by Debian (``apt-cache policy hunalign`` finds no candidate), the
Bleualign on PyPI is a 2016 release, and the maintained Python aligners
(vecalign and its descendants, bertalign) need sentence-embedding models.

``link_documents`` joins the stages for two stored documents (link, translate B
into A's language with the store's cache, align, store the beads) and
``references`` reads a stored alignment back as the reference of each of A's
sentences (a human translation when the link is marked so).
"""

from __future__ import annotations

import difflib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annot.compare.metrics import Grams, char_ngrams, chrf_both_ways, chrf_of_ngrams
from annot.errors import AlignmentError, ModelNotInstalled
from annot.model import HUMAN_TRANSLATION, TRANSLATION, Bead, Document, reference_label
from annot.store.links import edit_beads
from annot.translate import best_route, choose_route

if TYPE_CHECKING:
    from annot.progress import Progress
    from annot.store import Store

__all__ = ["AlignmentReport", "METHODS", "Reference", "align", "link_documents", "references"]

#: How ``align`` compares sentences: ``chrf`` (B machine-translated into A's
#: language) or ``length`` (characters only, Gale & Church; B may be in any language).
METHODS = ("chrf", "length")

# Bead shapes the aligner considers, (A sentences, B sentences).
_MOVES = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 0), (0, 1))

# A bead's value is its weight x (quality - _BASE) - its shape's cost. The weight is its length in
# average sentences (A's and B's added), so that a merge is worth about what its parts are worth and
# must earn its shape cost. Quality is the chrF similarity (0-1), or _LENGTH_BASE without text, less
# _LENGTH_WEIGHT x |log length ratio|. _BASE is about the chrF of two unrelated sentences of one
# language: a pair beats leaving both sides unaligned (-_SKIP per weight) only when it shares more.
_BASE = {"chrf": 0.25, "length": 0.0}
_LENGTH_BASE = 0.5
_LENGTH_WEIGHT = {"chrf": 0.3, "length": 1.0}
_SHAPE_COST = {
    "chrf": {(1, 1): 0.0, (1, 2): 0.15, (2, 1): 0.15, (2, 2): 0.45},
    "length": {(1, 1): 0.0, (1, 2): 0.3, (2, 1): 0.3, (2, 2): 0.6},
}
_SKIP = 0.3
_HEADING_BONUS = 0.5  # a heading paired with a heading
_HEADING_MISMATCH = 1.0  # a heading paired with a sentence
_BAND = 5  # initial half-width of the search band around the diagonal, doubled while the path touches it


class _Scorer:
    """The value of every candidate bead, with n-grams cached per run of sentences."""

    def __init__(
        self, a: Sequence[str], b: Sequence[str], a_headings: Sequence[bool], b_headings: Sequence[bool], method: str
    ) -> None:
        self.a, self.b, self.method = a, b, method
        self.a_headings, self.b_headings = a_headings, b_headings
        self.a_len = [len(t) for t in a]
        self.b_len = [len(t) for t in b]
        total_a, total_b = sum(self.a_len), sum(self.b_len)
        # The length B's side should have for A's: B in A's language is about as long as A (1.04 for
        # Apertium es->en on the seed); in another language, as long as the whole documents say,
        # which is off when B leaves out part of A (no text tells then).
        self.ratio = total_b / total_a if method == "length" and total_a and total_b else 1.0
        self.a_unit = max(total_a / len(a), 1.0)
        self.b_unit = max(total_b / len(b), 1.0)
        self.base, self.weight, self.cost = _BASE[method], _LENGTH_WEIGHT[method], _SHAPE_COST[method]
        self._grams: dict[tuple[str, int, int], Grams] = {}

    def grams(self, side: str, start: int, end: int) -> Grams:
        key = (side, start, end)
        if key not in self._grams:
            texts = self.a if side == "a" else self.b
            self._grams[key] = char_ngrams(" ".join(texts[start:end]))
        return self._grams[key]

    def similarity(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """chrF (0-100) of B's side (the hypothesis: a machine translation) against A's side."""
        return chrf_of_ngrams(self.grams("b", j0, j1), self.grams("a", i0, i1))

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
        if heads_a and heads_b:
            value += _HEADING_BONUS
        elif heads_a or heads_b:
            value -= _HEADING_MISMATCH
        return value


def _search(scorer: _Scorer, na: int, nb: int, width: int) -> tuple[list[tuple[int, int, int, int]], bool]:
    """The best bead path within ``width`` of the diagonal, and whether it touched the band's edge."""
    lo, hi = [], []
    for i in range(na + 1):
        centre = i * nb / na
        lo.append(max(0, math.floor(centre - width)))
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


def align(
    a: Sequence[str],
    b_in_a: Sequence[str],
    *,
    a_headings: Sequence[bool] | None = None,
    b_headings: Sequence[bool] | None = None,
    method: str = "chrf",
) -> list[Bead]:
    """Align the sentences of A with those of B, given B machine-translated into A's language.

    Every sentence ends up in exactly one bead, in order. Linear in the
    documents' length: the search keeps to a band around the diagonal,
    widened while the best path touches its edge (2,000 x 2,000 sentences
    take seconds; see benchmarks/bench_align.py).

    Args:
        a: A's sentences.
        b_in_a: B's sentences translated into A's language (with ``method="length"``,
            B's own sentences will do: only lengths count).
        a_headings: which of A's sentences are headings (paired only with headings).
        b_headings: the same for B.
        method: ``chrf`` (compare texts) or ``length`` (lengths only).

    Returns:
        The beads, origin ``auto``; ``score`` is the bead's chrF (0-100) with ``chrf``,
        ``None`` for unaligned beads and with ``length``.

    Raises:
        AlignmentError: unknown ``method``, or heading flags of the wrong length.
    """
    if method not in METHODS:
        raise AlignmentError(f"Unknown alignment method {method!r}; valid methods: {', '.join(METHODS)}.")
    heads = []
    for name, texts, flags in (("a_headings", a, a_headings), ("b_headings", b_in_a, b_headings)):
        flags = [False] * len(texts) if flags is None else [bool(f) for f in flags]
        if len(flags) != len(texts):
            raise AlignmentError(f"{name} has {len(flags)} flags for {len(texts)} sentences; give one per sentence.")
        heads.append(flags)
    na, nb = len(a), len(b_in_a)
    if not na or not nb:
        return [Bead((i,), (), None, "auto") for i in range(na)] + [Bead((), (j,), None, "auto") for j in range(nb)]
    scorer = _Scorer(a, b_in_a, heads[0], heads[1], method)
    width = _BAND
    while True:
        path, touched = _search(scorer, na, nb, width)
        if not touched or width >= max(na, nb):
            break
        width *= 2
    beads = []
    for i0, i1, j0, j1 in path:
        score = round(scorer.similarity(i0, i1, j0, j1), 2) if method == "chrf" and i1 > i0 and j1 > j0 else None
        beads.append(Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), score, "auto"))
    return beads


@dataclass(frozen=True, slots=True)
class Reference:
    """The reference of one of A's beads: B's side of it, in B's language.

    Attributes:
        text: B's sentences of the bead, joined with a space.
        doc_id: B's id (the version aligned).
        a: A's sentence indexes of the bead.
        b: B's sentence indexes of the bead.
        human: the link says B is a human translation (``annot link --human``);
            else B is a reference of unknown making.
    """

    text: str
    doc_id: str
    a: tuple[int, ...]
    b: tuple[int, ...]
    human: bool = False

    @property
    def label(self) -> str:
        """``human translation`` or ``reference``: what people are shown."""
        return reference_label(self.human)


@dataclass(slots=True)
class AlignmentReport:
    """What ``link_documents`` did: the beads stored and how they were made.

    Attributes:
        doc_a: A's id.
        doc_b: B's id.
        beads: the stored alignment.
        method: ``chrf`` (B machine-translated into A's language) or ``length``.
        engine: the engine that translated B (``None`` with ``length``).
        human: B is marked as a human translation of A (the link's kind).
        route: its route, ``es>en`` or ``pt>es>en``.
        note: why the alignment fell back to lengths, if it did.
        kept_manual: manual beads of the previous alignment carried over.
        dropped_manual: manual beads whose sentences changed since, not carried over.
        seconds: time spent translating and aligning.
    """

    doc_a: str
    doc_b: str
    beads: list[Bead] = field(default_factory=list)
    method: str = "chrf"
    engine: str | None = None
    human: bool = False
    route: str | None = None
    note: str = ""
    kept_manual: int = 0
    dropped_manual: int = 0
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        """Beads per shape: ``1-1``, ``1-2``, ``2-1``, ``2-2``, and sentences left unaligned in ``A`` and ``B``."""
        counts = {"1-1": 0, "1-2": 0, "2-1": 0, "2-2": 0, "A": 0, "B": 0}
        for bead in self.beads:
            if not bead.b:
                counts["A"] += len(bead.a)
            elif not bead.a:
                counts["B"] += len(bead.b)
            else:
                counts[bead.kind] = counts.get(bead.kind, 0) + 1
        return counts

    @property
    def mean_score(self) -> float | None:
        """The mean chrF of the scored beads (``None`` when none is scored)."""
        scores = [bead.score for bead in self.beads if bead.score is not None]
        return sum(scores) / len(scores) if scores else None

    def lowest(self, n: int = 5) -> list[Bead]:
        """The ``n`` lowest-scoring beads with both sides: the first to review."""
        scored = [bead for bead in self.beads if bead.score is not None and bead.a and bead.b]
        return sorted(scored, key=lambda bead: (bead.score, bead.a))[:n]

    def summary(self) -> str:
        """One line: ``13 beads: 11 1-1, 1 1-2, 1 2-1, 0 2-2; unaligned 0 A, 0 B; mean chrF 63.6 (apertium es>en)``."""
        c = self.counts
        shapes = f"{c['1-1']} 1-1, {c['1-2']} 1-2, {c['2-1']} 2-1, {c['2-2']} 2-2"
        how = (f"mean chrF {self.mean_score:.1f} ({self.engine} {self.route})" if self.mean_score is not None
               else f"{self.engine} {self.route}" if self.engine else "by length only")  # fmt: skip
        line = f"{len(self.beads)} beads: {shapes}; unaligned {c['A']} A, {c['B']} B; {how}"
        if self.kept_manual or self.dropped_manual:
            line += f"; {self.kept_manual} manual beads kept, {self.dropped_manual} dropped (their text changed)"
        return line + (f". {self.note}" if self.note else "")


def _index_map(old: list[str], new: list[str]) -> dict[int, int]:
    """Old sentence index -> new index, for the sentences whose text is unchanged."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return {block.a + k: block.b + k for block in matcher.get_matching_blocks() for k in range(block.size)}


def _carry_manual(
    store: Store, a: Document, b: Document, beads: list[Bead], texts: tuple[list[str], list[str]]
) -> tuple[list[Bead], int, int]:
    """Re-apply the manual beads of the newest earlier alignment of A and B (same or older versions)."""
    previous = store.aligned_versions(a.id, b.id)
    if not previous:
        return beads, 0, 0
    old_a, old_b = previous[0]
    manual = [bead for bead in store.alignment(old_a, old_b) if bead.origin == "manual"]
    if not manual:
        return beads, 0, 0
    maps = [
        _index_map([s.text for s in store.get_sentences(old_id)], new_texts) if old_id != new_id else None
        for old_id, new_id, new_texts in ((old_a, a.id, texts[0]), (old_b, b.id, texts[1]))
    ]
    kept = dropped = 0
    for bead in manual:
        sides = []
        for indexes, mapping in zip((bead.a, bead.b), maps):
            moved = [mapping.get(i) for i in indexes] if mapping is not None else list(indexes)
            sides.append(moved)
        if any(None in side or side != list(range(side[0], side[0] + len(side))) for side in sides if side):
            dropped += 1
            continue
        beads = edit_beads(beads, len(texts[0]), len(texts[1]), sides[0], sides[1])
        kept += 1
    return beads, kept, dropped


def link_documents(
    store: Store, doc_a: str, doc_b: str, *, engine: str | None = None, human: bool | None = None,
    progress: Progress | bool | None = None,
) -> AlignmentReport:  # fmt: skip
    """Link two documents, align their sentences and store the alignment.

    B's sentences are translated into A's language with ``annot.pipeline.translate``
    (stored and cached like every translation) by the best route of the
    installed engines (``annot.translate.best_route``: a direct pair first, then
    a pivot); with none, the alignment falls back to sentence lengths and the
    report says so. Manual beads of an earlier
    alignment of the two documents (also of older versions) are kept where
    their sentences' text is unchanged.

    Args:
        store: the project.
        doc_a: document A, usually the original (any reference ``Store.document`` takes).
        doc_b: document B, its translation in another language.
        engine: the engine or route name to translate B with, as annot prints it
            (``apertium``, ``argos+apertium``); default: the best route.
        human: ``True`` marks B as a human translation of A (a person translated
            it; shown as "human translation"), ``False`` as a plain reference;
            ``None`` keeps what an existing link says (a new link is a reference).
        progress: ``True`` for a progress bar, or ``progress(done, total, what)`` while translating.

    Returns:
        The report; ``report.summary()`` is one line for people, ``report.lowest()`` the beads to review.

    Raises:
        AlignmentError: the two documents cannot be linked (same document, same language).
        EngineError: ``engine`` is not an engine or route name.
        ModelNotInstalled: ``engine`` was named and cannot translate B's language into A's.
        EngineError: the engine failed (translations made before are stored; run again).
    """
    from annot.pipeline import translate

    started = time.perf_counter()
    a, b = store.document(doc_a), store.document(doc_b)
    if a.key == b.key or a.lang == b.lang:
        store.link(a.id, b.id)  # refuses, and says why
    # Before linking: a bad engine name changes nothing.
    try:
        route = best_route(b.lang, a.lang) if engine is None else choose_route(engine, b.lang, a.lang)
        note = ""
    except ModelNotInstalled as exc:
        if engine is not None:
            raise
        route, note = None, f"{exc} B was aligned by length only."
    kind = None if human is None else HUMAN_TRANSLATION if human else TRANSLATION
    link = store.link(a.id, b.id, kind)
    sents_a, sents_b = store.get_sentences(a), store.get_sentences(b)
    report = AlignmentReport(a.id, b.id, note=note, human=link.human)
    if route is None:
        report.method, b_texts = "length", [s.text for s in sents_b]
    else:
        run = translate(b, store, to=a.lang, engines=[route.name], progress=progress).runs[0]
        by_index = {
            t.index: t.text for t in store.get_translations(b.id, target=a.lang) if t.signature == run.signature
        }
        b_texts = [by_index.get(s.index, "") for s in sents_b]
        report.engine, report.route = run.engine, run.route
    beads = align(
        [s.text for s in sents_a], b_texts, a_headings=[s.heading for s in sents_a],
        b_headings=[s.heading for s in sents_b], method=report.method,
    )  # fmt: skip
    texts = ([s.text for s in sents_a], [s.text for s in sents_b])
    beads, report.kept_manual, report.dropped_manual = _carry_manual(store, a, b, beads, texts)
    report.beads = store.set_alignment(a.id, b.id, beads)
    report.seconds = time.perf_counter() - started
    return report


def references(store: Store, doc_id: str, target: str) -> dict[int, Reference]:
    """The reference in ``target`` of each of A's aligned sentences (a human translation when the link says so).

    The linked document in ``target`` (the newest link when several) and its
    stored alignment with A: for every bead with sentences on both sides, keyed
    by the bead's first A sentence, B's side of the bead. ``{}`` when A has no
    linked document in ``target`` or the current versions are not aligned
    (``annot link A B`` aligns them).

    Args:
        store: the project.
        doc_id: document A (any reference ``Store.document`` takes).
        target: ISO 639-1 code of the reference's language.
    """
    a = store.document(doc_id)
    newest, human = None, False
    for link in store.links(a.id):  # oldest first: the last one in ``target`` wins
        for other in (link.doc_a, link.doc_b):
            doc = store.document(other)
            if doc.key != a.key and doc.lang == target:
                newest, human = doc, link.human
    if newest is None:
        return {}
    texts = [s.text for s in store.get_sentences(newest)]
    return {
        bead.a[0]: Reference(" ".join(texts[j] for j in bead.b), newest.id, bead.a, bead.b, human)
        for bead in store.alignment(a.id, newest.id)
        if bead.a and bead.b
    }
