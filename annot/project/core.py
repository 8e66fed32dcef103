"""``annot.project``: every annotation of a document, found in each of its translations, as a DataFrame.

One row per source unit (``annot.project.units``: each ACTOR and QUANTITY
span, each STANCE's cue and holder) and per target (``annot.project.targets``:
each stored route, each linked version), with what became of it (``kept``,
``changed``, ``lost``: ``annot.project.match``), and one ``added`` row per
thing a target has that its source does not: a number, a weekday or date,
a named place (``annot.project.detect``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from annot.errors import AnnotError
from annot.model import Document, Sentence, Span, Status
from annot.names import name_key, read_aliases
from annot.project.dates import added_numbers, time_changes
from annot.project.lexicon import Lexicon, fill_lexicons, lexicons, queries
from annot.project.match import place_units
from annot.project.novel import added_places, unlinked_names
from annot.project.pair import Aligner, Placement, SentencePair
from annot.project.targets import Target, TargetText, find_targets
from annot.project.units import Unit, source_units
from annot.project.wordalign import align_words, lexicon_words

if TYPE_CHECKING:
    import pandas as pd

    from annot.store import Store

__all__ = [
    "COLUMNS",
    "LEXICON_MODES",
    "STATUSES",
    "Prepared",
    "frame_of",
    "prepare",
    "project",
    "project_rows",
    "project_targets",
]

#: What became of a unit in a target; ``added``: something the target has that the source does not.
STATUSES = ("kept", "changed", "lost", "added")
#: How sure an ``added`` row is: a detector's finding, not a placement.
ADDED_CONFIDENCE = 0.7
#: How ``project`` gets the aligner's word translations (``annot.project.lexicon``).
LEXICON_MODES = ("cached", "fill", "off")
#: The columns of ``project``'s frame, in order.
COLUMNS = (
    "span_id", "label", "part", "source_text", "sentence", "target", "kind", "engine", "route", "signature",
    "target_sentence", "status", "target_start", "target_end", "target_text", "method", "confidence", "detail",
    "problem",
)  # fmt: skip


def project(
    store: Store, doc: str | Document, target: str, *, engines: Sequence[str] | None = None,
    references: bool = True, lexicon: str = "fill", progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Carry the document's spans into each translation of it into ``target``: one row per unit and target.

    Args:
        store: the project.
        doc: the source document (any reference ``Store.document`` takes).
        target: ISO 639-1 code of the translations.
        engines: only these routes (``argos``, ``argos+apertium``, or a whole name ``apertium en>es>pt``); every
            stored route by default.
        references: also the linked versions in ``target`` (``annot link``), through their sentence alignment.
        lexicon: the word translations the aligner uses (``annot.project.lexicon``): ``fill`` (translate the
            words not cached yet with each installed route first: once per word and route, then read from the
            store), ``cached`` (the store's cache only: no engine runs, as the MT pane does), or ``off``.
        progress: called with (steps done, steps): filling each route's lexicon, then projecting each target.

    Returns:
        ``COLUMNS``: ``span_id``, ``label``, ``part`` (``span``, ``cue``, ``holder``, or ``added``),
        ``source_text``, ``sentence`` (the source sentence), ``target`` (``argos en>pt``, ``reference:<id>``),
        ``kind`` (``route`` or ``reference``), ``engine``, ``route``, ``signature``, ``target_sentence`` (the
        target document's sentence for a reference, the source's for a route), ``status`` (``STATUSES``),
        ``target_start``/``target_end`` (code points in the target sentence; missing when lost),
        ``target_text``, ``method``, ``confidence``, ``detail`` and ``problem`` (the fidelity flag the row
        raises, ``annot.project.fidelity.FIDELITY_KINDS``, "" for none). Accepted spans only (a pending
        suggestion is not an annotation yet; a rejected one is none). No stored translation and no
        linked version gives an empty frame with these columns.
    """
    document = store.document(doc) if isinstance(doc, str) else doc
    targets = find_targets(store, document, target, engines=engines, references=references)
    return project_targets(store, document, targets, lexicon=lexicon, progress=progress)


