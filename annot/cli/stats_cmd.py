"""``annot stats``: counts of documents, sentences and spans per label and annotator."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors, open_store

__all__ = ["stats"]


@app.command("stats")
def stats(ctx: typer.Context) -> None:
    """Show documents, sentences and spans, with spans per label and annotator.

    Works on a read-only project (another user's folder): nothing is written to it.
    """
    with fail_on_errors(ctx), open_store(ctx, write=False) as store:
        counts = store.counts()
        typer.echo(f"{counts['documents']} documents, {counts['sentences']} sentences, {counts['spans']} spans")
        table_df = store.stats()
        if table_df.empty:
            return
        table = Table(box=None, header_style="bold")
        table.add_column("annotator")
        for col in table_df.columns:
            table.add_column(str(col), justify="right")
        for annotator, row in table_df.iterrows():
            table.add_row(Text(str(annotator)), *(Text(str(v)) for v in row))
        Console(highlight=False).print(table)
