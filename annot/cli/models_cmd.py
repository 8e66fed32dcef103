"""``annot models``: install argos model packages from local files, and list them."""

from __future__ import annotations

from pathlib import Path

import typer

from annot.cli.app import AnnotGroup, app, fail_on_errors

__all__ = ["models_app"]

models_app = typer.Typer(help="Argos translation models (.argosmodel files).", no_args_is_help=True, cls=AnnotGroup)
app.add_typer(models_app, name="models")


@models_app.command("install")
def install(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help=".argosmodel files (from any source; nothing is downloaded)."),
) -> None:
    """Install argos model packages from local files (validated first; idempotent)."""
    from annot.translate.models import install_model

    with fail_on_errors(ctx):
        for path in files:
            model = install_model(path)
            typer.echo(f"installed {model.from_code}->{model.to_code}: {model.name} {model.version} ({model.path})")


@models_app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the installed argos model packages."""
    from annot.translate.models import list_models, packages_dir

    with fail_on_errors(ctx):
        models = list_models()
        for model in models:
            typer.echo(f"{model.from_code}->{model.to_code}  {model.name} {model.version}  {model.path}")
        typer.echo(f"{len(models)} models in {packages_dir()}")
