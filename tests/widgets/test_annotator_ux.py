"""The annotator as an annotator works with it all day, in a real browser: themes, keyboard, layout, overview.

JupyterLab in chromium (Playwright) shows the widget on the seed article with
stored translations, tagged spans and a flagged translation. The tests measure
what a person sees: the contrast of every text element against its actual
background in Light and Dark, where the keyboard goes after each control, the
bounding boxes at two window sizes, and what keys alone do to the store.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import annot

from .browser import ROOT, lab, run_notebook, settled, write_notebook

SEED = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"

# The contrast of each visible text element of `root` against what is actually behind it: backgrounds
# with alpha are composited up the tree onto the first opaque one, the text colour (alpha too) onto that.
_CONTRAST = """(root) => {
    const parse = (c) => {
        let m = c.match(/^rgba?\\(([^)]+)\\)$/);
        if (m) {
            const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
            return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
        }
        m = c.match(/^color\\(srgb ([^)]+)\\)$/);
        if (m) {
            const p = m[1].split(/[ /]+/).filter(Boolean).map(Number);
            return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
        }
        throw new Error("unknown colour " + c);
    };
    const over = (top, bottom) => {
        const a = top[3];
        return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
    };
    const background = (el) => {
        const layers = [];
        for (let node = el; node; node = node.parentElement) {
            const c = parse(getComputedStyle(node).backgroundColor);
            if (c[3] > 0) layers.push(c);
            if (c[3] >= 1) break;
        }
        let bg = [255, 255, 255, 1];
        for (const layer of layers.reverse()) bg = over(layer, bg);
        return bg;
    };
    const lum = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const out = [];
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    for (const el of [root, ...root.querySelectorAll("*")]) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.data.trim());
        const field = el.matches("input, select") && (el.value || "").trim();
        if ((!own && !field) || !visible(el)) continue;
        const style = getComputedStyle(el);
        let opacity = 1;
        for (let node = el; node; node = node.parentElement) opacity *= Number(getComputedStyle(node).opacity);
        const bg = background(el);
        let ink = parse(style.color);
        ink = [ink[0], ink[1], ink[2], ink[3] * opacity];
        const text = (field ? el.value : el.textContent).trim().slice(0, 40);
        out.push({cls: el.className || el.tagName, text, ratio: ratio(over(ink, bg), bg)});
    }
    return out;
}"""


# Where the parts of the widget are on the page, and whether a field's text is cut off.
_BOXES = """(root) => {
    const r = (el) => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    const controls = [...root.querySelectorAll('.annot-form input, .annot-form select, .annot-form button')];
    return {
        viewport: [0, 0, window.innerWidth, window.innerHeight],
        column: r(root.querySelector('.annot-reading')),
        current: r(root.querySelector('.annot-current')),
        form: r(root.querySelector('.annot-form')),
        mt: r(root.querySelector('.annot-mt-main')),
        controls: controls.map((c) => ({
            box: r(c), name: c.dataset.attr || c.textContent,
            cut: c.tagName === 'INPUT' && c.scrollWidth > c.clientWidth,
        })),
    };
}"""


def _inside(box: list[float], frame: list[float]) -> bool:
    return (
        box[0] >= frame[0] - 0.5 and box[1] >= frame[1] - 0.5 and box[2] <= frame[2] + 0.5 and box[3] <= frame[3] + 0.5
    )


def _setup(project: Path) -> str:
    return (
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator='ana')\n"
        f"seed = annot.ingest({str(SEED)!r}, store).results[0].doc_id\n"
        "doc = store.document(seed)\nsents = store.get_sentences(doc)\n"
        "def tag(i, phrase, label, attrs=None):\n"
        "    s = sents[i]; start = doc.text.index(phrase, s.start)\n"
        "    return store.add_span(doc.id, start, start + len(phrase), label, attrs or {})\n"
        "# Two engines' stored translations of every sentence, one with a changed number: flags show.\n"
        "rows = []\n"
        "for s in sents:\n"
        "    changed = s.text.replace('9,000', '9,500').replace('170', '175')\n"
        "    for engine, text in (('argos', s.text), ('apertium', changed)):\n"
        "        rows.append(annot.Translation(doc.id, s.index, engine, 'manual', '1', 'en', 'pt', f'en>pt',"
        " f'{engine}|manual|1', text))\n"
        "store.add_translations(rows)\n"
    )


def _position(widget) -> int:
    text = widget.locator(".annot-position").inner_text()
    match = re.match(r"sentence (\d+)", text)
    assert match, text
    return int(match.group(1))


def _press_and_settle(page, key: str) -> None:
    page.keyboard.press(key)
    settled(page)


def _theme(page, name: str, background: str) -> None:
    """Switch JupyterLab's theme and wait until the widget is drawn with it (its background colour)."""
    page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", name)
    page.wait_for_function(
        "(bg) => getComputedStyle(document.querySelector('.annot-annotator')).backgroundColor === bg",
        arg=background,
        timeout=30_000,
    )


