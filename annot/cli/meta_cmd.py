"""``annot meta``: show or edit a document's metadata (title, outlet, author, published, url)."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annot.cli.app import app, fail_on_errors, open_store
from annot.model import Document, published_text

__all__ = ["meta", "metadata_rows"]


def metadata_rows(doc: Document) -> list[tuple[str, str]]:
    """The fields ``annot meta`` prints, in order, with ``""`` for unknown."""
    values = (
        ("id", doc.id), ("key", doc.key), ("title", doc.title), ("lang", doc.lang),
        ("outlet", doc.outlet), ("author", doc.author), ("published", published_text(doc.published)),
        ("url", doc.url), ("source", doc.source),
    )  # fmt: skip
    return [(name, value or "") for name, value in values]


@app.command("meta")
def meta(
    ctx: typer.Context,
    doc: str = typer.Argument(..., help="Document id, id prefix, key or source path (see annot ls)."),
    outlet: str = typer.Option(None, "--outlet", help="Who published it (a newspaper, agency or site)."),
    author: str = typer.Option(None, "--author", help="Who wrote it."),
    published: str = typer.Option(
        None, "--published", help="When: ISO 8601 date or date and time (2022-10-17, 2022-10-17T16:40:00+02:00)."
    ),
    url: str = typer.Option(None, "--url", help="Where it was published: a URL (https://...) or a path."),
    title: str = typer.Option(None, "--title", help="A new title."),
) -> None:
    """Show a document's metadata, or set it with the options (an empty value clears a field).

    The document keeps its id: the metadata of that version is edited in place. The
    language cannot be changed (sentences, translations and suggestions were made
    for it). Without options it works on a read-only project: nothing is written.
    """
    options = {"outlet": outlet, "author": author, "published": published, "url": url, "title": title}
    given: dict[str, Any] = {name: value for name, value in options.items() if value is not None}
    with fail_on_errors(ctx), open_store(ctx, write=bool(given)) as store:
        document = store.document(doc)
        if given:
            document = store.set_metadata(document, **given)
        table = Table(box=None, show_header=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for name, value in metadata_rows(document):
            table.add_row(name, Text(value))  # metadata comes from articles: never rich markup
        Console(highlight=False).print(table)
