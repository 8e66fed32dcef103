"""``annot alignment``: show, edit or drop the sentence alignment of two linked documents."""

from __future__ import annotations

import re

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors, open_store
from annot.cli.link_cmd import short
from annot.errors import AlignmentError, NotFound

__all__ = ["alignment", "parse_edit"]

# The score column's name by measure (model.MEASURES); the header line says it in full.
_COLUMNS = {"chrf": "chrF", "anchors": "agreement"}
_SIDE = re.compile(r"^\s*(\d+\s*(-\s*\d+)?)(\s*,\s*\d+\s*(-\s*\d+)?)*\s*$")


def parse_edit(text: str) -> tuple[list[int], list[int]]:
    """``"11,12=12"`` -> ([11, 12], [12]); ``"7="`` -> ([7], []); ``"11-12=12"`` as the first.

    Raises:
        AlignmentError: not ``A=B`` with sentence numbers (one side may be empty).
    """
    sides = text.split("=")
    if len(sides) != 2 or not any(side.strip() for side in sides):
        raise AlignmentError(
            f"--set {text!r} is not an edit; write A sentences=B sentences, e.g. 11,12=12 (pair them),"
            " 7= (A 7 has no counterpart) or =5 (nor has B 5)."
        )
    out: list[list[int]] = []
    for name, side in zip("AB", sides):
        if not side.strip():
            out.append([])
            continue
        if not _SIDE.match(side):
            raise AlignmentError(f"--set {text!r}: {name} side {side.strip()!r} must be numbers like 11,12 or 11-12.")
        indexes: list[int] = []
        for part in side.split(","):
            first, _, last = part.partition("-")
            indexes.extend(range(int(first), int(last or first) + 1))
        out.append(indexes)
    return out[0], out[1]


@app.command("alignment")
def alignment(
    ctx: typer.Context,
    doc_a: str = typer.Argument(..., help="Document A (id, id prefix, key or path)."),
    doc_b: str = typer.Argument(..., help="Document B, linked to A (annot link A B)."),
    edits: list[str] = typer.Option(
        None, "--set", help="Pair A sentences with B sentences: 11,12=12; 7= leaves A 7 unaligned. Repeatable."
    ),
    unlink: bool = typer.Option(False, "--unlink", help="Remove the link and its alignments."),
) -> None:
    """Show the sentence alignment of two linked documents, edit it by hand, or unlink them.

    Each row is a bead: A's sentences, B's sentences, its score, and whether
    the aligner or a person made it. The header says what the scores measure,
    and the score column is named after it: chrF between A and B
    machine-translated into A's language (and by which route), or, aligned
    without MT, the anchor agreement (numbers, names and quotations both
    share); "unknown" for an alignment stored before annot recorded it. A manual
    edit re-cuts the neighbouring beads; their other sentences become unaligned,
    and the measure stays. Showing works on a read-only project.
    """
    from annot.align import bead_text

    with fail_on_errors(ctx), open_store(ctx, write=bool(edits) or unlink) as store:
        a, b = store.document(doc_a), store.document(doc_b)
        if unlink:
            store.unlink(a.id, b.id)
            typer.echo(f"Unlinked {a.id} and {b.id}; their alignments were dropped.")
            return
        parsed = [parse_edit(text) for text in edits or []]
        beads = store.alignment(a.id, b.id)
        for edit_a, edit_b in parsed:
            beads = store.edit_alignment(a.id, b.id, edit_a, edit_b)
        if not beads:
            ends = [store.document(x).key for link in store.links(a.id) for x in (link.doc_a, link.doc_b)]
            linked = b.key in ends
            what = "not aligned" if linked else "not linked"
            if linked and store.aligned_versions(a.id, b.id):
                what += " (the stored alignment is of older versions)"
            raise NotFound(f"Documents {a.id} and {b.id} are {what}; align them with: annot link {a.id} {b.id}")
        info = store.alignment_info(a.id, b.id)
        a_texts = [s.text for s in store.get_sentences(a)]
        b_texts = [s.text for s in store.get_sentences(b)]
    edited = {i for edit_a, _ in parsed for i in edit_a} | {-1 - j for _, edit_b in parsed for j in edit_b}
    table = Table(box=None, header_style="bold", expand=True)
    table.add_column("A=B", no_wrap=True, min_width=5)
    table.add_column(_COLUMNS.get(info.measure or "", "score"), no_wrap=True, justify="right", min_width=4)
    table.add_column("origin", no_wrap=True, min_width=6)
    for name in (f"A ({a.lang})", f"B ({b.lang})"):
        table.add_column(name, no_wrap=True, overflow="ellipsis", ratio=1)
    for bead in beads:
        # Article text is untrusted: Text objects, never parsed as markup.
        mark = "bold" if edited & ({*bead.a} | {-1 - j for j in bead.b}) else ""
        table.add_row(
            Text(bead_text(bead), style=mark), Text(f"{bead.score:.1f}" if bead.score is not None else "-"),
            Text(bead.origin), Text(short(" ".join(a_texts[i] for i in bead.a), 200)),
            Text(short(" ".join(b_texts[j] for j in bead.b), 200)),
        )  # fmt: skip
    console = Console(highlight=False)
    console.print(Text(f"A: {a.id} ({a.lang}, {len(a_texts)} sentences)"))
    console.print(Text(f"B: {b.id} ({b.lang}, {len(b_texts)} sentences)"))
    console.print(Text(f"scores: {info.label}"))
    console.print(table)
    unaligned_a = sum(len(x.a) for x in beads if not x.b)
    unaligned_b = sum(len(x.b) for x in beads if not x.a)
    manual = sum(x.origin == "manual" for x in beads)
    typer.echo(f"{len(beads)} beads, {manual} manual; unaligned {unaligned_a} A, {unaligned_b} B")
