"""``annot.agreement`` on a real store: two and three simulated annotators, scores checked by hand."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annot
from annot.analysis.agreement import ALPHA_COLUMNS, NO_AGREEMENT, PAIR_COLUMNS
from annot.store import Store
from tests.analysis.conftest import add_document

DOC1 = "Russia will send 9,000 troops to Belarus, the ministry said. Kyiv says it is more."
DOC2 = "Minsk claims 20,000 troops. Moscow denies it."
NAN = float("nan")


def _span(store: Store, doc: annot.Document, quote: str, label: str, who: str, attrs=None, *, end: str | None = None):
    """A span of ``who`` from ``quote``'s start to its end (or to the end of ``end``, a later quote)."""
    start = doc.text.index(quote)
    stop = doc.text.index(end) + len(end) if end else start + len(quote)
    return store.add_span(doc.id, start, stop, label, attrs or {}, annotator=who)


@pytest.fixture
def team(tmp_path: Path) -> tuple[Store, annot.Document, annot.Document]:
    """Alice, Bob and Carol on two documents: identical, overlapping, nested, conflicting and missed spans."""
    store = annot.open_project(tmp_path / "project", annotator="alice")
    one = add_document(store, DOC1, "en", "one", date(2022, 1, 18))
    two = add_document(store, DOC2, "en", "two", date(2022, 1, 18))
    said = "the ministry said."
    # Alice, the reference.
    _span(store, one, "Russia", "ACTOR", "alice")
    _span(store, one, "9,000", "QUANTITY", "alice", {"value": 9000})
    _span(store, one, "Russia", "STANCE", "alice", {"polarity": "supports", "evidence": "asserted"}, end=said)
    _span(store, one, "Belarus", "ACTOR", "alice")
    _span(store, one, "ministry", "ACTOR", "alice")  # nested in her STANCE, and inside Bob's "the ministry"
    # Bob: one identical span, overlaps, a conflicting label, a span nobody else has.
    _span(store, one, "Russia", "ACTOR", "bob")
    _span(store, one, "9,000 troops", "QUANTITY", "bob", {"value": 9000})
    _span(store, one, "Russia", "STANCE", "bob", {"polarity": "opposes", "evidence": "asserted"}, end="Belarus")
    _span(store, one, "Belarus", "QUANTITY", "bob")
    _span(store, one, "Kyiv", "ACTOR", "bob")
    _span(store, one, "the ministry", "ACTOR", "bob")
    # Both on the second document.
    _span(store, two, "20,000", "QUANTITY", "alice", {"value": 20000})
    _span(store, two, "Minsk", "STANCE", "alice", {"polarity": "opposes", "evidence": "reported"}, end="troops.")
    _span(store, two, "20,000", "QUANTITY", "bob", {"value": 2000})
    _span(store, two, "Minsk", "STANCE", "bob", {"polarity": "opposes", "evidence": "alleged"}, end="troops.")
    # Not anybody's judgement: a pending suggestion and a rejected span.
    store.add_span(one.id, 61, 65, "ACTOR", annotator="alice", status="pending")
    store.add_span(one.id, 61, 65, "ACTOR", annotator="alice", status="rejected")
    return store, one, two


def _add_carol(store: Store, one: annot.Document, two: annot.Document) -> None:
    """Carol: Alice's spans, without some attributes, and a little off on the second document."""
    _span(store, one, "Russia", "ACTOR", "carol")
    _span(store, one, "9,000", "QUANTITY", "carol")  # no value: missing in alpha
    _span(store, one, "Russia", "STANCE", "carol", {"polarity": "supports"}, end="the ministry said.")
    _span(store, one, "Belarus", "ACTOR", "carol")
    _span(store, one, "ministry", "ACTOR", "carol")
    _span(store, two, "20,000 troops", "QUANTITY", "carol", {"value": 20000})
    _span(store, two, "Minsk", "STANCE", "carol", {"polarity": "opposes", "evidence": "reported"}, end="troops")


