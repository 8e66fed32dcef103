"""Linking two stored documents: translate B if a route exists, align, store; and reading the beads back.

``link_documents`` joins the stages for two stored documents: link them,
translate B into A's language with the store's cache when an installed route
allows (``chrf``), else align without MT on anchors and lengths
(``anchors``), carry over the manual beads of an earlier alignment, store the
beads with what their scores measure and the route that translated B
(``Store.alignment_info``). ``references`` reads a stored alignment back as the reference of each
of A's sentences (a human translation when the link is marked so).
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annot.align.beads import edit_beads
from annot.align.search import align
from annot.errors import AlignmentError, ModelNotInstalled
from annot.model import HUMAN_TRANSLATION, MEASURES, TRANSLATION, AlignmentInfo, Bead, Document, reference_label
from annot.names import read_aliases
from annot.translate import best_route, choose_route

if TYPE_CHECKING:
    from annot.progress import Progress
    from annot.store import Store

__all__ = ["AlignmentReport", "Reference", "link_documents", "references"]


@dataclass(frozen=True, slots=True)
class Reference:
    """The reference of one of A's beads: B's side of it, in B's language.

    Attributes:
        text: B's sentences of the bead, joined with a space.
        doc_id: B's id (the version aligned).
        a: A's sentence indexes of the bead.
        b: B's sentence indexes of the bead.
        human: the link says B is a human translation (``annot link --human``);
            else B is a reference of unknown making.
    """

    text: str
    doc_id: str
    a: tuple[int, ...]
    b: tuple[int, ...]
    human: bool = False

    @property
    def label(self) -> str:
        """``human translation`` or ``reference``: what people are shown."""
        return reference_label(self.human)


@dataclass(slots=True)
class AlignmentReport:
    """What ``link_documents`` did: the beads stored and how they were made.

    Attributes:
        doc_a: A's id.
        doc_b: B's id.
        beads: the stored alignment.
        method: ``chrf`` (B machine-translated into A's language) or ``anchors``
            (no route: numbers, names, quotations and lengths; see ``annot.align.align``).
        engine: the engine that translated B (``None`` with ``anchors``).
        human: B is marked as a human translation of A (the link's kind).
        route: its route, ``es>en`` or ``pt>es>en``.
        note: why the alignment was made without MT, if it was.
        kept_manual: manual beads of the previous alignment carried over.
        dropped_manual: manual beads whose sentences changed since, not carried over.
        seconds: time spent translating and aligning.
    """

    doc_a: str
    doc_b: str
    beads: list[Bead] = field(default_factory=list)
    method: str = "chrf"
    engine: str | None = None
    human: bool = False
    route: str | None = None
    note: str = ""
    kept_manual: int = 0
    dropped_manual: int = 0
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        """Beads per shape: ``1-1``, ``1-2``, ``2-1``, ``2-2``, and sentences left unaligned in ``A`` and ``B``."""
        counts = {"1-1": 0, "1-2": 0, "2-1": 0, "2-2": 0, "A": 0, "B": 0}
        for bead in self.beads:
            if not bead.b:
                counts["A"] += len(bead.a)
            elif not bead.a:
                counts["B"] += len(bead.b)
            else:
                counts[bead.kind] = counts.get(bead.kind, 0) + 1
        return counts

    @property
    def measure(self) -> str:
        """What the beads' scores measure, for people: ``chrF`` (with MT) or ``anchor agreement`` (without)."""
        return MEASURES.get(self.method, self.method)

    @property
    def translated_by(self) -> str:
        """What translated B, as people read it: ``apertium es>en``; ``""`` without MT."""
        return f"{self.engine} {self.route}" if self.engine else ""

    @property
    def info(self) -> AlignmentInfo:
        """What the stored scores measure and what translated B, as ``Store.alignment_info`` reads it back."""
        return AlignmentInfo(self.method, self.translated_by)

    @property
    def mean_score(self) -> float | None:
        """The mean score of the scored beads (``measure``: chrF, or anchor agreement 0-100); ``None`` when none is."""
        scores = [bead.score for bead in self.beads if bead.score is not None]
        return sum(scores) / len(scores) if scores else None

    def lowest(self, n: int = 5) -> list[Bead]:
        """The ``n`` lowest-scoring beads with both sides: the first to review."""
        scored = [bead for bead in self.beads if bead.score is not None and bead.a and bead.b]
        return sorted(scored, key=lambda bead: (bead.score, bead.a))[:n]

    def summary(self) -> str:
        """One line: ``13 beads: 11 1-1, 1 1-2, 1 2-1, 0 2-2; unaligned 0 A, 0 B; mean chrF 63.6 (apertium es>en)``.

        Without MT it ends ``mean anchor agreement 71.4 (no MT: numbers, names, quotations, lengths)``.
        """
        c = self.counts
        shapes = f"{c['1-1']} 1-1, {c['1-2']} 1-2, {c['2-1']} 2-1, {c['2-2']} 2-2"
        made = self.translated_by or "no MT: numbers, names, quotations, lengths"
        how = f"mean {self.measure} {self.mean_score:.1f} ({made})" if self.mean_score is not None else made
        line = f"{len(self.beads)} beads: {shapes}; unaligned {c['A']} A, {c['B']} B; {how}"
        if self.kept_manual or self.dropped_manual:
            line += f"; {self.kept_manual} manual beads kept, {self.dropped_manual} dropped (their text changed)"
        return line + (f". {self.note}" if self.note else "")


def _index_map(old: list[str], new: list[str]) -> dict[int, int]:
    """Old sentence index -> new index, for the sentences whose text is unchanged."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return {block.a + k: block.b + k for block in matcher.get_matching_blocks() for k in range(block.size)}


def _carry_manual(
    store: Store, a: Document, b: Document, beads: list[Bead], texts: tuple[list[str], list[str]]
) -> tuple[list[Bead], int, int]:
    """Re-apply the manual beads of the newest earlier alignment of A and B (same or older versions)."""
    previous = store.aligned_versions(a.id, b.id)
    if not previous:
        return beads, 0, 0
    old_a, old_b = previous[0]
    manual = [bead for bead in store.alignment(old_a, old_b) if bead.origin == "manual"]
    if not manual:
        return beads, 0, 0
    maps = [
        _index_map([s.text for s in store.get_sentences(old_id)], new_texts) if old_id != new_id else None
        for old_id, new_id, new_texts in ((old_a, a.id, texts[0]), (old_b, b.id, texts[1]))
    ]
    kept = dropped = 0
    for bead in manual:
        sides = []
        for indexes, mapping in zip((bead.a, bead.b), maps):
            moved = [mapping.get(i) for i in indexes] if mapping is not None else list(indexes)
            sides.append(moved)
        if any(None in side or side != list(range(side[0], side[0] + len(side))) for side in sides if side):
            dropped += 1
            continue
        beads = edit_beads(beads, len(texts[0]), len(texts[1]), sides[0], sides[1])
        kept += 1
    return beads, kept, dropped


def link_documents(
    store: Store, doc_a: str, doc_b: str, *, engine: str | None = None, human: bool | None = None,
    progress: Progress | bool | None = None, mt: bool = True,
) -> AlignmentReport:  # fmt: skip
    """Link two documents, align their sentences and store the alignment.

    B's sentences are translated into A's language with ``annot.pipeline.translate``
    (stored and cached like every translation) by the best route of the
    installed engines (``annot.translate.best_route``: fewest hops, neural
    before rule-based, routes still tied measured on B's sentences); with none,
    B is aligned in its own language on anchors (numbers, names through CLDR,
    the project's aliases and transliteration, quotations) and lengths, and the
    report says so (``mt=False`` asks for that even with a route). Manual beads of an earlier
    alignment of the two documents (also of older versions) are kept where
    their sentences' text is unchanged: a kept bead the aligner also found
    has the new score, any other has none, so no score of the older
    alignment (perhaps of another measure) is carried over. The alignment is
    stored with its measure (``report.method``) and route (``report.translated_by``):
    ``Store.alignment_info`` reads them back.

    Args:
        store: the project.
        doc_a: document A, usually the original (any reference ``Store.document`` takes).
        doc_b: document B, its translation in another language.
        engine: the engine or route name to translate B with, as annot prints it
            (``apertium``, ``argos+apertium``); default: the best route.
        human: ``True`` marks B as a human translation of A (a person translated
            it; shown as "human translation"), ``False`` as a plain reference;
            ``None`` keeps what an existing link says (a new link is a reference).
        progress: ``True`` for a progress bar, or ``progress(done, total, what)`` while translating.
        mt: ``False`` aligns B on anchors and lengths even when a route exists (no translation made).

    Returns:
        The report; ``report.summary()`` is one line for people, ``report.lowest()`` the beads to review.

    Raises:
        AlignmentError: the two documents cannot be linked (same document, same language), or
            ``engine`` was named with ``mt=False``.
        EngineError: ``engine`` is not an engine or route name.
        ModelNotInstalled: ``engine`` was named and cannot translate B's language into A's.
        EngineError: the engine failed (translations made before are stored; run again).
        SchemaError: without a route, the project's ``[aliases]`` table is invalid.
    """
    from annot.pipeline import translate  # the pipeline imports the store, which imports annot.align.beads

    started = time.perf_counter()
    a, b = store.document(doc_a), store.document(doc_b)
    if a.key == b.key or a.lang == b.lang:
        store.link(a.id, b.id)  # refuses, and says why
    # Before linking: a bad engine name changes nothing.
    if not mt and engine is not None:
        raise AlignmentError(f"Both an engine ({engine}) and no MT were asked for; drop one of --engine and --no-mt.")
    try:
        if not mt:
            route, note = None, "B was aligned without MT (as asked), on numbers, names, quotations and lengths."
        else:
            # Routes still tied after hops and kind are measured on B's own sentences (best_route's rule).
            sample = [s.text for s in store.get_sentences(b)]
            route = (
                best_route(b.lang, a.lang, sample=sample) if engine is None else choose_route(engine, b.lang, a.lang)
            )
            note = ""
    except ModelNotInstalled as exc:
        if engine is not None:
            raise
        route, note = None, f"{exc} B was aligned without MT, on numbers, names, quotations and lengths."
    kind = None if human is None else HUMAN_TRANSLATION if human else TRANSLATION
    link = store.link(a.id, b.id, kind)
    sents_a, sents_b = store.get_sentences(a), store.get_sentences(b)
    report = AlignmentReport(a.id, b.id, note=note, human=link.human)
    table = None
    if route is None:
        report.method, b_texts = "anchors", [s.text for s in sents_b]
        table = read_aliases(store.path)
    else:
        run = translate(b, store, to=a.lang, engines=[route.name], progress=progress).runs[0]
        by_index = {
            t.index: t.text for t in store.get_translations(b.id, target=a.lang) if t.signature == run.signature
        }
        b_texts = [by_index.get(s.index, "") for s in sents_b]
        report.engine, report.route = run.engine, run.route
    beads = align(
        [s.text for s in sents_a], b_texts, a_headings=[s.heading for s in sents_a],
        b_headings=[s.heading for s in sents_b], method=report.method, langs=(a.lang, b.lang),
        project_aliases=table,
    )  # fmt: skip
    texts = ([s.text for s in sents_a], [s.text for s in sents_b])
    beads, report.kept_manual, report.dropped_manual = _carry_manual(store, a, b, beads, texts)
    report.beads = store.set_alignment(a.id, b.id, beads, measure=report.method, route=report.translated_by)
    report.seconds = time.perf_counter() - started
    return report


def references(store: Store, doc_id: str, target: str) -> dict[int, Reference]:
    """The reference in ``target`` of each of A's aligned sentences (a human translation when the link says so).

    The linked document in ``target`` (the newest link when several) and its
    stored alignment with A: for every bead with sentences on both sides, keyed
    by the bead's first A sentence, B's side of the bead. ``{}`` when A has no
    linked document in ``target`` or the current versions are not aligned
    (``annot link A B`` aligns them).

    Args:
        store: the project.
        doc_id: document A (any reference ``Store.document`` takes).
        target: ISO 639-1 code of the reference's language.
    """
    a = store.document(doc_id)
    newest, human = None, False
    for link in store.links(a.id):  # oldest first: the last one in ``target`` wins
        for other in (link.doc_a, link.doc_b):
            doc = store.document(other)
            if doc.key != a.key and doc.lang == target:
                newest, human = doc, link.human
    if newest is None:
        return {}
    texts = [s.text for s in store.get_sentences(newest)]
    return {
        bead.a[0]: Reference(" ".join(texts[j] for j in bead.b), newest.id, bead.a, bead.b, human)
        for bead in store.alignment(a.id, newest.id)
        if bead.a and bead.b
    }
