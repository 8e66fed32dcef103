"""The comparison report: a static page that stands alone, escapes every text, and renders in a real browser."""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from annot.compare.report import corpus_table, to_csv_frame, to_report_html, write_report
from annot.compare.side_by_side import side_by_side_html
from annot.errors import OutputError
from tests.compare.handmade import REFERENCES, SOURCES, TRANSLATIONS, handmade_corpus, handmade_frame, report_flag

ROOT = Path(__file__).resolve().parents[2]

HOSTILE_SOURCE = "<script>alert('source')</script> Minsk & “Kyiv”"
HOSTILE_REFERENCE = '<b onclick="x()">bold</b> según Minsk'
HOSTILE_TRANSLATION = "<img src=x onerror=alert('mt')> dice Minsk"
HOSTILE_TITLE = "<details open ontoggle=alert('title')> Minsk & “Kyiv”"


def _hostile_frame(reference: bool = True) -> pd.DataFrame:
    translations = {e: list(t) for e, t in TRANSLATIONS.items()}
    translations["argos+apertium"][0] = HOSTILE_TRANSLATION
    frame = handmade_frame(
        reference=reference, sources=[HOSTILE_SOURCE, *SOURCES[1:]], translations=translations,
        references=[HOSTILE_REFERENCE, *REFERENCES[1:]],
    )  # fmt: skip
    frame.at[0, "flags.argos+apertium"] = [
        report_flag("lost", "<i>Lukashenko</i> -> ", "nothing <u>stands</u> for it", source_text="<i>Lukashenko</i>"),
        report_flag("changed", "<img src=x> -> <img src=x>", "missing <9000>", HOSTILE_TRANSLATION, "<img src=x"),
    ]
    return frame


