"""``Store.spans()`` as read by annot.store.spanframe: chunks, ties, labels outside the schema, ``columns=``."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

import annot.store.spanframe
from annot.errors import SpanError
from annot.store import Store
from annot.store.spanframe import SPAN_FRAME_COLUMNS

from .conftest import find, make_doc

LIVE_COLUMNS = [c for c in SPAN_FRAME_COLUMNS if c != "deleted"]


@pytest.fixture
def small_chunks(monkeypatch):
    """Rows read two at a time, so every conversion meets several chunks."""
    monkeypatch.setattr(annot.store.spanframe, "CHUNK", 2)


@pytest.fixture
def tied(store: Store):
    """Spans sharing (document, start), added in an order that is not the frame's; one deleted, two suggested."""
    doc, sentences = make_doc()
    store.add_document(doc, sentences)
    other, other_sentences = make_doc("Kyiv warned Minsk. Nothing else happened.", "Warning", key="warning")
    store.add_document(other, other_sentences)
    start, _ = find(doc.text, "Minsk")
    spans = [
        store.add_span(doc.id, start, start + 12, "STANCE", {"polarity": "supports"}),
        store.add_span(doc.id, start, start + 5, "ACTOR", {"type": "state"}, annotator="bob"),
        store.add_span(doc.id, start, start + 12, "ACTOR"),
        store.add_span(other.id, *find(other.text, "Kyiv"), "ACTOR", origin="suggested", status="pending"),
        store.add_span(doc.id, *find(doc.text, "Russia"), "ACTOR", annotator="carol"),
        store.add_span(doc.id, start, start + 5, "QUANTITY", {"value": 1}),
        store.add_span(other.id, *find(other.text, "Nothing"), "ACTOR"),
    ]
    store.delete_span(spans[-1].id)
    store.set_confidences({spans[3].id: 0.25, spans[5].id: 0.5})
    return spans


def _keys(df: pd.DataFrame) -> list[tuple[str, int, int, str]]:
    return list(zip(df["doc_id"], df["start"], df["end"], df["id"], strict=True))


@pytest.mark.parametrize("chunked", [False, True], ids=["one chunk", "chunks of 2"])
def test_spanframe_orders_ties_by_end_then_id(store, tied, chunked, monkeypatch):
    if chunked:
        monkeypatch.setattr(annot.store.spanframe, "CHUNK", 2)
    df = store.spans(include_deleted=True)
    assert _keys(df) == sorted(_keys(df))
    assert sorted(df["id"]) == sorted(s.id for s in tied)
    # Each row's values travel with it through the reordering.
    by_id = {s.id: s for s in tied}
    for row in df.itertuples(index=False):
        span = by_id[row.id]
        assert (row.label, row.attrs, row.annotator, row.text) == (span.label, span.attrs, span.annotator, span.text)
    assert df.set_index("id")["confidence"].to_dict() == {
        s.id: {tied[3].id: 0.25, tied[5].id: 0.5}.get(s.id) for s in tied
    }


def test_spanframe_projection_without_the_sort_key_keeps_the_order(store, tied, small_chunks):
    full = store.spans()
    for column in LIVE_COLUMNS:
        alone = store.spans(columns=[column])
        assert list(alone.columns) == [column]
        pd.testing.assert_series_equal(alone[column], full[column], check_names=True)


@pytest.mark.parametrize("columns", [["label", "id"], ["sent_end", "doc_id"], ["confidence", "attrs", "sentence"]])
def test_spanframe_columns_come_in_the_order_asked_with_the_frame_s_dtypes(store, tied, columns):
    full = store.spans(label=["ACTOR", "QUANTITY"], annotator="alice")
    part = store.spans(label=["ACTOR", "QUANTITY"], annotator="alice", columns=columns)
    pd.testing.assert_frame_equal(part, full[columns])


def test_spanframe_deleted_column_with_include_deleted(store, tied):
    part = store.spans(include_deleted=True, columns=["deleted", "id"])
    assert part.set_index("id")["deleted"].to_dict() == {s.id: s is tied[-1] for s in tied}


