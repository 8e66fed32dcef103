"""The durable annotation store: SQLite (or a PostgreSQL server) underneath, pandas DataFrames on top."""

from __future__ import annotations

from annot.store.core import SCHEMA_FILE, AddResult, Store, default_annotator, new_span_id, project_exists
from annot.store.db import DB_NAME
from annot.store.documents import UNSET
from annot.store.migrations import SCHEMA_VERSION

__all__ = [
    "AddResult", "DB_NAME", "SCHEMA_FILE", "SCHEMA_VERSION", "Store", "UNSET", "default_annotator", "new_span_id",
    "project_exists",
]  # fmt: skip
