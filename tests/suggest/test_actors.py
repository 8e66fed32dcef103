"""Unit tests of the actor suggester, one source at a time, and its public surface."""

from __future__ import annotations

import itertools

import pytest

from annot.errors import SpanError
from annot.schema import load_schema
from annot.suggest.actor_finder import ACTOR_TYPES, KnownActor, suggest_actors


def found(text: str, lang: str, **options) -> list[tuple[str, str, str]]:
    return [(s.text, s.type, s.canonical) for s in suggest_actors(text, lang, **options)]


def test_actors_types_are_the_schema_choices():
    assert load_schema().labels["ACTOR"].attributes["type"].choices == ACTOR_TYPES


@pytest.mark.parametrize(("text", "lang", "name"), [
    ("Troops arrived in Белоруссии.", "ru", "Белоруссии"),
    ("Granica Białorusi jest zamknięta.", "pl", "Białorusi"),
    ("Tropas llegaron a Bielorrusia.", "es", "Bielorrusia"),
])  # fmt: skip
def test_actors_gazetteer_finds_inflected_country_names(text: str, lang: str, name: str):
    assert (name, "state", "Belarus") in found(text, lang)


@pytest.mark.parametrize(("text", "lang", "name", "canonical"), [
    ("Minsk says it is defensive.", "en", "Minsk", "Belarus"),
    ("The Kremlin will send tanks.", "en", "Kremlin", "Russia"),
    ("Проти виступив Київ.", "uk", "Київ", "Ukraine"),
    ("Заявили в Києві.", "uk", "Києві", "Ukraine"),
    ("Washington disagrees.", "en", "Washington", "United States"),
    ("Brussels disagrees.", "en", "Brussels", "European Union"),
])  # fmt: skip
def test_actors_metonyms_resolve_to_their_state(text: str, lang: str, name: str, canonical: str):
    assert any(t == name and c == canonical for t, _, c in found(text, lang))


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("the Belarusian Defense Ministry reported", "en",
     ("Belarusian Defense Ministry", "government body", "Ministry of Defence of Belarus")),
    ("the Ministry of Defense of Ukraine said", "en",
     ("Ministry of Defense of Ukraine", "government body", "Ministry of Defence of Ukraine")),
    ("Министерство обороны Белоруссии сообщило", "ru",
     ("Министерство обороны Белоруссии", "government body", "Ministry of Defence of Belarus")),
    ("oznámilo ministerstvo obrany Ukrajiny", "cs",
     ("ministerstvo obrany Ukrajiny", "government body", "Ministry of Defence of Ukraine")),
    ("the Ukrainian General Staff expects", "en",
     ("Ukrainian General Staff", "military unit", "General Staff of Ukraine")),
    ("Russian troops arrived", "en", ("Russian troops", "military unit", "Armed Forces of Russia")),
    ("llegaron tropas rusas", "es", ("tropas rusas", "military unit", "Armed Forces of Russia")),
])  # fmt: skip
def test_actors_institutions_and_demonym_phrases(text: str, lang: str, expected: tuple[str, str, str]):
    assert expected in found(text, lang)


@pytest.mark.parametrize(("text", "lang", "name"), [
    ("Colonel Valeri Revenko tweeted it.", "en", "Valeri Revenko"),
    ("NATO Secretary General Jens Stoltenberg said so.", "en", "Jens Stoltenberg"),
    ("President Alexander Lukashenko said so.", "en", "Alexander Lukashenko"),
    ("полковник Валерий Ревенко заявил", "ru", "Валерий Ревенко"),
    ("powiedział prezydent Alaksandr Łukaszenka", "pl", "Alaksandr Łukaszenka"),
])  # fmt: skip
def test_actors_titles_mark_people(text: str, lang: str, name: str):
    assert (name, "person", "") in found(text, lang)


@pytest.mark.parametrize(("text", "lang", "name"), [
    ("the Interfax agency reported", "en", "Interfax"),
    ("according to Reuters", "en", "Reuters"),
    ("сообщает ТАСС", "ru", "ТАСС"),
    ("podała PAP", "pl", "PAP"),
    ("secondo l'ANSA", "it", "ANSA"),
])  # fmt: skip
def test_actors_media(text: str, lang: str, name: str):
    assert any(t == name and kind == "media" for t, kind, _ in found(text, lang))


