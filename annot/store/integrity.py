"""When the store file's integrity is checked, and how: the one home of that policy.

SQLite's full ``PRAGMA quick_check`` reads every page, about a second per GB: 1 s to open a store of a million spans.
What it finds is damage done from outside, by a disk, a bad copy, a sync tool or
another program writing the file, which can happen at any time, not only around an
unclean shutdown: SQLite's write-ahead log with ``synchronous=FULL`` makes a killed
process harmless by itself, so "check after an unclean shutdown" would watch the
wrong event (and needs a sidecar file whose timestamps cannot tell apart two
writes in one clock tick). A background check races with the user's first query
on a small machine and cannot un-read what was read meanwhile. So:
  - every open runs the cheap checks, whatever the size: SQLite's header (a foreign
    or overwritten file), the schema and ``meta`` rows (a damaged first page), the
    schema version, and, when no write-ahead log is pending, that the file holds all
    the pages its header counts (a truncated file);
  - a file up to QUICK_CHECK_MAX_BYTES (a store of some 15,000 spans) also gets the
    full quick_check at open, which costs it under about 20 ms;
  - a larger file gets it on demand: ``Store.check()``, ``annot check``. Damage in a
    page the cheap checks did not read is reported when a read meets it, as the same
    one-line "corrupted ... left untouched" error (``Database._map``).
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from pathlib import Path

from annot.errors import StoreError

__all__ = ["QUICK_CHECK_MAX_BYTES", "check_at_open", "check_length", "corrupt_error", "quick_check"]


def corrupt_error(path: Path, detail: str) -> StoreError:
    """The one-line error for a damaged store file: what is wrong, that it was left untouched, what to do."""
    detail = " ".join(detail.split())  # integrity_check reports may span lines; a message is one line
    return StoreError(
        f"Store file {path} is corrupted ({detail}); it was left untouched."
        " Restore it from a backup or re-create the project from an export (annot import)."
    )


# Files up to this size get the full check at every open (about 17 ms at 16 MiB on a 2-core machine).
QUICK_CHECK_MAX_BYTES = 16 * 2**20


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Every page of the file read and checked (``PRAGMA quick_check``).

    Raises:
        StoreError: the file is corrupted (one line, naming the first problem).
    """
    status = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if status != "ok":
        raise corrupt_error(path, f"integrity check: {status}")


def check_length(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file shorter than the pages its header counts (a truncated copy), when no WAL is pending.

    With a non-empty ``-wal`` the header may count pages that are still only in the log. The sizes are
    taken inside one read transaction: other processes' commits and checkpoints then only ever grow the
    file past the pages this snapshot counts, so a store being written is never taken for a truncated one.
    """
    conn.execute("BEGIN")
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return
        size = path.stat().st_size
    finally:
        if conn.in_transaction:  # a read: ending it cannot lose anything, nor hide the error being raised
            with suppress(sqlite3.Error):
                conn.execute("COMMIT")
    if pages * page_size > size:
        raise corrupt_error(
            path, f"truncated: its header counts {pages} pages of {page_size} bytes, the file holds {size} bytes"
        )


def check_at_open(conn: sqlite3.Connection, path: Path, size: int) -> None:
    """The checks every open runs on a file of ``size`` bytes, beyond reading its schema (see the module docstring).

    Raises:
        StoreError: the file is truncated or corrupted.
    """
    check_length(conn, path)
    if size <= QUICK_CHECK_MAX_BYTES:
        quick_check(conn, path)
