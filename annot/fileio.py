"""Writing a file all or nothing: readers see the old file or the whole new one, never half of it."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from annot.errors import OutputError

__all__ = ["atomic_binary_file", "atomic_text_file"]


def _cannot_write(target: Path, exc: OSError) -> OutputError:
    """The one message for every way writing ``target`` can fail: what, where, and what to do."""
    unchanged = f"{target} is unchanged" if target.is_file() else "nothing was written"
    if exc.errno == errno.EISDIR or target.is_dir():
        return OutputError(
            f"Cannot write {target}: it is a folder, not a file ({unchanged})."
            f" Name a file inside it instead (e.g. {target / 'NAME'}) or another file path."
        )
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), target.parent)
        return OutputError(
            f"Cannot write {target}: {blocker} is a file, not a folder ({unchanged}). Choose another path."
        )
    folder = target.parent
    if exc.errno in (errno.EACCES, errno.EPERM):
        return OutputError(
            f"Cannot write {target}: permission denied ({folder} or the file is not writable for this user;"
            f" {unchanged}). Write it to a folder you can write to, or ask the folder's owner for write access."
        )
    if exc.errno == errno.EROFS:
        return OutputError(
            f"Cannot write {target}: {folder} is on a read-only file system ({unchanged}). Write it somewhere else."
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(
            f"Cannot write {target}: no space left for it in {folder} ({exc.strerror}; {unchanged})."
            " Free some space or write it somewhere else."
        )
    return OutputError(f"Cannot write {target}: {exc.strerror or exc} ({unchanged}). Choose another path.")


def atomic_text_file(path: str | os.PathLike[str]) -> contextlib.AbstractContextManager[TextIO]:
    """Open a UTF-8 text file that replaces ``path`` when the ``with`` block ends without error.

    The text goes to a temporary file beside ``path``, is fsynced, and renamed over
    it; the folder is fsynced too, so the rename survives a crash. On an error the
    temporary file is removed and ``path`` is left as it was. The new file keeps
    the old one's permissions, or gets 0644 (exports and reports are meant to be shared).
    Missing folders are created.

    Raises:
        OutputError: ``path`` cannot be written (it is a folder, a parent is a file,
            no permission, read-only file system, disk full); ``path`` is unchanged.
    """
    return _atomic_file(path, binary=False)


def atomic_binary_file(path: str | os.PathLike[str]) -> contextlib.AbstractContextManager[BinaryIO]:
    """``atomic_text_file`` for bytes: a binary file that replaces ``path`` whole, or not at all.

    Raises:
        OutputError: as ``atomic_text_file``.
    """
    return _atomic_file(path, binary=True)


@contextlib.contextmanager
def _atomic_file(path: str | os.PathLike[str], *, binary: bool) -> Iterator[Any]:
    target = Path(path)
    try:
        if target.is_dir():  # found before writing the whole file only for the rename to fail
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        text = {} if binary else {"encoding": "utf-8", "newline": "\n"}
        tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - outlives this block: renamed, or removed on error
            "wb" if binary else "w", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False,
            **text,  # type: ignore[call-overload]
        )  # fmt: skip
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    try:
        try:
            yield tmp
        except OSError as exc:
            # Writing to ``tmp`` fails without a file name (disk full, I/O error); an error
            # naming a file comes from something else the block did, and is not ours to explain.
            if exc.filename is not None:
                raise
            raise _cannot_write(target, exc) from exc
        try:
            tmp.flush()
            os.fsync(tmp.fileno())
            tmp.close()
            os.chmod(tmp.name, target.stat().st_mode & 0o7777 if target.exists() else 0o644)
            os.replace(tmp.name, target)
        except OSError as exc:
            raise _cannot_write(target, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):  # closing flushes, which fails again on a full disk
            tmp.close()
        Path(tmp.name).unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # not every platform can open or fsync a folder
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
