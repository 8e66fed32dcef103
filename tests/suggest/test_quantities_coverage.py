"""Quantity suggestions on the nine coverage texts, read as the suggestion layer reads them: floors.

The texts (tests/data/coverage/) are ingested into a real store and each of annot's
sentences goes through ``find_quantities``; the guesses are scored against the
quantities marked by hand in tests/data/gold/coverage/<lang>.quantities.jsonl
(81 marks), a guess counting when its value and qualifier are right and its span
is the marked one (exact). First measured before any fix (the gold was committed
first): exact F1 0.75 over the nine (ru 0.73, it 0.84, uk 0.90, es 0.75, cs 0.74,
sk 0.67, pl 0.78, ka 0.50, sl 0.71). After the general fixes it showed (Slavic
genitive complements, labelled measurements, month abbreviations, the sk, sl and
ka tables, Georgian case endings): 1.00/1.00 in every language. Each floor is a
bit under that: one language may lose one mark of its 7-11 (P and R 0.85), the
nine together two of 81 (F1 0.97).
"""

from __future__ import annotations

import itertools

import pytest

from tests.suggest import gold as G
from tests.suggest import quantity_gold as Q

PER_LANGUAGE = 0.85  # measured 1.00 in each language
ALL_NINE = 0.97  # measured 1.00


@pytest.mark.parametrize("lang", G.COVERAGE_LANGUAGES)
def test_coverage_quantities_per_language_floor(lang):
    exact = Q.scores(lang)["exact"]
    assert exact.gold == len(Q.gold_rows(lang)) >= 7
    assert exact.precision >= PER_LANGUAGE and exact.recall >= PER_LANGUAGE, (lang, exact.line())


def test_coverage_quantities_all_nine_floor():
    total = sum((Q.scores(lang)["exact"] for lang in G.COVERAGE_LANGUAGES), G.Score(0, 0, 0))
    assert total.gold == 81
    assert total.f1 >= ALL_NINE, total.line()


@pytest.mark.parametrize("lang", G.COVERAGE_LANGUAGES)
def test_coverage_gold_rows_slice_back_to_their_text(lang):
    text = Q.document_text(lang)
    rows = Q.gold_rows(lang)
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows)
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(rows))  # in order, none overlapping
