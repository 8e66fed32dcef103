"""``annot import``: read an annot/1 JSONL export, or another tool's file, back into the project."""

from __future__ import annotations

from pathlib import Path

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.progress import progress_bar

__all__ = ["import_"]

_FORMATS = "jsonl|doccano|label-studio|prodigy|spacy|inception"


@app.command("import")
def import_(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="An annot/1 JSONL file (either unit), or a file of --format."),
    format: str = typer.Option("jsonl", "--format", "-f", help=f"The file's format: {_FORMATS}."),
    lang: str | None = typer.Option(
        None, "--lang", help="Other formats: the documents' language when the file does not say (else detected)."
    ),
    partial: bool = typer.Option(
        False,
        "--partial",
        help="JSONL only: import the good documents when some lines are bad, list each bad line (FILE:LINE) and"
        " exit 1. Default: a bad line anywhere imports nothing (exit 2).",
    ),
) -> None:
    """Import an annot/1 JSONL export (ids kept), or another tool's file (doccano, Label Studio, ...).

    All or nothing: the file is checked whole, then written in one
    transaction, so a bad line leaves the project exactly as it was. With
    --partial (JSONL), a bad line refuses only its document (with --unit
    sentence, the document whose lines it is among). Importing a file twice
    changes nothing. Other tools' documents are segmented as by ingest, their
    spans and attributes kept as far as the format holds them.
    """
    from annot.errors import FormatError
    from annot.exchange import import_as
    from annot.export import import_jsonl
    from annot.export.formats import module_of

    with fail_on_errors(ctx):
        if format != "jsonl":
            module_of(format, reading=True)  # an unknown or absent format, before a project is created
            if partial:
                raise FormatError(f"--partial is for --format jsonl only; leave it out with --format {format}.")
            if not path.is_file():  # before the project is created
                raise FormatError(f"Cannot read {path}: no such file. Pass a {format} file to import.")
        with open_store(ctx, create=True) as store, progress_bar("importing") as progress:
            if format == "jsonl":
                result = import_jsonl(store, path, partial=partial, progress=progress)
            else:
                result = import_as(store, path, format, lang=lang)
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
