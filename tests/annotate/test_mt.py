"""The MT pane's logic on the real engines and store: installed targets, rows with fidelity flags, background jobs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import annot
from annot.annotate import BackgroundTranslator, JobState, missing_names, mt_rows, targets
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
    assert found["ca"] == ["apertium"]
    assert "en" not in found and list(found) == sorted(found)
    found["pt"].append("mutated")
    assert targets("en")["pt"] == ["argos", "bergamot", "apertium"]  # the cache hands out copies


def test_targets_skips_engines_without_backend(fake_engines):
    assert targets("en") == {"es": ["upper"], "pt": ["flaky", "upper"]}
    assert targets("pt") == {"en": ["upper"], "es": ["upper"]}  # es through en
    assert targets("xx") == {}


# -- names and rows ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "translation", "missing"),
    [
        (["Valeri Revenko"], "o vice-ministro Valeri Revenko", []),
        (["Russia"], "A Rússia atacou a Ucrânia", []),  # accents and case
        (["Belarus"], "a partir da Bielorrússia", ["Belarus"]),  # a hint to check, rightly
        (["Colonel Valeri Revenko"], "o coronel Valeri Revenko", ["Colonel Valeri Revenko"]),
        (["Vladimir Putin"], "o presidente russo, Vladímir Putin,", []),
        (["Republic of Belarus"], "República de Belarus", []),  # "of" is too short to count
        (["Minsk", "minsk", "MINSK ", "Kyiv"], "Moscovo e Kiev", ["Minsk", "Kyiv"]),  # once each, in order
        (["", "  ", "Minsk"], "Minsk disse", []),
        (["Xi Li"], "o senhor Xi  Li", []),  # only short words: the whole name
    ],
)
def test_missing_names(names: list[str], translation: str, missing: list[str]):
    assert missing_names(names, translation) == missing


def test_mt_rows_flag_changed_numbers_and_missing_names(project, seed: annot.Document):
    # "... Colonel Valeri Revenko, tweeted this information after informing 19 foreign military attachés ..."
    sentence = project.get_sentences(seed)[4]
    annot.translate(seed, project, to="pt", engines="argos", sentences=[4])
    wrong = "O vice-ministro, coronel Valeri Revenco, informou 91 adidos militares estrangeiros."
    older = Translation(seed.id, 4, "fake", "m", "1", "en", "pt", "en>pt", "fake|m-1|en-pt", "Uma versão antiga.")
    newer = Translation(seed.id, 4, "fake", "m", "2", "en", "pt", "en>pt", "fake|m-2|en-pt", wrong)
    other = Translation(seed.id, 5, "fake", "m", "2", "en", "pt", "en>pt", "fake|m-2|en-pt", "Outra frase.")
    spanish = Translation(seed.id, 4, "fake", "m", "2", "en", "es", "en>es", "fake|m-2|en-es", "Otra lengua.")
    project.add_translations([older, newer, other, spanish])
    rows = mt_rows(project, seed.id, sentence, "pt", ["Valeri Revenko", "Valeri Revenko", "Belarusian"])
    assert [(r["engine"], r["route"], r["model"]) for r in rows] == [("argos", "en>pt", "translate-en_pt"),
                                                                     ("fake", "en>pt", "m")]  # fmt: skip
    argos, fake = rows
    assert (argos["numbers_ok"], argos["numbers"], argos["missing_names"]) == (True, "ok", ["Belarusian"])
    assert argos["signature"].startswith("argos|translate-en_pt-")
    assert (fake["text"], fake["signature"]) == (wrong, "fake|m-2|en-pt")  # the newest of the engine's two
    assert (fake["numbers_ok"], fake["numbers"]) == (False, "missing 19; added 91")
    assert fake["missing_names"] == ["Valeri Revenko", "Belarusian"]
    assert mt_rows(project, seed.id, sentence, "gl") == []


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
        ("xx", "apertium", "apertium cannot translate en->xx, directly or through one other language."),
        ("ca", "argos", "argos cannot translate en->ca"),
        ("pt", "nope", "Unknown engine 'nope'. Known engines: argos, bergamot, apertium."),
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
