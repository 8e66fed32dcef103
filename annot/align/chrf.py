"""Sentence chrF on character n-grams counted once per text: the arithmetic of sacrebleu's chrF, faster for many pairs.

The aligner compares each sentence with dozens of candidates and ``annot.compare``
scores every engine against every other, so re-extracting n-grams per pair
(as ``sacrebleu.sentence_chrf`` does) would dominate. Tests check equality
with sacrebleu on random text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

__all__ = ["Grams", "char_ngrams", "chrf_both_ways", "chrf_many", "chrf_of_ngrams"]

_CHAR_ORDER = 6  # sacrebleu's chrF defaults: 6 character orders, beta 2, whitespace ignored
_BETA2 = 4.0

Grams = tuple[tuple[frozenset[str], int], ...]
_REPEATS = ["", ""]  # _REPEATS[k] == "\nk": the tag of a gram's k-th occurrence


def char_ngrams(text: str) -> Grams:
    """Per order 1-6: the character n-grams of ``text`` as a set, and their number.

    Extracted as ``sacrebleu.metrics.helpers.extract_all_char_ngrams`` does
    (whitespace removed, every substring of each length). A gram seen k times
    is in the set as ``gram`` and as ``gram\n2`` ... ``gram\nk`` (a gram holds
    no whitespace), so the size of the intersection of two such sets is chrF's
    clipped match count, computed in C.
    """
    line = "".join(text.split())
    out = []
    grams = list(line)
    for n in range(1, _CHAR_ORDER + 1):
        if n > 1:
            grams = [gram + char for gram, char in zip(grams, line[n - 1 :])]  # (n-1)-gram + next character
        unique = frozenset(grams)
        if len(unique) < len(grams):  # long grams are nearly always unique: skip the counting
            counts = Counter(grams)
            top = max(counts.values())
            while len(_REPEATS) <= top:
                _REPEATS.append(f"\n{len(_REPEATS)}")
            unique = unique.union([gram + tag for gram, c in counts.items() if c > 1 for tag in _REPEATS[2 : c + 1]])
        out.append((unique, len(grams)))
    return tuple(out)


def _matches(a: Grams, b: Grams) -> list[int]:
    """Clipped n-gram matches per order; symmetric, so one count serves both directions."""
    return [len(x & y) for (x, _), (y, _) in zip(a, b)]


def _f_score(hyp: Grams, ref: Grams, matches: Sequence[int]) -> float:
    """sacrebleu's chrF (0-100) from the totals and matches: precision and recall averaged over the
    orders both sides have n-grams of, then the F-beta score."""
    precision = recall = 0.0
    orders = 0
    for (_, h_total), (_, r_total), match in zip(hyp, ref, matches):
        if h_total and r_total:
            precision += match / h_total
            recall += match / r_total
            orders += 1
    if orders:
        precision, recall = precision / orders, recall / orders
    if not precision + recall:
        return 0.0
    # sacrebleu's order of operations, so that the floats are the same to the last bit.
    score = (1 + _BETA2) * precision * recall
    score /= _BETA2 * precision + recall
    return 100 * score


def chrf_of_ngrams(hyp: Grams, ref: Grams) -> float:
    """Sentence chrF (0-100) of a hypothesis against a reference, from their ``char_ngrams``."""
    return _f_score(hyp, ref, _matches(hyp, ref))


def chrf_both_ways(hyp: Grams, ref: Grams) -> tuple[float, float]:
    """chrF of ``hyp`` against ``ref`` and of ``ref`` against ``hyp``, from one count of their matches."""
    matches = _matches(hyp, ref)
    return _f_score(hyp, ref, matches), _f_score(ref, hyp, matches)


def chrf_many(hypotheses: Sequence[str], references: Sequence[str]) -> list[float]:
    """Sentence chrF of each hypothesis against the reference at the same position.

    The same numbers as ``sacrebleu.metrics.CHRF().sentence_score(h, [r]).score``
    for each pair, computed faster when strings repeat within the call (an
    engine's translation is the hypothesis against one engine and the reference
    of another): each string's n-grams are extracted once, and a pair's matches
    serve both directions.

    Raises:
        ValueError: the two sequences differ in length.
    """
    if len(hypotheses) != len(references):
        raise ValueError(f"chrf_many needs one reference per hypothesis, got {len(hypotheses)} and {len(references)}.")
    grams: dict[str, Grams] = {}
    pairs: dict[tuple[str, str], list[int]] = {}
    scores = []
    for hyp, ref in zip(hypotheses, references):
        hyp_grams = grams.get(hyp)
        if hyp_grams is None:
            hyp_grams = grams[hyp] = char_ngrams(hyp)
        ref_grams = grams.get(ref)
        if ref_grams is None:
            ref_grams = grams[ref] = char_ngrams(ref)
        key = (hyp, ref) if hyp <= ref else (ref, hyp)
        matches = pairs.get(key)
        if matches is None:
            matches = pairs[key] = _matches(hyp_grams, ref_grams)
        scores.append(_f_score(hyp_grams, ref_grams, matches))
    return scores
