"""Names an actor may take in another language (CLDR via Babel, the project's table), and name matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from annot import SchemaError, open_project
from annot.compare.aliases import aliases, read_aliases
from annot.translate.checks import fold_words, has_name, missing_names


@pytest.mark.parametrize(
    ("name", "target", "expected"),
    [
        ("Belarus", "pt", {"Belarus", "Bielorrússia"}),
        ("Belarus", "es", {"Belarus", "Bielorrusia"}),
        ("belarus ", "ru", {"belarus", "Беларусь"}),  # case and spaces do not matter in the lookup
        ("Russia", "pt", {"Russia", "Rússia"}),
        ("Poland", "pt", {"Poland", "Polônia", "Polónia"}),  # Brazil's and Portugal's names
        ("Moscow", "pt", {"Moscow", "Moscou", "Moscovo"}),  # a city that names a time zone
        ("Moscow", "es", {"Moscow", "Moscú"}),
        ("Bielorrusia", "pt", {"Bielorrusia", "Bielorrússia"}),  # a Spanish name recognised too
        ("Ucrânia", "en", {"Ucrânia", "Ukraine"}),
        ("Valeri Revenko", "pt", {"Valeri Revenko"}),  # nothing known: the name itself
        ("  ", "pt", set()),
    ],
)
def test_aliases_from_cldr(name: str, target: str, expected: set[str]):
    assert aliases(name, target) == expected


def test_aliases_project_table_is_a_group_each_way():
    table = {"Kremlin": ["Kremlim", "Кремль"], "Vladimir Putin": ["Vladímir Putin"]}
    assert aliases("Kremlin", "pt", table) == {"Kremlin", "Kremlim", "Кремль"}
    assert aliases("Кремль", "es", table) == {"Kremlin", "Kremlim", "Кремль"}
    assert aliases("vladimir putin", "es", table) == {"vladimir putin", "Vladimir Putin", "Vladímir Putin"}
    assert aliases("Belarus", "pt", {"Belarus": ["Bielorrusia"]}) == {"Belarus", "Bielorrússia", "Bielorrusia"}


def test_aliases_read_from_the_project_file(tmp_path: Path):
    folder = tmp_path / "project"
    assert read_aliases(folder) == {}
    folder.mkdir()
    (folder / "annot.toml").write_text(
        '[labels.ACTOR]\ncolor = "#000000"\n\n[aliases]\n"Belarus" = ["Bielorrusia", "Bielorrússia", "Беларусь"]\n'
        '"Minsk" = "Minsque"\n',
        "utf-8",
    )
    assert read_aliases(folder) == {"Belarus": ["Bielorrusia", "Bielorrússia", "Беларусь"], "Minsk": ["Minsque"]}
    store = open_project(folder)  # the label schema ignores the table
    try:
        assert store.schema.labels["ACTOR"].color == "#000000"
    finally:
        store.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [("[aliases]\nBelarus = 3\n", "must be a list of names"), ("aliases = 3\n", "must be a table"),
     ("[aliases\n", "Cannot read")],
)  # fmt: skip
def test_aliases_bad_table_says_how_to_fix_it(tmp_path: Path, text: str, message: str):
    (tmp_path / "annot.toml").write_text(text, "utf-8")
    with pytest.raises(SchemaError, match=message):
        read_aliases(tmp_path)


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("Russia", "A Rússia atacou", True),
        ("Russia", "os soldados russianos", True),  # a name may begin a longer word
        ("Russia", "a Prussia", False),  # but not sit inside one
        ("Irã", "para tirar", False),
        ("Valeri Revenko", "o coronel Valeri Revenko", True),
        ("Republic of Belarus", "República de Belarus", True),  # words under 3 letters do not count
        ("Xi Li", "o senhor Xi  Li", True),
        ("Xi Li", "o senhor Li Xi", False),
        ("", "anything", False),
    ],
)
def test_has_name(name: str, text: str, found: bool):
    assert has_name(name, fold_words(text)) is found


def test_missing_names_is_still_importable_from_the_mt_pane():
    from annot.annotate.mt import missing_names as from_mt

    assert from_mt is missing_names
    assert missing_names(["Belarus", "Minsk", "minsk"], "Minsk disse") == ["Belarus"]
