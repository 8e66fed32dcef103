"""The architecture rule, checked from the source: each unit imports only lower layers.

Stages (ingest, segment, store, export) never import each other, except that
export reads through the store's API; ``pipeline`` joins the stages; the CLI
sits on top and nothing imports it.

A unit is a top-level module or package of ``annot``; a module listed in
``SUBUNITS`` is a unit of its own, on a lower layer than its package
(``align.beads``: the rules of an alignment, which the store below ``align`` enforces).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "annot"
FOUNDATION = {"errors", "model", "schema", "numbers"}
SUBUNITS = {"align.beads"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "numbers": set(),
    "model": {"errors"},
    "schema": {"errors"},
    "ingest": {"errors", "model"},
    "segment": {"errors", "model"},
    # Routing reads its one setting, the project's engine order, from the project file (schema.py reads it).
    # Installing models: bundles are written by the one atomic writer, downloads show a progress bar.
    # Engines are plugins: the one lookup of names -> classes (plugins.py) serves engines and suggesters.
    "translate": {"errors", "model", "numbers", "schema", "fileio", "progress", "plugins"},
    # Actor suggestions find names (inflected, in any script) by the one names policy.
    "suggest": FOUNDATION | {"names", "plugins"},
    "progress": set(),
    "plugins": {"errors"},
    "fileio": {"errors"},  # the one atomic writer maps OS errors to OutputError
    # What every static report page shares (escaping, page shell, inline SVG plots, writing page and tables).
    "htmlreport": {"errors", "fileio"},
    # The project's copies of the shipped notebooks and JupyterLab's command line, for annot lab.
    "lab": {"errors", "fileio"},
    "align.beads": {"errors", "model"},
    # Copying a store to another backend (annot migrate-store) reports rows copied through the one progress bar.
    "store": FOUNDATION | {"align.beads", "progress"},
    # Names across languages (CLDR, the project's aliases, transliteration) fold words as translate's checks do.
    "names": FOUNDATION | {"translate"},
    # Aligning versions: translates B when a route exists (through the pipeline) and keeps the beads in the store.
    "align": FOUNDATION | {"align.beads", "names", "segment", "store", "translate", "pipeline", "progress"},
    "export": FOUNDATION | {"store", "progress", "fileio"},
    # The annotation session joins the store, suggestions and translations for the widget;
    # its MT pane translates in the background through the pipeline (which never imports annotate),
    # and the open document's suggestions are stored in the background through the suggestion layer.
    "annotate": FOUNDATION
    | {"store", "suggest", "translate", "progress", "pipeline", "align", "compare", "suggestion_layer", "project"},
    # Widgets are thin views over the annotation session; nothing imports them.
    "widgets": FOUNDATION | {"annotate", "suggest", "store", "translate"},
    "pipeline": FOUNDATION | {"ingest", "segment", "translate", "store", "export", "progress"},
    # Other tools' files: export's format converters joined to the store, and imported texts segmented as
    # ingest does.
    "exchange": FOUNDATION | {"ingest", "segment", "store", "export", "progress"},
    # The suggestion layer runs suggesters over stored documents (the project's actors and aliases as known names).
    "suggestion_layer": FOUNDATION | {"store", "suggest", "progress", "names"},
    # Batch work on Dask: plans and stores through the pipeline and the suggestion layer, the engines and
    # suggesters on workers (routes and suggester versions checked against the client's); projection's refresh
    # in three steps, the aligning on workers.
    "batch": FOUNDATION | {"pipeline", "suggestion_layer", "translate", "suggest", "store", "progress", "project"},
    "cli": FOUNDATION
    | {"ingest", "segment", "translate", "store", "export", "pipeline", "progress", "align", "compare", "lab"}
    | {"suggestion_layer", "project", "fileio", "analysis", "exchange", "batch"},
    # Projection finds spans in translations by names, numbers (the quantity suggester's reading), cues (the
    # stance suggester's lists) and word alignment; its lexicons are word translations made through the
    # pipeline's one cached path; linked versions come through their stored alignment.
    "project": FOUNDATION | {"store", "names", "suggest", "translate", "pipeline", "align", "progress"},
    # Comparing translations reads the store, translates what is missing (and round trips) through the pipeline;
    # its fidelity flags are projection's.
    "compare": FOUNDATION
    | {"store", "translate", "pipeline", "progress", "fileio", "names", "align", "project", "htmlreport"},
    # The claims ledger reads the store (and projection's stored rows, its REFERENCE prefix), finds actors'
    # one name by the names policy, reads numbers as the quantity suggester does, and compares counted words
    # by projection's word folding and stems. Its report is a page like compare's (annot.htmlreport).
    "analysis": FOUNDATION | {"store", "names", "suggest", "project", "htmlreport"},
}


def _unit_of(dotted: str) -> str:
    """The unit of a module named ``a.b.c`` (without ``annot.``): ``a.b`` when it is a subunit, else ``a``."""
    parts = dotted.split(".")
    return ".".join(parts[:2]) if ".".join(parts[:2]) in SUBUNITS else parts[0]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("annot."):
            found.add(_unit_of(node.module.removeprefix("annot.")))
        elif isinstance(node, ast.Import):
            found.update(_unit_of(a.name.removeprefix("annot.")) for a in node.names if a.name.startswith("annot."))
    return found


def _unit(path: Path) -> str:
    return _unit_of(".".join(path.relative_to(PACKAGE).with_suffix("").parts))


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layers_module_imports_only_lower_layers(path: Path):
    unit = _unit(path)
    assert unit in ALLOWED, f"new unit {unit!r}: give it a place in ALLOWED"
    used = _imports(path) - {unit}
    assert used <= ALLOWED[unit], f"{path.name} ({unit}) imports {sorted(used - ALLOWED[unit])}"