def test_spanframe_flatten_with_columns_adds_attribute_columns(store, tied):
    df = store.spans(columns=["id"], flatten=True)
    assert list(df.columns)[:1] == ["id"] and "attrs" not in df.columns
    assert set(df.columns) >= {"attr.polarity", "attr.type", "attr.value"}


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        (["label", "colour"], ["Unknown span column(s) 'colour'", "Valid: id, doc_id"]),
        (["deleted"], ["'deleted' (add include_deleted=True)"]),
        (["id", "id"], ["repeated"]),
    ],
)
def test_spanframe_bad_columns_are_one_line_span_errors(store, tied, columns, words):
    with pytest.raises(SpanError) as info:
        store.spans(columns=columns)
    for word in words:
        assert word in str(info.value)
    assert "\n" not in str(info.value)


def _statements(store: Store, call) -> list[str]:
    seen: list[str] = []
    store._db.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        store._db.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


@pytest.mark.sqlite_only  # it traces SQLite's statements
def test_spanframe_projection_reads_only_what_it_needs(store, tied):
    (main,) = _statements(store, lambda: store.spans(columns=["label", "start"]))
    selected = main.split(" FROM spans")[0]
    assert "p.label" in selected and 'p."start"' in selected
    for other in ("attrs", "text", "annotator", "created_at", '"id"', "doc_id"):
        assert other not in selected, other
    statements = _statements(store, lambda: store.spans(columns=["sent_start"]))
    assert len(statements) == 2 and "FROM sentences" in statements[1]
    assert "attrs" not in statements[0] and "span_confidence" not in statements[0]
    assert any("span_confidence" in s for s in _statements(store, lambda: store.spans(columns=["confidence"])))


def test_spanframe_labels_outside_the_schema_follow_its_own_sorted(store, tied, small_chunks):
    # A label since removed from the project's schema: a file written with another schema.
    with store._db.write() as conn:
        conn.execute("UPDATE spans SET label = 'ZED' WHERE id = ?", (tied[4].id,))
        conn.execute("UPDATE spans SET label = 'BEE' WHERE id = ?", (tied[3].id,))
    df = store.spans()
    assert list(df["label"].cat.categories) == [*store.schema.names, "BEE", "ZED"]
    labels = df.set_index("id")["label"].astype(str).to_dict()
    assert (labels[tied[4].id], labels[tied[3].id], labels[tied[0].id]) == ("ZED", "BEE", "STANCE")


def test_spanframe_timestamps_in_other_iso_forms_are_read_as_utc(store, tied):
    with store._db.write() as conn:
        conn.execute("UPDATE spans SET created_at = '2022-10-17' WHERE id = ?", (tied[0].id,))
    df = store.spans().set_index("id")
    assert df.loc[tied[0].id, "created_at"] == pd.Timestamp("2022-10-17", tz="UTC")
    assert df.loc[tied[1].id, "created_at"] == pd.Timestamp(tied[1].created_at)


@pytest.mark.parametrize("columns", [None, ["id", "sentence"]])
def test_spanframe_of_one_document_and_of_nothing(store, tied, columns):
    doc_id = tied[4].doc_id
    one = store.spans(doc_id, columns=columns)
    assert set(one["id"]) == {s.id for s in tied if s.doc_id == doc_id}
    empty = store.spans(label="QUANTITY", annotator="nobody", columns=columns)
    assert empty.empty and list(empty.columns) == list(one.columns)
    assert [str(d) for d in empty.dtypes] == [str(d) for d in one.dtypes]


def test_spanframe_pauses_the_collector_only_while_reading(store, tied):
    import gc

    assert gc.isenabled()
    store.spans()
    assert gc.isenabled()
    gc.disable()
    try:
        store.spans()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_spanframe_every_pair_of_columns(store, tied):
    full = store.spans()
    for pair in itertools.combinations(["id", "start", "end", "sentence", "label", "confidence", "updated_at"], 2):
        pd.testing.assert_frame_equal(store.spans(columns=list(pair)), full[list(pair)])
