"""The hand-marked quantities of the nine coverage texts, and the finder's guesses on them.

Shared by ``tests/suggest/test_quantities_coverage.py`` and
``benchmarks/bench_suggest.py``, so that the test's floors and the printed
figures are one measure. Each text is ingested into a temporary store as
``annot ingest`` would (language detected, annot's own sentences), and
``find_quantities`` reads each sentence as the suggestion layer does; guesses
are scored with the rule of ``tests/suggest/gold.py`` (value and qualifier
right, one to one, places exact or overlapping).
"""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annot.store import Store
from annot.suggest import find_quantities
from tests.suggest import gold as G


def gold_rows(lang: str) -> list[dict]:
    """``tests/data/gold/coverage/<lang>.quantities.jsonl``: ``{start, end, text, value, unit, qualifier}`` a row."""
    path = G.GOLD / "coverage" / f"{lang}.quantities.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def gold_marks(lang: str) -> list[G.Mark]:
    return [G.Mark(r["start"], r["end"], "QUANTITY", (r["value"], r["qualifier"])) for r in gold_rows(lang)]


@functools.cache
def _ingested(lang: str) -> tuple[str, tuple[tuple[int, str, str], ...]]:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p", annotator="test") as store:
        doc = G.ingest_one(store, G.COVERAGE / f"{lang}.txt")
        return doc.text, tuple((s.start, s.text, doc.lang) for s in store.get_sentences(doc))


def document_text(lang: str) -> str:
    """The text annot stores for the coverage text in ``lang``: the gold's offsets index it."""
    return _ingested(lang)[0]


def sentences(lang: str) -> tuple[tuple[int, str, str], ...]:
    """``(doc_start, text, doc_lang)`` of each sentence of the coverage text in ``lang``, as annot segments it."""
    return _ingested(lang)[1]


def found_marks(lang: str, finder: Callable[[str, str], list[Any]] = find_quantities) -> list[G.Mark]:
    """The guesses of ``finder`` (``find_quantities``, or a baseline's) on the coverage text in ``lang``."""
    return [
        G.Mark(start + g.start, start + g.end, "QUANTITY", (g.value, g.qualifier))
        for start, text, doc_lang in sentences(lang)
        for g in finder(text, doc_lang)
    ]


def scores(lang: str, finder: Callable[[str, str], list[Any]] = find_quantities) -> dict[str, G.Score]:
    """Exact and overlap scores of ``finder`` on the coverage text in ``lang``."""
    gold, found = gold_marks(lang), found_marks(lang, finder)
    return {mode: G.score(gold, found, mode) for mode in G.MODES}
