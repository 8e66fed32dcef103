"""Shared fixtures: the repository layout and the seed article."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"


@pytest.fixture(scope="session", autouse=True)
def _no_user_models(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The models a user brought (``~/.local/share/annot/models``) never change what the suite sees."""
    os.environ["ANNOT_MODELS"] = str(tmp_path_factory.mktemp("user-models") / "models")


@pytest.fixture(scope="session", autouse=True)
def _no_background_suggestions() -> None:
    """Annotators opened by the shipped notebooks (nbclient, JupyterLab) store no suggestions behind the tests'
    backs: a test that wants them passes ``suggest=True`` (``$ANNOT_SUGGEST``, annot.annotate.suggestions)."""
    os.environ["ANNOT_SUGGEST"] = "0"


@pytest.fixture
def seed_path() -> Path:
    """The seed article shipped in corpus/."""
    return SEED


@pytest.fixture
def project(tmp_path: Path):
    """A fresh store in a temporary project folder, closed after the test."""
    from annot import open_project

    store = open_project(tmp_path / "project", annotator="tester")
    yield store
    store.close()
