"""The claims report in a real browser: Debian's chromium opens the page written for the outlets' corpus.

The corpus is ``corpus/outlets/outlets.annot.jsonl`` (five outlets' versions of
the seed's event, annotated by hand, with planted discrepancies), imported into
a scratch project as a user would.

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

import annot
from annot.analysis import claim_groups, discrepancies
from annot.analysis.plots import KIND_COLOURS
from annot.analysis.report import write_claims_report
from tests.widgets.browser import screenshot_module

ROOT = Path(__file__).resolve().parents[2]
OUTLETS = ROOT / "corpus" / "outlets" / "outlets.annot.jsonl"

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
        chips: [...document.querySelectorAll('.card .chip')].filter(visible).map((c) => c.textContent),
        chip_colours: Object.fromEntries([...document.querySelectorAll('table.disc .chip')].map(
            (c) => [c.textContent.replace('⚠ ', ''), css(c).backgroundColor])),
        // Each disputed card's first kind, and the colour of its border.
        borders: [...document.querySelectorAll('.card.disc')].map(
            (c) => [[...c.classList].find((k) => k.startsWith('k-')).slice(2), css(c).borderLeftColor]),
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


@pytest.fixture(scope="module")
def outlets(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ledger and the stances of the outlets' corpus, imported into a scratch project."""
    with annot.open_project(tmp_path_factory.mktemp("outlets") / "project") as store:
        annot.import_jsonl(store, OUTLETS)
        return annot.claims(store), annot.actor_stance(store)


@pytest.mark.slow
def test_claims_report_in_chromium_shows_groups_and_discrepancies_offline(
    outlets: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
):
    from playwright.sync_api import sync_playwright

    ledger, stances = outlets

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
            last = found["group"].iloc[-1]
            page.click(f"table.disc a[href='#{last}'] >> nth=0")
            page.wait_for_function(f"() => location.hash === '#{last}'")
            in_view = page.locator(f"#{last}").evaluate("(s) => s.getBoundingClientRect().top")
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
    assert set(found["kind"]) == set(KIND_COLOURS)  # the corpus plants every kind
    assert light["disc_rows"] == len(found) and light["g1_cards"] == (ledger["group"] == "g1").sum()
    assert {f"⚠ {kind}" for kind in KIND_COLOURS} <= set(light["chips"])
    assert light["chip_colours"] == {k: _rgb(c) for k, c in KIND_COLOURS.items()}
    assert light["borders"] and all(colour == _rgb(KIND_COLOURS[kind]) for kind, colour in light["borders"])
    assert light["marks"] == len(ledger) and light["translations"] == (ledger["translation"].notna()).sum()
    assert len(light["plots"]) == 4 and all(w > 300 for w in light["plots"])
    assert abs(in_view) < 50  # the group at the top of the window
    assert _brightness(light["body"][0]) < 60 and _brightness(light["body"][1]) > 240
    assert _brightness(dark["body"][0]) > 200 and _brightness(dark["body"][1]) < 60
    assert _brightness(dark["card"]) < 80 and dark["chip_colours"] == light["chip_colours"]
    assert (tmp_path / "claims.png").stat().st_size > 100_000 and picture.stat().st_size > 50_000
