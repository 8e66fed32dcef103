"""Edits made as one step (Store.edit_step): undone and redone whole, all or nothing, written in one transaction."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annot.errors import StoreError
from annot.model import Document, Status
from annot.store import DB_NAME, SCHEMA_VERSION, Store
from annot.store.migrations import OLDEST_READABLE, STEPS_VERSION

from .conftest import as_older_version, dump, find, integrity, make_doc

PHRASES = ("Russia", "Belarus", "Minsk", "Kyiv")


def _suggest(store: Store, doc: Document, phrases=PHRASES) -> list[str]:
    """Pending suggestions over ``phrases`` of ``doc``, made by a suggester; their ids."""
    return [
        store.add_span(doc.id, *find(doc.text, p), "ACTOR", annotator="suggest:test.v1", origin="suggested",
                       status="pending").id
        for p in phrases
    ]  # fmt: skip


def _statuses(store: Store, ids: list[str]) -> list[str]:
    return [store.get_span(i).status.value for i in ids]


def _accept_all(store: Store, ids: list[str], annotator: str = "alice") -> None:
    with store.edit_step():
        for span_id in ids:
            store.update_span(span_id, status="accepted", annotator=annotator)


def test_edit_step_undoes_and_redoes_as_one_step(store: Store, doc: Document):
    ids = _suggest(store, doc)
    lone = store.add_span(doc.id, *find(doc.text, "9,000 troops"), "QUANTITY", annotator="alice")
    _accept_all(store, ids)
    history = store.history()
    grouped = history[history["op"].eq("update")]
    assert grouped["step"].nunique() == 1 and grouped["step"].iloc[0] == grouped["seq"].iloc[0]
    assert history[history["op"].eq("add")]["step"].isna().all()  # a lone edit is a step alone
    assert store.undo("alice").id == ids[-1]  # the last edit, undone first
    assert _statuses(store, ids) == ["pending"] * 4
    assert store.get_span(lone.id).status == Status.ACCEPTED  # the step before is still there
    assert store.redo("alice").id == ids[0]  # the first edit, redone first
    assert _statuses(store, ids) == ["accepted"] * 4
    assert store.undo("alice").id == ids[-1]
    assert store.undo("alice").id == lone.id  # then the edit before, alone
    assert store.undo("alice") is None
    assert store.history()["state"].value_counts()["undone"] == 5


def test_edit_step_joins_nested_blocks_and_keeps_each_annotators_part(store: Store, doc: Document):
    ids = _suggest(store, doc)
    with store.edit_step():
        store.update_span(ids[0], status="accepted", annotator="alice")
        with store.transaction(), store.edit_step():  # an inner block joins the outer step
            store.update_span(ids[1], status="rejected", annotator="alice")
        store.update_span(ids[2], status="accepted", annotator="bob")
    store.update_span(ids[3], status="accepted", annotator="alice")  # after the block: a step alone
    assert store.history()["step"].dropna().nunique() == 1
    store.undo("alice")
    assert _statuses(store, ids) == ["accepted", "rejected", "accepted", "pending"]
    store.undo("alice")
    assert _statuses(store, ids) == ["pending", "pending", "accepted", "pending"]  # bob's part is bob's
    store.undo("bob")
    assert _statuses(store, ids) == ["pending"] * 4


def test_undo_of_a_step_is_all_or_nothing(store: Store, doc: Document, project: Path):
    ids = _suggest(store, doc)
    _accept_all(store, ids)
    store.update_span(ids[1], attrs={"canonical": "Belarus"}, annotator="bob")
    before = dump(project)
    with pytest.raises(StoreError, match=f"Cannot undo: span {ids[1]} was changed since by someone else"):
        store.undo("alice")
    assert dump(project) == before  # the spans undone before the conflict are as they were
    store.undo("bob")
    store.undo("alice")
    assert _statuses(store, ids) == ["pending"] * 4
    store.update_span(ids[2], status="rejected", annotator="bob")
    before = dump(project)
    with pytest.raises(StoreError, match="Cannot redo"):
        store.redo("alice")
    assert dump(project) == before


def test_a_step_over_two_documents_is_undone_whole_from_either(store: Store, doc: Document):
    other, sentences = make_doc("Kyiv objected. Minsk agreed.", "Other")
    store.add_document(other, sentences)
    ids = _suggest(store, doc, ("Russia",)) + _suggest(store, other, ("Minsk",))
    _accept_all(store, ids)
    assert store.undo("alice", doc_id=other.id).id == ids[1]
    assert _statuses(store, ids) == ["pending", "pending"]


def test_a_failed_step_writes_nothing_and_leaves_no_step_open(store: Store, doc: Document, project: Path):
    ids = _suggest(store, doc)
    before = dump(project)
    with pytest.raises(RuntimeError), store.edit_step():
        store.update_span(ids[0], status="accepted", annotator="alice")
        raise RuntimeError("stopped")
    assert dump(project) == before
    store.update_span(ids[1], status="accepted", annotator="alice")
    assert store.history()["step"].isna().all()


@settings(max_examples=25, deadline=None)
@given(edits=st.integers(1, 4), fail_at=st.integers(0, 4))
def test_a_step_is_written_in_one_transaction(edits: int, fail_at: int):
    """Property: until the block ends no other connection sees any of its edits, then it sees them all;
    a block stopped anywhere leaves the file exactly as before."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        with Store(project, annotator="alice") as store:
            document, sentences = make_doc()
            store.add_document(document, sentences)
            ids = _suggest(store, document)[:edits]
            before = dump(project)
            failing = fail_at < edits
            try:
                with store.edit_step():
                    for n, span_id in enumerate(ids):
                        if n == fail_at:
                            raise RuntimeError("stopped")
                        store.update_span(span_id, status="accepted")
                        assert dump(project) == before  # a reader sees nothing of the block yet
            except RuntimeError:
                assert failing
            after = dump(project)
            if failing:
                assert after == before
            else:
                assert len(after["history"]) == len(before["history"]) + edits
                assert {row[-1] for row in after["history"][-edits:]} == {after["history"][-edits][0]}
                store.undo()
                assert _statuses(store, ids) == ["pending"] * edits


