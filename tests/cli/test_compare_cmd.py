"""``annot compare`` end to end: the real store, Apertium, the seed article and its hand-written Spanish version."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from annot.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(project: Path, *args: str, code: int = 0):
    result = runner.invoke(app, ["--project", str(project), *args])
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    run(project, "ingest", str(ROOT / "corpus"))
    return project


@pytest.mark.slow
def test_compare_with_reference_links_aligns_and_writes_the_report(project: Path, tmp_path: Path):
    out = tmp_path / "exports" / "compare.html"
    args = ["compare", "belarus-russian", "--to", "es", "--reference", "belarus-agrupacion", "--engine", "apertium"]
    result = run(project, *args, "--out", str(out))
    text = result.output
    assert re.search(r"\d+ beads: .*1-2", text), text  # linked and aligned first
    assert "reference belarus-agrupacion-rusa-2022-10-17-" in text
    assert re.search(r"chrF\s+\d+\.\d \[\d+\.\d–\d+\.\d\]", text), text
    assert f"Wrote {out}" in text and f"Wrote {out.with_suffix('.csv')}" in text

    page = out.read_text("utf-8")
    assert len(re.findall(r'<tr class="sentence', page)) == 14
    assert "Rusia enviará unos 170 tanques" in page and "<del>" in page and page.count("<svg") == 2
    assert "<h1>Translations of “Belarus russian grouping 2022-10-17” into es<small" in page  # its title, not id
    frame = pd.read_csv(out.with_suffix(".csv"), encoding="utf-8")
    assert len(frame) == 14 and frame["sentence"].tolist() == list(range(14))
    assert frame["chrf.apertium"].notna().sum() >= 12 and frame["roundtrip.apertium"].notna().all()
    assert frame["route.apertium"].eq("en>es").all()

    # Already aligned: not aligned again (a person's edits to the alignment stay), same scores.
    again = run(project, *args, "--out", str(out)).output
    assert "beads:" not in again and re.search(r"chrF\s+\d", again)


@pytest.mark.slow
def test_compare_without_reference_and_round_trip(project: Path, tmp_path: Path):
    out = tmp_path / "pt.html"
    csv = tmp_path / "tables" / "pt.csv"
    text = run(project, "compare", "belarus-russian", "--to", "pt", "-e", "apertium", "--no-round-trip",
               "--out", str(out), "--csv", str(csv)).output  # fmt: skip
    assert "no reference" in text and "chrF" not in text and "flagged %" in text and "flags" in text
    frame = pd.read_csv(csv, encoding="utf-8")
    assert {"flags.apertium", "lost.apertium", "wrong_language.apertium", "number_style.apertium"} <= set(frame)
    assert frame["chrf.apertium"].isna().all() and frame["roundtrip.apertium"].isna().all()
    assert frame["route.apertium"].eq("en>es>pt").all()  # no en->pt pair: through Spanish
    assert "none: scores are round trip and agreement" in out.read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["compare", "nope", "--to", "es"], "nope"),
        (["compare", "belarus-russian", "--to", "pt", "--reference", "belarus-agrupacion"], "--to es"),
        (["compare", "belarus-russian", "--to", "es", "--engine", "google"], "google"),
        (["compare", "belarus-russian", "--to", "en"], "already in en"),
        (["compare", "belarus-russian", "--to", "es", "--out", "x.html", "--csv", "x.html"], "another name"),
    ],
)
def test_compare_errors_are_one_line_with_exit_code_2(project: Path, args: list[str], needle: str):
    result = run(project, *args, code=2)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], result.stderr
