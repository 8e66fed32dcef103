"""annot.compare: the seed article through the real engines and the real store, scores checked against sacrebleu."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from sacrebleu.metrics import CHRF

import annot
from annot.compare.flags import COMPARE_KINDS, kind_slug
from annot.compare.frame import ENGINE_COLUMNS, compare, corpus_scores
from annot.errors import AlignmentError
from annot.model import Translation, flag_id
from annot.project.cached import document_projection
from annot.translate import choose_route, get_engine, registry
from annot.translate.base import BaseEngine

ENGINES = ["argos", "bergamot", "apertium"]  # best first: neural, then rule-based (annot.translate.rank_engines)
# (sentence, text, type, canonical): a few of the seed's actors.
ACTORS = [
    (0, "Minsk", "government body", "Belarus"),
    (1, "Russia", "state", None),
    (1, "Belarus", "state", None),
    (4, "Valeri Revenko", "person", None),
    (5, "Vladimir Putin", "person", None),
]


def _tag(store: annot.Store, doc: annot.Document) -> None:
    sentences = store.get_sentences(doc)
    for index, text, kind, canonical in ACTORS:
        s = sentences[index]
        start = s.start + s.text.index(text)
        store.add_span(doc.id, start, start + len(text), "ACTOR", {"type": kind, "canonical": canonical})


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """The seed with actors tagged, compared in Portuguese once (translations and round trips stored)."""
    registry.get_engine.cache_clear()
    store = annot.open_project(tmp_path_factory.mktemp("compare") / "project", annotator="t")
    seed = Path(request.config.rootpath) / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
    (doc,) = annot.ingest(seed, store).documents
    _tag(store, doc)
    calls: list[tuple[int, int, str]] = []
    frame = compare(doc, store, target="pt", progress=lambda done, total, what: calls.append((done, total, what)))
    yield store, doc, frame, calls
    store.close()


def test_frame_translates_what_is_missing_with_every_installed_engine(seeded):
    store, doc, frame, calls = seeded
    assert frame.attrs["engines"] == ENGINES
    assert set(store.translations(doc.id, target="pt")["engine"]) == set(ENGINES)
    assert calls and calls[-1][0] == calls[-1][1]  # progress reached its total
    assert any("pt>en" in what for _, _, what in calls)  # the round trips were shown too


def test_frame_columns_dtypes_and_attrs(seeded):
    _, doc, frame, _ = seeded
    engine_columns = [f"{col}.{e}" for e in ENGINES for col in ENGINE_COLUMNS]
    assert list(frame.columns) == ["source", "heading", "reference", "reference_sentences", "bead", "actors",
                                   *engine_columns, "disagreement"]  # fmt: skip
    assert frame.index.name == "sentence" and list(frame.index) == list(range(14))
    assert frame["heading"].tolist() == [i == 8 for i in range(14)]
    assert frame["reference"].isna().all() and frame["bead"].isna().all()
    assert frame["actors"][1] == ["Russia", "Belarus"] and frame["actors"][2] == []
    assert frame["route.apertium"].eq("en>es>pt").all() and frame["route.argos"].eq("en>pt").all()
    assert str(frame["text.argos"].dtype) == "string" and str(frame["failed.argos"].dtype) == "string"
    assert all(isinstance(v, list) for e in ENGINES for col in ("flags", "flag_kinds", "dismissed")
               for v in frame[f"{col}.{e}"])  # fmt: skip
    assert frame[[f"chrf.{e}" for e in ENGINES]].isna().all().all()  # no reference
    attrs = frame.attrs
    assert (attrs["doc_id"], attrs["source"], attrs["target"], attrs["reference_doc"]) == (doc.id, "en", "pt", None)
    assert list(attrs["signatures"]) == ["chrf"] and attrs["signatures"]["chrf"].startswith("nrefs:1|case:mixed|")
    assert attrs["round_trip"] == {"apertium": "pt>es>en", "argos": "pt>en", "bergamot": "pt>en"}
    assert attrs["engine_signatures"]["argos"][0].startswith("argos|translate-en_pt-")


def test_frame_scores_are_sacrebleus(seeded):
    store, _, frame, _ = seeded
    chrf = CHRF()
    back_signatures = {e: choose_route(e, "pt", "en").signature() for e in ENGINES}
    for i, row in frame.iterrows():
        texts = {e: row[f"text.{e}"] for e in ENGINES}
        pairs = []
        for e in ENGINES:
            against = [chrf.sentence_score(texts[e], [texts[f]]).score for f in ENGINES if f != e]
            assert row[f"agreement.{e}"] == pytest.approx(sum(against) / 2), (i, e)
            pairs += against
            back = store.cached_text_translations([texts[e]], back_signatures[e])[texts[e]]
            assert row[f"roundtrip.{e}"] == pytest.approx(chrf.sentence_score(back, [row["source"]]).score), (i, e)
            assert row[f"length_ratio.{e}"] == pytest.approx(len(texts[e]) / len(row["source"]))
        assert row["disagreement"] == pytest.approx(100 - sum(pairs) / len(pairs))


def test_frame_second_compare_translates_nothing(seeded, monkeypatch: pytest.MonkeyPatch):
    store, doc, frame, _ = seeded
    calls: list[int] = []
    original = BaseEngine.translate

    def counting(self, texts, *, source, target):
        calls.append(len(texts))
        return original(self, texts, source=source, target=target)

    monkeypatch.setattr(BaseEngine, "translate", counting)
    again = compare(doc.id, store, target="pt")
    assert calls == []
    pd.testing.assert_frame_equal(again, frame)


def test_frame_flags_are_the_projections(seeded):
    """Compare shows the flags the MT pane shows: the projection's, per sentence and route, placed in the text."""
    store, doc, frame, _ = seeded
    found = document_projection(store, doc, "pt")
    flagged = 0
    for i in frame.index:
        for e in ENGINES:
            expected = found.flags.get((i, e), ())
            flags = frame.at[i, f"flags.{e}"]
            assert [f["id"] for f in flags] == [flag_id(f.kind, f.value) for f in expected], (i, e)
            assert [f["detail"] for f in flags] == [f.detail for f in expected]
            assert frame.at[i, f"flag_kinds.{e}"] == [k for k in COMPARE_KINDS if any(f["kind"] == k for f in flags)]
            for f, fidelity in zip(flags, expected):
                assert (f["start"], f["end"], f["span_id"]) == (fidelity.start, fidelity.end, fidelity.span_id)
                if f["start"] is not None:
                    assert frame.at[i, f"text.{e}"][f["start"] : f["end"]] == fidelity.text
            flagged += bool(flags)
    assert flagged  # the seed's Portuguese has something to flag (apertium's "9,000" through Spanish, at least)
    scores = corpus_scores(frame)
    assert list(scores.index) == ENGINES
    assert scores["chrf"].isna().all() and scores["scored"].eq(0).all() and scores["sentences"].eq(14).all()
    for e in ENGINES:
        flags = [f for fs in frame[f"flags.{e}"] for f in fs]
        assert scores.at[e, "flags"] == len(flags)
        for kind in COMPARE_KINDS:
            assert scores.at[e, kind_slug(kind)] == sum(f["kind"] == kind for f in flags), (e, kind)
        assert scores.at[e, "flagged_pct"] == pytest.approx(100 * frame[f"flags.{e}"].map(bool).mean())
        assert scores.at[e, "agreement"] == pytest.approx(frame[f"agreement.{e}"].mean())
        assert scores.at[e, "roundtrip"] == pytest.approx(frame[f"roundtrip.{e}"].mean())


