"""``annot export``: write the annotated corpus as annot/1 JSONL or in another tool's format."""

from __future__ import annotations

from pathlib import Path

import typer

from annot.cli.app import app, fail_on_errors, open_store
from annot.progress import progress_bar

__all__ = ["export"]

_FORMATS = "jsonl|doccano|label-studio|prodigy|spacy|inception|conll"


@app.command("export")
def export(
    ctx: typer.Context,
    format: str = typer.Option("jsonl", "--format", "-f", help=f"The file's format: {_FORMATS}."),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Output file, replaced atomically (not a folder). Default: exports/corpus.<suffix of the format>,"
        " e.g. exports/corpus.jsonl, exports/corpus.doccano.jsonl, exports/corpus.label-studio.json.",
    ),
    unit: str = typer.Option("document", "--unit", help="JSONL only: one line per 'document' or per 'sentence'."),
    all_versions: bool = typer.Option(False, "--all-versions", help="Also export superseded document versions."),
    layer: str | None = typer.Option(
        None,
        "--layer",
        help="Only one layer's spans: 'curated' (the curator's adjudicated spans) or an annotator's name (their"
        " own spans). Default: every span, the annotators' and the curated ones.",
    ),
) -> None:
    """Export documents, sentences and spans as versioned JSONL (schema annot/1) or another tool's format.

    Keys and sources hold paths relative to the project's parent folder, never
    absolute ones, so the file can be shared. Works on a read-only project
    (another user's folder) when --out is a file you can write elsewhere.
    With --format label-studio the labelling config is written beside the tasks
    (corpus.label-studio.config.xml). Spans a format cannot hold are counted by
    reason, with an example, never dropped silently. With --layer only that
    layer's spans are written (a STANCE's holder_span naming a span outside
    it is left out; its holder name stays).
    """
    from annot.exchange import export_as
    from annot.export import export_jsonl
    from annot.export.formats import default_out

    with fail_on_errors(ctx):
        target = out if out is not None else default_out(format)
        if format != "jsonl" and unit != "document":
            from annot.errors import FormatError

            raise FormatError(f"--unit {unit} is for --format jsonl only; leave --unit out with --format {format}.")
        with open_store(ctx, write=False) as store, progress_bar("exporting") as progress:
            if format == "jsonl" and layer is None:
                result = export_jsonl(store, target, unit=unit, all_versions=all_versions, progress=progress)
            else:
                done = export_as(store, target, format, all_versions=all_versions, layer=layer, unit=unit)
        if format == "jsonl" and layer is None:
            typer.echo(
                f"Wrote {result.path}: {result.documents} documents, {result.sentences} sentences, {result.spans} spans"
            )
        else:
            typer.echo(done.summary())
