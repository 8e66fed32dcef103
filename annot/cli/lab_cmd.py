"""``annot lab``: open JupyterLab on the project's copy of the annotation notebook, with the corpus ingested."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.errors import AnnotError

__all__ = ["lab"]

TEMPLATES = Path("notebooks")


@app.command("lab", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def lab(
    ctx: typer.Context,
    notebook: Path = typer.Option(
        TEMPLATES / "annotate.ipynb", "--notebook",
        help="Notebook to open. One of the repository's notebooks/ opens your project's copy of it"
        " (PROJECT/notebooks/, made on first use, so the repository stays clean); any other path opens as is.",
    ),
    corpus: Path = typer.Option(
        Path("corpus"), "--corpus", help="Articles ingested before opening (no-op if unchanged)."
    ),
    no_browser: bool = typer.Option(False, "--no-browser", help="Start the server without opening a browser."),
    port: int = typer.Option(None, "--port", help="Server port (default: JupyterLab's)."),
) -> None:  # fmt: skip
    """Ingest the corpus, then start JupyterLab on the annotation notebook (extra args go to JupyterLab)."""
    from annot.lab import lab_command, notebook_copies
    from annot.pipeline import ingest

    with fail_on_errors(ctx):
        project: Path = ctx.obj.project
        if not notebook.is_file():
            raise AnnotError(
                f"Notebook {notebook} not found; run annot lab from the annot repository or pass --notebook."
            )
        with open_store(ctx, create=True) as store:
            if corpus.exists():
                report = ingest(corpus, store)
                typer.echo(f"{corpus}: {report.summary()}")
                for error in report.errors:
                    typer.echo(f"refused: {error}", err=True)
                for note in report.notes:
                    typer.echo(f"skipped: {note}", err=True)
        opened = notebook
        if notebook.resolve().parent == TEMPLATES.resolve():
            for copy in notebook_copies(TEMPLATES, project / "notebooks"):
                if copy.status in ("created", "updated"):
                    typer.echo(f"{copy.copy}: {copy.status} from {copy.template}")
                elif copy.status == "kept":
                    typer.echo(f"{copy.copy}: kept your edits; {copy.template} has changed since (delete your copy"
                               " to get the new one)")  # fmt: skip
                if copy.template.name == notebook.name:
                    opened = copy.copy
        # JupyterLab serves the folder annot lab runs in (corpus/, exports/ in view) when the notebook is in it.
        cwd = Path.cwd().resolve()
        root = cwd if opened.resolve().is_relative_to(cwd) else opened.resolve().parent.parent
        # The kernel's working folder is the notebook's: hand it the project and the corpus by absolute path.
        os.environ["ANNOT_PROJECT"] = str(project.resolve())
        os.environ["ANNOT_CORPUS"] = str(corpus.resolve())
        cmd = lab_command(opened, root, no_browser=no_browser, port=port, extra=list(ctx.args))
        typer.echo("Starting JupyterLab: " + " ".join(cmd))
        os.execv(cmd[0], cmd)
