"""Prodigy JSONL: one annotation task per line, with tokens, token-aligned spans and an answer.

Export (``write``), per document:

- its **accepted** spans in one task with ``"answer": "accept"`` (as ``ner_manual``/``spans_manual`` save
  them; a document without spans gets one such task with no spans: annotated, nothing found);
- its **pending** spans (suggestions not yet decided) in one task *without* an answer: a task to correct,
  as Prodigy's ``ner.correct`` streams pre-highlighted spans;
- each **rejected** span in a task of its own with ``"answer": "reject"``: Prodigy's binary answer
  (``ner.teach``) says no to the one span the task shows, not to a whole document.

Every task holds ``text``, ``tokens`` (``text``, ``start``, ``end``, ``id``, ``ws``: spaCy's blank tokenizer of
the document's language, ``annot.export.tokens``), ``spans`` (``start``, ``end``, ``label``,
``token_start``, ``token_end`` *inclusive*, plus annot's ``id``, ``attrs`` and ``annotator``, extra keys that
Prodigy keeps in the tasks it saves), Prodigy ``relations`` for a STANCE's ``holder_span``/``target_span``
(label ``HOLDER``/``TARGET``, head the ACTOR, child the STANCE) when both spans are in the task, and ``meta``
(document id, title, language, source, date: shown in Prodigy's card). A span off the token boundaries
is left out (counted, with an example); a ``*_span`` attribute naming a left-out span is dropped and counted.

Import (``read``): tasks with the same text are one document; ``accept`` -> accepted, ``reject`` ->
rejected, no answer -> pending, ``ignore`` -> the text without its spans (the annotator skipped it);
attributes from a span's ``attrs``, else a STANCE's holder/target from the task's relations.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annot.errors import FormatError
from annot.export.formats import DOCUMENT_META_KEYS, ForeignDocument, ForeignSpan, LeftOut, iter_documents
from annot.export.tokens import NOT_ON_TOKENS, Tokens, example, kept_attrs
from annot.fileio import atomic_text_file

__all__ = ["SUFFIX", "read", "to_tasks", "write"]

SUFFIX = "prodigy.jsonl"
Record = dict[str, Any]
ANSWER_OF = {"accepted": "accept", "rejected": "reject"}
STATUS_OF = {"accept": "accepted", "reject": "rejected", None: "pending"}
ANSWERS = ("accept", "reject", "ignore")
#: A STANCE attribute naming another span <-> a Prodigy relation label.
RELATIONS = {"holder_span": "HOLDER", "target_span": "TARGET"}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_string = json.encoder.encode_basestring  # a str as _ENCODER writes it (ensure_ascii=False)


def write(records: Iterable[Record], out: Path, left_out: LeftOut) -> tuple[int, int]:
    """Write annot/1 document records as Prodigy tasks to ``out`` (atomically).

    Returns:
        How many documents and spans were written.

    Raises:
        OutputError: ``out`` cannot be written; it is unchanged.
    """
    documents = spans = 0
    with atomic_text_file(out) as fh:
        for record in iter_documents(records):
            documents += 1
            text, tokens, tasks = _convert(record, left_out)
            # A document's text and tokens are the same in each of its tasks: encoded once, by hand (the
            # tokens are most of the file; formatting them is 3x faster than encoding dicts), same bytes.
            head = f'{{"text":{_string(text)},"tokens":{_tokens_json(text, tokens)},'
            for task in tasks:
                fh.write(head + _ENCODER.encode(task)[1:] + "\n")
                spans += len(task["spans"])
    return documents, spans


def _tokens_json(text: str, tokens: Tokens) -> str:
    """The ``tokens`` list as ``_ENCODER`` writes it."""
    texts = map(_string, map(text.__getitem__, map(slice, tokens.starts, tokens.ends)))
    ends = [',"ws":true}' if space else ',"ws":false}' for space in tokens.spaces]
    rows = [f'{{"text":{t},"start":{s},"end":{e},"id":{i}{w}'
            for t, s, e, i, w in zip(texts, tokens.starts, tokens.ends, range(len(ends)), ends)]  # fmt: skip
    return "[" + ",".join(rows) + "]"


def to_tasks(record: Record, left_out: LeftOut) -> list[Record]:
    """The Prodigy tasks of one annot/1 document record (see the module docstring)."""
    text, found, tasks = _convert(record, left_out)
    tokens = [{"text": text[start:end], "start": start, "end": end, "id": i, "ws": ws}
              for i, (start, end, ws) in enumerate(found.offsets())]  # fmt: skip
    return [{"text": text, "tokens": tokens, **task} for task in tasks]


def _convert(record: Record, left_out: LeftOut) -> tuple[str, Tokens, list[Record]]:
    """The document's text, its tokens, and its tasks without text and tokens."""
    text = record["text"]
    tokens = Tokens(text, record.get("lang"))
    placed: list[tuple[Record, Record]] = []  # (annot span, Prodigy span)
    for span in record.get("spans", ()):
        bounds = tokens.bounds(span["start"], span["end"])
        if bounds is None:
            left_out.add(NOT_ON_TOKENS, example(span["label"], span["text"], record["id"], span["start"], span["end"]))
            continue
        placed.append((span, {
            "start": span["start"], "end": span["end"], "token_start": bounds[0], "token_end": bounds[1] - 1,
            "label": span["label"], "id": span["id"],
        }))  # fmt: skip
    written = {span["id"] for span, _ in placed}
    for span, task_span in placed:
        attrs = kept_attrs(span, record["id"], written, left_out)
        if attrs:
            task_span["attrs"] = attrs
        if span.get("annotator"):
            task_span["annotator"] = span["annotator"]
    meta = {key: record[key] for key in DOCUMENT_META_KEYS if record.get(key) is not None}
    by_status: dict[str, list[Record]] = {"accepted": [], "pending": [], "rejected": []}
    for span, task_span in placed:
        by_status.setdefault(span.get("status", "accepted"), []).append(task_span)
    tasks = []
    if by_status["accepted"] or not (by_status["pending"] or by_status["rejected"]):
        tasks.append(_task(by_status["accepted"], meta, "accept"))
    if by_status["pending"]:
        tasks.append(_task(by_status["pending"], meta, None))
    for task_span in by_status["rejected"]:
        tasks.append(_task([task_span], meta, "reject"))
    return text, tokens, tasks


