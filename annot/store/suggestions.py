"""How sure a suggester was of each span it suggested: the ``span_confidence`` table.

A suggested span is an ordinary span (origin ``suggested``, status ``pending``
until reviewed, annotator ``suggest:<name>.v<version>``); its confidence is kept
here by span id, so the span rows, their history and the label schema stay as
they are. Exports write it as the span record's ``confidence`` (only for spans
that have one) and imports read it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from annot.errors import SpanError
from annot.store.migrations import CONFIDENCE_VERSION

if TYPE_CHECKING:
    from annot.store.db import Database

__all__ = ["SuggestionsMixin"]


class SuggestionsMixin:
    """Confidences of suggested spans; mixed into ``Store``."""

    _db: Database

    def set_confidences(self, confidences: Mapping[str, float]) -> None:
        """Record the confidence (0-1) of each span id given, in one transaction (a value given again replaces it).

        Raises:
            SpanError: a confidence outside 0-1, or an id with no span (nothing is written).
            StoreError: the store is read-only.
        """
        for span_id, value in confidences.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise SpanError(f"Confidence of span {span_id} must be a number from 0 to 1, got {value!r}.")
        if not confidences:
            return
        with self._db.write() as conn:
            for span_id, value in confidences.items():
                if conn.execute("SELECT 1 FROM spans WHERE id = ?", (span_id,)).fetchone() is None:
                    raise SpanError(f"No span {span_id!r} to record a confidence for; add the span first.")
                conn.execute(
                    "INSERT INTO span_confidence(span_id, confidence) VALUES (?, ?)"
                    " ON CONFLICT(span_id) DO UPDATE SET confidence = excluded.confidence",
                    (span_id, float(value)),
                )

    def confidences(self, doc_id: str | None = None) -> dict[str, float]:
        """The suggesters' confidences by span id (of ``doc_id``'s spans, deleted ones included; all by default).

        Empty for a store written before confidences existed and opened read-only.
        """
        if self._db.version < CONFIDENCE_VERSION:
            return {}
        where, args = ("WHERE s.doc_id = ?", (self.resolve(doc_id),)) if doc_id else ("", ())  # type: ignore[attr-defined]
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT c.span_id, c.confidence FROM span_confidence c JOIN spans s ON s.id = c.span_id {where}", args
            ).fetchall()
        return dict(rows)