@dataclass
class Prepared:
    """What projecting one document reads once, however many sentences are projected: its sentences and units,
    the targets, the names table and each target's lexicon (``prepare``).

    With ``store`` set (``prepare(..., lazy=True)``), a sentence's units are read when it is first projected
    (``Store.spans_starting``), not the whole document's up front.
    """

    doc: Document
    targets: list[Target]
    texts: dict[int, str]
    by_sentence: dict[int, list[Unit]]
    table: dict[str, list[str]]
    lexicons: dict[str, Lexicon]
    cues: dict[str, Any]
    store: Store | None = None
    sentences: dict[int, Sentence] | None = None
    _order: list[Sentence] = field(default_factory=list, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)

    def units(self, index: int) -> list[Unit]:
        """The units of source sentence ``index``."""
        if self.store is None or self.sentences is None or index in self.by_sentence:
            return self.by_sentence.get(index, [])
        sentence = self.sentences.get(index)
        found: list[Unit] = []
        if sentence is not None:
            spans = self.store.spans_starting(self.doc.id, sentence.start, sentence.end, status=Status.ACCEPTED)
            held = [str(s.attrs.get("holder_span") or "") for s in spans if s.label == "STANCE"]
            known = {s.id for s in spans}
            for ident in dict.fromkeys(h for h in held if h and h not in known):
                try:  # a holder tagged in another sentence: its span, read by id
                    spans.append(self.store.get_span(ident))
                except AnnotError:
                    continue
            found = [u for u in source_units(self._around(spans), spans, self.cues_of_source) if u.sentence == index]
        self.by_sentence[index] = found
        return found

    def _around(self, spans: Sequence[Span]) -> list[Sentence]:
        """The sentences the spans touch, in order (a STANCE's statement may run into the next sentence)."""
        assert self.sentences is not None
        if self._starts is None:
            self._order = [self.sentences[i] for i in sorted(self.sentences)]
            self._starts = [s.start for s in self._order]
        touched: set[int] = set()
        for span in spans:
            first = max(bisect.bisect_right(self._starts, span.start) - 1, 0)
            last = max(bisect.bisect_right(self._starts, max(span.end - 1, span.start)) - 1, 0)
            touched.update(range(first, last + 1))
        return [self._order[k] for k in sorted(touched)]

    @property
    def cues_of_source(self) -> Any:
        return self.cues[_SOURCE_CUES]

    def rows(
        self, only: Collection[int] | None = None, aligners: dict[tuple[str, int], Aligner] | None = None
    ) -> list[tuple[Any, ...]]:
        """The frame's rows for every target, of all sentences or of the source sentences ``only``."""
        rows: list[tuple[Any, ...]] = []
        for tgt in self.targets:
            rows.extend(self.target_rows(tgt, only, aligners))
        return rows

    def target_rows(
        self, tgt: Target, only: Collection[int] | None = None, aligners: dict[tuple[str, int], Aligner] | None = None
    ) -> list[tuple[Any, ...]]:
        """One target's rows (of the source sentences ``only``: a bead is projected whole when one of its is)."""
        return _target_rows(self, tgt, only, aligners)


_SOURCE_CUES = "\0source"  # the key of the source language's cue lists in ``Prepared.cues``


def check_lexicon(lexicon: str) -> None:
    """Raise ``AnnotError`` naming the modes unless ``lexicon`` is one of ``LEXICON_MODES``."""
    if lexicon not in LEXICON_MODES:
        raise AnnotError(f"Unknown lexicon mode {lexicon!r}; use one of {', '.join(LEXICON_MODES)}.")


def prepare(
    store: Store, doc: Document, targets: Iterable[Target], *, lexicon: str = "cached",
    progress: Callable[[int, int], None] | None = None, lazy: bool = False,
    table: dict[str, list[str]] | None = None,
    read: tuple[list[Sentence], list[Unit], dict[str, Lexicon]] | None = None,
) -> Prepared:  # fmt: skip
    """Read what projecting ``doc`` into ``targets`` needs, filling the lexicons first when ``lexicon`` is ``fill``.

    Args:
        progress: called with (routes filled, routes + targets) while filling.
        lazy: read each sentence's units when it is projected, not the document's now (the lexicons then
            hold the document's words only, not its multi-word units).
        table: the names table of the targets' languages (``names_table``), when the caller has read it.
        read: the document's sentences, units and lexicons when the caller has read them (``lexicon``
            ``cached`` or ``off``, not ``lazy``): ``annot.project.stored`` reads them for its stamp first.

    Raises:
        AnnotError: ``lexicon`` is not ``cached``, ``fill`` or ``off``.
    """
    check_lexicon(lexicon)
    targets = list(targets)
    if read is not None:
        sentences, units, found = read
    else:
        sentences = store.get_sentences(doc)
        spans = [] if lazy else list(store.iter_spans(doc.id, status=Status.ACCEPTED))
        units = source_units(sentences, spans, store.schema.stance_cues(doc.lang))
    texts = {s.index: s.text for s in sentences}
    by_sentence: dict[int, list[Unit]] = {}
    for unit in units:
        by_sentence.setdefault(unit.sentence, []).append(unit)
    if read is None:
        wanted = queries(texts, units) if lexicon != "off" and (units or lazy) else []
        if lexicon == "fill" and wanted:
            fill_lexicons(store, doc.lang, targets, wanted,
                          progress=(lambda d, t: progress(d, t + len(targets))) if progress else None)  # fmt: skip
        found = lexicons(store, doc.lang, targets, wanted) if wanted else {}
    cues: dict[str, Any] = {lang: store.schema.stance_cues(lang) for lang in {t.lang for t in targets}}
    cues[_SOURCE_CUES] = store.schema.stance_cues(doc.lang)
    table = table if table is not None else names_table(store, {t.lang for t in targets})
    if not lazy:
        return Prepared(doc, targets, texts, by_sentence, table, found, cues)
    return Prepared(doc, targets, texts, {}, table, found, cues, store, {s.index: s for s in sentences})


