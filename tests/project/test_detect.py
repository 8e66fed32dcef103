"""annot.project.detect: unit cases from issue 13's gold, the figures measured on it, properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annot.numbers import date_order, digit_style, iter_digit_groups, read_date
from annot.project.dates import added_numbers, time_changes
from annot.project.detect import Finding, number_style, preload, wrong_language
from tests.project.detect_gold import Unit, detect_all, gold_errors, score, units

DATA = Path(__file__).resolve().parent.parent / "data"
TEXTS = {(u.target, u.sentences[0]): u.text for u in units()}


def _words(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.text, f.lang) for f in findings]


# -- wrong language ---------------------------------------------------------------------


def test_wrong_language_finds_english_left_in_spanish():
    text = TEXTS["apertium en>es", 2]  # "... el Belarusian Ministerio de Defensa lunes informado (10/17/2022)."
    found = wrong_language(text, "es", ["en"])
    assert _words(found) == [("Belarusian", "en")]
    (f,) = found
    assert text[f.start : f.end] == "Belarusian"
    assert f.kind == "wrong language" and f.detail == 'left in English: "Belarusian"'


@pytest.mark.parametrize(
    ("target", "sentence", "expected"),
    [
        ("argos+apertium en>pt>es", 1, [("Bielorrússia", "pt")]),
        ("bergamot+apertium en>pt>es", 4, [("tuitou", "pt"), ("adidos", "pt")]),
        ("bergamot+apertium en>pt>es", 13, [("Bielorrússia", "pt"), ("desescalação", "pt")]),
        ("apertium en>es", 6, [("logistically", "en"), ("neighboring", "en")]),
        ("apertium en>es", 12, [("rearmament", "en"), ("Baltic", "en")]),
        ("apertium en>es>pt", 0, [("despliegue", "es")]),
        ("apertium en>es>pt", 11, [("Belarús", "es")]),
    ],
)
def test_wrong_language_finds_the_source_and_pivot_words_of_the_gold(target, sentence, expected):
    lang = "es" if target.endswith("es") else "pt"
    others = [x for x in target.split()[-1].split(">") if x != lang]
    assert _words(wrong_language(TEXTS[target, sentence], lang, others)) == expected


def test_wrong_language_reads_a_fused_word_as_the_words_run_together():
    (f, _) = wrong_language(TEXTS["apertium en>es>pt", 9], "pt", ["en", "es"])
    assert (f.text, f.lang) == ("ejerciciosdefuego", "es")
    assert f.detail == 'left in Spanish: "ejerciciosdefuego" (fused: "ejercicios de fuego")'
    # a compound of the target's own words is the target's
    assert wrong_language("Die Panzerfahrzeugkolonne kam an", "de", ["en"]) == []


def test_wrong_language_finds_russian_in_ukrainian_despite_its_mixed_word_list():
    found = wrong_language("Президент сказав, що це рішення, который будет прийнято.", "uk", ["en", "ru"])
    assert _words(found) == [("который", "ru"), ("будет", "ru")]


def test_wrong_language_tells_the_target_spelling_of_a_respelled_name():
    (f,) = wrong_language(TEXTS["apertium en>es>pt", 11], "pt", ["en", "es"])
    assert f.detail == 'left in Spanish: "Belarús" (Portuguese writes "Belarus")'


@pytest.mark.parametrize(
    ("text", "lang", "others"),
    [
        # names spelled alike everywhere, and words normal in both languages
        ("Minsk mantém que Putin, segundo a Interfax, e Revenko confirmaram.", "pt", ["en", "es"]),
        ("El Kremlin enviará militares a Minsk, informó la agencia Interfax.", "es", ["en", "pt"]),
        # transliterated names, rare in every frequency list and commonest in English's
        ("O ministro Shoigu e o presidente Zelensky visitaram Sumy.", "pt", ["en"]),
        # a word in common use in the target, whatever another language makes of it
        ("contra el norte y nordeste del país vecino", "es", ["pt"]),
        # names an outlet keeps in English
        ("según el Institute for the Study of War y el Kyiv Independent", "es", ["en"]),
        # other scripts, numbers and short words are not judged
        ("El presidente Лукашенко dijo 9.000 veces que sí, the end.", "es", ["en"]),
    ],
)
def test_wrong_language_passes_names_and_shared_words(text, lang, others):
    assert wrong_language(text, lang, others) == []


def test_wrong_language_skips_ranges_the_caller_explains():
    text = TEXTS["apertium en>es", 2]
    start = text.index("Belarusian")
    assert wrong_language(text, "es", ["en"], skip=[(start, start + 10)]) == []


def test_wrong_language_needs_word_lists_for_the_target_and_an_other_language():
    assert wrong_language("el Belarusian Ministerio", "ka", ["en"]) == []
    assert wrong_language("el Belarusian Ministerio", "es", ["xx", "es"]) == []
    assert _words(wrong_language("el Belarusian Ministerio", "es-MX", ["EN"])) == [("Belarusian", "en")]


def test_preload_passes_over_languages_it_has_no_data_for():
    preload(["es", "pt_BR", "ka", "xx", ""])
    assert _words(wrong_language("el Belarusian Ministerio", "es", ["en"])) == [("Belarusian", "en")]


LARGE_LISTS = ["cs", "de", "es", "fr", "it", "pl", "pt", "ru", "uk"]


def _human_texts() -> dict[str, str]:
    """Human news text in each language of tests/data (coverage, alignment, suggestion gold): none is MT."""
    texts: dict[str, list[str]] = {}
    for path in [*(DATA / "coverage").glob("*.txt"), *(DATA / "align").glob("*.txt")]:
        texts.setdefault(path.stem.rsplit(".", 1)[-1][-2:], []).append(path.read_text(encoding="utf-8"))
    for path in (DATA / "suggest").rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "text" in row:
                texts.setdefault(path.stem[:2], []).append(row["text"])
    return {lang: "\n".join(parts) for lang, parts in texts.items()}


@pytest.mark.parametrize("lang", LARGE_LISTS)
def test_wrong_language_and_number_style_stay_quiet_on_human_news(lang):
    # Held out: these texts were never looked at while choosing thresholds on the projection gold.
    text = _human_texts()[lang]
    assert len(text.split()) > 700
    assert wrong_language(text, lang, ["en"]) == []
    assert number_style(text, lang) == []


# -- number style -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "lang", "problem"),
    [
        ("9,000", "es", '"9,000" reads as 9 in Spanish: write 9.000'),
        ("9,000", "pt", '"9,000" reads as 9 in Portuguese: write 9.000'),
        ("9,000", "fr", '"9,000" reads as 9 in French: write 9\u202f000'),
        ("9.000", "en", '"9.000" reads as 9 in English: write 9,000'),
        ("1,234,567", "de", '"1,234,567" is no number in German: write 1.234.567'),
        ("10/17/2022", "pt", '"10/17/2022" is written month/day: in Portuguese write 17/10/2022'),
        ("17/10/2022", "en", '"17/10/2022" is written day/month: in English write 10/17/2022'),
        ("9.000", "es", None),
        ("9 000", "fr", None),
        ("0,125", "es", None),  # a decimal: a group never starts with 0
        ("1,5", "es", None),
        ("17/10/2022", "es", None),
        ("10/11/2022", "es", None),  # either order reads: time_changes compares with the source
        ("17/10/2022", "en_GB", None),
        ("2022-10-17", "pt", None),
        ("9,000", "xx", None),
    ],
)
def test_digit_style_reads_the_token_as_the_target_reader_would(token, lang, problem):
    assert digit_style(token, lang) == problem


def test_number_style_finds_the_gold_digit_groups():
    text = TEXTS["apertium en>es>pt", 2]
    (f,) = number_style(text, "pt")
    assert (f.kind, f.text, text[f.start : f.end]) == ("number style", "10/17/2022", "10/17/2022")
    assert [f.text for f in number_style(TEXTS["apertium en>es", 0], "es")] == ["9,000"]
    assert number_style(TEXTS["argos en>pt", 0], "pt") == []  # "9.000"


def test_digit_groups_and_dates_are_read_whatever_the_order():
    assert [t for _, _, t in iter_digit_groups("hasta 9,000 (10/17/2022), 9 000 y 1.5.")] == [
        "9,000",
        "10/17/2022",
        "9 000",
        "1.5",
    ]
    assert read_date("10/17/2022", "dmy") == read_date("17/10/2022", "dmy") == (2022, 10, 17)
    assert read_date("10/11/22", "mdy") == (2022, 10, 11)
    assert read_date("9,000", "dmy") is None
    assert (date_order("en"), date_order("es"), date_order("en_GB"), date_order("xx")) == ("mdy", "dmy", "dmy", None)


# -- time -------------------------------------------------------------------------------


def test_time_changes_tells_a_date_kept_in_the_source_order():
    (f,) = time_changes("Talks began on 10/11/2022.", "en", "Empezaron el 10/11/2022.", "es")
    assert (f.kind, f.text) == ("number style", "10/11/2022")
    assert f.detail == 'date "10/11/2022" kept in English order: in Spanish write 11/10/2022'


def test_time_changes_finds_the_lost_monday():
    unit = next(u for u in units() if (u.target, u.sentences) == ("argos en>pt", (2,)))
    assert time_changes(unit.source, "en", unit.text, "pt") == [
        Finding("time lost", None, None, "", 'weekday "Monday" lost', source_text="Monday")
    ]
    kept = next(u for u in units() if (u.target, u.sentences) == ("bergamot en>pt", (2,)))
    assert time_changes(kept.source, "en", kept.text, "pt") == []  # "na segunda-feira (10/17/2022)"


@pytest.mark.parametrize(
    ("source", "target", "lang", "kinds"),
    [
        ("On Saturday, Minsk announced it.", "В субботу Минск объявил об этом.", "ru", []),
        ("It happened in October.", "Это произошло в октябре.", "ru", []),
        ("It happened in October.", "Tak się stało w październiku.", "pl", []),
        ("It happened on Wednesday.", "Tak się stało w środę.", "pl", ["time lost"]),  # short stems match as written
        ("Talks began on 10/17/2022.", "Las conversaciones empezaron el 17 de octubre de 2022.", "es", []),
        ("Talks began on Monday.", "Las conversaciones empezaron el martes.", "es", ["time lost", "added"]),
        ("Talks began.", "Die Gespräche begannen am Freitag.", "de", ["added"]),
        ("Talks may begin.", "Talks may begin.", "en", []),  # "may" is no month in English
        ("Talks began on 10/11/2022.", "Las conversaciones empezaron el 10/11/2022.", "es", ["number style"]),
    ],
)
def test_time_changes_match_weekdays_months_and_dates_across_languages(source, target, lang, kinds):
    found = time_changes(source, "en", target, lang)
    assert [f.kind for f in found] == kinds
    for f in found:
        assert f.start is None or target[f.start : f.end] == f.text


# -- added numbers ----------------------------------------------------------------------


def test_added_numbers_places_each_added_value_once():
    source = "Russia will send up to 200 armoured vehicles and 9,000 soldiers."
    target = "Rusia enviará hasta 200 vehículos, 300 blindados y 9.000 soldados, 300 en total."
    found = added_numbers(source, target)
    assert [(f.kind, f.text) for f in found] == [("added", "300"), ("added", "300")]
    assert [target[f.start : f.end] for f in found] == ["300", "300"]
    assert added_numbers(source, "Rusia enviará hasta 200 vehículos y 9.000 soldados.") == []


# -- measured against the gold ----------------------------------------------------------


def _detect(unit: Unit) -> list[Finding]:
    return [
        *wrong_language(unit.text, unit.lang, unit.others),
        *number_style(unit.text, unit.lang),
        *time_changes(unit.source, "en", unit.text, unit.lang),
        *added_numbers(unit.source, unit.text),
    ]


# Measured on 2026-12-07 (tests/data/projection): wrong language 54/54 found, 55 findings
# (one false alarm, "concordado", a Portuguese calque but also a Spanish word); number
# style 10/10 in 10; time lost 2/2 in 2; the two gold "added" errors are an invented word
# ("Oriental"), which needs projection: no "added" finding at all, so none false.
FLOORS = {
    "wrong language": (1.0, 0.98),
    "number style": (1.0, 1.0),
    "time lost": (1.0, 1.0),
}


def test_detectors_keep_their_measured_recall_and_precision_on_the_gold():
    table = score(detect_all(_detect), gold_errors())
    for kind, (recall, precision) in FLOORS.items():
        assert table[kind]["recall"] >= recall, (kind, table[kind])
        assert table[kind]["precision"] >= precision, (kind, table[kind])
    assert table["added"]["found"] == table["added"]["hits"], table["added"]
    assert all(row["reference"] == 0 for row in table.values()), table  # the human version has no error


# -- properties -------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdeñçãúÚ BMS-'’/.,0123456789\u00a0\u202fмиюБ́\u0301")) | st.characters(),
    max_size=60,
)
_LANG = st.sampled_from(["en", "es", "pt", "ru", "pl", "de", "pt_BR", "ka", "xx", ""])


def _in_range(text: str, findings: list[Finding]) -> None:
    for f in findings:
        if f.start is None:
            assert f.end is None and f.text == ""
        else:
            assert 0 <= f.start < f.end <= len(text)
            assert text[f.start : f.end] == f.text


@settings(max_examples=150, deadline=None)
@given(source=_TEXT, target=_TEXT, lang=_LANG, other=_LANG)
def test_detectors_never_raise_and_slice_back_to_their_text(source, target, lang, other):
    _in_range(target, wrong_language(target, lang, [other, "en"]))
    _in_range(target, number_style(target, lang))
    _in_range(target, time_changes(source, other, target, lang))
    _in_range(target, added_numbers(source, target))
    for _, _, token in iter_digit_groups(target):
        digit_style(token, lang)


def test_detectors_on_human_versions_of_the_seed_flag_only_short_inflected_months():
    # Held out: the hand translations of the seed into ru, uk and pl (tests/data/align), bead by bead.
    # Their only findings are two misses of ours: "у лютому", "w lutym" (February) inflect a name whose
    # stem is too short to match safely (uk "лютий" is also "fierce").
    from annot.segment import split

    seed = (DATA.parent.parent / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt").read_text(encoding="utf-8")
    source = [seed[a:b] for a, b, *_ in split(seed, "en")]
    found = []
    for name, lang in [("seed-ru", "ru"), ("seed-uk-partial", "uk"), ("seed-pl-first5", "pl")]:
        text = (DATA / "align" / f"{name}.{lang}.txt").read_text(encoding="utf-8")
        target = [text[a:b] for a, b, *_ in split(text, lang)]
        beads = json.loads((DATA / "align" / f"{name}.gold.json").read_text(encoding="utf-8"))["beads"]
        for a, b in (bead for bead in beads if all(bead)):  # partial versions leave sentences out
            src, tgt = " ".join(source[i] for i in a), " ".join(target[j] for j in b)
            for f in [
                *wrong_language(tgt, lang, ["en"]),
                *number_style(tgt, lang),
                *time_changes(src, "en", tgt, lang),
                *added_numbers(src, tgt),
            ]:
                found.append((lang, f.kind, f.source_text or f.text))
    assert found == [("uk", "time lost", "February"), ("pl", "time lost", "February")]
