"""The label schema: which labels exist and which attributes each may carry; and the one reader of annot.toml.

The default schema ships with the package (``schema_default.toml``); a project
overrides or extends it with an ``annot.toml`` file in its folder, using the
same ``[labels.NAME]`` tables. A label table in the project file replaces the
default label of that name whole; ``[labels.NAME] disabled = true`` removes one.

The stance suggester's cue phrases are ``[stance_cues.KIND]`` tables, language ->
phrases (``StanceCues``). Unlike labels they merge: a project's phrases are added
to the defaults, and a phrase written ``"-said"`` removes a default one.

The project file holds other tables too, each read by its feature through
``read_project_file``: ``[aliases]`` (``annot.compare.aliases``),
``[translate]`` (``annot.translate.routes.preferred_engines``) and ``[team]``
(``annotator``: the project's default annotator, ``annot.store.default_annotator``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from annot.errors import SchemaError, SpanError

__all__ = [
    "CUE_KINDS",
    "PROJECT_FILE",
    "Attribute",
    "Label",
    "LabelSchema",
    "StanceCues",
    "load_schema",
    "project_folder",
    "read_project_file",
]

#: The project file in a project folder: label schema, ``[aliases]``, ``[translate]``.
PROJECT_FILE = "annot.toml"
ATTRIBUTE_TYPES = ("enum", "text", "number", "span")
#: The kinds of stance cue phrases, each with its holder rule (see ``schema_default.toml``).
CUE_KINDS = ("reported", "according", "claimed", "alleged", "passive", "that", "ignore")
CueTable = Mapping[str, Mapping[str, tuple[str, ...]]]  # kind -> language -> phrases


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute of a label (``type`` is one of enum, text, number, span)."""

    name: str
    type: str
    choices: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    required: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    """A label users can tag spans with."""

    name: str
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    description: str = ""
    color: str = "#7f7f7f"
    key: str = ""


@dataclass(frozen=True, slots=True)
class StanceCues:
    """The stance suggester's cue phrases for one language, lower case (kinds: ``CUE_KINDS``)."""

    lang: str
    reported: tuple[str, ...] = ()
    according: tuple[str, ...] = ()
    claimed: tuple[str, ...] = ()
    alleged: tuple[str, ...] = ()
    passive: tuple[str, ...] = ()
    that: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelSchema:
    """The set of labels of a project, the validation of span attributes, and the stance cue phrases."""

    labels: Mapping[str, Label]
    source: str = "default"
    cues: CueTable = field(default_factory=dict)

    def stance_cues(self, lang: str) -> StanceCues:
        """The stance cue phrases for ``lang`` (empty tuples for a language without lists)."""
        return StanceCues(lang, **{kind: tuple(self.cues.get(kind, {}).get(lang, ())) for kind in CUE_KINDS})

    @property
    def names(self) -> list[str]:
        """Label names in schema order."""
        return list(self.labels)

    def label(self, name: str) -> Label:
        """Return the label called ``name``.

        Raises:
            SpanError: the label is not in the schema (the message lists valid ones).
        """
        try:
            return self.labels[name]
        except KeyError:
            raise SpanError(
                f"Unknown label {name!r}. Valid labels: {', '.join(self.labels)}"
                f" (schema: {self.source}; add labels in the project's annot.toml)."
            ) from None

    def validate(self, label: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
        """Check ``attrs`` against ``label`` and return them normalized.

        Numbers become ``int`` when integral (``9000.0`` -> ``9000``) so that
        exports are stable; ``None`` values are dropped.

        Raises:
            SpanError: unknown label or attribute, wrong type, value not among the choices.
        """
        spec = self.label(label)
        if not isinstance(attrs, Mapping):
            kind = type(attrs).__name__
            raise SpanError(f"Attributes of a {label} span must be a dict of name -> value, got {kind}.")
        out: dict[str, Any] = {}
        for name, value in attrs.items():
            if value is None:
                continue
            attr = spec.attributes.get(name)
            if attr is None:
                valid = ", ".join(spec.attributes) or "none"
                raise SpanError(f"Unknown attribute {name!r} for label {label}. Valid attributes: {valid}.")
            out[name] = _check_value(label, attr, value)
        for attr in spec.attributes.values():
            if attr.required and attr.name not in out:
                raise SpanError(f"Label {label} requires attribute {attr.name!r}.")
        if out.get("qualifier") == "range" and not {"low", "high"} <= out.keys():
            raise SpanError(f"{label} with qualifier 'range' needs both 'low' and 'high' attributes.")
        return dict(sorted(out.items()))


def _check_value(label: str, attr: Attribute, value: Any) -> Any:
    where = f"{label}.{attr.name}"
    if attr.type == "enum":
        if value not in attr.choices:
            raise SpanError(f"Invalid value {value!r} for {where}. Valid values: {', '.join(attr.choices)}.")
        return value
    if attr.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SpanError(f"{where} must be a finite number, got {value!r}.")
        return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)
    if not isinstance(value, str) or not value.strip():
        kind = "a span id" if attr.type == "span" else "non-empty text"
        raise SpanError(f"{where} must be {kind}, got {value!r}.")
    return value


