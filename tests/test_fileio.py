"""Writing a file all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

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
