"""The store on a PostgreSQL server: one schema per project, shared by a team.

A project whose store is ``postgresql://...`` (``ANNOT_STORE``, or ``url`` in
the ``[store]`` table of its ``annot.toml``) keeps its tables in one schema
of that database: ``?schema=NAME`` in the URL, else ``public``. The tables,
the migrations and every query are the SQLite store's (``annot.store.pgsql``
rewrites the few spots where the two differ), so a project moves between
the two losslessly (``annot migrate-store``).

Writers take a transaction-scoped advisory lock on the schema before their
first statement: they queue, as SQLite's writers do on its file lock, and
each one reads what the previous one committed. Readers never wait: each
read is one ``REPEATABLE READ`` snapshot. A commit returns once the server
has it on disk (``synchronous_commit`` is left on), and a client killed
mid-transaction leaves nothing of it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors

from annot.errors import NoProject, StoreError
from annot.store.migrations import OLDEST_READABLE, SCHEMA_VERSION, migrate
from annot.store.pgsql import to_postgres
from annot.store.txn import Transactional

__all__ = ["PgConnection", "PgDatabase", "redact", "split_url"]

LOCK_TIMEOUT_S = 30
_COMMITS = "commits"  # a meta row every write transaction moves: Database.revision's data_version
_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def split_url(url: str) -> tuple[str, str]:
    """The connection URL libpq reads, and the project's schema (``?schema=NAME``, default ``public``).

    Raises:
        StoreError: the schema is not a plain name.
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), "public")
    if not _SCHEMA_NAME.match(schema):
        raise StoreError(
            f"Store URL {redact(url)}: schema {schema!r} is not a plain name; use letters, digits and _"
            " (?schema=newsroom_2026)."
        )
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema


def _bind(sql: str, params: Sequence[Any] | None) -> tuple[str, tuple[Any, ...]]:
    """The statement as psycopg runs it, and its parameters in the order it takes them."""
    query, order = to_postgres(sql)
    values = tuple(params) if params is not None else ()
    return query, values if order is None else tuple(values[i] for i in order)


