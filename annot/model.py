"""The data model: frozen dataclasses for documents, sentences, spans, translations, links and alignments.

Offsets are half-open ``[start, end)`` and count Unicode code points (Python
``str`` indices) into the *document* text, so ``doc.text[s.start:s.end] ==
s.text`` always holds. Sentence-relative offsets are derived, never stored.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

__all__ = [
    "ISO_639_1",
    "ANCHORS",
    "INHERITED_METADATA",
    "AlignmentInfo",
    "BEAD_ORIGINS",
    "Bead",
    "CURATION_KINDS",
    "Document",
    "FLAG_KINDS",
    "HUMAN_TRANSLATION",
    "Link",
    "MARK_STATUSES",
    "MEASURES",
    "Origin",
    "Sentence",
    "Span",
    "Status",
    "TRANSLATION",
    "Translation",
    "TranslationFailure",
    "caseless",
    "document_id",
    "flag_id",
    "format_sentences",
    "lone_surrogate",
    "metadata_value",
    "normalize_text",
    "published_sort_key",
    "published_text",
    "quote",
    "read_published",
    "reference_label",
    "slugify",
    "source_key",
    "text_hash",
    "to_timestamp",
    "url_problem",
    "utcnow",
]

# Every ISO 639-1 code: the codes annot accepts for a language (a ".xx." file-name suffix counts
# as one only if it is one of these, so "report.v2.txt" keeps "v2" in its title; a model's pair).
ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee "
    "el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is "
    "it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms "
    "mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk "
    "sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu".split()
)


class Origin(StrEnum):
    """Where a span came from."""

    MANUAL = "manual"
    SUGGESTED = "suggested"
    PROJECTED = "projected"
    IMPORTED = "imported"
    #: The curator's adjudicated version of a sentence (``annot.annotate.curation``): kept beside the
    #: annotators' own spans, which stay as they were.
    CURATED = "curated"


class Status(StrEnum):
    """Review state of a span."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PENDING = "pending"


#: Who made a bead of an alignment: the aligner, or a person editing it.
BEAD_ORIGINS = ("auto", "manual")


#: What a fidelity flag of a machine translation is about: read from projection (``annot.project.fidelity``:
#: lost, changed, wrong language, number style, time lost, added, disputed), or the engine failed. ``numbers`` and
#: ``name`` are the kinds of annot 0.1's heuristics, still readable in stored decisions.
FLAG_KINDS = (
    "lost", "changed", "wrong language", "number style", "time lost", "added", "disputed", "failed", "numbers", "name",
)  # fmt: skip


def flag_id(kind: str, value: str) -> str:
    """A fidelity flag's stable id: its kind and value, case and spacing aside (``name:valeri revenko``).

    The MT pane sends it back when a flag is dismissed; the store keys decisions by it.
    """
    return f"{kind}:{' '.join(value.split()).casefold()}"


#: Where a span stands after its document changed: unchanged place, moved
#: with its text, or its text is gone from the newest version.
ANCHORS = ("ok", "reanchored", "orphaned")

#: How a curator settled a sentence (``Store.curate``): one annotator's version accepted, the versions merged,
#: the curated spans edited by hand, or nothing to annotate in it.
CURATION_KINDS = ("accepted", "merged", "edited", "empty")

