"""Joins the stages: files -> documents -> sentences -> store, and sentences -> translations -> store (cached)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annot.errors import CorpusError, EngineError, ModelNotInstalled, PartialTranslation
from annot.ingest import read_file, walk
from annot.model import Document, Sentence, Translation, TranslationFailure, format_sentences, source_key
from annot.progress import Progress, resolve_progress
from annot.segment import segment
from annot.store import AddResult, Store
from annot.translate import Route, reachable, routes_for, unreachable_error

__all__ = [
    "EngineRun", "IngestReport", "Plan", "Skipped", "TranslateReport", "ingest", "only_sentences_failed",
    "open_project", "plan_translation", "raise_failures", "texts_to_translate", "translate", "translate_cached",
    "translate_document",
]  # fmt: skip


@dataclass(slots=True)
class IngestReport:
    """What an ingest did: documents read, what the store did with each, and refused inputs."""

    documents: list[Document] = field(default_factory=list)
    results: list[AddResult] = field(default_factory=list)
    errors: list[CorpusError] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)  # annot/1 exports met in a folder and skipped

    @property
    def notes(self) -> list[str]:
        """One line per file skipped that people should know about: annot exports, to import instead."""
        return [f"{path} is an annot export, not an article: use annot import {path}" for path in self.exports]

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
        filled = sum(bool(r.metadata) for r in self.results)
        if filled:
            parts.append(f"metadata filled in on {filled}")
        moved = sum(len(r.reanchored) for r in self.results)
        orphaned = sum(len(r.orphaned) for r in self.results)
        if moved or orphaned:
            parts.append(f"{moved} spans re-anchored, {orphaned} orphaned")
        if self.exports:
            parts.append(f"{len(self.exports)} annot {'export' if len(self.exports) == 1 else 'exports'} skipped"
                         " (use annot import)")  # fmt: skip
        return ", ".join(parts)


def open_project(
    path: str | os.PathLike[str] = "project", *, create: bool = True, annotator: str | None = None
) -> Store:
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
    a changed text under the same key (the file's path or JSONL ``id``) becomes a
    new version whose spans are re-anchored (see ``AddResult``). An annot/1
    export met in a folder is not an article: it is skipped and named in
    ``report.exports`` (``report.notes``), to be read with ``import_jsonl``.

    A file's key and source are its path from the project folder's parent
    (from the current folder without a store), or, for a file outside it, from
    beside the path named in ``paths`` (``model.source_key``): never an absolute
    path, and the same from any working directory.

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
    found = walk(paths)
    files = found.files
    home = store.home if store is not None else Path.cwd()
    report = IngestReport(exports=found.exports)
    with resolve_progress(progress, "ingesting") as update:
        for done, (path, named) in enumerate(files, 1):
            name = source_key(path, home=home, named=named)
            try:
                items = read_file(path, lang=lang, name=name)
            except CorpusError as exc:
                items = [exc]
            for item in items:
                if isinstance(item, CorpusError):
                    report.errors.append(item)
                    continue
                report.documents.append(item)
                if store is not None:
                    # annot before store schema 4 keyed a file by its absolute path: rename, not duplicate.
                    legacy = (str(path.resolve()),) if item.key == name else ()
                    report.results.append(store.add_document(item, segment(item), aliases=legacy))
            if update is not None:
                update(done, len(files), str(Path(path)))
    return report


@dataclass(slots=True)
class EngineRun:
    """What one engine did for one document."""

    doc_id: str
    engine: str
    route: str
    signature: str
    translated: int = 0
    cached: int = 0
    kept: int = 0
    failed: list[int] = field(default_factory=list)
    error: str = ""
    reasons: dict[int, str] = field(default_factory=dict)  # sentence -> why the engine failed on it alone (stored)
    known_failed: int = 0  # sentences left alone: the engine failed on them before (``retry_failed=False``)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A document, or one engine's share of it, left untranslated: no installed route from its language."""

    doc_id: str
    lang: str
    engine: str | None  # None: no engine at all reaches the target from ``lang``
    reason: str


