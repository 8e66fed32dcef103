"""Label Studio tasks and labelling config: golden files from the seed gold, round trips, bad files refused."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annot.errors import FormatError
from annot.exchange import export_as, import_as
from annot.export import labelstudio
from annot.export.formats import LeftOut, read_foreign
from annot.export.labelstudio import labelstudio_config
from annot.pipeline import open_project
from annot.schema import load_schema
from tests.export.conftest import FORMATS_GOLDEN, check_golden, store_round_trip, stored_spans
from tests.export.strategies import documents, expected_spans, read_spans

GOLDEN = FORMATS_GOLDEN / "seed.label-studio.json"
GOLDEN_CONFIG = FORMATS_GOLDEN / "seed.label-studio.config.xml"


def test_labelstudio_export_and_config_match_golden_files(gold_store, tmp_path: Path):
    done = export_as(gold_store, tmp_path / "seed.label-studio.json", "label-studio")
    assert done.beside == (tmp_path / "seed.label-studio.config.xml",)
    check_golden(done.path, GOLDEN)
    check_golden(done.beside[0], GOLDEN_CONFIG)
    assert (done.documents, done.spans, done.left_out) == (1, 48, ())
    assert "and " + str(done.beside[0]) in done.summary()


def test_labelstudio_task_shape(gold_store, tmp_path: Path):
    done = export_as(gold_store, tmp_path / "out.json", "label-studio")
    (task,) = json.loads(done.path.read_text("utf-8"))
    assert set(task) == {"id", "data", "annotations", "predictions"} and task["predictions"] == []
    (annotation,) = task["annotations"]  # one annotator in the seed gold
    result = annotation["result"]
    regions = {r["id"]: r for r in result if r["type"] == "labels"}
    minsk = next(r for r in regions.values() if r["value"]["text"] == "Minsk")
    assert minsk == {"id": minsk["id"], "to_name": "text", "from_name": "label", "type": "labels",
                     "value": {"start": 108, "end": 113, "text": "Minsk", "labels": ["ACTOR"]}}  # fmt: skip
    per_region = {r["from_name"]: r for r in result if r.get("id") == minsk["id"] and r["type"] != "labels"}
    assert per_region["actor_type"]["type"] == "choices" and per_region["actor_type"]["value"]["choices"] == ["state"]
    assert per_region["actor_canonical"]["type"] == "textarea"
    assert per_region["actor_canonical"]["value"] == {"start": 108, "end": 113, "text": ["Belarus"]}
    quantity = next(r for r in result if r.get("from_name") == "quantity_value" and r["value"]["start"] == 18)
    assert quantity["value"]["text"] == ["9000"]  # a number in a textarea, read back as one
    holder = [r for r in result if r["type"] == "relation" and r["to_id"] == minsk["id"]]
    assert holder and holder[0]["labels"] == ["holder"] and holder[0]["direction"] == "right"
    assert regions[holder[0]["from_id"]]["value"]["labels"] == ["STANCE"]
    assert task["data"]["annot"]["annotators"][minsk["id"]] == "gold:i12"
    assert task["data"]["annot"]["title"] == "Belarus russian grouping 2022-10-17"


def test_labelstudio_pending_spans_are_predictions_by_annotator_and_rejected_ones_are_reported(tmp_path: Path):
    text = "Minsk says Russia"
    spans = [
        {"id": "a", "label": "ACTOR", "start": 0, "end": 5, "attrs": {}, "annotator": "ann", "status": "accepted"},
        {"id": "b", "label": "ACTOR", "start": 11, "end": 17, "attrs": {}, "annotator": "suggest:actors.v1",
         "status": "pending"},
        {"id": "c", "label": "ACTOR", "start": 6, "end": 10, "attrs": {}, "annotator": "eve", "status": "rejected"},
        {"id": "d", "label": "STANCE", "start": 0, "end": 17, "attrs": {"holder_span": "c"}, "annotator": "bob",
         "status": "accepted"},
    ]  # fmt: skip
    left_out = LeftOut()
    labelstudio.write([{"id": "doc", "text": text, "spans": spans}], tmp_path / "t.json", left_out)
    (task,) = json.loads((tmp_path / "t.json").read_text("utf-8"))
    assert [p["model_version"] for p in task["predictions"]] == ["suggest:actors.v1"]
    assert len(task["annotations"]) == 2  # ann, bob
    assert [(u.reason, u.count) for u in left_out.report()] == [
        ("holder_span naming a span not exported (rejected or missing)", 1),
        ("rejected suggestion (Label Studio has no status)", 1),
    ]
    (doc,) = read_foreign(tmp_path / "t.json", "label-studio")
    assert sorted((s.start, s.label, s.status, s.annotator) for s in doc.spans) == [
        (0, "ACTOR", "accepted", "ann"),
        (0, "STANCE", "accepted", "bob"),
        (11, "ACTOR", "pending", "suggest:actors.v1"),
    ]
    with open_project(tmp_path / "p") as store:
        import_as(store, tmp_path / "t.json", "label-studio", lang="en")
        assert sorted((s.status, s.origin) for s in store.iter_spans()) == [
            ("accepted", "imported"), ("accepted", "imported"), ("pending", "suggested"),
        ]  # fmt: skip


def test_labelstudio_config_matches_the_schema():
    schema = load_schema()
    root = ET.fromstring(labelstudio_config(schema))
    labels = root.find("Labels")
    assert labels is not None and labels.get("toName") == "text"
    assert [(lb.get("value"), lb.get("background")) for lb in labels] == [
        (name, label.color) for name, label in schema.labels.items()
    ]
    assert root.find("Text").get("value") == "$text"
    assert sorted(r.get("value") for r in root.iter("Relation")) == ["holder", "target"]
    choices = {c.get("name"): [x.get("value") for x in c] for c in root.iter("Choices")}
    assert choices["actor_type"] == list(schema.labels["ACTOR"].attributes["type"].choices)
    assert set(choices) == {"actor_type", "quantity_qualifier", "stance_polarity", "stance_evidence"}
    assert all(c.get("perRegion") == "true" for c in root.iter("Choices"))
    areas = {t.get("name") for t in root.iter("TextArea")}
    assert areas == {"actor_canonical", "quantity_value", "quantity_unit", "quantity_low", "quantity_high",
                     "stance_holder", "stance_target"}  # fmt: skip
    views = {v.get("whenLabelValue") for v in root.iter("View") if v.get("visibleWhen") == "region-selected"}
    assert views == {"ACTOR", "QUANTITY", "STANCE"}


def test_labelstudio_golden_into_a_fresh_store_keeps_every_span_label_and_attribute(gold_store, tmp_path: Path):
    with open_project(tmp_path / "fresh", annotator="someone") as fresh:
        result = import_as(fresh, GOLDEN, "label-studio")
        assert (result.documents_added, result.spans_written) == (1, 48)
        assert stored_spans(fresh) == stored_spans(gold_store)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=documents())
def test_labelstudio_round_trip_keeps_what_label_studio_holds(records, tmp_path_factory):
    out = tmp_path_factory.mktemp("ls") / "out.json"
    labelstudio.write(records, out, LeftOut())
    read = read_foreign(out, "label-studio")
    assert [d.text for d in read] == [r["text"] for r in records]
    for record, document in zip(records, read, strict=True):
        assert read_spans(document) == expected_spans(record)
        assert (document.title, document.lang) == (record["title"], record["lang"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=documents(max_size=2, as_stored=True))
def test_labelstudio_round_trip_through_a_fresh_store(records, tmp_path_factory):
    for expected, stored in store_round_trip(records, "label-studio", tmp_path_factory.mktemp("ls")):
        assert stored == expected


def test_labelstudio_plain_export_imports(tmp_path: Path):
    """A task as Label Studio exports it (pretty-printed, ``completed_by`` a user id, no ``data.annot``)."""
    tasks = [{"id": 3, "data": {"text": "Minsk 😀 denies it"}, "annotations": [{
        "id": 9, "completed_by": 1, "was_cancelled": False, "result": [
            {"id": "x1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 5, "text": "Minsk", "labels": ["ACTOR"]}},
            {"id": "x1", "from_name": "actor_type", "to_name": "text", "type": "choices",
             "value": {"start": 0, "end": 5, "choices": ["state"]}},
            {"id": "x2", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 17, "text": "Minsk 😀 denies it", "labels": ["STANCE"]}},
            {"from_id": "x1", "to_id": "x2", "type": "relation", "direction": "left", "labels": ["holder"]}]}],
        "predictions": []}]  # fmt: skip
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(tasks, indent=2, ensure_ascii=False), "utf-8")
    with open_project(tmp_path / "p", annotator="me") as store:
        assert import_as(store, path, "label-studio", lang="en").spans_written == 2
        (stance,) = store.iter_spans(label="STANCE")
        actor = store.get_span(stance.attrs["holder_span"])
        assert (actor.text, actor.attrs, actor.annotator) == ("Minsk", {"type": "state"}, "1")


def _task(result: list, text: str = "Minsk") -> dict:
    return {"data": {"text": text}, "annotations": [{"result": result}]}


_MINSK = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
          "value": {"start": 0, "end": 5, "text": "Minsk", "labels": ["ACTOR"]}}  # fmt: skip
BAD = {
    "not JSON": ('{"data": {"text": "Minsk"},', "not JSON"),
    "span out of range": (_task([{**_MINSK, "value": {**_MINSK["value"], "end": 9}}]),
                          "region r1: span 0-9 is out of range (the text has 5 characters)"),
    "unknown label": (_task([{**_MINSK, "value": {**_MINSK["value"], "labels": ["PLACE"]}}]),
                      "Unknown label 'PLACE'. Valid labels: ACTOR, QUANTITY, STANCE"),
    "relation to a missing id": (
        _task([_MINSK, {"from_id": "r1", "to_id": "r7", "type": "relation", "labels": ["holder"]}]),
        "a relation names region r7, which the task does not have"),
    "a number that is none": (
        _task([{**_MINSK, "value": {**_MINSK["value"], "labels": ["QUANTITY"]}},
               {"id": "r1", "from_name": "quantity_value", "to_name": "text", "type": "textarea",
                "value": {"start": 0, "end": 5, "text": ["nine"]}}]),
        "QUANTITY.value of region r1 is 'nine', not a number"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_labelstudio_bad_file_is_refused_in_one_line_and_nothing_is_imported(case: str, tmp_path: Path):
    task, needle = BAD[case]
    path = tmp_path / "bad.json"
    good = json.dumps({"data": {"text": "A good first task."}})
    path.write_text("[\n" + good + ",\n" + (task if isinstance(task, str) else json.dumps(task)) + "\n]\n", "utf-8")
    with open_project(tmp_path / "p") as store:
        with pytest.raises(FormatError) as err:
            import_as(store, path, "label-studio", lang="en")
        assert list(store.iter_spans()) == [] and store.counts()["documents"] == 0
    message = str(err.value)
    assert message.startswith(f"{path}:3: ") and needle in message and "\n" not in message
