"""Compare's flags on the projection gold's project: the seed's gold spans, six frozen routes, the human Spanish.

The real store, the real projection (``annot.project.cached.document_projection``), the frozen engine outputs
of ``tests/data/projection/``: no engine runs (no round trip), nothing is mocked.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from annot.compare import compare, corpus_scores, side_by_side_html, write_report
from annot.compare.report import to_report_html
from tests.project.conftest import DATA, build_gold_project

ROUTES = {"apertium en>es": "apertium", "argos+apertium en>pt>es": "argos+apertium",
          "bergamot+apertium en>pt>es": "bergamot+apertium"}  # fmt: skip


@pytest.fixture(scope="module")
def gold_es(tmp_path_factory: pytest.TempPathFactory):
    """The gold project compared in Spanish against the human version, its report and CSV written."""
    store, seed, spanish = build_gold_project(tmp_path_factory.mktemp("gold"))
    frame = compare(seed, store, target="es", reference="auto", round_trip=False)
    out = tmp_path_factory.mktemp("exports") / "compare.html"
    files = write_report(frame, corpus_scores(frame, n_bootstrap=50), out, out_csv=out.with_suffix(".csv"))
    yield store, seed, spanish, frame, files
    store.close()


def _block(page: str, sentence: int, engine: str) -> str:
    """The HTML of one engine's translation of one sentence in the report."""
    row = re.search(rf'<tr class="[^"]*" id="s{sentence}">(.*?)</tr>', page, re.S).group(1)
    blocks = re.findall(r'<div class="mt [^"]*">(.*?</div>.*?)(?=<div class="mt |$)', row, re.S)
    return next(b for b in blocks if f'<span class="engine">{html.escape(engine)}</span>' in b)


def _marked(block: str, kind: str) -> list[str]:
    """The texts of the ranges ``kind`` marks in a block (a range the diff splits is joined back)."""
    slug = kind.replace(" ", "_")
    text = re.sub(r"<del>.*?</del>|</?ins>", "", block)
    text = re.sub(rf'</mark><mark class="flag-range k-{slug}"[^>]*>', "", text)
    return [html.unescape(m) for m in re.findall(rf'<mark class="flag-range k-{slug}"[^>]*>(.*?)</mark>', text)]


def test_gold_compares_the_three_routes_against_the_human_version(gold_es):
    _, _, spanish, frame, _ = gold_es
    assert frame.attrs["engines"] == ["argos+apertium", "bergamot+apertium", "apertium"]
    assert frame.attrs["reference_doc"] == spanish and frame["reference"].notna().sum() == 13


def test_gold_report_flags_belarusian_left_in_english_by_apertium(gold_es):
    _, _, _, frame, files = gold_es
    flags = [f for f in frame.at[2, "flags.apertium"] if f["kind"] == "wrong language"]
    assert any("Belarusian" in frame.at[2, "text.apertium"][f["start"] : f["end"]] for f in flags)
    block = _block(files.html.read_text("utf-8"), 2, "apertium")
    assert any("Belarusian" in m for m in _marked(block, "wrong language"))
    assert "⚠ wrong language:" in block and "left in English: &quot;Belarusian&quot;" in block


def test_gold_report_flags_9000_in_spanish_style(gold_es):
    _, _, _, frame, files = gold_es
    assert "number style" in frame.at[0, "flag_kinds.apertium"]
    block = _block(files.html.read_text("utf-8"), 0, "apertium")
    assert any("9,000" in m for m in _marked(block, "number style"))
    assert "reads as 9 in Spanish" in block
    # argos and bergamot wrote 9.000 (through Portuguese): no such flag.
    assert "number style" not in frame.at[0, "flag_kinds.argos+apertium"]


def test_gold_human_version_is_never_flagged(gold_es):
    _, _, _, frame, files = gold_es
    page = files.html.read_text("utf-8")
    references = re.findall(r'<p class="ref">(.*?)</p>', page, re.S)
    assert len(references) == 13 and not any("<mark" in r or "flag" in r for r in references)
    assert not [c for c in frame.columns if c.startswith("flags.") and "reference" in c]


