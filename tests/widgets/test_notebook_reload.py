"""A browser reload of the annotation notebook after a run shows every output again, no "model not found".

Progress bars used to be ipywidgets ``Output`` views (rich's Jupyter display)
that were closed when done, so a saved notebook referred to widget models that
no longer existed. The notebook is run, saved and reloaded in a real browser.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from .browser import copy_notebooks_and_corpus, lab, run_notebook

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_annotate_notebook_reloads_without_missing_widget_models(tmp_path: Path):
    copy_notebooks_and_corpus(tmp_path)
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "notebooks/annotate.ipynb")
        page.locator(".annot-annotator").first.wait_for(timeout=60_000)
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-mod-dirty", state="detached",
                               timeout=30_000)  # fmt: skip
        page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')", timeout=30_000)
        url = f"http://127.0.0.1:{port}/api/contents/notebooks/annotate.ipynb?token={token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            saved = json.load(response)["content"]
        outputs = [out for cell in saved["cells"] for out in cell.get("outputs", [])]
        views = [out for out in outputs if WIDGET_VIEW in out.get("data", {})]
        # The annotator and the two live tables under it; progress bars are saved as text.
        assert len(views) == 3, "only the annotator and its live tables are widgets; progress bars are saved as text"
        assert any("ingesting" in out.get("data", {}).get("text/plain", "") for out in outputs)

        page.reload()
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        # The widget views are restored from the running kernel: once the annotator and both tables
        # show, nothing else on the page can still be waiting to say "model not found".
        page.locator(".annot-annotator").first.wait_for(timeout=60_000)
        page.locator(".annot-live").nth(1).wait_for(timeout=60_000)
        text = page.locator(".jp-Notebook").text_content() or ""
        assert "model not found" not in text and "Error displaying widget" not in text
        assert "ingesting" in text and "translating to pt" in text
