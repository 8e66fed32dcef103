"""The MT pane's logic on the real engines and store: installed targets, rows with fidelity flags, background jobs."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import annot
from annot.align import references
from annot.annotate import BackgroundTranslator, Flag, JobState, MTRow, mt_rows, targets
from annot.annotate.mt import Projected, decide_flag, projection_ready, reference_flags, reference_view
from annot.errors import EngineError, EngineNotInstalled, SpanError
from annot.model import Status, Translation
from annot.names import read_aliases
from annot.project import project as project_spans
from annot.project.cached import document_projection
from annot.project.fidelity import fidelity
from annot.project.lexicon import queries
from annot.project.units import source_units
from annot.translate import get_engine, registry
from tests.project.conftest import build_gold_project
from tests.translate.fakes import FAKES, UpperEngine

WAIT = 60  # seconds a job may take before join() gives up (they take 1-3)


class MissingEngine:
    """An engine whose backend is not installed."""

    name = "missing"

    def __init__(self) -> None:
        raise EngineNotInstalled("The missing engine needs a backend that is not installed.")


class Recorder:
    """An ``on_update`` that keeps every state and which sentences were stored when it came.

    With ``gate``, the first call sets ``arrived`` and waits for the gate: the worker is
    held after its first batch while the test queues or closes, so nothing depends on timing.
    """

    def __init__(self, store: annot.Store, doc_id: str, gate: threading.Event | None = None) -> None:
        self.store, self.doc_id, self.gate = store, doc_id, gate
        self.arrived = threading.Event()
        self.states: list[JobState] = []
        self.stored: list[list[int]] = []

    def __call__(self, state: JobState) -> None:
        self.states.append(state)
        translations = self.store.get_translations(self.doc_id, target=state["target"])
        self.stored.append(sorted(t.index for t in translations if t.engine.startswith(state["engine"])))
        if self.gate is not None and len(self.states) == 1:
            self.arrived.set()
            assert self.gate.wait(WAIT)


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("annot-mt-")]


@pytest.fixture
def seed(project, seed_path: Path) -> annot.Document:
    (doc,) = annot.ingest(seed_path, project).documents
    return doc


@pytest.fixture
def fake_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    engines = {"upper": FAKES["upper"], "flaky": FAKES["flaky"], "missing": f"{__name__}:MissingEngine"}
    monkeypatch.setattr(registry, "BUILTIN_ENGINES", engines)
    registry.get_engine.cache_clear()
    yield
    registry.get_engine.cache_clear()


# -- installed targets ------------------------------------------------------------


def test_targets_lists_every_installed_engine_per_reachable_language():
    found = targets("en")
    # Best first (annot.translate.rank_engines): neural before rule-based, then fewer hops, then the name.
    assert found["pt"] == ["argos", "bergamot", "apertium"]  # apertium through es
    assert found["es"] == ["argos", "bergamot", "apertium"]  # argos and bergamot through pt with apertium
    # ca: apertium's own pair; argos and bergamot en>pt, then apertium pt>ca (Debian's apertium-por-cat).
    assert found["ca"] == ["argos", "bergamot", "apertium"]
    assert found["mk"] == ["apertium"]  # en>hr>mk: no route of three hops through argos or bergamot
    assert "en" not in found and list(found) == sorted(found)
    found["pt"].append("mutated")
    assert targets("en")["pt"] == ["argos", "bergamot", "apertium"]  # the cache hands out copies


def test_targets_skips_engines_without_backend(fake_engines):
    assert targets("en") == {"es": ["upper"], "pt": ["flaky", "upper"]}
    assert targets("pt") == {"en": ["upper"], "es": ["upper"]}  # es through en
    assert targets("xx") == {}


# -- rows and their flags ------------------------------------------------------------------------

# Seed sentences 2, 4 and 9 (their text in Portuguese written here, so no engine runs):
# 2 "Russia will send some 170 tanks, ... to the southern border of Belarus, which borders Ukraine,
#    the Belarusian Defense Ministry reported Monday (10/17/2022)."
# 4 "The Belarusian Deputy Minister ..., Colonel Valeri Revenko, tweeted this information after
#    informing 19 foreign military attachés ..."
# 9 "Those activities will include live-fire exercises and guided missile launches, the Belarusian
#    Defense Ministry said."
ACTORS = [  # (sentence, text, type, canonical)
    (2, "Russia", "state", None),
    (2, "Belarus", "state", None),
    (2, "Belarusian Defense Ministry", "government body", "Belarus"),  # the same actor as Belarus: one flag
    (4, "Colonel Valeri Revenko", "person", "Valeri Revenko"),
    (9, "Belarusian Defense Ministry", "government body", "Belarus"),
]
FINE_9 = "Essas atividades incluirão exercícios com fogo real, disse o Ministério da Defesa da Bielorrússia."
LOST_9 = "Essas atividades incluirão exercícios com fogo real, disse o ministério."
WRONG_4 = "O vice-ministro, coronel Valeri Revenco, informou 91 adidos militares estrangeiros."
RIGHT_4 = "O vice-ministro, coronel Valeri Revenko, informou 19 adidos militares estrangeiros."
OFFICE_4 = "O vice-ministro informou 91 adidos militares estrangeiros."  # the colonel by his office alone
LOST_2 = (
    "Enviará 170 tanques, até 200 veículos blindados e até 100 peças de artilharia até a fronteira sul, que faz"
    " fronteira com a Ucrânia, informou o ministério (17/10/2022)."
)


def _queries(store: annot.Store, doc_id: str) -> list[str]:
    """What a route translates for the document's lexicon (``annot.project.lexicon.queries``)."""
    doc = store.document(doc_id)
    sentences = store.get_sentences(doc)
    spans = list(store.iter_spans(doc.id, status=Status.ACCEPTED))
    return queries({s.index: s.text for s in sentences}, source_units(sentences, spans, store.schema.stance_cues("en")))