@dataclass(slots=True)
class TranslateReport:
    """What ``translate`` did, per document and engine, and what it skipped."""

    runs: list[EngineRun] = field(default_factory=list)
    skipped_engines: dict[str, str] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

    def skipped_summary(self) -> list[str]:
        """One line per source language with skipped documents: how many, by which engines, and why.

        ``ru: 8 documents not translated (no installed engine translates ru->en ...)``; an engine
        named but without a route from a language gives ``sk: 1 document not translated by apertium (...)``.
        """
        by_lang: dict[tuple[str, str | None], list[Skipped]] = {}
        for skip in self.skipped:
            by_lang.setdefault((skip.lang, skip.engine), []).append(skip)
        lines = []
        for (lang, engine), skips in sorted(by_lang.items(), key=lambda item: (item[0][0], item[0][1] or "")):
            docs = len({s.doc_id for s in skips})
            by = f" by {engine}" if engine else ""
            reason = " ".join(skips[0].reason.split())
            lines.append(f"{lang}: {docs} document{'s' if docs != 1 else ''} not translated{by} ({reason})")
        return lines

    @property
    def failures(self) -> list[EngineRun]:
        """Runs where the engine failed part way (what was done before is stored)."""
        return [run for run in self.runs if run.error]

    def summary(self) -> str:
        """One line: ``28 translated, 14 from cache, 0 already there, 0 failed (2 engines, 1 document)``."""
        translated = sum(r.translated for r in self.runs)
        rate = f" at {translated / self.seconds:.0f} sentences/s" if translated and self.seconds else ""
        return (
            f"{translated} translated{rate}, {sum(r.cached for r in self.runs)} from cache,"
            f" {sum(r.kept for r in self.runs)} already there, {sum(len(r.failed) for r in self.runs)} failed"
            f" ({len({r.engine for r in self.runs})} engines, {len({r.doc_id for r in self.runs})} documents)"
        )


def translate(
    docs: str | Document | Sequence[str | Document] | None,
    store: Store,
    *,
    to: str,
    engines: Sequence[str] | str | None = None,
    pivot: bool = True,
    sentences: Collection[int] | None = None,
    force: bool = False,
    batch_size: int = 64,
    progress: Progress | bool | None = None,
    retry_failed: bool = True,
) -> TranslateReport:
    """Translate every sentence of ``docs`` into ``to`` with each engine and store the results.

    Each engine takes its route by the rule of ``annot.translate.routes``: its
    own pair, else through one pivot language, by itself (``en>es>pt``) or with
    another installed engine for one hop (argos es->en is apertium es>pt, then
    argos pt>en, named ``argos+apertium``). A sentence already translated by the
    same route signature (engines, models, versions, pairs) is never translated
    again: in this document it is kept, elsewhere (another document, an older
    version, a cached text) it is copied from the store. Results are stored batch
    by batch, so an engine failing part way keeps what it did; the failure is in
    the report and raised at the end.

    Args:
        docs: document references or ``Document`` objects; ``None`` for every current document.
        store: the project.
        to: ISO 639-1 target language.
        engines: engine or route names as annot prints them (``"argos"``,
            ``"argos+apertium"``: argos with only apertium's help; see ``annot
            engines``); ``None`` for every installed engine.
        pivot: ``False`` to use direct pairs only (``annot translate --no-pivot``).
        sentences: only these sentence indexes of each document (indexes a
            document lacks are ignored); ``None`` for every sentence. The
            annotation widget translates a document a few sentences at a time this way.
        force: translate again even what is stored or cached.
        batch_size: sentences per engine call.
        progress: ``True`` for a progress bar, or ``progress(done, total, what)``.
        retry_failed: translate again the sentences the same route failed on
            before (``Store.get_translation_failures``); ``False`` leaves them
            failed (the MT pane and compare, which must not retry them on every look).

    Returns:
        The report; ``report.summary()`` is one line for people. Documents
        whose language no engine (or no engine named) reaches are skipped and
        listed, every one of them, in ``report.skipped`` (per language:
        ``report.skipped_summary()``); with ``engines=None``, engines that
        cannot reach ``to`` from some language are listed in
        ``report.skipped_engines``. Everything that can be translated is.

    Raises:
        ModelNotInstalled: nothing at all could be translated: no engine (or no
            engine named) reaches ``to`` from any document's language (the
            message lists the languages that can be reached).
        EngineNotInstalled: an engine asked for by name is missing its backend.
        EngineError: an unknown engine or route name, or an engine failed part
            way (after everything else was stored).
    """
    report, plans = plan_translation(docs, store, to=to, engines=engines, pivot=pivot, sentences=sentences)
    total = sum(len(todo) for _, todo, _ in plans)
    started = time.perf_counter()
    with resolve_progress(progress, f"translating to {to}") as update:
        done = 0
        for doc, todo, route in plans:

            def tick(n: int, what: str, base: int = done) -> None:
                if update is not None:
                    update(base + n, total, what)

            report.runs.append(translate_document(store, doc, todo, route, force=force, batch_size=batch_size,
                                                  tick=tick, retry_failed=retry_failed))  # fmt: skip
            done += len(todo)
    report.seconds = time.perf_counter() - started
    raise_failures(report)
    return report


