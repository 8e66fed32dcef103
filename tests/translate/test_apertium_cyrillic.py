"""Serbian in Cyrillic through the real Apertium (Debian's hbs): written in Latin first, signed, not served stale."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import annot
from annot.model import Translation
from annot.translate import get_engine
from annot.translate.apertium import ApertiumEngine
from annot.translate.routes import newest_by_route


def _has_hbs_eng() -> bool:
    if shutil.which("apertium") is None:
        return False
    return "hbs-eng" in subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False).stdout.split()


pytestmark = pytest.mark.skipif(not _has_hbs_eng(), reason="needs apt-get install apertium apertium-hbs-eng")

# Written for these tests (not from an article): one Serbian news sentence, in each script by hand.
CYRILLIC = "Русија ће послати у Белорусију око 170 тенкова, саопштило је Министарство одбране."
LATIN = "Rusija će poslati u Belorusiju oko 170 tenkova, saopštilo je Ministarstvo odbrane."
CONVERTED = "|script:cyrl2latn"


@pytest.fixture(scope="module")
def engine() -> ApertiumEngine:
    return ApertiumEngine()


def plain_apertium(mode: str, text: str) -> str:
    """What ``apertium -u MODE`` makes of ``text`` alone."""
    return subprocess.run(["apertium", "-u", mode], input=text, capture_output=True, text=True, check=True).stdout


def one(engine: ApertiumEngine, text: str, source: str, target: str = "en") -> str:
    # One text per call: the tagger carries state between a batch's sentences.
    (out,) = engine.translate([text], source=source, target=target)
    return out


def test_apertium_cyrillic_hbs_alone_leaves_cyrillic_untranslated() -> None:
    """The premise: Apertium's hbs-eng reads Latin only (what annot stored before for such text)."""
    assert plain_apertium("hbs-eng", CYRILLIC).strip() == CYRILLIC


@pytest.mark.parametrize("source", ["sr", "bs"])
def test_apertium_cyrillic_translates_as_its_latin(engine: ApertiumEngine, source: str) -> None:
    out = one(engine, CYRILLIC, source)
    assert out == one(engine, LATIN, source) == plain_apertium("hbs-eng", LATIN).strip()
    assert "170" in out and {"Russia", "tanks", "Ministry"} <= set(re.findall(r"\w+", out))


@pytest.mark.parametrize("source", ["sr", "bs", "hr"])
def test_apertium_cyrillic_latin_input_unchanged(engine: ApertiumEngine, source: str) -> None:
    assert one(engine, LATIN, source) == plain_apertium("hbs-eng", LATIN).strip()
    assert one(engine, LATIN, source, "sl") == plain_apertium("hbs-slv", LATIN).strip()


def test_apertium_cyrillic_croatian_is_not_converted(engine: ApertiumEngine) -> None:
    """Croatian is written in Latin only: an hr text goes to Apertium as it is, and hr signatures stay."""
    assert one(engine, CYRILLIC, "hr") == CYRILLIC
    assert CONVERTED not in engine.signature("hr", "en")


@pytest.mark.parametrize(
    ("cyrillic", "latin", "kept"),
    [
        # Latin words and a Russian name (Щ, ё are not Serbian letters) inside a Cyrillic sentence.
        ("Лидер опозиције Navaljni и генерал Щёкин састали су се у Београду.",
         "Lider opozicije Navaljni i general Щёkin sastali su se u Beogradu.", ["Leader", "Navaljni", "Щёkin"]),
        ("Премијер је рекао да ће NATO послати 170 тенкова у Србију.",
         "Premijer je rekao da će NATO poslati 170 tenkova u Srbiju.", ["NATO", "170", "tanks", "Serbia"]),
        ("ЉУБЉАНА ЈЕ ГЛАВНИ ГРАД СЛОВЕНИЈЕ.", "LJUBLJANA JE GLAVNI GRAD SLOVENIJE.", ["LJUBLJANA", "SLOVENIA"]),
    ],
)  # fmt: skip
def test_apertium_cyrillic_mixed_scripts_and_capitals(
    engine: ApertiumEngine, cyrillic: str, latin: str, kept: list[str]
) -> None:
    out = one(engine, cyrillic, "sr")
    assert out == one(engine, latin, "sr")
    assert all(word in out for word in kept), out


def test_apertium_cyrillic_every_pair_from_hbs(engine: ApertiumEngine) -> None:
    slovene = one(engine, "Русија ће послати 170 тенкова.", "sr", "sl")
    assert slovene == one(engine, "Rusija će poslati 170 tenkova.", "sr", "sl") and "170 tankov" in slovene
    assert one(engine, "Кућа.", "sr", "mk") == one(engine, "Kuća.", "sr", "mk") == "Куќа."


@pytest.mark.parametrize(
    ("source", "target", "converted"),
    [("sr", "en", True), ("bs", "en", True), ("sr", "sl", True), ("sr", "mk", True), ("hr", "en", False),
     ("hr", "sl", False), ("en", "sr", False), ("mk", "sr", False), ("sl", "bs", False), ("en", "es", False)],
)  # fmt: skip
def test_apertium_cyrillic_signature_says_converted(engine: ApertiumEngine, source, target, converted) -> None:
    if (source, target) not in engine.pairs():
        pytest.skip(f"apertium {source}->{target} is not installed")
    signature = engine.signature(source, target)
    assert signature.endswith(CONVERTED) == converted and signature.count(CONVERTED) == int(converted)
    marking = ApertiumEngine(mark_unknown=True).signature(source, target)
    assert marking == signature + "|unknown:marked"


def test_apertium_cyrillic_translated_again_not_served_from_the_store(tmp_path: Path) -> None:
    """What annot stored before for a Cyrillic sentence (the Cyrillic itself) is not served: the signature changed."""
    engine = get_engine("apertium")
    new = engine.signature("sr", "en")
    old = new.removesuffix(CONVERTED)
    model = engine.model("sr", "en")
    path = tmp_path / "vesti.sr.txt"
    path.write_text(CYRILLIC, "utf-8")
    with annot.open_project(tmp_path / "project", annotator="t") as store:
        (doc,) = annot.ingest(path, store, lang="sr").documents
        stale = Translation(doc.id, 0, "apertium", model.name, model.version, "sr", "en", "sr>en", old, CYRILLIC)
        store.add_translations([stale])
        store.add_text_translations([(CYRILLIC, CYRILLIC)], signature=old, engine="apertium", source="sr", target="en")
        annot.translate(doc, store, to="en", engines=["apertium"])
        stored = {tr.signature: tr.text for tr in store.get_translations(doc.id, target="en")}
        shown = newest_by_route(store.get_translations(doc.id, target="en"))["apertium"][0]
    assert stored[old] == CYRILLIC  # kept, as after a package upgrade, but not shown
    assert stored[new] == shown.text == plain_apertium("hbs-eng", LATIN).strip()
    assert "170" in shown.text and "Russia" in shown.text