def _tag(store: annot.Store, doc: annot.Document, actors=ACTORS) -> None:
    sentences = store.get_sentences(doc)
    for index, text, kind, canonical in actors:
        s = sentences[index]
        start = s.start + s.text.index(text)
        store.add_span(doc.id, start, start + len(text), "ACTOR", {"type": kind, "canonical": canonical})


def _stored(store: annot.Store, doc: annot.Document, index: int, texts: dict[str, str], version: str = "1") -> None:
    """Translations into pt written straight to the store, as engines named ``texts``' keys would have."""
    store.add_translations(
        Translation(doc.id, index, engine, "m", version, "en", "pt", "en>pt", f"{engine}|m-{version}|en-pt", text)
        for engine, text in texts.items()
    )


def _flags(rows: list[MTRow], engine: str) -> list[tuple[str, str, bool]]:
    (row,) = [r for r in rows if r["engine"] == engine]
    return [(f["id"], f["text"], f["dismissed"]) for f in row["flags"]]


@pytest.fixture
def tagged(project: annot.Store, seed: annot.Document) -> annot.Document:
    _tag(project, seed)
    return seed


def test_mt_rows_best_engine_first_with_the_newest_translation(project, tagged: annot.Document):
    sentence = project.get_sentences(tagged)[4]
    _stored(project, tagged, 4, {"apertium": RIGHT_4, "argos": RIGHT_4, "bergamot": RIGHT_4})
    _stored(project, tagged, 4, {"bergamot": WRONG_4}, version="2")  # a newer model's translation
    _stored(project, tagged, 5, {"argos": "Outra frase."})
    rows = mt_rows(project, tagged.id, sentence, "pt")
    # Neural before rule-based (annot.translate.rank_engines), as targets() lists them.
    assert [(r["engine"], r["base"], r["kind"]) for r in rows] == [
        ("argos", "argos", "neural"), ("bergamot", "bergamot", "neural"), ("apertium", "apertium", "rule-based"),
    ]  # fmt: skip
    assert [r["engine"] for r in rows] == targets("en", project)["pt"]
    argos, bergamot, _ = rows
    assert set(argos) == set(MTRow.__annotations__)
    assert (argos["route"], argos["model"], argos["signature"]) == ("en>pt", "m", "argos|m-1|en-pt")
    assert (argos["text"], argos["numbers_ok"], argos["numbers"], argos["flags"]) == (RIGHT_4, True, "ok", [])
    # The tagged colonel, found in the translation: where, so the pane paints it in the ACTOR colour.
    (colonel,) = argos["projected"]
    assert set(colonel) == set(Projected.__annotations__) and argos["checked"]
    assert (colonel["label"], colonel["part"], colonel["status"], colonel["source_text"]) == (
        "ACTOR", "span", "kept", "Colonel Valeri Revenko")  # fmt: skip
    assert RIGHT_4[colonel["start"] : colonel["end"]] == "Valeri Revenko"
    assert (bergamot["text"], bergamot["signature"]) == (WRONG_4, "bergamot|m-2|en-pt")  # the newest of two
    assert mt_rows(project, tagged.id, sentence, "gl") == []


