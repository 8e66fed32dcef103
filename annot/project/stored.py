"""Stored projections: a document's projection kept in the store, and offered as pending spans in its linked versions.

``refresh_projection(store, doc, lang)`` recomputes ``annot.project``'s rows
only when what they are computed from changed (``stored_stamp``), keeps them
in the store (``Store.save_projection``), and writes what each **linked
version** (a reference target) got as pending suggestions there: ordinary
spans, origin ``projected``, status ``pending``, annotator ``projection``, the
source span's label and attributes, and the row's confidence
(``Store.set_confidences``). The row that offered a span names it
(``target_span_id``), so that a later refresh finds it again:

- a pending projected span whose source moved or changed is moved or changed
  with it (same id), and removed when its source is gone (deleted, rejected,
  no longer found in the version);
- a span the annotator accepted, rejected, deleted or edited is theirs: never
  touched, never offered again;
- nothing is offered where the annotator already has a span of the label, or
  where another pending suggestion of the label lies (``annot suggest``'s);
- running it again changes nothing: the store stays as it is.

What each unit becomes (``annot.project.units``):

- an ACTOR, a QUANTITY, a span of any other label: itself, its attributes
  kept (a QUANTITY's value and qualifier, an ACTOR's canonical name and type).
  A span-valued attribute (a STANCE's ``holder_span``) points at the span
  offered for the span it pointed at, or is left out when there is none;
- a STANCE's **holder**: the holder's own ACTOR span is projected as such; a
  holder written by name only (no ``holder_span``) becomes an ACTOR suggestion
  with that name as its canonical name;
- a STANCE's **cue**: no span of its own. The STANCE itself is offered only
  when its whole statement can be placed: the statement covers whole source
  sentences and the alignment's beads carry exactly those sentences, so the
  statement is the beads' target sentences. Anything less (a statement that
  is part of a sentence, a bead that joins it with the next sentence) would
  guess where it starts and ends in a language the projection does not parse:
  the cue and holder rows still say what became of its attribution. Such a
  placement is a row of its own (``part`` ``span``, method ``sentences``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annot.errors import SpanError
from annot.model import Document, Origin, Sentence, Span, Status, utcnow
from annot.project.core import COLUMNS, Prepared, check_lexicon, names_table, prepare, project_rows
from annot.project.lexicon import Lexicon, fill_lexicons, lexicons, queries
from annot.project.targets import REFERENCE, Target, find_targets
from annot.project.units import Unit, source_units
from annot.store import new_span_id

if TYPE_CHECKING:
    import pandas as pd

    from annot.store import Store

__all__ = [
    "ANNOTATOR", "RefreshPlan", "RefreshReport", "finish_refresh", "lexicon_queries_of", "plan_refresh",
    "refresh_projection", "stored_stamp",
]  # fmt: skip

#: The annotator of the spans a projection offers in linked versions.
ANNOTATOR = "projection"
#: The method of a STANCE placed whole through the alignment's sentences.
SENTENCES = "sentences"
_STATEMENT_CONFIDENCE = 0.5  # a statement whose cue and holder were both lost: only its sentences place it


@dataclass
class RefreshReport:
    """What ``refresh_projection`` did for one document version and language.

    Attributes:
        doc_id: the source document version.
        lang: the targets' language.
        recomputed: the rows were computed again (else the stored ones were fresh).
        frame: the stored rows (``Store.projections``) after the refresh.
        added: pending spans offered in linked versions for the first time.
        updated: pending spans moved or changed with their source.
        removed: pending spans taken back: their source is gone, or no longer found.
        kept: pending spans already there as they should be.
        decided: spans the annotator accepted, rejected, deleted or edited: left as they are.
        annotated: not offered: the annotator has a span of the label there (or rejected one there).
        suggested: not offered: another pending suggestion of the label is there.
        invalid: not offered: the project's schema refuses the label or its attributes.
    """

    doc_id: str
    lang: str
    recomputed: bool = False
    frame: pd.DataFrame | None = field(default=None, repr=False)
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0
    decided: int = 0
    annotated: int = 0
    suggested: int = 0
    invalid: int = 0

    def summary(self) -> str:
        """One line for people: ``doc into es: recomputed, 12 rows; suggestions: 3 added, ...``."""
        rows = 0 if self.frame is None else len(self.frame)
        state = "recomputed" if self.recomputed else "up to date"
        skipped = self.annotated + self.suggested + self.invalid
        return (
            f"{self.doc_id} into {self.lang}: {state}, {rows} rows; suggestions in linked versions: {self.added}"
            f" added, {self.updated} updated, {self.removed} removed, {self.kept} unchanged, {self.decided} decided"
            f" by the annotator, {skipped} not offered"
        )


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def stored_stamp(
    store: Store, doc: Document, lang: str, targets: Sequence[Target], spans: Sequence[Span], wanted: Sequence[str],
    *, lexicon: str, table: Mapping[str, list[str]] | None = None, found: Mapping[str, Lexicon] | None = None,
) -> str:  # fmt: skip
    """What a document's projection into ``lang`` is computed from, as one string: equal means still fresh.

    A digest of what ``project`` reads: the document's accepted spans, its translations into ``lang``
    (``Store.translation_stamp``), the linked version and its alignment (each reference target's texts), the
    project file (``[aliases]``, cue lists), the actors accepted in target-language documents
    (``names_table``: the one input both this and the MT pane's cache follow), the aligner's word
    translations (how many are cached per target, unless ``lexicon`` is ``off``) and annot's version. Unlike
    the in-memory cache of the MT pane (``annot.project.cached``, keyed by the store's annotation counter,
    which one read checks), it must survive the refresh's own writes into the linked version (pending
    suggestions, which no input reads) and the annotators' work on other documents, so it digests the
    content, not a counter.

    Args:
        store: the project.
        doc: the source document version.
        lang: the targets' language.
        targets: its targets in ``lang`` (``find_targets``).
        spans: its accepted spans.
        wanted: the aligner's queries (``annot.project.lexicon.queries``).
        lexicon: ``cached``, ``fill`` (both read the cache) or ``off``.
        table: the names table of the targets' languages (``names_table``), when the caller has read it.
        found: the lexicons of ``wanted`` (``annot.project.lexicon.lexicons``), when the caller has read them.
    """
    import annot
    from annot.schema import PROJECT_FILE

    try:
        project_file: str | None = hashlib.sha256((store.path / PROJECT_FILE).read_bytes()).hexdigest()
    except OSError:
        project_file = None
    if lexicon == "off" or not wanted:
        words: object = "off"
    else:
        found = found if found is not None else lexicons(store, doc.lang, targets, wanted)
        words = {name: sum(len(v) for v in lex.values()) for name, lex in sorted(found.items())}
    table = table if table is not None else names_table(store, {t.lang for t in targets})
    references = [
        (t.name, [(i, x.text, x.sentences, x.doc_start, x.doc_sentences) for i, x in sorted(t.texts.items())])
        for t in targets
        if t.kind == "reference"
    ]
    return "v1:" + _digest({
        "annot": annot.__version__,
        "doc": doc.id,
        "lang": lang,
        "spans": [(s.id, s.start, s.end, s.label, dict(s.attrs)) for s in spans],
        "translations": store.translation_stamp(doc.id, lang),
        "references": references,
        "project_file": project_file,
        "lexicon": words,
        # The actors accepted in target-language documents, which projection finds as written.
        "names": sorted((head, sorted(names)) for head, names in table.items()),
    })  # fmt: skip


@dataclass
class RefreshPlan:
    """A refresh read from the store (``plan_refresh``): its inputs, and what to project when the rows are stale.

    Attributes:
        document: the source document version.
        lang: the targets' language.
        sentences: its sentences.
        spans: its accepted spans.
        targets: its targets in ``lang`` (``find_targets``).
        stamp: what the rows are computed from (``stored_stamp``).
        ready: what projecting reads (``annot.project.core.prepare``; no store in it, so it can be sent to a
            worker), or ``None`` when the stored rows are fresh.
        steps: progress steps of the whole refresh (filling each route's lexicon, then projecting each target).
    """

    document: Document
    lang: str
    sentences: list[Sentence]
    spans: list[Span]
    targets: list[Target]
    stamp: str
    ready: Prepared | None
    steps: int


def plan_refresh(
    store: Store, doc: str | Document, lang: str, *, lexicon: str = "cached",
    progress: Callable[[int, int, str], None] | None = None, names: Mapping[str, list[str]] | None = None,
) -> RefreshPlan:  # fmt: skip
    """Read what refreshing ``doc``'s projection into ``lang`` needs, fill the lexicons, and say if it is stale.

    The first of ``refresh_projection``'s three steps (then ``annot.project.core.project_rows`` on
    ``ready``, anywhere, then ``finish_refresh`` here): ``annot.batch`` runs the middle one on workers.

    Args:
        store, doc, lang, lexicon: as ``refresh_projection``.
        progress: called with (steps done, steps, what) while filling each route's lexicon.
        names: ``names_table(store, {lang})``, read once for many documents (a refresh writes no accepted
            span, so it stays the same for each); default: read here.

    Returns:
        The plan; its ``ready`` is ``None`` when the stored rows are fresh.

    Raises:
        AnnotError: ``lexicon`` is not ``cached``, ``fill`` or ``off``.
        NotFound: no such document.
    """
    check_lexicon(lexicon)
    document = store.document(doc) if isinstance(doc, str) else doc
    targets, sentences, spans, units, wanted = _inputs(store, document, lang, lexicon)
    steps = len(targets) * (2 if lexicon == "fill" else 1)
    if lexicon == "fill" and wanted:

        def filled(done: int, _total: int) -> None:
            if progress is not None:
                progress(done, steps, "word translations")

        fill_lexicons(store, document.lang, targets, wanted, progress=filled)
    langs = {t.lang for t in targets}
    table = dict(names) if names is not None and langs == {lang} else names_table(store, langs)
    found = lexicons(store, document.lang, targets, wanted) if wanted else {}  # read once: stamp and projecting
    stamp = stored_stamp(store, document, lang, targets, spans, wanted, lexicon=lexicon, table=table, found=found)
    ready = None
    if stamp != store.projection_stamp(document.id, lang):
        ready = prepare(store, document, targets, lexicon="off" if lexicon == "off" else "cached", table=table,
                        read=(sentences, units, dict(found)))  # fmt: skip
    return RefreshPlan(document, lang, sentences, spans, targets, stamp, ready, steps)


def _inputs(
    store: Store, document: Document, lang: str, lexicon: str
) -> tuple[list[Target], list[Sentence], list[Span], list[Unit], list[str]]:
    """A document's targets in ``lang``, sentences, accepted spans, their units, and the aligner's queries (none
    without a unit to place, or with ``lexicon`` ``off``)."""
    targets = find_targets(store, document, lang)
    sentences = store.get_sentences(document)
    spans = list(store.iter_spans(document.id, status=Status.ACCEPTED))
    units = source_units(sentences, spans, store.schema.stance_cues(document.lang))
    wanted = queries({s.index: s.text for s in sentences}, units) if lexicon != "off" and units else []
    return targets, sentences, spans, units, wanted


def lexicon_queries_of(store: Store, doc: Document, lang: str) -> tuple[list[Target], list[str]]:
    """What ``plan_refresh(..., lexicon="fill")`` fills the lexicons of: the document's targets in ``lang`` and
    the aligner's queries (``annot.project.lexicon.missing_words`` says which a route has not translated yet).

    Args:
        store: the project.
        doc: the source document version.
        lang: ISO 639-1 code of the targets.
    """
    targets, _, _, _, wanted = _inputs(store, doc, lang, "fill")
    return targets, wanted


def refresh_projection(
    store: Store, doc: str | Document, lang: str, *, lexicon: str = "cached", suggest: bool = True,
    progress: Callable[[int, int, str], None] | None = None, names: Mapping[str, list[str]] | None = None,
) -> RefreshReport:  # fmt: skip
    """Bring the stored projection of ``doc`` into ``lang`` up to date, and its suggestions in linked versions.

    The rows are computed again only when ``stored_stamp`` moved; the suggestions are checked every time
    (cheap: no projection), so a span the annotator deleted meanwhile is not offered again and one taken back
    is not left behind. The rows, the suggestions and their links are written in one transaction, under the
    write lock: what the annotator tagged while the projection was computed wins.

    Args:
        store: the project.
        doc: the source document (any reference ``Store.document`` takes).
        lang: ISO 639-1 code of the targets.
        lexicon: ``cached`` (the word translations cached: no engine runs), ``fill`` (translate the missing
            ones with each route first, as ``annot project`` does) or ``off`` (``annot.project.project``).
        suggest: write the linked versions' suggestions; ``False`` stores the rows only, keeping the links of
            the suggestions already offered, and leaves the linked versions as they are (a suggestion whose row
            went meanwhile stays; a later refresh takes it as its own when a row wants the same span there).
        progress: called with (steps done, steps, what): filling each route's lexicon, then projecting.
        names: as ``plan_refresh``'s.

    Returns:
        What was done (``RefreshReport``), with the stored rows.

    Raises:
        AnnotError: ``lexicon`` is not ``cached``, ``fill`` or ``off``.
        NotFound: no such document.
    """
    plan = plan_refresh(store, doc, lang, lexicon=lexicon, progress=progress, names=names)
    rows = None
    if plan.ready is not None:
        base = plan.steps - len(plan.targets)

        def projected(done: int, _total: int) -> None:
            if progress is not None:
                progress(base + done, plan.steps, "projecting")

        rows = project_rows(plan.ready, progress=projected)
    return finish_refresh(store, plan, rows, suggest=suggest)


def finish_refresh(
    store: Store,
    plan: RefreshPlan,
    rows: Sequence[tuple[Any, ...]] | None,
    *,
    suggest: bool = True,
    frame: bool = True,
) -> RefreshReport:
    """Store a planned refresh: ``rows`` (``project_rows`` of ``plan.ready``; ``None``: the stored rows are
    fresh), the linked versions' suggestions and their links, in one transaction.

    Idempotent: finishing the same plan and rows again stores the same rows and finds the suggestions it
    offered (they are kept, not offered twice).

    Args:
        store: the project (the one writer).
        plan: ``plan_refresh``'s.
        rows: the projected rows, or ``None`` when ``plan.ready`` is ``None``.
        suggest: as ``refresh_projection``.
        frame: read the stored rows back into the report (``False``: its ``frame`` is ``None``; a caller of
            many documents reads them all at once, ~10 ms a document less).

    Returns:
        What was done, with the stored rows.
    """
    document, lang, targets = plan.document, plan.lang, plan.targets
    report = RefreshReport(document.id, lang)
    records: list[dict[str, Any]] | None = None
    if rows is not None:
        projected = [dict(zip(COLUMNS, row)) for row in rows]  # plain values already: what _records makes
        records = projected + _statement_rows(store, plan.sentences, plan.spans, targets, projected)
        report.recomputed = True
    with store.transaction():
        if records is None:
            stored = _records(store.projections(document.id, lang))
            old_links = {_key(r): str(r["target_span_id"]) for r in stored if r.get("target_span_id")}
        else:  # only the links of the rows replaced are needed (reading them whole costs ~40 ms a document)
            stored, old_links = [], store.projection_links(document.id, lang)
        rows_now = records if records is not None else stored
        before = [r.get("target_span_id") for r in rows_now]
        if suggest:
            links = _offer(store, rows_now, old_links, {s.id: s for s in plan.spans}, report)
        else:
            keys = {_key(r) for r in rows_now}
            links = {k: v for k, v in old_links.items() if k in keys}
        for row in rows_now:
            row["target_span_id"] = links.get(_key(row)) if _owns(row) else None
        if records is not None or before != [r.get("target_span_id") for r in rows_now]:
            store.save_projection(document.id, lang, rows_now, plan.stamp)
    report.frame = store.projections(document.id, lang) if frame else None
    return report


# -- rows ----------------------------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from annot.store.projections import PROJECTION_COLUMNS

    cols = [c for c in PROJECTION_COLUMNS if c in frame.columns]
    out = frame[cols].astype(object).where(frame[cols].notna(), None).to_dict("records")
    for row in out:
        for col in ("sentence", "target_sentence", "target_start", "target_end"):
            if row.get(col) is not None:
                row[col] = int(row[col])
        for col in ("label", "part", "status", "kind", "target", "engine", "route"):
            if row.get(col) is not None:
                row[col] = str(row[col])
    return out


def _key(row: Mapping[str, Any]) -> tuple[str, str, str]:
    """What a row offers a span for: (target, source span, part)."""
    return str(row["target"]), str(row.get("span_id") or ""), str(row["part"])


def _owns(row: Mapping[str, Any]) -> bool:
    """Whether a row can stand for a span it offered: a reference's span or holder row of a source span."""
    return row.get("kind") == "reference" and bool(row.get("span_id")) and row.get("part") in ("span", "holder")


def _covered(span: Span, sentences: Sequence[Sentence]) -> list[Sentence]:
    """The sentences a span covers wholly, when it covers each sentence it touches wholly; else ``[]``."""
    touched = [s for s in sentences if s.start < span.end and span.start < s.end]
    return touched if touched and all(span.start <= s.start and s.end <= span.end for s in touched) else []


def _statement_rows(
    store: Store, sentences: Sequence[Sentence], spans: Sequence[Span], targets: Sequence[Target],
    rows: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:  # fmt: skip
    """One row per STANCE whose whole statement a linked version's beads carry (see the module docstring)."""
    out: list[dict[str, Any]] = []
    for tgt in (t for t in targets if t.kind == "reference"):
        other = tgt.name.removeprefix(REFERENCE)
        text = store.document(other).text
        their = {s.index: s for s in store.get_sentences(other)}
        for span in (s for s in spans if s.label == "STANCE"):
            covered = _covered(span, sentences)
            mine = {s.index for s in covered}
            texts = [tgt.texts.get(i) for i in sorted(mine)]
            if not covered or any(t is None for t in texts):
                continue
            if not all(set(t.sentences) <= mine for t in texts if t is not None):
                continue  # a bead joins the statement with a sentence outside it
            indexes = sorted({i for t in texts if t is not None for i, _ in t.doc_sentences})
            if not indexes or any(i not in their for i in indexes):
                continue
            first, last = their[indexes[0]], their[indexes[-1]]
            parts = [r for r in rows if r["target"] == tgt.name and r.get("span_id") == span.id]
            placed = [float(r["confidence"]) for r in parts if r.get("target_start") is not None]
            out.append({
                "span_id": span.id, "label": "STANCE", "part": "span", "source_text": span.text,
                "sentence": covered[0].index, "target": tgt.name, "kind": "reference", "engine": tgt.engine,
                "route": tgt.route, "signature": other, "target_sentence": first.index, "status": "kept",
                "target_start": 0, "target_end": last.end - first.start,
                "target_text": text[first.start : last.end],
                "method": SENTENCES, "confidence": min(placed) if placed else _STATEMENT_CONFIDENCE,
                "detail": f"the statement's sentences, through the alignment: {len(indexes)} sentence(s)",
                "problem": "",
            })  # fmt: skip
    return out


# -- suggestions in linked versions ------------------------------------------------------------------------------


@dataclass
class _Wanted:
    """A span a row offers in a linked version, in its document's offsets."""

    key: tuple[str, str, str]
    doc_id: str
    start: int
    end: int
    label: str
    attrs: dict[str, Any]
    confidence: float


def _wanted(store: Store, rows: Iterable[Mapping[str, Any]], sources: Mapping[str, Span]) -> list[_Wanted]:
    """The spans the rows offer: ACTORs and the like, then holders named by a STANCE (not offered over an ACTOR
    offered there), then spans pointing at others (a STANCE at its holder)."""
    out: list[_Wanted] = []
    docs: dict[str, tuple[str, dict[int, Sentence]]] = {}
    for row in rows:
        if not _owns(row) or row["status"] not in ("kept", "changed") or row.get("target_start") is None:
            continue
        source = sources.get(str(row["span_id"]))
        if source is None:
            continue
        if row["part"] == "holder":
            if str(source.attrs.get("holder_span") or "") in sources:
                continue  # the holder's ACTOR span is offered as itself
            name = str(source.attrs.get("holder") or "").strip()
            label, attrs = "ACTOR", {"canonical": name} if name else {}
        else:
            label, attrs = source.label, dict(source.attrs)
        other = str(row["target"]).removeprefix(REFERENCE)
        if other not in docs:
            docs[other] = (store.document(other).text, {s.index: s for s in store.get_sentences(other)})
        text, their = docs[other]
        sentence = their.get(int(row["target_sentence"])) if row.get("target_sentence") is not None else None
        if sentence is None:
            continue
        start, end = sentence.start + int(row["target_start"]), sentence.start + int(row["target_end"])
        if not 0 <= start < end <= len(text):
            continue
        confidence = row.get("confidence")
        confidence = 0.0 if confidence is None else min(max(float(confidence), 0.0), 1.0)
        out.append(_Wanted(_key(row), other, start, end, label, attrs, confidence))
    return sorted(out, key=lambda w: (_points(store, w.label), w.key[2] == "holder", w.doc_id, w.start, w.end))


def _points(store: Store, label: str) -> bool:
    """Whether spans of ``label`` have span-valued attributes (written after the spans they point at)."""
    found = store.schema.labels.get(label)
    return found is not None and any(a.type == "span" for a in found.attributes.values())


def _attrs(store: Store, want: _Wanted, offered: Mapping[str, str], live: Mapping[str, Span]) -> dict[str, Any]:
    """``want``'s attributes with each span-valued one pointing at the span offered for its source, or left out."""
    label = store.schema.labels.get(want.label)
    if label is None:
        return want.attrs
    out = {}
    for name, value in want.attrs.items():
        attr = label.attributes.get(name)
        if attr is not None and attr.type == "span":
            mapped = offered.get(str(value))
            there = live.get(mapped) if mapped else None
            if there is None or there.status == Status.REJECTED or there.doc_id != want.doc_id:
                continue
            value = mapped
        out[name] = value
    return out


def _plain(store: Store, label: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes but the span-valued ones (those name spans of one document)."""
    found = store.schema.labels.get(label)
    kinds = {name: a.type for name, a in found.attributes.items()} if found is not None else {}
    return {k: v for k, v in attrs.items() if kinds.get(k) != "span"}


def _touched(store: Store, span_id: str) -> bool:
    """Whether someone other than the projection made an edit of the span that stands (not undone)."""
    history = store.history(span_id)
    return bool(((history["annotator"] != ANNOTATOR) & (history["state"] == "done")).any())


def _conflict(want: _Wanted, spans: Iterable[Span], mine: set[str], itself: str | None) -> str | None:
    """Why a span cannot be offered there: ``annotated``, ``suggested``, or ``None``.

    The spans this refresh offers (``mine``) may overlap, even lie on each other, as their sources do (two
    STANCEs of one sentence, with two holders); only a holder named by a STANCE is not offered where an ACTOR
    already is.
    """
    holder = want.key[2] == "holder"
    near = [
        s for s in spans
        if s.id != itself and s.label == want.label and s.start < want.end and want.start < s.end
        and (s.id not in mine or (holder and (s.start, s.end) == (want.start, want.end)))
    ]  # fmt: skip
    decided = [s for s in near if s.origin not in (Origin.SUGGESTED, Origin.PROJECTED) or s.status != Status.PENDING]
    if decided:
        return "annotated"  # the annotator's span, or their no, is there (suggestion_layer's rule)
    return "suggested" if near else None


def _offer(
    store: Store, rows: Sequence[Mapping[str, Any]], old_links: Mapping[tuple[str, str, str], str],
    sources: Mapping[str, Span], report: RefreshReport,
) -> dict[tuple[str, str, str], str]:  # fmt: skip
    """Write the rows' suggestions in their linked versions (inside the caller's transaction); key -> span id."""
    wanted = _wanted(store, rows, sources)
    keys = {w.key for w in wanted}
    every, deleted = _spans_of(store, {w.doc_id for w in wanted} | {k[0].removeprefix(REFERENCE) for k in old_links})
    touched: dict[str, bool] = {}

    def ours(span_id: str) -> bool:
        """A live pending span no one but the projection edited: the projection may move or take it back."""
        span = every.get(span_id)
        if span is None or span_id in deleted or span.status != Status.PENDING:
            return False
        if span_id not in touched:
            touched[span_id] = _touched(store, span_id)
        return not touched[span_id]

    # The spans offered before whose rows offer nothing now: taken back, unless the annotator made them theirs.
    # One lying exactly where a new row wants its span (a source span tagged again) is taken over instead.
    leaving = {sid: every[sid] for key, sid in old_links.items() if key not in keys and ours(sid)}
    olds = {w.key: every.get(old_links.get(w.key, "")) for w in wanted}
    taken = {old.id for old in olds.values() if old is not None}
    # Never offered, or not linked (an imported project): the projected span there is taken as the row's own,
    # first one with the same attributes (two STANCEs of one sentence), then any.
    for same in (True, False):
        for want in wanted:
            if olds[want.key] is not None:
                continue
            found = next((s for s in every.values() if s.doc_id == want.doc_id and s.id not in deleted
                          and s.origin == Origin.PROJECTED and s.id not in taken
                          and (s.label, s.start, s.end) == (want.label, want.start, want.end)
                          and (not same or _plain(store, s.label, s.attrs) == _plain(store, want.label, want.attrs))),
                         None)  # fmt: skip
            if found is not None:
                olds[want.key] = found
                taken.add(found.id)
                leaving.pop(found.id, None)
    # The projection's own pending spans, offered before or now: they may overlap as their sources do. The
    # annotator's (a decided one, even one offered before) stop a new span of their label there.
    mine = {sid for sid in taken if ours(sid)}
    links: dict[tuple[str, str, str], str] = {}
    offered: dict[str, str] = {}  # source span id -> the span offered for it, for span-valued attributes
    confidences: dict[str, float] = {}
    known: dict[str, float] = {}
    for doc_id in {w.doc_id for w in wanted}:  # the linked versions' only: the whole store's grows with it
        known.update(store.confidences(doc_id))
    gone: list[Span] = []
    for want in wanted:
        old = olds[want.key]
        if old is not None and not ours(old.id):
            report.decided += 1
            links[want.key] = old.id
            if old.id not in deleted and old.status != Status.REJECTED and want.key[2] == "span":
                offered[want.key[1]] = old.id
            continue
        live = [s for s in every.values() if s.doc_id == want.doc_id and s.id not in deleted and s.id not in leaving]
        why = _conflict(want, live, mine, old.id if old is not None else None)
        if why is not None:
            setattr(report, why, getattr(report, why) + 1)
            gone.extend([old] if old is not None else [])
            continue
        attrs = _attrs(store, want, offered, {i: s for i, s in every.items() if i not in deleted})
        try:
            if old is None:
                span = store.add_spans([_new_span(want, attrs)])[0]
                report.added += 1
            elif (old.start, old.end, old.label, dict(old.attrs)) != (want.start, want.end, want.label, attrs):
                span = store.update_span(old.id, start=want.start, end=want.end, label=want.label, attrs=attrs,
                                         annotator=ANNOTATOR)  # fmt: skip
                report.updated += 1
            else:
                span = old
                report.kept += 1
        except SpanError:
            report.invalid += 1
            gone.extend([old] if old is not None else [])
            continue
        every[span.id] = span
        mine.add(span.id)
        taken.add(span.id)
        links[want.key] = span.id
        if want.key[2] == "span":
            offered[want.key[1]] = span.id
        if known.get(span.id) != want.confidence:
            confidences[span.id] = want.confidence
    # Those pointing at others first (a STANCE at its holder): a span still pointed at cannot be deleted.
    for old in sorted([*gone, *leaving.values()], key=lambda s: not _points(store, s.label)):
        _take_back(store, old, report)
    store.set_confidences(confidences)
    return links


def _spans_of(store: Store, docs: Iterable[str]) -> tuple[dict[str, Span], set[str]]:
    """Every span of the documents, deleted ones too, by id; and the ids of the deleted ones."""
    every: dict[str, Span] = {}
    deleted: set[str] = set()
    for doc_id in docs:
        live = {s.id for s in store.iter_spans(doc_id)}
        for span in store.iter_spans(doc_id, include_deleted=True):
            every[span.id] = span
            if span.id not in live:
                deleted.add(span.id)
    return every, deleted


def _new_span(want: _Wanted, attrs: dict[str, Any]) -> Span:
    now = utcnow()
    return Span(
        id=new_span_id(), doc_id=want.doc_id, start=want.start, end=want.end, label=want.label, attrs=attrs,
        annotator=ANNOTATOR, origin=Origin.PROJECTED, status=Status.PENDING, created_at=now, updated_at=now,
    )  # fmt: skip


def _take_back(store: Store, span: Span, report: RefreshReport) -> None:
    """Delete a pending projected span; one another span still points at stays (``Store.delete_span`` refuses)."""
    try:
        store.delete_span(span.id, annotator=ANNOTATOR)
    except SpanError:
        return
    report.removed += 1