def _row(result: annot.Agreement, a: str, b: str, label: str, match: str) -> dict:
    frame = result.pairs
    rows = frame[(frame["annotator_a"] == a) & (frame["annotator_b"] == b) & (frame["label"] == label)
                 & (frame["match"] == match)]  # fmt: skip
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def _scores(row: dict) -> tuple[float, float, float]:
    return row["precision"], row["recall"], row["f1"]


@pytest.mark.parametrize(
    ("label", "match", "expected", "supports"),
    [
        ("ACTOR", "exact", (1 / 3, 1 / 3, 1 / 3), (3, 3)),  # Russia only
        ("ACTOR", "overlap", (2 / 3, 2 / 3, 2 / 3), (3, 3)),  # and "ministry" inside "the ministry"
        ("QUANTITY", "exact", (0.0, 0.0, 0.0), (1, 2)),
        ("QUANTITY", "overlap", (1 / 2, 1.0, 2 / 3), (1, 2)),  # "9,000" in "9,000 troops"; "Belarus" is no QUANTITY
        ("STANCE", "exact", (0.0, 0.0, 0.0), (1, 1)),
        ("STANCE", "overlap", (1.0, 1.0, 1.0), (1, 1)),
        ("all", "exact", (1 / 6, 1 / 5, 2 / 11), (5, 6)),
        ("all", "overlap", (4 / 6, 4 / 5, 8 / 11), (5, 6)),
    ],
)
def test_agreement_two_annotators_span_f1_by_hand(team, label, match, expected, supports):
    store, one, _ = team
    result = annot.agreement(store, [one.id])
    assert list(result.pairs.columns) == PAIR_COLUMNS
    assert result.annotators == ("alice", "bob") and result.documents == 1
    row = _row(result, "alice", "bob", label, match)
    assert _scores(row) == pytest.approx(expected)
    assert (row["support_a"], row["support_b"], row["documents"]) == (*supports, 1)


def test_agreement_f1_is_symmetric_and_pending_or_rejected_spans_do_not_count(team):
    store, one, _ = team
    forward = annot.agreement(store, [one.id], annotators=["alice", "bob"])
    # Only Alice's accepted spans count: her pending and rejected "Kyiv" would match Bob's.
    assert _row(forward, "alice", "bob", "ACTOR", "exact")["support_a"] == 3
    # F1 does not depend on who is the reference; precision and recall swap.
    p, r, f1 = _scores(_row(forward, "alice", "bob", "QUANTITY", "overlap"))
    store.add_span(one.id, 0, 6, "ACTOR", annotator="aaron")  # sorts before both: the reference of each pair
    swapped = annot.agreement(store, [one.id], annotators=["bob", "aaron"])
    assert _row(swapped, "aaron", "bob", "ACTOR", "exact")["f1"] == pytest.approx(2 / 4)
    assert (p, r, f1) == pytest.approx((1 / 2, 1.0, 2 / 3))


def test_agreement_confusion_table_matches_ranges_across_labels(team):
    store, one, _ = team
    confusion = annot.agreement(store, [one.id]).confusion
    assert list(confusion.index) == ["ACTOR", "QUANTITY", "STANCE", "none"] == list(confusion.columns)
    expected = {("ACTOR", "ACTOR"): 2, ("ACTOR", "QUANTITY"): 1, ("QUANTITY", "QUANTITY"): 1,
                ("STANCE", "STANCE"): 1, ("none", "ACTOR"): 1}  # fmt: skip
    for a in confusion.index:
        for b in confusion.columns:
            assert confusion.loc[a, b] == expected.get((a, b), 0), (a, b)


