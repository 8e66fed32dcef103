"""The label schema: defaults, per-project overrides and attribute validation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from annot.errors import SchemaError, SpanError
from annot.schema import Attribute, LabelSchema, load_schema


@pytest.fixture
def schema() -> LabelSchema:
    return load_schema()


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "annot.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_load_schema_default_labels_and_attributes(schema):
    assert schema.source == "default"
    assert schema.names == ["ACTOR", "QUANTITY", "STANCE"]
    assert list(schema.labels["QUANTITY"].attributes) == ["value", "unit", "qualifier", "low", "high"]
    actor = schema.label("ACTOR")
    assert (actor.color, actor.key) == ("#1f77b4", "1")
    assert actor.attributes["type"].type == "enum"
    assert "military unit" in actor.attributes["type"].choices
    holder = schema.labels["STANCE"].attributes["holder_span"]
    assert holder == Attribute(name="holder_span", type="span", labels=("ACTOR",), description=holder.description)
    assert not any(a.required for label in schema.labels.values() for a in label.attributes.values())


@pytest.mark.parametrize("project_file", [None, "missing.toml"])
def test_load_schema_without_project_file_is_default(tmp_path, project_file):
    schema = load_schema(None if project_file is None else tmp_path / project_file)
    assert schema.source == "default"
    assert schema == load_schema()


def test_load_schema_project_file_adds_replaces_and_disables(tmp_path):
    path = write(
        tmp_path,
        """
        [labels.EVENT]
        description = "Something that happened."
        color = "#9467bd"
        key = "4"
        [labels.EVENT.attributes.kind]
        type = "enum"
        choices = ["attack", "talks", "exercise"]
        required = true

        [labels.ACTOR.attributes.role]
        type = "text"

        [labels.STANCE]
        disabled = true
    """,
    )
    schema = load_schema(path)
    assert schema.source == str(path)
    assert schema.names == ["ACTOR", "QUANTITY", "EVENT"]
    assert list(schema.labels["ACTOR"].attributes) == ["role"]
    assert schema.labels["ACTOR"].color == "#7f7f7f"  # a label table replaces the default whole
    assert schema.labels["EVENT"].attributes["kind"].required
    assert schema.labels["QUANTITY"] == load_schema().labels["QUANTITY"]
    with pytest.raises(
        SpanError, match=rf"Unknown label 'STANCE'. Valid labels: ACTOR, QUANTITY, EVENT \(schema: {path}"
    ):
        schema.label("STANCE")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[labels.EVENT\n", ["is not valid TOML", "remove it to use the defaults"]),
        ("labels = 3\n", ["[labels] must be a table"]),
        ("[labels]\nEVENT = 'x'\n", ["labels.EVENT must be a table"]),
        (
            "[labels.EVENT.attributes.kind]\ntype = 'date'\n",
            ["labels.EVENT.attributes.kind has type 'date'", "enum, text, number, span"],
        ),
        ("[labels.EVENT.attributes]\nkind = 'enum'\n", ["labels.EVENT.attributes.kind has type None"]),
        ("[labels.EVENT]\nattributes = ['kind']\n", ["labels.EVENT.attributes must be a table"]),
        (
            "[labels.EVENT.attributes.kind]\ntype = 'enum'\n",
            ["enum attribute EVENT.kind needs a non-empty `choices` list"],
        ),
        (
            "[labels.EVENT.attributes.kind]\ntype = 'enum'\nchoices = 'abc'\n",
            ["EVENT.kind.choices must be a list of strings"],
        ),
        (
            "[labels.EVENT.attributes.who]\ntype = 'span'\nlabels = 'ACTOR'\n",
            ["EVENT.who.labels must be a list of strings"],
        ),
        (
            "[labels.ACTOR]\ndisabled = true\n[labels.QUANTITY]\ndisabled = true\n[labels.STANCE]\ndisabled = true\n",
            ["disables every label"],
        ),
    ],
)
def test_load_schema_invalid_project_file_raises_schema_error_naming_file(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(SchemaError) as info:
        load_schema(path)
    assert str(path) in str(info.value)
    for word in words:
        assert word in str(info.value)


def test_load_schema_non_utf8_file_raises_schema_error(tmp_path):
    path = write(tmp_path, "[labels.ÉVÉNEMENT]\n".encode("latin-1"))
    with pytest.raises(SchemaError, match="UTF-8") as info:
        load_schema(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("label", "attrs", "expected"),
    [
        ("QUANTITY", {"value": 9000.0}, {"value": 9000}),
        ("QUANTITY", {"value": -3.0}, {"value": -3}),
        ("QUANTITY", {"value": 2.5}, {"value": 2.5}),
        ("QUANTITY", {"value": 2.0**60}, {"value": 2.0**60}),
        ("QUANTITY", {"value": 12, "unit": "tanks", "qualifier": None}, {"unit": "tanks", "value": 12}),
        (
            "QUANTITY",
            {"unit": "km", "value": 1, "qualifier": "up to"},
            {"qualifier": "up to", "unit": "km", "value": 1},
        ),
        ("QUANTITY", {"qualifier": "range", "low": 10.0, "high": 20}, {"high": 20, "low": 10, "qualifier": "range"}),
        ("ACTOR", {"type": "state", "canonical": "Russia"}, {"canonical": "Russia", "type": "state"}),
        ("ACTOR", {"type": None, "canonical": None}, {}),
        ("STANCE", {"polarity": "opposes", "holder": "author"}, {"holder": "author", "polarity": "opposes"}),
    ],
)
def test_validate_normalizes_numbers_drops_none_and_sorts(schema, label, attrs, expected):
    out = schema.validate(label, attrs)
    assert out == expected
    assert list(out) == sorted(out)
    for name, value in expected.items():
        assert type(out[name]) is type(value)


@pytest.mark.parametrize(
    ("label", "attrs", "match"),
    [
        ("PERSON", {}, r"Unknown label 'PERSON'. Valid labels: ACTOR, QUANTITY, STANCE"),
        ("ACTOR", {"kind": "x"}, r"Unknown attribute 'kind' for label ACTOR. Valid attributes: type, canonical"),
        ("ACTOR", {"type": "country"}, r"Invalid value 'country' for ACTOR.type. Valid values: state, "),
        ("QUANTITY", {"value": "12"}, r"QUANTITY.value must be a finite number, got '12'"),
        ("QUANTITY", {"value": False}, r"QUANTITY.value must be a finite number, got False"),
        ("QUANTITY", {"value": math.nan}, r"QUANTITY.value must be a finite number, got nan"),
        ("QUANTITY", {"high": -math.inf}, r"QUANTITY.high must be a finite number, got -inf"),
        ("QUANTITY", {"qualifier": "range", "high": 3}, r"QUANTITY with qualifier 'range' needs both 'low' and 'high'"),
        ("ACTOR", {"canonical": ""}, r"ACTOR.canonical must be non-empty text, got ''"),
        ("STANCE", {"holder_span": ""}, r"STANCE.holder_span must be a span id, got ''"),
        ("ACTOR", "type=state", r"must be a dict of name -> value, got str"),
    ],
)
def test_validate_rejects_invalid_attrs(schema, label, attrs, match):
    with pytest.raises(SpanError, match=match):
        schema.validate(label, attrs)


def test_validate_enforces_required_attributes(tmp_path):
    schema = load_schema(
        write(tmp_path, "[labels.EVENT.attributes.kind]\ntype = 'enum'\nchoices = ['a']\nrequired = true\n")
    )
    assert schema.validate("EVENT", {"kind": "a"}) == {"kind": "a"}
    with pytest.raises(SpanError, match="Label EVENT requires attribute 'kind'"):
        schema.validate("EVENT", {"kind": None})


def test_label_without_attributes_lists_none(tmp_path):
    schema = load_schema(write(tmp_path, "[labels.PLACE]\ncolor = '#000000'\n"))
    with pytest.raises(SpanError, match="Valid attributes: none"):
        schema.validate("PLACE", {"x": 1})
