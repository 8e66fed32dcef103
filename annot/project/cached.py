"""A document's projection and fidelity flags into one language, kept until what they depend on changes.

The MT pane asks on every move and compare once per run; both read
``document_projection``. It is recomputed when the document's spans, links
or alignments change (``Store.annotation_revision``), when a translation into
the language is added (the translations' count and newest time), when words are
added to the lexicons' cache (``Store.text_translation_revision``), when a flag
is dismissed, or when the project file (its ``[aliases]``, cue lists) changes;
else the kept one is returned.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annot.project.agree import disagreements
from annot.project.core import project_targets
from annot.project.fidelity import DISPUTED, FidelityFlag, sentence_flags
from annot.project.novel import lost_names
from annot.project.pair import Aligner
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
        flags: (sentence, route name as the store keys dismissals: ``argos+apertium``) -> its flags, worked
            out on first use per sentence (the MT pane asks for one sentence at a time).
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
            for row in _records(self.frame):
                self._rows.setdefault((int(row["sentence"]), str(row["target"])), []).append(row)
        return list(self._rows.get((index, target), []))

    def route(self, engine: str) -> Target | None:
        """The route target of a route name (``argos``, ``argos+apertium``)."""
        return next((t for t in self.targets if t.kind == "route" and t.engine == engine), None)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


class _Flags(Mapping[tuple[int, str], Sequence[FidelityFlag]]):
    """(sentence, route name) -> its flags: the projection's (``sentence_flags``) and the other routes' word
    disagreements (``annot.project.agree``), worked out for a whole sentence on first use and kept."""

    def __init__(self, doc: Document, sources: Mapping[int, str], targets: Sequence[Target],
                 frame: pd.DataFrame, aligners: Mapping[tuple[str, int], Aligner]) -> None:  # fmt: skip
        self._doc, self._sources, self._targets, self._aligners = doc, sources, targets, aligners
        self._routes = {t.engine: t for t in targets if t.kind == "route"}
        self._keys = [(i, t.engine) for t in self._routes.values() for i in sorted(t.texts)]
        self._by_key: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for row in _records(frame) if len(frame) else ():
            self._by_key.setdefault((str(row["target"]), int(row["target_sentence"])), []).append(row)
        self._done: dict[tuple[int, str], list[FidelityFlag]] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: tuple[int, str]) -> Sequence[FidelityFlag]:
        index, engine = key
        with self._lock:
            if key not in self._done:
                if engine not in self._routes or index not in self._routes[engine].texts:
                    raise KeyError(key)
                self._sentence(index)
            return self._done[key]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def _sentence(self, index: int) -> None:
        source = self._sources.get(index, "")
        versions = {t.name: t for t in self._targets if index in t.texts and t.texts[index].sentences == (index,)}
        links = {name: self._aligners[(name, index)].links for name in versions if (name, index) in self._aligners}
        texts = {name: versions[name].texts[index].text for name in links}
        differ = disagreements(source, self._doc.lang, links, texts, next(iter(self._routes.values())).lang) \
            if links else {}  # fmt: skip
        for engine, tgt in self._routes.items():
            if index not in tgt.texts:
                continue
            text = tgt.texts[index].text
            found = sentence_flags(source, self._doc.lang, text, tgt.lang, tgt.others,
                                   self._by_key.get((tgt.name, index), []))  # fmt: skip
            taken = [(f.start, f.end) for f in found if f.start is not None and f.end is not None]
            aligner = self._aligners.get((tgt.name, index))
            for start, end, word, detail in (
                lost_names(source, self._doc.lang, aligner, text) if aligner is not None else ()
            ):
                if not any(f.kind == "lost" and word in f.value for f in found):
                    found.append(
                        FidelityFlag("lost", word, detail, start, end, text[start:end] if start is not None else "")
                    )
            for d in differ.get(tgt.name, ()):
                if not any(d.start < e and s < d.end for s, e in taken):
                    found.append(FidelityFlag(DISPUTED, f"{d.source} -> {d.text}", d.detail, d.start, d.end, d.text))
            self._done[(index, engine)] = found


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
    return store.annotation_revision(), translations, store.text_translation_revision(), decisions, project_file


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
    aligners: dict[tuple[str, int], Aligner] = {}
    frame = project_targets(store, document, targets, aligners=aligners)
    sources = {s.index: s.text for s in store.get_sentences(document)}
    flags = _Flags(document, sources, targets, frame, aligners)
    found = DocumentProjection(document.id, lang, frame, targets, flags)
    with _lock:
        entries = _cache.setdefault(store, {})
        entries.pop((document.id, lang), None)
        entries[(document.id, lang)] = (stamp, found)
        while len(entries) > _KEPT:
            del entries[next(iter(entries))]
    return found
