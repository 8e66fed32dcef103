"""``copy_store``: a project moves between SQLite and PostgreSQL, every row as stored, exports byte-identical."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annot.align.beads import Bead
from annot.errors import NotFound, StoreError
from annot.exchange import export_as
from annot.export import export_jsonl
from annot.export.jsonl_import import import_jsonl
from annot.model import Span, Translation, TranslationFailure
from annot.store import DB_NAME, SCHEMA_VERSION, Store
from annot.store.copy import CopyReport, copy_store, migrate_store
from annot.store.db import Database
from annot.store.location import LOCAL

from ..conftest import pg_schema
from .conftest import as_older_version, find, make_doc
from .test_backend_errors import _projection

UKRAINIAN = "Київ заявив про загрозу 🛡. Мінськ мовчить."
UPDATED = "Russia moved 9,000 troops to Belarus. Minsk said the grouping was defensive.  Kyiv called it a threat!"


@pytest.fixture
def other(backend: str) -> str:
    """The backend a project on ``backend`` is copied to."""
    return "postgres" if backend == "sqlite" else "sqlite"


@pytest.fixture
def open_at(request: pytest.FixtureRequest, tmp_path: Path):
    """``open_at(kind, name)``: a store of its own on ``kind``'s backend (a folder, or a schema), opened by URL."""
    opened: list[Store] = []

    def _open(kind: str, name: str, **options: Any) -> Store:
        folder = tmp_path / name
        store = Store(folder, annotator="alice", url=url_of(request, kind, folder), **options)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()


def url_of(request: pytest.FixtureRequest, kind: str, folder: Path) -> str:
    return request.getfixturevalue("pg_server").url(pg_schema(folder)) if kind == "postgres" else LOCAL


@pytest.fixture
def full(store: Store, doc, add) -> Store:
    """A project with something in every table: versions, edits, undos, a deleted span, translations, links,
    alignments, marks, flags, suggestions with confidences, a curation and a stored projection."""
    text = doc.text
    russia = add("Russia", "ACTOR", {"type": "state", "canonical": "Росси́я ☃"})
    troops = add("9,000 troops", "QUANTITY", {"value": 9000, "unit": "військові", "qualifier": "exact"})
    store.update_span(troops.id, attrs={"value": 9000, "unit": "troops", "qualifier": "approximately"})
    gone = add("Minsk", annotator="bob")
    store.delete_span(gone.id, annotator="bob")
    add("Kyiv", annotator="bob")
    store.undo("bob")  # bob's Kyiv: undone, redo-able
    with store.edit_step():
        store.update_span(russia.id, status="pending")
        store.add_span(doc.id, *find(text, "Belarus"), "ACTOR", {"canonical": "Беларусь"})
    suggested = store.add_span(
        doc.id, *find(text, "Kyiv"), "ACTOR", annotator="suggest:actors.v1", origin="suggested", status="pending"
    )
    store.set_confidences({suggested.id: 0.625})
    # A Spanish version linked and aligned, a Ukrainian document, and a newer version of the English one.
    es = store.add_document(*make_doc("Rusia movió tropas. Minsk habló. Kyiv también.", "Agrupación", lang="es"))
    uk = store.add_document(*make_doc(UKRAINIAN, "Загроза", lang="uk"))
    store.add_span(uk.doc_id, *find(UKRAINIAN, "Київ"), "ACTOR", {"canonical": "Kyiv 🇺🇦"})
    store.link(doc.id, es.doc_id)
    beads = [Bead((0,), (0,), 71.5, "auto"), ((1,), (1,)), ((2,), (2,))]
    store.set_alignment(doc.id, es.doc_id, beads, measure="chrf", route="apertium es>en")
    store.add_translations([Translation(doc.id, 0, "fake", "m", "1", "en", "pt", "en>pt", "fake|m-1|en-pt", "Rússia")])
    store.add_translation_failures(
        [TranslationFailure(doc.id, 1, "fake", "m", "1", "en", "pt", "en>pt", "fake|m-1|en-pt", "crashed")]
    )
    store.add_text_translations([("Hola.", "Hello.")], signature="fake|m-1|es-en", engine="fake", source="es",
                                target="en")  # fmt: skip
    store.mark_sentences(doc.id, [0, 2], "done")
    store.mark_sentences(doc.id, [1], "empty", annotator="bob")
    store.save_position(doc.id, "alice", 2)
    store.dismiss_flag(doc.id, 0, "fake", "name", "Russia")
    store.save_projection(doc.id, "es", _projection({"live": russia.id, "es": es.doc_id}), "stamp")
    store.curate(doc.id, 1, [Span("sp-00000000000000c1", doc.id, *find(text, "Minsk"), "ACTOR")], how="edited",
                 curator="cleo")  # fmt: skip
    store.add_document(*make_doc(UPDATED, "Grouping"))  # a new version: the first is superseded by it
    return store


