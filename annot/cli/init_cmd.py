"""``annot init``: create a project folder."""

from __future__ import annotations

from pathlib import Path

import typer

from annot.cli.app import app, fail_on_errors

__all__ = ["init"]


@app.command("init")
def init(
    ctx: typer.Context,
    path: Path = typer.Argument(None, help="Project folder to create (default: --project)."),
) -> None:
    """Create a project folder with an empty store (harmless if it exists)."""
    from annot.store import DB_NAME, Store

    with fail_on_errors(ctx):
        target = path if path is not None else ctx.obj.project
        existed = (target / DB_NAME).exists()
        Store(target, create=True).close()
        typer.echo(f"{'Project already exists' if existed else 'Created project'} at {target}")
