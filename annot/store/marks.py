"""Each annotator's marks on sentences ("done", "nothing to annotate") and last position in each document.

Marks and positions belong to one document version, like sentence indexes
do; a new version of the document takes them over where a sentence's text is
unchanged (``carry_marks``). Neither is an edit of a span: they are not in the
span history, and ``Store.undo`` leaves them alone.
"""

from __future__ import annotations

import difflib
import numbers
import sqlite3
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import SpanError
from annot.model import MARK_STATUSES, Document, Sentence, to_timestamp, utcnow
from annot.store import frames
from annot.store.migrations import MARKS_VERSION

if TYPE_CHECKING:
    import pandas as pd

    from annot.store.db import Database

__all__ = ["MarksMixin", "carry_marks", "unchanged_sentences"]


def _index(value: Any, doc_id: str) -> int:
    # Indexes read back from DataFrames are numpy integers: any integral number but bool.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise SpanError(f"A sentence index of document {doc_id} must be an integer, got {value!r}.")
    return int(value)


def _out_of_range(doc_id: str, index: int, count: int) -> SpanError:
    if not count:
        return SpanError(f"Document {doc_id} has no sentences (so no sentence {index}).")
    return SpanError(f"Document {doc_id} has no sentence {index} (valid: 0..{count - 1}).")


def carry_marks(conn: sqlite3.Connection, old: Document, new_id: str, sentences: Sequence[Sentence]) -> int:
    """Copy the marks and positions of version ``old`` to the new version ``new_id`` of the same document.

    A mark goes to the new sentence with the same text, matched in order
    (difflib's matching runs of whole sentences), so a repeated sentence such
    as "Read more." keeps its own place; marks of sentences whose text changed
    stay on the old version only. A position on an unchanged sentence follows
    it; one on a sentence that changed or went moves to the new sentence after
    the last unchanged one before it, where the annotator has text to re-read.

    Args:
        conn: the store's connection, in the write transaction adding ``new_id``.
        old: the version being superseded.
        new_id: the new version's id.
        sentences: the new version's sentences.

    Returns:
        How many marks were copied.
    """
    marks = conn.execute(
        "SELECT idx, annotator, status, marked_at FROM sentence_marks WHERE doc_id = ?", (old.id,)
    ).fetchall()
    positions = conn.execute("SELECT annotator, idx, moved_at FROM positions WHERE doc_id = ?", (old.id,)).fetchall()
    new = sorted(sentences, key=lambda s: s.index)
    if not (marks or positions) or not new:
        return 0
    same = unchanged_sentences(conn, old, new)
    kept = sorted(same)
    conn.executemany(
        "INSERT INTO sentence_marks(doc_id, idx, annotator, status, marked_at) VALUES (?,?,?,?,?)"
        " ON CONFLICT(doc_id, idx, annotator) DO NOTHING",
        [(new_id, same[idx], who, status, at) for idx, who, status, at in marks if idx in same],
    )
    moved = []
    for who, idx, at in positions:
        if idx in same:
            moved.append((new_id, who, same[idx], at))
            continue
        before = bisect_left(kept, idx)  # unchanged sentences before the position
        moved.append((new_id, who, min(same[kept[before - 1]] + 1, new[-1].index) if before else 0, at))
    conn.executemany(
        "INSERT INTO positions(doc_id, annotator, idx, moved_at) VALUES (?,?,?,?)"
        " ON CONFLICT(doc_id, annotator) DO NOTHING",
        moved,
    )
    return sum(idx in same for idx, *_ in marks)


def unchanged_sentences(conn: sqlite3.Connection, old: Document, sentences: Sequence[Sentence]) -> dict[int, int]:
    """Which sentence of version ``old`` is which sentence of a new version with ``sentences``, where the text is
    the same: old index -> new index, matched in order (difflib's matching runs of whole sentences), so a
    repeated sentence such as "Read more." keeps its own place. What follows a sentence mark (``carry_marks``)
    or a curation (``annot.store.curation.carry_curations``) to a new version.
    """
    new = sorted(sentences, key=lambda s: s.index)
    rows = conn.execute('SELECT idx, start, "end" FROM sentences WHERE doc_id = ? ORDER BY idx', (old.id,)).fetchall()
    matcher = difflib.SequenceMatcher(None, [old.text[s:e] for _, s, e in rows], [s.text for s in new], autojunk=False)
    return {rows[a + k][0]: new[b + k].index for a, b, size in matcher.get_matching_blocks() for k in range(size)}


