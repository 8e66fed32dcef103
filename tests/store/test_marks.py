"""Sentence marks, annotators' positions, and the counter that moves only with spans and marks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from annot.errors import NotFound, SpanError, StoreError
from annot.model import Translation
from annot.store import DB_NAME, SCHEMA_VERSION, Store
from annot.store.migrations import MARKS_VERSION, OLDEST_READABLE

from .conftest import TEXT, as_older_version, dump, make_doc

MARK_COLUMNS = ["doc_id", "sentence", "annotator", "status", "marked_at"]


def test_marks_are_per_annotator_and_cleared_with_none(store, doc):
    assert store.mark_sentences(doc.id, [0, 2], "done") == 2
    assert store.mark_sentences(doc.id, [1], "empty", annotator="bob") == 1
    assert store.marks(doc.id) == {0: "done", 2: "done"}
    assert store.marks(doc.id, "bob") == {1: "empty"}
    assert store.mark_sentences(doc.id, [2], "empty") == 1
    assert store.mark_sentences(doc.id, [0, 1], None) == 1  # alice had no mark on 1
    assert store.marks(doc.id) == {2: "empty"}
    assert store.marks("grouping", "bob") == {1: "empty"}  # any document reference


def test_marking_again_the_same_way_changes_nothing_and_keeps_the_time(store, doc, project):
    store.mark_sentences(doc.id, [0], "done")
    before = dump(project)
    assert store.mark_sentences(doc.id, [0, 0], "done") == 0
    assert dump(project) == before


@pytest.mark.parametrize(
    ("indexes", "status", "message"),
    [
        ([0], "finished", "Invalid sentence mark 'finished'; valid: 'done', 'empty' (nothing to annotate), or None"),
        ([0], "Done", "Invalid sentence mark 'Done'"),
        ([0, 3], "done", "has no sentence 3 (valid: 0..2)"),
        ([-1], "done", "has no sentence -1 (valid: 0..2)"),
        ([True], "done", "must be an integer, got True"),
        (["1"], None, "must be an integer, got '1'"),
    ],
)
def test_mark_sentences_refuses_bad_input_and_writes_nothing(store, doc, project, indexes, status, message):
    before = dump(project)
    with pytest.raises(SpanError) as info:
        store.mark_sentences(doc.id, indexes, status)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert dump(project) == before


def test_mark_sentences_on_unknown_document_is_not_found(store, doc):
    with pytest.raises(NotFound):
        store.mark_sentences("nope", [0], "done")


def test_sentence_marks_frame_columns_dtypes_and_order(store, doc):
    empty = store.sentence_marks()
    assert list(empty.columns) == MARK_COLUMNS and len(empty) == 0
    store.mark_sentences(doc.id, [2, 0], "done", annotator="bob")
    store.mark_sentences(doc.id, [0], "empty", annotator="alice")
    df = store.sentence_marks(doc.id)
    assert list(df.columns) == MARK_COLUMNS
    assert [tuple(r) for r in df[["sentence", "annotator", "status"]].itertuples(index=False)] == [
        (0, "alice", "empty"), (0, "bob", "done"), (2, "bob", "done"),
    ]  # fmt: skip
    assert str(df["sentence"].dtype) == "Int64" and str(df["doc_id"].dtype) == "string"
    assert list(df["status"].cat.categories) == ["done", "empty"]
    assert isinstance(df["marked_at"].dtype, pd.DatetimeTZDtype)
    assert df["marked_at"].notna().all()


def test_marks_are_not_span_edits(store, doc, add):
    span = add("Russia")
    store.mark_sentences(doc.id, [0], "done")
    assert len(store.history()) == 1
    assert store.undo().id == span.id  # undoes the tag, not the mark
    assert store.marks(doc.id) == {0: "done"}
    assert store.undo() is None


def test_position_per_annotator_and_document(store, doc):
    assert store.position(doc.id) is None
    store.save_position(doc.id, None, 2)  # None: the store's annotator
    store.save_position(doc.id, "bob", 1)
    store.save_position("grouping", "alice", 1)
    assert store.position(doc.id) == 1
    assert store.position(doc.id, "bob") == 1
    assert store.position(doc.id, "carol") is None
    with pytest.raises(SpanError, match=r"has no sentence 3 \(valid: 0\.\.2\)"):
        store.save_position(doc.id, "bob", 3)
    assert store.position(doc.id, "bob") == 1


def test_annotation_revision_moves_with_what_sessions_cache_only(store, doc, add):
    seen = [store.annotation_revision()]

    def moved() -> bool:
        seen.append(store.annotation_revision())
        return seen[-1] != seen[-2]

    span = add("Russia")
    assert moved()
    store.update_span(span.id, status="pending")
    assert moved()
    store.delete_span(span.id)
    assert moved()
    store.undo()
    assert moved()
    store.redo()
    assert moved()
    store.mark_sentences(doc.id, [0, 1], "done")
    assert store.annotation_revision() == seen[-1] + 1  # once per transaction, however many rows
    assert moved()
    store.mark_sentences(doc.id, [0], "done")  # already so: nothing changed
    assert not moved()
    other = store.add_document(*make_doc("Rusia movió tropas. Minsk habló. Kyiv también.", "Otro", lang="es")).doc_id
    assert moved()
    store.link(doc.id, other)  # the session's reference pane shows the linked version
    assert moved()
    store.set_alignment(doc.id, other, [((0,), (0,))])
    assert moved()
    store.edit_alignment(doc.id, other, [1], [1])
    assert moved()
    store.link(doc.id, other, "human_translation")
    assert moved()
    revision = store.revision()
    store.save_position(doc.id, "alice", 2)
    store.add_translations([Translation(doc.id, 0, "fake", "m", "1", "en", "pt", "en>pt", "fake|m-1|en-pt", "x")])
    store.add_text_translations([("Hola.", "Hello.")], signature="f|m-1|es-en", engine="f", source="es", target="en")
    assert store.add_document(*make_doc()).status == "unchanged"
    assert not moved()
    assert store.revision() != revision  # what revision() means is unchanged: any commit moves it
    store.unlink(doc.id, other)
    assert moved()


def test_annotation_revision_sees_other_connections(store, doc, project):
    before = store.annotation_revision()
    with Store(project, annotator="bob") as other:
        other.save_position(doc.id, "bob", 1)
        assert store.annotation_revision() == before
        other.mark_sentences(doc.id, [1], "empty")
    assert store.annotation_revision() != before


def test_new_version_takes_over_marks_and_positions_of_unchanged_sentences(store, project):
    old, sentences = make_doc()
    store.add_document(old, sentences)  # 0 Russia moved..., 1 Minsk said..., 2 Kyiv called...
    store.mark_sentences(old.id, [0], "done")
    store.mark_sentences(old.id, [1], "empty")
    store.mark_sentences(old.id, [2], "done", annotator="bob")
    store.save_position(old.id, "alice", 1)  # on the sentence that changes
    store.save_position(old.id, "bob", 2)
    store.save_position(old.id, "carol", 0)
    text = "Breaking. " + TEXT.replace("said the grouping", "insisted the grouping")
    new, new_sentences = make_doc(text, key=old.key)  # 0 Breaking, 1 Russia, 2 Minsk insisted, 3 Kyiv
    before = store.annotation_revision()
    result = store.add_document(new, new_sentences)
    assert (result.status, result.previous_id) == ("new_version", old.id)
    assert store.marks(new.id) == {1: "done"}  # Minsk's sentence changed: its mark stays behind
    assert store.marks(new.id, "bob") == {3: "done"}
    assert store.marks(old.id) == {0: "done", 1: "empty"}  # the old version keeps its own
    # alice resumes at the changed sentence, after the last unchanged one before it.
    assert [store.position(new.id, who) for who in ("alice", "bob", "carol")] == [2, 3, 1]
    assert store.annotation_revision() != before


def test_new_version_with_a_repeated_sentence_keeps_each_mark_in_place(store):
    old, sentences = make_doc("Read more. Troops came. Read more. Tanks came.", "Repeat")
    store.add_document(old, sentences)
    store.mark_sentences(old.id, [2, 3], "done")
    new, new_sentences = make_doc("Read more. Troops came. Read more. Tanks left.", "Repeat", key=old.key)
    store.add_document(new, new_sentences)
    assert store.marks(new.id) == {2: "done"}


def _version_4_store(project: Path) -> str:
    """A store as annot at schema 4 left it (no marks, positions or counter), with one marked-up document."""
    with Store(project, annotator="alice") as store:
        doc, sentences = make_doc()
        store.add_document(doc, sentences)
        store.add_span(doc.id, 0, 6, "ACTOR")
    as_older_version(project, 4)
    return doc.id


@pytest.mark.sqlite_only
def test_read_only_store_older_than_marks_reads_them_as_empty(project):
    assert OLDEST_READABLE < MARKS_VERSION  # such stores are still opened read-only
    doc_id = _version_4_store(project)
    with Store(project, read_only=True) as store:
        assert store.marks(doc_id) == {}
        assert store.position(doc_id, "alice") is None
        marks = store.sentence_marks()
        assert list(marks.columns) == MARK_COLUMNS and len(marks) == 0
        assert len(store.sentence_marks(doc_id)) == 0
        assert store.annotation_revision() == store.annotation_revision()
        with pytest.raises(StoreError, match="read-only"):
            store.mark_sentences(doc_id, [0], "done")
        with pytest.raises(NotFound):
            store.position("nope", "alice")
    with Store(project) as store:  # opening it for writing upgrades it
        store.mark_sentences(doc_id, [1], "done")
        assert store.marks(doc_id) == {1: "done"}
    conn = sqlite3.connect(project / DB_NAME)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    conn.close()


@pytest.mark.sqlite_only
def test_read_only_store_older_than_marks_sees_others_writes(project):
    doc_id = _version_4_store(project)
    with Store(project, read_only=True) as reader:
        before = reader.annotation_revision()
        conn = sqlite3.connect(project / DB_NAME)  # a writer of that older annot, which has no counter to move
        with conn:
            conn.execute("UPDATE spans SET status = 'pending' WHERE doc_id = ?", (doc_id,))
        conn.close()
        assert reader.annotation_revision() != before
