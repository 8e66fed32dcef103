"""Suggestions in the annotation widget in a real browser: made in the background, reviewed from the keyboard.

JupyterLab in chromium (Playwright) opens an annotator on a new three-sentence
document; its suggestions appear without any command, dashed in their label's
colour and counted in the outline; Tab, Enter, x and Shift+A review them (a
rejected one leaves the text; one Ctrl+Z undoes Shift+A), and the store on disk
says so. Saves docs/annotator-suggestions.png (the seed article's suggestions)
when ANNOT_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import annot
from annot.model import Status

from .browser import lab, run_notebook, settled, write_notebook

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
# Four states in the first sentence ("met in Minsk" would make Minsk a place, not an actor).
TEXT = "Russia, Ukraine, Belarus and Lithuania met on Monday. Poland sent up to 200 soldiers. The talks ended late."
ACTOR_BLUE = "rgb(31, 119, 180)"  # the default schema's ACTOR colour, #1f77b4


def _statuses(project: Path, doc_id: str) -> dict[str, str]:
    """Text -> status of the document's spans, read from the store on disk by this process."""
    with annot.Store(project, read_only=True) as store:
        return {s.text: str(s.status.value) for s in store.iter_spans(doc_id)}


def test_annotator_suggestions_reviewed_with_tab_enter_x_and_shift_a(tmp_path: Path):
    project = tmp_path / "project"
    (tmp_path / "talks.en.txt").write_text(TEXT, encoding="utf-8")
    with annot.open_project(project, annotator="setup") as store:
        doc_id = annot.ingest(str(tmp_path / "talks.en.txt"), store).results[0].doc_id
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "suggest.ipynb", [
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator='browser')",
        f"Annotator(store, {doc_id!r}, translate=False, suggest=True)",  # the suite turns them off elsewhere
    ])  # fmt: skip
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "suggest.ipynb")
        widget = page.locator(".annot-annotator").first
        widget.wait_for(timeout=60_000)
        pending = widget.locator('.annot-current .annot-span[data-status="pending"]')
        pending.nth(3).wait_for(timeout=60_000)  # stored in the background, then drawn
        assert pending.count() == 4  # Russia, Ukraine, Belarus, Lithuania
        outline = widget.locator(".annot-outline-row .annot-outline-pending")
        outline.first.filter(has_text="4").wait_for(timeout=10_000)
        assert [outline.nth(i).inner_text() for i in range(3)] == ["4", "2", ""]

        # Dashed in the label's colour, not drawn as an accepted span is.
        style = pending.first.evaluate(
            "(el) => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineColor]; }"
        )
        assert style == ["dashed", ACTOR_BLUE]

        widget.focus()
        form_title = widget.locator(".annot-form .annot-form-title")
        page.keyboard.press("Tab")  # the first suggestion
        form_title.filter(has_text="Russia").filter(has_text="(pending)").wait_for(timeout=10_000)
        page.keyboard.press("Enter")  # accepted; the form stays on it, prefilled
        widget.locator(".annot-status.annot-saved").filter(has_text="accepted ACTOR 'Russia'").wait_for(timeout=15_000)
        settled(page)
        assert _statuses(project, doc_id)["Russia"] == "accepted"
        assert widget.locator('.annot-form select[data-attr="type"]').input_value() == "state"
        assert widget.locator('.annot-form input[data-attr="canonical"]').input_value() == "Russia"
        assert not form_title.filter(has_text="(pending)").count()

        page.keyboard.press("Tab")  # the next suggestion, past the accepted one
        form_title.filter(has_text="Ukraine").wait_for(timeout=10_000)
        page.keyboard.press("x")
        widget.locator(".annot-status.annot-saved").filter(has_text="rejected ACTOR 'Ukraine'").wait_for(timeout=15_000)
        settled(page)
        # A rejected suggestion leaves the text (and the form); Tab goes on past where it was.
        actors = widget.locator('.annot-current .annot-span[data-label="ACTOR"]')
        assert actors.all_inner_texts() == ["Russia", "Belarus", "Lithuania"] and form_title.count() == 0
        assert [outline.nth(i).inner_text() for i in range(3)] == ["2", "2", ""]
        page.keyboard.press("Tab")
        form_title.filter(has_text="Belarus").filter(has_text="(pending)").wait_for(timeout=10_000)

        page.keyboard.press("Shift+A")  # the rest of the sentence
        widget.locator(".annot-status.annot-saved").filter(has_text="accepted 2 suggestions").wait_for(timeout=15_000)
        settled(page)
        page.keyboard.press("Control+z")  # one step for both
        widget.locator(".annot-status.annot-saved").filter(has_text="undid accepting 2 suggestions").wait_for(
            timeout=15_000
        )
        settled(page)
        assert pending.count() == 2 and _statuses(project, doc_id)["Lithuania"] == "pending"
        page.keyboard.press("Control+Shift+z")
        widget.locator(".annot-status.annot-saved").filter(has_text="redid accepting 2 suggestions").wait_for(
            timeout=15_000
        )
        settled(page)
        assert _statuses(project, doc_id) == {
            "Russia": "accepted", "Ukraine": "rejected", "Belarus": "accepted", "Lithuania": "accepted",
            "Poland": "pending", "up to 200 soldiers": "pending",
        }  # fmt: skip
        assert pending.count() == 0
        assert [outline.nth(i).inner_text() for i in range(3)] == ["", "2", ""]
        accepted = widget.locator('.annot-current .annot-span[data-label="ACTOR"]:not([data-status])').first
        assert accepted.evaluate("(el) => getComputedStyle(el).outlineStyle") != "dashed"
    with annot.Store(project, read_only=True) as store:
        assert {s.origin.value for s in store.iter_spans(doc_id) if s.status != Status.PENDING} == {"suggested"}


