"""The names policy (annot.names): one name across scripts, spellings and case endings."""

from __future__ import annotations

import pytest

from annot.names import name_stem, same_stem

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