def test_mt_rows_a_number_added_is_a_number_flag(project, tagged: annot.Document):
    sentences = project.get_sentences(tagged)
    _stored(project, tagged, 4, {"argos": RIGHT_4, "bergamot": WRONG_4})
    rows = mt_rows(project, tagged.id, sentences[4], "pt")
    assert _flags(rows, "argos") == []
    bergamot = next(r for r in rows if r["engine"] == "bergamot")
    (added,) = bergamot["flags"]
    assert added == Flag(
        id="added:91", kind="added", value="91", text="added: 91", title=added["title"], aliasable=False,
        dismissed=False, start=50, end=52, span_id=None,
    )  # fmt: skip
    assert WRONG_4[50:52] == "91" and "91" in added["title"] and "Dismiss" in added["title"]
    assert (bergamot["numbers_ok"], bergamot["numbers"]) == (False, "added: 91")
    assert ("QUANTITY", "added", "91") in [(p["label"], p["status"], WRONG_4[p["start"] : p["end"]])
                                           for p in bergamot["projected"]]  # fmt: skip


def test_mt_rows_lost_actors_are_aliasable_and_rejected_ones_are_not_projected(project, tagged: annot.Document):
    sentences = project.get_sentences(tagged)
    _stored(project, tagged, 2, {"argos": LOST_2})
    (row,) = mt_rows(project, tagged.id, sentences[2], "pt")
    lost = [(f["kind"], f["text"], f["aliasable"], f["start"]) for f in row["flags"] if f["kind"] == "lost"]
    assert lost == [("lost", "lost: Russia", True, None), ("lost", "lost: Belarus", True, None)]
    # The date kept, "Monday" dropped: a time flag (the 0.1 check called the numbers fine and saw nothing else).
    assert ("time lost", "time lost: Monday") in [(f["kind"], f["text"]) for f in row["flags"]]
    russia = next(f for f in row["flags"] if f["text"] == "lost: Russia")
    assert project.get_span(russia["span_id"]).text == "Russia"
    project.update_span(russia["span_id"], status="rejected")
    (row,) = mt_rows(project, tagged.id, sentences[2], "pt")
    assert "lost: Russia" not in [f["text"] for f in row["flags"]]
    assert russia["span_id"] not in {p["span_id"] for p in row["projected"]}


