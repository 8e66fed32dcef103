"""Machine translations in the store: per sentence and engine signature, and a cache by text.

Two caches, kept apart on purpose. Sentence translations (``add_translations``)
belong to a document's sentences, are exported with them, and are found again
by text for any document (``cached_translations``). Text translations
(``add_text_translations``) are of arbitrary text that is no document's
sentence, such as the round trip of a machine translation back into the source
language: derived data, never exported, and not consulted by
``cached_translations`` (a translation stored as a sentence's must come from
that sentence's own engine run, with its provenance).

Failures (``add_translation_failures``) are the sentences an engine failed on,
with the reason, by route signature: a translation stored with that signature
takes the failure's place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from annot.errors import SpanError
from annot.model import Translation, TranslationFailure, text_hash, to_timestamp, utcnow
from annot.store.migrations import FAILURES_VERSION

if TYPE_CHECKING:
    import pandas as pd

    from annot.store.db import Database

_TEXT_REVISION = "text_translations_revision"

__all__ = ["TranslationsMixin"]

_COLS = "doc_id, idx, engine, model, model_version, source_lang, target_lang, route, signature, text, created_at"
_FAILURE_COLS = (
    "doc_id, idx, engine, model, model_version, source_lang, target_lang, route, signature, reason, failed_at"
)


def _to_translation(row: Sequence[object]) -> Translation:
    return Translation(*row[:10], created_at=datetime.fromisoformat(str(row[10])))  # type: ignore[arg-type]


class TranslationsMixin:
    """The translation half of ``Store`` (see ``Store``)."""

    path: Path
    _db: Database

    def add_translations(self, translations: Iterable[Translation]) -> int:
        """Store translations in one transaction (all or none); a sentence's newer
        translation with the same signature replaces the older one.

        Returns:
            How many were written.

        Raises:
            SpanError: a translation names a sentence the document does not have.
        """
        written = 0
        with self._db.write() as conn:
            sources: dict[tuple[str, int], str] = {}
            for tr in translations:
                key = (tr.doc_id, tr.index)
                if key not in sources:
                    sources[key] = self._sentence_text(conn, tr.doc_id, tr.index)
                conn.execute(
                    f"INSERT INTO translations({_COLS}, source_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(doc_id, idx, signature) DO UPDATE SET text = excluded.text,"
                    " created_at = excluded.created_at, source_hash = excluded.source_hash",
                    (tr.doc_id, tr.index, tr.engine, tr.model, tr.model_version, tr.source_lang, tr.target_lang,
                     tr.route, tr.signature, tr.text, to_timestamp(tr.created_at), text_hash(sources[key])),
                )  # fmt: skip
                if self._db.version >= FAILURES_VERSION:
                    conn.execute(
                        "DELETE FROM translation_failures WHERE doc_id = ? AND idx = ? AND signature = ?",
                        (tr.doc_id, tr.index, tr.signature),
                    )
                written += 1
        return written

    def add_translation_failures(self, failures: Iterable[TranslationFailure]) -> int:
        """Record sentences an engine failed on, in one transaction; a sentence's newer failure by the
        same signature replaces the older one.

        Returns:
            How many were written.

        Raises:
            SpanError: a failure names a sentence the document does not have.
            StoreError: the store is read-only.
        """
        written = 0
        with self._db.write() as conn:
            for f in failures:
                self._sentence_text(conn, f.doc_id, f.index)
                conn.execute(
                    f"INSERT INTO translation_failures({_FAILURE_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(doc_id, idx, signature) DO UPDATE SET reason = excluded.reason,"
                    " failed_at = excluded.failed_at",
                    (f.doc_id, f.index, f.engine, f.model, f.model_version, f.source_lang, f.target_lang, f.route,
                     f.signature, " ".join(f.reason.split()), to_timestamp(f.failed_at)),
                )  # fmt: skip
                written += 1
        return written

    def get_translation_failures(
        self, doc_id: str, *, target: str | None = None, index: int | None = None
    ) -> list[TranslationFailure]:
        """The sentences of one document version an engine failed on (and no translation replaced), by sentence.

        Args:
            doc_id: the document version's id.
            target: only failures to translate into this language.
            index: only this sentence's (the MT pane asks on every move).

        Returns:
            Empty for a store written before failures were kept and opened read-only.
        """
        if self._db.version < FAILURES_VERSION:
            return []
        where, args = "doc_id = ?", [doc_id]
        if target is not None:
            where += " AND target_lang = ?"
            args.append(target)
        if index is not None:
            where += " AND idx = ?"
            args.append(index)  # type: ignore[arg-type]
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_FAILURE_COLS} FROM translation_failures WHERE {where} ORDER BY idx, signature", args
            ).fetchall()
        return [
            TranslationFailure(*row[:10], failed_at=datetime.fromisoformat(str(row[10])))  # type: ignore[arg-type]
            for row in rows
        ]

    @staticmethod
    def _sentence_text(conn: sqlite3.Connection, doc_id: str, index: int) -> str:
        row = conn.execute(
            'SELECT substr(d.text, CAST(s.start + 1 AS INTEGER), CAST(s."end" - s.start AS INTEGER))'
            " FROM sentences s JOIN documents d ON d.id = s.doc_id"
            " WHERE s.doc_id = ? AND s.idx = ?",
            (doc_id, index),
        ).fetchone()
        if row is None:
            raise SpanError(f"Document {doc_id} has no sentence {index}; translations belong to existing sentences.")
        return row[0]

    def cached_translations(self, texts: Sequence[str], signature: str) -> dict[str, str]:
        """Translations already made with ``signature`` of any of ``texts`` (text -> translation).

        The cache is the store itself: a sentence translated once, in any
        document or version, is never translated again by the same engine,
        model and pair.
        """
        return self._lookup("translations", texts, signature)

    def add_text_translations(
        self, pairs: Iterable[tuple[str, str]], *, signature: str, engine: str, source: str, target: str
    ) -> int:
        """Cache translations of arbitrary texts (not document sentences) in one transaction.

        Args:
            pairs: (text, translation) pairs; a text cached before with the same
                signature gets the new translation.
            signature: the engine signature that made them (``Engine.signature``).
            engine: the engine name.
            source: ISO 639-1 code of the texts.
            target: ISO 639-1 code of the translations.

        Returns:
            How many were written.
        """
        now = to_timestamp(utcnow())
        rows = [(text_hash(text), signature, engine, source, target, out, now) for text, out in pairs]
        if not rows:
            return 0
        with self._db.write() as conn:
            conn.executemany(
                "INSERT INTO text_translations(source_hash, signature, engine, source_lang, target_lang, text,"
                " created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(source_hash, signature) DO UPDATE SET"
                " text = excluded.text, created_at = excluded.created_at",
                rows,
            )
            # A counter in meta, made on first use: what is computed from cached texts (projection's word
            # lexicons) knows it is stale without scanning the table.
            conn.execute("INSERT INTO meta(key, value) VALUES (?, '0') ON CONFLICT(key) DO NOTHING", (_TEXT_REVISION,))
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = ?", (_TEXT_REVISION,))
        return len(rows)

    def text_translation_revision(self) -> int:
        """A number that moves whenever ``add_text_translations`` stores texts, by anyone (0 before the first).

        One lookup of a ``meta`` row; compare values for equality only.
        """
        with self._db.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (_TEXT_REVISION,)).fetchone()
        return int(row[0]) if row else 0

    def cached_text_translations(self, texts: Sequence[str], signature: str) -> dict[str, str]:
        """Translations of ``texts`` cached with ``add_text_translations`` under ``signature`` (text -> translation)."""
        return self._lookup("text_translations", texts, signature)

    def _lookup(self, table: str, texts: Sequence[str], signature: str) -> dict[str, str]:
        by_hash = {text_hash(t): t for t in texts}
        found: dict[str, str] = {}
        hashes = list(by_hash)
        with self._db.read() as conn:
            for i in range(0, len(hashes), 500):  # SQLite's bound-parameter limit
                chunk = hashes[i : i + 500]
                rows = conn.execute(
                    f"SELECT source_hash, min(text) FROM {table} WHERE signature = ?"
                    f" AND source_hash IN ({','.join('?' * len(chunk))}) GROUP BY source_hash",
                    (signature, *chunk),
                ).fetchall()
                found.update((by_hash[h], text) for h, text in rows)
        return found

    def translation_stamp(self, doc_id: str, target: str) -> tuple[int, str | None]:
        """What moves when a translation of document version ``doc_id`` into ``target`` is stored: (count, newest).

        One indexed read, for caches of what is computed from translations (``annot.project.document_projection``).
        """
        with self._db.read() as conn:
            count, newest = conn.execute(
                "SELECT COUNT(*), MAX(created_at) FROM translations WHERE doc_id = ? AND target_lang = ?",
                (doc_id, target),
            ).fetchone()
        return int(count), newest

    def get_translations(
        self, doc_id: str, *, target: str | None = None, index: int | None = None
    ) -> list[Translation]:
        """The translations of one document version, by sentence then signature.

        Args:
            doc_id: the document version's id.
            target: only translations into this language.
            index: only the translations of this sentence (a lookup by index, not
                a scan of the document: the widget asks on every move).
        """
        where = "doc_id = ?"
        args: list[object] = [doc_id]
        if target is not None:
            where += " AND target_lang = ?"
            args.append(target)
        if index is not None:
            where += " AND idx = ?"
            args.append(index)
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {_COLS} FROM translations WHERE {where} ORDER BY idx, signature", args
            ).fetchall()
        return [_to_translation(r) for r in rows]

    def translation_texts(self, target: str, docs: Iterable[str] | None = None) -> dict[tuple[str, int], str]:
        """One translation into ``target`` per translated sentence, without building a frame.

        For a reader that wants a sentence's translation whatever made it (the claims ledger reads the
        English of each sentence): where engines disagree, the first by engine name then signature, the
        order ``translations()`` lists them in.

        Args:
            target: the target language (ISO 639-1).
            docs: document version ids; every current document by default.

        Returns:
            ``(document id, sentence index)`` -> the translation's text.
        """
        import json

        if docs is None:
            where, args = "d.superseded_by IS NULL", [target]
        else:
            where, args = "d.id IN (SELECT value FROM json_each(?))", [target, json.dumps(sorted(set(docs)))]
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT t.doc_id, t.idx, t.text FROM translations t JOIN documents d ON d.id = t.doc_id"
                f" WHERE t.target_lang = ? AND {where} ORDER BY t.doc_id, t.idx, t.engine, t.signature",
                args,
            ).fetchall()
        found: dict[tuple[str, int], str] = {}
        for doc_id, index, text in rows:
            found.setdefault((doc_id, index), text)
        return found

    def translations(
        self, doc_id: str | None = None, *, target: str | None = None, engine: str | Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Translations as a DataFrame: one row per sentence and engine signature.

        Columns: doc_id, index, source (the sentence), target_lang, engine, text,
        model, model_version, route, signature, created_at. Filtered by document
        (any reference ``document()`` accepts; current versions by default),
        target language and engine name(s).
        """
        import pandas as pd

        clauses, args = ["d.superseded_by IS NULL"], []
        if doc_id is not None:
            clauses = ["t.doc_id = ?"]
            args.append(self.resolve(doc_id))  # type: ignore[attr-defined]
        if target is not None:
            clauses.append("t.target_lang = ?")
            args.append(target)
        if engine is not None:
            names = [engine] if isinstance(engine, str) else list(engine)
            clauses.append(f"t.engine IN ({','.join('?' * len(names))})")
            args.extend(names)
        with self._db.read() as conn:
            found = conn.execute(
                'SELECT t.doc_id, t.idx, s.start, s."end", t.target_lang, t.engine,'
                " t.text, t.model, t.model_version, t.route, t.signature, t.created_at"
                " FROM translations t JOIN documents d ON d.id = t.doc_id"
                " JOIN sentences s ON s.doc_id = t.doc_id AND s.idx = t.idx"
                f" WHERE {' AND '.join(clauses)} ORDER BY d.seq, t.idx, t.engine, t.signature",
                args,
            ).fetchall()
            # Each document's text is read once and sliced here: substr() in the query
            # re-read a long document's whole text for every row (0.7 s for 6,000 rows).
            ids = sorted({row[0] for row in found})
            texts: dict[str, str] = {}
            for start in range(0, len(ids), 500):  # under SQLite's limit on bound parameters
                chunk = ids[start : start + 500]
                texts.update(
                    conn.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk)
                )
        rows = [(doc, idx, texts[doc][start:end], *rest) for doc, idx, start, end, *rest in found]
        cols = ["doc_id", "index", "source", "target_lang", "engine", "text", "model", "model_version", "route",
                "signature", "created_at"]  # fmt: skip
        df = pd.DataFrame.from_records(rows, columns=cols)
        for col in ("doc_id", "source", "text", "model", "model_version", "route", "signature"):
            df[col] = df[col].astype("string")
        for col in ("target_lang", "engine"):
            df[col] = df[col].astype("category")
        df["index"] = df["index"].astype("Int64")
        df["created_at"] = pd.to_datetime(pd.Series(df["created_at"], dtype="object"), format="ISO8601", utc=True)
        return df
