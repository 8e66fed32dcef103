"""LiveFrame without a browser: a frame function in, text cells out, redrawn when the store moves."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import annot
from annot.errors import NotFound
from annot.widgets import Annotator, LiveFrame

CAPTION = re.compile(r"(\d+) rows(, the first (\d+) shown)? · updated \d\d:\d\d:\d\d")


@pytest.fixture
def doc_id(project, seed_path: Path) -> str:
    return annot.ingest(str(seed_path), project).results[0].doc_id


def _add(store: annot.Store, doc_id: str, phrase: str, label: str = "ACTOR", attrs: dict | None = None) -> None:
    """Tag the first occurrence of ``phrase`` in the document, as a notebook cell would."""
    text = store.document(doc_id).text
    start = text.index(phrase)
    store.add_span(doc_id, start, start + len(phrase), label, attrs)


def _spans(store: annot.Store, doc_id: str):
    return lambda: store.spans(doc_id)[["text", "label", "attrs"]]


def _caption(view: LiveFrame) -> tuple[int, int | None]:
    """(rows in the frame, rows shown when fewer) as the caption says them."""
    found = CAPTION.fullmatch(view.caption)
    assert found, view.caption
    return int(found[1]), int(found[3]) if found[3] else None


def test_live_frame_shows_rows_columns_and_caption(project, doc_id: str):
    _add(project, doc_id, "Minsk", attrs={"type": "government body"})
    _add(project, doc_id, "Russia")
    view = LiveFrame(project, _spans(project, doc_id))
    assert view.columns == ["text", "label", "attrs"]
    assert view.rows == [["Minsk", "ACTOR", "type: government body"], ["Russia", "ACTOR", ""]]
    assert _caption(view) == (2, None) and view.answered == 0
    view.close()


def test_live_frame_refresh_after_a_store_write_shows_the_new_row(project, doc_id: str):
    view = LiveFrame(project, _spans(project, doc_id))
    assert view.rows == [] and view.columns == ["text", "label", "attrs"] and _caption(view) == (0, None)
    _add(project, doc_id, "Alexandr Lukashenko", attrs={"type": "person"})
    assert view.rows == []  # a commit elsewhere is drawn at the next poll or refresh
    view.refresh()
    assert view.rows == [["Alexandr Lukashenko", "ACTOR", "type: person"]] and _caption(view) == (1, None)
    view.close()


def test_live_frame_poll_rereads_only_when_the_store_moved(project, doc_id: str):
    calls = []

    def frame() -> pd.DataFrame:
        calls.append(project.revision())
        return project.spans(doc_id)[["text"]]

    view = LiveFrame(project, frame)
    assert len(calls) == 1
    view._on_msg(view, {"type": "poll", "id": 3}, [])
    assert len(calls) == 1 and view.answered == 3  # nothing committed: nothing read, the poll answered
    other = annot.open_project(project.path, annotator="carol")  # another kernel's commit
    try:
        _add(other, doc_id, "Minsk")
    finally:
        other.close()
    view._on_msg(view, {"type": "poll", "id": 4}, [])
    assert len(calls) == 2 and view.rows == [["Minsk"]] and view.answered == 4
    view._on_msg(view, {"type": "poll", "id": 5}, [])
    assert len(calls) == 2 and view.answered == 5
    for message in ({"type": "refresh", "id": 9}, ["poll"], "poll"):
        view._on_msg(view, message, [])  # not a poll: ignored, and not answered
    assert len(calls) == 2 and view.answered == 5
    view.close()


def test_live_frame_store_changed_refreshes_views_of_that_store_only(
    project, doc_id: str, seed_path: Path, tmp_path: Path
):
    elsewhere = annot.open_project(tmp_path / "elsewhere", annotator="bob")
    try:
        other_doc = annot.ingest(str(seed_path), elsewhere).results[0].doc_id
        here = LiveFrame(project, _spans(project, doc_id))
        there = LiveFrame(elsewhere, _spans(elsewhere, other_doc))
        closed = LiveFrame(project, _spans(project, doc_id))
        closed.close()
        _add(project, doc_id, "Minsk")
        _add(elsewhere, other_doc, "Russia")
        LiveFrame.store_changed(project.path.resolve())
        assert here.rows == [["Minsk", "ACTOR", ""]]
        assert there.rows == [] and closed.rows == []  # another store's view, and a closed view, are left alone
        LiveFrame.store_changed(elsewhere.path.resolve())
        assert there.rows == [["Russia", "ACTOR", ""]]
        here.close()
        there.close()
    finally:
        elsewhere.close()


def test_live_frame_redraws_when_an_annotator_of_this_kernel_commits(project, doc_id: str):
    view = LiveFrame(project, _spans(project, doc_id))
    widget = Annotator(project, doc_id, annotator="alice", translate=False, suggest=False)
    sentence = widget.window[0]
    start = sentence["text"].index("Minsk")
    widget.handle({"type": "select", "sentence": 0, "utf16_start": start, "utf16_end": start + len("Minsk")})
    assert view.rows == []  # a selection writes nothing
    widget.handle({"type": "label", "label": "ACTOR"})
    assert view.rows == [["Minsk", "ACTOR", ""]]  # at once, with no poll
    widget.handle({"type": "field", "span_id": widget.form["span"]["id"], "name": "canonical", "value": "Belarus"})
    assert view.rows == [["Minsk", "ACTOR", "canonical: Belarus"]]
    widget.close()
    view.close()


def test_live_frame_cells_are_text(project):
    frame = pd.DataFrame({
        "attrs": [{"type": "state", "canonical": "Belarus"}, {}, {"value": 9000}],
        "text": ["<img src=x onerror=alert(1)>", None, "9,000"],
        "value": [1.5, float("nan"), 3.0],
        "count": pd.array([1, pd.NA, 3], dtype="Int64"),
        "names": [["Minsk", "Belarus"], [], ("a",)],
    })  # fmt: skip
    view = LiveFrame(project, lambda: frame)
    assert view.columns == ["attrs", "text", "value", "count", "names"]
    assert view.rows == [
        ["type: state, canonical: Belarus", "<img src=x onerror=alert(1)>", "1.5", "1", "['Minsk', 'Belarus']"],
        ["", "", "", "", "[]"],
        ["value: 9000", "9,000", "3.0", "3", "('a',)"],
    ]  # fmt: skip
    assert all(isinstance(cell, str) for row in view.rows for cell in row)
    view.close()


def test_live_frame_shows_a_named_index_as_a_column(project, doc_id: str):
    _add(project, doc_id, "Minsk")
    _add(project, doc_id, "some 170 tanks", "QUANTITY")
    view = LiveFrame(project, project.stats)  # annotators by label, the annotator as the index
    assert view.columns == ["annotator", "ACTOR", "QUANTITY", "STANCE", "total"]
    assert view.rows == [["tester", "1", "1", "0", "2"], ["total", "1", "1", "0", "2"]]
    view.close()


@pytest.mark.parametrize(("max_rows", "shown"), [(2, 2), (5, 5), (9, None), (0, 1)])
def test_live_frame_max_rows_caps_rows_and_caption_says_how_many(project, max_rows: int, shown: int | None):
    frame = pd.DataFrame({"n": range(5)})
    view = LiveFrame(project, lambda: frame, max_rows=max_rows)
    assert view.rows == [[str(n)] for n in range(min(5, shown or 5))]
    assert _caption(view) == (5, shown if shown is not None and shown < 5 else None)
    view.close()


def test_live_frame_errors_go_to_the_caption(project, doc_id: str):
    wanted = {"doc": doc_id}
    view = LiveFrame(project, lambda: project.spans(wanted["doc"])[["text"]])
    _add(project, doc_id, "Minsk")
    view.refresh()
    wanted["doc"] = "no-such-document"
    view.refresh()
    assert "no-such-document" in view.caption and "\n" not in view.caption
    assert view.rows == [["Minsk"]]  # the last frame read stays
    with pytest.raises(NotFound):
        project.document("no-such-document")  # the caption is the store's own error
    view.close()


def test_live_frame_poll_on_a_closed_store_says_so(project, doc_id: str):
    store = annot.open_project(project.path, annotator="dave")
    view = LiveFrame(store, _spans(store, doc_id))
    store.close()
    view._on_msg(view, {"type": "poll", "id": 2}, [])
    assert "was closed" in view.caption and view.answered == 2
    LiveFrame.store_changed(project.path.resolve())  # a closed store's view is dropped, not an error
    assert view not in LiveFrame._open
    view.close()


def test_live_frame_store_changed_takes_the_path_the_store_was_opened_with(
    seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    store = annot.open_project("relative", annotator="erin")  # open_project()'s default is a relative path too
    try:
        rel_doc = annot.ingest(str(seed_path), store).results[0].doc_id
        view = LiveFrame(store, _spans(store, rel_doc))
        _add(store, rel_doc, "Minsk")
        LiveFrame.store_changed(store.path)
        assert view.rows == [["Minsk", "ACTOR", ""]]
    finally:
        store.close()
