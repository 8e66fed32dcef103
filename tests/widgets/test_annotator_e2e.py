"""The annotation notebook end to end in a real browser: JupyterLab in chromium runs notebooks/annotate.ipynb.

A person's session: tag an actor and a quantity with the mouse, a stance with
keys, look at the translations, undo, then restart the kernel, run everything
again and find the same annotations on screen and in the store on disk.
"""

from __future__ import annotations

import re
from pathlib import Path

import annot

from .browser import (
    copy_notebooks_and_corpus,
    double_click,
    drag_over,
    lab,
    painted,
    run_notebook,
    settled,
    wait_all_cells_ran,
)


def _status(widget) -> str:
    return widget.locator(".annot-status").inner_text()


def _wait_saved(widget) -> None:
    try:
        widget.locator(".annot-status.annot-saved").wait_for(timeout=15_000)
    except Exception as exc:
        raise AssertionError(f"not saved; the widget says: {_status(widget)!r}") from exc


def _current_index(widget) -> int:
    return int(widget.locator(".annot-current").get_attribute("data-index"))


def _go(page, widget, index: int) -> None:
    key = "j" if index > _current_index(widget) else "k"
    for _ in range(abs(index - _current_index(widget))):
        page.keyboard.press(key)
    widget.locator(f'.annot-current[data-index="{index}"]').wait_for(timeout=10_000)
    settled(page)  # the move is drawn at once; Python's answer comes before the new sentence is touched


