"""The exceptions annot raises on purpose, all under one root.

Tree::

    AnnotError
    ├── CorpusError          unreadable, binary, empty or undecodable input
    ├── EngineError          a translation engine failed
    │   ├── EngineNotInstalled   its backend (apt/pip package) is missing
    │   └── ModelNotInstalled    no model for the language pair (also lists what is)
    ├── SchemaError          invalid label schema file (annot.toml)
    ├── SuggesterError       a suggester failed, or none has the name asked for (also ValueError)
    ├── SpanError            span out of range, unknown label or attribute (also ValueError)
    ├── MetadataError        a document's metadata value is invalid: published not ISO 8601,
    │                        url neither a URL nor a path, an empty title (also ValueError)
    ├── AlignmentError       a document linked to itself or to one in its language; an
    │                        alignment whose sentence indexes are out of range or order (also ValueError)
    ├── StoreError           store corrupted, locked, read-only, written by a newer annot, missing
    │   ├── NotFound         no document / span with that id (also KeyError)
    │   ├── NoProject        no store at the project's folder, or in its schema on the server
    │   └── EditConflict     someone else changed the same field of a span since the editor saw it
    ├── FormatError          an import file that is not valid annot JSONL
    ├── ClusterError         a Dask scheduler cannot be reached, or its workers lack what a batch needs
    └── OutputError          an export or report file that cannot be written (a folder, no permission, disk full)

Every message says what failed, with which input, what is valid and what to do.
The CLI prints an ``AnnotError`` as one line and exits with code 2; anything
else is a bug and propagates.
"""

from __future__ import annotations

__all__ = [
    "AlignmentError",
    "AnnotError",
    "ClusterError",
    "CorpusError",
    "EditConflict",
    "EngineError",
    "EngineNotInstalled",
    "FormatError",
    "MetadataError",
    "ModelNotInstalled",
    "NoProject",
    "NotFound",
    "OutputError",
    "PartialTranslation",
    "SchemaError",
    "SpanError",
    "StoreError",
    "SuggesterError",
]


class AnnotError(Exception):
    """Root of every error annot raises on purpose."""


class CorpusError(AnnotError):
    """An input file or record cannot become a document (binary, empty, undecodable)."""


class EngineError(AnnotError):
    """A machine-translation engine failed; the message says which sentences and why."""


class EngineNotInstalled(EngineError):
    """An engine's backend is missing; the message names the package that provides it."""


class ModelNotInstalled(EngineError):
    """No model for the requested language pair; the message lists installed pairs and how to add one."""


class PartialTranslation(EngineError):
    """An engine translated some texts of a batch and failed on others (a pipeline stage crashing on them).

    Attributes:
        outputs: one entry per input text: its translation, or ``None`` where it failed.
        reasons: input index -> why that text failed (one line).
    """

    def __init__(self, outputs: list[str | None], reasons: dict[int, str]) -> None:
        self.outputs = outputs
        self.reasons = reasons
        first = next(iter(reasons.values()), "")
        super().__init__(f"{len(reasons)} of {len(outputs)} texts failed, the others were translated; first: {first}")


class SchemaError(AnnotError):
    """The label schema (default or a project's annot.toml) is invalid."""


class SuggesterError(AnnotError, ValueError):
    """A suggester failed, or none has the name asked for (the message lists the known ones)."""


class SpanError(AnnotError, ValueError):
    """A span is out of range, has an unknown label, or has invalid attributes.

    Attributes:
        span_id: the span refused, when a batch (``Store.add_spans``) names it; ``None`` otherwise.
    """

    span_id: str | None = None


class MetadataError(AnnotError, ValueError):
    """A document's metadata value is invalid (``Store.set_metadata``); the message names the field and the fix."""


class AlignmentError(AnnotError, ValueError):
    """A link or a sentence alignment is invalid; the message says which bead or document and what is valid."""


class StoreError(AnnotError):
    """The store cannot be opened or written safely (corrupted, read-only, newer schema, missing)."""


class NotFound(StoreError, KeyError):
    """No document or span with the given id exists in the store."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class NoProject(StoreError):
    """No store exists where the project says it is (its folder's ``annot.db``, or its schema on a server)."""


class EditConflict(StoreError):
    """Someone else changed a field of a span since the editor saw it, and this edit changes that field too.

    Nothing was written. The message names the span, the field, who changed it
    and when, the value now stored, and what to do (``Store.update_span`` with ``seen``).

    Attributes:
        span_id: the span edited.
        field: the field both changed: ``extent`` (start and end), ``label``, ``status``,
            ``attrs.<name>``, or ``deleted`` (the span was deleted meanwhile).
        by: who made the other change (``""`` when the history does not say).
        at: when, as the store's text form of a time (``""`` when the history does not say).
        value: the value of ``field`` now stored (``None``: an attribute cleared, or the span deleted).
    """

    def __init__(self, message: str, *, span_id: str, field: str, by: str, at: str, value: object) -> None:
        super().__init__(message)
        self.span_id = span_id
        self.field = field
        self.by = by
        self.at = at
        self.value = value


class ClusterError(AnnotError):
    """Distributed batch work failed: no scheduler at the address given, Dask missing, or a worker whose engines
    differ from the client's (``annot.batch``)."""


class FormatError(AnnotError):
    """A file to import is not valid annot JSONL (wrong schema tag, bad record)."""


class OutputError(AnnotError):
    """A file annot writes (export, report) cannot be written there; the message names the path and the fix."""
