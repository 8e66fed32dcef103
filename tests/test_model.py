"""annot/model.py: how sentence numbers are shown to people, and what a link's kind means."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from annot.model import HUMAN_TRANSLATION, TRANSLATION, Link, format_sentences


@pytest.mark.parametrize(
    ("indexes", "shown"),
    [([12], "12"), ([6, 7], "6-7"), ([3, 4, 5, 6, 7, 9], "3-7, 9"), ([9, 3, 4], "3-4, 9"), ([0], "0"), ([], "")],
)
def test_model_format_sentences_numbers_from_zero_with_ranges(indexes: list[int], shown: str):
    assert format_sentences(indexes) == shown


def test_model_link_is_a_reference_unless_marked_human():
    when = datetime(2022, 10, 17, tzinfo=UTC)
    assert Link("a", "b", TRANSLATION, when).label == "reference" and not Link("a", "b", TRANSLATION, when).human
    assert Link("a", "b", HUMAN_TRANSLATION, when).label == "human translation"
