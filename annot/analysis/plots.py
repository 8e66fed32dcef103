"""Plots of the claims ledger and the stances (who stands where, reports whom, says how many) and of agreement.

matplotlib is imported when a plot is drawn, never with annot. Figures are
``matplotlib.figure.Figure`` objects (no pyplot, no global backend), drawn in
annot's one look (``annot.htmlreport.plot_style``): a white figure with black
text, which reads the same on JupyterLab's Light and Dark themes and in the
report. Every plot takes the frames ``annot.claims``/``annot.actor_stance``
give (or a filter of them); an empty one gives a figure that says there is
nothing to plot.

Discrepancy kinds have one colour each, the same in every plot and in the
report (``KIND_COLOURS``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annot.analysis.groups import DISCREPANCY_KINDS, describe_value
from annot.htmlreport import plot_style

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from annot.analysis.agreement import Agreement

__all__ = [
    "KIND_COLOURS",
    "plot_agreement",
    "plot_discrepancies",
    "plot_reporting",
    "plot_stance_matrix",
    "plot_timeline",
    "source_name",
]

#: One colour per discrepancy kind (``DISCREPANCY_KINDS``), in plots and in the report.
KIND_COLOURS = {"value": "#d62728", "qualifier": "#e07b00", "holder": "#7b3fa0", "evidence": "#8c564b"}
_AGREES = "#1f5fa8"
_MUTED = "#555555"
_MAX_GROUPS = 8  # panels of one figure; more groups are left to a filter of the ledger


def source_name(row: Any) -> str:
    """How a claim's source is named in plots and the report: its outlet, else its document's title.

    Args:
        row: a ledger row (a mapping or a namedtuple with ``outlet`` and ``title``).
    """
    get = row.get if hasattr(row, "get") else lambda name: getattr(row, name, None)
    for name in ("outlet", "title", "doc_id"):
        value = get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return "?"


def _kinds(value: Any) -> list[str]:
    return [k for k in str(value or "").split(", ") if k in DISCREPANCY_KINDS]


def _nothing(what: str, size: tuple[float, float] = (6.0, 2.0)) -> Figure:
    from matplotlib.figure import Figure

    with plot_style():
        fig = Figure(figsize=size, layout="constrained")
        ax = fig.subplots()
        ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, color=_MUTED)
        ax.set_axis_off()
    return fig


def _short(text: str, width: int = 38) -> str:
    """Article text as a plot label: one line, cut at ``width``, its dollar signs never read as mathtext."""
    text = " ".join(str(text).split())
    text = text if len(text) <= width else text[: width - 1] + "…"
    return text.replace("$", r"\$")


def plot_stance_matrix(stances: pd.DataFrame, by: str | None = None, *, kind: str | None = "stated") -> Figure:
    """The holder x target heatmap of ``annot.analysis.stance_matrix``: red opposes or doubts, blue supports.

    Args:
        stances: ``annot.actor_stance(...)`` or a filter of it.
        by: split the targets by a column ("outlet", "lang") or a period ("W", "M"), as ``stance_matrix``.
        kind: "stated" (the actors' stances), "reporting" (the outlets' towards whom they report) or ``None``.

    Returns:
        A Figure: one cell per (holder, target) with its mean score written in it (-1 opposes or doubts,
        0 neutral, +1 supports); a pair with no stance is blank.
    """
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.figure import Figure

    from annot.analysis.stances import stance_matrix

    matrix = stance_matrix(stances, by=by, kind=kind) if len(stances) else None
    if matrix is None or matrix.empty:
        return _nothing("no stances between actors to plot")
    columns = [" · ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in matrix.columns]
    rows = [str(r) for r in matrix.index]
    values = np.ma.masked_invalid(matrix.to_numpy(dtype=float))
    with plot_style():
        width = min(18.0, max(5.5, 0.9 * len(columns) + 0.075 * max(map(len, rows)) + 2.5))
        height = min(14.0, max(3.0, 0.5 * len(rows) + 0.06 * max(map(len, columns)) + 1.6))
        fig = Figure(figsize=(width, height), layout="constrained")
        ax = fig.subplots()
        import matplotlib as mpl

        cmap = mpl.colormaps["RdBu"].with_extremes(bad="white")
        image = ax.imshow(values, cmap=cmap, norm=TwoSlopeNorm(0.0, -1.0, 1.0), aspect="auto")
        ax.set_xticks(range(len(columns)), [_short(c, 30) for c in columns], rotation=30, ha="right",
                      rotation_mode="anchor")  # fmt: skip
        ax.set_yticks(range(len(rows)), [_short(r, 34) for r in rows])
        ax.set_xticks(np.arange(-0.5, len(columns)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
        ax.grid(which="minor", color="#dddddd", linewidth=1)
        ax.tick_params(which="minor", length=0)
        for y in range(len(rows)):
            for x in range(len(columns)):
                score = values[y, x]
                if score is np.ma.masked:
                    continue
                shown = "0" if abs(score) < 0.05 else f"{score:+.1f}".replace("-", "−")
                ax.text(x, y, shown, ha="center", va="center", fontsize=9,
                        color="white" if abs(score) > 0.55 else "black")  # fmt: skip
        bar = fig.colorbar(image, ax=ax, shrink=0.85, ticks=[-1, 0, 1])
        bar.ax.set_yticklabels(["−1 opposes / doubts", "0 neutral", "+1 supports"])
        ax.set_xlabel(f"target ({by})" if by else "target")
        ax.set_ylabel("outlet" if kind == "reporting" else "holder")
        ax.set_title("Who stands where: mean stance of each holder towards each target")
    return fig


def plot_reporting(stances: pd.DataFrame) -> Figure:
    """Who reports whom: outlets on the left, the holders whose statements they report on the right.

    Args:
        stances: ``annot.actor_stance(...)`` (its ``reporting`` rows are read through
            ``annot.analysis.reporting``).

    Returns:
        A Figure: an edge per (outlet, source), its width the number of statements, dashed red when some
        were reported as alleged (labelled "n, k alleged").
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from annot.analysis.stances import reporting

    edges = reporting(stances) if len(stances) else None
    if edges is None or edges.empty:
        return _nothing("no reported statements to plot")
    reporters = sorted({str(r) for r in edges["reporter"]})
    sources = sorted({str(s) for s in edges["source"]})
    most = max(1, int(edges["statements"].max()))

    span = max(len(reporters), len(sources))
    y_of = {0: _positions(reporters, span), 1: _positions(sources, span)}

    with plot_style():
        height = max(2.5, 0.45 * max(len(reporters), len(sources)) + 1.4)
        fig = Figure(figsize=(10, height), layout="constrained")
        ax = fig.subplots()
        for row in edges.itertuples(index=False):
            y0, y1 = y_of[0][str(row.reporter)], y_of[1][str(row.source)]
            alleged = int(row.alleged)
            ax.plot([0, 1], [y0, y1], color=KIND_COLOURS["value"] if alleged else "#7f7f7f",
                    linestyle="--" if alleged else "-", linewidth=1 + 4 * int(row.statements) / most,
                    alpha=0.85, solid_capstyle="round", zorder=1)  # fmt: skip
            label = f"{int(row.statements)}" + (f", {alleged} alleged" if alleged else "")
            ax.text(0.62, y0 + 0.62 * (y1 - y0), label, fontsize=8, ha="center", va="center",
                    color=KIND_COLOURS["value"] if alleged else _MUTED, zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})  # fmt: skip
        for names, x, align, offset in ((reporters, 0, "right", -0.03), (sources, 1, "left", 0.03)):
            for name in names:
                y = y_of[x][name]
                ax.scatter([x], [y], s=60, color=_AGREES if x == 0 else "#444444", zorder=2)
                ax.text(x + offset, y, _short(name, 40), ha=align, va="center", fontsize=9)
        ax.set_xlim(-0.75, 1.75)
        ax.set_ylim(-0.8, span + 0.2)
        ax.set_axis_off()
        ax.text(0, span - 0.3, "outlet", ha="center", va="bottom", fontweight="bold")
        ax.text(1, span - 0.3, "source (holder)", ha="center", va="bottom", fontweight="bold")
        ax.legend(handles=[Line2D([], [], color="#7f7f7f", linewidth=2, label="reported"),
                           Line2D([], [], color=KIND_COLOURS["value"], linestyle="--", linewidth=2,
                                  label="reported as alleged")],
                  loc="lower center", bbox_to_anchor=(0.5, -0.02), ncols=2, fontsize=8, frameon=False)  # fmt: skip
        ax.set_title("Who reports whom (edge width: statements)")
    return fig


