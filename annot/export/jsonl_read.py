"""Reading annot/1 JSONL into checked documents, line by line, with errors that name ``FILE:LINE``.

Everything a file alone can tell is checked here (JSON, schema tag, fields,
offsets, spans against the text and the label schema, lone surrogates); what
only the store can tell (references to stored spans, links) is checked when
:mod:`annot.export.jsonl_import` writes.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from annot.errors import FormatError, SpanError
from annot.export.jsonl import SCHEMA, Record
from annot.model import (
    ANCHORS,
    BEAD_ORIGINS,
    INHERITED_METADATA,
    MEASURES,
    Bead,
    Document,
    Origin,
    Sentence,
    Span,
    Status,
    Translation,
    lone_surrogate,
    metadata_value,
)

if TYPE_CHECKING:
    from annot.schema import LabelSchema

__all__ = ["LinkEntry", "PendingDocument", "read_documents"]

# A \\uXXXX escape of a UTF-16 surrogate (lone, or half of a valid pair): lines without one cannot hold a lone one.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


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
            return value.astimezone(UTC)
    raise FormatError(
        f"{where}: {name} {text!r} is not an ISO 8601 time with a UTC offset (like 2022-10-17T08:00:00.000000+00:00)."
    )


def _read_document(rec: Record, where: str) -> tuple[Document, frozenset[str]]:
    """The document of a record, and the metadata fields the record holds (outlet, author and url
    are missing from files written before annot had them: then they are None, and not "given")."""
    _get(rec, "superseded_by", str, where, null=True)  # derived on import, but part of the format
    meta: dict[str, Any] = {}
    for name in INHERITED_METADATA:
        value = _get(rec, name, str, where, null=True) if name in rec or name == "published" else None
        try:
            meta[name] = metadata_value(name, value)
        except ValueError as exc:
            raise FormatError(f"{where}: {exc} (or null).") from None
    doc = Document(
        id=_get(rec, "id", str, where), key=_get(rec, "key", str, where), title=_get(rec, "title", str, where),
        lang=_get(rec, "lang", str, where), text=_get(rec, "text", str, where),
        source=_get(rec, "source", str, where, null=True), ingested_at=_time(rec, "ingested_at", where), **meta,
    )  # fmt: skip
    return doc, frozenset(name for name in ("title", *INHERITED_METADATA) if name in rec)


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


def _confidence(rec: Record, where: str) -> float:
    value = rec["confidence"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise FormatError(f"{where}: confidence must be a number from 0 to 1, got {_short(value)}; fix or drop it.")
    return value


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
class LinkEntry:
    """One item of a document record's ``links``, read and checked, waiting for every document to be in."""

    doc_id: str
    other: str
    kind: str
    created_at: datetime
    beads: list[Bead]
    where: str
    measure: str | None = None
    route: str = ""


def _read_links(rec: Record, doc: Document, where: str) -> list[LinkEntry]:
    # Files written before links existed, and documents without links, have no key.
    entries = []
    for n, item in enumerate(_get(rec, "links", list, where) if "links" in rec else []):
        at = f"{where}: link {n}"
        other = _get(item, "doc", str, at)
        at = f"{at} (to {other})"
        beads = [_read_bead(bead, f"{at}: bead {k}") for k, bead in enumerate(_get(item, "beads", list, at))]
        # Files written before measures were recorded have neither key: unknown, as such stores read.
        measure = _get(item, "measure", str, at, null=True, valid=tuple(MEASURES)) if "measure" in item else None
        route = _get(item, "route", str, at) if "route" in item else ""
        entries.append(LinkEntry(doc.id, other, _get(item, "kind", str, at), _time(item, "created_at", at), beads, at,
                                 measure, route))  # fmt: skip
    return entries


@dataclass(slots=True)
class PendingDocument:
    """One document being read: the document, its first line, sentences, spans and their lines.

    ``whole`` is a document line holding its sentences (unit ``document``), complete
    on its own; otherwise a header whose sentence lines follow (unit ``sentence``).
    ``given`` names the metadata fields (title, published, outlet, author, url) the
    line holds: a file older than outlet, author and url has none of those three.
    """

    doc: Document
    line: int
    whole: bool = False
    sentences: list[Sentence] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    span_lines: dict[str, int] = field(default_factory=dict)  # span id -> its line, to name it in errors
    confidences: dict[str, float] = field(default_factory=dict)  # span id -> a suggester's confidence
    translations: list[Translation] = field(default_factory=list)
    links: list[LinkEntry] = field(default_factory=list)
    given: frozenset[str] = frozenset()  # the metadata fields the record holds (see _read_document)

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
            if rec.get("confidence") is not None:  # a suggester's span (files before suggestions have none)
                self.confidences[span.id] = _confidence(rec, f"{where}: span {span.id}")

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
                yield (
                    lineno,
                    FormatError(
                        f"{where}: not UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1});"
                        " annot/1 files are UTF-8."
                    ),
                )
                continue
            except json.JSONDecodeError as exc:
                yield (
                    lineno,
                    FormatError(
                        f"{where}: invalid JSON ({exc.msg} at column {exc.colno}); each line must be one JSON object."
                    ),
                )
                continue
            if rec is None and not text.strip():
                continue
            tag = rec.get("schema") if isinstance(rec, dict) else None
            if not isinstance(rec, dict) or next(iter(rec), None) != "schema" or tag != SCHEMA:
                yield (
                    lineno,
                    FormatError(f"{where}: not an {SCHEMA} record (schema={_short(tag)}); export with annot export."),
                )
                continue
            # Lone surrogates only come from \\uXXXX escapes: look for them only where there is one.
            problem = lone_surrogate(rec) if _ESCAPED_SURROGATE.search(raw) else None
            if problem:
                yield (
                    lineno,
                    FormatError(
                        f"{where}: field {problem}, which is not Unicode text and cannot be stored;"
                        " fix the \\udXXXX escape in the file."
                    ),
                )
                continue
            yield lineno, rec


def read_documents(path: str, schema: LabelSchema) -> Iterator[PendingDocument | FormatError]:
    """Yield each document of the file, read and checked as far as the file alone allows, or an error per bad line.

    A bad line refuses the document it belongs to, whose other lines are then
    skipped without more errors: a document line belongs to itself, a sentence
    line to its document. An unreadable line (invalid JSON) belongs to the
    header it follows, as one of its sentences, unless the next line is a
    sentence of a document whose header was not seen: then it was that header.
    After a whole document line it stands alone. Holds one document at a time.
    """
    pending: PendingDocument | None = None
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
                doc, given = _read_document(rec, where)
                whole = "sentences" in rec or "spans" in rec  # a whole document, else a header
                pending = PendingDocument(doc, lineno, whole=whole, links=_read_links(rec, doc, where), given=given)
                if whole:
                    for sent in _get(rec, "sentences", list, where):
                        pending.add(sent, where)
                    pending.add_spans(_get(rec, "spans", list, where), schema, where, lineno)
                refused = None
            elif kind == "sentence" and pending is not None and rec.get("doc_id") == pending.doc.id:
                lang = _get(rec, "lang", str, where)
                if lang != pending.doc.lang:
                    raise FormatError(f"{where}: lang {lang!r} differs from its document's {pending.doc.lang!r}.")
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
