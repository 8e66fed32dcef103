"""The suggestion layer: run suggesters over stored documents and keep what they find as pending spans.

A stored suggestion is an ordinary span: origin ``suggested``, status
``pending`` until the annotator accepts or rejects it, annotator
``suggest:<name>.v<version>`` (``annot.suggest.annotator_name``), and its
confidence in the store's ``span_confidence`` table (``Store.confidences``).
Which suggestion is stored is decided here, once, per document:

* a suggestion whose label overlaps a span the annotator made or decided on
  (any origin but a pending suggestion) is skipped: *annotated*;
* a suggestion already stored (same label and place) is not stored again:
  *already there*; one overlapping a pending suggestion of its label counts so too;
* a suggestion the annotator rejected (or deleted) at the same place over the
  same text is not stored again: *rejected before*. When the text there changes
  (a new version of the document), it is suggested again.

Actor suggestions get the project's accepted ACTOR spans and its ``[aliases]``
as known actors, so tagging "Lukashenko" once suggests him in every document.
A suggester of STANCE runs after the others and gets, per sentence, its ACTOR
spans (accepted or pending, stored before or by this run) as ``ActorRef``, so
that a suggested ``holder_span`` is a stored span's id, and the project's cue
phrases (``store.schema.stance_cues``).
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from annot.errors import SpanError, SuggesterError
from annot.model import Document, Origin, Sentence, Span, Status, utcnow
from annot.names import name_key, read_aliases
from annot.progress import Progress, resolve_progress
from annot.schema import LabelSchema
from annot.store import Store, new_span_id
from annot.suggest import ActorRef, ActorSuggester, KnownActor, Suggester, Suggestion, suggesters
from annot.suggest.actor_finder import ACTOR_TYPES

__all__ = [
    "DocumentInput", "DocumentPlan", "SuggestReport", "SuggestRun", "check_min_confidence", "choose_suggesters",
    "known_actors", "plan_document", "reads_actors", "store_plan", "stored_documents", "suggest_document",
    "suggest_documents",
]  # fmt: skip


@dataclass
class SuggestRun:
    """What one suggester did on one document version.

    Attributes:
        doc_id: the document version.
        suggester: ``<name>.v<version>`` (``actors.v2``).
        added: suggestions stored as new pending spans.
        kept: already there (stored by an earlier run).
        annotated: skipped: a span of the same label the annotator made or decided on overlaps it.
        rejected: skipped: rejected (or deleted) before, over the same text.
        below: skipped: confidence under ``min_confidence``.
        invalid: skipped: the project's schema lacks the label or refuses the attributes.
    """

    doc_id: str
    suggester: str
    added: int = 0
    kept: int = 0
    annotated: int = 0
    rejected: int = 0
    below: int = 0
    invalid: int = 0

    def summary(self) -> str:
        """One line for people: ``doc: actors.v2: 12 added, 3 already there, ...``."""
        extra = "".join(
            f", {n} {what}" for n, what in ((self.below, "below min confidence"), (self.invalid, "not in the schema"))
            if n
        )  # fmt: skip
        return (
            f"{self.doc_id}: {self.suggester}: {self.added} added, {self.kept} already there,"
            f" {self.annotated} skipped (annotated), {self.rejected} rejected before{extra}"
        )


@dataclass
class SuggestReport:
    """What ``suggest_documents`` did: one run per document and suggester, and the time it took."""

    runs: list[SuggestRun] = field(default_factory=list)
    sentences: int = 0
    seconds: float = 0.0

    def count(self, what: str) -> int:
        """The total of one ``SuggestRun`` count over every run (``added``, ``kept``, ``rejected``, ...)."""
        return sum(getattr(run, what) for run in self.runs)

    def summary(self) -> str:
        """One line for people: totals, documents, sentences and time."""
        return (
            f"{self.count('added')} suggestions added, {self.count('kept')} already there,"
            f" {self.count('annotated')} skipped (annotated), {self.count('rejected')} rejected before"
            f" ({len({r.doc_id for r in self.runs})} documents, {self.sentences} sentences, {self.seconds:.2f} s)"
        )


def known_actors(store: Store) -> list[KnownActor]:
    """The project's actors for the actor suggester: every accepted ACTOR span, with the project's aliases.

    One ``KnownActor`` per distinct (text, canonical name, type); its aliases are
    the members of each ``[aliases]`` group of ``annot.toml`` that holds its
    text or canonical name (accents and case aside). A type the actor suggester
    does not know (a project's own choice) is read as ``other``.

    Raises:
        SchemaError: the project's ``[aliases]`` table is malformed.
    """
    seen: dict[tuple[str, str, str], None] = {}
    for span in store.iter_spans(label="ACTOR", status=Status.ACCEPTED):
        kind = str(span.attrs.get("type") or "other")
        canonical = str(span.attrs.get("canonical") or "").strip()
        seen[(span.text.strip(), canonical, kind if kind in ACTOR_TYPES else "other")] = None
    groups = [[head, *others] for head, others in read_aliases(store.path).items()]
    known = []
    for text, canonical, kind in seen:
        keys = {name_key(text), name_key(canonical)} - {""}
        aliases = {m.strip() for g in groups if any(name_key(m) in keys for m in g) for m in g if m.strip()}
        known.append(KnownActor(text, canonical, kind, tuple(sorted(aliases - {text, canonical}))))
    return known


def stored_documents(store: Store, docs: str | Document | Sequence[str | Document] | None) -> list[Document]:
    """The documents ``docs`` names (references or ``Document`` objects), or every current one for ``None``.

    Raises:
        NotFound: an unknown document.
    """
    if docs is None:
        return list(store.iter_documents())
    refs = [docs] if isinstance(docs, (str, Document)) else list(docs)
    return [d if isinstance(d, Document) else store.document(d) for d in refs]


def _decide(found: Span, live: list[Span], deleted: list[Span]) -> str:
    """What to do with a suggestion, ``found`` (doc offsets), among the document's spans: a ``SuggestRun`` count."""
    same = (found.label, found.start, found.end, found.text)

    def exact(span: Span) -> bool:
        return (span.label, span.start, span.end, span.text) == same

    def overlaps(span: Span) -> bool:
        return span.label == found.label and span.start < found.end and found.start < span.end

    suggested = [s for s in live if s.origin == Origin.SUGGESTED and exact(s)]
    if any(s.status == Status.REJECTED for s in suggested) or any(
        s.origin == Origin.SUGGESTED and exact(s) for s in deleted
    ):
        return "rejected"
    if suggested:
        return "kept"
    near = [s for s in live if overlaps(s)]
    decided = [s for s in near if s.origin != Origin.SUGGESTED or s.status != Status.PENDING]
    if decided:
        # Only rejected suggestions there (another extent, an older suggester): the annotator said no here.
        rejected = all(s.origin == Origin.SUGGESTED and s.status == Status.REJECTED for s in decided)
        return "rejected" if rejected else "annotated"
    return "kept" if near else "added"


def choose_suggesters(only: str | Sequence[str] | None = None, *, ner: bool = False) -> list[Suggester]:
    """The suggesters ``suggest_documents`` runs for ``only`` and ``ner`` (its arguments), in order.

    Raises:
        SuggesterError: an unknown suggester name.
    """
    chosen = suggesters(only)
    if ner:
        chosen = [ActorSuggester(ner=True) if isinstance(c, ActorSuggester) else c for c in chosen]
    return chosen


@dataclass(frozen=True)
class DocumentInput:
    """What suggesting in one document version reads from the store: plain data, sent to a worker as it is.

    Attributes:
        doc: the document version.
        sentences: its sentences.
        spans: its spans, deleted ones included.
        live: the ids of those not deleted.
        schema: the project's labels (suggestions the schema refuses are not stored) and STANCE cues.
    """

    doc: Document
    sentences: list[Sentence]
    spans: list[Span]
    live: frozenset[str]
    schema: LabelSchema

    @classmethod
    def read(cls, store: Store, doc: Document) -> DocumentInput:
        """The document's input, as stored now."""
        every = list(store.iter_spans(doc.id, include_deleted=True))
        live = frozenset(s.id for s in store.iter_spans(doc.id))
        return cls(doc, store.get_sentences(doc), every, live, store.schema)


@dataclass
class DocumentPlan:
    """What the suggesters found in one document and what of it to store: ``plan_document``'s result.

    Attributes:
        runs: one per suggester, counts decided.
        new: the suggestions to store, as pending spans.
        confidences: span id -> confidence, for ``new``.
        owner: span id -> index in ``runs`` of the run that added it.
        seen: the ids of the spans the plan was made against (later ones are the annotator's meanwhile).
    """

    runs: list[SuggestRun]
    new: list[Span]
    confidences: dict[str, float]
    owner: dict[str, int]
    seen: frozenset[str]


def plan_document(
    given: DocumentInput, chosen: list[Suggester], known: list[KnownActor], min_confidence: float,
    tick: Progress | None = None, base: int = 0, total: int = 0,
) -> tuple[DocumentPlan, int]:  # fmt: skip
    """Run ``chosen`` over one document's sentences and decide what to store (the module docstring); no store.

    Runs where the input is: in this process, or on a cluster's worker (``annot.batch``). STANCE suggesters run
    after the others and read the actors they suggested.

    Args:
        given: the document's input (``DocumentInput.read``).
        chosen: the suggesters (``choose_suggesters``).
        known: the project's actors (``known_actors``).
        min_confidence: store only suggestions at least this sure.
        tick: ``tick(done, total, what)`` after each sentence read by one suggester.
        base: units done before this document (for ``tick``).
        total: units of the whole job (for ``tick``).

    Returns:
        The plan, and ``base`` plus the units done here.
    """
    doc, sentences = given.doc, given.sentences
    live = [s for s in given.spans if s.id in given.live]
    deleted = [s for s in given.spans if s.id not in given.live]
    plan = DocumentPlan([], [], {}, {}, frozenset(s.id for s in given.spans))
    done = base
    cues = given.schema.stance_cues(doc.lang)
    for suggester in sorted(chosen, key=reads_actors):  # stable: STANCE after the actors it reads
        run = SuggestRun(doc.id, f"{suggester.name}.v{suggester.version}")
        actors = _actors_by_sentence(live, sentences) if reads_actors(suggester) else {}
        for sent in sentences:
            context = [cues, *actors.get(sent.index, [])] if reads_actors(suggester) else known
            for s in suggester.suggest(sent.text, doc.lang, known=context):
                span = _to_span(given.schema, doc, sent.start, s)
                if span is None:
                    run.invalid += 1
                    continue
                if s.confidence < min_confidence:
                    run.below += 1
                    continue
                what = _decide(span, live, deleted)
                setattr(run, what, getattr(run, what) + 1)
                if what == "added":
                    plan.new.append(span)
                    live.append(span)  # a later suggester of the same label sees it
                    plan.confidences[span.id] = s.confidence
                    plan.owner[span.id] = len(plan.runs)
            done += 1
            if tick is not None:
                tick(done, total, f"{doc.id} {suggester.name}")
        plan.runs.append(run)
    return plan, done


def store_plan(store: Store, doc: Document, plan: DocumentPlan) -> list[SuggestRun]:
    """Store a document's planned suggestions and confidences in one transaction; the runs, counts final.

    What the annotator tagged since the plan's input was read wins, decided again here under the write lock.
    """
    if plan.new:
        with store.transaction():
            new = list(plan.new)
            # A background run (the widget's) reads the spans, then suggests for a while: what the
            # annotator tagged meanwhile wins, decided again here under the write lock.
            for late in _tagged_meanwhile(store, doc, set(plan.seen), new):
                run = plan.runs[plan.owner[late.id]]
                run.added -= 1
                run.annotated += 1
                new.remove(late)
                plan.confidences.pop(late.id)
            store.add_spans(new)
            store.set_confidences(plan.confidences)
    return plan.runs


def suggest_document(
    store: Store, doc: Document, chosen: list[Suggester], known: list[KnownActor], min_confidence: float,
    tick: Progress | None = None, base: int = 0, total: int = 0,
) -> tuple[list[SuggestRun], int]:  # fmt: skip
    """Run ``chosen`` over one document's sentences and store the new suggestions in one transaction.

    ``plan_document`` on the document as stored, then ``store_plan``: running twice stores nothing new, so a
    batch handed over again (``annot.batch``) adds no duplicate.

    Returns:
        One run per suggester, and ``base`` plus the units done here.
    """
    plan, done = plan_document(DocumentInput.read(store, doc), chosen, known, min_confidence, tick, base, total)
    return store_plan(store, doc, plan), done


def _tagged_meanwhile(store: Store, doc: Document, seen: set[str], new: list[Span]) -> list[Span]:
    """The suggestions of ``new`` that now overlap a span of their label stored after ``seen`` was read.

    A STANCE whose holder is such an actor suggestion goes with it: its holder is no more.
    """
    late = [s for s in store.iter_spans(doc.id) if s.id not in seen]
    dropped = [n for n in new if any(s.label == n.label and s.start < n.end and n.start < s.end for s in late)]
    gone = {d.id for d in dropped}
    return dropped + [n for n in new if n.id not in gone and n.attrs.get("holder_span") in gone]


def reads_actors(suggester: Suggester) -> bool:
    """Whether ``suggester`` suggests STANCE, reading the actor spans of each sentence (so it runs last)."""
    return "STANCE" in suggester.labels


def _actors_by_sentence(live: list[Span], sentences: Sequence[Sentence]) -> dict[int, list[ActorRef]]:
    """The live ACTOR spans (accepted or pending) inside each sentence, sentence-relative, with their names.

    One pass with a bisect per actor: a 5,000-sentence document with 20,000 spans stays fast.
    """
    starts = [sent.start for sent in sentences]
    found: dict[int, list[ActorRef]] = {}
    for s in live:
        if s.label != "ACTOR" or s.status not in (Status.ACCEPTED, Status.PENDING):
            continue
        at = bisect_right(starts, s.start) - 1
        if at < 0 or s.end > sentences[at].end:
            continue  # before the first sentence, or across two: in no sentence
        sent = sentences[at]
        name = str(s.attrs.get("canonical") or s.text)
        found.setdefault(sent.index, []).append(ActorRef(s.id, s.start - sent.start, s.end - sent.start, name))
    return found


def _to_span(schema: LabelSchema, doc: Document, offset: int, s: Suggestion) -> Span | None:
    """The pending span of a suggestion in a sentence starting at ``offset``; ``None`` if the schema refuses it."""
    if s.label not in schema.labels:
        return None
    try:
        attrs = schema.validate(s.label, dict(s.attrs))
    except SpanError:
        return None
    now = utcnow()
    start, end = offset + s.start, offset + s.end
    return Span(
        id=new_span_id(), doc_id=doc.id, start=start, end=end, label=s.label, attrs=attrs,
        text=doc.text[start:end], annotator=s.annotator, origin=Origin.SUGGESTED, status=Status.PENDING,
        created_at=now, updated_at=now,
    )  # fmt: skip


def check_min_confidence(min_confidence: object) -> None:
    """Raise ``SuggesterError`` unless ``min_confidence`` is a number from 0 to 1."""
    if isinstance(min_confidence, bool) or not isinstance(min_confidence, (int, float)) or not 0 <= min_confidence <= 1:
        raise SuggesterError(f"min_confidence must be a number from 0 to 1, got {min_confidence!r}.")


def suggest_documents(
    store: Store,
    docs: str | Document | Sequence[str | Document] | None = None,
    *,
    only: str | Sequence[str] | None = None,
    min_confidence: float = 0.0,
    ner: bool = False,
    progress: Progress | bool | None = None,
) -> SuggestReport:
    """Run suggesters over documents and store their suggestions as pending spans (see the module docstring).

    Each document's new suggestions are written in one transaction, with their
    confidences. Running again stores nothing new unless the text, the project's
    known actors or the suggesters changed.

    Args:
        store: the project.
        docs: document references or ``Document`` objects; ``None`` for every current document.
        only: suggester names (``["actors"]`` or ``"actors,quantities"``); ``None`` for every known one.
        min_confidence: store only suggestions at least this sure (0-1).
        ner: the actor suggester also runs natasha's statistical NER on Russian documents
            (``ActorSuggester(ner=True)``: its models load in about a second and 200 MB, then ~110 sentences/s).
        progress: ``True`` for a progress bar, or ``progress(done, total, what)`` (one unit: a
            sentence read by one suggester).

    Returns:
        The report: per document and suggester, how many were added, already
        there, skipped as annotated, rejected before; ``report.summary()`` is one line.

    Raises:
        SuggesterError: an unknown suggester name (the message lists the known ones), or
            ``min_confidence`` outside 0-1; nothing is run.
        NotFound: an unknown document.
        SchemaError: the project's ``[aliases]`` table is malformed.
    """
    check_min_confidence(min_confidence)
    chosen = choose_suggesters(only, ner=ner)
    documents = stored_documents(store, docs)
    known = known_actors(store)
    report = SuggestReport()
    started = time.perf_counter()
    counts = {doc.id: len(store.get_sentences(doc)) for doc in documents}
    total = sum(counts.values()) * len(chosen)
    with resolve_progress(progress, "suggesting") as update:
        done = 0
        for doc in documents:
            runs, done = suggest_document(store, doc, chosen, known, min_confidence, update, done, total)
            report.runs.extend(runs)
            report.sentences += counts[doc.id]
    report.seconds = time.perf_counter() - started
    return report
