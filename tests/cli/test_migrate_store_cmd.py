"""``annot migrate-store SRC DST``: a project moved to a PostgreSQL server and back, from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from annot.store import Store
from tests.conftest import pg_schema
from tests.store.conftest import find, make_doc

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ANNOT_STORE", raising=False)
    folder = tmp_path / "project"
    with Store(folder, annotator="alice") as store:
        doc, sentences = make_doc()
        store.add_document(doc, sentences)
        span = store.add_span(doc.id, *find(doc.text, "Russia"), "ACTOR", {"canonical": "Россия"})
        store.update_span(span.id, status="pending")
        store.add_span(doc.id, *find(doc.text, "Minsk"), "ACTOR")
        store.undo("alice")
    return folder


def _run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def test_migrate_store_cmd_moves_a_project_to_a_server_and_back(project, tmp_path, pg_server):
    url = pg_server.url(pg_schema(tmp_path / "team"))
    moved = _run("--project", str(project), "migrate-store", str(project), url)
    assert moved.exit_code == 0, moved.output
    lines = moved.output.splitlines()
    assert {"documents: 1", "spans: 2", "history: 3", "links: 0"} <= set(lines)
    assert f"to {url}" in moved.output
    back = _run("--project", str(project), "migrate-store", url, str(tmp_path / "back"))
    assert back.exit_code == 0, back.output

    exported = []
    for folder, store in ((project, ""), (project, url), (tmp_path / "back", "")):
        out = tmp_path / f"export-{len(exported)}.jsonl"
        done = _run("--project", str(folder), "export", "--out", str(out), env={"ANNOT_STORE": store})
        assert done.exit_code == 0, done.output
        exported.append(out.read_bytes())
    assert exported[0] == exported[1] == exported[2]


def test_migrate_store_cmd_copies_a_folder_to_a_new_folder(project, tmp_path):
    """The README's tour line: a consistent copy of a project, SQLite to SQLite."""
    result = _run("--project", str(project), "migrate-store", str(project), str(tmp_path / "project-copy"))
    assert result.exit_code == 0, result.output
    with Store(project, read_only=True) as src, Store(tmp_path / "project-copy", read_only=True) as copy:
        assert copy.history().equals(src.history()) and copy.spans().equals(src.spans())


@pytest.mark.parametrize(
    ("dst", "message"),
    [
        ("project", "error: SRC and DST are the same store"),
        ("other", "error: Cannot copy into"),  # holds a project
        (
            "postgresql://annot@127.0.0.1:1/annot",
            "error: Cannot connect to the store at postgresql://annot@127.0.0.1:1/",
        ),
    ],
)
def test_migrate_store_cmd_refusals_are_one_line(project, tmp_path, dst, message):
    with Store(tmp_path / "other") as other:
        other.add_document(*make_doc("Something else. Entirely.", "Else"))
    target = dst if dst.startswith("postgresql") else str(tmp_path / dst)
    result = _run("--project", str(project), "migrate-store", str(project), target)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1, result.stderr
