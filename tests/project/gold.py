"""Scoring projection and its fidelity flags against the hand-made gold of tests/data/projection/ (its README).

- **Placement**: a gold unit (``source_span_id``, ``part``) with a target range
  (``kept`` or ``changed``) is found when the projection gives the same unit in
  the same target a range in the same target sentence that overlaps it.
  Precision over the projection's ranges, recall over the gold's.
- **Status**: the share of gold units whose projected status is the gold's.
- **Flags**: a gold error (``errors.jsonl``) is found by a flag of the same
  target and sentence whose range overlaps it (both empty for a lost thing:
  then the same source span, or the same kind); ``strict`` also asks for the
  same kind. Recall over the errors (all, and those touching a gold span),
  precision over the flags.
- **Names missing**: a ``lost``, ``changed`` or ``wrong language`` flag on an
  institution the gold says the target names rightly (``ok_names.jsonl``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

DATA = Path(__file__).parents[1] / "data" / "projection"
REFERENCE = "reference:es"


def jsonl(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def gold_target(name: str) -> str:
    """A projection target's name as the gold writes it (``reference:<id>`` is ``reference:es``)."""
    return REFERENCE if name.startswith("reference:") else name


@dataclass(frozen=True)
class Score:
    found: int
    gold: int
    predicted: int
    correct_predicted: int

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct_predicted / self.predicted if self.predicted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        counts = f"(gold {self.gold}, predicted {self.predicted})"
        return f"P {self.precision:.2f}  R {self.recall:.2f}  F1 {self.f1:.2f}  {counts}"


def _overlap(a0: Any, a1: Any, b0: Any, b1: Any) -> bool:
    if any(v is None or v is pd.NA or v != v for v in (a0, a1, b0, b1)):
        return False
    return (int(a0) < int(b1) and int(b0) < int(a1)) or (int(a0) == int(a1) == int(b0))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in out:
        row["target"] = gold_target(str(row["target"]))
    return out


def placement(
    frame: pd.DataFrame, gold: Sequence[Mapping[str, Any]], *, where: Mapping[str, Any] | None = None
) -> Score:
    """Placement P/R/F1 of ``frame`` (``annot.project``'s) against the gold rows (``where`` filters both by column)."""
    rows = [r for r in _records(frame) if r["part"] != "added"]
    gold = [g for g in gold if g["part"] != "added"]
    if where:
        rows = [r for r in rows if all(r.get(k) == v for k, v in where.items())]
        gold = [g for g in gold if all(g.get(k) == v for k, v in where.items())]
    predicted = {(r["target"], r["span_id"], r["part"]): r for r in rows}
    gold_by = {(g["target"], g["source_span_id"], g["part"]): g for g in gold}
    found = correct = 0
    for key, g in gold_by.items():
        r = predicted.get(key)
        if g["target_start"] is None or r is None or r["target_start"] is None:
            continue
        if r["target_sentence"] == g["sentence"] and _overlap(r["target_start"], r["target_end"], g["target_start"],
                                                               g["target_end"]):  # fmt: skip
            found += 1
    for key, r in predicted.items():
        g = gold_by.get(key)
        if r["target_start"] is None:
            continue
        if (
            g is not None
            and g["target_start"] is not None
            and r["target_sentence"] == g["sentence"]
            and _overlap(r["target_start"], r["target_end"], g["target_start"], g["target_end"])
        ):
            correct += 1
    with_range = sum(g["target_start"] is not None for g in gold_by.values())
    return Score(found, with_range, sum(r["target_start"] is not None for r in predicted.values()), correct)


def status_accuracy(frame: pd.DataFrame, gold: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """(gold units whose projected status is the gold's, gold units)."""
    predicted = {(r["target"], r["span_id"], r["part"]): r["status"] for r in _records(frame) if r["part"] != "added"}
    units = [g for g in gold if g["part"] != "added"]
    right = sum(predicted.get((g["target"], g["source_span_id"], g["part"])) == g["status"] for g in units)
    return right, len(units)


def flag_matches(flag: Mapping[str, Any], error: Mapping[str, Any], *, strict: bool) -> bool:
    if gold_target(str(flag["target"])) != error["target"] or flag["sentence"] != error["sentence"]:
        return False
    if strict and flag["kind"] != error["kind"]:
        return False
    if error["target_start"] is None or flag["target_start"] is None:
        if error["target_start"] is not None or flag["target_start"] is not None:
            return False
        same_span = error.get("source_span_id") and flag.get("span_id") == error["source_span_id"]
        return bool(same_span) or flag["kind"] == error["kind"]
    return _overlap(flag["target_start"], flag["target_end"], error["target_start"], error["target_end"])


def flags_score(flags: pd.DataFrame, errors: Sequence[Mapping[str, Any]], *, strict: bool = False) -> Score:
    """Recall of ``errors`` by the (undismissed) flags, and precision of the flags."""
    rows = _records(flags)
    found = sum(any(flag_matches(f, e, strict=strict) for f in rows) for e in errors)
    correct = sum(any(flag_matches(f, e, strict=strict) for e in errors) for f in rows)
    return Score(found, len(errors), len(rows), correct)


def false_names_missing(flags: pd.DataFrame, ok_names: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The flags saying an institution the gold says is named rightly was lost or changed."""
    rows = [f for f in _records(flags) if f["kind"] in ("lost", "changed", "wrong language")]
    found = []
    for ok in ok_names:
        for f in rows:
            same = f["target"] == ok["target"] and f["sentence"] == ok["sentence"]
            if same and (f.get("span_id") == ok["source_span_id"] or _overlap(
                    f["target_start"], f["target_end"], ok["target_start"], ok["target_end"])):  # fmt: skip
                found.append(f)
    return found