def table_rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but PostgreSQL's own commit counter), sorted, read through the store's connection."""
    with store._db.read() as conn:
        if isinstance(store._db, Database):
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            tables = [row[0] for row in conn.execute(sql).fetchall()]
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = ?"
            tables = [row[0] for row in conn.execute(sql, (store._db.schema,)).fetchall()]
        found = {}
        for table in tables:
            described = conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description
            columns = ", ".join(sorted(f'"{column[0]}"' for column in described))
            found[table] = sorted((tuple(r) for r in conn.execute(f'SELECT {columns} FROM "{table}"')), key=repr)
    found["meta"] = [row for row in found["meta"] if row[0] != "commits"]
    return found


def exports(store: Store, folder: Path) -> tuple[bytes, bytes]:
    """The project as annot/1 JSONL and as doccano's JSONL, bytes."""
    jsonl = export_jsonl(store, folder / "corpus.jsonl").path
    export_as(store, folder / "corpus.doccano.jsonl", "doccano")
    return Path(jsonl).read_bytes(), (folder / "corpus.doccano.jsonl").read_bytes()


def test_copy_round_trip_keeps_every_row_and_the_exports(full, backend, other, open_at, tmp_path):
    before = table_rows(full)
    assert [table for table, rows in before.items() if not rows] == [], "every table holds rows"
    there = open_at(other, "there")
    report = copy_store(full, there)
    back = open_at(backend, "back")
    copy_store(there, back)

    assert table_rows(there) == before
    assert table_rows(back) == before
    assert table_rows(full) == before  # SRC untouched
    assert report.rows["history"] == len(before["history"]) and report.rows["documents"] == 4
    assert report.total == sum(len(rows) for rows in before.values()) - 1  # each side records its schema version
    original = exports(full, tmp_path / "original")
    assert exports(there, tmp_path / "there") == original
    assert exports(back, tmp_path / "back") == original
    # export -> import -> export: the same bytes on either backend
    for kind in ("sqlite", "postgres"):
        fresh = open_at(kind, f"fresh-{kind}")
        import_jsonl(fresh, tmp_path / "original" / "corpus.jsonl")
        assert exports(fresh, tmp_path / f"again-{kind}")[0] == original[0], kind


def test_copy_keeps_history_so_undo_redo_and_new_edits_go_on(full, other, open_at):
    there = open_at(other, "there")
    copy_store(full, there)
    assert there.redo("bob")  # bob's undone Kyiv, from before the copy
    added = there.add_span(full.resolve("grouping"), 0, 6, "ACTOR")  # new keys after the copied ones
    assert there.get_span(added.id).label == "ACTOR"
    assert there.history()["seq"].max() > full.history()["seq"].max()
    there.undo("alice")
    with pytest.raises(NotFound):
        there.get_span(added.id)
    uk = full.resolve("загроза")
    assert len(there.spans(uk)) == 1
    there.undo("alice")  # alice's span of the Ukrainian document, made before the copy
    assert there.spans(uk).empty and len(full.spans(uk)) == 1  # SRC untouched
    there.redo("alice")
    assert len(there.spans(uk)) == 1


def test_copy_carries_the_counters(full, other, open_at):
    there = open_at(other, "there")
    copy_store(full, there)
    assert there.annotation_revision() == full.annotation_revision()
    assert there.flag_decision_revision() == full.flag_decision_revision()


