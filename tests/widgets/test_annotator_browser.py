"""The annotation widget in a real browser: scripts, offsets, keys, saving and consistency.

JupyterLab in chromium (Playwright) runs notebooks showing the widget on the
seed article, an XSS document, Cyrillic, Arabic (right to left) and emoji
text; a second notebook (another kernel) shows the seed article too. The test
drives the page as a person would (mouse over words, keys) and checks the store
on disk from this process. Saves docs/annotator.png when ANNOT_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import annot

from .browser import ROOT, double_click, drag_over, lab, painted, run_notebook, settled, write_notebook

SEED = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
ES = ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"
TEXTS = {
    "xss.en.txt": "Alert <img src=x onerror=window.__xss=1> in the feed. <script>window.__xss=2</script> Done.",
    "cyrillic.ru.txt": "Минобороны Беларуси сообщило о прибытии 9000 российских военных. Это второй эшелон.",
    "rtl.ar.txt": "قالت وزارة الدفاع في بيلاروسيا إن القوات الروسية وصلت. هذا بيان رسمي.",
    "emoji.en.txt": "Reported 😀😀 by 🇧🇾 state media: Belarus expects up to 9,000 troops 🚂 this week.",
}


def _setup_cell(project: Path, scratch: Path) -> str:
    lines = [
        "import annot\nfrom annot.widgets import Annotator",
        f"store = annot.open_project({str(project)!r}, annotator='browser')",
        f"seed = annot.ingest({str(SEED)!r}, store).results[0].doc_id",
    ]
    for name in TEXTS:
        var, lang = name.split(".")[0], name.split(".")[1]
        lines.append(f"{var} = annot.ingest({str(scratch / name)!r}, store, lang={lang!r}).results[0].doc_id")
    # A translation that changed a number, as a careless typist would: the MT pane flags it.
    lines.append(
        "store.add_translations([annot.Translation(emoji, 0, 'typist', 'manual', '1', 'en', 'pt', 'en>pt',"
        " 'typist|manual|1', 'Relatado pela mídia estatal: Belarus espera até 9.500 soldados esta semana.')])"
    )
    # Every write transaction this store starts from now on first touches WRITING: the test sees when an
    # edit has reached the store (and, while it holds the lock, that it waits there uncommitted).
    lines.append(
        "import pathlib\n_write = store._db.write\n"
        f"def _traced_write():\n    pathlib.Path({str(scratch / WRITING)!r}).touch()\n    return _write()\n"
        "store._db.write = _traced_write"
    )
    return "\n".join(lines)


WRITING = "write-started"


def _wait_for_file(path: Path, timeout: float = 30.0) -> None:
    """Wait until ``path`` exists (something another process does, polled), or fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} did not appear within {timeout:g} s"
        time.sleep(0.02)


def _status(widget) -> str:
    return widget.locator(".annot-status").inner_text()


def _tag(page, widget, phrase: str, key: str, *, double: bool = False) -> None:
    text = widget.locator(".annot-current .annot-text")
    (double_click if double else drag_over)(page, text, phrase)
    widget.locator(".annot-current .annot-pending").first.wait_for(timeout=10_000)
    page.keyboard.press(key)
    widget.locator(".annot-status.annot-saved").wait_for(timeout=15_000)


