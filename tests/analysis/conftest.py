"""Fixtures of the claims tests.

- ``corpus``: the seed gold and three outlets about one event, annotated through the store's API (the ledger's
  tests);
- ``outlets_project``, ``ledger``, ``stances``: the hand-made project of ``tests.analysis.outlets`` (the seed gold
  and four versions planting every kind of discrepancy), built once per module, each document's outlet named
  (the report's and the plots' tests)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import annot
from annot.model import Span
from annot.store import Store
from tests.analysis.outlets import build_outlets_project

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold" / "seed.annot.jsonl"

RU = (
    "Минобороны Беларуси сообщило, что Россия направит в Беларусь 9 тысяч военнослужащих. "
    "Также прибудут около 170 танков и 200 единиц бронетехники."
)
UK = (
    "Росія нібито перекидає до Білорусі 15 тисяч військових, заявили в Києві. "
    "Мінськ стверджує, що йдеться лише про 9 тисяч військових."
)
ES = "Rusia enviará unos 9.000 soldados a Bielorrusia, según el Ministerio de Defensa bielorruso."


def add_document(store: Store, text: str, lang: str, title: str, published: date) -> annot.Document:
    """Segment and store a document, published on ``published``."""
    from annot.ingest.clean import build_document

    doc = build_document(text, title, title=title, source=None, key=title, lang=lang, published=published)
    store.add_document(doc, annot.segment(doc))
    return doc


def mark(store: Store, doc: annot.Document, quote: str, label: str, attrs: dict[str, Any] | None = None,
         occurrence: int = 0) -> Span:  # fmt: skip
    """An accepted span over the ``occurrence``-th ``quote`` of ``doc``."""
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(quote, start + 1)
    return store.add_span(doc.id, start, start + len(quote), label, attrs or {})


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Store, dict[str, annot.Document]]:
    """The seed gold (en) and three short versions (ru, uk, es) with their claims, stances and actors."""
    store = annot.open_project(tmp_path / "project")
    annot.import_jsonl(store, GOLD)
    seed = next(store.iter_documents())
    docs = {"en": seed}
    docs["ru"] = ru = add_document(store, RU, "ru", "Минобороны", date(2022, 10, 17))
    ministry = mark(store, ru, "Минобороны Беларуси", "ACTOR", {"canonical": "Ministry of Defence of Belarus"})
    mark(store, ru, "Россия", "ACTOR")
    mark(store, ru, "Беларусь", "ACTOR")
    mark(
        store, ru, "9 тысяч военнослужащих", "QUANTITY", {"value": 9000, "unit": "военнослужащих", "qualifier": "exact"}
    )
    mark(store, ru, "около 170 танков", "QUANTITY", {"value": 170, "unit": "танков", "qualifier": "approximately"})
    mark(store, ru, "200 единиц бронетехники", "QUANTITY", {"value": 200, "unit": "единиц бронетехники"})
    mark(
        store,
        ru,
        RU.split(". ")[0],
        "STANCE",
        {"holder_span": ministry.id, "holder": "Минобороны Беларуси", "evidence": "reported", "polarity": "neutral"},
    )
    docs["uk"] = uk = add_document(store, UK, "uk", "Київ", date(2022, 10, 18))
    kyiv = mark(store, uk, "Києві", "ACTOR", {"canonical": "Ukraine"})
    minsk = mark(store, uk, "Мінськ", "ACTOR")
    mark(store, uk, "Росія", "ACTOR")
    mark(store, uk, "Білорусі", "ACTOR")
    mark(store, uk, "15 тисяч військових", "QUANTITY", {"value": 15000, "unit": "військових"})
    mark(store, uk, "9 тисяч військових", "QUANTITY", {"value": 9000, "unit": "військових"})
    mark(
        store,
        uk,
        UK.split(". ")[0],
        "STANCE",
        {"holder_span": kyiv.id, "holder": "Київ", "evidence": "alleged", "polarity": "opposes"},
    )
    mark(
        store,
        uk,
        UK.split(". ")[1],
        "STANCE",
        {"holder_span": minsk.id, "holder": "Мінськ", "evidence": "alleged", "polarity": "supports"},
    )
    docs["es"] = es = add_document(store, ES, "es", "Rusia enviará", date(2022, 10, 18))
    mark(store, es, "Rusia", "ACTOR")
    mark(store, es, "Bielorrusia", "ACTOR")
    ministerio = mark(store, es, "Ministerio de Defensa bielorruso", "ACTOR",
                      {"canonical": "Ministry of Defence of Belarus"})  # fmt: skip
    mark(
        store, es, "unos 9.000 soldados", "QUANTITY", {"value": 9000, "unit": "soldados", "qualifier": "approximately"}
    )
    mark(store, es, ES, "STANCE", {"holder_span": ministerio.id, "evidence": "reported", "polarity": "neutral"})
    return store, docs


#: The outlet each document stands for (document metadata may not say it: these are set on the ledger).
OUTLETS = {"seed": "AFP", "tass": "TASS", "ukrinform": "Ukrinform", "elpais": "El País", "publico": "Público"}


@pytest.fixture(scope="module")
def outlets_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, str]]]:
    """The project (``tests.analysis.outlets``), built once per module; tests only read it."""
    store, ids = build_outlets_project(tmp_path_factory.mktemp("outlets"))
    yield store, ids
    store.close()


@pytest.fixture(scope="module")
def ledger(outlets_project: tuple[Store, dict[str, str]]) -> pd.DataFrame:
    """``annot.claims`` of the project, each document's outlet named (``OUTLETS``)."""
    import annot

    store, ids = outlets_project
    return _with_outlets(annot.claims(store), ids)


@pytest.fixture(scope="module")
def stances(outlets_project: tuple[Store, dict[str, str]]) -> pd.DataFrame:
    """``annot.actor_stance`` of the project, each document's outlet named; reporting rows' holder too."""
    import annot

    store, ids = outlets_project
    frame = _with_outlets(annot.actor_stance(store), ids)
    reporting = frame["kind"] == "reporting"
    frame.loc[reporting, "holder"] = frame.loc[reporting, "outlet"]
    return frame


def _with_outlets(frame: pd.DataFrame, ids: dict[str, str]) -> pd.DataFrame:
    by_id = {doc_id: OUTLETS[name] for name, doc_id in ids.items()}
    return frame.assign(outlet=frame["doc_id"].map(by_id))