def _positions(names: Sequence[str], span: int) -> dict[str, float]:
    """Heights of a column's names, first at the top, spread over the taller column's ``span`` rows."""
    if len(names) == 1:
        return {names[0]: (span - 1) / 2}
    step = (span - 1) / (len(names) - 1)
    return {name: (len(names) - 1 - i) * step for i, name in enumerate(names)}


def _groups(ledger: pd.DataFrame, group: str | Sequence[str] | None, *, disputed: bool) -> list[tuple[str, Any]]:
    """The groups to draw, most disputed first: those asked for, else those told by two documents or more."""
    if group is not None:
        wanted = [group] if isinstance(group, str) else list(group)
        return [(g, ledger[ledger["group"] == g]) for g in wanted if (ledger["group"] == g).any()]
    found = []
    for name, claims in ledger.groupby("group", sort=False):
        kinds = {k for value in claims["discrepancies"] for k in _kinds(value)}
        if claims["doc_id"].nunique() < 2 or (disputed and not kinds):
            continue
        found.append((-len(kinds), -len(claims), len(found), name, claims))
    return [(name, claims) for *_, name, claims in sorted(found, key=lambda f: f[:3])][:_MAX_GROUPS]


def _claim_colour(kinds: Sequence[str]) -> str:
    return KIND_COLOURS[kinds[0]] if kinds else _AGREES