def test_annotator_scripts_offsets_keys_saving_and_two_kernels(tmp_path: Path):
    project = tmp_path / "project"
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "annotate.ipynb", [
        _setup_cell(project, tmp_path),
        "Annotator(store, seed, translate=False)",
        "Annotator(store, xss, translate=False)",
        "Annotator(store, cyrillic, translate=False)",
        "Annotator(store, rtl, translate=False)",
        "Annotator(store, emoji, translate=False)",
        "closing = annot.open_project(store.path, annotator='closing')\nAnnotator(closing, seed, translate=False)",
        "closing.close()",
    ])  # fmt: skip
    write_notebook(root / "twin.ipynb", [
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator='twin')",
        "Annotator(store, 'belarus-russian-grouping', translate=False)",
    ])  # fmt: skip
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "annotate.ipynb")
        widgets = page.locator(".annot-annotator")
        widgets.nth(5).wait_for(timeout=60_000)
        seed, xss, cyrillic, rtl, emoji, closing = (widgets.nth(i) for i in range(6))
        cells = page.locator(".jp-Notebook .jp-Cell")
        n_cells = cells.count()

        # Keys on the widget move through the document and never reach the notebook.
        seed.focus()
        for _ in range(4):
            page.keyboard.press("j")
        seed.locator(".annot-current .annot-text", has_text="Valeri Revenko").wait_for(timeout=10_000)
        settled(page)
        for key in ("a", "b", "d", "d"):  # in the notebook's command mode: insert above, below, delete
            page.keyboard.press(key)
        _notebook_a_inserts_one_cell(page, cells, n_cells)
        page.keyboard.press("d")
        page.keyboard.press("d")  # delete the control's cell again
        page.wait_for_function(f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length === {n_cells}")
        assert "sentence 4 · 14 sentences" in seed.locator(".annot-position").inner_text()
        seed.scroll_into_view_if_needed()
        seed.focus()

        # Saving: while another process holds the store's write lock, the edit reads "saving…" and is painted
        # as unsaved (drawn at once, before the store answers); it is the stored span, "saved", once committed.
        locker = sqlite3.connect(project / "annot.db", isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        drag_over(page, seed.locator(".annot-current .annot-text"), "aleri Revenk")
        seed.locator(".annot-current .annot-pending").first.wait_for(timeout=10_000)
        assert seed.locator(".annot-pending-text").inner_text() == "Valeri Revenko"
        (tmp_path / WRITING).unlink(missing_ok=True)
        page.keyboard.press("1")
        seed.locator(".annot-status.annot-saving").wait_for(timeout=5_000)
        _wait_for_file(tmp_path / WRITING)  # the kernel is in the store's write, waiting for the lock held here
        assert _status(seed) == "saving…"
        assert seed.locator('.annot-current .annot-span[data-span-id="annot-unsaved"]').count() == 1
        locker.execute("ROLLBACK")
        locker.close()
        seed.locator(".annot-status.annot-saved").wait_for(timeout=15_000)
        assert painted(seed)["4"] == [["ACTOR", "Valeri Revenko"]]
        assert seed.locator('.annot-span[data-span-id="annot-unsaved"]').count() == 0
        assert seed.locator(".annot-current .annot-span").first.get_attribute("title") == "ACTOR"

        # Two notebooks (two kernels) on the same document stay consistent: an edit in one shows in the other.
        twin_page = run_notebook(browser, shot, port, token, "twin.ipynb", height=900, workspace="twin")
        twin = twin_page.locator(".annot-annotator").first
        twin.focus()
        for _ in range(4):
            twin_page.keyboard.press("j")
        twin.locator('.annot-current[data-index="4"]').wait_for(timeout=10_000)
        settled(twin_page)
        assert painted(twin)["4"] == [["ACTOR", "Valeri Revenko"]]
        _tag(twin_page, twin, "Colonel", "1", double=True)
        page.bring_to_front()  # a hidden page does not poll
        seed.locator(".annot-current .annot-span", has_text="Colonel").wait_for(timeout=10_000)  # polled in ~1 s
        seed.scroll_into_view_if_needed()
        seed.focus()
        page.keyboard.press("Control+z")  # the first notebook's annotator undoes its own last edit only
        seed.locator(".annot-status.annot-saved").wait_for(timeout=15_000)
        twin_page.bring_to_front()
        twin.locator(".annot-current .annot-span", has_text="Valeri").wait_for(state="detached", timeout=10_000)
        assert painted(twin)["4"] == [["ACTOR", "Colonel"]]

        page.bring_to_front()

        # The help overlay opens and closes with "?".
        page.keyboard.press("?")
        seed.locator(".annot-help").wait_for(state="visible", timeout=10_000)
        page.keyboard.press("?")
        seed.locator(".annot-help").wait_for(state="hidden", timeout=10_000)

        # Untrusted text is shown as characters, never run.
        assert "<img src=x onerror=window.__xss=1>" in xss.locator(".annot-current").inner_text()
        assert xss.locator("img").count() == 0 and xss.locator("script").count() == 0
        assert page.evaluate("() => window.__xss") is None

        # Cyrillic, by mouse.
        cyrillic.scroll_into_view_if_needed()
        cyrillic.focus()
        _tag(page, cyrillic, "инобороны Беларус", "1")
        assert painted(cyrillic)["0"] == [["ACTOR", "Минобороны Беларуси"]]
        _tag(page, cyrillic, "9000 российских военных", "2")
        assert cyrillic.locator('input[data-attr="value"]').input_value() == "9000"
        # Clicking a span selects it for editing; Delete deletes it, Ctrl+Z brings it back.
        cyrillic.locator(".annot-current .annot-span", has_text="Минобороны").first.click()
        cyrillic.locator(".annot-form .annot-badge", has_text="ACTOR").wait_for(timeout=10_000)
        assert cyrillic.locator(".annot-current .annot-selected").count() >= 1
        page.keyboard.press("Delete")
        cyrillic.locator(".annot-current .annot-span", has_text="Минобороны").first.wait_for(state="detached")
        page.keyboard.press("Control+z")
        cyrillic.locator(".annot-current .annot-span", has_text="Минобороны").first.wait_for(timeout=10_000)

        # Arabic reads right to left; a double-click takes one word, stored exactly.
        rtl.scroll_into_view_if_needed()
        rtl.focus()
        assert rtl.locator(".annot-current .annot-text").evaluate("el => getComputedStyle(el).direction") == "rtl"
        _tag(page, rtl, "بيلاروسيا", "1", double=True)
        assert painted(rtl)["0"] == [["ACTOR", "بيلاروسيا"]]

        # Emoji before a span (surrogate pairs, a flag of two code points) do not shift it.
        emoji.scroll_into_view_if_needed()
        emoji.focus()
        _tag(page, emoji, "elaru", "1")
        _tag(page, emoji, "up to 9,000 troops", "2")
        assert painted(emoji)["0"] == [["ACTOR", "Belarus"], ["QUANTITY", "up to 9,000 troops"]]
        emoji.locator(".annot-mt-others summary").click()
        flag = emoji.locator('.annot-mt-others .annot-flag[data-kind="changed"]')
        assert flag.inner_text().startswith("changed: up to 9,000 troops")
        # Where the quantity went in the typist's Portuguese (code points there, whatever emoji the source has).
        placed = emoji.locator('.annot-mt-others .annot-proj[data-label="QUANTITY"]')
        assert "".join(placed.all_inner_texts()) == "até 9.500 soldados"
        assert emoji.locator('.annot-mt-others .annot-proj[data-label="ACTOR"]').inner_text() == "Belarus"

        # A widget whose store was closed in the notebook says so, and shows nothing as saved.
        closing.scroll_into_view_if_needed()
        closing.focus()
        double_click(page, closing.locator(".annot-current .annot-text"), "Minsk")
        closing.locator(".annot-status.annot-error").wait_for(timeout=10_000)
        page.keyboard.press("1")
        # "saving…" from the key press on, until Python has answered the label intent: its answer is in.
        closing.locator(".annot-status.annot-error").wait_for(timeout=10_000)
        assert "was closed" in _status(closing) and closing.locator(".annot-span").count() == 0

        # The control again, after every key given to the widgets: no key before it changed the cells.
        _notebook_a_inserts_one_cell(page, cells, n_cells)

    store = annot.open_project(project)
    try:
        rows = store.spans()
        got = sorted((r.label, r.text, r.annotator) for r in rows.itertuples())
        assert got == [
            ("ACTOR", "Belarus", "browser"), ("ACTOR", "Colonel", "twin"), ("ACTOR", "Минобороны Беларуси", "browser"),
            ("ACTOR", "بيلاروسيا", "browser"), ("QUANTITY", "9000 российских военных", "browser"),
            ("QUANTITY", "up to 9,000 troops", "browser"),
        ]  # fmt: skip
        quantity = rows[rows.text == "up to 9,000 troops"].iloc[0]
        assert quantity["attrs"]["value"] == 9000 and quantity["attrs"]["qualifier"] == "up to"
    finally:
        store.close()


def test_annotator_screenshot_with_spans_and_translations(tmp_path: Path):
    """The README's picture: the seed article with an actor, a quantity, a stance and the MT pane."""
    project = tmp_path / "project"
    store = annot.open_project(project, annotator="demo")
    try:
        doc = store.document(annot.ingest(str(SEED), store).results[0].doc_id)
        annot.translate(doc, store, to="pt")
        text = doc.text

        sentence = store.get_sentences(doc)[2]

        def span(phrase: str, label: str, attrs: dict) -> annot.Span:
            start = text.index(phrase, sentence.start)
            return store.add_span(doc.id, start, start + len(phrase), label, attrs)

        span("Russia", "ACTOR", {"type": "state"})
        span("some 170 tanks", "QUANTITY", {"value": 170, "unit": "tanks", "qualifier": "approximately"})
        span("up to 200 armored combat vehicles", "QUANTITY",
             {"value": 200, "unit": "armored combat vehicles", "qualifier": "up to"})  # fmt: skip
        ministry = span("the Belarusian Defense Ministry", "ACTOR", {"type": "government body", "canonical": "Belarus"})
        stance = {"holder_span": ministry.id, "holder": "Belarus", "evidence": "reported", "polarity": "neutral"}
        store.add_span(doc.id, sentence.start, sentence.end, "STANCE", stance)
    finally:
        store.close()
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "shot.ipynb", [
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator='demo')",
        "w = Annotator(store, 'belarus-russian-grouping', target='pt', engine='argos')\nw.go(2)\nw",
        # A linked version shows as the reference in the pane.
        f"from annot.compare import link_documents\nes = annot.ingest({str(ES)!r}, store).results[0].doc_id\n"
        "link_documents(store, 'belarus-russian-grouping', es, engine='apertium')\n"
        "h = Annotator(store, 'belarus-russian-grouping', target='es', engine='apertium', translate=False)\nh.go(6)\nh",
    ])  # fmt: skip
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "shot.ipynb", width=1100, height=1400)
        widget = page.locator(".annot-annotator").first
        widget.locator(".annot-mt-main").wait_for(timeout=60_000)
        widget.locator(".annot-mt-others summary").click()
        widget.locator(".annot-mt-others[open] .annot-mt-row").first.wait_for(state="visible", timeout=10_000)
        widget.locator(".annot-chip").first.hover()
        widget.scroll_into_view_if_needed()
        update = os.environ.get("ANNOT_UPDATE_SCREENSHOTS") == "1"
        for theme, name, background in (("JupyterLab Light", "annotator.png", "rgb(255, 255, 255)"),
                                         ("JupyterLab Dark", "annotator-dark.png", "rgb(33, 33, 33)")):  # fmt: skip
            page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
            page.wait_for_function("(bg) => getComputedStyle(document.querySelector('.annot-annotator'))"
                                   ".backgroundColor === bg", arg=background, timeout=30_000)  # fmt: skip
            out = ROOT / "docs" / name if update else tmp_path / name
            if name == "annotator.png":  # hovering again would scroll the reading column
                widget.locator(".annot-chip").first.hover()
            shot.settle(page)
            widget.screenshot(path=str(out), animations="disabled")
            assert out.stat().st_size > 20_000
        assert len(painted(widget)["2"]) == 5
        human = page.locator(".annot-annotator").nth(1).locator(".annot-mt-reference")
        human.wait_for(timeout=30_000)
        assert "Al contingente militar" in human.inner_text() and "Bielorrusia ha apoyado" in human.inner_text()
        assert human.locator(".annot-mt-engine").inner_text() == "reference"  # not marked as a human translation


