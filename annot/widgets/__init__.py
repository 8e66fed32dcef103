"""Notebook widgets: thin anywidget views over the annotation session and the store (JS and CSS beside them)."""

from __future__ import annotations

from annot.widgets.annotator import Annotator
from annot.widgets.curator import Curator
from annot.widgets.live import LiveFrame

__all__ = ["Annotator", "Curator", "LiveFrame"]
