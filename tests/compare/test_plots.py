"""Plots of comparison frames: readable figures, and SVG that embeds in a page without URLs or clashing ids."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from annot.compare.plots import figure_svg, plot_metrics, plot_score_distribution, plot_scores_along
from tests.compare.handmade import handmade_frame


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


@pytest.mark.parametrize(("reference", "metrics"), [(True, ["chrf"]), (False, ["roundtrip", "agreement"])])
def test_plot_score_distribution_one_labelled_panel_per_metric(reference: bool, metrics: list[str]):
    frame = handmade_frame(reference=reference)
    assert plot_metrics(frame) == metrics
    fig = plot_score_distribution(frame)
    axes = fig.get_axes()
    assert len(axes) == len(metrics)
    for ax in axes:
        assert ax.get_xlabel() == "engine" and ax.get_ylabel() and ax.get_title()
        assert [t.get_text() for t in ax.get_xticklabels()] == ["apertium", "argos+apertium"]
    assert fig.legends and [t.get_text() for t in fig.legends[0].get_texts()] == ["apertium", "argos+apertium"]
    assert "translations into Spanish (es)" in fig._suptitle.get_text()
    assert all(t.get_fontfamily() == ["DejaVu Sans"] for t in [fig._suptitle, *(ax.title for ax in axes)])


def test_plot_scores_along_draws_a_line_per_engine_in_article_order():
    frame = handmade_frame()
    fig = plot_scores_along(frame)
    (ax,) = fig.get_axes()
    lines = [line for line in ax.get_lines() if line.get_label() in ("apertium", "argos+apertium")]
    assert [line.get_label() for line in lines] == ["apertium", "argos+apertium"]
    assert list(lines[0].get_xdata()) == [0, 1, 2, 3]
    assert list(lines[0].get_ydata()) == frame["chrf.apertium"].tolist()
    assert fig.legends and "sentence" in ax.get_xlabel() and "chrF" in ax.get_ylabel()
    assert "chrF along the article" in ax.get_title()


def test_plots_without_any_score_say_so():
    frame = handmade_frame(reference=False, translations={"apertium": ["a", "b", "c", "d"]})
    frame["roundtrip.apertium"] = float("nan")
    assert plot_metrics(frame) == []
    assert "no per-sentence scores" in _texts(plot_score_distribution(frame))
    assert any("no chrF scores" in t for t in _texts(plot_scores_along(frame)))


def test_figure_svg_embeds_without_urls_and_with_unique_ids():
    frame = handmade_frame()
    one, two = figure_svg(plot_score_distribution(frame)), figure_svg(plot_scores_along(frame))
    for svg in (one, two):
        assert svg.startswith("<svg ") and svg.endswith("</svg>")
        assert "http" not in svg and "<?xml" not in svg and "<!--" not in svg
        refs = set(re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', svg))
        ids = set(re.findall(r'\bid="([^"]+)"', svg))
        assert {r for pair in refs for r in pair if r} <= ids
    assert not set(re.findall(r'\bid="([^"]+)"', one)) & set(re.findall(r'\bid="([^"]+)"', two))
    # The same figure gives the same text: reports are reproducible.
    assert figure_svg(plot_score_distribution(frame)) == one
    assert 'id="p1-' in figure_svg(plot_scores_along(frame), prefix="p1-")


def test_plots_import_matplotlib_only_when_drawing():
    code = "import sys, annot.compare.plots, annot.compare.report; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
