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
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections import Counter

__all__ = [
    "DEFAULT_SEED",
    "METRICS",
    "CorpusScore",
    "Metric",
    "chrf_many",
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


class _ChrfStrings:
    """Character n-grams of each distinct string, extracted once (sacrebleu's own extraction)."""

    def __init__(self) -> None:
        from sacrebleu.metrics.helpers import extract_all_char_ngrams

        self.scorer = _sentence_metric("chrf")
        self._extract = extract_all_char_ngrams
        self._ngrams: dict[str, tuple[list[Counter[str]], list[int]]] = {}

    def ngrams(self, text: str) -> tuple[list[Counter[str]], list[int]]:
        found = self._ngrams.get(text)
        if found is None:
            scorer = self.scorer
            counters = self._extract(scorer._preprocess_segment(text), scorer.char_order, scorer.whitespace)
            found = self._ngrams[text] = (counters, [sum(c.values()) for c in counters])
        return found


def _matches(a: list[Counter[str]], b: list[Counter[str]]) -> list[int]:
    """Clipped n-gram matches per order; symmetric, so one count serves both directions."""
    out = []
    for x, y in zip(a, b):
        if len(x) > len(y):
            x, y = y, x
        match = 0
        get = y.get
        for gram, count in x.items():
            other = get(gram)
            if other:
                match += count if count < other else other  # noqa: FURB136 - min() is a call per n-gram
        out.append(match)
    return out


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
    strings = _ChrfStrings()
    f_score = strings.scorer._compute_f_score
    pairs: dict[tuple[str, str], list[int]] = {}
    scores = []
    for hyp, ref in zip(hypotheses, references):
        hyp_grams, hyp_totals = strings.ngrams(hyp)
        ref_grams, ref_totals = strings.ngrams(ref)
        key = (hyp, ref) if hyp <= ref else (ref, hyp)
        matches = pairs.get(key)
        if matches is None:
            matches = pairs[key] = _matches(hyp_grams, ref_grams)
        stats = []
        for hyp_total, ref_total, ref_counter, match in zip(hyp_totals, ref_totals, ref_grams, matches):
            # sacrebleu counts no hypothesis n-grams of an order the reference has none of.
            stats += (hyp_total if ref_counter else 0, ref_total, match)
        scores.append(float(f_score(stats)))
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
