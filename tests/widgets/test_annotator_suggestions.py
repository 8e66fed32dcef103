"""Suggestions in the annotation widget without a browser: reviewing them, the outline's counts, background runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.model import Origin, Status
from annot.widgets import Annotator

# Minsk acts (an actor); "spoke in Minsk" would be a place, which the actor suggester leaves out.
LUKASHENKO = "Lukashenko spoke on Monday and Minsk cheered. The crowd listened to him. Later, Lukashenko left the city."


@pytest.fixture
def suggested(project, seed_path: Path) -> Annotator:
    """The seed article with every suggester's suggestions stored, open on its sentence 1 (three suggestions)."""
    doc_id = annot.ingest(str(seed_path), project).results[0].doc_id
    annot.suggest_documents(project, doc_id)
    widget = Annotator(project, doc_id, annotator="alice", translate=False, suggest=False)
    widget.go(1)
    yield widget
    widget.close()


def _pending(widget: Annotator) -> list[dict]:
    return [s for s in next(s for s in widget.window if s["current"])["spans"] if s["status"] == "pending"]


def _stored_pending(store, doc_id: str) -> list[int]:
    """Pending spans per sentence, read from the store (the outline's figures, counted another way)."""
    session = annot.annotate.AnnotationSession(store, doc_id)
    return [len(session.pending(i)) for i in range(len(session.sentences))]


def test_enter_on_a_suggestion_accepts_it_keeping_its_attributes_and_the_form_on_it(suggested: Annotator, project):
    first = _pending(suggested)[0]
    suggested.handle({"type": "focus", "span_id": first["id"]})  # Tab
    assert suggested.form["span"]["status"] == "pending"
    suggested.handle({"type": "review", "span_id": first["id"], "status": "accepted"})  # Enter
    stored = project.get_span(first["id"])
    assert (stored.status, stored.origin) == (Status.ACCEPTED, Origin.SUGGESTED)
    assert stored.attrs == first["attrs"] and stored.annotator.startswith("suggest:")
    assert suggested.form["span"]["id"] == first["id"] and suggested.form["span"]["status"] == "accepted"
    assert {f["name"]: f["value"] for f in suggested.form["fields"]} == {
        name: str(value) for name, value in first["attrs"].items()
    } | {f["name"]: "" for f in suggested.form["fields"] if f["name"] not in first["attrs"]}
    assert suggested.status["text"] == f"accepted {first['label']} '{first['text']}'"
    suggested.handle({"type": "undo"})  # undone like any edit: pending again
    assert project.get_span(first["id"]).status == Status.PENDING and suggested.form["span"]["status"] == "pending"


def test_x_rejects_a_suggestion_and_a_later_run_leaves_it_rejected(suggested: Annotator, project):
    first = _pending(suggested)[0]
    suggested.handle({"type": "focus", "span_id": first["id"]})  # Tab
    suggested.handle({"type": "review", "span_id": first["id"], "status": "rejected"})  # x
    assert project.get_span(first["id"]).status == Status.REJECTED
    assert suggested.status["text"] == f"rejected {first['label']} '{first['text']}'"
    # Out of the text, and the form with it; the outline counts it no more.
    assert first["id"] not in {v["id"] for s in suggested.window for v in s["spans"]}
    assert suggested.form == {} and suggested.outline["pending"][1] == 2
    assert annot.suggest_documents(project, suggested.session.doc_id).count("added") == 0
    suggested.handle({"type": "undo"})  # back in the text, pending
    assert suggested.status["text"] == f"undid rejecting {first['label']} '{first['text']}'"
    assert first["id"] in {s["id"] for s in _pending(suggested)} and suggested.outline["pending"][1] == 3