def test_mt_rows_dismissed_flag_is_marked_for_its_route_only(project, tagged: annot.Document):
    sentence = project.get_sentences(tagged)[4]
    _stored(project, tagged, 4, {"argos": WRONG_4, "bergamot": WRONG_4})
    before = mt_rows(project, tagged.id, sentence, "pt")
    (added,) = before[0]["flags"]
    assert (added["id"], before[0]["numbers_ok"]) == ("added:91", False)
    assert project.dismiss_flag(tagged.id, 4, "argos", added["kind"], added["value"]) == added["id"]
    after = mt_rows(project, tagged.id, sentence, "pt")
    assert _flags(after, "argos") == [("added:91", "added: 91", True)]
    assert after[0]["numbers_ok"] is True and after[0]["numbers"] == "added: 91"
    assert after[0]["projected"] == before[0]["projected"]
    assert after[1] == before[1]  # bergamot's translation is another one: its flag stays
    assert project.undismiss_flag(tagged.id, 4, "argos", added["id"])
    assert mt_rows(project, tagged.id, sentence, "pt") == before


def test_decide_flag_alias_joins_the_actors_name_and_the_translations(project, tagged: annot.Document):
    sentence = project.get_sentences(tagged)[4]
    _stored(project, tagged, 4, {"argos": OFFICE_4})
    (row,) = mt_rows(project, tagged.id, sentence, "pt")
    lost, added = row["flags"]
    assert (lost["kind"], lost["text"], lost["aliasable"], lost["start"]) == (
        "lost", "lost: Colonel Valeri Revenko", True, None)  # fmt: skip
    # The alias joins the actor's canonical name (its span's), not the flag's "Colonel Valeri Revenko -> " value.
    said = decide_flag(project, tagged.id, 4, "argos", lost, "alias", alias=" vice-ministro ")
    assert said == "alias added: Valeri Revenko = vice-ministro"
    assert read_aliases(project.path) == {"Valeri Revenko": ["vice-ministro"]}
    (row,) = mt_rows(project, tagged.id, sentence, "pt")  # projected again: the project file moved
    assert [f["id"] for f in row["flags"]] == ["added:91"]
    (name,) = [p for p in row["projected"] if p["source_text"] == "Colonel Valeri Revenko"]
    assert (name["status"], OFFICE_4[name["start"] : name["end"]]) == ("kept", "vice-ministro")
    with pytest.raises(SpanError, match="not about an actor's name"):
        decide_flag(project, tagged.id, 4, "argos", added, "alias", alias="91")


def test_mt_rows_without_projection_while_it_is_computed(project, tagged: annot.Document):
    sentence = project.get_sentences(tagged)[4]
    _stored(project, tagged, 4, {"argos": WRONG_4})
    (row,) = mt_rows(project, tagged.id, sentence, "pt", project=False)
    assert (row["text"], row["flags"], row["projected"], row["checked"]) == (WRONG_4, [], [], False)
    assert projection_ready("pt") == ("pt" in mt_rows.__globals__["_warmed"])
    mt_rows(project, tagged.id, sentence, "pt")
    assert projection_ready("pt")


def test_mt_rows_spans_and_names_arguments_are_deprecated_and_ignored(project, tagged: annot.Document):
    sentence = project.get_sentences(tagged)[9]
    _stored(project, tagged, 9, {"argos": LOST_9})
    spans = [project.get_span(i) for i in project.spans(tagged.id).query("sentence == 9")["id"]]
    with pytest.warns(DeprecationWarning, match="ignored"):
        rows = mt_rows(project, tagged.id, sentence, "pt", ["Lukashenko"])
    with pytest.warns(DeprecationWarning, match="ignored"):
        assert mt_rows(project, tagged.id, sentence, "pt", spans=spans) == rows
    assert rows == mt_rows(project, tagged.id, sentence, "pt")


# -- the gold project: the seed's gold spans, six frozen routes, the aligned Spanish version ----------------


@pytest.fixture(scope="module")
def gold(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[annot.Store, str, str]]:
    """The projection gold's project with each route's word lexicon filled, as the pane's background job fills it."""
    store, seed, spanish = build_gold_project(tmp_path_factory.mktemp("gold"))
    for lang in ("es", "pt"):
        project_spans(store, seed, lang, lexicon="fill")
    yield store, seed, spanish
    store.close()


def _row(rows: list[MTRow], engine: str) -> MTRow:
    return next(r for r in rows if r["engine"] == engine)


