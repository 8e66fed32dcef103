"""``annot export --format`` and ``annot import --format``: default files, what was left out, bad files refused."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from annot.export.formats import EXPORT_FORMATS
from annot.pipeline import open_project
from tests.cli.test_read_only import _hashes

ROOT = Path(__file__).resolve().parents[2]
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "seed.annot.jsonl"
runner = CliRunner()
PRESENT = [name for name, module in EXPORT_FORMATS.items() if importlib.util.find_spec(f"annot.export.{module}")]
ABSENT = [name for name in EXPORT_FORMATS if name not in PRESENT]


def run(project: Path, *args: str, code: int = 0):
    result = runner.invoke(app, ["--project", str(project), "--annotator", "cli", *args])
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    return result


def _error(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def gold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project holding the seed gold, the current folder its parent (default outputs go to exports/)."""
    monkeypatch.chdir(tmp_path)
    project = tmp_path / "gold"
    run(project, "import", str(SEED_GOLD))
    return project


@pytest.mark.parametrize(
    ("format", "default", "beside"),
    [
        ("jsonl", "exports/corpus.jsonl", None),
        ("doccano", "exports/corpus.doccano.jsonl", None),
        ("label-studio", "exports/corpus.label-studio.json", "exports/corpus.label-studio.config.xml"),
    ],
)
def test_cli_export_format_writes_its_default_file(gold: Path, tmp_path: Path, format: str, default: str, beside):
    out = run(gold, "export", "--format", format).output
    assert (tmp_path / default).is_file() and f"Wrote {default}" in out
    if beside:
        assert (tmp_path / beside).is_file() and f"and {beside}" in out
    if format != "jsonl":
        assert f"({format}): 1 documents, 48 spans" in out


def test_cli_export_prints_every_reason_a_span_was_left_out(gold: Path, tmp_path: Path):
    with open_project(gold) as store:
        minsk = next(s for s in store.iter_spans(label="ACTOR") if s.text == "Minsk")
        store.update_span(minsk.id, status="rejected")
    out = run(gold, "export", "--format", "doccano", "--out", str(tmp_path / "d.jsonl")).output
    assert "left out 1: rejected suggestion (doccano has no status), e.g. ACTOR 'Minsk' in " in out
    assert "holder_span naming a span not exported" in out


@pytest.mark.parametrize("format", ["doccano", "label-studio"])
def test_cli_import_format_into_a_fresh_project(gold: Path, tmp_path: Path, format: str):
    out = tmp_path / f"seed.{format}"
    run(gold, "export", "--format", format, "--out", str(out))
    fresh = tmp_path / "fresh"
    assert (
        "1 documents added, 0 unchanged, 48 spans written" in run(fresh, "import", "--format", format, str(out)).output
    )
    assert "1 unchanged, 0 spans written" in run(fresh, "import", "--format", format, str(out)).output


@pytest.mark.parametrize("format", ABSENT or ["(none)"])
def test_cli_a_format_not_present_yet_is_a_clean_error(tmp_path: Path, format: str):
    if not ABSENT:
        pytest.skip("every format is present")
    line = _error(run(tmp_path / "p", "export", "--format", format, code=2))
    assert f"Format {format!r} is not available" in line and "doccano" in line
    if format != "conll":
        path = tmp_path / "any.file"
        path.write_text("{}\n", "utf-8")
        assert "is not available" in _error(run(tmp_path / "p", "import", "--format", format, str(path), code=2))
    assert not (tmp_path / "p").exists()


def test_cli_unknown_format_lists_the_valid_ones(gold: Path):
    line = _error(run(gold, "export", "--format", "xml", code=2))
    assert "Unknown format 'xml'; use one of: jsonl, doccano, label-studio" in line
    assert "use one of: jsonl, doccano" in _error(run(gold, "import", "--format", "conll", str(SEED_GOLD), code=2))
    assert "--unit sentence is for --format jsonl only" in _error(
        run(gold, "export", "--format", "doccano", "--unit", "sentence", code=2)
    )
    assert "--partial is for --format jsonl only" in _error(
        run(gold, "import", "--format", "doccano", "--partial", str(SEED_GOLD), code=2)
    )


_LINE_2 = {
    "not JSON": ("doccano", "{\"text\": 'Minsk'}", "not JSON"),
    "span out of range": ("doccano", {"text": "Minsk", "entities": [
        {"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 50}]}, "out of range"),
    "unknown label": ("doccano", {"text": "Minsk", "entities": [
        {"id": 1, "label": "PLACE", "start_offset": 0, "end_offset": 5}]}, "Unknown label 'PLACE'"),
    "relation to a missing id": ("doccano", {"text": "Minsk", "entities": [], "relations": [
        {"id": 1, "from_id": 1, "to_id": 2, "type": "holder"}]}, "names entity 1"),
    "Label Studio, not JSON": ("label-studio", '{"data": {"text": "Minsk"}', "not JSON"),
    "Label Studio, unknown label": ("label-studio", {"data": {"text": "Minsk"}, "annotations": [{"result": [
        {"id": "r", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 0, "end": 5, "labels": ["PLACE"]}}]}]}, "Unknown label 'PLACE'"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(_LINE_2))
def test_cli_bad_file_is_refused_in_one_line_and_the_project_is_unchanged(gold: Path, tmp_path: Path, case: str):
    format, bad, needle = _LINE_2[case]
    first = {"text": "A first good document."} if format == "doccano" else {"data": {"text": "A first good one."}}
    body = json.dumps(first) + "\n" + (bad if isinstance(bad, str) else json.dumps(bad)) + "\n"
    path = tmp_path / ("bad.jsonl" if format == "doccano" else "bad.json")
    path.write_text(body if format == "doccano" else "[" + body.replace("\n", ",\n", 1) + "]\n", "utf-8")
    before = _hashes(gold)
    line = _error(run(gold, "import", "--format", format, "--lang", "en", str(path), code=2))
    assert f"{path}:2: " in line and needle in line and "nothing was imported" in line
    assert _hashes(gold) == before


@pytest.mark.parametrize("name", list(EXPORT_FORMATS))
def test_every_format_has_a_default_file_under_exports(name: str):
    from annot.export.formats import default_out

    out = default_out(name)
    assert out.parent.name == "exports" and out.name.startswith("corpus.") and ".." not in out.name
