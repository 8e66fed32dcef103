"""``annot agreement``: the tables, --annotators, --csv, the hint with fewer than two annotators, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import annot
from annot.analysis.agreement import NO_AGREEMENT, PAIR_COLUMNS
from tests.analysis.conftest import add_document
from tests.cli.test_cli import run

TEXT = "Russia will send 9,000 troops to Belarus, the ministry said."


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    store = annot.open_project(tmp_path / "project", annotator="alice")
    doc = add_document(store, TEXT, "en", "one", date(2022, 1, 18))
    for who in ("alice", "bob", "carol"):
        store.add_span(doc.id, 0, 6, "ACTOR", annotator=who)
    store.add_span(doc.id, 17, 22, "QUANTITY", {"value": 9000}, annotator="alice")
    store.add_span(doc.id, 17, 29, "QUANTITY", {"value": 9000}, annotator="bob")
    store.add_span(doc.id, 33, 40, "QUANTITY", annotator="carol")
    store.close()
    return tmp_path / "project", doc.id


def test_agreement_cli_prints_pairs_alpha_confusion_and_writes_csv(project, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    folder, doc_id = project
    csv = tmp_path / "out" / "agreement.csv"
    result = run(folder, "agreement", doc_id, "--csv", str(csv))
    lines = result.output.splitlines()
    assert lines[0] == "3 annotators (alice, bob, carol), 1 shared documents"
    row = next(line.split() for line in lines if line.split()[:3] == ["alice", "bob", "QUANTITY"])
    assert row[3:5] == ["1.000", "0.000"]  # F1 overlap, exact
    assert any(line.split()[:2] == ["STANCE.polarity", "nominal"] for line in lines)
    assert f"Wrote {csv}" in result.output
    frame = pd.read_csv(csv)
    assert list(frame.columns) == PAIR_COLUMNS and len(frame) == 3 * 2 * 3  # pairs x matches x (2 labels + all)
    exact = frame[(frame["annotator_a"] == "alice") & (frame["annotator_b"] == "carol") & (frame["label"] == "all")]
    assert exact.set_index("match").loc["exact", "f1"] == pytest.approx(0.5)


def test_agreement_cli_annotators_option(project):
    folder, _ = project
    result = run(folder, "agreement", "--annotators", "bob, carol")
    assert result.output.splitlines()[0] == "2 annotators (bob, carol), 1 shared documents"
    assert "alice" not in result.output


def test_agreement_cli_one_annotator_is_a_hint_not_an_error(tmp_path: Path):
    store = annot.open_project(tmp_path / "project", annotator="alice")
    doc = add_document(store, TEXT, "en", "one", date(2022, 1, 18))
    store.add_span(doc.id, 0, 6, "ACTOR")
    store.close()
    result = run(tmp_path / "project", "agreement")
    assert result.output.splitlines() == [f"{NO_AGREEMENT} (annotators here: alice)"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--annotators", "alice"], "--annotators needs two names or more"),
        (["--annotators", "alice,eve"], "No accepted span or mark by 'eve'"),
        (["nosuchdoc"], "nosuchdoc"),
    ],
)
def test_agreement_cli_errors_are_one_line(project, args, message):
    folder, _ = project
    result = run(folder, "agreement", *args, code=2)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
