"""Where a project's store lives: the SQLite file in its folder, or a PostgreSQL server.

One rule, read by ``Store``: ``$ANNOT_STORE`` when set, else ``url`` in the
``[store]`` table of the project's ``annot.toml``, else the folder's own
``annot.db``. A team points every notebook and command at one server by
putting the URL in the shared ``annot.toml``, or in each user's environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from annot.errors import SchemaError, StoreError
from annot.schema import PROJECT_FILE, read_project_file

__all__ = ["ENV", "is_postgres_url", "store_url"]

ENV = "ANNOT_STORE"


def is_postgres_url(value: str) -> bool:
    """Whether ``value`` names a PostgreSQL store (``postgresql://`` or ``postgres://``)."""
    return value.startswith(("postgresql://", "postgres://"))


def store_url(project: str | os.PathLike[str]) -> str | None:
    """The PostgreSQL URL of the project's store, or ``None`` for its SQLite file.

    Raises:
        StoreError: ``$ANNOT_STORE`` or ``[store] url`` is set to something that is not a PostgreSQL URL.
        SchemaError: the project file is unreadable.
    """
    value = os.environ.get(ENV, "").strip()
    where = f"${ENV}"
    if not value:
        table = read_project_file(project).get("store", {})
        if not isinstance(table, dict) or not isinstance(table.get("url", ""), str):
            raise SchemaError(
                f"{Path(project) / PROJECT_FILE}: [store] url must be a URL in quotes"
                ' (url = "postgresql://annot@db.example.org/newsroom").'
            )
        value = table.get("url", "").strip()
        where = f"[store] url in {Path(project) / PROJECT_FILE}"
    if not value:
        return None
    if not is_postgres_url(value):
        raise StoreError(
            f"{where} is {value!r}, which is not a PostgreSQL URL; give postgresql://USER@HOST/DATABASE"
            " (optionally ?schema=NAME), or leave it unset to keep the store in the project folder."
        )
    return value
