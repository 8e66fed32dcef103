"""The projection gold (tests/data/projection/) is consistent with the seed gold, its frozen texts and its README."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "projection"
SEED = Path(__file__).parent / "data" / "gold" / "seed.annot.jsonl"
STATUSES = {"kept", "changed", "lost", "added"}
KINDS = {"lost", "changed", "added", "wrong language", "number style", "time lost"}
LABELS = {"ACTOR", "QUANTITY", "STANCE", "TIME"}
PARTS = {"span", "cue", "holder", "added"}
UNITS_PER_TARGET = 59  # 30 ACTOR + 7 QUANTITY spans, 11 STANCE x (cue, holder)


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


SEED_DOC = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])
SPANS = {sp["id"]: sp for sp in SEED_DOC["spans"]}
SOURCE = {s["index"]: s["text"] for s in SEED_DOC["sentences"]}
TRANSLATIONS = _jsonl("translations.jsonl")
REFERENCE = _jsonl("reference.es.jsonl")
PROJECTION = _jsonl("projection.jsonl")
ERRORS = _jsonl("errors.jsonl")
OK_NAMES = _jsonl("ok_names.jsonl")

TEXTS: dict[str, dict[int, str]] = {"reference:es": {r["sentence"]: r["text"] for r in REFERENCE}}
for _r in TRANSLATIONS:
    TEXTS.setdefault(f"{_r['engine']} {_r['route']}", {})[_r["sentence"]] = _r["translation"]
ROUTES = sorted(set(TEXTS) - {"reference:es"})


def _readme_table(header: str) -> dict[str, list[int]]:
    """Rows of the README table whose header row starts with `header`: target -> its numbers."""
    lines = (DATA / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        rows[cells[0]] = [int(c) for c in cells[1:]]
    return rows


def test_projection_gold_freezes_six_routes_of_the_whole_seed():
    assert len(ROUTES) == 6
    for route in ROUTES:
        assert sorted(TEXTS[route]) == sorted(SOURCE), route
    for r in TRANSLATIONS:
        assert r["source"] == SOURCE[r["sentence"]]
        assert r["translation"].strip()
    signatures = Counter((r["engine"], r["route"], r["signature"]) for r in TRANSLATIONS)
    assert len(signatures) == 6 and set(signatures.values()) == {14}  # one signature per route


def test_projection_gold_alignment_covers_both_documents():
    beads = json.loads((DATA / "alignment.json").read_text(encoding="utf-8"))["beads"]
    assert sorted(i for a, _ in beads for i in a) == sorted(SOURCE)
    assert sorted(j for _, b in beads for j in b) == sorted(TEXTS["reference:es"])


def test_projection_gold_rows_name_seed_spans_and_slice_their_texts():
    for r in PROJECTION:
        assert r["status"] in STATUSES, r
        assert r["label"] in LABELS and r["part"] in PARTS, r
        assert r["target"] in TEXTS, r
        target_text = TEXTS[r["target"]][r["sentence"]]
        if r["status"] == "added":
            assert r["source_span_id"] is None and r["part"] == "added", r
        else:
            span = SPANS[r["source_span_id"]]
            assert span["label"] == r["label"], r
            assert r["source_sentence"] == span["sentence"], r
            assert SOURCE[span["sentence"]][r["source_start"] : r["source_end"]] == r["source_text"], r
            if r["part"] == "span":
                assert r["source_text"] == span["text"], r
            if r["part"] == "holder":
                assert r["source_text"] == SPANS[span["attrs"]["holder_span"]]["text"], r
        if r["status"] == "lost":
            assert r["target_start"] is None and r["target_end"] is None and r["target_text"] == "", r
        else:
            assert target_text[r["target_start"] : r["target_end"]] == r["target_text"] != "", r
        if r["status"] == "changed":
            assert r["detail"], f"a changed row says what changed: {r}"


def test_projection_gold_marks_every_unit_once_per_target():
    units = Counter((r["target"], r["source_span_id"], r["part"]) for r in PROJECTION if r["status"] != "added")
    assert set(units.values()) == {1}
    per_target = Counter(t for t, _, _ in units)
    assert per_target == dict.fromkeys(TEXTS, UNITS_PER_TARGET)
    stances = sum(1 for sp in SPANS.values() if sp["label"] == "STANCE")
    assert len(SPANS) - stances + 2 * stances == UNITS_PER_TARGET


def test_projection_gold_reference_rows_follow_the_alignment():
    beads = json.loads((DATA / "alignment.json").read_text(encoding="utf-8"))["beads"]
    allowed = {i: set(b) for a, b in beads for i in a}
    for r in PROJECTION:
        if r["target"] == "reference:es" and r["status"] not in ("lost", "added"):
            assert r["sentence"] in allowed[r["source_sentence"]], r
        elif r["target"] != "reference:es" and r["status"] != "added":
            assert r["sentence"] == r["source_sentence"], r


def test_projection_gold_errors_are_real_slices_of_known_kinds():
    for e in ERRORS:
        assert e["kind"] in KINDS, e
        assert e["target"] in TEXTS and e["target"] != "reference:es", e
        assert e["detail"] and (e["source_text"] or e["target_text"]), e
        if e["source_span_id"] is not None:
            assert e["source_span_id"] in SPANS, e
        if e["source_text"]:
            assert e["source_text"] in SOURCE[e["source_sentence"]], e
        if e["target_text"]:
            text = TEXTS[e["target"]][e["sentence"]]
            assert text[e["target_start"] : e["target_end"]] == e["target_text"], e
        else:
            assert e["target_start"] is None and e["kind"] in ("lost", "time lost"), e


def test_projection_gold_ok_names_are_kept_institutions():
    kept = {(r["target"], r["source_span_id"]) for r in PROJECTION if r["status"] == "kept" and r["part"] == "span"}
    for o in OK_NAMES:
        assert (o["target"], o["source_span_id"]) in kept, o
        assert SPANS[o["source_span_id"]]["attrs"]["type"] in ("government body", "organization"), o
        assert TEXTS[o["target"]][o["sentence"]][o["target_start"] : o["target_end"]] == o["target_text"], o


def test_projection_gold_counts_match_the_readme():
    table = _readme_table("| target | rows |")
    for target in [*TEXTS, "all"]:
        rows = [r for r in PROJECTION if target in (r["target"], "all")]
        status = Counter(r["status"] for r in rows)
        errors = sum(1 for e in ERRORS if target in (e["target"], "all"))
        ok = sum(1 for o in OK_NAMES if target in (o["target"], "all"))
        want = [len(rows), status["kept"], status["changed"], status["lost"], status["added"], errors, ok]
        assert table[target] == want, target
    kinds_order = ["lost", "changed", "added", "wrong language", "number style", "time lost"]
    table = _readme_table("| target | lost | changed |")
    for target in [*TEXTS, "all"]:
        kinds = Counter(e["kind"] for e in ERRORS if target in (e["target"], "all"))
        assert table[target] == [kinds[k] for k in kinds_order], target
    header = (DATA / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"\({len(TRANSLATIONS)} rows: {len(ROUTES)} routes x {len(SOURCE)} sentences\)", header)


def test_projection_gold_files_are_what_the_marks_build():
    spec = importlib.util.spec_from_file_location("projection_build_gold", DATA / "build_gold.py")
    build_gold = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_gold)
    built = build_gold.build()
    assert built["projection"] == PROJECTION
    assert built["errors"] == ERRORS
    assert built["ok_names"] == OK_NAMES


@pytest.mark.parametrize("needle", ["Bielorrússia Oriental (10/17/2022)", "el Belarusian Ministerio de Defensa"])
def test_projection_gold_holds_the_issues_examples(needle: str):
    assert any(needle in t for texts in TEXTS.values() for t in texts.values())
