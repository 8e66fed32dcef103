"""The project store: durable documents, sentences and span annotations, read as DataFrames."""

from __future__ import annotations

import contextlib
import getpass
import itertools
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import NoProject, NotFound, SchemaError, SpanError, StoreError
from annot.model import ANCHORS, Origin, Span, Status, lone_surrogate, to_timestamp, utcnow
from annot.schema import PROJECT_FILE, LabelSchema, load_schema, read_project_file
from annot.store import conflicts
from annot.store.curation import CurationMixin
from annot.store.db import DB_NAME, Database
from annot.store.documents import AddResult, DocumentsMixin
from annot.store.flags import FlagsMixin
from annot.store.links import LinksMixin
from annot.store.location import explicit_url, store_url
from annot.store.marks import MarksMixin
from annot.store.projections import ProjectionsMixin
from annot.store.rows import (
    SPAN_COLS,
    SPAN_FIELDS,
    enum_value,
    offset,
    span_from_json,
    span_json,
    span_row,
    to_span,
)
from annot.store.spanreads import SpanReadsMixin
from annot.store.suggestions import SuggestionsMixin
from annot.store.translations import TranslationsMixin

if TYPE_CHECKING:
    from annot.store.postgres import PgDatabase

__all__ = ["AddResult", "SCHEMA_FILE", "Store", "default_annotator", "new_span_id", "project_exists"]

SCHEMA_FILE = PROJECT_FILE  # the label schema is read from the project file
_EDITABLE = frozenset({"start", "end", "label", "attrs", "status"})
_ADD_CHUNK = 500  # spans add_spans reads and checks at a time (one lookup of their ids; bound parameters)
_SET_FIELDS = ", ".join(f"{column} = ?" for column in SPAN_COLS.split(", ")[1:])  # every column but id


def default_annotator(project: str | os.PathLike[str] | None = None) -> str:
    """The annotator name used when none is given.

    ``$ANNOT_USER``, else ``$ANNOT_ANNOTATOR``, else the project's default (``annotator`` in the ``[team]``
    table of its ``annot.toml``), else the login name. Blank values are skipped; names are stripped of
    surrounding spaces. An explicit name (``Store(annotator=...)``, ``--annotator``, the widget's) beats all.

    Args:
        project: the project folder whose ``annot.toml`` may name a default; ``None``: none.

    Raises:
        SchemaError: the project file is unreadable, or its ``[team] annotator`` is not text.
    """
    for variable in ("ANNOT_USER", "ANNOT_ANNOTATOR"):
        name = os.environ.get(variable, "").strip()
        if name:
            return name
    if project is not None:
        team = read_project_file(project).get("team", {})
        name = team.get("annotator", "") if isinstance(team, dict) else None
        if not isinstance(name, str):
            raise SchemaError(
                f"{Path(project) / PROJECT_FILE}: [team] annotator must be a name in quotes"
                f' (annotator = "alice"), got {name!r}.'
            )
        if name.strip():
            return name.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"


def project_exists(path: str | os.PathLike[str]) -> bool:
    """Whether a store exists for the project folder ``path``: its ``annot.db``, or its schema on the server.

    Raises:
        StoreError: the project's server cannot be reached.
    """
    if store_url(path) is None:
        return (Path(path) / DB_NAME).is_file()
    try:
        Store(path, create=False, read_only=True).close()
    except NoProject:
        return False
    return True


def new_span_id() -> str:
    """A fresh random span id, ``sp-`` plus 16 hex digits."""
    return f"sp-{secrets.token_hex(8)}"


