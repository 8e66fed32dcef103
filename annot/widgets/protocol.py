"""The annotation widget's messages, both ways: one TypedDict per kind (annotator.js documents the same shapes).

Python -> browser travels in synced traitlets (``schema``, ``window``, ``form``,
``status``, ``mt``, ``outline``, ``entities``, ``search``, ``layers``, ``compare`` ...); browser ->
Python in custom messages, one per intent, each carrying an ``id`` that
``status["ack"]`` echoes once Python has handled it. The browser sends intents
("tag the selection as ACTOR"); Python decides and sends back what to show.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Literal, TypedDict

if TYPE_CHECKING:
    from collections.abc import Callable

    from annot.annotate.mt import Flag, JobState, MTRow, Projected

__all__ = [
    "FieldView",
    "FormMsg",
    "Intent",
    "KeyView",
    "LabelView",
    "LayersMsg",
    "MTMsg",
    "ReferenceMsg",
    "SchemaMsg",
    "SearchMsg",
    "StatusMsg",
    "intent_handler",
    "status_msg",
]


# -- Python -> browser ------------------------------------------------------------------


class LabelView(TypedDict):
    """A label of the project's schema as the browser draws it (button, key, colour)."""

    name: str
    key: str
    color: str
    description: str
    sentence_wide: bool  # tagged on the whole current sentence (drawn as a chip), no selection needed


class KeyView(TypedDict):
    """A key that acts on the selected span when its label is ``label``: the browser sends ``send`` + span_id."""

    key: str
    label: str
    send: dict[str, Any]
    help: str


class SchemaMsg(TypedDict):
    """The ``schema`` traitlet: labels and label-specific keys, so a project's own labels need no JS change."""

    labels: list[LabelView]
    keys: list[KeyView]


class FieldView(TypedDict, total=False):
    """One field of the span form; ``kind`` is select, text or number; ``options`` are (value, text) pairs."""

    name: str
    kind: Literal["select", "text", "number"]
    value: str
    options: list[tuple[str, str]]
    suggestions: list[str]
    hint: str
    description: str


class FormMsg(TypedDict, total=False):
    """The ``form`` traitlet: nothing (``{}``), a pending selection, or the selected span with its fields.

    ``sentence`` is the sentence the form is drawn under (the one holding the selection or span).
    """

    sentence: int
    pending: dict[str, Any] | None
    span: dict[str, Any] | None
    fields: list[FieldView]
    cue: str
    read_only: bool  # another annotator's layer is shown: the span can be read, not changed


class LayersMsg(TypedDict):
    """The ``layers`` traitlet: the layer shown (``layers.Layer`` spelled: ``all``, ``mine``, ``annotator:bob``,
    ``compare:bob``), whether it is read-only, what the status line calls it, and the menu's (value, text) pairs."""

    value: str
    read_only: bool
    label: str
    options: list[tuple[str, str]]


class StatusMsg(TypedDict, total=False):
    """The ``status`` traitlet: what happened last (``saved``, an ``error``'s one line, ``info``) and the ack."""

    text: str
    kind: Literal["saved", "error", "info"]
    ack: int
    at: str


def status_msg(text: str, kind: Literal["saved", "error", "info"], ack: int) -> StatusMsg:
    """A widget's ``status``: a ``saved`` one says when (the view shows the time), the others do not."""
    return StatusMsg(text=text, kind=kind, ack=ack, at=time.strftime("%H:%M:%S") if kind == "saved" else "")


def intent_handler(widget: object, kind: object) -> Callable[[Any], None]:
    """The widget's method for an intent of type ``kind`` from the browser: its ``_do_<kind>``.

    Raises:
        ValueError: an intent of unknown type (a bug in the JavaScript, not the user's doing), naming the known.
    """
    handler = getattr(widget, f"_do_{kind}", None)
    if handler is None:
        known = sorted(name[4:] for name in dir(widget) if name.startswith("_do_"))
        raise ValueError(f"Unknown intent type {kind!r}; valid: {', '.join(known)}.")
    return handler  # type: ignore[no-any-return]


