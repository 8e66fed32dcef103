"""Fixtures for the real engines: the shipped argos packages installed for the session, the seed sentences."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from annot.ingest import read_file
from annot.segment import split

SEED = Path(__file__).resolve().parents[2] / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
NAMES = ("Revenko", "Lukashenko", "Putin", "Minsk")


@pytest.fixture(scope="session")
def seed_sentences() -> list[str]:
    """The seed article's sentences and headings, as annot segments them."""
    doc = read_file(SEED)[0]
    return [doc.text[start:end] for start, end, _ in split(doc.text, "en")]


@pytest.fixture(scope="session")
def argos_packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A packages folder holding the repository's models/*.argosmodel, installed by argostranslate's installer."""
    from annot.translate.models import install_bundled

    directory = tmp_path_factory.mktemp("argos") / "packages"
    install_bundled(directory)
    return directory


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Make every Python-level connection attempt fail, and record it; the test fails if any was made.

    argostranslate, MiniSBD and stanza download through urllib/requests, which
    all resolve and connect through these functions.
    """
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == [], f"network was touched: {attempts}"
