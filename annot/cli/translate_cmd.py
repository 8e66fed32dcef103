"""``annot translate``: machine-translate documents sentence by sentence, into the store."""

from __future__ import annotations

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.progress import progress_bar

__all__ = ["translate"]


@app.command("translate")
def translate(
    ctx: typer.Context,
    docs: list[str] = typer.Argument(None, help="Documents (id, id prefix or path); default: all."),
    to: str = typer.Option(..., "--to", help="Target language, ISO 639-1 (pt, es, ca, gl, ...)."),
    engine: str = typer.Option(None, "--engine", "-e", help="Comma-separated engines (default: every installed one)."),
    force: bool = typer.Option(False, "--force", help="Translate again what is already stored or cached."),
) -> None:
    """Translate every sentence with each engine and store it with its provenance.

    Sentences already translated with the same engine, model and pair are
    never translated again; a pair an engine lacks goes through a pivot language
    when possible (en>es>pt). See the engines with: annot engines.
    """
    from annot.pipeline import translate as run_translate

    engines = [name.strip() for name in engine.split(",") if name.strip()] if engine else None
    with fail_on_errors(ctx), open_store(ctx) as store, progress_bar(f"translating to {to}") as progress:
        report = run_translate(docs or None, store, to=to, engines=engines, force=force, progress=progress)
    for run in report.runs:
        typer.echo(
            f"{run.doc_id}: {run.engine} {run.route}: {run.translated} translated, {run.cached} from cache,"
            f" {run.kept} already there"
        )
    for name, why in report.skipped_engines.items():
        typer.echo(f"skipped {name}: {' '.join(why.split())}", err=True)
    typer.echo(report.summary())
