"""The project's copies of the shipped notebooks: made once, refreshed while nobody edited them, kept when edited."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from annot.errors import AnnotError
from annot.lab import notebook_copies

ROOT = Path(__file__).resolve().parent.parent


def _template(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(new_notebook(cells=[new_markdown_cell("# T"), new_code_cell(source)]), path)
    return path


def test_lab_copies_every_shipped_notebook_and_leaves_the_templates_alone(tmp_path: Path):
    templates = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", templates)
    before = {p.name: p.read_bytes() for p in templates.glob("*.ipynb")}
    copies = notebook_copies(templates, tmp_path / "project" / "notebooks")
    assert {c.copy.name for c in copies} == set(before) and {c.status for c in copies} == {"created"}
    for copy in copies:
        made = nbformat.read(copy.copy, as_version=4)
        nbformat.validate(made)
        shipped = nbformat.read(copy.template, as_version=4)
        assert [c.source for c in made.cells] == [c.source for c in shipped.cells]
    assert {c.status for c in notebook_copies(templates, tmp_path / "project" / "notebooks")} == {"unchanged"}
    assert {p.name: p.read_bytes() for p in templates.glob("*.ipynb")} == before


def test_lab_copy_with_outputs_is_refreshed_when_the_template_changes(tmp_path: Path):
    template = _template(tmp_path / "t", "a.ipynb", "print(1)")
    [made] = notebook_copies(tmp_path / "t", tmp_path / "c")
    # Run and saved by JupyterLab: outputs and metadata change, the cells do not.
    copy = nbformat.read(made.copy, as_version=4)
    copy.cells[1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    copy.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.write(copy, made.copy)
    assert notebook_copies(tmp_path / "t", tmp_path / "c")[0].status == "unchanged"
    _template(tmp_path / "t", "a.ipynb", "print(2)")
    assert notebook_copies(tmp_path / "t", tmp_path / "c")[0].status == "updated"
    assert nbformat.read(made.copy, as_version=4).cells[1].source == "print(2)"
    assert template.exists()


def test_lab_copy_edited_by_its_user_is_kept(tmp_path: Path):
    _template(tmp_path / "t", "a.ipynb", "print(1)")
    [made] = notebook_copies(tmp_path / "t", tmp_path / "c")
    copy = nbformat.read(made.copy, as_version=4)
    copy.cells.append(new_code_cell("my_analysis()"))
    nbformat.write(copy, made.copy)
    _template(tmp_path / "t", "a.ipynb", "print(2)")
    assert notebook_copies(tmp_path / "t", tmp_path / "c")[0].status == "kept"
    assert nbformat.read(made.copy, as_version=4).cells[-1].source == "my_analysis()"


@pytest.mark.parametrize("content", [b"", b"\xff\xfe garbage", json.dumps({"cells": "no"}).encode()])
def test_lab_broken_copy_is_one_clear_error(tmp_path: Path, content: bytes):
    _template(tmp_path / "t", "a.ipynb", "print(1)")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.ipynb").write_bytes(content)
    with pytest.raises(AnnotError, match=r"a\.ipynb.*(Delete it|delete it)"):
        notebook_copies(tmp_path / "t", tmp_path / "c")
    assert (tmp_path / "c" / "a.ipynb").read_bytes() == content


def test_lab_without_templates_says_where_to_run_it(tmp_path: Path):
    with pytest.raises(AnnotError, match="No notebooks in"):
        notebook_copies(tmp_path, tmp_path / "c")


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
@pytest.mark.parametrize("path", ["notebooks/.ipynb_checkpoints/annotate-checkpoint.ipynb",
                                  "project/notebooks/annotate.ipynb", "notebooks/.virtual_documents/x.py"])  # fmt: skip
def test_lab_what_jupyterlab_writes_is_ignored_by_git(path: str):
    import subprocess

    assert subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT).returncode == 0, path
