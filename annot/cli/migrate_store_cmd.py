"""``annot migrate-store``: copy a project between its folder's SQLite file and a PostgreSQL server."""

from __future__ import annotations

import typer

from annot.cli.app import app, fail_on_errors
from annot.progress import progress_bar

__all__ = ["migrate_store"]


@app.command("migrate-store")
def migrate_store(
    ctx: typer.Context,
    src: str = typer.Argument(
        ..., metavar="SRC", help="Where the project is: a project folder, or postgresql://USER@HOST/DB?schema=NAME."
    ),
    dst: str = typer.Argument(
        ..., metavar="DST", help="Where it goes (created when missing, refused unless empty): a folder or a URL."
    ),
) -> None:
    """Copy every row of the store at SRC to DST, losslessly, in one transaction; SRC is only read.

    A folder means its annot.db, whatever $ANNOT_STORE or annot.toml say; a URL names a schema on a PostgreSQL
    server (?schema=NAME, default public), opened with the label schema of the other side's folder (--project's
    when both are URLs). Ids, times,
    the edit history (undo and redo carry on) and the counters come across as stored. DST must be empty: a new
    folder or schema. Afterwards point the project at DST: [store] url in annot.toml, or $ANNOT_STORE.
    """
    from annot.store.copy import migrate_store as copy_between
    from annot.store.location import is_postgres_url

    # The label schema of a side named by URL: the project's own, in the folder on the other side.
    folders = [side for side in (src, dst) if not is_postgres_url(side)]
    project = folders[0] if folders else ctx.obj.project
    with fail_on_errors(ctx), progress_bar("copying") as progress:
        report = copy_between(src, dst, project=project, progress=progress)
    for table, rows in report.rows.items():
        typer.echo(f"{table}: {rows}")
    typer.echo(f"Copied {report.total} rows from {report.src} to {report.dst}")
