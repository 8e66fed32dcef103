"""Span validation: every refused write names the problem and the valid options, and changes nothing."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from annot.errors import NotFound, SpanError
from annot.model import Span

from .conftest import TEXT, dump, find, make_doc


@pytest.fixture
def refs(store, doc, add):
    """An ACTOR, a QUANTITY and a second document with its own ACTOR, for span-type attributes."""
    other, sentences = make_doc("Belarus denied it. Russia agreed.", "Other")
    store.add_document(other, sentences)
    return {
        "actor": add("Russia").id,
        "quantity": add("9,000", "QUANTITY", {"value": 9000}).id,
        "other_doc_actor": store.add_span(other.id, 0, 7, "ACTOR").id,
    }


# (case id, start, end, label, attrs, words the message must contain)
BAD_SPANS = [
    ("empty", 5, 5, "ACTOR", {}, ["[5, 5)", "0 <= start < end <="]),
    ("reversed", 6, 2, "ACTOR", {}, ["[6, 2)", "0 <= start < end <="]),
    ("negative", -1, 3, "ACTOR", {}, ["[-1, 3)", "0 <= start < end <="]),
    ("beyond text", 0, 10_000, "ACTOR", {}, ["10000", f"0 <= start < end <= {len(TEXT)}"]),
    ("one past the end", 90, len(TEXT) + 1, "ACTOR", {}, [f"[90, {len(TEXT) + 1})", f"<= {len(TEXT)}"]),
    ("float start", 0.0, 3, "ACTOR", {}, ["start", "integer", "float"]),
    ("string end", 0, "3", "ACTOR", {}, ["end", "integer", "str"]),
    ("bool start", True, 3, "ACTOR", {}, ["start", "integer", "bool"]),
    ("none end", 0, None, "ACTOR", {}, ["end", "integer"]),
    ("unknown label", 0, 6, "PERSON", {}, ["'PERSON'", "ACTOR, QUANTITY, STANCE", "annot.toml"]),
    ("lowercase label", 0, 6, "actor", {}, ["'actor'", "ACTOR, QUANTITY, STANCE"]),
    ("unknown attribute", 0, 6, "ACTOR", {"role": "x"}, ["'role'", "type, canonical"]),
    ("wrong enum", 0, 6, "ACTOR", {"type": "country"}, ["'country'", "ACTOR.type", "state, government body"]),
    ("enum not a string", 0, 6, "ACTOR", {"type": 3}, ["ACTOR.type", "state"]),
    ("non-number", 13, 18, "QUANTITY", {"value": "9,000"}, ["QUANTITY.value", "finite number", "'9,000'"]),
    ("bool number", 13, 18, "QUANTITY", {"value": True}, ["QUANTITY.value", "finite number"]),
    ("nan", 13, 18, "QUANTITY", {"value": math.nan}, ["QUANTITY.value", "finite number", "nan"]),
    ("inf", 13, 18, "QUANTITY", {"value": math.inf}, ["QUANTITY.value", "finite number", "inf"]),
    ("-inf low", 13, 18, "QUANTITY", {"low": -math.inf}, ["QUANTITY.low", "finite number"]),
    ("empty text attr", 0, 6, "ACTOR", {"canonical": ""}, ["ACTOR.canonical", "non-empty text", "''"]),
    ("blank text attr", 0, 6, "ACTOR", {"canonical": "   "}, ["ACTOR.canonical", "non-empty text"]),
    ("number as text attr", 0, 6, "ACTOR", {"canonical": 7}, ["ACTOR.canonical", "non-empty text"]),
    ("range without bounds", 13, 18, "QUANTITY", {"qualifier": "range"}, ["qualifier 'range'", "'low' and 'high'"]),
    ("range without high", 13, 18, "QUANTITY", {"qualifier": "range", "low": 1}, ["'low' and 'high'"]),
    ("attrs not a dict", 0, 6, "ACTOR", ["type"], ["dict", "list"]),
    (
        "span attr missing span",
        0,
        6,
        "STANCE",
        {"holder_span": "sp-0000000000000000"},
        ["STANCE.holder_span", "live ACTOR span", "same document", "sp-0000000000000000"],
    ),
    ("span attr not a string", 0, 6, "STANCE", {"holder_span": 12}, ["STANCE.holder_span", "span id"]),
    ("span attr non-ACTOR", 0, 6, "STANCE", {"target_span": "@quantity"}, ["STANCE.target_span", "live ACTOR span"]),
    ("span attr other document", 0, 6, "STANCE", {"holder_span": "@other_doc_actor"}, ["same document"]),
]


def _resolve(attrs: Any, refs: dict[str, str]) -> Any:
    if not isinstance(attrs, dict):
        return attrs
    return {k: refs[v[1:]] if isinstance(v, str) and v.startswith("@") else v for k, v in attrs.items()}


@pytest.mark.parametrize(
    ("start", "end", "label", "attrs", "words"), [c[1:] for c in BAD_SPANS], ids=[c[0] for c in BAD_SPANS]
)
def test_add_span_refuses_invalid_span_and_changes_nothing(store, doc, refs, project, start, end, label, attrs, words):
    attrs = _resolve(attrs, refs)
    before = dump(project)
    with pytest.raises(SpanError) as info:
        store.add_span(doc.id, start, end, label, attrs)
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert "\n" not in message
    assert dump(project) == before


@pytest.mark.parametrize(
    ("start", "end", "label", "attrs", "words"), [c[1:] for c in BAD_SPANS], ids=[c[0] for c in BAD_SPANS]
)
def test_update_span_refuses_invalid_change_and_changes_nothing(
    store, doc, refs, project, start, end, label, attrs, words
):
    attrs = _resolve(attrs, refs)
    span = store.add_span(doc.id, *find(doc.text, "Minsk"), "ACTOR", {"type": "government body"})
    before = dump(project)
    with pytest.raises(SpanError) as info:
        store.update_span(span.id, start=start, end=end, label=label, attrs=attrs)
    for word in words:
        assert word in str(info.value)
    assert dump(project) == before
    assert store.get_span(span.id) == span


def test_add_span_refuses_missing_document_with_not_found(store, doc, project):
    before = dump(project)
    with pytest.raises(NotFound, match=r"No document 'nope-000000000000'.*annot ls"):
        store.add_span("nope-000000000000", 0, 3, "ACTOR")
    assert dump(project) == before


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("origin", "robot", ["origin 'robot'", "manual, suggested, projected, imported"]),
        ("status", "maybe", ["status 'maybe'", "accepted, rejected, pending"]),
    ],
)
def test_add_span_refuses_unknown_origin_or_status(store, doc, project, field, value, words):
    before = dump(project)
    with pytest.raises(SpanError) as info:
        store.add_span(doc.id, 0, 6, "ACTOR", **{field: value})
    for word in words:
        assert word in str(info.value)
    assert dump(project) == before


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"status": "maybe"}, ["status 'maybe'", "accepted, rejected, pending"]),
        ({"text": "Moscow"}, ["Cannot update text", "attrs, end, label, start, status"]),
        ({"doc_id": "x", "anchor": "ok"}, ["Cannot update anchor, doc_id"]),
    ],
)
def test_update_span_refuses_bad_fields(store, add, project, changes, words):
    span = add("Russia")
    before = dump(project)
    with pytest.raises(SpanError) as info:
        store.update_span(span.id, **changes)
    for word in words:
        assert word in str(info.value)
    assert dump(project) == before


def test_add_spans_is_all_or_nothing(store, doc, project):
    before = dump(project)
    good = Span(id="sp-00000000000000aa", doc_id=doc.id, start=0, end=6, label="ACTOR")
    bad = Span(id="sp-00000000000000bb", doc_id=doc.id, start=0, end=6, label="NOPE")
    with pytest.raises(SpanError, match="NOPE"):
        store.add_spans([good, bad])
    assert dump(project) == before


def test_add_spans_refuses_existing_id(store, add, project):
    span = add("Russia")
    before = dump(project)
    with pytest.raises(SpanError, match=f"{span.id} already exists.*update_span"):
        store.add_spans([span])
    assert dump(project) == before


@pytest.mark.parametrize(
    ("phrase", "label", "attrs", "stored"),
    [
        ("Russia", "ACTOR", {"type": "state", "canonical": "Russia"}, {"canonical": "Russia", "type": "state"}),
        (
            "9,000 troops",
            "QUANTITY",
            {"value": 9000.0, "unit": "troops", "qualifier": None},
            {"unit": "troops", "value": 9000},
        ),
        (
            "9,000",
            "QUANTITY",
            {"qualifier": "range", "low": 8000, "high": 10000.5},
            {"high": 10000.5, "low": 8000, "qualifier": "range"},
        ),
        ("Russia moved", "ACTOR", None, {}),
    ],
)
def test_add_span_accepts_valid_spans_with_normalized_attrs(store, doc, phrase, label, attrs, stored):
    start, end = find(doc.text, phrase)
    span = store.add_span(doc.id, start, end, label, attrs)
    assert (span.start, span.end, span.text, span.attrs) == (start, end, phrase, stored)
    assert list(span.attrs) == sorted(stored)
    assert store.get_span(span.id) == span


def test_add_span_accepts_numpy_offsets_from_dataframes(store, doc, add):
    first = add("Russia")
    row = store.spans().iloc[0]
    assert isinstance(row["start"], np.integer)
    copy = store.add_span(doc.id, row["start"], row["end"], "ACTOR")
    assert (type(copy.start), type(copy.end)) == (int, int)
    assert (copy.start, copy.end, copy.text) == (first.start, first.end, "Russia")
    moved = store.update_span(copy.id, end=np.int64(first.end + 6))
    assert moved.end == first.end + 6
    assert type(moved.end) is int


def test_add_span_accepts_overlapping_and_nested_spans(store, doc, add):
    whole = add("Russia moved 9,000 troops", "STANCE")
    outer = add("9,000 troops", "QUANTITY", {"value": 9000, "unit": "troops"})
    inner = add("9,000", "QUANTITY", {"value": 9000})
    overlap = add("troops to Belarus", "STANCE")
    same = add("9,000", "QUANTITY", {"value": 9000})
    spans = store.spans()
    assert set(spans["id"]) == {whole.id, outer.id, inner.id, overlap.id, same.id}
    assert store.counts()["spans"] == 5


def test_add_span_accepts_span_attribute_pointing_to_live_actor(store, add):
    actor = add("Minsk", "ACTOR", {"type": "government body"})
    stance = add("the grouping was defensive", "STANCE", {"holder_span": actor.id, "polarity": "supports"})
    assert store.get_span(stance.id).attrs == {"holder_span": actor.id, "polarity": "supports"}


def test_add_span_refuses_span_attribute_pointing_to_deleted_actor(store, add, project):
    actor = add("Minsk")
    store.delete_span(actor.id)
    before = dump(project)
    with pytest.raises(SpanError, match="live ACTOR span"):
        add("the grouping was defensive", "STANCE", {"holder_span": actor.id})
    assert dump(project) == before


def test_delete_span_refuses_span_referenced_by_another(store, add, project):
    actor = add("Minsk")
    add("the grouping was defensive", "STANCE", {"holder_span": actor.id})
    before = dump(project)
    with pytest.raises(SpanError, match=f"{actor.id} is referenced.*edit that span first"):
        store.delete_span(actor.id)
    assert dump(project) == before


def test_add_document_refuses_sentences_that_do_not_slice_the_text(store, project):
    document, sentences = make_doc()
    bad = [*sentences[:-1], type(sentences[-1])(document.id, 2, 0, 4, "Kyiv")]
    before = dump(project)
    with pytest.raises(SpanError, match=f"Sentence 2 of {document.id} does not slice"):
        store.add_document(document, bad)
    assert dump(project) == before


def test_store_errors_are_annot_errors():
    from annot.errors import AnnotError, StoreError

    assert issubclass(SpanError, AnnotError)
    assert issubclass(SpanError, ValueError)
    assert issubclass(NotFound, StoreError)
    assert issubclass(NotFound, KeyError)
    assert str(NotFound("No span 'x'")) == "No span 'x'"
