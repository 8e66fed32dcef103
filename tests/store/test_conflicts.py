"""Two annotators on one store: edits of one span merge field by field, and the same field is never lost."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annot.errors import EditConflict, NotFound, SpanError, StoreError
from annot.model import Span, Status
from annot.store import Store
from annot.store.conflicts import rebase

from .conftest import dump, find, make_doc

SETTLE = 120  # seconds a process waits for the other before the test fails (a safety net, not a measure)


@pytest.fixture
def stores(project: Path):
    """Alice's and Bob's stores on one project, as two processes would open it, and a STANCE span both see."""
    alice = Store(project, annotator="alice")
    bob = Store(project, annotator="bob")
    doc, sentences = make_doc()
    alice.add_document(doc, sentences)
    start, end = find(doc.text, "Minsk said the grouping was defensive.")
    stance = alice.add_span(doc.id, start, end, "STANCE", {"holder": "Minsk", "polarity": "neutral"})
    yield alice, bob, stance
    alice.close()
    bob.close()


def test_second_writer_of_the_same_field_gets_a_conflict_and_nothing_is_written(stores, project):
    alice, bob, stance = stores
    seen_by_bob = bob.get_span(stance.id)
    seen_by_alice = alice.get_span(stance.id)
    alice.update_span(stance.id, seen=seen_by_alice, label="ACTOR", attrs={})
    before = dump(project)
    with pytest.raises(EditConflict) as caught:
        bob.update_span(stance.id, seen=seen_by_bob, label="QUANTITY", attrs={})
    assert dump(project) == before  # not a row changed, history included
    assert bob.get_span(stance.id).label == "ACTOR"
    error = caught.value
    assert (error.span_id, error.field, error.by, error.value) == (stance.id, "label", "alice", "ACTOR")
    message = str(error)
    assert "\n" not in message
    for part in ("STANCE 'Minsk said the grouping was defensive.'", "alice", "label is now ACTOR", "UTC",
                 "not saved", "now shows alice's version", "redo your edit"):  # fmt: skip
        assert part in message, message
    assert error.at[:10] in message  # the day of alice's edit


@pytest.mark.parametrize(
    ("alice_changes", "bob_changes", "expected"),
    [
        # Different attributes of one span: both kept.
        ({"holder": "Russia"}, {"polarity": "opposes"}, {"holder": "Russia", "polarity": "opposes"}),
        # Bob clears one attribute while Alice sets another.
        ({"target": "NATO"}, {"polarity": None}, {"holder": "Minsk", "target": "NATO"}),
        # Both made the same change: no conflict, nothing to write.
        ({"polarity": "opposes"}, {"polarity": "opposes"}, {"holder": "Minsk", "polarity": "opposes"}),
    ],
)
def test_changes_to_different_attributes_merge(stores, alice_changes, bob_changes, expected):
    alice, bob, stance = stores
    seen = bob.get_span(stance.id)
    alice.update_span(stance.id, seen=stance, attrs=_with(stance.attrs, alice_changes))
    # Bob's widget sends the whole form: the attributes he saw, with his change.
    merged = bob.update_span(stance.id, seen=seen, attrs=_with(seen.attrs, bob_changes))
    assert merged.attrs == expected
    assert bob.get_span(stance.id).attrs == expected


def test_a_field_the_other_writer_did_not_touch_is_kept(stores):
    alice, bob, stance = stores
    seen = bob.get_span(stance.id)
    alice.update_span(stance.id, seen=stance, attrs={**stance.attrs, "polarity": "supports"})
    bob.update_span(stance.id, seen=seen, status=Status.PENDING, attrs=dict(seen.attrs))  # attrs as he saw them
    stored = alice.get_span(stance.id)
    assert (stored.status, stored.attrs["polarity"]) == (Status.PENDING, "supports")
    assert list(alice.history(stance.id)["annotator"]) == ["alice", "alice", "bob"]


@pytest.mark.parametrize(
    ("alice_changes", "bob_changes", "field"),
    [
        ({"attrs": {"holder": "Russia", "polarity": "neutral"}}, {"attrs": {"holder": "Kyiv", "polarity": "neutral"}},
         "attrs.holder"),
        ({"attrs": {"holder": "Minsk"}}, {"attrs": {"holder": "Minsk", "polarity": "opposes"}}, "attrs.polarity"),
        ({"status": "rejected"}, {"status": "pending"}, "status"),
        ({"start": 44}, {"start": 49}, "extent"),
    ],
)  # fmt: skip
def test_each_field_clashes_on_its_own(stores, alice_changes, bob_changes, field):
    alice, bob, stance = stores
    seen = bob.get_span(stance.id)
    alice.update_span(stance.id, seen=stance, **alice_changes)
    history = len(alice.history())
    with pytest.raises(EditConflict) as caught:
        bob.update_span(stance.id, seen=seen, **bob_changes)
    assert caught.value.field == field
    assert len(alice.history()) == history


def test_delete_after_a_change_is_a_conflict_and_deletes_nothing(stores):
    alice, bob, stance = stores
    seen = bob.get_span(stance.id)
    alice.update_span(stance.id, attrs={**stance.attrs, "evidence": "reported"})
    with pytest.raises(EditConflict, match=r"alice.*its evidence is now 'reported'.*delete it again") as caught:
        bob.delete_span(stance.id, seen=seen)
    assert caught.value.field == "attrs.evidence"
    assert alice.get_span(stance.id).attrs["evidence"] == "reported"
    # Seen as it is now, the delete goes through.
    bob.delete_span(stance.id, seen=bob.get_span(stance.id))
    with pytest.raises(NotFound):
        alice.get_span(stance.id)


def test_editing_or_deleting_a_span_deleted_meanwhile_is_a_conflict(stores):
    alice, bob, stance = stores
    seen = bob.get_span(stance.id)
    alice.delete_span(stance.id)
    with pytest.raises(EditConflict, match=r"was deleted by alice at .* tag it again") as caught:
        bob.update_span(stance.id, seen=seen, attrs={"polarity": "opposes"})
    assert (caught.value.field, caught.value.value) == ("deleted", None)
    with pytest.raises(EditConflict, match=r"already deleted by alice at .*: nothing left to delete"):
        bob.delete_span(stance.id, seen=seen)
    assert list(alice.history(stance.id)["op"]) == ["add", "delete"]


def test_without_seen_the_last_writer_wins_as_before(stores):
    alice, bob, stance = stores
    alice.update_span(stance.id, label="ACTOR", attrs={})
    assert bob.update_span(stance.id, label="QUANTITY").label == "QUANTITY"


def test_conflict_names_who_changed_the_field_not_who_changed_the_span_last(stores):
    alice, bob, stance = stores
    seen = bob.get_span(stance.id)
    carol = Store(alice.path, annotator="carol")
    try:
        alice.update_span(stance.id, attrs={**stance.attrs, "polarity": "opposes"})
        carol.update_span(stance.id, status="pending")
    finally:
        carol.close()
    with pytest.raises(EditConflict, match="by alice") as caught:
        bob.update_span(stance.id, seen=seen, attrs={**seen.attrs, "polarity": "supports"})
    assert caught.value.by == "alice"


def test_undo_stays_per_annotator_and_refuses_after_someone_elses_change(stores):
    alice, bob, stance = stores
    seen = bob.get_span(stance.id)
    alice.update_span(stance.id, seen=stance, attrs={**stance.attrs, "holder": "Russia"})
    bob.update_span(stance.id, seen=seen, attrs={**seen.attrs, "polarity": "opposes"})
    with pytest.raises(StoreError, match="changed since by someone else"):
        alice.undo()
    assert bob.undo().attrs == {"holder": "Russia", "polarity": "neutral"}  # bob's part only
    assert alice.undo().attrs == {"holder": "Minsk", "polarity": "neutral"}


def test_seen_must_be_the_span_edited(stores):
    alice, _bob, stance = stores
    other = alice.add_span(stance.doc_id, 0, 6, "ACTOR")
    with pytest.raises(SpanError, match=f"seen must be span {stance.id}"):
        alice.update_span(stance.id, seen=other, label="ACTOR")


def test_rebase_keeps_the_stored_version_of_fields_the_editor_left_alone(stores):
    _alice, _bob, stance = stores
    stored = replace(stance, label="ACTOR", attrs={"canonical": "Minsk"})
    changes, clashes = rebase(stance, stored, {"label": "STANCE", "attrs": dict(stance.attrs), "status": "accepted"})
    assert (changes, clashes) == ({}, [])  # nothing the editor changed: the stored version stays whole


# -- two real processes ----------------------------------------------------------------------------------


def _bob_process(project: str, span_id: str, loaded: Any, changed: Any, results: Any) -> None:
    """Bob in his own process: load the span, wait for Alice's edit, then edit the same and another field."""
    with Store(project, annotator="bob") as bob:
        seen = bob.get_span(span_id)
        loaded.set()
        if not changed.wait(SETTLE):
            results.put(("timeout", "", ""))
            return
        try:
            bob.update_span(span_id, seen=seen, attrs={**seen.attrs, "holder": "Kyiv"})
            results.put(("saved", "", ""))
        except EditConflict as exc:
            results.put(("conflict", exc.field, str(exc)))
        merged = bob.update_span(span_id, seen=seen, attrs={**seen.attrs, "polarity": "opposes"})
        results.put(("merged", "", repr(sorted(merged.attrs.items()))))