def _open(jupyter, name: str, tags: str, *, go: int = 0, width: int = 1300, height: int = 1000):
    """A notebook showing the annotator on the seed article of a fresh project (``tags``: Python tagging spans).

    Returns the page and the widget, once its translation pane is drawn and it is scrolled into view.
    """
    scratch, (browser, shot, port, token) = jupyter
    write_notebook(scratch / "root" / f"{name}.ipynb", [
        _setup(scratch / f"{name}-project") + tags,
        f"w = Annotator(store, seed, target='pt', engine='argos', translate=False)\nw.go({go})\nw",
    ])  # fmt: skip
    page = run_notebook(browser, shot, port, token, f"{name}.ipynb", width=width, height=height, workspace=name)
    widget = page.locator(".annot-annotator").first
    widget.locator(".annot-mt-main").wait_for(timeout=30_000)
    # The kernel's first projection is computed in the background: its spans and flags are drawn after it.
    widget.locator(".annot-mt-checking").first.wait_for(state="detached", timeout=60_000)
    widget.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    return page, widget


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("ux")
    with lab(scratch) as session:
        yield scratch, session


def test_annotator_text_reads_at_4_5_to_1_in_light_dark_and_high_contrast(jupyter):
    tags = (
        "tag(2, 'Russia', 'ACTOR', {'type': 'state'})\n"
        "tag(2, 'some 170 tanks', 'QUANTITY', {'value': 170, 'unit': 'tanks'})\n"
        "s = sents[2]\nstore.add_span(doc.id, s.start, s.end, 'STANCE', {'polarity': 'neutral'})"
    )
    page, widget = _open(jupyter, "contrast", tags, go=2)
    try:
        failures = {}
        themes = (("JupyterLab Light", "rgb(255, 255, 255)"), ("JupyterLab Dark", "rgb(33, 33, 33)"),
                  ("JupyterLab Dark High Contrast", "rgb(17, 17, 17)"))  # fmt: skip
        for theme, background in themes:
            _theme(page, theme, background)
            measured = []
            # Unfocused (the "click here" line shows), then with a span's form, the others fold and the help.
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            widget.locator(".annot-keyboard-hint").wait_for(state="visible")
            measured += widget.evaluate(_CONTRAST)
            widget.focus()
            widget.locator(".annot-current .annot-span", has_text="Russia").first.click()
            widget.locator(".annot-form .annot-badge").wait_for(timeout=10_000)
            widget.locator(".annot-mt-others summary").click()
            widget.locator(".annot-entities, .annot-outline").first.wait_for(state="attached")
            measured += widget.evaluate(_CONTRAST)
            widget.locator(".annot-tab", has_text="Entities").click()
            widget.locator(".annot-entity").first.wait_for(timeout=10_000)
            measured += widget.evaluate(_CONTRAST)
            page.keyboard.press("?")
            widget.locator(".annot-help").wait_for(state="visible")
            measured += widget.evaluate(_CONTRAST)
            page.keyboard.press("?")
            widget.locator(".annot-tab", has_text="Outline").click()
            kinds = {m["cls"].split()[0] for m in measured}
            needed_kinds = ("annot-seg", "annot-chip", "annot-label-button", "annot-mt-seg", "annot-flag-action",
                            "annot-keyboard-hint", "annot-outline-text", "annot-entity-name",
                            "annot-badge")  # fmt: skip
            for needed in needed_kinds:
                assert needed in kinds, f"{theme}: no {needed} measured; measured {sorted(kinds)}"
            low = [m for m in measured if m["ratio"] < 4.5]
            if low:
                failures[theme] = low[:10]
        assert not failures, failures
    finally:
        page.close()


