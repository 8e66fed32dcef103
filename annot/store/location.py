"""Where a project's store lives: the SQLite file in its folder, or a PostgreSQL server.

One rule, read by ``Store``: ``$ANNOT_STORE`` when set, else ``url`` in the
``[store]`` table of the project's ``annot.toml``, else the folder's own
``annot.db``. A team points every notebook and command at one server by
putting the URL in the shared ``annot.toml``, or in each user's environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from annot.errors import SchemaError, StoreError
from annot.schema import PROJECT_FILE, read_project_file

__all__ = ["ENV", "LOCAL", "explicit_url", "is_postgres_url", "store_identity", "store_url", "where_is"]

ENV = "ANNOT_STORE"
#: ``Store(folder, url=LOCAL)``: the folder's own ``annot.db``, whatever ``$ANNOT_STORE`` and ``annot.toml`` say.
LOCAL = "local"


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


def explicit_url(value: str) -> str | None:
    """The store a caller named (``Store(folder, url=value)``): a PostgreSQL URL, or ``None`` for ``LOCAL``.

    Raises:
        StoreError: ``value`` is neither.
    """
    if value == LOCAL:
        return None
    if not is_postgres_url(value):
        raise StoreError(
            f"Store location {value!r} is not a PostgreSQL URL; give postgresql://USER@HOST/DATABASE"
            f" (optionally ?schema=NAME), or {LOCAL!r} for the project folder's own file."
        )
    return value


def where_is(location: str, *, project: str | os.PathLike[str]) -> tuple[Path, str]:
    """The folder and ``Store(url=...)`` of a store named on a command line: a project folder, or a URL.

    Args:
        location: a project folder (its SQLite file, whatever ``$ANNOT_STORE`` says) or a ``postgresql://`` URL.
        project: the folder whose ``annot.toml`` (the label schema) a store on a server is opened with.

    Returns:
        ``(folder, url)``: ``url`` is the URL, or ``LOCAL`` for a folder.
    """
    if is_postgres_url(location):
        return Path(project), location
    return Path(location), LOCAL


def store_identity(folder: str | os.PathLike[str], url: str | None) -> tuple[str, ...]:
    """What names one store, to tell whether two are the same: the folder's file, or server, database and schema.

    The user and password are left out (two users reach the same schema); host names are compared as written.

    Args:
        folder: the project folder.
        url: the store's PostgreSQL URL, or ``None`` for the folder's ``annot.db``.
    """
    if url is None:
        return ("sqlite", str(Path(folder).resolve()))
    from annot.store.postgres import split_url  # psycopg only for stores on a server

    conninfo, schema = split_url(url)
    parts = urlsplit(conninfo)
    return ("postgresql", (parts.hostname or "").lower(), str(parts.port or 5432), parts.path.lstrip("/"), schema)
