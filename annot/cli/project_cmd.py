"""``annot project``: carry a document's annotations into each of its translations, summarize, write CSV."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

from annot.cli.app import app, engine_names_given, fail_on_errors, open_store
from annot.errors import AnnotError
from annot.progress import Progress, progress_bar

if TYPE_CHECKING:
    import pandas as pd

    from annot.model import Document
    from annot.project.stored import RefreshReport
    from annot.store import Store

__all__ = ["ProjectRun", "project", "run_project"]

_COUNTS = ("kept", "changed", "lost", "added")


@dataclass
class ProjectRun:
    """What ``annot project`` did: the rows shown, the flags of the routes, the refresh and the CSV.

    Attributes:
        doc: the source document version.
        lang: the targets' language.
        targets: the names of the targets asked for, routes first (``argos en>pt``, ``reference:<id>``).
        frame: the stored projection's rows of those targets (``Store.projections``' columns).
        flags: ``annot.project.fidelity.fidelity``'s rows of the routes asked for.
        refresh: what refreshing the stored projection did.
        out: the CSV written.
    """

    doc: Document
    lang: str
    targets: list[str]
    frame: pd.DataFrame
    flags: pd.DataFrame
    refresh: RefreshReport
    out: Path


def _check_targets(store: Store, doc: Document, to: str, engines: Sequence[str] | None, references: bool) -> None:
    """Raise ``AnnotError`` naming the problem and its fix when nothing asked for can be projected."""
    from annot.project.targets import find_targets

    if to == doc.lang:
        raise AnnotError(f"{doc.id} is in {to!r} already; project it into another language: --to pt, --to es, ...")
    every = find_targets(store, doc, to)
    routes = sorted({t.engine for t in every if t.kind == "route"})
    if not every or (not routes and not references):
        if references:
            raise AnnotError(
                f"Nothing to project {doc.id} into {to!r}: no translation into {to!r} is stored and no version in"
                f" {to!r} is linked to it. Translate it first: annot translate {doc.id} --to {to};"
                f" or link its version in {to!r}: annot link {doc.id} OTHER"
            )
        raise AnnotError(
            f"Nothing to project {doc.id} into {to!r}: no translation into {to!r} is stored (--no-references leaves"
            f" the linked version out). Translate it first: annot translate {doc.id} --to {to}"
        )
    if engines is not None and not find_targets(store, doc, to, engines=engines, references=False):
        stored = ", ".join(routes) or "none"
        raise AnnotError(
            f"No translation of {doc.id} into {to!r} by {', '.join(engines)} is stored (stored routes: {stored})."
            f" Name one of them with --engine, or translate it first: annot translate {doc.id} --to {to}"
            f" --engine {engines[0]}"
        )


def run_project(
    store: Store, doc: str, to: str, *, engines: Sequence[str] | None = None, references: bool = True,
    lexicon: str = "fill", out: Path | None = None, progress: Progress | None = None,
) -> ProjectRun:  # fmt: skip
    """Refresh the stored projection of ``doc`` into ``to``, select the targets asked for, write their CSV.

    The stored projection covers every route and linked version (``annot.project.stored``); ``engines`` and
    ``references`` select what is shown and written. Without ``references`` the linked versions get no
    suggestions written either.

    Args:
        store: the project.
        doc: the source document (any reference ``Store.document`` takes).
        to: ISO 639-1 code of the translations.
        engines: only these routes (``argos``, ``argos+apertium`` or a whole name ``apertium en>es>pt``).
        references: also the linked versions (and offer them the projected spans as pending suggestions).
        lexicon: ``fill``, ``cached`` or ``off`` (``annot.project.project``).
        out: the CSV; default ``exports/<doc id>.projection.<to>.csv``.
        progress: called with (steps done, steps, what).

    Raises:
        AnnotError: no stored translation into ``to`` and no linked version (or none by ``engines``), ``to``
            is the document's own language, or an unknown ``lexicon``.
        NotFound: no such document.
        OutputError: the CSV cannot be written.
    """
    from annot.fileio import atomic_text_file
    from annot.project.fidelity import fidelity
    from annot.project.stored import refresh_projection
    from annot.project.targets import find_targets
    from annot.store.projections import PROJECTION_COLUMNS

    document = store.document(doc)
    _check_targets(store, document, to, engines, references)
    report = refresh_projection(store, document, to, lexicon=lexicon, suggest=references, progress=progress)
    chosen = [t.name for t in find_targets(store, document, to, engines=engines, references=references)]
    stored = report.frame if report.frame is not None else store.projections(document.id, to)
    frame = stored[stored["target"].astype(str).isin(chosen)].reset_index(drop=True)
    flags = fidelity(store, document, to, engines=engines)
    flags = flags[flags["target"].astype(str).isin(chosen)].reset_index(drop=True)
    path = out or Path("exports") / f"{document.id}.projection.{to}.csv"
    with atomic_text_file(path) as handle:
        handle.write(frame[list(PROJECTION_COLUMNS)].to_csv(index=False, lineterminator="\n"))
    return ProjectRun(document, to, chosen, frame, flags, report, path)


def summary_lines(run: ProjectRun) -> list[Text]:
    """One line per target: its units kept, changed, lost, what it added; a route's fidelity flags per kind.

    ``apertium en>es: 41 kept, 15 changed, 3 lost, 7 added; flags: 3 lost, 15 changed, ...`` (the flags an
    annotator dismissed left out).
    """
    from annot.project.fidelity import FIDELITY_KINDS
    from annot.project.targets import REFERENCE

    frame, flags = run.frame, run.flags[~run.flags["dismissed"].astype(bool)]
    lines = []
    for target in run.targets:
        rows = frame[frame["target"].astype(str) == target]
        counts = rows["status"].astype(str).value_counts()
        line = Text(target, style="bold")
        line.append(": " + ", ".join(f"{int(counts.get(s, 0))} {s}" for s in _COUNTS))
        if not target.startswith(REFERENCE):
            kinds = flags.loc[flags["target"].astype(str) == target, "kind"].astype(str).value_counts()
            line.append("; flags: " + ", ".join(f"{int(kinds.get(k, 0))} {k}" for k in FIDELITY_KINDS))
        lines.append(line)
    return lines


@app.command("project")
def project(
    ctx: typer.Context,
    doc: str = typer.Argument(..., help="The document to project (id, id prefix or path)."),
    to: str = typer.Option(..., "--to", help="Language of the translations, ISO 639-1 (pt, es, ...)."),
    engine: list[str] = typer.Option(
        None,
        "--engine",
        "-e",
        help="Only this route (argos, argos+apertium, or a whole name: 'apertium en>es>pt'); repeat it, or"
        " comma-separate. Default: every route with translations stored.",
    ),
    out: Path = typer.Option(
        None, "--out", "-o", help="The CSV, one row per unit and target; default: exports/DOC.projection.TO.csv."
    ),
    references: bool = typer.Option(
        True,
        "--references/--no-references",
        help="Also the linked versions in --to (annot link), offered the projected spans as pending suggestions;"
        " --no-references leaves them out and writes nothing in them.",
    ),
    lexicon: str = typer.Option(
        "fill",
        "--lexicon",
        help="The aligner's word translations: fill (translate the missing words with each route first),"
        " cached (only those translated before: no engine runs), off.",
    ),
) -> None:
    """Carry each actor, quantity and stance of a document into each of its translations, and say what became
    of it.

    Each span is found in every stored translation into --to (annot translate) and in the linked version
    (annot link): kept, changed (value, qualifier, name) or lost, and what a translation added. Prints a
    line per target with those counts and the fidelity flags of each route per kind, and writes the rows as
    CSV. The projection is stored, recomputed only when the spans or the translations change, and the linked
    version gets the projected spans as pending suggestions to accept or reject (not those it already has).
    """
    engines = engine_names_given(engine)
    with fail_on_errors(ctx), open_store(ctx) as store, progress_bar(f"projecting into {to}") as progress:
        run = run_project(store, doc, to, engines=engines, references=references, lexicon=lexicon, out=out,
                          progress=progress)  # fmt: skip
    typer.echo(f"{run.doc.id} into {to}: {len(run.frame)} rows, {len(run.targets)} targets")
    console = Console(highlight=False, soft_wrap=True)
    for line in summary_lines(run):
        console.print(line)
    if references:
        typer.echo(run.refresh.summary())
    typer.echo(f"Wrote {run.out}")
