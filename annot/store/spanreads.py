"""The span-reading half of ``Store``: iterators, DataFrames, column lists, history and counts."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from annot.model import Span, Status
from annot.store import frames
from annot.store.migrations import CONFIDENCE_VERSION, STEPS_VERSION
from annot.store.rows import SPAN_COLS, SPAN_FIELDS, enum_value, to_span
from annot.store.spanframe import collector_paused, read_spans_frame, span_frame_columns

if TYPE_CHECKING:
    import pandas as pd

    from annot.schema import LabelSchema
    from annot.store.db import Database
    from annot.store.postgres import PgDatabase

__all__ = ["SpanReadsMixin"]


class SpanReadsMixin:
    """The span-reading half of ``Store`` (see ``Store``): every read here is one short transaction."""

    schema: LabelSchema
    _db: Database | PgDatabase

    if TYPE_CHECKING:  # provided by DocumentsMixin

        def resolve(self, ref: str) -> str: ...

    def _span_filters(self, **filters: str | Sequence[str] | None) -> tuple[list[str], list[Any]]:
        """Conditions on the spans table (named ``p``) keeping the spans whose column holds the value, or one of
        the values, given for it; ``None`` keeps all. A label is checked against the schema (SpanError if unknown)."""
        clauses: list[str] = []
        args: list[Any] = []
        for col, value in filters.items():
            if value is None:
                continue
            values = [value] if isinstance(value, str) else list(value)
            if col == "label":
                for name in values:
                    self.schema.label(name)
            clauses.append(f"p.{col} IN ({','.join('?' * len(values))})")
            args.extend(values)
        return clauses, args

    def _span_pages(
        self, doc_id: str | None, include_deleted: bool, **filters: str | None
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Raw span rows ordered by document, start, end, id, a page at a time (``filters``: ``_span_filters``).

        One short read per page (keyset pagination), never a transaction held
        across ``yield``: the caller may edit spans while iterating.
        """
        clauses, args = self._span_filters(doc_id=doc_id, **filters)
        if not include_deleted:
            clauses.append("p.deleted = 0")
        where = "WHERE " + (" AND ".join(clauses) or "1 = 1")
        after: list[Any] = []
        while True:
            page = where + ' AND (doc_id, start, "end", id) > (?, ?, ?, ?)' if after else where
            with self._db.read() as conn:
                query = f'SELECT {SPAN_COLS} FROM spans p {page} ORDER BY doc_id, start, "end", id LIMIT 2048'
                batch = conn.execute(query, [*args, *after]).fetchall()
            if not batch:
                return
            yield batch
            after = [batch[-1][1], batch[-1][2], batch[-1][3], batch[-1][0]]

    def iter_spans(
        self, doc_id: str | None = None, *, include_deleted: bool = False, label: str | None = None,
        status: Status | str | None = None,
    ) -> Iterator[Span]:  # fmt: skip
        """Yield spans ordered by document, start, end, then id; streams without loading all.

        ``label`` and ``status`` keep only the spans with that label or status (filtered by SQLite; an
        unknown label or status is a SpanError, as for ``spans``).
        """
        wanted = None if status is None else enum_value(Status, status).value
        for batch in self._span_pages(doc_id, include_deleted, label=label, status=wanted):
            yield from (to_span(r) for r in batch)

    def spans_starting(self, doc_id: str, start: int, end: int, *, status: Status | str | None = None) -> list[Span]:
        """The live spans of document version ``doc_id`` that start in ``[start, end)``, in text order.

        One indexed read: a caller working sentence by sentence (the MT pane's projection) reads only the
        sentence's spans, not the document's.
        """
        clauses, args = self._span_filters(
            doc_id=doc_id, status=None if status is None else enum_value(Status, status).value
        )
        clauses += ["p.deleted = 0", "p.start >= ?", "p.start < ?"]
        with self._db.read() as conn:
            rows = conn.execute(
                f'SELECT {SPAN_COLS} FROM spans p WHERE {" AND ".join(clauses)} ORDER BY start, "end", id',
                [*args, start, end],
            ).fetchall()
        return [to_span(r) for r in rows]

    def iter_span_records(
        self, doc_id: str | None = None, *, include_deleted: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Like ``iter_spans`` but plain dicts as stored, for bulk readers such as exports.

        Keys are the ``Span`` fields; ``origin``, ``status`` are strings and
        ``created_at``/``updated_at`` the store's text form (``model.to_timestamp``),
        which skips building a dataclass and two datetimes per span.
        """
        at = SPAN_FIELDS.index("attrs")
        for batch in self._span_pages(doc_id, include_deleted):
            # A page's attributes decoded by one json.loads (one C call, not one Python call per span).
            attrs = json.loads("[" + ",".join(row[at] for row in batch) + "]")
            for row, decoded in zip(batch, attrs, strict=True):
                record = dict(zip(SPAN_FIELDS, row))
                record["attrs"] = decoded
                yield record

    def names(self, label: str = "ACTOR", attr: str = "canonical") -> list[str]:
        """Distinct names of the project's live ``label`` spans, for completion: ``attr`` when set, else the text.

        Sorted case-insensitively; blank names are left out.

        Raises:
            SpanError: unknown label.
        """
        self.schema.label(label)
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT DISTINCT trim(coalesce(nullif(trim(json_extract(attrs, '$.' || ?)), ''), text)) FROM spans"
                " WHERE label = ? AND deleted = 0",
                (attr, label),
            ).fetchall()
        return sorted({row[0] for row in rows if row[0]}, key=lambda name: (name.casefold(), name))

    def spans(
        self, doc_id: str | None = None, *, label: str | Sequence[str] | None = None,
        annotator: str | Sequence[str] | None = None, status: str | Sequence[str] | None = None,
        origin: str | Sequence[str] | None = None, include_deleted: bool = False, flatten: bool = False,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """Spans as a DataFrame with schema dtypes, filtered by any of the arguments.

        Columns: id, doc_id (Arrow-backed ``string``), start, end, sentence, sent_start, sent_end (``Int64``),
        label (categorical over the schema's labels), attrs (dicts), text (``string``), annotator,
        origin, status, anchor (categoricals), created_at, updated_at (UTC datetimes),
        confidence (``Float64``: a suggester's, 0-1; ``<NA>`` for spans no suggester made), and
        ``deleted`` when ``include_deleted``. ``flatten`` adds one ``attr.<name>`` column per attribute.

        Args:
            doc_id: only this document's spans (an id or a key).
            label: only spans of this label (or these); an unknown label is a SpanError.
            annotator: only spans of this annotator (or these).
            status: only spans of this status (or these).
            origin: only spans of this origin (or these).
            include_deleted: deleted spans too, and the ``deleted`` column.
            flatten: add the ``attr.<name>`` columns.
            columns: only these columns, in this order; only what they need is read from the file
                (``attrs``, the widest column, only when asked for or flattened).

        Returns:
            One row per span, in document, start, end, id order.

        Raises:
            SpanError: an unknown label, or an unknown column in ``columns``.
        """
        asked = span_frame_columns(columns, include_deleted=include_deleted)
        clauses, args = self._span_filters(
            doc_id=None if doc_id is None else self.resolve(doc_id), label=label, annotator=annotator, status=status,
            origin=origin,
        )  # fmt: skip
        if not include_deleted:
            clauses.append("p.deleted = 0")
        where = " AND ".join(clauses) or "1 = 1"
        # The sentence holding each span's start is derived from the sentences, not stored twice.
        sentences = ("WHERE doc_id = ?", args[:1]) if doc_id is not None else ("", [])
        with self._db.read() as conn:
            return read_spans_frame(
                # A suggestion's confidence sits in its own table (``annot.store.suggestions``); a store
                # older than that table and opened read-only has none.
                conn, where=where, args=args, confidences=self._db.version >= CONFIDENCE_VERSION,
                sentence_filter=sentences,
                schema=self.schema, columns=asked, flatten=flatten,
            )  # fmt: skip

    def span_columns(
        self, *, status: str | Sequence[str] | None = None, label: str | Sequence[str] | None = None,
        annotator: str | Sequence[str] | None = None, origin: str | Sequence[str] | None = None,
    ) -> dict[str, list[Any]]:  # fmt: skip
        """Live spans as plain column lists, for bulk readers that build their own frame (the claims ledger).

        ``spans()`` without its dtypes, timestamps and bookkeeping columns: keys ``id``, ``doc_id``, ``start``,
        ``end``, ``sentence`` (the sentence holding the start, by ``spans()``'s rule; -1 for a document
        without sentences), ``label``, ``text``, ``attrs`` (dicts), ``annotator`` and ``origin``, in document,
        start, end, id order.

        Args:
            status: only spans of this status (or these).
            label: only spans of this label (or these); an unknown label is a SpanError.
            annotator: only spans of this annotator (or these).
            origin: only spans of this origin (or these).
        """
        clauses, args = self._span_filters(status=status, label=label, annotator=annotator, origin=origin)
        clauses.append("p.deleted = 0")
        names = ("id", "doc_id", "start", "end", "label", "text", "attrs", "annotator", "origin")
        with collector_paused():
            return self._span_columns(names, clauses, args)

    def _span_columns(self, names: Sequence[str], clauses: list[str], args: list[Any]) -> dict[str, list[Any]]:
        with self._db.read() as conn:
            rows = conn.execute(
                f'SELECT p.id, p.doc_id, p.start, p."end", p.label, p.text, p.attrs, p.annotator, p.origin FROM spans p'
                f' WHERE {" AND ".join(clauses)} ORDER BY doc_id, start, "end", id',
                args,
            ).fetchall()
            sentence_rows = conn.execute("SELECT doc_id, idx, start FROM sentences").fetchall()
        columns: dict[str, list[Any]] = {
            name: list(values) for name, values in zip(names, zip(*rows) if rows else [()] * len(names))
        }
        import numpy as np

        starts = np.array(columns["start"], dtype="int64")
        columns["sentence"] = frames.sentence_of(columns["doc_id"], starts, sentence_rows)[0].tolist()
        # One JSON document for all: a third faster than a json.loads per span.
        columns["attrs"] = json.loads(f"[{','.join(columns['attrs'])}]")
        return columns

    def history(self, span_id: str | None = None) -> pd.DataFrame:
        """Every recorded edit (add, update, delete, restore, reanchor), oldest first.

        ``step`` is the id shared by the edits of one ``edit_step()`` block, which
        undo as one; ``<NA>`` for an edit that is a step alone.
        """
        where, args = ("WHERE span_id = ?", (span_id,)) if span_id else ("", ())
        # A store older than the column, opened read-only, made every edit a step alone.
        step = "step" if self._db.version >= STEPS_VERSION else "NULL"
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT seq, span_id, annotator, op, at, undone, {step}, before, after FROM history {where}"
                " ORDER BY seq",
                args,
            ).fetchall()
        return frames.history_frame(rows)

    def stats(self) -> pd.DataFrame:
        """Live span counts per annotator (rows) and label (columns), with totals."""
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT annotator, label, count(*) FROM spans WHERE deleted = 0 GROUP BY 1, 2"
            ).fetchall()
        return frames.stats_frame(rows, self.schema)

    def counts(self) -> dict[str, int]:
        """Numbers of current documents, their sentences, and live spans."""
        with self._db.read() as conn:
            docs, sents = conn.execute(
                "SELECT count(*), (SELECT count(*) FROM sentences s JOIN documents d ON d.id = s.doc_id"
                " WHERE d.superseded_by IS NULL) FROM documents WHERE superseded_by IS NULL"
            ).fetchone()
            spans = conn.execute("SELECT count(*) FROM spans WHERE deleted = 0").fetchone()[0]
        return {"documents": docs, "sentences": sents, "spans": spans}
