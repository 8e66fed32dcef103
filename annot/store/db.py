"""Opening the store's SQLite file safely: checks first, read-only, then writes."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from annot.errors import NoProject, StoreError
from annot.store import integrity
from annot.store.integrity import corrupt_error
from annot.store.migrations import OLDEST_READABLE, SCHEMA_VERSION, migrate
from annot.store.txn import Transactional

__all__ = ["DB_NAME", "Database", "project_writable"]

DB_NAME = "annot.db"
BUSY_TIMEOUT_MS = 30_000


def _user() -> str:
    # The effective user, which decides what may be written (not $USER, which su and setpriv keep).
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return f"uid {os.geteuid()}" if hasattr(os, "geteuid") else "this user"


def _not_writable(folder: Path) -> list[str]:
    """What in a project folder this process cannot write: the folder, annot.db, its -wal and -shm files."""
    paths = [folder] + [folder / f"{DB_NAME}{end}" for end in ("", "-wal", "-shm")]
    effective = os.access in os.supports_effective_ids
    return [
        str(path) for path in paths
        if path.exists() and not os.access(path, os.W_OK, effective_ids=effective)
    ]  # fmt: skip


def project_writable(folder: str | os.PathLike[str]) -> bool:
    """Whether this process can write the project ``folder`` (and its store files, where they exist)."""
    return not _not_writable(Path(folder))


def _read_only_project(db: Path, blocked: list[str]) -> StoreError:
    """The one message for a project this user cannot write: which files, what still works, what to do."""
    folder = db.parent
    what = " and ".join(blocked) if blocked else f"{folder} (or {DB_NAME})"
    return StoreError(
        f"Project {folder} is read-only for {_user()}: cannot write {what}; nothing was changed."
        " Reading works: annot ls, show, stats, export (to a file elsewhere), alignment without --set"
        " and meta without options,"
        " or Store(path, read_only=True) in Python. To change it, ask its owner for write access to the folder"
        f" and its files, or work on a copy: cp -r {folder} COPY, then annot --project COPY ..."
    )


def _connect_read_only(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A connection that cannot write ``path``, and whether it had to be opened ``immutable``.

    ``mode=ro`` first: it reads through the WAL like any reader and sees commits
    made meanwhile by writers in other processes. It needs the WAL index (the
    ``-shm`` file, and a ``-wal``), which SQLite creates beside the database
    when missing; a folder this user cannot write refuses to create them
    (SQLITE_READONLY_DIRECTORY, or SQLITE_CANTOPEN). Then the file is opened
    ``immutable=1``, which reads the main file alone, without locks or WAL, but
    only when the ``-wal`` is missing or empty: every commit is then in the main
    file, so what is read is exact (WAL-mode writers leave the main file alone
    until a checkpoint, which needs a non-empty ``-wal``). Such a connection does
    not see commits made after it opened: reopen the Store to see them. A
    non-empty ``-wal`` holds commits ``immutable`` would silently skip: refused.
    """
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, False
    except sqlite3.Error as exc:
        conn.close()
        name = getattr(exc, "sqlite_errorname", "")
        if not (name.startswith("SQLITE_READONLY") or name == "SQLITE_CANTOPEN"):
            raise
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"Cannot read store {path}: its last changes are still in {wal.name} (someone is writing it, or"
                f" annot was stopped before closing it), and {path.parent} is not writable for {_user()}, so they"
                " cannot be read safely; nothing was changed. Ask a user who can write the folder to close their"
                " annot sessions or open the project once (annot ls), then retry."
            ) from exc
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False), True


def _unreadable(path: Path, exc: sqlite3.Error) -> StoreError:
    """What an error met while checking an existing file means: bad header, unreadable, locked, or corrupted."""
    message = str(exc)
    if "not a database" in message:
        return corrupt_error(path, "not an SQLite database: bad file header")
    if "unable to open" in message:
        return StoreError(f"Cannot read store file {path}: {message}. Check that it is a readable file.")
    if "locked" in message or "busy" in message:
        return StoreError(
            f"Store {path} stayed locked by another process for {BUSY_TIMEOUT_MS / 1000:g} s;"
            " close other writers (notebook kernels, annot commands) and retry."
        )
    return corrupt_error(path, message)