#: One unit of translation work: a document, the sentences of it to translate, the route to take.
Plan = tuple[Document, list[Sentence], Route]


def plan_translation(
    docs: str | Document | Sequence[str | Document] | None,
    store: Store,
    *,
    to: str,
    engines: Sequence[str] | str | None = None,
    pivot: bool = True,
    sentences: Collection[int] | None = None,
) -> tuple[TranslateReport, list[Plan]]:
    """What ``translate`` will do: a report holding what is skipped, and one plan per document and route.

    ``translate`` and the distributed batch runner (``annot.batch``) both plan through it, so they skip,
    route and report alike. Arguments and errors are ``translate``'s.

    Returns:
        The report, with ``skipped`` and ``skipped_engines`` filled in, and the plans in document order.

    Raises:
        ModelNotInstalled: no engine (or no engine named) reaches ``to`` from any document's language.
        EngineNotInstalled: an engine asked for by name is missing its backend.
        EngineError: an unknown engine or route name.
    """
    if docs is None:
        documents = list(store.iter_documents())
    else:
        refs = [docs] if isinstance(docs, (str, Document)) else list(docs)
        documents = [d if isinstance(d, Document) else store.document(d) for d in refs]
    names = [engines] if isinstance(engines, str) else None if engines is None else list(engines)
    report = TranslateReport()
    by_lang: dict[str, list[Route]] = {}
    missing: dict[str, dict[str | None, str]] = {}  # language -> engine (None: every engine) -> why not
    plans: list[Plan] = []
    wanted = None if sentences is None else set(sentences)
    for doc in documents:
        if doc.lang == to:
            continue
        if doc.lang not in by_lang:
            by_lang[doc.lang], missing[doc.lang] = _routes_from(report, doc.lang, to, names, pivot=pivot)
        # Every document a route misses is reported, whatever its language (not only the first's).
        report.skipped.extend(Skipped(doc.id, doc.lang, engine, why) for engine, why in missing[doc.lang].items())
        if not by_lang[doc.lang]:
            continue
        doc_sentences = store.get_sentences(doc)
        if wanted is not None:
            doc_sentences = [s for s in doc_sentences if s.index in wanted]
        plans.extend((doc, doc_sentences, route) for route in by_lang[doc.lang])
    if by_lang and not plans:
        named = [why for whys in missing.values() for engine, why in whys.items() if engine is not None]
        if names is not None and len(set(by_lang)) == 1 and named:
            raise ModelNotInstalled(named[0])  # one language, engines named: why the first of them cannot
        raise unreachable_error(by_lang, to, pivot=pivot)
    return report, plans


def raise_failures(report: TranslateReport) -> None:
    """Raise ``EngineError`` (with ``report`` attached as ``.report``) when an engine failed on a run.

    Raises:
        EngineError: naming each engine, document and the sentences it failed on.
    """
    if report.failures:
        lines = [
            f"{r.engine} on {r.doc_id}: sentences {format_sentences(r.failed)} failed ({r.error})"
            for r in report.failures
        ]
        error = EngineError("; ".join(lines) + ". Everything else translated is stored; run again to retry.")
        error.report = report  # type: ignore[attr-defined]
        raise error


def _routes_from(
    report: TranslateReport, source: str, target: str, names: Sequence[str] | None, *, pivot: bool
) -> tuple[list[Route], dict[str | None, str]]:
    """The routes from ``source`` and, for the engines without one, why (``None``: no engine at all).

    An engine named without a route from this language is skipped for it, not
    for the project: a Slovak document without an apertium route must not stop
    the Spanish ones. A name annot does not know, or an engine missing its
    backend, still raises: those are not about the language.
    """
    why: dict[str | None, str] = {}
    if names is None:
        found = routes_for(source, target, None, pivot=pivot)
        routes = found.routes
        if routes:  # some engines reach: say why the others do not (else the language's own line says it)
            for name, reason in found.skipped.items():
                report.skipped_engines.setdefault(name, reason)
    else:
        routes = []
        for name in names:
            try:
                route = routes_for(source, target, [name], pivot=pivot).routes[0]
            except ModelNotInstalled as exc:
                why[name] = str(exc)
                continue
            if all(route.name != r.name for r in routes):
                routes.append(route)
    if not routes and names is None:
        reached = ", ".join(reachable(source, pivot=pivot)) or "nothing"
        why = {None: f"no installed engine translates {source}->{target}; from {source} annot reaches: {reached}"}
    return routes, why


