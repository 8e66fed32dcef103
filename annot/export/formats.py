"""Other tools' formats: the one home of what every format shares.

Each format is a module of ``annot.export`` (``doccano``, ``labelstudio``,
``prodigy``, ``spacy_docbin``, ``inception``, ``conll``) holding a converter, not a
reader of the store:

- **export**: ``write(records, out, left_out) -> (documents, spans)`` turns annot/1
  document records (``iter_records``: text, sentences, spans with attributes) into
  the tool's file. A span the format cannot hold (not on a token boundary, an
  overlap in BIO, an attribute with no place) is counted in ``left_out`` with its
  reason and a first example, never dropped silently;
- **import** (not for CoNLL): ``read(path) -> Iterator[ForeignDocument | FormatError]``
  turns the tool's file into documents with spans, one ``FormatError`` per bad
  record, its message ``FILE:LINE: problem; fix``.

``annot.exchange.export_as`` and ``import_as`` are the entry points (the CLI's
``--format``); ``import_as`` reads through ``read_foreign``, which checks the
whole file first.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from annot.errors import FormatError

__all__ = [
    "DOCUMENT_META_KEYS",
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "FormatExport",
    "ForeignDocument",
    "ForeignSpan",
    "LeftOut",
    "RELATION_SUFFIX",
    "Unrepresentable",
    "attr_of_relation",
    "default_out",
    "iter_documents",
    "module_of",
    "offsets_problem",
    "read_foreign",
    "relation_of_attr",
]

Record = dict[str, Any]
#: Format name -> module of ``annot.export`` (``jsonl`` is annot/1 itself).
EXPORT_FORMATS: dict[str, str] = {
    "jsonl": "jsonl",
    "doccano": "doccano",
    "label-studio": "labelstudio",
    "prodigy": "prodigy",
    "spacy": "spacy_docbin",
    "inception": "inception",
    "conll": "conll",
    "conll-biluo": "conll_biluo",
}
#: The formats ``import_as`` reads (CoNLL, BIO or BILUO, is for training pipelines: export only).
IMPORT_FORMATS = tuple(name for name in EXPORT_FORMATS if not name.startswith("conll"))


class LeftOut:
    """What an export could not write, by reason: how many spans, and the first one as an example."""

    def __init__(self) -> None:
        self._found: dict[str, list[Any]] = {}

    def add(self, reason: str, example: str) -> None:
        """Count one span left out for ``reason`` ("not on a token boundary"); ``example`` names it."""
        found = self._found.setdefault(reason, [0, example])
        found[0] += 1

    def report(self) -> tuple[Unrepresentable, ...]:
        """Every reason, most spans first."""
        items = sorted(self._found.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return tuple(Unrepresentable(reason, count, example) for reason, (count, example) in items)


@dataclass(frozen=True, slots=True)
class Unrepresentable:
    """Spans a format cannot hold: why, how many, and one of them ("ACTOR 'Minsk' in doc-1 at 12-17")."""

    reason: str
    count: int
    example: str


@dataclass(frozen=True, slots=True)
class FormatExport:
    """What ``export_as`` wrote: the file, its format, how many documents and spans, and what it left out."""

    path: Path
    format: str
    documents: int
    spans: int
    left_out: tuple[Unrepresentable, ...] = ()
    beside: tuple[Path, ...] = ()  # files written next to ``path`` (Label Studio's labelling config)

    def summary(self) -> str:
        """One line, then one per file written beside it, then one per reason a span was left out."""
        lines = [f"Wrote {self.path} ({self.format}): {self.documents} documents, {self.spans} spans"]
        lines += [f"  and {p}" for p in self.beside]
        lines += [f"  left out {u.count}: {u.reason}, e.g. {u.example}" for u in self.left_out]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ForeignSpan:
    """A span read from another tool: document offsets in code points, label, attributes.

    ``ref`` is the span's id in the file (for relations); an attribute of type ``span`` (``holder_span``,
    ``target_span``) holds the ``ref`` of the span it names, mapped to the new id on import.
    """

    start: int
    end: int
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict)
    ref: str | None = None
    annotator: str | None = None
    status: str = "accepted"


@dataclass(frozen=True, slots=True)
class ForeignDocument:
    """A document read from another tool: its text, what is known of it, its spans; ``where`` is FILE:LINE."""

    text: str
    where: str
    title: str | None = None
    lang: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    spans: tuple[ForeignSpan, ...] = ()


class _Writer(Protocol):
    def __call__(self, records: Iterable[Record], out: Path, left_out: LeftOut) -> tuple[int, int]: ...


def module_of(name: str, *, reading: bool = False) -> Any:
    """The module of format ``name`` (``write``, and ``read`` unless export-only).

    Raises:
        FormatError: an unknown format, or one that cannot be read (``reading``), listing the valid ones.
    """
    formats = IMPORT_FORMATS if reading else tuple(EXPORT_FORMATS)
    if name not in formats:
        raise FormatError(f"Unknown format {name!r}; use one of: {', '.join(formats)}.")
    module = f"annot.export.{EXPORT_FORMATS[name]}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # a missing dependency of a present module is a real bug, or an extra to install
            raise
        present = [n for n in formats if importlib.util.find_spec(f"annot.export.{EXPORT_FORMATS[n]}") is not None]
        raise FormatError(
            f"Format {name!r} is not available in this version of annot; use one of: {', '.join(present)}."
        ) from None


def default_out(name: str) -> Path:
    """Where ``annot export --format name`` writes without ``--out``: ``exports/corpus.<SUFFIX>``.

    Every format module's ``SUFFIX`` is written without its leading dot (``"prodigy.jsonl"``).

    Raises:
        FormatError: as ``module_of``.
    """
    return Path("exports") / f"corpus.{module_of(name).SUFFIX}"


#: The fields of an annot/1 document record a format keeps as the document's metadata, where it has room for them
#: (Prodigy's ``meta``, spaCy's ``doc.user_data``): one list, so every such format carries the same ones.
DOCUMENT_META_KEYS = ("id", "title", "lang", "source", "published", "outlet", "author", "url")

#: A span attribute naming another span (``holder_span``) is a relation of that name less this (``holder``).
RELATION_SUFFIX = "_span"


def relation_of_attr(attr: str) -> str:
    """The relation type a ``*_span`` attribute becomes in a tool with relations (``holder_span`` -> ``holder``)."""
    return attr.removesuffix(RELATION_SUFFIX)


def attr_of_relation(relation: str) -> str:
    """The span attribute a tool's relation type comes back as (``holder`` -> ``holder_span``)."""
    return relation + RELATION_SUFFIX


