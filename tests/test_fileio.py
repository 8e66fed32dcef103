"""Writing a file all or nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from annot.errors import OutputError
from annot.fileio import atomic_text_file


def test_atomic_text_file_replaces_whole_or_not_at_all(tmp_path: Path):
    target = tmp_path / "out" / "report.html"
    with atomic_text_file(target) as fh:
        fh.write("first\n")
    assert target.read_text("utf-8") == "first\n" and oct(target.stat().st_mode & 0o777) == "0o644"
    target.chmod(0o600)
    with pytest.raises(RuntimeError), atomic_text_file(target) as fh:
        fh.write("half of the second")
        raise RuntimeError("the writer failed part way")
    assert target.read_text("utf-8") == "first\n"  # untouched
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]  # no temporary file left
    with atomic_text_file(target) as fh:
        fh.write("é second\n")
    assert target.read_text("utf-8") == "é second\n" and oct(target.stat().st_mode & 0o777) == "0o600"


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_atomic_text_file_onto_a_folder_raises_output_error_before_writing(tmp_path: Path):
    target = tmp_path / "exports"
    target.mkdir()
    (target / "keep.txt").write_text("mine", "utf-8")
    written = []
    with pytest.raises(OutputError) as info, atomic_text_file(target) as fh:
        written.append(fh)  # never reached: refused before the (possibly long) writing starts
    message = str(info.value)
    assert message.startswith(f"Cannot write {target}: it is a folder, not a file")
    assert f"{target / 'NAME'}" in message and "\n" not in message
    assert isinstance(info.value.__cause__, IsADirectoryError) and written == []
    assert _left(target) == ["keep.txt"] and _left(tmp_path) == ["exports"]


def test_atomic_text_file_under_a_file_names_the_file_in_the_way(tmp_path: Path):
    (tmp_path / "exports").write_text("a file", "utf-8")
    target = tmp_path / "exports" / "sub" / "corpus.jsonl"
    blocked = rf"Cannot write .*corpus.jsonl: {tmp_path / 'exports'} is a file, not a folder"
    with pytest.raises(OutputError, match=blocked), atomic_text_file(target) as fh:
        fh.write("x")


def test_atomic_text_file_disk_full_while_writing_keeps_the_old_file(tmp_path: Path):
    target = tmp_path / "corpus.jsonl"
    target.write_text("old\n", "utf-8")
    full = r"Cannot write .*corpus.jsonl: no space left .*corpus.jsonl is unchanged"
    with pytest.raises(OutputError, match=full), atomic_text_file(target) as fh:
        fh.write("new")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a write to the file raises it
    assert target.read_text("utf-8") == "old\n" and _left(tmp_path) == ["corpus.jsonl"]


def test_atomic_text_file_leaves_other_files_errors_alone(tmp_path: Path):
    # An error about another file (one the block was reading) is not a failure to write this one.
    with pytest.raises(FileNotFoundError), atomic_text_file(tmp_path / "out.txt") as fh:
        fh.write((tmp_path / "missing.txt").read_text("utf-8"))
    assert _left(tmp_path) == []
