"""Kill a worker in the middle of a task, deterministically: a worker plugin holds the first task and says where.

``held_task(client, folder, prefix)`` registers ``HoldFirstTask`` on the cluster's workers and starts a
thread reading a FIFO. The first worker to start executing a task whose key starts with ``prefix`` writes
its pid to the FIFO and then holds that task, and its event loop, until the thread has killed it
(SIGKILL). No timing decides anything: the thread blocks on the FIFO until a worker is holding a task, and
the worker blocks until it is killed. Only one worker ever holds (an ``O_EXCL`` marker file): the one the
nanny starts in place of the killed worker runs its tasks.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

__all__ = ["HoldFirstTask", "held_task"]


class HoldFirstTask(WorkerPlugin):
    """On the first worker to start a task named ``prefix...``: its pid through ``fifo``, then no return."""

    name = "annot-test-hold-first-task"

    def __init__(self, fifo: str, marker: str, prefix: str) -> None:
        self.fifo, self.marker, self.prefix = fifo, marker, prefix

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not str(key).startswith(self.prefix):
            return
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return  # another worker holds, or held, one
        with open(self.fifo, "w") as pipe:  # blocks until the test's thread reads
            pipe.write(str(os.getpid()))
        threading.Event().wait()  # this process is killed here


@contextmanager
def held_task(client: Any, folder: Path, prefix: str) -> Iterator[list[int]]:
    """While the block runs, the first task named ``prefix...`` is held and its worker killed.

    Yields:
        The killed worker's pid, once it is killed (empty before).
    """
    fifo, marker = folder / "hold.fifo", folder / "held"
    os.mkfifo(fifo)
    killed: list[int] = []

    def kill() -> None:
        with open(fifo) as pipe:  # blocks until a worker holds a task
            pid = int(pipe.read())
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = threading.Thread(target=kill, name="kill-held-worker", daemon=True)
    killer.start()
    client.register_plugin(HoldFirstTask(str(fifo), str(marker), prefix))
    try:
        yield killed
        killer.join(timeout=60)
    finally:
        client.unregister_worker_plugin(HoldFirstTask.name)
