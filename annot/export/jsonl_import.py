"""Writing annot/1 JSONL into a store: checked whole first, then all of it in one transaction, or the good part."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from annot.errors import AlignmentError, CorpusError, FormatError, MetadataError, NotFound, SpanError
from annot.export.jsonl_read import LinkEntry, PendingDocument, read_documents
from annot.model import Span, published_text, to_timestamp
from annot.progress import Progress, resolve_progress

if TYPE_CHECKING:
    from annot.schema import LabelSchema
    from annot.store import Store

__all__ = ["ImportResult", "import_jsonl"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: documents new to the store, documents already there, spans written.

    ``metadata_updated`` counts the documents already there (among ``documents_unchanged``)
    whose title, published, outlet, author or url the file changed.

    ``errors`` lists the lines refused by ``import_jsonl(..., partial=True)``, one
    ``FormatError`` each, its message starting with ``FILE:LINE:``, in line order.
    """

    documents_added: int
    documents_unchanged: int
    spans_written: int
    errors: tuple[FormatError, ...] = ()
    metadata_updated: int = 0


def _commit_links(store: Store, entries: list[LinkEntry], *, partial: bool) -> list[FormatError]:
    """Link and align, once every document of the file is in (a link may point forward).

    Returns the links refused, with ``partial`` (each undone alone); without it the first raises.
    """
    refused = []
    for entry in entries:
        try:
            with store.transaction():
                _commit_link(store, entry)
        except FormatError as exc:
            if not partial:
                raise
            refused.append(exc)
    return refused


def _commit_link(store: Store, entry: LinkEntry) -> None:
    try:
        if store.resolve(entry.other) != entry.other:
            raise NotFound(f"no document {entry.other!r}")
        store.link(entry.doc_id, entry.other, entry.kind, created_at=entry.created_at)
        if entry.beads:
            store.set_alignment(entry.doc_id, entry.other, entry.beads, measure=entry.measure, route=entry.route)
    except NotFound as exc:
        raise FormatError(
            f"{entry.where}: the linked document is neither in the file nor in the store ({exc});"
            " export both documents together."
        ) from exc
    except AlignmentError as exc:
        raise FormatError(f"{entry.where}: {exc}") from exc


def _span_key(span: Span) -> tuple[Any, ...]:
    return (span.id, span.doc_id, span.start, span.end, span.label, json.dumps(dict(span.attrs), sort_keys=True),
            span.text, span.annotator, str(span.origin), str(span.status), span.anchor,
            to_timestamp(span.created_at), to_timestamp(span.updated_at))  # fmt: skip


def _ordered(spans: list[Span], schema: LabelSchema) -> list[Span]:
    """``spans`` in an order the store accepts: each after the spans its span attributes name."""
    batch = {s.id for s in spans}

    def is_ref(span: Span, name: str) -> bool:
        return schema.labels[span.label].attributes[name].type == "span"

    out: list[Span] = []
    placed: set[str] = set()
    waiting = spans
    while waiting:
        held = {s.id for s in waiting if {v for k, v in s.attrs.items() if is_ref(s, k) and v in batch} - placed}
        ready = [s for s in waiting if s.id not in held]
        waiting = [s for s in waiting if s.id in held]
        if not ready:
            # A reference cycle (the store allows one through updates): add the spans
            # without their span references first, then again whole.
            return (
                out
                + [replace(s, attrs={k: v for k, v in s.attrs.items() if not is_ref(s, k)}) for s in waiting]
                + waiting
            )
        out.extend(ready)
        placed.update(s.id for s in ready)
    return out


def _text(value: object) -> object:
    return published_text(value) if isinstance(value, date) else value


def _commit(store: Store, path: str, pending: PendingDocument) -> tuple[str, int]:
    """Add one document and its spans; return the store's status (``metadata`` for a document already
    there whose metadata the file changed) and the number of spans written."""
    doc, spans, lines = pending.doc, pending.spans, pending.span_lines
    try:
        status = store.add_document(doc, pending.sentences, inherit=False).status
        if status == "unchanged":
            stored = store.document(doc.id)
            changes = {name: getattr(doc, name) for name in sorted(pending.given)}
            # Text, not values: 16:40+02:00 equals 14:40+00:00 as a time, but not as what the source said.
            if any(_text(getattr(stored, name)) != _text(value) for name, value in changes.items()):
                store.set_metadata(doc.id, **changes)
                status = "metadata"
    except (SpanError, CorpusError, MetadataError) as exc:
        raise FormatError(f"{path}:{pending.line}: {exc}") from exc
    # Spans already stored exactly so are skipped: re-importing a file writes nothing.
    stored = {_span_key(s) for s in store.iter_spans(doc.id)}
    todo = _ordered([s for s in spans if _span_key(s) not in stored], store.schema)
    try:
        store.add_spans(todo, on_conflict="replace")
    except SpanError as exc:
        # add_spans stops at the first bad span and names it.
        bad = exc.span_id or "?"
        raise FormatError(f"{path}:{lines.get(bad, '?')}: span {bad}: {exc} Fix or drop the span in the file.") from exc
    if pending.confidences:
        store.set_confidences(pending.confidences)
    if pending.translations:
        # Same signature for the same sentence replaces: re-importing changes nothing.
        store.add_translations(pending.translations)
    return status, len({s.id for s in todo})


