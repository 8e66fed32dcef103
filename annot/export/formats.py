"""Other tools' formats: the one home of what every format shares.

Each format is a module of ``annot.export`` (``doccano``, ``labelstudio``,
``prodigy``, ``spacy_docbin``, ``inception``, ``conll``) holding a converter, not a
reader of the store:

- **export**: ``write(records, out, left_out) -> (documents, spans)`` turns annot/1
  document records (``iter_records``: text, sentences, spans with attributes) into
  the tool's file. A span the format cannot hold (not on a token boundary, an
  overlap in BIO, an attribute with no place) is counted in ``left_out`` with its
  reason and a first example, never dropped silently;
- **import** (not for CoNLL): ``read(path) -> Iterator[ForeignDocument | FormatError]``
  turns the tool's file into documents with spans, one ``FormatError`` per bad
  record, its message ``FILE:LINE: problem; fix``.

``export_as`` and ``import_as`` are the only entry points (the CLI's ``--format``).
``import_as`` checks the whole file first and writes nothing when a record is bad:
then, in one transaction, each document goes in as ``annot ingest`` would put it
(segmented; a text already stored is reused, its id being its text's hash) and
its spans after it, a span naming another (a STANCE's ``holder_span``) through
the new ids.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from annot.errors import FormatError
from annot.export.jsonl_import import ImportResult

if TYPE_CHECKING:
    from annot.store import Store

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "FormatExport",
    "ForeignDocument",
    "ForeignSpan",
    "LeftOut",
    "export_as",
    "import_as",
]

Record = dict[str, Any]
#: Format name -> module of ``annot.export`` (``jsonl`` is annot/1 itself).
EXPORT_FORMATS: dict[str, str] = {
    "jsonl": "jsonl",
    "doccano": "doccano",
    "label-studio": "labelstudio",
    "prodigy": "prodigy",
    "spacy": "spacy_docbin",
    "inception": "inception",
    "conll": "conll",
}
#: The formats ``import_as`` reads (CoNLL is for training pipelines: export only).
IMPORT_FORMATS = tuple(name for name in EXPORT_FORMATS if name != "conll")


class LeftOut:
    """What an export could not write, by reason: how many spans, and the first one as an example."""

    def __init__(self) -> None:
        self._found: dict[str, list[Any]] = {}

    def add(self, reason: str, example: str) -> None:
        """Count one span left out for ``reason`` ("not on a token boundary"); ``example`` names it."""
        found = self._found.setdefault(reason, [0, example])
        found[0] += 1

    def report(self) -> tuple[Unrepresentable, ...]:
        """Every reason, most spans first."""
        items = sorted(self._found.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return tuple(Unrepresentable(reason, count, example) for reason, (count, example) in items)


@dataclass(frozen=True, slots=True)
class Unrepresentable:
    """Spans a format cannot hold: why, how many, and one of them ("ACTOR 'Minsk' in doc-1 at 12-17")."""

    reason: str
    count: int
    example: str


@dataclass(frozen=True, slots=True)
class FormatExport:
    """What ``export_as`` wrote: the file, its format, how many documents and spans, and what it left out."""

    path: Path
    format: str
    documents: int
    spans: int
    left_out: tuple[Unrepresentable, ...] = ()

    def summary(self) -> str:
        """One line, then one per reason a span was left out."""
        lines = [f"Wrote {self.path} ({self.format}): {self.documents} documents, {self.spans} spans"]
        lines += [f"  left out {u.count}: {u.reason}, e.g. {u.example}" for u in self.left_out]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ForeignSpan:
    """A span read from another tool: document offsets in code points, label, attributes.

    ``ref`` is the span's id in the file (for relations); an attribute of type ``span`` (``holder_span``,
    ``target_span``) holds the ``ref`` of the span it names, mapped to the new id on import.
    """

    start: int
    end: int
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict)
    ref: str | None = None
    annotator: str | None = None
    status: str = "accepted"


@dataclass(frozen=True, slots=True)
class ForeignDocument:
    """A document read from another tool: its text, what is known of it, its spans; ``where`` is FILE:LINE."""

    text: str
    where: str
    title: str | None = None
    lang: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    spans: tuple[ForeignSpan, ...] = ()


class _Writer(Protocol):
    def __call__(self, records: Iterable[Record], out: Path, left_out: LeftOut) -> tuple[int, int]: ...


def _module(name: str, formats: Iterable[str]) -> Any:
    if name not in formats:
        raise FormatError(f"Unknown format {name!r}; use one of: {', '.join(formats)}.")
    return importlib.import_module(f"annot.export.{EXPORT_FORMATS[name]}")


def export_as(
    store: Store, out: str | os.PathLike[str], format: str, *, all_versions: bool = False, progress: Any = None
) -> FormatExport:
    """Write ``store`` in another tool's format (or annot/1 with ``format="jsonl"``).

    Args:
        store: the project.
        out: the file to write, replaced atomically.
        format: a name of ``EXPORT_FORMATS``.
        all_versions: also superseded document versions (annot/1 only keeps their chain).
        progress: as ``export_jsonl``'s.

    Raises:
        FormatError: an unknown format.
        OutputError: ``out`` cannot be written.
    """
    from annot.export.jsonl import export_jsonl, iter_records

    if format == "jsonl":
        done = export_jsonl(store, out, all_versions=all_versions, progress=progress)
        return FormatExport(done.path, "jsonl", done.documents, done.spans)
    module = _module(format, EXPORT_FORMATS)
    left_out = LeftOut()
    documents, spans = module.write(iter_records(store, all_versions=all_versions), Path(out), left_out)
    return FormatExport(Path(out), format, documents, spans, left_out.report())


def import_as(store: Store, path: str | os.PathLike[str], format: str, *, lang: str | None = None) -> ImportResult:
    """Read another tool's file into ``store``: all of it, or nothing when a record is bad.

    Args:
        store: the project.
        path: the file.
        format: a name of ``IMPORT_FORMATS``.
        lang: the documents' language when the file does not say (detected otherwise).

    Raises:
        FormatError: an unknown format, or a bad record (``FILE:LINE: problem; fix``; the first of them,
            with how many more), the store left as it was.
    """
    from annot.export.jsonl_import import import_jsonl

    if format == "jsonl":
        return import_jsonl(store, path)
    module = _module(format, IMPORT_FORMATS)
    found = list(module.read(Path(path)))
    errors = [item for item in found if isinstance(item, FormatError)]
    if errors:
        more = f" (and {len(errors) - 1} more bad records)" if len(errors) > 1 else ""
        raise FormatError(f"{errors[0]}{more}; nothing was imported.")
    return _commit(store, [d for d in found if isinstance(d, ForeignDocument)], lang)


def _commit(store: Store, documents: list[ForeignDocument], lang: str | None) -> ImportResult:
    """Every document and its spans in one transaction; the store's checks refuse a bad span there.

    A span already stored on the same text (same offsets and label) is not added again, so importing a file
    twice changes nothing.
    """
    from annot.errors import AnnotError
    from annot.ingest.clean import build_document
    from annot.segment import segment
    from annot.store.core import new_span_id

    added = unchanged = written = 0
    with store.transaction():
        for foreign in documents:
            try:
                doc = build_document(
                    foreign.text, foreign.where, title=foreign.title or Path(foreign.where.rsplit(":", 1)[0]).stem,
                    source=None, key=None, lang=foreign.lang or lang, published=None,
                )  # fmt: skip
                result = store.add_document(doc, segment(doc))
                added, unchanged = added + (result.status == "added"), unchanged + (result.status == "unchanged")
                stored = {(s.start, s.end, s.label) for s in store.iter_spans(doc.id)}
                fresh = [s for s in foreign.spans if (s.start, s.end, s.label) not in stored]
                ids = {s.ref: new_span_id() for s in fresh if s.ref is not None}
                spans = [_span(store, doc, s, ids) for s in fresh]
                written += len(store.add_spans(_holders_first(spans)))
            except AnnotError as exc:
                raise FormatError(f"{foreign.where}: {exc}") from exc
    return ImportResult(documents_added=added, documents_unchanged=unchanged, spans_written=written)


def _span(store: Store, doc: Any, span: ForeignSpan, ids: Mapping[str, str]) -> Any:
    """A foreign span as the store's, its id new and a ``*_span`` attribute naming the new id of its target."""
    from annot.model import Span
    from annot.store.core import new_span_id

    attrs = {k: ids.get(v, v) if k.endswith("_span") else v for k, v in span.attrs.items()}
    return Span(
        id=ids.get(span.ref or "") or new_span_id(), doc_id=doc.id, start=span.start, end=span.end,
        label=span.label, attrs=attrs, text=doc.text[span.start : span.end],
        annotator=span.annotator or store.annotator, status=span.status,
    )  # fmt: skip


def _holders_first(spans: list[Any]) -> list[Any]:
    """Spans named by others (ACTORs a STANCE holds) before the spans naming them, as the store requires."""
    named = {v for s in spans for k, v in s.attrs.items() if k.endswith("_span")}
    return sorted(spans, key=lambda s: s.id not in named)


def iter_documents(records: Iterable[Record]) -> Iterator[Record]:
    """The document records of an annot/1 stream (``unit="document"``), skipping nothing else there is."""
    for record in records:
        if record.get("type", "document") == "document":
            yield record
