"""Batch work over many documents on a Dask cluster: ``annot translate|suggest|project --scheduler ADDRESS``.

Design (one home for it):

* **Partitioning**: documents are batched whole, about ``BATCH_SENTENCES`` sentences of work a task
  (``PROJECT_PAIRS`` sentence pairs to align for a projection).
* **Workers** load each engine route and suggester once and keep it (``worker_cached``: a module-level
  dict in the worker's long-lived process; projection's stemmers and name finders live in module caches);
  they never open the store.
* **Storing**: only this (the client's) process writes, batch by batch as results arrive, through the
  local path's own functions. SQLite has one writer: workers writing would queue on its lock (or, on a
  cluster, not even see the file). A translation row is keyed by (document, sentence, route signature)
  and written by upsert; a suggestion is stored only where none of its label and place is; a projection
  replaces its document's rows (keyed by document and language) and finds the suggestions it offered
  before. So a batch handed over twice writes nothing twice, and a killed worker's batch, rerun by the
  scheduler, is stored once, when it finishes; a batch stored before a crash of the client is kept (a
  rerun skips it).
* **Without a scheduler**, small jobs stay in the calling process (``local_workers``); bigger ones get a
  ``LocalCluster`` of one single-threaded worker per core.
"""

from __future__ import annotations

from annot.batch.cluster import LOCAL_MIN_SENTENCES, dashboard_link, local_workers, open_client, worker_cached
from annot.batch.commands import project_batch, suggest_batch, translate_batch, workers_for
from annot.batch.jobs import BATCH_SENTENCES, suggest_on_cluster, translate_on_cluster
from annot.batch.projection import PROJECT_PAIRS, project_on_cluster

__all__ = [
    "BATCH_SENTENCES", "LOCAL_MIN_SENTENCES", "PROJECT_PAIRS", "dashboard_link", "local_workers", "open_client",
    "project_batch", "project_on_cluster", "suggest_batch", "suggest_on_cluster", "translate_batch",
    "translate_on_cluster", "worker_cached", "workers_for",
]  # fmt: skip
