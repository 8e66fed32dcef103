"""Versioned JSONL ("annot/1"): write a store to one file and read it back without loss.

Each line is one JSON object whose first key is ``"schema": "annot/1"``. With
``unit="document"`` a line holds a whole document (text, sentences, spans, and
its links to translations with their sentence alignments, when it has any);
with ``unit="sentence"`` a document header line (with the links) is followed by
one line per sentence carrying that sentence's spans. Both are written and read streaming,
one document at a time, and an export imported into an empty store exports
back byte for byte. Reading a file back lives in :mod:`annot.export.jsonl_read` and
:mod:`annot.export.jsonl_import`.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import FormatError
from annot.fileio import atomic_text_file
from annot.model import Document, Sentence, Translation, published_text, to_timestamp
from annot.progress import Progress, resolve_progress

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["ExportResult", "SCHEMA", "UNITS", "export_jsonl", "iter_records", "write_records"]

SCHEMA = "annot/1"
#: The file name ending of ``annot export --format jsonl`` (``exports/corpus.jsonl``).
SUFFIX = "jsonl"
UNITS = ("document", "sentence")
Record = dict[str, Any]

# Compact, unescaped and strict (no NaN): the byte-level contract of the format.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: the file and how many documents, sentences and spans it holds."""

    path: Path
    documents: int
    sentences: int
    spans: int


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise FormatError(f"Unknown export unit {unit!r}. Valid units: {', '.join(UNITS)}.")


def _document_fields(doc: Document, superseded_by: str | None) -> Record:
    return {
        "schema": SCHEMA, "type": "document", "id": doc.id, "key": doc.key, "title": doc.title,
        "lang": doc.lang, "source": doc.source, "published": published_text(doc.published), "outlet": doc.outlet,
        "author": doc.author, "url": doc.url, "ingested_at": to_timestamp(doc.ingested_at),
        "superseded_by": superseded_by, "text": doc.text,
    }  # fmt: skip


def _translation_record(tr: Translation) -> Record:
    # Provenance travels with the text, as sacrebleu's signature does with a score.
    return {
        "target": tr.target_lang, "engine": tr.engine, "text": tr.text, "model": tr.model,
        "model_version": tr.model_version, "route": tr.route, "signature": tr.signature,
        "created_at": to_timestamp(tr.created_at),
    }  # fmt: skip


def _sentence_fields(sent: Sentence, translations: list[Translation]) -> Record:
    # The one place a sentence becomes JSON, shared by both units.
    return {
        "index": sent.index, "start": sent.start, "end": sent.end, "text": sent.text, "heading": sent.heading,
        "translations": [_translation_record(tr) for tr in translations],
    }  # fmt: skip


def _span_record(span: dict[str, Any], sent: Sentence | None, confidence: float | None = None) -> Record:
    # ``span`` comes from Store.iter_span_records: times are already in the
    # store's (and this format's) text form, so they are copied as they are.
    record = {
        "id": span["id"], "label": span["label"], "start": span["start"], "end": span["end"],
        "sentence": sent.index if sent else None,
        "sent_start": span["start"] - sent.start if sent else None,
        "sent_end": span["end"] - sent.start if sent else None,
        "text": span["text"], "attrs": dict(sorted(span["attrs"].items())), "annotator": span["annotator"],
        "origin": span["origin"], "status": span["status"], "anchor": span["anchor"],
        "created_at": span["created_at"], "updated_at": span["updated_at"],
    }  # fmt: skip
    if confidence is not None:  # only a suggester's span has one: files without suggestions are as before
        record["confidence"] = confidence
    return record


def _homes(sentences: list[Sentence], spans: list[dict[str, Any]]) -> list[Sentence | None]:
    """Each span's sentence: the last one starting at or before it, else the first one."""
    by_start = sorted(sentences, key=lambda s: (s.start, s.index))
    starts = [s.start for s in by_start]
    if not by_start:
        return [None] * len(spans)
    return [by_start[max(bisect_right(starts, span["start"]) - 1, 0)] for span in spans]


