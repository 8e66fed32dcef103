"""Stage "translations -> comparisons": every engine's translation scored against the aligned reference.

The aligner and linking are ``annot.align``'s; the names here (``align``,
``link_documents``, ``references``...) are kept for the notebooks and scripts
that reach them through ``annot.compare``.
"""

from __future__ import annotations

from annot.align import METHODS, AlignmentReport, Reference, align, link_documents, references
from annot.compare.aliases import add_alias
from annot.compare.diff import diff_html, word_diff
from annot.compare.frame import compare, corpus_scores
from annot.compare.plots import figure_svg, plot_score_distribution, plot_scores_along
from annot.compare.report import ReportFiles, corpus_table, write_report
from annot.compare.side_by_side import filter_choices, side_by_side_html

__all__ = [
    "AlignmentReport",
    "METHODS",
    "Reference",
    "ReportFiles",
    "add_alias",
    "align",
    "compare",
    "corpus_scores",
    "corpus_table",
    "diff_html",
    "figure_svg",
    "filter_choices",
    "link_documents",
    "plot_score_distribution",
    "plot_scores_along",
    "references",
    "side_by_side_html",
    "word_diff",
    "write_report",
]
