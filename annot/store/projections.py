"""Stored projections: a document's spans as found in each translation into one language, kept in the store.

``annot.project`` computes the rows (one per source unit and target, and one
per thing a target adds); ``annot.project.stored`` decides when to recompute
them and writes here, per document version and language, in one transaction:
the rows, in their order, and an opaque stamp of what they were computed from.
A row that offered a pending suggestion in a linked version names that span
(``target_span_id``), which is how a later refresh finds it again.

The store checks the rows' shape, not what they mean (statuses, parts and
methods are ``annot.project``'s words). A store written before the tables
existed and opened read-only has no stored projection.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from annot.errors import SpanError
from annot.model import to_timestamp, utcnow
from annot.store.migrations import PROJECTIONS_VERSION

if TYPE_CHECKING:
    import pandas as pd

    from annot.store.db import Database

__all__ = ["PROJECTION_COLUMNS", "ProjectionsMixin"]

#: The columns of a stored projection row, as ``annot.project``'s frame has them (``target_span_id`` may be missing).
PROJECTION_COLUMNS = (
    "span_id", "label", "part", "source_text", "sentence", "target", "kind", "engine", "route", "signature",
    "target_sentence", "status", "target_start", "target_end", "target_text", "method", "confidence", "detail",
    "problem", "target_span_id",
)  # fmt: skip
_TEXT = ("target", "kind", "engine", "route", "signature", "label", "part", "source_text", "status", "target_text",
         "method", "detail", "problem")  # fmt: skip
_OPTIONAL_TEXT = ("span_id", "target_span_id")
_INT = ("sentence",)
_OPTIONAL_INT = ("target_sentence", "target_start", "target_end")
_SQL_COLS = ("target", "kind", "engine", "route", "signature", "span_id", "label", "part", "source_text", "sentence",
             "target_sentence", "status", "target_start", "target_end", "target_text", "method", "confidence",
             "detail", "problem", "target_span_id")  # fmt: skip
_CATEGORIES = ("label", "part", "kind", "status", "target", "engine", "route")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _row(record: dict[str, Any], at: int, where: str) -> tuple[Any, ...]:
    """One frame record as the table's values, checked: SpanError names the row and the column."""
    out: dict[str, Any] = {}
    for col in _TEXT:
        value = record.get(col)
        out[col] = "" if _missing(value) else str(value)
    for col in ("target", "kind", "label", "part", "status"):
        if not out[col]:
            raise SpanError(f"Projection row {at} of {where} has no {col}; rows come from annot.project.")
    for col in _OPTIONAL_TEXT:
        value = record.get(col)
        out[col] = None if _missing(value) or not str(value) else str(value)
    for col in (*_INT, *_OPTIONAL_INT):
        value = record.get(col)
        if _missing(value):
            if col in _INT:
                raise SpanError(f"Projection row {at} of {where} has no {col}; give the source sentence's index.")
            out[col] = None
        # A column with a missing value reads as floats: a whole float is its integer.
        elif (isinstance(value, numbers.Integral) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        ):
            out[col] = int(value)
        else:
            raise SpanError(f"Projection row {at} of {where}: {col} must be an integer, got {value!r}.")
    confidence = record.get("confidence")
    if _missing(confidence):
        out["confidence"] = None
    elif isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 <= confidence <= 1:
        raise SpanError(f"Projection row {at} of {where}: confidence must be from 0 to 1, got {confidence!r}.")
    else:
        out["confidence"] = float(confidence)
    return tuple(out[col] for col in _SQL_COLS)


