"""Opening stores that are missing, corrupted, truncated, foreign or written by a newer annot."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest

import annot.store.integrity
from annot.errors import StoreError
from annot.store import DB_NAME, SCHEMA_VERSION, Store

from .conftest import make_doc

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself: its pages, header, WAL and folder

PAGE = 4096


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(project: Path) -> Path:
    """A closed store spanning many pages (long text with overflow pages, 300 spans, history)."""
    with Store(project, annotator="alice") as store:
        doc, sentences = make_doc("Troops moved again. " * 800, "Long")
        store.add_document(doc, sentences)
        for i in range(300):
            store.add_span(doc.id, i, i + 6, "ACTOR", {"canonical": f"actor {i}"})
    assert sorted(p.name for p in project.iterdir()) == [DB_NAME]  # WAL checkpointed on close
    return project / DB_NAME


def pages_of(db: Path) -> dict[tuple[str, str], list[int]]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out: dict[tuple[str, str], list[int]] = {}
        for name, pageno, pagetype in conn.execute("SELECT name, pageno, pagetype FROM dbstat"):
            out.setdefault((name, pagetype), []).append(pageno)
        return out
    finally:
        conn.close()


def refuse(project: Path, *words: str) -> str:
    with pytest.raises(StoreError) as info:
        Store(project)
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    "content",
    [b"garbage " * 1000, b"\x00" * PAGE, b"SQLite format 2\x00" + b"\x00" * 200, b'{"not": "sqlite"}\n'],
    ids=["text", "zeros", "wrong magic", "json"],
)
def test_store_garbage_file_is_reported_corrupted_and_untouched(project, content):
    project.mkdir()
    db = project / DB_NAME
    db.write_bytes(content)
    refuse(project, "corrupted", str(db), "bad file header", "left untouched", "annot import")
    assert db.read_bytes() == content
    assert sorted(p.name for p in project.iterdir()) == [DB_NAME]  # no -wal, no -shm


@pytest.mark.parametrize(
    ("table", "pagetype", "offset"),
    [
        ("spans", "leaf", 0),
        ("spans", "internal", 0),
        ("history", "leaf", 0),
        ("sqlite_autoindex_spans_1", "leaf", 0),
        ("sqlite_schema", "leaf", 100),
        ("spans", "leaf", 8),
    ],
)
def test_store_with_overwritten_page_is_reported_corrupted_and_untouched(filled, project, table, pagetype, offset):
    pages = pages_of(filled)
    assert len(pages[("spans", "leaf")]) > 3
    pageno = pages[(table, pagetype)][len(pages[(table, pagetype)]) // 2]
    if table == "sqlite_schema":
        # The schema's root page is always page 1, after the 100-byte file header (its other
        # pages, once the schema outgrows one, may have unused bytes at offset 100).
        pageno = 1
    data = bytearray(filled.read_bytes())
    at = (pageno - 1) * PAGE + offset
    data[at : at + 64] = random.Random(pageno).randbytes(64) if offset else b"\xff" * 64
    filled.write_bytes(bytes(data))
    before = digest(filled)
    refuse(project, "corrupted", "left untouched")
    assert digest(filled) == before


@pytest.mark.parametrize("size", [10, 16, 100, PAGE, 5 * PAGE, "half"])
def test_store_truncated_file_is_reported_corrupted_and_untouched(filled, project, size):
    data = filled.read_bytes()
    size = len(data) // 2 if size == "half" else size
    filled.write_bytes(data[:size])
    before = digest(filled)
    refuse(project, "corrupted")
    assert digest(filled) == before
    assert filled.stat().st_size == size


def test_store_empty_file_is_a_store_being_created(project):
    # SQLite creates the file at connect and writes it at the first commit; another
    # process must be able to open the project in between.
    project.mkdir()
    (project / DB_NAME).touch()
    with Store(project) as store:
        assert store.counts() == {"documents": 0, "sentences": 0, "spans": 0}


def test_store_written_by_newer_annot_is_refused_and_untouched(filled, project):
    conn = sqlite3.connect(filled)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    assert sorted(p.name for p in project.iterdir()) == [DB_NAME]
    before = digest(filled)
    refuse(
        project,
        "newer",
        f"schema version {SCHEMA_VERSION + 1}",
        f"up to version {SCHEMA_VERSION}",
        "pip install -U annot",
    )
    assert digest(filled) == before


def test_store_records_its_schema_version(filled):
    conn = sqlite3.connect(filled)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()


def test_store_foreign_sqlite_file_is_refused_and_untouched(project):
    project.mkdir()
    db = project / DB_NAME
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes(body) VALUES ('mine')")
    conn.close()
    before = digest(db)
    refuse(project, "not an annot store", "choose another folder")
    assert digest(db) == before


@pytest.mark.parametrize("exists", [False, True])
def test_store_create_false_without_project_says_annot_init(tmp_path, exists):
    folder = tmp_path / "nothing-here"
    if exists:
        folder.mkdir()
    with pytest.raises(StoreError, match=rf"No annot project at {folder}; create one with: annot init {folder}"):
        Store(folder, create=False)
    assert folder.exists() == exists
    assert not (folder / DB_NAME).exists()


def test_store_create_false_opens_existing_project(filled, project):
    with Store(project, create=False) as store:
        assert store.counts()["spans"] == 300


@pytest.mark.parametrize("create", [True, False])
def test_store_path_to_a_file_is_refused(tmp_path, create):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(
        StoreError, match=rf"{path} is a file, not a project folder; pass the folder that holds {DB_NAME}"
    ):
        Store(path, create=create)
    assert path.read_text() == "hello"


def test_store_path_to_the_db_file_itself_is_refused(filled):
    with pytest.raises(StoreError, match="is a file, not a project folder"):
        Store(filled)


def test_store_folder_under_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="Cannot create project folder"):
        Store(tmp_path / "file" / "project")


def test_store_db_path_that_is_a_directory_is_refused(project):
    (project / DB_NAME).mkdir(parents=True)
    with pytest.raises(StoreError, match=f"Cannot read store file {project / DB_NAME}"):
        Store(project)


# -- large files: the cheap checks at open, the full one on demand (annot.store.integrity.QUICK_CHECK_MAX_BYTES) --


@pytest.fixture
def large(monkeypatch):
    """Every file counts as large: opening runs only the cheap checks; ``quick_check`` calls are recorded."""
    calls: list[Path] = []
    real = annot.store.integrity.quick_check

    def recording(conn: sqlite3.Connection, path: Path) -> None:
        calls.append(path)
        real(conn, path)

    monkeypatch.setattr(annot.store.integrity, "QUICK_CHECK_MAX_BYTES", 0)
    monkeypatch.setattr(annot.store.integrity, "quick_check", recording)
    return calls


def test_store_large_file_opens_without_the_full_check_and_checks_on_demand(filled, project, large):
    with Store(project) as store:
        assert large == []
        assert store.counts()["spans"] == 300
        store.check()
    assert large == [filled]


def test_store_small_file_gets_the_full_check_at_open(filled, project, monkeypatch):
    calls: list[Path] = []
    real = annot.store.integrity.quick_check
    monkeypatch.setattr(annot.store.integrity, "quick_check", lambda conn, path: (calls.append(path), real(conn, path)))
    assert filled.stat().st_size <= annot.store.integrity.QUICK_CHECK_MAX_BYTES
    Store(project).close()
    assert calls == [filled]


@pytest.mark.parametrize("size", [10, 16, 100, PAGE, 5 * PAGE, "half"])
def test_store_large_truncated_file_is_refused_at_open_by_the_cheap_checks(filled, project, size, large):
    data = filled.read_bytes()
    size = len(data) // 2 if size == "half" else size
    filled.write_bytes(data[:size])
    before = digest(filled)
    refuse(project, "corrupted", "left untouched")
    assert digest(filled) == before
    assert large == []


@pytest.mark.parametrize(
    "content",
    [b"garbage " * 1000, b"\x00" * PAGE, b"SQLite format 2\x00" + b"\x00" * 200],
    ids=["text", "zeros", "wrong magic"],
)
def test_store_large_garbage_file_is_refused_at_open_by_the_cheap_checks(project, content, large):
    project.mkdir()
    db = project / DB_NAME
    db.write_bytes(content)
    refuse(project, "corrupted", "bad file header", "left untouched")
    assert db.read_bytes() == content


def test_store_large_file_with_overwritten_first_page_is_refused_at_open(filled, project, large):
    data = bytearray(filled.read_bytes())
    data[100:164] = b"\xff" * 64
    filled.write_bytes(bytes(data))
    before = digest(filled)
    refuse(project, "corrupted", "left untouched")
    assert digest(filled) == before


@pytest.mark.parametrize(("table", "pagetype"), [("spans", "leaf"), ("spans", "internal"), ("history", "leaf")])
def test_store_large_file_damage_in_a_page_not_read_at_open_is_reported_by_reads_and_check(
    filled, project, large, table, pagetype
):
    # The policy's trade: the damage is reported by the first read that meets it, and by check(),
    # as the same one-line error, and the file is still left untouched.
    pages = pages_of(filled)
    pageno = pages[(table, pagetype)][len(pages[(table, pagetype)]) // 2]
    data = bytearray(filled.read_bytes())
    data[(pageno - 1) * PAGE : (pageno - 1) * PAGE + 64] = b"\xff" * 64
    filled.write_bytes(bytes(data))
    before = digest(filled)
    with Store(project) as store:
        read = store.history if table == "history" else store.spans
        for call in (store.check, read):
            with pytest.raises(StoreError, match="is corrupted") as info:
                call()
            assert "left untouched" in str(info.value)
            assert "\n" not in str(info.value)
    assert digest(filled) == before


def test_store_large_file_with_pending_wal_or_open_elsewhere_is_not_taken_for_truncated(filled, project, large):
    # Another connection writing: its commits sit in the -wal, the header may count pages only the log holds.
    with Store(project, annotator="bob") as writer:
        doc, sentences = make_doc("More troops arrived. " * 200, "Later")
        writer.add_document(doc, sentences)
        assert (project / f"{DB_NAME}-wal").stat().st_size > 0
        with Store(project) as reader:
            assert reader.counts()["documents"] == 2
    with Store(project) as again:
        assert again.counts()["documents"] == 2
    assert large == []
