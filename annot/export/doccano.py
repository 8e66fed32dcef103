"""doccano's sequence-labelling JSONL with relations: the corpus out to doccano and back.

One line a document::

    {"id": 1, "text": "...", "entities": [{"id": 1, "label": "ACTOR", "start_offset": 108, "end_offset": 113}],
     "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "holder"}], "annot": {...}}

A ``*_span`` attribute (a STANCE's ``holder_span``, ``target_span``) is a relation from the
span to the one it names, its type the attribute's name less ``_span``. Everything else
doccano has no field for goes in the line's ``"annot"`` key, which doccano keeps as the
example's metadata on import and writes back at the top of the line on export:
``{"doc_id", "title", "lang", "spans": {entity id: {"attrs", "annotator", "status", "at"}}}``.
``at`` is the entity's ``[start, end, label]``: doccano gives entities its own database ids
on import (``data_import/pipeline/builders.py`` keeps every other key of a line as the
example's ``meta``; ``data_export/models.py`` writes ``{"id", "text", **meta}`` back), so a
file doccano exported names them otherwise than ``spans`` does, and the metadata is found
by where the entity is, never given to another entity whose new id happens to be an old one
(entities at one place with one label, two annotators' or two stances, are matched in file
order, which doccano keeps).
Pending suggestions are written (their status in ``annot``), rejected ones are left out
and reported. A plain doccano file (without ``annot``, or with doccano's older
``"label": [[start, end, "LABEL"], ...]``) imports too: its spans accepted, no attributes.
Offsets are code points, as doccano's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from annot.errors import FormatError
from annot.export.formats import (
    RELATION_SUFFIX,
    ForeignDocument,
    ForeignSpan,
    LeftOut,
    attr_of_relation,
    iter_documents,
    offsets_problem,
    relation_of_attr,
)
from annot.fileio import atomic_text_file

__all__ = ["META_KEY", "SUFFIX", "read", "to_doccano", "write"]

#: The file name ending of ``annot export --format doccano``.
SUFFIX = "doccano.jsonl"
#: The top-level key holding what doccano has no field for (doccano keeps it as metadata).
META_KEY = "annot"
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_FIX = "export it again from doccano (Export Dataset, JSONL, relations) or fix that line"


def write(records: Iterable[dict[str, Any]], out: Path, left_out: LeftOut) -> tuple[int, int]:
    """Write annot/1 document records as doccano JSONL to ``out``, atomically.

    Returns:
        How many documents and entities were written.

    Raises:
        OutputError: ``out`` cannot be written.
    """
    documents = spans = 0
    next_id = [1, 1, 1]  # example, entity, relation: whole numbers unique in the file, as doccano's own
    with atomic_text_file(out) as f:
        for record in iter_documents(records):
            line = to_doccano(record, left_out, next_id)
            f.write(_ENCODER.encode(line) + "\n")
            documents += 1
            spans += len(line["entities"])
    return documents, spans


def to_doccano(record: Mapping[str, Any], left_out: LeftOut, next_id: list[int] | None = None) -> dict[str, Any]:
    """One annot/1 document record as a doccano line; ``next_id`` holds the next example, entity and relation ids
    (the document's own id is in ``annot.doc_id``)."""
    next_id = next_id if next_id is not None else [1, 1, 1]
    kept = [s for s in record.get("spans", ()) if s.get("status") != "rejected"]
    for span in record.get("spans", ()):
        if span.get("status") == "rejected":
            left_out.add("rejected suggestion (doccano has no status)", _example(span, record))
    ids: dict[str, int] = {}
    for span in kept:
        ids[span["id"]], next_id[1] = next_id[1], next_id[1] + 1
    entities, relations, meta = [], [], {}
    for span in kept:
        entity = ids[span["id"]]
        entities.append(
            {"id": entity, "label": span["label"], "start_offset": span["start"], "end_offset": span["end"]}
        )
        attrs = {}
        for name, value in span.get("attrs", {}).items():
            if not name.endswith(RELATION_SUFFIX):
                attrs[name] = value
            elif value in ids:
                relations.append(
                    {"id": next_id[2], "from_id": entity, "to_id": ids[value], "type": relation_of_attr(name)}
                )
                next_id[2] += 1
            else:
                left_out.add(f"{name} naming a span not exported (rejected or missing)", _example(span, record))
        meta[str(entity)] = {
            "attrs": attrs, "annotator": span.get("annotator"), "status": span.get("status"),
            "at": [span["start"], span["end"], span["label"]],
        }  # fmt: skip
    next_id[0] += 1
    return {
        "id": next_id[0] - 1, "text": record["text"], "entities": entities, "relations": relations,
        META_KEY: {"doc_id": record.get("id"), "title": record.get("title"), "lang": record.get("lang"), "spans": meta},
    }  # fmt: skip


def _example(span: Mapping[str, Any], record: Mapping[str, Any]) -> str:
    return f"{span['label']} {span.get('text', '')!r} in {record.get('id')} at {span['start']}-{span['end']}"


def read(path: Path) -> Iterator[ForeignDocument | FormatError]:
    """The documents of a doccano JSONL file, or one ``FormatError`` per bad line (``FILE:LINE: problem; fix``)."""
    with open(path, encoding="utf-8", errors="strict") as f:
        try:
            lines = list(f)
        except UnicodeDecodeError as exc:
            yield FormatError(f"{path}:1: not UTF-8 text ({exc.reason}); save it as UTF-8 JSONL")
            return
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield _from_doccano(json.loads(raw), where)
        except json.JSONDecodeError as exc:
            yield FormatError(f"{where}: not JSON ({exc.msg} at column {exc.colno}); {_FIX}")
        except _Bad as exc:
            yield FormatError(f"{where}: {exc}; {_FIX}")


class _Bad(Exception):
    """A problem with one line, its message without the place."""


def _from_doccano(line: Any, where: str) -> ForeignDocument:
    """One doccano line as a document; ``where`` is FILE:LINE.

    Raises:
        _Bad: the line is not a doccano sequence-labelling example.
    """
    if not isinstance(line, dict) or not isinstance(line.get("text"), str) or not line["text"]:
        raise _Bad('not a doccano example (an object with a non-empty "text")')
    text = line["text"]
    meta = line.get(META_KEY) if isinstance(line.get(META_KEY), dict) else {}
    span_meta = meta.get("spans") if isinstance(meta.get("spans"), dict) else {}
    entities = _entities(line)
    for ref, start, end, label in entities:
        if (problem := offsets_problem(text, start, end)) is not None:
            raise _Bad(f"entity {ref}: {problem}")
        if not isinstance(label, str) or not label:
            raise _Bad(f"entity {ref}: label {label!r} is not a name")
    extras = _metadata_of(entities, span_meta)
    attrs = {ref: dict(extras[ref]["attrs"]) if isinstance(extras[ref].get("attrs"), dict) else {}
             for ref, *_ in entities}  # fmt: skip
    if not isinstance(line.get("relations") or [], list):
        raise _Bad('"relations" is not a list')
    for relation in line.get("relations") or ():
        if not isinstance(relation, dict):
            raise _Bad(f"relation {relation!r} is not an object")
        source, target, kind = str(relation.get("from_id")), str(relation.get("to_id")), relation.get("type")
        for end_id in (source, target):
            if end_id not in attrs:
                raise _Bad(f"relation {relation.get('id')} names entity {end_id}, which the line does not have")
        if not isinstance(kind, str) or not kind:
            raise _Bad(f"relation {relation.get('id')} has no type")
        attrs[source][attr_of_relation(kind)] = target
    spans = []
    for ref, start, end, label in entities:
        extra = extras[ref]
        status = extra.get("status") if extra.get("status") in ("accepted", "pending") else "accepted"
        annotator = extra.get("annotator") if isinstance(extra.get("annotator"), str) else None
        spans.append(ForeignSpan(start, end, label, attrs[ref], ref=ref, annotator=annotator, status=status))
    title, lang = meta.get("title"), meta.get("lang")
    return ForeignDocument(
        text, where, title=title if isinstance(title, str) else None, lang=lang if isinstance(lang, str) else None,
        meta={k: v for k, v in line.items() if k not in ("id", "text", "entities", "relations", "label", META_KEY)},
        spans=tuple(spans),
    )  # fmt: skip


def _metadata_of(entities: list[tuple[str, Any, Any, Any]], span_meta: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each entity's ``annot`` metadata: the entry of its id when its ``at`` (if any) is the entity's place and
    label, else the first entry left whose ``at`` is (doccano renumbers entities), else none."""
    entries = {key: value for key, value in span_meta.items() if isinstance(value, dict)}
    found: dict[str, dict[str, Any]] = {}
    for ref, start, end, label in entities:
        entry = entries.get(ref)
        if entry is not None and entry.get("at", [start, end, label]) == [start, end, label]:
            found[ref] = entries.pop(ref)
    left = [(key, entry) for key, entry in entries.items() if "at" in entry]
    for ref, start, end, label in entities:
        if ref in found:
            continue
        match = next((i for i, (_, entry) in enumerate(left) if entry["at"] == [start, end, label]), None)
        found[ref] = left.pop(match)[1] if match is not None else {}
    return found


def _entities(line: Mapping[str, Any]) -> list[tuple[str, Any, Any, Any]]:
    """``(ref, start, end, label)`` of each entity, from ``entities`` or doccano's older ``label`` triples."""
    found = []
    if "entities" in line:
        if not isinstance(line["entities"], list):
            raise _Bad('"entities" is not a list')
        for n, entity in enumerate(line["entities"]):
            if not isinstance(entity, dict):
                raise _Bad(f"entity {entity!r} is not an object")
            ref = str(entity.get("id", f"#{n}"))
            found.append((ref, entity.get("start_offset"), entity.get("end_offset"), entity.get("label")))
    elif isinstance(line.get("label"), list):
        for n, triple in enumerate(line["label"]):
            if not isinstance(triple, list) or len(triple) != 3:
                raise _Bad(f"label {triple!r} is not [start, end, LABEL]")
            found.append((f"#{n}", *triple))
    if len({ref for ref, *_ in found}) != len(found):
        raise _Bad("two entities have the same id")
    return found
