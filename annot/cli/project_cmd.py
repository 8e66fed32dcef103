"""``annot project``: carry documents' annotations into each of their translations, summarize, write CSV."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

from annot.cli.app import SCHEDULER_OPTION, WORKERS_OPTION, app, engine_names_given, fail_on_errors, open_store
from annot.progress import Progress, progress_bar

if TYPE_CHECKING:
    import pandas as pd

    from annot.model import Document
    from annot.project.documents import ProjectReport
    from annot.project.stored import RefreshReport
    from annot.store import Store

__all__ = ["ProjectManyRun", "ProjectRun", "project", "run_project", "run_project_many"]

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


def run_project(
    store: Store, doc: str, to: str, *, engines: Sequence[str] | None = None, references: bool = True,
    lexicon: str = "fill", out: Path | None = None, progress: Progress | None = None,
    scheduler: str | None = None, workers: int | None = None, on_dashboard: Callable[[str], None] | None = None,
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
        scheduler, workers, on_dashboard: project on Dask (``annot.batch.project_batch``); neither: here.

    Raises:
        AnnotError: no stored translation into ``to`` and no linked version (or none by ``engines``), ``to``
            is the document's own language, or an unknown ``lexicon``.
        NotFound: no such document.
        OutputError: the CSV cannot be written.
        ClusterError: as ``annot.batch.project_batch``.
    """
    from annot.fileio import atomic_text_file
    from annot.project.documents import projectable
    from annot.project.fidelity import fidelity
    from annot.project.stored import refresh_projection
    from annot.store.projections import PROJECTION_COLUMNS

    document = projectable(store, [doc], to, engines=engines, references=references)[0][0]
    if scheduler is None and workers is None:  # here, with refresh_projection's steps (each route, each target)
        report = refresh_projection(store, document, to, lexicon=lexicon, suggest=references, progress=progress)
    else:
        from annot.batch import project_batch

        report = project_batch(store, [document], to, engines=engines, references=references, lexicon=lexicon,
                               scheduler=scheduler, workers=workers, on_dashboard=on_dashboard).runs[0]  # fmt: skip
    chosen, frame = _shown(store, document, to, report, engines, references)
    flags = fidelity(store, document, to, engines=engines)
    flags = flags[flags["target"].astype(str).isin(chosen)].reset_index(drop=True)
    path = out or Path("exports") / f"{document.id}.projection.{to}.csv"
    with atomic_text_file(path) as handle:
        handle.write(frame[list(PROJECTION_COLUMNS)].to_csv(index=False, lineterminator="\n"))
    return ProjectRun(document, to, chosen, frame, flags, report, path)


def _shown(
    store: Store, doc: Document, to: str, report: RefreshReport, engines: Sequence[str] | None, references: bool,
    every: pd.DataFrame | None = None,
) -> tuple[list[str], pd.DataFrame]:  # fmt: skip
    """The targets asked for (routes first) and their stored rows: the stored projection covers every target.

    The rows are the report's, else those of ``every`` (every document's, read once), else read here.
    """
    from annot.project.targets import find_targets

    chosen = [t.name for t in find_targets(store, doc, to, engines=engines, references=references)]
    if report.frame is not None:
        stored = report.frame
    elif every is not None:
        stored = every[every["doc_id"].astype(str) == doc.id]
    else:
        stored = store.projections(doc.id, to)
    return chosen, stored[stored["target"].astype(str).isin(chosen)].reset_index(drop=True)


@dataclass
class ProjectManyRun:
    """What ``annot project`` did for several documents (none named: every one with something to project).

    Attributes:
        report: each document's refresh, and those with nothing to project.
        frame: the rows written: ``doc_id``, then ``PROJECTION_COLUMNS``, the targets asked for of each document.
        out: the CSV written.
    """

    report: ProjectReport
    frame: pd.DataFrame
    out: Path


def run_project_many(
    store: Store, docs: Sequence[str] | None, to: str, *, engines: Sequence[str] | None = None,
    references: bool = True, lexicon: str = "fill", out: Path | None = None, scheduler: str | None = None,
    workers: int | None = None, progress: Progress | None = None, on_dashboard: Callable[[str], None] | None = None,
) -> ProjectManyRun:  # fmt: skip
    """Refresh the stored projection of each document into ``to`` (``annot.batch.project_batch``), write one CSV.

    Args:
        store, to, engines, references, lexicon, progress: as ``run_project``.
        docs: the documents; ``None``: every current one with something to project into ``to``.
        out: the CSV; default ``exports/projection.<to>.csv``.
        scheduler, workers, on_dashboard: as ``annot.batch.project_batch``.

    Raises:
        AnnotError: a document named cannot be projected (``run_project``'s one line), or an unknown ``lexicon``.
        NotFound: no such document.
        ClusterError: as ``annot.batch.project_batch``.
        OutputError: the CSV cannot be written.
    """
    import pandas as pd

    from annot.batch import project_batch
    from annot.fileio import atomic_text_file
    from annot.store.projections import PROJECTION_COLUMNS

    report = project_batch(store, docs, to, engines=engines, references=references, lexicon=lexicon,
                           scheduler=scheduler, workers=workers, progress=progress,
                           on_dashboard=on_dashboard)  # fmt: skip
    columns = ["doc_id", *PROJECTION_COLUMNS]
    every = store.projections(lang=to) if report.runs else None  # one query, not one a document
    frames = [_shown(store, store.document(run.doc_id), to, run, engines, references, every)[1] for run in report.runs]
    frame = pd.concat([f[columns] for f in frames], ignore_index=True) if frames else pd.DataFrame(columns=columns)
    path = out or Path("exports") / f"projection.{to}.csv"
    with atomic_text_file(path) as handle:
        handle.write(frame[columns].to_csv(index=False, lineterminator="\n"))
    return ProjectManyRun(report, frame, path)