def plot_timeline(ledger: pd.DataFrame, group: str | Sequence[str] | None = None) -> Figure:
    """Each claim group's claims by publication time: a row per outlet, each claim's value beside its marker.

    Args:
        ledger: ``annot.claims(...)``.
        group: a group id ("g1") or several; default every group told by two documents or more (most
            disputed first, at most eight).

    Returns:
        A Figure, one panel per group. A claim with a discrepancy is drawn in its (first) kind's colour and
        labelled with its kinds; claims that agree are blue. Claims without a publication time are left out
        (each panel's title says how many).
    """
    import pandas as pd
    from matplotlib.figure import Figure

    chosen = _groups(ledger, group, disputed=False) if len(ledger) else []
    if not chosen:
        return _nothing("no claim told by two documents or more to plot" if group is None else "no such group")
    with plot_style():
        heights = [max(1.0, 0.45 * claims.apply(source_name, axis=1).nunique()) + 0.9 for _, claims in chosen]
        fig = Figure(figsize=(11, sum(heights) + 0.6), layout="constrained")
        axes = fig.subplots(len(chosen), 1, squeeze=False, height_ratios=heights)[:, 0]
        for ax, (name, claims) in zip(axes, chosen):
            times = pd.to_datetime(claims["published"], utc=True)
            dated = claims[times.notna().to_numpy()]
            # Sources in the order they first told the group's news.
            first = dated.assign(source=dated.apply(source_name, axis=1), time=times[times.notna()].to_numpy())
            sources = list(first.sort_values(["time", "source"])["source"].drop_duplicates()) if len(dated) else []
            undated = len(claims) - len(dated)
            title = f"{name}: {_short(claims['group_label'].iloc[0], 90)}"
            ax.set_title(title + (f" ({undated} undated not shown)" if undated else ""), loc="left", fontsize=10)
            if dated.empty:
                ax.text(0.5, 0.5, "no claim with a publication time", ha="center", va="center",
                        transform=ax.transAxes, color=_MUTED)  # fmt: skip
                ax.set_axis_off()
                continue
            _timeline_panel(ax, dated, sources)
    return fig


