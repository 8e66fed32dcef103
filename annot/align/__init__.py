"""Stage "two versions' sentences -> beads": which sentences of an article say what which of its translation say.

Below ``compare`` and ``annotate`` (which read alignments), above ``store`` and
``translate`` (which it uses to translate B and keep the beads). The parts:

- ``beads``: the rules of an alignment (valid beads, a manual edit, precision
  and recall against a gold one), in one place; the store checks what it
  writes with them, so this module imports only the foundation;
- ``anchors``: numbers, names and quotations two sentences share without MT;
- ``chrf``: sentence chrF on n-grams counted once, for the aligner with MT;
- ``search``: the aligner itself, ``align`` (methods ``chrf``, ``anchors``, ``length``);
- ``link``: ``link_documents`` (translate if a route exists, align, store) and
  ``references`` (the stored beads read back as each sentence's reference).

Nothing here imports the store or the pipeline at import time (the store
imports ``annot.align.beads``): ``link_documents`` imports the pipeline when called.
"""

from __future__ import annotations

from annot.align.anchors import Anchors, agreement, read_anchors
from annot.align.beads import BeadScores, bead_scores, bead_text, check_beads, cover, edit_beads, swap
from annot.align.link import AlignmentReport, Reference, link_documents, references
from annot.align.search import METHODS, align

__all__ = [
    "METHODS",
    "AlignmentReport",
    "Anchors",
    "BeadScores",
    "Reference",
    "agreement",
    "align",
    "bead_scores",
    "bead_text",
    "check_beads",
    "cover",
    "edit_beads",
    "link_documents",
    "read_anchors",
    "references",
    "swap",
]
