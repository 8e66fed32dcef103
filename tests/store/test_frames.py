"""The store's DataFrames: columns, schema dtypes, filters and derived sentence offsets."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import annot
from annot.errors import NotFound, SpanError
from annot.model import Document, Origin, Sentence, Status, document_id

from .conftest import find, make_doc

UTC_US = "datetime64[us, UTC]"


@pytest.fixture
def two_docs(store, doc):
    other, sentences = make_doc("Kyiv warned Minsk. Nothing else happened.", "Warning", key="warning")
    store.add_document(other, sentences)
    return doc, other


@pytest.fixture
def populated(store, two_docs):
    doc, other = two_docs
    spans = {
        "russia": store.add_span(doc.id, *find(doc.text, "Russia"), "ACTOR", {"type": "state"}),
        "troops": store.add_span(
            doc.id,
            *find(doc.text, "9,000 troops"),
            "QUANTITY",
            {"value": 9000, "unit": "troops"},
            annotator="bob",
            origin="suggested",
            status="pending",
        ),
        "minsk": store.add_span(doc.id, *find(doc.text, "Minsk"), "ACTOR", annotator="bob"),
        "kyiv": store.add_span(other.id, *find(other.text, "Kyiv"), "ACTOR", origin=Origin.IMPORTED),
        "warned": store.add_span(
            other.id, *find(other.text, "Kyiv warned Minsk"), "STANCE", {"polarity": "opposes"}, status=Status.REJECTED
        ),
    }
    deleted = store.add_span(other.id, *find(other.text, "Nothing"), "ACTOR")
    store.delete_span(deleted.id)
    spans["deleted"] = deleted
    return spans


def test_documents_frame_columns_dtypes_and_values(store, two_docs, populated):
    doc, other = two_docs
    published, sentences = make_doc("A dated piece.", "Dated")
    store.add_document(
        Document(
            published.id,
            "dated",
            "Dated",
            "ru",
            published.text,
            source="corpus/dated.ru.txt",
            published=date(2022, 10, 17),
            outlet="Diario del Sur",
            author="María López",
            url="https://example.org/es/dated",
        ),
        sentences,
    )
    df = store.documents()
    assert list(df.columns) == [
        "id",
        "key",
        "title",
        "lang",
        "source",
        "published",
        "outlet",
        "author",
        "url",
        "ingested_at",
        "superseded_by",
        "chars",
        "sentences",
        "spans",
    ]
    for col in ("id", "key", "title", "source", "outlet", "author", "url", "superseded_by"):
        assert isinstance(df[col].dtype, pd.StringDtype), col
    assert isinstance(df["lang"].dtype, pd.CategoricalDtype)
    assert str(df["published"].dtype) == UTC_US  # UTC, so dates and times of any offset sort together
    assert str(df["ingested_at"].dtype) == UTC_US
    for col in ("chars", "sentences", "spans"):
        assert str(df[col].dtype) == "Int64", col
    assert list(df["id"]) == [doc.id, other.id, published.id]
    assert list(df["key"]) == ["grouping", "warning", "dated"]
    assert list(df["chars"]) == [len(doc.text), len(other.text), len(published.text)]
    assert list(df["sentences"]) == [3, 2, 1]
    assert list(df["spans"]) == [3, 2, 0]  # deleted spans are not counted
    assert df["published"].iloc[2] == pd.Timestamp("2022-10-17", tz="UTC")  # a date alone: its midnight UTC
    assert pd.isna(df["published"].iloc[0])
    assert (df["outlet"].iloc[2], df["author"].iloc[2], df["url"].iloc[2]) == (
        "Diario del Sur", "María López", "https://example.org/es/dated",
    )  # fmt: skip
    assert df["outlet"].isna().tolist() == [True, True, False]
    assert df["source"].iloc[2] == "corpus/dated.ru.txt"
    assert pd.isna(df["source"].iloc[0])
    assert df["superseded_by"].isna().all()


def test_sentences_frame_slices_document_text(store, two_docs):
    doc, other = two_docs
    df = store.sentences()
    assert list(df.columns) == ["doc_id", "index", "start", "end", "text", "heading"]
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        "doc_id": "string",
        "index": "Int64",
        "start": "Int64",
        "end": "Int64",
        "text": "string",
        "heading": "bool",
    }
    texts = {doc.id: doc.text, other.id: other.text}
    for row in df.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
    assert list(store.sentences(other.id)["text"]) == ["Kyiv warned Minsk.", "Nothing else happened."]
    assert store.sentences("warning").equals(store.sentences(other.id))
    assert store.sentences(doc.id[:12])["doc_id"].unique().tolist() == [doc.id]
    assert [s.text for s in store.get_sentences(doc.id)] == store.sentences(doc.id)["text"].tolist()


def test_spans_frame_columns_and_dtypes(store, populated):
    df = store.spans()
    assert list(df.columns) == [
        "id",
        "doc_id",
        "start",
        "end",
        "sentence",
        "sent_start",
        "sent_end",
        "label",
        "attrs",
        "text",
        "annotator",
        "origin",
        "status",
        "anchor",
        "created_at",
        "updated_at",
        "confidence",
    ]
    _check_span_dtypes(df, store.schema.names)
    assert len(df) == 5
    assert list(df["label"].cat.categories) == ["ACTOR", "QUANTITY", "STANCE"]
    assert list(df["origin"].cat.categories) == ["manual", "suggested", "projected", "imported", "curated"]
    assert list(df["status"].cat.categories) == ["accepted", "rejected", "pending"]
    assert list(df["anchor"].cat.categories) == ["ok", "reanchored", "orphaned"]
    row = df.set_index("id").loc[populated["troops"].id]
    assert row["attrs"] == {"unit": "troops", "value": 9000}
    assert (row["text"], row["annotator"], row["origin"], row["status"]) == (
        "9,000 troops",
        "bob",
        "suggested",
        "pending",
    )
    assert row["created_at"] == pd.Timestamp(populated["troops"].created_at)


def test_spans_frame_empty_store_keeps_dtypes(store):
    df = store.spans()
    assert df.empty
    _check_span_dtypes(df, store.schema.names)
    assert store.spans(flatten=True).empty
    assert store.spans(include_deleted=True)["deleted"].dtype == bool


def _check_span_dtypes(df: pd.DataFrame, labels: list[str]) -> None:
    for col in ("id", "doc_id", "text"):
        assert isinstance(df[col].dtype, pd.StringDtype), col
    for col in ("start", "end", "sentence", "sent_start", "sent_end"):
        assert str(df[col].dtype) == "Int64", col
    for col in ("label", "annotator", "origin", "status", "anchor"):
        assert isinstance(df[col].dtype, pd.CategoricalDtype), col
    assert list(df["label"].cat.categories) == labels
    assert df["attrs"].dtype == object
    assert str(df["created_at"].dtype) == str(df["updated_at"].dtype) == UTC_US
    assert str(df["confidence"].dtype) == "Float64"


def test_spans_frame_rows_sorted_by_document_and_offsets(store, populated):
    df = store.spans()
    keys = list(zip(df["doc_id"], df["start"], df["end"], df["id"], strict=True))
    assert keys == sorted(keys)
    assert [s.id for s in store.iter_spans()] == list(df["id"])


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({}, {"russia", "troops", "minsk", "kyiv", "warned"}),
        ({"label": "ACTOR"}, {"russia", "minsk", "kyiv"}),
        ({"label": ["QUANTITY", "STANCE"]}, {"troops", "warned"}),
        ({"annotator": "bob"}, {"troops", "minsk"}),
        ({"annotator": ["alice", "carol"]}, {"russia", "kyiv", "warned"}),
        ({"status": "pending"}, {"troops"}),
        ({"status": ["rejected", "pending"]}, {"troops", "warned"}),
        ({"origin": "imported"}, {"kyiv"}),
        ({"origin": ["manual", "suggested"]}, {"russia", "troops", "minsk", "warned"}),
        ({"label": "ACTOR", "annotator": "bob"}, {"minsk"}),
        ({"include_deleted": True}, {"russia", "troops", "minsk", "kyiv", "warned", "deleted"}),
        ({"include_deleted": True, "label": "ACTOR", "annotator": "alice"}, {"russia", "kyiv", "deleted"}),
        ({"status": "accepted", "origin": "suggested"}, set()),
    ],
)
def test_spans_frame_filters(store, populated, filters, names):
    df = store.spans(**filters)
    assert set(df["id"]) == {populated[name].id for name in names}
    assert ("deleted" in df.columns) == bool(filters.get("include_deleted"))


@pytest.mark.parametrize("ref", ["id", "prefix", "key"])
def test_spans_frame_filters_by_document_reference(store, two_docs, populated, ref):
    _, other = two_docs
    value = {"id": other.id, "prefix": other.id[:9], "key": "warning"}[ref]
    df = store.spans(value)
    assert set(df["id"]) == {populated["kyiv"].id, populated["warned"].id}
    assert set(store.spans(value, include_deleted=True)["id"]) == {
        populated[n].id for n in ("kyiv", "warned", "deleted")
    }


def test_spans_frame_unknown_filters_raise(store, populated):
    with pytest.raises(NotFound, match="No document 'nothing'"):
        store.spans("nothing")
    with pytest.raises(SpanError, match="Unknown label 'PLACE'"):
        store.spans(label=["ACTOR", "PLACE"])


def test_spans_frame_deleted_column(store, populated):
    df = store.spans(include_deleted=True).set_index("id")
    assert df["deleted"].dtype == bool
    assert df.loc[populated["deleted"].id, "deleted"]
    assert not df.loc[populated["russia"].id, "deleted"]


def test_spans_frame_flatten_adds_one_column_per_attribute(store, populated):
    df = store.spans(flatten=True).set_index("id")
    assert {"attr.type", "attr.value", "attr.unit", "attr.polarity"} <= set(df.columns)
    assert df.loc[populated["troops"].id, "attr.value"] == 9000
    assert df.loc[populated["troops"].id, "attr.unit"] == "troops"
    assert df.loc[populated["russia"].id, "attr.type"] == "state"
    assert pd.isna(df.loc[populated["russia"].id, "attr.value"])
    assert df.loc[populated["troops"].id, "attrs"] == {"unit": "troops", "value": 9000}


def test_spans_frame_derives_sentence_offsets(store, doc):
    sents = store.get_sentences(doc.id)
    s0, s1, s2 = sents
    assert doc.text[s1.end : s2.start] == "  "  # a two-space gap before the last sentence
    cases = {
        "first word": find(doc.text, "Russia"),
        "inside sentence 1": find(doc.text, "grouping"),
        "whole sentence 2": (s2.start, s2.end),
        "gap whitespace": (s1.end, s2.start),
        "gap into next": (s1.end + 1, s2.start + 4),
        "crossing sentence end": find(doc.text, "Belarus. Minsk"),
        "last char": (len(doc.text) - 1, len(doc.text)),
    }
    ids = {name: store.add_span(doc.id, start, end, "STANCE").id for name, (start, end) in cases.items()}
    df = store.spans().set_index("id")
    # The sentence is the last one starting at or before the span start (sentences
    # own the whitespace after them); offsets are relative to that sentence's start.
    expected_sentence = {
        "first word": 0,
        "inside sentence 1": 1,
        "whole sentence 2": 2,
        "gap whitespace": 1,
        "gap into next": 1,
        "crossing sentence end": 0,
        "last char": 2,
    }
    for name, span_id in ids.items():
        row = df.loc[span_id]
        sent = sents[expected_sentence[name]]
        start, end = cases[name]
        assert row["sentence"] == sent.index, name
        assert (row["sent_start"], row["sent_end"]) == (start - sent.start, end - sent.start), name
        assert row["text"] == doc.text[start:end]
    inside = df.loc[ids["inside sentence 1"]]
    assert s1.text[inside["sent_start"] : inside["sent_end"]] == "grouping"
    crossing = df.loc[ids["crossing sentence end"]]
    assert crossing["sent_end"] > len(s0.text)


def test_spans_frame_span_before_first_sentence_belongs_to_it_and_no_sentences_gives_na(store):
    text = "  Headline-less lead. Body."
    lead, sentences = make_doc(text, "Lead")
    store.add_document(lead, sentences)
    bare = Document(document_id("No sentences here", "Bare"), "bare", "Bare", "en", "No sentences here")
    store.add_document(bare, [])
    before = store.add_span(lead.id, 0, 6, "ACTOR")
    inside = store.add_span(lead.id, 2, 10, "ACTOR")
    orphan = store.add_span(bare.id, 0, 2, "ACTOR")
    df = store.spans().set_index("id")
    assert (df.loc[before.id, "sentence"], df.loc[before.id, "sent_start"], df.loc[before.id, "sent_end"]) == (0, -2, 4)
    assert pd.isna(df.loc[orphan.id, "sentence"])
    assert pd.isna(df.loc[orphan.id, "sent_end"])
    assert (df.loc[inside.id, "sentence"], df.loc[inside.id, "sent_start"], df.loc[inside.id, "sent_end"]) == (0, 0, 8)
    assert list(store.spans(bare.id)["id"]) == [orphan.id]


def test_spans_frame_sentences_of_several_documents_do_not_mix(store, two_docs, populated):
    df = store.spans().set_index("id")
    kyiv = df.loc[populated["kyiv"].id]
    assert (kyiv["sentence"], kyiv["sent_start"]) == (0, 0)
    minsk = df.loc[populated["minsk"].id]
    assert minsk["sentence"] == 1
    assert minsk["sent_start"] == 0


def test_stats_counts_live_spans_per_annotator_and_label(store, populated):
    stats = store.stats()
    assert list(stats.columns) == ["ACTOR", "QUANTITY", "STANCE", "total"]
    assert list(stats.index) == ["alice", "bob", "total"]
    assert stats.loc["alice"].tolist() == [2, 0, 1, 3]
    assert stats.loc["bob"].tolist() == [1, 1, 0, 2]
    assert stats.loc["total"].tolist() == [3, 1, 1, 5]
    assert (stats.dtypes == "int64").all()


def test_stats_of_empty_store(store):
    stats = store.stats()
    assert list(stats.columns) == ["ACTOR", "QUANTITY", "STANCE", "total"]
    assert stats.loc["total"].tolist() == [0, 0, 0, 0]


def test_counts_current_documents_sentences_and_live_spans(store, two_docs, populated):
    assert store.counts() == {"documents": 2, "sentences": 5, "spans": 5}
    store.delete_span(populated["russia"].id)
    assert store.counts()["spans"] == 4


def test_iter_spans_filters_by_label_and_status_in_sqlite(store, populated):
    every = list(store.iter_spans())
    actors = list(store.iter_spans(label="ACTOR"))
    assert actors == [s for s in every if s.label == "ACTOR"] and actors
    assert list(store.iter_spans(label="ACTOR", status="accepted")) == [
        s for s in actors if s.status.value == "accepted"
    ]
    with pytest.raises(annot.SpanError, match="Invalid status 'maybe'"):
        list(store.iter_spans(status="maybe"))
    with pytest.raises(annot.SpanError, match="ACTR"):
        list(store.iter_spans(label="ACTR"))  # checked against the schema, as spans() does


def test_sentence_texts_reads_the_given_sentences_only(store, two_docs):
    doc, other = two_docs
    every = store.sentences()
    wanted = [(other.id, 1), (doc.id, 0), (other.id, 1), (doc.id, 99), ("no-such-doc", 0)]
    found = store.sentence_texts(wanted)
    expected = {(d, i): t for d, i, t in zip(every["doc_id"], every["index"], every["text"]) if (d, i) in wanted}
    assert found == expected
    assert found[(other.id, 1)] == "Nothing else happened."
    assert store.sentence_texts([]) == {}


def test_sentence_texts_count_code_points_beyond_the_basic_plane(store):
    text = "Рекорд 🚀 упал. Второе 𝔘 предложение."
    doc = Document(id=document_id(text, "Astral"), key="astral", title="Astral", lang="ru", text=text)
    first, second = text.index("Рекорд"), text.index("Второе")
    store.add_document(doc, [Sentence(doc.id, 0, first, second - 1, text[first : second - 1]),
                             Sentence(doc.id, 1, second, len(text), text[second:])])  # fmt: skip
    assert store.sentence_texts([(doc.id, 0), (doc.id, 1)]) == {
        (doc.id, 0): "Рекорд 🚀 упал.",
        (doc.id, 1): "Второе 𝔘 предложение.",
    }


@pytest.mark.parametrize("filters", [{}, {"status": "accepted"}, {"label": ["ACTOR", "STANCE"]}, {"status": "pending"}])
def test_span_columns_are_the_frame_s_columns_as_plain_lists(store, two_docs, populated, filters):
    columns = store.span_columns(**filters)
    frame = store.spans(**filters)
    names = ["id", "doc_id", "start", "end", "label", "text", "attrs", "annotator", "origin", "sentence"]
    assert list(columns) == names
    for name in names:
        assert columns[name] == frame[name].astype(object).tolist(), name
    assert (populated["warned"].id in columns["id"]) == ("status" not in filters)  # rejected: read unless filtered
    assert "Nothing" not in columns["text"]  # a deleted span is never read


def test_span_columns_sentence_rule_matches_the_frame(store):
    lead, sentences = make_doc("  Headline-less lead. Body.", "Lead")
    store.add_document(lead, sentences)
    bare = Document(document_id("No sentences here", "Bare"), "bare", "Bare", "en", "No sentences here")
    store.add_document(bare, [])
    before, body = store.add_span(lead.id, 0, 6, "ACTOR"), store.add_span(lead.id, 22, 26, "ACTOR")
    orphan = store.add_span(bare.id, 0, 2, "ACTOR")
    found = dict(zip(store.span_columns()["id"], store.span_columns()["sentence"]))
    assert (found[before.id], found[body.id], found[orphan.id]) == (0, 1, -1)
    empty = store.span_columns(label="QUANTITY")
    assert all(values == [] for values in empty.values())
