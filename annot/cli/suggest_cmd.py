"""``annot suggest``: pre-annotate documents with the suggesters, as pending spans to accept or reject."""

from __future__ import annotations

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.progress import progress_bar

__all__ = ["suggest"]


@app.command("suggest")
def suggest(
    ctx: typer.Context,
    docs: list[str] = typer.Argument(None, help="Documents (id, id prefix or path); default: all."),
    only: str = typer.Option(
        None, "--only", help="Comma-separated suggesters (actors,quantities); default: every known one."
    ),
    min_confidence: float = typer.Option(
        0.0, "--min-confidence", help="Store only suggestions at least this sure (0 to 1)."
    ),
    ner: bool = typer.Option(
        False, "--ner", help="Also find Russian actors with natasha's NER (slower: ~110 sentences/s after a 1 s load)."
    ),
) -> None:
    """Store the suggesters' actors, quantities and stances as pending spans, with their confidence.

    A suggestion is skipped where the annotator already tagged that label, where
    it is stored already, and where it was rejected before over the same text:
    running again adds nothing new. Actor suggestions know the project's accepted
    actors and its [aliases], so an actor tagged once is suggested everywhere.
    Prints, per document and suggester, how many were added, already there,
    skipped (annotated) and rejected before.
    """
    from annot.suggestion_layer import suggest_documents

    with fail_on_errors(ctx), open_store(ctx) as store, progress_bar("suggesting") as progress:
        report = suggest_documents(
            store, docs or None, only=only, min_confidence=min_confidence, ner=ner, progress=progress
        )
    for run in report.runs:
        typer.echo(run.summary())
    typer.echo(report.summary())
