"""Fixtures of the claims tests: the hand-made multi-outlet project, its ledger and stances."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from annot import Store
from tests.analysis.outlets import build_outlets_project

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
