"""The CLI on a project whose store is on a PostgreSQL server (``$ANNOT_STORE``, or ``[store] url``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from tests.conftest import SEED, pg_schema

runner = CliRunner()


def _run(project: Path, *args: str):
    result = runner.invoke(app, ["--project", str(project), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("where", ["env", "annot.toml"])
def test_cli_works_on_a_project_whose_store_is_on_a_server(pg_server, tmp_path, monkeypatch, where):
    project = tmp_path / "project"
    url = pg_server.url(pg_schema(project))
    if where == "env":
        monkeypatch.setenv("ANNOT_STORE", url)
    else:
        monkeypatch.delenv("ANNOT_STORE", raising=False)
        project.mkdir()
        (project / "annot.toml").write_text(f'[store]\nurl = "{url}"\n')
    assert _run(project, "init").strip() == f"Created project at {project} (store: {url})"
    assert _run(project, "init").startswith("Project already exists")
    _run(project, "ingest", str(SEED))
    listing = _run(project, "ls")
    assert "belarus-russian-grouping" in listing
    assert _run(project, "check").strip() == f"{url}: no damage found"
    out = tmp_path / "out.jsonl"
    _run(project, "export", "--out", str(out))
    record = json.loads(out.read_text().splitlines()[0])
    assert record["text"] == SEED.read_text("utf-8").strip() or record["text"]
    assert not (project / "annot.db").exists()


def test_cli_names_an_unreachable_server_in_one_line(tmp_path, monkeypatch):
    import socket

    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        monkeypatch.setenv("ANNOT_STORE", f"postgresql://annot:pw@127.0.0.1:{port}/annot")
        result = runner.invoke(app, ["--project", str(tmp_path / "p"), "ls"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: Cannot connect to the store at") and "pw@" not in lines[0]
