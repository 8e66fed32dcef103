"""``annot show``: a document sentence by sentence, with its spans."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.text import Text

from annot.cli.app import app, fail_on_errors, open_store
from annot.model import published_text

__all__ = ["show"]


@app.command("show")
def show(
    ctx: typer.Context,
    doc: str = typer.Argument(..., help="Document id, id prefix, key or source path (see annot ls)."),
) -> None:
    """Print a document's sentences, numbered, each followed by its spans.

    Works on a read-only project (another user's folder): nothing is written to it.
    """
    with fail_on_errors(ctx), open_store(ctx, write=False) as store:
        document = store.document(doc)
        sentences = store.get_sentences(document.id)
        spans = store.spans(document.id)
        console = Console(highlight=False)
        console.print(
            Text(f"{document.title} ({document.id}, {document.lang}, {len(sentences)} sentences)", style="bold")
        )
        source = [document.outlet, document.author, published_text(document.published), document.url]
        if any(source):  # where it was published, when known (annot meta edits it)
            console.print(Text(" · ".join(value for value in source if value), style="dim"))
        by_sentence = spans.groupby("sentence", dropna=True) if len(spans) else None
        for sent in sentences:
            # Article text is untrusted: always a Text object, never parsed as markup.
            line = Text(f"{sent.index:>4}  ", style="dim")
            line.append(Text(sent.text, style="bold underline" if sent.heading else ""))
            console.print(line)
            if by_sentence is None or sent.index not in by_sentence.groups:
                continue
            for span in by_sentence.get_group(sent.index).itertuples():
                attrs = json.dumps(span.attrs, ensure_ascii=False) if span.attrs else ""
                console.print(
                    Text(
                        f"        {span.label} [{span.start}:{span.end}] {span.text!r} {attrs}"
                        f" ({span.annotator}, {span.status})",
                        style="cyan",
                    )
                )
