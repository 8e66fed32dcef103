"""``annot claims``: the claims ledger across sources, its groups and discrepancies, as a report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors, open_store
from annot.errors import AnnotError

if TYPE_CHECKING:
    import pandas as pd

    from annot.analysis.report import ClaimsReportFiles
    from annot.store import Store

__all__ = ["NO_CLAIMS", "ClaimsRun", "claims", "run_claims"]

#: What ``annot claims`` says on a project without quantity claims.
NO_CLAIMS = "no quantity claims: annotate QUANTITY spans, or import corpus/outlets/outlets.annot.jsonl"


@dataclass
class ClaimsRun:
    """What ``annot claims`` found and wrote.

    Attributes:
        ledger: ``annot.claims``' rows.
        groups: ``annot.claim_groups`` of the ledger.
        files: the report and tables written; ``None`` when there was no claim to report.
    """

    ledger: pd.DataFrame
    groups: pd.DataFrame
    files: ClaimsReportFiles | None


def run_claims(
    store: Store, docs: Sequence[str] | None = None, *, out: Path = Path("exports/claims.html"),
    csv: Path | None = None, parquet: Path | None = None, window_days: float | None = 3,
    shared_actors: int = 2,
) -> ClaimsRun:  # fmt: skip
    """Build the ledger and, when it has claims, write the report (and the ledger as CSV, Parquet).

    Args:
        store: the project (read only).
        docs: document references; every current document by default.
        out: the HTML report.
        csv: also the ledger as CSV.
        parquet: also the ledger as Parquet.
        window_days: how many days apart two documents may be published to tell the same event (with
            ``shared_actors``); ``None`` ignores dates.
        shared_actors: how many actors two documents must both name to tell the same event.

    Returns:
        The ledger, its groups and the files written (none without claims).

    Raises:
        AnnotError: a negative ``window_days`` or ``shared_actors``, or two of the files at one path.
        NotFound: a document reference the store does not have.
        OutputError: a file cannot be written (a folder, no permission, disk full); no file is replaced.
    """
    from annot.analysis import actor_stance, claim_groups
    from annot.analysis import claims as read_claims
    from annot.analysis.report import write_claims_report

    if (window_days is not None and window_days < 0) or shared_actors < 0:
        raise AnnotError(f"--window-days and --shared-actors must be 0 or more (got {window_days}, {shared_actors}).")
    window = None if window_days is None else timedelta(days=window_days)
    ledger = read_claims(store, docs or None, window=window, shared_actors=shared_actors)
    if ledger.empty:
        return ClaimsRun(ledger, claim_groups(ledger), None)
    stances = actor_stance(store, docs or None)
    try:
        files = write_claims_report(ledger, out, stances=stances, out_csv=csv, out_parquet=parquet)
    except ValueError as exc:
        raise AnnotError(str(exc)) from exc
    return ClaimsRun(ledger, claim_groups(ledger), files)


def _sources(claims: pd.DataFrame) -> str:
    """A group's sources in a line: its outlets (their languages), or how many documents when none is recorded."""
    outlets = list(dict.fromkeys(o.strip() for o in claims["outlet"] if isinstance(o, str) and o.strip()))
    languages = ", ".join(sorted({str(lang) for lang in claims["lang"]}))
    if outlets:
        return f"{', '.join(outlets)} ({languages})"
    return f"{claims['doc_id'].nunique()} documents ({languages})"


def print_groups(groups: pd.DataFrame, ledger: pd.DataFrame) -> None:
    """The groups with discrepancies as a table: group, label, values, outlets, kinds (all groups when none)."""
    disputed = groups[groups["discrepancies"] != ""]
    shown = disputed if len(disputed) else groups
    sources = {name: _sources(claims) for name, claims in ledger.groupby("group", sort=False)}
    table = Table(box=None, header_style="bold")
    table.add_column("group", no_wrap=True)
    for column in ("label", "values", "outlets", "discrepancies"):
        table.add_column(column, overflow="fold")
    for row in shown.to_dict("records"):
        cells = (row["group"], row["group_label"], row["values"], sources.get(row["group"], ""), row["discrepancies"])
        # Labels, values and outlets come from articles: plain Text cells, never rich markup.
        table.add_row(*(Text(str(cell)) for cell in cells))
    Console(highlight=False).print(table)


@app.command("claims")
def claims(
    ctx: typer.Context,
    docs: list[str] = typer.Argument(None, help="Documents (id, id prefix or path); default every document."),
    out: Path = typer.Option(Path("exports/claims.html"), "--out", "-o", help="The HTML report (replaced atomically)."),
    csv: Path = typer.Option(None, "--csv", help="Also write the ledger as CSV, one row per claim."),
    parquet: Path = typer.Option(None, "--parquet", help="Also write the ledger as Parquet."),
    window_days: float = typer.Option(
        3.0,
        "--window-days",
        help="Documents published at most this many days apart, naming --shared-actors"
        " of the same actors, tell the same event (linked documents always do).",
    ),
    shared_actors: int = typer.Option(2, "--shared-actors", help="Actors two documents must both name."),
) -> None:
    """Put the quantity claims of every source side by side: who said how many of what, how sure.

    Reads the accepted QUANTITY spans (and those projection carried into linked versions), each with the
    STANCE around it (holder, evidence). Claims about the same thing in the same event are grouped across
    documents and languages, and their discrepancies marked: a different value, a dropped or changed
    qualifier, another holder, fact against alleged. Prints the groups with discrepancies and writes a static
    HTML report with every group side by side and the plots. Works on a read-only project.
    """
    with fail_on_errors(ctx), open_store(ctx, write=False) as store:
        run = run_claims(store, docs, out=out, csv=csv, parquet=parquet, window_days=window_days,
                         shared_actors=shared_actors)  # fmt: skip
    if run.files is None:
        typer.echo(NO_CLAIMS)
        return
    found = run.groups["discrepancies"].ne("").sum()
    typer.echo(
        f"{len(run.ledger)} claims in {run.ledger['doc_id'].nunique()} documents, {len(run.groups)} groups,"
        f" {found} with discrepancies"
    )
    print_groups(run.groups, run.ledger)
    for path in (run.files.html, run.files.csv, run.files.parquet):
        if path is not None:
            typer.echo(f"Wrote {path}")
