"""``annot export``: write the annotated corpus as annot/1 JSONL."""

from __future__ import annotations

from pathlib import Path

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.progress import progress_bar

__all__ = ["export"]


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(
        Path("exports/corpus.jsonl"), "--out", "-o", help="Output file, replaced atomically (not a folder)."
    ),
    unit: str = typer.Option("document", "--unit", help="One line per 'document' or per 'sentence'."),
    all_versions: bool = typer.Option(False, "--all-versions", help="Also export superseded document versions."),
) -> None:
    """Export documents, sentences and spans as versioned JSONL (schema annot/1).

    Keys and sources hold paths relative to the project's parent folder, never
    absolute ones, so the file can be shared. Works on a read-only project
    (another user's folder) when --out is a file you can write elsewhere.
    """
    from annot.export import export_jsonl

    with fail_on_errors(ctx), open_store(ctx, write=False) as store, progress_bar("exporting") as progress:
        result = export_jsonl(store, out, unit=unit, all_versions=all_versions, progress=progress)
    typer.echo(f"Wrote {result.path}: {result.documents} documents, {result.sentences} sentences, {result.spans} spans")
