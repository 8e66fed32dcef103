"""Editing spans: update, delete, restore, and per-annotator undo/redo with history."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from annot.errors import NotFound, SpanError, StoreError
from annot.model import Span, Status
from annot.store import Store, default_annotator, new_span_id

from .conftest import dump, make_doc


def live(store: Store) -> dict[str, tuple]:
    return {s.id: (s.start, s.end, s.label, dict(s.attrs), str(s.status)) for s in store.iter_spans()}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "rejected"}, {"status": Status.REJECTED}),
        ({"status": Status.PENDING}, {"status": Status.PENDING}),
        ({"attrs": {"type": "state", "canonical": "Russia"}}, {"attrs": {"canonical": "Russia", "type": "state"}}),
        ({"start": 0, "end": 12}, {"start": 0, "end": 12, "text": "Russia moved"}),
        ({"label": "STANCE", "attrs": {"polarity": "neutral"}}, {"label": "STANCE", "attrs": {"polarity": "neutral"}}),
    ],
)
def test_update_span_changes_fields(store, add, changes, expected):
    span = add("Russia", "ACTOR", {"type": "state"})
    updated = store.update_span(span.id, **changes)
    for name, value in expected.items():
        assert getattr(updated, name) == value
    assert updated.updated_at > span.updated_at
    assert (updated.created_at, updated.id, updated.doc_id) == (span.created_at, span.id, span.doc_id)
    assert store.get_span(span.id) == updated


def test_update_span_records_annotator_and_before_after(store, add):
    span = add("Russia", "ACTOR", {"type": "state"})
    store.update_span(span.id, status="pending", annotator="bob")
    history = store.history(span.id)
    assert list(history["op"]) == ["add", "update"]
    assert list(history["annotator"]) == ["alice", "bob"]
    row = history.iloc[1]
    assert row["before"]["status"] == "accepted"
    assert row["after"]["status"] == "pending"
    assert row["before"]["attrs"] == row["after"]["attrs"] == '{"type": "state"}'


def test_update_span_missing_raises_not_found(store, doc):
    with pytest.raises(NotFound, match="No span 'sp-missing'"):
        store.update_span("sp-missing", status="rejected")


def test_delete_span_keeps_history_and_restore_brings_it_back(store, add, project):
    span = add("Minsk", "ACTOR", {"type": "government body"})
    deleted = store.delete_span(span.id)
    assert deleted.id == span.id
    with pytest.raises(NotFound, match=f"No span '{span.id}'"):
        store.get_span(span.id)
    assert store.counts()["spans"] == 0
    assert list(store.spans()["id"]) == []
    all_spans = store.spans(include_deleted=True)
    assert list(all_spans["id"]) == [span.id]
    assert all_spans["deleted"].tolist() == [True]
    assert list(store.history(span.id)["op"]) == ["add", "delete"]
    with pytest.raises(NotFound):
        store.delete_span(span.id)
    with pytest.raises(NotFound):
        store.update_span(span.id, status="rejected")

    restored = store.restore_span(span.id)
    assert (restored.start, restored.end, restored.label, restored.attrs) == (
        span.start,
        span.end,
        span.label,
        span.attrs,
    )
    assert store.get_span(span.id) == restored
    assert list(store.history(span.id)["op"]) == ["add", "delete", "restore"]
    with pytest.raises(NotFound, match=f"No deleted span '{span.id}'"):
        store.restore_span(span.id)


def test_undo_with_nothing_to_undo_returns_none(store, doc):
    assert store.undo() is None
    assert store.redo() is None
    assert store.undo("nobody") is None


def test_undo_add_deletes_and_redo_brings_back(store, add, project):
    span = add("Russia")
    assert store.undo().id == span.id
    with pytest.raises(NotFound):
        store.get_span(span.id)
    assert store.redo().id == span.id
    assert store.get_span(span.id) == span
    assert store.undo().id == span.id
    assert store.counts()["spans"] == 0


def test_undo_update_restores_previous_state(store, add):
    span = add("Russia", "ACTOR", {"type": "state"})
    store.update_span(span.id, attrs={"type": "other"}, status="pending")
    assert store.undo() == span
    assert store.get_span(span.id) == span
    redone = store.redo()
    assert redone.attrs == {"type": "other"}
    assert redone.status == Status.PENDING
    assert store.get_span(span.id) == redone


def test_undo_delete_and_undo_restore(store, add):
    span = add("Russia")
    store.delete_span(span.id)
    assert store.undo() == span
    assert store.get_span(span.id) == span
    store.delete_span(span.id)
    restored = store.restore_span(span.id)
    assert store.undo().id == span.id  # undo the restore: deleted again
    with pytest.raises(NotFound):
        store.get_span(span.id)
    assert store.redo() == restored
    assert store.get_span(span.id) == restored


def test_undo_redo_walk_the_whole_chain(store, add):
    span = add("Russia")
    first = store.update_span(span.id, status="pending")
    second = store.update_span(span.id, end=12)
    store.delete_span(span.id)
    states = []
    while store.undo() is not None:
        states.append(live(store).get(span.id))
    assert states == [
        (0, 12, "ACTOR", {}, "pending"),
        (0, 6, "ACTOR", {}, "pending"),
        (0, 6, "ACTOR", {}, "accepted"),
        None,
    ]
    while store.redo() is not None:
        pass
    assert span.id not in live(store)
    assert store.undo().id == span.id
    assert store.get_span(span.id) == second
    assert first.status == Status.PENDING


def test_undo_is_per_annotator(store, add):
    a1 = add("Russia", annotator="alice")
    b1 = add("Minsk", annotator="bob")
    a2 = add("Kyiv", annotator="alice")
    store.update_span(b1.id, status="rejected", annotator="bob")
    assert store.undo("alice").id == a2.id
    assert set(live(store)) == {a1.id, b1.id}
    assert store.get_span(b1.id).status == Status.REJECTED
    assert store.undo("bob").id == b1.id
    assert store.get_span(b1.id).status == Status.ACCEPTED
    assert store.undo("alice").id == a1.id
    assert set(live(store)) == {b1.id}
    assert store.undo("alice") is None
    assert store.undo("bob").id == b1.id
    assert live(store) == {}
    assert store.undo("bob") is None


def test_undo_uses_the_store_default_annotator(store, add):
    mine = add("Russia")  # alice is the store's annotator
    add("Minsk", annotator="bob")
    assert store.undo().id == mine.id
    assert store.undo() is None


def test_new_edit_clears_the_redo_chain_of_that_annotator_only(store, add):
    a = add("Russia", annotator="alice")
    b = add("Minsk", annotator="bob")
    store.undo("alice")
    store.undo("bob")
    add("Kyiv", annotator="alice")
    assert store.redo("alice") is None
    assert a.id not in live(store)
    assert store.redo("bob").id == b.id
    states = store.history()["state"].tolist()
    assert states == ["dropped", "done", "done"]


def test_undo_refused_when_another_annotator_changed_the_span(store, add, project):
    span = add("Russia", annotator="alice")
    store.update_span(span.id, status="pending", annotator="bob")
    before = dump(project)
    with pytest.raises(StoreError, match=f"Cannot undo: span {span.id} was changed since by someone else"):
        store.undo("alice")
    assert dump(project) == before
    assert store.undo("bob").status == Status.ACCEPTED
    assert store.undo("alice").id == span.id  # now the span is as alice left it


def test_undo_refused_when_another_annotator_deleted_the_span(store, add, project):
    span = add("Russia", annotator="alice")
    store.update_span(span.id, end=12, annotator="alice")
    store.delete_span(span.id, annotator="bob")
    before = dump(project)
    with pytest.raises(StoreError, match="Cannot undo"):
        store.undo("alice")
    assert dump(project) == before


def test_redo_refused_when_another_annotator_changed_the_span(store, add, project):
    span = add("Russia", annotator="alice")
    store.update_span(span.id, status="pending", annotator="alice")
    store.undo("alice")
    store.update_span(span.id, status="rejected", annotator="bob")
    before = dump(project)
    with pytest.raises(StoreError, match="Cannot redo"):
        store.redo("alice")
    assert dump(project) == before


def test_redo_does_not_resurrect_a_span_another_annotator_undid(store, add, project):
    span = add("Russia", annotator="alice")
    store.update_span(span.id, status="pending", annotator="bob")
    store.undo("bob")  # back to alice's state
    store.undo("alice")  # alice takes her add back: the span is deleted
    before = dump(project)
    with pytest.raises(StoreError, match="Cannot redo"):
        store.redo("bob")
    assert dump(project) == before
    assert span.id not in live(store)


def test_undo_refuses_to_delete_a_referenced_span(store, add, project):
    actor = add("Minsk", annotator="alice")
    add("the grouping was defensive", "STANCE", {"holder_span": actor.id}, annotator="bob")
    before = dump(project)
    with pytest.raises(SpanError, match=f"{actor.id} is referenced"):
        store.undo("alice")
    assert dump(project) == before


def test_history_frame_content(store, add):
    span = add("Russia", annotator="alice")
    store.update_span(span.id, status="pending", annotator="bob")
    store.delete_span(span.id, annotator="bob")
    store.restore_span(span.id, annotator="alice")
    store.undo("alice")
    other = add("Kyiv")
    history = store.history()
    assert list(history.columns) == ["seq", "span_id", "annotator", "op", "at", "state", "step", "before", "after"]
    assert str(history["step"].dtype) == "Int64" and history["step"].isna().all()  # each edit a step alone
    assert list(history["op"]) == ["add", "update", "delete", "restore", "add"]
    assert list(history["span_id"]) == [span.id] * 4 + [other.id]
    assert list(history["annotator"]) == ["alice", "bob", "bob", "alice", "alice"]
    assert list(history["state"]) == ["done", "done", "done", "dropped", "done"]
    assert history["seq"].is_monotonic_increasing
    assert history["at"].is_monotonic_increasing
    assert str(history["at"].dtype) == "datetime64[us, UTC]"
    assert history["before"].iloc[0] is None
    assert history["after"].iloc[0]["id"] == span.id
    assert history["after"].iloc[0]["text"] == "Russia"
    assert history["before"].iloc[1] == history["after"].iloc[0]
    assert len(store.history(span.id)) == 4
    assert store.history("sp-none").empty


def test_add_spans_replace_overwrites_and_keeps_history(store, add):
    span = add("Russia", "ACTOR", {"type": "state"})
    changed = replace(span, end=12, attrs={"type": "other"}, annotator="importer")
    (written,) = store.add_spans([changed], on_conflict="replace")
    assert (written.end, written.text, written.attrs) == (12, "Russia moved", {"type": "other"})
    assert list(store.history(span.id)["op"]) == ["add", "update"]
    assert store.undo("importer") == span


def test_add_spans_replace_with_identical_span_is_a_noop(store, add, project):
    span = add("Russia")
    before = dump(project)
    assert store.add_spans([span], on_conflict="replace") == [span]
    assert dump(project) == before


def test_add_spans_replace_of_deleted_span_is_a_restore(store, add):
    span = add("Russia")
    store.delete_span(span.id)
    (revived,) = store.add_spans([replace(span, status=Status.PENDING, annotator="importer")], on_conflict="replace")
    assert store.get_span(span.id) == revived
    assert list(store.history(span.id)["op"]) == ["add", "delete", "restore"]
    assert store.undo("importer").id == span.id
    with pytest.raises(NotFound):
        store.get_span(span.id)


def test_add_spans_refuses_unknown_conflict_mode(store, add, project):
    span = add("Russia")
    before = dump(project)
    with pytest.raises(SpanError, match="on_conflict must be 'error' or 'replace', got 'ignore'"):
        store.add_spans([span], on_conflict="ignore")
    assert dump(project) == before


def test_default_annotator_comes_from_environment(project, monkeypatch):
    monkeypatch.delenv("ANNOT_USER", raising=False)  # which would come first
    monkeypatch.setenv("ANNOT_ANNOTATOR", "carol")
    assert default_annotator() == "carol"
    with Store(project) as store:
        assert store.annotator == "carol"
        doc, sentences = make_doc()
        store.add_document(doc, sentences)
        assert store.add_span(doc.id, 0, 6, "ACTOR").annotator == "carol"
    monkeypatch.delenv("ANNOT_ANNOTATOR")
    assert default_annotator()


@pytest.mark.parametrize(
    ("user", "annotator", "expected"),
    [("ana", "carol", "ana"), (" ana ", None, "ana"), ("", "carol", "carol"), ("  ", " carol", "carol")],
)
def test_default_annotator_prefers_annot_user(monkeypatch, user, annotator, expected):
    monkeypatch.setenv("ANNOT_USER", user)
    if annotator is None:
        monkeypatch.delenv("ANNOT_ANNOTATOR", raising=False)
    else:
        monkeypatch.setenv("ANNOT_ANNOTATOR", annotator)
    assert default_annotator() == expected


def test_new_span_id_is_sp_plus_16_hex_digits():
    ids = {new_span_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"sp-[0-9a-f]{16}", i) for i in ids)


def test_undo_and_redo_limited_to_one_document(tmp_path):
    import annot

    store = annot.open_project(tmp_path / "p", annotator="ana")
    a = tmp_path / "a.en.txt"
    b = tmp_path / "b.en.txt"
    a.write_text("Russia moved troops. Minsk agreed.", "utf-8")
    b.write_text("Kyiv objected. NATO watched.", "utf-8")
    doc_a = annot.ingest(str(a), store).results[0].doc_id
    doc_b = annot.ingest(str(b), store).results[0].doc_id
    in_a = store.add_span(doc_a, 0, 6, "ACTOR")
    in_b = store.add_span(doc_b, 0, 4, "ACTOR")
    assert store.undo(doc_id=doc_a).id == in_a.id  # the later edit, in b, stays
    assert [s.id for s in store.iter_spans(doc_b)] == [in_b.id] and list(store.iter_spans(doc_a)) == []
    assert store.undo(doc_id=doc_a) is None
    assert store.redo(doc_id=doc_b) is None  # nothing undone there
    assert store.redo(doc_id=doc_a).id == in_a.id
    assert store.undo().id == in_b.id  # without a document: the annotator's last edit anywhere (b came after a)
    store.close()


def test_add_spans_in_bulk_keeps_order_references_and_ids_given_twice(store, doc, add, monkeypatch):
    """New spans are written together, existing and repeated ids one by one: the result is as if one by one."""
    import annot.store.core

    monkeypatch.setattr(annot.store.core, "_ADD_CHUNK", 3)  # chunks end inside the batch
    old = add("Russia", annotator="alice")
    now = old.updated_at

    def span(phrase: str, label: str = "ACTOR", attrs: dict | None = None, span_id: str | None = None) -> Span:
        start = doc.text.index(phrase)
        return Span(id=span_id or new_span_id(), doc_id=doc.id, start=start, end=start + len(phrase), label=label,
                    attrs=attrs or {}, annotator="bob", created_at=now, updated_at=now)  # fmt: skip

    minsk, kyiv = span("Minsk"), span("Kyiv")
    # A STANCE naming an actor of the same call (not written yet when it is checked), an existing id replaced,
    # a new id given twice (the second replaces the first), and a new span after them.
    stance = span("the grouping was defensive", "STANCE", {"holder_span": minsk.id})
    again = replace(kyiv, label="QUANTITY")
    last = span("threat")
    given = [minsk, kyiv, stance, replace(old, label="QUANTITY"), again, last]
    out = store.add_spans(given, on_conflict="replace")
    assert [s.id for s in out] == [s.id for s in given]
    mine = store.history().iloc[1:]  # after alice's add of the span replaced (its row keeps her name)
    assert mine["span_id"].tolist() == [s.id for s in given]
    assert mine["op"].tolist() == ["add", "add", "add", "update", "update", "add"]
    assert mine["seq"].is_monotonic_increasing
    assert store.get_span(kyiv.id).label == "QUANTITY" and store.get_span(old.id).label == "QUANTITY"
    assert store.get_span(stance.id).attrs["holder_span"] == minsk.id
    # Undone one at a time, last first, as if added one by one.
    assert store.undo("bob").id == last.id and store.undo("bob").id == kyiv.id


def test_add_spans_in_an_edit_step_undo_as_one(store, doc):
    spans = []
    for phrase in ("Russia", "Minsk", "Kyiv", "Belarus"):
        start = doc.text.index(phrase)
        spans.append(Span(id=new_span_id(), doc_id=doc.id, start=start, end=start + len(phrase), label="ACTOR",
                          annotator="carol"))  # fmt: skip
    with store.edit_step():
        store.add_spans(spans)
    steps = store.history()["step"]
    assert steps.nunique() == 1 and not steps.isna().any()
    store.undo("carol")
    assert store.spans(annotator="carol").empty
