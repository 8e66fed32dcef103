"""Documents in the store: adding versions, re-anchoring their spans, reading them back."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annot.errors import CorpusError, NotFound, SpanError
from annot.model import Document, Sentence, Span, lone_surrogate, source_key, to_timestamp, utcnow
from annot.store import frames
from annot.store.marks import carry_marks
from annot.store.reanchor import keep_references_together, reanchor
from annot.store.rows import DOC_COLS, SPAN_COLS, to_doc, to_span

if TYPE_CHECKING:
    import pandas as pd

    from annot.schema import LabelSchema
    from annot.store.db import Database

__all__ = ["AddResult", "DocumentsMixin"]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding a document did.

    ``status`` is ``added`` (new document), ``unchanged`` (same text already
    stored: a no-op) or ``new_version`` (same key, new text; the previous
    version is kept and its spans re-anchored; sentence marks and annotators'
    positions follow the sentences whose text is unchanged, see
    ``store.marks.carry_marks``). ``reanchored`` lists spans that
    moved to the new version at new offsets; ``orphaned`` those whose text is
    gone: they stay on the previous version, flagged ``anchor='orphaned'``.
    """

    doc_id: str
    status: str
    previous_id: str | None = None
    kept: tuple[str, ...] = ()
    reanchored: tuple[str, ...] = ()
    orphaned: tuple[str, ...] = ()


