"""Carry span offsets from one version of a document's text to the next."""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass

__all__ = ["Anchor", "keep_references_together", "reanchor"]

# Words and single non-word characters: diffing tokens rather than characters
# keeps SequenceMatcher fast and stops it matching stray letters across edits.
_TOKEN = re.compile(r"\w+|\W", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a span lands in the new text: ``start is None`` means it is orphaned."""

    start: int | None
    end: int | None

    @property
    def found(self) -> bool:
        """Whether the span's text was found in the new version."""
        return self.start is not None


def _tokens(text: str) -> tuple[list[str], list[int]]:
    toks, starts = [], []
    for match in _TOKEN.finditer(text):
        toks.append(match.group())
        starts.append(match.start())
    return toks, starts


class _OffsetMap:
    """Maps old character offsets to new ones through the unchanged token runs."""

    def __init__(self, old: str, new: str) -> None:
        old_toks, self._old_starts = _tokens(old)
        new_toks, self._new_starts = _tokens(new)
        matcher = difflib.SequenceMatcher(None, old_toks, new_toks, autojunk=False)
        # (old_char_start, old_char_end, new_char_start) for each equal run.
        self.blocks: list[tuple[int, int, int]] = []
        for a, b, size in matcher.get_matching_blocks():
            if size == 0:
                continue
            old_start = self._old_starts[a]
            old_end = self._old_starts[a + size] if a + size < len(self._old_starts) else len(old)
            self.blocks.append((old_start, old_end, self._new_starts[b]))
        self._block_starts = [block[0] for block in self.blocks]

    def exact(self, start: int, end: int) -> int | None:
        """New start of ``[start, end)`` if it lies inside one unchanged run."""
        i = bisect.bisect_right(self._block_starts, start) - 1
        if i >= 0:
            old_start, old_end, new_start = self.blocks[i]
            if start >= old_start and end <= old_end:
                return new_start + (start - old_start)
        return None

    def approx(self, pos: int) -> int:
        """Best guess of where old offset ``pos`` went, for choosing among matches."""
        i = bisect.bisect_right(self._block_starts, pos) - 1
        if i < 0:
            return 0
        old_start, _, new_start = self.blocks[i]
        return new_start + (pos - old_start)


def reanchor(old_text: str, new_text: str, spans: list[tuple[int, int, str]]) -> list[Anchor]:
    """Find each span of ``old_text`` again in ``new_text``.

    A span keeps its place when it lies in text that did not change; otherwise
    the occurrence of its text nearest to where it would have moved is taken;
    if its text no longer occurs at all it is orphaned (``Anchor(None, None)``).

    Args:
        old_text: the previous version's text.
        new_text: the new version's text.
        spans: ``(start, end, text)`` per span, offsets into ``old_text``.

    Returns:
        One ``Anchor`` per span, in order.
    """
    mapping = _OffsetMap(old_text, new_text)
    anchors: list[Anchor] = []
    for start, end, text in spans:
        new_start = mapping.exact(start, end)
        if new_start is not None and new_text[new_start : new_start + len(text)] == text:
            anchors.append(Anchor(new_start, new_start + len(text)))
            continue
        guess = mapping.approx(start)
        hits = [m.start() for m in re.finditer(re.escape(text), new_text)] if text else []
        if not hits:
            anchors.append(Anchor(None, None))
            continue
        best = min(hits, key=lambda h: (abs(h - guess), h))
        anchors.append(Anchor(best, best + len(text)))
    return anchors


def keep_references_together(found: dict[str, bool], refs: dict[str, list[str]]) -> dict[str, bool]:
    """Orphan every span linked by references to an orphaned one.

    A STANCE whose ``holder_span`` ACTOR lost its text must not move to the new
    version without it (or the reverse): a reference across document versions
    could never be validated or imported again. Spans connected through
    span-type attributes therefore either all move or all stay, flagged.

    Args:
        found: span id -> whether its text was found in the new version.
        refs: span id -> ids of the spans its attributes point to.

    Returns:
        ``found`` with whole connected groups set to ``False`` where any member was.
    """
    neighbours: dict[str, set[str]] = {span_id: set() for span_id in found}
    for source, targets in refs.items():
        for target in targets:
            if source in neighbours and target in neighbours:
                neighbours[source].add(target)
                neighbours[target].add(source)
    result = dict(found)
    stack = [span_id for span_id, ok in found.items() if not ok]
    while stack:
        for other in neighbours[stack.pop()]:
            if result[other]:
                result[other] = False
                stack.append(other)
    return result
