"""A project holding the projection gold's world: the seed's gold spans, the six frozen routes, the Spanish version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annot import Store, import_jsonl, ingest
from annot.model import Translation

DATA = Path(__file__).parents[1] / "data" / "projection"
SEED_GOLD = Path(__file__).parents[1] / "data" / "gold" / "seed.annot.jsonl"
SPANISH = Path(__file__).parents[2] / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"


def jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def build_gold_project(folder: Path) -> tuple[Store, str, str]:
    """A store at ``folder`` with the seed gold, its frozen translations and its aligned Spanish version.

    Returns:
        The store, the seed's id and the Spanish document's id.
    """
    store = Store(folder)
    import_jsonl(store, SEED_GOLD)
    seed = store.documents()["id"].iloc[0]
    store.add_translations(
        Translation(
            seed,
            r["sentence"],
            r["engine"],
            r["model"],
            r["model_version"],
            "en",
            r["target_lang"],
            r["route"],
            r["signature"],
            r["translation"],
        )
        for r in jsonl("translations.jsonl")
    )
    (folder / "es").mkdir(exist_ok=True)
    shutil.copy(SPANISH, folder / "es" / SPANISH.name)
    ingest(folder / "es" / SPANISH.name, store, lang="es")
    spanish = next(d for d in store.documents()["id"] if d != seed)
    alignment = json.loads((DATA / "alignment.json").read_text(encoding="utf-8"))
    store.link(seed, spanish, "human_translation")
    store.set_alignment(seed, spanish, [tuple(bead) for bead in alignment["beads"]], origin="manual")
    return store, seed, spanish


@pytest.fixture(scope="module")
def gold_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, str, str]:
    """The gold's project, built once per module (tests read it; a test that writes copies it)."""
    return build_gold_project(tmp_path_factory.mktemp("projection"))
