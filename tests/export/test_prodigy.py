"""Prodigy JSONL: golden file of the seed article, round trip through import_as, bad files refused whole."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annot.errors import FormatError
from annot.exchange import export_as, import_as
from annot.export import prodigy
from annot.export.formats import LeftOut
from annot.export.tokens import NOT_ON_TOKENS, token_bounds, tokenize
from annot.pipeline import open_project
from tests.export.format_cases import SEED_SPANS, case_store, golden, seed_store, stored
from tests.export.strategies import cases


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory):
    store = seed_store(tmp_path_factory.mktemp("seed") / "project")
    yield store
    store.close()


def test_prodigy_seed_matches_golden_file(seed, tmp_path: Path):
    result = export_as(seed, tmp_path / "seed.prodigy.jsonl", "prodigy")
    assert (result.documents, result.spans, result.left_out) == (1, SEED_SPANS, ())
    assert result.path.read_bytes() == golden("seed.prodigy.jsonl", result.path).read_bytes()


def test_prodigy_task_has_prodigys_keys_and_inclusive_token_end(seed, tmp_path: Path):
    out = export_as(seed, tmp_path / "seed.prodigy.jsonl", "prodigy").path
    (task,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert task["answer"] == "accept" and task["meta"]["lang"] == "en"
    assert {"text", "start", "end", "id", "ws"} <= set(task["tokens"][0])
    text, tokens = task["text"], task["tokens"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text
    for span in task["spans"]:
        first, last = tokens[span["token_start"]], tokens[span["token_end"]]  # token_end is inclusive
        assert (first["start"], last["end"]) == (span["start"], span["end"])
    minsk = next(s for s in task["spans"] if text[s["start"] : s["end"]] == "Minsk")
    assert minsk["attrs"] == {"canonical": "Belarus", "type": "state"}
    holder = {(r["head_span"]["label"], r["child_span"]["label"], r["label"]) for r in task["relations"]}
    assert holder == {("ACTOR", "STANCE", "HOLDER"), ("ACTOR", "STANCE", "TARGET")}


def test_prodigy_seed_round_trip_keeps_every_span_and_attribute(seed, tmp_path: Path):
    export_as(seed, tmp_path / "seed.prodigy.jsonl", "prodigy")
    with open_project(tmp_path / "copy") as copy:
        result = import_as(copy, tmp_path / "seed.prodigy.jsonl", "prodigy")
        assert (result.documents_added, result.spans_written) == (1, SEED_SPANS)
        assert stored(copy) == stored(seed)
        assert copy.documents()["lang"].tolist() == ["en"]


def test_prodigy_answers_by_status_and_span_off_tokens_counted(tmp_path: Path):
    case = {"text": "Minsk says Kyiv attacked.", "lang": "en", "spans": [
        (0, 5, "ACTOR", {"type": "state"}, "accepted", None), (11, 15, "ACTOR", {}, "pending", None),
        (16, 24, "ACTOR", {}, "rejected", None), (1, 5, "ACTOR", {}, "accepted", None),
        (0, 24, "STANCE", {}, "accepted", 3),
    ]}  # fmt: skip
    store, _, _ = case_store(tmp_path / "p", case)
    with store:
        result = export_as(store, tmp_path / "x.jsonl", "prodigy")
    tasks = [json.loads(line) for line in result.path.read_text("utf-8").splitlines()]
    assert [t.get("answer") for t in tasks] == ["accept", None, "reject"]
    assert [[s["start"] for s in t["spans"]] for t in tasks] == [[0, 0], [11], [16]]
    found = {u.reason: (u.count, u.example) for u in result.left_out}
    assert found.keys() == {NOT_ON_TOKENS, "holder_span names a span left out (the attribute is dropped)"}
    count, named = found[NOT_ON_TOKENS]
    assert count == 1 and named.startswith("ACTOR 'insk' in ") and named.endswith(" at 1-5")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not JSON"),
        ('["a list"]', "a list, not a task"),
        ('{"spans": []}', 'no "text"'),
        ('{"text": "Minsk", "answer": "maybe"}', "\"answer\" is 'maybe'"),
        ('{"text": "Minsk", "spans": [{"start": 0, "end": 9, "label": "ACTOR"}]}', "outside the text"),
        ('{"text": "Minsk", "spans": [{"start": 0, "end": 5}]}', 'no "label"'),
        ('{"text": "Minsk", "spans": [{"start": "0", "end": 5, "label": "ACTOR"}]}', 'no integer "start"'),
    ],
)
def test_prodigy_bad_file_refused_in_one_line_store_unchanged(tmp_path: Path, line: str, problem: str):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "Kyiv is a city.", "answer": "accept"}\n' + line + "\n", encoding="utf-8")
    with open_project(tmp_path / "p") as store:
        with pytest.raises(FormatError) as caught:
            import_as(store, path, "prodigy")
        assert store.documents().empty
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}:2: ") and problem in message


def test_prodigy_import_reads_relations_and_foreign_tasks(tmp_path: Path):
    head = {"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "ACTOR"}
    child = {"start": 0, "end": 21, "token_start": 0, "token_end": 3, "label": "STANCE"}
    relation = {"head": 0, "child": 3, "head_span": head, "child_span": child, "label": "HOLDER"}
    task = {"text": "Minsk denies the raid", "spans": [head, child], "answer": "accept", "_annotator_id": "ds-ann",
            "relations": [relation]}  # fmt: skip
    ignored = {"text": "Skipped text here.", "spans": [{"start": 0, "end": 7, "label": "ACTOR"}], "answer": "ignore"}
    path = tmp_path / "db-out.jsonl"
    path.write_text(json.dumps(task) + "\n" + json.dumps(ignored) + "\n", encoding="utf-8")
    docs = list(prodigy.read(path))
    assert [len(d.spans) for d in docs] == [2, 0]
    actor, stance = docs[0].spans
    assert stance.attrs == {"holder_span": actor.ref} and actor.annotator == "ds-ann"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_prodigy_round_trip_keeps_every_span_on_tokens(case):
    with tempfile.TemporaryDirectory() as tmp:
        store, doc, spans = case_store(Path(tmp) / "a", case)
        tokens = tokenize(doc.text, doc.lang)
        off = [s for s in spans if token_bounds(tokens, s.start, s.end) is None]
        with store:
            result = export_as(store, Path(tmp) / "x.jsonl", "prodigy")
            expected = [s for s in stored(store) if token_bounds(tokens, s[0], s[1]) is not None]
        counted = {u.reason: u.count for u in result.left_out}
        assert counted.get(NOT_ON_TOKENS, 0) == len(off) and result.spans == len(spans) - len(off)
        with open_project(Path(tmp) / "b") as copy:
            import_as(copy, result.path, "prodigy")
            assert copy.document(doc.id).text == doc.text
            dropped = counted.get("holder_span names a span left out (the attribute is dropped)", 0)
            got = stored(copy)
            if not dropped:
                assert got == expected
            assert [s[:4] for s in got] == [s[:4] for s in expected]


def test_prodigy_write_counts_left_out_for_every_reason():
    left_out = LeftOut()
    record = {"id": "d", "text": "ab cd", "lang": "en", "spans": [
        {"id": "sp-1", "start": 0, "end": 1, "label": "ACTOR", "text": "a", "attrs": {}},
        {"id": "sp-2", "start": 0, "end": 1, "label": "ACTOR", "text": "a", "attrs": {}},
    ]}  # fmt: skip
    (task,) = prodigy.to_tasks(record, left_out)
    assert task["spans"] == [] and [(u.reason, u.count) for u in left_out.report()] == [(NOT_ON_TOKENS, 2)]


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\u2029", "\x1c"])
def test_prodigy_text_with_a_line_separator_json_leaves_raw_round_trips(tmp_path: Path, separator: str):
    """JSON writes U+2028, NEL and the like unescaped; the reader splits lines at \\n only."""
    text = f"Minsk{separator}said so"
    record = {"type": "document", "id": "d", "title": "t", "lang": "en", "text": text, "sentences": [],
              "spans": [{"id": "s1", "label": "ACTOR", "start": 0, "end": 5, "text": "Minsk", "attrs": {},
                         "status": "accepted"}]}  # fmt: skip
    prodigy.write([record], tmp_path / "x.jsonl", LeftOut())
    (document,) = prodigy.read(tmp_path / "x.jsonl")
    assert document.text == text and [(s.start, s.end, s.label) for s in document.spans] == [(0, 5, "ACTOR")]
