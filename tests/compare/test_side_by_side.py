"""The side-by-side table: its filters as dropdown choices."""

from __future__ import annotations

import ipywidgets
import pytest

from annot.compare.side_by_side import EVERY, filter_choices, side_by_side_html
from tests.compare.handmade import handmade_frame


@pytest.mark.parametrize("reference", [True, False])
def test_filter_choices_start_with_a_value_a_dropdown_shows_selected(reference: bool):
    frame = handmade_frame(reference=reference)
    choices = filter_choices(frame)
    assert choices["engine"] == [("every engine", ""), ("apertium", "apertium"), ("argos+apertium", "argos+apertium")]
    assert [value for _, value in choices["flag"]] == ["", "numbers", "names", "any"]
    for key, options in choices.items():
        assert options[0][1] is not None and options[0][1] == EVERY
        dropdown = ipywidgets.Dropdown(options=options, description=key)
        # What the browser is sent: index 0 is the first option shown selected (a None value would send None).
        assert (dropdown.get_state()["index"], dropdown.label) == (0, options[0][0])
        dropdown.index = 1
        dropdown.index = 0
        assert dropdown.get_state()["index"] == 0, "choosing the first option again must keep it selected"


def test_filter_choices_are_side_by_side_html_keywords_and_every_is_no_filter():
    frame = handmade_frame()
    choices = filter_choices(frame)
    assert side_by_side_html(frame, engine=EVERY, flag=EVERY) == side_by_side_html(frame)
    for key, options in choices.items():
        for _, value in options:
            side_by_side_html(frame, **{key: value})  # every choice is a valid filter
