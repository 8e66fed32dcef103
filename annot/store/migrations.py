"""Versioned schema of the store's SQLite file, applied in order and recorded in it."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from annot.model import source_key

__all__ = [
    "ANNOTATIONS_REVISION",
    "CONFIDENCE_VERSION",
    "CURATIONS_VERSION",
    "FAILURES_VERSION",
    "FLAGS_VERSION",
    "MARKS_VERSION",
    "MEASURES_VERSION",
    "METADATA_VERSION",
    "MIGRATIONS",
    "OLDEST_READABLE",
    "PROJECTIONS_VERSION",
    "SCHEMA_VERSION",
    "STEPS_VERSION",
    "migrate",
]

_LINE_KEY = re.compile(r"^(.+\.jsonl):(\d+)$")  # "FILE:LINE", the key of a JSONL record without an id


def _portable(value: str, home: Path) -> str:
    """``value`` with an absolute path inside ``home`` made relative (``model.source_key``), else unchanged."""
    if not os.path.isabs(value):
        return value
    line = _LINE_KEY.match(value)
    if line:
        return f"{_portable(line.group(1), home)}:{line.group(2)}"
    return source_key(value, home=home)


def portable_keys(conn: sqlite3.Connection, project: Path) -> None:
    """4: keys and sources that are absolute paths inside the project folder's parent become relative.

    annot before version 4 keyed an ingested file by its absolute path, which
    every export then shared. The rule of ``model.source_key`` names it from the
    project folder's parent instead (``corpus/a.en.txt``), the way ingest now
    does, so re-ingesting the file keeps its identity. Every version of a
    document follows its key, and so do the links (stored by key); a file's
    source becomes its key, as ingest writes it. Paths outside the project's
    parent stay as they are: ingest renames them when it meets the file again
    (``Store.add_document(aliases=...)``). A key whose new name is already taken
    by another document is left alone rather than merging two documents.
    """
    home = project.parent
    rows = conn.execute("SELECT DISTINCT key FROM documents").fetchall()
    taken = {key for (key,) in rows}
    for (key,) in rows:
        new = _portable(key, home)
        if new == key or new in taken:
            continue
        taken.add(new)
        conn.execute(
            "UPDATE documents SET key = ?, source = CASE WHEN source = ? OR source NOT LIKE '%://%' THEN ? ELSE source"
            " END WHERE key = ?",
            (new, key, new, key),
        )
        conn.execute("UPDATE links SET key_a = ? WHERE key_a = ?", (new, key))
        conn.execute("UPDATE links SET key_b = ? WHERE key_b = ?", (new, key))
    # Sources given as absolute paths under keys that are not paths (a JSONL record's id).
    for (source,) in conn.execute("SELECT DISTINCT source FROM documents WHERE source LIKE '/%'").fetchall():
        new = _portable(source, home)
        if new != source:
            conn.execute("UPDATE documents SET source = ? WHERE source = ?", (new, source))


# Each entry brings the file from version i to i + 1: SQL statements, or a
# function of the connection and the project folder for changes that need
# Python. Never edit a released entry: add a new one, so stores written by
# older annot versions upgrade.
MIGRATIONS: tuple[str | Callable[[sqlite3.Connection, Path], None], ...] = (
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
    # 4: no absolute paths in keys and sources (see portable_keys).
    portable_keys,
    # 5: each annotator's marks on sentences ("done", or "empty": nothing to
    # annotate) and last position in each document version, kept out of the
    # span history; and a counter in meta (ANNOTATIONS_REVISION) that writes of
    # what annotation sessions cache move (spans, marks, documents, links and
    # alignments), so sessions polling for others' edits are not sent
    # re-reading everything by position saves or translations.
    """
    CREATE TABLE sentence_marks (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL,
        annotator TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('done', 'empty')),
        marked_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, idx, annotator)
    ) WITHOUT ROWID;
    CREATE TABLE positions (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        annotator TEXT NOT NULL,
        idx INTEGER NOT NULL,
        moved_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, annotator)
    ) WITHOUT ROWID;
    INSERT INTO meta(key, value) VALUES ('annotations_revision', '0');
    """,
    # 6: decisions on the fidelity flags of machine translations: a flag (numbers
    # changed, a name lost) an annotator dismissed as fine, per document
    # version, sentence and route. A new table only: older files opened
    # read-only (no table) read as having no decisions (store/flags.py).
    """
    CREATE TABLE flag_decisions (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL,
        route TEXT NOT NULL,
        flag_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        annotator TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, idx, route, flag_id)
    ) WITHOUT ROWID;
    """,
    # 7: sentences an engine failed on (a stage of Apertium's pipeline crashing on
    # them), per document version, sentence and route signature, with the
    # reason: the MT pane and compare flag them in later sessions. A translation
    # stored with the signature removes the row. A new table only: older files
    # opened read-only read as having no failures (store/translations.py).
    """
    CREATE TABLE translation_failures (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL,
        signature TEXT NOT NULL,
        engine TEXT NOT NULL,
        model TEXT NOT NULL,
        model_version TEXT NOT NULL,
        source_lang TEXT NOT NULL,
        target_lang TEXT NOT NULL,
        route TEXT NOT NULL,
        reason TEXT NOT NULL,
        failed_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, idx, signature)
    ) WITHOUT ROWID;
    CREATE INDEX translation_failures_target ON translation_failures(doc_id, target_lang);
    """,
    # 8: what the scores of a stored alignment measure (model.MEASURES: chrf, anchors, length) and
    # the route that translated B ("apertium es>en", "" without MT), per pair of versions in the
    # link's orientation, as the beads are kept. A row only for an alignment whose measure is known:
    # none for those stored before (or set wholly by hand). Measures are checked in Python
    # (align.beads.check_measure), not by a CHECK, so a new one needs no table rebuilt. A new table
    # only: older files opened read-only read every measure as unknown (store/links.py).
    """
    CREATE TABLE alignment_measures (
        doc_a TEXT NOT NULL REFERENCES documents(id),
        doc_b TEXT NOT NULL REFERENCES documents(id),
        measure TEXT NOT NULL,
        route TEXT NOT NULL,
        PRIMARY KEY (doc_a, doc_b)
    ) WITHOUT ROWID;
    """,
    # 9: how sure a suggester was of each span it suggested (0-1), by span id. Its name and version
    # are the span's annotator (suggest:actors.v1); the confidence is kept beside the span rather
    # than in a span column (the span rows, their history and the DataFrames keep their shape) or
    # in attrs (the schema validates those, and the annotator edits them). A row only for a span
    # a suggester made. A new table only: older files opened read-only read no confidences
    # (store/suggestions.py).
    """
    CREATE TABLE span_confidence (
        span_id TEXT PRIMARY KEY REFERENCES spans(id),
        confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1)
    ) WITHOUT ROWID;
    """,
    # 10: edits made together undo and redo as one step (Store.edit_step: accepting every suggestion
    # of a sentence). Each history row of such a block holds the block's step id, the seq of its first
    # row; a lone edit has NULL, as every row written before has. A nullable column only: older files
    # opened read-only read every edit as its own step (Store.history). The index finds a step's rows.
    """
    ALTER TABLE history ADD COLUMN step INTEGER;
    CREATE INDEX history_step ON history(step) WHERE step IS NOT NULL;
    """,
    # 11: stored projections (annot.project.stored): per document version and language, one row per row of
    # annot.project's frame (pos keeps their order), with the pending suggestion a row offered in a linked
    # version (target_span_id: a span of that version, NULL for none), and what they were computed from
    # (projection_stamps: an opaque digest the projection compares, never read here). New tables only:
    # older files opened read-only read no stored projection (store/projections.py). Like every entry, it
    # runs once, in the transaction that records its version: a file is never half-migrated.
    """
    CREATE TABLE projections (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        lang TEXT NOT NULL,
        pos INTEGER NOT NULL,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        engine TEXT NOT NULL,
        route TEXT NOT NULL,
        signature TEXT NOT NULL,
        span_id TEXT,
        label TEXT NOT NULL,
        part TEXT NOT NULL,
        source_text TEXT NOT NULL,
        sentence INTEGER NOT NULL,
        target_sentence INTEGER,
        status TEXT NOT NULL,
        target_start INTEGER,
        target_end INTEGER,
        target_text TEXT NOT NULL,
        method TEXT NOT NULL,
        confidence REAL,
        detail TEXT NOT NULL,
        problem TEXT NOT NULL,
        target_span_id TEXT REFERENCES spans(id),
        PRIMARY KEY (doc_id, lang, pos)
    ) WITHOUT ROWID;
    CREATE INDEX projections_target_span ON projections(target_span_id) WHERE target_span_id IS NOT NULL;
    CREATE TABLE projection_stamps (
        doc_id TEXT NOT NULL REFERENCES documents(id),
        lang TEXT NOT NULL,
        stamp TEXT NOT NULL,
        computed_at TEXT NOT NULL,
        PRIMARY KEY (doc_id, lang)
    ) WITHOUT ROWID;
    """,
    # 12: where a document was published: its outlet, author and url (model.Document), NULL when unknown,
    # as every document stored before has them. documents.published keeps its ISO text, now a date or a
    # date and time (model.read_published). Nullable columns only: older files opened read-only read
    # every document's outlet, author and url as unknown (store/rows.py doc_cols).
    """
    ALTER TABLE documents ADD COLUMN outlet TEXT;
    ALTER TABLE documents ADD COLUMN author TEXT;
    ALTER TABLE documents ADD COLUMN url TEXT;
    """,
    # 13: how a curator settled each sentence (Store.curate): one row per curation, appended, never updated:
    # who, when, how (model.CURATION_KINDS) and whose version was accepted (source, "" otherwise). ``step``
    # is the history step that wrote the curated spans (Store.edit_step), NULL when the curation changed no
    # span: a row counts while its step is not undone, so undoing a curation takes its record back with its
    # spans. A new table only: older files opened read-only read no curation (store/curation.py).
    """
    CREATE TABLE curations (
        seq INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL,
        curator TEXT NOT NULL,
        how TEXT NOT NULL,
        source TEXT NOT NULL,
        curated_at TEXT NOT NULL,
        step INTEGER
    );
    CREATE INDEX curations_doc ON curations(doc_id, idx);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)

