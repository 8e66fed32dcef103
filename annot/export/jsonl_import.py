"""Reading annot/1 JSONL back into a store, line by line, with errors that name ``FILE:LINE``."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from annot.errors import AlignmentError, CorpusError, FormatError, NotFound, SpanError
from annot.export.jsonl import SCHEMA, Record
from annot.model import (
    ANCHORS,
    BEAD_ORIGINS,
    Bead,
    Document,
    Origin,
    Sentence,
    Span,
    Status,
    Translation,
    lone_surrogate,
    to_timestamp,
)
from annot.progress import Progress, resolve_progress

if TYPE_CHECKING:
    from annot.schema import LabelSchema
    from annot.store import Store

__all__ = ["ImportResult", "import_jsonl"]

# A \\uXXXX escape of a UTF-16 surrogate (lone, or half of a valid pair): lines without one cannot hold a lone one.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: documents new to the store, documents already there, spans written.

    ``errors`` lists the lines refused by ``import_jsonl(..., partial=True)``, one
    ``FormatError`` each, its message starting with ``FILE:LINE:``, in line order.
    """

    documents_added: int
    documents_unchanged: int
    spans_written: int
    errors: tuple[FormatError, ...] = ()


_KINDS = {
    str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "an object", float: "a number",
}  # fmt: skip


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _get(rec: Record, name: str, kind: type, where: str, *, null: bool = False, valid: tuple[str, ...] = ()) -> Any:
    """``rec[name]``, checked to be a ``kind`` (or null when allowed), and among ``valid`` if given."""
    if not isinstance(rec, dict):
        raise FormatError(f"{where}: expected a JSON object, got {_short(rec)}.")
    if name not in rec:
        raise FormatError(f"{where}: missing field {name!r}; re-export the file with annot export.")
    value = rec[name]
    if value is None and null:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # JSON has one kind of number
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise FormatError(
            f"{where}: field {name!r} must be {_KINDS[kind]}{' or null' if null else ''}, got {_short(value)}."
        )
    if valid and value not in valid:
        raise FormatError(f"{where}: {name} {value!r} is not valid; valid values: {', '.join(valid)}.")
    return value


def _time(rec: Record, name: str, where: str) -> datetime:
    text = _get(rec, name, str, where)
    with contextlib.suppress(ValueError):
        value = datetime.fromisoformat(text)
        if value.tzinfo is not None:
            return value.astimezone(timezone.utc)
    raise FormatError(
        f"{where}: {name} {text!r} is not an ISO 8601 time with a UTC offset (like 2022-10-17T08:00:00.000000+00:00)."
    )


def _read_document(rec: Record, where: str) -> Document:
    _get(rec, "superseded_by", str, where, null=True)  # derived on import, but part of the format
    published = _get(rec, "published", str, where, null=True)
    try:
        day = date.fromisoformat(published) if published is not None else None
    except ValueError:
        raise FormatError(f"{where}: published {published!r} is not a date like 2022-10-17 (or null).") from None
    return Document(
        id=_get(rec, "id", str, where), key=_get(rec, "key", str, where), title=_get(rec, "title", str, where),
        lang=_get(rec, "lang", str, where), text=_get(rec, "text", str, where),
        source=_get(rec, "source", str, where, null=True), published=day, ingested_at=_time(rec, "ingested_at", where),
    )  # fmt: skip


def _read_sentence(rec: Record, doc: Document, where: str) -> Sentence:
    index, start, end = (_get(rec, name, int, where) for name in ("index", "start", "end"))
    text, heading = _get(rec, "text", str, where), _get(rec, "heading", bool, where)
    if not 0 <= start <= end <= len(doc.text) or doc.text[start:end] != text:
        raise FormatError(
            f"{where}: sentence {index} [{start}, {end}) does not slice the text of document {doc.id}"
            f" (length {len(doc.text)}); fix its offsets or text, or re-export the file."
        )
    return Sentence(doc.id, index, start, end, text, heading)


def _read_translation(rec: Any, doc: Document, index: int, where: str) -> Translation:
    where = f"{where}: translation of sentence {index}"
    if not isinstance(rec, dict):
        raise FormatError(f"{where}: must be an object, got {_short(rec)}.")
    fields = {name: _get(rec, name, str, where) for name in
              ("target", "engine", "text", "model", "model_version", "route", "signature")}  # fmt: skip
    return Translation(
        doc.id, index, fields["engine"], fields["model"], fields["model_version"], doc.lang, fields["target"],
        fields["route"], fields["signature"], fields["text"], created_at=_time(rec, "created_at", where),
    )  # fmt: skip