def translate_cached(
    store: Store, route: Route, texts: Sequence[str], *, force: bool = False, batch_size: int = 64,
    record: Callable[[list[tuple[str, str]], bool], None] | None = None,
    tick: Callable[[int, str], None] | None = None,
) -> dict[str, str]:  # fmt: skip
    """``texts`` translated by ``route``: from the store's cache, the rest made now, batch by batch.

    The one cached translation path: document sentences (``translate``) and
    other texts (``compare``'s round trips) both go through it. The cache is the
    store: any sentence translation or cached text with the route's signature,
    in any document or version. Each group of new (text, translation) pairs is
    handed to ``record`` as soon as it exists, the cache's first (``cached`` True),
    then each batch the engines return, so an engine failing part way keeps what
    it did. Without ``record``, translations made are kept in the store's text cache.

    Args:
        store: the project (the cache).
        route: the route to translate by (``annot.translate.choose_route``).
        texts: what to translate; each distinct text is translated once.
        force: translate everything again, without reading the cache.
        batch_size: texts per engine call.
        record: ``record(pairs, cached)`` stores a group of pairs.
        tick: ``tick(n, what)`` after each batch translated, with its size.

    Returns:
        Text -> translation, for every distinct text.

    Raises:
        PartialTranslation: the engine failed on some texts only; every other text of every batch was
            translated and recorded (the exception's ``outputs`` follow the distinct texts).
        EngineError: an engine failed (the batches before were recorded).
    """
    signature = route.signature()

    def keep(pairs: list[tuple[str, str]], cached: bool) -> None:
        if not cached:
            store.add_text_translations(pairs, signature=signature, engine=route.name, source=route.source,
                                        target=route.target)  # fmt: skip

    save = record or keep
    wanted = list(dict.fromkeys(texts))
    found: dict[str, str] = {}
    if not force and wanted:
        found = store.cached_translations(wanted, signature)
        rest = [t for t in wanted if t not in found]
        found.update(store.cached_text_translations(rest, signature) if rest else {})
        if found:
            save([(t, found[t]) for t in wanted if t in found], True)
    todo = [t for t in wanted if t not in found]
    failed: dict[str, str] = {}
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        try:
            outputs: list[str | None] = list(route.translate(batch))
        except PartialTranslation as exc:  # a text the engine breaks on fails alone; its batch is kept
            outputs = exc.outputs
            failed.update({batch[i]: why for i, why in exc.reasons.items()})
        pairs = [(text, out) for text, out in zip(batch, outputs) if out is not None]
        save(pairs, False)
        found.update(pairs)
        if tick is not None:
            tick(len(batch), f"{route.name} {route.path}")
    if failed:
        where = {text: i for i, text in enumerate(wanted)}
        raise PartialTranslation([found.get(t) for t in wanted], {where[t]: why for t, why in failed.items()})
    return found


def only_sentences_failed(error: BaseException) -> bool:
    """Whether ``translate`` raised only because engines failed on single sentences (stored as failures).

    Those sentences are flagged where translations are shown; everything else was
    translated, so a caller that shows them (the MT pane, compare) can go on.
    """
    report = getattr(error, "report", None)
    return isinstance(report, TranslateReport) and all(set(r.failed) <= set(r.reasons) for r in report.failures)


