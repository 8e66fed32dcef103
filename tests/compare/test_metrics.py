"""annot.compare.metrics gives sacrebleu's numbers: checked against sacrebleu called directly on the same strings."""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import BLEU, CHRF, TER

from annot.compare.metrics import METRICS, chrf_many, corpus_score, sentence_score, signatures

# The seed article's second sentence, its human Spanish version and two machine ones.
SOURCE = (
    "Russia will send some 170 tanks, up to 200 armored combat vehicles and up to 100 artillery pieces"
    " and mortars to the southern border of Belarus, which borders Ukraine."
)
REFERENCE = (
    "Rusia enviará unos 170 tanques, hasta 200 vehículos blindados de combate y hasta 100 piezas de"
    " artillería y morteros a la frontera sur de Bielorrusia, que limita con Ucrania."
)
APERTIUM = (
    "Rusia enviará algunos 170 tanques, hasta 200 vehículos de combate blindados y hasta 100 piezas de"
    " artillería y morteros a la frontera del sur de Belarus, cuál fronteras Ucrania."
)
PIVOT = "A Rússia enviará 170 tanques e 100 peças de artilharia para a fronteira sul da Bielorrússia."
STRINGS = [SOURCE, REFERENCE, APERTIUM, PIVOT, "", " ", "a", "ab", "Minsk.", "“purely defensive”", "9,000", "9.000"]
HYPS = [APERTIUM, PIVOT, REFERENCE, "", "Rusia", "9.000 militares"]
REFS = [REFERENCE, REFERENCE, REFERENCE, REFERENCE, "Rusia", "hasta 9.000 militares"]


def _direct(metric: str, *, sentence: bool):
    return {"chrf": CHRF(), "bleu": BLEU(effective_order=sentence), "ter": TER()}[metric]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize(("hyp", "ref"), list(zip(HYPS, REFS)))
def test_metrics_sentence_score_is_sacrebleus(metric: str, hyp: str, ref: str):
    expected = _direct(metric, sentence=True).sentence_score(hyp, [ref]).score
    assert sentence_score(metric, hyp, ref) == pytest.approx(expected, abs=1e-9)


def test_metrics_chrf_many_matches_sacrebleu_on_every_ordered_pair():
    pairs = [(a, b) for a in STRINGS for b in STRINGS]
    got = chrf_many([a for a, _ in pairs], [b for _, b in pairs])
    chrf = CHRF()
    assert got == [chrf.sentence_score(a, [b]).score for a, b in pairs]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=40), st.text(max_size=40)), max_size=6))
def test_metrics_chrf_many_property(pairs: list[tuple[str, str]]):
    # Repeated and reversed pairs share n-grams and matches inside chrf_many; the numbers must not move.
    pairs = pairs + [(b, a) for a, b in pairs] + pairs[:2]
    chrf = CHRF()
    got = chrf_many([a for a, _ in pairs], [b for _, b in pairs])
    assert got == [chrf.sentence_score(a, [b]).score for a, b in pairs]


def test_metrics_chrf_many_needs_one_reference_each():
    with pytest.raises(ValueError, match="one reference per hypothesis"):
        chrf_many(["a", "b"], ["a"])


def test_metrics_unknown_metric_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid metrics: chrf, bleu, ter"):
        sentence_score("meteor", "a", "a")  # type: ignore[arg-type]


@pytest.mark.parametrize("metric", METRICS)
def test_metrics_corpus_score_and_interval_are_sacrebleus(metric: str, monkeypatch: pytest.MonkeyPatch):
    result = corpus_score(metric, HYPS, REFS, n_bootstrap=200, seed=7)
    monkeypatch.setenv("SACREBLEU_SEED", "7")
    direct = _direct(metric, sentence=False)
    expected = direct.corpus_score(HYPS, [REFS], n_bootstrap=200)
    assert result.score == pytest.approx(expected.score)
    assert result.mean == pytest.approx(expected._mean)
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (expected._mean - expected._ci, expected._mean + expected._ci)
    )
    assert result.ci_low <= result.mean <= result.ci_high
    assert result.signature == str(direct.get_signature())
    assert "|bs:200|seed:7|" in result.signature and result.sentences == len(HYPS)


def test_metrics_corpus_interval_is_reproducible_and_seeded():
    one = corpus_score("chrf", HYPS, REFS, n_bootstrap=300)
    two = corpus_score("chrf", HYPS, REFS, n_bootstrap=300)
    other = corpus_score("chrf", HYPS, REFS, n_bootstrap=300, seed=99)
    assert one == two
    assert (one.ci_low, one.ci_high) != (other.ci_low, other.ci_high) and one.score == other.score
    assert "seed:12345" in one.signature and "seed:99" in other.signature


def test_metrics_corpus_seed_leaves_the_environment_alone(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SACREBLEU_SEED", raising=False)
    corpus_score("bleu", HYPS, REFS, n_bootstrap=10, seed=3)
    assert "SACREBLEU_SEED" not in os.environ
    monkeypatch.setenv("SACREBLEU_SEED", "none")
    corpus_score("bleu", HYPS, REFS, n_bootstrap=10, seed=3)
    assert os.environ["SACREBLEU_SEED"] == "none"


def test_metrics_corpus_without_bootstrap_has_no_interval():
    result = corpus_score("ter", HYPS, REFS, n_bootstrap=1)
    assert result.score == pytest.approx(TER().corpus_score(HYPS, [REFS]).score)
    assert math.isnan(result.ci_low) and math.isnan(result.ci_high) and "bs:" not in result.signature


@pytest.mark.parametrize(("hyps", "refs", "message"), [([], [], "at least one sentence"), (["a"], [], "one reference")])
def test_metrics_corpus_score_refuses_bad_input(hyps: list[str], refs: list[str], message: str):
    with pytest.raises(ValueError, match=message):
        corpus_score("chrf", hyps, refs)


def test_metrics_signatures_are_sacrebleus():
    sentence, corpus = signatures(), signatures(sentence=False)
    assert list(sentence) == list(METRICS)
    assert sentence["bleu"].startswith("nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:")
    assert corpus["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a")
    assert sentence["chrf"] == corpus["chrf"] and sentence["chrf"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0")
    assert sentence["ter"].startswith("nrefs:1|case:lc|tok:tercom")
