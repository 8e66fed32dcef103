"""What a quantity counts, across languages: counted words read in each language's head order, lemmas, glosses."""

from __future__ import annotations

import pytest

from annot.analysis.things import load_things, thing_of
from annot.errors import SchemaError


@pytest.mark.parametrize(
    ("unit", "lang", "key"),
    [
        ("military personnel", "en", "personnel"),
        ("Russian soldiers", "en", "personnel"),
        ("foreign military attachés", "en", "attaches"),  # the head, not the modifier "military"
        ("artillery pieces and mortars", "en", "artillery"),  # a counter word governs: the thing is artillery
        ("armored combat vehicles", "en", "armored_vehicles"),
        ("военнослужащих", "ru", "personnel"),  # genitive plural, by its lemma
        ("российских военнослужащих", "ru", "personnel"),
        ("единиц бронетехники", "ru", "armored_vehicles"),
        ("боевых бронированных машин", "ru", "armored_vehicles"),  # a phrase of three lemmas
        ("артиллерийских систем", "ru", "artillery"),
        ("танков", "ru", "tanks"),
        ("військових", "uk", "personnel"),
        ("одиниць бронетехніки", "uk", "armored_vehicles"),
        ("soldados rusos", "es", "personnel"),
        ("vehículos blindados de combate", "es", "armored_vehicles"),
        ("piezas de artillería y morteros", "es", "artillery"),
        ("carros de combate", "es", "tanks"),
        ("veículos blindados", "pt", "armored_vehicles"),
        ("campos de treino", "pt", "training_grounds"),
    ],
)
def test_things_counted_words_name_one_thing_in_every_language(unit: str, lang: str, key: str):
    thing = thing_of(unit, lang)
    assert (thing.key, thing.known) == (key, True)


def test_things_an_unlisted_word_is_its_own_thing_by_lemma():
    assert thing_of("тренажёров", "ru").key == thing_of("тренажёры", "ru").key
    thing = thing_of("тренажёров", "ru")
    assert (thing.key, thing.label, thing.lemma, thing.known) == ("word:тренажер", "тренажёров", "тренажёр", False)
    assert thing_of("widgets", "en").key == thing_of("widget", "en").key == "word:widget"
    assert thing_of("", "en").key == "" and thing_of(None, "en").known is False


def test_things_an_english_gloss_names_what_the_unit_does_not():
    # An unlisted Spanish word, glossed by the same number's words in the sentence's English translation.
    thing = thing_of("combatientes voluntarios", "es", gloss="volunteer soldiers")
    assert (thing.key, thing.lemma) == ("personnel", "combatientes")
    assert thing_of("soldados", "es", gloss="widgets").key == "personnel"  # a listed unit wins over its gloss


def test_things_a_project_adds_things_and_counters():
    table = load_things({"things": {"drones": {"en": ["quadcopter"]}, "shells": {"label": "shells", "en": ["shell"]}},
                         "counters": {"en": ["batch"]}})  # fmt: skip
    assert thing_of("quadcopters", "en", table=table).key == "drones"
    assert thing_of("batches of shells", "en", table=table).key == "shells"
    assert thing_of("quadcopters", "en").known is False  # the shipped table is unchanged


def test_things_the_project_aliases_count_as_things():
    table = load_things({"aliases": {"troops": ["contratistas", "вагнеровцы"], "Iskander": ["Искандер"]}})
    assert thing_of("contratistas", "es", table=table).key == "personnel"  # joins the listed thing
    assert thing_of("вагнеровцев", "ru", table=table).key == "personnel"  # by its lemma
    iskander = thing_of("Искандеров", "ru", table=table)
    assert (iskander.key, iskander.label, iskander.known) == ("alias:Iskander", "Iskander", True)
    assert thing_of("Iskander", "en", table=table).key == iskander.key  # one thing across languages


@pytest.mark.parametrize(
    ("project", "message"),
    [({"things": {"x": ["a"]}}, r"\[things.x\] must be a table"), ({"things": {"x": {"en": "a"}}}, "list of words"),
     ({"counters": {"en": "a"}}, "counters.en must be a list")],
)  # fmt: skip
def test_things_a_malformed_table_is_one_line(project, message):
    with pytest.raises(SchemaError, match=message) as info:
        load_things(project)
    assert "\n" not in str(info.value)
