"""The claims report: a static page that stands alone, escapes every text, shows every group and discrepancy."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from annot.analysis import claim_groups, discrepancies
from annot.analysis.report import claims_html, write_claims_report
from annot.errors import OutputError

HOSTILE_OUTLET = "<script>alert('outlet')</script> Ria & “Novosti”"
HOSTILE_QUOTE = '"><img src=x onerror=alert(1)> 9000'
HOSTILE_TITLE = "<details open ontoggle=alert('title')> Claims & “sources”"
HOSTILE_HOLDER = '<b onclick="x()">Minsk</b>'


def _visible_text(page: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _hostile(ledger: pd.DataFrame) -> pd.DataFrame:
    frame = ledger.copy()
    tass = frame["outlet"] == "TASS"
    frame.loc[tass, "outlet"] = HOSTILE_OUTLET
    frame.loc[tass, "quote"] = HOSTILE_QUOTE
    frame.loc[tass, "sentence_text"] = f"Sources say {HOSTILE_QUOTE} troops <i>arrive</i>."
    frame.loc[tass, "holder"] = HOSTILE_HOLDER
    frame.loc[tass, "url"] = "https://example.org/news?id=<1>"
    return frame


def test_report_escapes_quotes_outlets_titles_and_holders(ledger: pd.DataFrame, stances: pd.DataFrame):
    page = claims_html(_hostile(ledger), stances, title=HOSTILE_TITLE)
    for raw in ("<script", "<img", "<details", "<b onclick", "<i>"):
        assert raw not in page, raw
    assert not re.search(r"<[^>]*\bon\w+=", page)  # no event handler inside any tag
    assert "&lt;script&gt;alert(&#x27;outlet&#x27;)&lt;/script&gt;" in page
    text = _visible_text(page)
    for needle in (HOSTILE_OUTLET, HOSTILE_QUOTE, HOSTILE_TITLE, HOSTILE_HOLDER, "https://example.org/news?id=<1>"):
        assert needle in text, needle
    # The quote is highlighted inside its (escaped) sentence.
    assert f'Sources say <mark class="quote">{html.escape(HOSTILE_QUOTE)}</mark> troops &lt;i&gt;arrive' in page


def test_report_holds_no_script_no_external_resource_and_no_link_out(ledger: pd.DataFrame, stances: pd.DataFrame):
    page = claims_html(_hostile(ledger), stances)
    for marker in ("<script", "<link", "@import", "<iframe", "<object", "<embed", "<img"):
        assert marker not in page, marker
    assert not re.search(r"<[^>]*\bsrc=", page)  # "src=" only in the escaped quote's text
    assert not re.search(r"url\((?!#)", page)
    # Links only within the page; the heatmap's cells are an image inside its SVG, as a data: URI.
    assert not re.search(r'href="(?!#|data:image/png;base64,)', page)
    # A document's URL is text: the one "https://" of the page is inside a text node.
    assert page.count("https://") == 1 and "http://" not in page
    assert "http" not in claims_html(ledger, stances)


def test_report_shows_every_group_and_every_discrepancy(ledger: pd.DataFrame, stances: pd.DataFrame):
    page = claims_html(ledger, stances)
    text = _visible_text(page)
    groups, found = claim_groups(ledger), discrepancies(ledger)
    assert set(found["kind"]) == {"value", "qualifier", "holder", "evidence"}  # each planted kind is found
    for group, label in zip(groups["group"], groups["group_label"]):
        assert '<section class="group' in page and f'id="{group}"' in page, group
        assert f"{group} · {label}" in text
    for row in found.to_dict("records"):
        assert row["detail"] in text
        assert f'href="#{row["group"]}"' in page
    # Groups most disputed first: g1 (four kinds), then g2 (value).
    assert re.findall(r'<section class="group[^"]*" id="(g\d+)"', page)[:2] == ["g1", "g2"]
    # The header counts; the disputed group's claims side by side, each card with its kinds.
    assert "documents5" in text.replace(" ", "") and f"claims{len(ledger)}" in text.replace(" ", "")
    assert "5: AFP, El País, Público, TASS, Ukrinform" in text and "5: en, es, pt, ru, uk" in text
    g1 = page.split('id="g1"')[1].split("</section>")[0]
    assert len(re.findall(r'<div class="card[ "]', g1)) == 5 and '<span class="chip k-value"' in g1
    assert 'class="card disc k-value has-value"' in g1  # Ukrinform's 15,000
    assert 'class="card disc k-qualifier has-qualifier has-holder"' in g1  # TASS's plain 9,000
    # The quote in its original language inside its sentence, the sentence's English below it.
    assert 'перекинула до Білорусі <mark class="quote">15 000 військових</mark>.' in g1
    assert '<p class="translation" lang="en">The General Staff of Ukraine claims that Russia' in g1
    assert "holder: <b>General Staff of Ukraine</b> · evidence: <b>alleged</b>" in g1
    # Plots: discrepancies, timeline, stances, reporting; without stances only the first two.
    assert page.count("<figure") == 4 and page.count("<svg") == 4
    assert claims_html(ledger).count("<svg") == 2


def test_report_of_an_empty_ledger_says_so(ledger: pd.DataFrame):
    page = claims_html(ledger.iloc[:0])
    assert "No claims." in _visible_text(page) and "<svg" not in page


def test_write_claims_report_round_trips_csv_and_parquet(ledger: pd.DataFrame, stances: pd.DataFrame, tmp_path: Path):
    out = tmp_path / "exports" / "claims.html"
    files = write_claims_report(
        ledger, out, stances=stances, out_csv=tmp_path / "exports" / "claims.csv",
        out_parquet=tmp_path / "tables" / "claims.parquet",
    )  # fmt: skip
    assert files.html == out and out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert (out.stat().st_mode & 0o777) == 0o644
    back = pd.read_parquet(files.parquet)
    pd.testing.assert_frame_equal(back, ledger)  # values, dtypes and the UTC times as they were
    table = pd.read_csv(files.csv, encoding="utf-8")
    assert list(table.columns) == list(ledger.columns) and table["claim"].tolist() == ledger["claim"].tolist()
    assert table["quote"].tolist() == ledger["quote"].tolist() and table["value"].tolist() == ledger["value"].tolist()
    assert pd.to_datetime(table["published"], utc=True).tolist() == ledger["published"].tolist()
    # Same ledger, same bytes; nothing else left beside the files.
    before = out.read_bytes()
    write_claims_report(ledger, out, stances=stances)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["claims.csv", "claims.html"]


def test_write_claims_report_onto_a_folder_replaces_no_file(ledger: pd.DataFrame, tmp_path: Path):
    (tmp_path / "reports").mkdir()
    csv = tmp_path / "claims.csv"
    csv.write_text("old table", "utf-8")
    with pytest.raises(OutputError, match=r"Cannot write .*reports: it is a folder, not a file"):
        write_claims_report(ledger, tmp_path / "page.html", out_csv=csv, out_parquet=tmp_path / "reports")
    assert csv.read_text("utf-8") == "old table"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "reports"]


def test_write_claims_report_failure_leaves_the_old_page(
    ledger: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "claims.html"
    out.write_text("old report", "utf-8")

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OutputError, match=r"Cannot write .*claims.html: disk full"):
        write_claims_report(ledger, out)
    assert out.read_text("utf-8") == "old report" and [p.name for p in tmp_path.iterdir()] == ["claims.html"]


def test_write_claims_report_refuses_one_path_for_two_files(ledger: pd.DataFrame, tmp_path: Path):
    with pytest.raises(ValueError, match="give each its own name"):
        write_claims_report(ledger, tmp_path / "r.html", out_csv=tmp_path / "r.csv", out_parquet=tmp_path / "r.csv")