class ProjectionsMixin:
    """Stored projections and their stamps; mixed into ``Store``."""

    _db: Database

    def save_projection(
        self, doc_id: str, lang: str, frame: pd.DataFrame | Sequence[Mapping[str, Any]], stamp: str
    ) -> int:
        """Replace the stored projection of a document version into ``lang`` with ``frame``, in one transaction.

        Inside a ``transaction()`` it joins it: ``annot.project.stored`` writes the rows and the suggestions
        they offer together.

        Args:
            doc_id: the source document version (any reference ``document()`` accepts).
            lang: ISO 639-1 code of the targets.
            frame: ``annot.project``'s rows (``PROJECTION_COLUMNS``; ``target_span_id`` may be missing), in order:
                a DataFrame, or records (column -> value; what ``annot.project.stored`` holds, so it need not
                build a frame to save them).
            stamp: what the rows were computed from, as the caller compares it (``projection_stamp``).

        Returns:
            The number of rows stored.

        Raises:
            SpanError: a column is missing, or a value has the wrong type (nothing is written).
            NotFound: no such document.
            StoreError: the store is read-only.
        """
        version = self.resolve(doc_id)  # type: ignore[attr-defined]
        where = f"{version} into {lang}"
        if hasattr(frame, "columns"):
            columns = set(frame.columns)
            records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        else:
            records = [dict(record) for record in frame]
            columns = set.intersection(*([set(r) for r in records] or [set(PROJECTION_COLUMNS)]))
        missing = [c for c in PROJECTION_COLUMNS if c != "target_span_id" and c not in columns]
        if missing:
            raise SpanError(
                f"A projection of {where} needs the columns {', '.join(missing)}; pass annot.project's frame."
            )
        if not isinstance(stamp, str) or not stamp:
            raise SpanError(f"A projection of {where} needs its stamp (a non-empty string), got {stamp!r}.")
        rows = [_row(record, at, where) for at, record in enumerate(records)]
        with self._db.write() as conn:
            conn.execute("DELETE FROM projections WHERE doc_id = ? AND lang = ?", (version, lang))
            conn.executemany(
                f"INSERT INTO projections(doc_id, lang, pos, {', '.join(_SQL_COLS)})"
                f" VALUES (?, ?, ?, {', '.join('?' * len(_SQL_COLS))})",
                [(version, lang, pos, *row) for pos, row in enumerate(rows)],
            )
            conn.execute(
                "INSERT INTO projection_stamps(doc_id, lang, stamp, computed_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(doc_id, lang) DO UPDATE SET stamp = excluded.stamp, computed_at = excluded.computed_at",
                (version, lang, stamp, to_timestamp(utcnow())),
            )
        return len(rows)

    def projection_stamp(self, doc_id: str, lang: str) -> str | None:
        """The stamp saved with the stored projection of a document version into ``lang``; ``None`` if none is.

        Raises:
            NotFound: no such document.
        """
        version = self.resolve(doc_id)  # type: ignore[attr-defined]
        if self._db.version < PROJECTIONS_VERSION:
            return None
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT stamp FROM projection_stamps WHERE doc_id = ? AND lang = ?", (version, lang)
            ).fetchone()
        return row[0] if row else None

    def projection_links(self, doc_id: str, lang: str) -> dict[tuple[str, str, str], str]:
        """The spans the stored rows of a document version into ``lang`` offered: (target, span id, part) -> span.

        What ``annot.project.stored`` needs of the rows it replaces, without reading them whole (a row
        with no ``span_id`` keys as ``""``).

        Raises:
            NotFound: no such document.
        """
        version = self.resolve(doc_id)  # type: ignore[attr-defined]
        if self._db.version < PROJECTIONS_VERSION:
            return {}
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT target, span_id, part, target_span_id FROM projections"
                " WHERE doc_id = ? AND lang = ? AND target_span_id IS NOT NULL ORDER BY pos",
                (version, lang),
            ).fetchall()
        return {(str(target), str(span or ""), str(part)): str(linked) for target, span, part, linked in rows}

    def projections(self, doc_id: str | None = None, lang: str | None = None) -> pd.DataFrame:
        """Stored projection rows, by document version, language and their order.

        Columns: ``doc_id``, ``lang``, then ``PROJECTION_COLUMNS``: text columns as ``string``, sentence
        indexes and offsets as ``Int64`` (``target_start``/``target_end``: code points in the target
        sentence ``target_sentence``; ``<NA>`` when lost), ``confidence`` as ``float64``, and ``label``,
        ``part``, ``kind``, ``status``, ``target``, ``engine``, ``route`` as categories. ``target_span_id``
        is the span a row offered in a linked version (``<NA>`` for none). Empty for a store written
        before projections were stored and opened read-only.

        Args:
            doc_id: only this document version (any reference ``document()`` accepts); all by default.
            lang: only this language.
        """
        import pandas as pd

        clauses, args = [], []
        if doc_id is not None:
            clauses.append("doc_id = ?")
            args.append(self.resolve(doc_id))  # type: ignore[attr-defined]
        if lang is not None:
            clauses.append("lang = ?")
            args.append(lang)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        cols = ", ".join(PROJECTION_COLUMNS)
        rows: list[Any] = []
        if self._db.version >= PROJECTIONS_VERSION:  # an older store, open read-only, has none
            with self._db.read() as conn:
                rows = conn.execute(
                    f"SELECT doc_id, lang, {cols} FROM projections {where} ORDER BY doc_id, lang, pos", args
                ).fetchall()
        df = pd.DataFrame.from_records(rows, columns=["doc_id", "lang", *PROJECTION_COLUMNS])
        for col in ("doc_id", "span_id", "source_text", "signature", "target_text", "method", "detail", "problem",
                    "target_span_id"):  # fmt: skip
            df[col] = df[col].astype("string")
        for col in ("sentence", "target_sentence", "target_start", "target_end"):
            df[col] = df[col].astype("Int64")
        df["confidence"] = pd.to_numeric(df["confidence"]).astype("float64")
        for col in ("lang", *_CATEGORIES):
            df[col] = df[col].astype("category")
        return df
