"""Projection: each annotation of a document carried into every translation of it, and what each translation lost.

The stage between translate and compare. ``project(store, doc, target)`` finds
each unit of the document's spans (``units``: ACTOR and QUANTITY spans, a
STANCE's cue and holder) in each stored route's translation and each linked
version (``targets``), by number, name, cue or word alignment (``match``,
``wordalign``), and says what became of it: ``kept``, ``changed`` or
``lost``, with ``added`` rows for what a translation has and its source does
not (``detect``). The fidelity flags of the MT pane and of compare are read
from it (``fidelity``). ``refresh_projection`` keeps it in the store and offers
it to the linked versions as pending suggestions (``stored``);
``refresh_projections`` does it for many documents (``documents``).
"""

import sys
import types

from annot.project.core import COLUMNS, STATUSES, project, project_targets
from annot.project.documents import ProjectReport, refresh_projections
from annot.project.stored import RefreshReport, refresh_projection
from annot.project.targets import Target, TargetText, find_targets
from annot.project.units import PARTS, Unit, source_units

__all__ = [
    "COLUMNS", "PARTS", "ProjectReport", "RefreshReport", "STATUSES", "Target", "TargetText", "Unit", "find_targets",
    "project", "project_targets", "refresh_projection", "refresh_projections", "source_units",
]  # fmt: skip


class _CallablePackage(types.ModuleType):
    """This package, callable as ``project``: ``annot.project(store, doc, "pt")`` as the issue asks, while
    ``annot.project.stored``, ``import annot.project.fidelity as f`` and every submodule stay reachable
    (a function bound to the same name would hide the package: ``import annot.project.x as m`` would fail)."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        return project(*args, **kwargs)  # type: ignore[arg-type]


sys.modules[__name__].__class__ = _CallablePackage
