"""Every reader of another tool's file, on damaged files: a document or one ``FormatError``, never a traceback."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annot.errors import FormatError
from annot.exchange import import_as
from annot.export import doccano, labelstudio
from annot.export.formats import ForeignDocument
from annot.pipeline import open_project

_DOCCANO = {
    "id": 7, "text": "Minsk 😀 says Москва",
    "entities": [{"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 5},
                 {"id": 3, "label": "STANCE", "start_offset": 0, "end_offset": 19}],
    "relations": [{"id": 1, "from_id": 3, "to_id": 1, "type": "holder"}],
    "annot": {"doc_id": "x", "title": "t", "lang": "en",
              "spans": {"1": {"attrs": {"type": "state"}, "annotator": "a", "status": "pending"}}},
}  # fmt: skip
_LABEL_STUDIO = {
    "id": 3, "data": {"text": "Minsk 😀 denies it", "annot": {"title": "t", "annotators": {"x1": "a"}}},
    "annotations": [{"id": 9, "completed_by": 1, "result": [
        {"id": "x1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 5, "text": "Minsk", "labels": ["ACTOR"]}},
        {"id": "x1", "from_name": "actor_type", "to_name": "text", "type": "choices",
         "value": {"start": 0, "end": 5, "choices": ["state"]}},
        {"id": "x2", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 17, "text": "x", "labels": ["QUANTITY"]}},
        {"id": "x2", "from_name": "quantity_value", "to_name": "text", "type": "textarea",
         "value": {"start": 0, "end": 17, "text": ["9"]}},
        {"from_id": "x1", "to_id": "x2", "type": "relation", "direction": "left", "labels": ["holder"]}]}],
    "predictions": [{"model_version": "m", "result": []}],
}  # fmt: skip
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 30), st.floats(allow_nan=False), st.text(max_size=3),
    st.sampled_from([[], {}, [1], {"a": 1}, "ACTOR", "PLACE", "holder", ["x"], "x1", 1e400]),
)  # fmt: skip


def _paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield from _paths(inner, (*path, key))


def _put(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    value = copy.deepcopy(value)
    inner = value
    for key in path[:-1]:
        inner = inner[key]
    inner[path[-1]] = new
    return value


@st.composite
def _damaged(draw: st.DrawFn, good: dict[str, Any]) -> Any:
    value: Any = good
    for _ in range(draw(st.integers(1, 3))):
        value = _put(value, draw(st.sampled_from(list(_paths(value)))), draw(_VALUES))
    return value


def _write(folder: Path, format: str, value: Any) -> Path:
    if format == "doccano":
        path = folder / "f.jsonl"
        path.write_text(json.dumps(value, ensure_ascii=False) + "\n", "utf-8")
    else:
        path = folder / "f.json"
        path.write_text(json.dumps([value], ensure_ascii=False), "utf-8")
    return path


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=_damaged(_DOCCANO), task=_damaged(_LABEL_STUDIO))
def test_readers_give_a_document_or_a_format_error(line, task, tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    for module, format, value in ((doccano, "doccano", line), (labelstudio, "label-studio", task)):
        for found in module.read(_write(folder, format, value)):
            assert isinstance(found, ForeignDocument | FormatError), found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=_damaged(_DOCCANO), task=_damaged(_LABEL_STUDIO))
def test_imports_of_damaged_files_succeed_or_refuse_with_a_format_error(line, task, tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    for format, value in (("doccano", line), ("label-studio", task)):
        with open_project(folder / f"p-{format}") as store:
            try:
                import_as(store, _write(folder, format, value), format, lang="en")
            except FormatError as exc:
                assert str(exc).startswith(str(folder)) and "\n" not in str(exc)
