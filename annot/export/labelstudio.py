"""Label Studio JSON tasks and the labelling config that matches the project's schema.

The file is a JSON array, one task a document, one task a line::

    {"id": 1, "data": {"text": "...", "annot": {"doc_id", "title", "lang", "annotators": {region: name}}},
     "annotations": [{"id": 1, "result": [...]}],          # accepted spans, one annotation per annotator
     "predictions": [{"model_version": "suggest:actors.v1", "result": [...]}]}   # pending suggestions

A span is a ``labels`` region (``value: {start, end, text, labels: [LABEL]}``) whose ``id`` is the
span's id; each attribute is a per-region result with the same ``id``: ``choices`` for an enum,
``textarea`` for text and numbers (written as text, read back as numbers through the schema),
named ``<label>_<attribute>`` in lower case (``actor_type``); a ``*_span`` attribute is a
``relation`` result labelled with its name less ``_span`` (``holder``, ``target``). Label Studio
keeps ``data`` as it is, so the document's id, title, language and each region's annotator
go there. Rejected suggestions are left out and reported. Offsets are code points, as Label
Studio's own since 1.4. ``labelstudio_config`` is the ``<View>`` for a project's schema;
``annot export --format label-studio`` writes it beside the tasks (``*.config.xml``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

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

if TYPE_CHECKING:
    from annot.schema import LabelSchema

__all__ = [
    "META_KEY",
    "SUFFIX",
    "USES_SCHEMA",
    "control_name",
    "labelstudio_config",
    "read",
    "to_task",
    "write",
    "write_beside",
]

#: The file name ending of ``annot export --format label-studio``.
SUFFIX = "label-studio.json"
#: ``write`` and ``read`` take the project's ``schema`` (``annot.exchange`` passes it).
USES_SCHEMA = True
#: The key of ``data`` holding what Label Studio has no field for.
META_KEY = "annot"
LABELS, TEXT = "label", "text"  # the names of the <Labels> and <Text> tags of the config
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_FIX = "export it again from Label Studio (Export, JSON) or fix that task"


def control_name(label: str, attr: str) -> str:
    """The name of the per-region control holding ``label``'s attribute ``attr`` (``actor_type``)."""
    return f"{label}_{attr}".lower()


def _schema(schema: LabelSchema | None) -> LabelSchema:
    from annot.schema import load_schema

    return schema if schema is not None else load_schema()


def write(
    records: Iterable[dict[str, Any]], out: Path, left_out: LeftOut, *, schema: LabelSchema | None = None
) -> tuple[int, int]:
    """Write annot/1 document records as Label Studio tasks to ``out``, atomically, one task a line.

    Returns:
        How many tasks and regions were written.

    Raises:
        OutputError: ``out`` cannot be written.
    """
    schema = _schema(schema)
    documents = spans = 0
    with atomic_text_file(out) as f:
        f.write("[")
        for record in iter_documents(records):
            task, regions = to_task(record, documents + 1, left_out, schema)
            f.write(("," if documents else "") + "\n" + _ENCODER.encode(task))
            documents, spans = documents + 1, spans + regions
        f.write("\n]\n")
    return documents, spans


def to_task(record: Mapping[str, Any], task_id: int, left_out: LeftOut, schema: LabelSchema) -> tuple[dict, int]:
    """One annot/1 document record as a Label Studio task, and how many regions it holds."""
    kept = []
    for span in record.get("spans", ()):
        if span.get("status") == "rejected":
            left_out.add("rejected suggestion (Label Studio has no status)", _example(span, record))
        else:
            kept.append(span)
    exported = {s["id"] for s in kept}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for span in kept:
        kind = "predictions" if span.get("status") == "pending" else "annotations"
        groups.setdefault((kind, span.get("annotator") or ""), []).extend(
            _results(span, record, exported, left_out, schema)
        )
    task: dict[str, Any] = {
        "id": task_id,
        "data": {TEXT: record["text"], META_KEY: {
            "doc_id": record.get("id"), "title": record.get("title"), "lang": record.get("lang"),
            "annotators": {s["id"]: s.get("annotator") for s in kept},
        }},
        "annotations": [], "predictions": [],
    }  # fmt: skip
    for (kind, annotator), result in groups.items():
        if kind == "annotations":
            task[kind].append({"id": len(task[kind]) + 1, "result": result})
        else:
            task[kind].append({"model_version": annotator, "result": result})
    return task, len(kept)