def _visible_text(page_html: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


@pytest.mark.parametrize("reference", [True, False])
@pytest.mark.parametrize("title", ["<i>t</i>", None])  # given, or made from the article's title
def test_report_escapes_article_and_translation_text(reference: bool, title: str | None):
    frame = _hostile_frame(reference)
    page = to_report_html(frame, handmade_corpus(frame), title=title, doc_title=HOSTILE_TITLE)
    for raw in ("<script", "<img", "<b ", "<i>", "<details"):
        assert raw not in page, raw
    assert not re.search(r"<[^>]*\bon\w+=", page)  # no event handler inside any tag
    assert "&lt;script&gt;alert(&#x27;source&#x27;)&lt;/script&gt;" in page
    text = _visible_text(page)
    for needle in (HOSTILE_SOURCE, "lost: <i>Lukashenko</i>", "missing <9000>", title or HOSTILE_TITLE):
        assert needle in text, needle
    # The flagged range is marked inside the escaped translation, its tooltip escaped too.
    marked = re.findall(r'<mark class="flag-range k-changed" title="changed: missing &lt;9000&gt;">(.*?)</mark>', page)
    assert "".join(marked).startswith("&lt;") and "img" in "".join(marked)  # split by the diff's <del>/<ins>
    if reference:
        assert HOSTILE_REFERENCE in text


@pytest.mark.parametrize("reference", [True, False])
def test_report_holds_no_url_and_no_external_resource(reference: bool):
    page = to_report_html(handmade_frame(reference=reference), handmade_corpus(handmade_frame(reference=reference)))
    assert "http://" not in page and "https://" not in page
    for marker in ("src=", "<link", "<script", "@import", "<iframe"):
        assert marker not in page, marker
    assert not re.search(r"url\((?!#)", page)
    assert not re.search(r'href="(?!#)', page)


def test_report_shows_header_corpus_plots_and_sentences_by_disagreement():
    frame = handmade_frame()
    page = to_report_html(frame, handmade_corpus(frame))
    text = _visible_text(page)
    attrs = frame.attrs
    for needle in (attrs["doc_id"], attrs["reference_doc"], *attrs["signatures"].values(), "en>pt>es"):
        assert needle in text
    # The corpus table: intervals, the best engine in bold (TER: the lowest).
    assert "60.5 [56.3–64.4]" in text and '<td class="best">39.5' in page
    assert page.count("<figure") == 2 and page.count("<svg") == 2
    # Sentences, most disputed first; the diff against the reference, the flags.
    assert re.findall(r'<tr class="sentence[^"]*" id="s(\d+)"', page) == ["2", "0", "1", "3"]
    assert "<del>unos</del><ins>algunos</ins>" in page
    # Each engine's flags with their detail, the flagged range marked in its translation.
    assert "⚠ lost: Minsk nothing in the translation stands for it" in text
    assert "⚠ changed: up to 9,000 military personnel value 9000 -> 9500" in text
    assert '⚠ number style: 9,000 "9,000" reads as 9 in Spanish: write 9.000' in text
    assert '<mark class="flag-range k-number_style" title="number style: &quot;9,000&quot; reads' in page
    assert 'class="sentence f-lost f-changed f-number_style flagged"' in page
    assert 'class="mt e1 f-lost f-changed flagged"' in page and "✓ no flag" in text
    # The filters count the sentences with each kind; the header counts each engine's flags by kind.
    assert "lost (1)" in text and "number style (1)" in text and "added (0)" in text and "any flag (1)" in text
    assert "argos+apertium: lost 1, changed 1" in text and "apertium: number style 1" in text


def test_report_heading_is_the_articles_title_with_its_id_small():
    frame = handmade_frame()
    page = to_report_html(frame, handmade_corpus(frame), doc_title="Belarus russian grouping 2022-10-17")
    heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
    title = "Translations of “Belarus russian grouping 2022-10-17” into es"
    assert heading == f'{title}<small class="doc-id"><code>{frame.attrs["doc_id"]}</code></small>'
    assert f"<title>{title}</title>" in page
    assert "<dd>Belarus russian grouping 2022-10-17 · <code>belarus-russian-grouping-" in page
    # A title given wins; without the article's title (a caller that has no store) the id names it, as before.
    assert re.search(r"<h1>Mine<small", to_report_html(frame, handmade_corpus(frame), title="Mine", doc_title="x"))
    bare = to_report_html(frame, handmade_corpus(frame))
    assert f"<title>Translations of {frame.attrs['doc_id']} into es</title>" in bare


def test_report_without_reference_diffs_against_the_first_engine():
    frame = handmade_frame(reference=False)
    page = to_report_html(frame, handmade_corpus(frame))
    text = _visible_text(page)
    assert "none: scores are round trip and agreement" in text and "only in apertium" in text
    assert "<del>algunos</del><ins>unos</ins>" in page and "baseline of the differences" in text
    assert "[" not in _visible_text(page.split('id="corpus"')[1].split("</table>")[0])  # no intervals without reference


def test_side_by_side_html_filters_by_engine_and_flag():
    frame = handmade_frame()
    only = side_by_side_html(frame, engine="argos+apertium")
    assert only.startswith("<style>") and 'class="mt e1' in only and 'class="mt e0' not in only
    assert re.findall(r'id="s(\d+)"', side_by_side_html(frame, flag="changed")) == ["0"]
    assert re.findall(r'id="s(\d+)"', side_by_side_html(frame, engine="apertium", flag="any")) == ["0"]
    assert re.findall(r'id="s(\d+)"', side_by_side_html(frame, engine="apertium", flag="number style")) == ["0"]
    assert "No sentence matches" in side_by_side_html(frame, engine="apertium", flag="lost")
    assert "No sentence matches" in side_by_side_html(frame, flag="time lost")
    valid = "lost, changed, wrong language, number style, time lost, added, failed, any"
    for gone in ("dates", "numbers", "names"):  # 0.1's heuristics' flags are no filter any more
        with pytest.raises(ValueError, match=f"Valid flags: {valid}"):
            side_by_side_html(frame, flag=gone)
    with pytest.raises(ValueError, match="Engines: apertium, argos\\+apertium"):
        side_by_side_html(frame, engine="google")


def test_write_report_writes_html_and_csv_atomically(tmp_path: Path):
    frame = handmade_frame()
    out = tmp_path / "exports" / "compare.html"
    files = write_report(frame, handmade_corpus(frame), out, out_csv=out.with_suffix(".csv"))
    assert files.html == out and files.csv == out.with_suffix(".csv")
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert (out.stat().st_mode & 0o777) == 0o644
    back = pd.read_csv(files.csv, encoding="utf-8", keep_default_na=False)
    kinds = ["lost", "changed", "wrong_language", "number_style", "time_lost", "added"]
    columns = ["sentence"]
    for col in frame.columns:
        columns.append(col)
        if col.startswith("flags."):
            columns += [f"{kind}.{col.removeprefix('flags.')}" for kind in kinds]
    assert list(back.columns) == columns
    assert back.loc[0, "lost.argos+apertium"] == "Minsk (nothing in the translation stands for it)"
    assert back.loc[0, "changed.argos+apertium"].endswith("-> hasta 9.500 militares (value 9000 -> 9500)")
    assert back.loc[0, "flags.argos+apertium"] == 2 and back.loc[0, "flag_kinds.argos+apertium"] == "lost; changed"
    assert back.loc[0, "source"] == SOURCES[0] and back.loc[2, "lost.apertium"] == ""
    # Same frame, same bytes; nothing but the two files left in the folder.
    before = out.read_bytes()
    write_report(frame, handmade_corpus(frame), out, out_csv=out.with_suffix(".csv"))
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["compare.csv", "compare.html"]


def test_write_report_failure_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    frame = handmade_frame()
    out = tmp_path / "compare.html"
    out.write_text("old report", "utf-8")

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OutputError, match=r"Cannot write .*compare.html: disk full \(.*compare.html is unchanged\)"):
        write_report(frame, handmade_corpus(frame), out)
    assert out.read_text("utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["compare.html"]


def test_write_report_onto_a_folder_is_one_output_error_and_replaces_neither_file(tmp_path: Path):
    frame = handmade_frame()
    (tmp_path / "reports").mkdir()
    csv = tmp_path / "r.csv"
    csv.write_text("old table", "utf-8")
    with pytest.raises(OutputError, match=r"Cannot write .*reports: it is a folder, not a file"):
        write_report(frame, handmade_corpus(frame), tmp_path / "reports", out_csv=csv)
    assert csv.read_text("utf-8") == "old table"  # checked before either file is written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "reports"]


def test_write_report_refuses_one_path_for_both(tmp_path: Path):
    frame = handmade_frame()
    with pytest.raises(ValueError, match="give the CSV another name"):
        write_report(frame, handmade_corpus(frame), tmp_path / "r.html", out_csv=tmp_path / "r.html")


def test_corpus_table_shows_intervals_and_only_scored_columns():
    corpus = handmade_corpus(handmade_frame()).assign(scored=4)
    table = corpus_table(corpus)
    # Flag counts: the total, and only the kinds some engine has.
    assert list(table.columns) == ["chrF", "BLEU", "TER ↓", "agreement", "round trip", "flagged %", "flags", "lost",
                                   "changed", "number style", "sentences", "scored"]  # fmt: skip
    assert table.loc["argos+apertium", "chrF"] == "60.5 [56.3–64.4]" and table.loc["apertium", "sentences"] == 4
    assert table.loc["argos+apertium", "flagged %"] == "25.0" and table.loc["argos+apertium", "lost"] == 1
    assert table.loc["apertium", "flags"] == 1 and table.loc["apertium", "changed"] == 0
    bare = corpus_table(handmade_corpus(handmade_frame(reference=False)).assign(scored=0))
    assert list(bare.columns) == ["agreement", "round trip", "flagged %", "flags", "lost", "changed", "number style",
                                  "sentences"]  # fmt: skip


def test_to_csv_frame_joins_lists_and_writes_flags_by_kind():
    frame = handmade_frame()
    frame.at[0, "dismissed.apertium"] = ["added:171", "lost:minsk -> "]
    flat = to_csv_frame(frame)
    assert flat.loc[0, "lost.argos+apertium"] == "Minsk (nothing in the translation stands for it)"
    assert flat.loc[0, "number_style.apertium"] == '9,000 ("9,000" reads as 9 in Spanish: write 9.000)'
    assert flat.loc[0, "dismissed.apertium"] == "added:171; lost:minsk -> "
    assert flat["flags.apertium"].tolist() == [1, 0, 0, 0] and str(flat["flags.apertium"].dtype) == "Int64"
    assert flat["sentence"].tolist() == [0, 1, 2, 3]


# -- in a real browser -----------------------------------------------------------


def open_in_chromium(page_path: Path, shot: Path, *, picture: Path | None = None) -> dict:
    """Open a report from a file:// URL in headless chromium and return what the tests check.

    Saves a full-page screenshot at ``shot``; with ``picture``, also the view of
    the side-by-side table as a reader first sees it (the README's picture).
    """
    from playwright.sync_api import sync_playwright

    from tests.widgets.browser import screenshot_module

    assert shutil.which("chromium"), "chromium is missing: ./run installs it (scripts/apt-packages.txt)"
    seen: dict = {"console": [], "requests": []}
    with sync_playwright() as pw:
        shots = screenshot_module()
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=shots.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: seen["console"].append(f"pageerror: {e}"))
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.goto(page_path.resolve().as_uri())
            page.wait_for_load_state("load")
            seen["rows"] = page.locator("table.side tr.sentence").count()
            seen["plots"] = [s.bounding_box()["width"] for s in page.locator("figure svg").all()]
            seen["corpus_rows"] = page.locator("table.corpus tbody tr").count()
            seen["dels"] = page.locator("table.side del").count()
            seen["engine_blocks"] = page.locator("table.side .mt:visible").count()
            # Outside JupyterLab no --jp-* theme variable is defined: the table's colours are their fallbacks.
            seen["styles"] = page.evaluate(
                """() => { const css = (q) => getComputedStyle(document.querySelector(q));
                           return {align: css('table.side td').textAlign, label: css('table.side .label').color,
                                   engine: css('table.side .engine').color, border: css('table.side td').borderTopColor,
                                   heading: document.querySelector('h1').textContent}; }"""
            )
            # The CSS-only filters: a link makes its anchor the :target, which hides the other rows.
            page.click("nav.filters a[href='#only-changed']")
            seen["changed_rows"] = page.locator("table.side tr.sentence:visible").count()
            seen["marks"] = page.locator("table.side mark.flag-range").count()
            page.click("nav.filters a[href='#only-e0']")
            seen["e0_blocks"] = page.locator("table.side .mt:visible").count()
            page.click("nav.filters >> text=all sentences")
            seen["all_rows"] = page.locator("table.side tr.sentence:visible").count()
            shot.parent.mkdir(parents=True, exist_ok=True)
            shots.settle(page)
            page.screenshot(path=str(shot), full_page=True, animations="disabled")
            if picture is not None:
                page.set_viewport_size({"width": 1400, "height": 1150})
                page.locator("#sentences").evaluate("el => el.scrollIntoView({block: 'start', behavior: 'instant'})")
                shots.settle(page)
                page.screenshot(path=str(picture), animations="disabled")
        finally:
            browser.close()
    return seen


