"""``annot ls``: list the project's documents."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors, open_store

__all__ = ["ls"]


@app.command("ls")
def ls(
    ctx: typer.Context,
    all_versions: bool = typer.Option(False, "--all-versions", help="Include superseded versions."),
) -> None:
    """List documents: id, language, sentences, spans, title.

    Works on a read-only project (another user's folder): nothing is written to it.
    """
    with fail_on_errors(ctx), open_store(ctx, write=False) as store:
        df = store.documents(all_versions=all_versions)
        table = Table(box=None, header_style="bold")
        # Ids are what users copy into other commands: never wrap them.
        table.add_column("id", no_wrap=True, min_width=max((len(i) for i in df["id"]), default=2))
        for col in ("lang", "sentences", "spans", "published"):
            table.add_column(col, no_wrap=True)
        table.add_column("title", overflow="fold")
        for row in df.itertuples():
            published = "" if row.published is None or str(row.published) == "NaT" else str(row.published.date())
            # Titles come from articles: plain Text cells, never rich markup.
            cells = (row.id, row.lang, row.sentences, row.spans, published, row.title)
            table.add_row(*(Text(str(cell)) for cell in cells))
        Console(highlight=False).print(table)
        typer.echo(f"{len(df)} documents")
