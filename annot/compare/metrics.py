"""Scores of translations against references: thin, typed wrappers over sacrebleu's chrF, BLEU and TER.

Sentence scores are sacrebleu's ``sentence_score`` (BLEU with effective order,
as sacrebleu recommends for single sentences); corpus scores are its
``corpus_score``, with the 95% confidence interval of its bootstrap resampling.
Every score comes with the sacrebleu signature that records how it was made.
sacrebleu (and numpy, for the bootstrap) load on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

__all__ = [
    "CorpusScore",
    "DEFAULT_SEED",
    "Grams",
    "METRICS",
    "Metric",
    "char_ngrams",
    "chrf_both_ways",
    "chrf_many",
    "chrf_of_ngrams",
    "corpus_score",
    "sentence_score",
    "signatures",
]

Metric = Literal["chrf", "bleu", "ter"]
#: The metrics annot reports, in column order.
METRICS: tuple[Metric, ...] = ("chrf", "bleu", "ter")
#: sacrebleu's own default seed for bootstrap resampling (``SACREBLEU_SEED``).
DEFAULT_SEED = 12345


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}. Valid metrics: {', '.join(METRICS)}.")


def _new_metric(metric: Metric, *, sentence: bool) -> Any:
    from sacrebleu.metrics import BLEU, CHRF, TER

    if metric == "chrf":
        return CHRF()
    if metric == "bleu":
        # Effective order for single sentences: without it one missing 4-gram makes BLEU 0.
        return BLEU(effective_order=sentence)
    return TER()


@cache
def _sentence_metric(metric: Metric) -> Any:
    # One instance per process: a sacrebleu metric keeps no state between sentence_score calls.
    return _new_metric(metric, sentence=True)


def sentence_score(metric: Metric, hypothesis: str, reference: str) -> float:
    """``metric`` of one translation against one reference, 0-100 (TER: edits per 100 reference words).

    Args:
        metric: ``"chrf"``, ``"bleu"`` or ``"ter"``.
        hypothesis: the translation.
        reference: the reference translation.

    Raises:
        ValueError: unknown metric.
    """
    _check_metric(metric)
    return float(_sentence_metric(metric).sentence_score(hypothesis, [reference]).score)


def signatures(*, sentence: bool = True) -> dict[str, str]:
    """sacrebleu's signature of each metric, ``{"chrf": "nrefs:1|case:mixed|eff:yes|nc:6|...", ...}``.

    Args:
        sentence: the settings of sentence scores (BLEU with effective order);
            ``False`` for corpus scores without bootstrap.
    """
    out = {}
    for metric in METRICS:
        scorer = _sentence_metric(metric) if sentence else _new_metric(metric, sentence=False)
        scorer.num_refs = 1  # sacrebleu fills it in when it reads references
        out[metric] = str(scorer.get_signature())
    return out


# -- chrF of many pairs ------------------------------------------------------------


# Hand-written chrF on n-grams counted once per text: the aligner compares each sentence
# with dozens of candidates and ``compare`` scores every engine against every other, so
# re-extracting n-grams per pair (as ``sacrebleu.sentence_chrf`` does) would dominate.
# The arithmetic is sacrebleu's (tests check equality on random text).
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
    from collections import Counter

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


# -- corpus scores -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusScore:
    """A corpus-level score with sacrebleu's bootstrap estimate.

    Attributes:
        metric: ``chrf``, ``bleu`` or ``ter``.
        score: the score of the whole corpus.
        mean: the mean of the bootstrap resamples (NaN without bootstrap).
        ci_low: ``mean`` minus sacrebleu's 95% half-width (NaN without bootstrap).
        ci_high: ``mean`` plus the half-width (NaN without bootstrap).
        sentences: how many sentence pairs were scored.
        signature: sacrebleu's signature, with ``bs:<resamples>|seed:<seed>`` when bootstrapped.
    """

    metric: str
    score: float
    mean: float
    ci_low: float
    ci_high: float
    sentences: int
    signature: str


_SEED_LOCK = threading.Lock()


@contextmanager
def _sacrebleu_seed(seed: int) -> Iterator[None]:
    # sacrebleu reads its bootstrap seed from SACREBLEU_SEED only: set it for the call, then restore.
    with _SEED_LOCK:
        before = os.environ.get("SACREBLEU_SEED")
        os.environ["SACREBLEU_SEED"] = str(seed)
        try:
            yield
        finally:
            if before is None:
                del os.environ["SACREBLEU_SEED"]
            else:
                os.environ["SACREBLEU_SEED"] = before


def corpus_score(
    metric: Metric, hypotheses: Sequence[str], references: Sequence[str], *, n_bootstrap: int = 1000,
    seed: int = DEFAULT_SEED,
) -> CorpusScore:  # fmt: skip
    """``metric`` of a corpus of translations against one reference each, with a 95% bootstrap interval.

    sacrebleu's ``corpus_score(..., n_bootstrap=...)``: the sentences are
    resampled with replacement ``n_bootstrap`` times from a generator seeded
    with ``seed``, so the same call gives the same interval, and two systems
    scored on the same sentences are resampled identically (paired). The
    interval is sacrebleu's: the resamples' mean plus and minus half the
    distance between their 2.5th and 97.5th percentiles.

    Args:
        metric: ``"chrf"``, ``"bleu"`` or ``"ter"``.
        hypotheses: the translations.
        references: one reference per translation.
        n_bootstrap: resamples; 1 or less for the score alone (the interval is then NaN).
        seed: the resampling seed.

    Raises:
        ValueError: unknown metric, no sentences, or the sequences differ in length.
    """
    _check_metric(metric)
    if len(hypotheses) != len(references):
        raise ValueError(
            f"corpus_score needs one reference per hypothesis, got {len(hypotheses)} and {len(references)}."
        )
    if not hypotheses:
        raise ValueError(f"corpus_score needs at least one sentence to compute {metric}.")
    scorer = _new_metric(metric, sentence=False)  # corpus_score records the bootstrap in the instance
    with _sacrebleu_seed(seed):
        result = scorer.corpus_score(list(hypotheses), [list(references)], n_bootstrap=n_bootstrap)
    nan = float("nan")
    mean, low, high = nan, nan, nan
    if n_bootstrap > 1:
        # sacrebleu keeps the estimate in these two fields only (Score.format prints them).
        mean = float(result._mean)
        low, high = mean - float(result._ci), mean + float(result._ci)
    return CorpusScore(metric, float(result.score), mean, low, high, len(hypotheses), str(scorer.get_signature()))
