"""spaCy's binary training format: a ``.spacy`` DocBin of one ``Doc`` per document, read back with spaCy itself.

Export (``write``), per document, tokenized by spaCy's blank tokenizer of its language
(``annot.export.tokens``):

- ``doc.spans["annot"]``: every **accepted** span (overlaps allowed), its ``label_`` annot's label and its
  ``id_`` annot's span id; ``doc.spans["annot.pending"]`` and ``doc.spans["annot.rejected"]`` hold the others,
  so that ``spans_key = "annot"`` trains on decided spans only;
- ``doc.ents``: the accepted ACTORs that overlap no other (the longer, then the earlier, is kept); an
  overlapping ACTOR stays in ``doc.spans`` and is reported as left out of ``doc.ents`` only;
- ``doc.user_data[("annot", start_char, end_char, label, span_id)]``: that span's ``{"attrs", "annotator",
  "status"}`` (the key finds it from a ``Span``: ``start_char``, ``end_char``, ``label_``, ``id_``), and
  ``doc.user_data["annot"]``: the document's metadata (id, title, lang, source, published, ...). The
  DocBin keeps user data (``store_user_data=True``), so ``get_docs`` gives it back.

A span off the token boundaries is left out, counted with an example. A DocBin is one msgpack
blob: its size in memory grows with the corpus while it is written (spaCy's own ``DocBin`` design).

Import (``read``): the three span groups (``annot`` accepted, the others by name), else a foreign file's
``doc.spans["sc"]`` and ``doc.ents`` as accepted spans; attributes from the user data; a document's
place is ``FILE:N`` (its number in the DocBin, from 1).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annot.errors import FormatError
from annot.export.formats import ForeignDocument, ForeignSpan, LeftOut, iter_documents
from annot.export.tokens import FALLBACK_LANG, NOT_ON_TOKENS, blank, example, kept_attrs, token_bounds, tokenize
from annot.fileio import atomic_binary_file

__all__ = ["ENTS_LABEL", "GROUPS", "SUFFIX", "read", "to_doc", "user_data_key", "write"]

SUFFIX = ".spacy"
Record = dict[str, Any]
#: Span group -> the status of its spans.
GROUPS = {"annot": "accepted", "annot.pending": "pending", "annot.rejected": "rejected"}
GROUP_OF = {status: group for group, status in GROUPS.items()}
#: The label whose non-overlapping accepted spans are also ``doc.ents``.
ENTS_LABEL = "ACTOR"
OVERLAPPING_ENT = "overlaps another ACTOR (kept in doc.spans, left out of doc.ents)"
META_KEYS = ("id", "title", "lang", "source", "published", "outlet", "author", "url")


def user_data_key(start: int, end: int, label: str, span_id: str) -> tuple[str, int, int, str, str]:
    """Where a span's attributes are in ``doc.user_data``."""
    return ("annot", start, end, label, span_id)


def write(records: Iterable[Record], out: Path, left_out: LeftOut) -> tuple[int, int]:
    """Write annot/1 document records as a ``.spacy`` DocBin to ``out`` (atomically).

    Returns:
        How many documents and spans were written.

    Raises:
        OutputError: ``out`` cannot be written; it is unchanged.
    """
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=True)
    documents = spans = 0
    for record in iter_documents(records):
        doc = to_doc(record, left_out)
        documents += 1
        spans += sum(len(doc.spans[g]) for g in GROUPS if g in doc.spans)
        docbin.add(doc)
    data = docbin.to_bytes()
    with atomic_binary_file(out) as fh:
        fh.write(data)
    return documents, spans


