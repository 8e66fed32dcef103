"""Tests for annot.segment.rules: the boundary rules annot applies after pysbd, in several languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annot.model import normalize_text
from annot.segment import split
from annot.segment.rules import dateline_end, glued_cuts, rules_for


def units(text: str, lang: str) -> list[str]:
    return [text[start:end] for start, end, _ in split(text, lang)]


@pytest.mark.parametrize(
    ("lang", "line", "body"),
    [
        ("ru", "МИНСК, 17 октября. /ТАСС/. Российская сторона направит танки.", "Российская"),
        ("es", "MINSK. — Rusia enviará unos 170 tanques.", "Rusia"),
        ("en", "KYIV (Reuters) - Ukraine said on Monday it saw no threat.", "Ukraine"),
        ("pl", "Mińsk (PAP) – Do Białorusi ma przybyć ok. 170 czołgów.", "Do"),
        ("it", "ROMA, 17 ott – La Russia invierà 170 carri armati.", "La"),
        ("it", "(ANSA) - ROMA, 17 OTT - La Russia invierà 170 carri armati.", "La"),
        ("cs", "Minsk 17. října (ČTK) - Rusko pošle do Běloruska tanky.", "Rusko"),
        ("sk", "MINSK. Rusko pošle do Bieloruska približne 170 tankov.", "Rusko"),
        ("sl", "Minsk, 17. oktobra (STA) - Rusija bo poslala tanke.", "Rusija"),
        ("uk", "КИЇВ, 17 жовтня 2022 р. – Росія направить танки.", "Росія"),
        ("en", "WASHINGTON, Oct. 17, 2022 (AP) — The Pentagon said nothing.", "The"),
    ],
)
def test_dateline_end_agency_formats(lang: str, line: str, body: str) -> None:
    assert line[dateline_end(line) :].startswith(body)
    (unit,) = units(line, lang)  # the dateline is not a sentence: it stays with the first one
    assert unit == line


@pytest.mark.parametrize(
    "line",
    [
        "Russia will send 170 tanks - the ministry said so.",
        "Rusko, 17 tanků a nic víc.",
        "Minsk - Moskva: nové spojení.",  # a title-case place alone is no dateline
        "OK. Then we go.",  # two capitals before a full stop are no place
        "minsk (pap) – do",
        "Troops arrived. They stayed.",
    ],
)
def test_dateline_end_ordinary_sentences(line: str) -> None:
    assert dateline_end(line) == 0


def test_dateline_split_off_by_pysbd_is_joined() -> None:
    text = "МИНСК, 17 октября. /ТАСС/. Российская сторона направит танки. Учения продлятся месяц."
    assert units(text, "ru") == [
        "МИНСК, 17 октября. /ТАСС/. Российская сторона направит танки.",
        "Учения продлятся месяц.",
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", ["Do Białorusi ma przybyć ok. 170 czołgów, podał gen. Wiktar Hulewicz.", "To dużo."]),
        ("pl", ["Informacje przekazano m.in. 19 attaché.", "Rozmowy trwały długo."]),
        ("cs", ["Informaci zveřejnil plk. Valerij Revenko.", "Tzv. uskupení má až 9000 vojáků."]),
        ("cs", ["Vojáci budou ve dvou oblastech, resp. Minské a Mohylevské.", "Nic víc."]),
        ("sk", ["Uvádza to napr. The Kyiv Independent.", "Minsk mlčí."]),
        ("sl", ["Podatke je objavil polk. Valerij Revenko.", "V t. i. skupini bo 9.000 vojakov."]),
        ("ru", ["Об этом сообщил ген. Виктор Гулевич.", "Учения продлятся месяц."]),
        ("uk", ["Загальна чисельність т. зв. угруповання велика.", "Так заявив Демченко."]),
        ("it", ["Lo ha detto il gen. Viktor Gulevich.", "Sono previste manovre ecc.", "Gli analisti dubitano."]),
        ("es", ["Según el Cnel. Revenko, llegarán aprox. 9.000 efectivos.", "Nadie lo confirmó."]),
        ("ka", ["ე.წ. რეგიონულ დაჯგუფებაში 9 000 სამხედრო იქნება.", "დაგეგმილია წვრთნები და ა.შ.", "ეს ცნობილია."]),
        ("en", ["Gen. Smith met Col. Jones.", "The U.S. embassy said nothing."]),
    ],
)
def test_split_abbreviations_per_language(lang: str, expected: list[str]) -> None:
    assert units(" ".join(expected), lang) == expected


def test_rules_for_borrows_pysbd_language() -> None:
    assert [rules_for(lang).pysbd for lang in ("cs", "sl", "uk", "ru", "ka", "xx")] == [
        "sk",
        "sk",
        "ru",
        "ru",
        "en",
        "en",
    ]
    assert rules_for("pl").never_final is not None and rules_for("pl").never_final.search("przybyć ok.")
    assert rules_for("xx").never_final is not None  # English's lists, as its pysbd rules
    # An entry with a capital matches only as written: French "M." is monsieur, "m." a metre.
    assert rules_for("fr").never_final.search("selon M.") and not rules_for("fr").never_final.search("à 100 m.")


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "sk",
            "uvádza The Kyiv Independent.Bieloruský prezident mlčí.",
            ["uvádza The Kyiv Independent.", "Bieloruský prezident mlčí."],
        ),
        ("ru", "наступления с севера.Спикер заявил.", ["наступления с севера.", "Спикер заявил."]),
        ("es", "afirmó Lukashenko.Kiev lo niega.", ["afirmó Lukashenko.", "Kiev lo niega."]),
        ("ka", "ტერიტორიიდანაც შეუტია.ექსპერტების შეფასებით.", ["ტერიტორიიდანაც შეუტია.", "ექსპერტების შეფასებით."]),
        ("ru", "слова А.Г.Лукашенко о границе.", ["слова А.Г.Лукашенко о границе."]),
        ("en", "The U.S.Army and e.g.Smith came.", ["The U.S.Army and e.g.Smith came."]),
        ("ru", "пишет Meduza.io и iRozhlas.cz.", ["пишет Meduza.io и iRozhlas.cz."]),
        ("en", "See www.Kyiv.Post or news@Kyiv.Post today.", ["See www.Kyiv.Post or news@Kyiv.Post today."]),
        ("en", "It grew 1.5 percent, a Ph.D said.", ["It grew 1.5 percent, a Ph.D said."]),
        ("pl", "podał gen.Hulewicz wczoraj.", ["podał gen.Hulewicz wczoraj."]),
    ],
)
def test_split_missing_space_after_full_stop(lang: str, text: str, expected: list[str]) -> None:
    assert units(text, lang) == expected
    assert len(glued_cuts(text, lang)) == len(expected) - 1


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ka", ["„ნაწილები ოთხ პოლიგონზე განთავსდება“. – აცხადებს რევენკო.", "ეს ცნობილია."]),
        ("ru", ["«Мы готовы». — заявил Лукашенко.", "Учения начались."]),
        ("ru", ["«Удары планируются», — заявил Лукашенко.", "Киев это отрицает."]),
        ("uk", ["«Загрози немає», – заявив Демченко.", "Роботи тривають."]),
        ("cs", ["„Ukrajina nemá v úmyslu zaútočit“, řekl mluvčí.", "Minsk mlčí."]),
        ("pl", ["„Jednostki rozpoczną szkolenie”. – przekazała agencja Interfax.", "Nic więcej."]),
        ("sl", ["»Ne načrtujemo napada.« – je dejal Demčenko.", "Minsk molči."]),
        ("en", ["“We are ready.” – said the colonel.", "Nobody answered."]),
    ],
)
def test_split_speech_tag_stays_with_quote(lang: str, expected: list[str]) -> None:
    assert units(" ".join(expected), lang) == expected


def test_split_capitalised_word_after_quote_and_dash_is_a_new_sentence() -> None:
    # "— Лукашенко ..." may open a sentence: only a lowercase or caseless tag is joined.
    text = "«Мы готовы». — Лукашенко уехал в Москву."
    assert units(text, "ru") == ["«Мы готовы».", "— Лукашенко уехал в Москву."]


@pytest.mark.parametrize(
    ("lang", "headline"),
    [
        (
            "ka",  # 15 words, 145 characters
            "ბელარუსის თავდაცვის სამინისტროს ინფორმაციით, რუსეთი ქვეყნის სამხრეთ საზღვარზე ათასობით სამხედროს,"
            " ტანკებსა და საარტილერიო დანადგარებს განათავსებს",
        ),
        ("ru", "Россия направит в Белоруссию до 9 тыс. военных, около 170 танков и 100 артиллерийских систем"),
        ("pl", "Na Białoruś ma przybyć ok. 170 czołgów i do 9 tys. rosyjskich żołnierzy"),
        ("cs", "Rusko pošle do Běloruska až 9000 vojáků, 170 tanků a stovku děl, oznámil Minsk"),
        ("sl", "Rusija bo v Belorusijo poslala do 9.000 vojakov, 170 tankov in sto kosov artilerije"),
        ("zh", "俄罗斯将向白俄罗斯派遣多达九千名军人和一百七十辆坦克"),
    ],
)
def test_split_headlines_of_13_to_15_words_are_headings(lang: str, headline: str) -> None:
    found = split(f"{headline}\n\nBody sentence one. Body sentence two.", lang)
    assert found[0] == (0, len(headline), True)


def test_split_last_line_without_stop_is_no_heading() -> None:
    # A heading heads something: a closing credit line is a plain unit.
    text = "Russia sends troops\n\nThe ministry said so.\n\nReporting by Jan Novák"
    assert [heading for _, _, heading in split(text, "en")] == [True, False, False]


# Coverage-like text: datelines, abbreviations, quotes, dashes, glued full stops, Georgian.
PIECES = st.sampled_from(
    [
        "МИНСК, 17 октября. /ТАСС/. ",
        "KYIV (Reuters) - ",
        "MINSK. ",
        "ok. 170 ",
        "gen. ",
        "tzv. ",
        "т. е. ",
        "ე.წ. ",
        "ecc. ",
        "A.G.Lukashenko ",
        "Independent.Bieloruský ",
        "Meduza.io ",
        "შეუტია.ექსპერტების ",
        "“. – აცხადებს ",
        "», — заявил ",
        "“, řekl ",
        "„Ano“. ",
        "9 000 ",
        "1,5 ",
        ". ",
        "– ",
        "\n\n",
        "\n",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(st.characters(codec="utf-8"), max_size=6)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(raw=TEXT, lang=st.sampled_from(["ru", "it", "uk", "es", "cs", "sk", "pl", "ka", "sl", "en"]))
def test_split_units_slice_back_in_order_property(raw: str, lang: str) -> None:
    text = normalize_text(raw)
    previous_end = 0
    for start, end, _ in split(text, lang):
        assert previous_end <= start < end <= len(text)  # in order, non-overlapping, non-empty
        unit = text[start:end]
        assert unit == unit.strip()
        assert text[previous_end:start].strip() == ""  # nothing but whitespace is left out
        previous_end = end
    assert text[previous_end:].strip() == ""
