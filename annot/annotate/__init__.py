"""The annotation logic behind the widgets: word snapping, offsets, one annotator's session, MT pane, suggestions,
and the curator's session over the annotators' versions."""

from __future__ import annotations

from annot.annotate.curation import CurationSession, Merge, SentenceVersions, curation_status
from annot.annotate.layers import AnnotatorCount, Layer
from annot.annotate.mt import BackgroundTranslator, Flag, JobState, MTRow, Projected, mt_rows, targets
from annot.annotate.overview import EntityView, OutlineProgress, OutlineView
from annot.annotate.session import (
    STANCE_FIELDS,
    AnnotationSession,
    CompareView,
    Selection,
    SentenceView,
    SpanView,
    Step,
)
from annot.annotate.suggestions import BackgroundSuggester, SuggestState
from annot.annotate.text import codepoint_to_utf16, snap_to_words, utf16_to_codepoint, word_at

__all__ = [
    "AnnotationSession",
    "AnnotatorCount",
    "BackgroundSuggester",
    "BackgroundTranslator",
    "CompareView",
    "CurationSession",
    "EntityView",
    "Flag",
    "JobState",
    "Layer",
    "MTRow",
    "Merge",
    "OutlineProgress",
    "OutlineView",
    "Projected",
    "STANCE_FIELDS",
    "Selection",
    "SentenceVersions",
    "SentenceView",
    "SpanView",
    "Step",
    "SuggestState",
    "codepoint_to_utf16",
    "curation_status",
    "mt_rows",
    "snap_to_words",
    "targets",
    "utf16_to_codepoint",
    "word_at",
]