class PgConnection:
    """A psycopg connection that takes the store's SQLite-dialect statements (``pgsql.to_postgres``).

    It offers what the store uses of ``sqlite3.Connection``: ``execute`` and
    ``executemany`` returning a cursor, ``in_transaction`` and ``total_changes``.
    """

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.total_changes = 0  # rows inserted, updated or deleted through this connection

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        cursor.execute(*_bind(sql, params))
        self._count(cursor)
        return cursor

    def stream(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.ServerCursor[Any]:
        """A server-side cursor over ``sql``'s rows, for bulk readers: ``fetchmany(n)`` brings ``n`` rows at a time.

        ``execute``'s client-side cursor holds the whole result in this process before the first row is read;
        this one holds one batch. Rows come in binary (numbers unparsed: a tenth faster). It must run inside a
        transaction, and closes with it.
        """
        cursor = self.raw.cursor(name=f"annot_stream_{secrets.token_hex(6)}", binary=True)
        cursor.execute(*_bind(sql, params))
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        query, order = to_postgres(sql)
        cursor.executemany(query, [tuple(row) if order is None else tuple(row[i] for i in order) for row in rows])
        self._count(cursor)
        return cursor

    def _count(self, cursor: psycopg.Cursor[Any]) -> None:
        status = cursor.statusmessage or ""
        if status.startswith(("INSERT", "UPDATE", "DELETE")) and cursor.rowcount > 0:
            self.total_changes += cursor.rowcount

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


class PgDatabase(Transactional):
    """One connection to a project's schema on a PostgreSQL server, with serialized, durable writes.

    Args:
        url: ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]``.
        create: make the schema and tables when missing (else raise StoreError).
        read_only: every transaction is read-only, and ``write()`` refuses.

    Raises:
        StoreError: the server cannot be reached, the schema holds no annot store (``create=False``), or a
            newer annot wrote it.
    """

    ERRORS = psycopg.Error

    def __init__(self, url: str, *, project: Path, create: bool = True, read_only: bool = False) -> None:
        super().__init__()
        self.url = url
        conninfo, self.schema = split_url(url)
        self.where = redact(url) if "schema=" in url else f"{redact(url)} (schema {self.schema})"
        self.path = project
        self.read_only = read_only
        self.immutable = False
        self._changes_at_begin = 0
        # Writers of one schema queue on one advisory lock: a 63-bit number named by the schema.
        digest = hashlib.blake2b(f"annot:{self.schema}".encode(), digest_size=8).digest()
        self._lock_key = int.from_bytes(digest, "big") >> 1
        self._conninfo = conninfo
        self._closed_here = False  # close() was called: never reconnect then
        self.conn = self._connect()
        try:
            exists = self._has_meta()
            if not exists and (read_only or not create):
                raise NoProject(
                    f"No annot project in schema {self.schema!r} at {redact(url)}; create one with: annot init"
                    f" {project} (with the same ANNOT_STORE or [store] url)."
                )
        except psycopg.Error as exc:
            self.conn.close()
            raise self._map(exc) from exc
        except NoProject:
            self.conn.close()
            raise
        if read_only:
            self.version = self._version()
            if self.version < OLDEST_READABLE:
                self.conn.close()
                raise StoreError(
                    f"Store {self.where} has schema version {self.version}, too old to read without upgrading it,"
                    " and it was opened read-only; nothing was changed. Open it once for writing (annot ls), then"
                    " retry."
                )
            self._check_newer(self.version)
            return
        self.version = SCHEMA_VERSION
        try:
            with self.write() as conn:  # under the schema's lock: two first opens create it once
                conn.raw.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                current = self._version()
                self._check_newer(current)
                if current < SCHEMA_VERSION:
                    migrate(conn, current, project=project)  # type: ignore[arg-type]
                conn.execute("INSERT INTO meta(key, value) VALUES (?, '0') ON CONFLICT(key) DO NOTHING", (_COMMITS,))
        except BaseException:
            self.conn.close()  # no Store will own it
            raise

    def _connect(self) -> PgConnection:
        try:
            raw = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                f"Cannot connect to the store at {redact(self.url)}: {_first_line(exc)}. Check that the server runs"
                " and the URL (ANNOT_STORE, or url in the [store] table of annot.toml)."
            ) from exc
        try:
            raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_S}s'")
            raw.execute(f'SET search_path TO "{self.schema}"')
            if self.read_only:
                raw.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            raw.close()
            raise StoreError(f"Store {self.where}: database error ({_first_line(exc)}); nothing was changed.") from exc
        return PgConnection(raw)

    def _reconnect_if_lost(self) -> None:
        """Connect again when the server dropped the connection (a restart, a failover, an idle timeout).

        Only between transactions: one cut in the middle of a transaction lost it, and that error is raised.
        """
        if self.conn.raw.broken and not self._closed_here:
            self.conn = self._connect()

    def _has_meta(self) -> bool:
        row = self.conn.raw.execute("SELECT to_regclass(%s)", (f'"{self.schema}".meta',)).fetchone()
        return row is not None and row[0] is not None

    def _version(self) -> int:
        if not self._has_meta():
            return 0
        row = self.conn.raw.execute(
            f"SELECT value FROM \"{self.schema}\".meta WHERE key = 'schema_version'"
        ).fetchone()  # fmt: skip
        return int(row[0]) if row else 0

    def _check_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"Store {self.where} has schema version {version}, written by a newer annot; this annot reads up"
                f" to version {SCHEMA_VERSION}. Upgrade annot (pip install -U annot); nothing was changed."
            )

    # -- Transactional hooks ---------------------------------------------------

    def _refuse_write(self) -> StoreError:
        return StoreError(
            f"Store {self.where} was opened read-only (read_only=True); nothing was changed."
            " To change it, open it for writing: annot.open_project(FOLDER)."
        )

    def _begin_write(self) -> None:
        self._reconnect_if_lost()
        raw = self.conn.raw
        # One round trip (a simple query: the key is our own number): each one costs a context switch.
        raw.execute(f"BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({self._lock_key:d})")
        self._changes_at_begin = self.conn.total_changes

    def _begin_read(self) -> None:
        self._reconnect_if_lost()
        self.conn.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _counters(self) -> list[str]:
        # revision()'s counter; a transaction that changed nothing moves nothing.
        return [_COMMITS] if self.conn.total_changes != self._changes_at_begin else []

    def _closed(self, exc: Exception) -> bool:
        return isinstance(exc, psycopg.OperationalError) and self.conn.raw.closed

    def _map(self, exc: Exception) -> StoreError:  # type: ignore[override]
        message = _first_line(exc)
        if self._closed_here:
            return StoreError(
                f"Store {self.where} was closed (Store.close()); nothing was changed."
                " Open it again with annot.open_project() and retry."
            )
        if self.conn.raw.broken:
            return StoreError(
                f"Store {self.where}: the connection to the server was lost ({message}) and the operation"
                " was not confirmed; check whether it was saved, then retry (annot connects again)."
            )
        if isinstance(exc, pg_errors.LockNotAvailable):
            return StoreError(
                f"Store {self.where} stayed locked by another writer for {LOCK_TIMEOUT_S} s;"
                " close other writers (notebook kernels, annot commands) and retry."
            )
        if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
            return self._refuse_write()
        if isinstance(exc, psycopg.IntegrityError):
            return StoreError(f"Store {self.where} refused the write ({message}); nothing was changed.")
        if isinstance(exc, psycopg.DataError) and "NUL" in message:
            return StoreError(
                f"Store {self.where} refused the write: a text holds a NUL character (\\x00), which PostgreSQL"
                " cannot store; nothing was changed. Remove it from the input."
            )
        return StoreError(f"Store {self.where}: database error ({message}); nothing was changed.")

    # -- what the SQLite Database also offers ----------------------------------

    def revision(self) -> tuple[int, int]:
        """A value that changes whenever anyone commits to the schema: its commit counter, and this connection's."""
        with self._lock:
            try:
                with self.read() as conn:
                    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_COMMITS,)).fetchone()
            except psycopg.Error as exc:
                raise self._map(exc) from exc
            return (int(row[0]) if row else 0), self.writes

    def check(self) -> None:
        """Read every row of every table of the schema (a damaged page raises), as it is now.

        Raises:
            StoreError: a table cannot be read.
        """
        with self.read() as conn:
            tables = conn.raw.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (self.schema,)
            ).fetchall()
            for (table,) in tables:
                conn.raw.execute(f'SELECT count(*) FROM "{self.schema}"."{table}"').fetchone()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._closed_here = True
            self.conn.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
