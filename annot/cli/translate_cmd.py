"""``annot translate``: machine-translate documents sentence by sentence, into the store."""

from __future__ import annotations

import typer

from annot.cli.app import (
    PIVOT_OPTION,
    SCHEDULER_OPTION,
    WORKERS_OPTION,
    app,
    engine_names_given,
    fail_on_errors,
    open_store,
)
from annot.progress import progress_bar

__all__ = ["translate"]


@app.command("translate")
def translate(
    ctx: typer.Context,
    docs: list[str] = typer.Argument(None, help="Documents (id, id prefix or path); default: all."),
    to: str = typer.Option(..., "--to", help="Target language, ISO 639-1 (pt, es, ca, gl, ...)."),
    engine: str = typer.Option(
        None,
        "--engine",
        "-e",
        help="Comma-separated engines or route names as annot prints them (argos, argos+apertium: argos with"
        " only apertium's help). Default: every installed engine.",
    ),
    pivot: bool = PIVOT_OPTION,
    force: bool = typer.Option(False, "--force", help="Translate again what is already stored or cached."),
    scheduler: str = SCHEDULER_OPTION,
    workers: int = WORKERS_OPTION,
) -> None:
    """Translate every sentence with each engine and store it with its provenance.

    An engine without the pair goes through one pivot language (unless
    --no-pivot): by itself (apertium en>es>pt), else with another installed
    engine doing one hop. Such a route is named after its engine, then its
    helper, and its hops are recorded: argos+apertium from es to en is
    apertium es->pt, then argos pt->en (es>pt>en). Every name printed here is
    accepted back by --engine. Sentences already translated by the same route,
    models and pairs are never translated again. Documents whose language no
    engine (or no engine named) reaches are skipped and reported, with counts
    per language; everything else is translated. Only when nothing at all can
    be translated does it exit 2, naming the languages that can be reached.
    See the engines with: annot engines. With --scheduler the engines run on a Dask
    cluster's workers, documents in batches, and this process stores each batch.
    """
    from annot.batch import translate_batch

    engines = engine_names_given(engine)
    with fail_on_errors(ctx), open_store(ctx) as store, progress_bar(f"translating to {to}") as progress:
        report = translate_batch(docs or None, store, to=to, engines=engines, pivot=pivot, force=force,
                                 scheduler=scheduler, workers=workers, progress=progress,
                                 on_dashboard=lambda link: typer.echo(f"Dask dashboard: {link}", err=True))  # fmt: skip
    for run in report.runs:
        typer.echo(
            f"{run.doc_id}: {run.engine} {run.route}: {run.translated} translated, {run.cached} from cache,"
            f" {run.kept} already there"
        )
    for name, why in report.skipped_engines.items():
        typer.echo(f"skipped {name}: {' '.join(why.split())}", err=True)
    for line in report.skipped_summary():
        typer.echo(f"skipped {line}", err=True)
    typer.echo(report.summary())
