"""Comparing a document's translations: one row per sentence, every engine's text and scores side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import permutations
from typing import TYPE_CHECKING, Any

from annot.compare.aliases import sentence_actors
from annot.compare.flags import COMPARE_KINDS, ReportFlag, dismissed_flags, failed_flag, fidelity_flag, kind_slug
from annot.compare.metrics import DEFAULT_SEED, METRICS, chrf_many, corpus_score, sentence_score, signatures
from annot.errors import AlignmentError, AnnotError, EngineError
from annot.model import Document, Sentence, Translation, TranslationFailure, format_sentences, reference_label
from annot.pipeline import only_sentences_failed, translate, translate_cached
from annot.progress import Progress, resolve_progress
from annot.translate import (
    Route,
    choose_route,
    newest_by_route,
    rank_engines,
    routes_for,
    stored_route_name,
)

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from annot.project.cached import DocumentProjection
    from annot.store import Store

__all__ = ["ENGINE_COLUMNS", "compare", "corpus_scores"]

#: The columns of each engine E, named ``<column>.E``, in order.
ENGINE_COLUMNS = ("text", "route", "chrf", "bleu", "ter", "agreement", "roundtrip", "length_ratio",
                  "flags", "flag_kinds", "dismissed", "failed")  # fmt: skip
_BATCH = 64  # sentences per engine call for back-translations
_NAN = float("nan")


# -- which engines, and their translations ----------------------------------------------


def _engine_names(
    doc: Document, target: str, engines: str | Sequence[str] | None, stored: Sequence[str], *, pivot: bool,
    project: Path | None = None,
) -> list[str]:  # fmt: skip
    """The route names to compare: each name's route in the order given, or every installed engine's and every
    stored one, best first (``annot.translate.rank_engines``, with the project's preference)."""
    if engines is None:
        found = [*(route.name for route in routes_for(doc.lang, target, pivot=pivot).routes), *stored]
        return rank_engines(found, doc.lang, target, project=project, pivot=pivot)
    names = []
    for name in [engines] if isinstance(engines, str) else engines:
        try:
            names.append(choose_route(name, doc.lang, target, pivot=pivot).name)
        except EngineError:
            if name not in stored:
                raise
            names.append(name)  # an engine no longer installed, or no longer reaching target: what it stored
    return list(dict.fromkeys(names))


def _fill_missing(
    store: Store, doc: Document, names: list[str], have: dict[str, dict[int, Translation]], indexes: list[int],
    target: str, *, explicit: bool, pivot: bool, progress: Progress | bool | None,
) -> dict[str, str]:  # fmt: skip
    """Translate the sentences a route has no translation of (the store's cache applies); why some could not be."""
    skipped = {}
    for name in names:
        missing = [i for i in indexes if i not in have.get(name, {})]
        if not missing:
            continue
        try:
            translate(doc, store, to=target, engines=[name], pivot=pivot, sentences=missing, progress=progress,
                      retry_failed=False)  # fmt: skip
        except AnnotError as exc:
            if only_sentences_failed(exc):  # those sentences are flagged ("failed.E"), the rest compared
                continue
            if explicit:
                raise
            skipped[name] = str(exc)  # an engine no longer installed: compare what it stored
    return skipped


# -- round trips ---------------------------------------------------------------------------


def _back_route(name: str, source: str, target: str, *, pivot: bool) -> Route | None:
    """The route ``name`` takes from ``target`` back into ``source``, or None (not installed, no route)."""
    try:
        return choose_route(name, target, source, pivot=pivot)
    except AnnotError:
        return None


# -- references ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Bead:
    """A reference translation and the source sentences it covers."""

    first: int
    sources: tuple[int, ...]
    text: str
    reference_sentences: str


def _references(
    store: Store, doc: Document, target: str, reference: str | None
) -> tuple[dict[int, _Bead], str | None, bool]:
    """The beads of the reference into ``target`` keyed by first source sentence, its id, and whether it is human."""
    if reference is None:
        return {}, None, False
    from annot.align import references

    found = references(store, doc.id, target)
    if reference != "auto":
        wanted = store.resolve(reference)
        linked = {ref.doc_id for ref in found.values()}
        if linked != {wanted}:
            now = (
                f"the reference aligned with it in {target} is {linked.pop()}" if linked else f"it has none in {target}"
            )
            raise AlignmentError(
                f"{wanted} is not the reference of {doc.id} ({now}). Link and align them first:"
                f" annot.compare.link_documents(store, {doc.id!r}, {wanted!r}), or pass reference='auto'."
            )
    beads = {first: _Bead(first, tuple(ref.a), ref.text, format_sentences(ref.b)) for first, ref in found.items()}
    doc_ids = {ref.doc_id for ref in found.values()}
    human = bool(found) and all(ref.human for ref in found.values())
    return beads, (doc_ids.pop() if len(doc_ids) == 1 else ", ".join(sorted(doc_ids)) or None), human


# -- flags -----------------------------------------------------------------------------------


def _about(rows: Sequence[Mapping[str, Any]], flag: Any) -> tuple[str, str]:
    """(source text, label) of the projection row that raised ``flag``, or ("", "") for a sentence-wide finding."""
    for row in rows:
        if (row.get("span_id") == flag.span_id and (row.get("problem") or "") == flag.kind
                and row.get("target_start") == flag.start):  # fmt: skip
            return str(row.get("source_text") or ""), str(row.get("label") or "")
    return "", ""


def _route_flags(found: DocumentProjection, index: int, name: str, text: str,
                 dismissed: frozenset[str]) -> list[ReportFlag]:  # fmt: skip
    """The projection's flags of route ``name`` on sentence ``index``, in wire form with their detail.

    Where the projection read another text than ``text`` (a translation stored between the two reads), the
    flags are kept but placed nowhere.
    """
    route = found.route(name)
    if route is None:
        return []
    placed = route.texts.get(index)
    rows = found.rows(index, route.name)
    out = []
    for f in found.flags.get((index, name), ()):
        source_text, label = _about(rows, f)
        flag = fidelity_flag(f, dismissed, source_text=source_text, label=label)
        if placed is None or placed.text != text:
            flag.update(start=None, end=None)
        out.append(ReportFlag(**flag, detail=f.detail))
    return out


def _failed_flag(failure: TranslationFailure, dismissed: frozenset[str]) -> ReportFlag:
    flag = failed_flag(failure.reason, dismissed)
    return ReportFlag(**flag, detail=flag["value"])


def _kinds(flags: Sequence[ReportFlag]) -> list[str]:
    """The kinds among ``flags``, once each, in ``COMPARE_KINDS`` order."""
    present = {f["kind"] for f in flags}
    return [k for k in COMPARE_KINDS if k in present]


# -- the frame -------------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else _NAN


def _score_row(
    s: Sentence, names: list[str], texts: dict[str, dict[int, str]], back: dict[str, dict[str, str]],
    have: dict[str, dict[int, Translation]], bead: _Bead | None, found: DocumentProjection,
    dismissed: Mapping[tuple[int, str], frozenset[str]], failures: dict[str, dict[int, TranslationFailure]],
) -> tuple[dict[str, dict[str, Any]], float]:  # fmt: skip
    """Each engine's columns for sentence ``s`` (``bead`` when a reference is scored on it), and the disagreement."""
    i = s.index
    present = [n for n in names if i in texts[n]]
    # Every chrF of the row in one call: each string's n-grams are extracted once.
    hyps, refs = [], []
    for a, b in permutations(present, 2):
        hyps.append(texts[a][i])
        refs.append(texts[b][i])
    for n in present:
        if n in back:
            hyps.append(back[n].get(texts[n][i], ""))
            refs.append(s.text)
    joined = {n: " ".join(texts[n].get(j, "") for j in bead.sources) for n in present} if bead else {}
    hyps += joined.values()
    refs += [bead.text] * len(joined) if bead else []
    scores = iter(chrf_many(hyps, refs))
    pair = {(a, b): next(scores) for a, b in permutations(present, 2)}
    trips = {n: next(scores) for n in present if n in back}
    blocks = {}
    for n in names:
        block: dict[str, Any] = dict.fromkeys(ENGINE_COLUMNS)
        decided = dismissed.get((i, n), frozenset())
        if n in present:
            text = texts[n][i]
            # The projection's flags, as the MT pane shows them; a dismissed one is not counted.
            flags = _route_flags(found, i, n, text, decided)
            shown = [f for f in flags if not f["dismissed"]]
            block.update(
                text=text, route=have[n][i].route, agreement=_mean([pair[(n, m)] for m in present if m != n]),
                roundtrip=trips.get(n, _NAN), length_ratio=len(text) / len(s.text) if s.text else _NAN,
                flags=shown, flag_kinds=_kinds(shown), dismissed=[f["id"] for f in flags if f["dismissed"]],
            )  # fmt: skip
            if bead is not None:
                block.update(chrf=next(scores), bleu=sentence_score("bleu", joined[n], bead.text),
                             ter=sentence_score("ter", joined[n], bead.text))  # fmt: skip
        elif i in failures.get(n, {}):  # the MT pane's "failed" flag; a dismissed one is not shown
            failure = failures[n][i]
            flag = _failed_flag(failure, decided)
            shown = [] if flag["dismissed"] else [flag]
            block.update(route=failure.route, failed=None if flag["dismissed"] else flag["value"], flags=shown,
                         flag_kinds=_kinds(shown), dismissed=[flag["id"]] if flag["dismissed"] else [])  # fmt: skip
        blocks[n] = block
    return blocks, 100 - _mean(list(pair.values())) if len(present) > 1 else _NAN


def compare(
    doc: str | Document, store: Store, *, target: str, engines: str | Sequence[str] | None = None,
    pivot: bool = True, reference: str | None = "auto", round_trip: bool = True,
    progress: Progress | bool | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Every engine's translation of ``doc`` into ``target``, sentence by sentence, with scores and fidelity flags.

    Translations come from the store; the sentences an engine has not
    translated yet are translated first (``annot.translate``, so the store's
    cache applies). With a reference translation linked to the document
    (``annot.align.link_documents``), each engine is scored against it
    (sacrebleu's sentence chrF, BLEU and TER). Without one, two scores need
    none: each engine's agreement with the others, and its round trip (the
    translation translated back into the source language by the same engine,
    chrF against the source; back-translations are cached in the store, so a
    second call translates nothing). Both are computed in any case.

    Args:
        doc: the document (a ``Document`` or a reference ``Store.document`` accepts).
        store: the project.
        target: ISO 639-1 code of the translations.
        engines: engine or route names as annot prints them (``"argos"``,
            ``"argos+apertium"``: argos with only apertium's help); each becomes
            the name of the route it takes (``annot.translate.routes``), the
            column names, in the order given. ``None`` for the route of every
            installed engine that reaches ``target`` (missing translations are
            made) and every route with translations of ``doc`` into ``target``
            stored, best first: the project's ``[translate] prefer`` order, then
            neural before rule-based, fewer hops, name (``annot.translate.rank_engines``,
            the order of the annotator's translation pane too).
        pivot: ``False`` for direct pairs only (round trips too).
        reference: ``"auto"`` for the reference linked to ``doc`` in ``target``
            if any, a document reference to pick one, ``None`` for none.
        round_trip: compute round-trip scores (translating back what is not cached).
        progress: ``True`` for a progress bar, or ``progress(done, total, what)``.

    Returns:
        One row per sentence (index ``sentence``): ``source``, ``heading``,
        ``reference`` (the bead's reference text on its first sentence, else NA),
        ``reference_sentences`` (the reference's sentences, ``"6-7"``), ``bead``
        (the first sentence of the bead the row is scored with), ``actors``
        (the sentence's tagged actors, once each, by canonical name else text); then for each engine E
        ``text.E``, ``route.E``, ``chrf.E``, ``bleu.E``, ``ter.E`` (NaN without
        reference; a bead of two source sentences is scored on the first with
        their translations joined), ``agreement.E`` (mean chrF against each other
        engine), ``roundtrip.E``, ``length_ratio.E`` (characters, translation /
        source), the fidelity flags of the annotator's translation pane, read
        from projection (``annot.project.cached.document_projection``, in the
        wire form of ``annot.compare.flags``): ``flags.E`` (the flags not
        dismissed, a list of ``ReportFlag``: ``kind``, ``value``, ``text``,
        ``title``, ``detail``, ``start``/``end`` in the translation, ``span_id``;
        None when the engine neither translated nor failed on the sentence),
        ``flag_kinds.E`` (their kinds once each, in ``COMPARE_KINDS`` order),
        ``dismissed.E`` (ids of the flags an annotator dismissed on the
        translation, ``Store.dismiss_flag``: not in ``flags.E``, nor counted in
        ``corpus_scores``), ``failed.E`` (why the engine failed on the
        sentence, which has no translation by it; <NA> otherwise or once
        dismissed; its flag is in ``flags.E`` too); and ``disagreement`` (100 minus the mean chrF
        between engines, NaN with fewer than two). ``frame.attrs`` holds
        doc_id, source, target, engines, reference_doc, reference_label ("reference",
        or "human translation" when the link says so), signatures (sacrebleu's,
        per metric used), round_trip (engine -> route back), engine_signatures and skipped.
        The round trip of a route is the route its name takes back (``argos+apertium``
        en>pt>es comes back as es>pt>en).

    Raises:
        AnnotError: ``doc`` is already in ``target``.
        NotFound: no such document or reference.
        AlignmentError: ``reference`` names a document not aligned with ``doc`` as its reference.
        ModelNotInstalled, EngineError: an engine named in ``engines`` cannot
            translate what is missing (what it did is stored).
    """
    import pandas as pd

    from annot.project.cached import document_projection

    document = doc if isinstance(doc, Document) else store.document(doc)
    if document.lang == target:
        raise AnnotError(
            f"Document {document.id} is already in {target}; compare its translations into another language."
        )
    sentences = store.get_sentences(document)
    indexes = [s.index for s in sentences]
    have = newest_by_route(store.get_translations(document.id, target=target))
    names = _engine_names(document, target, engines, list(have), pivot=pivot, project=store.path)
    skipped = _fill_missing(store, document, names, have, indexes, target, explicit=engines is not None,
                            pivot=pivot, progress=progress)  # fmt: skip
    if any(len(have.get(n, {})) < len(indexes) for n in names if n not in skipped):
        have = newest_by_route(store.get_translations(document.id, target=target))
    failures: dict[str, dict[int, TranslationFailure]] = {}
    for failure in store.get_translation_failures(document.id, target=target):
        name = stored_route_name(failure.engine, failure.route, failure.signature)
        if failure.index not in have.get(name, {}):
            failures.setdefault(name, {})[failure.index] = failure
    names = [n for n in names if n in have or n in failures]
    texts = {n: {i: tr.text for i, tr in have.get(n, {}).items()} for n in names}

    beads, reference_doc, human = _references(store, document, target, reference)
    bead_of = {i: bead for bead in beads.values() for i in bead.sources}

    back: dict[str, dict[str, str]] = {}
    back_routes: dict[str, str | None] = {}
    if round_trip:
        routes = {n: _back_route(n, document.lang, target, pivot=pivot) for n in names}
        back_routes = {n: r.path if r else None for n, r in routes.items()}
        with resolve_progress(progress, f"translating back to {document.lang}") as update:
            done = 0
            total = sum(len(texts[n]) for n, r in routes.items() if r)

            def tick(n: int, what: str) -> None:
                nonlocal done
                done += n
                if update is not None:
                    update(done, total, what)

            for name, route in routes.items():
                if route is not None:
                    wanted = [t for t in texts[name].values() if t.strip()]
                    back[name] = translate_cached(store, route, wanted, batch_size=_BATCH, tick=tick)

    actors = sentence_actors(store, document, target)
    dismissed = dismissed_flags(store, document.id)
    # Read after the translations are complete: the projection's stamp counts them (and the dismissals).
    found = document_projection(store, document, target)
    columns: dict[str, list[Any]] = {c: [] for c in ("source", "heading", "reference", "reference_sentences", "bead",
                                                       "actors")}  # fmt: skip
    for name in names:
        for col in ENGINE_COLUMNS:
            columns[f"{col}.{name}"] = []
    columns["disagreement"] = []
    for s in sentences:
        i = s.index
        bead = bead_of.get(i)
        scored_here = bead is not None and bead.first == i
        row_actors = actors.get(i, [])
        columns["source"].append(s.text)
        columns["heading"].append(s.heading)
        columns["reference"].append(bead.text if scored_here else None)
        columns["reference_sentences"].append(bead.reference_sentences if scored_here else None)
        columns["bead"].append(bead.first if bead is not None else None)
        columns["actors"].append([a.label for a in row_actors])
        blocks, disagreement = _score_row(s, names, texts, back, have, bead if scored_here else None, found,
                                          dismissed, failures)  # fmt: skip
        for n in names:
            for col in ENGINE_COLUMNS:
                columns[f"{col}.{n}"].append(blocks[n][col])
        columns["disagreement"].append(disagreement)

    frame = pd.DataFrame(columns, index=pd.Index(indexes, name="sentence", dtype="int64"))
    for col in ("source", "reference", "reference_sentences"):
        frame[col] = frame[col].astype("string")
    frame["heading"] = frame["heading"].astype("bool")
    frame["bead"] = frame["bead"].astype("Int64")
    for n in names:
        for col in ("text", "route", "failed"):
            frame[f"{col}.{n}"] = frame[f"{col}.{n}"].astype("string")
        for col in ("chrf", "bleu", "ter", "agreement", "roundtrip", "length_ratio"):
            frame[f"{col}.{n}"] = frame[f"{col}.{n}"].astype("float64")
    frame["disagreement"] = frame["disagreement"].astype("float64")
    # The metrics behind the numbers: chrF for agreement and round trips, all three with a reference.
    used = {m: sig for m, sig in signatures().items() if m == "chrf" or beads}
    frame.attrs.update(
        doc_id=document.id, source=document.lang, target=target, engines=names, reference_doc=reference_doc,
        reference_label=reference_label(human),
        signatures=used, round_trip=back_routes,
        engine_signatures={n: sorted({tr.signature for tr in have.get(n, {}).values()}) for n in names},
        skipped=skipped,
    )  # fmt: skip
    return frame


# -- corpus level -------------------------------------------------------------------------------


def corpus_scores(frame: pd.DataFrame, *, n_bootstrap: int = 1000, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """One row per engine of a ``compare`` frame: corpus scores with 95% intervals, and the flags summed up.

    Args:
        frame: what ``compare`` returned.
        n_bootstrap: resamples for sacrebleu's bootstrap intervals.
        seed: their seed; every engine is resampled on the same beads (a paired bootstrap).

    Returns:
        Index ``engine``; columns ``chrf``, ``chrf_low``, ``chrf_high``, ``bleu``, ...,
        ``ter_high`` (corpus scores over the beads with a reference, NaN without),
        ``agreement`` and ``roundtrip`` (means of the sentence scores),
        ``flagged_pct`` (% of the sentences translated or failed with a flag),
        ``flags`` (how many flags) and one count per kind (``COMPARE_KINDS`` as
        ``kind_slug`` spells them: ``lost``, ``changed``, ``wrong_language``,
        ``number_style``, ``time_lost``, ``added``, ``failed``; a flag an
        annotator dismissed is not counted), ``sentences`` (translated) and
        ``scored`` (beads scored against the reference). ``attrs["signatures"]`` holds sacrebleu's corpus signatures.
    """
    import pandas as pd

    names = list(frame.attrs.get("engines") or [c.split(".", 1)[1] for c in frame.columns if c.startswith("text.")])
    firsts = frame.index[frame["reference"].notna()] if "reference" in frame else frame.index[:0]
    records, sigs = [], {}
    for name in names:
        text = frame[f"text.{name}"]
        translated = text.notna()
        record: dict[str, Any] = {"engine": name}
        # A bead is scored when the engine translated every sentence in it (the same beads for all, usually).
        hyps, refs = [], []
        for first in firsts:
            rows = frame.index[frame["bead"] == first]
            if translated.loc[rows].all():
                hyps.append(" ".join(text.loc[rows]))
                refs.append(str(frame.at[first, "reference"]))
        for metric in METRICS:
            if hyps:
                result = corpus_score(metric, hyps, refs, n_bootstrap=n_bootstrap, seed=seed)
                record.update({metric: result.score, f"{metric}_low": result.ci_low, f"{metric}_high": result.ci_high})
                sigs[metric] = result.signature
            else:
                record.update({metric: _NAN, f"{metric}_low": _NAN, f"{metric}_high": _NAN})
        record["agreement"] = frame[f"agreement.{name}"].mean()
        record["roundtrip"] = frame[f"roundtrip.{name}"].mean()
        # The flags not dismissed, of the sentences translated or failed (a list each; None: neither).
        per_sentence = [f for f in frame[f"flags.{name}"] if isinstance(f, list)]
        record["flagged_pct"] = 100 * sum(bool(f) for f in per_sentence) / len(per_sentence) if per_sentence else _NAN
        record["flags"] = sum(len(f) for f in per_sentence)
        for kind in COMPARE_KINDS:
            record[kind_slug(kind)] = sum(1 for flags in per_sentence for f in flags if f["kind"] == kind)
        record["sentences"] = int(translated.sum())
        record["scored"] = len(hyps)
        records.append(record)
    columns = ["engine", *(f"{m}{s}" for m in METRICS for s in ("", "_low", "_high")), "agreement", "roundtrip",
               "flagged_pct", "flags", *map(kind_slug, COMPARE_KINDS), "sentences", "scored"]  # fmt: skip
    out = pd.DataFrame.from_records(records, columns=columns).set_index("engine")
    out.attrs["signatures"] = sigs or dict(frame.attrs.get("signatures", {}))  # the sentence chrF behind the means
    out.attrs.update({k: frame.attrs[k] for k in ("doc_id", "target", "reference_doc", "reference_label")
                      if k in frame.attrs})  # fmt: skip
    return out