def _read_span(rec: Any, doc: Document, schema: LabelSchema, where: str) -> Span:
    where = f"{where}: span {_get(rec, 'id', str, where)}"
    start, end = _get(rec, "start", int, where), _get(rec, "end", int, where)
    label, text = _get(rec, "label", str, where), _get(rec, "text", str, where)
    if not 0 <= start < end <= len(doc.text):
        raise FormatError(
            f"{where}: [{start}, {end}) is out of range for document {doc.id}"
            f" (valid: 0 <= start < end <= {len(doc.text)}); fix the offsets or drop the span."
        )
    if doc.text[start:end] != text:
        raise FormatError(
            f"{where}: text {_short(text)} differs from the document text at [{start}, {end})"
            f" ({_short(doc.text[start:end])}); fix the offsets."
        )
    try:
        attrs = schema.validate(label, _get(rec, "attrs", dict, where))
    except SpanError as exc:
        raise FormatError(f"{where}: {exc}") from exc
    return Span(
        id=rec["id"], doc_id=doc.id, start=start, end=end, label=label, attrs=attrs, text=text,
        annotator=_get(rec, "annotator", str, where),
        origin=Origin(_get(rec, "origin", str, where, valid=tuple(Origin))),
        status=Status(_get(rec, "status", str, where, valid=tuple(Status))),
        anchor=_get(rec, "anchor", str, where, valid=ANCHORS),
        created_at=_time(rec, "created_at", where), updated_at=_time(rec, "updated_at", where),
    )  # fmt: skip


def _read_bead(item: Any, where: str) -> Bead:
    """``[[a...], [b...], score, origin]``; indexes are checked by the store against the documents."""
    if not isinstance(item, list) or len(item) != 4:
        raise FormatError(f"{where}: a bead must be [[A indexes], [B indexes], score, origin], got {_short(item)}.")
    sides = []
    for side, indexes in zip("AB", item[:2]):
        if not isinstance(indexes, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in indexes):
            raise FormatError(f"{where}: its {side} side must be a list of sentence indexes, got {_short(indexes)}.")
        sides.append(tuple(indexes))
    score = _get({"score": item[2]}, "score", float, where, null=True)
    origin = _get({"origin": item[3]}, "origin", str, where, valid=BEAD_ORIGINS)
    return Bead(sides[0], sides[1], score, origin)


@dataclass(frozen=True, slots=True)
class _LinkEntry:
    """One item of a document record's ``links``, read and checked, waiting for every document to be in."""

    doc_id: str
    other: str
    kind: str
    created_at: datetime
    beads: list[Bead]
    where: str


def _read_links(rec: Record, doc: Document, where: str) -> list[_LinkEntry]:
    # Files written before links existed, and documents without links, have no key.
    entries = []
    for n, item in enumerate(_get(rec, "links", list, where) if "links" in rec else []):
        at = f"{where}: link {n}"
        other = _get(item, "doc", str, at)
        at = f"{at} (to {other})"
        beads = [_read_bead(bead, f"{at}: bead {k}") for k, bead in enumerate(_get(item, "beads", list, at))]
        entries.append(_LinkEntry(doc.id, other, _get(item, "kind", str, at), _time(item, "created_at", at), beads, at))
    return entries


def _commit_links(store: Store, entries: list[_LinkEntry], *, partial: bool) -> list[FormatError]:
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


def _commit_link(store: Store, entry: _LinkEntry) -> None:
    try:
        if store.resolve(entry.other) != entry.other:
            raise NotFound(f"no document {entry.other!r}")
        store.link(entry.doc_id, entry.other, entry.kind, created_at=entry.created_at)
        if entry.beads:
            store.set_alignment(entry.doc_id, entry.other, entry.beads)
    except NotFound as exc:
        raise FormatError(
            f"{entry.where}: the linked document is neither in the file nor in the store ({exc});"
            " export both documents together."
        ) from exc
    except AlignmentError as exc:
        raise FormatError(f"{entry.where}: {exc}") from exc


@dataclass(slots=True)
class _Pending:
    """One document being read: the document, its first line, sentences, spans and their lines.

    ``whole`` is a document line holding its sentences (unit ``document``), complete
    on its own; otherwise a header whose sentence lines follow (unit ``sentence``).
    """

    doc: Document
    line: int
    whole: bool = False
    sentences: list[Sentence] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    span_lines: dict[str, int] = field(default_factory=dict)  # span id -> its line, to name it in errors
    translations: list[Translation] = field(default_factory=list)
    links: list[_LinkEntry] = field(default_factory=list)

    def add_spans(self, records: list[Any], schema: LabelSchema, where: str, line: int) -> None:
        """Read the span records of one line, checked against the document and the schema."""
        for rec in records:
            span = _read_span(rec, self.doc, schema, where)
            if span.id in self.span_lines:
                raise FormatError(
                    f"{where}: span id {span.id} appears twice in document {self.doc.id}"
                    f" (also line {self.span_lines[span.id]})."
                )
            self.span_lines[span.id] = line
            self.spans.append(span)

    def add(self, rec: Record, where: str) -> None:
        """Add a sentence record (a sentence line, or an item of a document line's ``sentences``)."""
        sent = _read_sentence(rec, self.doc, where)
        if self.sentences and sent.index <= self.sentences[-1].index:
            raise FormatError(
                f"{where}: sentence index {sent.index} follows {self.sentences[-1].index}; indexes must increase."
            )
        self.sentences.append(sent)
        # Files written before translations existed have no key: nothing to read.
        for item in _get(rec, "translations", list, where) if "translations" in rec else []:
            self.translations.append(_read_translation(item, self.doc, sent.index, where))


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


