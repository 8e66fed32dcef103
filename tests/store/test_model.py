"""Model-based property test: random edits applied to the store and to a tiny in-memory model agree."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annot.errors import NotFound, StoreError
from annot.store import Store

from .conftest import TEXT, make_doc

ANNOTATORS = ("ann", "bob")


@dataclass(frozen=True)
class State:
    start: int
    end: int
    label: str
    attrs: tuple[tuple[str, Any], ...]
    status: str
    deleted: bool
    version: int  # stands for updated_at: every write makes a new one, undo brings old ones back


@dataclass
class Entry:
    annotator: str
    span_id: str
    before: State | None
    after: State
    state: str = "done"  # done, undone, dropped


class Model:
    """What the store promises, written as plainly as possible."""

    def __init__(self) -> None:
        self.spans: dict[str, State] = {}
        self.log: list[Entry] = []
        self.version = 0

    def _new(self, **fields: Any) -> State:
        self.version += 1
        return State(version=self.version, **fields)

    def _record(self, annotator: str, span_id: str, before: State | None, after: State) -> None:
        for entry in self.log:
            if entry.annotator == annotator and entry.state == "undone":
                entry.state = "dropped"
        self.log.append(Entry(annotator, span_id, before, after))
        self.spans[span_id] = after

    def add(self, annotator: str, span_id: str, start: int, end: int, label: str, attrs: dict[str, Any]) -> None:
        state = self._new(
            start=start, end=end, label=label, attrs=tuple(sorted(attrs.items())), status="accepted", deleted=False
        )
        self._record(annotator, span_id, None, state)

    def edit(self, annotator: str, span_id: str, *, deleted: bool, **changes: Any) -> bool:
        """Update (deleted=False on a live span), delete or restore; False when the store must say NotFound."""
        before = self.spans.get(span_id)
        want_deleted = changes.pop("was_deleted")
        if before is None or before.deleted != want_deleted:
            return False
        fields = {k: v for k, v in before.__dict__.items() if k != "version"}
        fields.update(changes, deleted=deleted)
        self._record(annotator, span_id, before, self._new(**fields))
        return True

    def step(self, annotator: str, *, redo: bool) -> str | None:
        """Undo or redo; returns the span id, None when nothing to do, or "conflict"."""
        mine = [e for e in self.log if e.annotator == annotator and e.state == ("undone" if redo else "done")]
        if not mine:
            return None
        entry = mine[0] if redo else mine[-1]
        if redo:
            expected = entry.before or replace(entry.after, deleted=True)
            target = entry.after
        else:
            expected = entry.after
            target = entry.before or replace(entry.after, deleted=True)
        if self.spans[entry.span_id] != expected:
            return "conflict"
        self.spans[entry.span_id] = target
        entry.state = "done" if redo else "undone"
        return entry.span_id

    def live(self) -> dict[str, tuple[Any, ...]]:
        return {i: (s.start, s.end, s.label, dict(s.attrs), s.status) for i, s in self.spans.items() if not s.deleted}


LABELS = st.sampled_from(
    [
        ("ACTOR", {}),
        ("ACTOR", {"type": "state"}),
        ("ACTOR", {"type": "person", "canonical": "X"}),
        ("QUANTITY", {"value": 9000}),
        ("QUANTITY", {"value": 2.5, "unit": "km"}),
        ("STANCE", {"polarity": "opposes"}),
    ]
)
OFFSETS = st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 20)).map(
    lambda t: (t[0], min(len(TEXT), t[0] + t[1]))
)
WHO = st.sampled_from(ANNOTATORS)
PICK = st.integers(0, 50)

OPERATIONS = st.one_of(
    st.tuples(st.just("add"), WHO, OFFSETS, LABELS),
    st.tuples(
        st.just("update"),
        WHO,
        PICK,
        st.one_of(
            st.fixed_dictionaries({"status": st.sampled_from(["accepted", "rejected", "pending"])}),
            OFFSETS.map(lambda o: {"start": o[0], "end": o[1]}),
            LABELS.map(lambda la: {"label": la[0], "attrs": la[1]}),
        ),
    ),
    st.tuples(st.just("delete"), WHO, PICK),
    st.tuples(st.just("restore"), WHO, PICK),
    st.tuples(st.just("undo"), WHO),
    st.tuples(st.just("redo"), WHO),
)


def apply(store: Store, model: Model, doc_id: str, ids: list[str], op: tuple[Any, ...]) -> None:
    kind, who = op[0], op[1]
    if kind == "add":
        (start, end), (label, attrs) = op[2], op[3]
        span = store.add_span(doc_id, start, end, label, attrs, annotator=who)
        ids.append(span.id)
        model.add(who, span.id, start, end, label, attrs)
    elif kind in ("update", "delete", "restore"):
        if not ids:
            return
        span_id = ids[op[2] % len(ids)]
        changes = dict(op[3]) if kind == "update" else {}
        if "attrs" in changes:
            changes["attrs"] = tuple(sorted(changes["attrs"].items()))
        ok = model.edit(who, span_id, deleted=kind == "delete", was_deleted=kind == "restore", **changes)
        call = {
            "update": lambda: store.update_span(span_id, annotator=who, **op[3]),
            "delete": lambda: store.delete_span(span_id, annotator=who),
            "restore": lambda: store.restore_span(span_id, annotator=who),
        }[kind]
        if ok:
            call()
        else:
            with pytest.raises(NotFound):
                call()
    else:
        expected = model.step(who, redo=kind == "redo")
        if expected == "conflict":
            with pytest.raises(StoreError, match=f"Cannot {kind}"):
                store.redo(who) if kind == "redo" else store.undo(who)
        else:
            got = store.redo(who) if kind == "redo" else store.undo(who)
            assert (got.id if got else None) == expected


_A = ("add", "ann", (0, 6), ("ACTOR", {"type": "state"}))


@settings(max_examples=30, deadline=None)
@given(ops=st.lists(OPERATIONS, min_size=10, max_size=40))
# Sequences random search finds only now and then, kept as fixed examples.
@example(ops=[_A, ("undo", "ann"), ("redo", "ann"), ("undo", "ann"), ("redo", "ann")])
@example(
    ops=[_A, ("delete", "ann", 0), ("undo", "ann"), ("undo", "ann"), ("redo", "ann"), ("redo", "ann"), ("undo", "ann")]
)
@example(
    ops=[
        _A,
        ("update", "bob", 0, {"status": "pending"}),
        ("undo", "bob"),
        ("undo", "ann"),
        ("redo", "bob"),
        ("redo", "ann"),
    ]
)
@example(
    ops=[
        _A,
        ("update", "bob", 0, {"start": 2, "end": 9}),
        ("undo", "ann"),
        ("delete", "bob", 0),
        ("restore", "ann", 0),
        ("undo", "bob"),
        ("undo", "ann"),
        ("redo", "bob"),
    ]
)
@example(ops=[_A, ("undo", "ann"), ("restore", "bob", 0), ("redo", "ann"), ("undo", "bob"), ("redo", "ann")])
def test_store_matches_model_after_random_edits(ops):
    with tempfile.TemporaryDirectory() as tmp:
        model, ids = Model(), []
        with Store(tmp, annotator="ann") as store:
            doc, sentences = make_doc()
            store.add_document(doc, sentences)
            for op in ops:
                apply(store, model, doc.id, ids, op)
            live = {s.id: (s.start, s.end, s.label, dict(s.attrs), str(s.status)) for s in store.iter_spans()}
            assert live == model.live()
        with Store(tmp, create=False) as reopened:
            frame = reopened.spans()
            got = {row.id: (row.start, row.end, row.label, row.attrs, row.status) for row in frame.itertuples()}
            assert got == model.live()
            for row in frame.itertuples():
                assert row.text == TEXT[row.start : row.end]
            assert len(reopened.spans(include_deleted=True)) == len(ids)
            assert reopened.history()["op"].eq("add").sum() == len(ids)