def test_frame_pivot_engine_named_as_stored(seeded):
    store, doc, _, _ = seeded
    frame = compare(doc, store, target="es", engines=["argos", "apertium"], reference=None, round_trip=False)
    assert frame.attrs["engines"] == ["argos+apertium", "apertium"]
    assert frame["route.argos+apertium"].eq("en>pt>es").all() and frame["route.apertium"].eq("en>es").all()
    assert frame["roundtrip.apertium"].isna().all() and frame.attrs["round_trip"] == {}


def test_frame_reads_names_stored_in_hop_order_under_the_engines_name(project: annot.Store, monkeypatch):
    """annot 0.1 stored argos's es>pt>en (apertium es->pt, then argos) as apertium+argos: it is argos's column."""
    es = Path(__file__).resolve().parents[2] / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"
    (doc,) = annot.ingest(es, project).documents
    apertium, argos = get_engine("apertium"), get_engine("argos")  # the route's hops, signed as annot 0.1 did
    signature = f"pivot({apertium.signature('es', 'pt')} > {argos.signature('pt', 'en')})"
    project.add_translations(
        Translation(doc.id, i, "apertium+argos", "es-pt>translate-pt_en", "v", "es", "en", "es>pt>en", signature,
                    f"Sentence {i}.")
        for i in range(14)
    )  # fmt: skip
    calls: list[int] = []
    monkeypatch.setattr(BaseEngine, "translate", lambda self, texts, **kw: calls.append(len(texts)) or list(texts))
    frame = compare(doc, project, target="en", engines=["argos"], reference=None, round_trip=False)
    assert frame.attrs["engines"] == ["argos+apertium"] and calls == []  # the stored rows, nothing translated
    assert frame["text.argos+apertium"].tolist() == [f"Sentence {i}." for i in range(14)]
    assert frame["route.argos+apertium"].eq("es>pt>en").all()


