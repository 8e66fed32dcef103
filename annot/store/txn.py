"""Transactions over any store backend: durable writes, savepoints, snapshots, one error type.

``Database`` (SQLite, ``annot.store.db``) and ``PgDatabase`` (PostgreSQL,
``annot.store.postgres``) share this: how a write transaction nests, rolls
back and commits, how a read snapshot ends, the counter sessions poll, and
how a failure becomes one ``StoreError``. Each backend fills the hooks: how to
begin a write or a read, what its driver's errors are and what they mean.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, ClassVar

from annot.errors import StoreError
from annot.model import lone_surrogate
from annot.store.migrations import ANNOTATIONS_REVISION, MARKS_VERSION

__all__ = ["Transactional", "bump"]


def bump(conn: Any, keys: list[str]) -> None:
    """Add one to each counter of ``meta`` named in ``keys``, in one statement."""
    if keys:
        marks = ", ".join("?" * len(keys))
        conn.execute(f"UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key IN ({marks})", keys)


class Transactional:
    """The transaction logic of a store connection; subclasses open ``conn`` and fill the hooks.

    ``conn`` offers ``execute(sql, params)`` returning a cursor, and
    ``in_transaction``: an ``sqlite3.Connection``, or ``postgres.PgConnection``.
    """

    ERRORS: ClassVar[type[Exception] | tuple[type[Exception], ...]] = ()
    where: str  # how messages name the store: its file, or its server and schema
    conn: Any
    read_only: bool
    version: int

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0  # nesting of write() on this connection: 0 outside, 1 in the transaction, 2+ in savepoints
        self.writes = 0  # transactions committed through this connection (see revision)
        self._annotations_changed = False  # the open transaction wrote what sessions cache (see note_annotation_change)

    # -- hooks -------------------------------------------------------------

    def _refuse_write(self) -> StoreError:
        """The error for a write on a store opened read-only."""
        raise NotImplementedError

    def _begin_write(self) -> None:
        """Begin a write transaction that no other writer runs beside."""
        raise NotImplementedError

    def _begin_read(self) -> None:
        """Begin a read transaction: a snapshot."""
        self.conn.execute("BEGIN")

    def _counters(self) -> list[str]:
        """The ``meta`` counters every write transaction moves (besides the annotations' when it marked one)."""
        return []

    def _map(self, exc: Exception) -> StoreError:
        """The one-line StoreError that a driver error means."""
        raise NotImplementedError

    # -- transactions --------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Any]:
        """A write transaction; committed (durable) on exit, rolled back on error.

        Inside another ``write()`` it is a savepoint: on error only its own
        changes are rolled back (the exception still propagates), and it is
        committed with the outermost transaction.

        Raises:
            StoreError: the store is read-only, or the database failed (nothing was changed);
                a text holding a lone surrogate cannot be stored.
        """
        if self.read_only:
            raise self._refuse_write()
        with self._lock:
            if self._depth:
                with self._savepoint():
                    yield self.conn
                return
            try:
                self._begin_write()
            except self.ERRORS as exc:
                self._rollback()
                raise self._map(exc) from exc
            self._depth = 1
            try:
                yield self.conn
                bump(self.conn, [ANNOTATIONS_REVISION] * self._annotations_changed + self._counters())
            except self.ERRORS as exc:
                self._rollback()
                raise self._map(exc) from exc
            except UnicodeEncodeError as exc:
                self._rollback()
                raise self._bad_text(exc) from exc
            except BaseException:
                self._rollback()
                raise
            finally:
                self._depth = 0
                self._annotations_changed = False
            try:
                self.conn.execute("COMMIT")
            except self.ERRORS as exc:
                self._rollback()
                raise self._map(exc) from exc
            self.writes += 1

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        name = f"w{self._depth}"
        self._check_open_transaction()
        try:
            self.conn.execute(f"SAVEPOINT {name}")
        except self.ERRORS as exc:
            raise self._map(exc) from exc
        self._depth += 1
        try:
            yield
        except BaseException as exc:
            if self.conn.in_transaction:
                with suppress(*self._errors()):
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
            if isinstance(exc, self.ERRORS):
                raise self._map(exc) from exc
            if isinstance(exc, UnicodeEncodeError):
                raise self._bad_text(exc) from exc
            raise
        finally:
            self._depth -= 1
        try:
            self.conn.execute(f"RELEASE {name}")
        except self.ERRORS as exc:
            raise self._map(exc) from exc

    def _errors(self) -> tuple[type[Exception], ...]:
        return self.ERRORS if isinstance(self.ERRORS, tuple) else (self.ERRORS,)

    def _check_open_transaction(self) -> None:
        # SQLite ends the whole transaction by itself after some errors (SQLITE_FULL,
        # IOERR, BUSY, NOMEM): a caller that caught one inside must not go on
        # writing, or its statements would each commit on their own.
        if not self.conn.in_transaction:
            raise StoreError(
                f"Store {self.where}: the transaction was rolled back by the database after an earlier error;"
                " nothing of it was changed. Retry the whole operation."
            )

    def _bad_text(self, exc: UnicodeEncodeError, *, write: bool = True) -> StoreError:
        # The database takes UTF-8, which a lone surrogate has no encoding in: the one place every
        # value passes through on its way in, whichever API it came from (names, engine output...).
        problem = lone_surrogate(exc.object) if isinstance(exc.object, str) else None
        what = "refused the write" if write else "cannot look up a value"
        return StoreError(
            f"Store {self.where} {what}: {problem or exc}, which is not Unicode text; nothing was changed."
            " Such text comes from a \\udXXXX escape in JSON or a file name that is not UTF-8: fix it there."
        )

    def revision(self) -> tuple[int, int]:
        """A value that changes whenever anyone commits to the store."""
        raise NotImplementedError

    def note_annotation_change(self) -> None:
        """Say that the open write transaction changes what annotation sessions cache.

        That is spans, sentence marks, documents, links and alignments; not
        positions or translations, which sessions read afresh when they move.

        Its commit then moves ``annotation_revision()``, once however many
        were written. Called inside ``write()``; a savepoint rolled back after
        calling it still moves the counter, which only costs readers a re-read.
        """
        self._annotations_changed = True

    def annotation_revision(self) -> int:
        """A number that moves with every commit that ``note_annotation_change`` marked, by anyone.

        One lookup of a ``meta`` row by its key. A file older than
        ``MARKS_VERSION`` (only ever open here read-only: writers migrate it)
        has no counter: then ``revision()``, which moves with any commit made
        elsewhere (this connection cannot write). Compare values for equality only.
        """
        if self.version < MARKS_VERSION:
            return self.revision()[0]
        with self._lock:
            try:
                row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (ANNOTATIONS_REVISION,)).fetchone()
            except self.ERRORS as exc:
                raise self._map(exc) from exc
        return int(row[0]) if row else 0

    def _rollback(self) -> None:
        # SQLite rolls back by itself after some errors (SQLITE_FULL, IOERR, BUSY,
        # NOMEM); a second ROLLBACK would then raise and hide the original error.
        with suppress(*self._errors()):  # a closed connection raises on in_transaction too
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A consistent read snapshot (a read transaction)."""
        with self._lock:
            if self._depth:  # inside this connection's write transaction: read what it sees
                self._check_open_transaction()
                try:
                    yield self.conn
                except self.ERRORS as exc:
                    raise self._map(exc) from exc
                except UnicodeEncodeError as exc:
                    raise self._bad_text(exc, write=False) from exc
                return
            try:
                self._begin_read()
                yield self.conn
            except self.ERRORS as exc:
                raise self._map(exc) from exc
            except UnicodeEncodeError as exc:
                raise self._bad_text(exc, write=False) from exc
            finally:
                self._end_read()

    def _end_read(self) -> None:
        # Ending a read transaction can fail too (I/O error); that is a StoreError like any other.
        try:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")
        except self.ERRORS as exc:
            if self._closed(exc):
                return  # closed: the error raised inside the block says so
            self._rollback()
            raise self._map(exc) from exc

    def _closed(self, exc: Exception) -> bool:
        """Whether ``exc`` says the connection was closed."""
        return False