def test_agreement_three_annotators_alpha_against_krippendorff(team):
    store, one, two = team
    _add_carol(store, one, two)
    result = annot.agreement(store)
    assert result.annotators == ("alice", "bob", "carol") and result.documents == 2
    assert {(r["annotator_a"], r["annotator_b"]) for r in result.pairs.to_dict("records")} == {
        ("alice", "bob"), ("alice", "carol"), ("bob", "carol")
    }  # fmt: skip
    # Carol copies Alice on the first document, and overlaps her on the second.
    assert _row(result, "alice", "carol", "all", "exact")["f1"] == pytest.approx(2 * 5 / (7 + 7))
    assert _row(result, "alice", "carol", "all", "overlap")["f1"] == pytest.approx(1.0)
    # Rows alice, bob, carol; one unit per matched STANCE (QUANTITY): the first document's, then the second's.
    polarity = np.array([[0, 1], [1, 1], [0, 1]], dtype=float)  # supports 0, opposes 1
    evidence = np.array([[0, 1], [0, 2], [NAN, 1]])  # asserted 0, reported 1, alleged 2; Carol left one out
    value = np.array([[9000, 20000], [9000, 2000], [NAN, 20000]])
    alpha = result.alpha.set_index("attribute")
    assert list(result.alpha.columns) == ALPHA_COLUMNS
    for attribute, data, level in (("STANCE.polarity", polarity, "nominal"), ("STANCE.evidence", evidence, "nominal"),
                                   ("QUANTITY.value", value, "interval")):  # fmt: skip
        row = alpha.loc[attribute]
        assert row["level"] == level and row["units"] == 2 and row["annotators"] == 3
        assert row["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def test_agreement_alpha_is_nan_without_variation_and_counts_units(team):
    store, one, _ = team
    alpha = annot.agreement(store, [one.id]).alpha.set_index("attribute")
    # One matched STANCE: polarity differs (alpha defined), evidence agrees (no variation: NaN).
    assert alpha.loc["STANCE.polarity", "units"] == 1
    assert alpha.loc["STANCE.polarity", "alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=[[0], [1]], level_of_measurement="nominal")
    )
    assert math.isnan(alpha.loc["STANCE.evidence", "alpha"]) and alpha.loc["STANCE.evidence", "units"] == 1
    assert math.isnan(alpha.loc["QUANTITY.value", "alpha"])


def test_agreement_labels_filter_and_a_sentence_mark_makes_a_document_shared(team):
    store, one, _ = team
    # Dave marked every sentence of the first document "nothing to annotate": he disagrees with every span there.
    store.mark_sentences(one.id, range(len(store.get_sentences(one.id))), "empty", annotator="dave")
    result = annot.agreement(store, labels=["QUANTITY"], annotators=["alice", "dave"])
    row = _row(result, "alice", "dave", "QUANTITY", "overlap")
    assert (row["support_a"], row["support_b"], row["recall"], row["f1"]) == (1, 0, 0.0, 0.0)
    assert math.isnan(row["precision"]) and row["documents"] == 1
    assert set(result.pairs["label"]) == {"QUANTITY", "all"}
    assert list(result.alpha["attribute"]) == ["QUANTITY.value"]


def test_agreement_one_annotator_per_document_is_empty_with_a_hint(tmp_path: Path):
    store = annot.open_project(tmp_path / "project", annotator="alice")
    one = add_document(store, DOC1, "en", "one", date(2022, 1, 18))
    two = add_document(store, DOC2, "en", "two", date(2022, 1, 18))
    _span(store, one, "Russia", "ACTOR", "alice")
    _span(store, two, "Minsk", "ACTOR", "bob")
    result = annot.agreement(store)
    assert result.empty and result.annotators == ("alice", "bob") and result.documents == 0
    assert result.summary() == f"{NO_AGREEMENT} (annotators here: alice, bob)"
    assert result.confusion.to_numpy().sum() == 0 and result.alpha["units"].eq(0).all()


def test_agreement_unknown_annotator_or_label_says_what_exists(team):
    store, *_ = team
    with pytest.raises(annot.NotFound, match=r"'eve'.*Annotators: alice, bob\."):
        annot.agreement(store, annotators=["alice", "eve"])
    with pytest.raises(annot.SpanError):
        annot.agreement(store, labels=["ACTRO"])


def test_agreement_summary_names_pairs_and_alpha(team):
    store, one, _ = team
    lines = annot.agreement(store, [one.id]).summary().splitlines()
    assert lines[0] == "2 annotators (alice, bob), 1 shared documents"
    assert lines[1] == "alice vs bob: F1 0.727 overlap, 0.182 exact (5 vs 6 spans in 1 documents)"
    assert lines[2].startswith("alpha STANCE.polarity (nominal): ")


@pytest.mark.parametrize("seed", range(5))
def test_agreement_interval_alpha_closed_form_matches_krippendorff(seed):
    from annot.analysis.reliability import interval_alpha

    rng = np.random.default_rng(seed)
    data = rng.integers(0, 12, size=(3, 40)).astype(float) * 250
    data[rng.random(data.shape) < 0.2] = np.nan
    data = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert interval_alpha(data) == pytest.approx(expected, rel=1e-9)


def test_plot_agreement_pairwise_f1_and_confusion_heatmaps(team):
    import matplotlib.colors

    from annot.analysis import plot_agreement

    store, one, two = team
    _add_carol(store, one, two)
    result = annot.agreement(store)
    fig = plot_agreement(result)
    left, right = fig.get_axes()
    assert [t.get_text() for t in left.get_yticklabels()] == ["alice", "bob", "carol"]
    f1 = result.pairs.set_index(["annotator_a", "annotator_b", "label", "match"])["f1"]
    assert f"{f1['alice', 'carol', 'all', 'overlap']:.2f}" in [t.get_text() for t in left.texts]
    assert len(left.texts) == 6  # the diagonal blank
    assert [t.get_text() for t in right.get_xticklabels()] == ["ACTOR", "QUANTITY", "STANCE", "none"]
    assert len(right.texts) == 16
    # annot's one look: a white figure whatever the JupyterLab theme.
    assert matplotlib.colors.to_hex(fig.get_facecolor()) == "#ffffff"
    empty = plot_agreement(annot.agreement(store, [two.id], labels=["ACTOR"]))  # no ACTOR there
    assert "no two annotators share a document" in next(t.get_text() for t in empty.axes[0].texts)


_RANGES = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 60), st.integers(1, 40)), max_size=40
)  # (document, label, start, length): nested, overlapping, identical and far apart


