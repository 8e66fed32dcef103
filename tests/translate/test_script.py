"""Serbian Cyrillic to Latin: the 30 letters, the capitals of the digraphs, what passes through."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annot.translate.script import SERBIAN_CYRILLIC, has_serbian_cyrillic, to_serbian_latin

# The two alphabets in their Cyrillic order, written out by hand (not derived from the module's table).
CYRILLIC = "А Б В Г Д Ђ Е Ж З И Ј К Л Љ М Н Њ О П Р С Т Ћ У Ф Х Ц Ч Џ Ш".split()
LATIN = "A B V G D Đ E Ž Z I J K L Lj M N Nj O P R S T Ć U F H C Č Dž Š".split()
# Every Cyrillic letter of Russian, Ukrainian, Belarusian and Macedonian that Serbian does not have.
NOT_SERBIAN = "ЁЙЩЪЫЬЭЮЯЄІЇЎҐЃЌЅ"


def test_script_alphabet_has_30_letters_each_way() -> None:
    assert len(CYRILLIC) == len(set(LATIN)) == 30
    assert set(CYRILLIC) | {letter.lower() for letter in CYRILLIC} == SERBIAN_CYRILLIC


@pytest.mark.parametrize(("cyrillic", "latin"), list(zip(CYRILLIC, LATIN, strict=True)))
def test_script_each_letter_maps_in_each_case(cyrillic: str, latin: str) -> None:
    assert to_serbian_latin(cyrillic) == latin  # a capital alone: title case (Lj, not LJ)
    assert to_serbian_latin(cyrillic.lower()) == latin.lower()
    assert to_serbian_latin(f"{cyrillic}А") == f"{latin.upper()}A"  # in a word in capitals: LJA
    assert to_serbian_latin(f"{cyrillic}а") == f"{latin}a"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("ЉУБЉАНА", "LJUBLJANA"), ("Љубљана", "Ljubljana"), ("љубљана", "ljubljana"),
        ("ЊЕГОШ", "NJEGOŠ"), ("Његош", "Njegoš"), ("ЏЕП", "DŽEP"), ("Џеп", "Džep"),
        ("КРАЉ", "KRALJ"), ("Краљ", "Kralj"), ("ЉЉ", "LJLJ"), ("Љ.", "Lj."), ("ЗЕМЉОТРЕС", "ZEMLJOTRES"),
        ("Ђорђе Ћирић", "Đorđe Ćirić"), ("ЂОРЂЕ ЋИРИЋ", "ĐORĐE ĆIRIĆ"),
        ("Русија ће послати у Белорусију око 170 тенкова.", "Rusija će poslati u Belorusiju oko 170 tenkova."),
    ],
)  # fmt: skip
def test_script_words_and_capitals(cyrillic: str, latin: str) -> None:
    assert to_serbian_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("text", "latin"),
    [
        (NOT_SERBIAN + NOT_SERBIAN.lower(), NOT_SERBIAN + NOT_SERBIAN.lower()),
        ("Генерал Щёкин и НАТО", "General Щёkin i NATO"),  # only the Serbian letters of a Russian name change
        ("Lider opozicije Navaljni и NATO", "Lider opozicije Navaljni i NATO"),
        ("Ѓорѓи", "Ѓorѓi"),  # Macedonian ѓ is not Serbian
    ],
)
def test_script_other_letters_pass_through(text: str, latin: str) -> None:
    assert to_serbian_latin(text) == latin


def test_script_latin_text_is_returned_as_it_is() -> None:
    text = "Ljubljana, Đorđe Ćirić: 9,000 <b>&amp;</b> Щ"
    assert not has_serbian_cyrillic(text) and to_serbian_latin(text) is text
    assert has_serbian_cyrillic("Latin и")


SERBIAN_TEXT = st.text(st.sampled_from(sorted(SERBIAN_CYRILLIC) + list(" .,170ЩыAbč-")), max_size=40)


@given(SERBIAN_TEXT)
def test_script_leaves_no_serbian_letter_and_is_idempotent(text: str) -> None:
    latin = to_serbian_latin(text)
    assert not has_serbian_cyrillic(latin)
    assert to_serbian_latin(latin) == latin


@given(SERBIAN_TEXT)
def test_script_commutes_with_lowercase(text: str) -> None:
    assert to_serbian_latin(text.lower()) == to_serbian_latin(text).lower()


@given(st.text(max_size=40).filter(lambda text: not has_serbian_cyrillic(text)))
def test_script_changes_nothing_else(text: str) -> None:
    assert to_serbian_latin(text) == text
