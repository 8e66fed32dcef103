"""``annot models``: install the models users bring (argos packages, Bergamot and CTranslate2 folders, bundles),
fetch a bundle on a connected machine, and list what is installed."""

from __future__ import annotations

from pathlib import Path

import typer

from annot.cli.app import AnnotGroup, app, fail_on_errors

__all__ = ["models_app"]

models_app = typer.Typer(
    help="Translation models: install the ones you bring, fetch a bundle on a connected machine, list them.",
    no_args_is_help=True,
    cls=AnnotGroup,
)
app.add_typer(models_app, name="models")


@models_app.command("install")
def install(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(
        ...,
        help="Bundles from 'annot models fetch', .argosmodel files, Bergamot or CTranslate2 model folders"
        " or their .zip/.tar/.tar.gz archives (nothing is downloaded).",
    ),
    pair: str = typer.Option(
        None, "--pair", help="The language pair, e.g. ru-en: needed when the files do not say; checked when they do."
    ),
    licence: str = typer.Option(
        None, "--licence", "--license", help="The model's licence, recorded when its files do not name one."
    ),
    source_prefix: str = typer.Option(
        "", "--source-prefix", help="A token put before every sentence, e.g. '>>ukr<<' for OPUS-MT multi-target models."
    ),
    target_prefix: str = typer.Option("", "--target-prefix", help="A token the model's translation starts with."),
) -> None:
    """Install models from local files or folders (each checked first; atomic; idempotent)."""
    from annot.translate.install import describe_installed, install_path

    with fail_on_errors(ctx):
        for path in paths:
            for model in install_path(
                path, pair=pair, licence=licence, source_prefix=source_prefix, target_prefix=target_prefix
            ):
                typer.echo(f"installed {describe_installed(model)}")


@models_app.command("fetch")
def fetch(
    ctx: typer.Context,
    pairs: list[str] = typer.Argument(..., help="Language pairs to fetch, e.g. ru-en uk-en it-en."),
    index: str = typer.Option(
        None,
        "--index",
        help="The Argos package index: an http(s) URL or a local file (a mirror). Default: argospm's index.json.",
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="The bundle file to write (default: models-ru_en-uk_en.annot-models)."
    ),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds to wait for the server on each read."),
) -> None:
    """On a connected machine: download argos models and write them as one bundle file for 'annot models install'."""
    from annot.translate.bundle import DEFAULT_INDEX, bundle_name, fetch_bundle
    from annot.translate.usermodels import parse_pair

    with fail_on_errors(ctx):
        wanted = [parse_pair(pair) for pair in pairs]
        target = output or Path(bundle_name(wanted))
        manifest = fetch_bundle(wanted, index=index or DEFAULT_INDEX, output=target, timeout=timeout, progress=True)
        for entry in manifest["models"]:
            typer.echo(
                f"fetched {entry['from_code']}->{entry['to_code']}: {entry['name']} {entry['package_version']}"
                f" sha256 {entry['sha256']} ({entry['size'] / 1e6:.1f} MB)"
            )
        typer.echo(f"wrote {target}; on the offline machine: annot models install {target.name}")


@models_app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the installed models: argos packages and the Bergamot and CTranslate2 models users brought."""
    from annot.translate.install import describe_installed
    from annot.translate.models import list_models, packages_dir
    from annot.translate.usermodels import list_user_models, models_dir

    with fail_on_errors(ctx):
        argos = list_models()
        brought = list_user_models()
        for model in [*argos, *brought]:
            typer.echo(describe_installed(model))
        typer.echo(f"{len(argos)} argos packages in {packages_dir()}; {len(brought)} other models in {models_dir()}")
