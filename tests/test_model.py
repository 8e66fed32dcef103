"""annot/model.py: how sentence numbers are shown to people, what a link's kind means, document metadata."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from annot.model import (
    HUMAN_TRANSLATION,
    TRANSLATION,
    Link,
    format_sentences,
    metadata_value,
    published_sort_key,
    published_text,
    read_published,
    url_problem,
)


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


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2022-10-17", date(2022, 10, 17)),
        ("2022-10-17T16:40:00+02:00", datetime(2022, 10, 17, 16, 40, tzinfo=timezone(timedelta(hours=2)))),
        ("2022-10-17T14:40:00Z", datetime(2022, 10, 17, 14, 40, tzinfo=UTC)),
        ("2022-10-17T16:40", datetime(2022, 10, 17, 16, 40)),  # naive stays naive: no zone is guessed
        (" 2022-10-17 ", date(2022, 10, 17)),
    ],
)
def test_model_read_published_keeps_a_date_a_date_and_a_time_its_offset(text: str, value: date):
    read = read_published(text)
    assert read == value and type(read) is type(value) and published_text(read) == published_text(value)
    assert read_published(published_text(read)) == read


@pytest.mark.parametrize("text", ["last monday", "2022-13-01", "17/10/2022", "", "2022-10-17T25:00"])
def test_model_read_published_refuses_what_is_not_iso(text: str):
    with pytest.raises(ValueError, match="write it like 2022-10-17 or 2022-10-17T16:40:00"):
        read_published(text)


def test_model_published_sort_key_orders_dates_and_times_of_any_offset():
    values = [
        None,
        datetime(2022, 10, 17, 16, 40, tzinfo=timezone(timedelta(hours=2))),  # 14:40 UTC
        date(2022, 10, 17),  # midnight UTC
        datetime(2022, 10, 17, 15, 0),  # naive: UTC
    ]
    assert sorted(values, key=published_sort_key) == [values[2], values[1], values[3], None]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://example.org/es/a", True), ("http://x.y", True), ("file:///srv/a.html", True),
        ("archive/2022/a.html", True), ("/srv/a.html", True), ("C:\\news\\a.html", True),
        ("example org", False), ("www.example.org", False), ("https://", False), ("https://a b", False),
        ("mailto:a@b.org", False), ("a\nb/c", False),
    ],
)  # fmt: skip
def test_model_url_problem_accepts_urls_and_paths(value: str, ok: bool):
    assert (url_problem(value) is None) == ok


def test_model_metadata_value_cleans_text_and_empty_is_unknown():
    assert metadata_value("outlet", "  Diario\n del  Sur ") == "Diario del Sur"
    assert metadata_value("author", "   ") is None and metadata_value("url", "") is None
    assert metadata_value("published", "2022-10-17") == date(2022, 10, 17)
    with pytest.raises(ValueError, match="unknown metadata field 'lang'"):
        metadata_value("lang", "es")
