"""Every SQLite failure inside the store comes out as a one-line StoreError, with nothing half-written."""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

import annot.store.db
from annot.errors import StoreError
from annot.model import Span, Translation, TranslationFailure
from annot.store import DB_NAME, Store
from annot.store.projections import PROJECTION_COLUMNS

from .conftest import dump, find, make_doc

pytestmark = pytest.mark.sqlite_only  # it injects sqlite3 errors into the SQLite connection


class FailingConnection:
    """Wraps the store's sqlite3 connection and raises ``error`` on the first matching statement.

    With ``rolled_back`` it first rolls the transaction back, as SQLite itself does
    after SQLITE_FULL, IOERR, BUSY or NOMEM.
    """

    def __init__(
        self, real: sqlite3.Connection, error: sqlite3.Error, when: Callable[[str], bool], rolled_back: bool
    ) -> None:
        self._real, self._error, self._when, self._rolled_back = real, error, when, rolled_back
        self.raised = 0

    def _maybe_fail(self, sql: str) -> None:
        if self._when(sql.strip().upper()):
            self.raised += 1
            if self._rolled_back and self._real.in_transaction:
                self._real.execute("ROLLBACK")
            raise self._error

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._maybe_fail(sql)
        return self._real.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._maybe_fail(sql)
        return self._real.executemany(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.fixture
def setup(store, doc, add):
    """A store with a live span, a deleted span, an undone edit (for redo) and a second document to add."""
    live = add("Russia", annotator="alice")
    gone = add("Minsk", annotator="alice")
    store.delete_span(gone.id, annotator="alice")
    add("Kyiv", annotator="bob")
    store.undo("bob")
    new_doc = make_doc("A fresh piece. Nothing more.", "Fresh")
    # A Spanish version linked and aligned, and a French one not linked yet.
    es = store.add_document(*make_doc("Rusia movió tropas. Minsk habló. Kyiv también.", "Agrupación", lang="es")).doc_id
    fr = store.add_document(*make_doc("La Russie a bougé. Minsk a parlé.", "Groupement", lang="fr")).doc_id
    store.link(doc.id, es)
    store.set_alignment(doc.id, es, [((0,), (0,)), ((1,), (1,))])
    return {"doc": doc, "live": live.id, "gone": gone.id, "new_doc": new_doc, "es": es, "fr": fr}


def _projection(ids: dict[str, Any]) -> Any:
    """A one-row stored projection: the ACTOR "Russia" kept in the Spanish version."""
    import pandas as pd

    row = dict.fromkeys(PROJECTION_COLUMNS, "")
    row |= {"span_id": ids["live"], "label": "ACTOR", "part": "span", "target": f"reference:{ids['es']}",
            "kind": "reference", "status": "kept", "sentence": 0, "target_sentence": 0, "target_start": 0,
            "target_end": 5, "confidence": 0.9, "target_span_id": None}  # fmt: skip
    return pd.DataFrame([row])


def _two_writes_in_one_transaction(store: Store, ids: dict[str, Any]) -> None:
    with store.transaction():
        store.update_span(ids["live"], status="pending")
        store.add_span(ids["doc"].id, 0, 6, "ACTOR")


def _two_writes_in_one_step(store: Store, ids: dict[str, Any]) -> None:
    with store.edit_step():
        store.update_span(ids["live"], status="pending")
        store.add_span(ids["doc"].id, 0, 6, "ACTOR")


WRITES: dict[str, Callable[[Store, dict[str, Any]], Any]] = {
    "add_document": lambda s, ids: s.add_document(*ids["new_doc"]),
    "set_metadata": lambda s, ids: s.set_metadata(ids["doc"].id, outlet="Diario del Sur"),
    "add_span": lambda s, ids: s.add_span(ids["doc"].id, 0, 6, "ACTOR"),
    "add_spans": lambda s, ids: s.add_spans([Span("sp-00000000000000ff", ids["doc"].id, 0, 6, "ACTOR")]),
    "update_span": lambda s, ids: s.update_span(ids["live"], status="pending"),
    "delete_span": lambda s, ids: s.delete_span(ids["live"]),
    "restore_span": lambda s, ids: s.restore_span(ids["gone"]),
    "undo": lambda s, ids: s.undo("alice"),
    "redo": lambda s, ids: s.redo("bob"),
    "add_translations": lambda s, ids: s.add_translations(
        [Translation(ids["doc"].id, 0, "fake", "m", "1", "en", "pt", "en>pt", "fake|m-1|en-pt", "texto")]
    ),
    "add_translation_failures": lambda s, ids: s.add_translation_failures(
        [TranslationFailure(ids["doc"].id, 0, "fake", "m", "1", "en", "pt", "en>pt", "fake|m-1|en-pt", "crashed")]
    ),
    "add_text_translations": lambda s, ids: s.add_text_translations(
        [("Hola.", "Hello.")], signature="fake|m-1|es-en", engine="fake", source="es", target="en"
    ),
    "link": lambda s, ids: s.link(ids["doc"].id, ids["fr"]),
    "unlink": lambda s, ids: s.unlink(ids["doc"].id, ids["es"]),
    "set_alignment": lambda s, ids: s.set_alignment(ids["doc"].id, ids["es"], [((0,), (0,))], measure="anchors"),
    "edit_alignment": lambda s, ids: s.edit_alignment(ids["doc"].id, ids["es"], [2], [1, 2]),
    "mark_sentences": lambda s, ids: s.mark_sentences(ids["doc"].id, [0, 2], "done"),
    "curate": lambda s, ids: s.curate(ids["doc"].id, 0, [], how="empty", curator="cleo"),
    "save_position": lambda s, ids: s.save_position(ids["doc"].id, "alice", 1),
    "transaction": _two_writes_in_one_transaction,
    "edit_step": _two_writes_in_one_step,
    "dismiss_flag": lambda s, ids: s.dismiss_flag(ids["doc"].id, 0, "argos", "name", "Russia"),
    "undismiss_flag": lambda s, ids: s.undismiss_flag(ids["doc"].id, 0, "argos", "name:russia"),
    "set_confidences": lambda s, ids: s.set_confidences({ids["live"]: 0.75}),
    "save_projection": lambda s, ids: s.save_projection(ids["doc"].id, "es", _projection(ids), "stamp"),
}
READS: dict[str, Callable[[Store, dict[str, Any]], Any]] = {
    "document": lambda s, ids: s.document(ids["doc"].id),
    "resolve": lambda s, ids: s.resolve("grouping"),
    "iter_documents": lambda s, ids: list(s.iter_documents()),
    "get_sentences": lambda s, ids: s.get_sentences(ids["doc"].id),
    "documents": lambda s, ids: s.documents(),
    "sentences": lambda s, ids: s.sentences(),
    "sentence_texts": lambda s, ids: s.sentence_texts([(ids["doc"].id, 0)]),
    "get_span": lambda s, ids: s.get_span(ids["live"]),
    "iter_spans": lambda s, ids: list(s.iter_spans()),
    "iter_span_records": lambda s, ids: list(s.iter_span_records()),
    "spans": lambda s, ids: s.spans(),
    "history": lambda s, ids: s.history(),
    "stats": lambda s, ids: s.stats(),
    "counts": lambda s, ids: s.counts(),
    "cached_translations": lambda s, ids: s.cached_translations(["Russia."], "fake|m-1|en-pt"),
    "cached_text_translations": lambda s, ids: s.cached_text_translations(["Hola."], "fake|m-1|es-en"),
    "links": lambda s, ids: s.links(),
    "alignment": lambda s, ids: s.alignment(ids["doc"].id, ids["es"]),
    "aligned_versions": lambda s, ids: s.aligned_versions(ids["doc"].id, ids["es"]),
    "alignment_info": lambda s, ids: s.alignment_info(ids["doc"].id, ids["es"]),
    "get_translations": lambda s, ids: s.get_translations(ids["doc"].id),
    "get_translation_failures": lambda s, ids: s.get_translation_failures(ids["doc"].id),
    "translations": lambda s, ids: s.translations(),
    "translation_texts": lambda s, ids: s.translation_texts("pt"),
    "names": lambda s, ids: s.names(),
    "revision": lambda s, ids: s.revision(),
    "flag_decisions": lambda s, ids: s.flag_decisions(ids["doc"].id),
    "flag_decision_revision": lambda s, ids: s.flag_decision_revision(),
    "dismissed_flag_ids": lambda s, ids: s.dismissed_flag_ids(ids["doc"].id, 0),
    "annotation_revision": lambda s, ids: s.annotation_revision(),
    "sentence_marks": lambda s, ids: s.sentence_marks(),
    "marks": lambda s, ids: s.marks(ids["doc"].id),
    "curations": lambda s, ids: s.curations(),
    "curation_records": lambda s, ids: s.curation_records(ids["doc"].id),
    "curated_sentences": lambda s, ids: s.curated_sentences(),
    "position": lambda s, ids: s.position(ids["doc"].id),
    "confidences": lambda s, ids: s.confidences(ids["doc"].id),
    "translation_stamp": lambda s, ids: s.translation_stamp(ids["doc"].id, "pt"),
    "text_translation_revision": lambda s, ids: s.text_translation_revision(),
    "spans_starting": lambda s, ids: s.spans_starting(ids["doc"].id, 0, 10),
    "span_columns": lambda s, ids: s.span_columns(status="accepted"),
    "check": lambda s, ids: s.check(),
    "projections": lambda s, ids: s.projections(ids["doc"].id, "es"),
    "projection_stamp": lambda s, ids: s.projection_stamp(ids["doc"].id, "es"),
    "projection_links": lambda s, ids: s.projection_links(ids["doc"].id, "es"),
}

ERRORS = [
    (sqlite3.OperationalError("disk I/O error"), "database error (disk I/O error)"),
    (sqlite3.OperationalError("database or disk is full"), "database error (database or disk is full)"),
    (sqlite3.OperationalError("database is locked"), "locked by another process"),
    (sqlite3.IntegrityError("CHECK constraint failed: x"), "refused the write (CHECK constraint failed: x)"),
    (sqlite3.DatabaseError("database disk image is malformed"), "is corrupted"),
    (sqlite3.DataError("string or blob too big"), "database error"),
    (sqlite3.InternalError("internal"), "database error"),
    (sqlite3.ProgrammingError("bad parameter"), "database error"),
    (sqlite3.InterfaceError("bad interface"), "database error"),
    (sqlite3.NotSupportedError("unsupported"), "database error"),
]


def test_backend_error_tables_cover_every_public_store_method():
    public = {name for name, _ in inspect.getmembers(Store, inspect.isfunction) if not name.startswith("_")}
    assert public - {"close"} == set(WRITES) | set(READS)


def _inject(
    store: Store, error: sqlite3.Error, when: Callable[[str], bool], rolled_back: bool = False
) -> FailingConnection:
    failing = FailingConnection(store._db.conn, error, when, rolled_back)
    store._db.conn = failing  # type: ignore[assignment]
    return failing


def _mutating(sql: str) -> bool:
    return sql.startswith(("INSERT", "UPDATE", "DELETE"))


def _fail_write(store: Store, setup: dict[str, Any], project, op: str, error: sqlite3.Error, rolled_back: bool) -> str:
    before = dump(project)
    failing = _inject(store, error, _mutating, rolled_back)
    with pytest.raises(StoreError) as info:
        WRITES[op](store, setup)
    assert failing.raised == 1
    assert isinstance(info.value.__cause__, sqlite3.Error)
    store._db.conn = failing._real
    assert not store._db.conn.in_transaction
    assert dump(project) == before
    WRITES[op](store, setup)  # the store still works afterwards
    assert "\n" not in str(info.value)
    return str(info.value)


@pytest.mark.parametrize("rolled_back", [False, True], ids=["open", "auto-rolled-back"])
@pytest.mark.parametrize("op", list(WRITES))
def test_backend_error_in_write_becomes_store_error(store, setup, project, op, rolled_back):
    message = _fail_write(store, setup, project, op, sqlite3.OperationalError("disk I/O error"), rolled_back)
    assert f"Store {project / DB_NAME}: database error (disk I/O error); nothing was changed." == message


@pytest.mark.parametrize(("error", "words"), ERRORS, ids=[f"{type(e).__name__}-{e}" for e, _ in ERRORS])
def test_backend_error_message_names_the_failure(store, setup, project, error, words):
    assert words in _fail_write(store, setup, project, "update_span", error, rolled_back=False)


@pytest.mark.parametrize("statement", ["BEGIN IMMEDIATE", "COMMIT"])
@pytest.mark.parametrize("op", list(WRITES))
def test_backend_error_on_begin_or_commit_becomes_store_error(store, setup, project, op, statement):
    before = dump(project)
    failing = _inject(store, sqlite3.OperationalError("disk I/O error"), lambda sql: sql == statement)
    with pytest.raises(StoreError, match="disk I/O error"):
        WRITES[op](store, setup)
    store._db.conn = failing._real
    assert dump(project) == before


@pytest.mark.parametrize("op", list(READS))
def test_backend_error_in_read_becomes_store_error(store, setup, op):
    reads = ("SELECT", "PRAGMA DATA_VERSION", "PRAGMA QUICK_CHECK")  # statements are matched upper-cased
    failing = _inject(
        store, sqlite3.DatabaseError("database disk image is malformed"), lambda sql: sql.startswith(reads)
    )
    with pytest.raises(StoreError, match="is corrupted"):
        READS[op](store, setup)
    store._db.conn = failing._real
    assert not store._db.conn.in_transaction
    READS[op](store, setup)


@pytest.fixture
def locked(project, monkeypatch):
    """A store whose project another connection holds with BEGIN EXCLUSIVE; 50 ms busy timeout."""
    monkeypatch.setattr(annot.store.db, "BUSY_TIMEOUT_MS", 50)
    store = Store(project, annotator="alice")
    doc, sentences = make_doc()
    store.add_document(doc, sentences)
    span = store.add_span(doc.id, *find(doc.text, "Russia"), "ACTOR")
    holder = sqlite3.connect(project / DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield store, {"doc": doc, "live": span.id, "gone": span.id, "new_doc": make_doc("Other text.", "Other")}, holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()
    store.close()


@pytest.mark.parametrize("op", ["add_document", "add_span", "add_spans", "update_span", "delete_span", "undo"])
def test_backend_locked_store_write_raises_one_line_store_error(locked, project, op):
    store, ids, holder = locked
    with pytest.raises(StoreError) as info:
        WRITES[op](store, ids)
    message = str(info.value)
    assert "stayed locked by another process for 0.05 s" in message
    assert "close other writers" in message
    assert "\n" not in message
    holder.execute("ROLLBACK")
    before = dump(project)
    assert store.counts()["spans"] == 1
    WRITES[op](store, ids)  # works once the lock is released
    assert dump(project) != before


def test_backend_locked_store_still_reads(locked):
    store, ids, _ = locked
    assert list(store.spans()["id"]) == [ids["live"]]
    assert store.counts()["documents"] == 1


def test_backend_locked_store_cannot_be_opened_for_writing(locked, project):
    with pytest.raises(StoreError, match="locked by another process"):
        Store(project)


def test_backend_integrity_error_maps_to_store_error_and_writes_nothing(store, project):
    doc, sentences = make_doc()
    duplicate = [sentences[0], sentences[0]]  # same (doc_id, idx) twice
    before = dump(project)
    with pytest.raises(
        StoreError,
        match=r"refused the write \(UNIQUE constraint failed: sentences.doc_id, sentences.idx\); nothing was changed",
    ):
        store.add_document(doc, duplicate)
    assert dump(project) == before
    assert store.add_document(doc, sentences).status == "added"


def test_closed_store_says_so_on_read_and_write(tmp_path):
    store = annot.open_project(tmp_path / "p")
    store.close()
    for call in (store.counts, store.revision, store.spans, lambda: store.add_span("x", 0, 1, "ACTOR")):
        with pytest.raises(annot.StoreError, match=r"was closed \(Store.close\(\)\); nothing was changed"):
            call()


def test_failing_end_of_a_read_becomes_store_error(store, setup):
    failing = _inject(store, sqlite3.OperationalError("disk I/O error"), lambda sql: sql == "COMMIT")
    with pytest.raises(StoreError, match="disk I/O error"):
        store.counts()
    store._db.conn = failing._real
    assert not store._db.conn.in_transaction
    assert store.counts()["documents"] >= 1
