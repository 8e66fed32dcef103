"""The widget's keys and its help agree: every key the view handles is in the ``?`` help, and none shadows a
key of the schema (labels, stance keys), which the view tries only after its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annot.schema import load_schema
from annot.widgets.annotator import _STANCE_KEYS

JS = (Path(__file__).resolve().parents[2] / "annot" / "widgets" / "annotator.js").read_text("utf-8")
# How the help spells a key the handler compares event.key with; None: an alias the help leaves out.
SPELLED = {"ArrowDown": "↓", "ArrowUp": "↑", "ArrowLeft": "←", "ArrowRight": "→", "z": "Ctrl+Z",
           "Z": "Ctrl+Shift+Z", "Y": "Ctrl+Y", "Backspace": None}  # fmt: skip


def _handled() -> set[str]:
    body = JS[JS.index("function onKey(event) {") : JS.index("function cycleSpans(")]
    return set(re.findall(r'key === "([^"]+)"', body))


def _help_keys() -> set[str]:
    table = JS[JS.index("const HELP = [") : JS.index("];", JS.index("const HELP = ["))]
    keys = re.findall(r'^\s*\["([^"]+)", "', table, flags=re.M)
    return {token for cell in keys for token in re.split(r",\s*|\s+/\s+|\s+", cell) if token}


@pytest.mark.parametrize("key", sorted(_handled()))
def test_every_handled_key_is_in_the_help(key: str):
    spelled = SPELLED.get(key, f"Shift+{key}" if re.fullmatch("[A-Z]", key) else key)
    if spelled is not None:
        assert spelled in _help_keys(), f"key {key!r} is handled but the ? help does not list {spelled!r}"


def test_no_handled_key_shadows_a_schema_key():
    schema = load_schema()
    schema_keys = {label.key for label in schema.labels.values() if label.key} | {k for k, _, _ in _STANCE_KEYS}
    assert not (_handled() & schema_keys)