def _results(
    span: Mapping[str, Any], record: Mapping[str, Any], exported: set[str], left_out: LeftOut, schema: LabelSchema
) -> list[dict[str, Any]]:
    region, label = span["id"], span["label"]
    where = {"start": span["start"], "end": span["end"]}
    common = {"id": region, "to_name": TEXT}
    found = [{**common, "from_name": LABELS, "type": "labels", "value": {**where, "text": span.get("text") or
              record["text"][span["start"] : span["end"]], "labels": [label]}}]  # fmt: skip
    for name, value in span.get("attrs", {}).items():
        if name.endswith(RELATION_SUFFIX):
            if value in exported:
                found.append({"from_id": region, "to_id": value, "type": "relation", "direction": "right",
                              "labels": [relation_of_attr(name)]})  # fmt: skip
            else:
                left_out.add(f"{name} naming a span not exported (rejected or missing)", _example(span, record))
        elif isinstance(value, str) and _is_choice(schema, label, name):
            found.append({**common, "from_name": control_name(label, name), "type": "choices",
                          "value": {**where, "choices": [value]}})  # fmt: skip
        else:
            written = value if isinstance(value, str) else json.dumps(value)
            found.append({**common, "from_name": control_name(label, name), "type": "textarea",
                          "value": {**where, "text": [written]}})  # fmt: skip
    return found


def _is_choice(schema: LabelSchema, label: str, name: str) -> bool:
    spec = schema.labels.get(label)
    return spec is not None and name in spec.attributes and spec.attributes[name].type == "enum"


def _example(span: Mapping[str, Any], record: Mapping[str, Any]) -> str:
    return f"{span['label']} {span.get('text', '')!r} in {record.get('id')} at {span['start']}-{span['end']}"


def labelstudio_config(schema: LabelSchema) -> str:
    """The Label Studio labelling config (``<View>`` XML) for ``schema``: labels, per-region attributes, relations.

    Each label's attributes show when one of its regions is selected: a ``<Choices>`` per enum attribute,
    a ``<TextArea>`` per text or number attribute; each ``span`` attribute is a ``<Relation>``.
    """
    lines = ["<View>", f"  <Labels name={quoteattr(LABELS)} toName={quoteattr(TEXT)}>"]
    lines += [
        f"    <Label value={quoteattr(lb.name)} background={quoteattr(lb.color)}/>" for lb in schema.labels.values()
    ]
    # Label Studio trims spaces in what it shows unless told not to; offsets count every one of them.
    lines += ["  </Labels>", "  <Style>.htx-text { white-space: pre-wrap; }</Style>"]
    lines += [f"  <Text name={quoteattr(TEXT)} value={quoteattr('$' + TEXT)}/>"]
    relations = sorted({relation_of_attr(a.name) for lb in schema.labels.values() for a in lb.attributes.values()
                        if a.type == "span"})  # fmt: skip
    if relations:
        lines += ["  <Relations>", *(f"    <Relation value={quoteattr(r)}/>" for r in relations), "  </Relations>"]
    for label in schema.labels.values():
        attrs = [a for a in label.attributes.values() if a.type != "span"]
        if not attrs:
            continue
        lines.append(f'  <View visibleWhen="region-selected" whenTagName={quoteattr(LABELS)}'
                     f" whenLabelValue={quoteattr(label.name)}>")  # fmt: skip
        for attr in attrs:
            name, head = quoteattr(control_name(label.name, attr.name)), quoteattr(f"{label.name} {attr.name}")
            lines.append(f"    <Header value={head}/>")
            if attr.type == "enum":
                lines.append(f'    <Choices name={name} toName={quoteattr(TEXT)} perRegion="true" choice="single">')
                lines += [f"      <Choice value={quoteattr(c)}/>" for c in attr.choices]
                lines.append("    </Choices>")
            else:
                lines.append(
                    f'    <TextArea name={name} toName={quoteattr(TEXT)} perRegion="true" maxSubmissions="1"/>'
                )
        lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def write_beside(schema: LabelSchema, out: Path) -> tuple[Path, ...]:
    """Write the labelling config for ``schema`` next to ``out`` (``corpus.label-studio.config.xml``), atomically."""
    config = out.with_name(out.name.removesuffix(".json") + ".config.xml")
    with atomic_text_file(config) as f:
        f.write(labelstudio_config(schema))
    return (config,)