def _task(spans: list[Record], meta: Record, answer: str | None) -> Record:
    task: Record = {"spans": spans}
    by_id = {s["id"]: s for s in spans}
    relations = [
        {"head": by_id[s["attrs"][key]]["token_end"], "child": s["token_end"],
         "head_span": _bare(by_id[s["attrs"][key]]), "child_span": _bare(s), "label": label}
        for s in spans for key, label in RELATIONS.items() if s.get("attrs", {}).get(key) in by_id
    ]  # fmt: skip
    if relations:
        task["relations"] = relations
    task["meta"] = meta
    if answer is not None:
        task["answer"] = answer
    return task


def _bare(span: Record) -> Record:
    return {k: span[k] for k in ("start", "end", "token_start", "token_end", "label")}


# -- import --------------------------------------------------------------------


def read(path: Path) -> Iterator[ForeignDocument | FormatError]:
    """The documents of a Prodigy JSONL file (tasks with the same text joined), or one error per bad line."""
    docs: dict[str, tuple[str, Record, list[ForeignSpan]]] = {}
    try:
        # Lines end at \n only: JSON writes U+2028 and NEL raw, where str.splitlines would cut a task in two.
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        yield FormatError(f"{path}:1: cannot read it ({exc}); give a UTF-8 Prodigy JSONL file (prodigy db-out).")
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            task = json.loads(line)
            text, meta, spans = _from_task(task, where)
        except json.JSONDecodeError as exc:
            yield FormatError(f"{where}: not JSON ({exc.msg}); each line must be one Prodigy task object.")
            continue
        except FormatError as exc:
            yield exc
            continue
        found = docs.setdefault(text, (where, meta, []))
        seen = {(s.start, s.end, s.label, s.status, s.ref) for s in found[2]}
        found[2].extend(s for s in spans if (s.start, s.end, s.label, s.status, s.ref) not in seen)
    for text, (where, meta, spans) in docs.items():
        yield ForeignDocument(
            text=text, where=where, title=_str(meta.get("title")), lang=_str(meta.get("lang")),
            meta={k: v for k, v in meta.items() if k not in ("title", "lang")}, spans=tuple(spans),
        )  # fmt: skip


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _from_task(task: Any, where: str) -> tuple[str, Record, list[ForeignSpan]]:
    if not isinstance(task, dict):
        raise FormatError(f"{where}: a {type(task).__name__}, not a task; each line must be a JSON object.")
    text = task.get("text")
    if not isinstance(text, str) or not text:
        raise FormatError(f'{where}: no "text"; a Prodigy task needs its text as a non-empty string.')
    answer = task.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise FormatError(f'{where}: "answer" is {answer!r}; use one of {", ".join(ANSWERS)} or leave it out.')
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    raw = task.get("spans", [])
    if not isinstance(raw, list):
        raise FormatError(f'{where}: "spans" is not a list; give a list of {{"start", "end", "label"}} objects.')
    spans = [_span(s, n, text, where, answer, task) for n, s in enumerate(raw)]
    if answer == "ignore":
        spans = []
    _relations(task, spans, where)
    return text, dict(meta), spans