def _commit(store: Store, path: str, pending: _Pending) -> tuple[str, int]:
    """Add one document and its spans; return the store's status and the number of spans written."""
    doc, spans, lines = pending.doc, pending.spans, pending.span_lines
    try:
        status = store.add_document(doc, pending.sentences).status
    except (SpanError, CorpusError) as exc:
        raise FormatError(f"{path}:{pending.line}: {exc}") from exc
    # Spans already stored exactly so are skipped: re-importing a file writes nothing.
    stored = {_span_key(s) for s in store.iter_spans(doc.id)}
    todo = _ordered([s for s in spans if _span_key(s) not in stored], store.schema)
    current: list[Span] = []

    def feed() -> Iterator[Span]:
        # add_spans stops at the first bad span; remembering the one handed over names it.
        for span in todo:
            current[:] = [span]
            yield span

    try:
        store.add_spans(feed(), on_conflict="replace")
    except SpanError as exc:
        span = current[0]
        raise FormatError(f"{path}:{lines[span.id]}: span {span.id}: {exc} Fix or drop the span in the file.") from exc
    if pending.translations:
        # Same signature for the same sentence replaces: re-importing changes nothing.
        store.add_translations(pending.translations)
    return status, len({s.id for s in todo})


def _read_lines(path: str) -> Iterator[tuple[int, Record | FormatError]]:
    """Yield (line number, record) for each non-blank line, checked up to its schema tag.

    A line that is no such record gives a ``FormatError`` in place of the record;
    a file that cannot be read, or is binary, raises one.
    """
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the with below; bytes give exact line numbers
    except OSError as exc:
        raise FormatError(
            f"Cannot read {path}: {exc.strerror}. Pass an annot/1 JSONL file made by annot export."
        ) from exc
    with fh:
        # JSON text never holds a raw NUL byte (it is escaped); binary files nearly always do, early.
        binary = b"\x00" in fh.read(8192)
        fh.seek(0)
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            if binary or b"\x00" in raw:
                raise FormatError(
                    f"{where}: binary data (NUL byte); this is not a JSONL file. Export one with annot export."
                )
            try:
                text = raw.decode("utf-8").removeprefix("\ufeff" if lineno == 1 else "")
                rec = json.loads(text) if text.strip() else None
            except UnicodeDecodeError as exc:
                yield lineno, FormatError(
                    f"{where}: not UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1});"
                    " annot/1 files are UTF-8."
                )
                continue
            except json.JSONDecodeError as exc:
                yield lineno, FormatError(
                    f"{where}: invalid JSON ({exc.msg} at column {exc.colno}); each line must be one JSON object."
                )
                continue
            if rec is None and not text.strip():
                continue
            tag = rec.get("schema") if isinstance(rec, dict) else None
            if not isinstance(rec, dict) or next(iter(rec), None) != "schema" or tag != SCHEMA:
                yield lineno, FormatError(
                    f"{where}: not an {SCHEMA} record (schema={_short(tag)}); export with annot export."
                )
                continue
            # Lone surrogates only come from \\uXXXX escapes: look for them only where there is one.
            problem = lone_surrogate(rec) if _ESCAPED_SURROGATE.search(raw) else None
            if problem:
                yield lineno, FormatError(
                    f"{where}: field {problem}, which is not Unicode text and cannot be stored;"
                    " fix the \\udXXXX escape in the file."
                )
                continue
            yield lineno, rec


