"""Word snapping and UTF-16 offsets, across scripts, emoji and punctuation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annot.annotate.text import codepoint_to_utf16, snap_to_words, utf16_to_codepoint, word_at


def _select(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        ("Colonel Valeri Revenko said", "aleri Revenk", "Valeri Revenko"),
        ("Colonel Valeri Revenko said", " Valeri ", "Valeri"),
        ("Lukashenko's plan", "ukashenk", "Lukashenko"),
        ("Lukashenko's plan", "ukashenko's pl", "Lukashenko's plan"),
        ("include live-fire exercises", "ve-fi", "live-fire"),
        ("include live-fire exercises", "live-", "live"),
        ("up to 9,000 military personnel", "9,0", "9,000"),
        ("up to 9,000 military personnel", ",00", "9,000"),
        ("a rate of 3.5% today", "3.5%", "3.5%"),
        ("said: “purely defensive”.", "“purely defensive”.", "“purely defensive”"),
        ("said: “purely defensive”.", "“purely defens", "purely defensive"),
        ("the Union State (Russia and Belarus).", "(Russia and Belarus).", "(Russia and Belarus)"),
        ("the Union State (Russia and Belarus).", "(Russia", "Russia"),
        ("the Union State (Russia and Belarus).", "Belarus).", "Belarus"),
        ("In February, Russia attacked", "February, ", "February"),
        ("Президент Александр Лукашенко заявил", "лександр Лукаш", "Александр Лукашенко"),
        ("قال الرئيس الروسي فلاديمير بوتين", "لاديمير بوت", "فلاديمير بوتين"),
        ("אמר נשיא רוסיה ולדימיר פוטין", "שיא רוס", "נשיא רוסיה"),
        ("白俄罗斯总统卢卡申科", "俄罗", "俄罗"),
        ("白俄罗斯总统卢卡申科。", "卢卡申科。", "卢卡申科"),
        ("🙂🙂 Valeri Revenko", "Rev", "Revenko"),
        ("thumbs 👍🏽 up", "👍", "👍🏽"),
        ("family 👨\u200d👩\u200d👧 here", "👨", "👨\u200d👩\u200d👧"),
        ("café Noe\u0308l", "Noe", "Noe\u0308l"),
        ("گفت می\u200cخواهد برود", "خوا", "می\u200cخواهد"),
    ],
)
def test_snap_to_words_table(text: str, selected: str, expected: str):
    start, end = snap_to_words(text, *_select(text, selected))
    assert text[start:end] == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("a  b", 1, 3), ("a, b", 1, 2), ("x", 0, 0), ("x", 0, 2), ("x", -1, 1), ('say "" ok', 4, 6)],
)
def test_snap_to_words_rejects_empty_or_out_of_range(text: str, start: int, end: int):
    with pytest.raises(ValueError):
        snap_to_words(text, start, end)


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("include live-fire exercises", 10, "live"),
        ("include live-fire exercises", 12, "live"),  # the hyphen: the word before it
        ("include live-fire exercises", 13, "fire"),
        ("Belarus", 7, "Belarus"),  # the end of the text: the word before it
        ("白俄罗斯", 1, "俄"),
        ("Лукашенко заявил", 3, "Лукашенко"),
    ],
)
def test_word_at_table(text: str, offset: int, expected: str):
    start, end = word_at(text, offset)
    assert text[start:end] == expected


def test_word_at_rejects_space_between_punctuation():
    with pytest.raises(ValueError):
        word_at("a ,  , b", 3)


@pytest.mark.parametrize(
    ("text", "utf16", "codepoint"),
    [
        ("abc", 2, 2),
        ("🙂abc", 2, 1),
        ("🙂abc", 5, 4),
        ("a🙂b🙂c", 4, 3),
        ("a🙂b🙂c", 7, 5),
        ("Лука", 4, 4),
        ("白俄𠀀罗", 4, 3),
        ("", 0, 0),
    ],
)
def test_utf16_offsets_convert_both_ways(text: str, utf16: int, codepoint: int):
    assert utf16_to_codepoint(text, utf16) == codepoint
    assert codepoint_to_utf16(text, codepoint) == utf16


@pytest.mark.parametrize(("text", "utf16"), [("🙂abc", 1), ("a🙂b", 2), ("abc", 4), ("🙂", 3), ("abc", -1)])
def test_utf16_to_codepoint_rejects_surrogate_halves_and_out_of_range(text: str, utf16: int):
    with pytest.raises(ValueError):
        utf16_to_codepoint(text, utf16)


@pytest.mark.parametrize(("text", "offset"), [("abc", 4), ("abc", -1), ("🙂", 2)])
def test_codepoint_to_utf16_rejects_out_of_range(text: str, offset: int):
    with pytest.raises(ValueError):
        codepoint_to_utf16(text, offset)


ALPHABET = st.sampled_from(
    [
        *"ab Zé9,.-'’ \n()“”\"«»!?%$",
        "Лу",
        "ка",
        "مر",
        "حب",
        "של",
        "白",
        "俄",
        "🙂",
        "👍🏽",
        "\u0301",
        "\u200d",
        "\u200c",
        "𠀀",
    ]
)
TEXTS = st.lists(ALPHABET, min_size=1, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_snap_to_words_keeps_the_content_and_is_stable(text: str, data: st.DataObject):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    words = [i for i in range(start, end) if text[i].isalnum()]
    try:
        snapped = snap_to_words(text, start, end)
    except ValueError:
        assert not words
        return
    new_start, new_end = snapped
    assert 0 <= new_start < new_end <= len(text)
    assert all(new_start <= i < new_end for i in words)
    assert text[new_start:new_end] == text[new_start:new_end].strip()
    assert snap_to_words(text, new_start, new_end) == snapped


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_utf16_offsets_round_trip(text: str, data: st.DataObject):
    offset = data.draw(st.integers(0, len(text)))
    units = codepoint_to_utf16(text, offset)
    assert utf16_to_codepoint(text, units) == offset
    assert units == len(text[:offset].encode("utf-16-le")) // 2