@pytest.mark.slow
def test_report_with_hostile_text_renders_in_chromium(tmp_path: Path):
    frame = _hostile_frame()
    out = write_report(frame, handmade_corpus(frame), tmp_path / "compare.html", doc_title=HOSTILE_TITLE).html
    seen = open_in_chromium(out, tmp_path / "compare.png")
    assert seen["console"] == [], seen["console"]  # the <script>, <img onerror>, <details ontoggle> are text
    assert seen["requests"] == [out.resolve().as_uri()]  # nothing else loaded
    assert seen["rows"] == 4 and seen["corpus_rows"] == 2 and seen["dels"] > 0
    assert len(seen["plots"]) == 2 and all(w > 300 for w in seen["plots"])
    assert seen["changed_rows"] == 1 and seen["e0_blocks"] == 4 and seen["all_rows"] == 4
    assert seen["marks"] >= 2  # apertium's 9,000, and the changed range (cut where the diff cuts it)
    assert seen["styles"] == {
        "align": "left", "label": "rgb(102, 102, 102)", "engine": "rgb(29, 29, 31)", "border": "rgb(187, 187, 187)",
        "heading": f"Translations of “{HOSTILE_TITLE}” into es{frame.attrs['doc_id']}",
    }  # fmt: skip
    assert (tmp_path / "compare.png").stat().st_size > 50_000