class ReferenceMsg(TypedDict):
    """A linked version of the current sentence (``annot link``), with projection's spans and flags in it.

    ``projected`` and the flags' ``start``/``end`` are code points in ``text``; ``checked`` is False while the
    kernel's first projection into the language is computed (then both are empty).
    """

    text: str
    doc_id: str
    sentences: str  # its sentences, as people read them: "6-7"
    plural: bool
    label: str  # "reference" or "human translation"
    flags: list[Flag]
    projected: list[Projected]
    checked: bool
    shared: bool  # the bead holds this sentence and its neighbour


class MTMsg(TypedDict, total=False):
    """The ``mt`` traitlet: the translation pane of the current sentence.

    ``rows``: one per route (``annot.annotate.mt.MTRow``: text, flags, projected spans), best first;
    ``hint``: when nothing reaches any language, which model would and the command.
    """

    target: str
    engine: str
    rows: list[MTRow]
    job: JobState | None
    index: int
    reference: ReferenceMsg | None
    hint: str


class SearchMsg(TypedDict):
    """The ``search`` traitlet: the query searched and the sentences matching it."""

    query: str
    matches: list[int]


# -- browser -> Python ---------------------------------------------------------------------


class SelectIntent(TypedDict):
    type: Literal["select"]
    sentence: int
    utf16_start: int
    utf16_end: int


class LabelIntent(TypedDict):
    type: Literal["label"]
    label: str


class SpanIntent(TypedDict):
    type: Literal["focus", "delete", "holder"]
    span_id: str


class FieldIntent(TypedDict):
    """Set one field of a span's form; an empty value clears it."""

    type: Literal["field"]
    span_id: str
    name: str
    value: str


class ReviewIntent(TypedDict):
    type: Literal["review"]
    span_id: str
    status: Literal["accepted", "rejected", "pending"]


class AcceptAllIntent(TypedDict):
    """Accept every pending span (suggestion) of the current sentence, keeping their attributes."""

    type: Literal["accept_all"]


class NavIntent(TypedDict, total=False):
    type: Literal["nav"]
    to: Literal["next", "previous", "next_unannotated", "index"]
    index: int


class MarkIntent(TypedDict):
    """Mark the current sentence done or "nothing to annotate"; the same mark again clears it."""

    type: Literal["mark"]
    status: Literal["done", "empty"]


class SearchIntent(TypedDict):
    type: Literal["search"]
    query: str


class TabIntent(TypedDict):
    """The side panel shows this tab: the entity list is computed and sent only while it shows."""

    type: Literal["tab"]
    tab: Literal["outline", "entities"]


class AnnotatorIntent(TypedDict):
    type: Literal["annotator"]
    name: str


class LayerIntent(TypedDict):
    """Show a layer: ``all``, ``mine``, ``annotator:NAME`` or ``compare:NAME`` (``AnnotationSession.set_layer``)."""

    type: Literal["layer"]
    layer: str


class MTIntent(TypedDict, total=False):
    type: Literal["mt"]
    target: str
    engine: str


class FlagIntent(TypedDict, total=False):
    """Dismiss a fidelity flag of a route's translation of the current sentence (or take that back), or make
    ``alias`` (the name as the translation writes it) an alias of the flagged actor's name."""

    type: Literal["flag"]
    action: Literal["dismiss", "undismiss", "alias"]
    route: str
    flag: str
    alias: str


class SimpleIntent(TypedDict):
    type: Literal["undo", "redo", "clear", "poll", "next_engine", "next_layer"]


Intent = (
    SelectIntent | LabelIntent | SpanIntent | FieldIntent | ReviewIntent | AcceptAllIntent | NavIntent | MarkIntent
    | SearchIntent | AnnotatorIntent | LayerIntent | TabIntent | MTIntent | FlagIntent | SimpleIntent
)  # fmt: skip
