"""Copying a project's store to another backend, row for row: ``annot migrate-store``.

A project moves between its folder's SQLite file and a schema on a
PostgreSQL server (or between two of either) without passing through an
export: every row of every table comes across as stored, ids, times and the
``seq`` keys the history's steps refer to included, so undo, redo and every
counter carry on where they were. What differs between the backends is
only how they list their tables (``_catalog``, the one place); the rows are
read and written through the store's own connections.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from annot.errors import StoreError
from annot.progress import Progress, resolve_progress
from annot.store.core import Store
from annot.store.db import Database
from annot.store.location import explicit_url, store_identity, where_is
from annot.store.migrations import SCHEMA_VERSION

__all__ = ["BATCH_ROWS", "CopyReport", "copy_store", "migrate_store"]

BATCH_ROWS = 5000  # rows read and written per executemany: memory stays small, round trips few
# Rows of ``meta`` that belong to one backend and are not copied: the schema version each side records for
# itself (checked equal), and the commit counter PostgreSQL's stores keep (postgres._COMMITS).
_OWN_META = frozenset({"schema_version", "commits"})


@dataclass(frozen=True)
class CopyReport:
    """What ``copy_store`` copied: rows per table, in the order they were written (``meta``: its rows copied)."""

    src: str
    dst: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Rows copied, over every table."""
        return sum(self.rows.values())


@dataclass(frozen=True)
class _Table:
    """A table as its database lists it: columns in order, primary key, the tables its foreign keys name."""

    columns: tuple[str, ...]
    key: tuple[str, ...]
    parents: frozenset[str]  # other tables, whose rows must be there first
    self_refs: tuple[str, ...]  # columns naming rows of this same table: filled in after its rows
    identity: str | None = None  # PostgreSQL's identity column (the seq a new row gets), if any


def _catalog(store: Store, conn: Any) -> dict[str, _Table]:
    """Every table of ``store`` but ``meta``-like internals of SQLite, read from the database's own catalog."""
    found: dict[str, dict[str, Any]] = {}
    if isinstance(store._db, Database):
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )]  # fmt: skip
        for name in names:
            info = conn.execute("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", (name,)).fetchall()
            refs = conn.execute('SELECT "table", "from" FROM pragma_foreign_key_list(?)', (name,)).fetchall()
            found[name] = {
                "columns": [column for column, _ in info],
                "key": [column for column, pk in sorted(info, key=lambda row: row[1]) if pk],
                "refs": refs,
                "identity": None,  # SQLite numbers a new row after the largest key (AUTOINCREMENT's counter follows)
            }
    else:
        schema = store._db.schema  # type: ignore[union-attr]
        for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = ?", (schema,)).fetchall():
            found[name] = {"columns": [], "key": [], "refs": [], "identity": None}
        for name, column, identity in conn.execute(
            "SELECT table_name, column_name, is_identity FROM information_schema.columns WHERE table_schema = ?"
            " ORDER BY table_name, ordinal_position",
            (schema,),
        ).fetchall():
            found[name]["columns"].append(column)
            if identity == "YES":
                found[name]["identity"] = column
        for name, column in conn.execute(
            "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indisprimary AND n.nspname = ?"
            " ORDER BY c.relname, array_position(CAST(i.indkey AS int2[]), a.attnum)",
            (schema,),
        ).fetchall():
            found[name]["key"].append(column)
        for name, parent, column in conn.execute(
            "SELECT c.relname, p.relname, a.attname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
            " JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON n.oid = k.connamespace"
            " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)"
            " WHERE k.contype = 'f' AND n.nspname = ?",
            (schema,),
        ).fetchall():
            found[name]["refs"].append((parent, column))
    return {
        name: _Table(
            columns=tuple(info["columns"]),
            key=tuple(info["key"]),
            parents=frozenset(parent for parent, _ in info["refs"] if parent != name),
            self_refs=tuple(sorted({column for parent, column in info["refs"] if parent == name})),
            identity=info["identity"],
        )
        for name, info in found.items()
    }


def _order(tables: dict[str, _Table]) -> list[str]:
    """The tables but ``meta``, each after those its foreign keys name (by name among equals: the same order
    on every run)."""
    left = {name: set(table.parents) & set(tables) for name, table in tables.items() if name != "meta"}
    order: list[str] = []
    while left:
        ready = sorted(name for name, parents in left.items() if not parents - set(order))
        if not ready:
            raise StoreError(f"The store's tables name each other in a circle ({', '.join(sorted(left))}).")
        order.extend(ready)
        for name in ready:
            del left[name]
    return order


