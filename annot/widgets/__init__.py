"""Notebook widgets: thin anywidget views over the annotation session (their JS and CSS sit beside them)."""

from __future__ import annotations

from annot.widgets.annotator import Annotator

__all__ = ["Annotator"]
