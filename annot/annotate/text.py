"""Offsets between browser and Python, and snapping a selection to whole words.

Browsers count UTF-16 code units, annot counts code points: every character
outside the Basic Multilingual Plane (most emoji, some CJK) is two units in the
browser and one in Python, so offsets are converted at the boundary.

Word rules of ``snap_to_words`` and ``word_at``:

* A word is a run of letters, digits and combining marks (Unicode categories
  ``L``, ``N``, ``M``), in any script: Latin, Cyrillic, Arabic, Hebrew...
* Marks, variation selectors, emoji skin-tone modifiers and zero-width
  joiners attach to the character before them, so an accented letter or an
  emoji sequence (👨‍👩‍👧) is never cut.
* ``,`` and ``.`` between digits join a number (``9,000``, ``3.5``): a part of
  a number is never what an annotator means.
* Apostrophes and hyphens are *soft* boundaries: snapping never extends across
  them, but keeps them when the selection crosses them. Selecting ``Lukashenk``
  gives ``Lukashenko`` (not ``Lukashenko's``: an ACTOR is the name without the
  possessive), selecting ``ive-fir`` gives ``live-fire``.
* Each CJK ideograph and kana is a word of its own (those scripts have no
  spaces), so a selection in CJK text is only trimmed, never extended.
* Whitespace, control and format characters and punctuation are trimmed from
  the edges, except ``%``-like signs and a bracket or quote whose partner is
  inside the selection (``(Belarus)`` keeps both brackets, ``(Belarus`` loses
  its one). Symbols such as ``$``, ``€`` and emoji are content and are kept.
"""

from __future__ import annotations

import unicodedata

__all__ = ["codepoint_to_utf16", "snap_to_words", "utf16_to_codepoint", "word_at"]

_ZWJ = "\u200d"
_ZWNJ = "\u200c"
_DIGIT_SEPARATORS = ",."
_KEEP_PUNCT = "%‰‱"
# Opening -> closing partner; a symmetric quote is its own partner.
_PAIRS = {
    "(": ")", "[": "]", "{": "}", "«": "»", "»": "«", "‹": "›", "“": "”", "„": "“", "‘": "’",
    '"': '"', "'": "'", "「": "」", "『": "』", "（": "）", "【": "】", "《": "》",
}  # fmt: skip
_CLOSERS: dict[str, set[str]] = {}
for _open, _close in _PAIRS.items():
    _CLOSERS.setdefault(_close, set()).add(_open)


def _check_range(text: str, start: int, end: int) -> None:
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"Selection [{start}, {end}) is out of range for a text of {len(text)} characters"
                         f" (valid: 0 <= start <= end <= {len(text)}).")  # fmt: skip


def utf16_to_codepoint(text: str, utf16_offset: int) -> int:
    """Convert a browser (UTF-16 code unit) offset into ``text`` to a Python (code point) offset.

    Args:
        text: the text the offset points into.
        utf16_offset: an offset as JavaScript counts it, ``0 <= offset <= text.length``.

    Returns:
        The code point offset of the same position.

    Raises:
        ValueError: the offset is negative, past the end, or between the two
            halves of a surrogate pair (inside one astral character).
    """
    if utf16_offset < 0:
        raise ValueError(f"UTF-16 offset {utf16_offset} is negative; offsets start at 0.")
    skipped = 0  # astral characters before the position: each is one unit more in UTF-16
    for i, char in enumerate(text):
        if i + skipped >= utf16_offset:
            break
        if ord(char) > 0xFFFF:
            if i + skipped + 1 == utf16_offset:
                raise ValueError(
                    f"UTF-16 offset {utf16_offset} falls inside the surrogate pair of {char!r}"
                    f" (code point {i}); use {utf16_offset - 1} or {utf16_offset + 1}."
                )
            skipped += 1
    codepoint = utf16_offset - skipped
    if codepoint > len(text):
        units = len(text) + sum(ord(c) > 0xFFFF for c in text)
        raise ValueError(f"UTF-16 offset {utf16_offset} is past the end of a text of {units} UTF-16 units.")
    return codepoint