def project_targets(
    store: Store, doc: Document, targets: Iterable[Target], *, lexicon: str = "cached",
    progress: Callable[[int, int], None] | None = None, aligners: dict[tuple[str, int], Aligner] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """``project`` over targets already gathered (``annot.project.targets.find_targets``).

    Args:
        aligners: filled with (target name, source sentence) -> the word aligner of that pair (its links
            made on first use), for a caller that compares translations word by word (``annot.project.agree``).

    Raises:
        AnnotError: ``lexicon`` is not ``cached``, ``fill`` or ``off``.
    """
    filling = [0]  # the routes whose lexicons are filled: steps before projecting each target

    def filled(done: int, total: int) -> None:
        filling[0] = total - len(targets)
        if progress is not None:
            progress(done, total)

    targets = list(targets)
    ready = prepare(store, doc, targets, lexicon=lexicon, progress=filled)

    def projected(done: int, total: int) -> None:
        if progress is not None:
            progress(filling[0] + done, filling[0] + total)

    return frame_of(project_rows(ready, progress=projected, aligners=aligners))


def project_rows(
    ready: Prepared, *, progress: Callable[[int, int], None] | None = None,
    aligners: dict[tuple[str, int], Aligner] | None = None,
) -> list[tuple[Any, ...]]:  # fmt: skip
    """Every target's rows of a document read whole (``prepare`` without ``lazy``): no store is read.

    The expensive part of projecting (word alignment, matching, detection), so it is what a Dask worker runs
    (``annot.batch``) on a ``Prepared`` the client read and sent; ``frame_of`` makes them ``project``'s frame.

    Args:
        ready: what ``prepare`` read (``lazy`` false: its ``store`` is ``None``).
        progress: called with (targets done, targets) after each target.
        aligners: as ``project_targets``'.

    Returns:
        The rows, in ``COLUMNS`` order, target by target.
    """
    rows: list[tuple[Any, ...]] = []
    for done, tgt in enumerate(ready.targets, 1):
        rows.extend(ready.target_rows(tgt, None, aligners))
        if progress is not None:
            progress(done, len(ready.targets))
    return rows


def frame_of(rows: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    """``project``'s frame from its rows (``COLUMNS``), typed."""
    import pandas as pd

    frame = pd.DataFrame.from_records(list(rows), columns=list(COLUMNS))
    for col in ("span_id", "source_text", "signature", "target_text", "detail", "method", "problem"):
        frame[col] = frame[col].astype("string")
    for col in ("sentence", "target_sentence", "target_start", "target_end"):
        frame[col] = frame[col].astype("Int64")
    frame["confidence"] = frame["confidence"].astype("float64")
    for col, values in (
        ("label", None),
        ("part", ("span", "cue", "holder", "added")),
        ("status", STATUSES),
        ("kind", ("route", "reference")),
        ("target", None),
        ("engine", None),
        ("route", None),
    ):
        frame[col] = pd.Categorical(frame[col], categories=values)  # fmt: skip
    return frame


def names_table(store: Store, langs: Iterable[str]) -> dict[str, list[str]]:
    """The names projection looks actors up by: the project's ``[aliases]``, and the actors already accepted.

    Each accepted ACTOR of a document in one of ``langs`` with a canonical name adds its text to that
    name's group ("Ministerio de Defensa bielorruso" to "Belarusian Defense Ministry"), so a name an
    annotator has tagged in a target language is found as written, without the aligner.

    Raises:
        SchemaError: the project's ``[aliases]`` table is invalid.
    """
    table = {head: list(names) for head, names in read_aliases(store.path).items()}
    docs = store.documents()
    for doc_id in docs.loc[docs["lang"].isin(set(langs)) & docs["spans"].gt(0), "id"]:
        for span in store.iter_spans(str(doc_id), label="ACTOR", status=Status.ACCEPTED):
            canonical, text = str(span.attrs.get("canonical") or "").strip(), span.text.strip()
            if canonical and text and name_key(canonical) != name_key(text):
                group = table.setdefault(canonical, [])
                if text not in group:
                    group.append(text)
    return table


def _pairs(
    tgt: Target, texts: dict[int, str], only: Collection[int] | None = None
) -> list[tuple[TargetText, str, dict[int, int]]]:
    """Each distinct target text with its source side (the bead's sentences joined) and their offsets there."""
    seen: dict[int, tuple[TargetText, str, dict[int, int]]] = {}
    for index in sorted(tgt.texts) if only is None else sorted(i for i in only if i in tgt.texts):
        text = tgt.texts[index]
        if id(text) in seen or index not in texts:
            continue
        offsets, parts, at = {}, [], 0
        for i in text.sentences:
            if i in texts:
                offsets[i] = at
                parts.append(texts[i])
                at += len(texts[i]) + 1
        seen[id(text)] = (text, " ".join(parts), offsets)
    return list(seen.values())


def _target_rows(
    ready: Prepared, tgt: Target, only: Collection[int] | None, aligners: dict[tuple[str, int], Aligner] | None
) -> list[tuple[Any, ...]]:
    doc, texts, table = ready.doc, ready.texts, ready.table
    cues, lexicon = ready.cues[tgt.lang], ready.lexicons.get(tgt.name)
    rows: list[tuple[Any, ...]] = []
    for text, source, offsets in _pairs(tgt, texts, only):
        links = partial(align_words, source, text.text, doc.lang, tgt.lang, lexicon=lexicon)
        vocabulary = partial(lexicon_words, source, lexicon)
        pair = SentencePair(
            source, offsets, text, doc.lang, tgt, table, cues, Aligner(links, text.text, vocabulary, lexicon)
        )
        if aligners is not None:
            aligners.update(((tgt.name, i), pair.align) for i in offsets)
        placed = place_units([u for i in offsets for u in ready.units(i)], pair)
        for unit, placement in sorted(placed.items(), key=lambda p: (p[0].sentence, p[0].start, p[0].part)):
            rows.append(_row(unit, placement, tgt, text))
        first = min(offsets)
        covered = [(p.start, p.end) for p in placed.values() if p.start is not None and p.end is not None]
        added = [("QUANTITY", f.start, f.end, f.detail) for f in added_numbers(source, text.text)]
        added += [
            ("TIME", f.start, f.end, f.detail)
            for f in time_changes(source, doc.lang, text.text, tgt.lang)
            if f.kind == "added"
        ]
        places = added_places(source, doc.lang, text.text, tgt.lang, covered)
        added += [("ACTOR", *found) for found in places]
        added += [("ACTOR", *found) for found in unlinked_names(pair) if not any(found[0] == p[0] for p in places)]
        for label, start, end, detail in added:
            if start is not None:
                rows.append(_added_row(label, first, start, end if end is not None else start, detail, tgt, text))
    return rows


def _where(tgt: Target, text: TargetText, unit_sentence: int, start: int | None) -> tuple[int, int]:
    """(target sentence, its start in the target text) of an offset."""
    if tgt.kind == "reference" and start is not None:
        return text.sentence_of(start)  # type: ignore[return-value]
    if tgt.kind == "reference":
        return text.doc_sentences[0] if text.doc_sentences else (unit_sentence, 0)
    return unit_sentence, 0


def _row(unit: Unit, p: Placement, tgt: Target, text: TargetText) -> tuple[Any, ...]:
    sentence, base = _where(tgt, text, unit.sentence, p.start)
    start = None if p.start is None else p.start - base
    end = None if p.end is None else p.end - base
    target_text = "" if p.start is None else text.text[p.start : p.end]
    where = (tgt.name, tgt.kind, tgt.engine, tgt.route, text.signature, sentence)
    found = (p.status, start, end, target_text, p.method, p.confidence, p.detail, p.problem)
    return (unit.span_id, unit.label, unit.part, unit.text, unit.sentence, *where, *found)


def _added_row(label: str, source_sentence: int, start: int, end: int, detail: str, tgt: Target,
               text: TargetText) -> tuple[Any, ...]:  # fmt: skip
    sentence, base = _where(tgt, text, source_sentence, start)
    where = (tgt.name, tgt.kind, tgt.engine, tgt.route, text.signature, sentence)
    found = ("added", start - base, end - base, text.text[start:end], "detect", ADDED_CONFIDENCE, detail, "added")
    return (None, label, "added", "", source_sentence, *where, *found)
