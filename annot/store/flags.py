"""Decisions on the fidelity flags of machine translations, in the store: which flags an annotator dismissed.

A flag (``annot.compare.flags``: numbers changed, an actor's name lost) is
dismissed for one translation: a document version, a sentence and a route
name (``argos``, ``argos+apertium``). The decision is kept by version, as
sentence alignments are: sentence indexes belong to one version's
segmentation. The flag is named by ``model.flag_id`` (kind and value), so it
stays dismissed while the translation keeps losing the same name, and a
new problem shows again.

A store written before the table existed and opened read-only cannot be
upgraded: it reads as having no decisions.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from annot.errors import SpanError
from annot.model import FLAG_KINDS, flag_id, to_timestamp, utcnow
from annot.store.migrations import FLAGS_VERSION

if TYPE_CHECKING:
    import pandas as pd

    from annot.store.db import Database

__all__ = ["FlagsMixin"]

_COLS = ["doc_id", "index", "route", "flag_id", "kind", "value", "annotator", "decided_at"]
# A counter in meta, made on first use and moved by every dismissal or its undoing: what is computed from
# the decisions (the pane's cached projection) knows it is stale without reading the table.
_REVISION = "flag_decisions_revision"


class FlagsMixin:
    """The flag-decision half of ``Store`` (see ``Store``)."""

    path: Path
    annotator: str
    _db: Database

    def dismiss_flag(
        self, doc_id: str, index: int, route: str, kind: str, value: str, *, annotator: str | None = None
    ) -> str:
        """Record that a flag on one translation is fine ("the translation is right"); idempotent.

        Args:
            doc_id: the document version (any reference ``document()`` accepts: its current version).
            index: the sentence.
            route: the translation's route name, as the MT pane and compare show it (``argos+apertium``).
            kind: ``"numbers"`` or ``"name"`` (``model.FLAG_KINDS``).
            value: what the flag is about: the actor's name, or the numbers' description.
            annotator: who decided (the store's annotator by default).

        Returns:
            The flag's id (``model.flag_id(kind, value)``).

        Raises:
            SpanError: an unknown kind, a blank route or value, or a sentence the document does not have.
            NotFound: no such document.
            StoreError: the store is read-only.
        """
        if kind not in FLAG_KINDS:
            raise SpanError(f"Unknown flag kind {kind!r}; valid kinds: {', '.join(FLAG_KINDS)}.")
        if not route.strip() or not value.strip():
            raise SpanError(
                f"A flag decision needs a route and a value, got route={route!r}, value={value!r};"
                " pass the row's engine and the flag's value as mt_rows gives them."
            )
        version = self.resolve(doc_id)  # type: ignore[attr-defined]
        ident = flag_id(kind, value)
        with self._db.write() as conn:
            self._sentence_text(conn, version, index)  # type: ignore[attr-defined]
            conn.execute(
                "INSERT INTO flag_decisions(doc_id, idx, route, flag_id, kind, value, annotator, decided_at)"
                " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(doc_id, idx, route, flag_id) DO UPDATE SET"
                " value = excluded.value, annotator = excluded.annotator, decided_at = excluded.decided_at",
                (version, index, route, ident, kind, value.strip(), annotator or self.annotator,
                 to_timestamp(utcnow())),
            )  # fmt: skip
            _bump(conn)
        return ident

    def undismiss_flag(self, doc_id: str, index: int, route: str, flag: str) -> bool:
        """Take back a dismissal: the flag shows again.

        Args:
            doc_id: the document version (any reference ``document()`` accepts).
            index: the sentence.
            route: the translation's route name.
            flag: the flag's id (``Flag["id"]``).

        Returns:
            Whether a dismissal was there to take back.

        Raises:
            NotFound: no such document.
            StoreError: the store is read-only.
        """
        version = self.resolve(doc_id)  # type: ignore[attr-defined]
        with self._db.write() as conn:
            cursor = conn.execute(
                "DELETE FROM flag_decisions WHERE doc_id = ? AND idx = ? AND route = ? AND flag_id = ?",
                (version, index, route, flag),
            )
            if cursor.rowcount:
                _bump(conn)
            return cursor.rowcount > 0

    def flag_decision_revision(self) -> int:
        """A number that moves whenever a flag is dismissed or taken back, by anyone (0 before the first).

        One lookup of a ``meta`` row; compare values for equality only.
        """
        with self._db.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (_REVISION,)).fetchone()
        return int(row[0]) if row else 0

    def dismissed_flag_ids(self, doc_id: str, index: int | None = None) -> dict[tuple[int, str], frozenset[str]]:
        """(sentence, route) -> the ids of the flags dismissed there, for one document version.

        ``flag_decisions`` without the DataFrame, for the pane's every move.

        Args:
            doc_id: the document version (any reference ``document()`` accepts).
            index: only this sentence's.
        """
        version = self.resolve(doc_id)  # type: ignore[attr-defined]
        sql, args = "SELECT idx, route, flag_id FROM flag_decisions WHERE doc_id = ?", [version]
        if index is not None:
            sql, args = sql + " AND idx = ?", [version, index]
        with self._db.read() as conn:
            rows = conn.execute(sql, args).fetchall() if self._db.version >= FLAGS_VERSION else []
        found: dict[tuple[int, str], set[str]] = {}
        for idx, route, ident in rows:
            found.setdefault((int(idx), str(route)), set()).add(str(ident))
        return {key: frozenset(ids) for key, ids in found.items()}

    def flag_decisions(self, doc_id: str | None = None) -> pd.DataFrame:
        """The dismissed flags, one row per translation and flag, by document, sentence, route and flag.

        Columns: doc_id, index, route, flag_id, kind (categorical: numbers, name),
        value, annotator, decided_at (UTC). Empty for a store written before
        flag decisions existed and opened read-only.

        Args:
            doc_id: only this document version (any reference ``document()`` accepts); all by default.
        """
        import pandas as pd

        where, args = "", []
        if doc_id is not None:
            where, args = "WHERE doc_id = ?", [self.resolve(doc_id)]  # type: ignore[attr-defined]
        with self._db.read() as conn:
            rows = (
                conn.execute(
                    "SELECT doc_id, idx, route, flag_id, kind, value, annotator, decided_at FROM flag_decisions"
                    f" {where} ORDER BY doc_id, idx, route, flag_id",
                    args,
                ).fetchall()
                if self._db.version >= FLAGS_VERSION  # an older store, open read-only, has none
                else []
            )
        df = pd.DataFrame.from_records(rows, columns=_COLS)
        for col in ("doc_id", "route", "flag_id", "value", "annotator"):
            df[col] = df[col].astype("string")
        df["index"] = df["index"].astype("Int64")
        df["kind"] = pd.Categorical(df["kind"], categories=list(FLAG_KINDS))
        df["decided_at"] = pd.to_datetime(pd.Series(df["decided_at"], dtype="object"), format="ISO8601", utc=True)
        return df


def _bump(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, '0') ON CONFLICT(key) DO NOTHING", (_REVISION,))
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = ?", (_REVISION,))