def _placed(row: MTRow) -> list[tuple[str, str]]:
    text = list(row["text"])  # code points
    return [(f["kind"], "".join(text[f["start"] : f["end"]])) for f in row["flags"] if f["start"] is not None]


def test_mt_rows_gold_flags_say_what_each_route_got_wrong(gold):
    store, seed, _ = gold
    sentence = store.get_sentences(store.document(seed))[2]
    rows = mt_rows(store, seed, sentence, "es")
    assert [r["engine"] for r in rows] == ["argos+apertium", "bergamot+apertium", "apertium"]
    pivot = _row(rows, "argos+apertium")
    # "Bielorrússia" left in Portuguese, the US date order, "Monday" lost and "Oriental" invented (issue 13).
    assert [f["kind"] for f in pivot["flags"]] == ["wrong language", "wrong language", "number style", "time lost",
                                                   "added"]  # fmt: skip
    assert ("wrong language", "Bielorrússia") in _placed(pivot)
    assert ("number style", "10/17/2022") in _placed(pivot) and ("added", "Oriental") in _placed(pivot)
    assert "time lost: Monday" in [f["text"] for f in pivot["flags"]]
    assert (pivot["numbers_ok"], pivot["numbers"]) == (False, "number style: 10/17/2022")
    apertium = _row(rows, "apertium")
    changed = next(f for f in apertium["flags"] if f["kind"] == "changed")
    # "some 170 tanks" became "170 tanques": the qualifier is gone.
    assert (changed["text"], changed["aliasable"]) == ("changed: some 170 tanks", False)
    assert ("changed", "170 tanques") in _placed(apertium) and "approximately" in changed["title"]
    assert "changed: some 170 tanks" in apertium["numbers"] and not apertium["numbers_ok"]
    assert ("wrong language", "Belarusian Ministerio de Defensa") in _placed(apertium)


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_mt_rows_gold_projected_spans_slice_back_to_projections_text(gold, lang: str):
    store, seed, _ = gold
    found = document_projection(store, seed, lang)
    for sentence in store.get_sentences(store.document(seed)):
        for row in mt_rows(store, seed, sentence, lang):
            text = list(row["text"])
            frame = found.rows(sentence.index, found.route(row["engine"]).name)
            expected = sorted((r["target_start"], r["target_text"]) for r in frame
                              if r["target_start"] is not None and r["status"] != "lost")  # fmt: skip
            assert sorted((p["start"], "".join(text[p["start"] : p["end"]])) for p in row["projected"]) == expected
            for p in row["projected"]:
                assert p["status"] in ("kept", "changed", "added") and (p["span_id"] is None) == (p["part"] == "added")


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_mt_rows_gold_flags_are_fidelitys(gold, lang: str):
    """The pane and compare read one rule (annot.project.fidelity): the same flags, in order, on every sentence."""
    store, seed, _ = gold
    frame = fidelity(store, seed, lang)
    for sentence in store.get_sentences(store.document(seed)):
        for row in mt_rows(store, seed, sentence, lang):
            mine = frame[(frame["sentence"] == sentence.index) & (frame["engine"] == row["engine"])]
            assert [f["id"] for f in row["flags"]] == list(mine["flag_id"])
            assert [(f["start"], f["end"]) for f in row["flags"]] == [
                (None if pd.isna(s) else int(s), None if pd.isna(e) else int(e))
                for s, e in zip(mine["target_start"], mine["target_end"])
            ]
            assert [f["dismissed"] for f in row["flags"]] == list(mine["dismissed"])


