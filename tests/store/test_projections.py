"""Stored projections in the store: saved and read back typed, replaced whole, refused when malformed, absent
from old files and added to them by the migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annot.errors import NotFound, SpanError, StoreError
from annot.model import Document
from annot.store import DB_NAME, SCHEMA_VERSION, Store
from annot.store.migrations import OLDEST_READABLE, PROJECTIONS_VERSION
from annot.store.projections import PROJECTION_COLUMNS
from tests.store.conftest import as_older_version, dump, find, make_doc


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(PROJECTION_COLUMNS, "")
    row |= {
        "span_id": "sp-0000000000000001", "label": "ACTOR", "part": "span", "source_text": "Russia", "sentence": 0,
        "target": "argos en>pt", "kind": "route", "engine": "argos", "route": "en>pt", "signature": "argos|x",
        "target_sentence": 0, "status": "kept", "target_start": 0, "target_end": 6, "target_text": "Rússia",
        "method": "name", "confidence": 0.9, "detail": "", "problem": "", "target_span_id": None,
    }  # fmt: skip
    return row | changes


def _frame(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(PROJECTION_COLUMNS))


def _lost_and_added() -> pd.DataFrame:
    lost = {"status": "lost", "target_start": None, "target_end": None, "target_text": "", "method": ""}
    added = {"span_id": None, "part": "added", "source_text": "", "status": "added", "target_start": 10}
    return _frame(
        _row(),
        _row(span_id="sp-0000000000000002", source_text="Minsk", confidence=0.0, problem="lost", **lost),
        _row(**added, target_end=15, target_text="Kyiv", method="detect", confidence=0.7, problem="added"),
    )


def test_projections_saved_and_read_back_typed_in_order(store: Store, doc: Document):
    assert store.projections().empty and store.projection_stamp(doc.id, "pt") is None
    assert store.save_projection(doc.id, "pt", _lost_and_added(), "v1:abc") == 3
    found = store.projections(doc.id, "pt")
    assert list(found.columns) == ["doc_id", "lang", *PROJECTION_COLUMNS]
    assert found["status"].astype(str).tolist() == ["kept", "lost", "added"]
    assert found["span_id"].tolist()[:2] == ["sp-0000000000000001", "sp-0000000000000002"]
    assert found["span_id"].isna().tolist() == [False, False, True]
    assert found["target_start"].isna().tolist() == [False, True, False]
    assert found["target_span_id"].isna().all()
    for col in ("sentence", "target_sentence", "target_start", "target_end"):
        assert str(found[col].dtype) == "Int64", col
    for col in ("span_id", "source_text", "target_text", "method", "detail", "problem", "target_span_id"):
        assert str(found[col].dtype) == "string", col
    for col in ("label", "part", "kind", "status", "target", "engine", "route", "lang"):
        assert isinstance(found[col].dtype, pd.CategoricalDtype), col
    assert found["confidence"].tolist() == [0.9, 0.0, 0.7]
    assert store.projection_stamp(doc.id, "pt") == "v1:abc"
    assert store.projections(doc.id, "es").empty and store.projection_stamp(doc.id, "es") is None


def test_projections_saved_again_replace_that_document_and_language_only(store: Store, doc: Document):
    other, sentences = make_doc("Kyiv objected. Minsk agreed.", "Other")
    store.add_document(other, sentences)
    store.save_projection(doc.id, "pt", _lost_and_added(), "one")
    store.save_projection(doc.id, "es", _frame(_row(target="apertium en>es")), "es")
    store.save_projection(other.id, "pt", _frame(_row()), "other")
    store.save_projection(doc.id, "pt", _frame(_row(target_text="Rússia!")), "two")
    assert store.projections(doc.id, "pt")["target_text"].tolist() == ["Rússia!"]
    assert store.projection_stamp(doc.id, "pt") == "two"
    assert len(store.projections()) == 3 and len(store.projections(lang="pt")) == 2
    assert store.projections(doc.id)["lang"].astype(str).tolist() == ["es", "pt"]
    store.save_projection(doc.id, "pt", _frame(), "empty")  # nothing to project: no rows, but fresh
    assert store.projections(doc.id, "pt").empty and store.projection_stamp(doc.id, "pt") == "empty"


def test_projections_link_the_span_a_row_offered(store: Store, doc: Document):
    span = store.add_span(doc.id, *find(doc.text, "Minsk"), "ACTOR", origin="projected", status="pending")
    store.save_projection(doc.id, "es", _frame(_row(kind="reference", target_span_id=span.id)), "s")
    assert store.projections(doc.id, "es")["target_span_id"].tolist() == [span.id]
    with pytest.raises(StoreError, match="refused the write"):  # a span id the store does not have
        store.save_projection(doc.id, "es", _frame(_row(target_span_id="sp-ffffffffffffffff")), "s")
    assert store.projections(doc.id, "es")["target_span_id"].tolist() == [span.id]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_frame(_row()).drop(columns=["status", "method"]), "needs the columns status, method"),
        (_frame(_row(target_start=1.5)), "target_start must be an integer, got 1.5"),
        (_frame(_row(sentence=None)), "has no sentence"),
        (_frame(_row(confidence=1.5)), "confidence must be from 0 to 1"),
        (_frame(_row(status="")), "has no status"),
    ],
    ids=["columns", "offset", "sentence", "confidence", "status"],
)
def test_projections_malformed_frame_is_refused_and_nothing_written(
    store: Store, doc: Document, project: Path, frame: pd.DataFrame, message: str
):
    store.save_projection(doc.id, "pt", _frame(_row()), "kept")
    before = dump(project)
    with pytest.raises(SpanError, match=message):
        store.save_projection(doc.id, "pt", frame, "new")
    with pytest.raises(SpanError, match="needs its stamp"):
        store.save_projection(doc.id, "pt", _frame(_row()), "")
    assert dump(project) == before


def test_projections_of_an_unknown_document_are_not_found(store: Store):
    for call in (
        lambda: store.save_projection("nosuch", "pt", _frame(_row()), "s"),
        lambda: store.projections("nosuch"),
        lambda: store.projection_stamp("nosuch", "pt"),
    ):
        with pytest.raises(NotFound, match="No document 'nosuch'"):
            call()


def test_projections_kept_on_disk(project: Path):
    document, sentences = make_doc()
    with Store(project) as store:
        store.add_document(document, sentences)
        store.save_projection(document.id, "pt", _lost_and_added(), "disk")
    with Store(project, read_only=True) as again:
        assert len(again.projections(document.id, "pt")) == 3 and again.projection_stamp(document.id, "pt") == "disk"


@pytest.mark.sqlite_only
def test_projections_older_store_reads_none_read_only_and_is_upgraded(project: Path):
    assert OLDEST_READABLE < PROJECTIONS_VERSION <= SCHEMA_VERSION
    document, sentences = make_doc()
    with Store(project) as store:
        store.add_document(document, sentences)
        store.add_span(document.id, *find(document.text, "Russia"), "ACTOR")
    as_older_version(project, PROJECTIONS_VERSION - 1)
    with Store(project, read_only=True) as old:
        found = old.projections(document.id, "pt")
        assert found.empty and list(found.columns) == ["doc_id", "lang", *PROJECTION_COLUMNS]
        assert old.projection_stamp(document.id, "pt") is None
        assert len(old.spans()) == 1  # the rest reads as before
        with pytest.raises(StoreError, match="read-only"):
            old.save_projection(document.id, "pt", _frame(_row()), "s")
    with Store(project) as store:  # upgraded by opening it to write
        store.save_projection(document.id, "pt", _frame(_row()), "upgraded")
        assert store.projection_stamp(document.id, "pt") == "upgraded" and len(store.spans()) == 1
    conn = sqlite3.connect(project / DB_NAME)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    finally:
        conn.close()


def test_projections_links_are_the_spans_the_rows_offered(store: Store, doc: Document):
    assert store.projection_links(doc.id, "pt") == {}
    span = store.add_span(doc.id, *find(doc.text, "Minsk"), "ACTOR", origin="projected", status="pending")
    offered = _row(target="reference:other", kind="reference", target_span_id=span.id)
    store.save_projection(doc.id, "pt", _frame(_row(), offered), "v1:abc")
    links = {("reference:other", "sp-0000000000000001", "span"): span.id}
    assert store.projection_links(doc.id, "pt") == links
    assert store.projection_links(doc.id, "es") == {}
    with pytest.raises(NotFound):
        store.projection_links("no-such-doc", "pt")


def test_projections_saved_from_records_as_from_a_frame(store: Store, doc: Document):
    frame = _lost_and_added()
    store.save_projection(doc.id, "pt", frame, "v1:abc")
    from_frame = store.projections(doc.id, "pt")
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert store.save_projection(doc.id, "pt", records, "v1:abc") == 3
    pd.testing.assert_frame_equal(store.projections(doc.id, "pt"), from_frame)
    assert store.save_projection(doc.id, "pt", [], "empty") == 0 and store.projections(doc.id, "pt").empty
    with pytest.raises(SpanError, match="needs the columns status"):
        store.save_projection(doc.id, "pt", [{k: v for k, v in records[0].items() if k != "status"}], "s")
