"""Scores of translations against references: thin, typed wrappers over sacrebleu's chrF, BLEU and TER.

Sentence scores are sacrebleu's ``sentence_score`` (BLEU with effective order,
as sacrebleu recommends for single sentences); corpus scores are its
``corpus_score``, with the 95% confidence interval of its bootstrap resampling.
Every score comes with the sacrebleu signature that records how it was made.
``chrf_many`` (sentence chrF of many pairs, the same numbers, faster) is the
aligner's arithmetic, ``annot.align.chrf``.
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

from annot.align.chrf import chrf_many

__all__ = [
    "CorpusScore",
    "DEFAULT_SEED",
    "METRICS",
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
