"""``annot ls``: list the project's documents."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors, open_store

__all__ = ["ls"]


def _when(published: object) -> str:
    """A cell of the published column (UTC, as ``Store.documents()`` gives it): the date, and HH:MM unless midnight.

    A date without a time reads as midnight UTC, so a time of exactly 00:00 UTC shows as its date alone.
    """
    import pandas as pd

    if published is None or pd.isna(published):
        return ""
    stamp = pd.Timestamp(published)
    return stamp.strftime("%Y-%m-%d" if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0) else "%Y-%m-%d %H:%M")


@app.command("ls")
def ls(
    ctx: typer.Context,
    all_versions: bool = typer.Option(False, "--all-versions", help="Include superseded versions."),
) -> None:
    """List documents: id, language, sentences, spans, published, outlet, title.

    Published is the date, with the time (HH:MM, UTC) when it is known; see and edit
    every field of a document's metadata with annot meta DOC. Works on a read-only
    project (another user's folder): nothing is written to it.
    """
    import pandas as pd

    with fail_on_errors(ctx), open_store(ctx, write=False) as store:
        df = store.documents(all_versions=all_versions)
        table = Table(box=None, header_style="bold")
        # Ids are what users copy into other commands: never wrap them.
        table.add_column("id", no_wrap=True, min_width=max((len(i) for i in df["id"]), default=2))
        for col in ("lang", "sentences", "spans", "published"):
            table.add_column(col, no_wrap=True)
        table.add_column("outlet", overflow="ellipsis", no_wrap=True, max_width=20)
        table.add_column("title", overflow="fold")
        for row in df.itertuples():
            # Titles and outlets come from articles: plain Text cells, never rich markup.
            cells = (row.id, row.lang, row.sentences, row.spans, _when(row.published), row.outlet, row.title)
            table.add_row(*(Text("" if pd.isna(cell) else str(cell)) for cell in cells))
        Console(highlight=False).print(table)
        typer.echo(f"{len(df)} documents")
