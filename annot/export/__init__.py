"""Writing a store out to files and reading them back: versioned JSONL ("annot/1") here, other tools' formats
in their own modules (``annot.export.formats``, reached through ``annot.exchange``)."""

from __future__ import annotations

from annot.export.jsonl import SCHEMA, UNITS, ExportResult, export_jsonl, iter_records, write_records
from annot.export.jsonl_import import ImportResult, import_jsonl

__all__ = [
    "ExportResult", "ImportResult", "SCHEMA", "UNITS", "export_jsonl", "import_jsonl", "iter_records", "write_records",
]  # fmt: skip