def _refused_file(path: str, errors: list[FormatError]) -> FormatError:
    """The error of a refused import: the first bad line, how many more, and the two ways out."""
    lines = [str(_line_of(e, path)) for e in errors[1:]]
    more = ""
    if len(lines) == 1:
        more = f" Line {lines[0]} is bad too."
    elif lines:
        more = f" {len(lines)} more lines are bad: {', '.join(lines[:5])}{', ...' if len(lines) > 5 else ''}."
    return FormatError(
        f"{str(errors[0]).rstrip('.')}.{more} Nothing was imported: fix the file, or import its good documents"
        " and list the bad lines with annot import --partial (import_jsonl(..., partial=True))."
    )


def import_jsonl(
    store: Store, path: str | os.PathLike[str], *, partial: bool = False, progress: Progress | bool | None = None
) -> ImportResult:
    """Read an annot/1 JSONL file (either unit) into ``store``, keeping every id and timestamp.

    All or nothing: the whole file is checked first, then written in one
    transaction, so a bad line anywhere leaves the store exactly as it was
    (byte for byte). With ``partial=True`` the good documents go in and each
    bad line is reported in ``ImportResult.errors``; a bad line refuses the
    document it belongs to (with ``--unit sentence``, the document whose lines
    it is among), and links to refused documents are left out.

    Documents already in the store (same id) keep their text and sentences; their
    metadata (title, published, outlet, author, url) becomes the file's where it differs,
    as ``Store.set_metadata`` would (counted in ``metadata_updated``; a file written before
    annot had outlet, author and url leaves those as they are). Spans identical to the
    stored ones are not rewritten, so importing a file twice changes nothing.
    Links between documents, with their sentence alignments, are made once every
    document is in (a file's alignment replaces the store's for that pair of versions).
    Derived fields (``sentence``, ``sent_start``, ``sent_end``, ``superseded_by``)
    are recomputed by the store, not read. The file is read twice, holding one
    document at a time; other writers to the project wait while it is written.

    Args:
        store: the store to add to.
        path: the JSONL file.
        partial: keep the good documents when some lines are bad, instead of importing nothing.
        progress: ``True`` for a progress bar, or a callback called as
            ``progress(done, total, doc_id)`` after each document written.

    Returns:
        Numbers of documents added (new or new versions), unchanged, spans written,
        and (with ``partial``) the refused lines.

    Raises:
        FormatError: the file is unreadable or binary, or (without ``partial``) a line is
            not valid annot/1: the message starts with ``FILE:LINE:`` and nothing was imported.
        StoreError: the store is read-only or locked (nothing was imported).
    """
    path = os.fspath(path)
    errors: list[FormatError] = []
    total = 0
    for item in read_documents(path, store.schema):  # pass 1: the file alone, nothing written
        if isinstance(item, FormatError):
            errors.append(item)
        else:
            total += 1
    if errors and not partial:
        raise _refused_file(path, errors)
    counts = {"added": 0, "unchanged": 0, "spans": 0, "metadata": 0}
    links: list[LinkEntry] = []
    seen = {str(error) for error in errors}  # pass 2 meets pass 1's bad lines again
    with resolve_progress(progress, "importing") as update, store.transaction():
        for item in read_documents(path, store.schema):  # pass 2: write, against the store
            if isinstance(item, FormatError):
                if not partial:  # the file changed since pass 1
                    raise _refused_file(path, [item])
                if str(item) not in seen:
                    errors.append(item)
                continue
            try:
                with store.transaction():  # a savepoint: a document refused by the store goes alone
                    status, written = _commit(store, path, item)
            except FormatError as exc:
                if not partial:
                    raise _refused_file(path, [exc]) from exc.__cause__ or exc
                errors.append(exc)
                continue
            links.extend(item.links)
            counts["metadata"] += status == "metadata"
            counts["unchanged" if status in ("unchanged", "metadata") else "added"] += 1
            counts["spans"] += written
            if update is not None:
                done = counts["added"] + counts["unchanged"]
                update(done, max(total, done), item.doc.id)
        try:
            errors.extend(_commit_links(store, links, partial=partial))
        except FormatError as exc:
            raise _refused_file(path, [exc]) from exc.__cause__ or exc
    errors.sort(key=lambda error: _line_of(error, path))
    return ImportResult(counts["added"], counts["unchanged"], counts["spans"], tuple(errors), counts["metadata"])


def _line_of(error: FormatError, path: str) -> int:
    """The line an import error names: its message starts with ``PATH:LINE:``."""
    head = str(error).removeprefix(f"{path}:").split(":", 1)[0]
    return int(head) if head.isdigit() else 0
