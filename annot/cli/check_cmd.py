"""``annot check``: read and check every page of the project's store file (or every table on its server)."""

from __future__ import annotations

import typer

from annot.cli.app import app, fail_on_errors, open_store

__all__ = ["check"]


@app.command("check")
def check(ctx: typer.Context) -> None:
    """Check the whole store file for damage (SQLite's quick_check); nothing is written.

    On a PostgreSQL store every table of the project's schema is read through.

    Opening a project checks only what is cheap once its file is over 16 MiB (header,
    schema, length): run this after copying or restoring a large project. A damaged
    file is reported in one line and left untouched. Works on a read-only project.
    """
    with fail_on_errors(ctx), open_store(ctx, write=False) as store:
        store.check()
        typer.echo(f"{store.location}: no damage found")