_CRASH = textwrap.dedent(
    """
    import os, sys
    from annot.store import Store
    store = Store(sys.argv[1], annotator="alice")
    ids = sys.argv[3:]
    with store.edit_step():
        for n, span_id in enumerate(ids):
            if n == int(sys.argv[2]):
                os._exit(3)  # the process dies in the block: no rollback, no commit, no cleanup
            store.update_span(span_id, status="accepted")
    """
)


@pytest.mark.parametrize("crash_at", [1, 3])
def test_a_process_dying_inside_a_step_leaves_none_of_it(store: Store, doc: Document, project: Path, crash_at: int):
    ids = _suggest(store, doc)
    before = dump(project)
    result = subprocess.run([sys.executable, "-c", _CRASH, str(project), str(crash_at), *ids], timeout=120)
    assert result.returncode == 3
    assert integrity(project) == "ok" and dump(project) == before
    assert _statuses(store, ids) == ["pending"] * 4 and store.undo() is None


# -- the migration that added steps ---------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_store_older_than_steps_reads_each_edit_as_a_step_and_upgrades(project: Path):
    assert STEPS_VERSION == 10 and OLDEST_READABLE < STEPS_VERSION < SCHEMA_VERSION
    document, sentences = make_doc()
    with Store(project, annotator="alice") as store:
        store.add_document(document, sentences)
        ids = _suggest(store, document)
        for span_id in ids[:2]:
            store.update_span(span_id, status="accepted")
    as_older_version(project, STEPS_VERSION - 1)
    with Store(project, read_only=True) as old:
        history = old.history()
        assert len(history) == 6 and history["step"].isna().all()
        with pytest.raises(StoreError, match="read-only"):
            old.undo("alice")
    with Store(project, annotator="alice") as store:  # upgraded: older edits undo one at a time
        _accept_all(store, ids[2:])
        assert store.undo().id == ids[3] and _statuses(store, ids) == ["accepted", "accepted", "pending", "pending"]
        assert store.undo().id == ids[1] and _statuses(store, ids) == ["accepted", "pending", "pending", "pending"]
    conn = sqlite3.connect(project / DB_NAME)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    finally:
        conn.close()


@pytest.mark.sqlite_only
def test_a_store_from_a_future_annot_is_refused_untouched(project: Path):
    with Store(project):
        pass
    conn = sqlite3.connect(project / DB_NAME)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    before = (project / DB_NAME).read_bytes()
    for read_only in (False, True):
        with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}, written by a newer annot"):
            Store(project, read_only=read_only)
    assert (project / DB_NAME).read_bytes() == before
