"""CoNLL with BILUO tags (format ``conll-biluo``): ``annot.export.conll`` with ``U-`` and ``L-`` tags."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annot.export import conll
from annot.export.formats import LeftOut

__all__ = ["SUFFIX", "write"]

SUFFIX = "biluo.conll"


def write(records: Iterable[dict[str, Any]], out: Path, left_out: LeftOut) -> tuple[int, int]:
    """As ``conll.write`` with ``scheme="BILUO"``."""
    return conll.write(records, out, left_out, scheme="BILUO")
