"""The curator widget in a real browser: two annotators' conflicting versions, keys, the store on disk.

JupyterLab in chromium (Playwright) runs a notebook showing ``Curator`` on a document two annotators
tagged differently (a label conflict, a nested span, other attributes) whose text holds markup. The test
presses the keys a curator would (accept 2, merge, Tab and Delete, undo) and checks the store from this
process after each. Saves docs/curator.png when ANNOT_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
from pathlib import Path

from annot.model import Origin
from annot.store import Store

from .browser import ROOT, lab, run_notebook, write_notebook

TEXT = (
    "Minsk said 9,000 Russian troops arrived in Belarus.\n\n"
    "Kyiv called the deployment a threat <img src=x onerror=window.__xss=1>.\n\nThe ministry gave no date."
)


def _setup_cell(project: Path, path: Path) -> str:
    return "\n".join([
        "import annot\nfrom annot.widgets import Curator",
        f"store = annot.open_project({str(project)!r}, annotator='cleo')",
        f"doc = annot.ingest({str(path)!r}, store, lang='en').results[0].doc_id",
        "text = store.document(doc).text",
        "def tag(who, phrase, label, attrs=None):\n"
        "    start = text.index(phrase)\n"
        "    return store.add_span(doc, start, start + len(phrase), label, attrs, annotator=who)",
        "for who in ('ana', 'ben'):\n    tag(who, 'Minsk', 'ACTOR', {'type': 'state'})",
        "tag('ana', '9,000 Russian troops', 'QUANTITY', {'value': 9000, 'unit': 'troops'})",
        "tag('ben', '9,000 Russian troops', 'ACTOR')",
        "tag('ben', '9,000', 'QUANTITY', {'value': 9000})",
        "tag('ana', 'Belarus', 'ACTOR', {'type': 'state'})",
        "tag('ben', 'Belarus', 'ACTOR', {'type': 'government body'})",
        "for who in ('ana', 'ben'):\n    tag(who, 'Kyiv', 'ACTOR')",
    ])  # fmt: skip


def _curated(project: Path) -> list[tuple[str, str]]:
    with Store(project, read_only=True) as store:
        return sorted((s.label, s.text) for s in store.iter_spans() if s.origin == Origin.CURATED)


def _settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('.annot-curator[data-waiting]')", timeout=15_000)


def _saved(widget, text: str) -> None:
    widget.locator(".annot-status.annot-saved").filter(has_text=text).wait_for(timeout=15_000)


def test_curator_accept_merge_delete_undo_in_a_real_browser(tmp_path: Path):
    project = tmp_path / "project"
    article = tmp_path / "deployment.en.txt"
    article.write_text(TEXT, encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "curate.ipynb", [_setup_cell(project, article), "Curator(store, doc)"])
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "curate.ipynb", width=1200, height=900)
        widget = page.locator(".annot-curator").first
        widget.wait_for(timeout=60_000)
        rows = widget.locator(".annot-version")
        rows.nth(1).wait_for(timeout=30_000)

        # Disagreements first: the first sentence (5 spans differ) leads the list; the others agree.
        items = widget.locator(".annot-list-item")
        assert items.count() == 3
        assert items.first.get_attribute("data-index") == "0"
        assert items.first.locator(".annot-badge").inner_text() == "5"
        assert [rows.nth(i).get_attribute("data-name") for i in range(rows.count())] == ["ana", "ben"]
        assert "QUANTITY “9,000 Russian troops” · 9000 troops" in rows.nth(0).inner_text()
        assert "government body" in rows.nth(1).inner_text()
        # The article's markup is text: shown as typed, never run (the sentence itself is opened at the end).
        assert "<img src=x" in widget.locator('.annot-list-item[data-index="1"]').inner_text()
        assert widget.locator("img").count() == 0 and page.evaluate("() => window.__xss") is None

        widget.focus()
        page.keyboard.press("?")
        help_box = widget.locator(".annot-help")
        assert help_box.is_visible() and "accept annotator N" in help_box.inner_text()
        page.keyboard.press("?")

        page.keyboard.press("2")  # accept ben's version
        _saved(widget, "accepted ben's version (4 spans)")
        _settled(page)
        assert _curated(project) == [
            ("ACTOR", "9,000 Russian troops"), ("ACTOR", "Belarus"), ("ACTOR", "Minsk"),
            ("QUANTITY", "9,000"),
        ]  # fmt: skip
        assert items.first.locator(".annot-badge").inner_text() == "✓"

        page.keyboard.press("m")  # merge: the conflicts kept both ways and reported
        _saved(widget, "no majority, both kept")
        _settled(page)
        assert _curated(project) == [
            ("ACTOR", "9,000 Russian troops"), ("ACTOR", "Belarus"), ("ACTOR", "Belarus"), ("ACTOR", "Minsk"),
            ("QUANTITY", "9,000"), ("QUANTITY", "9,000 Russian troops"),
        ]  # fmt: skip
        curated_row = widget.locator(".annot-curated-row")
        assert curated_row.locator(".annot-chip").count() == 6

        page.keyboard.press("Tab")  # the first curated span: Minsk
        curated_row.locator(".annot-chip.annot-selected").wait_for(timeout=10_000)
        assert "Minsk" in curated_row.locator(".annot-chip.annot-selected").inner_text()
        page.keyboard.press("Delete")
        _saved(widget, "deleted ACTOR 'Minsk'")
        _settled(page)
        assert ("ACTOR", "Minsk") not in _curated(project) and len(_curated(project)) == 5
        assert "edited" in curated_row.locator(".annot-record").inner_text()

        page.keyboard.press("Control+z")
        _saved(widget, "undid the curation of sentence 0")
        _settled(page)
        assert ("ACTOR", "Minsk") in _curated(project) and len(_curated(project)) == 6
        with Store(project, read_only=True) as store:  # the originals kept
            assert len([s for s in store.iter_spans() if s.origin != Origin.CURATED]) == 9

        out = ROOT / "docs" / "curator.png"
        if os.environ.get("ANNOT_UPDATE_SCREENSHOTS") != "1":
            out = tmp_path / out.name
        page.keyboard.press("Tab")  # a curated span selected, as while editing
        curated_row.locator(".annot-chip.annot-selected").wait_for(timeout=10_000)
        _settled(page)
        widget.scroll_into_view_if_needed()
        page.locator(".annot-curator:focus-within").first.wait_for(timeout=10_000)
        shot.settle(page)
        widget.screenshot(path=str(out), animations="disabled")
        assert out.stat().st_size > 20_000

        page.keyboard.press("Escape")
        page.keyboard.press("j")  # the next sentence of the list: Kyiv's, with the markup, in both versions
        widget.locator('.annot-list-item.annot-current[data-index="1"]').wait_for(timeout=10_000)
        _settled(page)
        assert "<img src=x" in rows.nth(0).locator(".annot-text").inner_text()
        assert widget.locator("img").count() == 0 and page.evaluate("() => window.__xss") is None

        # Theme colours only: in JupyterLab Dark the widget is dark, its text light.
        page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('.annot-curator')).backgroundColor === 'rgb(33, 33, 33)'",
            timeout=30_000,
        )
        ink = widget.locator(".annot-version .annot-text").first.evaluate("(el) => getComputedStyle(el).color")
        assert ink.startswith("rgba(255, 255, 255") or ink.startswith("rgb(2"), ink