def to_doc(record: Record, left_out: LeftOut) -> Any:
    """One annot/1 document record as a spaCy ``Doc`` (see the module docstring)."""
    from spacy.tokens import Span

    doc = tokenize(record["text"], record.get("lang"))
    groups: dict[str, list[Any]] = {group: [] for group in GROUPS}
    placed = []
    for span in record.get("spans", ()):
        bounds = token_bounds(doc, span["start"], span["end"])
        named = example(span["label"], span["text"], record["id"], span["start"], span["end"])
        if bounds is None:
            left_out.add(NOT_ON_TOKENS, named)
        else:
            placed.append((span, bounds, named))
    written = {span["id"] for span, _, _ in placed}
    for span, bounds, named in placed:
        start, end, label, status = span["start"], span["end"], span["label"], span.get("status", "accepted")
        groups[GROUP_OF.get(status, "annot")].append(Span(doc, *bounds, label=label, span_id=span["id"]))
        doc.user_data[user_data_key(start, end, label, span["id"])] = {
            "attrs": kept_attrs(span.get("attrs") or {}, written, left_out, named),
            "annotator": span.get("annotator"), "status": status,
        }  # fmt: skip
    for group, found in groups.items():
        if found:
            doc.spans[group] = found
    doc.ents = _ents(groups["annot"], record, left_out)
    doc.user_data["annot"] = {key: record.get(key) for key in META_KEYS}
    return doc


def _ents(accepted: list[Any], record: Record, left_out: LeftOut) -> list[Any]:
    """The accepted ACTORs that overlap no other: the longer one kept, then the earlier; the rest counted."""
    actors = sorted((s for s in accepted if s.label_ == ENTS_LABEL), key=lambda s: (-(s.end - s.start), s.start))
    taken: set[int] = set()
    ents = []
    for span in actors:
        if taken.intersection(range(span.start, span.end)):
            left_out.add(OVERLAPPING_ENT, example(span.label_, span.text, record["id"], span.start_char, span.end_char))
            continue
        taken.update(range(span.start, span.end))
        ents.append(span)
    return sorted(ents, key=lambda s: s.start)


# -- import --------------------------------------------------------------------


def read(path: Path) -> Iterator[ForeignDocument | FormatError]:
    """The documents of a ``.spacy`` DocBin, or one error when the file is not one."""
    from spacy.tokens import DocBin

    try:
        docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(blank(FALLBACK_LANG).vocab))
    except OSError as exc:
        yield FormatError(f"{path}:1: cannot read it ({exc.strerror or exc}); give a readable .spacy file.")
        return
    except (ValueError, KeyError, TypeError, zlib.error) as exc:
        yield FormatError(
            f"{path}:1: not a spaCy DocBin ({type(exc).__name__}); give a .spacy file written by DocBin.to_disk."
        )
        return
    for number, doc in enumerate(docs, 1):
        where = f"{path}:{number}"
        if not doc.text:
            yield FormatError(f"{where}: document {number} has no text; remove it from the DocBin.")
            continue
        meta = doc.user_data.get("annot") if isinstance(doc.user_data.get("annot"), dict) else {}
        yield ForeignDocument(
            text=doc.text, where=where, title=_str(meta.get("title")), lang=_str(meta.get("lang")),
            meta={k: v for k, v in meta.items() if k not in ("title", "lang") and v is not None},
            spans=tuple(_spans(doc)),
        )  # fmt: skip


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _spans(doc: Any) -> Iterator[ForeignSpan]:
    ours = [g for g in GROUPS if g in doc.spans]
    found = [(span, GROUPS[g]) for g in ours for span in doc.spans[g]]
    if not ours:  # a DocBin from elsewhere: spancat's default group and the entities
        found = [(span, "accepted") for span in (*doc.spans.get("sc", ()), *doc.ents)]
    seen: set[tuple[int, int, str, str]] = set()
    for span, status in found:
        key = user_data_key(span.start_char, span.end_char, span.label_, span.id_)
        if key in seen or not span.label_:
            continue
        seen.add(key)
        data = doc.user_data.get(key) if isinstance(doc.user_data.get(key), dict) else {}
        attrs = data.get("attrs") if isinstance(data.get("attrs"), dict) else {}
        annotator = data.get("annotator") if isinstance(data.get("annotator"), str) else None
        yield ForeignSpan(span.start_char, span.end_char, span.label_, dict(attrs), span.id_ or None, annotator, status)
