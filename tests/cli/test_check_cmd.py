"""``annot check``: the full integrity check of the store file, on demand."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

import annot.store.integrity
from annot.cli import app
from annot.store import DB_NAME, Store
from tests.store.conftest import make_doc
from tests.store.test_files import PAGE, pages_of

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    with Store(folder, annotator="alice") as store:
        doc, sentences = make_doc("Troops moved again. " * 400, "Long")
        store.add_document(doc, sentences)
        for i in range(200):
            store.add_span(doc.id, i, i + 6, "ACTOR", {"canonical": f"actor {i}"})
    return folder


def _check(project: Path):
    return runner.invoke(app, ["--project", str(project), "check"])


def test_check_cmd_reports_a_sound_store(project):
    result = _check(project)
    assert result.exit_code == 0, result.output
    assert "no damage found" in result.output


def test_check_cmd_finds_damage_that_opening_a_large_store_does_not_read(project, monkeypatch):
    monkeypatch.setattr(annot.store.integrity, "QUICK_CHECK_MAX_BYTES", 0)  # every file counts as large
    db = project / DB_NAME
    pageno = pages_of(db)[("spans", "leaf")][1]
    data = bytearray(db.read_bytes())
    data[(pageno - 1) * PAGE : (pageno - 1) * PAGE + 64] = b"\xff" * 64
    db.write_bytes(bytes(data))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    Store(project).close()  # opens: the damaged page is not read at open
    result = _check(project)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "is corrupted" in lines[0] and "left untouched" in lines[0], result.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
