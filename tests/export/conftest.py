"""Fixtures for the format tests: a project holding the seed gold (tests/data/gold/seed.annot.jsonl)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annot.export import import_jsonl
from annot.pipeline import open_project

ROOT = Path(__file__).resolve().parents[2]
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "seed.annot.jsonl"
FORMATS_GOLDEN = ROOT / "tests" / "golden" / "formats"


@pytest.fixture
def gold_store(tmp_path: Path):
    """A project that imported the seed gold: 48 ACTOR, QUANTITY and STANCE spans with attributes."""
    store = open_project(tmp_path / "gold", annotator="tester")
    import_jsonl(store, SEED_GOLD)
    yield store
    store.close()


def stored_spans(store: Any, doc_id: str | None = None) -> list[tuple]:
    """Every live span of ``store`` (of ``doc_id``) as ``strategies.span_key``, ``*_span`` as the named span's
    offsets and label."""
    from tests.export.strategies import span_key

    spans = list(store.iter_spans(doc_id))
    by_id = {s.id: s for s in spans}
    found = []
    for s in spans:
        attrs = {k: ((by_id[v].start, by_id[v].end, by_id[v].label) if k.endswith("_span") else v)
                 for k, v in s.attrs.items()}  # fmt: skip
        found.append(span_key(s.start, s.end, s.label, attrs, s.annotator, str(getattr(s.status, "value", s.status))))
    return sorted(found, key=repr)


def check_golden(out: Path, golden: Path) -> None:
    """``out`` byte for byte as ``golden``; ``ANNOT_UPDATE_GOLDEN=1`` rewrites ``golden`` first (as test_jsonl)."""
    import os

    if os.environ.get("ANNOT_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(out.read_bytes())
    assert out.read_bytes() == golden.read_bytes(), f"{out} differs from {golden} (ANNOT_UPDATE_GOLDEN=1 to renew)"


def store_round_trip(records: list[dict[str, Any]], format: str, folder: Path) -> list[tuple[list, list]]:
    """``records`` written in ``format``, imported into a fresh store: per document, (expected, stored) spans."""
    from annot.exchange import import_as
    from annot.export.formats import LeftOut, module_of
    from annot.model import document_id
    from annot.schema import load_schema
    from tests.export.strategies import expected_spans

    module = module_of(format)
    out = folder / f"out.{module.SUFFIX}"
    extra = {"schema": load_schema()} if getattr(module, "USES_SCHEMA", False) else {}
    module.write(records, out, LeftOut(), **extra)
    with open_project(folder / "fresh", annotator="importer") as store:
        import_as(store, out, format, lang="en")
        return [
            (expected_spans(record), stored_spans(store, document_id(record["text"], record["title"])))
            for record in records
        ]
