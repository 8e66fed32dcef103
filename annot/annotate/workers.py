"""Waiting for the annotator's background workers (translation, suggestions): one rule for both."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

__all__ = ["join_workers"]


def join_workers(alive: Callable[[], Sequence[threading.Thread]], timeout: float | None = None) -> bool:
    """Wait until ``alive()`` (asked again after each thread ends, as workers may hand over) names no thread.

    Returns:
        True when no worker is left, False when ``timeout`` seconds passed first.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        threads = alive()
        if not threads:
            return True
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            return False
        threads[0].join(remaining)