def offsets_problem(text: str, start: Any, end: Any) -> str | None:
    """What is wrong with a span's ``start``/``end`` (code points) in ``text``, or ``None`` when nothing is."""
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
        return f"offsets {start!r}-{end!r} are not whole numbers"
    if not 0 <= start < end <= len(text):
        return f"span {start}-{end} is out of range (the text has {len(text)} characters)"
    return None


def read_foreign(path: Path, format: str, *, schema: Any = None) -> list[ForeignDocument]:
    """Every document of another tool's file, checked whole.

    Args:
        path: the file.
        format: a name of ``IMPORT_FORMATS``.
        schema: the project's ``LabelSchema``, for formats that need it to read values (Label Studio's numbers
            written as text); ``None`` for the default schema.

    Raises:
        FormatError: an unknown format, or a bad record: the first (``FILE:LINE: problem; fix``), with how many
            more there are.
    """
    module = module_of(format, reading=True)
    extra = {"schema": schema} if getattr(module, "USES_SCHEMA", False) else {}
    try:
        found = list(module.read(Path(path), **extra))
    except OSError as exc:
        raise FormatError(f"Cannot read {path}: {exc.strerror or exc}. Pass a {format} file.") from exc
    errors = [item for item in found if isinstance(item, FormatError)]
    if errors:
        more = f" (and {len(errors) - 1} more bad records)" if len(errors) > 1 else ""
        raise FormatError(f"{errors[0]}{more}; nothing was imported.")
    return [d for d in found if isinstance(d, ForeignDocument)]


def iter_documents(records: Iterable[Record]) -> Iterator[Record]:
    """The document records of an annot/1 stream (``unit="document"``), skipping nothing else there is."""
    for record in records:
        if record.get("type", "document") == "document":
            yield record
