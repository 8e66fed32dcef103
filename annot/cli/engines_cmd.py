"""``annot engines``: the translation engines, their pairs and models, and what is missing."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors
from annot.errors import EngineNotInstalled

__all__ = ["engines"]


@app.command("engines")
def engines(ctx: typer.Context) -> None:
    """List translation engines: status, language pairs, models and versions."""
    from annot.translate import engine_names, get_engine

    with fail_on_errors(ctx):
        table = Table(box=None, header_style="bold")
        for column in ("engine", "pair", "model", "version"):
            table.add_column(column, overflow="fold")
        missing = []
        for name in engine_names():
            try:
                engine = get_engine(name)
            except EngineNotInstalled as exc:
                missing.append(f"{name}: {' '.join(str(exc).split())}")
                continue
            pairs = sorted(engine.pairs())
            if not pairs:
                missing.append(f"{name}: installed, but no models; add one with: annot models install FILE.argosmodel")
            for source, target in pairs:
                model = engine.model(source, target)
                table.add_row(Text(name), Text(f"{source}->{target}"), Text(model.name), Text(model.version))
        Console(highlight=False).print(table)
        for line in missing:
            typer.echo(f"missing {line}")