def test_copy_reports_progress_per_batch(full, other, open_at):
    calls: list[tuple[int, int, str]] = []
    report = copy_store(full, open_at(other, "there"), progress=lambda *call: calls.append(call))
    assert calls[-1][0] == calls[-1][1] == report.total - report.rows["meta"]
    assert [name for _, _, name in calls] == [name for name, rows in report.rows.items() if rows and name != "meta"]


def test_copy_is_all_or_nothing(full, other, open_at):
    there = open_at(other, "there")

    def fail(done: int, total: int, table: str) -> None:
        if table == "spans":
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        copy_store(full, there, progress=fail)
    assert not there.documents().shape[0]
    assert isinstance(copy_store(full, there), CopyReport)  # still empty: the copy can be made again
    assert table_rows(there) == table_rows(full)


def test_copy_refuses_a_dst_holding_a_project(full, other, open_at):
    there = open_at(other, "there")
    there.add_document(*make_doc("Something else. Entirely.", "Else"))
    refused = r"already holds a project \(rows in documents\).*a new folder, or a new schema"
    with pytest.raises(StoreError, match=refused):
        copy_store(full, there)
    assert len(there.documents()) == 1


def test_copy_refuses_the_same_store(full, backend, request, project):
    with Store(project, url=url_of(request, backend, project)) as again, pytest.raises(StoreError, match="itself"):
        copy_store(full, again)
    location = str(project) if backend == "sqlite" else url_of(request, backend, project)
    with pytest.raises(StoreError, match="the same store"):
        migrate_store(location, location, project=project)


@pytest.mark.sqlite_only
def test_copy_refuses_an_older_src(full, project, open_at):
    full.close()
    as_older_version(project, 9)
    older = r"schema version 9, older than .* Open it once for writing"
    with Store(project, read_only=True) as old, pytest.raises(StoreError, match=older):
        copy_store(old, open_at("postgres", "there"))


@pytest.mark.sqlite_only
def test_migrate_store_refuses_a_newer_src_and_leaves_it_alone(full, project, tmp_path):
    full.close()
    conn = sqlite3.connect(project / DB_NAME)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    before = (project / DB_NAME).read_bytes()
    with pytest.raises(StoreError, match="written by a newer annot"):
        migrate_store(str(project), str(tmp_path / "copy"), project=project)
    assert (project / DB_NAME).read_bytes() == before and not (tmp_path / "copy").exists()


@pytest.mark.sqlite_only
def test_copy_names_the_tables_and_columns_that_differ(full, project, open_at):
    full.close()
    conn = sqlite3.connect(project / DB_NAME)
    with conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("ALTER TABLE spans ADD COLUMN colour TEXT")
    conn.close()
    differ = r"their tables differ \(table notes only in SRC; column spans.colour only in SRC\)"
    with Store(project, read_only=True) as src, pytest.raises(StoreError, match=differ):
        copy_store(src, open_at("postgres", "there"))


def test_copy_refuses_a_read_only_dst(full, other, open_at):
    open_at(other, "there").close()
    with pytest.raises(StoreError, match="opened read-only; open it for writing"):
        copy_store(full, open_at(other, "there", read_only=True))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("side", ["src", "dst"])
def test_migrate_store_refuses_a_server_it_cannot_reach(full, project, tmp_path, side):
    unreachable = "postgresql://annot@127.0.0.1:1/annot?schema=x"  # port 1: nothing listens
    pair = (unreachable, str(tmp_path / "copy")) if side == "src" else (str(project), unreachable)
    with pytest.raises(StoreError, match=r"Cannot connect to the store at postgresql://annot@127\.0\.0\.1:1/") as err:
        migrate_store(*pair, project=project)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "copy").exists()  # an unreadable SRC leaves no DST behind


def test_copy_leaves_out_each_backends_own_meta_rows():
    from annot.store import postgres
    from annot.store.copy import _OWN_META

    assert {postgres._COMMITS, "schema_version"} == _OWN_META  # the PostgreSQL store's counter is named here too
