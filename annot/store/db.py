"""Opening the store's SQLite file safely: checks first, read-only, then writes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annot.errors import StoreError
from annot.store.migrations import SCHEMA_VERSION, migrate

__all__ = ["Database", "DB_NAME"]

DB_NAME = "annot.db"
_SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


def _corrupt(path: Path, detail: str) -> StoreError:
    return StoreError(
        f"Store file {path} is corrupted ({detail}); it was left untouched."
        " Restore it from a backup or re-create the project from an export (annot import)."
    )


def _check_existing(path: Path) -> None:
    """Validate an existing store file without writing a byte to it."""
    with path.open("rb") as fh:
        header = fh.read(len(_SQLITE_MAGIC))
    if header != _SQLITE_MAGIC:
        raise _corrupt(path, "not an SQLite database: bad file header")
    try:
        # mode=ro: a corrupted or newer file must not be modified by opening it.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _corrupt(path, str(exc)) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        status = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if status != "ok":
            raise _corrupt(path, f"integrity check: {status}")
        has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise StoreError(f"{path} is an SQLite file but not an annot store (no meta table); choose another folder.")
            return
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else 0
    except sqlite3.DatabaseError as exc:
        raise _corrupt(path, str(exc)) from exc
    finally:
        conn.close()
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Store {path} has schema version {version}, written by a newer annot; this annot reads"
            f" up to version {SCHEMA_VERSION}. Upgrade annot (pip install -U annot); the file was not changed."
        )


class Database:
    """One connection to a store file, with serialized, durable write transactions.

    Every write runs in ``BEGIN IMMEDIATE ... COMMIT`` under WAL with
    ``synchronous=FULL``, so a write is on disk when its call returns and
    concurrent writers in other processes queue on SQLite's lock instead of
    losing updates.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists():
            _check_existing(path)
        try:
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot open store {path}: {exc}. Check the folder is writable.") from exc
        self._lock = threading.RLock()
        with self.write() as conn:
            row = conn.execute(
                "SELECT value FROM meta WHERE key='schema_version'"
                if conn.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
                else "SELECT 0"
            ).fetchone()
            current = int(row[0]) if row else 0
            if current < SCHEMA_VERSION:
                migrate(conn, current)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; committed (and fsynced) on exit, rolled back on error."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._map(exc) from exc
            try:
                yield self.conn
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise self._map(exc) from exc
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise self._map(exc) from exc

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read snapshot (a deferred transaction)."""
        with self._lock:
            try:
                self.conn.execute("BEGIN")
                yield self.conn
            except sqlite3.Error as exc:
                raise self._map(exc) from exc
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")

    def _map(self, exc: sqlite3.Error) -> StoreError:
        message = str(exc)
        if "locked" in message or "busy" in message:
            return StoreError(
                f"Store {self.path} stayed locked by another process for {BUSY_TIMEOUT_MS // 1000} s;"
                " close other writers (notebook kernels, annot commands) and retry."
            )
        if isinstance(exc, sqlite3.IntegrityError):
            return StoreError(f"Store {self.path} refused the write ({message}); nothing was changed.")
        if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in message or "not a database" in message):
            return _corrupt(self.path, message)
        return StoreError(f"Store {self.path}: database error ({message}); nothing was changed.")

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self.conn.close()