def test_frame_refuses_a_document_already_in_the_target(project: annot.Store, seed_path: Path):
    (doc,) = annot.ingest(seed_path, project).documents
    with pytest.raises(annot.AnnotError, match="already in en"):
        compare(doc, project, target="en")


def test_frame_corpus_scores_are_nan_safe_on_an_empty_comparison(project: annot.Store, seed_path: Path):
    (doc,) = annot.ingest(seed_path, project).documents
    frame = compare(doc, project, target="pt", engines=[], round_trip=False)
    assert frame.attrs["engines"] == [] and math.isnan(frame["disagreement"].iloc[0])
    assert corpus_scores(frame).empty


# -- against the human reference -------------------------------------------------------------


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """The seed and its Spanish version linked and aligned, compared in Spanish with Apertium."""
    from annot.compare import link_documents

    store = annot.open_project(tmp_path_factory.mktemp("reference") / "project", annotator="t")
    annot.ingest(Path(request.config.rootpath) / "corpus", store)
    en, es = store.document("belarus-russian-grouping"), store.document("belarus-agrupacion-rusa")
    link_documents(store, en.id, es.id)
    frame = compare(en, store, target="es", engines=["apertium"])
    yield store, en, es, frame
    store.close()


def _scored(frame: pd.DataFrame, engine: str) -> tuple[list[str], list[str]]:
    """Each bead's joined translation and its reference, as compare scores them."""
    hyps, refs = [], []
    for first in frame.index[frame["reference"].notna()]:
        hyps.append(" ".join(frame.loc[frame["bead"] == first, f"text.{engine}"]))
        refs.append(frame.at[first, "reference"])
    return hyps, refs


def test_frame_reference_beads(linked):
    _, _, es, frame = linked
    assert frame.attrs["reference_doc"] == es.id and list(frame.attrs["signatures"]) == ["chrf", "bleu", "ter"]
    # One English sentence is two Spanish ones (6 -> 6-7); two English ones are one Spanish one (11-12 -> 12).
    assert frame.at[6, "reference_sentences"] == "6-7" and frame.at[6, "bead"] == 6
    assert (frame.at[11, "reference_sentences"], frame.at[11, "bead"]) == ("12", 11)
    assert (
        frame.at[12, "reference"] is pd.NA and frame.at[12, "bead"] == 11 and math.isnan(frame.at[12, "chrf.apertium"])
    )
    assert frame.at[11, "reference"].startswith("Bielorrusia asegura que Ucrania prepara un ataque")
    assert frame["reference"].notna().sum() == 13 and frame["bead"].notna().all()


