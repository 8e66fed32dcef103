"""Another tool's file into the store, and the store into another tool's file (``annot export/import --format``).

The converters are ``annot.export``'s format modules (``annot.export.formats``); this
module joins them to the store and, for imports, to ingest's segmentation:
``import_as`` writes nothing when a record of the file is bad, then, in one
transaction, puts each document in as ``annot ingest`` would (segmented; the
same text under the same title is the document already stored, as its id is
their hash) and its spans after it, a span naming another (a STANCE's
``holder_span``) through the new ids, or the stored id of a span already there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import FormatError
from annot.export.formats import ForeignDocument, ForeignSpan, FormatExport, LeftOut, module_of, read_foreign
from annot.export.jsonl_import import ImportResult

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["CURATED", "export_as", "import_as", "layer_ids", "select_layer"]

#: The ``layer`` of ``export_as`` (``annot export --layer``) holding the curator's spans (origin ``curated``).
CURATED = "curated"


def export_as(
    store: Store, out: str | os.PathLike[str], format: str, *, all_versions: bool = False, progress: Any = None,
    layer: str | None = None, unit: str = "document",
) -> FormatExport:  # fmt: skip
    """Write ``store`` in another tool's format (or annot/1 with ``format="jsonl"``).

    Args:
        store: the project.
        out: the file to write, replaced atomically.
        format: a name of ``EXPORT_FORMATS``; a module with ``USES_SCHEMA`` gets the project's schema, one with
            ``write_beside(schema, out)`` writes files next to ``out`` (Label Studio's labelling config).
        all_versions: also superseded document versions (annot/1 only keeps their chain).
        progress: as ``export_jsonl``'s.
        layer: only one layer's spans (``select_layer``): ``"curated"`` (the curator's adjudicated spans) or
            an annotator's name (their own spans, the curated ones left out); every span when ``None``.
        unit: annot/1 only: ``document`` or ``sentence`` (``iter_records``).

    Raises:
        FormatError: an unknown format, or a layer no span of the store is in (the layers are listed).
        OutputError: ``out`` cannot be written.
    """
    from annot.export.jsonl import export_jsonl, iter_records, write_records

    ids = layer_ids(store, layer) if layer is not None else None
    if format == "jsonl" and layer is None:
        done = export_jsonl(store, out, unit=unit, all_versions=all_versions, progress=progress)
        return FormatExport(done.path, "jsonl", done.documents, done.spans)
    if format == "jsonl":
        done = write_records(
            select_layer(iter_records(store, unit=unit, all_versions=all_versions), layer, layer_ids=ids), out
        )
        return FormatExport(done.path, "jsonl", done.documents, done.spans)
    module = module_of(format)
    left_out = LeftOut()
    extra = {"schema": store.schema} if getattr(module, "USES_SCHEMA", False) else {}
    records = iter_records(store, all_versions=all_versions)
    if layer is not None:
        records = select_layer(records, layer, layer_ids=ids)
    documents, spans = module.write(records, Path(out), left_out, **extra)
    beside = module.write_beside(store.schema, Path(out)) if hasattr(module, "write_beside") else ()
    return FormatExport(Path(out), format, documents, spans, left_out.report(), tuple(beside))


def select_layer(
    records: Iterable[dict[str, Any]], layer: str, *, layer_ids: set[str] | None = None
) -> Iterator[dict[str, Any]]:
    """annot/1 records keeping one layer's spans: ``"curated"``, or an annotator's own (non-curated) spans.

    A span attribute (``holder_span``) naming a span outside the layer is dropped, so the file stays
    importable; the STANCE keeps its ``holder`` name.

    Args:
        records: records of ``annot.export.jsonl.iter_records`` (either unit).
        layer: ``"curated"`` or an annotator's name.
        layer_ids: the ids of every span in the layer (``layer_ids``), which references are checked against;
            by default the record's own spans (enough for unit ``document``, not for ``sentence``).

    Yields:
        Each record, its ``spans`` (when it has some) filtered.
    """
    for record in records:
        if "spans" not in record:
            yield record
            continue
        spans = [s for s in record["spans"] if _in_layer(s, layer)]
        ids = layer_ids if layer_ids is not None else {s["id"] for s in spans}
        for span in spans:
            dangling = [k for k, v in span["attrs"].items() if k.endswith("_span") and isinstance(v, str)
                        and v not in ids]  # fmt: skip
            if dangling:
                span["attrs"] = {k: v for k, v in span["attrs"].items() if k not in dangling}
        yield {**record, "spans": spans}


def _in_layer(span: dict[str, Any], layer: str) -> bool:
    if layer == CURATED:
        return span["origin"] == CURATED
    return span["annotator"] == layer and span["origin"] != CURATED


def layer_ids(store: Store, layer: str) -> set[str]:
    """The ids of the live spans in ``layer`` (``select_layer``'s rule).

    Raises:
        FormatError: no span is in that layer (the layers are listed).
    """
    own = [o for o in _origins() if o != CURATED]
    if layer == CURATED:
        ids = set(store.span_columns(origin=CURATED)["id"])
    else:
        ids = set(store.span_columns(origin=own, annotator=layer)["id"])
    if ids:
        return ids
    annotators = set(store.span_columns(origin=own)["annotator"])
    curated = bool(store.span_columns(origin=CURATED)["id"])
    layers = ([CURATED] if curated else []) + sorted(annotators)
    raise FormatError(
        f"No spans in layer {layer!r}; layers: {', '.join(layers) or 'none (the store has no spans)'}."
        " Give 'curated' (the curator's spans) or an annotator's name."
    )


def _origins() -> list[str]:
    from annot.model import Origin

    return [o.value for o in Origin]


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
    return _commit(store, read_foreign(Path(path), format, schema=store.schema), lang)


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
                stored = {(s.start, s.end, s.label): s.id for s in store.iter_spans(doc.id)}
                moved = foreign.spans if doc.text == foreign.text else _moved(foreign, doc.text)
                fresh = [s for s in moved if (s.start, s.end, s.label) not in stored]
                # A span already stored keeps its id, so a new STANCE of the file may name an ACTOR stored before.
                new = {id(s) for s in fresh}
                ids = {s.ref: stored[(s.start, s.end, s.label)] for s in moved if s.ref and id(s) not in new}
                ids.update({s.ref: new_span_id() for s in fresh if s.ref is not None})
                spans = [_span(store, doc, s, ids) for s in fresh]
                written += len(store.add_spans(_holders_first(spans)))
            except AnnotError as exc:
                problem = str(exc).rstrip(".").removeprefix(f"{foreign.where}: ")  # ingest's errors name it too
                raise FormatError(f"{foreign.where}: {problem}; nothing was imported.") from exc
    return ImportResult(documents_added=added, documents_unchanged=unchanged, spans_written=written)


def _moved(foreign: ForeignDocument, text: str) -> tuple[ForeignSpan, ...]:
    """The spans of ``foreign`` carried onto its text as annot stores it (NFC, ``\\n`` line ends, no trailing
    spaces, no boilerplate lines), by the store's own re-anchoring of edited texts.

    Raises:
        FormatError: a span whose text is no longer there (a span of trailing spaces), naming it.
    """
    from dataclasses import replace

    from annot.model import normalize_text
    from annot.store.reanchor import reanchor

    wanted = [(s.start, s.end, normalize_text(foreign.text[s.start : s.end])) for s in foreign.spans]
    moved = []
    for span, anchor in zip(foreign.spans, reanchor(foreign.text, text, wanted), strict=True):
        if anchor.start is None or anchor.end is None or anchor.start == anchor.end:
            raise FormatError(  # ``_commit`` names the file and line
                f"{span.label} span {span.start}-{span.end}"
                f" {foreign.text[span.start : span.end]!r} is not in the text as annot stores it (Unicode NFC,"
                " \\n line ends, no spaces at line ends, no trailing boilerplate); fix or drop that span"
            )
        moved.append(replace(span, start=anchor.start, end=anchor.end))
    return tuple(moved)


def _span(store: Store, doc: Any, span: ForeignSpan, ids: Mapping[str, str]) -> Any:
    """A foreign span as the store's, its id new and a ``*_span`` attribute naming the new id of its target."""
    from annot.model import Span
    from annot.store.core import new_span_id

    attrs = {k: ids.get(v, v) if k.endswith("_span") and isinstance(v, str) else v for k, v in span.attrs.items()}
    return Span(
        id=ids.get(span.ref or "") or new_span_id(), doc_id=doc.id, start=span.start, end=span.end,
        label=span.label, attrs=attrs, text=doc.text[span.start : span.end],
        annotator=span.annotator or store.annotator, status=span.status, origin=_origin(span),
    )  # fmt: skip


def _origin(span: ForeignSpan) -> Any:
    """``imported``; a pending span (a Label Studio prediction) is a suggestion, so the annotator's accept and
    reject work on it as on annot's own."""
    from annot.model import Origin

    return Origin.SUGGESTED if span.status == "pending" else Origin.IMPORTED


def _holders_first(spans: list[Any]) -> list[Any]:
    """Spans named by others (ACTORs a STANCE holds) before the spans naming them, as the store requires."""
    named = {v for s in spans for k, v in s.attrs.items() if k.endswith("_span") and isinstance(v, str)}
    return sorted(spans, key=lambda s: s.id not in named)
