"""What report pages share: escaping, the page shell, and writing a page with its tables all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from annot.errors import OutputError
from annot.htmlreport import Output, esc, page_html, write_together


def test_page_html_escapes_the_title_and_names_annots_version():
    page = page_html("<script>x</script> & “t”", "body { color: red; }", "<p>mine</p>")
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")
    assert "<title>&lt;script&gt;x&lt;/script&gt; &amp; “t”</title>" in page and "<script" not in page
    assert "<style>body { color: red; }</style>" in page and "<p>mine</p><footer" in page
    assert esc('"><img onerror=x>') == "&quot;&gt;&lt;img onerror=x&gt;"


def test_write_together_writes_text_and_bytes_each_whole(tmp_path: Path):
    written = write_together([
        Output(tmp_path / "a" / "page.html", lambda f: f.write("<p>é</p>")),
        Output(tmp_path / "b.bin", lambda f: f.write(b"\x00\x01"), binary=True),
    ])  # fmt: skip
    assert written == [tmp_path / "a" / "page.html", tmp_path / "b.bin"]
    assert (tmp_path / "a" / "page.html").read_text("utf-8") == "<p>é</p>"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


def test_write_together_replaces_nothing_when_one_path_cannot_be_written(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("old page", "utf-8")
    (tmp_path / "folder").mkdir()
    outputs = [Output(page, lambda f: f.write("new")), Output(tmp_path / "folder", lambda f: f.write("x"))]
    with pytest.raises(OutputError, match="it is a folder"):
        write_together(outputs)
    assert page.read_text("utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "page.html"]
    with pytest.raises(ValueError, match="give each its own name"):
        write_together([Output(page, lambda f: f.write("a")), Output(tmp_path / "." / "page.html", lambda f: None)])