class Store(
    DocumentsMixin, TranslationsMixin, LinksMixin, MarksMixin, FlagsMixin, SuggestionsMixin, ProjectionsMixin,
    CurationMixin, SpanReadsMixin,
):  # fmt: skip
    """A project folder holding ``annot.db`` (SQLite, WAL) and an optional ``annot.toml``; or, when
    ``$ANNOT_STORE`` or the ``[store] url`` of its ``annot.toml`` names one, the project's schema on a
    PostgreSQL server (``annot.store.postgres``), through the same API.

    Reads return pandas DataFrames; every write is committed and fsynced before
    the call returns. Several processes may open the same project at once.

    The folder holding the project folder (``home``) is where the keys of
    ingested files start from: ``corpus/a.en.txt`` for ``home/corpus/a.en.txt``.

    Args:
        path: the project folder.
        create: create the folder and store when missing (else raise StoreError).
        annotator: default annotator name for edits made through this object (default:
            ``default_annotator(path)``: ``$ANNOT_USER``, the project's ``[team] annotator``, the login name).
        read_only: open so that nothing can write the store (a project of another
            user, a read-only folder): reads work, every write raises StoreError.
            In a writable folder SQLite may still create its ``-wal``/``-shm``
            files beside ``annot.db``. In a folder this user cannot write, with no
            changes pending in ``annot.db-wal``, the file is read as it is: changes
            others make later are seen once the store is opened again.
        url: where the store is, instead of where ``$ANNOT_STORE`` or the project's ``[store] url`` say: a
            ``postgresql://`` URL, or ``location.LOCAL`` for the folder's own ``annot.db``; the folder's
            ``annot.toml`` still gives the label schema (``annot migrate-store`` names both sides so).

    Raises:
        StoreError: the store is missing (``NoProject``: ``create=False`` or ``read_only``), corrupted,
            newer than this annot, read-only for this user (unless ``read_only``), or its server cannot be
            reached.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, annotator: str | None = None,
        read_only: bool = False, url: str | None = None,
    ) -> None:  # fmt: skip
        self.path = Path(path)
        db_path = self.path / DB_NAME
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a project folder; pass the folder that holds {DB_NAME}.")
        url = store_url(self.path) if url is None else explicit_url(url)
        if url is None and not db_path.exists() and (read_only or not create):
            raise NoProject(f"No annot project at {self.path}; create one with: annot init {self.path}")
        if not read_only:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"Cannot create project folder {self.path}: {exc}. Choose a writable folder.") from exc
        self.schema: LabelSchema = load_schema(self.path / SCHEMA_FILE)
        self.annotator = annotator or default_annotator(self.path)
        # Where ingested files are named from (model.source_key): fixed now, whatever the working folder becomes.
        self.home = self.path.resolve().parent
        self._db: Database | PgDatabase
        if url is None:
            self._db = Database(db_path, read_only=read_only)
        else:
            from annot.store.postgres import PgDatabase  # psycopg only for projects on a server

            self._db = PgDatabase(url, project=self.path, create=create, read_only=read_only)
        # The open edit_step() block's step id (None outside one; 0 until its first edit is written).
        # Only read and set while this object's write lock is held, so other threads never see it.
        self._edit_step: int | None = None

    @property
    def read_only(self) -> bool:
        """Whether this store was opened with ``read_only=True`` (every write raises StoreError)."""
        return self._db.read_only

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes inside the block one transaction: all of them are kept, or none.

        On an exception everything written in the block is rolled back and the
        exception propagates. Writes inside are durable when the block ends,
        not when each call returns. A ``transaction()`` inside another is a
        savepoint: an exception caught within the outer block undoes only the
        inner one. Other writers (processes, threads) wait until the block ends,
        up to 30 s, so keep it to one batch of work (``import_jsonl`` uses it).

        Raises:
            StoreError: the store is read-only, locked, or SQLite failed (nothing was changed).
        """
        with self._db.write():
            yield

    @contextlib.contextmanager
    def edit_step(self) -> Iterator[None]:
        """A ``transaction()`` whose span edits undo and redo as one step.

        ``undo`` then takes back every edit the block made, by each annotator
        that made some (each undoes their own part at once), all or nothing:
        when someone else changed one of the spans since, nothing is undone. A
        step is one even when its edits span documents: an undo limited to one
        of them (``doc_id``) undoes the others too. ``edit_step()`` inside
        another one (or inside a ``transaction()`` inside one) joins it.

        Raises:
            StoreError: the store is read-only, locked, or SQLite failed (nothing was changed).
        """
        with self._db.write():
            if self._edit_step is not None:
                yield
                return
            self._edit_step = 0
            try:
                yield
            finally:
                self._edit_step = None

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def location(self) -> str:
        """Where the store is: its SQLite file, or its PostgreSQL URL and schema (no password)."""
        return self._db.where

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def check(self) -> None:
        """Read and check every page of the store file (SQLite's ``quick_check``); nothing is written.

        Opening a store checks only what is cheap unless the file is small (see
        ``annot.store.integrity``): run this (or ``annot check``) after
        copying or restoring a large project, or when a read reported damage.

        Raises:
            StoreError: the file is corrupted (it is left untouched), or cannot be read.
        """
        self._db.check()

    # -- spans -------------------------------------------------------------

    def _check_span(
        self, conn: sqlite3.Connection, span: Span, texts: dict[str, str] | None = None,
        unwritten: dict[str, Span] | None = None,
    ) -> Span:  # fmt: skip
        """Validate ``span`` against its document and the schema; return it with ``text`` set.

        ``unwritten``: spans checked but not yet written (``add_spans``' batch), which a span-typed
        attribute may name as if stored.
        """
        texts = {} if texts is None else texts
        if span.doc_id not in texts:
            row = conn.execute("SELECT text FROM documents WHERE id = ?", (span.doc_id,)).fetchone()
            if row is None:
                raise NotFound(f"No document {span.doc_id!r} in {self.path}. List documents with: annot ls")
            texts[span.doc_id] = row[0]
        text = texts[span.doc_id]
        span = replace(span, start=offset("start", span.start, span.doc_id), end=offset("end", span.end, span.doc_id))
        if not 0 <= span.start < span.end <= len(text):
            raise SpanError(
                f"Span [{span.start}, {span.end}) is out of range for document {span.doc_id}"
                f" (valid: 0 <= start < end <= {len(text)})."
            )
        if span.anchor not in ANCHORS:
            raise SpanError(f"Invalid anchor {span.anchor!r} for span {span.id}. Valid values: {', '.join(ANCHORS)}.")
        attrs = self.schema.validate(span.label, span.attrs)
        problem = lone_surrogate(dict(attrs), span.label) or lone_surrogate(span.annotator, "the annotator name")
        if problem:
            raise SpanError(
                f"Span {span.id} in {span.doc_id}: {problem}, which is not Unicode text and cannot be stored."
                " Fix the value (it usually comes from a \\udXXXX escape in JSON)."
            )
        for name, value in attrs.items():
            attr = self.schema.labels[span.label].attributes[name]
            if attr.type == "span":
                named = (unwritten or {}).get(value)
                ref = (
                    (named.label,) if named is not None and named.doc_id == span.doc_id
                    else conn.execute("SELECT label FROM spans WHERE id = ? AND doc_id = ? AND deleted = 0",
                                      (value, span.doc_id)).fetchone()
                )  # fmt: skip
                if ref is None or (attr.labels and ref[0] not in attr.labels):
                    need = f" {'/'.join(attr.labels)}" if attr.labels else ""
                    raise SpanError(
                        f"{span.label}.{name} must be the id of a live{need} span in the same document;"
                        f" {value!r} is not one."
                    )
        return replace(span, attrs=attrs, text=text[span.start : span.end])

    @staticmethod
    def _fetch(conn: sqlite3.Connection, span_id: str) -> tuple[Span, bool] | None:
        """The stored span and whether it is deleted, or ``None``."""
        row = conn.execute(f"SELECT {SPAN_COLS}, deleted FROM spans WHERE id = ?", (span_id,)).fetchone()
        return (to_span(row), bool(row[-1])) if row else None

    @staticmethod
    def _overwrite(conn: sqlite3.Connection, span: Span, *, deleted: bool) -> None:
        """Replace the stored row of ``span.id`` with ``span`` and the deleted flag."""
        conn.execute(
            f"UPDATE spans SET {_SET_FIELDS}, deleted = ? WHERE id = ?", (*span_row(span)[1:], int(deleted), span.id)
        )

    def _write_span(
        self, conn: sqlite3.Connection, after: Span, op: str, before: Span | None, annotator: str,
        *, record_undo: bool = True, clear_redo: bool = True,
    ) -> None:  # fmt: skip
        self._db.note_annotation_change()
        if before is None:
            conn.execute(f"INSERT INTO spans({SPAN_COLS}) VALUES ({','.join('?' * len(SPAN_FIELDS))})", span_row(after))
        else:
            self._overwrite(conn, after, deleted=op == "delete")
        if record_undo and clear_redo:
            # A new edit ends the annotator's redo chain (undone = 2: dropped).
            conn.execute("UPDATE history SET undone = 2 WHERE annotator = ? AND undone = 1", (annotator,))
        seq = conn.execute(
            "INSERT INTO history(span_id, annotator, op, before, after, at, undone, step) VALUES (?,?,?,?,?,?,?,?)"
            " RETURNING seq",
            (after.id, annotator, op, span_json(before) if before else None, span_json(after),
             to_timestamp(after.updated_at), 0 if record_undo else 3, self._edit_step or None),
        ).fetchone()[0]  # fmt: skip
        if self._edit_step == 0:  # the block's first edit: its seq names the step
            self._edit_step = seq
            conn.execute("UPDATE history SET step = seq WHERE seq = ?", (seq,))

    def add_span(
        self, doc_id: str, start: int, end: int, label: str, attrs: dict[str, Any] | None = None, *,
        annotator: str | None = None, origin: Origin | str = Origin.MANUAL, status: Status | str = Status.ACCEPTED,
    ) -> Span:  # fmt: skip
        """Add one span over ``doc.text[start:end]`` and return it (durable on return).

        Raises:
            SpanError: out of range, unknown label/attribute, invalid attribute value.
            NotFound: no such document.
        """
        now = utcnow()
        span = Span(
            id=new_span_id(), doc_id=doc_id, start=start, end=end, label=label, attrs=attrs or {},
            annotator=annotator or self.annotator, origin=enum_value(Origin, origin), status=enum_value(Status, status),
            created_at=now, updated_at=now,
        )  # fmt: skip
        return self.add_spans([span])[0]

    def add_spans(self, spans: Iterable[Span], *, on_conflict: str = "error") -> list[Span]:
        """Add many spans in one transaction (all or none); ids are kept as given.

        Args:
            spans: spans to add; ``text`` is recomputed from the document.
            on_conflict: ``error`` (an existing id raises), or ``replace`` (imports:
                an existing id is overwritten, the old state kept in history).
        """
        if on_conflict not in ("error", "replace"):
            raise SpanError(f"on_conflict must be 'error' or 'replace', got {on_conflict!r}.")
        out: list[Span] = []
        texts: dict[str, str] = {}
        cleared: set[str] = set()  # annotators whose redo chain this transaction ended
        with self._db.write() as conn:
            given = iter(spans)
            while chunk := list(itertools.islice(given, _ADD_CHUNK)):
                # New ids (the common case: suggestions, imports) are written together, in their order;
                # an id already stored, or given twice, goes through the one-span path in its turn.
                stored_ids = self._stored_ids(conn, [span.id for span in chunk])
                new: dict[str, Span] = {}
                for span in chunk:
                    try:
                        span = self._check_span(conn, span, texts, new)
                    except SpanError as exc:
                        exc.span_id = span.id  # which of the batch: the caller may have read ahead
                        raise
                    if span.id not in stored_ids and span.id not in new:
                        new[span.id] = span
                        out.append(span)
                        continue
                    self._insert_new(conn, list(new.values()), cleared)
                    stored_ids |= new.keys()
                    new = {}
                    out.append(self._add_over(conn, span, on_conflict, cleared))
                self._insert_new(conn, list(new.values()), cleared)
        return out

    @staticmethod
    def _stored_ids(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` name a stored span, live or deleted."""
        marks = ",".join("?" * len(ids))
        return {row[0] for row in conn.execute(f"SELECT id FROM spans WHERE id IN ({marks})", ids)} if ids else set()

    def _insert_new(self, conn: sqlite3.Connection, new: list[Span], cleared: set[str]) -> None:
        """Write spans whose ids are not stored, and their ``add`` history rows, a few statements for all."""
        if new and self._edit_step == 0:  # the block's first edit names the step: written alone, for its seq
            self._write_span(conn, new[0], "add", None, new[0].annotator, clear_redo=new[0].annotator not in cleared)
            cleared.add(new[0].annotator)
            new = new[1:]
        if not new:
            return
        self._db.note_annotation_change()
        conn.executemany(
            f"INSERT INTO spans({SPAN_COLS}) VALUES ({','.join('?' * len(SPAN_FIELDS))})", [span_row(s) for s in new]
        )
        for annotator in sorted({span.annotator for span in new} - cleared):
            # A new edit ends the annotator's redo chain (undone = 2: dropped).
            conn.execute("UPDATE history SET undone = 2 WHERE annotator = ? AND undone = 1", (annotator,))
            cleared.add(annotator)
        conn.executemany(
            "INSERT INTO history(span_id, annotator, op, before, after, at, undone, step) VALUES (?,?,?,?,?,?,?,?)",
            [(s.id, s.annotator, "add", None, span_json(s), to_timestamp(s.updated_at), 0, self._edit_step or None)
             for s in new],
        )  # fmt: skip

    def _add_over(self, conn: sqlite3.Connection, span: Span, on_conflict: str, cleared: set[str]) -> Span:
        """``add_spans`` of one checked span whose id is stored: refused, unchanged, replaced or restored."""
        stored = self._fetch(conn, span.id)
        if stored is not None and on_conflict != "replace":
            raise SpanError(f"A span with id {span.id} already exists; use update_span to change it.")
        before, was_deleted = stored if stored else (None, False)
        if before is not None and not was_deleted and span_row(before) == span_row(span):
            return before
        # Replacing a deleted span brings it back: a restore, so that undo deletes it again.
        op = "add" if before is None else "restore" if was_deleted else "update"
        # The redo chain needs ending once per annotator per transaction, not per span.
        self._write_span(conn, span, op, before, span.annotator, clear_redo=span.annotator not in cleared)
        cleared.add(span.annotator)
        return span

    def _live(self, conn: sqlite3.Connection, span_id: str, *, deleted: bool = False) -> Span:
        stored = self._fetch(conn, span_id)
        if stored is None or stored[1] != deleted:
            state = "deleted span" if deleted else "span"
            raise NotFound(f"No {state} {span_id!r} in {self.path}.")
        return stored[0]

    def get_span(self, span_id: str) -> Span:
        """Return the live span ``span_id``.

        Raises:
            NotFound: no such span, or it is deleted.
        """
        with self._db.read() as conn:
            return self._live(conn, span_id)

    def update_span(
        self, span_id: str, *, annotator: str | None = None, seen: Span | None = None, **changes: Any
    ) -> Span:
        """Change a span's ``start``, ``end``, ``label``, ``attrs`` or ``status``.

        With ``seen`` (the span as the editor last saw it: what an annotation
        session passes), the edit is checked field by field against what others
        changed since (``annot.store.conflicts``): ``extent`` (start and end),
        ``label``, ``status`` and each attribute. A field someone else changed to
        another value than this edit's is a conflict, and nothing is written; the
        fields they changed that this edit leaves as seen keep their values, so
        edits of different fields (different attributes) by two people merge.
        A field given with the value seen is no change. Without ``seen``, the
        fields given are written as they are.

        Args:
            span_id: the span to change.
            annotator: who edits (default: the store's annotator).
            seen: the span as the editor last saw it, or ``None`` (no check).
            **changes: the new values.

        Returns:
            The span as stored now (with ``seen``, unchanged and not written again when nothing differs).

        Raises:
            SpanError: unknown field, ``seen`` is another span, or the result is invalid (nothing is written).
            NotFound: no live span with that id (with ``seen``: no span with that id at all).
            EditConflict: with ``seen``: someone else changed a field this edit changes since, or deleted
                the span (nothing is written; the message says who, when and what is stored now).
        """
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise SpanError(
                f"Cannot update {', '.join(sorted(unknown))}; editable fields: {', '.join(sorted(_EDITABLE))}."
            )
        self._check_seen(span_id, seen)
        who = annotator or self.annotator
        if "status" in changes:
            changes["status"] = enum_value(Status, changes["status"])
        with self._db.write() as conn:
            before = self._live_since(conn, span_id, seen, "update")
            if seen is not None:
                changes, clashes = conflicts.rebase(seen, before, changes)
                if clashes:
                    raise conflicts.conflict(conn, seen, before, clashes[0], "update")
                if not changes:  # nothing this edit changes differs from what is stored
                    return before
            after = self._check_span(conn, replace(before, **changes, updated_at=utcnow()))
            self._write_span(conn, after, "update", before, who)
        return after

    def delete_span(self, span_id: str, *, annotator: str | None = None, seen: Span | None = None) -> Span:
        """Delete a span; it stays in history and ``restore_span`` brings it back.

        Args:
            span_id: the span to delete.
            annotator: who deletes (default: the store's annotator).
            seen: the span as the editor last saw it: when someone else has changed
                it since (any field, as for ``update_span``), nothing is deleted. ``None``: no check.

        Raises:
            NotFound: no live span with that id (with ``seen``: no span with that id at all).
            SpanError: another span's attributes refer to it, or ``seen`` is another span.
            EditConflict: with ``seen``: the span was changed or deleted since (nothing is written).
        """
        self._check_seen(span_id, seen)
        who = annotator or self.annotator
        with self._db.write() as conn:
            before = self._live_since(conn, span_id, seen, "delete")
            changed = [] if seen is None else conflicts.changed_fields(seen, before)
            if seen is not None and changed:
                raise conflicts.conflict(conn, seen, before, changed[0], "delete")
            self._check_unreferenced(conn, before)
            after = replace(before, updated_at=utcnow())
            self._write_span(conn, after, "delete", before, who)
        return after

    @staticmethod
    def _check_seen(span_id: str, seen: Span | None) -> None:
        if seen is not None and seen.id != span_id:
            raise SpanError(f"seen must be span {span_id} as the editor saw it, got span {seen.id}.")

    def _live_since(self, conn: sqlite3.Connection, span_id: str, seen: Span | None, action: conflicts.Action) -> Span:
        """The live span ``span_id``; with ``seen``, one deleted since is an EditConflict, not NotFound."""
        stored = self._fetch(conn, span_id)
        if stored is not None and not stored[1]:
            return stored[0]
        if seen is not None and stored is not None:
            raise conflicts.conflict(conn, seen, None, conflicts.DELETED, action)
        return self._live(conn, span_id)  # NotFound, saying so

    def _check_unreferenced(self, conn: sqlite3.Connection, span: Span) -> None:
        # Only labels with span-type attributes can point at another span.
        referrers = [
            label.name for label in self.schema.labels.values()
            if any(attr.type == "span" for attr in label.attributes.values())
        ]  # fmt: skip
        if (
            referrers
            and conn.execute(
                f"SELECT 1 FROM spans WHERE doc_id = ? AND deleted = 0 AND label IN ({','.join('?' * len(referrers))})"
                " AND attrs LIKE ?",
                (span.doc_id, *referrers, f'%"{span.id}"%'),
            ).fetchone()
        ):
            raise SpanError(f"Span {span.id} is referenced by another span's attributes; edit that span first.")

    def restore_span(self, span_id: str, *, annotator: str | None = None) -> Span:
        """Bring back a deleted span."""
        who = annotator or self.annotator
        with self._db.write() as conn:
            before = self._live(conn, span_id, deleted=True)
            after = self._check_span(conn, replace(before, updated_at=utcnow()))
            self._write_span(conn, after, "restore", before, who)
        return after

    def _step(self, annotator: str | None, *, redo: bool, doc_id: str | None = None) -> list[tuple[Span, str, Span]]:
        """Undo (or redo) the annotator's last step: one edit, or all of an ``edit_step()`` block's, in one transaction.

        Returns, per edit in the order undone (last first) or redone (first
        first), the span as it now is, the history op, and the span as it was
        just before (``[]``: nothing to undo). ``undo`` and ``redo`` return the
        first span alone; ``AnnotationSession`` says what was undone from the rest.
        """
        who = annotator or self.annotator
        with self._db.write() as conn:
            where, args = "h.annotator = ? AND h.undone = ?", [who, 1 if redo else 0]
            if doc_id is not None:
                where += " AND h.span_id IN (SELECT id FROM spans WHERE doc_id = ?)"
                args.append(self._resolve(conn, doc_id))
            order = "ASC" if redo else "DESC"
            columns = "h.seq, h.span_id, h.op, h.before, h.after"
            row = conn.execute(
                f"SELECT {columns}, h.step FROM history h WHERE {where} ORDER BY h.seq {order} LIMIT 1", args
            ).fetchone()
            if row is None:
                return []
            rows = [row[:-1]]
            if row[-1] is not None:  # every edit of the step, wherever it is
                rows = conn.execute(
                    f"SELECT {columns} FROM history h WHERE h.step = ? AND h.annotator = ? AND h.undone = ?"
                    f" ORDER BY h.seq {order}",
                    (row[-1], who, 1 if redo else 0),
                ).fetchall()
            # One transaction: a conflict on any edit raises and leaves every span of the step as it was.
            done = [self._step_one(conn, *edit, redo=redo) for edit in rows]
            self._db.note_annotation_change()
        return done

    def _step_one(
        self, conn: sqlite3.Connection, seq: int, span_id: str, op: str, before_json: str | None,
        after_json: str | None, *, redo: bool,
    ) -> tuple[Span, str, Span]:  # fmt: skip
        """Undo (or redo) the history row ``seq``; the span as it now is, the op, the span as it was."""
        target_json, expect_json = (after_json, before_json) if redo else (before_json, after_json)
        current = self._fetch(conn, span_id)
        if expect_json is None:
            # Redoing an add: undoing it left the row deleted, otherwise as added.
            expected, expect_deleted = span_from_json(target_json), True
        else:
            expected = span_from_json(expect_json)
            expect_deleted = op == ("restore" if redo else "delete")
        state = (current[0].updated_at, current[1]) if current else None
        if state != (expected.updated_at, expect_deleted):
            raise StoreError(f"Cannot {'redo' if redo else 'undo'}: span {span_id} was changed since by someone else.")
        # The span ends up deleted after undoing an add or a restore, or redoing a delete.
        deleted = (op in ("add", "restore") and not redo) or (op == "delete" and redo)
        if deleted and not expect_deleted:
            self._check_unreferenced(conn, expected)
        if target_json is None:
            conn.execute("UPDATE spans SET deleted = 1 WHERE id = ?", (span_id,))
            result = expected
        else:
            result = span_from_json(target_json)
            self._overwrite(conn, result, deleted=deleted)
        conn.execute("UPDATE history SET undone = ? WHERE seq = ?", (0 if redo else 1, seq))
        return result, op, expected

    def undo(self, annotator: str | None = None, *, doc_id: str | None = None) -> Span | None:
        """Undo the annotator's last edit (in ``doc_id`` only, if given); return the span (``None``: nothing to undo).

        The edits of an ``edit_step()`` block are undone together, all or none;
        the span returned is then the last one edited.

        Raises:
            StoreError: someone else changed the span since that edit (nothing is changed).
            SpanError: the undo would delete a span another span's attributes refer to.
        """
        done = self._step(annotator, redo=False, doc_id=doc_id)
        return done[0][0] if done else None

    def redo(self, annotator: str | None = None, *, doc_id: str | None = None) -> Span | None:
        """Redo the annotator's last undone edit (in ``doc_id`` only, if given; ``None`` if nothing to redo).

        The edits of an ``edit_step()`` block are redone together, all or none;
        the span returned is then the first one edited.

        Raises:
            StoreError: someone else changed the span since the undo (nothing is changed).
            SpanError: the redo would delete a span another span's attributes refer to.
        """
        done = self._step(annotator, redo=True, doc_id=doc_id)
        return done[0][0] if done else None

    def revision(self) -> tuple[int, int]:
        """A token that changes whenever the store is written, by this object or any other process.

        Cheap (no table is read): a widget polls it to notice edits made elsewhere.

        Raises:
            StoreError: the store is closed or unreadable.
        """
        return self._db.revision()

    def annotation_revision(self) -> int:
        """A number that moves whenever annotations change, by this object or any other process.

        Annotations here are what an ``AnnotationSession`` reads once and keeps:
        spans, sentence marks, documents (a new version), links and alignments
        (the reference pane). Saved positions and translations leave it alone,
        unlike ``revision()``, which any commit moves, so sessions do not make
        each other re-read everything by moving or translating. One indexed
        read: a session checks it only when ``revision()`` moved
        (``AnnotationSession.changed``). Compare values for equality only.

        Raises:
            StoreError: the store is closed or unreadable.
        """
        return self._db.annotation_revision()
