"""``annot claims`` on the hand-made multi-outlet project: the groups with discrepancies, the report, the tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from annot.cli.claims_cmd import NO_CLAIMS
from tests.analysis.outlets import build_outlets_project
from tests.cli.test_cli import run


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("claims")
    store, ids = build_outlets_project(folder)
    store.close()
    return folder / "project", ids


def _one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    return lines[0]


def test_claims_cli_prints_the_disputed_groups_and_writes_report_csv_and_parquet(
    project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal: one line per group
    folder, _ = project
    out, csv, parquet = tmp_path / "exports" / "claims.html", tmp_path / "c.csv", tmp_path / "t" / "c.parquet"
    result = run(folder, "claims", "--out", str(out), "--csv", str(csv), "--parquet", str(parquet))
    lines = result.output.splitlines()
    assert lines[0] == "12 claims in 5 documents, 7 groups, 2 with discrepancies"
    assert lines[1].split() == ["group", "label", "values", "outlets", "discrepancies"]
    rows = [line.split()[0] for line in lines[2:] if line.strip() and line.split()[0].startswith("g")]
    assert rows == ["g1", "g2"]  # only the disputed groups
    g1 = next(line for line in lines if line.split()[:1] == ["g1"])
    assert (
        "up to 9,000 (3) · " in g1
        and "15,000 (1)" in g1
        and " 9,000 (1)" in g1
        and "value, qualifier, holder, evidence" in g1
    )
    # Sources by outlet, else counted (these documents name no outlet), with their languages.
    assert "4 documents (en, es, ru, uk)" in g1
    for line in (f"Wrote {out}", f"Wrote {csv}", f"Wrote {parquet}"):
        assert line in result.output
    page = out.read_text("utf-8")
    assert page.count('<section class="group') == 7 and page.count("<svg") == 4
    ledger = pd.read_parquet(parquet)
    assert len(ledger) == 12 and set(ledger["lang"]) == {"en", "ru", "uk", "es", "pt"}
    assert pd.read_csv(csv)["claim"].tolist() == ledger["claim"].tolist()


def test_claims_cli_reads_the_documents_named_and_its_event_settings(project, tmp_path: Path):
    folder, ids = project
    out = tmp_path / "two.html"
    # TASS and Ukrinform both name Russia and Belarus: one event, unless three shared actors are asked for.
    text = run(folder, "claims", ids["tass"], ids["ukrinform"], "--out", str(out)).output
    assert "2 claims in 2 documents, 1 groups, 1 with discrepancies" in text  # 9,000 against 15,000
    text = run(folder, "claims", ids["tass"], ids["ukrinform"], "--out", str(out), "--shared-actors", "3").output
    assert "2 claims in 2 documents, 2 groups, 0 with discrepancies" in text
    # Events need three shared actors: no version shares that many with another, so nothing is grouped.
    alone = run(folder, "claims", "--out", str(out), "--shared-actors", "3", "--window-days", "0.5").output
    assert "with discrepancies" in alone and ", 0 with discrepancies" in alone


def test_claims_cli_without_quantity_claims_prints_the_hint(tmp_path: Path):
    folder = tmp_path / "empty"
    run(folder, "init")
    out = tmp_path / "claims.html"
    result = run(folder, "claims", "--out", str(out))
    assert result.output.strip() == NO_CLAIMS and not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "{tmp}"], "Cannot write {tmp}: it is a folder, not a file"),
        (["--out", "{tmp}/r.html", "--csv", "{tmp}/r.html"], "give each its own name"),
        (["--window-days", "-1"], "--window-days and --shared-actors must be 0 or more"),
        (["no-such-document"], "No document 'no-such-document'"),
    ],
)
def test_claims_cli_errors_are_one_line_and_exit_2(project, tmp_path: Path, args: list[str], message: str):
    folder, _ = project
    result = run(folder, "claims", *(a.format(tmp=tmp_path) for a in args), code=2)
    assert message.format(tmp=tmp_path) in _one_line_error(result.stderr)
