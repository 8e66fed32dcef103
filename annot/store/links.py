"""Documents linked across languages and their sentence alignments, in the store.

Versions. A link joins two *articles*, so the store keeps it by document key:
when either document gets a new version (re-ingested with a changed text),
the link is still there and ``Link.doc_a``/``doc_b`` name the current
versions. An alignment pairs sentence *indexes*, which belong to one version's
segmentation, so it is kept by version id: after a new version the stored
alignment still describes the old pair, and the current pair has none until it
is aligned again (``annot.align.link_documents``, which carries the manual
beads of the previous alignment over to the sentences whose text is
unchanged). ``aligned_versions`` tells which version pairs have an alignment.
Recomputing at ingest time is not done (aligning may need an MT engine), and
re-mapping indexes silently could pair sentences that no longer say the same.

The rules of a valid alignment and of a manual edit live in ``annot.align.beads``
(the aligner uses them too); this module stores what they allow.

What the scores mean. A bead's score is a bare number; what it measures (chrF
with B machine-translated, anchor agreement without MT) and which route
translated B are kept once per alignment, beside its beads and by the same
version pair (``alignment_info``). A manual edit keeps them (the beads it
leaves keep their scores, and the bead it makes has none, or keeps its own when
it confirms one); replacing the alignment replaces them; an alignment stored
before they were recorded, or set wholly by hand, has an unknown measure.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.align.beads import BeadLike, check_beads, check_measure, edit_beads, swap
from annot.errors import AlignmentError, NotFound
from annot.model import TRANSLATION, AlignmentInfo, Bead, Link, to_timestamp, utcnow
from annot.store.migrations import MEASURES_VERSION

if TYPE_CHECKING:
    from annot.store.db import Database

__all__ = ["LinksMixin"]


def _to_bead(row: Sequence[Any]) -> Bead:
    a_start, a_end, b_start, b_end, score, origin = row
    return Bead(tuple(range(a_start, a_end)), tuple(range(b_start, b_end)), score, origin)


class LinksMixin:
    """The links-and-alignments part of ``Store`` (see ``Store`` and this module's docstring)."""

    path: Path
    _db: Database

    if TYPE_CHECKING:  # provided by DocumentsMixin

        def _resolve(self, conn: sqlite3.Connection, ref: str) -> str: ...

    # -- links ---------------------------------------------------------------

    @staticmethod
    def _doc_info(conn: sqlite3.Connection, doc_id: str) -> tuple[str, str, int]:
        """(key, lang, number of sentences) of one document version."""
        key, lang = conn.execute("SELECT key, lang FROM documents WHERE id = ?", (doc_id,)).fetchone()
        count = conn.execute("SELECT count(*) FROM sentences WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        return key, lang, count

    @staticmethod
    def _current(conn: sqlite3.Connection, key: str) -> str:
        row = conn.execute("SELECT id FROM documents WHERE key = ? AND superseded_by IS NULL", (key,)).fetchone()
        return row[0]

    @staticmethod
    def _link_row(conn: sqlite3.Connection, key_a: str, key_b: str) -> tuple[str, str, str, str] | None:
        """The stored link between two keys, either way round: (key_a, key_b, kind, created_at) as stored."""
        return conn.execute(
            "SELECT key_a, key_b, kind, created_at FROM links"
            " WHERE (key_a = ?1 AND key_b = ?2) OR (key_a = ?2 AND key_b = ?1)",
            (key_a, key_b),
        ).fetchone()

    def _to_link(self, conn: sqlite3.Connection, row: Sequence[Any]) -> Link:
        return Link(self._current(conn, row[0]), self._current(conn, row[1]), row[2], datetime.fromisoformat(row[3]))

    def link(self, doc_a: str, doc_b: str, kind: str | None = None, *, created_at: datetime | None = None) -> Link:
        """Link two documents in different languages (idempotent; linking again with a ``kind`` changes it).

        The link is kept by document key, so it outlives new versions of either
        document (see the module docstring).

        Args:
            doc_a: the first document (id, id prefix, key or source path), usually the original.
            doc_b: the second, usually its translation.
            kind: what the link means (``translation``, ``human_translation``: see ``Link``);
                ``None`` keeps an existing link's kind, and makes a new one a ``translation``.
            created_at: when it was made (imports keep the original time); now by default.

        Returns:
            The link, ``doc_a`` first, with the current version ids.

        Raises:
            AlignmentError: a document linked to itself (or another version of itself),
                two documents in the same language, or an empty ``kind``.
            NotFound: no such document.
        """
        if kind is not None and (not isinstance(kind, str) or not kind.strip() or kind != " ".join(kind.split())):
            raise AlignmentError(f"Link kind must be a non-empty one-line name such as 'translation', got {kind!r}.")
        with self._db.write() as conn:
            id_a, id_b = self._resolve(conn, doc_a), self._resolve(conn, doc_b)
            (key_a, lang_a, _), (key_b, lang_b, _) = self._doc_info(conn, id_a), self._doc_info(conn, id_b)
            if key_a == key_b:
                same = "itself" if id_a == id_b else f"another version of itself ({id_b})"
                raise AlignmentError(
                    f"Cannot link document {id_a} to {same}; link it to its translation in another language."
                )
            if lang_a == lang_b:
                raise AlignmentError(
                    f"Cannot link {id_a} and {id_b}: both are in {lang_a!r}. A link joins an article and its"
                    " translation in another language."
                )
            row = self._link_row(conn, key_a, key_b)
            if row is None:
                kind = kind or TRANSLATION
                stamp = to_timestamp(created_at or utcnow())
                conn.execute(
                    "INSERT INTO links(key_a, key_b, kind, created_at) VALUES (?,?,?,?)", (key_a, key_b, kind, stamp)
                )
            else:
                stamp, kind = row[3], kind or row[2]
                if row[2] != kind:
                    conn.execute("UPDATE links SET kind = ? WHERE key_a = ? AND key_b = ?", (kind, row[0], row[1]))
            self._db.note_annotation_change()  # sessions show the linked version: they re-read it
            return Link(self._current(conn, key_a), self._current(conn, key_b), kind, datetime.fromisoformat(stamp))

    def links(self, doc_id: str | None = None) -> list[Link]:
        """Every link (or those of one document, found from either side), oldest first.

        Each link is oriented as it was made and names the current versions.
        """
        key = None
        with self._db.read() as conn:
            if doc_id is not None:
                key = self._doc_info(conn, self._resolve(conn, doc_id))[0]
            where = "WHERE key_a = ?1 OR key_b = ?1" if key is not None else ""
            rows = conn.execute(
                f"SELECT key_a, key_b, kind, created_at FROM links {where} ORDER BY created_at, key_a, key_b",
                (key,) if key is not None else (),
            ).fetchall()
            return [self._to_link(conn, row) for row in rows]

    def _require_link(self, conn: sqlite3.Connection, id_a: str, id_b: str) -> tuple[bool, tuple[int, int]]:
        """Whether (id_a, id_b) is the link's own orientation, and both documents' sentence counts.

        Raises:
            NotFound: the two documents are not linked.
        """
        (key_a, _, n_a), (key_b, _, n_b) = self._doc_info(conn, id_a), self._doc_info(conn, id_b)
        row = self._link_row(conn, key_a, key_b)
        if row is None:
            raise NotFound(f"Documents {id_a} and {id_b} are not linked; link them first: annot link {id_a} {id_b}")
        return row[0] == key_a, (n_a, n_b)

    @staticmethod
    def _delete_alignment(conn: sqlite3.Connection, id_a: str, id_b: str, *, measure: bool = True) -> None:
        """Drop the beads of two versions (either way round), and their measure unless ``measure`` is False."""
        either = "(doc_a = ?1 AND doc_b = ?2) OR (doc_a = ?2 AND doc_b = ?1)"
        conn.execute(f"DELETE FROM beads WHERE {either}", (id_a, id_b))
        if measure:
            conn.execute(f"DELETE FROM alignment_measures WHERE {either}", (id_a, id_b))

    def unlink(self, doc_a: str, doc_b: str) -> None:
        """Remove the link between two documents and every alignment of any of their versions.

        Raises:
            NotFound: no such document, or the two are not linked.
        """
        with self._db.write() as conn:
            id_a, id_b = self._resolve(conn, doc_a), self._resolve(conn, doc_b)
            key_a, key_b = self._doc_info(conn, id_a)[0], self._doc_info(conn, id_b)[0]
            row = self._link_row(conn, key_a, key_b)
            if row is None:
                raise NotFound(f"Documents {id_a} and {id_b} are not linked; there is nothing to unlink.")
            conn.execute("DELETE FROM links WHERE key_a = ? AND key_b = ?", row[:2])
            self._db.note_annotation_change()
            for table in ("beads", "alignment_measures"):
                conn.execute(
                    f"DELETE FROM {table} WHERE doc_a IN (SELECT id FROM documents WHERE key IN (?1, ?2))"
                    " AND doc_b IN (SELECT id FROM documents WHERE key IN (?1, ?2))",
                    (key_a, key_b),
                )

    # -- alignments ------------------------------------------------------------

    def _write_alignment(
        self, conn: sqlite3.Connection, id_a: str, id_b: str, beads: list[Bead], forward: bool,
        info: AlignmentInfo | None = None,
    ) -> None:  # fmt: skip
        """Replace the alignment of two versions, stored in the link's orientation.

        With ``info`` its measure is replaced too (none is kept for an unknown
        measure or no beads); without, the stored measure stays (a manual edit).
        """
        self._db.note_annotation_change()
        self._delete_alignment(conn, id_a, id_b, measure=info is not None)
        if not forward:
            id_a, id_b, beads = id_b, id_a, swap(beads)
        if info is not None and info.measure is not None and beads:
            conn.execute(
                "INSERT INTO alignment_measures(doc_a, doc_b, measure, route) VALUES (?,?,?,?)",
                (id_a, id_b, info.measure, info.route),
            )
        rows = []
        next_a = next_b = 0
        for pos, bead in enumerate(beads):
            a_start, a_end = (bead.a[0], bead.a[-1] + 1) if bead.a else (next_a, next_a)
            b_start, b_end = (bead.b[0], bead.b[-1] + 1) if bead.b else (next_b, next_b)
            next_a, next_b = a_end, b_end
            rows.append((id_a, id_b, pos, a_start, a_end, b_start, b_end, bead.score, bead.origin))
        conn.executemany(
            "INSERT INTO beads(doc_a, doc_b, pos, a_start, a_end, b_start, b_end, score, origin)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            rows,
        )

    @staticmethod
    def _read_alignment(conn: sqlite3.Connection, id_a: str, id_b: str) -> list[Bead]:
        for first, second, flip in ((id_a, id_b, False), (id_b, id_a, True)):
            rows = conn.execute(
                "SELECT a_start, a_end, b_start, b_end, score, origin FROM beads WHERE doc_a = ? AND doc_b = ?"
                " ORDER BY pos",
                (first, second),
            ).fetchall()
            if rows:
                beads = [_to_bead(row) for row in rows]
                return swap(beads) if flip else beads
        return []

    def set_alignment(
        self, doc_a: str, doc_b: str, beads: Iterable[BeadLike], *, origin: str = "auto",
        measure: str | None = None, route: str | None = None,
    ) -> list[Bead]:  # fmt: skip
        """Replace the sentence alignment of two linked document versions, and what its scores measure.

        Args:
            doc_a: document A (an exact id names a version; other references the current one).
            doc_b: document B.
            beads: ``Bead`` objects (kept as they are), or ``(a, b)`` pairs of index lists
                (no score, ``origin``), in order. Sentences in no bead are simply unaligned.
            origin: the origin of beads given as pairs: ``auto`` or ``manual``.
            measure: what the beads' scores measure (``annot.model.MEASURES``): ``chrf``
                (B machine-translated into A's language), ``anchors`` (without MT) or
                ``length``; ``None`` (the default) stores it as unknown, as for beads set by hand.
            route: with ``chrf``, what translated B, as people read it (``apertium es>en``);
                ``None`` or ``""`` otherwise.

        Returns:
            The stored beads, as ``alignment`` returns them (``alignment_info`` returns the measure).

        Raises:
            AlignmentError: a bead is invalid (indexes out of range or not consecutive, a
                sentence twice, beads out of order), an unknown measure, or a route with a
                measure other than ``chrf`` (or ``chrf`` without one); nothing is written.
            NotFound: no such document, or the two are not linked.
        """
        with self._db.write() as conn:
            id_a, id_b = self._resolve(conn, doc_a), self._resolve(conn, doc_b)
            what = f"Alignment of {id_a} and {id_b}"
            info = check_measure(measure, route, what)
            forward, sizes = self._require_link(conn, id_a, id_b)
            checked = check_beads(beads, sizes, origin=origin, what=what)
            self._write_alignment(conn, id_a, id_b, checked, forward, info)
        return checked

    def alignment(self, doc_a: str, doc_b: str) -> list[Bead]:
        """The stored alignment of two document versions, A's side first (``[]`` when none).

        Asked with A and B swapped, the beads come with their sides swapped.
        An alignment belongs to the exact versions it was made on; see
        ``aligned_versions`` after a document got a new version.
        """
        with self._db.read() as conn:
            return self._read_alignment(conn, self._resolve(conn, doc_a), self._resolve(conn, doc_b))

    def alignment_info(self, doc_a: str, doc_b: str) -> AlignmentInfo:
        """What the scores of the stored alignment of two document versions measure, and what translated B.

        The same whichever document is named first (the route names its
        languages). ``AlignmentInfo()`` (measure ``None``: unknown) when the
        alignment was stored without it (by an older annot, from an older
        export, or wholly by hand), when there is no alignment, and for a store
        older than ``MEASURES_VERSION`` opened read-only.

        Raises:
            NotFound: no such document.
        """
        with self._db.read() as conn:
            id_a, id_b = self._resolve(conn, doc_a), self._resolve(conn, doc_b)
            if self._db.version < MEASURES_VERSION:  # an older store, open read-only: not recorded
                return AlignmentInfo()
            row = conn.execute(
                "SELECT measure, route FROM alignment_measures"
                " WHERE (doc_a = ?1 AND doc_b = ?2) OR (doc_a = ?2 AND doc_b = ?1)",
                (id_a, id_b),
            ).fetchone()
        return AlignmentInfo(row[0], row[1]) if row else AlignmentInfo()

    def edit_alignment(self, doc_a: str, doc_b: str, a: Sequence[int], b: Sequence[int]) -> list[Bead]:
        """Pair A sentences ``a`` with B sentences ``b`` by hand, and return the whole new alignment.

        The new bead is ``manual``. Beads that shared a sentence with it or
        would cross it are broken up, their other sentences left unaligned;
        the rest stay. ``b`` empty marks ``a`` as having no counterpart in B
        (and the reverse); giving an existing bead's sentences confirms it
        (it becomes ``manual`` and keeps its score). Works on an unaligned pair too (everything
        else then stays unaligned).

        The alignment keeps its measure (``alignment_info``): the beads left
        keep their scores, the new bead has none unless it confirms a bead (then
        it keeps that bead's score), and the beads broken up have none, so every
        score still means what it did. An unaligned pair edited has an unknown measure.

        Raises:
            AlignmentError: ``a`` or ``b`` out of range or not consecutive, or both empty.
            NotFound: no such document, or the two are not linked.
        """
        with self._db.write() as conn:
            id_a, id_b = self._resolve(conn, doc_a), self._resolve(conn, doc_b)
            forward, (n_a, n_b) = self._require_link(conn, id_a, id_b)
            beads = edit_beads(self._read_alignment(conn, id_a, id_b), n_a, n_b, a, b)
            self._write_alignment(conn, id_a, id_b, beads, forward)
        return beads

    def aligned_versions(self, doc_a: str, doc_b: str) -> list[tuple[str, str]]:
        """The (A version id, B version id) pairs of two documents that have a stored alignment, newest first.

        Any version of either document may be named. After a new version the
        current pair is missing here until aligned again (``annot link A B``).
        """
        with self._db.read() as conn:
            id_a, id_b = self._resolve(conn, doc_a), self._resolve(conn, doc_b)
            key_a, key_b = self._doc_info(conn, id_a)[0], self._doc_info(conn, id_b)[0]
            rows = conn.execute(
                "SELECT DISTINCT x.id, y.id, x.key = ?1, x.seq, y.seq FROM beads b"
                " JOIN documents x ON x.id = b.doc_a JOIN documents y ON y.id = b.doc_b"
                " WHERE (x.key = ?1 AND y.key = ?2) OR (x.key = ?2 AND y.key = ?1)",
                (key_a, key_b),
            ).fetchall()
        pairs = [((x, y, xs, ys) if forward else (y, x, ys, xs)) for x, y, forward, xs, ys in rows]
        return [(x, y) for x, y, _, _ in sorted(pairs, key=lambda p: (p[2], p[3]), reverse=True)]
