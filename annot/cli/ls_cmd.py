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
        rows = [
            [str(row.id), str(row.lang), str(row.sentences), str(row.spans), _when(row.published),
             "" if pd.isna(row.outlet) else str(row.outlet), str(row.title)]
            for row in df.itertuples()
        ]  # fmt: skip
        table = Table(box=None, header_style="bold")
        # Ids are what users copy into other commands, and the counts and times are short: never cut
        # them. A narrow terminal shortens the outlet (to 24 characters at most) and folds the title.
        for n, col in enumerate(("id", "lang", "sentences", "spans", "published")):
            table.add_column(col, no_wrap=True, min_width=max((len(r[n]) for r in rows), default=len(col)))
        table.add_column("outlet", overflow="ellipsis", max_width=24, no_wrap=True)
        table.add_column("title", overflow="fold", min_width=16)
        for cells in rows:
            # Titles and outlets come from articles: plain Text cells, never rich markup.
            table.add_row(*(Text(cell) for cell in cells))
        Console(highlight=False).print(table)
        typer.echo(f"{len(df)} documents")
