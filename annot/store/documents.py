"""Documents in the store: adding versions, re-anchoring their spans, reading them back."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from annot.errors import CorpusError, MetadataError, NotFound, SpanError
from annot.model import (
    INHERITED_METADATA,
    Document,
    Sentence,
    Span,
    lone_surrogate,
    metadata_value,
    published_text,
    source_key,
    utcnow,
)
from annot.store import frames
from annot.store.curation import carry_curations
from annot.store.marks import carry_marks
from annot.store.reanchor import keep_references_together, reanchor
from annot.store.rows import DOC_COLS, SPAN_COLS, doc_cols, doc_row, to_doc, to_span

if TYPE_CHECKING:
    import pandas as pd

    from annot.schema import LabelSchema
    from annot.store.db import Database

__all__ = ["UNSET", "AddResult", "DocumentsMixin", "Unset", "merged_metadata"]


class Unset(Enum):
    """The type of ``UNSET``: a metadata field ``Store.set_metadata`` was not asked to change."""

    UNSET = "unset"


#: "Leave this field as it is" in ``Store.set_metadata``, where None means "clear it".
UNSET: Final = Unset.UNSET


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
    ``metadata`` names the fields (``model.INHERITED_METADATA``) an ``unchanged``
    version was given because it did not know them yet (see ``add_document``).
    """

    doc_id: str
    status: str
    previous_id: str | None = None
    kept: tuple[str, ...] = ()
    reanchored: tuple[str, ...] = ()
    orphaned: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()


def merged_metadata(doc: Document, known: Document) -> dict[str, Any]:
    """The metadata ``doc`` takes from ``known`` (an earlier version, or the same one stored).

    A field ``doc`` lacks is ``known``'s; so is a published ``datetime`` where ``doc``
    has only its day (a date from a file name does not undo a time set by hand).
    """
    taken = {}
    for name in INHERITED_METADATA:
        mine, theirs = getattr(doc, name), getattr(known, name)
        if theirs is None or mine == theirs:
            continue
        if mine is None or (
            name == "published" and type(mine) is date and isinstance(theirs, datetime) and theirs.date() == mine
        ):
            taken[name] = theirs
    return taken


def _finer(value: Any, stored: Any) -> bool:
    """Whether ``value`` tells more than ``stored``: unknown, or a published day that ``value`` gives the time of."""
    if stored is None:
        return True
    return type(stored) is date and isinstance(value, datetime) and value.date() == stored


