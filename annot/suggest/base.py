"""The suggester interface: a ``Suggestion`` and the ``Suggester`` protocol every suggester follows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from annot.errors import SpanError

__all__ = ["Suggester", "Suggestion", "annotator_name"]


def annotator_name(suggester: str, version: str) -> str:
    """The annotator a stored suggestion is kept under: ``suggest:actors.v2``.

    The one place that spells it: the store layer writes it, and reads the
    suggester and version back from it (``Span.annotator`` of a suggested span).
    """
    return f"suggest:{suggester}.v{version}"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested span over ``text[start:end]`` of the text given to the suggester.

    Attributes:
        start: offset of the first code point (relative to the text given).
        end: offset after the last code point.
        label: a label of the schema (ACTOR, QUANTITY, ...).
        attrs: the label's attributes, as the default schema wants them.
        suggester: the suggester's registered name (``actors``).
        version: its version (``1``): a new version may suggest differently.
        confidence: 0-1, how sure the suggester is (per rule or source).
        text: the covered text.
    """

    start: int
    end: int
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict)
    suggester: str = ""
    version: str = ""
    confidence: float = 1.0
    text: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise SpanError(f"Suggestion [{self.start}, {self.end}) is empty or negative; need 0 <= start < end.")
        if not 0.0 <= self.confidence <= 1.0:
            raise SpanError(f"Suggestion confidence must be between 0 and 1, got {self.confidence!r}.")

    @property
    def annotator(self) -> str:
        """``suggest:<name>.v<version>``, as stored (``annotator_name``)."""
        return annotator_name(self.suggester, self.version)


@runtime_checkable
class Suggester(Protocol):
    """Reads a text into suggested spans. Register one under ``annot.suggesters`` (``annot.suggest.registry``).

    Attributes:
        name: the registered name (``actors``, ``quantities``).
        version: changes when the suggestions change for the same input.
        labels: the labels it suggests.
    """

    name: str
    version: str
    labels: tuple[str, ...]

    def suggest(self, text: str, lang: str, *, known: Iterable[Any] = ()) -> list[Suggestion]:
        """The suggestions for ``text`` (a sentence) in ``lang``, offsets relative to it, in text order.

        ``known`` is what the project already holds that a suggester may use
        (``actor_finder.KnownActor`` for actors); suggesters that need none ignore it.
        """
        ...
