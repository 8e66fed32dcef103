"""``annot compare``: compare a document's machine translations, write the HTML report and the CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import PIVOT_OPTION, app, engine_names_given, fail_on_errors, open_store
from annot.errors import AnnotError
from annot.progress import progress_bar

if TYPE_CHECKING:
    import pandas as pd

    from annot.store import Store

__all__ = ["compare"]


def _reference(store: Store, doc_id: str, reference: str | None, to: str) -> str | None:
    """The reference document's id, linked to and aligned with ``doc_id`` (done here when it is not yet)."""
    if reference is None:
        return None
    from annot.align import link_documents

    ref = store.document(reference)
    if ref.lang != to:
        raise AnnotError(
            f"Reference {ref.id} is in {ref.lang!r}, not {to!r}: compare with --to {ref.lang},"
            f" or give a reference in {to!r}."
        )
    if not store.alignment(doc_id, ref.id):
        with progress_bar(f"aligning with {ref.id}") as progress:
            report = link_documents(store, doc_id, ref.id, progress=progress)
        typer.echo(report.summary())
    return ref.id


def _print_scores(table: pd.DataFrame) -> None:
    # A metric per row, an engine per column: a few engines fit a terminal with their intervals.
    out = Table(box=None, header_style="bold")
    out.add_column("", no_wrap=True)
    for engine in table.index:
        out.add_column(Text(str(engine)), justify="right", overflow="fold")
    for col in table.columns:
        # Engine names and scores are plain Text, never rich markup.
        out.add_row(Text(str(col)), *(Text(str(v)) for v in table[col].tolist()))
    Console(highlight=False).print(out)


@app.command("compare")
def compare(
    ctx: typer.Context,
    doc: str = typer.Argument(..., help="The document to compare (id, id prefix or path)."),
    to: str = typer.Option(..., "--to", help="Target language of the translations, ISO 639-1 (pt, es, ...)."),
    reference: str = typer.Option(
        None,
        "--reference",
        "-r",
        help="A version of DOC in --to to score against (linked and aligned first if it is not); mark it as a"
        " human translation with: annot link DOC REF --human"
        " Default: the one already linked, if any.",
    ),
    engine: list[str] = typer.Option(
        None,
        "--engine",
        "-e",
        help="Engine or route name to compare (the report's column names: argos, argos+apertium); repeat it, or"
        " comma-separate. Default: every installed engine that reaches --to, and any with translations stored.",
    ),
    pivot: bool = PIVOT_OPTION,
    round_trip: bool = typer.Option(
        True, "--round-trip/--no-round-trip", help="Translate back into DOC's language to score without a reference."
    ),
    out: Path = typer.Option(
        Path("exports/compare.html"), "--out", "-o", help="The HTML report (replaced atomically)."
    ),
    csv: Path = typer.Option(None, "--csv", help="The per-sentence table as CSV; default: --out with .csv."),
    title: str = typer.Option(None, "--title", help="The report's title; default names the document and language."),
) -> None:
    """Compare the engines' translations of a document, sentence by sentence, and write a report.

    Missing translations are made first (cached like every translation), each
    engine by its route (annot translate --help says how routes are chosen). With
    a reference, each engine is scored against it (chrF, BLEU, TER with
    confidence intervals); without one, by round trip and by agreement between
    engines. Each translation's fidelity flags come from projection (what it
    lost, changed or added, words left in another language, numbers in another
    language's style, weekdays or dates lost), counted per engine and written
    out by kind in the CSV; a flag an annotator dismissed is not counted.
    """
    from annot.compare import compare as run_compare
    from annot.compare import corpus_scores
    from annot.compare.report import corpus_table, write_report

    csv = csv or out.with_suffix(".csv")
    with fail_on_errors(ctx):
        if csv.resolve() == out.resolve():
            raise AnnotError(f"--csv and --out are both {out}; give the CSV another name.")
        with open_store(ctx) as store:
            document = store.document(doc)
            ref = _reference(store, document.id, reference, to)
            with progress_bar(f"comparing in {to}") as progress:
                frame = run_compare(
                    document, store, target=to, engines=engine_names_given(engine), pivot=pivot,
                    reference=ref or "auto", round_trip=round_trip, progress=progress,
                )  # fmt: skip
            corpus = corpus_scores(frame)
            files = write_report(frame, corpus, out, out_csv=csv, title=title, doc_title=document.title)
    for name, why in (frame.attrs.get("skipped") or {}).items():
        typer.echo(f"skipped {name}: {' '.join(str(why).split())}", err=True)
    reference_doc = frame.attrs.get("reference_doc")
    typer.echo(
        f"{document.id} in {to}: {len(frame)} sentences, {len(frame.attrs.get('engines', []))} engines, "
        + (
            f"{frame.attrs.get('reference_label', 'reference')} {reference_doc}"
            if reference_doc
            else "no reference (round trip and agreement)"
        )
    )
    _print_scores(corpus_table(corpus))
    typer.echo(f"Wrote {files.html}")
    typer.echo(f"Wrote {files.csv}")
