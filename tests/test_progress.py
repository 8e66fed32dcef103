"""Progress bars: plain text in notebooks (saved with the notebook, so they survive a reload), hidden in pipes."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from annot.progress import progress_bar

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_progress_in_a_notebook_is_saved_text_not_a_widget(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("belarus-russian-grouping-2022-10-17.en.txt", "belarus-agrupacion-rusa-2022-10-17.es.txt"):
        (corpus / name).write_bytes((ROOT / "corpus" / name).read_bytes())
    nb = new_notebook(cells=[
        new_code_cell(f"import annot\nstore = annot.open_project({str(tmp_path / 'p')!r})\n"
                      f"report = annot.ingest({str(corpus)!r}, store, progress=True)\nprint(report.summary())"),
        new_code_cell(f"annot.export_jsonl(store, {str(tmp_path / 'out.jsonl')!r}, progress=True)"),
    ])  # fmt: skip
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [out for cell in nb.cells for out in cell.outputs]
    assert not [out for out in outputs if WIDGET_VIEW in out.get("data", {})], "a progress bar left a widget view"
    bars = [out["data"]["text/plain"] for out in outputs if out.output_type == "display_data"]
    assert any(bar.startswith("ingesting") and "2/2" in bar for bar in bars), bars
    assert any(bar.startswith("exporting") and "2/2" in bar for bar in bars), bars
    # The notebook, saved and read back, holds the bars as they ended.
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    assert "ingesting" in path.read_text("utf-8") and WIDGET_VIEW not in json.dumps(json.loads(path.read_text()))


def test_progress_bar_is_silent_when_output_is_not_a_terminal(capsys):
    with progress_bar("working") as update:
        for i in range(1, 4):
            update(i, 3, f"item {i}")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