def test_shift_a_accepts_every_suggestion_of_the_sentence_and_nothing_elsewhere(suggested: Annotator, project):
    doc_id = suggested.session.doc_id
    before = _stored_pending(project, doc_id)
    ids = {s["id"] for s in _pending(suggested)}
    assert before[1] == len(ids) == 3 and suggested.outline["pending"] == before  # Russia, Ukraine, Belarus
    suggested.handle({"type": "accept_all"})
    assert suggested.status["text"] == "accepted 3 suggestions in sentence 1"
    assert {project.get_span(i).status for i in ids} == {Status.ACCEPTED}
    assert _stored_pending(project, doc_id) == [*before[:1], 0, *before[2:]]
    assert suggested.outline["pending"] == _stored_pending(project, doc_id)
    suggested.handle({"type": "accept_all"})
    assert suggested.status["text"] == "no suggestion left to accept in sentence 1"
    suggested.handle({"type": "undo"})  # one step: one Ctrl+Z takes back every acceptance
    assert suggested.status["text"] == "undid accepting 3 suggestions"
    assert {project.get_span(i).status for i in ids} == {Status.PENDING}
    assert suggested.outline["pending"] == before and {s["id"] for s in _pending(suggested)} == ids
    suggested.handle({"type": "redo"})
    assert suggested.status["text"] == "redid accepting 3 suggestions" and not _pending(suggested)


def test_the_outline_counts_the_suggestions_each_sentence_still_holds(suggested: Annotator, project):
    pending = suggested.outline["pending"]
    assert len(pending) == 14 and sum(pending) == len(project.spans(status="pending"))
    assert pending == _stored_pending(project, suggested.session.doc_id)
    span = _pending(suggested)[0]
    suggested.handle({"type": "review", "span_id": span["id"], "status": "rejected"})
    assert suggested.outline["pending"] == [*pending[:1], pending[1] - 1, *pending[2:]]


def test_a_new_document_gets_its_suggestions_in_the_background(project, seed_path: Path):
    doc_id = annot.ingest(str(seed_path), project).results[0].doc_id
    widget = Annotator(project, doc_id, translate=False, suggest=True)
    assert widget.suggester.join(timeout=120)
    stored = project.spans(doc_id, status="pending")
    assert len(stored) > 20 and set(stored["origin"]) == {"suggested"}
    assert widget.suggester.state() == {"status": "done", "added": len(stored), "error": ""}
    assert sum(widget.outline["pending"]) == len(stored)  # redrawn when they were stored
    again = Annotator(project, doc_id, translate=False, suggest=True)  # suggested on before: nothing to add
    assert again.suggester.join(timeout=120) and len(project.spans(doc_id, status="pending")) == len(stored)
    assert again.suggester.state()["added"] == 0
    widget.close()
    again.close()


def test_opening_runs_the_suggesters_a_command_left_out(project, seed_path: Path):
    doc_id = annot.ingest(str(seed_path), project).results[0].doc_id
    annot.suggest_documents(project, doc_id, only="quantities")  # as `annot suggest --only quantities`
    quantities = len(project.spans(doc_id, status="pending"))
    widget = Annotator(project, doc_id, translate=False, suggest=True)
    assert widget.suggester.join(timeout=120)
    stored = project.spans(doc_id, status="pending")
    assert set(stored["label"]) == {"ACTOR", "QUANTITY", "STANCE"}
    assert (stored["label"] == "QUANTITY").sum() == quantities  # nothing twice
    widget.close()


