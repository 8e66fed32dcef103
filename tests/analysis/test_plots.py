"""Plots of the claims ledger and the stances: readable figures, empty inputs, the same look on any theme."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.style
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from annot.analysis.plots import (
    KIND_COLOURS,
    plot_discrepancies,
    plot_reporting,
    plot_stance_matrix,
    plot_timeline,
)
from annot.htmlreport import figure_svg


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


def test_plot_stance_matrix_is_a_heatmap_centred_on_zero_with_its_scores_written(stances: pd.DataFrame):
    fig = plot_stance_matrix(stances)
    ax, bar = fig.get_axes()
    image = ax.get_images()[0]
    assert (image.norm.vmin, image.norm.vcenter, image.norm.vmax) == (-1.0, 0.0, 1.0)
    assert image.get_cmap().name.startswith("RdBu")
    rows = [t.get_text() for t in ax.get_yticklabels()]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert "General Staff of Ukraine" in rows and "Belarus" in rows and "Russia" in columns
    scores = [t.get_text() for t in ax.texts]
    assert "−1.0" in scores and "+1.0" in scores  # the Ukrainian staff opposes Russia; Belarus supports it
    assert [t.get_text() for t in bar.get_yticklabels()] == ["−1 opposes / doubts", "0 neutral", "+1 supports"]
    # A pair without a stance is blank, not a neutral colour.
    values = image.get_array()
    assert values.mask.any() and len(scores) == int((~values.mask).sum())


def test_plot_stance_matrix_by_outlet_labels_each_column_with_its_outlet(stances: pd.DataFrame):
    ax = plot_stance_matrix(stances, by="outlet").get_axes()[0]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert "Ukrinform · Russia" in columns and "El País · Russia" in columns
    assert ax.get_xlabel() == "target (outlet)"


def test_plot_reporting_draws_outlets_left_sources_right_alleged_dashed_red(stances: pd.DataFrame):
    fig = plot_reporting(stances)
    (ax,) = fig.get_axes()
    texts = _texts(fig)
    for name in ("AFP", "TASS", "Ukrinform", "El País", "General Staff of Ukraine", "Belarus"):
        assert name in texts, name
    edges = [line for line in ax.get_lines() if len(line.get_xdata()) == 2]
    alleged = [line for line in edges if line.get_linestyle() == "--"]
    assert {tuple(line.get_xdata()) for line in edges} == {(0, 1)}  # reporters on the left, sources on the right
    assert len(alleged) == 3 and all(to_rgba(line.get_color()) == to_rgba(KIND_COLOURS["value"]) for line in alleged)
    assert "1, 1 alleged" in texts and "4, 2 alleged" in texts
    # The most reported edge is the widest.
    assert max(line.get_linewidth() for line in edges) == max(line.get_linewidth() for line in alleged)


def test_plot_timeline_has_a_panel_per_shared_group_and_a_row_per_outlet(ledger: pd.DataFrame):
    fig = plot_timeline(ledger)
    axes = fig.get_axes()
    assert [ax.get_title(loc="left").split(":")[0] for ax in axes] == ["g1", "g2"]
    troops = [t.get_text() for t in axes[0].get_yticklabels()]
    assert troops == ["AFP", "TASS", "Ukrinform", "El País"]  # in the order they first told it
    labels = [t.get_text() for t in axes[0].texts]
    assert "15,000  ⚠ value" in labels and "9,000  ⚠ qualifier, holder" in labels
    # One group asked for: one panel.
    assert len(plot_timeline(ledger, group="g2").get_axes()) == 1


def test_plot_discrepancies_shows_each_sources_value_and_qualifier(ledger: pd.DataFrame):
    fig = plot_discrepancies(ledger)
    axes = fig.get_axes()
    assert [ax.get_title(loc="left").split(":")[0] for ax in axes] == ["g1", "g2"]
    rows = [t.get_text() for t in axes[0].get_yticklabels()]
    assert rows == ["AFP · en", "AFP · en", "TASS · ru", "Ukrinform · uk", "El País · es"]
    labels = [t.get_text() for t in axes[0].texts]
    assert any(label.startswith("15,000 (General Staff of Ukraine; alleged)") for label in labels)
    assert any(label.startswith("up to 9,000 (Belarus; alleged)") for label in labels)
    assert any(label.startswith("9,000 (General Staff of Russia; reported)") for label in labels)
    # Dots at the values claimed; "up to" is a left-pointing triangle.
    offsets = [c.get_offsets()[0][0] for c in axes[0].collections]
    assert sorted(offsets) == [9000, 9000, 9000, 9000, 15000]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:5] == ["exact", "approximately", "up to", "at least", "range"]


@pytest.mark.parametrize(
    ("plot", "frame", "says"),
    [
        (plot_stance_matrix, "stances", "no stances between actors to plot"),
        (plot_reporting, "stances", "no reported statements to plot"),
        (plot_timeline, "ledger", "no claim told by two documents or more to plot"),
        (plot_discrepancies, "ledger", "no discrepancy to plot"),
    ],
)
def test_plots_of_empty_frames_say_there_is_nothing_to_plot(plot, frame: str, says: str, request):
    empty = request.getfixturevalue(frame).iloc[:0]
    fig = plot(empty)
    assert isinstance(fig, Figure) and says in _texts(fig)
    assert figure_svg(fig).startswith("<svg ")


def test_plots_of_a_single_document_have_nothing_shared_to_show(ledger: pd.DataFrame):
    one = ledger[ledger["outlet"] == "AFP"]
    assert "no discrepancy to plot" in _texts(plot_discrepancies(one))
    assert "no such group" in _texts(plot_timeline(ledger, group="g99"))


def test_plots_draw_article_text_as_written_never_as_mathtext(ledger: pd.DataFrame, stances: pd.DataFrame):
    odd = r"$\frac{1}{$ Bank & <b>"
    ledger = ledger.assign(outlet=ledger["outlet"].replace("TASS", odd), holder=ledger["holder"].fillna(odd))
    stances = stances.replace({"TASS": odd, "Russia": odd})
    for fig in (
        plot_discrepancies(ledger),
        plot_timeline(ledger),
        plot_stance_matrix(stances),
        plot_reporting(stances),
    ):
        assert figure_svg(fig).startswith("<svg ")  # drawn: an unbalanced "$" would fail as mathtext
    labels = [t.get_text() for t in plot_discrepancies(ledger).get_axes()[0].get_yticklabels()]
    assert r"\$\frac{1}{\$ Bank & <b> · ru" in labels


@pytest.mark.parametrize("style", ["default", "dark_background"])
def test_plots_look_the_same_whatever_the_matplotlib_style(style: str, ledger: pd.DataFrame, stances: pd.DataFrame):
    """A white figure with black text: readable on JupyterLab's Light and Dark themes, even under a dark style."""
    with matplotlib.style.context(style):
        figures = [plot_stance_matrix(stances), plot_reporting(stances), plot_timeline(ledger),
                   plot_discrepancies(ledger)]  # fmt: skip
    for fig in figures:
        assert to_rgba(fig.get_facecolor()) == (1, 1, 1, 1)
        for ax in fig.get_axes():
            assert to_rgba(ax.get_facecolor()) == (1, 1, 1, 1)
            ticks = [*ax.get_xticklabels(), *ax.get_yticklabels()]
            assert all(to_rgba(t.get_color()) == to_rgba("black") for t in ticks)
        svg = figure_svg(fig)
        assert "http" not in svg.replace("http://www.w3.org", "") and "<?xml" not in svg


def test_plots_import_matplotlib_only_when_drawing():
    code = "import sys, annot.analysis, annot.analysis.plots, annot.analysis.report; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
