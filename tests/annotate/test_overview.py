"""The overview's pure functions on hand-built spans: outline, snippets, entities, search."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from annot.annotate.overview import entities, outline, search, snippet
from annot.annotate.session import Step
from annot.model import Origin, Span, Status
from annot.translate.checks import fold_text

LABELS = ["ACTOR", "QUANTITY", "STANCE"]


def _span(n: int, label: str, text: str, attrs: dict[str, Any] | None = None) -> Span:
    return Span(f"sp-{n:016x}", "doc", n * 10, n * 10 + len(text), label, attrs or {}, text=text)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Short sentence.", 80, "Short sentence."),
        ("Exactly ten", 11, "Exactly ten"),
        ("one two three four", 12, "one two…"),  # "one two thr" would cut a word
        ("one two three four", 9, "one two…"),  # the word fits up to the ellipsis
        ("Supercalifragilistic word", 8, "Superca…"),  # a first word too long is cut inside
        ("  spaced\n\nout   text  ", 80, "spaced out text"),
        ("", 10, ""),
    ],
)
def test_snippet_cuts_after_whole_words(text: str, width: int, expected: str):
    assert snippet(text, width) == expected
    assert len(snippet(text, width)) <= width


def test_outline_ignores_unknown_labels_in_columns_but_counts_the_sentence():
    by_sentence = {0: [_span(0, "ACTOR", "Minsk"), _span(1, "ACTOR", "Kyiv")], 2: [_span(2, "WEAPON", "tanks")]}
    view = outline(3, by_sentence, LABELS, {1: "empty", 2: "done", 7: "done"})  # 7: past the end, left out
    assert view["counts"] == [[2, 0, 0], [0, 0, 0], [0, 0, 0]]
    assert view["marks"] == ["", "empty", "done"] and view["pending"] == [0, 0, 0]
    assert view["progress"] == {"sentences": 3, "annotated": 2, "done": 1, "empty": 1}


def test_outline_of_a_document_without_sentences_is_empty():
    view = outline(0, {}, LABELS, {})
    assert view == {"labels": LABELS, "counts": [], "marks": [], "pending": [], "progress": {
        "sentences": 0, "annotated": 0, "done": 0, "empty": 0}}  # fmt: skip


def test_outline_counts_the_pending_spans_of_each_sentence_whatever_their_label():
    def pending(span: Span) -> Span:
        return replace(span, origin=Origin.SUGGESTED, status=Status.PENDING)

    by_sentence = {
        0: [pending(_span(0, "ACTOR", "Minsk")), _span(1, "ACTOR", "Kyiv"), pending(_span(2, "QUANTITY", "9,000"))],
        1: [replace(pending(_span(3, "ACTOR", "Moscow")), status=Status.REJECTED)],
        2: [pending(_span(4, "WEAPON", "tanks"))],  # a label the schema lost is still a suggestion to review
    }
    view = outline(4, by_sentence, LABELS, {})
    assert view["pending"] == [2, 0, 1, 0]
    assert view["counts"][0] == [2, 1, 0]  # the label columns count pending spans too


@pytest.mark.parametrize(
    ("attrs", "name"),
    [
        ({"value": 9000, "unit": "troops", "qualifier": "up to"}, "up to 9,000 troops"),
        ({"value": 9000, "unit": "troops", "qualifier": "exact"}, "9,000 troops"),
        ({"value": 1.5, "unit": "km"}, "1.5 km"),
        ({"value": 12000.0}, "12,000"),
        ({"low": 100, "high": 200, "unit": "tanks", "qualifier": "range"}, "100–200 tanks"),
        ({"low": 100, "unit": "tanks", "qualifier": "range"}, "100–? tanks"),
    ],
)
def test_entities_name_a_quantity_from_its_attributes(attrs: dict[str, Any], name: str):
    (view,) = entities({0: [_span(0, "QUANTITY", "written somehow", attrs)]}, LABELS)
    assert (view["name"], view["texts"]) == (name, ["written somehow"])


def test_entities_keep_apart_quantities_with_another_qualifier_or_unit():
    spans = [
        _span(0, "QUANTITY", "9,000 troops", {"value": 9000, "unit": "troops"}),
        _span(1, "QUANTITY", "9000 Troops", {"value": 9000, "unit": "Troops", "qualifier": "exact"}),  # the same
        _span(2, "QUANTITY", "up to 9,000 troops", {"value": 9000, "unit": "troops", "qualifier": "up to"}),
        _span(3, "QUANTITY", "9,000 km", {"value": 9000, "unit": "km"}),
    ]
    found = entities({0: spans}, LABELS)
    assert [(v["name"], v["count"]) for v in found] == [("9,000 troops", 2), ("9,000 km", 1), ("up to 9,000 troops", 1)]


def test_entities_group_other_labels_by_folded_text_and_leave_stance_out():
    spans = [
        _span(0, "WEAPON", "Iskander"),
        _span(1, "STANCE", "The whole sentence."),
        _span(2, "WEAPON", "ISKANDER"),
        _span(3, "WEAPON", "—"),  # no letters: grouped by itself, not with every other such name
        _span(4, "WEAPON", "–"),
    ]
    found = entities({0: spans[:2], 5: spans[2:]}, LABELS)
    assert [(v["label"], v["name"], v["count"], v["sentences"]) for v in found] == [
        ("WEAPON", "Iskander", 2, [0, 5]), ("WEAPON", "–", 1, [5]), ("WEAPON", "—", 1, [5]),
    ]  # fmt: skip


def test_entities_name_a_group_by_its_most_frequent_name_first_seen_on_ties():
    spans = [
        _span(0, "ACTOR", "Kremlin", {"canonical": "russia"}),
        _span(1, "ACTOR", "Russia"),
        _span(2, "ACTOR", "Moscow", {"canonical": "Russia"}),
        _span(3, "ACTOR", "Minsk", {"canonical": "Belarus"}),
        _span(4, "ACTOR", "BELARUS"),
    ]
    found = entities({0: spans}, LABELS)
    assert [(v["name"], v["texts"]) for v in found] == [
        ("Russia", ["Kremlin", "Russia", "Moscow"]), ("Belarus", ["Minsk", "BELARUS"]),
    ]  # fmt: skip


def test_search_folds_case_and_accents_but_nothing_else():
    folded = [fold_text(t) for t in ("São Paulo", "SAO PAULO", "Sao-Paulo", "straße")]
    assert search(folded, "sao paulo") == [0, 1]
    assert search(folded, "STRASSE") == [3]  # casefolding: ß is ss
    assert search(folded, " ") == []


@pytest.mark.parametrize(
    ("action", "redo", "text", "expected"),
    [
        ("tag", False, "Minsk", "undid tagging ACTOR 'Minsk'"),
        ("delete", True, "up to\n9,000", "redid deleting ACTOR 'up to 9,000'"),
        ("restore", False, "x" * 40, f"undid restoring ACTOR '{'x' * 40}'"),
        ("edit", True, "y" * 41, f"redid editing ACTOR '{'y' * 39}…'"),
    ],
)
def test_step_describe(action: str, redo: bool, text: str, expected: str):
    assert Step(_span(0, "ACTOR", text), action, redo).describe() == expected
    whole = Step(_span(0, "STANCE", text), action, redo, whole_sentence=True).describe()
    assert whole == f"{expected.split()[0]} {expected.split()[1]} STANCE (the whole sentence)"