@pytest.fixture(scope="module")
def seed_in_spanish(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The seed article compared in Spanish by every installed engine, against its hand-written Spanish version."""
    from annot import ingest, open_project
    from annot.compare import compare, corpus_scores, link_documents

    with open_project(tmp_path_factory.mktemp("seed") / "project", annotator="tester") as store:
        ingest(ROOT / "corpus", store)
        link_documents(store, "belarus-russian-grouping", "belarus-agrupacion-rusa")
        frame = compare("belarus-russian-grouping", store, target="es", reference="belarus-agrupacion-rusa")
    return frame, corpus_scores(frame)


@pytest.mark.slow
def test_report_of_the_seed_article_renders_in_chromium(seed_in_spanish, tmp_path: Path):
    frame, corpus = seed_in_spanish
    files = write_report(frame, corpus, tmp_path / "compare.html", out_csv=tmp_path / "compare.csv")
    update = os.environ.get("ANNOT_UPDATE_SCREENSHOTS") == "1"
    picture = ROOT / "docs" / "compare.png" if update else tmp_path / "picture.png"
    seen = open_in_chromium(files.html, tmp_path / "compare.png", picture=picture)
    engines = frame.attrs["engines"]
    assert seen["console"] == [] and seen["requests"] == [files.html.resolve().as_uri()]
    assert seen["rows"] == 14 and seen["corpus_rows"] == len(engines) and seen["dels"] > 20
    assert seen["engine_blocks"] == 14 * len(engines) and seen["e0_blocks"] == 14 and seen["all_rows"] == 14
    assert len(seen["plots"]) == 2 and all(w > 300 for w in seen["plots"])
    assert (tmp_path / "compare.png").stat().st_size > 200_000 and picture.stat().st_size > 100_000
    page = files.html.read_text("utf-8")
    # A 2-1 bead: the first sentence shows both translations joined, as scored; the second points to it.
    assert "joined)" in page and "reference: with sentence #" in page
    assert "Rusia enviará unos 170 tanques" in page and "version:2." in page  # reference text, signatures
