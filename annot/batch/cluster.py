"""Dask plumbing for batch work: the client, the worker-side cache, document batches, the submit/gather loop.

Nothing here knows about translation or suggestions (``annot.batch.jobs`` does); this is the
one place that talks to ``distributed``, imported only when a command asks for a cluster.
"""

from __future__ import annotations

import itertools
import os
import threading
import uuid
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from annot.errors import AnnotError, ClusterError

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "DASK_INSTALL", "LOCAL_MIN_SENTENCES", "dashboard_link", "local_client", "local_workers", "open_client",
    "partition",
    "run_batches", "worker_cached",
]  # fmt: skip

T = TypeVar("T")
R = TypeVar("R")

DASK_INSTALL = 'pip install "dask[distributed]"'
#: Below this many sentences a job without ``--scheduler`` stays in the calling process: the fixed ~1.3 s
#: (cluster start, imports and model per worker) is won back from ~700 sentences the model makes (1.4x on 2
#: cores); repeats copied from the cache and suggestions gain nothing, hence the margin (README, "Scale out").
LOCAL_MIN_SENTENCES = 2000
#: A retried task (a worker raised, not died: Dask reschedules a dead worker's tasks by itself).
RETRIES = 2

#: Dask's nannies start workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns off glibc's dynamic mmap
#: threshold: CTranslate2 then maps and unmaps its buffers on every batch, 2.3x slower (measured: 400
#: sentences in 8.2 s against 3.5 s). Our LocalCluster leaves it unset; ``dask worker`` needs the same
#: (README, "Scale out").
_TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"

_CACHE: dict[Hashable, Any] = {}
_CACHE_LOCK = threading.Lock()


def worker_cached(key: Hashable, build: Callable[[], T]) -> T:
    """The object cached under ``key`` in this process, built by ``build()`` the first time it is asked for.

    A Dask worker is a long-lived process: engines and suggesters built here are loaded once per worker
    and kept for every later batch it runs (the client's process never calls it).

    Args:
        key: what the object is (``("route", "argos", "en", "pt", True)``).
        build: makes the object; called at most once per key and process.

    Returns:
        The cached object.
    """
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = build()
        return _CACHE[key]


def local_workers(sentences: int, documents: int, *, cores: int | None = None) -> int:
    """How many local worker processes a job without ``--scheduler`` gets; 1 means in this process.

    One per core, at most one per document. Measured on 2 cores and 200 articles (README, "Scale out"), two
    workers translate 1.4x faster than in-process, after ~1.3 s of fixed cost (the cluster's start, then
    imports and a model load per worker); suggestions gain nothing (the client's share bounds them). So
    one document, one core, or fewer than ``LOCAL_MIN_SENTENCES`` sentences stay in-process.

    Args:
        sentences: sentences the job reads.
        documents: documents the job reads.
        cores: CPU cores to size for; default ``os.cpu_count()``.

    Returns:
        The number of worker processes (1: no cluster).
    """
    cores = cores if cores is not None else os.cpu_count() or 1
    if documents < 2 or cores < 2 or sentences < LOCAL_MIN_SENTENCES:
        return 1
    return min(cores, documents)


def partition(weights: Sequence[int], target: int) -> list[list[int]]:
    """Indexes of ``weights`` in consecutive batches of about ``target`` weight, each item whole.

    A batch closes once it reaches ``target``; a document heavier than ``target`` is a batch of its own.

    Args:
        weights: one weight per item (a document's sentences to do).
        target: the weight a batch aims at (at least 1).

    Returns:
        The batches, in order, every index in exactly one.
    """
    batches: list[list[int]] = []
    batch: list[int] = []
    weight = 0
    for index, item in enumerate(weights):
        batch.append(index)
        weight += item
        if weight >= max(1, target):
            batches.append(batch)
            batch, weight = [], 0
    if batch:
        batches.append(batch)
    return batches


@contextmanager
def open_client(scheduler: str | None = None, *, workers: int = 1) -> Iterator[Client | None]:
    """A Dask client: on the scheduler at ``scheduler``, else on a LocalCluster of ``workers`` processes.

    With neither (``workers`` 1), yields ``None``: the caller runs in its own process, as without Dask.
    A LocalCluster has one thread per worker (the engines' own threads use the cores) and listens on
    loopback only; it is closed on exit.

    Args:
        scheduler: ``tcp://host:8786`` or ``host:8786``.
        workers: local worker processes when no scheduler is given.

    Yields:
        The client, or ``None``.

    Raises:
        ClusterError: Dask is not installed, or no scheduler answers at ``scheduler``.
    """
    if scheduler is None and workers <= 1:
        yield None
        return
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ClusterError(f"Distributed batch work needs Dask; install it with: {DASK_INSTALL}") from exc
        try:
            client = Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"No Dask scheduler answers at {scheduler!r} ({exc}). Start one (dask scheduler, then dask worker"
                " ADDRESS on each machine) or leave --scheduler out to work on this machine."
            ) from exc
        with client:
            yield client
        return
    with local_client(workers) as client:
        yield client


@contextmanager
def local_client(workers: int) -> Iterator[Client]:
    """A client on a new LocalCluster of ``workers`` single-threaded processes on loopback, closed on exit.

    The workers start without Dask's ``MALLOC_TRIM_THRESHOLD_`` (``_TRIM``) and serve a dashboard on a free port.

    Raises:
        ClusterError: Dask is not installed.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(f"Distributed batch work needs Dask; install it with: {DASK_INSTALL}") from exc
    with (
        dask.config.set({_TRIM: None}),  # read by each worker's nanny as it starts (and restarts) it
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # a free port: None still binds 8787
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


def dashboard_link(client: Client) -> str | None:
    """The scheduler's dashboard URL, or ``None`` when it serves none (its plots need ``bokeh`` there)."""
    if "dashboard" not in client.scheduler_info().get("services", {}):
        return None
    return str(client.dashboard_link)


def run_batches(
    client: Client, function: Callable[..., R], batches: Sequence[T], *, args: Sequence[Any] = (),
    on_result: Callable[[int, R], None], name: str = "annot",
) -> None:  # fmt: skip
    """Run ``function(batch, *args)`` on the cluster for every batch; hand each result to ``on_result`` here.

    Results come back in the order they finish, each exactly once: a task whose worker dies is run again
    elsewhere by the scheduler, and one that raises is retried ``RETRIES`` times; only the first result of a
    batch reaches ``on_result``. So whatever ``on_result`` stores is stored once, from this process.

    Args:
        client: the cluster's client (``open_client``).
        function: a module-level function (workers import it by name).
        batches: the work, one task each.
        args: more arguments for every task (sent with each).
        on_result: ``on_result(batch index, result)``, called in this process.
        name: the tasks' key prefix, shown on the dashboard.

    Raises:
        AnnotError: a task raised one (after its retries); the batches done before are kept.
        ClusterError: a task killed its workers too often (``distributed.KilledWorker``).
    """
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    token = uuid.uuid4().hex[:8]
    futures = {
        client.submit(function, batch, *args, key=f"{name}-{index}-{token}", pure=False, retries=RETRIES): index
        for index, batch in zip(itertools.count(), batches)
    }
    try:
        for future in as_completed(futures, loop=client.loop):
            try:
                result = future.result()
            except KilledWorker as exc:
                raise ClusterError(
                    f"Batch {futures[future]} of {name} was on every worker that died while running it ({exc});"
                    " what finished before is stored. Check the workers' logs and memory, then run again."
                ) from exc
            except AnnotError:
                raise
            on_result(futures[future], result)
    finally:
        client.cancel(list(futures))
