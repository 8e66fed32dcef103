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
    from annot.store import Store, project_exists

    with fail_on_errors(ctx):
        target = path if path is not None else ctx.obj.project
        existed = project_exists(target)
        with Store(target, create=True) as store:
            where = "" if store.location == str(target / "annot.db") else f" (store: {store.location})"
        typer.echo(f"{'Project already exists' if existed else 'Created project'} at {target}{where}")