def test_reference_view_gold_spans_in_the_human_version(gold):
    store, seed, spanish = gold
    sentences = store.get_sentences(store.document(seed))
    ref = references(store, seed, "es")[2]
    text = ref.text
    flags, projected = reference_view(store, seed, ref.a, sentences[2].text, text, "es")
    placed = {(p["label"], p["status"], text[p["start"] : p["end"]]) for p in projected}
    assert {("ACTOR", "kept", "Rusia"), ("ACTOR", "kept", "Bielorrusia"), ("QUANTITY", "kept", "unos 170 tanques"),
            ("STANCE", "kept", "informó")} <= placed  # fmt: skip
    assert all(f["dismissed"] is False for f in flags)
    assert reference_flags(store, seed, ref.a, sentences[2].text, text, "es") == flags
    # A bead of two Spanish sentences (6 -> 6, 7): offsets count from the bead's first sentence.
    two = references(store, seed, "es")[6]
    assert len(two.b) == 2
    _, projected = reference_view(store, seed, two.a, sentences[6].text, two.text, "es")
    assert projected and all(two.text[p["start"] : p["end"]].strip() for p in projected)
    frame = document_projection(store, seed, "es").rows(6, f"reference:{spanish}")
    assert sorted(two.text[p["start"] : p["end"]] for p in projected) == sorted(
        r["target_text"] for r in frame if r["target_start"] is not None and r["status"] != "lost")  # fmt: skip


def test_mt_rows_first_projection_of_the_gold_is_measured(gold, tmp_path: Path):
    """The pane's first projection of a 14-sentence document, in a kernel that projected before (printed)."""
    store, seed, _ = gold
    fresh, fresh_seed, _ = build_gold_project(tmp_path / "fresh")
    try:
        # The same word lexicons, copied through the store's API: a fresh cache, nothing projected there yet.
        for lang in ("es", "pt"):
            for target in document_projection(store, seed, lang).targets:
                if target.kind == "route":
                    signature = next(iter(target.texts.values())).signature
                    words = store.cached_text_translations(_queries(store, seed), signature)
                    fresh.add_text_translations(list(words.items()), signature=signature, engine=target.engine,
                                                source="en", target=lang)  # fmt: skip
        sentence = fresh.get_sentences(fresh.document(fresh_seed))[0]
        for lang in ("es", "pt"):
            started = time.perf_counter()
            rows = mt_rows(fresh, fresh_seed, sentence, lang)
            took = time.perf_counter() - started
            print(f"first projection of the gold into {lang}: {1000 * took:.0f} ms ({len(rows)} routes)")
            assert all(r["checked"] for r in rows)
    finally:
        fresh.close()


# -- background translation ------------------------------------------------------------


def test_background_translates_the_window_first_then_the_whole_document(project, seed: annot.Document):
    record = Recorder(project, seed.id)
    translator = BackgroundTranslator(project, seed.id, record, batch_size=3)
    started = translator.ensure("es", "apertium", first=[9, 10, 11])
    assert (started["status"], started["done"], started["total"]) == ("running", 0, 14)
    assert translator.join(timeout=WAIT)
    assert record.stored[0] == [9, 10, 11]  # the visible window, stored before anything else
    assert record.stored[1] == [0, 1, 2, 9, 10, 11]
    assert [(s["status"], s["done"]) for s in record.states] == [
        ("running", 3), ("running", 6), ("running", 9), ("running", 12), ("done", 14),
    ]  # fmt: skip
    signature = get_engine("apertium").signature("en", "es")
    stored = project.get_translations(seed.id, target="es")
    assert [t.index for t in stored] == list(range(14)) and {t.signature for t in stored} == {signature}
    assert translator.state("es", "apertium") == record.states[-1]


def test_background_everything_stored_is_done_without_a_thread(project, seed: annot.Document):
    annot.translate(seed, project, to="gl", engines="apertium")
    record = Recorder(project, seed.id)
    translator = BackgroundTranslator(project, seed.id, record)
    state = translator.ensure("gl", "apertium", first=[3])
    assert (state["status"], state["done"], state["total"], state["error"]) == ("done", 14, 14, "")
    assert _workers() == [] and record.states == []
    assert translator.ensure("gl", "apertium")["status"] == "done"
    assert translator.state("ca", "apertium")["status"] == "idle"  # never asked for


