"""The annotation widget in a real browser: JupyterLab in chromium (Playwright) runs a notebook showing it.

Drives the page as a person would (keys, a mouse drag over words, a label key)
and checks the store on disk from this process. Saves docs/annotator.png when ANNOT_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
from pathlib import Path

import annot

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
XSS = "Alert <img src=x onerror=window.__xss=1> in the feed."


def _screenshot_module():
    spec = importlib.util.spec_from_file_location("annot_screenshot", ROOT / "scripts" / "screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _write_notebook(path: Path, project: Path, xss: Path) -> None:
    setup = (
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator='browser')\n"
        f"seed = annot.ingest({str(SEED)!r}, store).results[0].doc_id\n"
        f"bad = annot.ingest({str(xss)!r}, store, lang='en').results[0].doc_id"
    )
    cells = [setup, "Annotator(store, seed)", "Annotator(store, bad)"]
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}
            for source in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")


def test_annotator_browser_tags_with_mouse_and_keys(tmp_path: Path):
    assert shutil.which("chromium"), "chromium is missing: ./run installs it (scripts/apt-packages.txt)"
    from playwright.sync_api import sync_playwright

    shot = _screenshot_module()
    project, xss = tmp_path / "project", tmp_path / "xss.en.txt"
    xss.write_text(XSS, encoding="utf-8")
    (tmp_path / "root").mkdir()
    _write_notebook(tmp_path / "root" / "annotate.ipynb", project, xss)
    token = secrets.token_hex(16)
    proc, port = shot.start_lab(tmp_path, token)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=shot.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            shot.open_and_run_all(page, port, token, "annotate.ipynb")
            widgets = page.locator(".annot-annotator")
            widgets.nth(1).wait_for(timeout=60_000)
            widget = widgets.first
            cells = page.locator(".jp-Notebook .jp-Cell")
            n_cells = cells.count()

            # Keys on the widget move through the document, and never reach the notebook.
            widget.focus()
            current = widget.locator(".annot-current .annot-text")
            for _ in range(4):
                page.keyboard.press("j")
            widget.locator(".annot-current .annot-text", has_text="Valeri Revenko").wait_for(timeout=10_000)
            for key in ("a", "b", "d", "d"):
                page.keyboard.press(key)
            page.wait_for_timeout(300)
            assert cells.count() == n_cells
            assert "sentence 5 of 14" in widget.locator(".annot-position").inner_text()

            # A mouse drag from inside "Valeri" to inside "Revenko", snapped to the two words.
            box = current.evaluate(
                """el => {
                    const node = el.firstChild.firstChild, at = node.data.indexOf('aleri Revenk');
                    const r = document.createRange();
                    r.setStart(node, at); r.setEnd(node, at + 1);
                    const a = r.getBoundingClientRect();
                    r.setStart(node, at + 11); r.setEnd(node, at + 12);
                    const b = r.getBoundingClientRect();
                    return {x1: a.left + a.width / 2, y1: a.top + a.height / 2, x2: b.left + b.width / 2, y2: b.top + b.height / 2};
                }"""
            )
            page.mouse.move(box["x1"], box["y1"])
            page.mouse.down()
            page.mouse.move(box["x2"], box["y2"], steps=5)
            page.mouse.up()
            widget.locator(".annot-current .annot-pending").first.wait_for(timeout=10_000)
            assert widget.locator(".annot-pending-text").inner_text() == "Valeri Revenko"
            page.keyboard.press("1")
            painted = widget.locator(".annot-current .annot-span")
            painted.first.wait_for(timeout=10_000)
            assert "".join(painted.all_inner_texts()) == "Valeri Revenko"
            assert painted.first.get_attribute("title") == "ACTOR"
            assert widget.locator(".annot-status").inner_text().startswith("✓ saved")
            assert widget.locator(".annot-field select").count() >= 1  # the form for the new span

            # The help overlay opens and closes with "?".
            page.keyboard.press("?")
            assert widget.locator(".annot-help").is_visible()
            page.keyboard.press("?")
            assert not widget.locator(".annot-help").is_visible()
            assert cells.count() == n_cells

            # Untrusted text is shown as characters, never run.
            bad = widgets.nth(1)
            assert "<img src=x onerror=window.__xss=1>" in bad.locator(".annot-current").inner_text()
            assert bad.locator("img").count() == 0
            assert page.evaluate("() => window.__xss") is None

            # The control: the same key in the notebook itself (command mode) does add a cell.
            cells.first.locator(".jp-InputPrompt").click()
            page.keyboard.press("Escape")
            page.keyboard.press("a")
            page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length > {n_cells}")

            widget.scroll_into_view_if_needed()
            # The README's picture is refreshed on request only: a test run never edits the repository.
            update = os.environ.get("ANNOT_UPDATE_SCREENSHOTS") == "1"
            out = ROOT / "docs" / "annotator.png" if update else tmp_path / "annotator.png"
            widget.screenshot(path=str(out))
            assert out.stat().st_size > 10_000
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    store = annot.open_project(project)
    try:
        rows = store.spans(label="ACTOR")
        assert list(rows["text"]) == ["Valeri Revenko"]
        assert list(rows["annotator"]) == ["browser"]
    finally:
        store.close()
