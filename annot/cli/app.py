"""The typer application, its global options, and the error policy of every command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import typer
import typer.main
from typer.core import TyperGroup

from annot.errors import AnnotError

__all__ = [
    "PIVOT_OPTION", "SCHEDULER_OPTION", "WORKERS_OPTION", "AnnotGroup", "State", "app", "engine_names_given",
    "fail_on_errors", "main", "open_store",
]  # fmt: skip

#: ``--scheduler``: batch work on a Dask cluster (annot.batch), the same for every batch command.
SCHEDULER_OPTION = typer.Option(
    None,
    "--scheduler",
    help="Run on the Dask scheduler at this address (tcp://host:8786); its workers need annot and the same"
    " models. Only this process writes the project.",
)
#: ``--workers``: local worker processes without a scheduler.
WORKERS_OPTION = typer.Option(
    None,
    "--workers",
    min=1,
    help="Without --scheduler: worker processes on this machine (1: in this process). Default: in this process"
    " for small jobs, else one per core.",
)

#: ``--pivot/--no-pivot``, the same for every command that translates.
PIVOT_OPTION = typer.Option(
    True,
    "--pivot/--no-pivot",
    help="Let an engine go through one other language, by itself or with another installed engine's help"
    " (--no-pivot: direct pairs only).",
)


def engine_names_given(values: str | list[str] | None) -> list[str] | None:
    """The engine or route names of ``--engine``, repeated or comma-separated (``a,b``); ``None`` when none."""
    given = [values] if isinstance(values, str) else values or []
    names = [name.strip() for value in given for name in value.split(",") if name.strip()]
    return names or None


def _set_project(ctx: typer.Context, value: Path | None) -> None:
    if value is not None:
        ctx.find_object(State).project = value


def _set_annotator(ctx: typer.Context, value: str | None) -> None:
    if value is not None:
        ctx.find_object(State).annotator = value


def _set_debug(ctx: typer.Context, value: bool) -> None:
    if value:
        ctx.find_object(State).debug = True


def _after_command_options() -> list:
    """The global options again, for use after the command name (``annot ls --project p``).

    Built by typer from a function's signature (typer's click is its own, so
    options are not made by hand), then shared by every command. No
    environment variable and no default here: given after the command, an
    option overrides the one given before it, which overrides $ANNOT_PROJECT.
    """
    holder = typer.Typer(add_completion=False)

    @holder.command()
    def options(
        project: Path = typer.Option(None, "--project", "-p", callback=_set_project, expose_value=False,
                                     help="Project folder (holds annot.db); before or after the command."),
        annotator: str = typer.Option(None, "--annotator", callback=_set_annotator, expose_value=False,
                                      help="Name recorded on edits."),
        debug: bool = typer.Option(False, "--debug", callback=_set_debug, expose_value=False,
                                   help="Show tracebacks instead of one-line errors."),
    ) -> None:  # fmt: skip
        """Never run: only its options are used."""

    return list(typer.main.get_command(holder).params)


class AnnotGroup(TyperGroup):
    """A command group whose commands (and sub-groups' commands) also take the global options.

    Click reads a group's options only before the command name, so ``annot init
    --project DIR`` would be refused; each command gets copies of them that
    write into the same ``State``.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        extra = _after_command_options()
        for command in self.commands.values():
            names = {opt for param in command.params for opt in getattr(param, "opts", [])}
            command.params.extend(o for o in extra if not names & set(o.opts))


app = typer.Typer(
    name="annot",
    cls=AnnotGroup,
    help="Offline translation and annotation of news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@dataclass
class State:
    """Global options, shared by every command through ``ctx.obj``."""

    project: Path
    debug: bool
    annotator: str | None


@app.callback()
def _global(
    ctx: typer.Context,
    project: Path = typer.Option(
        Path("project"), "--project", "-p", envvar="ANNOT_PROJECT", help="Project folder (holds annot.db)."
    ),
    annotator: str = typer.Option(
        None,
        "--annotator",
        envvar=["ANNOT_USER", "ANNOT_ANNOTATOR"],
        help="Name recorded on edits (default: $ANNOT_USER, else $ANNOT_ANNOTATOR, else the project's"
        " [team] annotator in annot.toml, else the login name).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks instead of one-line errors."),
) -> None:
    """Offline translation and annotation of news articles."""
    ctx.obj = State(project=project, debug=debug, annotator=annotator)


@contextmanager
def fail_on_errors(ctx: typer.Context) -> Iterator[None]:
    """Turn an ``AnnotError`` into one line on stderr and exit code 2 (traceback with --debug)."""
    try:
        yield
    except AnnotError as exc:
        if ctx.obj is not None and ctx.obj.debug:
            raise
        message = " ".join(str(exc).split())
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(2) from None


def open_store(ctx: typer.Context, *, create: bool = False, write: bool = True):
    """Open the project named by ``--project`` (must exist unless ``create``).

    Commands that only read pass ``write=False``: on a project this user cannot
    write (another user's, a read-only mount) the store is then opened
    read-only, instead of failing; on any other it opens as usual, so that an
    older store is upgraded as by every command.
    """
    from annot.store import Store
    from annot.store.db import project_writable
    from annot.store.location import store_url

    state: State = ctx.obj
    # A folder this user cannot write says nothing of a store on a server (store_url: one there).
    on_file = store_url(state.project) is None
    read_only = on_file and not write and state.project.is_dir() and not project_writable(state.project)
    return Store(state.project, create=create, annotator=state.annotator, read_only=read_only)


def _register() -> None:
    # Imported for their @app.command side effect; one module per command.
    from annot.cli import (  # noqa: F401
        agreement_cmd,
        alignment_cmd,
        check_cmd,
        claims_cmd,
        compare_cmd,
        engines_cmd,
        export_cmd,
        import_cmd,
        ingest_cmd,
        init_cmd,
        lab_cmd,
        link_cmd,
        ls_cmd,
        meta_cmd,
        migrate_store_cmd,
        models_cmd,
        project_cmd,
        show_cmd,
        stats_cmd,
        suggest_cmd,
        translate_cmd,
    )


def main() -> None:
    """Entry point of the ``annot`` console script."""
    app(prog_name="annot")


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
