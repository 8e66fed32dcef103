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
from typing import TYPE_CHECKING, Any

from annot.project.agree import disagreements
from annot.project.core import COLUMNS, Prepared, frame_of, prepare
from annot.project.fidelity import DISPUTED, FidelityFlag, sentence_flags
from annot.project.lexicon import Lexicon
from annot.project.novel import lost_names
from annot.project.pair import Aligner
from annot.project.targets import Target, find_targets, linked_targets
from annot.project.wordalign import merge_lexicons

if TYPE_CHECKING:
    import pandas as pd

    from annot.model import Document
    from annot.store import Store

__all__ = ["DocumentProjection", "document_projection"]


class DocumentProjection:
    """One document's projection into one language, and the fidelity flags of its routes, sentence by sentence.

    Each source sentence is projected into every target the first time something asks for it (the MT pane
    asks for the sentence on screen; ``frame`` asks for all), and kept. What every sentence reads -- the
    targets, the units, the names table, the lexicons -- is read once (``annot.project.core.prepare``).

    Attributes:
        doc_id: the source document version.
        lang: the targets' language.
        targets: the targets, routes first.
        flags: (sentence, route name as the store keys dismissals: ``argos+apertium``) -> its flags.
    """

    def __init__(self, ready: Prepared, lang: str) -> None:
        self.doc_id, self.lang, self.targets = ready.doc.id, lang, ready.targets
        self._ready = ready
        self._rows: dict[int, list[tuple[Any, ...]]] = {}  # source sentence -> its rows, every target
        self._records: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self._aligners: dict[tuple[str, int], Aligner] = {}
        self._frame: pd.DataFrame | None = None
        self._lock = threading.RLock()
        self.flags: Mapping[tuple[int, str], Sequence[FidelityFlag]] = _Flags(self)

    @property
    def frame(self) -> pd.DataFrame:
        """``annot.project``'s rows for every target (routes and linked versions), every sentence."""
        with self._lock:
            if self._frame is None:
                self._frame = frame_of([row for i in sorted(self._ready.texts) for row in self._sentence_rows(i)])
            return self._frame

    def rows(self, index: int, target: str) -> list[dict[str, Any]]:
        """The projection rows of source sentence ``index`` in the target named ``target`` (``argos en>pt``)."""
        with self._lock:
            self._sentence_rows(index)
            return list(self._records.get((index, target), []))

    def target_rows(self, index: int, target: str) -> list[dict[str, Any]]:
        """The rows whose *target* sentence is ``index`` in ``target`` (a route's: the source's sentence)."""
        with self._lock:
            self._sentence_rows(index)
            return [r for r in self._records.get((index, target), []) if r["target_sentence"] == index]

    def aligner(self, target: str, index: int) -> Aligner | None:
        """The word aligner of sentence ``index`` and its text in ``target``."""
        with self._lock:
            self._sentence_rows(index)
            return self._aligners.get((target, index))

    def lexicon_of(self, target: Target) -> Lexicon:
        """The lexicon ``target`` was projected with; a linked version new here gets its language's routes'."""
        lexicons = self._ready.lexicons
        if target.name in lexicons:
            return lexicons[target.name]
        return merge_lexicons(lexicons[t.name] for t in self.targets if t.lang == target.lang and t.name in lexicons)

    def route(self, engine: str) -> Target | None:
        """The route target of a route name (``argos``, ``argos+apertium``)."""
        return next((t for t in self.targets if t.kind == "route" and t.engine == engine), None)

    def _sentence_rows(self, index: int) -> list[tuple[Any, ...]]:
        if index not in self._rows:
            # A bead of two source sentences is projected whole; each keeps the rows of its own sentence.
            rows = [row for row in self._ready.rows({index}, self._aligners) if row[_SENTENCE] == index]
            self._rows[index] = rows
            if rows:
                frame = frame_of(rows)
                for record in frame.astype(object).where(frame.notna(), None).to_dict("records"):
                    self._records.setdefault((index, str(record["target"])), []).append(record)
        return self._rows[index]


_SENTENCE = COLUMNS.index("sentence")


class _Flags(Mapping[tuple[int, str], Sequence[FidelityFlag]]):
    """(sentence, route name) -> its flags: the projection's (``sentence_flags``), names lost (``lost_names``)
    and the other translations' word disagreements (``annot.project.agree``), worked out per sentence and kept."""

    def __init__(self, projection: DocumentProjection) -> None:
        self._projection = projection
        self._doc = projection._ready.doc
        self._sources = projection._ready.texts
        self._targets = projection.targets
        self._routes = {t.engine: t for t in self._targets if t.kind == "route"}
        self._keys = [(i, t.engine) for t in self._routes.values() for i in sorted(t.texts)]
        self._done: dict[tuple[int, str], list[FidelityFlag]] = {}

    def __getitem__(self, key: tuple[int, str]) -> Sequence[FidelityFlag]:
        index, engine = key
        with self._projection._lock:
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
        source, projection = self._sources.get(index, ""), self._projection
        versions = {t.name: t for t in self._targets if index in t.texts and t.texts[index].sentences == (index,)}
        aligners = {name: projection.aligner(name, index) for name in versions}
        links = {name: aligner.links for name, aligner in aligners.items() if aligner is not None}
        texts = {name: versions[name].texts[index].text for name in links}
        lang = next(iter(self._routes.values())).lang
        differ = disagreements(source, self._doc.lang, links, texts, lang) if links else {}
        for engine, tgt in self._routes.items():
            if index not in tgt.texts:
                continue
            text = tgt.texts[index].text
            found = sentence_flags(source, self._doc.lang, text, tgt.lang, tgt.others,
                                   projection.target_rows(index, tgt.name))  # fmt: skip
            taken = [(f.start, f.end) for f in found if f.start is not None and f.end is not None]
            aligner = aligners.get(tgt.name)
            for start, end, word, detail in lost_names(source, self._doc.lang, aligner, text) if aligner else ():
                if not any(f.kind == "lost" and word in f.value for f in found):
                    there = text[start:end] if start is not None else ""
                    found.append(FidelityFlag("lost", word, detail, start, end, there))
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
    decisions = store.flag_decision_revision()
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
    if kept is not None and kept[0][1:3] == stamp[1:3]:
        # Only annotations, links, dismissals or the project file moved (an annotator's edit): the routes and
        # their lexicons stay; the units, the names table and the linked versions are read again.
        before = kept[1]
        routes = [t for t in before.targets if t.kind == "route"]
        targets = [*routes, *linked_targets(store, document, lang)]
        ready = prepare(store, document, targets, lexicon="off", lazy=True)
        ready.lexicons = {t.name: before.lexicon_of(t) for t in targets}
    else:
        ready = prepare(store, document, find_targets(store, document, lang), lazy=True)
    found = DocumentProjection(ready, lang)
    with _lock:
        entries = _cache.setdefault(store, {})
        entries.pop((document.id, lang), None)
        entries[(document.id, lang)] = (stamp, found)
        while len(entries) > _KEPT:
            del entries[next(iter(entries))]
    return found