def read(path: Path, *, schema: LabelSchema | None = None) -> Iterator[ForeignDocument | FormatError]:
    """The tasks of a Label Studio JSON export (an array of tasks, or one task), one ``FormatError`` per bad task.

    Annotations come back accepted (their annotator from ``data.annot``, else ``completed_by``),
    predictions pending (their annotator the ``model_version``).
    """
    schema = _schema(schema)
    try:
        text = Path(path).read_text("utf-8")
    except UnicodeDecodeError as exc:
        yield FormatError(f"{path}:1: not UTF-8 text ({exc.reason}); save it as UTF-8 JSON")
        return
    try:
        for line, task in _tasks(text):
            where = f"{path}:{line}"
            try:
                yield _from_task(task, where, schema)
            except _Bad as exc:
                yield FormatError(f"{where}: {exc}; {_FIX}")
    except _NotJson as bad:
        exc = bad.error
        yield FormatError(f"{path}:{bad.line}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); {_FIX}")


class _NotJson(Exception):
    """The file stops being JSON in the task starting on ``line``."""

    def __init__(self, line: int, error: json.JSONDecodeError) -> None:
        super().__init__(str(error))
        self.line, self.error = line, error


def _tasks(text: str) -> Iterator[tuple[int, Any]]:
    """Each task of a JSON array (or a lone task) with the line it starts on.

    Raises:
        _NotJson: where the JSON breaks, with the line of the task it breaks in.
    """
    decoder = json.JSONDecoder()
    at = _skip(text, 0)
    line = text.count("\n", 0, at) + 1
    try:
        if not text.startswith("[", at):
            yield line, json.loads(text)
            return
        at, counted = at + 1, at
        while True:
            at = _skip(text, at)
            line, counted = line + text.count("\n", counted, at), at
            if text.startswith("]", at):
                if text[at + 1 :].strip():
                    raise json.JSONDecodeError("Extra data", text, at + 1)
                return
            task, at = decoder.raw_decode(text, at)
            yield line, task
            at = _skip(text, at)
            if text.startswith(",", at):
                at += 1
            elif not text.startswith("]", at):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, at)
    except json.JSONDecodeError as exc:
        raise _NotJson(line, exc) from exc


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


class _Bad(Exception):
    """A problem with one task, its message without the place."""


def _from_task(task: Any, where: str, schema: LabelSchema) -> ForeignDocument:
    """One Label Studio task as a document; ``where`` is FILE:LINE.

    Raises:
        _Bad: the task is not a text task with regions inside its text.
    """
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get(TEXT), str) or not data[TEXT]:
        raise _Bad('not a Label Studio text task (an object with "data": {"text": ...})')
    text = data[TEXT]
    meta = data.get(META_KEY) if isinstance(data.get(META_KEY), dict) else {}
    named = meta.get("annotators") if isinstance(meta.get("annotators"), dict) else {}
    regions: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for kind, status in (("annotations", "accepted"), ("predictions", "pending")):
        groups = task.get(kind) or []
        if not isinstance(groups, list):
            raise _Bad(f'"{kind}" is not a list')
        for group in groups:
            if not isinstance(group, dict) or not isinstance(group.get("result", []), list):
                raise _Bad(f'an item of "{kind}" is not an object with a "result" list')
            if group.get("was_cancelled"):
                continue
            who = group.get("model_version") if kind == "predictions" else _completed_by(group.get("completed_by"))
            _regions(group.get("result", []), text, status, who, regions)
            results += group.get("result", [])
    # Relations and attributes after every region: a STANCE pending and its accepted holder are in two results.
    _attributes(results, regions, schema)
    spans = [
        ForeignSpan(r["start"], r["end"], r["label"], r["attrs"], ref=ref, status=r["status"],
                    annotator=named.get(ref) if isinstance(named.get(ref), str) else r["who"])
        for ref, r in regions.items()
    ]  # fmt: skip
    title, lang = meta.get("title"), meta.get("lang")
    return ForeignDocument(
        text, where, title=title if isinstance(title, str) else None, lang=lang if isinstance(lang, str) else None,
        meta={k: v for k, v in data.items() if k not in (TEXT, META_KEY)}, spans=tuple(spans),
    )  # fmt: skip


