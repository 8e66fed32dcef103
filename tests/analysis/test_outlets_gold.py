"""The ledger against the outlets' hand-made gold (corpus/outlets/annotations.toml): grouping and discrepancies.

Grouping is scored pairwise: of every two claims, whether the ledger puts them in one group as the gold does
(precision and recall over the pairs it groups together). Every planted discrepancy must be found: a row of its
kind whose claim is one of the planted spans and whose other side reads as another of them.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

import annot
from tests.test_outlets_corpus import DOCS, EXPORT, SEED_GOLD, SPEC, make_outlets


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    store = annot.open_project(tmp_path_factory.mktemp("ledger") / "project")
    annot.import_jsonl(store, EXPORT)
    yield annot.claims(store)
    store.close()


def _gold() -> tuple[dict[str, str], dict[str, str]]:
    """Claim id -> gold group, and "<doc>.<name>" (or "seed.<quote>") -> claim id."""
    groups, names = {}, {}
    for key, doc in DOCS.items():
        for n, entry in enumerate(doc["spans"]):
            if entry["label"] == "QUANTITY":
                ident = make_outlets.span_id(key, n)
                groups[ident] = entry["group"]
                names[f"{key}.{entry['name']}"] = ident
    seed = json.loads(Path(SEED_GOLD).read_text("utf-8"))
    seed_groups = {entry["quote"]: entry["group"] for entry in SPEC["seed"]["groups"]}
    for span in seed["spans"]:
        if span["label"] == "QUANTITY":
            names[f"seed.{span['text']}"] = span["id"]
            if span["text"] in seed_groups:
                groups[span["id"]] = seed_groups[span["text"]]
    return groups, names


def test_outlets_gold_grouping_pairwise_precision_and_recall(ledger: pd.DataFrame):
    gold, _ = _gold()
    assert set(gold) <= set(ledger["claim"])  # every gold claim is in the ledger
    ours = dict(zip(ledger["claim"], ledger["group"]))
    pairs = list(itertools.combinations(sorted(gold), 2))
    same_gold = {p for p in pairs if gold[p[0]] == gold[p[1]]}
    same_ours = {p for p in pairs if ours[p[0]] == ours[p[1]]}
    precision = len(same_gold & same_ours) / len(same_ours)
    recall = len(same_gold & same_ours) / len(same_gold)
    print(f"grouping: {len(gold)} claims, {len(pairs)} pairs, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9 and recall >= 0.9


_VARIANT = {
    "value": lambda r: (r["low"], r["high"]) if r["qualifier"] == "range" else r["value"],
    "qualifier": lambda r: r["qualifier"],
    "holder": lambda r: r["holder"],
    "evidence": lambda r: r["evidence"] == "alleged",
}


@pytest.mark.parametrize("planted", SPEC["discrepancy"], ids=lambda p: f"{p['group']}-{p['kind']}")
def test_outlets_gold_every_planted_discrepancy_is_found(ledger: pd.DataFrame, planted: dict):
    _, names = _gold()
    members = [names[name] for name in planted["spans"]]
    rows = ledger.set_index("claim")
    variant = _VARIANT[planted["kind"]]
    found = annot.discrepancies(ledger)
    found = found[(found["kind"] == planted["kind"]) & found["claim"].isin(members)]
    hits = [
        row for row in found.itertuples()
        if any(variant(rows.loc[row.against]) == variant(rows.loc[m]) for m in members if m != row.claim)
    ]  # fmt: skip
    assert hits, f"not found: {planted['note']}"
    assert all(planted["kind"] in rows.loc[row.claim, "discrepancies"] for row in hits)
