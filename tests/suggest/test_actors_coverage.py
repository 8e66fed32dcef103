"""Floors on the actors of the nine coverage articles (tests/data/gold/coverage/) and the seed, as annot suggests them.

The nine were split before the second round of actor rules (issue 12) into a
*dev* set, whose misses were read and fixed (ru it es cs sl), and a *test* set
never looked at (uk pl sk ka): its figures say how the rules do on unseen text.
Measured with ``suggest_documents(only="actors")`` on a fresh project, no
accepted actors (exact span and type, ``tests/suggest/gold.py``):

    set   lang  P/R/F1 before   P/R/F1 after
    dev   ru    0.81/0.71/0.76  1.00/1.00/1.00
    dev   it    0.93/0.67/0.78  1.00/1.00/1.00
    dev   es    0.87/0.77/0.82  1.00/1.00/1.00
    dev   cs    0.88/0.88/0.88  1.00/1.00/1.00
    dev   sl    0.87/0.62/0.72  1.00/1.00/1.00
    test  uk    0.83/0.75/0.79  0.90/0.90/0.90
    test  pl    0.90/0.90/0.90  0.95/0.95/0.95
    test  sk    0.80/0.71/0.75  0.94/0.94/0.94
    test  ka    0.75/0.50/0.60  0.94/0.89/0.91
    seed  en    0.97/0.93/0.95  0.97/1.00/0.98

Floors sit a little under the measured figures (dev ones further under: they
were tuned on), so that a change that loses actors on real articles fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.store import Store
from tests.suggest import gold as G

DEV = ("ru", "it", "es", "cs", "sl")
TEST = ("uk", "pl", "sk", "ka")
# lang -> (precision, recall) floors.
FLOORS = {
    "en": (0.9, 0.9),
    **{lang: (0.9, 0.9) for lang in DEV},
    "uk": (0.85, 0.85), "pl": (0.9, 0.9), "sk": (0.9, 0.9), "ka": (0.9, 0.85),
}  # fmt: skip


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, G.Score]:
    store = Store(Path(tmp_path_factory.mktemp("coverage")) / "p", annotator="tester")
    with store:
        docs = {lang: G.ingest_one(store, G.article(lang)) for lang in FLOORS}
        annot.suggest_documents(store, only="actors")
        return {
            lang: G.score(G.actor_marks(G.actor_rows(lang)),
                          G.to_marks(s for s in G.suggested(store, doc.id) if s.label == "ACTOR"))
            for lang, doc in docs.items()
        }  # fmt: skip


@pytest.mark.parametrize("lang", list(FLOORS))
def test_actors_coverage_floors(scores: dict[str, G.Score], lang: str):
    precision, recall = FLOORS[lang]
    assert scores[lang].precision >= precision and scores[lang].recall >= recall, scores[lang].line()


def test_actors_coverage_targets_of_issue_12(scores: dict[str, G.Score]):
    assert scores["en"].f1 >= 0.85
    assert all(scores[lang].f1 >= 0.75 for lang in [*DEV, *TEST]), {k: s.line() for k, s in scores.items()}
