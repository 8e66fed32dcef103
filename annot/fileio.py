"""Writing a file all or nothing: readers see the old file or the whole new one, never half of it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_text_file"]


@contextlib.contextmanager
def atomic_text_file(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """Open a UTF-8 text file that replaces ``path`` when the ``with`` block ends without error.

    The text goes to a temporary file beside ``path``, is fsynced, and renamed over
    it; the folder is fsynced too, so the rename survives a crash. On an error the
    temporary file is removed and ``path`` is left as it was. The new file keeps
    the old one's permissions, or gets 0644 (exports and reports are meant to be shared).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - outlives its with block: renamed, or removed on error
        "w", encoding="utf-8", newline="\n", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with tmp:
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp.name, target.stat().st_mode & 0o7777 if target.exists() else 0o644)
        os.replace(tmp.name, target)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # not every platform can open or fsync a folder
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
