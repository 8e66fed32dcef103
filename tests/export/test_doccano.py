"""doccano JSONL with relations: the seed gold's golden file, round trips (property-tested), bad files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annot.errors import FormatError
from annot.exchange import export_as, import_as
from annot.export import doccano
from annot.export.formats import ForeignDocument, LeftOut, read_foreign
from annot.pipeline import open_project
from tests.export.conftest import FORMATS_GOLDEN, check_golden, store_round_trip, stored_spans
from tests.export.strategies import documents, expected_spans, read_spans

GOLDEN = FORMATS_GOLDEN / "seed.doccano.jsonl"


def test_doccano_export_matches_golden_file(gold_store, tmp_path: Path):
    done = export_as(gold_store, tmp_path / "seed.doccano.jsonl", "doccano")
    check_golden(done.path, GOLDEN)
    assert (done.documents, done.spans, done.left_out) == (1, 48, ())


def test_doccano_line_shape(gold_store, tmp_path: Path):
    done = export_as(gold_store, tmp_path / "out.jsonl", "doccano")
    (line,) = [json.loads(raw) for raw in done.path.read_text("utf-8").splitlines()]
    assert list(line) == ["id", "text", "entities", "relations", "annot"]
    entities = {e["id"]: e for e in line["entities"]}
    assert set(line["entities"][0]) == {"id", "label", "start_offset", "end_offset"}
    stance = next(e for e in line["entities"] if e["start_offset"] == 0 and e["label"] == "STANCE")
    (holder,) = [r for r in line["relations"] if r["from_id"] == stance["id"] and r["type"] == "holder"]
    minsk = entities[holder["to_id"]]
    assert line["text"][minsk["start_offset"] : minsk["end_offset"]] == "Minsk" and minsk["label"] == "ACTOR"
    assert line["annot"]["spans"][str(minsk["id"])] == {
        "attrs": {"canonical": "Belarus", "type": "state"}, "annotator": "gold:i12", "status": "accepted",
        "at": [minsk["start_offset"], minsk["end_offset"], "ACTOR"],
    }  # fmt: skip
    assert "holder_span" not in line["annot"]["spans"][str(stance["id"])]["attrs"]  # a relation, not an attribute
    assert line["annot"]["title"] == "Belarus russian grouping 2022-10-17" and line["annot"]["lang"] == "en"


def test_doccano_golden_into_a_fresh_store_keeps_every_span_label_and_attribute(gold_store, tmp_path: Path):
    with open_project(tmp_path / "fresh", annotator="someone") as fresh:
        result = import_as(fresh, GOLDEN, "doccano")
        assert (result.documents_added, result.spans_written) == (1, 48)
        assert stored_spans(fresh) == stored_spans(gold_store)
        (doc_id,) = {s.doc_id for s in fresh.iter_spans()}
        assert fresh.document(doc_id).title == "Belarus russian grouping 2022-10-17"
        again = import_as(fresh, GOLDEN, "doccano")  # twice changes nothing
        assert (again.documents_unchanged, again.spans_written) == (1, 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=documents())
def test_doccano_round_trip_keeps_what_doccano_holds(records, tmp_path_factory):
    out = tmp_path_factory.mktemp("doccano") / "out.jsonl"
    left_out = LeftOut()
    doccano.write(records, out, left_out)
    read = read_foreign(out, "doccano")
    assert [d.text for d in read] == [r["text"] for r in records]
    for record, document in zip(records, read, strict=True):
        assert read_spans(document) == expected_spans(record)
        assert (document.title, document.lang) == (record["title"], record["lang"])
    rejected = sum(s["status"] == "rejected" for r in records for s in r["spans"])
    assert sum(u.count for u in left_out.report() if u.reason.startswith("rejected")) == rejected


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=documents(max_size=2, as_stored=True))
def test_doccano_round_trip_through_a_fresh_store(records, tmp_path_factory):
    for expected, stored in store_round_trip(records, "doccano", tmp_path_factory.mktemp("doccano")):
        assert stored == expected


def test_doccano_plain_files_import_without_our_metadata(tmp_path: Path):
    path = tmp_path / "plain.jsonl"
    lines = [
        {"id": 7, "text": "Minsk 😀 says Москва", "entities": [
            {"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 5},
            {"id": 2, "label": "ACTOR", "start_offset": 13, "end_offset": 19},
            {"id": 3, "label": "STANCE", "start_offset": 0, "end_offset": 19}],
         "relations": [{"id": 1, "from_id": 3, "to_id": 1, "type": "holder"}], "Comments": []},
        {"text": "Up to 9,000 soldiers.", "label": [[0, 20, "QUANTITY"]]},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")
    first, second = read_foreign(path, "doccano")
    assert isinstance(first, ForeignDocument) and first.meta == {"Comments": []}
    assert [(s.start, s.end, s.label, dict(s.attrs), s.status) for s in first.spans] == [
        (0, 5, "ACTOR", {}, "accepted"), (13, 19, "ACTOR", {}, "accepted"),
        (0, 19, "STANCE", {"holder_span": "1"}, "accepted"),
    ]  # fmt: skip
    assert [(s.start, s.end, s.label) for s in second.spans] == [(0, 20, "QUANTITY")]
    with open_project(tmp_path / "p", annotator="ann") as store:
        assert import_as(store, path, "doccano", lang="en").spans_written == 4
        (stance,) = store.iter_spans(label="STANCE")
        assert store.get_span(stance.attrs["holder_span"]).text == "Minsk" and stance.annotator == "ann"


BAD = {
    "not JSON": ('{"text": "Minsk", "entities": [\n', "not JSON"),
    "span out of range": (
        {"text": "Minsk", "entities": [{"id": 1, "label": "ACTOR", "start_offset": 2, "end_offset": 9}]},
        "entity 1: span 2-9 is out of range (the text has 5 characters)",
    ),
    "unknown label": (
        {"text": "Minsk", "entities": [{"id": 1, "label": "PLACE", "start_offset": 0, "end_offset": 5}]},
        "Unknown label 'PLACE'. Valid labels: ACTOR, QUANTITY, STANCE",
    ),
    "relation to a missing id": (
        {
            "text": "Minsk",
            "entities": [{"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 5}],
            "relations": [{"id": 4, "from_id": 1, "to_id": 9, "type": "holder"}],
        },
        "relation 4 names entity 9, which the line does not have",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_doccano_bad_file_is_refused_in_one_line_and_nothing_is_imported(case: str, tmp_path: Path):
    line, needle = BAD[case]
    good = {"text": "A good first line.", "entities": []}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good) + "\n" + (line if isinstance(line, str) else json.dumps(line) + "\n"), "utf-8")
    with open_project(tmp_path / "p") as store:
        with pytest.raises(FormatError) as err:
            import_as(store, path, "doccano", lang="en")
        assert list(store.iter_spans()) == [] and store.counts()["documents"] == 0
    message = str(err.value)
    assert message.startswith(f"{path}:2: ") and needle in message and "\n" not in message


def test_doccano_spans_follow_the_text_as_annot_stores_it(tmp_path: Path):
    """A text annot cleans on import (\\r\\n, a decomposed accent, spaces at a line end): its spans move with it."""
    text = "Cafe\u0301 Minsk  \r\nRussia 😀 says"
    entities = [("ACTOR", "Minsk"), ("ACTOR", "Russia"), ("STANCE", "Russia 😀 says"), ("ACTOR", "Cafe\u0301")]
    line = {"text": text, "entities": [
        {"id": n, "label": label, "start_offset": text.index(part), "end_offset": text.index(part) + len(part)}
        for n, (label, part) in enumerate(entities)]}  # fmt: skip
    path = tmp_path / "crlf.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    with open_project(tmp_path / "p") as store:
        import_as(store, path, "doccano", lang="en")
        assert sorted((s.label, s.text) for s in store.iter_spans()) == sorted(
            [("ACTOR", "Minsk"), ("ACTOR", "Russia"), ("STANCE", "Russia 😀 says"), ("ACTOR", "Café")]
        )


def test_doccano_a_span_the_cleaning_removes_is_refused_by_name(tmp_path: Path):
    path = tmp_path / "space.jsonl"
    line = {"text": "Minsk   \nsays", "entities": [{"id": 1, "label": "ACTOR", "start_offset": 6, "end_offset": 8}]}
    path.write_text(json.dumps(line) + "\n", "utf-8")
    with open_project(tmp_path / "p") as store:
        with pytest.raises(FormatError) as err:
            import_as(store, path, "doccano", lang="en")
        assert store.counts()["documents"] == 0
    assert str(err.value).startswith(f"{path}:1: ACTOR span 6-8 '  ' is not in the text as annot stores it")
    assert str(err.value).endswith("fix or drop that span; nothing was imported.")


def test_doccano_a_later_file_names_a_span_an_earlier_one_stored(tmp_path: Path):
    text = "Minsk says the deployment is defensive."
    actor = {"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 5}
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "corpus.jsonl", tmp_path / "b" / "corpus.jsonl"  # one title: one document
    first.write_text(json.dumps({"text": text, "entities": [actor], "relations": []}) + "\n", "utf-8")
    stance = {"id": 2, "label": "STANCE", "start_offset": 0, "end_offset": len(text)}
    relation = {"id": 1, "from_id": 2, "to_id": 1, "type": "holder"}
    second.write_text(json.dumps({"text": text, "entities": [actor, stance], "relations": [relation]}) + "\n", "utf-8")
    store = open_project(tmp_path / "project")
    import_as(store, first, "doccano", lang="en")
    result = import_as(store, second, "doccano", lang="en")  # the ACTOR is stored already: not added again
    assert (result.documents_unchanged, result.spans_written) == (1, 1)
    spans = {s.label: s for s in store.iter_spans()}
    assert spans["STANCE"].attrs["holder_span"] == spans["ACTOR"].id
