"""Word-level differences between two versions of a sentence, as pieces and as escaped HTML.

difflib rather than a diff library: the standard library's ``SequenceMatcher``
over word tokens is all a sentence needs, and the libraries that do more
(diff-match-patch, its forks) diff characters, which splits words ("9<del>,</del>
<ins>.</ins>000" is right, "Mi<del>n</del>sk" is noise), and add a dependency
for what fifty lines do here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Literal

__all__ = ["DiffOp", "Mark", "diff_html", "marked_html", "tokenize", "word_diff"]

DiffOp = Literal["equal", "delete", "insert"]

#: A range of the shown text to highlight: (start, end) in code points, its CSS classes, its tooltip.
Mark = tuple[int, int, str, str]

# Scripts written without spaces between words: one character is one token, so
# a changed character does not mark a whole clause as changed.
_NO_SPACES = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# A word, a run of whitespace, or one other character (punctuation, symbol): the
# tokens join back into the text exactly.
_TOKEN = re.compile(rf"[{_NO_SPACES}]|[^\W{_NO_SPACES}]+|\s+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into words, whitespace runs and single punctuation marks; ``"".join`` gives it back."""
    return _TOKEN.findall(text)


def _raw_pieces(a: list[str], b: list[str]) -> list[tuple[DiffOp, str]]:
    # autojunk would drop tokens seen in more than 1% of a long text (spaces,
    # commas): they must take part in the match like any other token.
    pieces: list[tuple[DiffOp, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "delete", "replace"):
            pieces.append(("equal" if tag == "equal" else "delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


def _merge(pieces: list[tuple[DiffOp, str]]) -> list[tuple[DiffOp, str]]:
    """Canonical form: between two equal pieces, all deleted text, then all inserted text.

    A space left equal between two changes ("<del>the</del><ins>a</ins> <del>big</del><ins>small</ins>")
    joins the change around it, so a changed phrase reads as one deletion and one insertion.
    """
    out: list[tuple[DiffOp, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append(("delete", "".join(deleted)))
        if inserted:
            out.append(("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for n, (op, text) in enumerate(pieces):
        if not text:
            continue
        changed_before = bool(deleted or inserted)
        changed_after = n + 1 < len(pieces) and pieces[n + 1][0] != "equal"
        if op == "equal" and text.isspace() and changed_before and changed_after:
            deleted.append(text)
            inserted.append(text)
        elif op == "equal":
            flush()
            if out and out[-1][0] == "equal":
                out[-1] = ("equal", out[-1][1] + text)
            else:
                out.append(("equal", text))
        else:
            (deleted if op == "delete" else inserted).append(text)
    flush()
    return out


def word_diff(a: str, b: str) -> list[tuple[DiffOp, str]]:
    """The word-level differences that turn ``a`` into ``b``.

    Args:
        a: the version compared against (a reference translation, say).
        b: the other version.

    Returns:
        ``(op, text)`` pieces with ``op`` one of ``"equal"``, ``"delete"``
        (text only in ``a``) and ``"insert"`` (text only in ``b``); a replaced
        phrase is a deletion followed by an insertion. No piece is empty and
        no two neighbours share an op. The ``equal`` and ``delete`` pieces join
        into ``a``, the ``equal`` and ``insert`` pieces into ``b``.
    """
    return _merge(_raw_pieces(tokenize(a), tokenize(b)))


_TAGS = {"delete": ("<del>", "</del>"), "insert": ("<ins>", "</ins>"), "equal": ("", "")}


def _marked(text: str, at: int, marks: Sequence[Mark]) -> str:
    """``text``, which starts at offset ``at`` of the marked text, escaped, with its marked ranges in ``<mark>``."""
    end = at + len(text)
    cuts = sorted({at, end, *(p for m in marks for p in m[:2] if at < p < end)})
    out = []
    for lo, hi in pairwise(cuts):
        piece = html.escape(text[lo - at : hi - at], quote=True)
        over = [m for m in marks if m[0] < hi and lo < m[1]]
        if over:  # overlapping ranges: one <mark> with every class and tooltip, never nested
            classes = " ".join(dict.fromkeys(c for m in over for c in m[2].split()))
            title = "; ".join(dict.fromkeys(m[3] for m in over if m[3]))
            attrs = f'class="{html.escape(classes, quote=True)}" title="{html.escape(title, quote=True)}"'
            piece = f"<mark {attrs}>{piece}</mark>"
        out.append(piece)
    return "".join(out)


def marked_html(text: str, marks: Sequence[Mark] = ()) -> str:
    """``text`` as HTML, escaped, with the ranges of ``marks`` in ``<mark class=... title=...>``.

    Args:
        text: the text.
        marks: ranges of ``text`` to highlight; empty ones and what lies outside ``text`` are ignored.
    """
    return _marked(text, 0, [m for m in marks if m[0] < m[1]])


def diff_html(a: str, b: str, marks: Sequence[Mark] = ()) -> str:
    """``word_diff(a, b)`` as HTML: deletions in ``<del>``, insertions in ``<ins>``, every piece escaped.

    Safe to put in any page: the only markup in the result is those two tags
    and ``<mark>`` (``marks``: ranges of ``b`` to highlight, as ``marked_html``),
    whatever ``a`` and ``b`` contain (``<script>`` comes out as ``&lt;script&gt;``).
    """
    marks = [m for m in marks if m[0] < m[1]]
    parts = []
    at = 0  # where the piece starts in b: deleted text is not in b
    for op, text in word_diff(a, b):
        opening, closing = _TAGS[op]
        if op == "delete":
            parts.append(f"{opening}{html.escape(text, quote=True)}{closing}")
            continue
        parts.append(f"{opening}{_marked(text, at, marks)}{closing}")
        at += len(text)
    return "".join(parts)
