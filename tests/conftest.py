"""Shared fixtures: the repository layout and the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"


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
