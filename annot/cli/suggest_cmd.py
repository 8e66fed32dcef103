"""``annot suggest``: pre-annotate documents with the suggesters, as pending spans to accept or reject."""

from __future__ import annotations

import typer

from annot.cli.app import SCHEDULER_OPTION, WORKERS_OPTION, app, fail_on_errors, open_store
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
    scheduler: str = SCHEDULER_OPTION,
    workers: int = WORKERS_OPTION,
) -> None:
    """Store the suggesters' actors, quantities and stances as pending spans, with their confidence.

    A suggestion is skipped where the annotator already tagged that label, where
    it is stored already, and where it was rejected before over the same text:
    running again adds nothing new. Actor suggestions know the project's accepted
    actors and its [aliases], so an actor tagged once is suggested everywhere.
    Prints, per document and suggester, how many were added, already there,
    skipped (annotated) and rejected before. With --scheduler the suggesters run on a
    Dask cluster's workers, documents in batches, and this process stores each batch.
    """
    from annot.batch import suggest_batch

    with fail_on_errors(ctx), open_store(ctx) as store, progress_bar("suggesting") as progress:
        report = suggest_batch(store, docs or None, only=only, min_confidence=min_confidence, ner=ner,
                               scheduler=scheduler, workers=workers, progress=progress,
                               on_dashboard=lambda link: typer.echo(f"Dask dashboard: {link}", err=True))  # fmt: skip
    for run in report.runs:
        typer.echo(run.summary())
    typer.echo(report.summary())
