"""Names an actor may take in another language (CLDR via Babel, the project's table), and name matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from annot import OutputError, SchemaError, Store, open_project
from annot.compare.aliases import add_alias
from annot.names import aliases, read_aliases
from tests.cli.unprivileged import check_bound_by_permissions, make_read_only, run_python_unprivileged, shared_folder


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


# -- adding an alias (the MT pane's "turn into alias") ----------------------------------------------

PROJECT_TOML = """\
# Our project's settings
[labels.ACTOR]
color = "#000000"  # black ink

[aliases]
# people
"Vladimir Putin" = [
  "Vladímir Putin",  # Brazil
]
"Minsk" = "Minsque"

[translate]
prefer = ["argos"]
"""


def _project(tmp_path: Path, text: str | None = PROJECT_TOML) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    if text is not None:
        (folder / "annot.toml").write_text(text, "utf-8")
    return folder


def test_add_alias_appends_keeping_comments_and_layout(tmp_path: Path):
    folder = _project(tmp_path)
    assert add_alias(folder, "Valeri Revenko", "Valeri Revenco") == ["Valeri Revenko", "Valeri Revenco"]
    assert (folder / "annot.toml").read_text("utf-8") == PROJECT_TOML.replace(
        '"Minsk" = "Minsque"\n', '"Minsk" = "Minsque"\n"Valeri Revenko" = ["Valeri Revenco"]\n'
    )
    assert aliases("Valeri Revenko", "pt", read_aliases(folder)) == {"Valeri Revenko", "Valeri Revenco"}
    assert [p.name for p in folder.iterdir()] == ["annot.toml"]  # written atomically: no temporary file left


@pytest.mark.parametrize(
    ("name", "alias", "group"),
    [
        ("Vladimir Putin", "Путин", ["Vladimir Putin", "Vladímir Putin", "Путин"]),  # the key's group
        ("vladímir pútin", "Путин", ["Vladimir Putin", "Vladímir Putin", "Путин"]),  # a member, accents aside
        ("Путин", "Vladimir Putin", ["Vladimir Putin", "Vladímir Putin", "Путин"]),  # the alias is the known one
        ("Minsque", "Minsk, Belarus", ["Minsk", "Minsque", "Minsk, Belarus"]),  # a single name becomes a list
    ],
)
def test_add_alias_joins_the_group_a_name_is_in(tmp_path: Path, name: str, alias: str, group: list[str]):
    folder = _project(tmp_path)
    assert add_alias(folder, name, alias) == group
    table = read_aliases(folder)
    assert [group[0], *table[group[0]]] == group and len(table) == 2
    assert "# Brazil" in (folder / "annot.toml").read_text("utf-8")


def test_add_alias_already_there_writes_nothing(tmp_path: Path):
    folder = _project(tmp_path)
    before = (folder / "annot.toml").stat().st_mtime_ns
    assert add_alias(folder, "minsque", "MINSK") == ["Minsk", "Minsque"]
    assert (folder / "annot.toml").read_text("utf-8") == PROJECT_TOML
    assert (folder / "annot.toml").stat().st_mtime_ns == before


def test_add_alias_creates_the_table_and_the_file(tmp_path: Path):
    folder = _project(tmp_path, '[labels.ACTOR]\ncolor = "#000000"\n')
    add_alias(folder, "Kremlin", "Kremlim")
    assert read_aliases(folder) == {"Kremlin": ["Kremlim"]}
    assert open_project(folder).schema.labels["ACTOR"].color == "#000000"
    empty = tmp_path / "empty"
    empty.mkdir()
    add_alias(empty, "Kremlin", "Кремль")
    assert read_aliases(empty) == {"Kremlin": ["Кремль"]}


@pytest.mark.parametrize(
    ("name", "alias", "message"),
    [
        ("", "Revenco", "An alias needs two names"),
        ("Valeri Revenko", "  ", "An alias needs two names"),
        ("Valeri Revenko", "valéri  revenko", "is the name 'Valeri Revenko' itself"),
    ],
)
def test_add_alias_bad_names_say_how_to_fix_them(tmp_path: Path, name: str, alias: str, message: str):
    folder = _project(tmp_path)
    with pytest.raises(SchemaError, match=message) as info:
        add_alias(folder, name, alias)
    assert "\n" not in str(info.value) and "add_alias(store, " in str(info.value)
    assert (folder / "annot.toml").read_text("utf-8") == PROJECT_TOML


@pytest.mark.parametrize("text", ["[aliases]\nBelarus = 3\n", "[aliases\n"])
def test_add_alias_to_an_invalid_file_changes_nothing(tmp_path: Path, text: str):
    folder = _project(tmp_path, text)
    with pytest.raises(SchemaError):
        add_alias(folder, "Belarus", "Bielorrússia")
    assert (folder / "annot.toml").read_text("utf-8") == text


def test_add_alias_to_a_store_opened_read_only_is_refused(tmp_path: Path):
    folder = _project(tmp_path)
    open_project(folder).close()
    refused = pytest.raises(OutputError, match=r"opened read-only \(read_only=True\); nothing was changed")
    with Store(folder, read_only=True) as store, refused as info:
        add_alias(store, "Belarus", "Bielorrússia")
    assert "\n" not in str(info.value)
    assert (folder / "annot.toml").read_text("utf-8") == PROJECT_TOML


ADD = """
import sys
from annot import AnnotError
from annot.compare.aliases import add_alias
try:
    add_alias(sys.argv[1], "Belarus", "Bielorrússia")
except AnnotError as exc:
    print(type(exc).__name__, exc)
"""


def test_add_alias_to_a_read_only_project_is_one_line(tmp_path: Path):
    with shared_folder() as shared:
        check_bound_by_permissions(shared)
        folder = _project(shared)
        make_read_only(folder)
        result = run_python_unprivileged(ADD, str(folder), home=shared)
        assert result.returncode == 0, result.stderr
        (line,) = result.stdout.splitlines()
        assert line.startswith(f"OutputError Cannot write {folder / 'annot.toml'}: permission denied"), line
        assert (folder / "annot.toml").read_text("utf-8") == PROJECT_TOML