def test_frame_reference_scores_are_sacrebleus(linked):
    from sacrebleu.metrics import BLEU, TER

    _, _, _, frame = linked
    hyps, refs = _scored(frame, "apertium")
    rows = frame.index[frame["reference"].notna()]
    chrf, bleu, ter = CHRF(), BLEU(effective_order=True), TER()
    for row, hyp, ref in zip(rows, hyps, refs):
        assert frame.at[row, "chrf.apertium"] == pytest.approx(chrf.sentence_score(hyp, [ref]).score)
        assert frame.at[row, "bleu.apertium"] == pytest.approx(bleu.sentence_score(hyp, [ref]).score)
        assert frame.at[row, "ter.apertium"] == pytest.approx(ter.sentence_score(hyp, [ref]).score)
    assert hyps[11].startswith(frame.at[11, "text.apertium"]) and hyps[11].endswith(frame.at[12, "text.apertium"])


def test_frame_corpus_intervals_are_sacrebleus(linked, monkeypatch: pytest.MonkeyPatch):
    _, _, _, frame = linked
    scores = corpus_scores(frame, n_bootstrap=500, seed=11)
    hyps, refs = _scored(frame, "apertium")
    monkeypatch.setenv("SACREBLEU_SEED", "11")
    expected = CHRF().corpus_score(hyps, [refs], n_bootstrap=500)
    row = scores.loc["apertium"]
    assert row["chrf"] == pytest.approx(expected.score) and row["scored"] == 13 and row["sentences"] == 14
    assert (row["chrf_low"], row["chrf_high"]) == pytest.approx(
        (expected._mean - expected._ci, expected._mean + expected._ci)
    )
    assert row["chrf_low"] < row["chrf"] < row["chrf_high"] and row["ter_low"] < row["ter"] < row["ter_high"]
    assert "bs:500|seed:11" in scores.attrs["signatures"]["bleu"]
    assert corpus_scores(frame, n_bootstrap=500, seed=11).equals(scores)  # reproducible


def test_frame_reference_named_or_refused(linked):
    store, en, es, frame = linked
    named = compare(en, store, target="es", engines=["apertium"], reference=es.id[:20])
    pd.testing.assert_frame_equal(named, frame)
    none = compare(en, store, target="es", engines=["apertium"], reference=None)
    assert none["reference"].isna().all() and none.attrs["reference_doc"] is None and none["chrf.apertium"].isna().all()
    with pytest.raises(AlignmentError, match="is not the reference of"):
        compare(es, store, target="pt", engines=["apertium"], reference=en.id, round_trip=False)


def test_frame_takes_every_installed_engine_and_completes_partial_ones(project: annot.Store, seed_path: Path):
    (doc,) = annot.ingest(seed_path, project).documents
    annot.translate(doc, project, to="pt", engines="argos", sentences=[0, 1])  # as the widget does, a window
    frame = compare(doc, project, target="pt", round_trip=False)
    assert frame.attrs["engines"] == ["argos", "bergamot", "apertium"]
    assert all(frame[f"text.{name}"].notna().all() for name in frame.attrs["engines"])


def test_frame_keeps_what_an_uninstalled_engine_stored(project: annot.Store, seed_path: Path):
    (doc,) = annot.ingest(seed_path, project).documents
    project.add_translations(
        Translation(doc.id, i, "gone", "m", "1", "en", "pt", "en>pt", "gone|m-1|en-pt", f"Frase {i}.") for i in (0, 2)
    )
    frame = compare(doc, project, target="pt", round_trip=False)  # every engine: the installed ones and "gone"
    assert frame.attrs["engines"] == ["argos", "bergamot", "gone", "apertium"]  # gone: of unknown kind, one hop
    assert "Unknown engine 'gone'" in frame.attrs["skipped"]["gone"]
    assert frame["text.gone"].notna().tolist() == [i in (0, 2) for i in range(14)]
    # Neither translated nor failed: no flags, which is not "no flag".
    assert frame.at[1, "flags.gone"] is None and frame["flag_kinds.gone"].isna().sum() == 12
    assert corpus_scores(frame).at["gone", "sentences"] == 2
