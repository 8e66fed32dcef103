"""The translation plumbing, with small fake engines: cache, pivots, failures, provenance, export."""

from __future__ import annotations

from pathlib import Path

import pytest

from annot import export_jsonl, import_jsonl, ingest, open_project, translate
from annot.errors import EngineError, ModelNotInstalled
from annot.translate import choose_route, registry, split_long
from tests.translate.fakes import FAKES, UpperEngine

TEXT = "Russia will send 9,000 troops. Minsk agrees.\n\nAlleged attack\n\nKyiv says BOOM. Nothing else."


@pytest.fixture(autouse=True)
def fake_engines(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(registry, "BUILTIN_ENGINES", FAKES)
    registry.get_engine.cache_clear()
    UpperEngine.calls.clear()
    yield
    registry.get_engine.cache_clear()


@pytest.fixture
def doc_store(tmp_path: Path):
    path = tmp_path / "a.en.txt"
    path.write_text(TEXT, "utf-8")
    store = open_project(tmp_path / "p", annotator="t")
    (doc,) = ingest(path, store).documents
    yield store, doc, path
    store.close()


def test_translate_stores_one_translation_per_sentence_with_provenance(doc_store):
    store, doc, _ = doc_store
    report = translate(doc, store, to="pt", engines=["upper"])
    assert report.runs[0].translated == 5 and report.failures == []
    df = store.translations(doc.id)
    assert list(df["index"]) == [0, 1, 2, 3, 4]
    assert df.loc[0, "text"] == "pt:RUSSIA WILL SEND 9,000 TROOPS."
    row = df.iloc[0]
    assert (row.engine, row.model, row.model_version, row.route) == ("upper", "upper-enpt", "1.0", "en>pt")
    assert row.signature == "upper|upper-enpt-1.0|en-pt"
    assert str(df["created_at"].dtype) == "datetime64[us, UTC]"


def test_translate_again_uses_what_is_stored(doc_store):
    store, doc, _ = doc_store
    translate(doc, store, to="pt", engines="upper")
    calls = len(UpperEngine.calls)
    report = translate(doc, store, to="pt", engines="upper")
    assert len(UpperEngine.calls) == calls and report.runs[0].kept == 5 and report.runs[0].translated == 0
    report = translate(doc, store, to="pt", engines="upper", force=True)
    assert report.runs[0].translated == 5 and len(UpperEngine.calls) == calls + 1


def test_editing_a_document_retranslates_only_changed_sentences(doc_store):
    store, doc, path = doc_store
    translate(doc, store, to="pt", engines="upper")
    path.write_text(TEXT.replace("Minsk agrees.", "Minsk disagrees."), "utf-8")
    (result,) = ingest(path, store).results
    report = translate(None, store, to="pt", engines="upper")
    (run,) = report.runs
    assert run.doc_id == result.doc_id and run.translated == 1 and run.cached == 4
    assert UpperEngine.calls[-1] == ["Minsk disagrees."]


def test_pivot_route_is_recorded(doc_store):
    store, doc, _ = doc_store
    route = choose_route("hop", "en", "pt")
    assert route.path == "en>es>pt" and route.name == "hop"
    translate(doc, store, to="pt", engines="hop")
    row = store.translations(doc.id).iloc[0]
    assert row.text == "pt(es(Russia will send 9,000 troops.))"
    assert row.route == "en>es>pt" and row.model == "hop-enes>hop-espt"
    assert row.signature == "pivot(hop|hop-enes-2|en-es > hop|hop-espt-2|es-pt)"


def test_pivot_through_a_helper_engine():
    # hop has no pt source: upper takes pt->en, then hop en->es. upper reaches es by itself, so the route is hop's.
    route = choose_route("hop", "pt", "es")
    assert route.path == "pt>en>es" and route.name == "hop+upper" and route.rank == (2, 2)
    assert route.translate(["Olá"]) == ["es(en:OLÁ)"]
    assert choose_route("hop+upper", "pt", "es") == route
    with pytest.raises(ModelNotInstalled, match="hop cannot translate pt->es directly, and pivots are off"):
        choose_route("hop", "pt", "es", pivot=False)
    with pytest.raises(ModelNotInstalled, match=r"hop cannot translate pt->es, .* helpers for the other hops: flaky\."):
        choose_route("hop+flaky", "pt", "es")


def test_unknown_pair_lists_what_is_installed(doc_store):
    store, doc, _ = doc_store
    with pytest.raises(ModelNotInstalled, match=r"upper cannot translate en->ru.*en->es, en->pt, pt->en"):
        translate(doc, store, to="ru", engines="upper")
    assert store.translations().empty
    # Without naming engines, when none reaches the language: one error saying what can be reached.
    with pytest.raises(ModelNotInstalled, match=r"^No installed engine translates en->ru\. Reachable from en: es, pt"):
        translate(doc, store, to="ru")
    # When some engine can, the others are skipped and reported.
    report = translate(doc, store, to="es")
    assert [run.engine for run in report.runs] == ["upper", "hop"] and "flaky" in report.skipped_engines


def test_engine_failing_part_way_keeps_what_it_translated(doc_store):
    store, doc, _ = doc_store
    with pytest.raises(EngineError, match=r"flaky on .*: sentences 3-4 failed \(flaky: backend crashed\)") as info:
        translate(doc, store, to="pt", engines="flaky", batch_size=1)
    assert list(store.translations(doc.id)["index"]) == [0, 1, 2]
    assert info.value.report.runs[0].failed == [3, 4]


def test_sentences_an_engine_breaks_on_fail_alone_and_the_rest_is_stored(doc_store, monkeypatch):
    """A backend crashing on one sentence (Apertium rus-ukr) costs that sentence, not its batch or the run."""
    monkeypatch.setattr(registry, "BUILTIN_ENGINES", {**FAKES, "crashy": "tests.translate.fakes:CrashyEngine"})
    registry.get_engine.cache_clear()
    store, doc, _ = doc_store
    with pytest.raises(
        EngineError, match=r"crashy on .*: sentences 3 failed \(1 of 5 texts failed.*crashy: tagger"
    ) as info:
        translate(doc, store, to="pt", engines="crashy")  # one batch of five
    stored = store.translations(doc.id)
    assert list(stored["index"]) == [0, 1, 2, 4] and stored.iloc[3]["text"] == "Nothing else."[::-1]
    run = info.value.report.runs[0]
    assert run.failed == [3] and run.translated == 4
    # Again: the stored ones are kept, the broken one tried again (and failing alone again).
    with pytest.raises(EngineError, match=r"sentences 3 failed") as again:
        translate(doc, store, to="pt", engines="crashy")
    assert again.value.report.runs[0].kept == 4 and again.value.report.runs[0].failed == [3]


def test_misaligned_backend_output_is_refused(doc_store):
    store, doc, _ = doc_store
    with pytest.raises(EngineError, match="returned 4 translations for 5 texts"):
        translate(doc, store, to="pt", engines="short")
    assert store.translations().empty


def test_blank_texts_are_skipped_and_long_texts_split_never_truncated():
    engine = UpperEngine()
    long = "One clause, another clause. " * 10
    out = engine.translate(["", "  ", long.strip(), "ok"], source="en", target="pt")
    assert out[:2] == ["", ""] and out[3] == "pt:OK"
    assert out[2].replace("pt:", "").replace(" ", "") == long.upper().replace(" ", "")
    assert all(len(piece) <= 60 for piece in UpperEngine.calls[-1])


@pytest.mark.parametrize("text", ["a" * 250, "word " * 100, "Sentence one. " * 30, "x"])
def test_split_long_keeps_every_character(text):
    pieces = split_long(text, 60)
    assert "".join(pieces) == text and all(len(p) <= 60 for p in pieces)


def test_translations_are_exported_and_imported(doc_store, tmp_path: Path):
    store, doc, _ = doc_store
    translate(doc, store, to="pt", engines=["upper", "hop"])
    for unit in ("document", "sentence"):
        out = export_jsonl(store, tmp_path / f"{unit}.jsonl", unit=unit).path
        text = out.read_text("utf-8")
        assert '"translations":[{"target":"pt","engine":"hop","text":"pt(es(Russia will send 9,000 troops.))"' in text
        with open_project(tmp_path / f"copy-{unit}") as copy:
            import_jsonl(copy, out)
            again = export_jsonl(copy, tmp_path / f"again-{unit}.jsonl", unit=unit).path
            assert again.read_bytes() == out.read_bytes()
            assert len(copy.translations()) == 10
