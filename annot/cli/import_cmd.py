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
) -> None:
    """Import an annot/1 JSONL export: documents, sentences and spans, ids kept."""
    from annot.export import import_jsonl

    with fail_on_errors(ctx), open_store(ctx, create=True) as store, progress_bar("importing") as progress:
        result = import_jsonl(store, path, progress=progress)
    typer.echo(
        f"Imported {path}: {result.documents_added} documents added, {result.documents_unchanged} unchanged,"
        f" {result.spans_written} spans written"
    )