@pytest.mark.parametrize(("text", "lang"), [
    ("The news appeared on Telegram on Monday.", "en"),
    ("Iskander systems and T-72 tanks arrived in October.", "en"),
    ("Am Montag kamen im Oktober neue Panzer.", "de"),
    ("Belarusian territory was not used.", "en"),
])  # fmt: skip
def test_actors_traps_give_nothing(text: str, lang: str):
    assert found(text, lang) == []


def test_actors_known_actors_are_found_inflected_in_every_language():
    known = [KnownActor("Lukashenko", "Alexander Lukashenko", "person")]
    for text, lang, name in [("Лукашенко заявил", "ru", "Лукашенко"), ("заява Лукашенка", "uk", "Лукашенка"),
                             ("powiedział Łukaszenka", "pl", "Łukaszenka")]:  # fmt: skip
        assert (name, "person", "Alexander Lukashenko") in found(text, lang, known=known)


def test_actors_known_actors_are_found_in_caseless_scripts():
    # Georgian writes no capitals: a capitalised name known in Latin letters is still found, with its case ending.
    known = [KnownActor("Valeri Revenko", "Valeri Revenko", "person")]
    found_ka = suggest_actors("ამის შესახებ ვალერი რევენკომ განაცხადა.", "ka", known=known)
    assert [(s.text, s.canonical) for s in found_ka] == [("ვალერი რევენკომ", "Valeri Revenko")]


def test_actors_known_place_does_not_make_its_demonym_an_actor():
    known = [KnownActor("Minsk", "Belarus", "state"), KnownActor("Ukraine", "Ukraine", "state")]
    text = "The Belarusian army met Ukrainian officials; Belarusians watched Minsk and Ukraine."
    assert [s.text for s in suggest_actors(text, "en", known=known) if s.source.startswith("known")] == [
        "Minsk", "Ukraine",
    ]  # fmt: skip
    # A known name that is itself a demonym phrase is still found.
    staff = [KnownActor("Ukrainian General Staff", "General Staff of Ukraine", "government body")]
    assert [s.text for s in suggest_actors("the Ukrainian General Staff said", "en", known=staff)] == [
        "Ukrainian General Staff"
    ]


def test_actors_known_accepts_tuples_and_refuses_unknown_types():
    assert found("Revenko argued", "en", known=[("Valeri Revenko", "Valeri Revenko", "person")]) == [
        ("Revenko", "person", "Valeri Revenko")
    ]
    with pytest.raises(SpanError, match="valid types"):
        suggest_actors("Revenko argued", "en", known=[("Revenko", "", "group")])


def test_actors_overlaps_leave_one_suggestion_per_span():
    spans = suggest_actors("the Belarusian Defense Ministry of Belarus said", "en")
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_actors_suggestion_carries_label_suggester_version_confidence():
    (s,) = suggest_actors("Minsk says", "en")
    assert (s.label, s.suggester, s.version, s.start, s.end) == ("ACTOR", "actors", "1", 0, 5)
    assert 0 < s.confidence <= 1 and s.attrs == {"type": "state", "canonical": "Belarus"}


def test_actors_spacy_pipeline_adapter():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Hajun"}, {"label": "ORG", "pattern": "Belsat TV"},
                        {"label": "GPE", "pattern": "Gomel"}])  # fmt: skip
    got = found("Hajun counted trains near Gomel, Belsat TV said.", "en", pipeline=nlp)
    assert ("Hajun", "person", "") in got and ("Belsat TV", "organization", "") in got
    assert not any(t == "Gomel" for t, _, _ in got)  # a place the gazetteer does not know is no actor


@pytest.mark.slow
def test_actors_natasha_finds_russian_people():
    got = found("Вчера Сергей Шойгу прибыл в страну.", "ru", ner=True)
    assert ("Сергей Шойгу", "person", "") in got