def _link_records(store: Store, doc: Document, exported: _Exported) -> list[Record]:
    """The links made from ``doc``'s side, each with its alignment with this version (lossless, see below).

    A link is written in the records of the first document's versions: with
    every alignment of that version with an exported version of the second
    document, and, in the current version's record, once more without beads
    when the current pair is not aligned, so that the link itself is never lost.
    Each says what its beads' scores measure (``measure``: ``chrf``, ``anchors``,
    ``length``, or null when unknown) and what translated B (``route``, ``""``
    without MT); files written before these fields read as null and ``""``.
    """
    out: list[Record] = []
    for link in store.links(doc.id):
        if link.doc_a != exported.newest[doc.id]:
            continue  # written in the other document's record
        pairs = sorted(
            (exported.order[b], b)
            for a, b in store.aligned_versions(link.doc_a, link.doc_b)
            if a == doc.id and b in exported.order
        )
        head = {"kind": link.kind, "created_at": to_timestamp(link.created_at)}
        for _, other in pairs:
            # What the scores measure travels with them, as sacrebleu's signature does with a score.
            info = store.alignment_info(doc.id, other)
            beads = [[list(x.a), list(x.b), x.score, x.origin] for x in store.alignment(doc.id, other)]
            out.append({"doc": other, **head, "measure": info.measure, "route": info.route, "beads": beads})
        if doc.id == link.doc_a and link.doc_b not in {other for _, other in pairs}:
            out.append({"doc": link.doc_b, **head, "measure": None, "route": "", "beads": []})
    return out


def _versions(store: Store, all_versions: bool) -> list[tuple[str, str | None]]:
    """(id, superseded_by) of the documents to export, in store order; metadata only, no texts."""
    # The documents frame is the store API that tells which version superseded which.
    frame = store.documents(all_versions=all_versions)
    newer = [v if isinstance(v, str) else None for v in frame["superseded_by"].tolist()]
    return list(zip(frame["id"].tolist(), newer))


@dataclass(frozen=True, slots=True)
class _Exported:
    """The versions being exported: their order, and each one's current version (for the links)."""

    order: dict[str, int]
    newest: dict[str, str]

    @classmethod
    def of(cls, versions: list[tuple[str, str | None]]) -> _Exported:
        newer = dict(versions)
        newest = {}
        for doc_id in newer:
            current = doc_id
            while newer.get(current):
                current = newer[current]  # type: ignore[assignment]
            newest[doc_id] = current
        return cls({doc_id: n for n, (doc_id, _) in enumerate(versions)}, newest)


def _document_records(
    store: Store, doc_id: str, superseded_by: str | None, unit: str, exported: _Exported
) -> list[Record]:
    """The records of one document: the only text, sentences and spans held at a time."""
    doc = store.document(doc_id)
    sentences = store.get_sentences(doc)
    by_sentence: dict[int, list[Translation]] = {}
    for tr in store.get_translations(doc.id):
        by_sentence.setdefault(tr.index, []).append(tr)
    spans = list(store.iter_span_records(doc.id))
    homes = _homes(sentences, spans)
    confidences = store.confidences(doc.id)
    head = _document_fields(doc, superseded_by)
    links = _link_records(store, doc, exported)
    if unit == "document":
        head["sentences"] = [_sentence_fields(s, by_sentence.get(s.index, [])) for s in sentences]
        head["spans"] = [_span_record(span, home, confidences.get(span["id"])) for span, home in zip(spans, homes)]
        if links:  # only then: files without links are as before
            head["links"] = links
        return [head]
    if spans and not sentences:
        raise FormatError(
            f"Document {doc.id} has {len(spans)} spans but no sentences, so unit='sentence' cannot hold"
            " them; export with unit='document'."
        )
    per_sentence: dict[int, list[Record]] = {s.index: [] for s in sentences}
    for span, home in zip(spans, homes):
        per_sentence[home.index].append(_span_record(span, home, confidences.get(span["id"])))  # type: ignore[union-attr]
    if links:
        head["links"] = links
    lines = [head]
    for sent in sentences:
        lines.append({
            "schema": SCHEMA, "type": "sentence", "doc_id": doc.id, "lang": doc.lang,
            **_sentence_fields(sent, by_sentence.get(sent.index, [])), "spans": per_sentence[sent.index],
        })  # fmt: skip
    return lines


