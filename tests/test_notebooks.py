"""The shipped notebooks run top to bottom on a fresh project (nbclient, a real kernel)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _run(name: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def _text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_notebook_annotate_runs_on_a_fresh_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    nb = _run("annotate.ipynb", {"ANNOT_PROJECT": str(tmp_path / "project")}, monkeypatch)
    text = _text(nb)
    # corpus/: the seed, its Spanish version and the five outlets of corpus/outlets/; their gold export is skipped.
    assert "7 added" in text and "1 annot export skipped" in text
    assert "14 sentences" in text and "Alleged Ukrainian attack" in text
    # Second run on the same project: the ingest is a no-op.
    nb = _run("annotate.ipynb", {"ANNOT_PROJECT": str(tmp_path / "project")}, monkeypatch)
    assert "0 added, 7 unchanged" in _text(nb)


def test_notebook_tour_runs(monkeypatch: pytest.MonkeyPatch):
    nb = _run("tour.ipynb", {}, monkeypatch)
    assert "identical after export -> import -> export" in _text(nb)


def test_notebook_compare_runs_on_a_fresh_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    nb = _run("compare.ipynb", {"ANNOT_PROJECT": str(tmp_path / "project")}, monkeypatch)
    text = _text(nb)
    assert "7 added" in text and "beads: " in text and "1-2" in text
    assert "reference: belarus-agrupacion-rusa-2022-10-17-" in text and "reference: None" in text
    outputs = [out for cell in nb.cells for out in cell.get("outputs", [])]
    html = "\n".join(out.get("data", {}).get("text/html", "") for out in outputs)
    assert html.count('<table class="annot-cmp side">') == 2 and "<del>" in html and "<ins>" in html
    assert "chrF" in html and "[" in html  # the corpus table with its intervals
    assert sum("image/png" in out.get("data", {}) for out in outputs) == 4  # two plots per language
    # The engine and flag dropdowns (two per language) are sent to the browser with their first choice selected.
    widgets = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    dropdowns = [w["state"] for w in widgets.values() if w["model_name"] == "DropdownModel"]
    assert [(d["description"], d["index"]) for d in dropdowns] == [("engine", 0), ("flag", 0)] * 2
    # Under them, an HTML widget (not an Output, whose capture stalled the next cell) holds every sentence.
    pages = [w["state"]["value"] for w in widgets.values() if w["model_name"] == "HTMLModel"]
    assert len(pages) == 2 and all(page.count('<table class="annot-cmp side">') == 1 for page in pages)
    for target in ("es", "pt"):
        report = (tmp_path / "exports" / f"compare-{target}.html").read_text("utf-8")
        assert f"<h1>Translations of “Belarus russian grouping 2022-10-17” into {target}<small" in report
        assert (tmp_path / "exports" / f"compare-{target}.csv").is_file()


def test_notebook_explore_runs_on_a_fresh_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    nb = _run("explore.ipynb", {"ANNOT_PROJECT": str(tmp_path / "project")}, monkeypatch)
    text = _text(nb)
    assert "outlets.annot.jsonl: " in text and "40 claims in 7 groups from 6 documents in 5 languages" in text
    outputs = [out for cell in nb.cells for out in cell.get("outputs", [])]
    html = "\n".join(out.get("data", {}).get("text/html", "") for out in outputs)
    for kind in ("value", "qualifier", "holder", "evidence"):
        assert f"<td>{kind}</td>" in html  # the discrepancies table names every kind
    assert sum("image/png" in out.get("data", {}) for out in outputs) == 4  # discrepancies, matrix, network, time
    assert "agreement needs two annotators on one document" in text  # one annotator per document: the hint
    assert "No document has two annotators yet: nothing to adjudicate." in text  # the curator cell, guarded
    report = (tmp_path / "exports" / "claims.html").read_text("utf-8")
    assert "<script" not in report and (tmp_path / "exports" / "claims.csv").is_file()
    # Second run on the same project: nothing ingested or imported again, the same ledger.
    nb = _run("explore.ipynb", {"ANNOT_PROJECT": str(tmp_path / "project")}, monkeypatch)
    assert "outlets.annot.jsonl: 0 spans written" in _text(nb) and "40 claims in 7 groups" in _text(nb)


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), path


def test_notebooks_are_exactly_what_make_notebooks_writes(tmp_path: Path):
    # No outputs, execution counts, widget state or metadata JupyterLab adds: run scripts/make_notebooks.py.
    spec = importlib.util.spec_from_file_location("make_notebooks", NOTEBOOKS.parent / "scripts" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    for name, cells in module.NOTEBOOKS.items():
        module.write(name, cells, tmp_path)
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(module.NOTEBOOKS)
    for name in module.NOTEBOOKS:
        assert (NOTEBOOKS / name).read_bytes() == (tmp_path / name).read_bytes(), f"regenerate {name}"
