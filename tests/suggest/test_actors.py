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
    assert (s.label, s.suggester, s.version, s.start, s.end) == ("ACTOR", "actors", "2", 0, 5)
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


# -- rules of issue 12's second round: made-up sentences, one general rule each ---------------------------------


@pytest.mark.parametrize(("text", "lang", "name"), [
    ("según el Cnel. Ivanov, las tropas llegaron", "es", "Ivanov"),
    ("uvedl plk. Petr Novák", "cs", "Petr Novák"),
    ("je dejal tiskovni predstavnik Andrej Novak.", "sl", "Andrej Novak"),
    ("по словам В.В. Путина, это не так", "ru", "В.В. Путина"),
    ("ბელარუსის პრეზიდენტმა ალექსანდრე ლუკაშენკომ განაცხადა, რომ", "ka", "ალექსანდრე ლუკაშენკომ"),
])  # fmt: skip
def test_actors_abbreviated_titles_initials_and_caseless_titles_mark_people(text: str, lang: str, name: str):
    assert (name, "person", "") in found(text, lang)


@pytest.mark.parametrize(("text", "lang", "name"), [
    ("«Non è un problema», ha spiegato Rossi.", "it", "Rossi"),
    ("«No hay plan», afirmó Sánchez.", "es", "Sánchez"),
    ("The plan failed, Johnson said.", "en", "Johnson"),
    ("Медведев написал, что", "ru", "Медведев"),  # pymorphy3 reads a surname
])  # fmt: skip
def test_actors_lone_surname_next_to_a_reporting_verb(text: str, lang: str, name: str):
    assert (name, "person", "") in found(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("МИНСК, 17 октября. /ТАСС/. Войска направят на юг.", "ru"),
    ("MINSK. — Las tropas llegarán.", "es"),
    ("Minsk 17. října (ČTK) - Vojska dorazí.", "cs"),
    ("Послы, аккредитованные в Минске, приехали.", "ru"),
    ("Attacchi verso Kiev sono stati respinti.", "it"),
    ("Jednotky budou v Minské a Mohylevské oblasti.", "cs"),
    ("Vojaki so prispeli v Minsk.", "sl"),
    ("ჯარები ჩავიდნენ მინსკში.", "ka"),
    ("Las empresas de la Cooperación Militar Internacional crecen.", "es"),  # an article: no person's name
    ("Die Experten erwarten weitere Truppen.", "de"),  # not "Reuters" through a Georgian spelling
    ("As tropas continuam em alerta.", "pt"),
    ("Ракетные комплексы «Іскандер» прибыли.", "uk"),
])  # fmt: skip
def test_actors_datelines_places_and_look_alikes_give_nothing(text: str, lang: str):
    # The agency of a dateline (/ТАСС/, ČTK) is an actor; its city is not.
    assert [(t, k) for t, k, _ in found(text, lang) if k != "media"] == []


