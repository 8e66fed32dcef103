"""Versioned schema of the store's SQLite file, applied in order and recorded in it."""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

# Each entry brings the file from version i to i + 1. Never edit a released
# entry: add a new one, so stores written by older annot versions upgrade.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE documents (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        key TEXT NOT NULL,
        title TEXT NOT NULL,
        lang TEXT NOT NULL,
        source TEXT,
        published TEXT,
        text TEXT NOT NULL,
        ingested_at TEXT NOT NULL,
        superseded_by TEXT REFERENCES documents(id)
    );
    CREATE INDEX documents_key ON documents(key);
    CREATE TABLE sentences (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        heading INTEGER NOT NULL,
        PRIMARY KEY (doc_id, idx)
    ) WITHOUT ROWID;
    CREATE TABLE spans (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        doc_id TEXT NOT NULL REFERENCES documents(id),
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label TEXT NOT NULL,
        attrs TEXT NOT NULL,
        text TEXT NOT NULL,
        annotator TEXT NOT NULL,
        origin TEXT NOT NULL,
        status TEXT NOT NULL,
        anchor TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX spans_doc ON spans(doc_id, start);
    CREATE TABLE history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        span_id TEXT NOT NULL,
        annotator TEXT NOT NULL,
        op TEXT NOT NULL,
        before TEXT,
        after TEXT,
        at TEXT NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX history_annotator ON history(annotator, undone, seq);
    CREATE INDEX history_span ON history(span_id, seq);
    """,
    # 2: machine translations, one row per sentence and engine signature. The
    # cache index finds a sentence's text translated before (in any document
    # or version) by the same engine, model and pair.
    """
    CREATE TABLE translations (
        seq INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL,
        signature TEXT NOT NULL,
        engine TEXT NOT NULL,
        model TEXT NOT NULL,
        model_version TEXT NOT NULL,
        source_lang TEXT NOT NULL,
        target_lang TEXT NOT NULL,
        route TEXT NOT NULL,
        source_hash TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (doc_id, idx, signature)
    );
    CREATE INDEX translations_cache ON translations(source_hash, signature);
    CREATE INDEX translations_doc ON translations(doc_id, target_lang);
    """,
    # 3: documents linked across languages (by key, so a link outlives new
    # versions), their sentence alignments (by version id: indexes belong to
    # one version's sentences), and translations of arbitrary text (round
    # trips), cached by text hash and engine signature. A bead covers the
    # half-open index ranges [a_start, a_end) of A and [b_start, b_end) of B;
    # an empty side has start = end.
    """
    CREATE TABLE links (
        seq INTEGER PRIMARY KEY,
        key_a TEXT NOT NULL,
        key_b TEXT NOT NULL,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (key_a, key_b)
    );
    CREATE INDEX links_b ON links(key_b);
    CREATE TABLE beads (
        doc_a TEXT NOT NULL REFERENCES documents(id),
        doc_b TEXT NOT NULL REFERENCES documents(id),
        pos INTEGER NOT NULL,
        a_start INTEGER NOT NULL,
        a_end INTEGER NOT NULL,
        b_start INTEGER NOT NULL,
        b_end INTEGER NOT NULL,
        score REAL,
        origin TEXT NOT NULL,
        PRIMARY KEY (doc_a, doc_b, pos)
    ) WITHOUT ROWID;
    CREATE INDEX beads_b ON beads(doc_b, doc_a);
    CREATE TABLE text_translations (
        source_hash TEXT NOT NULL,
        signature TEXT NOT NULL,
        engine TEXT NOT NULL,
        source_lang TEXT NOT NULL,
        target_lang TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (source_hash, signature)
    ) WITHOUT ROWID;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, current: int) -> int:
    """Apply the migrations after ``current`` inside the caller's transaction.

    Returns:
        The schema version the file now has.
    """
    for version in range(current, SCHEMA_VERSION):
        for statement in MIGRATIONS[version].split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES('schema_version', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(version + 1),),
        )
    return SCHEMA_VERSION