class DocumentsMixin:
    """The document half of ``Store``: versions, sentences, re-anchoring (see ``Store``)."""

    path: Path
    home: Path
    schema: LabelSchema
    _db: Database

    if TYPE_CHECKING:  # provided by Store, which records every span write

        def _write_span(self, conn: sqlite3.Connection, after: Span, op: str, before: Span | None, annotator: str,
                        *, record_undo: bool = True) -> None: ...  # fmt: skip

    def add_document(
        self, doc: Document, sentences: Sequence[Sentence], *, aliases: Sequence[str] = (), inherit: bool = True
    ) -> AddResult:
        """Store a document and its sentences; a new text under a known key is a new version.

        Metadata is merged, never lost (``merged_metadata``): a new version without a
        published time, outlet, author or url of its own takes the previous version's
        (``model.INHERITED_METADATA``), so re-ingesting an edited file that has no front
        matter keeps what ``set_metadata`` gave it; a text already stored is ``unchanged``,
        but the fields it did not know yet (or the time of a day it knew) are filled from
        ``doc`` (a front matter added to the file), and the ones it knows stay (change
        them with ``set_metadata``).

        Args:
            doc: the document.
            sentences: its sentences (offsets must slice ``doc.text``).
            aliases: other keys the same document may be stored under, by an older
                annot (the absolute path of its file). When no current document has
                ``doc.key`` but one has an alias, that document, its older versions
                and its links are renamed to ``doc.key`` first (its source becomes
                ``doc.source``), so the file keeps its identity.
            inherit: merge metadata as above; False stores ``doc``'s as it is (the
                importer: an export holds each version's own).

        Raises:
            SpanError: a sentence's offsets do not slice the document text.
            CorpusError: a field holds text that cannot be stored (a lone UTF-16 surrogate), or
                a metadata value is invalid (``model.metadata_value``: a url that is no URL).
        """
        for name in ("key", "title", "lang", "text", "source", "outlet", "author", "url"):
            problem = lone_surrogate(getattr(doc, name), f"its {name}")
            if problem:
                raise CorpusError(
                    f"Document {doc.id}: {problem}, which is not Unicode text and cannot be stored;"
                    " fix the input (a \\udXXXX escape in JSON, or a file name that is not UTF-8)."
                )
        try:
            doc = replace(doc, **{name: metadata_value(name, getattr(doc, name)) for name in INHERITED_METADATA})
        except ValueError as exc:
            raise CorpusError(f"Document {doc.id}: {exc}.") from None
        for sent in sentences:
            if sent.doc_id != doc.id or doc.text[sent.start : sent.end] != sent.text:
                raise SpanError(f"Sentence {sent.index} of {doc.id} does not slice the document text.")
        with self._db.write() as conn:
            self._adopt_alias(conn, doc, aliases)
            stored = conn.execute(f"SELECT {DOC_COLS} FROM documents WHERE id = ?", (doc.id,)).fetchone()
            if stored is not None:
                return AddResult(doc.id, "unchanged", metadata=self._fill_metadata(conn, to_doc(stored), doc, inherit))
            self._db.note_annotation_change()  # a new version: of a session's document, or of its linked one
            prev = conn.execute(
                f"SELECT {DOC_COLS} FROM documents WHERE key = ? AND superseded_by IS NULL", (doc.key,)
            ).fetchone()
            if prev is not None and inherit:
                doc = replace(doc, **merged_metadata(doc, to_doc(prev)))
            conn.execute(f"INSERT INTO documents({DOC_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", doc_row(doc))
            conn.executemany(
                'INSERT INTO sentences(doc_id, idx, start, "end", heading) VALUES (?,?,?,?,?)',
                [(doc.id, s.index, s.start, s.end, int(s.heading)) for s in sentences],
            )
            if prev is None:
                return AddResult(doc.id, "added")
            conn.execute("UPDATE documents SET superseded_by = ? WHERE id = ?", (doc.id, prev[0]))
            old = to_doc(prev)
            carry_marks(conn, old, doc.id, sentences)
            carry_curations(conn, old, doc.id, sentences)
            return self._move_spans(conn, old, doc)

    def _fill_metadata(self, conn: sqlite3.Connection, stored: Document, doc: Document, fill: bool) -> tuple[str, ...]:
        """Give the stored version the metadata fields it lacks and ``doc`` has; return their names."""
        missing = {name: getattr(doc, name) for name in INHERITED_METADATA if fill and getattr(doc, name) is not None}
        missing = {name: value for name, value in missing.items() if _finer(value, getattr(stored, name))}
        if missing:
            self._db.note_annotation_change()
            after = replace(stored, **missing)
            conn.execute(
                "UPDATE documents SET outlet = ?, author = ?, published = ?, url = ? WHERE id = ?",
                (after.outlet, after.author, published_text(after.published), after.url, stored.id),
            )
        return tuple(missing)

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
            row = conn.execute(f"SELECT {doc_cols(self._db.version)} FROM documents WHERE id = ?", (doc_id,)).fetchone()
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
        cols = doc_cols(self._db.version)
        with self._db.read() as conn:
            ids = [r[0] for r in conn.execute(f"SELECT id FROM documents {where} ORDER BY seq")]
        for doc_id in ids:
            # Never yield inside a transaction: the caller may write between items.
            with self._db.read() as conn:
                row = conn.execute(f"SELECT {cols} FROM documents WHERE id = ?", (doc_id,)).fetchone()
            yield to_doc(row)

    def set_metadata(
        self,
        doc: str | Document,
        *,
        title: str | Unset = UNSET,
        outlet: str | Unset | None = UNSET,
        author: str | Unset | None = UNSET,
        published: date | str | Unset | None = UNSET,
        url: str | Unset | None = UNSET,
    ) -> Document:
        """Edit a document version's metadata in place; the fields not given stay as they are.

        The id does not change (it follows the text, and keeps the slug of the title it was
        ingested with), nor do its sentences, spans or translations; ``revision()`` and
        ``annotation_revision()`` move, so open annotators notice the change. The language
        cannot be edited: sentences, translations and suggestions were made for it. Only the version named is edited
        (a key or prefix names the newest): its newer versions already stored keep theirs,
        while a version ingested later inherits what it lacks (``add_document``).

        Args:
            doc: a reference (id, id prefix, key or path) or a ``Document`` read before.
            title: a new title (not empty).
            outlet: who published it; None or ``""`` clears it.
            author: who wrote it; None or ``""`` clears it.
            published: a ``date``, a ``datetime``, or ISO 8601 text (``2022-10-17``,
                ``2022-10-17T16:40:00+02:00``); None or ``""`` clears it.
            url: a URL (``https://...``) or a path; None or ``""`` clears it.

        Returns:
            The document as now stored.

        Raises:
            MetadataError: a value is invalid (the message names the field and the fix).
            NotFound: no document matches ``doc``.
            StoreError: the store is read-only or locked.
        """
        given: dict[str, Any] = {
            name: value for name, value in
            (("outlet", outlet), ("author", author), ("published", published), ("url", url))
            if value is not UNSET
        }  # fmt: skip
        changes: dict[str, Any] = {}
        for name, value in given.items():
            try:
                changes[name] = metadata_value(name, value)
            except ValueError as exc:
                raise MetadataError(f"{exc}; an empty value clears the field.") from None
            problem = lone_surrogate(changes[name], f"its {name}") if isinstance(changes[name], str) else None
            if problem:
                raise MetadataError(f"Metadata {problem}, which is not Unicode text; fix the value.")
        if title is not UNSET:
            if not isinstance(title, str) or not title.strip():
                raise MetadataError(f"title {title!r} is empty or not text; give the document a title.")
            problem = lone_surrogate(title, "its title")
            if problem:
                raise MetadataError(f"Metadata {problem}, which is not Unicode text; fix the title.")
            changes["title"] = title
        doc_id = doc.id if isinstance(doc, Document) else self.resolve(doc)
        with self._db.write() as conn:
            row = conn.execute(f"SELECT {DOC_COLS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise NotFound(f"No document {doc_id!r} in {self.path}. List documents with: annot ls")
            current = to_doc(row)
            after = replace(current, **changes)
            if after != current:
                self._db.note_annotation_change()  # an annotator shows the title; the ledger reads the rest
                conn.execute(
                    "UPDATE documents SET title = ?, outlet = ?, author = ?, published = ?, url = ? WHERE id = ?",
                    (after.title, after.outlet, after.author, published_text(after.published), after.url, doc_id),
                )
        return after

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
        """Documents as a DataFrame (one row each, without the text; see ``document()``).

        Columns: id, key, title, lang, source, published, outlet, author, url, ingested_at,
        superseded_by, chars, sentences, spans. ``published`` is a UTC datetime
        (``datetime64[us, UTC]``): a time given with an offset is converted to UTC, a date
        alone reads as midnight UTC and a time without an offset as UTC, so the column
        sorts and compares; ``document(ref).published`` keeps what was given.
        """
        where = "" if all_versions else "WHERE d.superseded_by IS NULL"
        meta = "d.outlet, d.author, d.url" if doc_cols(self._db.version) == DOC_COLS else "NULL, NULL, NULL"
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT d.id, d.key, d.title, d.lang, d.source, d.published, {meta}, d.ingested_at, d.superseded_by,"
                " length(d.text), (SELECT count(*) FROM sentences s WHERE s.doc_id = d.id),"
                " (SELECT count(*) FROM spans p WHERE p.doc_id = d.id AND p.deleted = 0)"
                f" FROM documents d {where} ORDER BY d.seq"
            ).fetchall()
        return frames.documents_frame(rows)

    def sentences(self, doc_id: str | None = None) -> pd.DataFrame:
        """Sentences (of one document, or of every current document) as a DataFrame."""
        docs = [self.document(doc_id)] if doc_id is not None else list(self.iter_documents())
        return frames.sentences_frame([(d, self.get_sentences(d.id)) for d in docs])