@given(a=_RANGES, b=_RANGES, by_label=st.booleans())
@settings(max_examples=200, deadline=None)
def test_agreement_sweep_finds_every_overlapping_pair_and_matches_one_to_one(a, b, by_label):
    from annot.analysis.agreement import _candidates, _Columns, _match

    spans = [(*span, "a") for span in a] + [(*span, "b") for span in b]
    cols = _Columns(
        doc=[s[0] for s in spans], label=[s[1] for s in spans], start=[s[2] for s in spans],
        end=[s[2] + s[3] for s in spans], annotator=[s[4] for s in spans], attrs=[{} for _ in spans],
    )  # fmt: skip
    rows_a, rows_b = np.arange(len(a)), np.arange(len(a), len(spans))
    ia, ib, overlap = _candidates(cols, rows_a, rows_b, by_label=by_label)
    brute = {
        (i, j): min(cols.end[i], cols.end[j]) - max(cols.start[i], cols.start[j])
        for i in rows_a for j in rows_b
        if cols.doc[i] == cols.doc[j] and (not by_label or cols.label[i] == cols.label[j])
        and min(cols.end[i], cols.end[j]) > max(cols.start[i], cols.start[j])
    }  # fmt: skip
    assert dict(zip(zip(ia.tolist(), ib.tolist()), overlap.tolist())) == brute
    ma, mb = _match(cols, rows_a, rows_b, by_label=by_label)
    assert len(set(ma.tolist())) == len(ma) == len(mb) == len(set(mb.tolist()))  # one to one
    assert all((i, j) in brute for i, j in zip(ma.tolist(), mb.tolist()))
    # Greedy: no candidate pair left with both sides unmatched.
    assert not any(i not in set(ma.tolist()) and j not in set(mb.tolist()) for i, j in brute)
