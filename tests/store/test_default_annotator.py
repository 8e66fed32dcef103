"""Who an edit is recorded under: an explicit name, else ``$ANNOT_USER``, else the project's default, else the login."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from annot.errors import SchemaError
from annot.store import Store, default_annotator


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ANNOT_USER", raising=False)
    monkeypatch.delenv("ANNOT_ANNOTATOR", raising=False)
    project = tmp_path / "project"
    project.mkdir()
    (project / "annot.toml").write_text('[team]\nannotator = " dana "\n', "utf-8")
    return project


def test_default_annotator_project_default_beats_the_login_name(folder: Path):
    assert default_annotator(folder) == "dana"
    assert default_annotator(folder / "annot.toml") == "dana"
    assert default_annotator() == getpass.getuser()  # no project: the login name
    with Store(folder) as store:
        assert store.annotator == "dana"


@pytest.mark.parametrize("variable", ["ANNOT_USER", "ANNOT_ANNOTATOR"])
def test_default_annotator_environment_beats_the_project_default(folder: Path, monkeypatch, variable: str):
    monkeypatch.setenv(variable, "erin")
    assert default_annotator(folder) == "erin"
    with Store(folder) as store:
        assert store.annotator == "erin"


def test_default_annotator_explicit_name_beats_environment_and_project(folder: Path, monkeypatch):
    monkeypatch.setenv("ANNOT_USER", "erin")
    with Store(folder, annotator="fay") as store:
        assert store.annotator == "fay"


@pytest.mark.parametrize("table", ["", "[team]\n", '[team]\nannotator = "  "\n'])
def test_default_annotator_without_a_project_default_is_the_login_name(folder: Path, table: str):
    (folder / "annot.toml").write_text(table, "utf-8")
    assert default_annotator(folder) == getpass.getuser()


def test_default_annotator_project_default_not_text_says_how_to_write_it(folder: Path):
    (folder / "annot.toml").write_text("[team]\nannotator = 3\n", "utf-8")
    with pytest.raises(SchemaError, match=r'\[team\] annotator must be a name in quotes \(annotator = "alice"\)'):
        Store(folder)