@pytest.mark.parametrize(
    ("target", "engine", "message"),
    [
        ("xx", "apertium", "apertium cannot translate en->xx, directly or through up to 2 other languages."),
        ("mk", "argos", "argos cannot translate en->mk"),
        ("pt", "nope", "Unknown engine 'nope'. Known engines: argos, bergamot, opus, apertium."),
        ("en", "argos", "is already in en."),
    ],
)
def test_background_unreachable_pair_is_an_error_without_a_thread(project, seed, target, engine, message):
    record = Recorder(project, seed.id)
    translator = BackgroundTranslator(project, seed.id, record)
    state = translator.ensure(target, engine)
    assert state["status"] == "error" and message in state["error"] and "\n" not in state["error"]
    assert translator.state(target, engine) == state
    assert _workers() == [] and record.states == []


def test_background_second_pair_waits_for_the_first(project, seed: annot.Document):
    gate = threading.Event()
    record = Recorder(project, seed.id, gate)
    translator = BackgroundTranslator(project, seed.id, record, batch_size=4)
    assert translator.ensure("es", "apertium")["status"] == "running"
    queued = translator.ensure("pt", "argos", first=[0])
    assert (queued["status"], queued["done"]) == ("running", 0)
    again = translator.ensure("pt", "argos", first=[13, 12])  # the annotator moved: that window first
    assert again == queued and len(_workers()) == 1
    gate.set()
    assert translator.join(timeout=WAIT) and _workers() == []
    jobs = [(s["target"], s["engine"]) for s in record.states]
    assert jobs == [("es", "apertium")] * 4 + [("pt", "argos")] * 4  # one job after the other
    assert record.stored[4] == [0, 1, 12, 13]  # pt: the last window first, then the document from the start
    assert [s["status"] for s in record.states][3::4] == ["done", "done"]
    assert len(project.get_translations(seed.id, target="pt")) == 14
    assert len(project.get_translations(seed.id, target="es")) == 14


def test_background_close_stops_after_the_current_batch(project, seed: annot.Document):
    gate = threading.Event()
    record = Recorder(project, seed.id, gate)
    translator = BackgroundTranslator(project, seed.id, record, batch_size=2)
    translator.ensure("es", "apertium", first=[6, 7])
    assert record.arrived.wait(WAIT)  # the first batch is stored, and the worker held
    translator.ensure("ca", "apertium")  # queued, then dropped by close()
    translator.close()
    gate.set()
    assert translator.join(timeout=WAIT) and _workers() == []
    assert len(record.states) == 1  # nothing reported after close()
    assert [t.index for t in project.get_translations(seed.id, target="es")] == [6, 7]
    assert project.get_translations(seed.id, target="ca") == []
    state = translator.state("es", "apertium")
    assert (state["status"], state["done"]) == ("idle", 2)
    resumed = translator.ensure("es", "apertium")  # a later ensure goes on where it stopped
    assert (resumed["status"], resumed["done"]) == ("running", 2)
    assert translator.join(timeout=WAIT)
    assert translator.state("es", "apertium")["status"] == "done"
    assert len(project.get_translations(seed.id, target="es")) == 14


def test_background_engine_failure_is_an_error_state(fake_engines, project, tmp_path: Path):
    path = tmp_path / "boom.en.txt"
    path.write_text("Russia will send 9,000 troops. Kyiv says BOOM. Nothing else.", "utf-8")
    (doc,) = annot.ingest(path, project, lang="en").documents
    record = Recorder(project, doc.id)
    translator = BackgroundTranslator(project, doc.id, record, batch_size=1)
    translator.ensure("pt", "flaky")
    assert translator.join(timeout=WAIT)
    assert [(s["status"], s["done"]) for s in record.states] == [("running", 1), ("error", 1)]
    assert "flaky: backend crashed" in record.states[-1]["error"]
    assert translator.state("pt", "flaky") == record.states[-1]
    assert [t.index for t in project.get_translations(doc.id)] == [0]  # what was done before is kept
    again = translator.ensure("pt", "flaky", first=[2])  # moving on does not retry a failed job
    assert again["status"] == "error" and len(record.states) == 2
    retried = translator.ensure("pt", "flaky", first=[2], retry=True)  # choosing the engine again does
    assert retried["status"] == "running"
    assert translator.join(timeout=WAIT)
    assert record.states[-1]["status"] == "error" and 2 in {t.index for t in project.get_translations(doc.id)}