def test_every_control_gives_the_keyboard_back(jupyter):
    tags = "for i in range(14):\n    tag(i, sents[i].text.split()[0], 'ACTOR', {'type': 'state'})\n"
    page, widget = _open(jupyter, "focus", tags)
    try:
        widget.click()

        def check(what: str) -> None:
            """After using a control: j twice moves two sentences, k twice comes back."""
            settled(page)
            start = _position(widget)
            step = 1 if start < 10 else -1
            for n in (1, 2):
                _press_and_settle(page, "j" if step > 0 else "k")
                assert _position(widget) == start + n * step, f"after {what}: the keys did not reach the widget"
            for _ in (1, 2):
                _press_and_settle(page, "k" if step > 0 else "j")

        def use(what: str, locator, action: str = "click", value: str | None = None) -> None:
            target = locator.first
            target.wait_for(state="visible", timeout=10_000)
            if action == "click":
                target.click()
            elif action == "select":
                target.select_option(value)
                page.keyboard.press("Enter")  # a choice made from the keyboard is confirmed with Enter
            elif action == "type":
                target.click()
                page.keyboard.type(value or "")
                page.keyboard.press("Enter")
            elif action == "escape":
                target.click()
                page.keyboard.press("Escape")
            check(what)

        use("a label button", widget.locator(".annot-label-button"))
        use("the done button", widget.locator(".annot-mark-button"))
        use("the help button and the help", widget.locator(".annot-help-button"))
        use("the help overlay", widget.locator(".annot-help"))
        use("the annotator's name (Escape leaves it)", widget.locator(".annot-who-button"), "escape")
        use("the Entities tab", widget.locator(".annot-tab", has_text="Entities"))
        use("the Outline tab", widget.locator(".annot-tab", has_text="Outline"))
        use("a span", widget.locator(".annot-current .annot-span"))
        widget.locator(".annot-current .annot-span").first.click()  # a move cleared the form: select it again
        widget.locator(".annot-form .annot-badge").wait_for()
        use("the type dropdown", widget.locator('.annot-form select[data-attr="type"]'), "select", "person")
        widget.locator(".annot-current .annot-span").first.click()
        use("the canonical name", widget.locator('.annot-form input[data-attr="canonical"]'), "type", "Rossiya")
        widget.locator(".annot-current .annot-span").first.click()
        use("escape from a field", widget.locator('.annot-form input[data-attr="canonical"]'), "escape")
        use("the other engines fold", widget.locator(".annot-mt-others summary"))
        use("a flag's dismiss button", widget.locator(".annot-mt-others .annot-flag-action"))
        use("show first", widget.locator(".annot-mt-show"))
        use("the engine dropdown", widget.locator(".annot-mt-engine-select"), "select", "argos")
        use("the language dropdown", widget.locator(".annot-mt-target"), "select", "pt")
        use("an outline row", widget.locator('.annot-outline-row[data-index="3"]'))
        use("a sentence number", widget.locator(".annot-context .annot-number"))
        use("the progress bar", widget.locator(".annot-progress"))
        # A click outside the widget takes the keyboard away: the widget says so, and one click brings it back.
        page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputPrompt").click()
        widget.locator(".annot-keyboard-hint").wait_for(state="visible")
        widget.locator(".annot-keyboard-hint").click()
        widget.locator(".annot-keyboard-hint").wait_for(state="hidden")
        check("the click-here line")
    finally:
        page.close()