def _done_before(
    store: Store, doc: Document, sentences: list[Sentence], route: Route, *, force: bool, batch_size: int,
    retry_failed: bool,
) -> tuple[set[int], int]:  # fmt: skip
    """The indexes of ``sentences`` stored by ``route``'s signature (or failed, without ``retry_failed``), and how
    many of them failed before."""
    signature, target = route.signature(), route.target
    if force:
        have: set[int] = set()
    elif len(sentences) <= batch_size:
        # A few sentences (the widget's batches): look them up one by one instead of reading
        # every translation of a long document for each batch.
        have = {t.index for s in sentences for t in store.get_translations(doc.id, target=target, index=s.index)
                if t.signature == signature}  # fmt: skip
    else:
        have = {t.index for t in store.get_translations(doc.id, target=target) if t.signature == signature}
    known_failed = 0
    if not retry_failed and not force:
        failed_before = {f.index for f in store.get_translation_failures(doc.id, target=target)
                         if f.signature == signature}  # fmt: skip
        known_failed = len({s.index for s in sentences} & failed_before)
        have |= failed_before
    return have, known_failed


def texts_to_translate(
    store: Store, doc: Document, sentences: list[Sentence], route: Route, *, force: bool = False,
    batch_size: int = 64,
) -> list[str]:  # fmt: skip
    """The distinct texts of ``sentences`` that ``translate_document`` would hand to the engine.

    Those not stored for this document by the route's signature, nor in the store's cache (unless ``force``):
    what a remote worker must translate (``annot.batch``) before ``translate_document`` stores it.
    """
    have, _ = _done_before(store, doc, sentences, route, force=force, batch_size=batch_size, retry_failed=True)
    texts = list(dict.fromkeys(s.text for s in sentences if s.index not in have))
    if force or not texts:
        return texts
    signature = route.signature()
    found = store.cached_translations(texts, signature)
    rest = [t for t in texts if t not in found]
    found.update(store.cached_text_translations(rest, signature) if rest else {})
    return [t for t in texts if t not in found]


def translate_document(
    store: Store, doc: Document, sentences: list[Sentence], route: Route, *, force: bool = False,
    batch_size: int = 64, tick: Callable[[int, str], None] | None = None, retry_failed: bool = True,
) -> EngineRun:  # fmt: skip
    """Translate ``sentences`` of ``doc`` by ``route`` and store them, batch by batch: one ``EngineRun``.

    Sentences stored by the route's signature are kept, the cache's are copied, the rest translated; an
    engine failing part way is recorded in the run (``run.error``) after storing what it did, and the
    sentences it failed on alone are stored as failures. Storing is idempotent: a translation is keyed by
    (document, sentence, signature), so running twice writes the same rows.

    Args:
        store: the project.
        doc: the document version.
        sentences: the sentences to translate (``store.get_sentences(doc)`` or some of them).
        route: the route (``plan_translation``).
        force: translate again even what is stored or cached.
        batch_size: sentences per engine call.
        tick: ``tick(done, what)`` after each batch stored, with the run's sentences done so far.
        retry_failed: translate again the sentences the route failed on before.

    Returns:
        What was translated, copied from the cache, kept, and what failed.
    """
    signature, model = route.signature(), route.model()
    run = EngineRun(doc.id, route.name, route.path, signature)
    target = route.target
    have, run.known_failed = _done_before(store, doc, sentences, route, force=force, batch_size=batch_size,
                                          retry_failed=retry_failed)  # fmt: skip
    todo = [s for s in sentences if s.index not in have]
    run.kept = len(sentences) - len(todo) - run.known_failed
    by_text: dict[str, list[Sentence]] = {}
    for s in todo:
        by_text.setdefault(s.text, []).append(s)
    done: set[str] = set()

    def record(pairs: list[tuple[str, str]], cached: bool) -> None:
        rows = [Translation(doc.id, s.index, route.name, model.name, model.version, route.source, target, route.path,
                            signature, text) for source, text in pairs for s in by_text[source]]  # fmt: skip
        store.add_translations(rows)
        done.update(source for source, _ in pairs)
        if cached:
            run.cached += len(rows)
        else:
            run.translated += len(rows)
        if tick is not None:
            tick(run.kept + run.cached + run.translated, f"{route.name} {route.path}")

    texts = list(by_text)
    try:
        translate_cached(store, route, texts, force=force, batch_size=batch_size, record=record)
    except EngineError as exc:
        run.failed = [s.index for s in todo if s.text not in done]
        run.error = str(exc)
        if isinstance(exc, PartialTranslation):  # the sentences it failed on alone: kept, so they can be flagged
            run.reasons = {s.index: why for i, why in exc.reasons.items() for s in by_text[texts[i]]}
            store.add_translation_failures(
                TranslationFailure(doc.id, index, route.name, model.name, model.version, route.source, target,
                                   route.path, signature, why) for index, why in run.reasons.items()
            )  # fmt: skip
    return run