def _completed_by(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    return None if value is None or isinstance(value, bool) else str(value)


def _regions(results: list[Any], text: str, status: str, who: Any, regions: dict[str, dict[str, Any]]) -> None:
    for result in results:
        if not isinstance(result, dict):
            raise _Bad(f"result {result!r} is not an object")
        value = result.get("value") if isinstance(result.get("value"), dict) else {}
        if result.get("type") == "labels":
            region = str(result.get("id"))
            labels = value.get("labels")
            if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
                raise _Bad(f"region {region} has labels {labels!r}, not one label")
            if (problem := offsets_problem(text, value.get("start"), value.get("end"))) is not None:
                raise _Bad(f"region {region}: {problem}")
            who = who if who is None or isinstance(who, str) else str(who)
            regions[region] = {"attrs": {}, "start": value["start"], "end": value["end"], "label": labels[0],
                               "status": status, "who": who}  # fmt: skip


def _attributes(results: list[dict[str, Any]], regions: dict[str, dict[str, Any]], schema: LabelSchema) -> None:
    for result in results:
        kind, region = result.get("type"), str(result.get("id"))
        value = result.get("value") if isinstance(result.get("value"), dict) else {}
        if kind == "relation":
            source, target = str(result.get("from_id")), str(result.get("to_id"))
            for end_id in (source, target):
                if end_id not in regions:
                    raise _Bad(f"a relation names region {end_id}, which the task does not have")
            labels = result.get("labels") or []
            if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
                raise _Bad(f"the relation {source} -> {target} has labels {labels!r}, not one")
            if result.get("direction") == "left":
                source, target = target, source
            regions[source]["attrs"][attr_of_relation(labels[0])] = target
        elif kind in ("choices", "textarea"):
            if region not in regions:
                raise _Bad(f"a {kind} result names region {region}, which the task does not have")
            label = regions[region]["label"]
            attr = _attr(schema, label, str(result.get("from_name")))
            values = value.get("choices" if kind == "choices" else "text")
            if not isinstance(values, list) or len(values) != 1:
                raise _Bad(f"the {kind} of region {region} holds {values!r}, not one value")
            regions[region]["attrs"][attr] = _value(schema, label, attr, values[0], region)


def _attr(schema: LabelSchema, label: str, control: str) -> str:
    spec = schema.labels.get(label)
    for name in spec.attributes if spec is not None else ():
        if control_name(label, name) == control:
            return name
    prefix = control_name(label, "")
    if not control.startswith(prefix):
        raise _Bad(f"control {control!r} is not one of {label}'s attributes (named {prefix}<attribute>)")
    return control.removeprefix(prefix)


def _value(schema: LabelSchema, label: str, attr: str, value: Any, region: str) -> Any:
    spec = schema.labels.get(label)
    kind = spec.attributes[attr].type if spec is not None and attr in spec.attributes else "text"
    if kind != "number" or not isinstance(value, str):
        return value
    try:
        number = json.loads(value)
    except json.JSONDecodeError:
        number = None
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise _Bad(f"{label}.{attr} of region {region} is {value!r}, not a number")
    return number
