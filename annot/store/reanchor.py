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
    """Maps old character offsets to new ones through the unchanged token runs.

    The common beginning and end of the two texts are matched first, and only
    what lies between them is diffed: with repeated words, SequenceMatcher's
    leftmost longest match could pair a word with another of its repeats,
    while the unchanged ends of a text say unambiguously where each went.
    """

    def __init__(self, old: str, new: str) -> None:
        self._old_len, self._new_len = len(old), len(new)
        old_toks, old_starts = _tokens(old)
        new_toks, new_starts = _tokens(new)
        n_old, n_new = len(old_toks), len(new_toks)
        prefix = 0
        while prefix < min(n_old, n_new) and old_toks[prefix] == new_toks[prefix]:
            prefix += 1
        suffix = 0
        while suffix < min(n_old, n_new) - prefix and old_toks[n_old - 1 - suffix] == new_toks[n_new - 1 - suffix]:
            suffix += 1
        runs = [(0, 0, prefix)]  # (old token, new token, size) of each equal run
        matcher = difflib.SequenceMatcher(
            None, old_toks[prefix : n_old - suffix], new_toks[prefix : n_new - suffix], autojunk=False
        )
        runs += [(prefix + a, prefix + b, size) for a, b, size in matcher.get_matching_blocks()]
        runs.append((n_old - suffix, n_new - suffix, suffix))
        # (old_char_start, old_char_end, new_char_start) for each equal run; tokens tile the text.
        self.blocks: list[tuple[int, int, int]] = []
        for a, b, size in runs:
            if size == 0:
                continue
            old_end = old_starts[a + size] if a + size < n_old else len(old)
            self.blocks.append((old_starts[a], old_end, new_starts[b]))
        self._block_starts = [block[0] for block in self.blocks]
        self._new_block_starts = [block[2] for block in self.blocks]

    def unchanged_in_new(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` of the new text lies inside one unchanged run."""
        i = bisect.bisect_right(self._new_block_starts, start) - 1
        if i < 0:
            return False
        old_start, old_end, new_start = self.blocks[i]
        return end <= new_start + (old_end - old_start)

    def exact(self, start: int, end: int) -> int | None:
        """New start of ``[start, end)`` if it lies inside one unchanged run."""
        i = bisect.bisect_right(self._block_starts, start) - 1
        if i >= 0:
            old_start, old_end, new_start = self.blocks[i]
            if start >= old_start and end <= old_end:
                return new_start + (start - old_start)
        return None

    def approx(self, pos: int) -> tuple[int, ...]:
        """Where old offset ``pos`` may have gone, for choosing among matches.

        Inside an unchanged run, one place. In changed text, two: as far from
        the end of the unchanged run before it as it was, and as far from the
        start of the run after it (text glued to the word before a span moves
        the span with the run after the change, text glued to it after does not).
        """
        i = bisect.bisect_right(self._block_starts, pos) - 1
        if i >= 0 and pos < self.blocks[i][1]:
            old_start, _, new_start = self.blocks[i]
            return (new_start + (pos - old_start),)
        if i >= 0:
            old_start, old_end, new_start = self.blocks[i]
            left = new_start + (old_end - old_start) + (pos - old_end)
        else:
            left = pos
        if i + 1 < len(self.blocks):
            old_next, _, new_next = self.blocks[i + 1]
            right = new_next - (old_next - pos)
        else:
            right = self._new_len - (self._old_len - pos)
        return (left, right)


def reanchor(old_text: str, new_text: str, spans: list[tuple[int, int, str]]) -> list[Anchor]:
    """Find each span of ``old_text`` again in ``new_text``.

    A span keeps its place when it lies in text that did not change; otherwise
    the occurrence of its text nearest to where it would have moved is taken
    (measured from the unchanged text on either side of the change), one in
    changed text rather than one that is another occurrence carried over
    unchanged; if its text no longer occurs at all it is orphaned
    (``Anchor(None, None)``).

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
        hits = [m.start() for m in re.finditer(re.escape(text), new_text)] if text else []
        if not hits:
            anchors.append(Anchor(None, None))
            continue
        # An occurrence inside unchanged text is where another occurrence of the old text went: the
        # span's own is among those in changed text, if any is.
        hits = [h for h in hits if not mapping.unchanged_in_new(h, h + len(text))] or hits
        guesses = mapping.approx(start)
        best = min(hits, key=lambda h: (min(abs(h - guess) for guess in guesses), h))
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