def test_the_tagging_cycle_works_from_the_keyboard_alone(jupyter):
    page, widget = _open(jupyter, "keys", "")
    project = jupyter[0] / "keys-project"
    try:
        widget.click()  # the one click; the mouse is not used again
        # Sentence 2: "Russia will send some 170 tanks..." (corpus/): select "Russia" with the arrows.
        actions = [
            "j",
            "j",  # 1-2: navigate
            "ArrowRight",
            "ArrowRight",
            "ArrowLeft",  # 3-5: the word cursor: "Russia", "will", "Russia"
            "1",  # 6: ACTOR
            "Enter",  # 7: into its form (the type dropdown)
            "Tab",  # 8: the canonical name
        ]
        for key in actions:
            _press_and_settle(page, key)
            if key in ("1", "Enter", "Tab"):
                page.wait_for_function("() => !document.querySelector('.annot-status.annot-saving')")
        page.keyboard.type("Russian Federation")
        actions2 = [
            "Enter",  # 9: saved, back to the text
            "3",  # 10: STANCE on the sentence
            "+",  # 11: supports
            "r",  # 12: reported
            "-",  # 13: opposes
            "Control+z",  # 14: undo "opposes"
            "d",  # 15: mark the sentence done
            "j",  # 16: next sentence
            "ArrowRight",
            "Shift+ArrowRight",  # 17-18: two words
            "2",  # 19: QUANTITY
            "Control+z",
            "Control+Shift+z",  # 20-21: undo the quantity, redo it
        ]
        for key in actions2:
            _press_and_settle(page, key)
            page.wait_for_function("() => !document.querySelector('.annot-status.annot-saving')")
            if key == "Control+z":
                said = widget.locator(".annot-status").inner_text()
                assert said.startswith("✓ saved") and "undid" in said, said
        status = widget.locator(".annot-status").inner_text()
        assert "error" not in widget.locator(".annot-status").get_attribute("class"), status
    finally:
        page.close()
    store = annot.open_project(project)
    try:
        spans = store.spans()
        actors = spans[spans.label == "ACTOR"]
        assert list(actors.text) == ["Russia"] and actors.iloc[0]["attrs"]["canonical"] == "Russian Federation"
        stance = spans[spans.label == "STANCE"].iloc[0]
        assert stance["attrs"]["polarity"] == "supports" and stance["attrs"]["evidence"] == "reported"
        assert stance["sentence"] == 2
        quantities = spans[spans.label == "QUANTITY"]
        assert (
            len(quantities) == 1
            and quantities.iloc[0]["sentence"] == 3
            and len(quantities.iloc[0]["text"].split()) == 2
        )
        marks = store.sentence_marks(store.resolve("belarus-russian-grouping"))
        assert list(zip(marks.sentence, marks.status, marks.annotator)) == [(2, "done", "ana")]
    finally:
        store.close()


@pytest.mark.parametrize(("width", "height"), [(1000, 700), (1400, 900)])
def test_the_frame_is_steady_and_fits_the_window(jupyter, width, height):
    tags = (
        "for i in range(14):\n"
        "    tag(i, sents[i].text.split()[0], 'ACTOR', {'type': 'government body',"
        " 'canonical': 'Belarusian Defense Ministry of the Republic'})\n"
    )
    page, widget = _open(jupyter, f"layout-{width}", tags, width=width, height=height)
    shot = jupyter[1][1]
    try:
        widget.click()
        heights = []
        for _ in range(14):
            heights.append(widget.bounding_box()["height"])
            # The current sentence's span selected: its form shows. Then everything must be in view.
            widget.locator(".annot-current .annot-span").first.click()
            widget.locator(".annot-form .annot-badge").wait_for()
            settled(page)
            shot.settle(page)
            boxes = widget.evaluate(_BOXES)
            index = _position(widget)
            for what in ("current", "form", "mt"):
                assert _inside(boxes[what], boxes["viewport"]), f"sentence {index}: the {what} is outside the window"
                assert _inside(boxes[what], boxes["column"]), f"sentence {index}: the {what} is scrolled out of view"
            for control in boxes["controls"]:
                assert _inside(control["box"], boxes["column"]), f"sentence {index}: {control['name']} is cut off"
                assert not control["cut"], f"sentence {index}: {control['name']}'s text is cut off"
            page.keyboard.press("Escape")
            _press_and_settle(page, "j")
        assert max(heights) / min(heights) < 1.05, heights
    finally:
        page.close()
