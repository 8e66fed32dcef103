"""Driving the annotation widget in JupyterLab with Playwright as a person does: a mouse over words, keys.

Shared by the real-browser tests (and usable from benchmarks): JupyterLab runs
in a scratch folder (scripts/screenshot.py's ``start_lab``), chromium is
Debian's, nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# The page positions of the first and last characters of the n-th occurrence of
# `phrase` in an element's text, which may be split over several text nodes
# (spans are painted as separate segments).
_PHRASE_BOX = """([el, phrase, nth]) => {
    let at = -1;
    for (let i = 0; i <= nth; i++) { at = el.textContent.indexOf(phrase, at + 1); if (at < 0) return null; }
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        nodes.push([node, seen]); seen += node.data.length;
    }
    const locate = (offset) => {
        for (const [node, base] of nodes) if (offset < base + node.data.length) return [node, offset - base];
        return null;
    };
    const charBox = (offset) => {
        const [node, local] = locate(offset);
        const r = document.createRange();
        r.setStart(node, local);
        // A character may be a surrogate pair: take both units.
        const code = node.data.charCodeAt(local);
        r.setEnd(node, Math.min(node.data.length, local + (code >= 0xd800 && code <= 0xdbff ? 2 : 1)));
        const box = r.getBoundingClientRect();
        return {x: box.left + box.width / 2, y: box.top + box.height / 2, w: box.width};
    };
    return {first: charBox(at), last: charBox(at + phrase.length - 1)};
}"""


def screenshot_module() -> Any:
    """scripts/screenshot.py as a module (start_lab, open_and_run_all, CHROMIUM_ARGS)."""
    spec = importlib.util.spec_from_file_location("annot_screenshot", ROOT / "scripts" / "screenshot.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def copy_notebooks_and_corpus(scratch: Path) -> None:
    """Copies of notebooks/ and corpus/ under ``scratch/root``: JupyterLab saves what it runs, never the repo's."""
    for name in ("notebooks", "corpus"):
        shutil.copytree(ROOT / name, scratch / "root" / name)


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code cells, without outputs."""
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


@contextlib.contextmanager
def lab(scratch: Path) -> Iterator[tuple[Any, Any, int, str]]:
    """JupyterLab on ``scratch/root`` and chromium: yields (browser, screenshot module, port, token)."""
    assert shutil.which("chromium"), "chromium is missing: ./run installs it (scripts/apt-packages.txt)"
    from playwright.sync_api import sync_playwright

    shot = screenshot_module()
    (scratch / "root").mkdir(exist_ok=True)
    token = secrets.token_hex(16)
    proc, port = shot.start_lab(scratch, token)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=shot.CHROMIUM_ARGS)
            try:
                yield browser, shot, port, token
            finally:
                browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run_notebook(
    browser: Any, shot: Any, port: int, token: str, notebook: str, *, width: int = 1300, height: int = 1000,
    workspace: str | None = None,
) -> Any:  # fmt: skip
    """A new page with ``notebook`` open in JupyterLab and all its cells run; returns the page."""
    page = browser.new_page(viewport={"width": width, "height": height})
    shot.open_and_run_all(page, port, token, notebook, workspace)
    wait_all_cells_ran(page)
    return page


def wait_all_cells_ran(page: Any, timeout: float = 180_000) -> None:
    """Every code cell shows an execution count ("[7]:", not "[*]:" or "[ ]:")."""
    page.wait_for_function(
        """() => { const p = [...document.querySelectorAll(
                       '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')];
                   return p.length > 0 && p.every(x => /\\[\\d+\\]/.test(x.textContent)); }""",
        timeout=timeout,
    )


def _phrase_box(text: Any, phrase: str, nth: int) -> dict[str, dict[str, float]]:
    box = text.evaluate(f"(el) => ({_PHRASE_BOX})([el, {json.dumps(phrase)}, {nth}])")
    assert box is not None, f"{phrase!r} is not in {text.inner_text()!r}"
    return box


def drag_over(page: Any, text: Any, phrase: str, *, nth: int = 0) -> None:
    """Drag the mouse over ``phrase`` in the ``text`` element (a locator), as a person selects words.

    The drag starts and ends in the middle of the first and last characters, a
    little sloppy, as people do; the widget snaps the selection to whole words.
    """
    box = _phrase_box(text, phrase, nth)
    first, last = box["first"], box["last"]
    # Whole pixels, as a real mouse gives: chromium starts no selection on a press at x.5 exactly.
    page.mouse.move(round(first["x"]), round(first["y"]))
    page.mouse.down()
    page.mouse.move(round(last["x"]), round(last["y"]), steps=6)
    page.mouse.up()


def double_click(page: Any, text: Any, word: str, *, nth: int = 0) -> None:
    """Double-click in the middle of ``word`` in the ``text`` element."""
    box = _phrase_box(text, word, nth)
    page.mouse.dblclick(round((box["first"]["x"] + box["last"]["x"]) / 2), round(box["first"]["y"]))


def settled(page: Any) -> None:
    """Wait until Python has answered every intent the widgets on the page sent (moves drawn ahead included)."""
    page.wait_for_function(
        "() => !document.querySelector('.annot-annotator[data-moving], .annot-annotator[data-waiting]')",
        timeout=15_000,
    )


def painted(widget: Any) -> dict[int, list[tuple[str, str]]]:
    """What the widget shows: sentence index -> sorted (label, text) of its painted spans and stance chips."""
    return widget.evaluate(
        """(root) => {
            const out = {};
            for (const box of root.querySelectorAll('.annot-sentence')) {
                const byId = new Map();
                for (const seg of box.querySelectorAll('.annot-span')) {
                    const key = seg.dataset.spanId;
                    byId.set(key, [seg.dataset.label, (byId.get(key)?.[1] || '') + seg.textContent]);
                }
                const rows = [...byId.values()];
                for (const chip of box.querySelectorAll('.annot-chip')) rows.push(['STANCE', chip.textContent]);
                out[box.dataset.index] = rows.sort();
            }
            return out;
        }"""
    )