class DocumentsMixin:
    """The document half of ``Store``: versions, sentences, re-anchoring (see ``Store``)."""

    path: Path
    home: Path
    schema: LabelSchema
    _db: Database

    if TYPE_CHECKING:  # provided by Store, which records every span write

        def _write_span(self, conn: sqlite3.Connection, after: Span, op: str, before: Span | None, annotator: str,
                        *, record_undo: bool = True) -> None: ...  # fmt: skip

    def add_document(self, doc: Document, sentences: Sequence[Sentence], *, aliases: Sequence[str] = ()) -> AddResult:
        """Store a document and its sentences; a new text under a known key is a new version.

        Args:
            doc: the document.
            sentences: its sentences (offsets must slice ``doc.text``).
            aliases: other keys the same document may be stored under, by an older
                annot (the absolute path of its file). When no current document has
                ``doc.key`` but one has an alias, that document, its older versions
                and its links are renamed to ``doc.key`` first (its source becomes
                ``doc.source``), so the file keeps its identity.

        Raises:
            SpanError: a sentence's offsets do not slice the document text.
            CorpusError: a field holds text that cannot be stored (a lone UTF-16 surrogate).
        """
        for name in ("key", "title", "lang", "text", "source"):
            problem = lone_surrogate(getattr(doc, name), f"its {name}")
            if problem:
                raise CorpusError(
                    f"Document {doc.id}: {problem}, which is not Unicode text and cannot be stored;"
                    " fix the input (a \\udXXXX escape in JSON, or a file name that is not UTF-8)."
                )
        for sent in sentences:
            if sent.doc_id != doc.id or doc.text[sent.start : sent.end] != sent.text:
                raise SpanError(f"Sentence {sent.index} of {doc.id} does not slice the document text.")
        with self._db.write() as conn:
            self._adopt_alias(conn, doc, aliases)
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                return AddResult(doc.id, "unchanged")
            self._db.note_annotation_change()  # a new version: of a session's document, or of its linked one
            prev = conn.execute(
                f"SELECT {DOC_COLS} FROM documents WHERE key = ? AND superseded_by IS NULL", (doc.key,)
            ).fetchone()
            conn.execute(
                f"INSERT INTO documents({DOC_COLS}) VALUES (?,?,?,?,?,?,?,?)",
                (doc.id, doc.key, doc.title, doc.lang, doc.text, doc.source,
                 doc.published.isoformat() if doc.published else None, to_timestamp(doc.ingested_at)),
            )  # fmt: skip
            conn.executemany(
                'INSERT INTO sentences(doc_id, idx, start, "end", heading) VALUES (?,?,?,?,?)',
                [(doc.id, s.index, s.start, s.end, int(s.heading)) for s in sentences],
            )
            if prev is None:
                return AddResult(doc.id, "added")
            conn.execute("UPDATE documents SET superseded_by = ? WHERE id = ?", (doc.id, prev[0]))
            old = to_doc(prev)
            carry_marks(conn, old, doc.id, sentences)
            return self._move_spans(conn, old, doc)

    @staticmethod
    def _adopt_alias(conn: sqlite3.Connection, doc: Document, aliases: Sequence[str]) -> None:
        """Rename the document stored under one of ``aliases`` to ``doc.key`` (see ``add_document``)."""
        current = "SELECT 1 FROM documents WHERE key = ? AND superseded_by IS NULL"
        if not aliases or conn.execute(current, (doc.key,)).fetchone():
            return
        for alias in aliases:
            if alias != doc.key and conn.execute(current, (alias,)).fetchone():
                conn.execute("UPDATE documents SET key = ?, source = ? WHERE key = ?", (doc.key, doc.source, alias))
                conn.execute("UPDATE links SET key_a = ? WHERE key_a = ?", (doc.key, alias))
                conn.execute("UPDATE links SET key_b = ? WHERE key_b = ?", (doc.key, alias))
                return

    def _move_spans(self, conn: sqlite3.Connection, old: Document, new: Document) -> AddResult:
        rows = conn.execute(f"SELECT {SPAN_COLS} FROM spans WHERE doc_id = ? AND deleted = 0", (old.id,)).fetchall()
        spans = [to_span(r) for r in rows]
        anchors = reanchor(old.text, new.text, [(s.start, s.end, s.text) for s in spans])
        # Spans already orphaned stay where they are, and so does whatever they reference.
        found = keep_references_together(
            {span.id: anchor.found and span.anchor != "orphaned" for span, anchor in zip(spans, anchors)},
            {span.id: self._references(span) for span in spans},
        )
        kept, moved, orphaned = [], [], []
        now = utcnow()
        for span, anchor in zip(spans, anchors):
            if span.anchor == "orphaned":
                continue
            if not found[span.id]:
                after = replace(span, anchor="orphaned", updated_at=now)
                orphaned.append(span.id)
            else:
                same = anchor.start == span.start
                after = replace(
                    span, doc_id=new.id, start=anchor.start, end=anchor.end,
                    anchor="ok" if same else "reanchored", updated_at=now,
                )  # fmt: skip
                (kept if same else moved).append(span.id)
            self._write_span(conn, after, "reanchor", span, "annot", record_undo=False)
        return AddResult(new.id, "new_version", old.id, tuple(kept), tuple(moved), tuple(orphaned))

    def _references(self, span: Span) -> list[str]:
        """Ids of the spans that ``span``'s span-type attributes point to."""
        label = self.schema.labels.get(span.label)
        if label is None:
            return []
        return [
            value for name, value in span.attrs.items()
            if name in label.attributes and label.attributes[name].type == "span"
        ]  # fmt: skip

    def document(self, ref: str) -> Document:
        """Return the document with id, unique id prefix, slug or key ``ref`` (newest version).

        Raises:
            NotFound: nothing matches, or a prefix is ambiguous.
        """
        doc_id = self.resolve(ref)
        with self._db.read() as conn:
            row = conn.execute(f"SELECT {DOC_COLS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return to_doc(row)

    def resolve(self, ref: str) -> str:
        """Return the document id that ``ref`` names (id, id prefix, key or source path).

        Raises:
            NotFound: nothing or more than one current document matches.
        """
        with self._db.read() as conn:
            return self._resolve(conn, ref)

    def _resolve(self, conn: sqlite3.Connection, ref: str) -> str:
        """``resolve`` inside the caller's transaction."""
        if conn.execute("SELECT 1 FROM documents WHERE id = ?", (ref,)).fetchone():
            return ref
        rows = conn.execute(
            "SELECT id FROM documents WHERE superseded_by IS NULL AND (key = ? OR source = ? OR id LIKE ? ESCAPE '\\')",
            (ref, ref, ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"),
        ).fetchall()
        if not rows and os.path.exists(ref):
            # A path to an ingested file, from wherever it is run: its key is the portable name.
            key = source_key(ref, home=self.home)
            rows = conn.execute("SELECT id FROM documents WHERE superseded_by IS NULL AND key = ?", (key,)).fetchall()
        if len(rows) == 1:
            return rows[0][0]
        ids = [r[0] for r in rows]
        if ids:
            raise NotFound(f"Document reference {ref!r} is ambiguous: {', '.join(ids[:5])}. Use a longer prefix.")
        raise NotFound(f"No document {ref!r} in {self.path}. List documents with: annot ls")

    def iter_documents(self, *, all_versions: bool = False) -> Iterator[Document]:
        """Yield documents in ingestion order, one at a time (current versions unless ``all_versions``)."""
        where = "" if all_versions else "WHERE superseded_by IS NULL"
        with self._db.read() as conn:
            ids = [r[0] for r in conn.execute(f"SELECT id FROM documents {where} ORDER BY seq")]
        for doc_id in ids:
            # Never yield inside a transaction: the caller may write between items.
            with self._db.read() as conn:
                row = conn.execute(f"SELECT {DOC_COLS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
            yield to_doc(row)

    def get_sentences(self, doc: str | Document) -> list[Sentence]:
        """The sentences of one document (a reference, or a ``Document`` already read), in order."""
        if not isinstance(doc, Document):
            doc = self.document(doc)
        with self._db.read() as conn:
            rows = conn.execute(
                'SELECT idx, start, "end", heading FROM sentences WHERE doc_id = ? ORDER BY idx', (doc.id,)
            ).fetchall()
        return [Sentence(doc.id, i, s, e, doc.text[s:e], bool(h)) for i, s, e, h in rows]

    def sentence_texts(self, sentences: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The texts of the given sentences, read at once (not document by document as ``sentences()``).

        For a reader that needs a few sentences of many documents, such as the claims ledger (the sentence of
        each claim): ``sentences()`` would build every sentence of every document.

        Args:
            sentences: ``(document version id, sentence index)`` pairs, in any order, repeats allowed.

        Returns:
            ``(document id, index)`` -> the sentence's text (``doc.text[start:end]``); pairs the store does not
            have are left out.
        """
        wanted = set(sentences)
        if not wanted:
            return {}
        ids = json.dumps(sorted({doc_id for doc_id, _ in wanted}))
        with self._db.read() as conn:
            # Each text once, sliced here: faster than SQLite's substr per sentence (which reads the text again).
            texts = dict(conn.execute("SELECT id, text FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                                      (ids,)).fetchall())  # fmt: skip
            rows = conn.execute(
                'SELECT doc_id, idx, start, "end" FROM sentences WHERE doc_id IN (SELECT value FROM json_each(?))',
                (ids,),
            ).fetchall()
        return {(d, i): texts[d][start:end] for d, i, start, end in rows if (d, i) in wanted}

    def documents(self, *, all_versions: bool = False) -> pd.DataFrame:
        """Documents as a DataFrame (one row each, without the text; see ``document()``)."""
        where = "" if all_versions else "WHERE d.superseded_by IS NULL"
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT d.id, d.key, d.title, d.lang, d.source, d.published, d.ingested_at, d.superseded_by,"
                " length(d.text), (SELECT count(*) FROM sentences s WHERE s.doc_id = d.id),"
                " (SELECT count(*) FROM spans p WHERE p.doc_id = d.id AND p.deleted = 0)"
                f" FROM documents d {where} ORDER BY d.seq"
            ).fetchall()
        return frames.documents_frame(rows)

    def sentences(self, doc_id: str | None = None) -> pd.DataFrame:
        """Sentences (of one document, or of every current document) as a DataFrame."""
        docs = [self.document(doc_id)] if doc_id is not None else list(self.iter_documents())
        return frames.sentences_frame([(d, self.get_sentences(d.id)) for d in docs])
