"""Sentences an engine fails on alone: stored with the reason, flagged in the MT pane and in compare, in later sessions.

With the real Apertium rus-ukr pair (Debian 0.2.1), whose pipeline gives no
output for "Это второй эшелон." while it translates the other sentences here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import annot
from annot.annotate.mt import BackgroundTranslator, mt_rows
from annot.compare import compare
from annot.compare.side_by_side import side_by_side_html
from annot.errors import EngineError
from annot.store import DB_NAME, Store
from annot.store.migrations import FAILURES_VERSION, MIGRATIONS, OLDEST_READABLE
from annot.translate import choose_route
from tests.store.conftest import as_older_version

# Written by the annot developers for this test, not from an article; sentence 1 breaks rus-ukr.
TEXT = "Москва — большой город.\n\nЭто второй эшелон.\n\nПрезидент говорил вчера."
CRASHING = 1


@pytest.fixture
def russian(tmp_path: Path) -> tuple[Path, str]:
    """A project holding the Russian note, translated into Ukrainian by Apertium (one sentence failing)."""
    path = tmp_path / "note.ru.txt"
    path.write_text(TEXT, "utf-8")
    project = tmp_path / "project"
    with annot.open_project(project, annotator="t") as store:
        (doc,) = annot.ingest(path, store, lang="ru").documents
        assert [s.text for s in store.get_sentences(doc)][CRASHING] == "Это второй эшелон."
        with pytest.raises(EngineError, match=r"apertium on .*: sentences 1 failed") as info:
            annot.translate(doc, store, to="uk", engines=["apertium"])
        (run,) = info.value.report.runs  # type: ignore[attr-defined]
        assert (run.translated, run.failed, list(run.reasons)) == (2, [CRASHING], [CRASHING])
    return project, doc.id


def test_failed_sentence_is_stored_with_its_reason_for_later_sessions(russian):
    project, doc_id = russian
    with Store(project) as store:  # a later session
        (failure,) = store.get_translation_failures(doc_id, target="uk")
        found = (failure.index, failure.engine, failure.route, failure.model)
        assert found == (CRASHING, "apertium", "ru>uk", "rus-ukr")
        assert failure.reason.startswith("ru>uk: apertium rus-ukr gave no translation for 'Это второй эшелон.'")
        assert failure.signature == choose_route("apertium", "ru", "uk").signature()
        assert store.get_translation_failures(doc_id, target="uk", index=0) == []
        assert {t.index for t in store.get_translations(doc_id, target="uk")} == {0, 2}


def test_failed_sentence_is_a_flag_row_in_the_mt_pane(russian):
    project, doc_id = russian
    with Store(project) as store:
        sentences = store.get_sentences(doc_id)
        (row,) = mt_rows(store, doc_id, sentences[CRASHING], "uk")
        (flag,) = row["flags"]
        assert (row["engine"], row["route"], row["text"], flag["kind"]) == ("apertium", "ru>uk", "", "failed")
        assert flag["text"].startswith("engine failed: ru>uk: apertium rus-ukr gave no translation")
        assert "\n" not in flag["text"] and not flag["dismissed"]
        (ok,) = mt_rows(store, doc_id, sentences[0], "uk")
        assert ok["text"] == "Москва — великий город." and ok["flags"] == []
        # Dismissed (acknowledged), it shows faded, and compare no longer counts it.
        store.dismiss_flag(doc_id, CRASHING, "apertium", "failed", flag["value"])
        assert mt_rows(store, doc_id, sentences[CRASHING], "uk")[0]["flags"][0]["dismissed"]


def test_failed_sentence_is_flagged_in_compare(russian):
    project, doc_id = russian
    with Store(project) as store:
        frame = compare(doc_id, store, target="uk", engines="apertium", reference=None, round_trip=False)
        assert frame["failed.apertium"].isna().tolist() == [True, False, True]
        assert frame.at[CRASHING, "failed.apertium"].startswith("ru>uk: apertium rus-ukr gave no translation")
        assert frame["text.apertium"].isna().tolist() == [False, True, False]
        html = side_by_side_html(frame, flag="failed")
        assert "engine failed: ru&gt;uk: apertium rus-ukr" in html and "Москва" not in html


def test_failed_sentence_does_not_stop_the_background_translator(tmp_path: Path):
    path = tmp_path / "note.ru.txt"
    path.write_text(TEXT, "utf-8")
    with annot.open_project(tmp_path / "project", annotator="t") as store:
        (doc,) = annot.ingest(path, store, lang="ru").documents
        states: list[dict] = []
        translator = BackgroundTranslator(store, doc.id, states.append, batch_size=1)
        translator.ensure("uk", "apertium")
        assert translator.join(timeout=300)
        assert (states[-1]["status"], states[-1]["done"], states[-1]["error"]) == ("done", 3, "")
        assert [f.index for f in store.get_translation_failures(doc.id)] == [CRASHING]
        # Known failures are not tried again on every look: the job is done as it stands.
        again = BackgroundTranslator(store, doc.id, states.append)
        assert again.ensure("uk", "apertium")["status"] == "done"


def test_failed_sentence_gives_way_to_a_translation_with_the_same_signature(russian):
    project, doc_id = russian
    with Store(project) as store:
        (failure,) = store.get_translation_failures(doc_id)
        store.add_translations([annot.Translation(doc_id, CRASHING, failure.engine, failure.model,
                                                  failure.model_version, "ru", "uk", failure.route,
                                                  failure.signature, "Це другий ешелон.")])  # fmt: skip
        assert store.get_translation_failures(doc_id) == []


def test_failures_of_an_older_store_opened_read_only_are_none(russian):
    project, doc_id = russian
    mine = next(i for i, step in enumerate(MIGRATIONS) if "CREATE TABLE translation_failures" in str(step))
    assert mine + 1 == FAILURES_VERSION and mine >= OLDEST_READABLE
    as_older_version(project, mine)
    conn = sqlite3.connect(project / DB_NAME)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'translation_failures'").fetchone() is None
    conn.close()
    with Store(project, read_only=True) as old:
        assert old.get_translation_failures(doc_id) == []
        assert len(old.get_translations(doc_id)) == 2  # the rest reads as before
    with Store(project) as upgraded:  # opened for writing, it is migrated: the table is back, empty
        assert upgraded.get_translation_failures(doc_id) == []