def _where(store: Store) -> str:
    return store._db.where


def _same_shape(src: Store, dst: Store, theirs: dict[str, _Table], ours: dict[str, _Table]) -> None:
    """Refuse two stores whose tables or columns differ, naming what differs."""
    problems = [f"table {name} only in SRC" for name in sorted(set(theirs) - set(ours))]
    problems += [f"table {name} only in DST" for name in sorted(set(ours) - set(theirs))]
    for name in sorted(set(theirs) & set(ours)):
        a, b = set(theirs[name].columns), set(ours[name].columns)
        problems += [f"column {name}.{column} only in SRC" for column in sorted(a - b)]
        problems += [f"column {name}.{column} only in DST" for column in sorted(b - a)]
    if problems:
        raise StoreError(
            f"Cannot copy {_where(src)} to {_where(dst)}: their tables differ ({'; '.join(problems)}) although both"
            f" record schema version {dst._db.version}; nothing was changed. Check both with annot check."
        )


def _check_pair(src: Store, dst: Store) -> None:
    if dst.read_only:
        raise StoreError(f"Cannot copy into {_where(dst)}: it was opened read-only; open it for writing.")
    if _identity(src) == _identity(dst):
        raise StoreError(
            f"Cannot copy {_where(src)} onto itself; name another place as DST (a new folder, or ?schema=NEW)."
        )
    if src._db.version > SCHEMA_VERSION:
        raise StoreError(
            f"Store {_where(src)} has schema version {src._db.version}, written by a newer annot; this annot"
            f" writes version {SCHEMA_VERSION}. Upgrade annot (pip install -U annot); nothing was changed."
        )
    if src._db.version != dst._db.version:
        raise StoreError(
            f"Store {_where(src)} has schema version {src._db.version}, older than {_where(dst)}'s"
            f" {dst._db.version}; nothing was changed. Open it once for writing to upgrade it (annot ls), then retry."
        )


def _identity(store: Store) -> tuple[str, ...]:
    return store_identity(store.path, getattr(store._db, "url", None))


def _refuse_non_empty(dst: Store, conn: Any, tables: Sequence[str]) -> None:
    for name in tables:
        if conn.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone():
            raise StoreError(
                f"Cannot copy into {_where(dst)}: it already holds a project (rows in {name}); nothing was changed."
                " Name an empty place as DST: a new folder, or a new schema (?schema=NEW)."
            )


