"""``annot ingest``: read articles into the project."""

from __future__ import annotations

from pathlib import Path

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.progress import progress_bar

__all__ = ["ingest"]


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files or folders: .txt, .md, .html, .jsonl."),
    lang: str = typer.Option(
        None,
        "--lang",
        help="ISO 639-1 code of the documents; a front matter or JSONL lang still wins (default: detect).",
    ),
) -> None:
    """Ingest articles: decode, clean, detect language, split into sentences, store.

    Re-ingesting the same text changes nothing; a changed text under the same
    path (or JSONL id) becomes a new version and its annotations are re-anchored.
    A file is known by its path from the project's parent folder (from beside
    the folder named here when it is outside), the same from any working
    directory. Files or lines that cannot be read are reported; the rest still
    go in (exit code 1). Outlet, author, published time and url come from HTML
    metadata, JSONL fields, or a front matter block in .txt/.md (see annot meta).
    """
    from annot.pipeline import ingest as run_ingest

    with fail_on_errors(ctx):
        store = open_store(ctx, create=True)
        with store, progress_bar("ingesting") as progress:
            report = run_ingest(paths, store, lang=lang, progress=progress)
        for result in report.results:
            if result.status == "new_version":
                typer.echo(
                    f"{result.doc_id}: new version of {result.previous_id}: {len(result.kept)} spans kept,"
                    f" {len(result.reanchored)} re-anchored, {len(result.orphaned)} orphaned"
                    + (f" ({', '.join(result.orphaned)})" if result.orphaned else "")
                )
        for error in report.errors:
            typer.echo(f"refused: {error}", err=True)
        for note in report.notes:
            typer.echo(f"skipped: {note}", err=True)
        typer.echo(report.summary())
        if report.errors:
            raise typer.Exit(1)
