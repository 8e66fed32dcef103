"""``annot agreement``: how far the annotators agree, pair by pair: span F1 per label, alpha, label confusion."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors, open_store
from annot.errors import AnnotError

if TYPE_CHECKING:
    from annot.analysis.agreement import Agreement
    from annot.store import Store

__all__ = ["agreement", "parse_annotators", "print_agreement", "run_agreement"]


def parse_annotators(value: str | None) -> list[str] | None:
    """``--annotators a,b`` as a list of names (``None``: every annotator).

    Raises:
        AnnotError: fewer than two names.
    """
    if value is None:
        return None
    names = list(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if len(names) < 2:
        raise AnnotError(f"--annotators needs two names or more, separated by commas (got {value!r}), e.g. alice,bob.")
    return names


def run_agreement(
    store: Store, docs: Sequence[str] | None = None, *, annotators: Sequence[str] | None = None,
    csv: Path | None = None,
) -> Agreement:  # fmt: skip
    """Compare the annotators and, when asked, write the pairs' scores as CSV (one row per pair, label, match).

    Raises:
        NotFound: a document or annotator the store does not have.
        OutputError: the CSV cannot be written (nothing is replaced).
    """
    from annot.analysis.agreement import PAIR_COLUMNS, agreement
    from annot.fileio import atomic_text_file

    result = agreement(store, docs or None, annotators=annotators)
    if csv is not None:
        with atomic_text_file(csv) as handle:
            handle.write(result.pairs[PAIR_COLUMNS].to_csv(index=False, lineterminator="\n", float_format="%.4f"))
    return result


def _cell(value: object) -> Text:
    if isinstance(value, float):
        return Text("n/a" if value != value else f"{value:.3f}")
    return Text(str(value))


def print_agreement(result: Agreement) -> None:
    """The pairs' overlap and exact F1 per label, alpha per attribute and the confusion table, as tables."""
    console = Console(highlight=False)
    pairs = Table(box=None, header_style="bold", title="Span agreement (a: reference, b: candidate)")
    for column, justify in (("a", "left"), ("b", "left"), ("label", "left"), ("F1 overlap", "right"),
                            ("F1 exact", "right"), ("P", "right"), ("R", "right"), ("spans a", "right"),
                            ("spans b", "right"), ("docs", "right")):  # fmt: skip
        pairs.add_column(column, justify=justify)  # type: ignore[arg-type]
    frame = result.pairs
    overlap = frame[frame["match"] == "overlap"]
    exact = frame[frame["match"] == "exact"].set_index(["annotator_a", "annotator_b", "label"])["f1"]
    for row in overlap.to_dict("records"):
        key = (row["annotator_a"], row["annotator_b"], row["label"])
        cells = (*key, row["f1"], exact.get(key, float("nan")), row["precision"], row["recall"], row["support_a"],
                 row["support_b"], row["documents"])  # fmt: skip
        # Annotator names are typed by people: plain Text cells, never rich markup.
        pairs.add_row(*(_cell(c) for c in cells))
    console.print(pairs)
    alpha = Table(box=None, header_style="bold", title="Krippendorff's alpha (spans matched by overlap)")
    for column in ("attribute", "level", "alpha", "units", "annotators"):
        alpha.add_column(column, justify="left" if column in ("attribute", "level") else "right")
    for row in result.alpha.to_dict("records"):
        alpha.add_row(*(_cell(row[c]) for c in ("attribute", "level", "alpha", "units", "annotators")))
    console.print(alpha)
    confusion = Table(box=None, header_style="bold", title="Labels matched by range (rows a, columns b)")
    confusion.add_column("a \\ b")
    for label in result.confusion.columns:
        confusion.add_column(str(label), justify="right")
    for label, row in result.confusion.iterrows():
        confusion.add_row(Text(str(label)), *(Text(str(int(v))) for v in row))
    console.print(confusion)


@app.command("agreement")
def agreement(
    ctx: typer.Context,
    docs: list[str] = typer.Argument(None, help="Documents (id, id prefix or path); default every document."),
    annotators: str = typer.Option(None, "--annotators", help="Only these annotators, comma-separated: alice,bob."),
    csv: Path = typer.Option(None, "--csv", help="Also write every pair's scores as CSV (pair, label, match)."),
) -> None:
    """Compare the annotators' accepted spans: F1 per label and pair, Krippendorff's alpha, label confusion.

    Each pair is compared on the documents both worked on (an accepted span or a sentence mark there).
    Spans match exactly (same start, end, label) or by overlap (same label, one to one, largest overlap
    first). Alpha is computed for stance polarity and evidence and quantity values over the spans matched
    by overlap. Works on a read-only project.
    """
    with fail_on_errors(ctx):
        names = parse_annotators(annotators)
        with open_store(ctx, write=False) as store:
            result = run_agreement(store, docs, annotators=names, csv=csv)
    typer.echo(result.summary().splitlines()[0])
    if result.empty:
        return
    print_agreement(result)
    if csv is not None:
        typer.echo(f"Wrote {csv}")