def summary_table(run: ProjectManyRun) -> list[str]:
    """The summary's lines: a header, then a row per document with its targets shown, its units kept, changed,
    lost and added, and whether it was recomputed; a document with nothing to project says why.

    Plain aligned columns, document ids whole (a table squeezed into a terminal would cut them).
    """
    header = ["document", "targets", *_COUNTS, "projection"]
    rows = []
    for refresh in run.report.runs:
        shown = run.frame[run.frame["doc_id"].astype(str) == refresh.doc_id]
        counts = shown["status"].astype(str).value_counts()
        state = "recomputed" if refresh.recomputed else "up to date"
        rows.append([refresh.doc_id, str(shown["target"].nunique()), *(str(int(counts.get(s, 0))) for s in _COUNTS),
                     state])  # fmt: skip
    for skipped in run.report.skipped:
        rows.append([skipped.doc_id, *(["-"] * (1 + len(_COUNTS))), f"nothing to project: {skipped.reason}"])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        numbers = [cell.rjust(width) for cell, width in zip(cells[1:-1], widths[1:])]
        return "  ".join([first, *numbers, cells[-1]])

    return [line(r) for r in [header, *rows]]


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
    docs: list[str] = typer.Argument(
        None, help="The documents to project (id, id prefix or path); default: every one with something to project."
    ),
    to: str = typer.Option(..., "--to", help="Language of the translations, ISO 639-1 (pt, es, ...)."),
    engine: list[str] = typer.Option(
        None,
        "--engine",
        "-e",
        help="Only this route (argos, argos+apertium, or a whole name: 'apertium en>es>pt'); repeat it, or"
        " comma-separate. Default: every route with translations stored.",
    ),
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        help="The CSV, one row per unit and target; default: exports/DOC.projection.TO.csv for one document,"
        " exports/projection.TO.csv (with a doc_id column) for several.",
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
    scheduler: str = SCHEDULER_OPTION,
    workers: int = WORKERS_OPTION,
) -> None:
    """Carry each actor, quantity and stance of a document into each of its translations, and say what became
    of it.

    Each span is found in every stored translation into --to (annot translate) and in the linked version
    (annot link): kept, changed (value, qualifier, name) or lost, and what a translation added. For one
    document, prints a line per target with those counts and the fidelity flags of each route per kind; for
    several (or none named: every document with a translation into --to or a linked version in it), a table
    with a row per document. Writes the rows as CSV. The projection is stored, recomputed only when the spans
    or the translations change, and the linked version gets the projected spans as pending suggestions to
    accept or reject (not those it already has). With --scheduler the aligning runs on a Dask cluster's
    workers, documents in batches, and this process stores each document.
    """
    engines = engine_names_given(engine)

    def dashboard(link: str) -> None:
        typer.echo(f"Dask dashboard: {link}", err=True)

    if docs is None or len(docs) != 1:
        with fail_on_errors(ctx), open_store(ctx) as store, progress_bar(f"projecting into {to}") as progress:
            many = run_project_many(store, docs or None, to, engines=engines, references=references,
                                    lexicon=lexicon, out=out, scheduler=scheduler, workers=workers,
                                    progress=progress, on_dashboard=dashboard)  # fmt: skip
        for line in summary_table(many):
            typer.echo(line)
        typer.echo(many.report.summary())
        typer.echo(f"Wrote {many.out}")
        return
    with fail_on_errors(ctx), open_store(ctx) as store, progress_bar(f"projecting into {to}") as progress:
        run = run_project(store, docs[0], to, engines=engines, references=references, lexicon=lexicon, out=out,
                          progress=progress, scheduler=scheduler, workers=workers, on_dashboard=dashboard)  # fmt: skip
    typer.echo(f"{run.doc.id} into {to}: {len(run.frame)} rows, {len(run.targets)} targets")
    console = Console(highlight=False, soft_wrap=True)
    for line in summary_lines(run):
        console.print(line)
    if references:
        typer.echo(run.refresh.summary())
    typer.echo(f"Wrote {run.out}")
