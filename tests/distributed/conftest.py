"""A real Dask LocalCluster (2 worker processes on loopback) with the shipped argos models, and small corpora."""

from __future__ import annotations

import os
import random
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from annot.ingest import read_file
from annot.segment import split
from annot.translate import registry
from annot.translate.models import ENV_PACKAGES, install_bundled

if TYPE_CHECKING:
    from distributed import Client

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


#: The event gated workers wait for (``gated``).
GO = "annot-test-go"


class _Gate:
    """A worker plugin (mixed with ``WorkerPlugin`` in ``gated``): on each worker, a restarted one too, calls of
    ``module.name`` wait for the ``GO`` event unless ``passes(*args)``."""

    name = "annot-test-gate"
    idempotent = False

    def __init__(self, module: str, function: str, passes: Callable[..., bool]) -> None:
        self.module, self.function, self.passes = module, function, passes

    def setup(self, worker: object) -> None:
        import importlib

        from distributed import Event

        module = importlib.import_module(self.module)
        self.real = real = getattr(module, self.function)
        passes = self.passes

        def gate(*args: object, **kwargs: object) -> object:
            if not passes(*args) and not Event(GO).wait(timeout=120):
                raise RuntimeError("the test never opened its gate")
            return real(*args, **kwargs)

        setattr(module, self.function, gate)

    def teardown(self, worker: object) -> None:
        import importlib

        setattr(importlib.import_module(self.module), self.function, self.real)


@contextmanager
def gated(client: Client, module: str, function: str, passes: Callable[..., bool]) -> Iterator[Callable[[], None]]:
    """Workers' calls of ``module.function`` held until the test opens the gate, but those ``passes`` lets by.

    So a test can kill a worker in the middle of a batch, synchronised on the first batch stored rather than on
    time: every other batch is still on a worker then. Yields ``open_gate()``; the gate is opened and the
    plugin removed (each worker's function restored) on exit.
    """
    import cloudpickle
    from distributed import Event
    from distributed.diagnostics.plugin import WorkerPlugin

    this = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(this)  # the workers need not import the tests
    plugin = type("Gate", (_Gate, WorkerPlugin), {})(module, function, passes)
    try:
        client.register_plugin(plugin)

        def open_gate() -> None:
            Event(GO, client=client).set()

        yield open_gate
    finally:
        Event(GO, client=client).set()
        client.unregister_worker_plugin(plugin.name)
        Event(GO, client=client).clear()
        cloudpickle.unregister_pickle_by_value(this)
