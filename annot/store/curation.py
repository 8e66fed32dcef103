"""The curated layer: a curator's version of each sentence, written as spans of origin ``curated``, and a record
of how each sentence was settled.

A curated version replaces the sentence's previous curated spans in one ``edit_step()``: the curator's
``Store.undo`` takes the whole version back, and its record with it (a record counts while the history step
that wrote its spans is not undone). The annotators' own spans are never touched. Records belong to one
document version and, like sentence marks, follow a new version where a sentence's text is unchanged
(``carry_curations``); like marks, they are not written to annot/1: the curated spans are (origin
``curated``), and a sentence holding curated spans reads as curated without a record
(``annot.annotate.curation``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import SpanError
from annot.model import CURATION_KINDS, Document, Origin, Sentence, Span, Status, to_timestamp, utcnow
from annot.store.marks import unchanged_sentences
from annot.store.migrations import CURATIONS_VERSION
from annot.store.rows import SPAN_COLS, to_span

if TYPE_CHECKING:
    import contextlib
    from collections.abc import Iterator

    import pandas as pd

    from annot.schema import LabelSchema
    from annot.store.db import Database

__all__ = ["CURATION_COLUMNS", "Curation", "CurationMixin", "carry_curations"]

#: Columns of ``Store.curations()``.
CURATION_COLUMNS = ["doc_id", "sentence", "curator", "how", "source", "curated_at"]

# The record of a sentence: the newest row whose history step was not undone (a step's rows all undo together).
_LIVE = (
    "SELECT c.doc_id, c.idx, c.curator, c.how, c.source, c.curated_at, c.step FROM curations c"
    " WHERE {where} AND (c.step IS NULL OR EXISTS"
    " (SELECT 1 FROM history h WHERE h.step = c.step AND h.undone = 0)) ORDER BY c.doc_id, c.idx, c.seq"
)


@dataclass(frozen=True, slots=True)
class Curation:
    """How a curator settled one sentence.

    Attributes:
        index: the sentence (0-based).
        curator: who curated it.
        how: ``accepted`` (one annotator's version), ``merged``, ``edited`` or ``empty`` (nothing to annotate).
        source: whose version was accepted (``accepted``), else ``""``.
        curated_at: when, as the store's text form of a time (``model.to_timestamp``).
    """

    index: int
    curator: str
    how: str
    source: str
    curated_at: str


def carry_curations(conn: sqlite3.Connection, old: Document, new_id: str, sentences: Sequence[Sentence]) -> int:
    """Copy the live curation records of version ``old`` to the new version ``new_id``, where a sentence's text is
    unchanged (``marks.unchanged_sentences``), as ``carry_marks`` does for marks.

    The copies belong to no history step (the curated spans were re-anchored by annot since, so the curator's
    undo stops there anyway): they count until the sentence is curated again.

    Args:
        conn: the store's connection, in the write transaction adding ``new_id``.
        old: the version being superseded.
        new_id: the new version's id.
        sentences: the new version's sentences.

    Returns:
        How many records were copied.
    """
    if not conn.execute(
        "SELECT 1 FROM meta WHERE key = 'schema_version' AND CAST(value AS INTEGER) >= ?", (CURATIONS_VERSION,)
    ).fetchone():
        return 0
    live = {row[1]: row for row in conn.execute(_LIVE.format(where="c.doc_id = ?"), (old.id,))}
    if not live or not sentences:
        return 0
    same = unchanged_sentences(conn, old, sentences)
    rows = [(new_id, same[idx], *row[2:6]) for idx, row in live.items() if idx in same]
    conn.executemany(
        "INSERT INTO curations(doc_id, idx, curator, how, source, curated_at, step) VALUES (?,?,?,?,?,?,NULL)", rows
    )
    return len(rows)


def _shape(span: Span) -> tuple[Any, ...]:
    """What a curated span rewritten in place must differ in to be written again."""
    return span.start, span.end, span.label, dict(span.attrs), span.annotator


def _span_attrs(schema: LabelSchema, span: Span) -> list[str]:
    """Names of ``span``'s attributes that name another span (a STANCE's ``holder_span``)."""
    label = schema.labels.get(span.label)
    return [name for name, attr in label.attributes.items() if attr.type == "span"] if label else []


class CurationMixin:
    """The curated-layer half of ``Store`` (see ``Store``)."""

    path: Path
    annotator: str
    schema: LabelSchema
    _db: Database
    _edit_step: int | None

    if TYPE_CHECKING:  # provided by Store and DocumentsMixin

        def _resolve(self, conn: sqlite3.Connection, ref: str) -> str: ...
        def edit_step(self) -> contextlib.AbstractContextManager[None]: ...
        def add_spans(self, spans: Any, *, on_conflict: str = "error") -> list[Span]: ...
        def delete_span(self, span_id: str, *, annotator: str | None = None) -> Span: ...

    def _has_curations(self) -> bool:
        return self._db.version >= CURATIONS_VERSION

    def curate(
        self, doc: str, index: int, spans: Sequence[Span], *, how: str, source: str = "", curator: str | None = None
    ) -> list[Span]:
        """Make ``spans`` the curated version of sentence ``index``, replacing its curated spans, as one step.

        Each span is stored with origin ``curated``, status accepted and the curator as its annotator. A span
        keeps the id of the curated span it replaces: the one with its id, else one with its start, end and
        label (so references to it stay valid); others get new ids. A span attribute (``holder_span``) naming
        another span of ``spans`` by its id is rewritten to that span's curated id; one naming a stored span
        stays as it is. Curated spans of the sentence not in ``spans`` are deleted. The record (who, when,
        how) goes with the spans: the curator's ``undo`` takes back both.

        Args:
            doc: any reference ``document()`` takes, or a version's id.
            index: the sentence (0-based); every span must start in it.
            spans: the version (their ``annotator``, ``origin``, ``status`` and times are ignored).
            how: one of ``model.CURATION_KINDS``.
            source: whose version was accepted (``how="accepted"``).
            curator: who curates; the store's annotator when ``None``.

        Returns:
            The curated spans as stored, in the order given.

        Raises:
            SpanError: an unknown ``how``, a sentence the document lacks, a span starting outside it, an invalid
                span, or a curated span to delete that another span names (nothing is written).
            NotFound: no such document.
            StoreError: the store is read-only or locked.
        """
        if how not in CURATION_KINDS:
            raise SpanError(f"Unknown curation {how!r}; valid: {', '.join(CURATION_KINDS)}.")
        who = curator or self.annotator
        now = utcnow()
        with self.edit_step(), self._db.write() as conn:
            doc_id = self._resolve(conn, doc)
            start, end = self._sentence_range(conn, doc_id, index)
            for span in spans:
                if not start <= span.start < end:
                    raise SpanError(
                        f"{span.label} span [{span.start}, {span.end}) does not start in sentence {index}"
                        f" [{start}, {end}) of {doc_id}; curate each sentence with its own spans."
                    )
            old = [to_span(row) for row in conn.execute(
                f'SELECT {SPAN_COLS} FROM spans WHERE doc_id = ? AND origin = ? AND deleted = 0 AND start >= ?'
                ' AND start < ? ORDER BY start, "end", id', (doc_id, Origin.CURATED.value, start, end),
            ).fetchall()]  # fmt: skip
            kept, ids = self._match(old, spans)
            written: list[Span] = []
            changed: list[Span] = []
            for span in spans:
                attrs = dict(span.attrs)
                for name in _span_attrs(self.schema, span):
                    if isinstance(attrs.get(name), str):
                        attrs[name] = ids.get(attrs[name], attrs[name])
                before = kept.get(ids[span.id])
                attrs = dict(self.schema.validate(span.label, attrs))
                after = Span(
                    id=ids[span.id], doc_id=doc_id, start=span.start, end=span.end, label=span.label, attrs=attrs,
                    annotator=who, origin=Origin.CURATED, status=Status.ACCEPTED,
                    created_at=before.created_at if before else now, updated_at=now,
                )  # fmt: skip
                same = before is not None and _shape(before) == _shape(after)
                if same:
                    written.append(before)  # type: ignore[arg-type]
                else:
                    written.append(after)
                    changed.append(after)
            # Spans named by others first, as the store checks each reference when it is written.
            changed.sort(key=lambda s: bool(_span_attrs(self.schema, s)))
            stored = {s.id: s for s in self.add_spans(changed, on_conflict="replace")} if changed else {}
            gone = [s for s in old if s.id not in {ids[n.id] for n in spans}]
            for span in sorted(gone, key=lambda s: not any(s.attrs.get(a) for a in _span_attrs(self.schema, s))):
                self.delete_span(span.id, annotator=who)
            self._record(conn, doc_id, index, who, how, source, now)
            self._db.note_annotation_change()
        return [stored.get(s.id, s) for s in written]

    @staticmethod
    def _match(old: list[Span], spans: Sequence[Span]) -> tuple[dict[str, Span], dict[str, str]]:
        """Which old curated span each new one replaces (same id, else same start, end and label), and the ids.

        Returns:
            The old spans kept (by id), and each new span's id -> its curated id.
        """
        from annot.store.core import new_span_id

        free = {s.id: s for s in old}
        ids: dict[str, str] = {}
        for span in spans:
            if span.id in free:
                ids[span.id] = free.pop(span.id).id
        for span in spans:
            if span.id in ids:
                continue
            twin = next((s for s in free.values() if (s.start, s.end, s.label) == (span.start, span.end, span.label)),
                        None)  # fmt: skip
            ids[span.id] = free.pop(twin.id).id if twin else new_span_id()
        kept = {s.id: s for s in old if s.id in set(ids.values())}
        return kept, ids

    def _sentence_range(self, conn: sqlite3.Connection, doc_id: str, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int):
            raise SpanError(f"A sentence index of document {doc_id} must be an integer, got {index!r}.")
        row = conn.execute(
            'SELECT start, "end" FROM sentences WHERE doc_id = ? AND idx = ?', (doc_id, index)
        ).fetchone()
        if row is None:
            count = conn.execute("SELECT count(*) FROM sentences WHERE doc_id = ?", (doc_id,)).fetchone()[0]
            raise SpanError(f"Document {doc_id} has no sentence {index} (valid: 0..{count - 1}).")
        return row[0], row[1]

    def _record(
        self, conn: sqlite3.Connection, doc_id: str, index: int, who: str, how: str, source: str, now: Any
    ) -> None:
        """Append the sentence's record, with the step that wrote its spans.

        A curation that changed no span borrows the step of the record it follows (undoing that step takes
        both back, as both describe the spans it wrote); the same record again is not repeated.
        """
        step = self._edit_step or None
        if step is None:
            live = [r for r in self._live_rows(conn, "c.doc_id = ? AND c.idx = ?", (doc_id, index))]
            if live and tuple(live[-1][2:5]) == (who, how, source):
                return
            step = live[-1][6] if live else None
        conn.execute(
            "INSERT INTO curations(doc_id, idx, curator, how, source, curated_at, step) VALUES (?,?,?,?,?,?,?)",
            (doc_id, index, who, how, source, to_timestamp(now), step),
        )

    @staticmethod
    def _live_rows(conn: sqlite3.Connection, where: str, args: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        yield from conn.execute(_LIVE.format(where=where), args)

    def curation_records(self, doc: str) -> dict[int, Curation]:
        """How each curated sentence of one document was settled, without pandas (for sessions and widgets).

        Args:
            doc: any reference ``document()`` takes, or a version's id.

        Returns:
            Sentence index -> its ``Curation``; sentences never curated (or whose curation was undone) are absent.

        Raises:
            NotFound: no such document.
        """
        with self._db.read() as conn:
            doc_id = self._resolve(conn, doc)
            if not self._has_curations():
                return {}
            rows = list(self._live_rows(conn, "c.doc_id = ?", (doc_id,)))
        return {row[1]: Curation(row[1], row[2], row[3], row[4], row[5]) for row in rows}

    def curated_sentences(self) -> set[tuple[str, int]]:
        """(document version, sentence) of every live curation record, for bulk readers (the claims ledger).

        A sentence holding curated spans is curated too, record or not: readers add those from the spans.
        """
        with self._db.read() as conn:
            if not self._has_curations():
                return set()
            return {(row[0], row[1]) for row in self._live_rows(conn, "1 = 1", ())}

    def curations(self, doc_id: str | None = None) -> pd.DataFrame:
        """How each curated sentence was settled: one row per document version and sentence.

        Columns ``CURATION_COLUMNS``: doc_id, sentence, curator, how, source, curated_at (UTC). Without
        ``doc_id``, the curations of every current document; empty (with these columns) when there are none.

        Args:
            doc_id: any reference ``document()`` takes, or a version's id.

        Raises:
            NotFound: no such document.
        """
        import pandas as pd

        with self._db.read() as conn:
            where, args = "c.doc_id IN (SELECT id FROM documents WHERE superseded_by IS NULL)", []
            if doc_id is not None:
                where, args = "c.doc_id = ?", [self._resolve(conn, doc_id)]
            rows = list(self._live_rows(conn, where, args)) if self._has_curations() else []
        latest = {(row[0], row[1]): row[:6] for row in rows}
        frame = pd.DataFrame(list(latest.values()), columns=CURATION_COLUMNS)
        frame["sentence"] = frame["sentence"].astype("int64")
        frame["curated_at"] = pd.to_datetime(frame["curated_at"], utc=True, format="ISO8601")
        return frame.reset_index(drop=True)
