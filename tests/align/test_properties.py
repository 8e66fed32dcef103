"""Properties of the aligner, whatever the input: every sentence in exactly one bead, in order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annot.align import METHODS, align, bead_scores, check_beads, cover

WORDS = ["Minsk", "Минск", "9,000", "9.000", "170", "«танки»", "“tanks”", "Łukaszenka", "Lukashenko", "the", "и", "of"]
SENTENCES = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
DOCUMENTS = st.lists(SENTENCES, min_size=0, max_size=14)


@settings(max_examples=60, deadline=None)
@given(a=DOCUMENTS, b=DOCUMENTS, method=st.sampled_from(METHODS), data=st.data())
def test_properties_align_covers_each_sentence_once_in_order(a, b, method, data):
    a_heads = data.draw(st.lists(st.booleans(), min_size=len(a), max_size=len(a)))
    b_heads = data.draw(st.lists(st.booleans(), min_size=len(b), max_size=len(b)))
    beads = align(a, b, a_headings=a_heads, b_headings=b_heads, method=method, langs=("en", "ru"))
    check_beads(beads, (len(a), len(b)))  # consecutive sides, in range, no sentence twice, in order
    assert [i for bead in beads for i in bead.a] == list(range(len(a)))
    assert [j for bead in beads for j in bead.b] == list(range(len(b)))
    assert set(cover(beads, len(a), len(b))) == set(beads)  # nothing left out
    for bead in beads:
        if bead.a and bead.b:
            assert len(bead.a) <= 2 and len(bead.b) <= 2  # the shapes the search knows
            # A heading pairs alone: never merged with another sentence.
            if any(a_heads[i] for i in bead.a) or any(b_heads[j] for j in bead.b):
                assert len(bead.a) == len(bead.b) == 1
        else:
            assert bead.score is None and len(bead.a) + len(bead.b) == 1  # unaligned runs are single sentences
        if bead.score is not None:
            assert 0 <= bead.score <= 100


@settings(max_examples=40, deadline=None)
@given(a=st.lists(SENTENCES, min_size=4, max_size=12), keep=st.data())
def test_properties_a_partial_copy_leaves_the_rest_unaligned(a, keep):
    # B is a run of A's own sentences: every B sentence is paired, and no B sentence is left over.
    # Each sentence carries a number of its own, as news sentences differ: from this small
    # vocabulary, copies ("Minsk", "Minsk", "и") could be paired one place off at no cost.
    a = [f"{sentence} {1000 + i}" for i, sentence in enumerate(a)]
    start = keep.draw(st.integers(0, len(a) - 1))
    end = keep.draw(st.integers(start + 1, len(a)))
    beads = align(a, a[start:end], method="anchors")
    assert all(bead.a for bead in beads)
    assert sum(len(bead.b) for bead in beads) == end - start


def test_properties_bead_scores_of_the_gold_itself_are_perfect():
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ()), ((), (2,))]
    found = bead_scores(gold, gold)
    assert (found.precision, found.recall, found.found, found.gold) == (1.0, 1.0, 4, 4)
    spread = bead_scores([((0,), (0,)), ((1,), (1,)), ((2, 3), (2,))], gold)
    assert (spread.precision, spread.recall) == (1 / 3, 1 / 4)


def test_properties_a_much_longer_b_still_has_a_path():
    # Rows of the search band used to leave gaps when B was over twice A's length (an IndexError).
    beads = align(["Minsk"], ["Minsk"] * 12, a_headings=[True], method="length")
    assert [j for bead in beads for j in bead.b] == list(range(12))
