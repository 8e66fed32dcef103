"""``annot link``: link an article to its translation in another language and align their sentences."""

from __future__ import annotations

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.progress import progress_bar

__all__ = ["link", "short"]


def short(text: str, width: int = 60) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("link")
def link(
    ctx: typer.Context,
    doc_a: str = typer.Argument(..., help="Document A, usually the original (id, id prefix, key or path)."),
    doc_b: str = typer.Argument(..., help="Document B, its translation in another language."),
    engine: str = typer.Option(
        None,
        "--engine",
        "-e",
        help="Engine or route name (argos+apertium) that translates B into A's language (see annot engines);"
        " default: the best installed route.",
    ),
    mt: bool = typer.Option(
        True,
        "--mt/--no-mt",
        help="--no-mt aligns B in its own language on numbers, names, quotations and lengths even when an"
        " engine could translate it (no translation made).",
    ),
    human: bool = typer.Option(
        None,
        "--human/--not-human",
        help="B is a human translation of A (a person translated it), or not (a reference of unknown making);"
        " default: keep what the link says (a new link is a reference).",
    ),
) -> None:
    """Link two documents and align their sentences (1-1, 1-2, 2-1, 2-2, unaligned).

    B's sentences are machine-translated into A's language (stored and cached
    like every translation) and compared with A's; without an engine for the
    pair, B is aligned in its own language on numbers, names, quotations and
    lengths (scored by anchor agreement instead of chrF). Running it again re-aligns and keeps
    the manual edits whose sentences did not change. Review and edit the
    result with: annot alignment A B
    """
    from annot.align import bead_text, link_documents

    with fail_on_errors(ctx), open_store(ctx) as store, progress_bar("translating B") as progress:
        report = link_documents(store, doc_a, doc_b, engine=engine, human=human, progress=progress, mt=mt)
        a_texts = [s.text for s in store.get_sentences(report.doc_a)]
        b_texts = [s.text for s in store.get_sentences(report.doc_b)]
    kind = "human translation" if report.human else "reference"
    typer.echo(f"Linked {report.doc_a} (A) and {report.doc_b} (B), a {kind}")
    typer.echo(report.summary())
    lowest = report.lowest()
    if lowest:
        typer.echo(
            f"Lowest-scoring beads (A=B, {report.measure}), to review; change one with: annot alignment A B --set A=B"
        )
        for bead in lowest:
            a_side = short(" ".join(a_texts[i] for i in bead.a), 50)
            b_side = short(" ".join(b_texts[j] for j in bead.b), 50)
            typer.echo(f"  {bead_text(bead):>9}  {bead.score:5.1f}  {a_side} | {b_side}")
