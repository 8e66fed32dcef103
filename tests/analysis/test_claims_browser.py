"""The claims report in a real browser: Debian's chromium opens the page written for the hand-made outlets.

Checked as a reader sees it, with computed styles: every claim group and the
discrepancy table shown, each disputed claim's kinds highlighted in their
colours, the quote marked inside its sentence, the plots drawn, nothing loaded
but the page itself, and the page readable in the reader's dark mode too.
Saves docs/claims.png (the README's picture) when ANNOT_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from annot.analysis import claim_groups, discrepancies
from annot.analysis.plots import KIND_COLOURS
from annot.analysis.report import write_claims_report
from tests.widgets.browser import screenshot_module

ROOT = Path(__file__).resolve().parents[2]

# What a reader sees of the page: sections, cards and their colours.
_SEEN = """() => {
    const css = (el) => getComputedStyle(el);
    const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
                              && css(el).visibility !== 'hidden' && css(el).display !== 'none'; };
    const g1 = document.getElementById('g1');
    return {
        groups: [...document.querySelectorAll('section.group')].filter(visible).map((s) => s.id),
        disc_rows: [...document.querySelectorAll('table.disc tbody tr')].filter(visible).length,
        g1_cards: [...g1.querySelectorAll('.card')].filter(visible).length,
        g1_chips: [...g1.querySelectorAll('.card .chip')].filter(visible).map((c) => c.textContent),
        chip_colours: Object.fromEntries([...document.querySelectorAll('table.disc .chip')].map(
            (c) => [c.textContent.replace('⚠ ', ''), css(c).backgroundColor])),
        ukrinform_border: css(g1.querySelector('.card.has-value')).borderLeftColor,
        marks: [...document.querySelectorAll('mark.quote')].filter(visible).length,
        mark_background: css(document.querySelector('mark.quote')).backgroundColor,
        translations: [...document.querySelectorAll('.translation')].filter(visible).length,
        plots: [...document.querySelectorAll('figure svg')].map((s) => s.getBoundingClientRect().width),
        body: [css(document.body).color, css(document.body).backgroundColor],
        card: css(g1.querySelector('.card')).backgroundColor,
    };
}"""


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _brightness(colour: str) -> float:
    return sum(float(c) for c in re.findall(r"[\d.]+", colour)[:3]) / 3


@pytest.mark.slow
def test_claims_report_in_chromium_shows_groups_and_discrepancies_offline(
    ledger: pd.DataFrame, stances: pd.DataFrame, tmp_path: Path
):
    from playwright.sync_api import sync_playwright

    assert shutil.which("chromium"), "chromium is missing: ./run installs it (scripts/apt-packages.txt)"
    files = write_claims_report(ledger, tmp_path / "claims.html", stances=stances)
    groups, found = claim_groups(ledger), discrepancies(ledger)
    update = os.environ.get("ANNOT_UPDATE_SCREENSHOTS") == "1"
    picture = ROOT / "docs" / "claims.png" if update else tmp_path / "picture.png"
    console: list[str] = []
    requests: list[str] = []
    shots = screenshot_module()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=shots.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, color_scheme="light")
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(files.html.resolve().as_uri())
            page.wait_for_load_state("load")
            light = page.evaluate(_SEEN)

            # A discrepancy's group link jumps to its group, without any script.
            page.click("table.disc a[href='#g2']")
            page.wait_for_function("() => location.hash === '#g2'")
            in_view = page.locator("#g2").evaluate("(s) => s.getBoundingClientRect().top")
            shots.settle(page)
            page.screenshot(path=str(tmp_path / "claims.png"), full_page=True, animations="disabled")
            page.set_viewport_size({"width": 1400, "height": 1150})
            page.locator("#groups").evaluate("el => el.scrollIntoView({block: 'start', behavior: 'instant'})")
            shots.settle(page)
            page.screenshot(path=str(picture), animations="disabled")

            # The reader's dark mode: light text on a dark page, the cards dark too, the kinds' colours kept.
            page.emulate_media(color_scheme="dark")
            page.wait_for_function("() => matchMedia('(prefers-color-scheme: dark)').matches")
            dark = page.evaluate(_SEEN)
            shots.settle(page)
            page.screenshot(path=str(tmp_path / "claims-dark.png"), full_page=True, animations="disabled")
        finally:
            browser.close()

    assert console == [] and requests == [files.html.resolve().as_uri()]  # nothing else loaded
    assert light["groups"] == groups["group"].tolist()  # every group, most disputed first
    assert light["disc_rows"] == len(found) and light["g1_cards"] == 5
    assert {"⚠ value", "⚠ qualifier", "⚠ holder", "⚠ evidence"} <= set(light["g1_chips"])
    assert light["chip_colours"] == {k: _rgb(c) for k, c in KIND_COLOURS.items()}
    assert light["ukrinform_border"] == _rgb(KIND_COLOURS["value"])
    assert light["marks"] == len(ledger) and light["translations"] == (ledger["translation"].notna()).sum()
    assert len(light["plots"]) == 4 and all(w > 300 for w in light["plots"])
    assert abs(in_view) < 50  # the group at the top of the window
    assert _brightness(light["body"][0]) < 60 and _brightness(light["body"][1]) > 240
    assert _brightness(dark["body"][0]) > 200 and _brightness(dark["body"][1]) < 60
    assert _brightness(dark["card"]) < 80 and dark["chip_colours"] == light["chip_colours"]
    assert (tmp_path / "claims.png").stat().st_size > 100_000 and picture.stat().st_size > 50_000
