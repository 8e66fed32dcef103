"""The curator widget without a browser: intents in, traitlets and store rows out."""

from __future__ import annotations

from pathlib import Path

import pytest

from annot.model import Origin
from annot.store import Store
from annot.widgets import Curator
from tests.annotate.test_curation import two_annotators
from tests.store.conftest import make_doc


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tmp_path / "project"


@pytest.fixture
def store(project: Path):
    with Store(project, annotator="cleo") as s:
        document, sentences = make_doc()
        s.add_document(document, sentences)
        two_annotators(s, document)
        yield s


@pytest.fixture
def widget(store: Store) -> Curator:
    return Curator(store, "grouping")


def curated(store: Store) -> list[tuple[str, str]]:
    return sorted((s.label, s.text) for s in store.iter_spans() if s.origin == Origin.CURATED)


def test_curator_shows_disagreements_first_with_each_version_and_attributes(widget: Curator):
    assert [s["index"] for s in widget.sentences] == [0, 2, 1]
    assert [s["disagreement"] for s in widget.sentences] == [5, 2, 0]
    assert widget.sentences[0]["current"] and widget.view["index"] == 0
    rows = widget.view["rows"]
    assert [(r["name"], r["number"], r["differs"]) for r in rows] == [("ana", 1, True), ("ben", 2, True)]
    quantity = next(s for s in rows[0]["spans"] if s["label"] == "QUANTITY")
    assert quantity["detail"] == "9000 troops" and quantity["color"] == "#2ca02c"
    assert widget.view["curated"]["spans"] == [] and widget.view["record"] == ""
    widget.handle({"type": "nav", "to": "next"})  # the list's order, not the document's
    assert widget.view["index"] == 2
    widget.handle({"type": "nav", "to": "next"})
    stance = next(s for s in widget.view["rows"][0]["spans"] if s["label"] == "STANCE")
    assert stance["sentence_wide"] and stance["detail"] == "holder: Minsk · supports"


def test_curator_accept_merge_edit_undo_through_intents(widget: Curator, store: Store, project: Path):
    widget.handle({"type": "accept", "number": 2, "id": 1})
    assert widget.status["kind"] == "saved" and widget.status["ack"] == 1
    assert "accepted ben's version (4 spans)" in widget.status["text"]
    assert curated(store) == [("ACTOR", "9,000 troops"), ("ACTOR", "Belarus"), ("ACTOR", "Russia"),
                              ("QUANTITY", "9,000")]  # fmt: skip
    assert widget.sentences[0]["curated"] and widget.view["record"].startswith("accepted ben's version · cleo")
    widget.handle({"type": "merge", "id": 2})
    assert "no majority, both kept" in widget.status["text"] and widget.status["kind"] == "saved"
    assert len(curated(store)) == 6
    widget.handle({"type": "cycle", "step": 1, "id": 3})
    first = widget.selected
    assert first == widget.view["curated"]["spans"][0]["id"]
    widget.handle({"type": "delete", "id": 4})
    assert widget.status["text"].startswith("deleted ACTOR 'Russia'") and len(curated(store)) == 5
    widget.handle({"type": "cycle", "step": 1})  # QUANTITY '9,000', the first one now
    widget.handle({"type": "relabel", "label": "ACTOR"})
    assert widget.status["text"] == "relabelled '9,000' as ACTOR" and widget.selected
    widget.handle({"type": "undo"})
    widget.handle({"type": "undo"})
    assert len(curated(store)) == 6 and widget.status["text"] == "undid the curation of sentence 0"
    widget.handle({"type": "redo"})
    assert len(curated(store)) == 5
    store.close()
    with Store(project) as again:  # durable
        assert len(curated(again)) == 5


def test_curator_stance_keys_set_fields_of_the_selected_curated_stance(widget: Curator, store: Store):
    widget.go(1)
    widget.handle({"type": "accept", "number": 1})
    stance_id = next(s["id"] for s in widget.view["curated"]["spans"] if s["label"] == "STANCE")
    widget.handle({"type": "select", "span_id": stance_id})
    key = next(k for k in widget.schema["keys"] if k["key"] == "-")
    widget.handle({**key["send"]})
    assert widget.status["kind"] == "saved", widget.status
    assert store.get_span(stance_id).attrs["polarity"] == "opposes"
    widget.handle({"type": "field", "name": "evidence", "value": "reported"})
    assert store.get_span(stance_id).attrs["evidence"] == "reported"
    assert {k["key"] for k in widget.schema["keys"]} == set("+-=~arlq")


def test_curator_errors_are_one_line_and_write_nothing(widget: Curator, store: Store):
    widget.handle({"type": "accept", "number": 3, "id": 5})
    assert widget.status == {**widget.status, "kind": "error", "ack": 5}
    assert widget.status["text"] == "No version 3 here: press 1..2 (ana, ben)."
    widget.handle({"type": "delete"})
    assert widget.status["text"] == "Select a curated span first (Tab), then press the key."
    widget.handle({"type": "select", "span_id": widget.view["rows"][0]["spans"][0]["id"]})
    assert "Only curated spans" in widget.status["text"]
    widget.handle({"type": "undo"})
    assert widget.status["text"] == "nothing to undo"
    assert curated(store) == []
    with pytest.raises(ValueError, match="Unknown intent type 'fly'"):
        widget.handle({"type": "fly"})  # type: ignore[typeddict-item]


def test_curator_poll_sees_edits_made_elsewhere(widget: Curator, store: Store, project: Path):
    with Store(project, annotator="dan") as other:
        other.add_span(store.resolve("grouping"), 0, 6, "ACTOR", annotator="dan")
    widget.handle({"type": "poll"})
    assert [r["name"] for r in widget.view["rows"]] == ["ana", "ben", "dan"]
    assert [s["index"] for s in widget.sentences] == [0, 1, 2]  # dan has no version of 1: it differs now
    widget.handle({"type": "nav", "to": "next_open"})
    assert widget.view["index"] == 1


def test_curator_on_a_document_nobody_annotated_says_so(tmp_path: Path):
    with Store(tmp_path / "empty", annotator="cleo") as store:
        document, sentences = make_doc()
        store.add_document(document, sentences)
        widget = Curator(store, document.id)
        assert widget.view["rows"] == [] and [s["disagreement"] for s in widget.sentences] == [0, 0, 0]
        widget.handle({"type": "accept", "number": 1})
        assert widget.status["text"] == "Nobody has annotated this document yet: there is no version to accept."
        widget.handle({"type": "merge"})  # nothing to merge: the sentence holds nothing to annotate
        assert widget.status["kind"] == "saved" and widget.view["record"].startswith("nothing to annotate")
