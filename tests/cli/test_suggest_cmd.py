"""``annot suggest`` on a real project with the real suggesters, and its suggestions through export and import."""

from __future__ import annotations

import json
from pathlib import Path

from annot import open_project
from tests.cli.test_cli import run

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
EN = CORPUS / "belarus-russian-grouping-2022-10-17.en.txt"
ES = CORPUS / "belarus-agrupacion-rusa-2022-10-17.es.txt"


def _ingested(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    run(project, "ingest", str(EN), str(ES))
    return project


def test_suggest_cmd_prints_per_document_and_suggester_then_nothing_new(tmp_path: Path):
    project = _ingested(tmp_path)
    out = run(project, "suggest").output.splitlines()
    assert len(out) == 7, out  # two documents x three suggesters, then the totals
    assert out[0].startswith("belarus-") and ": actors.v2: " in out[0] and " added, 0 already there" in out[0]
    assert out[-1].endswith("s)") and "(2 documents, 28 sentences" in out[-1]
    again = run(project, "suggest").output.splitlines()
    assert again[-1].startswith("0 suggestions added, ")
    assert all(" 0 added, " in line for line in again[:-1])


def test_suggest_cmd_only_documents_and_suggesters_named(tmp_path: Path):
    project = _ingested(tmp_path)
    out = run(project, "suggest", "belarus-agrupacion", "--only", "quantities", "--min-confidence", "0.5").output
    assert out.splitlines()[0].startswith("belarus-agrupacion-rusa-2022-10-17-dd6d001dc527: quantities.v2: 7 added")
    with open_project(project) as store:
        assert set(store.spans()["annotator"]) == {"suggest:quantities.v2"}


def test_suggest_cmd_ner_finds_russian_people_no_rule_knows(tmp_path: Path):
    project = tmp_path / "p"
    path = tmp_path / "visit.ru.txt"
    # "в Минске" would be a place only, no actor: Minsk speaks here.
    path.write_text("Вчера Иван Петров встретился с журналистами, сообщил Минск.\n", "utf-8")
    run(project, "ingest", str(path))
    assert ": actors.v2: 1 added" in run(project, "suggest", "--only", "actors").output
    assert ": actors.v2: 1 added, 1 already there" in run(project, "suggest", "--only", "actors", "--ner").output
    with open_project(project) as store:
        assert sorted(store.spans()["text"]) == ["Иван Петров", "Минск"]


def test_suggest_cmd_errors_are_one_line(tmp_path: Path):
    project = _ingested(tmp_path)
    result = run(project, "suggest", "--only", "actors,stanse", code=2)
    assert result.output.strip() == "error: Unknown suggester 'stanse'. Known suggesters: actors, quantities, stance."
    result = run(project, "suggest", "nosuchdoc", code=2)
    assert result.output.strip().startswith("error: No document 'nosuchdoc'")
    result = run(project, "suggest", "--min-confidence", "2", code=2)
    assert "from 0 to 1" in result.output


def test_suggest_cmd_suggestions_export_and_import_byte_identical(tmp_path: Path):
    project = _ingested(tmp_path)
    run(project, "suggest")
    with open_project(project) as store:
        kremlin = next(s for s in store.iter_spans() if s.text == "Kremlin")
        store.update_span(kremlin.id, status="rejected")
        confidences = store.confidences()
    first = tmp_path / "first.jsonl"
    run(project, "export", "--out", str(first))
    spans = [span for line in first.read_text("utf-8").splitlines() for span in json.loads(line)["spans"]]
    assert {s["id"]: s["confidence"] for s in spans if "confidence" in s} == confidences
    assert all(s["origin"] == "suggested" and s["annotator"].startswith("suggest:") for s in spans)
    other = tmp_path / "other"
    run(other, "import", str(first))
    second = tmp_path / "second.jsonl"
    run(other, "export", "--out", str(second))
    assert second.read_bytes() == first.read_bytes()
    # The imported project knows what was rejected: suggesting there adds nothing.
    out = run(other, "suggest").output.splitlines()
    assert out[-1].startswith("0 suggestions added,") and " 1 rejected before" in out[-1]