#: An annotator's mark on a sentence: finished ("done"), or holding nothing
#: to annotate ("empty"). A sentence without a mark is still to do.
MARK_STATUSES = ("done", "empty")


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_timestamp(value: datetime) -> str:
    """The one text form of a time in annot: ISO 8601 in UTC with microseconds.

    ``2022-10-17T09:00:00.123456+00:00``; a naive datetime is taken as UTC.
    The store keeps times in this form, so exports copy them unchanged.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")


def normalize_text(text: str) -> str:
    """Return ``text`` in Unicode NFC with every newline variant turned into ``\\n``.

    A leading byte-order mark is dropped; nothing else is changed, so offsets
    computed on the result are the offsets users see.
    """
    text = text.removeprefix("\ufeff")
    return unicodedata.normalize("NFC", _NEWLINES.sub("\n", text))


def slugify(text: str, max_length: int = 48) -> str:
    """Return a readable ASCII slug of ``text`` (``"doc"`` when nothing is left)."""
    # python-slugify transliterates Cyrillic etc. into ASCII, which keeps ids
    # readable and safe as file names for every script.
    from slugify import slugify as _slugify

    slug = _slugify(text, max_length=max_length, word_boundary=True, save_order=True)
    return slug or "doc"


def text_hash(text: str) -> str:
    """SHA-256 of a text (hex): how the translation cache recognises a sentence."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_id(text: str, title: str) -> str:
    """Return the stable id of a document: a readable slug plus a content hash.

    The same normalized text always gets the same hash, so re-ingesting an
    unchanged document is recognised as a no-op.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"{slugify(title)}-{digest}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def caseless(char: str) -> bool:
    """Whether ``char`` is a letter of a script that writes no capitals at the start of sentences or names.

    Georgian has capitals (Mtavruli) in Unicode since 11.0, so its letters count
    as lowercase; but sentences and names never start with them: it is caseless,
    as Arabic, Hebrew, Devanagari or Chinese are. Segmentation, alignment
    anchors and name matching ask it where they would ask for a capital.
    """
    return "\u10d0" <= char <= "\u10ff" or (char.isalpha() and not char.isupper() and not char.islower())


def lone_surrogate(value: Any, name: str = "") -> str | None:
    """Say where ``value`` holds a lone UTF-16 surrogate, or return ``None`` when it holds none.

    Code points U+D800-U+DFFF on their own are not Unicode text: they cannot be
    encoded as UTF-8, so the store cannot keep them and no export could write
    them. Python strings get them from ``\\ud800``-style escapes in JSON and
    from file names that are not UTF-8. A valid pair (an emoji escaped as
    ``\\ud83d\\ude00``) is decoded by ``json`` into one code point and is fine.

    Args:
        value: a string, or JSON-like lists and dicts of them (keys are checked too).
        name: what ``value`` is, to start the description (``text``, ``attrs``).

    Returns:
        ``None``, or e.g. ``attrs.canonical holds a lone UTF-16 surrogate U+D800 at character 2 of 'X\\ud800'``.
    """
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        if found is None:
            return None
        shown = repr(value) if len(value) <= 40 else repr(value[max(0, found.start() - 20) : found.start() + 20])
        return (
            f"{name or 'the text'} holds a lone UTF-16 surrogate U+{ord(found.group()):04X}"
            f" at character {found.start() + 1} of {shown}"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{name}.{key}" if name else str(key)
            problem = lone_surrogate(key, f"the name of {where}") or lone_surrogate(item, where)
            if problem:
                return problem
    elif isinstance(value, (list, tuple)):
        for n, item in enumerate(value):
            problem = lone_surrogate(item, f"{name}[{n}]")
            if problem:
                return problem
    return None


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def source_key(
    path: str | os.PathLike[str], *, home: str | os.PathLike[str], named: str | os.PathLike[str] | None = None
) -> str:
    """The name annot gives an ingested file in a document's ``key`` and ``source``: the same on every machine.

    Exports are shared, so they never hold where the files lay on the annotator's
    disk, and a document keeps its identity when the repository moves or
    ingest runs from another folder. The rule (README, "Ids"):

    1. a URL is kept as it is;
    2. a file inside ``home`` (the project folder's parent: the repository
       holding ``project/`` and ``corpus/``) is named by its path from there:
       ``corpus/belarus-2022-10-17.en.txt``;
    3. a file outside it is named by its path from beside what was named at
       ingest (``named``, a file or a folder): ``annot ingest /data/news`` gives
       ``news/2022/a.txt``, ``annot ingest /data/news/a.txt`` gives ``a.txt``;
    4. without ``named`` (a path stored by an older annot, read by the store's
       migration) a file outside ``home`` keeps its absolute path.

    Paths are compared with symbolic links resolved, and written with ``/``.

    Args:
        path: the file (a relative path is taken from the current folder), or a URL.
        home: the folder keys are relative to.
        named: the path given to ingest that led to ``path`` (``path`` itself when it was named).

    Returns:
        The key, also used as the document's ``source``.
    """
    if _URL.match(os.fspath(path)):
        return os.fspath(path)
    real = Path(path).resolve()
    try:
        return real.relative_to(Path(home).resolve()).as_posix()
    except ValueError:
        pass
    if named is None:
        return str(real)
    # Lexically, not resolved: the files found under a named folder are below it as named.
    try:
        return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(named)).parent).as_posix()
    except ValueError:
        return real.name


@dataclass(frozen=True, slots=True)
class Document:
    """One article.

    Attributes:
        id: ``<slug>-<sha256 prefix>``; changes when the text changes.
        key: identity across versions: the ``id`` given in a JSONL record, else
            the file's portable name (``source_key``: ``corpus/a.en.txt``, never an
            absolute path); a newer text with the same key is a new version.
        title: human-readable title.
        lang: ISO 639-1 code (given, taken from a ``.xx.`` file-name suffix, or detected).
        text: normalized text (NFC, ``\\n`` newlines, boilerplate removed).
        source: path or URL the text came from, if any (a file: its ``source_key``).
        published: when it was published, if known: a ``date``, or a ``datetime`` when the time is
            known too (its UTC offset kept as given; without one it stays naive). Read and write it
            with ``read_published`` and ``published_text``; compare through ``published_sort_key``
            (a ``date`` and a ``datetime`` do not compare).
        outlet: who published it (a newspaper, agency or site), if known.
        author: who wrote it, if known.
        url: where it was published (a URL, or a path), if known; ``source`` is where annot read it.
        ingested_at: when this version entered the store (UTC).

    Title, outlet, author, published and url are the document's metadata: they can be edited in
    place (``Store.set_metadata``) without changing the id, which follows the text.
    """

    id: str
    key: str
    title: str
    lang: str
    text: str
    source: str | None = None
    published: date | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    ingested_at: datetime = field(default_factory=utcnow)


#: The document metadata a version inherits from the previous one when it has none of its own.
INHERITED_METADATA = ("published", "outlet", "author", "url")


def read_published(text: str) -> date:
    """A publication time from ISO 8601 text: a ``date``, or a ``datetime`` when a time is given.

    ``2022-10-17`` is a date; ``2022-10-17T16:40:00+02:00`` a datetime with that
    offset (``Z`` reads as ``+00:00``); ``2022-10-17T16:40`` a naive datetime: annot
    does not guess the zone a source left out.

    Raises:
        ValueError: ``text`` is neither (the message says what is valid).
    """
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(
        f"published {text!r} is not an ISO 8601 date or date and time;"
        " write it like 2022-10-17 or 2022-10-17T16:40:00+02:00"
    )


def published_text(value: date | None) -> str | None:
    """The text form of ``Document.published`` (ISO 8601, as ``read_published`` reads it back), or None."""
    return None if value is None else value.isoformat()


def published_sort_key(value: date | None) -> tuple[int, datetime]:
    """A key that orders publication times of both kinds: unknown last, a date as its midnight UTC,
    a naive datetime as UTC (the way ``Store.documents()`` reads them)."""
    if value is None:
        return (1, datetime.min.replace(tzinfo=UTC))
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return (0, value if value.tzinfo is not None else value.replace(tzinfo=UTC))


def metadata_value(name: str, value: object) -> Any:
    """``value`` checked and made the form ``Document`` keeps for metadata field ``name``.

    ``outlet`` and ``author`` are text on one line (runs of spaces and newlines become
    one space), ``url`` a URL or a path (``url_problem``), ``published`` a ``date`` or
    ``datetime`` or their ISO text (``read_published``). None, or text that is empty
    once stripped, is None: unknown.

    Raises:
        ValueError: ``name`` is not one of those, or ``value`` is not valid for it (the
            message names the field and what is valid).
    """
    if name not in INHERITED_METADATA:
        raise ValueError(f"unknown metadata field {name!r}; valid fields: {', '.join(INHERITED_METADATA)}")
    if value is None:
        return None
    if name == "published":
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise ValueError(f"published must be ISO 8601 text like 2022-10-17, got {type(value).__name__}")
        return read_published(value) if value.strip() else None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {type(value).__name__}")
    text = " ".join(value.split()) if name != "url" else value.strip()
    if not text:
        return None
    if name == "url":
        problem = url_problem(text)
        if problem:
            raise ValueError(problem)
    return text


_WHOLE_URL = re.compile(r"(?:[Ff][Ii][Ll][Ee]://|[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#]+)\S*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def url_problem(value: str) -> str | None:
    """Why ``value`` cannot be a document's url, or None when it can.

    A url is a URL with a scheme and a host (``https://example.org/a``) or a path
    (``archive/2022/a.html``, ``/srv/a.html``): one line, no spaces in a URL, and
    something that is neither (``example org``) is refused.
    """
    if not value or any(ch in value for ch in "\n\r\t\x00"):
        return f"url {value!r} is empty or not one line"
    if "://" in value or (_SCHEME.match(value) and not re.match(r"[A-Za-z]:[\\/]", value)):
        if _WHOLE_URL.fullmatch(value):
            return None
        return f"url {value!r} is not a URL like https://example.org/article"
    if "/" in value or "\\" in value:
        return None
    return f"url {value!r} is neither a URL like https://example.org/article nor a path with a '/'"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One segmentation unit of a document (a sentence or a heading).

    ``start``/``end`` are document offsets; ``text`` equals ``doc.text[start:end]``.
    """

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """An annotation over ``doc.text[start:end]``.

    Attributes:
        id: unique span id (``sp-`` plus 16 hex digits).
        doc_id: the document version the offsets refer to.
        start: document offset of the first code point.
        end: document offset one past the last code point.
        label: a label of the schema (ACTOR, QUANTITY, STANCE, ...).
        attrs: label attributes, validated against the schema.
        text: the covered text when the span was last anchored.
        annotator: who made or last owned it.
        origin: manual, suggested, projected, imported or curated.
        status: accepted, rejected or pending.
        anchor: ``ok``, ``reanchored`` (moved to a new document version) or
            ``orphaned`` (its text is gone from the newest version).
        created_at: creation time (UTC).
        updated_at: last modification time (UTC).
    """

    id: str
    doc_id: str
    start: int
    end: int
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""
    annotator: str = "anonymous"
    origin: Origin = Origin.MANUAL
    status: Status = Status.ACCEPTED
    anchor: str = "ok"
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class Translation:
    """A machine translation of one sentence, with the provenance that shaped it.

    Attributes:
        doc_id: the document version.
        index: the sentence's index in that document.
        engine: engine name (``argos``, ``bergamot``, ``apertium``, ...).
        model: model name (a pivot joins its two: ``eng-spa>es-pt``).
        model_version: model version (a pivot joins its two).
        source_lang: ISO 639-1 code of the sentence.
        target_lang: ISO 639-1 code of the translation.
        route: the languages it went through, ``en>pt`` or ``en>es>pt``.
        signature: every setting that shaped it; the cache key with the text.
        text: the translation.
        created_at: when it was made (UTC).
    """

    doc_id: str
    index: int
    engine: str
    model: str
    model_version: str
    source_lang: str
    target_lang: str
    route: str
    signature: str
    text: str
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class TranslationFailure:
    """A sentence an engine failed on (a stage of its pipeline crashed on it), kept so later sessions see it.

    The provenance is the route's, as for ``Translation``; a translation later stored
    with the same signature replaces it (``Store.add_translations``).

    Attributes:
        doc_id: the document version.
        index: the sentence's index in that document.
        engine: the route's name (``apertium``, ``argos+apertium``).
        model: model name(s) of the route, joined with ``>``.
        model_version: their versions.
        source_lang: ISO 639-1 code of the sentence.
        target_lang: ISO 639-1 code it was to be translated into.
        route: the languages it was to go through, ``ru>uk``.
        signature: the route's signature.
        reason: why, one line (``ru>uk: apertium rus-ukr gave no translation for ...``).
        failed_at: when (UTC).
    """

    doc_id: str
    index: int
    engine: str
    model: str
    model_version: str
    source_lang: str
    target_lang: str
    route: str
    signature: str
    reason: str
    failed_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class Link:
    """Two documents that tell the same article in two languages.

    A link joins two documents across their versions: the store keeps it by
    document key, and ``doc_a``/``doc_b`` are the ids of the current versions.

    Attributes:
        doc_a: id of the current version of the first document (as linked).
        doc_b: id of the current version of the second document.
        kind: what the link means: ``translation`` (one is a version of the other
            in another language, by whom nobody said: shown as a *reference*) or
            ``human_translation`` (a person translated it, as its user said:
            ``annot link --human``); other one-line names are kept as given.
        created_at: when the link was made (UTC).
    """

    doc_a: str
    doc_b: str
    kind: str
    created_at: datetime

    @property
    def human(self) -> bool:
        """Whether the user marked the other document as a human translation."""
        return self.kind == HUMAN_TRANSLATION

    @property
    def label(self) -> str:
        """What people are shown for the linked version: ``human translation`` or ``reference``."""
        return reference_label(self.human)


def format_sentences(indexes: Iterable[int]) -> str:
    """Sentence numbers as people read them: ``3-7, 9`` for 3, 4, 5, 6, 7, 9; ``12`` for 12.

    The rule for every number annot shows or takes from people (the CLI, the
    report, the annotator, error messages): a sentence's number is its index,
    counted from 0, the same as the ``index`` column of the DataFrames and the
    JSONL, so what you read on screen is what you type back.
    """
    ordered = sorted(set(indexes))
    parts, start = [], None
    for i, value in enumerate(ordered):
        if start is None:
            start = value
        if i + 1 == len(ordered) or ordered[i + 1] != value + 1:
            parts.append(f"{start}-{value}" if value != start else str(value))
            start = None
    return ", ".join(parts)


def quote(text: str, width: int = 40) -> str:
    """A span's text quoted for a status line or a message: one line, cut at ``width`` characters with "…"."""
    text = " ".join(text.split())
    return f"'{text if len(text) <= width else text[: width - 1].rstrip() + '…'}'"


#: Link kinds: a version in another language (a *reference*), and one the user marked as made by a person.
TRANSLATION = "translation"
HUMAN_TRANSLATION = "human_translation"


def reference_label(human: bool) -> str:
    """The one name people read for a linked version: ``human translation`` when marked so, else ``reference``."""
    return "human translation" if human else "reference"


@dataclass(frozen=True, slots=True)
class Bead:
    """One unit of a sentence alignment: consecutive sentences of A that say what consecutive ones of B say.

    Either side may be empty: a sentence with no counterpart on the other side
    (``a=(7,), b=()``) is *unaligned*.

    Attributes:
        a: indexes of A's sentences, consecutive and increasing.
        b: indexes of B's sentences, consecutive and increasing.
        score: what the aligner measured on the bead, 0-100: its chrF between A's side and B's side
            machine-translated into A's language, or, aligned without MT (no route), its anchor
            agreement (numbers, names and quotations both sides share: ``annot.align.anchors``);
            ``None`` when not measured (unaligned, paired by hand, aligned by length only, or no
            anchors on either side). Which of the two a stored alignment's scores are is kept
            once for the alignment: ``AlignmentInfo`` (``Store.alignment_info``).
        origin: ``auto`` (the aligner) or ``manual`` (a person's edit).
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float | None = None
    origin: str = "auto"

    @property
    def kind(self) -> str:
        """``1-1``, ``1-2``, ``2-1``, ``1-0``, ``0-1``, ...: the number of sentences on each side."""
        return f"{len(self.a)}-{len(self.b)}"


#: What the scores of an alignment's beads measure, by the aligner's method (``annot.align.METHODS`` is
#: this table's keys): ``chrf`` with B machine-translated into A's language, ``anchors`` without MT,
#: ``length`` (lengths only: no scores). Values are what people read.
MEASURES: dict[str, str] = {"chrf": "chrF", "anchors": "anchor agreement", "length": "no score"}


@dataclass(frozen=True, slots=True)
class AlignmentInfo:
    """What the scores of one stored alignment mean: their measure, and the route that translated B.

    Kept per pair of document versions, as the beads are (``Store.alignment_info``), the
    same whichever document is named first: the route names its languages.

    Attributes:
        measure: a key of ``MEASURES``: ``chrf`` (each bead's score is its chrF between A's
            side and B's side machine-translated into A's language), ``anchors`` (aligned
            without MT: the anchor agreement) or ``length`` (no scores); ``None`` when
            unknown: stored before the store recorded it (schema version 8), imported from
            a file without it, or set wholly by hand.
        route: what translated B, as people read it: the engine and its route
            (``apertium es>en``, ``argos+apertium pt>es>en``); ``""`` without MT, or unknown.
    """

    measure: str | None = None
    route: str = ""

    @property
    def label(self) -> str:
        """What the scores are, for people: ``chrF against apertium es>en``, ``anchor agreement (no MT)``."""
        if self.measure is None:
            return "unknown measure (aligned before annot recorded it, or set by hand)"
        name = MEASURES.get(self.measure, self.measure)
        if self.route:
            return f"{name} against {self.route}"
        return f"{name} (aligned on lengths only, no MT)" if self.measure == "length" else f"{name} (no MT)"