@pytest.mark.parametrize(("text", "lang", "name"), [
    ("В Киеве считают, что это провокация.", "ru", "Киеве"),  # a verb follows: Kyiv thinks
    ("Украинские войска в готовности, заявили в Киеве.", "ru", "Киеве"),  # a reporting verb before
    ("Costará a Minsk un millón.", "es", "Minsk"),
])  # fmt: skip
def test_actors_capital_that_speaks_after_a_preposition_is_its_state(text: str, lang: str, name: str):
    assert any(t == name and k == "state" for t, k, _ in found(text, lang))


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Российская сторона направит танки.", "ru", ("Российская сторона", "state", "Russia")),
    ("Il contingente russo conterà 9.000 uomini.", "it",
     ("contingente russo", "military unit", "Armed Forces of Russia")),
    ("Stroški ruskih enot so visoki.", "sl", ("ruskih enot", "military unit", "Armed Forces of Russia")),
    ("náklady ruských jednotek rostou", "cs", ("ruských jednotek", "military unit", "Armed Forces of Russia")),
    ("რუსი ჯარისკაცები ჩავიდნენ.", "ka", ("რუსი ჯარისკაცები", "military unit", "Armed Forces of Russia")),
    ("je sporočilo belorusko obrambno ministrstvo.", "sl",
     ("belorusko obrambno ministrstvo", "government body", "Ministry of Defence of Belarus")),
    ("uviedlo ministerstvo obrany Ukrajiny", "sk",
     ("ministerstvo obrany Ukrajiny", "government body", "Ministry of Defence of Ukraine")),
    ("ამის შესახებ ბელარუსის თავდაცვის სამინისტრომ განაცხადა.", "ka",
     ("ბელარუსის თავდაცვის სამინისტრომ", "government body", "Ministry of Defence of Belarus")),
    ("Спикер Госпогранслужбы Украины заявил", "ru",
     ("Госпогранслужбы Украины", "government body", "State Border Guard Service of Ukraine")),
    ("Podle ukrajinské pohraniční stráže je klid.", "cs",
     ("ukrajinské pohraniční stráže", "government body", "State Border Guard Service of Ukraine")),
    ("V sobotu úřady v Minsku oznámily příjezd.", "cs", ("úřady v Minsku", "government body", "Government of Belarus")),
    ("Návrhy ministerstva obrany Běloruské republiky neprošly.", "cs",
     ("ministerstva obrany Běloruské republiky", "government body", "Ministry of Defence of Belarus")),
    ("El Ministerio de Defensa bielorruso lo anunció.", "es",
     ("Ministerio de Defensa bielorruso", "government body", "Ministry of Defence of Belarus")),
    ("Офіс президента України заявив", "uk",
     ("Офіс президента України", "government body", "Office of the President of Ukraine")),
    ("Polonia y los países bálticos se rearman.", "es", ("países bálticos", "state", "Baltic states")),
    ("Secondo Minsk, l'Ucraina prepara un attacco.", "it", ("Ucraina", "state", "Ukraine")),
])  # fmt: skip
def test_actors_institutions_groups_and_demonym_phrases_in_more_languages(text, lang, expected):
    assert expected in found(text, lang)


@pytest.mark.parametrize(("text", "lang", "names"), [
    ("Gli analisti dell'Isw (Institute for the Study of War) ritengono", "it",
     ["Isw", "Institute for the Study of War"]),
    ("Analitiki ameriškega Inštituta za preučevanje vojne (ISW) ocenjujejo", "sl",
     ["Inštituta za preučevanje vojne", "ISW"]),
])  # fmt: skip
def test_actors_abbreviation_and_its_expansion_are_two_organizations(text: str, lang: str, names: list[str]):
    assert [t for t, k, _ in found(text, lang) if k == "organization"] == names


@pytest.mark.parametrize(("text", "lang", "name", "kind"), [
    ("Podrobnosti píše Meduza.io, podle zdrojů.", "cs", "Meduza.io", "media"),
    ("Podle serveru iRozhlas.cz je klid.", "cs", "iRozhlas.cz", "media"),
    ("Kiev lo niega y EE.UU. calificó la medida.", "es", "EE.UU.", "state"),
    ("Minsk, 17. oktobra (STA) - Rusija bo poslala tanke.", "sl", "STA", "media"),
    ("Bratislava 17. októbra (TASR) - Rusko pošle tanky.", "sk", "TASR", "media"),
])  # fmt: skip
def test_actors_spans_take_a_domain_or_an_abbreviation_full_stop(text: str, lang: str, name: str, kind: str):
    assert any(t == name and k == kind for t, k, _ in found(text, lang))


def test_actors_known_capital_is_not_suggested_where_it_is_only_a_place():
    known = [KnownActor("Minsk", "Belarus", "state")]
    assert found("Die Minister unterzeichneten das Abkommen in Minsk.", "de", known=known) == []
    assert ("Minsk", "state", "Belarus") in found("Minsk warnt Kiew.", "de", known=known)


@pytest.mark.parametrize(("text", "expected"), [
    ("ამის შესახებ ლუკაშენკომ განაცხადა.", [("ლუკაშენკომ", "person")]),  # the ergative before a verb of saying
    ("რუსულმა მხარემ განაცხადა, რომ", [("რუსულმა მხარემ", "state")]),  # "the Russian side", not a person
    ("მან განაცხადა, რომ", []),
    ("ნატოს წევრი ქვეყნები", [("ნატოს", "organization")]),
])  # fmt: skip
def test_actors_georgian_speakers_and_organizations(text: str, expected: list[tuple[str, str]]):
    assert [(t, k) for t, k, _ in found(text, "ka")] == expected