def _timeline_panel(ax: Axes, dated: pd.DataFrame, sources: list[str]) -> None:
    import matplotlib.dates as mdates
    import pandas as pd

    times = pd.to_datetime(dated["published"], utc=True).dt.tz_convert(None)
    seen: dict[tuple[str, Any], int] = {}
    for (_, row), when in zip(dated.iterrows(), times):
        source = source_name(row)
        y = sources.index(source)
        nth = seen.get((source, when), 0)
        seen[(source, when)] = nth + 1
        kinds = _kinds(row["discrepancies"])
        colour = _claim_colour(kinds)
        ax.scatter([when], [y + 0.22 * nth], s=70 if kinds else 45, color=colour, zorder=3,
                   edgecolors="black" if kinds else "none", linewidths=0.8)  # fmt: skip
        label = f"{describe_value(row)}" + (f"  ⚠ {', '.join(kinds)}" if kinds else "")
        ax.annotate(label, (mdates.date2num(when), y + 0.22 * nth), xytext=(7, 0), textcoords="offset points",
                    va="center", fontsize=8.5, color=colour, fontweight="bold" if kinds else "normal")  # fmt: skip
    ax.set_yticks(range(len(sources)), [_short(s, 28) for s in sources])
    ax.set_ylim(-0.6, len(sources) - 0.4)
    ax.invert_yaxis()
    low, high = times.min(), times.max()
    pad = max((high - low) * 0.25, pd.Timedelta(hours=12))
    ax.set_xlim(low - pad * 0.4, high + pad * 1.6)  # room on the right for the last labels
    locator = mdates.AutoDateLocator(minticks=2, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x", alpha=0.3)


_MARKERS = {"exact": "o", "approximately": "D", "up to": "<", "less than": "<", "at least": ">", "more than": ">"}


def plot_discrepancies(ledger: pd.DataFrame, group: str | Sequence[str] | None = None) -> Figure:
    """The values each source claims, group by group: "up to 9,000" against "15,000" against "9,000" at a glance.

    Args:
        ledger: ``annot.claims(...)``.
        group: a group id or several; default every group with a discrepancy (most disputed first, at most
            eight).

    Returns:
        A Figure, one panel per group: a row per claim (source · language), its value as a dot whose shape
        is its qualifier (● exact, ◆ approximately, ◀ up to / less than, ▶ at least / more than, a bar for a
        range), written beside it with its holder; a claim with a discrepancy in its kind's colour with its
        kinds, the others blue.
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    chosen = _groups(ledger, group, disputed=True) if len(ledger) else []
    if not chosen:
        return _nothing("no discrepancy to plot" if group is None else "no such group")
    with plot_style():
        heights = [0.42 * len(claims) + 0.9 for _, claims in chosen]
        fig = Figure(figsize=(11, sum(heights) + 0.9), layout="constrained")
        axes = fig.subplots(len(chosen), 1, squeeze=False, height_ratios=heights)[:, 0]
        for ax, (name, claims) in zip(axes, chosen):
            _values_panel(ax, claims)
            ax.set_title(f"{name}: {_short(claims['group_label'].iloc[0], 90)}", loc="left", fontsize=10)
        shapes = [("exact", "o"), ("approximately", "D"), ("up to", "<"), ("at least", ">")]
        handles = [Line2D([], [], marker=m, linestyle="", color=_MUTED, label=q) for q, m in shapes]
        handles.append(Line2D([], [], color=_MUTED, linewidth=3, label="range"))
        handles += [Line2D([], [], marker="o", linestyle="", color=c, label=k) for k, c in KIND_COLOURS.items()]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8, frameon=False)
    return fig


def _values_panel(ax: Axes, claims: pd.DataFrame) -> None:
    rows = list(claims.iterrows())
    numbers = [v for _, r in rows for v in (r["value"], r["low"], r["high"]) if _number(v) is not None]
    top = max(numbers, default=1.0) or 1.0
    for y, (_, row) in enumerate(rows):
        kinds = _kinds(row["discrepancies"])
        colour = _claim_colour(kinds)
        low, high, value = _number(row["low"]), _number(row["high"]), _number(row["value"])
        if row["qualifier"] == "range" and low is not None and high is not None:
            ax.plot([low, high], [y, y], color=colour, linewidth=4, solid_capstyle="butt", zorder=3)
            at = high
        elif value is not None:
            ax.scatter([value], [y], s=80 if kinds else 55, marker=_MARKERS.get(str(row["qualifier"]), "o"),
                       color=colour, edgecolors="black" if kinds else "none", linewidths=0.8, zorder=3)  # fmt: skip
            at = value
        else:
            continue
        holder = row["holder"] if isinstance(row["holder"], str) and row["holder"] else "own voice"
        label = f"{describe_value(row)} ({_short(holder, 30)}; {row['evidence']})"
        label += f"  ⚠ {', '.join(kinds)}" if kinds else ""
        ax.annotate(label, (at, y), xytext=(8, 0), textcoords="offset points", va="center", fontsize=8.5,
                    color=colour, fontweight="bold" if kinds else "normal")  # fmt: skip
    ax.set_yticks(range(len(rows)), [_short(f"{source_name(r)} · {r['lang']}", 32) for _, r in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.9)  # from zero, so the sizes compare; room on the right for the labels
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:,.0f}")
    ax.grid(axis="x", alpha=0.3)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def plot_agreement(agreement: Agreement, *, match: str = "overlap") -> Figure:
    """How far the annotators agree: pairwise span F1 (all labels) beside the label confusion table.

    Args:
        agreement: ``annot.agreement(store)``'s result.
        match: ``"overlap"`` or ``"exact"``: which F1 the left panel shows.

    Returns:
        A Figure: annotator x annotator F1 (0-1, written in each cell; the diagonal blank) and the label x label
        counts of spans matched by range (``none``: unmatched). With no two annotators on one document, a figure
        that says so.
    """
    import matplotlib as mpl
    import numpy as np
    from matplotlib.figure import Figure

    if agreement.empty:
        return _nothing("no two annotators share a document: nothing to compare")
    names = list(agreement.annotators)
    where = {name: i for i, name in enumerate(names)}
    scores = np.full((len(names), len(names)), np.nan)
    pairs = agreement.pairs
    for row in pairs[(pairs["label"] == "all") & (pairs["match"] == match)].to_dict("records"):
        a, b = where[row["annotator_a"]], where[row["annotator_b"]]
        scores[a, b] = scores[b, a] = row["f1"]
    confusion = agreement.confusion
    counts = confusion.to_numpy(dtype=float)
    with plot_style():
        side = max(2.5, 0.7 * len(names) + 1.5)
        fig = Figure(figsize=(side + 0.55 * len(confusion.columns) + 3.0, max(3.2, side)), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[len(names), len(confusion.columns)])
        cmap = mpl.colormaps["Blues"].with_extremes(bad="white")
        left.imshow(np.ma.masked_invalid(scores), cmap=cmap, vmin=0.0, vmax=1.0)
        labels = [_short(n, 20) for n in names]
        left.set_xticks(range(len(names)), labels, rotation=30, ha="right", rotation_mode="anchor")
        left.set_yticks(range(len(names)), labels)
        for y in range(len(names)):
            for x in range(len(names)):
                if not np.isnan(scores[y, x]):
                    left.text(x, y, f"{scores[y, x]:.2f}", ha="center", va="center", fontsize=9,
                              color="white" if scores[y, x] > 0.6 else "black")  # fmt: skip
        left.set_title(f"Span F1 ({match}, all labels)")
        right.imshow(counts, cmap=mpl.colormaps["Blues"], vmin=0.0, vmax=max(1.0, counts.max()))
        right.set_xticks(range(len(confusion.columns)), [str(c) for c in confusion.columns], rotation=30,
                         ha="right", rotation_mode="anchor")  # fmt: skip
        right.set_yticks(range(len(confusion.index)), [str(i) for i in confusion.index])
        for y in range(counts.shape[0]):
            for x in range(counts.shape[1]):
                right.text(x, y, f"{counts[y, x]:,.0f}", ha="center", va="center", fontsize=9,
                           color="white" if counts[y, x] > 0.6 * counts.max() else "black")  # fmt: skip
        right.set_xlabel("second annotator of the pair")
        right.set_ylabel("first annotator of the pair")
        right.set_title("Labels of spans matched by range")
    return fig