@pytest.mark.parametrize("how", ["accept", "tag"])
def test_an_accepted_actor_is_suggested_again_later_in_the_document(project, tmp_path: Path, how: str):
    path = tmp_path / "speech.en.txt"
    path.write_text(LUKASHENKO, "utf-8")
    doc_id = annot.ingest(str(path), project).results[0].doc_id
    widget = Annotator(project, doc_id, translate=False, suggest=True)
    assert widget.suggester.join(timeout=120)
    assert [s.text for s in project.iter_spans(doc_id)] == ["Minsk"]  # nobody knows Lukashenko yet
    if how == "accept":  # a suggestion a finder made, accepted with Enter
        span = project.add_span(doc_id, 0, 10, "ACTOR", {"type": "person", "canonical": "Alexander Lukashenko"},
                                annotator="suggest:actors.v1", origin="suggested", status="pending")  # fmt: skip
        widget.handle({"type": "poll"})
        widget.handle({"type": "review", "span_id": span.id, "status": "accepted"})
    else:  # tagged by hand, then given its canonical name (each edit a lesson)
        widget.handle({"type": "select", "sentence": 0, "utf16_start": 0, "utf16_end": 10})
        widget.handle({"type": "label", "label": "ACTOR"})
        assert widget.suggester.join(timeout=120)
        widget.handle({"type": "field", "span_id": widget.form["span"]["id"], "name": "canonical",
                       "value": "Alexander Lukashenko"})  # fmt: skip
    assert widget.suggester.join(timeout=120)
    later = [s for s in project.iter_spans(doc_id) if s.text == "Lukashenko" and s.start > 0]
    assert [(s.status, s.origin) for s in later] == [(Status.PENDING, Origin.SUGGESTED)]
    if how == "accept":
        assert later[0].attrs == {"type": "person", "canonical": "Alexander Lukashenko"}
    assert widget.outline["pending"] == [1, 0, 1]  # Minsk, and Lukashenko later: redrawn at once
    widget.close()


def test_no_background_suggestions_when_turned_off(project, seed_path: Path, monkeypatch):
    doc_id = annot.ingest(str(seed_path), project).results[0].doc_id
    assert Annotator(project, doc_id, translate=False, suggest=False).suggester is None
    monkeypatch.setenv("ANNOT_SUGGEST", "off")
    assert Annotator(project, doc_id, translate=False).suggester is None
    monkeypatch.setenv("ANNOT_SUGGEST", "1")
    widget = Annotator(project, doc_id, translate=False)
    assert widget.suggester is not None and widget.suggester.join(timeout=120)
    widget.close()


def test_delete_on_a_suggestion_rejects_it_even_when_a_stance_suggestion_holds_it(suggested: Annotator, project):
    doc_id = suggested.session.doc_id
    suggested.go(0)  # "..., says Minsk.": a STANCE suggestion whose holder is the pending "Minsk"
    (stance,) = [s for s in project.iter_spans(doc_id) if s.label == "STANCE" and s.start == 0]
    minsk = project.get_span(stance.attrs["holder_span"])
    suggested.handle({"type": "delete", "span_id": minsk.id})
    assert suggested.status["kind"] == "saved" and suggested.status["text"].startswith("rejected ACTOR")
    assert project.get_span(minsk.id).status == Status.REJECTED  # kept, so no suggester makes it again
    assert minsk.id not in {s["id"] for s in _pending(suggested)}
    mine = suggested.session.tag(*_first(suggested, "Minsk"), "ACTOR")
    suggested.handle({"type": "delete", "span_id": mine.id})  # a span the annotator made is deleted
    assert suggested.status["text"].startswith("deleted ACTOR")


def _first(widget: Annotator, word: str) -> tuple[int, int]:
    text = widget.session.sentences[widget.session.index].text
    start = text.index(word)
    return start, start + len(word)


def test_opening_a_linked_version_offers_its_sources_spans_as_projected_suggestions(tmp_path: Path):
    from tests.project.conftest import build_gold_project

    store, _, spanish = build_gold_project(tmp_path / "gold")
    widget = Annotator(store, spanish, translate=False, suggest=True)
    assert widget.suggester.join(timeout=120)
    projected = store.spans(spanish, status="pending", origin="projected")
    assert len(projected) > 30 and set(projected["label"]) >= {"ACTOR", "QUANTITY"}
    text = store.document(spanish).text
    assert "hasta 9.000 militares" in {text[s:e] for s, e in zip(projected["start"], projected["end"])}
    widget.close()
    again = Annotator(store, spanish, translate=False, suggest=True)  # offered before: nothing twice
    assert again.suggester.join(timeout=120)
    assert len(store.spans(spanish, status="pending", origin="projected")) == len(projected)
    again.close()