def test_annotator_suggestions_screenshot_of_the_seed_article(tmp_path: Path):
    """The seed's suggestions stored, open on sentence 2: its actors and quantities dashed, the outline's counts."""
    project = tmp_path / "project"
    with annot.open_project(project, annotator="setup") as store:
        doc_id = annot.ingest(str(SEED), store).results[0].doc_id
        annot.suggest_documents(store, doc_id)
        pending = store.spans(doc_id, status="pending")
        expected = [str(n) if n else "" for n in pending.groupby("sentence").size().reindex(range(14), fill_value=0)]
        in_2 = pending[pending["sentence"].eq(2) & pending["label"].ne("STANCE")]
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "shot.ipynb", [
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator='demo')",
        f"w = Annotator(store, {doc_id!r}, translate=False, suggest=False)\nw.go(2)\nw",
    ])  # fmt: skip
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "shot.ipynb", width=1100, height=900)
        widget = page.locator(".annot-annotator").first
        dashed = widget.locator('.annot-current .annot-span[data-status="pending"]')
        dashed.first.wait_for(timeout=60_000)
        settled(page)
        drawn = {(el.get_attribute("data-label"), el.evaluate("(e) => getComputedStyle(e).outlineStyle"))
                 for el in dashed.all()}  # fmt: skip
        assert drawn == {("ACTOR", "dashed"), ("QUANTITY", "dashed")}
        assert {el.get_attribute("data-span-id") for el in dashed.all()} == set(in_2["id"])  # each one drawn
        counts = widget.locator(".annot-outline-row .annot-outline-pending")
        assert [counts.nth(i).inner_text() for i in range(14)] == expected
        colours = {el.get_attribute("data-label"): el.evaluate("(e) => getComputedStyle(e).outlineColor")
                   for el in dashed.all()}  # fmt: skip
        assert colours["ACTOR"] != colours["QUANTITY"]  # each in its own label's colour
        out = ROOT / "docs" / "annotator-suggestions.png"
        if os.environ.get("ANNOT_UPDATE_SCREENSHOTS") != "1":
            out = tmp_path / out.name
        widget.scroll_into_view_if_needed()
        widget.focus()  # the keys are the widget's: no "click here to annotate" line across the top
        page.locator(".annot-annotator:focus-within").first.wait_for(timeout=10_000)
        shot.settle(page)
        widget.screenshot(path=str(out), animations="disabled")
        assert out.stat().st_size > 20_000
