"""Converting between the model's dataclasses and the store's SQLite rows."""

from __future__ import annotations

import json
import numbers
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from annot.errors import SpanError
from annot.model import Document, Origin, Span, Status, published_text, read_published, to_timestamp
from annot.store.migrations import METADATA_VERSION

__all__ = [
    "DOC_COLS",
    "SPAN_COLS",
    "SPAN_FIELDS",
    "doc_cols",
    "doc_row",
    "enum_value",
    "offset",
    "span_from_json",
    "span_json",
    "span_row",
    "to_doc",
    "to_span",
]

SPAN_FIELDS = (
    "id", "doc_id", "start", "end", "label", "attrs", "text", "annotator",
    "origin", "status", "anchor", "created_at", "updated_at",
)  # fmt: skip
SPAN_COLS = ", ".join(f'"{name}"' if name == "end" else name for name in SPAN_FIELDS)
DOC_COLS = "id, key, title, lang, text, source, published, ingested_at, outlet, author, url"
# What a store older than METADATA_VERSION (open read-only) gives in their place: unknown.
_OLD_DOC_COLS = "id, key, title, lang, text, source, published, ingested_at, NULL, NULL, NULL"


def doc_cols(version: int) -> str:
    """The documents columns ``to_doc`` reads, for a store file at schema ``version``."""
    return DOC_COLS if version >= METADATA_VERSION else _OLD_DOC_COLS


def doc_row(doc: Document) -> tuple[Any, ...]:
    """The values of ``DOC_COLS`` for ``doc``."""
    return (
        doc.id, doc.key, doc.title, doc.lang, doc.text, doc.source, published_text(doc.published),
        to_timestamp(doc.ingested_at), doc.outlet, doc.author, doc.url,
    )  # fmt: skip


def enum_value(kind: type[Origin] | type[Status], value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        valid = ", ".join(member.value for member in kind)
        raise SpanError(f"Invalid {kind.__name__.lower()} {value!r}. Valid values: {valid}.") from None


def offset(name: str, value: Any, doc_id: str) -> int:
    # Offsets read back from the DataFrames are numpy integers: accept any
    # integral number, but not bool (True would be stored as offset 1).
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise SpanError(
            f"Span {name} must be an integer code-point offset into document {doc_id},"
            f" got {value!r} ({type(value).__name__})."
        )
    return int(value)


def span_row(span: Span) -> tuple[Any, ...]:
    return (
        span.id, span.doc_id, span.start, span.end, span.label,
        json.dumps(dict(span.attrs), ensure_ascii=False, sort_keys=True), span.text, span.annotator,
        str(span.origin), str(span.status), span.anchor, to_timestamp(span.created_at), to_timestamp(span.updated_at),
    )  # fmt: skip


def to_span(row: Sequence[Any]) -> Span:
    return Span(
        id=row[0], doc_id=row[1], start=row[2], end=row[3], label=row[4], attrs=json.loads(row[5]),
        text=row[6], annotator=row[7], origin=Origin(row[8]), status=Status(row[9]), anchor=row[10],
        created_at=datetime.fromisoformat(row[11]), updated_at=datetime.fromisoformat(row[12]),
    )  # fmt: skip


def to_doc(row: Sequence[Any]) -> Document:
    return Document(
        id=row[0], key=row[1], title=row[2], lang=row[3], text=row[4], source=row[5],
        published=read_published(row[6]) if row[6] else None, ingested_at=datetime.fromisoformat(row[7]),
        outlet=row[8], author=row[9], url=row[10],
    )  # fmt: skip


def span_json(span: Span) -> str:
    return json.dumps(dict(zip(SPAN_FIELDS, span_row(span))), ensure_ascii=False)


def span_from_json(text: str) -> Span:
    data = json.loads(text)
    return to_span([data[name] for name in SPAN_FIELDS])
