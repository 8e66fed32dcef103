"""The seed article through the real engines, end to end: pipeline, store, checks, export."""

from __future__ import annotations

from pathlib import Path

import pytest

from annot import check_numbers, export_jsonl, ingest, open_project, translate
from annot.translate import registry

NAMES = ("Revenko", "Lukashenko", "Putin")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    registry.get_engine.cache_clear()
    root = tmp_path_factory.mktemp("real")
    store = open_project(root / "project", annotator="t")
    seed = Path(request.config.rootpath) / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
    (doc,) = ingest(seed, store).documents
    yield store, doc
    store.close()


@pytest.mark.parametrize("target", ["es", "ca", "gl"])
def test_apertium_translates_the_seed(seeded, target: str):
    store, doc = seeded
    report = translate(doc, store, to=target, engines="apertium")
    (run,) = report.runs
    assert run.route == f"en>{target}" and run.translated + run.kept == 14
    df = store.translations(doc.id, target=target, engine="apertium")
    assert len(df) == 14 and df["text"].str.strip().str.len().gt(0).all()
    assert "Revenko" in " ".join(df["text"])
    # Apertium keeps English digit grouping, so every number survives as written.
    for source, text in zip(df["source"], df["text"]):
        assert check_numbers(source, text).ok, (source, text)


def test_apertium_pivots_to_portuguese_through_spanish(seeded, tmp_path: Path):
    store, doc = seeded
    translate(doc, store, to="pt", engines="apertium")
    df = store.translations(doc.id, target="pt", engine="apertium")
    assert len(df) == 14 and set(df["route"]) == {"en>es>pt"}
    assert df["signature"].iloc[0].startswith("pivot(apertium|eng-spa-")
    assert df["model"].iloc[0] == "eng-spa>es-pt"
    out = export_jsonl(store, tmp_path / "seed.jsonl").path.read_text("utf-8")
    assert '"route":"en>es>pt"' in out


def test_cached_document_is_not_translated_again(seeded):
    store, doc = seeded
    translate(doc, store, to="es", engines="apertium")
    report = translate(doc, store, to="es", engines="apertium")
    assert report.runs[0].kept == 14 and report.runs[0].translated == 0


@pytest.mark.parametrize("target", ["pt", "es"])
def test_every_engine_translates_every_seed_sentence(seeded, target: str):
    """argos and bergamot reach es through a pivot (en>pt>es with Apertium); names and numbers survive."""
    store, doc = seeded
    report = translate(doc, store, to=target, engines=["argos", "bergamot", "apertium"])
    routes = {run.engine: run.route for run in report.runs}
    if target == "pt":
        assert routes == {"argos": "en>pt", "bergamot": "en>pt", "apertium": "en>es>pt"}
    else:
        assert routes == {"argos+apertium": "en>pt>es", "bergamot+apertium": "en>pt>es", "apertium": "en>es"}
    df = store.translations(doc.id, target=target)
    assert len(df) == 14 * 3 and df["text"].str.strip().str.len().gt(0).all()
    for engine, group in df.groupby("engine", observed=True):
        joined = " ".join(group["text"])
        for name in NAMES:
            assert name in joined, (engine, name)
        for source, text in zip(group["source"], group["text"]):
            assert check_numbers(source, text).ok, (engine, source, text)
