"""Two annotators' sessions on one project: each edit is checked against the span as its view showed it."""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.annotate import AnnotationSession
from annot.errors import EditConflict
from annot.model import Origin, Status
from annot.store import Store

SENTENCE = "Minsk maintains that the rearmament of Poland"


@pytest.fixture
def two(project, seed_path: Path):
    """Alice's and Bob's sessions (each on its own Store, as two kernels) at the sentence holding ``SENTENCE``."""
    doc_id = annot.ingest(str(seed_path), project).results[0].doc_id
    stores = [Store(project.path, annotator=name) for name in ("alice", "bob")]
    sessions = [AnnotationSession(store, doc_id, annotator=store.annotator) for store in stores]
    index = next(s.index for s in sessions[0].sentences if SENTENCE in s.text)
    for session in sessions:
        session.go(index)
    yield sessions
    for store in stores:
        store.close()


def _suggest(session: AnnotationSession, phrase: str, label: str = "ACTOR", **attrs: str):
    sentence = session.sentences[session.index]
    start = sentence.start + sentence.text.index(phrase)
    return session.store.add_span(session.doc_id, start, start + len(phrase), label, attrs,
                                  origin=Origin.SUGGESTED, status=Status.PENDING, annotator="suggester")  # fmt: skip


def _look(*sessions: AnnotationSession) -> None:
    """Each session's view reads the store now, as a widget's poll and redraw do."""
    for session in sessions:
        session.refresh()
        session.window()


def test_the_view_shows_a_span_as_read_until_it_reads_again(two):
    alice, bob = two
    span = _suggest(alice, "Minsk")
    _look(alice, bob)
    alice.edit(span.id, attrs={"type": "state"})
    assert bob.span(span.id).attrs == {}  # what Bob's view shows, and what his edits are checked against
    assert bob.changed()
    assert bob.span(span.id).attrs == {"type": "state"}


def test_accept_all_after_someone_rejected_one_accepts_none_and_shows_the_rejection(two):
    alice, bob = two
    minsk, poland = _suggest(alice, "Minsk"), _suggest(alice, "Poland")
    _look(bob)
    assert [s.id for s in bob.pending()] == [minsk.id, poland.id]
    _look(alice)
    alice.edit(poland.id, status=Status.REJECTED)
    with pytest.raises(EditConflict, match="its status is now rejected") as caught:
        bob.accept_all()
    assert caught.value.by == "alice"
    assert alice.store.get_span(minsk.id).status == Status.PENDING  # one step: none accepted
    assert [s.id for s in bob.pending()] == [minsk.id]  # the view read again: the rejected one is gone
    assert [s.id for s in bob.accept_all()] == [minsk.id]


def test_stance_fields_set_by_two_annotators_merge(two):
    alice, bob = two
    stance = alice.set_stance(evidence="asserted")
    _look(alice, bob)
    alice.update_stance(holder="author")
    merged = bob.edit_stance(stance.id, polarity="opposes")  # his form still shows no holder
    assert merged.attrs == {"evidence": "asserted", "holder": "author", "polarity": "opposes"}
    with pytest.raises(EditConflict, match=r"by bob at .* its polarity is now 'opposes'"):
        alice.update_stance(polarity="supports")  # Alice has not seen Bob's polarity yet
    assert alice.stance().attrs["polarity"] == "opposes"  # her view read again


def test_edit_after_a_conflict_is_checked_against_the_version_now_shown(two):
    alice, bob = two
    span = _suggest(alice, "Minsk")
    _look(alice, bob)
    alice.edit(span.id, attrs={"type": "state"})
    with pytest.raises(EditConflict):
        bob.edit(span.id, attrs={"type": "government body"})
    assert bob.edit(span.id, attrs={"type": "government body"}).attrs == {"type": "government body"}
    assert list(bob.store.history(span.id)["annotator"]) == ["suggester", "alice", "bob"]