def _read_documents(path: str, schema: LabelSchema) -> Iterator[_Pending | FormatError]:
    """Yield each document of the file, read and checked as far as the file alone allows, or an error per bad line.

    A bad line refuses the document it belongs to, whose other lines are then
    skipped without more errors: a document line belongs to itself, a sentence
    line to its document. An unreadable line (invalid JSON) belongs to the
    header it follows, as one of its sentences, unless the next line is a
    sentence of a document whose header was not seen: then it was that header.
    After a whole document line it stands alone. Holds one document at a time.
    """
    pending: _Pending | None = None
    refused: str | None = None  # the document a bad line refused: its later sentence lines are skipped
    unread: FormatError | None = None  # an unreadable line, not yet known to be the header's or the next one's

    def refuse(error: FormatError) -> FormatError:
        nonlocal pending, refused
        if pending is None or pending.whole:
            return error
        refused, line, pending = pending.doc.id, pending.line, None
        return FormatError(f"{error} Document {refused} (line {line}) is refused with it.")

    for lineno, rec in _read_lines(path):
        where = f"{path}:{lineno}"
        if unread is not None:
            other = rec.get("doc_id") if isinstance(rec, dict) and rec.get("type") == "sentence" else None
            if isinstance(other, str) and other != refused and (pending is None or other != pending.doc.id):
                if pending is not None:
                    yield pending  # complete: the unreadable line was the header of ``other``
                pending, refused = None, other
                yield unread
            else:
                yield refuse(unread)
            unread = None
        if isinstance(rec, FormatError):
            if pending is not None and pending.whole:
                yield rec
            else:
                unread = rec
            continue
        kind = rec.get("type")
        if kind == "sentence" and isinstance(rec.get("doc_id"), str):
            doc_id = rec["doc_id"]
            if doc_id == refused:
                continue  # a line of a document already refused, and reported
            if pending is None or pending.whole or doc_id != pending.doc.id:
                if pending is not None:
                    yield pending  # its lines are over
                pending, refused = None, doc_id  # one error for all of this document's lines
                yield FormatError(
                    f"{where}: sentence line for document {doc_id}, whose header line was not seen;"
                    ' put its "type":"document" line (without sentences) right before its sentence lines.'
                )
                continue
        try:
            if kind == "document":
                if pending is not None:
                    yield pending
                pending, refused = None, rec.get("id") if isinstance(rec.get("id"), str) else None
                doc = _read_document(rec, where)
                whole = "sentences" in rec or "spans" in rec  # a whole document, else a header
                pending = _Pending(doc, lineno, whole=whole, links=_read_links(rec, doc, where))
                if whole:
                    for sent in _get(rec, "sentences", list, where):
                        pending.add(sent, where)
                    pending.add_spans(_get(rec, "spans", list, where), schema, where, lineno)
                refused = None
            elif kind == "sentence" and pending is not None and rec.get("doc_id") == pending.doc.id:
                if _get(rec, "lang", str, where) != pending.doc.lang:
                    raise FormatError(f"{where}: lang {rec['lang']!r} differs from its document's {pending.doc.lang!r}.")
                pending.add(rec, where)
                pending.add_spans(_get(rec, "spans", list, where), schema, where, lineno)
            elif kind == "sentence":
                _get(rec, "doc_id", str, where)  # raises: a string doc_id was matched with its header above
            else:
                raise FormatError(f"{where}: unknown record type {_short(kind)}; valid types: document, sentence.")
        except FormatError as exc:
            if kind == "document":
                pending = None  # the line was the document: refused whole, whatever its unit
            yield refuse(exc)
    if unread is not None:
        yield refuse(unread)  # the last line, cut short: the end of the document being read
    if pending is not None:
        yield pending


def _refused_file(path: str, errors: list[FormatError]) -> FormatError:
    """The error of a refused import: the first bad line, how many more, and the two ways out."""
    lines = [str(_line_of(e)) for e in errors[1:]]
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

    Documents already in the store are left as they are, and spans identical to
    the stored ones are not rewritten, so importing a file twice changes nothing.
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
    for item in _read_documents(path, store.schema):  # pass 1: the file alone, nothing written
        if isinstance(item, FormatError):
            errors.append(item)
        else:
            total += 1
    if errors and not partial:
        raise _refused_file(path, errors)
    counts = {"added": 0, "unchanged": 0, "spans": 0}
    links: list[_LinkEntry] = []
    with resolve_progress(progress, "importing") as update, store.transaction():
        for item in _read_documents(path, store.schema):  # pass 2: write, against the store
            if isinstance(item, FormatError):
                if not partial:  # the file changed since pass 1
                    raise _refused_file(path, [item])
                if str(item) not in {str(e) for e in errors}:
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
            counts["unchanged" if status == "unchanged" else "added"] += 1
            counts["spans"] += written
            if update is not None:
                done = counts["added"] + counts["unchanged"]
                update(done, max(total, done), item.doc.id)
        try:
            errors.extend(_commit_links(store, links, partial=partial))
        except FormatError as exc:
            raise _refused_file(path, [exc]) from exc.__cause__ or exc
    errors.sort(key=_line_of)
    return ImportResult(counts["added"], counts["unchanged"], counts["spans"], tuple(errors))


def _line_of(error: FormatError) -> int:
    head = str(error).split(": ", 1)[0].rsplit(":", 1)[-1]
    return int(head) if head.isdigit() else 0
