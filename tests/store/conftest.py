"""Small hand-built documents and stores for the store tests."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annot.model import Document, Sentence, document_id
from annot.store import DB_NAME, Store
from annot.store.migrations import MIGRATIONS

from ..conftest import pg_schema

TEXT = "Russia moved 9,000 troops to Belarus. Minsk said the grouping was defensive.  Kyiv called it a threat."
_SENTENCE = re.compile(r"[^.!?]+[.!?]")


def make_doc(
    text: str = TEXT, title: str = "Grouping", *, key: str | None = None, lang: str = "en"
) -> tuple[Document, list[Sentence]]:
    """A document and its sentences: runs ending in . ! or ?, leading spaces left in the gap."""
    doc = Document(id=document_id(text, title), key=key or title.lower(), title=title, lang=lang, text=text)
    sentences = []
    for match in _SENTENCE.finditer(text):
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        sentences.append(Sentence(doc.id, len(sentences), start, match.end(), text[start : match.end()]))
    return doc, sentences


def find(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """The ``[start, end)`` of the ``occurrence``-th ``needle`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def dump(project: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read through a separate read-only connection (on PostgreSQL: the project's
    schema of ``$ANNOT_STORE``'s server)."""
    if os.environ.get("ANNOT_STORE"):
        return _dump_postgres(project)
    conn = sqlite3.connect(f"{(project / DB_NAME).resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    finally:
        conn.close()


def _dump_postgres(project: Path) -> dict[str, list[tuple[Any, ...]]]:
    import psycopg

    from annot.store.postgres import split_url

    url, _ = split_url(os.environ["ANNOT_STORE"])
    schema = pg_schema(project)
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))]
        return {t: conn.execute(f'SELECT * FROM "{schema}"."{t}" ORDER BY 1, 2').fetchall() for t in sorted(tables)}


def as_older_version(project: Path, version: int) -> None:
    """Make the closed store in ``project`` look as annot at schema ``version`` (3 to 9) left it.

    Drops the tables, indexes and columns later migrations created (5: sentence
    marks and positions; 6: flag decisions; 7: translation failures; 8: alignment
    measures; 9: span confidences; 10: the history's step column) and the
    annotations counter, and records ``version``; 4 only changed values.
    """
    conn = sqlite3.connect(project / DB_NAME)
    with conn:
        for step in reversed(MIGRATIONS[version:]):
            sql = step if isinstance(step, str) else ""
            for index in re.findall(r"CREATE INDEX (\w+)", sql):
                conn.execute(f"DROP INDEX {index}")
            for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", sql):
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            for table in re.findall(r"CREATE TABLE (\w+)", sql):
                conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM meta WHERE key = 'annotations_revision'")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    conn.close()


def integrity(project: Path) -> str:
    """SQLite's ``integrity_check`` of the file; on PostgreSQL, ``ok`` once ``Store.check`` read every table."""
    if os.environ.get("ANNOT_STORE"):
        with Store(project, read_only=True) as store:
            store.check()
        return "ok"
    conn = sqlite3.connect(project / DB_NAME)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every store test runs on SQLite and on PostgreSQL, but those marked ``sqlite_only`` (the file itself)."""
    if "backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", ["sqlite"] if only_sqlite else ["sqlite", "postgres"], indirect=True)


@pytest.fixture(autouse=True)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The store backend of this run of the test: on ``postgres``, every project folder is a schema of its own
    on the session's server, and ``$ANNOT_STORE`` names the ``project`` fixture's for child processes."""
    if request.param == "postgres":
        import annot.store.core

        server = request.getfixturevalue("pg_server")
        monkeypatch.setattr(annot.store.core, "store_url", lambda folder: server.url(pg_schema(Path(folder))))
        monkeypatch.setenv("ANNOT_STORE", server.url(pg_schema(tmp_path / "project")))
    return request.param


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tmp_path / "project"


@pytest.fixture
def store(project: Path) -> Store:
    with Store(project, annotator="alice") as opened:
        yield opened


@pytest.fixture
def doc(store: Store) -> Document:
    document, sentences = make_doc()
    store.add_document(document, sentences)
    return document


@pytest.fixture
def add(store: Store, doc: Document) -> Callable[..., Any]:
    """``add("Russia", "ACTOR", attrs)``: add a span over the first occurrence of a phrase of ``doc``."""

    def _add(phrase: str, label: str = "ACTOR", attrs: dict[str, Any] | None = None, **kwargs: Any):
        start, end = find(doc.text, phrase, kwargs.pop("occurrence", 0))
        return store.add_span(doc.id, start, end, label, attrs, **kwargs)

    return _add
