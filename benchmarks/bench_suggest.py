"""Quantity suggestions: precision, recall, F1 per language, sentences per second and peak memory.

Sentences: tests/data/suggest/quantities/<lang>.jsonl (written by annot's
developers, quantities marked by hand) and, reported apart, heldout/<lang>.jsonl,
unseen/<lang>.jsonl and unseen2/<lang>.jsonl (written after the rules were tuned).
Then the nine coverage texts (tests/data/coverage/, whole news-style articles)
against their hand-marked quantities (tests/data/gold/coverage/<lang>.quantities.jsonl),
each ingested as ``annot ingest`` does and read sentence by sentence
(``tests/suggest/quantity_gold.py``). A guess is right when its value and
qualifier are right and its span matches exactly (*exact*) or overlaps the
marked one (*overlap*). The finder of ``main`` before this change (lexicon
and module read with ``git show``) is measured in the same run as a baseline
when git is at hand. Speed: the sentences repeated to 5,000 (500 in
``--quick``), all languages in turn. Figures only, nothing asserted.

Run: ``.venv/bin/python benchmarks/bench_suggest.py [--quick]``
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

import _common as C

from annot.suggest import find_quantities
from tests.suggest import gold as G
from tests.suggest import quantity_gold as Q

DATA = C.ROOT / "tests" / "data" / "suggest" / "quantities"
BASELINE_REF = "8cd8919"  # main before the per-language lexicons


def _old_finder() -> Callable | None:
    """The old ``find_quantities``, loaded from git into a temporary package; ``None`` without git."""
    try:
        files = {
            name: subprocess.run(
                ["git", "show", f"{BASELINE_REF}:annot/suggest/{name}.py"],
                cwd=C.ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for name in ("quantities", "lexicon")
        }
    except (OSError, subprocess.CalledProcessError):
        return None
    folder = Path(tempfile.mkdtemp())
    (folder / "old_lexicon.py").write_text(files["lexicon"], "utf-8")
    module = files["quantities"].replace("from annot.suggest.lexicon import", "from old_lexicon import")
    (folder / "old_quantities.py").write_text(module, "utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module("old_quantities").find_quantities


def _scores(finder: Callable, items: list[dict], lang: str) -> dict[str, float]:
    exact = overlap = found = gold = 0
    for item in items:
        guesses = finder(item["text"], lang)
        found, gold = found + len(guesses), gold + len(item["quantities"])
        for q in item["quantities"]:
            right = [g for g in guesses if (g.value, g.qualifier) == (q["value"], q["qualifier"])]
            exact += any((g.start, g.end) == (q["start"], q["end"]) for g in right)
            overlap += any(g.start < q["end"] and q["start"] < g.end for g in right)
    out = {}
    for name, tp in (("exact", exact), ("overlap", overlap)):
        p, r = tp / max(found, 1), tp / max(gold, 1)
        out[name] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def _read(folder: Path) -> dict[str, list[dict]]:
    return {p.stem: [json.loads(x) for x in p.read_text("utf-8").splitlines()] for p in sorted(folder.glob("*.jsonl"))}


def _coverage(old: Callable | None) -> None:
    C.header("quantity suggestions on the nine coverage texts (gold/coverage): P / R / F1 (new | old finder)")
    total = {mode: G.Score(0, 0, 0) for mode in G.MODES}
    for lang in G.COVERAGE_LANGUAGES:
        new = Q.scores(lang)
        total = {mode: total[mode] + new[mode] for mode in G.MODES}
        line = f"{lang}: " + "  ".join(f"{mode} {score.line()}" for mode, score in new.items())
        if old is not None:
            line += "  | old " + "  ".join(f"{mode} {score.line()}" for mode, score in Q.scores(lang, old).items())
        print(f"{line}  ({new['exact'].gold} marked)")
    print("all: " + "  ".join(f"{mode} {score.line()}" for mode, score in total.items()))


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    corpus = _read(DATA)
    old = _old_finder()
    sets = [("", corpus), (" on the held-out sentences", _read(DATA / "heldout"))]
    sets.append((" on the unseen sentences", _read(DATA / "unseen")))
    sets.append((" on the unseen2 sentences", _read(DATA / "unseen2")))
    for title, sentences in sets:
        C.header(f"quantity suggestions{title}: P / R / F1, value and qualifier right (new | old finder)")
        for lang, items in sentences.items():
            new = _scores(find_quantities, items, lang)
            line = f"{lang}: " + "  ".join(f"{k} {p:.2f}/{r:.2f}/{f:.2f}" for k, (p, r, f) in new.items())
            if old is not None:
                before = _scores(old, items, lang)
                line += "  | old " + "  ".join(f"{k} {p:.2f}/{r:.2f}/{f:.2f}" for k, (p, r, f) in before.items())
            print(line)
    _coverage(old)
    size = 500 if args.quick else 5000
    pairs = [(item["text"], lang) for lang, items in corpus.items() for item in items]
    work = (pairs * (size // len(pairs) + 1))[:size]
    C.header(f"speed over {size} sentences")
    for name, finder in (("new", find_quantities), ("old", old)):
        if finder is None:
            continue
        tracemalloc.start()
        t = time.perf_counter()
        for text, lang in work:
            finder(text, lang)
        elapsed = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{name}: {size / elapsed:,.0f} sentences/s (under tracemalloc), peak traced memory {peak:.1f} MiB")


if __name__ == "__main__":
    main()
