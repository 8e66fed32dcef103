"""A real Dask LocalCluster (2 worker processes on loopback) with the shipped argos models, and small corpora."""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from annot.ingest import read_file
from annot.segment import split
from annot.translate import registry
from annot.translate.models import ENV_PACKAGES, install_bundled

SEED = Path(__file__).resolve().parents[2] / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
_NUMBER = re.compile(r"\d+")


def write_articles(folder: Path, count: int, per_article: int, *, seed: int = 0) -> Path:
    """``count`` articles of ``per_article`` seed sentences each (from varied starts, numbers changed)."""
    doc = read_file(SEED)[0]
    sentences = [doc.text[start:end] for start, end, _ in split(doc.text, "en")]
    sentences = [s for s in sentences if len(s.split()) >= 6]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        first = rng.randrange(len(sentences))
        picked = [sentences[(first + i) % len(sentences)] for i in range(per_article)]
        varied = [_NUMBER.sub(lambda m: str(rng.randint(2, 999)), s) for s in picked]
        (folder / f"article-{n:02d}.en.txt").write_text(" ".join(varied) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def argos_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shipped argos packages installed, named by ``ANNOT_ARGOS_PACKAGES`` for this process and its workers."""
    folder = tmp_path_factory.mktemp("argos") / "packages"
    install_bundled(folder)
    old = os.environ.get(ENV_PACKAGES)
    os.environ[ENV_PACKAGES] = str(folder)  # set before the cluster starts: its workers inherit it
    registry.get_engine.cache_clear()
    yield folder
    registry.get_engine.cache_clear()
    if old is None:
        os.environ.pop(ENV_PACKAGES, None)
    else:
        os.environ[ENV_PACKAGES] = old


@pytest.fixture(scope="session")
def cluster(argos_env: Path) -> Iterator[object]:
    """A LocalCluster of two single-threaded worker processes on 127.0.0.1, no dashboard port in use.

    Started as a user would start one for ``--scheduler`` (annot.batch's ``open_client`` starts its own the
    same way), with glibc's malloc left alone (``annot.batch.cluster._TRIM``).
    """
    import dask
    from distributed import LocalCluster

    from annot.batch.cluster import _TRIM

    with (
        dask.config.set({_TRIM: None}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        ) as found,  # fmt: skip
    ):
        yield found
