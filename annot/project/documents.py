"""Projecting many documents: which ones have something to project into a language, and what each refresh did.

The one home of the rule "can this document be projected into LANG?" (``unprojectable``): ``annot project``
turns its answer into the one-line error for a document named, and into a line of the summary for a document
met while projecting every one. ``refresh_projections`` refreshes each document's stored projection as
``refresh_projection`` does, in this process; ``annot.batch.project_on_cluster`` does the same on Dask.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annot.errors import AnnotError
from annot.model import Document
from annot.progress import Progress, resolve_progress
from annot.project.core import check_lexicon, names_table
from annot.project.stored import RefreshReport, refresh_projection
from annot.project.targets import find_targets

if TYPE_CHECKING:
    from annot.store import Store

__all__ = [
    "ProjectReport", "Unprojectable", "projectable", "refresh_projections", "unprojectable",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unprojectable:
    """Why a document cannot be projected into a language.

    Attributes:
        doc_id: the document version.
        reason: what is missing, short (a summary's cell): ``no translation into 'pt', no linked version``.
        message: the whole sentence with its fix, as ``annot project DOC`` says it.
    """

    doc_id: str
    reason: str
    message: str


def unprojectable(
    store: Store, doc: Document, to: str, *, engines: Sequence[str] | None = None, references: bool = True
) -> Unprojectable | None:
    """Why nothing asked for of ``doc`` can be projected into ``to``; ``None`` when something can.

    Args:
        store: the project.
        doc: the source document version.
        to: ISO 639-1 code of the targets.
        engines: only these routes count (as ``find_targets``' ``engines``).
        references: the linked versions count.
    """
    if to == doc.lang:
        message = f"{doc.id} is in {to!r} already; project it into another language: --to pt, --to es, ..."
        return Unprojectable(doc.id, f"in {to!r} already", message)
    every = find_targets(store, doc, to)
    routes = sorted({t.engine for t in every if t.kind == "route"})
    if not every or (not routes and not references):
        if references:
            message = (
                f"Nothing to project {doc.id} into {to!r}: no translation into {to!r} is stored and no version in"
                f" {to!r} is linked to it. Translate it first: annot translate {doc.id} --to {to};"
                f" or link its version in {to!r}: annot link {doc.id} OTHER"
            )
            return Unprojectable(doc.id, f"no translation into {to!r}, no linked version", message)
        message = (
            f"Nothing to project {doc.id} into {to!r}: no translation into {to!r} is stored (--no-references leaves"
            f" the linked version out). Translate it first: annot translate {doc.id} --to {to}"
        )
        return Unprojectable(doc.id, f"no translation into {to!r}", message)
    if engines is not None and not find_targets(store, doc, to, engines=engines, references=False):
        stored = ", ".join(routes) or "none"
        message = (
            f"No translation of {doc.id} into {to!r} by {', '.join(engines)} is stored (stored routes: {stored})."
            f" Name one of them with --engine, or translate it first: annot translate {doc.id} --to {to}"
            f" --engine {engines[0]}"
        )
        return Unprojectable(doc.id, f"no translation by {', '.join(engines)} (stored: {stored})", message)
    return None


def projectable(
    store: Store, docs: Sequence[str | Document] | None, to: str, *, engines: Sequence[str] | None = None,
    references: bool = True,
) -> tuple[list[Document], list[Unprojectable]]:  # fmt: skip
    """The documents to project into ``to``, and those met that have nothing to project.

    Args:
        store: the project.
        docs: the documents named (any reference ``Store.document`` takes); ``None``: every current document
            not in ``to`` (those in ``to`` are the targets).
        to: ISO 639-1 code of the targets.
        engines, references: as ``unprojectable``.

    Returns:
        The documents to project, in order; the others met, with why (always empty when ``docs`` are named).

    Raises:
        AnnotError: a document named cannot be projected (``Unprojectable.message``); nothing is projected.
        NotFound: no such document.
    """
    named = docs is not None
    documents = [d if isinstance(d, Document) else store.document(d) for d in docs] if named else None
    if documents is None:
        documents = [d for d in store.iter_documents() if d.lang != to]
    chosen: list[Document] = []
    skipped: list[Unprojectable] = []
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:  # a document named twice is projected once
            continue
        seen.add(doc.id)
        why = unprojectable(store, doc, to, engines=engines, references=references)
        if why is not None and named:
            raise AnnotError(why.message)
        if why is None:
            chosen.append(doc)
        else:
            skipped.append(why)
    return chosen, skipped


@dataclass
class ProjectReport:
    """What refreshing many documents' projections into one language did.

    Attributes:
        lang: the targets' language.
        runs: each document's refresh, in the documents' order.
        skipped: the documents met with nothing to project.
        seconds: wall time.
    """

    lang: str
    runs: list[RefreshReport] = field(default_factory=list)
    skipped: list[Unprojectable] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line: ``12 documents into pt: 10 recomputed, 2 up to date, 3 with nothing to project, in 4.1 s``."""
        recomputed = sum(r.recomputed for r in self.runs)
        count = len(self.runs)
        return (
            f"{count} document{'' if count == 1 else 's'} into {self.lang}: {recomputed} recomputed,"
            f" {count - recomputed} up to date, {len(self.skipped)} with nothing to project, in {self.seconds:.1f} s"
        )


def refresh_projections(
    store: Store, docs: Sequence[str | Document] | None, to: str, *, engines: Sequence[str] | None = None,
    references: bool = True, lexicon: str = "cached", progress: Progress | bool | None = None,
) -> ProjectReport:  # fmt: skip
    """``refresh_projection`` of every document ``projectable`` names, one after another, in this process.

    Args:
        store: the project.
        docs: the documents (``None``: every current one with something to project into ``to``).
        to: ISO 639-1 code of the targets.
        engines, references: which documents have something to project (``unprojectable``); the stored
            projection covers every target either way. Without ``references`` no linked version gets
            suggestions (``refresh_projection``'s ``suggest``).
        lexicon: as ``refresh_projection``.
        progress: called with (documents done, documents, document id); ``True`` for a bar.

    Returns:
        Each document's refresh, and the documents with nothing to project.

    Raises:
        AnnotError: a document named cannot be projected, or an unknown ``lexicon``.
        NotFound: no such document.
    """
    check_lexicon(lexicon)
    started = time.perf_counter()
    documents, skipped = projectable(store, docs, to, engines=engines, references=references)
    report = ProjectReport(to, skipped=skipped)
    names = names_table(store, {to}) if documents else None  # the same for each: a refresh accepts no span
    with resolve_progress(progress, f"projecting into {to}") as update:
        for done, doc in enumerate(documents, 1):
            report.runs.append(refresh_projection(store, doc, to, lexicon=lexicon, suggest=references, names=names))
            if update is not None:
                update(done, len(documents), doc.id)
    report.seconds = time.perf_counter() - started
    return report
