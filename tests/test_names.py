"""The names policy (annot.names): one name across scripts, spellings and case endings."""

from __future__ import annotations

import pytest

from annot.names import NAME_WORD, NameFinder, name_stem, name_tags, same_stem

# Each row: how the news of one language writes a name, and the English spelling.
SPELLINGS = [
    ("Лукашенко", "Lukashenko"), ("Лукашенка", "Lukashenko"), ("Лукашенку", "Lukashenko"),
    ("Łukaszenka", "Lukashenko"), ("Lukašenko", "Lukashenko"), ("ლუკაშენკომ", "Lukashenko"),
    ("ლუკაშენკოს", "Lukashenko"), ("Ревенко", "Revenko"), ("Riewienko", "Revenko"), ("რევენკომ", "Revenko"),
    ("Шойгу", "Shoigu"), ("Путина", "Putin"), ("პუტინმა", "Putin"), ("Минске", "Minsk"), ("Mińsku", "Minsk"),
    ("მინსკში", "Minsk"), ("მინსკიდან", "Minsk"), ("ბელარუსის", "Belarus"), ("ბელარუსმა", "Belarus"),
    ("უკრაინაში", "Ukraine"), ("Украины", "Ukraine"),
]  # fmt: skip


@pytest.mark.parametrize(("written", "english"), SPELLINGS)
def test_a_name_has_one_stem_across_scripts_spellings_and_case_endings(written: str, english: str) -> None:
    assert same_stem(name_stem(written), name_stem(english)), (name_stem(written), name_stem(english))


@pytest.mark.parametrize(
    ("one", "other"),
    [("Лукашенко", "Revenko"), ("Путин", "Minsk"), ("ბელარუსის", "Ukraine"), ("Kiev", "Kyiv"), ("Riga", "Rome")],
)
def test_different_names_have_different_stems(one: str, other: str) -> None:
    assert not same_stem(name_stem(one), name_stem(other))


@pytest.mark.parametrize(("word", "lang", "tag"), [
    ("Ревенко", "ru", "Surn"), ("считают", "ru", "VERB"), ("Києві", "uk", "NOUN"),
])  # fmt: skip
def test_name_tags_read_russian_and_ukrainian_words(word: str, lang: str, tag: str) -> None:
    assert tag in name_tags(word, lang)
    assert name_tags(word, "en") == frozenset()


def test_a_caseless_name_finds_no_lower_case_word_of_another_script() -> None:
    finder = NameFinder()
    finder.add("რეიტერ", "Reuters")  # transliterated "reiter", one letter from "weiter"
    for text, hits in [("weitere Truppen", 0), ("Weitere Truppen", 1), ("რეიტერის ცნობით", 1)]:
        words = NAME_WORD.findall(text)
        assert len(finder.find(words, [(name_stem(w),) for w in words])) == hits, text