def test_annotate_notebook_session_survives_a_kernel_restart(tmp_path: Path):
    copy_notebooks_and_corpus(tmp_path)
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "notebooks/annotate.ipynb")
        widget = page.locator(".annot-annotator").first
        widget.scroll_into_view_if_needed()
        widget.focus()
        text = widget.locator(".annot-current .annot-text")
        assert widget.locator(".annot-position").inner_text() == "sentence 0 · 14 sentences · 0 annotated"

        # Sentence 5: a mouse drag from inside "Valeri" to inside "Revenko" tags both words as ACTOR.
        _go(page, widget, 4)
        drag_over(page, text, "aleri Revenk")
        assert widget.locator(".annot-pending-text").inner_text() == "Valeri Revenko"
        page.keyboard.press("1")
        _wait_saved(widget)
        assert painted(widget)["4"] == [["ACTOR", "Valeri Revenko"]]
        widget.locator('select[data-attr="type"]').select_option("person")
        widget.locator('.annot-span[title="ACTOR (type: person)"]').wait_for(timeout=10_000)
        assert widget.locator('input[data-attr="canonical"]').get_attribute("list")  # completion from tagged actors

        # Sentence 3: a QUANTITY comes prefilled from the words: nothing to type.
        _go(page, widget, 2)
        drag_over(page, text, "up to 200 armored combat vehicles")
        page.keyboard.press("2")
        _wait_saved(widget)
        assert widget.locator('input[data-attr="value"]').input_value() == "200"
        assert widget.locator('select[data-attr="qualifier"]').input_value() == "up to"
        assert widget.locator('input[data-attr="unit"]').input_value() == "armored combat vehicles"

        # Sentence 1: double-click "Minsk" (one word), tag it, then the stance, prefilled from "says Minsk".
        _go(page, widget, 0)
        double_click(page, text, "Minsk")
        assert widget.locator(".annot-pending-text").inner_text() == "Minsk"
        page.keyboard.press("1")
        _wait_saved(widget)
        widget.focus()
        page.keyboard.press("3")
        chip = widget.locator(".annot-current .annot-chip")
        chip.wait_for(timeout=10_000)  # drawn at once, as unsaved; prefilled once Python has answered
        settled(page)
        assert "holder: Minsk" in chip.inner_text() and "evidence: reported" in chip.inner_text()
        page.keyboard.press("+")  # polarity: supports
        widget.locator(".annot-current .annot-chip", has_text="polarity: supports").wait_for(timeout=10_000)

        # The MT pane: Portuguese from the selected engine, the others one click away.
        mt = widget.locator(".annot-mt")
        main = mt.locator(".annot-mt-main")
        main.wait_for(timeout=30_000)
        assert "Minsk" in main.inner_text()
        engines = mt.locator(".annot-mt-engine-select option").all_inner_texts()
        assert {"argos", "bergamot", "apertium"} <= set(engines)
        first_engine = mt.locator(".annot-mt-engine-select").input_value()
        page.keyboard.press("e")  # next engine
        page.wait_for_function(
            f"() => document.querySelector('.annot-mt-engine-select').value !== {first_engine!r}", timeout=10_000
        )
        mt.locator(".annot-mt-others summary").click()
        assert mt.locator(".annot-mt-others .annot-mt-row").count() == len(engines) - 1

        # Undo and redo: a tag on "Ukraine" comes and goes; Escape drops a pending selection.
        widget.focus()
        _go(page, widget, 1)
        double_click(page, text, "Ukraine")
        page.keyboard.press("1")
        _wait_saved(widget)
        assert ["ACTOR", "Ukraine"] in painted(widget)["1"]
        page.keyboard.press("Control+z")
        page.wait_for_function("() => !document.querySelector('.annot-current .annot-span')", timeout=10_000)
        page.keyboard.press("Control+Shift+z")
        widget.locator(".annot-current .annot-span").wait_for(timeout=10_000)
        page.keyboard.press("Control+z")
        page.wait_for_function("() => !document.querySelector('.annot-current .annot-span')", timeout=10_000)
        double_click(page, text, "Belarus")
        widget.locator(".annot-current .annot-pending").wait_for(timeout=10_000)
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('.annot-pending')", timeout=10_000)

        # Keyboard: next unannotated sentence from the first one is sentence 1.
        _go(page, widget, 0)
        page.keyboard.press("n")
        widget.locator('.annot-current[data-index="1"]').wait_for(timeout=10_000)
        assert widget.locator(".annot-position").inner_text() == "sentence 1 · 14 sentences · 3 annotated"

        before = {}
        for index in (0, 2, 4):
            _go(page, widget, index)
            before[index] = painted(widget)[str(index)]
        assert before[0] == [["ACTOR", "Minsk"], ["STANCE", before[0][1][1]]]

        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(tmp_path / "annotator.png"))

        # Restart the kernel and run everything again: the same annotations come back from the store.
        # The widget on the page is the old kernel's: marked, so that what is compared below is the new one.
        widget.evaluate("el => { el.dataset.oldKernel = 'true'; }")
        prompts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt")
        page.click("text=Kernel", timeout=10_000)
        page.click("text=Restart Kernel and Run All Cells…", timeout=10_000)
        page.locator(".jp-Dialog .jp-mod-accept").click(timeout=10_000)
        # Running the cells again clears their outputs, the old widget with them, and the new kernel draws
        # a new one; every cell was queued at once, so once the new widget is there the counts are fresh.
        page.locator(".annot-annotator[data-old-kernel]").wait_for(state="detached", timeout=120_000)
        widget = page.locator(".annot-annotator:not([data-old-kernel])").first
        widget.wait_for(timeout=120_000)
        wait_all_cells_ran(page)
        assert (prompts.first.text_content() or "").strip() == "[1]:"  # counted from 1 again: a new kernel ran them
        widget.locator(".annot-position", has_text="3 annotated").wait_for(timeout=60_000)
        widget.focus()
        after = {}
        for index in (0, 2, 4):
            _go(page, widget, index)
            after[index] = painted(widget)[str(index)]
        assert after == before

    store = annot.open_project(tmp_path / "project")
    try:
        rows = store.spans(flatten=True)
        got = sorted((r.label, r.text) for r in rows.itertuples())
        assert [pair for pair in got if pair[0] != "STANCE"] == [
            ("ACTOR", "Minsk"), ("ACTOR", "Valeri Revenko"), ("QUANTITY", "up to 200 armored combat vehicles"),
        ]  # fmt: skip
        revenko = rows[rows.text == "Valeri Revenko"].iloc[0]
        assert revenko["attr.type"] == "person"
        stance = rows[rows.label == "STANCE"].iloc[0]
        minsk = rows[rows.text == "Minsk"].iloc[0]
        assert (stance["attr.holder_span"], stance["attr.holder"]) == (minsk["id"], "Minsk")
        assert (stance["attr.polarity"], stance["attr.evidence"]) == ("supports", "reported")
        assert stance["sentence"] == 0
        quantity = rows[rows.label == "QUANTITY"].iloc[0]
        assert (quantity["attr.value"], quantity["attr.qualifier"]) == (200, "up to")
        assert not re.search("Ukraine", " ".join(rows.text))  # undone
    finally:
        store.close()