def test_gold_no_names_missing_on_rightly_translated_institutions(gold_es):
    """0.1 flagged "names missing: Belarusian Defense Ministry" on every right translation of it."""
    _, _, _, frame, files = gold_es
    page = files.html.read_text("utf-8")
    assert "names missing" not in page and "Ministerio de Defensa bielorruso" in page  # the human version's
    ok_names = [json.loads(line) for line in (DATA / "ok_names.jsonl").read_text("utf-8").splitlines()]
    checked = 0
    for ok in ok_names:
        engine = ROUTES.get(ok["target"])
        if engine is None:
            continue
        checked += 1
        for f in frame.at[ok["sentence"], f"flags.{engine}"]:
            if f["kind"] not in ("lost", "changed", "wrong language"):
                continue
            overlaps = f["start"] is not None and f["start"] < ok["target_end"] and ok["target_start"] < f["end"]
            assert f["span_id"] != ok["source_span_id"] and not overlaps, (ok, f)
    assert checked >= 5


def test_gold_filters_and_counts_by_kind(gold_es):
    _, _, _, frame, files = gold_es
    page = files.html.read_text("utf-8")
    engines = frame.attrs["engines"]
    for kind in ("lost", "changed", "wrong language", "number style", "time lost", "added"):
        rows = {str(i) for i in frame.index if any(kind in frame.at[i, f"flag_kinds.{e}"] for e in engines)}
        shown = set(re.findall(r'id="s(\d+)"', side_by_side_html(frame, flag=kind)))
        assert shown == rows, kind
        assert f'<a href="#only-{kind.replace(" ", "_")}">{kind} ({len(rows)})</a>' in page
    # argos+apertium lost Monday ("Oriental" instead): the time lost filter shows sentence 2.
    assert "2" in re.findall(r'id="s(\d+)"', side_by_side_html(frame, engine="argos+apertium", flag="time lost"))


def test_gold_csv_has_each_engines_flags_by_kind(gold_es):
    _, _, _, frame, files = gold_es
    back = pd.read_csv(files.csv, encoding="utf-8", keep_default_na=False)
    for engine in frame.attrs["engines"]:
        for col in ("flags", "lost", "changed", "wrong_language", "number_style", "time_lost", "added",
                    "flag_kinds", "dismissed", "failed"):  # fmt: skip
            assert f"{col}.{engine}" in back.columns, (col, engine)
        assert back[f"flags.{engine}"].tolist() == [len(f) for f in frame[f"flags.{engine}"]]
    assert back.loc[0, "number_style.apertium"].startswith("up to 9,000 military personnel -> hasta 9,000 (")
    assert "Belarusian" in back.loc[2, "wrong_language.apertium"]


def test_gold_dismissed_flag_drops_out_of_the_counts_and_comes_back(tmp_path: Path):
    store, seed, _ = build_gold_project(tmp_path / "project")
    before = compare(seed, store, target="es", round_trip=False)
    (flag,) = [f for f in before.at[0, "flags.apertium"] if f["kind"] == "number style"]
    was = corpus_scores(before, n_bootstrap=10)
    store.dismiss_flag(seed, 0, "apertium", "number style", flag["value"])  # the annotator: "the translation is right"
    after = compare(seed, store, target="es", round_trip=False)
    assert flag["id"] not in [f["id"] for f in after.at[0, "flags.apertium"]]
    assert (
        after.at[0, "dismissed.apertium"] == [flag["id"]] and "number style" not in after.at[0, "flag_kinds.apertium"]
    )
    scores = corpus_scores(after, n_bootstrap=10)
    assert scores.at["apertium", "number_style"] == was.at["apertium", "number_style"] - 1
    assert scores.at["apertium", "flags"] == was.at["apertium", "flags"] - 1
    assert scores.at["argos+apertium", "flags"] == was.at["argos+apertium", "flags"]  # another route's flags stay
    page = to_report_html(after, scores)
    assert "0" not in re.findall(r'id="s(\d+)"', side_by_side_html(after, engine="apertium", flag="number style"))
    assert "(1 dismissed)" in page
    # Taken back: the flag counts again.
    assert store.undismiss_flag(seed, 0, "apertium", flag["id"])
    again = compare(seed, store, target="es", round_trip=False)
    assert [f["id"] for f in again.at[0, "flags.apertium"]] == [f["id"] for f in before.at[0, "flags.apertium"]]
    store.close()
