"""Re-anchoring spans onto a new version of a text (cases and property tests on ``reanchor``)."""

from __future__ import annotations

import re
import tempfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annot.store import Store
from annot.store.reanchor import Anchor, reanchor

from .conftest import find, make_doc

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


# -- a word that repeats: the span stays on its own repeat --------------------------------------------

# old text, the repeat of "Minsk" the span is on (0-based), new text, the repeat it must land on.
REPEATS = [
    # A space lost before the third Minsk (an extraction glitch): its word is no longer a token of its
    # own, so the diff cannot carry it; of the three Minsks found, the nearest is the third, not the first.
    ("Minsk said and Minsk wrote and Minsk denied.", 2, "Minsk said and Minsk wrote andMinsk denied.", 2),
    # A footnote mark glued to the second and to the third Minsk.
    ("Minsk said and Minsk wrote and Minsk denied.", 1, "Minsk said and Minsk¹ wrote and Minsk² denied.", 1),
    ("Minsk said and Minsk wrote and Minsk denied.", 2, "Minsk said and Minsk¹ wrote and Minsk² denied.", 2),
    # A long insertion glued before the last Minsk: nearer to the old offset is the one before it, but the
    # text after the insertion did not move relative to the end of the document.
    ("Minsk, Minsk, Minsk", 2, "Minsk, Minsk, Officially-the-capital-city-ofMinsk", 2),
    # A word deleted before a run of repeats: the longest common run of tokens pairs each Minsk after it
    # with the one before (the first two would share one place); the unchanged end says where each went.
    ("Fans chanted: Minsk! then Minsk! Minsk! Minsk! Minsk!", 1, "Fans chanted: Minsk! Minsk! Minsk! Minsk! Minsk!", 1),
    ("Fans chanted: Minsk! then Minsk! Minsk! Minsk! Minsk!", 4, "Fans chanted: Minsk! Minsk! Minsk! Minsk! Minsk!", 4),
    # Text added after the span, and before it: the span keeps its repeat.
    ("Kyiv said Minsk lied; Minsk said Minsk did not.", 1, "Kyiv said Minsk lied; Minsk said Minsk did not, again.", 1),
    ("Kyiv said Minsk lied; Minsk said Minsk did not.", 1, "Today Kyiv said Minsk lied; Minsk said Minsk did not.", 1),
]


@pytest.mark.parametrize(("old", "k", "new", "landed"), REPEATS)
def test_reanchor_keeps_a_repeated_word_on_the_nearest_repeat(old: str, k: int, new: str, landed: int) -> None:
    start, end = find(old, "Minsk", k)
    (anchor,) = reanchor(old, new, [(start, end, "Minsk")])
    assert (anchor.start, anchor.end) == find(new, "Minsk", landed)


_WORDS = ("Minsk", "Kyiv", "Putin")  # capitalised: the filler and the edits are lower case, so never make one


@st.composite
def repeat_edits(draw):
    """(old, new, start, expected): a span on the k-th repeat of a word; one edit before or after it.

    The edit replaces ``old[a:b]`` by lower-case letters, digits, spaces or punctuation; it never
    touches a repeat of the word, but may be glued to one (so the word's token changes). The span's
    repeat is then at ``start`` shifted by the edit when the edit is before it, else at ``start``.
    """
    word = draw(st.sampled_from(_WORDS))
    filler = st.text("abcdefg", min_size=1, max_size=4)
    parts = draw(st.lists(st.one_of(st.just(word), filler), min_size=3, max_size=16))
    assume(parts.count(word) >= 2)
    seps = draw(st.lists(st.sampled_from([" ", " ", ", ", ". ", "\n"]), min_size=len(parts), max_size=len(parts)))
    old = "".join(p + s for p, s in zip(parts, seps)).rstrip()
    repeats = [m.start() for m in re.finditer(word, old)]
    start = draw(st.sampled_from(repeats))
    end = start + len(word)
    # Places an edit may begin or end: anywhere but strictly inside a repeat.
    free = [i for i in range(len(old) + 1) if not any(r < i < r + len(word) for r in repeats)]
    before = draw(st.booleans())
    a = draw(st.sampled_from([i for i in free if (i <= start if before else i >= end)]))
    nxt = min([r for r in repeats if r >= a], default=len(old))
    b = draw(st.sampled_from([i for i in free if a <= i <= (min(nxt, start) if before else nxt)]))
    inserted = draw(st.text("abcdefg0123 ,.", max_size=12))
    assume(inserted or b > a)
    new = old[:a] + inserted + old[b:]
    return word, old, new, start, start + len(inserted) - (b - a) if before else start


@settings(max_examples=400, deadline=None)
@given(edit=repeat_edits())
def test_reanchor_span_on_a_repeat_lands_on_the_same_repeat(edit):
    word, old, new, start, expected = edit
    assert new[expected : expected + len(word)] == word  # the test's own bookkeeping
    (anchor,) = reanchor(old, new, [(start, start + len(word), word)])
    assert anchor == Anchor(expected, expected + len(word)), (old, new)
