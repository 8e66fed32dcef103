"""Across sources: the claims ledger (who claimed how many of what, how sure), its groups and discrepancies.

Reads the store, never writes it:

- ``claims(store, docs=None)``: one row per quantity claim (``annot.analysis.claims``);
- ``claim_groups(ledger)`` and ``discrepancies(ledger)``: the groups and what differs within them
  (``annot.analysis.groups``);
- ``actor_stance(store)``, ``stance_matrix(...)``, ``reporting(...)`` and ``timeline(...)``: who supports,
  opposes or doubts whom, who reports whom, and when (``annot.analysis.stances``);
- ``agreement(store)``: how far the annotators agree: span F1 per pair and label, Krippendorff's alpha on
  attributes, a label confusion table (``annot.analysis.agreement``);
- ``plot_*``: their plots (``annot.analysis.plots``), and ``write_claims_report``: all of it as one static
  HTML page, with the ledger as CSV or Parquet (``annot.analysis.report``).
"""

from __future__ import annotations

from annot.analysis.agreement import Agreement, agreement
from annot.analysis.claims import CLAIM_COLUMNS, claims
from annot.analysis.groups import DISCREPANCY_KINDS, claim_groups, discrepancies
from annot.analysis.plots import plot_agreement, plot_discrepancies, plot_reporting, plot_stance_matrix, plot_timeline
from annot.analysis.report import claims_html, write_claims_report
from annot.analysis.stances import actor_stance, reporting, stance_matrix, timeline
from annot.analysis.things import Thing, load_things, thing_of

__all__ = [
    "Agreement",
    "CLAIM_COLUMNS",
    "DISCREPANCY_KINDS",
    "Thing",
    "actor_stance",
    "agreement",
    "claim_groups",
    "claims",
    "claims_html",
    "discrepancies",
    "load_things",
    "plot_agreement",
    "plot_discrepancies",
    "plot_reporting",
    "plot_stance_matrix",
    "plot_timeline",
    "reporting",
    "stance_matrix",
    "thing_of",
    "timeline",
    "write_claims_report",
]
