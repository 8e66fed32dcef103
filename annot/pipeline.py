"""Joins the stages: files -> documents -> sentences -> store."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annot.errors import CorpusError
from annot.ingest import find_files, read_file
from annot.model import Document
from annot.progress import Progress, resolve_progress
from annot.segment import segment
from annot.store import AddResult, Store

__all__ = ["IngestReport", "ingest", "open_project"]


@dataclass(slots=True)
class IngestReport:
    """What an ingest did: documents read, what the store did with each, and refused inputs."""

    documents: list[Document] = field(default_factory=list)
    results: list[AddResult] = field(default_factory=list)
    errors: list[CorpusError] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many documents got ``status`` (added, unchanged, new_version)."""
        return sum(r.status == status for r in self.results)

    def summary(self) -> str:
        """One line for people: ``2 added, 1 unchanged, 0 new versions, 1 refused``."""
        parts = [
            f"{self.count('added')} added",
            f"{self.count('unchanged')} unchanged",
            f"{self.count('new_version')} new versions",
            f"{len(self.errors)} refused",
        ]
        moved = sum(len(r.reanchored) for r in self.results)
        orphaned = sum(len(r.orphaned) for r in self.results)
        if moved or orphaned:
            parts.append(f"{moved} spans re-anchored, {orphaned} orphaned")
        return ", ".join(parts)


def open_project(path: str | os.PathLike[str] = "project", *, create: bool = True, annotator: str | None = None) -> Store:
    """Open (and by default create) the project folder ``path``; see ``Store``."""
    return Store(path, create=create, annotator=annotator)


def ingest(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    store: Store | None = None,
    *,
    lang: str | None = None,
    progress: Progress | bool | None = None,
) -> IngestReport:
    """Read files (walking folders), segment them and add them to ``store``.

    A file or JSONL line that cannot be read is reported in ``errors`` and the
    rest of the batch still goes in. Re-ingesting an unchanged text is a no-op;
    a changed text under the same key (source path or JSONL ``id``) becomes a
    new version whose spans are re-anchored (see ``AddResult``).

    Args:
        paths: files or folders (.txt, .md, .html, .jsonl).
        store: where to add the documents; ``None`` only reads and segments.
        lang: ISO 639-1 code for every document, instead of detection.
        progress: ``True`` for a progress bar (terminal or notebook), or a
            callback called as ``progress(done, total, path)`` after each file.

    Returns:
        The report; ``report.summary()`` is one line for people.

    Raises:
        CorpusError: a named path does not exist.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = find_files(paths)
    report = IngestReport()
    with resolve_progress(progress, "ingesting") as update:
        for done, path in enumerate(files, 1):
            try:
                items = read_file(path, lang=lang)
            except CorpusError as exc:
                items = [exc]
            for item in items:
                if isinstance(item, CorpusError):
                    report.errors.append(item)
                    continue
                report.documents.append(item)
                if store is not None:
                    report.results.append(store.add_document(item, segment(item)))
            if update is not None:
                update(done, len(files), str(Path(path)))
    return report
