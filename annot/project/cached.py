"""A document's projection and fidelity flags into one language, kept until what they depend on changes.

The MT pane asks on every move and compare once per run; both read
``document_projection``. It is recomputed when the document's spans, links
or alignments change (``Store.annotation_revision``), when a translation into
the language is added (the translations' count and newest time), when a flag
is dismissed, or when the project file (its ``[aliases]``, cue lists) changes;
else the kept one is returned.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annot.project.core import project_targets
from annot.project.fidelity import FidelityFlag, sentence_flags
from annot.project.targets import Target, find_targets

if TYPE_CHECKING:
    import pandas as pd

    from annot.model import Document
    from annot.store import Store

__all__ = ["DocumentProjection", "document_projection"]


@dataclass(frozen=True)
class DocumentProjection:
    """One document's projection into one language, and the fidelity flags of its routes.

    Attributes:
        doc_id: the source document version.
        lang: the targets' language.
        frame: ``annot.project``'s rows for every target (routes and linked versions).
        targets: the targets, routes first.
        flags: (sentence, route name as the store keys dismissals: ``argos+apertium``) -> its flags.
    """

    doc_id: str
    lang: str
    frame: pd.DataFrame
    targets: Sequence[Target]
    flags: Mapping[tuple[int, str], Sequence[FidelityFlag]]
    _rows: dict[tuple[int, str], list[dict[str, Any]]] = field(default_factory=dict, repr=False)

    def rows(self, index: int, target: str) -> list[dict[str, Any]]:
        """The projection rows of source sentence ``index`` in the target named ``target`` (``argos en>pt``)."""
        if not self._rows and len(self.frame):
            records = self.frame.astype(object).where(self.frame.notna(), None).to_dict("records")
            for row in records:
                self._rows.setdefault((int(row["sentence"]), str(row["target"])), []).append(row)
        return list(self._rows.get((index, target), []))

    def route(self, engine: str) -> Target | None:
        """The route target of a route name (``argos``, ``argos+apertium``)."""
        return next((t for t in self.targets if t.kind == "route" and t.engine == engine), None)


_cache: weakref.WeakKeyDictionary[Store, dict[tuple[str, str], tuple[object, DocumentProjection]]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()
_KEPT = 8  # (document, language) pairs kept per store


def _stamp(store: Store, doc_id: str, lang: str) -> object:
    from annot.schema import PROJECT_FILE

    try:
        stat = (store.path / PROJECT_FILE).stat()
        project_file: object = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        project_file = None
    translations = store.translation_stamp(doc_id, lang)
    decisions = len(store.flag_decisions(doc_id))
    return store.annotation_revision(), translations, decisions, project_file


def document_projection(store: Store, doc: str | Document, lang: str) -> DocumentProjection:
    """The document's projection into ``lang`` and its routes' flags, recomputed only when stale.

    Args:
        store: the project.
        doc: the source document version (a ``Document`` or its id).
        lang: ISO 639-1 code of the targets.
    """
    document = store.document(doc) if isinstance(doc, str) else doc
    stamp = _stamp(store, document.id, lang)
    with _lock:
        kept = _cache.get(store, {}).get((document.id, lang))
    if kept is not None and kept[0] == stamp:
        return kept[1]
    targets = find_targets(store, document, lang)
    frame = project_targets(store, document, targets)
    sources = {s.index: s.text for s in store.get_sentences(document)}
    flags: dict[tuple[int, str], Sequence[FidelityFlag]] = {}
    by_key: dict[tuple[str, int], list[dict[str, Any]]] = {}
    if len(frame):
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for row in records:
            by_key.setdefault((str(row["target"]), int(row["target_sentence"])), []).append(row)
    for tgt in targets:
        if tgt.kind != "route":
            continue
        for index, text in tgt.texts.items():
            rows = by_key.get((tgt.name, index), [])
            flags[(index, tgt.engine)] = sentence_flags(sources.get(index, ""), document.lang, text.text, tgt.lang,
                                                        tgt.others, rows)  # fmt: skip
    found = DocumentProjection(document.id, lang, frame, targets, flags)
    with _lock:
        entries = _cache.setdefault(store, {})
        entries.pop((document.id, lang), None)
        entries[(document.id, lang)] = (stamp, found)
        while len(entries) > _KEPT:
            del entries[next(iter(entries))]
    return found