def _span(raw: Any, n: int, text: str, where: str, answer: str | None, task: Record) -> ForeignSpan:
    if not isinstance(raw, dict):
        raise FormatError(f'{where}: span {n} is not an object; give {{"start", "end", "label"}}.')
    start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise FormatError(f'{where}: span {n} has no integer "start"/"end"; give character offsets in the text.')
    if not 0 <= start < end <= len(text):
        raise FormatError(
            f"{where}: span {n} at {start}-{end} is outside the text (0-{len(text)}) or empty;"
            " fix its offsets or remove it."
        )
    if not isinstance(label, str) or not label:
        raise FormatError(f'{where}: span {n} has no "label"; give its label (ACTOR, QUANTITY, STANCE).')
    attrs = raw.get("attrs") if isinstance(raw.get("attrs"), dict) else {}
    ref = raw.get("id") if isinstance(raw.get("id"), str) else f"{where}#{n}"
    annotator = raw.get("annotator") if isinstance(raw.get("annotator"), str) else _str(task.get("_annotator_id"))
    return ForeignSpan(start, end, label, dict(attrs), ref, annotator, STATUS_OF.get(answer, "pending"))


def _relations(task: Record, spans: list[ForeignSpan], where: str) -> None:
    """A relation HOLDER/TARGET of the task as the child's ``holder_span``/``target_span``, unless ``attrs`` has it."""
    relations = task.get("relations")
    if not isinstance(relations, list):
        return
    key_of = {label: key for key, label in RELATIONS.items()}
    at = {(s.start, s.end, s.label): n for n, s in enumerate(spans)}
    for relation in relations:
        if not isinstance(relation, dict) or relation.get("label") not in key_of:
            continue
        head, child = relation.get("head_span"), relation.get("child_span")
        if not (isinstance(head, dict) and isinstance(child, dict)):
            continue
        h = at.get((head.get("start"), head.get("end"), head.get("label")))
        c = at.get((child.get("start"), child.get("end"), child.get("label")))
        key = key_of[relation["label"]]
        if h is None or c is None or key in spans[c].attrs:
            continue
        old = spans[c]
        spans[c] = ForeignSpan(
            old.start, old.end, old.label, {**old.attrs, key: spans[h].ref}, old.ref, old.annotator, old.status
        )
