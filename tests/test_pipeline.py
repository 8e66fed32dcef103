"""ingest(): files -> documents -> sentences -> store, as users run it on folders; translate() on part of a document."""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot import ingest


def _corpus(tmp_path: Path, seed_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "seed.en.txt").write_text(seed_path.read_text("utf-8"), "utf-8")
    (folder / "empty.txt").write_text(" \n", "utf-8")
    (folder / "ru.txt").write_bytes("Москва направит войска в Беларусь. Минск это подтвердил.".encode("cp1251"))
    return folder


def test_ingest_batch_reports_each_file_and_keeps_going(tmp_path: Path, seed_path: Path, project):
    calls = []
    report = ingest(_corpus(tmp_path, seed_path), project, progress=lambda *a: calls.append(a))
    assert report.count("added") == 2 and len(report.errors) == 1
    assert "empty.txt" in str(report.errors[0])
    assert [c[:2] for c in calls] == [(1, 3), (2, 3), (3, 3)]
    assert report.summary() == "2 added, 0 unchanged, 0 new versions, 1 refused"
    langs = sorted(project.documents()["lang"].astype(str))
    assert langs == ["en", "ru"]


def test_ingest_again_is_a_no_op(tmp_path: Path, seed_path: Path, project):
    folder = _corpus(tmp_path, seed_path)
    ingest(folder, project)
    before = (project.counts(), len(project.history()))
    report = ingest(folder, project, progress=True)  # a bar where there is a terminal; harmless here
    assert report.count("unchanged") == 2 and report.count("added") == 0
    assert (project.counts(), len(project.history())) == before


def test_ingest_changed_file_is_a_new_version_with_spans_carried_over(tmp_path: Path, seed_path: Path, project):
    path = tmp_path / "article.en.txt"
    text = seed_path.read_text("utf-8")
    path.write_text(text, "utf-8")
    (doc,) = ingest(path, project).documents
    kept = project.add_span(doc.id, doc.text.index("Minsk"), doc.text.index("Minsk") + 5, "ACTOR", {"type": "state"})
    moved_at = doc.text.index("Interfax")
    moved = project.add_span(doc.id, moved_at, moved_at + 8, "ACTOR", {"type": "media"})
    gone_at = doc.text.index("170 tanks")
    gone = project.add_span(doc.id, gone_at, gone_at + 9, "QUANTITY", {"value": 170, "unit": "tanks"})
    # The editor fixed the tank count and added a sentence before the Interfax quote.
    path.write_text(text.replace("170 tanks", "180 tanks").replace("Those activities", "New line. Those activities"))
    report = ingest(str(path), project)
    (result,) = report.results
    assert result.status == "new_version" and result.previous_id == doc.id
    assert kept.id in result.kept and moved.id in result.reanchored and result.orphaned == (gone.id,)
    assert "1 spans re-anchored, 1 orphaned" in report.summary()
    new = project.document(result.doc_id)
    moved_now = project.get_span(moved.id)
    assert new.text[moved_now.start : moved_now.end] == "Interfax" and moved_now.anchor == "reanchored"
    orphan = project.get_span(gone.id)
    assert orphan.doc_id == doc.id and orphan.anchor == "orphaned"  # kept on the old version, flagged
    assert len(project.spans(include_deleted=True)) == 3
    assert list(project.documents()["id"]) == [new.id]
    assert len(project.documents(all_versions=True)) == 2


def test_ingest_without_store_only_reads(tmp_path: Path, seed_path: Path):
    report = annot.ingest(seed_path)
    assert len(report.documents) == 1 and report.results == []
    assert len(annot.segment(report.documents[0])) == 14


def test_translate_only_some_sentences_then_the_rest(seed_path: Path, project):
    (doc,) = ingest(seed_path, project).documents
    report = annot.translate(doc, project, to="es", engines="apertium", sentences=[5, 2, 99])
    (run,) = report.runs
    assert (run.translated, run.cached, run.kept) == (2, 0, 0)  # 99: not a sentence of the document, ignored
    assert [t.index for t in project.get_translations(doc.id, target="es")] == [2, 5]
    (run,) = annot.translate(doc, project, to="es", engines="apertium").runs
    assert (run.translated, run.kept) == (12, 2)
    (run,) = annot.translate(doc, project, to="es", engines="apertium", sentences=[]).runs
    assert (run.translated, run.cached, run.kept) == (0, 0, 0)


def test_translate_some_sentences_copies_what_another_document_has(tmp_path: Path, seed_path: Path, project):
    (doc,) = ingest(seed_path, project).documents
    annot.translate(doc, project, to="es", engines="apertium", sentences=[0, 1])
    copy = tmp_path / "copy.en.txt"
    copy.write_text("Breaking.\n\n" + seed_path.read_text("utf-8"), "utf-8")  # the seed's sentences, one later
    (other,) = ingest(copy, project).documents
    (run,) = annot.translate(other, project, to="es", engines="apertium", sentences=[1, 2]).runs
    assert (run.translated, run.cached) == (0, 2)
    mine = {t.index: t.text for t in project.get_translations(other.id, target="es")}
    seed = {t.index: t.text for t in project.get_translations(doc.id, target="es")}
    assert mine == {1: seed[0], 2: seed[1]}


def test_translate_a_named_engine_takes_a_helper_for_one_hop(seed_path: Path, project):
    (doc,) = ingest(seed_path, project).documents
    with pytest.raises(annot.ModelNotInstalled, match="argos cannot translate en->es directly, and pivots are off"):
        annot.translate(doc, project, to="es", engines="argos", pivot=False, sentences=[0])
    (run,) = annot.translate(doc, project, to="es", engines="argos", sentences=[0]).runs
    assert (run.engine, run.route, run.translated) == ("argos+apertium", "en>pt>es", 1)
    assert run.signature.startswith("pivot(argos|") and "> apertium|" in run.signature
    # The printed name asks for the same route (only apertium may help).
    (run,) = annot.translate(doc, project, to="es", engines="argos+apertium", sentences=[0, 1]).runs
    assert (run.engine, run.kept, run.translated) == ("argos+apertium", 1, 1)
    with pytest.raises(annot.EngineError, match="Unknown engine 'nope'"):
        annot.translate(doc, project, to="es", engines="argos+nope")
    with pytest.raises(annot.EngineError, match="'argos\\+' is not an engine or route name"):
        annot.translate(doc, project, to="es", engines="argos+")
