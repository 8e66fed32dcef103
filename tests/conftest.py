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


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server of its own on loopback for the whole run (``annot.store.pgserver``), stopped after it."""
    import shutil
    import tempfile

    from annot.store.pgserver import start

    # Under /tmp itself: the server may run as the postgres user, who cannot enter pytest's private folders.
    folder = tempfile.mkdtemp(prefix="annot-pg-")
    server = start(folder, durable=False)  # no flush to disk: the suite's data is thrown away
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def pg_schema(project: Path) -> str:
    """The schema a test keeps the project in ``project`` in, on ``pg_server``: one per folder."""
    import hashlib

    return "t_" + hashlib.blake2b(str(project.resolve()).encode(), digest_size=8).hexdigest()
