"""The annotation logic behind the widget: word snapping, browser offsets and one annotator's session."""

from __future__ import annotations

from annot.annotate.session import AnnotationSession, Selection, SentenceView, SpanView
from annot.annotate.text import codepoint_to_utf16, snap_to_words, utf16_to_codepoint, word_at

__all__ = [
    "AnnotationSession",
    "Selection",
    "SentenceView",
    "SpanView",
    "codepoint_to_utf16",
    "snap_to_words",
    "utf16_to_codepoint",
    "word_at",
]
