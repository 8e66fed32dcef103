"""A project's annot.toml shapes what the store accepts and how its frames look."""

from __future__ import annotations

import pytest

from annot.errors import SchemaError, SpanError
from annot.store import SCHEMA_FILE, Store

from .conftest import dump, find, make_doc

PROJECT_SCHEMA = """
[labels.EVENT]
description = "Something that happened."
[labels.EVENT.attributes.kind]
type = "enum"
choices = ["deployment", "talks", "exercise"]

[labels.ACTOR.attributes.role]
type = "text"

[labels.STANCE]
disabled = true
"""


@pytest.fixture
def custom(project):
    project.mkdir()
    (project / SCHEMA_FILE).write_text(PROJECT_SCHEMA, encoding="utf-8")
    with Store(project, annotator="alice") as store:
        document, sentences = make_doc()
        store.add_document(document, sentences)
        yield store, document


def test_store_project_schema_adds_label_with_enum(custom):
    store, doc = custom
    assert store.schema.names == ["ACTOR", "QUANTITY", "EVENT"]
    span = store.add_span(doc.id, *find(doc.text, "moved"), "EVENT", {"kind": "deployment"})
    assert store.get_span(span.id).attrs == {"kind": "deployment"}
    spans = store.spans(label="EVENT")
    assert list(spans["id"]) == [span.id]
    assert list(spans["label"].cat.categories) == ["ACTOR", "QUANTITY", "EVENT"]
    assert list(store.stats().columns) == ["ACTOR", "QUANTITY", "EVENT", "total"]


def test_store_project_schema_enum_error_lists_project_choices(custom, project):
    store, doc = custom
    before = dump(project)
    with pytest.raises(
        SpanError, match=r"Invalid value 'invasion' for EVENT.kind. Valid values: deployment, talks, exercise"
    ):
        store.add_span(doc.id, 7, 12, "EVENT", {"kind": "invasion"})
    assert dump(project) == before


def test_store_project_schema_replaces_actor_attributes(custom, project):
    store, doc = custom
    span = store.add_span(doc.id, 0, 6, "ACTOR", {"role": "sender"})
    assert span.attrs == {"role": "sender"}
    before = dump(project)
    with pytest.raises(SpanError, match=r"Unknown attribute 'type' for label ACTOR. Valid attributes: role\."):
        store.add_span(doc.id, 0, 6, "ACTOR", {"type": "state"})
    assert dump(project) == before


def test_store_project_schema_disables_stance(custom, project):
    store, doc = custom
    before = dump(project)
    with pytest.raises(
        SpanError, match=rf"Unknown label 'STANCE'. Valid labels: ACTOR, QUANTITY, EVENT \(schema: .*{SCHEMA_FILE}"
    ):
        store.add_span(doc.id, 0, 6, "STANCE")
    with pytest.raises(SpanError, match="Unknown label 'STANCE'"):
        store.spans(label="STANCE")
    assert dump(project) == before


def test_store_keeps_spans_of_a_label_disabled_later(store, doc, project):
    stance = store.add_span(doc.id, *find(doc.text, "Kyiv called it a threat"), "STANCE", {"polarity": "opposes"})
    store.close()
    (project / SCHEMA_FILE).write_text("[labels.STANCE]\ndisabled = true\n", encoding="utf-8")
    with Store(project) as reopened:
        spans = reopened.spans()
        assert list(spans["id"]) == [stance.id]
        assert list(spans["label"].cat.categories) == ["ACTOR", "QUANTITY", "STANCE"]
        assert spans["label"].iloc[0] == "STANCE"
        assert reopened.stats().loc["alice", "STANCE"] == 1
        assert reopened.get_span(stance.id).label == "STANCE"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[labels.EVENT\n", ["is not valid TOML"]),
        ("[labels.EVENT.attributes.when]\ntype = 'date'\n", ["has type 'date'", "enum, text, number, span"]),
        ("[labels.EVENT.attributes.kind]\ntype = 'enum'\n", ["needs a non-empty `choices` list"]),
    ],
)
def test_store_invalid_project_schema_raises_schema_error_with_file_name(project, text, words):
    project.mkdir()
    (project / SCHEMA_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        Store(project)
    assert SCHEMA_FILE in str(info.value)
    for word in words:
        assert word in str(info.value)
