"""A document in each of the 9 languages of the seed's coverage, through ingest, segmentation, route and alignment.

The texts in tests/data/coverage/ were written by annot's developers for tests
(see its README.md), about the seed's event: each tells, in its own words, that
Russia sends some 170 tanks, up to 200 armoured vehicles and 100 artillery
pieces, and that Colonel Revenko briefed 19 foreign military attachés. Those
facts are anchors: the aligner, without MT, must put them beside the seed's
sentences that say them, whatever the script (Лукашенко, Łukaszenka,
ლუკაშენკო) and the number format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.align import link_documents, read_anchors
from annot.align.anchors import match
from annot.errors import ModelNotInstalled
from annot.translate import best_route, no_route_hint

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
COVERAGE = ROOT / "tests" / "data" / "coverage"
LANGUAGES = ["ru", "it", "uk", "es", "cs", "sk", "pl", "ka", "sl"]
# The languages the installed Debian Apertium pairs take into English (scripts/apt-packages.txt), and the
# path of the best route; the others have none until the user brings a model (README: "Add a language").
ROUTES = {"es": "es>en", "it": "it>es>en", "sl": "sl>bs>en"}  # hbs serves hr, sr, bs: bs is first by name


@pytest.fixture(scope="module")
def coverage(tmp_path_factory: pytest.TempPathFactory):
    store = annot.open_project(tmp_path_factory.mktemp("coverage") / "project", annotator="tester")
    seed = annot.ingest(SEED, store).documents[0]
    docs = {lang: annot.ingest(COVERAGE / f"{lang}.txt", store).documents[0] for lang in LANGUAGES}
    yield store, seed, docs
    store.close()


def _beads_with(store, seed, doc, needle: str) -> list[tuple[list[str], list[str]]]:
    a = [s.text for s in store.get_sentences(seed.id)]
    b = [s.text for s in store.get_sentences(doc.id)]
    return [
        ([a[i] for i in bead.a], [b[j] for j in bead.b])
        for bead in store.alignment(seed.id, doc.id)
        if any(needle in b[j] for j in bead.b)
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_document_is_read_in_its_language_and_split_into_sentences(coverage, lang: str) -> None:
    store, _, docs = coverage
    doc = docs[lang]
    assert doc.lang == lang  # detected, not named
    sentences = store.get_sentences(doc.id)
    assert sentences[0].heading and not any(s.heading for s in sentences[1:])
    assert len(sentences) >= 10
    assert all(doc.text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_best_route_to_english_or_the_command_that_adds_one(coverage, lang: str) -> None:
    store, _, docs = coverage
    if lang not in ROUTES:
        with pytest.raises(ModelNotInstalled):
            best_route(lang, "en")
        hint = no_route_hint(lang, "en")
        assert f"annot models fetch {lang}-en" in hint and f"annot models install models-{lang}_en.annot-models" in hint
        return
    route = best_route(lang, "en")
    assert route.path == ROUTES[lang]
    headline = store.get_sentences(docs[lang].id)[0].text
    (english,) = route.translate([headline])
    assert "170" in english  # every headline gives the tanks' number; it survives each hop


@pytest.mark.parametrize("lang", LANGUAGES)
def test_aligned_with_the_seed_without_mt_on_numbers_and_names(coverage, lang: str) -> None:
    store, seed, docs = coverage
    doc = docs[lang]
    report = link_documents(store, seed.id, doc.id, mt=False)
    assert report.method == "anchors" and report.engine is None
    assert not store.get_translations(doc.id, target="en")  # nothing was translated
    beads = store.alignment(seed.id, doc.id)
    assert [j for bead in beads for j in bead.b] == list(range(len(store.get_sentences(doc.id))))
    # The sentence giving the 200 armoured vehicles sits beside the seed's sentence that gives them.
    (found,) = _beads_with(store, seed, doc, "200")
    assert any("200 armored combat vehicles" in text for text in found[0])
    # Both sides of that bead agree on anchors.
    (bead,) = [b for b in beads if any("200" in store.get_sentences(doc.id)[j].text for j in b.b)]
    assert bead.score and bead.score >= 40


# How each coverage text writes the names the seed writes "Revenko" and "Lukashenko".
SPELLINGS = {
    "ru": ("Ревенко", "Лукашенко"), "it": ("Revenko", "Lukashenko"), "uk": ("Ревенко", "Лукашенко"),
    "es": ("Revenko", "Lukashenko"), "cs": ("Revenko", "Lukašenko"), "sk": ("Revenko", "Lukašenko"),
    "pl": ("Riewienko", "Łukaszenka"), "ka": ("რევენკომ", "ლუკაშენკომ"), "sl": ("Revenko", "Lukašenko"),
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGES)
def test_names_are_anchors_across_scripts(coverage, lang: str) -> None:
    _, _, docs = coverage
    text = docs[lang].text
    for spelling, english in zip(SPELLINGS[lang], ("Revenko", "Lukashenko")):
        assert spelling in text
        # In a sentence, after its first word (a first word counts only when it matches).
        found = match(read_anchors(f"Das {spelling}", lang, "en"), read_anchors(f"The {english}", "en", lang))
        assert (found.matched, found.unmatched) == (1, 0), (spelling, english)
    assert match(read_anchors("Das Ревенко", "ru", "en"), read_anchors("The Lukashenko", "en", "ru")).matched == 0
