"""``annot translate``, ``annot engines`` and ``annot models`` on the real engines."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from annot.translate import registry

runner = CliRunner()
SEED = Path(__file__).resolve().parents[2] / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"


@pytest.fixture
def env(argos_packages: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("ANNOT_ARGOS_PACKAGES", str(argos_packages))
    registry.get_engine.cache_clear()
    project = tmp_path / "p"
    assert runner.invoke(app, ["-p", str(project), "ingest", str(SEED)]).exit_code == 0
    yield project
    registry.get_engine.cache_clear()


def test_cli_engines_lists_pairs_models_and_versions(env: Path):
    result = runner.invoke(app, ["engines"])
    assert result.exit_code == 0, result.output
    out = result.output
    for needle in ("argos", "bergamot", "apertium", "en->pt", "pt->en", "en->es", "es->pt", "eng-spa"):
        assert needle in out, needle


def test_cli_translate_to_pt_with_every_engine_then_cached(env: Path):
    result = runner.invoke(app, ["-p", str(env), "translate", "--to", "pt"])
    assert result.exit_code == 0, result.output
    assert "argos en>pt: 14 translated" in result.output
    assert "bergamot en>pt: 14 translated" in result.output
    assert "apertium en>es>pt: 14 translated" in result.output
    again = runner.invoke(app, ["-p", str(env), "translate", "belarus", "--to", "pt", "--engine", "argos,apertium"])
    assert again.exit_code == 0 and "0 translated" in again.output and "28 already there" in again.output


def test_cli_translate_errors_are_one_line(env: Path):
    result = runner.invoke(app, ["-p", str(env), "translate", "--to", "ru", "--engine", "argos"])
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith("error: argos cannot translate en->ru") and "annot models install" in line
    result = runner.invoke(app, ["-p", str(env), "translate", "--to", "pt", "--engine", "nope"])
    assert result.exit_code == 2 and "Unknown engine 'nope'" in result.stderr


def test_cli_models_install_and_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    packages = tmp_path / "packages"
    monkeypatch.setenv("ANNOT_ARGOS_PACKAGES", str(packages))
    model = Path(__file__).resolve().parents[2] / "models" / "translate-en_pt-1_0.argosmodel"
    result = runner.invoke(app, ["models", "install", str(model)])
    assert result.exit_code == 0, result.output
    assert "installed en->pt" in result.output
    listed = runner.invoke(app, ["models", "list"])
    assert "en->pt  argos  translate-en_pt 1.0" in listed.output and "1 argos packages in" in listed.output
    bogus = tmp_path / "bogus.argosmodel"
    with zipfile.ZipFile(bogus, "w") as zf:
        zf.writestr("x/readme.txt", "not a model")
    result = runner.invoke(app, ["models", "install", str(bogus)])
    assert result.exit_code == 2 and "bogus.argosmodel" in result.stderr
