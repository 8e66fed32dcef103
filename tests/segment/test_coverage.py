"""The coverage of the seed's event in its 9 languages, through annot's real ingest and store.

The texts in tests/data/coverage/ were written by annot's developers for these
tests, in the style of the outlets of each language (see its README.md); each
``<lang>.sentences`` is the split a careful reader makes, one unit a line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.ingest import read_file
from annot.segment import split

COVERAGE = Path(__file__).resolve().parent.parent / "data" / "coverage"
LANGUAGES = ["ru", "it", "uk", "es", "cs", "sk", "pl", "ka", "sl"]
# The one split a careful reader makes and annot does not (see COVERAGE/README.md):
# pysbd never ends a Russian sentence after "г.", which abbreviates a year
# ("15 октября 2022 г." ends a sentence) and "город" before a city name, and a
# year opens sentences too ("В 2022 г. Россия ..."); only the syntax tells.
AMBIGUOUS = {
    "ru": [
        (
            "Первые эшелоны с российскими военнослужащими прибыли в республику в субботу, 15 октября 2022 г.",
            "Минобороны Белоруссии уточнило, что военные разместятся на четырех полигонах в восточной и"
            " центральной частях страны.",
        )
    ]
}


def gold(lang: str) -> list[str]:
    return (COVERAGE / f"{lang}.sentences").read_text(encoding="utf-8").splitlines()


def expected(lang: str) -> list[str]:
    """The gold split, with each documented ambiguity resolved as annot resolves it."""
    units = gold(lang)
    for first, second in AMBIGUOUS.get(lang, []):
        at = units.index(first)
        assert units[at + 1] == second
        units[at : at + 2] = [f"{first} {second}"]
    return units


@pytest.mark.parametrize("lang", LANGUAGES)
def test_coverage_ingested_into_store_splits_like_gold(project, lang: str) -> None:
    report = annot.ingest(COVERAGE / f"{lang}.txt", project)  # the language is detected, not named
    (doc,) = report.documents
    assert doc.lang == lang
    sentences = project.get_sentences(doc.id)
    assert [s.text for s in sentences] == expected(lang)
    assert all(doc.text[s.start : s.end] == s.text for s in sentences)
    assert [s.index for s in sentences if s.heading] == [0]  # the 13-15-word headline


def test_coverage_ambiguities_are_the_only_differences() -> None:
    """Every gold unit but the documented ones is a unit of annot's split, offsets exact."""
    for lang in LANGUAGES:
        (doc,) = read_file(COVERAGE / f"{lang}.txt")
        found = [doc.text[start:end] for start, end, _ in split(doc.text, lang)]
        ambiguous = {unit for pair in AMBIGUOUS.get(lang, []) for unit in pair}
        assert [unit for unit in gold(lang) if unit not in found] == [u for u in gold(lang) if u in ambiguous]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_coverage_texts_fit_the_brief(lang: str) -> None:
    """10-16 sentences, headline of 13-15 words first, gold units found in order in the text."""
    text = (COVERAGE / f"{lang}.txt").read_text(encoding="utf-8")
    units = gold(lang)
    assert 10 <= len(units) <= 16
    assert 13 <= len(units[0].split()) <= 15 and units[0] == text.split("\n", 1)[0]
    position = 0
    for unit in units:
        position = text.index(unit, position) + len(unit)


def test_coverage_readme_names_every_text() -> None:
    readme = (COVERAGE / "README.md").read_text(encoding="utf-8")
    assert "not published articles" in readme.lower()
    assert all(f"`{lang}.txt`" in readme for lang in LANGUAGES)
