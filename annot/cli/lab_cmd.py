"""``annot lab``: open JupyterLab on the annotation notebook, with the corpus ingested."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.errors import AnnotError

__all__ = ["lab", "lab_command"]


def lab_command(notebook: Path, *, no_browser: bool, port: int | None, extra: list[str]) -> list[str]:
    """The JupyterLab command line that opens ``notebook`` (``--allow-root`` when run as root)."""
    cmd = [sys.executable, "-m", "jupyterlab", str(notebook), f"--ServerApp.root_dir={notebook.parent.parent.resolve()}"]
    if no_browser:
        cmd.append("--no-browser")
    if port is not None:
        cmd.append(f"--ServerApp.port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + extra


@app.command("lab", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def lab(
    ctx: typer.Context,
    notebook: Path = typer.Option(Path("notebooks/annotate.ipynb"), "--notebook", help="Notebook to open."),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="Articles ingested before opening (no-op if unchanged)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Start the server without opening a browser."),
    port: int = typer.Option(None, "--port", help="Server port (default: JupyterLab's)."),
) -> None:
    """Ingest the corpus, then start JupyterLab on the annotation notebook (extra args go to JupyterLab)."""
    from annot.pipeline import ingest

    with fail_on_errors(ctx):
        if not notebook.is_file():
            raise AnnotError(f"Notebook {notebook} not found; run annot lab from the annot repository or pass --notebook.")
        with open_store(ctx, create=True) as store:
            if corpus.exists():
                report = ingest(corpus, store)
                typer.echo(f"{corpus}: {report.summary()}")
                for error in report.errors:
                    typer.echo(f"refused: {error}", err=True)
        # The kernel's working folder is the notebook's: hand it the project by absolute path.
        os.environ["ANNOT_PROJECT"] = str(ctx.obj.project.resolve())
        cmd = lab_command(notebook, no_browser=no_browser, port=port, extra=list(ctx.args))
        typer.echo("Starting JupyterLab: " + " ".join(cmd))
        os.execv(cmd[0], cmd)
