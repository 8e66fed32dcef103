"""Layers in the annotation widget in a real browser: the menu, the L key, a read-only layer, the compare row.

JupyterLab in chromium (Playwright) shows an annotator (ana) on a document that
ana and bob both annotated; the test switches layers as a person does (the
header's menu, the L key) and checks what is painted, the compare row under the
current sentence included, and that bob's layer refuses an edit in one line.
"""

from __future__ import annotations

from pathlib import Path

import annot

from .browser import lab, painted, run_notebook, settled, write_notebook

TEXT = "Minsk hosts 9,000 Russian troops near Brest. Kyiv called it a threat."
# The compare row: label and text of each painted span, and how it differs from the other version (or "").
_COMPARE = """(root) => {
    const row = root.querySelector('.annot-compare');
    if (!row) return null;
    const spans = [...row.querySelectorAll('.annot-span')].map((s) => [s.dataset.label, s.textContent,
                                                                     s.dataset.diff || '']);
    return {who: row.dataset.annotator, text: row.querySelector('.annot-compare-text').textContent, spans,
            summary: row.querySelector('.annot-compare-summary').textContent};
}"""


def _drawn(widget) -> int:
    """How many spans the current sentence's text paints (spans over the same words counted apart)."""
    return widget.evaluate(
        "(root) => new Set([...root.querySelectorAll('.annot-current .annot-span')]"
        ".flatMap((s) => s.dataset.spans.split(' '))).size"
    )


def _at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def test_annotator_layers_menu_key_read_only_and_compare_row(tmp_path: Path):
    project = tmp_path / "project"
    (tmp_path / "hosts.en.txt").write_text(TEXT, encoding="utf-8")
    with annot.open_project(project, annotator="setup") as store:
        doc_id = annot.ingest(str(tmp_path / "hosts.en.txt"), store).results[0].doc_id
        for who, minsk_type, place in (("ana", "state", "Brest"), ("bob", "government body", "")):
            store.add_span(doc_id, *_at("Minsk"), "ACTOR", {"type": minsk_type}, annotator=who)
            store.add_span(doc_id, *_at("9,000 Russian troops"), "QUANTITY", {"value": 9000}, annotator=who)
            if place:
                store.add_span(doc_id, *_at(place), "ACTOR", annotator=who)
        store.add_span(doc_id, *_at("Russian"), "ACTOR", annotator="bob")  # nested in the quantity
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "layers.ipynb", [
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator='ana')",
        f"Annotator(store, {doc_id!r}, translate=False, suggest=False)",
    ])  # fmt: skip
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "layers.ipynb")
        widget = page.locator(".annot-annotator").first
        widget.locator(".annot-current .annot-span").first.wait_for(timeout=60_000)
        settled(page)
        menu = widget.locator(".annot-layer-select")
        options = menu.locator("option").all_inner_texts()
        assert options == ["all annotators", "mine (ana)", "bob (3)", "compare with bob"]
        assert _drawn(widget) == 6  # everyone's: ana's and bob's Minsk and troops lie over each other

        # The menu: mine.
        menu.select_option("mine")
        page.locator('.annot-annotator[data-layer="mine"]').wait_for(timeout=10_000)
        settled(page)
        assert painted(widget)["0"] == [["ACTOR", "Brest"], ["ACTOR", "Minsk"], ["QUANTITY", "9,000 Russian troops"]]
        assert widget.locator(".annot-position").inner_text().endswith("· mine (ana)")
        # Tab goes through the spans the layer shows, and no other.
        widget.focus()
        title = widget.locator(".annot-form .annot-form-title")
        tabbed = []
        for _ in range(4):
            page.keyboard.press("Tab")
            settled(page)
            tabbed.append((title.locator("q").inner_text(), "by ana" in title.inner_text()))
        assert tabbed == [("Minsk", True), ("9,000 Russian troops", True), ("Brest", True), ("Minsk", True)]
        page.keyboard.press("Escape")

        # L: bob's layer, read-only; Delete on his span is refused in one line, and nothing leaves the text.
        page.keyboard.press("L")
        page.locator('.annot-annotator[data-layer="annotator:bob"][data-read-only]').wait_for(timeout=10_000)
        settled(page)
        # (the nested Russian is drawn over the quantity, whose own segments read "9,000 " and " troops")
        assert painted(widget)["0"] == [["ACTOR", "Minsk"], ["ACTOR", "Russian"], ["QUANTITY", "9,000  troops"]]
        widget.locator(".annot-current .annot-span", has_text="Minsk").first.click()
        widget.locator(".annot-form .annot-read-only").wait_for(timeout=10_000)
        assert widget.locator(".annot-form select[data-attr='type']").is_disabled()
        page.keyboard.press("Delete")
        widget.locator(".annot-status.annot-error").filter(has_text="bob's layer, read-only").wait_for(timeout=10_000)
        assert _drawn(widget) == 3

        # L again: compare with bob. Mine as the text, bob's version under it, what differs overlined.
        page.keyboard.press("L")
        widget.locator(".annot-compare").wait_for(timeout=10_000)
        settled(page)
        row = widget.evaluate(_COMPARE)
        assert row["who"] == "bob" and row["text"] == "Minsk hosts 9,000 Russian troops near Brest."
        assert sorted(map(tuple, row["spans"])) == [
            ("ACTOR", "Minsk", "changed"), ("ACTOR", "Russian", "only"), ("QUANTITY", " troops", ""),
            ("QUANTITY", "9,000 ", ""),
        ]  # fmt: skip
        assert row["summary"] == "1 only in mine · 1 only in bob's · 1 with another label or attributes"
        # The outline says which sentences differ: the first, with its four spans that do.
        differ = widget.locator(".annot-outline-row .annot-outline-differ")
        assert [differ.nth(i).inner_text() for i in range(2)] == ["≠4", ""]
        assert widget.locator(".annot-progress-text").inner_text().endswith("· 1 differ")
        mine = widget.locator(".annot-current .annot-text .annot-span")
        diffs = {el.inner_text(): el.get_attribute("data-diff") for el in mine.all()}
        assert diffs == {"Minsk": "changed", "9,000 Russian troops": None, "Brest": "only"}
        style = widget.locator('.annot-current .annot-span[data-diff="only"]').evaluate(
            "(el) => getComputedStyle(el).textDecorationLine"
        )
        assert style == "overline"
        widget.locator(".annot-compare .annot-span", has_text="Russian").click()  # read-only: no form opens
        settled(page)
        assert widget.locator(".annot-form").is_hidden()
