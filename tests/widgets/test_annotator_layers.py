"""Layers in the annotation widget without a browser: the menu, the L key's cycle, read-only, compare, polling."""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.widgets import Annotator

TEXT = "Minsk hosts 9,000 Russian troops. Kyiv called it a threat."


def _at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def doc(project, tmp_path: Path) -> str:
    """ana and bob: the same troops, Minsk typed differently, and bob alone tags Russian (nested) and Kyiv."""
    path = tmp_path / "hosts.en.txt"
    path.write_text(TEXT, encoding="utf-8")
    doc_id = annot.ingest(str(path), project, lang="en").results[0].doc_id
    project.add_span(doc_id, *_at("Minsk"), "ACTOR", {"type": "state"}, annotator="ana")
    project.add_span(doc_id, *_at("9,000 Russian troops"), "QUANTITY", {"value": 9000}, annotator="ana")
    project.add_span(doc_id, *_at("Minsk"), "ACTOR", {"type": "government body"}, annotator="bob")
    project.add_span(doc_id, *_at("9,000 Russian troops"), "QUANTITY", {"value": 9000}, annotator="bob")
    project.add_span(doc_id, *_at("Russian"), "ACTOR", annotator="bob")
    project.add_span(doc_id, *_at("Kyiv"), "ACTOR", annotator="bob")
    return doc_id


@pytest.fixture
def widget(project, doc) -> Annotator:
    return Annotator(project, doc, annotator="ana", translate=False, suggest=False)


def _painted(widget: Annotator) -> dict[int, list[tuple[str, str, str]]]:
    return {s["index"]: [(v["label"], v["text"], v["annotator"]) for v in s["spans"]] for s in widget.window}


def test_the_layer_menu_lists_all_mine_each_other_annotator_and_comparisons(widget: Annotator):
    assert widget.layers == {
        "value": "all", "read_only": False, "label": "all annotators",
        "options": [("all", "all annotators"), ("mine", "mine (ana)"), ("annotator:bob", "bob (4)"),
                    ("compare:bob", "compare with bob")],
    }  # fmt: skip
    assert widget.compare == {} and len(_painted(widget)[0]) == 5


def test_l_cycles_the_layers_and_every_view_follows(widget: Annotator):
    seen = []
    for _ in range(4):
        widget.handle({"type": "next_layer"})
        seen.append((widget.layers["value"], widget.status["text"], widget.position.split(" · ")[-1]))
    assert seen == [
        ("mine", "showing mine (ana)", "mine (ana)"),
        ("annotator:bob", "showing bob's layer (read-only)", "bob's layer (read-only)"),
        ("compare:bob", "showing ana vs bob", "ana vs bob"),
        ("all", "showing all annotators", "2 annotated"),
    ]  # fmt: skip
    widget.handle({"type": "layer", "layer": "mine"})
    assert _painted(widget) == {0: [("ACTOR", "Minsk", "ana"), ("QUANTITY", "9,000 Russian troops", "ana")], 1: []}
    assert widget.outline["counts"] == [[1, 1, 0], [0, 0, 0]]
    widget.handle({"type": "tab", "tab": "entities"})
    assert [e["name"] for e in widget.entities] == ["Minsk", "9,000"]


def test_another_annotators_layer_is_read_only_with_a_one_line_status(widget: Annotator, project):
    widget.handle({"type": "layer", "layer": "annotator:bob"})
    assert widget.layers["read_only"] and [v[2] for v in _painted(widget)[0]] == ["bob"] * 3
    kyiv = _painted(widget)[1]
    assert kyiv == [("ACTOR", "Kyiv", "bob")]
    before = project.revision()
    widget.handle({"type": "select", "sentence": 1, "utf16_start": 0, "utf16_end": 4})
    widget.handle({"type": "label", "label": "ACTOR"})
    assert widget.status["kind"] == "error" and "read-only" in widget.status["text"]
    span_id = widget.window[1]["spans"][0]["id"]
    widget.handle({"type": "focus", "span_id": span_id})  # reading bob's span is fine
    assert widget.form["read_only"] is True and widget.form["span"]["annotator"] == "bob"
    for intent in (
        {"type": "field", "span_id": span_id, "name": "type", "value": "state"},
        {"type": "delete", "span_id": span_id},
        {"type": "review", "span_id": span_id, "status": "rejected"},
        {"type": "mark", "status": "done"},
    ):
        widget.handle(intent)  # type: ignore[arg-type]
        assert widget.status["kind"] == "error"
        assert widget.status["text"] == ("This view shows bob's layer, read-only: switch to mine or all"
                                         " (the layer menu, or L) to edit.")  # fmt: skip
    assert project.revision() == before  # nothing written
    widget.handle({"type": "layer", "layer": "mine"})  # bob's Kyiv is not in mine: the form closes
    assert widget.form == {} and not widget.layers["read_only"]


def test_compare_sends_the_others_sentence_and_what_differs(widget: Annotator):
    widget.handle({"type": "layer", "layer": "compare:bob"})
    compare = widget.compare
    assert (compare["annotator"], compare["index"]) == ("bob", 0)
    assert [(s["label"], s["text"]) for s in compare["spans"]] == [
        ("ACTOR", "Minsk"), ("QUANTITY", "9,000 Russian troops"), ("ACTOR", "Russian"),
    ]  # fmt: skip
    kinds = {s["text"]: compare["differ"].get(s["id"]) for s in compare["spans"] + widget.window[0]["spans"]}
    assert kinds == {"Minsk": "changed", "9,000 Russian troops": None, "Russian": "only"}
    assert compare["counts"] == {"mine": 0, "theirs": 1, "changed": 1}
    widget.handle({"type": "nav", "to": "next"})
    assert widget.compare["index"] == 1 and [s["text"] for s in widget.compare["spans"]] == ["Kyiv"]
    widget.handle({"type": "annotator", "name": "bob"})  # no one compares with themselves: mine
    assert widget.layers["value"] == "mine" and widget.compare == {}


def test_the_menu_follows_annotators_found_by_polling_and_the_constructor_takes_a_layer(widget, project, doc):
    with annot.open_project(project.path, annotator="cy") as other:  # as another kernel would
        other.add_span(doc, *_at("Kyiv"), "ACTOR")
    widget.handle({"type": "poll"})
    assert ("annotator:cy", "cy (1)") in widget.layers["options"]
    opened = Annotator(project, doc, annotator="ana", translate=False, suggest=False, layer="compare:cy")
    assert opened.layers["value"] == "compare:cy" and opened.compare["index"] == 0
    with pytest.raises(annot.SpanError, match="No annotator 'dan'"):
        Annotator(project, doc, annotator="ana", translate=False, suggest=False, layer="dan")
    widget.handle({"type": "layer", "layer": "dan"})
    assert widget.status["kind"] == "error" and widget.layers["value"] == "all"
