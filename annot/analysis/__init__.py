"""Across sources: the claims ledger (who claimed how many of what, how sure), its groups and discrepancies.

Reads the store, never writes it:

- ``claims(store, docs=None)``: one row per quantity claim (``annot.analysis.claims``);
- ``claim_groups(ledger)`` and ``discrepancies(ledger)``: the groups and what differs within them
  (``annot.analysis.groups``);
- ``actor_stance(store)``, ``stance_matrix(...)``, ``reporting(...)`` and ``timeline(...)``: who supports,
  opposes or doubts whom, who reports whom, and when (``annot.analysis.stances``).
"""

from __future__ import annotations

from annot.analysis.claims import CLAIM_COLUMNS, claims
from annot.analysis.groups import DISCREPANCY_KINDS, claim_groups, discrepancies
from annot.analysis.stances import actor_stance, reporting, stance_matrix, timeline
from annot.analysis.things import Thing, load_things, thing_of

__all__ = [
    "CLAIM_COLUMNS",
    "DISCREPANCY_KINDS",
    "Thing",
    "actor_stance",
    "claim_groups",
    "claims",
    "discrepancies",
    "load_things",
    "reporting",
    "stance_matrix",
    "thing_of",
    "timeline",
]