# The version that added sentence_marks, positions and the meta row
# ANNOTATIONS_REVISION: a store older than that, opened read-only, has no marks
# and no positions to read (empty results), and no counter (see Database.changes).
MARKS_VERSION = 5
ANNOTATIONS_REVISION = "annotations_revision"
# The version that added flag_decisions: an older store opened read-only has no flag decisions.
FLAGS_VERSION = 6
# The version that added translation_failures: an older store opened read-only has no failures recorded.
FAILURES_VERSION = 7
# The version that added alignment_measures: an older store opened read-only reads every measure as unknown.
MEASURES_VERSION = 8
# The version that added span_confidence: an older store opened read-only reads no confidences.
CONFIDENCE_VERSION = 9
# The version that added history.step: an older store opened read-only reads each edit as its own step.
STEPS_VERSION = 10
# The version that added projections and projection_stamps: an older store opened read-only has none stored.
PROJECTIONS_VERSION = 11
# The version that added documents.outlet, author and url: an older store opened read-only reads them as NULL.
METADATA_VERSION = 12
# The version that added curations: an older store opened read-only reads no sentence as curated.
CURATIONS_VERSION = 13

# The oldest version whose tables this annot reads as they are: a store opened
# read-only cannot be migrated, 4 changed values, not tables, 5 to 9 and 11
# and 13 only added tables, which readers of an older file find empty (MARKS_VERSION,
# FLAGS_VERSION, FAILURES_VERSION, MEASURES_VERSION, CONFIDENCE_VERSION,
# PROJECTIONS_VERSION, CURATIONS_VERSION), and 10 and 12 nullable columns, which they read as NULL (STEPS_VERSION,
# METADATA_VERSION). Raise it with any
# migration that changes what a column means, or adds one readers cannot do without.
OLDEST_READABLE = 3


def migrate(conn: sqlite3.Connection, current: int, *, project: Path) -> int:
    """Apply the migrations after ``current`` inside the caller's transaction.

    Args:
        conn: the store's connection, in a write transaction.
        current: the file's schema version.
        project: the project folder holding the file.

    Returns:
        The schema version the file now has.
    """
    for version in range(current, SCHEMA_VERSION):
        step = MIGRATIONS[version]
        if callable(step):
            step(conn, project)
        else:
            for statement in step.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES('schema_version', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(version + 1),),
        )
    return SCHEMA_VERSION