def test_two_processes_same_field_conflicts_other_field_merges(stores, project):
    alice, _bob, stance = stores
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, as a second annotator's kernel
    loaded, changed, results = context.Event(), context.Event(), context.Queue()
    process = context.Process(target=_bob_process, args=(str(project), stance.id, loaded, changed, results))
    process.start()
    try:
        assert loaded.wait(SETTLE), "bob's process did not load the span"
        alice.update_span(stance.id, seen=stance, attrs={**stance.attrs, "holder": "Russia"})
        changed.set()
        first, second = results.get(timeout=SETTLE), results.get(timeout=SETTLE)
    finally:
        process.join(SETTLE)
        if process.is_alive():
            process.kill()
    assert process.exitcode == 0
    assert first[:2] == ("conflict", "attrs.holder")
    assert "alice" in first[2] and "'Russia'" in first[2]
    assert second == ("merged", "", repr([("holder", "Russia"), ("polarity", "opposes")]))
    assert alice.get_span(stance.id).attrs == {"holder": "Russia", "polarity": "opposes"}
    assert list(alice.history(stance.id)["annotator"]) == ["alice", "alice", "bob"]


def _with(attrs: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in {**attrs, **changes}.items() if value is not None}


# -- the merge rule, for any three versions ------------------------------------------------------------

