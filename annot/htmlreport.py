"""What every static report page of annot shares: escaping, the page shell, inline plots and atomic writing.

The comparison report (``annot.compare.report``) and the claims report
(``annot.analysis.report``) are one HTML file each that stands alone: inline
CSS, plots as inline SVG, no script, no external resource, no URL, so a page
opens the same offline, in a mail attachment or on an air-gapped machine. This
module is their one home for:

- ``esc``: every piece of article text goes through ``html.escape``;
- ``page_html``: the document around a report's body (charset, viewport, title, style, footer);
- ``plot_style`` and ``figure_svg``: the look of every plot, and a figure as an ``<svg>`` element
  with no URL and ids of its own;
- ``write_together``: a page and its tables (CSV, Parquet), each replaced atomically, every path opened
  before any is written.

matplotlib is imported when a plot is drawn or embedded, never with this module.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from annot.fileio import atomic_binary_file, atomic_text_file

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PLOT_RC", "Output", "annot_version", "esc", "figure_svg", "page_html", "plot_style", "write_together"]

#: The look of every plot annot draws. Colours are pinned (a white figure, black text) rather than taken from
#: the user's matplotlib style: a figure reads the same on JupyterLab's Light and Dark themes and in a report.
PLOT_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "text.color": "black",
    "axes.labelcolor": "black",
    "axes.edgecolor": "black",
    "xtick.color": "black",
    "ytick.color": "black",
    "legend.facecolor": "white",
    "legend.edgecolor": "0.8",
    # Fixed ids in saved SVGs: the same frame gives the same report, byte for byte.
    "svg.hashsalt": "annot",
    "svg.fonttype": "path",
}


def esc(value: object) -> str:
    """``value`` as HTML text, quotes included."""
    return html.escape(str(value), quote=True)


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """``PLOT_RC`` in force for the figures made (and saved) inside the ``with`` block."""
    import matplotlib as mpl

    with mpl.rc_context(PLOT_RC):
        yield


_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.DOTALL)
_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_IDS = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def figure_svg(fig: Figure, *, prefix: str | None = None) -> str:
    """``fig`` as an ``<svg>`` element to put inline in an HTML page.

    Text is drawn as paths (the page needs no font), and the result holds no
    URL: the XML prolog, doctype, comments and namespace declarations (which
    HTML's parser supplies by itself) are left out. Every id is prefixed so two
    plots in one page do not share ids.

    Args:
        fig: the figure.
        prefix: the id prefix; default one derived from the figure's content,
            so the same figure always gives the same text.

    Returns:
        The SVG markup (not a standalone .svg file: save one with ``fig.savefig``).
    """
    buffer = io.StringIO()
    with plot_style():
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = _XMLNS.sub("", _PROLOG.sub("", buffer.getvalue())).strip()
    if prefix is None:
        prefix = "f" + hashlib.sha256(svg.encode("utf-8")).hexdigest()[:8] + "-"
    return _IDS.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def annot_version() -> str:
    """annot's installed version, or "(development)" when run from a checkout that is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("annot")
    except PackageNotFoundError:
        return "(development)"


def page_html(title: str, css: str, body: str) -> str:
    """A whole report page: ``body`` (annot's own markup, its text escaped already) under an escaped ``title``.

    Args:
        title: the page's title (escaped here).
        css: the page's style sheet, inlined.
        body: the markup between ``<body>`` and the footer naming annot's version.

    Returns:
        The page, ending with a newline.
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{css}</style></head><body>{body}"
        f'<footer class="note"><p>Made by annot {esc(annot_version())}.</p></footer></body></html>\n'
    )


@dataclass(frozen=True, slots=True)
class Output:
    """One file of a report: where, how its content is written into the open file, and whether it is bytes."""

    path: Path
    write: Callable[[IO[Any]], None]
    binary: bool = False


def write_together(outputs: Sequence[Output]) -> list[Path]:
    """Write each output atomically; every file is opened before any is written.

    So a path that cannot be written (a folder, no permission) fails before any
    other file is replaced, and a reader sees each file old or whole.

    Args:
        outputs: the files, each at its own path.

    Returns:
        The paths written, in order.

    Raises:
        ValueError: two outputs at one path.
        OutputError: a file cannot be written (a folder, no permission, disk full); no file is replaced.
    """
    seen: dict[Path, Path] = {}
    for out in outputs:
        resolved = Path(out.path).resolve()
        if resolved in seen:
            raise ValueError(f"Two of the report's files would both be {out.path}; give each its own name.")
        seen[resolved] = out.path
    with contextlib.ExitStack() as stack:
        files = [
            stack.enter_context(atomic_binary_file(out.path) if out.binary else atomic_text_file(out.path))
            for out in outputs
        ]
        for out, file in zip(outputs, files):
            out.write(file)
    return [Path(out.path) for out in outputs]