def _check_existing(path: Path) -> None:
    """Validate an existing store file without writing a byte to it (what is checked: ``annot.store.integrity``).

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
        # Read-only: a corrupted or newer file must not be modified by opening it.
        conn, _ = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from exc
    try:
        integrity.check_at_open(conn, path, size)
        has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise StoreError(
                    f"{path} is an SQLite file but not an annot store (no meta table); choose another folder."
                )
            return
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else 0
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from exc
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


class Database(Transactional):
    """One connection to a store file, with serialized, durable write transactions.

    Every write (``Transactional.write``) runs in ``BEGIN IMMEDIATE ... COMMIT`` under WAL with
    ``synchronous=FULL``, so a write is on disk when its call returns and
    concurrent writers in other processes queue on SQLite's lock instead of
    losing updates. A write opened inside another one is a savepoint of it: it
    succeeds or fails alone, and is committed with the outermost one.

    With ``read_only`` the file is opened so that nothing can write it (see
    ``_connect_read_only``), and ``write()`` refuses before reaching SQLite.
    """

    ERRORS = sqlite3.Error

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        super().__init__()
        self.path = path
        self.where = str(path)
        self.read_only = read_only
        self.immutable = False  # a read-only open of a folder nobody can write (see _connect_read_only)
        if read_only:
            self._open_read_only()
            return
        blocked = _not_writable(path.parent)
        if blocked:  # before SQLite, whose own errors would call it "readonly database" or "unable to open"
            raise _read_only_project(path, blocked)
        if path.exists():
            _check_existing(path)
        try:
            self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _set_wal(self.conn)
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            if "readonly" in str(exc) or getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY"):
                raise _read_only_project(path, _not_writable(path.parent)) from exc
            raise StoreError(f"Cannot open store {path}: {exc}. Check the folder is writable.") from exc
        with self.write() as conn:
            current = self._version(conn)
            if current < SCHEMA_VERSION:
                migrate(conn, current, project=path.parent)
        self.version = SCHEMA_VERSION  # the file's schema version: a read-only store keeps an older file's

    @staticmethod
    def _version(conn: sqlite3.Connection) -> int:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone():
            return 0
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _open_read_only(self) -> None:
        path = self.path
        if not path.exists():
            raise NoProject(f"No annot project at {path.parent}; create one with: annot init {path.parent}")
        _check_existing(path)
        try:
            self.conn, self.immutable = _connect_read_only(path)
            self.conn.execute("PRAGMA foreign_keys = ON")
            current = self._version(self.conn)
        except sqlite3.Error as exc:
            raise _unreadable(path, exc) from exc
        self.version = current
        if current < OLDEST_READABLE:
            self.conn.close()
            raise StoreError(
                f"Store {path} has schema version {current}, too old for this annot to read without upgrading it"
                f" to {SCHEMA_VERSION}, and it was opened read-only, so it cannot be upgraded; nothing was changed."
                " Open it once with write access (any annot command run by a user who can write the folder,"
                " e.g. annot ls), then retry."
            )

    def _refuse_write(self) -> StoreError:
        blocked = _not_writable(self.path.parent)
        if blocked:
            return _read_only_project(self.path, blocked)
        return StoreError(
            f"Store {self.path} was opened read-only (read_only=True); nothing was changed."
            f" To change it, open it for writing: Store({str(self.path.parent)!r})."
        )

    def _begin_write(self) -> None:
        # IMMEDIATE: the write lock now, so that writers queue here rather than fail when they first write.
        self.conn.execute("BEGIN IMMEDIATE")

    def _closed(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.ProgrammingError)

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

    def _map(self, exc: Exception) -> StoreError:  # type: ignore[override]
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
        if "readonly" in message or getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY"):
            # A read-only file or folder, not a damaged one: never advise restoring a backup.
            return _read_only_project(self.path, _not_writable(self.path.parent))
        if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in message or "not a database" in message):
            return corrupt_error(self.path, message)
        return StoreError(f"Store {self.path}: database error ({message}); nothing was changed.")

    def check(self) -> None:
        """Read and check every page of the file (``PRAGMA quick_check``), as it is now.

        Raises:
            StoreError: the file is corrupted (it is left untouched), or it cannot be read.
        """
        with self.read() as conn:
            try:
                integrity.quick_check(conn, self.path)
            except sqlite3.Error as exc:
                raise self._map(exc) from exc

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self.conn.close()