_VALUES = st.sampled_from(["a", "b", "c", None])
_ATTRS = st.dictionaries(st.sampled_from(["x", "y", "z"]), _VALUES).map(
    lambda attrs: {k: v for k, v in attrs.items() if v is not None}
)
_VERSION = st.tuples(st.sampled_from(["ACTOR", "QUANTITY"]), st.sampled_from(list(Status)), _ATTRS)


@given(seen=_VERSION, stored=_VERSION, new=_VERSION)
def test_rebase_keeps_every_change_of_both_sides_or_names_a_clash(seen, stored, new):
    base = Span(id="sp-1", doc_id="d", start=0, end=5, label="ACTOR")
    seen_span, stored_span = (replace(base, label=v[0], status=v[1], attrs=v[2]) for v in (seen, stored))
    changes, clashes = rebase(seen_span, stored_span, {"label": new[0], "status": new[1], "attrs": new[2]})
    fields = [("label", 0), ("status", 1)]
    expected_clashes = [f for f, i in fields if seen[i] != new[i] != stored[i] != seen[i]]
    expected_clashes += [
        f"attrs.{key}" for key in sorted({*seen[2], *new[2]})
        if seen[2].get(key) != new[2].get(key) != stored[2].get(key) != seen[2].get(key)
    ]  # fmt: skip
    assert sorted(clashes) == sorted(expected_clashes)
    if clashes:
        return
    result = replace(stored_span, **changes)
    for field, i in fields:  # the editor's value where they changed it, else the stored one
        assert getattr(result, field) == (new[i] if new[i] != seen[i] else stored[i])
    for key in {*seen[2], *stored[2], *new[2]}:
        mine = new[2].get(key)
        assert result.attrs.get(key) == (mine if mine != seen[2].get(key) else stored[2].get(key))
    if seen == stored:  # nobody else wrote: the edit is written as given, as without seen
        assert (result.label, result.status, result.attrs) == new
