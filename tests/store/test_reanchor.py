"""Re-anchoring spans onto a new version of a text (property tests on ``reanchor``)."""

from __future__ import annotations

import tempfile

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annot.store import Store
from annot.store.reanchor import Anchor, reanchor

from .conftest import make_doc

# Old texts are unique lowercase words (so no edit is ambiguous); inserted words are
# upper case, so they never occur in the old text.
_word = st.text("abcdefghij", min_size=1, max_size=6)


@st.composite
def edits(draw):
    """(old, new, a, b, delta): ``new`` is ``old`` with ``old[a:b]`` replaced, whole words at a time."""
    n = draw(st.integers(2, 25))
    words = [f"{w}{i}" for i, w in enumerate(draw(st.lists(_word, min_size=n, max_size=n)))]
    offs, pos = [], 0
    for w in words:
        offs.append(pos)
        pos += len(w) + 1
    old = " ".join(words)
    inserted = " ".join(f"{w.upper()}Z{i}" for i, w in enumerate(draw(st.lists(_word, min_size=0, max_size=4))))
    i = draw(st.integers(0, n))
    j = draw(st.integers(i, min(n, i + 5)))
    assume(j - i < n and (inserted or j > i))
    if i == 0:  # edit at the start: words plus their following space
        a, b = 0, offs[j] if j < n else len(old)
        replacement = inserted + " " if inserted and j < n else inserted
    else:  # elsewhere: the space before each word goes with it
        a = offs[i] - 1 if i < n else len(old)
        b = offs[j - 1] + len(words[j - 1]) if j > i else a
        replacement = " " + inserted if inserted else ""
    new = old[:a] + replacement + old[b:]
    return old, new, a, b, len(replacement) - (b - a)


def spans_in(old: str):
    return st.lists(
        st.tuples(st.integers(0, len(old) - 1), st.integers(1, 30)).map(lambda t: (t[0], min(len(old), t[0] + t[1]))),
        min_size=1,
        max_size=20,
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data(), edit=edits())
def test_reanchor_untouched_spans_shift_by_the_edit_delta(data, edit):
    old, new, a, b, delta = edit
    spans = [(s, e, old[s:e]) for s, e in data.draw(spans_in(old))]
    for (start, end, text), anchor in zip(spans, reanchor(old, new, spans), strict=True):
        if end <= a:
            assert anchor == Anchor(start, end), (text, a, b)
        elif start == b and text.isspace():
            pass  # the space next to the edit: " X" inserted before it or "X " after it is the same edit
        elif start >= b:
            assert anchor == Anchor(start + delta, end + delta), (text, a, b)
        if anchor.found:
            assert new[anchor.start : anchor.end] == text
        else:
            assert text not in new


@settings(max_examples=300, deadline=None)
@given(
    old=st.text("ab .\n", min_size=1, max_size=60),
    at=st.integers(0, 60),
    removed=st.integers(0, 10),
    inserted=st.text("abc .", max_size=10),
    data=st.data(),
)
def test_reanchor_found_spans_slice_identical_text(old, at, removed, inserted, data):
    at = min(at, len(old))
    new = old[:at] + inserted + old[at + removed :]
    spans = [(s, e, old[s:e]) for s, e in data.draw(spans_in(old))]
    anchors = reanchor(old, new, spans)
    assert len(anchors) == len(spans)
    for (_, _, text), anchor in zip(spans, anchors, strict=True):
        assert anchor.found == (text in new)
        if anchor.found:
            assert new[anchor.start : anchor.end] == text
            assert anchor.end - anchor.start == len(text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), edit=edits())
def test_store_new_version_drops_no_span(data, edit):
    old, new, _, _, _ = edit
    assume(old != new)
    with tempfile.TemporaryDirectory() as tmp, Store(tmp, annotator="prop") as store:
        v1, sentences = make_doc(old, "Prop")
        store.add_document(v1, sentences)
        for start, end in data.draw(spans_in(old)):
            store.add_span(v1.id, start, end, "ACTOR")
        live = {s.id: s for s in store.iter_spans()}
        v2, sentences = make_doc(new, "Prop")
        result = store.add_document(v2, sentences)
        assert result.status == "new_version"
        assert set(result.kept) | set(result.reanchored) | set(result.orphaned) == set(live)
        after = {s.id: s for s in store.iter_spans()}
        assert set(after) == set(live)
        for span in after.values():
            text = new if span.doc_id == v2.id else old
            assert text[span.start : span.end] == span.text == live[span.id].text
            assert span.anchor == (
                "orphaned" if span.id in result.orphaned else "reanchored" if span.id in result.reanchored else "ok"
            )
            assert (span.doc_id == v1.id) == (span.id in result.orphaned)
