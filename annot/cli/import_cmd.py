"""``annot import``: read an annot/1 JSONL export back into the project."""

from __future__ import annotations

from pathlib import Path

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.progress import progress_bar

__all__ = ["import_"]


@app.command("import")
def import_(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="An annot/1 JSONL file (either unit)."),
    partial: bool = typer.Option(
        False,
        "--partial",
        help="Import the good documents when some lines are bad, list each bad line (FILE:LINE) and exit 1."
        " Default: a bad line anywhere imports nothing (exit 2).",
    ),
) -> None:
    """Import an annot/1 JSONL export: documents, sentences and spans, ids kept.

    All or nothing: the file is checked whole, then written in one
    transaction, so a bad line leaves the project exactly as it was. With
    --partial, a bad line refuses only its document (with --unit sentence, the
    document whose lines it is among). Importing a file twice changes nothing.
    """
    from annot.export import import_jsonl

    with fail_on_errors(ctx):
        with open_store(ctx, create=True) as store, progress_bar("importing") as progress:
            result = import_jsonl(store, path, partial=partial, progress=progress)
        for error in result.errors:
            typer.echo(f"refused: {' '.join(str(error).split())}", err=True)
        typer.echo(
            f"Imported {path}: {result.documents_added} documents added, {result.documents_unchanged} unchanged,"
            f" {result.spans_written} spans written"
            + (f", metadata updated on {result.metadata_updated}" if result.metadata_updated else "")
            + (f", {len(result.errors)} line{'s' if len(result.errors) > 1 else ''} refused" if result.errors else "")
        )
        if result.errors:
            raise typer.Exit(1)
