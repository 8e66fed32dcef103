"""Projecting many documents: which have something to project, and refreshing each as ``refresh_projection`` does."""

from __future__ import annotations

from pathlib import Path

import pytest

from annot.batch import project_batch
from annot.errors import AnnotError
from annot.project.documents import projectable, refresh_projections, unprojectable
from annot.project.stored import refresh_projection
from annot.store import Store
from tests.project.conftest import build_gold_project


@pytest.fixture
def gold(tmp_path: Path) -> tuple[Store, str, str]:
    """A fresh gold project per test (the tests write): the store, the seed's id, the Spanish version's id."""
    store, seed, spanish = build_gold_project(tmp_path / "p")
    yield store, seed, spanish
    store.close()


def test_documents_projectable_named_raise_every_one_skips(gold):
    store, seed, spanish = gold
    chosen, skipped = projectable(store, None, "pt")
    assert [d.id for d in chosen] == [seed]
    assert [(u.doc_id, u.reason) for u in skipped] == [(spanish, "no translation into 'pt', no linked version")]
    assert [d.id for d in projectable(store, None, "es")[0]] == [seed]  # the Spanish version is a target there
    assert projectable(store, None, "es")[1] == []
    assert [d.id for d in projectable(store, [seed, seed[:16]], "es")[0]] == [seed]  # named twice: once
    with pytest.raises(AnnotError, match=f"^Nothing to project {spanish} into 'pt'"):
        projectable(store, [seed, spanish], "pt")
    why = unprojectable(store, store.document(seed), "es", engines=["deepl"])
    assert why is not None and why.reason.startswith("no translation by deepl (stored: apertium, ")


def test_documents_refresh_projections_stores_what_each_refresh_does(gold, tmp_path: Path):
    store, seed, _ = gold
    report = refresh_projections(store, None, "es", lexicon="cached")
    assert [(r.doc_id, r.recomputed) for r in report.runs] == [(seed, True)] and report.skipped == []
    assert report.summary().startswith("1 document into es: 1 recomputed, 0 up to date, 0 with nothing to project")
    other, _, _ = build_gold_project(tmp_path / "q")
    single = refresh_projection(other, seed, "es", lexicon="cached")
    columns = [c for c in single.frame.columns if c != "target_span_id"]
    assert report.runs[0].frame[columns].equals(single.frame[columns])
    assert report.runs[0].added == single.added > 0
    other.close()
    # In this process through annot.batch (one document: no cluster), nothing stale now.
    again = project_batch(store, None, "es", lexicon="cached")
    assert [(r.doc_id, r.recomputed, r.kept) for r in again.runs] == [(seed, False, single.added)]