def test_background_callback_errors_are_logged_and_work_goes_on(fake_engines, project, tmp_path: Path, caplog):
    path = tmp_path / "short.en.txt"
    path.write_text("Russia will send 9,000 troops. Minsk agrees. Kyiv objects.", "utf-8")
    (doc,) = annot.ingest(path, project, lang="en").documents

    def broken(state: JobState) -> None:
        raise RuntimeError("a bug in the view")

    translator = BackgroundTranslator(project, doc.id, broken, batch_size=1)
    with caplog.at_level(logging.ERROR, logger="annot.annotate.mt"):
        translator.ensure("pt", "upper")
        assert translator.join(timeout=WAIT)
    assert translator.state("pt", "upper")["status"] == "done"
    assert len(project.get_translations(doc.id, target="pt")) == 3
    assert len(caplog.records) == 3 and "a bug in the view" in caplog.text


# -- each route's word lexicon, filled by the background job --------------------------------------------------


class SentencesOnlyEngine(UpperEngine):
    """en->pt that translates sentences but fails on a lone word: its word lexicon cannot be filled."""

    name = "sentences"

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if any(" " not in t.strip() for t in texts):
            raise EngineError("sentences: a lone word is beyond this backend")
        return super()._translate(texts, source, target)


def test_background_job_fills_the_routes_lexicon_for_projection(project, seed: annot.Document):
    _tag(project, seed)
    translator = BackgroundTranslator(project, seed.id, lambda state: None, batch_size=8)
    translator.ensure("es", "apertium", first=[9])
    assert translator.join(timeout=WAIT)
    signature = get_engine("apertium").signature("en", "es")
    wanted = _queries(project, seed.id)
    cached = project.cached_text_translations(wanted, signature)
    assert set(cached) == set(wanted) and cached["Defense"] == "Defensa"
    # The pane's projection of the stored translations reads them (the aligner places words by the route's own):
    # Apertium's "el Belarusian Ministerio de Defensa" keeps an English word, and says so.
    (row,) = mt_rows(project, seed.id, project.get_sentences(seed)[9], "es")
    (ministry,) = [p for p in row["projected"] if p["source_text"] == "Belarusian Defense Ministry"]
    assert row["checked"] and ministry["status"] == "changed" and "Belarusian" in ministry["detail"]
    assert [f["text"] for f in row["flags"]] == ["wrong language: Belarusian"]


def test_background_lexicon_failure_is_logged_and_translation_goes_on(
    monkeypatch: pytest.MonkeyPatch, project, tmp_path: Path, caplog
):
    monkeypatch.setattr(registry, "BUILTIN_ENGINES", {"sentences": f"{__name__}:SentencesOnlyEngine"})
    registry.get_engine.cache_clear()
    path = tmp_path / "short.en.txt"
    path.write_text("Russia will send more troops. Minsk agrees with that. Kyiv objects to it.", "utf-8")
    (doc,) = annot.ingest(path, project, lang="en").documents
    record = Recorder(project, doc.id)
    translator = BackgroundTranslator(project, doc.id, record, batch_size=2)
    try:
        with caplog.at_level(logging.WARNING, logger="annot.annotate.mt"):
            translator.ensure("pt", "sentences")
            assert translator.join(timeout=WAIT)
    finally:
        registry.get_engine.cache_clear()
    assert [(s["status"], s["done"]) for s in record.states] == [("running", 2), ("done", 3)]
    assert len(project.get_translations(doc.id, target="pt")) == 3
    assert "filling the sentences lexicon" in caplog.text and "a lone word" in caplog.text
