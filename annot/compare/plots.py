"""Plots of a comparison frame: per-sentence scores per engine, and scores along the article.

matplotlib is imported when a plot is drawn, never with annot. Figures are
built with ``matplotlib.figure.Figure`` rather than pyplot, so drawing one
neither needs nor changes a global backend (Agg or SVG render them when saved;
a notebook shows them through its inline backend).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

# figure_svg is the one way annot embeds a plot in a page (annot.htmlreport); kept importable from here.
from annot.htmlreport import figure_svg
from annot.htmlreport import plot_style as _style

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "METRIC_LABELS",
    "engines_of",
    "figure_svg",
    "plot_metrics",
    "plot_score_distribution",
    "plot_scores_along",
]

#: Axis labels of the per-sentence metrics of a comparison frame.
METRIC_LABELS = {
    "chrf": "chrF against the reference",
    "bleu": "BLEU against the reference",
    "ter": "TER against the reference (lower is better)",
    "agreement": "agreement with the other engines (chrF)",
    "roundtrip": "round trip (chrF of the back-translation)",
    "length_ratio": "length ratio (translation / reference or source)",
}
_SHORT = {"chrf": "chrF", "bleu": "BLEU", "ter": "TER", "agreement": "agreement", "roundtrip": "round trip",
          "length_ratio": "length ratio"}  # fmt: skip


def engines_of(frame: pd.DataFrame) -> list[str]:
    """The engines of a comparison frame, in its order (``frame.attrs["engines"]``, else its ``text.*`` columns)."""
    engines = frame.attrs.get("engines")
    if engines:
        return list(engines)
    return [col.removeprefix("text.") for col in frame.columns if col.startswith("text.")]


def _values(frame: pd.DataFrame, metric: str, engine: str) -> list[float]:
    col = f"{metric}.{engine}"
    if col not in frame.columns:
        return []
    return [float(v) for v in frame[col].tolist() if v is not None and not _isnan(v)]


def _true(value: object) -> bool:
    try:
        return bool(value)
    except TypeError:  # pd.NA
        return False


def _isnan(value: object) -> bool:
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def plot_metrics(frame: pd.DataFrame) -> list[str]:
    """The metrics worth plotting: chrF when there is a reference, else round trip and agreement (those scored)."""
    engines = engines_of(frame)
    has = {m: any(_values(frame, m, e) for e in engines) for m in ("chrf", "roundtrip", "agreement")}
    if has["chrf"]:
        return ["chrf"]
    return [m for m in ("roundtrip", "agreement") if has[m]]


def _colours(engines: Sequence[str]) -> dict[str, str]:
    # One colour per engine, the same in every plot of a frame.
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    return {engine: palette[n % len(palette)] for n, engine in enumerate(engines)}


def _subject(frame: pd.DataFrame) -> str:
    target = frame.attrs.get("target")
    if not target:
        return "translations"
    try:
        from babel import Locale

        name = Locale("en").languages.get(str(target))
    except (ImportError, ValueError):  # babel missing, or an odd code: the code says it all
        name = None
    return f"translations into {name} ({target})" if name else f"translations into {target}"


def _empty(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_score_distribution(frame: pd.DataFrame, metrics: Sequence[str] | None = None) -> Figure:
    """Per-sentence scores of each engine: a box per engine with every sentence as a dot.

    Args:
        frame: a comparison frame (``annot.compare``).
        metrics: metric names (``chrf``, ``bleu``, ``ter``, ``agreement``,
            ``roundtrip``, ``length_ratio``), one panel each; default
            ``plot_metrics(frame)``: chrF with a reference, else round trip and agreement.

    Returns:
        A matplotlib Figure (show it in a notebook, or embed it with ``figure_svg``).
    """
    import numpy as np
    from matplotlib.figure import Figure

    engines = engines_of(frame)
    metrics = list(metrics) if metrics is not None else plot_metrics(frame)
    colours = _colours(engines)
    rng = np.random.default_rng(0)  # the dots' jitter, the same on every run
    with _style():
        # Room for each engine's name under its box.
        per_engine = max(1.3, 0.085 * max((len(e) for e in engines), default=8) + 0.3)
        width = max(4.5, per_engine * len(engines) + 1.5) * max(1, len(metrics))
        fig = Figure(figsize=(width, 4.6), layout="constrained")
        axes = fig.subplots(1, max(1, len(metrics)), squeeze=False)[0]
        if not metrics:
            _empty(axes[0], "no per-sentence scores")
        for ax, metric in zip(axes, metrics):
            data = [_values(frame, metric, e) for e in engines]
            shown = [n for n, values in enumerate(data) if values]
            if not shown:
                _empty(ax, f"no {_SHORT.get(metric, metric)} scores")
                continue
            positions = list(range(1, len(shown) + 1))
            ax.boxplot([data[n] for n in shown], positions=positions, widths=0.55, showfliers=False,
                       medianprops={"color": "#222222"})  # fmt: skip
            for pos, n in zip(positions, shown):
                xs = pos + rng.uniform(-0.18, 0.18, len(data[n]))
                ax.scatter(xs, data[n], s=18, alpha=0.75, color=colours[engines[n]], label=engines[n], zorder=3)
            ax.set_xticks(positions, [engines[n] for n in shown], rotation=15 if len(shown) > 3 else 0)
            ax.set_xlabel("engine")
            ax.set_ylabel(METRIC_LABELS.get(metric, metric))
            ax.set_title(f"{_SHORT.get(metric, metric)} per sentence")
            ax.grid(axis="y", alpha=0.3)
        handles = {}
        for ax in axes:
            handles |= dict(zip(ax.get_legend_handles_labels()[1], ax.get_legend_handles_labels()[0]))
        if handles:
            fig.legend(list(handles.values()), list(handles), title="engine", fontsize=8, loc="outside lower center",
                       ncols=min(len(handles), 4))  # fmt: skip
        fig.suptitle(f"Per-sentence scores of the {_subject(frame)}")
    return fig


def plot_scores_along(frame: pd.DataFrame, metric: str | None = None) -> Figure:
    """One line per engine: a metric sentence by sentence, in article order (headings marked).

    Args:
        frame: a comparison frame (``annot.compare``).
        metric: the metric to draw; default the first of ``plot_metrics(frame)``.

    Returns:
        A matplotlib Figure.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    engines = engines_of(frame)
    metric = metric or next(iter(plot_metrics(frame)), "chrf")
    colours = _colours(engines)
    sentences = [int(i) for i in frame.index]
    with _style():
        fig = Figure(figsize=(10, 4.2), layout="constrained")
        ax = fig.subplots()
        if "heading" in frame.columns:
            for index, heading in zip(sentences, frame["heading"].tolist()):
                if _true(heading):
                    ax.axvline(index, color="#bbbbbb", linestyle=":", linewidth=1)
        drawn = 0
        for engine in engines:
            col = f"{metric}.{engine}"
            if col not in frame.columns or not _values(frame, metric, engine):
                continue
            ys = [float("nan") if _isnan(v) else float(v) for v in frame[col].tolist()]
            ax.plot(sentences, ys, marker="o", markersize=4, linewidth=1.5, color=colours[engine], label=engine)
            drawn += 1
        if drawn:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            fig.legend(title="engine", fontsize=8, loc="outside right upper")
            ax.grid(alpha=0.3)
            ax.set_xlabel("sentence (article order; dotted lines: headings)")
            ax.set_ylabel(METRIC_LABELS.get(metric, metric))
        else:
            _empty(ax, f"no {_SHORT.get(metric, metric)} scores")
        ax.set_title(f"{_SHORT.get(metric, metric)} along the article, {_subject(frame)}")
    return fig