def test_annotator_translates_in_the_background_and_stays_responsive(tmp_path: Path):
    """No translation stored: the pane shows a spinner, keys keep working, the translation arrives and is stored."""
    project = tmp_path / "project"
    root = tmp_path / "root"
    root.mkdir()
    write_notebook(root / "fresh.ipynb", [
        f"import annot\nfrom annot.widgets import Annotator\nstore = annot.open_project({str(project)!r})\n"
        f"seed = annot.ingest({str(SEED)!r}, store).results[0].doc_id",
        "Annotator(store, seed, target='pt', engine='argos')",
    ])  # fmt: skip
    with lab(tmp_path) as (browser, shot, port, token):
        page = run_notebook(browser, shot, port, token, "fresh.ipynb")
        widget = page.locator(".annot-annotator").first
        widget.locator(".annot-mt .annot-spinner").wait_for(timeout=20_000)  # loading the model, translating
        widget.focus()
        page.keyboard.press("j")  # the kernel answers while the worker translates
        widget.locator('.annot-current[data-index="1"]').wait_for(timeout=5_000)
        settled(page)
        main = widget.locator(".annot-mt-main")
        main.wait_for(timeout=120_000)
        assert "Rússia" in main.inner_text() and "Ucrânia" in main.inner_text()
        widget.locator(".annot-mt .annot-spinner").wait_for(state="detached", timeout=120_000)
    store = annot.open_project(project)
    try:
        stored = store.translations(target="pt")
        assert set(stored["engine"]) == {"argos"} and len(stored) == 14  # the whole document, window first
    finally:
        store.close()


# The control's cell is there: an empty cell first, the setup cell (which opens the project) second.
_CONTROL_CELL_SHOWN = """() => {
    const cells = document.querySelectorAll('.jp-Notebook .jp-Cell');
    const input = (i) => cells[i].querySelector('.jp-InputArea-editor').textContent;
    return cells.length > 1 && input(0) === '' && input(1).includes('open_project');
}"""


def _notebook_a_inserts_one_cell(page, cells, n_cells: int) -> None:
    """The control for keys that must not reach the notebook: the notebook's own "a" inserts one cell.

    In command mode on the first cell, "a" inserts an empty cell above it. Once that cell is drawn,
    whatever keys pressed before did to the notebook is drawn too (JupyterLab handles keys in order
    and draws the cells from its model), so there must be exactly one cell more than ``n_cells``.
    """
    cells.first.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    page.wait_for_function(_CONTROL_CELL_SHOWN, timeout=10_000)
    assert cells.count() == n_cells + 1
