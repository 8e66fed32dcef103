"""Two annotators on one project, the second through the widget: no edit lost, a clash said in the status line.

Alice works in her own session (as another kernel would: her writes do not
redraw Bob's widget, only his poll does); Bob's widget has not polled since.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.annotate import AnnotationSession
from annot.store import Store
from annot.widgets import Annotator

NAME = "Alexandr Lukashenko"


@pytest.fixture
def team(project, seed_path: Path):
    """Alice's session and Bob's widget on the seed article, both showing an ACTOR over Lukashenko's name."""
    doc_id = annot.ingest(str(seed_path), project).results[0].doc_id
    text = project.document(doc_id).text
    start = text.index(NAME)
    actor = project.add_span(doc_id, start, start + len(NAME), "ACTOR", {"type": "person"})
    alice_store, bob_store = Store(project.path, annotator="alice"), Store(project.path, annotator="bob")
    alice = AnnotationSession(alice_store, doc_id, annotator="alice")
    bob = Annotator(bob_store, doc_id, annotator="bob", translate=False, suggest=False)
    assert bob.join_projection(timeout=120)
    bob.go(bob.session.sentence_of(actor))
    bob.handle({"type": "focus", "span_id": actor.id})
    alice.go(alice.sentence_of(actor))
    alice.window()  # what Alice's view shows: the span as added
    yield alice, bob, actor
    bob.close()
    alice_store.close()
    bob_store.close()


def _shown(widget: Annotator, span_id: str) -> dict:
    return next(s for sentence in widget.window for s in sentence["spans"] if s["id"] == span_id)


def _field(widget: Annotator, span_id: str, name: str, value: str) -> None:
    widget.handle({"type": "field", "span_id": span_id, "name": name, "value": value, "id": widget.status["ack"] + 1})


def _form_value(widget: Annotator, name: str) -> str:
    return next(f["value"] for f in widget.form["fields"] if f["name"] == name)


def test_second_writer_of_a_field_sees_a_conflict_then_the_first_writers_value(team, project):
    alice, bob, actor = team
    alice.edit(actor.id, attrs={"type": "government body"})
    history = len(project.history(actor.id))
    _field(bob, actor.id, "type", "state")  # Bob's view still shows "person"
    status = bob.status
    assert status["kind"] == "error", status
    text = status["text"]
    for part in (f"ACTOR '{NAME}' was changed by alice at", "its type is now 'government body'",
                 "Your change was not saved", "now shows alice's version", "redo your edit"):  # fmt: skip
        assert part in text, text
    assert "Traceback" not in text and "\n" not in text
    assert status["ack"] == 1  # the intent was answered
    assert len(project.history(actor.id)) == history  # nothing written
    assert project.get_span(actor.id).attrs == {"type": "government body"}
    # The view now shows Alice's version: in the text and in the form.
    assert _shown(bob, actor.id)["attrs"] == {"type": "government body"}
    assert _form_value(bob, "type") == "government body"
    # Bob redoes his edit on what he now sees: it is saved.
    _field(bob, actor.id, "type", "state")
    assert bob.status["kind"] == "saved" and project.get_span(actor.id).attrs == {"type": "state"}


def test_edits_of_different_fields_by_two_annotators_both_stay(team, project):
    alice, bob, actor = team
    alice.edit(actor.id, attrs={"type": "person", "canonical": "Lukashenko"})
    _field(bob, actor.id, "type", "state")  # from the stale form, which has no canonical name
    assert bob.status["kind"] == "saved", bob.status
    assert project.get_span(actor.id).attrs == {"canonical": "Lukashenko", "type": "state"}
    assert _shown(bob, actor.id)["attrs"] == {"canonical": "Lukashenko", "type": "state"}
    # Undo stays per annotator: Bob's undo takes back his type, Alice's canonical name stays.
    bob.handle({"type": "undo"})
    assert bob.status["kind"] == "saved", bob.status
    assert project.get_span(actor.id).attrs == {"canonical": "Lukashenko", "type": "person"}


def test_deleting_a_span_someone_changed_meanwhile_is_refused_in_the_status_line(team, project):
    alice, bob, actor = team
    alice.edit(actor.id, attrs={"type": "state"})
    bob.handle({"type": "delete", "span_id": actor.id})
    assert bob.status["kind"] == "error"
    assert "It was not deleted" in bob.status["text"] and "delete it again" in bob.status["text"]
    assert project.get_span(actor.id).attrs == {"type": "state"}
    assert _shown(bob, actor.id)["attrs"] == {"type": "state"}
    bob.handle({"type": "delete", "span_id": actor.id})  # now that he has seen it
    assert bob.status["kind"] == "saved"
    assert all(s["id"] != actor.id for sentence in bob.window for s in sentence["spans"])


def test_editing_a_span_deleted_meanwhile_says_so_and_the_span_leaves_the_view(team, project):
    alice, bob, actor = team
    alice.delete(actor.id)
    _field(bob, actor.id, "canonical", "Lukashenko")
    assert bob.status["kind"] == "error"
    assert "was deleted by alice" in bob.status["text"]
    assert bob.form == {}
    assert all(s["id"] != actor.id for sentence in bob.window for s in sentence["spans"])


def test_alices_undo_is_refused_once_bob_changed_the_span(team):
    alice, bob, actor = team
    alice.edit(actor.id, attrs={"type": "state"})
    bob.handle({"type": "poll"})
    _field(bob, actor.id, "canonical", "Lukashenko")
    assert bob.status["kind"] == "saved"
    with pytest.raises(annot.StoreError, match="changed since by someone else"):
        alice.undo()
