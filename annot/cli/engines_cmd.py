"""``annot engines``: the translation engines, their pairs and models, what is missing, and the languages covered."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors
from annot.errors import EngineNotInstalled

__all__ = ["engines", "language_rows"]


def language_rows(detected: list[str], reached: list[str]) -> list[list[str]]:
    """One row per language: code, ``detected`` or not, then its best route into each of en, es, pt.

    A cell reads ``apertium it>es>en (2 hops)``; ``-`` where no installed route
    leads, the language itself left blank. Languages annot reaches but does not
    detect (Icelandic, Basque ...) follow, marked ``pass --lang``.

    Args:
        detected: the languages ingest detects (lingua's closed set).
        reached: every language some installed engine translates from.
    """
    from annot.translate import COVERAGE_TARGETS, coverage

    languages = sorted(set(detected)) + sorted(set(reached) - set(detected))
    rows = []
    for lang, routes in coverage(languages).items():
        cells = []
        for target in COVERAGE_TARGETS:
            route = routes.get(target)
            hops = f"{len(route.hops)} hop{'s' if len(route.hops) > 1 else ''}" if route else ""
            cells.append("" if target == lang else f"{route.name} {route.path} ({hops})" if route else "-")
        rows.append([lang, "detected" if lang in detected else "pass --lang", *cells])
    return rows


@app.command("engines")
def engines(ctx: typer.Context) -> None:
    """List translation engines (status, language pairs, models, versions) and the languages they cover."""
    from annot.ingest import DETECTABLE  # ingest's closed set of languages (lingua)
    from annot.translate import COVERAGE_TARGETS, engine_names, get_engine, installed_engines

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
                missing.append(f"{name}: installed, but no models. {engine.add_model_hint}")
            for source, target in pairs:
                model = engine.model(source, target)
                table.add_row(Text(name), Text(f"{source}->{target}"), Text(model.name), Text(model.version))
        console = Console(highlight=False)
        console.print(table)
        for line in missing:
            typer.echo(f"missing {line}")
        reached = sorted({s for engine in installed_engines() for s, _ in engine.pairs()})
        languages = Table(
            box=None, header_style="bold", title="languages: the best route into each (annot.translate.best_route)"
        )
        for column in ("language", "ingest", *(f"-> {t}" for t in COVERAGE_TARGETS)):
            languages.add_column(column, overflow="fold")
        for row in language_rows(list(DETECTABLE), reached):
            languages.add_row(*map(Text, row))
        console.print(languages)
