"""Flag decisions in the store: dismissed, taken back, read as a DataFrame, kept on disk, absent from old files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from annot.errors import NotFound, SpanError, StoreError
from annot.model import FLAG_KINDS, Document, flag_id
from annot.store import DB_NAME, SCHEMA_VERSION, Store
from annot.store.migrations import MIGRATIONS, OLDEST_READABLE
from tests.store.conftest import make_doc


def test_flags_dismissed_read_back_and_taken_back(store: Store, doc: Document):
    assert store.flag_decisions().empty
    ident = store.dismiss_flag(doc.id, 1, "argos", "name", "Valeri  Revenko")
    assert ident == flag_id("name", "valeri revenko") == "name:valeri revenko"
    store.dismiss_flag(doc.id, 0, "argos+apertium", "numbers", "missing 9000", annotator="bob")
    found = store.flag_decisions(doc.id)
    assert list(found.columns) == ["doc_id", "index", "route", "flag_id", "kind", "value", "annotator", "decided_at"]
    rows = found[["index", "route", "flag_id", "kind", "value", "annotator"]].values.tolist()
    assert rows == [[0, "argos+apertium", "numbers:missing 9000", "numbers", "missing 9000", "bob"],
                    [1, "argos", "name:valeri revenko", "name", "Valeri  Revenko", "alice"]]  # fmt: skip
    assert str(found["index"].dtype) == "Int64" and list(found["kind"].cat.categories) == list(FLAG_KINDS)
    assert isinstance(found["decided_at"].dtype, pd.DatetimeTZDtype)
    # Dismissing again is one decision (the latest annotator's); taking it back removes it.
    store.dismiss_flag(doc.id, 1, "argos", "name", "Valeri Revenko", annotator="carol")
    assert store.flag_decisions(doc.id).set_index("index").at[1, "annotator"] == "carol"
    assert len(store.flag_decisions()) == 2
    assert store.undismiss_flag(doc.id, 1, "argos", ident) is True
    assert store.undismiss_flag(doc.id, 1, "argos", ident) is False
    assert store.flag_decisions(doc.id)["index"].tolist() == [0]


def test_flags_revision_moves_on_every_decision_and_ids_read_without_a_frame(store: Store, doc: Document):
    assert store.flag_decision_revision() == 0 and store.dismissed_flag_ids(doc.id) == {}
    ident = store.dismiss_flag(doc.id, 1, "argos", "name", "Russia")
    first = store.flag_decision_revision()
    store.dismiss_flag(doc.id, 0, "argos+apertium", "numbers", "missing 9000")
    second = store.flag_decision_revision()
    assert len({0, first, second}) == 3
    assert store.dismissed_flag_ids(doc.id) == {(1, "argos"): frozenset({ident}),
                                                (0, "argos+apertium"): frozenset({"numbers:missing 9000"})}  # fmt: skip
    assert store.dismissed_flag_ids(doc.id, 1) == {(1, "argos"): frozenset({ident})}
    # One taken back and another dismissed leave as many decisions as before, and the revision still moves.
    store.undismiss_flag(doc.id, 1, "argos", ident)
    store.dismiss_flag(doc.id, 1, "argos", "name", "Minsk")
    third = store.flag_decision_revision()
    assert third not in {0, first, second}
    assert store.undismiss_flag(doc.id, 1, "argos", ident) is False  # nothing taken back: no move
    assert store.flag_decision_revision() == third


def test_flags_decisions_are_per_document_version(store: Store, doc: Document):
    other, sentences = make_doc("Kyiv objected. Minsk agreed.", "Other")
    store.add_document(other, sentences)
    store.dismiss_flag(doc.id, 0, "argos", "name", "Russia")
    store.dismiss_flag("other", 1, "argos", "name", "Minsk")  # any reference to a document
    assert store.flag_decisions(other.id)[["doc_id", "value"]].values.tolist() == [[other.id, "Minsk"]]
    assert store.flag_decisions(doc.id)["value"].tolist() == ["Russia"]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((0, "argos", "names", "Russia"), SpanError, "Unknown flag kind 'names'; valid kinds: lost, "),
        ((0, " ", "name", "Russia"), SpanError, "needs a route and a value"),
        ((0, "argos", "name", ""), SpanError, "needs a route and a value"),
        ((9, "argos", "name", "Russia"), SpanError, "has no sentence 9"),
    ],
)
def test_flags_bad_dismissal_is_refused_in_one_line(store: Store, doc: Document, args, error, message):
    with pytest.raises(error, match=message) as info:
        store.dismiss_flag(doc.id, *args)
    assert "\n" not in str(info.value)
    assert store.flag_decisions().empty


def test_flags_unknown_document_is_not_found(store: Store, doc: Document):
    with pytest.raises(NotFound):
        store.dismiss_flag("nothing-like-it", 0, "argos", "name", "Russia")


def test_flags_survive_reopening_and_read_only_refuses_writes(project: Path):
    document, sentences = make_doc()
    with Store(project, annotator="alice") as store:
        store.add_document(document, sentences)
        store.dismiss_flag(document.id, 2, "bergamot", "name", "Kyiv")
    with Store(project, read_only=True) as reader:
        assert reader.flag_decisions()["value"].tolist() == ["Kyiv"]
        with pytest.raises(StoreError, match="read-only"):
            reader.dismiss_flag(document.id, 2, "bergamot", "name", "Minsk")
        with pytest.raises(StoreError, match="read-only"):
            reader.undismiss_flag(document.id, 2, "bergamot", "name:kyiv")


@pytest.mark.sqlite_only
def test_flags_older_store_read_only_has_no_decisions(project: Path):
    """A file from before the table, opened read-only (so not upgraded), reads as "no dismissals"."""
    document, sentences = make_doc()
    with Store(project) as store:
        store.add_document(document, sentences)
    mine = next(i for i, step in enumerate(MIGRATIONS) if "CREATE TABLE flag_decisions" in str(step))
    assert OLDEST_READABLE <= mine < SCHEMA_VERSION
    conn = sqlite3.connect(project / DB_NAME)
    with conn:
        conn.execute("DROP TABLE flag_decisions")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(mine),))
    conn.close()
    with Store(project, read_only=True) as old:
        found = old.flag_decisions(document.id)
        assert found.empty and list(found.columns)[:4] == ["doc_id", "index", "route", "flag_id"]
        assert old.document(document.id).title == "Grouping"  # the rest reads as before
