"""The MT pane's logic on the real engines and store: installed targets, rows with fidelity flags, background jobs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import annot
from annot.annotate import BackgroundTranslator, Flag, JobState, MTRow, mt_rows, targets
from annot.compare import compare
from annot.compare.aliases import add_alias
from annot.errors import EngineNotInstalled
from annot.model import Translation
from annot.translate import get_engine, registry
from tests.translate.fakes import FAKES

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
LOST_2 = (
    "Enviará 170 tanques, até 200 veículos blindados e até 100 peças de artilharia até a fronteira sul, que faz"
    " fronteira com a Ucrânia, informou o ministério (17/10/2022)."
)


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
    assert (bergamot["text"], bergamot["signature"]) == (WRONG_4, "bergamot|m-2|en-pt")  # the newest of two
    assert mt_rows(project, tagged.id, sentence, "gl") == []


def test_mt_rows_flags_numbers_and_one_name_per_actor(project, tagged: annot.Document):
    sentences = project.get_sentences(tagged)
    _stored(project, tagged, 4, {"argos": RIGHT_4, "bergamot": WRONG_4, "apertium": "O coronel V. R. informou 19."})
    rows = mt_rows(project, tagged.id, sentences[4], "pt")
    assert _flags(rows, "argos") == []  # "Colonel Valeri Revenko" is kept by its canonical name
    numbers, name = next(r for r in rows if r["engine"] == "bergamot")["flags"]
    assert numbers == Flag(
        id="numbers:missing 19; added 91", kind="numbers", value="missing 19; added 91",
        text="numbers: missing 19; added 91", title=numbers["title"], aliasable=False, dismissed=False,
    )  # fmt: skip
    assert "missing 19; added 91" in numbers["title"]
    # One flag for the actor (not one for its text and one for its canonical name), named by its canonical name.
    assert (name["id"], name["kind"], name["value"], name["text"]) == ("name:valeri revenko", "name",
                                                                       "Valeri Revenko", "Valeri Revenko")  # fmt: skip
    assert name["aliasable"] and not name["dismissed"]
    assert "Colonel Valeri Revenko" in name["title"] and "alias" in name["title"]
    assert _flags(rows, "apertium") == [("name:valeri revenko", "Valeri Revenko", False)]
    assert next(r for r in rows if r["engine"] == "bergamot")["numbers_ok"] is False


def test_mt_rows_names_through_cldr_aliases_and_every_actor_type(project, tagged: annot.Document):
    sentences = project.get_sentences(tagged)
    # "the Belarusian Defense Ministry", canonical Belarus: Bielorrússia is Belarus in Portuguese (CLDR).
    _stored(project, tagged, 9, {"argos": FINE_9, "bergamot": LOST_9})
    rows = mt_rows(project, tagged.id, sentences[9], "pt")
    assert _flags(rows, "argos") == []
    assert _flags(rows, "bergamot") == [("name:belarus", "Belarus", False)]
    # A state is flagged as a person is (the pane used to check people, organizations and media only);
    # Belarus, tagged twice in the sentence (as itself and as its ministry), is one actor.
    _stored(project, tagged, 2, {"argos": LOST_2})
    (row,) = mt_rows(project, tagged.id, sentences[2], "pt")
    assert [(f["value"], f["kind"]) for f in row["flags"]] == [("Russia", "name"), ("Belarus", "name")]
    assert row["numbers_ok"]  # 170, 200, 100 and the date's 10, 17, 2022 all came through


def test_mt_rows_leave_out_rejected_actors(project, seed: annot.Document):
    _tag(project, seed, [(9, "Belarusian Defense Ministry", "government body", "Belarus")])
    (span,) = project.spans(seed.id)["id"]
    _stored(project, seed, 9, {"argos": LOST_9})
    sentence = project.get_sentences(seed)[9]
    assert _flags(mt_rows(project, seed.id, sentence, "pt"), "argos") == [("name:belarus", "Belarus", False)]
    project.update_span(span, status="rejected")
    assert _flags(mt_rows(project, seed.id, sentence, "pt"), "argos") == []


def test_mt_rows_dismissed_flag_is_marked_for_its_route_only(project, tagged: annot.Document):
    sentence = project.get_sentences(tagged)[4]
    _stored(project, tagged, 4, {"argos": WRONG_4, "bergamot": WRONG_4})
    before = mt_rows(project, tagged.id, sentence, "pt")
    numbers = before[0]["flags"][0]
    assert (numbers["kind"], before[0]["numbers_ok"]) == ("numbers", False)
    assert project.dismiss_flag(tagged.id, 4, "argos", numbers["kind"], numbers["value"]) == numbers["id"]
    after = mt_rows(project, tagged.id, sentence, "pt")
    assert _flags(after, "argos") == [("numbers:missing 19; added 91", "numbers: missing 19; added 91", True),
                                      ("name:valeri revenko", "Valeri Revenko", False)]  # fmt: skip
    assert after[0]["numbers_ok"] is True and after[0]["numbers"] == "missing 19; added 91"
    assert after[1] == before[1]  # bergamot's translation is another one: its flag stays
    assert project.undismiss_flag(tagged.id, 4, "argos", numbers["id"])
    assert mt_rows(project, tagged.id, sentence, "pt") == before


def test_mt_rows_alias_added_then_no_flag(project, tagged: annot.Document):
    sentence = project.get_sentences(tagged)[4]
    _stored(project, tagged, 4, {"argos": WRONG_4})
    (flag,) = [f for f in mt_rows(project, tagged.id, sentence, "pt")[0]["flags"] if f["kind"] == "name"]
    assert flag["aliasable"]
    add_alias(project, flag["value"], "Valeri Revenco")  # "turn into alias", with the name the translation uses
    (row,) = mt_rows(project, tagged.id, sentence, "pt")
    assert [f["kind"] for f in row["flags"]] == ["numbers"]


def test_mt_rows_flags_are_compares(project, tagged: annot.Document):
    """The pane and compare call one rule: the same flags on every sentence, dismissals and aliases alike."""
    sentences = project.get_sentences(tagged)
    texts = {"gone": [s.text for s in sentences], "lost": [s.text for s in sentences]}
    texts["gone"][4], texts["gone"][9], texts["lost"][2], texts["lost"][9] = WRONG_4, FINE_9, LOST_2, LOST_9
    for name, by_index in texts.items():
        project.add_translations(
            Translation(tagged.id, i, name, "m", "1", "en", "pt", "en>pt", f"{name}|m-1|en-pt", text)
            for i, text in enumerate(by_index)
        )
    project.dismiss_flag(tagged.id, 2, "lost", "name", "Russia")
    project.dismiss_flag(tagged.id, 4, "gone", "numbers", "missing 19; added 91")
    frame = compare(tagged, project, target="pt", engines=["gone", "lost"], round_trip=False, reference=None)
    for sentence in sentences:
        for row in mt_rows(project, tagged.id, sentence, "pt"):
            shown = [f for f in row["flags"] if not f["dismissed"]]
            name = row["engine"]
            assert frame.at[sentence.index, f"names_missing.{name}"] == [f["value"] for f in shown
                                                                          if f["kind"] == "name"]  # fmt: skip
            assert frame.at[sentence.index, f"numbers_ok.{name}"] == row["numbers_ok"]
            assert frame.at[sentence.index, f"dismissed.{name}"] == [f["id"] for f in row["flags"] if f["dismissed"]]
    assert frame.at[2, "names_missing.lost"] == ["Belarus"] and frame.at[2, "dismissed.lost"] == ["name:russia"]
    assert frame.at[4, "names_missing.gone"] == ["Valeri Revenko"] and frame.at[4, "numbers_ok.gone"]


def test_mt_rows_from_the_sessions_spans_equal_rows_from_the_store(project, tagged: annot.Document):
    """The annotator passes the sentence's spans it holds: the flags are the ones read from the store."""
    sentences = project.get_sentences(tagged)
    project.add_translations(
        Translation(tagged.id, i, "lost", "m", "1", "en", "pt", "en>pt", "lost|m-1|en-pt", text)
        for i, text in enumerate([LOST_2 if s.index == 2 else s.text for s in sentences])
    )
    by_sentence = project.spans(tagged.id)
    spans = {s.index: [project.get_span(i) for i in by_sentence[by_sentence.sentence == s.index].id] for s in sentences}
    assert any(row["flags"] for row in mt_rows(project, tagged.id, sentences[2], "pt"))  # the case is not empty
    for sentence in sentences:
        assert mt_rows(project, tagged.id, sentence, "pt", spans=spans[sentence.index]) == mt_rows(
            project, tagged.id, sentence, "pt"
        )


def test_mt_rows_names_argument_is_deprecated_and_ignored(project, tagged: annot.Document):
    sentence = project.get_sentences(tagged)[9]
    _stored(project, tagged, 9, {"argos": LOST_9})
    with pytest.warns(DeprecationWarning, match="ignored"):
        rows = mt_rows(project, tagged.id, sentence, "pt", ["Lukashenko"])
    assert rows == mt_rows(project, tagged.id, sentence, "pt")


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
