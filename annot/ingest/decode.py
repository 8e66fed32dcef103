"""Bytes -> str: refuse binary files, then decode UTF-16/UTF-8 or the best legacy-encoding guess."""

from __future__ import annotations

from pathlib import Path

from annot.errors import CorpusError
from annot.ingest.formats import KINDS

__all__ = ["decode", "refuse_binary"]

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# When several legacy encodings decode equally well, the more common one wins
# (short Western texts decode identically in cp1250 and cp1252, for instance).
_PREFERRED = ("cp1252", "latin_1", "iso8859_15", "cp1251", "cp1250", "koi8_r", "koi8_u", "iso8859_2")


def refuse_binary(data: bytes, path: Path) -> None:
    """Raise :class:`CorpusError` if ``data`` (read from ``path``) holds a NUL byte outside UTF-16 text."""
    if data.startswith(_UTF16_BOMS):
        return  # UTF-16 text (Notepad's "Unicode") is full of NUL bytes
    if (nul := data.find(b"\x00")) >= 0:
        raise CorpusError(f"{path}: binary file, not text (NUL bytes at byte {nul}); {KINDS}")


def decode(data: bytes, path: Path) -> str:
    """Decode bytes: UTF-16 with BOM, else UTF-8, else the best charset-normalizer guess.

    charset-normalizer also honours an HTML ``<meta charset>`` declaration.
    """
    refuse_binary(data, path)
    try:
        return data.decode("utf-16" if data.startswith(_UTF16_BOMS) else "utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise CorpusError(f"{path}: undecodable text (not UTF-8 and no legacy encoding fits); re-save it as UTF-8")
    least_chaos = min(match.chaos for match in matches)
    best = min(
        (match for match in matches if match.chaos <= least_chaos + 0.01),
        key=lambda m: (_misfits(str(m)), -m.coherence, _rank(m.encoding)),
    )
    return str(best)


def _rank(encoding: str) -> int:
    return _PREFERRED.index(encoding) if encoding in _PREFERRED else len(_PREFERRED)


def _misfits(text: str) -> int:
    """Count symbols wedged between letters, the mark of a wrong code page.

    cp1250 Polish read as cp1252 gives "Bia³oruskie": a wrong guess turns
    letters into symbols, while a right one keeps words made of letters.
    """
    return sum(
        1
        for prev, char, nxt in zip(text[:20000], text[1:20001], text[2:20002])
        if prev.isalpha() and nxt.isalpha() and not char.isalpha() and not char.isspace() and char not in "'’-‐.·"
    )
