"""The README tells the truth: its Python tour runs, and every CLI command is documented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from annot.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_python_tour_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README has a Python tour"
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    store = namespace["store"]
    assert (tmp_path / "exports" / "corpus.jsonl").exists()
    spans = store.spans().set_index("label")
    # The tour deletes the ACTOR, then undo brings it back; the QUANTITY was set to pending.
    assert set(spans.index) == {"ACTOR", "QUANTITY"}
    assert spans.loc["QUANTITY", "status"] == "pending"


def test_readme_mentions_every_cli_command():
    for command in app.registered_commands:
        assert f"annot {command.name}" in README, command.name


def test_readme_screenshot_exists():
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images and all((ROOT / image).is_file() for image in images)


def test_readme_jsonl_example_matches_the_golden_export():
    golden = (ROOT / "tests" / "golden" / "seed.sentence.jsonl").read_text("utf-8")
    for span_id in re.findall(r'"id": "(sp-[0-9a-f]{16})"', README):
        assert span_id in golden