def codepoint_to_utf16(text: str, cp_offset: int) -> int:
    """Convert a Python (code point) offset into ``text`` to a browser (UTF-16 code unit) offset.

    Raises:
        ValueError: the offset is negative or past the end of ``text``.
    """
    if not 0 <= cp_offset <= len(text):
        raise ValueError(f"Offset {cp_offset} is out of range for a text of {len(text)} characters.")
    return cp_offset + sum(ord(c) > 0xFFFF for c in text[:cp_offset])


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


def _is_word(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def _attaches(char: str) -> bool:
    """Whether ``char`` belongs to the character before it, whatever that is."""
    return unicodedata.category(char)[0] == "M" or char == _ZWJ or 0x1F3FB <= ord(char) <= 0x1F3FF


def _joined(text: str, i: int) -> bool:
    """Whether ``text[i - 1]`` and ``text[i]`` are parts of one word (no boundary at ``i``)."""
    if i <= 0 or i >= len(text):
        return False
    before, after = text[i - 1], text[i]
    # A mark after a space has nothing to attach to: it stands alone.
    if (_attaches(after) and not _blank(before)) or (before == _ZWJ and not _trimmable(after)):
        return True
    # A non-joiner sits inside Persian and Indic words; it joins only between letters.
    if after == _ZWNJ:
        return _is_word(before) and i + 1 < len(text) and _is_word(text[i + 1])
    if before == _ZWNJ:
        return _is_word(after) and i >= 2 and _is_word(text[i - 2])
    if _is_cjk(before) or _is_cjk(after):
        return False
    if _is_word(before) and _is_word(after):
        return True
    if after in _DIGIT_SEPARATORS:
        return before.isdigit() and i + 1 < len(text) and text[i + 1].isdigit()
    if before in _DIGIT_SEPARATORS:
        return after.isdigit() and i >= 2 and text[i - 2].isdigit()
    return False


def _blank(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc")


def _trimmable(char: str) -> bool:
    category = unicodedata.category(char)
    if char in _KEEP_PUNCT:
        return False
    return char.isspace() or category[0] in "ZP" or category in ("Cc", "Cf")


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a selection and extend it so that it never cuts a word (rules in the module docstring).

    Args:
        text: the text selected in (a sentence, usually).
        start: code point offset where the selection starts.
        end: code point offset one past where it ends.

    Returns:
        ``(start, end)`` of the snapped selection; ``text[start:end]`` holds
        every letter and digit the selection held, and starts and ends with content.

    Raises:
        ValueError: the range is out of bounds, or it holds only whitespace and punctuation.
    """
    _check_range(text, start, end)
    while start < end and _trimmable(text[start]) and not _joined(text, start + 1):
        closer = _PAIRS.get(text[start])
        if closer is not None and closer in text[start + 1 : end]:
            break
        start += 1
    while end > start and _trimmable(text[end - 1]) and not _joined(text, end - 1):
        openers = _CLOSERS.get(text[end - 1], set())
        if any(opener in text[start : end - 1] for opener in openers):
            break
        end -= 1
    if not any(not _trimmable(c) for c in text[start:end]):
        raise ValueError(
            f"Nothing to tag in {text[start:end]!r}: the selection holds only whitespace or punctuation."
            " Select at least one word."
        )
    while _joined(text, start):
        start -= 1
    while _joined(text, end):
        end += 1
    return start, end


def word_at(text: str, offset: int) -> tuple[int, int]:
    """The word at ``offset`` (a double-click): the one holding ``text[offset]``, else the one just before.

    Raises:
        ValueError: the offset is out of range, or neither side of it is a word.
    """
    _check_range(text, offset, offset)
    for start in (offset, offset - 1):
        if 0 <= start < len(text) and not _trimmable(text[start]):
            return snap_to_words(text, start, start + 1)
    raise ValueError(f"No word at offset {offset} of {text!r}: double-click on a word.")