def iter_records(store: Store, *, unit: str = "document", all_versions: bool = False) -> Iterator[Record]:
    """Yield the annot/1 records of ``store``, one document's worth in memory at a time.

    Args:
        store: the store to read.
        unit: ``document`` (one record per document) or ``sentence`` (a document
            header record, then one record per sentence with its spans).
        all_versions: also yield superseded versions (with their orphaned spans),
            in store order so that an import rebuilds the version chain.

    Raises:
        FormatError: unknown ``unit``, or a document with spans but no sentences in unit ``sentence``.
    """
    _check_unit(unit)
    versions = _versions(store, all_versions)
    exported = _Exported.of(versions)
    for doc_id, superseded_by in versions:
        yield from _document_records(store, doc_id, superseded_by, unit, exported)


def _dumps(record: Record) -> str:
    return _ENCODER.encode(record)


def write_records(records: Iterable[Record], out: str | os.PathLike[str]) -> ExportResult:
    """Write annot/1 records (``iter_records``'s, perhaps filtered: ``annot.exchange.select_layer``) to ``out``,
    atomically, as ``export_jsonl`` writes them.

    Raises:
        OutputError: ``out`` cannot be written; it is unchanged.
    """
    path = Path(out)
    counts = {"document": 0, "sentence": 0, "span": 0}
    with atomic_text_file(path) as out_file:
        for record in records:
            out_file.write(_dumps(record) + "\n")
            counts[record["type"]] += 1
            counts["sentence"] += len(record.get("sentences", ()))
            counts["span"] += len(record.get("spans", ()))
    return ExportResult(path, counts["document"], counts["sentence"], counts["span"])


def export_jsonl(
    store: Store, out: str | os.PathLike[str] = "exports/corpus.jsonl", *, unit: str = "document",
    all_versions: bool = False, progress: Progress | bool | None = None,
) -> ExportResult:  # fmt: skip
    """Write ``store`` as annot/1 JSONL to ``out``, atomically.

    The file is written to a temporary file beside ``out``, fsynced, then
    renamed over it: readers see the old file or the whole new one, never a part.

    Args:
        store: the store to export.
        out: the file to write (its folder is created).
        unit: ``document`` or ``sentence`` (see ``iter_records``).
        all_versions: also export superseded document versions.
        progress: ``True`` for a progress bar, or a callback called as
            ``progress(done, total, doc_id)`` after each document.

    Returns:
        The path and the numbers of documents, sentences and spans written.

    Raises:
        FormatError: unknown ``unit`` (nothing is written).
        OutputError: ``out`` cannot be written (a folder, no permission, disk full); it is unchanged.
    """
    _check_unit(unit)
    path = Path(out)
    versions = _versions(store, all_versions)
    exported = _Exported.of(versions)
    counts = {"document": 0, "sentence": 0, "span": 0}
    with atomic_text_file(path) as out_file, resolve_progress(progress, "exporting") as update:
        for done, (doc_id, superseded_by) in enumerate(versions, 1):
            for record in _document_records(store, doc_id, superseded_by, unit, exported):
                out_file.write(_dumps(record) + "\n")
                counts[record["type"]] += 1
                counts["sentence"] += len(record.get("sentences", ()))
                counts["span"] += len(record.get("spans", ()))
            if update is not None:
                update(done, len(versions), doc_id)
    return ExportResult(path, counts["document"], counts["sentence"], counts["span"])
