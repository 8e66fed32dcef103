"""The side-by-side table: its filters as dropdown choices, and a style that holds inside JupyterLab."""

from __future__ import annotations

import re

import ipywidgets
import pytest

from annot.compare.side_by_side import EVERY, TABLE_CSS, filter_choices, side_by_side_html
from tests.compare.handmade import handmade_frame

# JupyterLab 4's rules for tables in HTML outputs (@jupyterlab/rendermime's base.css) that the table must outrank.
JUPYTERLAB_RULES = {
    "text-align": ":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td",  # right-aligned cells
    "vertical-align": ".jp-RenderedHTMLCommon td",  # middle
    "line-height": ".jp-RenderedHTMLCommon td",  # normal
    "background": ".jp-RenderedHTMLCommon tbody tr:hover",  # blue rows under the mouse, and striped rows:
    "background (stripes)": ".jp-RenderedHTMLCommon tbody tr:nth-child(even)",
}


def _rules(css: str) -> dict[str, dict[str, str]]:
    """Each selector of ``css`` -> its declarations (a selector list gives each of its selectors the block)."""
    out: dict[str, dict[str, str]] = {}
    for selectors, block in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        declarations = dict(
            (name.strip(), value.strip()) for name, value in (d.split(":", 1) for d in block.split(";") if ":" in d)
        )
        for selector in selectors.split(","):
            out.setdefault(" ".join(selector.split()), {}).update(declarations)
    return out


def _specificity(selector: str) -> tuple[int, int, int]:
    """(ids, classes and pseudo-classes, types) of a selector made of types, classes, pseudo-classes and :not()."""
    selector = re.sub(r"(:(?!not\()[\w-]+)\([^)]*\)", r"\1", selector)  # :nth-child(even) counts as one class
    ids = len(re.findall(r"#[\w-]+", selector))
    classes = len(re.findall(r"\.[\w-]+", selector)) + len(re.findall(r":(?!not\()[\w-]+", selector))
    types = len(re.findall(r"(?:^|[\s>+~(])([a-z][\w-]*)", selector))
    return ids, classes, types


@pytest.mark.parametrize("reference", [True, False])
def test_filter_choices_start_with_a_value_a_dropdown_shows_selected(reference: bool):
    frame = handmade_frame(reference=reference)
    choices = filter_choices(frame)
    assert choices["engine"] == [("every engine", ""), ("apertium", "apertium"), ("argos+apertium", "argos+apertium")]
    assert choices["flag"] == [
        ("every sentence", ""), ("lost", "lost"), ("changed", "changed"), ("wrong language", "wrong language"),
        ("number style", "number style"), ("time lost", "time lost"), ("added", "added"),
        ("engine failed", "failed"), ("any flag", "any"),
    ]  # fmt: skip
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


def test_table_css_left_aligns_top_aligns_and_never_colours_rows():
    rules = _rules(TABLE_CSS)
    cell = rules["table.annot-cmp.side td"]
    assert cell["text-align"] == "left" and cell["vertical-align"] == "top" and cell["line-height"] == "1.45"
    assert rules["table.annot-cmp.side th"]["text-align"] == "left"
    assert rules["table.annot-cmp.side tbody tr:hover"]["background"] == "transparent"
    assert rules["table.annot-cmp.side tbody tr"]["background"] == "transparent"
    assert "min-width" in rules["table.annot-cmp.side"]  # columns stay readable in a narrow notebook


@pytest.mark.parametrize(("ours", "property_"), [
    ("table.annot-cmp.side td", "text-align"),
    ("table.annot-cmp.side td", "vertical-align"),
    ("table.annot-cmp.side td", "line-height"),
    ("table.annot-cmp.side tbody tr:hover", "background"),
    ("table.annot-cmp.side tbody tr", "background (stripes)"),
])  # fmt: skip
def test_table_css_outranks_jupyterlab_table_rules(ours: str, property_: str):
    theirs = JUPYTERLAB_RULES[property_]
    assert property_.split()[0] in _rules(TABLE_CSS)[ours]
    assert _specificity(ours) > _specificity(theirs), (ours, _specificity(ours), theirs, _specificity(theirs))


def test_specificity_counts_as_css_does():
    assert _specificity(":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td") == (0, 2, 1)
    assert _specificity(".jp-RenderedHTMLCommon tbody tr:hover") == (0, 2, 2)
    assert _specificity(".jp-RenderedHTMLCommon tbody tr:nth-child(even)") == (0, 2, 2)
    assert _specificity("table.annot-cmp.side tbody tr:hover") == (0, 3, 3)


def test_table_css_colours_are_theme_variables_with_the_report_colours_as_fallbacks():
    # Outside JupyterLab no --jp-* variable is defined and each fallback applies: the report keeps its colours.
    fallbacks = dict(re.findall(r"var\((--jp-[\w-]+), (#[0-9a-f]{3,6})\)", TABLE_CSS))
    assert {"--jp-content-font-color1", "--jp-content-font-color2", "--jp-border-color0", "--jp-border-color1",
            "--jp-layout-color2"} <= set(fallbacks)  # fmt: skip
    assert not re.search(r"var\(--jp-[\w-]+\)", TABLE_CSS), "every theme variable has a fallback"
    # The literals left are self-contained pairs (their own text and background): differences and the red flag.
    for selector, declarations in _rules(re.sub(r"var\([^)]*\)", "var()", TABLE_CSS)).items():
        literal = [f"{name}: {value}" for name, value in declarations.items() if "#" in value]
        if literal:
            assert selector in (".annot-cmp del", ".annot-cmp ins", ".annot-cmp .flag.bad"), (selector, literal)