class MarksMixin:
    """The sentence-mark and position half of ``Store`` (see ``Store``)."""

    path: Path
    annotator: str
    _db: Database

    if TYPE_CHECKING:  # provided by DocumentsMixin

        def _resolve(self, conn: sqlite3.Connection, ref: str) -> str: ...

    def _has_marks(self) -> bool:
        # A store older than MARKS_VERSION, open read-only (not migrated), has no such tables: nothing to read.
        return self._db.version >= MARKS_VERSION

    @staticmethod
    def _sentence_count(conn: sqlite3.Connection, doc_id: str) -> int:
        return conn.execute("SELECT count(*) FROM sentences WHERE doc_id = ?", (doc_id,)).fetchone()[0]

    def mark_sentences(
        self, doc: str, indexes: Iterable[int], status: str | None, *, annotator: str | None = None
    ) -> int:
        """Mark sentences of one document done, or as holding nothing to annotate, for one annotator.

        Marks are not span edits: they are not in the span history and ``undo``
        leaves them alone; mark again with ``None`` to clear them. They move
        ``annotation_revision()``, so other sessions on the document see them.

        Args:
            doc: any reference ``document()`` takes (the current version), or a version's id.
            indexes: the sentences (0-based, as shown everywhere).
            status: ``"done"``, ``"empty"`` (nothing to annotate), or ``None`` to clear the marks.
            annotator: whose marks; the store's annotator when ``None``.

        Returns:
            How many sentences' marks changed (a sentence already marked so keeps its mark and time).

        Raises:
            SpanError: an unknown status, or an index the document does not have (nothing is written).
            NotFound: no such document.
            StoreError: the store is read-only.
        """
        if status is not None and status not in MARK_STATUSES:
            raise SpanError(
                f"Invalid sentence mark {status!r}; valid: 'done', 'empty' (nothing to annotate), or None to clear."
            )
        who = annotator or self.annotator
        with self._db.write() as conn:
            doc_id = self._resolve(conn, doc)
            wanted = sorted({_index(value, doc_id) for value in indexes})
            count = self._sentence_count(conn, doc_id)
            bad = next((i for i in wanted if not 0 <= i < count), None)
            if bad is not None:
                raise _out_of_range(doc_id, bad, count)
            before = conn.total_changes
            if status is None:
                conn.executemany(
                    "DELETE FROM sentence_marks WHERE doc_id = ? AND idx = ? AND annotator = ?",
                    [(doc_id, i, who) for i in wanted],
                )
            else:
                now = to_timestamp(utcnow())
                conn.executemany(
                    "INSERT INTO sentence_marks(doc_id, idx, annotator, status, marked_at) VALUES (?,?,?,?,?)"
                    " ON CONFLICT(doc_id, idx, annotator) DO UPDATE SET status = excluded.status,"
                    " marked_at = excluded.marked_at WHERE sentence_marks.status <> excluded.status",
                    [(doc_id, i, who, status, now) for i in wanted],
                )
            changed = conn.total_changes - before
            if changed:
                self._db.note_annotation_change()
        return changed

    def sentence_marks(self, doc_id: str | None = None) -> pd.DataFrame:
        """Sentence marks as a DataFrame: one row per document version, sentence and annotator.

        Columns: doc_id, sentence, annotator, status (categorical: done, empty),
        marked_at (UTC). Ordered by document, sentence, annotator. Without
        ``doc_id``, the marks of every current document; empty (with these
        columns) when there are none, or the store predates marks.

        Args:
            doc_id: any reference ``document()`` takes, or a version's id.

        Raises:
            NotFound: no such document.
        """
        where, args = "d.superseded_by IS NULL", []
        rows: list[Any] = []
        with self._db.read() as conn:
            if doc_id is not None:
                where, args = "m.doc_id = ?", [self._resolve(conn, doc_id)]
            if self._has_marks():
                rows = conn.execute(
                    "SELECT m.doc_id, m.idx, m.annotator, m.status, m.marked_at FROM sentence_marks m"
                    f" JOIN documents d ON d.id = m.doc_id WHERE {where} ORDER BY d.seq, m.idx, m.annotator",
                    args,
                ).fetchall()
        return frames.marks_frame(rows)

    def save_position(self, doc: str, annotator: str | None, index: int) -> None:
        """Remember sentence ``index`` as where ``annotator`` is in ``doc`` (``AnnotationSession`` resumes there).

        Not an annotation: it leaves ``annotation_revision()`` alone, so other
        sessions polling for edits are not made to re-read anything.

        Args:
            doc: any reference ``document()`` takes, or a version's id.
            annotator: whose position; the store's annotator when ``None``.
            index: the sentence (0-based).

        Raises:
            SpanError: the document has no sentence ``index``.
            NotFound: no such document.
            StoreError: the store is read-only.
        """
        who = annotator or self.annotator
        with self._db.write() as conn:
            doc_id = self._resolve(conn, doc)
            index = _index(index, doc_id)
            if not conn.execute("SELECT 1 FROM sentences WHERE doc_id = ? AND idx = ?", (doc_id, index)).fetchone():
                raise _out_of_range(doc_id, index, self._sentence_count(conn, doc_id))
            conn.execute(
                "INSERT INTO positions(doc_id, annotator, idx, moved_at) VALUES (?,?,?,?)"
                " ON CONFLICT(doc_id, annotator) DO UPDATE SET idx = excluded.idx, moved_at = excluded.moved_at",
                (doc_id, who, index, to_timestamp(utcnow())),
            )

    def position(self, doc: str, annotator: str | None = None) -> int | None:
        """The sentence ``annotator`` was last at in ``doc``, or ``None`` if never saved (or the store predates it).

        Args:
            doc: any reference ``document()`` takes, or a version's id.
            annotator: whose position; the store's annotator when ``None``.

        Raises:
            NotFound: no such document.
        """
        rows = self._own_rows(doc, annotator, "SELECT idx FROM positions WHERE doc_id = ? AND annotator = ?")
        return rows[0][0] if rows else None

    def marks(self, doc: str, annotator: str | None = None) -> dict[int, str]:
        """One annotator's marks in one document, without pandas (for widgets): sentence index -> status.

        Args:
            doc: any reference ``document()`` takes, or a version's id.
            annotator: whose marks; the store's annotator when ``None``.

        Raises:
            NotFound: no such document.
        """
        query = "SELECT idx, status FROM sentence_marks WHERE doc_id = ? AND annotator = ? ORDER BY idx"
        return dict(self._own_rows(doc, annotator, query))

    def _own_rows(self, doc: str, annotator: str | None, query: str) -> list[tuple[Any, ...]]:
        """The rows ``query`` (parameters: document version, annotator) finds; none in a store without marks."""
        who = annotator or self.annotator
        with self._db.read() as conn:
            doc_id = self._resolve(conn, doc)
            if not self._has_marks():
                return []
            return conn.execute(query, (doc_id, who)).fetchall()
