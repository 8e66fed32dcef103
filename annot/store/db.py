"""Opening the store's SQLite file safely: checks first, read-only, then writes."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from annot.errors import StoreError
from annot.store.migrations import SCHEMA_VERSION, migrate

__all__ = ["Database", "DB_NAME"]

DB_NAME = "annot.db"
BUSY_TIMEOUT_MS = 30_000


def _corrupt(path: Path, detail: str) -> StoreError:
    detail = " ".join(detail.split())  # integrity_check reports may span lines; a message is one line
    return StoreError(
        f"Store file {path} is corrupted ({detail}); it was left untouched."
        " Restore it from a backup or re-create the project from an export (annot import)."
    )


def _check_existing(path: Path) -> None:
    """Validate an existing store file without writing a byte to it.

    The file is never opened with Python's own file handles: closing one would
    release every POSIX lock this process holds on it, including those of
    SQLite connections already open on the project (another ``Store`` in the
    same notebook), whose later writes would then be invisible to other
    processes and lost when another process removes the WAL file. SQLite itself
    tracks its handles per process and reads the header here.
    """
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(f"{path} is not a file")
    except OSError as exc:
        raise StoreError(f"Cannot read store file {path}: {exc}. Check that it is a readable file.") from exc
    if size == 0:
        # An empty file is a store another process is creating right now (SQLite
        # creates the file on connect and writes it on the first commit).
        return
    try:
        # mode=ro: a corrupted or newer file must not be modified by opening it.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _corrupt(path, str(exc)) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            status = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc):
                raise _corrupt(path, "not an SQLite database: bad file header") from exc
            if "unable to open" in str(exc):
                raise StoreError(f"Cannot read store file {path}: {exc}. Check that it is a readable file.") from exc
            raise
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


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process is creating the same file.

    SQLite does not call the busy handler for this lock upgrade, so two processes
    opening a new project at once would otherwise fail with "database is locked".
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


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
            _set_wal(self.conn)
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot open store {path}: {exc}. Check the folder is writable.") from exc
        self._lock = threading.RLock()
        self.writes = 0  # transactions committed through this connection (see revision)
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
                self._rollback()
                raise self._map(exc) from exc
            except BaseException:
                self._rollback()
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._map(exc) from exc
            self.writes += 1

    def revision(self) -> tuple[int, int]:
        """A value that changes whenever anyone commits to the file.

        SQLite's ``data_version`` counts commits made through *other*
        connections (other processes included); ``writes`` counts this one's.
        """
        with self._lock:
            try:
                version = self.conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error as exc:
                raise self._map(exc) from exc
            return int(version), self.writes

    def _rollback(self) -> None:
        # SQLite rolls back by itself after some errors (SQLITE_FULL, IOERR, BUSY,
        # NOMEM); a second ROLLBACK would then raise and hide the original error.
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

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
                self._end_read()

    def _end_read(self) -> None:
        # Ending a read transaction can fail too (I/O error); that is a StoreError like any other.
        try:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")
        except sqlite3.ProgrammingError:
            pass  # closed: the error raised inside the block says so
        except sqlite3.Error as exc:
            self._rollback()
            raise self._map(exc) from exc

    def _map(self, exc: sqlite3.Error) -> StoreError:
        message = str(exc)
        if isinstance(exc, sqlite3.ProgrammingError) and "closed" in message:
            return StoreError(
                f"Store {self.path} was closed (Store.close()); nothing was changed."
                " Open it again with annot.open_project() and retry."
            )
        if "locked" in message or "busy" in message:
            return StoreError(
                f"Store {self.path} stayed locked by another process for {BUSY_TIMEOUT_MS / 1000:g} s;"
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
