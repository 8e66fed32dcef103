"""Issue 13's gold (tests/data/projection/) for the detectors: each target sentence with its source; scoring."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from annot.project.detect import Finding

DATA = Path(__file__).resolve().parent.parent / "data" / "projection"
SEED = DATA.parent / "gold" / "seed.annot.jsonl"
KINDS = ("wrong language", "number style", "time lost", "added")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@dataclass(frozen=True)
class Unit:
    """Target text of one bead of the gold: where it is, its language, its source and the route's languages.

    An engine's bead is one sentence; the reference's follow its alignment (source 6 is its 6 and 7),
    joined by one space: ``starts`` are its sentences' offsets in ``text``.
    """

    target: str  # "apertium en>es" or "reference:es"
    sentences: tuple[int, ...]
    starts: tuple[int, ...]
    text: str
    lang: str
    source: str
    others: tuple[str, ...]  # the source's language and any pivot's

    def locate(self, start: int | None) -> tuple[int, int]:
        """(sentence, offset in it) of an offset of ``text``; the bead's first sentence for ``None``."""
        if start is None:
            return self.sentences[0], 0
        k = max(i for i, s in enumerate(self.starts) if s <= start)
        return self.sentences[k], self.starts[k]


def units() -> list[Unit]:
    """Every sentence of the six frozen routes and of the human Spanish version."""
    seed = json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])
    source = {s["index"]: s["text"] for s in seed["sentences"]}
    found = []
    for r in _jsonl(DATA / "translations.jsonl"):
        langs = r["route"].split(">")
        others = tuple(lang for lang in langs if lang != r["target_lang"])
        target = f"{r['engine']} {r['route']}"
        found.append(Unit(target, (r["sentence"],), (0,), r["translation"], r["target_lang"], r["source"], others))
    beads = json.loads((DATA / "alignment.json").read_text(encoding="utf-8"))["beads"]
    reference = {r["sentence"]: r["text"] for r in _jsonl(DATA / "reference.es.jsonl")}
    for a, b in beads:
        starts = [0]
        for j in b[:-1]:
            starts.append(starts[-1] + len(reference[j]) + 1)
        text = " ".join(reference[j] for j in b)
        src = " ".join(source[i] for i in a)
        found.append(Unit("reference:es", tuple(b), tuple(starts), text, "es", src, ("en",)))
    return found


def gold_errors() -> list[dict]:
    """The gold errors of the detectors' kinds."""
    return [e for e in _jsonl(DATA / "errors.jsonl") if e["kind"] in KINDS]


def detect_all(detect: Callable[[Unit], Iterable[Finding]]) -> list[tuple[Unit, Finding]]:
    """``detect`` run over every unit: (unit, finding) pairs."""
    return [(u, f) for u in units() for f in detect(u)]


def matches(unit: Unit, finding: Finding, error: dict) -> bool:
    """Same kind, target and sentence, and overlapping offsets (or both lost, offsets ``None``)."""
    sentence, offset = unit.locate(finding.start)
    if (unit.target, sentence, finding.kind) != (error["target"], error["sentence"], error["kind"]):
        return False
    if finding.start is None or finding.end is None or error["target_start"] is None:
        return finding.start is None and error["target_start"] is None
    return finding.start - offset < error["target_end"] and error["target_start"] < finding.end - offset


def score(found: list[tuple[Unit, Finding]], errors: list[dict]) -> dict[str, dict[str, float]]:
    """Per kind: gold, found, true positives (one-to-one), recall, precision, and findings on the reference."""
    free = list(errors)
    hits: dict[str, int] = dict.fromkeys(KINDS, 0)
    for unit, finding in found:
        error = next((e for e in free if matches(unit, finding, e)), None)
        if error is not None:
            free.remove(error)
            hits[finding.kind] += 1
    table = {}
    for kind in KINDS:
        n_gold = sum(e["kind"] == kind for e in errors)
        n_found = sum(f.kind == kind for _, f in found)
        table[kind] = {
            "gold": n_gold,
            "found": n_found,
            "hits": hits[kind],
            "recall": hits[kind] / n_gold if n_gold else 1.0,
            "precision": hits[kind] / n_found if n_found else 1.0,
            "reference": sum(f.kind == kind and u.target == "reference:es" for u, f in found),
        }
    return table
