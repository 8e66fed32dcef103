"""Shared by the Prodigy, spaCy and CoNLL tests: the seed store, golden files, a ``strategies.cases()`` case in a
store, and what the store holds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from annot.export import import_jsonl
from annot.model import Document, Span, document_id
from annot.pipeline import open_project
from annot.segment import segment
from annot.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "seed.annot.jsonl"
GOLDEN = ROOT / "tests" / "golden" / "formats"
SEED_SPANS = 48  # 30 ACTORs, 9 QUANTITYs, 9 STANCEs, all accepted


def seed_store(folder: Path) -> Store:
    """A store holding the seed article and its gold spans, imported from ``tests/data/gold/seed.annot.jsonl``."""
    store = open_project(folder, annotator="tester")
    import_jsonl(store, SEED_GOLD)
    return store


def golden(name: str, written: Path) -> Path:
    """The golden file ``name``, first replaced by ``written`` when ``ANNOT_UPDATE_GOLDEN=1`` (as test_jsonl does)."""
    path = GOLDEN / name
    if os.environ.get("ANNOT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(written.read_bytes())
    return path


def case_store(folder: Path, case: dict[str, Any]) -> tuple[Store, Document, list[Span]]:
    """A store holding the case's document, segmented, and its spans."""
    from annot.store.core import new_span_id

    text = case["text"]
    doc = Document(id=document_id(text, "case"), key="case", title="case", lang=case["lang"], text=text)
    store = open_project(folder, annotator="tester")
    store.add_document(doc, segment(doc))
    ids = [new_span_id() for _ in case["spans"]]
    spans = []
    for span_id, (start, end, label, attrs, status, holder) in zip(ids, case["spans"]):
        if holder is not None:
            attrs = {**attrs, "holder_span": ids[holder]}
        spans.append(Span(id=span_id, doc_id=doc.id, start=start, end=end, label=label, attrs=attrs,
                          text=text[start:end], annotator="tester", status=status))  # fmt: skip
    store.add_spans(spans)
    return store, doc, spans


def stored(store: Store) -> list[tuple[Any, ...]]:
    """Every span of the store's one document: offsets, label, status, attributes (a ``*_span`` as its target)."""
    (doc_id,) = store.documents()["id"].tolist()
    spans = list(store.iter_spans(doc_id))
    where = {s.id: (s.start, s.end, s.label) for s in spans}
    return sorted(
        (s.start, s.end, s.label, str(s.status), sorted((k, where.get(v, v) if k.endswith("_span") else v)
                                                        for k, v in s.attrs.items()))
        for s in spans
    )  # fmt: skip