def _parse(data: Mapping[str, Any], source: str) -> dict[str, Label | None]:
    labels_table = data.get("labels", {})
    if not isinstance(labels_table, dict):
        raise SchemaError(f"{source}: [labels] must be a table of label tables.")
    out: dict[str, Label | None] = {}
    for name, table in labels_table.items():
        if not isinstance(table, dict):
            raise SchemaError(f"{source}: labels.{name} must be a table.")
        if table.get("disabled"):
            out[name] = None
            continue
        attributes: dict[str, Attribute] = {}
        attr_table = table.get("attributes", {})
        if not isinstance(attr_table, dict):
            raise SchemaError(f"{source}: labels.{name}.attributes must be a table of attribute tables.")
        for attr_name, spec in attr_table.items():
            kind = spec.get("type") if isinstance(spec, dict) else None
            if kind not in ATTRIBUTE_TYPES:
                raise SchemaError(
                    f"{source}: labels.{name}.attributes.{attr_name} has type {kind!r};"
                    f" valid types: {', '.join(ATTRIBUTE_TYPES)}."
                )
            if kind == "enum" and not spec.get("choices"):
                raise SchemaError(f"{source}: enum attribute {name}.{attr_name} needs a non-empty `choices` list.")
            for key in ("choices", "labels"):
                values = spec.get(key, [])
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise SchemaError(f"{source}: {name}.{attr_name}.{key} must be a list of strings, got {values!r}.")
            attributes[attr_name] = Attribute(
                name=attr_name,
                type=kind,
                choices=tuple(spec.get("choices", ())),
                labels=tuple(spec.get("labels", ())),
                required=bool(spec.get("required", False)),
                description=str(spec.get("description", "")),
            )
        out[name] = Label(
            name=name,
            attributes=attributes,
            description=str(table.get("description", "")),
            color=str(table.get("color", "#7f7f7f")),
            key=str(table.get("key", "")),
        )
    return out


def _parse_cues(data: Mapping[str, Any], source: str) -> dict[str, dict[str, list[str]]]:
    """The ``[stance_cues]`` tables of a file, checked: kind -> language -> phrases as written."""
    table = data.get("stance_cues", {})
    where = f"{source}: stance_cues"
    if not isinstance(table, dict):
        raise SchemaError(f"{where} must be a table of [stance_cues.KIND] tables; kinds: {', '.join(CUE_KINDS)}.")
    out: dict[str, dict[str, list[str]]] = {}
    for kind, languages in table.items():
        if kind not in CUE_KINDS:
            raise SchemaError(f"{where}.{kind} is not a cue kind; valid kinds: {', '.join(CUE_KINDS)}.")
        if not isinstance(languages, dict):
            raise SchemaError(f'{where}.{kind} must be a table of language = ["phrase", ...], got {languages!r}.')
        for lang, phrases in languages.items():
            if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip("- ") for p in phrases):
                raise SchemaError(
                    f'{where}.{kind}.{lang} must be a list of non-empty strings (["said", "-added"]), got {phrases!r}.'
                )
        out[kind] = {lang: list(phrases) for lang, phrases in languages.items()}
    return out


def _merge_cues(merged: dict[str, dict[str, list[str]]], extra: dict[str, dict[str, list[str]]]) -> CueTable:
    """``extra``'s phrases added to ``merged`` (``"-phrase"`` removes one), folded to lower case, once each."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind in CUE_KINDS:
        out[kind] = {}
        for lang in dict.fromkeys([*merged.get(kind, {}), *extra.get(kind, {})]):
            phrases = dict.fromkeys(" ".join(p.split()).lower() for p in merged.get(kind, {}).get(lang, []))
            for phrase in extra.get(kind, {}).get(lang, []):
                folded = " ".join(phrase.split()).lower()
                if folded.startswith("-"):
                    phrases.pop(folded[1:].strip(), None)
                else:
                    phrases[folded] = None
            out[kind][lang] = tuple(phrases)
    return out


def _read_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(
            f"Cannot read {source}: it is not valid TOML ({exc}); fix the file or remove it to use the defaults."
        ) from exc


class _Project(Protocol):
    """What a project needs here: its folder (a ``Store`` has one; the schema sits below the store)."""

    path: Path


def project_folder(project: _Project | str | Path) -> Path:
    """The folder of a project given as a store or as its folder (where ``annot.toml`` lives)."""
    return Path(project) if isinstance(project, (str, Path)) else project.path


def read_project_file(path: str | Path) -> dict[str, Any]:
    """The tables of a project file, parsed afresh on each call (it is small; nothing to invalidate).

    Args:
        path: the file, or a project folder (its ``annot.toml``).

    Returns:
        The parsed TOML; ``{}`` when there is no such file.

    Raises:
        SchemaError: the file is not UTF-8 or not valid TOML (the message names it and the fix).
    """
    file = Path(path)
    if file.is_dir() or not file.suffix:
        file = file / PROJECT_FILE
    if not file.is_file():
        return {}
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(
            f"Cannot read {file} ({exc}); save it as UTF-8 text or remove it to use the defaults."
        ) from exc
    return _read_toml(text, str(file))


def load_schema(project_file: str | Path | None = None) -> LabelSchema:
    """Return the default schema, overridden by ``project_file`` when it exists.

    Args:
        project_file: path to a project's ``annot.toml``; ``None`` or a missing
            file gives the default schema.

    Raises:
        SchemaError: the file is not valid TOML, declares an invalid label, or has a
            malformed ``[stance_cues]`` table.
    """
    default_data = _read_toml(
        resources.files("annot").joinpath("schema_default.toml").read_text("utf-8"), "annot/schema_default.toml"
    )
    merged = _parse(default_data, "default schema")
    cues = _parse_cues(default_data, "default schema")
    project_cues: dict[str, dict[str, list[str]]] = {}
    source = "default"
    if project_file is not None and Path(project_file).is_file():
        source = str(project_file)
        project_data = read_project_file(project_file)
        merged.update(_parse(project_data, source))
        project_cues = _parse_cues(project_data, source)
    labels = {name: label for name, label in merged.items() if label is not None}
    if not labels:
        raise SchemaError(f"{source} disables every label; keep at least one.")
    return LabelSchema(labels=labels, source=source, cues=_merge_cues(cues, project_cues))