def _batches(conn: Any, sql: str) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql`` (no parameters, the same in both dialects), a batch at a time."""
    raw = getattr(conn, "raw", None)
    # On PostgreSQL a server-side cursor, inside the read's snapshot: psycopg's ordinary cursor would hold the
    # whole table in memory at once. SQLite's steps through the rows by itself.
    cursor = raw.cursor(name="annot_copy") if raw is not None else conn.execute(sql)
    try:
        if raw is not None:
            cursor.execute(sql)
        while rows := cursor.fetchmany(BATCH_ROWS):
            yield [tuple(row) for row in rows]
    finally:
        cursor.close()


def copy_store(src: Store, dst: Store, *, progress: Progress | bool | None = None) -> CopyReport:
    """Copy every row of every table of ``src`` into the empty ``dst``, in one transaction of ``dst``.

    The rows come across as stored, keys (``seq``) included, parents before the
    rows that name them; a PostgreSQL ``dst`` then numbers new rows after them.
    ``meta``'s counters come across, but for each backend's own rows (the schema
    version, PostgreSQL's commit counter). ``src`` is only read, in one snapshot.

    Args:
        src: the store to copy (open it ``read_only=True``).
        dst: an empty store (freshly created: migrated to this annot's schema) on either backend.
        progress: ``progress(done, total, table)`` after each batch of rows, or ``True`` for a bar.

    Returns:
        Rows copied per table.

    Raises:
        StoreError: ``src`` and ``dst`` are the same store, ``dst`` is read-only or holds rows, ``src``'s schema
            version is not ``dst``'s, their tables or columns differ, or a backend refused a row; ``dst`` is then
            unchanged.
    """
    _check_pair(src, dst)
    rows: dict[str, int] = {}
    with src._db.read() as source, dst._db.write() as target:
        theirs, ours = _catalog(src, source), _catalog(dst, target)
        _same_shape(src, dst, theirs, ours)
        order = _order(ours)
        _refuse_non_empty(dst, target, order)
        counts = {name: source.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in order}
        total, done = sum(counts.values()), 0
        with resolve_progress(progress, "copying") as report:
            for name in order:

                def step(count: int, name: str = name) -> None:
                    nonlocal done
                    done += count
                    if report is not None:
                        report(done, total, name)

                rows[name] = _copy_table(name, theirs[name].columns, ours[name], source, target, step)
            rows["meta"] = _copy_meta(source, target)
            if not isinstance(dst._db, Database):
                _reset_identities(dst, target, ours, order)
    return CopyReport(_where(src), _where(dst), rows)


def _copy_table(
    name: str, columns: Sequence[str], table: _Table, source: Any, target: Any, step: Callable[[int], None]
) -> int:
    """Copy one table's rows in batches; columns naming rows of the same table are set once all are in."""
    names = ", ".join(f'"{column}"' for column in columns)
    order = ", ".join(f'"{column}"' for column in table.key) or "1"
    insert = f'INSERT INTO "{name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    later = [columns.index(column) for column in table.self_refs]
    keys = [columns.index(column) for column in table.key]
    pending: list[tuple[Any, ...]] = []
    copied = 0
    for batch in _batches(source, f'SELECT {names} FROM "{name}" ORDER BY {order}'):
        if later:
            pending += [(*(row[i] for i in later), *(row[i] for i in keys)) for row in batch]
            batch = [tuple(None if i in later else value for i, value in enumerate(row)) for row in batch]
        target.executemany(insert, batch)
        copied += len(batch)
        step(len(batch))
    pending = [row for row in pending if any(value is not None for value in row[: len(later)])]
    if pending:
        sets = ", ".join(f'"{column}" = ?' for column in table.self_refs)
        match = " AND ".join(f'"{column}" = ?' for column in table.key)
        for start in range(0, len(pending), BATCH_ROWS):
            target.executemany(f'UPDATE "{name}" SET {sets} WHERE {match}', pending[start : start + BATCH_ROWS])
    return copied


def _copy_meta(source: Any, target: Any) -> int:
    rows = [tuple(row) for row in source.execute("SELECT key, value FROM meta ORDER BY key").fetchall()]
    rows = [row for row in rows if row[0] not in _OWN_META]
    target.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", rows
    )
    return len(rows)


def _reset_identities(dst: Store, target: Any, tables: dict[str, _Table], order: Sequence[str]) -> None:
    """Make each identity column of a PostgreSQL ``dst`` give new rows keys after the copied ones."""
    schema = dst._db.schema  # type: ignore[union-attr]
    for name in order:
        column = tables[name].identity
        if column:
            target.execute(
                f'SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(max("{column}"), 1), max("{column}") IS NOT'
                f' NULL) FROM "{name}"',
                (f'"{schema}"."{name}"', column),
            ).fetchone()


def migrate_store(
    src: str, dst: str, *, project: str | os.PathLike[str], progress: Progress | bool | None = None
) -> CopyReport:
    """Copy the store at ``src`` to ``dst``: each a project folder (its SQLite file) or a ``postgresql://`` URL.

    ``src`` is opened read-only; ``dst`` is created (folder or schema) when missing.

    Args:
        src: where the project is now.
        dst: where it goes: nothing there yet, or an empty store.
        project: the folder whose ``annot.toml`` (label schema) a store named by URL is opened with.
        progress: as ``copy_store``'s.

    Returns:
        Rows copied per table.

    Raises:
        StoreError: as ``copy_store``, or a side cannot be opened (no project at ``src``, a server that cannot
            be reached, a store written by a newer annot).
    """
    (src_folder, src_url), (dst_folder, dst_url) = where_is(src, project=project), where_is(dst, project=project)
    if store_identity(src_folder, explicit_url(src_url)) == store_identity(dst_folder, explicit_url(dst_url)):
        raise StoreError(
            f"SRC and DST are the same store ({src}); nothing was changed. Name another place as DST: a new folder,"
            " or a new schema (?schema=NEW)."
        )
    # SRC first: a SRC that cannot be read leaves no DST created behind.
    with Store(src_folder, url=src_url, read_only=True) as source, Store(dst_folder, url=dst_url) as target:
        return copy_store(source, target, progress=progress)
