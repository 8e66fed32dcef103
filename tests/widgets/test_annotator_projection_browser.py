"""Projection in the translation pane, in a real browser: the source's spans painted in each translation.

JupyterLab in chromium (Playwright) opens an annotator on the projection gold's
project (the seed with its gold spans, the frozen translations into Spanish and
each route's word lexicon, the aligned human Spanish version) at sentence 2.
The pane paints the projected spans in their label's colour (a changed one with
a dashed underline), a click on one shows its source span in the text, a flag's
chip shows its place in the translation, and a flag is dismissed and shown
again through the store. A translation holding markup stays text. Saves
docs/projection-pane.png when ANNOT_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import annot
from annot.project import project as project_spans
from tests.project.conftest import build_gold_project

from .browser import ROOT, lab, run_notebook, settled, write_notebook

ACTOR_BLUE = "rgb(31, 119, 180)"  # the default schema's ACTOR colour, #1f77b4
# A typist's translation holding markup: the pane must show it as text, never run it.
MARKUP = 'Rusia <img src=x onerror="window.__xss=1"> enviará <b>170</b> tanques.'


def _decisions(project: Path, doc_id: str) -> list[tuple[int, str, str]]:
    with annot.Store(project, read_only=True) as store:
        found = store.flag_decisions(doc_id)
        return list(zip(found["index"], found["route"], found["flag_id"]))


def test_annotator_pane_paints_projection_and_its_flags(tmp_path: Path):
    project = tmp_path / "project"
    store, seed, _ = build_gold_project(project)
    try:
        project_spans(store, seed, "es", lexicon="fill")  # each route's word lexicon, as the pane's job fills it
        store.add_translations([annot.Translation(seed, 2, "typist", "manual", "1", "en", "es", "en>es",
                                                  "typist|manual|1", MARKUP)])  # fmt: skip
        spans = store.spans(seed)
        (russia_id,) = spans[spans["sentence"].eq(2) & spans["text"].eq("Russia")]["id"]
    finally:
        store.close()
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "pane.ipynb", [
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator='demo')",
        f"w = Annotator(store, {seed!r}, target='es', engine='argos', translate=False, suggest=False)\nw.go(2)\nw",
    ])  # fmt: skip
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "pane.ipynb", width=1400, height=1000)
        widget = page.locator(".annot-annotator").first
        main = widget.locator(".annot-mt-main")
        # The kernel's first projection is computed in the background, then the pane is drawn again with it.
        main.locator(".annot-proj").first.wait_for(timeout=120_000)
        settled(page)
        assert main.locator(".annot-mt-engine").inner_text() == "argos+apertium"

        # Each projected span in its label's colour, as the source's spans are; a changed one dashed.
        russia = main.locator('.annot-proj[data-label="ACTOR"]', has_text="Rusia").first
        assert russia.get_attribute("data-status") == "kept"
        assert ACTOR_BLUE in russia.evaluate("(el) => getComputedStyle(el).boxShadow")
        labels = {el.get_attribute("data-label") for el in main.locator(".annot-proj").all()}
        assert {"ACTOR", "QUANTITY", "STANCE"} <= labels
        quantity = main.locator('.annot-proj[data-label="QUANTITY"]').first
        assert quantity.evaluate("(el) => getComputedStyle(el).boxShadow") != russia.evaluate(
            "(el) => getComputedStyle(el).boxShadow"
        )  # another label, another colour
        changed = main.locator('.annot-proj[data-status="changed"]', has_text="Bielorrússia").first
        assert changed.evaluate("(el) => getComputedStyle(el).textDecorationStyle") == "dashed"
        assert "Belarus" in changed.get_attribute("title")  # the detail as a tooltip

        # A click on a projected span shows its source span in the text.
        russia.click()
        hot = widget.locator(".annot-current .annot-source-hot")
        hot.first.wait_for(timeout=10_000)
        assert hot.first.inner_text() == "Russia"
        assert russia_id in hot.first.get_attribute("data-spans").split()
        assert hot.first.evaluate("(el) => getComputedStyle(el).outlineStyle") == "solid"

        # A flag's chip shows its place in the translation: hovered, then kept by a click.
        chip = main.locator('.annot-flag[data-kind="number style"]').first
        assert chip.inner_text().startswith("number style: 10/17/2022")
        chip.hover()
        hovered = main.locator(".annot-mt-seg.annot-flag-hover")
        hovered.first.wait_for(timeout=10_000)
        assert "".join(hovered.all_inner_texts()) == "10/17/2022"
        chip.locator("span").first.click()
        main.locator(".annot-mt-seg.annot-flag-hot").first.wait_for(timeout=10_000)
        assert "".join(main.locator(".annot-mt-seg.annot-flag-hot").all_inner_texts()) == "10/17/2022"

        # Projection's flag kinds, in words; "Oriental" was invented: dismissed, stored, then shown again.
        kinds = [el.get_attribute("data-kind") for el in main.locator(".annot-flag").all()]
        assert {"wrong language", "number style", "time lost", "added"} <= set(kinds)
        oriental = main.locator('.annot-flag[data-flag="added:oriental"]')
        assert oriental.inner_text().startswith("added: Oriental")
        oriental.locator("button", has_text="fine").click()
        main.locator('.annot-flag-dismissed[data-flag="added:oriental"]').wait_for(timeout=15_000)
        widget.locator(".annot-status.annot-saved").filter(has_text="flag dismissed: added: Oriental").wait_for(
            timeout=15_000
        )
        settled(page)
        assert _decisions(project, seed) == [(2, "argos+apertium", "added:oriental")]

        out = ROOT / "docs" / "projection-pane.png"
        if os.environ.get("ANNOT_UPDATE_SCREENSHOTS") != "1":
            out = tmp_path / out.name
        page.mouse.move(0, 0)  # no hover left over
        widget.locator(".annot-mt-seg.annot-flag-hover").first.wait_for(state="detached", timeout=10_000)
        widget.scroll_into_view_if_needed()
        widget.focus()  # the keys are the widget's: no "click here to annotate" line across the top
        page.locator(".annot-annotator:focus-within").first.wait_for(timeout=10_000)
        shot.settle(page)
        widget.screenshot(path=str(out), animations="disabled")
        assert out.stat().st_size > 20_000

        main.locator('.annot-flag-dismissed[data-flag="added:oriental"] button', has_text="undo").click()
        main.locator('.annot-flag[data-flag="added:oriental"]:not(.annot-flag-dismissed)').wait_for(timeout=15_000)
        settled(page)
        assert _decisions(project, seed) == []

        # Other engines: a translation holding markup is painted as text, its markup never run.
        widget.locator(".annot-mt-others summary").click()
        typist = widget.locator('.annot-mt-row[data-engine="typist"] .annot-mt-text')
        typist.wait_for(timeout=10_000)
        assert typist.inner_text() == MARKUP
        assert typist.locator("img, b").count() == 0
        assert page.evaluate("() => window.__xss") is None
