"""One zlib stream made of parts compressed apart: the large one on a second thread while the caller works on.

An export that streams (the spaCy DocBin) spends a fifth of its time in zlib, at the end, on bytes it had long
before. ``Segment`` compresses such bytes as they come, on a worker thread (zlib releases the GIL), into a
temporary file of raw deflate ending on a byte boundary (a sync flush); ``ZlibWriter`` writes the stream
itself: the zlib header, the caller's own bytes compressed as they are put, each segment copied in its place,
and the Adler-32 of the whole, combined from the parts' (``adler32_combine``, as zlib's). Any zlib reader
reads the result (``zlib.decompress``, spaCy's ``DocBin.from_bytes``).
"""

from __future__ import annotations

import tempfile
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO

__all__ = ["Segment", "ZlibWriter", "adler32_combine"]

_CHUNK = 1 << 20  # bytes handed to the worker at a time
_AHEAD = 4  # chunks waiting for the worker at most: memory stays flat when it falls behind
_BASE = 65521  # Adler-32's modulus


def adler32_combine(adler1: int, adler2: int, len2: int) -> int:
    """The Adler-32 of ``a + b`` from ``adler32(a)``, ``adler32(b)`` and ``len(b)`` (zlib's ``adler32_combine``)."""
    rem = len2 % _BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % _BASE
    sum1 += (adler2 & 0xFFFF) + _BASE - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + _BASE - rem
    sum1 %= _BASE
    sum2 %= _BASE
    return sum1 | (sum2 << 16)


class Segment:
    """Bytes written in order, deflated on a worker thread into a temporary file; ``size`` and ``adler`` are
    the uncompressed length and checksum. Close it (or use it as a context manager) to end the thread."""

    def __init__(self, level: int) -> None:
        self.size = 0
        self.adler = zlib.adler32(b"")
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate: no header, no checksum
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  closed by close()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="annot-deflate")
        self._pending: deque[Future[None]] = deque()
        self._buffer = bytearray()

    def __enter__(self) -> Segment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, data: bytes) -> None:
        """Add ``data`` after what was written (compressed later, on the worker)."""
        self.size += len(data)
        self._buffer += data
        if len(self._buffer) >= _CHUNK:
            self._submit()

    def _submit(self) -> None:
        chunk, self._buffer = bytes(self._buffer), bytearray()
        self._pending.append(self._worker.submit(self._deflate, chunk))
        while len(self._pending) > _AHEAD:
            self._pending.popleft().result()

    def _deflate(self, chunk: bytes) -> None:  # on the worker, one chunk after the other
        self.adler = zlib.adler32(chunk, self.adler)
        self._file.write(self._compressor.compress(chunk))

    def finish(self) -> IO[bytes]:
        """Wait for the worker; the compressed bytes, ended byte-aligned, as a file read from its start."""
        if self._buffer:
            self._submit()
        while self._pending:
            self._pending.popleft().result()  # a failure in the worker is raised here
        self._file.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        """End the worker and drop the temporary file."""
        self._worker.shutdown(wait=True, cancel_futures=True)
        self._file.close()


class ZlibWriter:
    """A zlib stream written to ``out``: ``put`` bytes, ``append`` finished segments, then ``finish``."""

    def __init__(self, out: IO[bytes], level: int) -> None:
        self._out = out
        self._level = level
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._adler = zlib.adler32(b"")
        out.write(zlib.compressobj(level).flush()[:2])  # the header zlib itself writes at this level

    def put(self, data: bytes) -> None:
        """Compress ``data`` into the stream."""
        self._adler = zlib.adler32(data, self._adler)
        self._out.write(self._compressor.compress(data))

    def append(self, segment: Segment) -> None:
        """Copy a segment's compressed bytes into the stream after what was put."""
        self._out.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))  # byte-aligned: the segment's blocks follow
        source = segment.finish()
        while chunk := source.read(_CHUNK):
            self._out.write(chunk)
        self._adler = adler32_combine(self._adler, segment.adler, segment.size)
        self._compressor = zlib.compressobj(self._level, zlib.DEFLATED, -15)  # no back-reference into the segment

    def finish(self) -> None:
        """End the stream: its last block, then the Adler-32 of everything put and appended."""
        self._out.write(self._compressor.flush(zlib.Z_FINISH))
        self._out.write(self._adler.to_bytes(4, "big"))
