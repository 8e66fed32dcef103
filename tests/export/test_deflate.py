"""annot.export.deflate: a zlib stream from parts compressed apart reads back as the parts in order."""

from __future__ import annotations

import io
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from annot.export.deflate import Segment, ZlibWriter, adler32_combine

PARTS = st.lists(st.tuples(st.booleans(), st.binary(max_size=3000) | st.just(b"\0" * 3_000_000)), max_size=6)


@given(st.binary(max_size=2000), st.binary(max_size=2000))
def test_deflate_adler32_combine_is_zlibs(a: bytes, b: bytes):
    assert adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def test_deflate_adler32_combine_of_long_parts():
    a, b = bytes(range(256)) * 300, b"\xff" * 70_000
    assert adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


@settings(max_examples=40, deadline=None)
@given(PARTS, st.sampled_from([1, 3, 6]))
def test_deflate_stream_of_put_and_segments_decompresses_to_them_in_order(parts: list, level: int):
    """Bytes put on the caller's thread and segments deflated on a worker (some over many chunks) interleave."""
    out = io.BytesIO()
    stream = ZlibWriter(out, level)
    for in_segment, data in parts:
        if in_segment:
            with Segment(level) as segment:
                for start in range(0, len(data), 700_000):
                    segment.write(data[start : start + 700_000])
                stream.append(segment)
        else:
            stream.put(data)
    stream.finish()
    assert zlib.decompress(out.getvalue()) == b"".join(data for _, data in parts)
