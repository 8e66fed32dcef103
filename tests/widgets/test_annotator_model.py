"""The annotation widget without a browser: intents in, traitlets and store rows out."""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.translate.checks import fold_text
from annot.widgets import Annotator

ROOT = Path(__file__).resolve().parents[2]

# Seed sentence 4, and a Portuguese translation of it that changes its number (19 -> 91) and loses the colonel.
REVENKO = "Colonel Valeri Revenko"
WRONG_4 = "O vice-ministro informou 91 adidos militares estrangeiros."
# Projection's flags (annot.project.fidelity): the tagged colonel lost, a number the source has not.
NAME_FLAG = "lost:colonel valeri revenko ->"
NUMBERS_FLAG = "added:91"


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


@pytest.fixture
def widget(project, seed_path: Path) -> Annotator:
    report = annot.ingest(str(seed_path), project)
    widget = Annotator(project, report.results[0].doc_id, annotator="alice", translate=False, suggest=False)
    assert widget.join_projection(timeout=120)  # the kernel's first projection, computed in the background
    return widget


def _current(widget: Annotator) -> dict:
    return next(s for s in widget.window if s["current"])


def _go_to(widget: Annotator, needle: str) -> dict:
    index = next(s.index for s in widget.session.sentences if needle in s.text)
    widget.handle({"type": "nav", "to": "index", "index": index})
    return _current(widget)


def _select(widget: Annotator, sentence: dict, phrase: str) -> None:
    start = sentence["text"].index(phrase)
    widget.handle({"type": "select", "sentence": sentence["index"], "utf16_start": _utf16(sentence["text"], start),
                   "utf16_end": _utf16(sentence["text"], start + len(phrase))})  # fmt: skip


def _tag(widget: Annotator, needle: str, phrase: str, label: str) -> str:
    """Go to the sentence holding ``needle``, tag ``phrase`` in it as ``label``; the new span's id."""
    _select(widget, _go_to(widget, needle), phrase)
    widget.handle({"type": "label", "label": label})
    assert widget.status["kind"] == "saved", widget.status
    return widget.form["span"]["id"]


def _field(widget: Annotator, span_id: str, name: str, value: str) -> None:
    widget.handle({"type": "field", "span_id": span_id, "name": name, "value": value})


def _fields(widget: Annotator) -> dict[str, dict]:
    return {f["name"]: f for f in widget.form["fields"]}


def _options(field: dict) -> list[tuple[str, str]]:
    return [tuple(option) for option in field["options"]]


def _key(widget: Annotator, key: str) -> dict:
    """The intent the browser sends for a label-specific key pressed on ``widget``'s selected span."""
    (view,) = [k for k in widget.schema["keys"] if k["key"] == key]
    return {**view["send"], "span_id": widget.form["span"]["id"]}


# -- the initial state and the form ---------------------------------------------------------------


def test_annotator_initial_traitlets_come_from_session_and_schema(widget: Annotator):
    assert [s["index"] for s in widget.window] == [0, 1, 2]
    assert widget.position == "sentence 0 · 14 sentences · 0 annotated"
    names = {label["name"]: label for label in widget.schema["labels"]}
    assert list(names) == ["ACTOR", "QUANTITY", "STANCE"]
    assert names["ACTOR"]["key"] == "1" and names["ACTOR"]["color"] == "#1f77b4"
    assert [label["name"] for label in names.values() if label["sentence_wide"]] == ["STANCE"]
    keys = {k["key"]: k for k in widget.schema["keys"]}
    assert keys["+"] == {"key": "+", "label": "STANCE", "send": {"type": "field", "name": "polarity",
                         "value": "supports"}, "help": "stance: supports"}  # fmt: skip
    assert keys["h"]["send"] == {"type": "holder"} and keys["q"]["send"]["value"] == "quoted"
    assert widget.mt["rows"] == [] and widget.form == {}
    assert widget.status == {"text": "", "kind": "info", "ack": 0}
    assert (widget.annotator, widget.lang) == ("alice", "en")
    assert len(widget.snippets) == 14 and widget.snippets[8] == "Alleged Ukrainian attack"
    assert widget.snippets[0].startswith("The deployment of up to 9,000") and widget.snippets[0].endswith("…")
    assert widget.search == {"query": "", "matches": []} and widget.entities == []
    assert widget.outline["labels"] == ["ACTOR", "QUANTITY", "STANCE"]
    assert widget.outline["counts"] == [[0, 0, 0]] * 14 and widget.outline["marks"] == [""] * 14
    assert widget.outline["progress"] == {"sentences": 14, "annotated": 0, "done": 0, "empty": 0}


def test_annotator_select_snaps_and_label_actor_writes_store(widget: Annotator, project):
    sentence = _go_to(widget, "Valeri Revenko")
    _select(widget, sentence, "aleri Revenk")
    pending = widget.form["pending"]
    assert pending["text"] == "Valeri Revenko" and widget.form["sentence"] == sentence["index"]
    assert widget.form["span"] is None
    assert sentence["text"][pending["utf16_start"] : pending["utf16_end"]] == "Valeri Revenko"
    widget.handle({"type": "label", "label": "ACTOR"})
    assert widget.status["kind"] == "saved"
    rows = project.spans(label="ACTOR")
    assert list(rows["text"]) == ["Valeri Revenko"]
    assert rows.iloc[0]["attrs"] == {}  # ACTOR type left for the annotator to choose
    span = _current(widget)["spans"][0]
    assert (span["label"], span["text"]) == ("ACTOR", "Valeri Revenko")
    assert widget.form["span"] == {"id": span["id"], "label": "ACTOR", "text": "Valeri Revenko",
                                   "status": "accepted", "annotator": "alice"}  # fmt: skip
    assert widget.form["pending"] is None and widget.form["sentence"] == sentence["index"]
    assert [(f["name"], f["kind"], f["value"]) for f in widget.form["fields"]] == [
        ("type", "select", ""), ("canonical", "text", ""),
    ]  # fmt: skip
    assert ("person", "person") in _options(_fields(widget)["type"])
    assert "1 annotated" in widget.position

    _field(widget, span["id"], "type", "person")
    assert project.get_span(span["id"]).attrs == {"type": "person"} and _fields(widget)["type"]["value"] == "person"
    _field(widget, span["id"], "type", "wizard")
    assert widget.status["text"].startswith("Invalid value 'wizard'") and "\n" not in widget.status["text"]
    assert project.get_span(span["id"]).attrs == {"type": "person"}
    _field(widget, span["id"], "type", "")  # an empty value clears the field
    assert project.get_span(span["id"]).attrs == {}


def test_annotator_quantity_is_prefilled_from_the_phrase(widget: Annotator, project):
    span_id = _tag(widget, "up to 200 armored combat vehicles", "up to 200 armored combat vehicles", "QUANTITY")
    span = project.get_span(span_id)
    assert span.text == "up to 200 armored combat vehicles"
    assert span.attrs["value"] == 200 and span.attrs["qualifier"] == "up to"
    assert span.attrs["unit"] == "armored combat vehicles"
    fields = _fields(widget)
    assert list(fields) == ["value", "unit", "qualifier", "low", "high"]
    assert (fields["value"]["kind"], fields["value"]["value"]) == ("number", "200")
    assert (fields["qualifier"]["kind"], fields["qualifier"]["value"]) == ("select", "up to")
    assert ("range", "range") in _options(fields["qualifier"]) and fields["low"]["value"] == ""


def test_annotator_focus_shows_the_form_with_choices(widget: Annotator, project):
    minsk = _tag(widget, "says Minsk", "Minsk", "ACTOR")
    _field(widget, minsk, "type", "government body")
    _field(widget, minsk, "canonical", "Belarus")
    assert _fields(widget)["canonical"]["suggestions"] == ["Belarus"]  # completion for canonical names
    widget.handle({"type": "clear"})
    assert widget.form == {}
    widget.handle({"type": "focus", "span_id": minsk})
    assert widget.form["span"]["id"] == minsk and _fields(widget)["canonical"]["value"] == "Belarus"
    assert _fields(widget)["type"]["value"] == "government body"
    widget.handle({"type": "focus", "span_id": "sp-0000000000000000"})
    assert widget.status["kind"] == "error"


# -- field edits ------------------------------------------------------------------------------------


def test_annotator_field_sets_an_actors_canonical_name(widget: Annotator, project):
    minsk = _tag(widget, "says Minsk", "Minsk", "ACTOR")
    _field(widget, minsk, "canonical", "  Belarus ")
    assert widget.status["kind"] == "saved"
    assert project.get_span(minsk).attrs == {"canonical": "Belarus"}  # stripped, as typed names are
    assert _fields(widget)["canonical"]["value"] == "Belarus"
    assert _current(widget)["spans"][0]["attrs"] == {"canonical": "Belarus"}
    assert project.names("ACTOR") == ["Belarus"]
    _field(widget, minsk, "colour", "blue")
    assert widget.status == {**widget.status, "kind": "error",
                             "text": "ACTOR has no attribute 'colour'; valid: type, canonical."}  # fmt: skip
    assert project.get_span(minsk).attrs == {"canonical": "Belarus"}


@pytest.mark.parametrize(("typed", "stored"), [("250", 250), ("9000.5", 9000.5), (" 12 ", 12)])
def test_annotator_field_sets_a_quantitys_number(widget: Annotator, project, typed: str, stored: float):
    span_id = _tag(widget, "some 170 tanks", "some 170 tanks", "QUANTITY")
    _field(widget, span_id, "value", typed)
    assert widget.status["kind"] == "saved"
    value = project.get_span(span_id).attrs["value"]
    assert value == stored and isinstance(value, int) == isinstance(stored, int)
    assert _fields(widget)["value"]["value"] == str(stored)


@pytest.mark.parametrize("typed", ["lots", "9 000 tanks", "nan?"])
def test_annotator_field_refuses_a_non_number_and_writes_nothing(widget: Annotator, project, typed: str):
    span_id = _tag(widget, "some 170 tanks", "some 170 tanks", "QUANTITY")
    before, history = project.get_span(span_id).attrs, len(project.history())
    _field(widget, span_id, "value", typed)
    assert widget.status["kind"] == "error" and "\n" not in widget.status["text"]
    assert widget.status["text"] == f"value must be a number, got {typed.strip()!r}; type digits such as 9000."
    assert project.get_span(span_id).attrs == before and len(project.history()) == history
    assert _fields(widget)["value"]["value"] == "170"  # the form shows what is stored


def test_annotator_stance_covers_the_sentence(widget: Annotator, project):
    widget.handle({"type": "label", "label": "STANCE"})
    stance = widget.form["span"]["id"]
    _field(widget, stance, "holder", "author")
    _field(widget, stance, "polarity", "neutral")
    _field(widget, stance, "evidence", "")  # clears the prefilled "reported" (the sentence "says")
    rows = project.spans(label="STANCE")
    assert len(rows) == 1 and rows.iloc[0]["attrs"] == {"holder": "author", "polarity": "neutral"}
    assert rows.iloc[0]["text"] == widget.session.sentences[0].text
    assert widget.outline["counts"][0] == [0, 0, 1] and widget.entities == []  # a claim, not an entity


def test_annotator_stance_fields_set_and_clear_the_holder(widget: Annotator, project):
    minsk = _tag(widget, "says Minsk", "Minsk", "ACTOR")
    _field(widget, minsk, "canonical", "Belarus")
    widget.handle({"type": "label", "label": "STANCE"})
    stance = widget.form["span"]["id"]
    _field(widget, stance, "holder", "author")
    assert project.get_span(stance).attrs == {"holder": "author", "evidence": "reported"}
    assert _fields(widget)["holder"]["value"] == "author"

    _field(widget, stance, "holder", f"span:{minsk}")  # an actor: its id, and its name as people read it
    assert project.get_span(stance).attrs == {"holder_span": minsk, "holder": "Belarus", "evidence": "reported"}
    holder = _fields(widget)["holder"]
    assert holder["value"] == f"span:{minsk}"
    assert _options(holder) == [("author", "the author"), (f"span:{minsk}", "Minsk → Belarus")]

    _field(widget, stance, "target", "Ukraine")
    _field(widget, stance, "polarity", "opposes")
    assert project.get_span(stance).attrs == {"holder_span": minsk, "holder": "Belarus", "evidence": "reported",
                                              "target": "Ukraine", "polarity": "opposes"}  # fmt: skip
    _field(widget, stance, "holder", "")  # clears both the actor and the name
    _field(widget, stance, "target", "")
    assert project.get_span(stance).attrs == {"evidence": "reported", "polarity": "opposes"}
    assert _fields(widget)["holder"]["value"] == "" and _fields(widget)["target"]["value"] == ""

    for name, value, message in [
        ("polarity", "wizard", "Invalid value 'wizard' for STANCE.polarity"),
        ("holder", "span:sp-0000000000000000", "Span sp-0000000000000000 is not an ACTOR"),
    ]:
        _field(widget, stance, name, value)
        assert widget.status["kind"] == "error" and widget.status["text"].startswith(message)
    assert project.get_span(stance).attrs == {"evidence": "reported", "polarity": "opposes"}


def test_annotator_stance_holder_of_a_neighbouring_sentence_is_an_actor(widget: Annotator, project):
    minsk = _tag(widget, "says Minsk", "Minsk", "ACTOR")
    widget.handle({"type": "label", "label": "STANCE"})
    stance = widget.form["span"]["id"]
    _field(widget, stance, "holder", "author")
    widget.handle({"type": "nav", "to": "next"})  # sentence 0 and its STANCE stay in the window
    widget.handle({"type": "focus", "span_id": stance})
    _field(widget, stance, "holder", f"span:{minsk}")
    assert project.get_span(stance).attrs == {"holder_span": minsk, "holder": "Minsk", "evidence": "reported"}


def test_annotator_stance_keys_prefill_and_holder_cycle(widget: Annotator, project):
    minsk = _tag(widget, "says Minsk", "Minsk", "ACTOR")
    widget.handle({"type": "label", "label": "STANCE"})
    assert widget.form["span"]["label"] == "STANCE" and widget.form["cue"] == "says"
    fields = _fields(widget)
    assert [(f["name"], f["value"]) for f in fields.values()] == [
        ("holder", f"span:{minsk}"), ("target", ""), ("polarity", ""), ("evidence", "reported"),
    ]  # fmt: skip
    assert _options(fields["holder"]) == [("author", "the author"), (f"span:{minsk}", "Minsk")]
    assert (fields["polarity"]["hint"], fields["evidence"]["hint"]) == ("+ - = ~", "a r l q")
    widget.handle(_key(widget, "+"))  # what the browser sends for the "+" key of the schema
    stance = project.spans(label="STANCE").iloc[0]
    assert stance["attrs"] == {"evidence": "reported", "holder": "Minsk", "holder_span": minsk, "polarity": "supports"}
    widget.handle(_key(widget, "h"))  # the next candidate after Minsk: the author
    assert _fields(widget)["holder"]["value"] == "author"
    assert "holder_span" not in project.get_span(stance["id"]).attrs
    widget.handle(_key(widget, "q"))
    assert project.get_span(stance["id"]).attrs == {"evidence": "quoted", "holder": "author", "polarity": "supports"}


# -- review, undo, delete -------------------------------------------------------------------------


def test_annotator_review_accepts_and_rejects(widget: Annotator, project):
    span_id = _tag(widget, "up to 200 armored combat vehicles", "up to 200 armored combat vehicles", "QUANTITY")
    for status in ("rejected", "pending", "accepted"):
        widget.handle({"type": "review", "span_id": span_id, "status": status})  # type: ignore[typeddict-item]
        assert widget.status["kind"] == "saved"
        assert widget.status["text"] == f"{status} QUANTITY 'up to 200 armored combat vehicles'"
        assert project.get_span(span_id).status == status
        assert widget.form["span"]["status"] == status and _current(widget)["spans"][0]["status"] == status
    widget.handle({"type": "review", "span_id": span_id, "status": "maybe"})  # type: ignore[typeddict-item]
    assert widget.status["kind"] == "error" and widget.status["text"].startswith("Invalid status 'maybe'")
    assert project.get_span(span_id).status == "accepted"
    widget.handle({"type": "review", "span_id": "sp-0000000000000000", "status": "accepted"})
    assert widget.status["kind"] == "error" and "sp-0000000000000000" in widget.status["text"]


def test_annotator_undo_redo_and_delete(widget: Annotator, project):
    span_id = _tag(widget, "Alexandr Lukashenko", "Lukashenk", "ACTOR")
    widget.handle({"type": "undo"})
    assert widget.status["kind"] == "saved" and widget.status["text"] == "undid tagging ACTOR 'Lukashenko'"
    assert len(project.spans()) == 0 and _current(widget)["spans"] == []
    assert widget.form == {}  # its span is gone
    widget.handle({"type": "redo"})
    assert widget.status["text"] == "redid tagging ACTOR 'Lukashenko'"
    assert [s["id"] for s in _current(widget)["spans"]] == [span_id]
    widget.handle({"type": "delete", "span_id": span_id})
    assert widget.status["text"] == "deleted ACTOR 'Lukashenko'" and widget.form == {}
    assert len(project.spans()) == 0
    widget.handle({"type": "undo"})
    assert widget.status["text"] == "undid deleting ACTOR 'Lukashenko'" and len(project.spans()) == 1
    widget.handle({"type": "delete", "span_id": "sp-0000000000000000"})
    assert "sp-0000000000000000" in widget.status["text"] and not widget.status["text"].startswith("'")
    bob = Annotator(project, widget.session.doc_id, annotator="bob", translate=False, suggest=False)
    bob.handle({"type": "undo"})  # alice's edits are hers to undo
    assert bob.status == {**bob.status, "text": "nothing to undo", "kind": "info"} and len(project.spans()) == 1
    bob.close()


def test_annotator_undo_keeps_the_stance_form_while_its_span_lives(widget: Annotator, project):
    _tag(widget, "says Minsk", "Minsk", "ACTOR")
    widget.handle({"type": "label", "label": "STANCE"})
    stance = widget.form["span"]["id"]
    widget.handle(_key(widget, "-"))
    assert project.get_span(stance).attrs["polarity"] == "opposes"
    widget.handle({"type": "undo"})
    assert widget.status["text"] == "undid editing STANCE (the whole sentence)"
    assert "polarity" not in project.get_span(stance).attrs
    assert widget.form["span"]["id"] == stance and _fields(widget)["polarity"]["value"] == ""
    assert widget.form["cue"] == "says"
    widget.handle(_key(widget, "="))  # the keys go on working on the form kept
    assert widget.status["kind"] == "saved" and project.get_span(stance).attrs["polarity"] == "neutral"
    widget.handle({"type": "undo"})
    widget.handle({"type": "undo"})  # the STANCE itself: its form goes with it
    assert widget.status["text"] == "undid tagging STANCE (the whole sentence)" and widget.form == {}


# -- navigation, marks, search, overview ---------------------------------------------------------


def test_annotator_nav_moves_the_window(widget: Annotator):
    widget.handle({"type": "nav", "to": "next"})
    assert _current(widget)["index"] == 1 and widget.position.startswith("sentence 1 · 14 sentences")
    widget.handle({"type": "nav", "to": "previous"})
    widget.handle({"type": "nav", "to": "previous"})
    assert _current(widget)["index"] == 0
    widget.handle({"type": "nav", "to": "index", "index": 8})
    assert _current(widget)["heading"] is True
    widget.handle({"type": "nav", "to": "next_unannotated"})
    assert _current(widget)["index"] == 9


def test_annotator_reopened_resumes_where_the_annotator_was(widget: Annotator, project):
    doc_id = widget.session.doc_id
    widget.handle({"type": "nav", "to": "index", "index": 6})
    widget.close()
    again = Annotator(project, doc_id, annotator="alice", translate=False, suggest=False)
    assert _current(again)["index"] == 6 and again.position.startswith("sentence 6 · ")
    assert [s["index"] for s in again.window] == [4, 5, 6, 7, 8]
    other = Annotator(project, doc_id, annotator="bob", translate=False, suggest=False)
    assert _current(other)["index"] == 0  # positions are each annotator's
    again.close()
    other.close()


def test_annotator_mark_done_empty_and_again_clears(widget: Annotator, project):
    doc_id = widget.session.doc_id
    widget.handle({"type": "nav", "to": "index", "index": 2})

    def stored() -> list[tuple[int, str, str]]:
        marks = project.sentence_marks(doc_id)
        return list(zip(marks["sentence"], marks["annotator"], marks["status"].astype(str)))

    widget.handle({"type": "mark", "status": "done"})
    assert widget.status == {**widget.status, "text": "sentence 2: done", "kind": "saved"}
    assert stored() == [(2, "alice", "done")]
    assert widget.outline["marks"][:4] == ["", "", "done", ""]
    assert widget.outline["progress"] == {"sentences": 14, "annotated": 0, "done": 1, "empty": 0}
    assert widget.position.endswith("· 1 done")
    widget.handle({"type": "mark", "status": "empty"})  # another mark replaces it
    assert widget.status["text"] == "sentence 2: nothing to annotate" and stored() == [(2, "alice", "empty")]
    assert widget.outline["marks"][2] == "empty" and widget.outline["progress"]["empty"] == 1
    assert widget.outline["progress"]["done"] == 0
    widget.handle({"type": "undo"})  # marks are not edits
    assert widget.status["text"] == "nothing to undo" and stored() == [(2, "alice", "empty")]
    widget.handle({"type": "mark", "status": "empty"})  # the same mark again clears it
    assert widget.status["text"] == "sentence 2: unmarked" and stored() == []
    assert widget.outline["marks"] == [""] * 14 and widget.outline["progress"]["empty"] == 0
    assert "done" not in widget.position
    widget.handle({"type": "mark", "status": "finished"})  # type: ignore[typeddict-item]
    assert widget.status["kind"] == "error" and widget.status["text"].startswith("Invalid sentence mark 'finished'")
    assert stored() == []


def _containing(widget: Annotator, word: str) -> list[int]:
    return [s.index for s in widget.session.sentences if word in fold_text(s.text)]


@pytest.mark.parametrize(
    ("query", "word"),
    [("MINSK", "minsk"), ("Belarús", "belarus"), ("attaches", "attaches"), ("ATTACHÉS", "attaches")],
)
def test_annotator_search_ignores_case_and_accents(widget: Annotator, query: str, word: str):
    widget.handle({"type": "search", "query": query})
    assert widget.search["query"] == query
    assert widget.search["matches"] == _containing(widget, word) and widget.search["matches"]
    assert widget.status["kind"] == "info"


def test_annotator_search_matches_and_blank_query(widget: Annotator):
    widget.handle({"type": "search", "query": "Lukashenko"})
    assert widget.search == {"query": "Lukashenko", "matches": [5]}
    widget.handle({"type": "search", "query": "no such words"})
    assert widget.search == {"query": "no such words", "matches": []}
    widget.handle({"type": "search", "query": "   "})
    assert widget.search == {"query": "   ", "matches": []}


def test_annotator_entities_are_sent_only_while_their_tab_shows(widget: Annotator):
    _tag(widget, "says Minsk", "Minsk", "ACTOR")
    assert widget.entities == []  # the outline tab shows: nothing computed, nothing sent
    widget.handle({"type": "tab", "tab": "entities"})
    assert [e["name"] for e in widget.entities] == ["Minsk"]
    widget.handle({"type": "tab", "tab": "outline"})
    _tag(widget, "Ukraine from Belarus", "Belarus", "ACTOR")
    assert [e["name"] for e in widget.entities] == ["Minsk"]  # left as it was while hidden
    widget.handle({"type": "tab", "tab": "entities"})
    assert [e["name"] for e in widget.entities] == ["Belarus", "Minsk"]  # brought up to date when shown


def test_annotator_entities_group_actors_by_canonical_name(widget: Annotator):
    widget.handle({"type": "tab", "tab": "entities"})
    minsk = _tag(widget, "says Minsk", "Minsk", "ACTOR")
    _field(widget, minsk, "canonical", "Belarus")
    belarus = _tag(widget, "Ukraine from Belarus", "Belarus", "ACTOR")
    russia = _tag(widget, "Ukraine from Belarus", "Russia", "ACTOR")
    tanks = _tag(widget, "some 170 tanks", "some 170 tanks", "QUANTITY")
    by_name = {(e["label"], e["name"]): e for e in widget.entities}
    assert list(by_name) == [("ACTOR", "Belarus"), ("ACTOR", "Russia"), ("QUANTITY", "approximately 170 tanks")]
    group = by_name[("ACTOR", "Belarus")]
    assert (group["count"], group["sentences"], group["span_ids"]) == (2, [0, 1], [minsk, belarus])
    assert group["texts"] == ["Minsk", "Belarus"]
    assert by_name[("ACTOR", "Russia")]["span_ids"] == [russia]
    assert by_name[("QUANTITY", "approximately 170 tanks")]["span_ids"] == [tanks]
    assert widget.outline["counts"][:3] == [[1, 0, 0], [2, 0, 0], [0, 1, 0]]
    assert widget.outline["progress"]["annotated"] == 3
    _field(widget, minsk, "canonical", "")  # Minsk is its own actor again
    assert [(e["name"], e["count"]) for e in widget.entities if e["label"] == "ACTOR"] == [
        ("Belarus", 1), ("Minsk", 1), ("Russia", 1),
    ]  # fmt: skip


# -- who annotates ------------------------------------------------------------------------------------


def test_annotator_change_records_later_edits_under_the_new_name(widget: Annotator, project):
    before = _tag(widget, "says Minsk", "Minsk", "ACTOR")
    widget.handle({"type": "nav", "to": "index", "index": 1})
    widget.handle({"type": "mark", "status": "done"})  # alice's mark
    widget.handle({"type": "annotator", "name": "  bob "})
    assert widget.annotator == "bob" and widget.status == {**widget.status, "text": "annotating as bob",
                                                           "kind": "info"}  # fmt: skip
    widget.handle({"type": "mark", "status": "done"})  # bob's, not alice's mark again (which would clear it)
    assert widget.status["text"] == "sentence 1: done"
    after = _tag(widget, "Ukraine from Belarus", "Belarus", "ACTOR")
    _field(widget, before, "type", "state")  # alice's span, edited by bob
    assert project.get_span(before).annotator == "alice" and project.get_span(after).annotator == "bob"
    history = project.history()
    assert list(zip(history["span_id"], history["op"].astype(str), history["annotator"])) == [
        (before, "add", "alice"), (after, "add", "bob"), (before, "update", "bob"),
    ]  # fmt: skip
    marks = project.sentence_marks(widget.session.doc_id)
    assert list(zip(marks["sentence"], marks["annotator"])) == [(1, "alice"), (1, "bob")]
    widget.handle({"type": "nav", "to": "index", "index": 5})
    assert project.position(widget.session.doc_id, "bob") == 5 and project.position(widget.session.doc_id, "alice") == 1

    for name in ("", "   ", "a\x07b"):
        widget.handle({"type": "annotator", "name": name})
        assert widget.status["kind"] == "error" and widget.status["text"].startswith(f"Annotator name {name!r}")
        assert widget.annotator == "bob" and widget.session.annotator == "bob"


def test_annotator_change_shows_the_new_annotators_marks(widget: Annotator):
    widget.handle({"type": "mark", "status": "done"})
    widget.handle({"type": "annotator", "name": "bob"})
    assert "done" not in widget.position  # bob marked nothing
    assert widget.outline["marks"][0] == "" and widget.outline["progress"]["done"] == 0


# -- machine translations and their flags ----------------------------------------------------------


def test_annotator_shows_stored_translations(widget: Annotator, project):
    from annot.model import Translation

    doc_id = widget.session.doc_id
    project.add_translations([Translation(doc_id, 1, "fake", "m", "1", "en", "pt", "en>pt", "fake|m", "<b>olá</b>")])
    widget.handle({"type": "nav", "to": "next"})
    rows = widget.mt["rows"]
    assert [(r["engine"], r["text"], r["route"]) for r in rows] == [("fake", "<b>olá</b>", "en>pt")]
    # Nothing is tagged: projection's only finding is the source's date gone ("February").
    assert [f["id"] for f in rows[0]["flags"]] == ["time lost:february"] and rows[0]["numbers_ok"] is True
    assert rows[0]["checked"] and rows[0]["projected"] == []


@pytest.fixture
def flagged(widget: Annotator, project) -> Annotator:
    """``widget`` on sentence 4, whose stored argos translation changes a number and loses the tagged colonel."""
    doc_id = widget.session.doc_id
    project.add_translations([
        annot.Translation(doc_id, 4, "argos", "manual", "1", "en", "pt", "en>pt", "argos|manual|1", WRONG_4),
    ])  # fmt: skip
    _tag(widget, REVENKO, REVENKO, "ACTOR")
    return widget


def _flags(widget: Annotator) -> list[tuple[str, bool]]:
    (row,) = widget.mt["rows"]
    return [(f["id"], f["dismissed"]) for f in row["flags"]]


def test_annotator_flag_dismiss_then_undismiss(flagged: Annotator, project):
    doc_id = flagged.session.doc_id
    twin = Annotator(project, doc_id, annotator="bob", translate=False, suggest=False)
    twin.handle({"type": "nav", "to": "index", "index": 4})
    assert twin.join_projection(timeout=120)
    assert _flags(flagged) == [(NAME_FLAG, False), (NUMBERS_FLAG, False)] == _flags(twin)
    assert flagged.mt["rows"][0]["numbers_ok"] is False

    flagged.handle({"type": "flag", "action": "dismiss", "route": "argos", "flag": NUMBERS_FLAG})
    assert flagged.status == {**flagged.status, "kind": "saved", "text": "flag dismissed: added: 91 (argos)"}
    assert _flags(flagged) == [(NAME_FLAG, False), (NUMBERS_FLAG, True)]
    assert flagged.mt["rows"][0]["numbers_ok"] is True
    decisions = project.flag_decisions(doc_id)
    assert list(zip(decisions["index"], decisions["route"], decisions["flag_id"], decisions["annotator"])) == [
        (4, "argos", NUMBERS_FLAG, "alice"),
    ]  # fmt: skip
    assert _flags(twin) == _flags(flagged)  # told at once, same kernel

    flagged.handle({"type": "flag", "action": "undismiss", "route": "argos", "flag": NUMBERS_FLAG})
    assert flagged.status["text"] == "flag shown again: added: 91 (argos)"
    assert _flags(flagged) == [(NAME_FLAG, False), (NUMBERS_FLAG, False)] == _flags(twin)
    assert len(project.flag_decisions(doc_id)) == 0
    twin.close()


def test_annotator_flag_alias_goes_to_the_project_file(flagged: Annotator, project):
    # The translation calls the colonel by his office: the annotator says so, and the name is found there.
    flagged.handle({"type": "flag", "action": "alias", "route": "argos", "flag": NAME_FLAG,
                    "alias": " vice-ministro "})  # fmt: skip
    assert flagged.status == {**flagged.status, "kind": "saved",
                              "text": "alias added: Colonel Valeri Revenko = vice-ministro"}  # fmt: skip
    from annot.names import read_aliases

    assert read_aliases(project.path) == {REVENKO: ["vice-ministro"]}
    assert "[aliases]" in (project.path / "annot.toml").read_text("utf-8")
    # Projection was computed again with the alias (the project file moved): the name is found now.
    assert _flags(flagged) == [(NUMBERS_FLAG, False)]
    (row,) = flagged.mt["rows"]
    (name,) = [p for p in row["projected"] if p["source_text"] == REVENKO]
    assert (name["status"], WRONG_4[name["start"] : name["end"]]) == ("kept", "vice-ministro")


def test_annotator_flag_alias_reaches_sibling_widgets(flagged: Annotator, project):
    twin = Annotator(project, flagged.session.doc_id, annotator="bob", translate=False, suggest=False)
    twin.handle({"type": "nav", "to": "index", "index": 4})
    assert twin.join_projection(timeout=120)
    flagged.handle({"type": "flag", "action": "alias", "route": "argos", "flag": NAME_FLAG, "alias": "vice-ministro"})
    try:
        assert _flags(twin) == [(NUMBERS_FLAG, False)]  # projected again, with the alias
    finally:
        twin.close()


@pytest.mark.parametrize(
    ("intent", "message"),
    [
        ({"route": "argos", "flag": "numbers:missing 7"}, "No flag 'numbers:missing 7' on the argos translation"),
        ({"route": "bergamot", "flag": NUMBERS_FLAG}, f"No flag {NUMBERS_FLAG!r} on the bergamot translation"),
        ({"route": "argos", "flag": NUMBERS_FLAG, "action": "alias", "alias": "x"}, "The flag 'added: 91' is not"),
        ({"route": "argos", "flag": NAME_FLAG, "action": "alias", "alias": " "}, "Type or select the name"),
        ({"route": "argos", "flag": NUMBERS_FLAG, "action": "explode"}, "Unknown flag action 'explode'"),
    ],
)
def test_annotator_flag_errors_write_nothing(flagged: Annotator, project, intent: dict, message: str):
    revision = project.revision()
    flagged.handle({"type": "flag", "action": "dismiss", **intent})  # type: ignore[typeddict-item]
    assert flagged.status["kind"] == "error" and flagged.status["text"].startswith(message)
    assert "\n" not in flagged.status["text"]
    assert project.revision() == revision and not (project.path / "annot.toml").exists()
    assert _flags(flagged) == [(NAME_FLAG, False), (NUMBERS_FLAG, False)]


def test_annotator_mt_choice_is_validated(widget: Annotator):
    engines = widget.targets["pt"]
    assert engines == ["argos", "bergamot", "apertium"]  # best first: neural before rule-based
    assert (widget.mt["target"], widget.mt["engine"]) == ("pt", "argos")  # the best is shown first
    widget.handle({"type": "next_engine"})
    assert widget.mt["engine"] == "bergamot"
    widget.handle({"type": "next_engine"})
    widget.handle({"type": "next_engine"})
    assert widget.mt["engine"] == "argos"  # round again
    widget.handle({"type": "mt", "target": "xx"})
    assert widget.status["kind"] == "error" and "en->xx" in widget.status["text"]
    assert widget.mt["target"] == "pt"


def test_annotator_row_base_engine_comes_from_the_route_not_the_first_name(project):
    """Argos's es->en goes apertium es->pt, then argos pt->en: argos's row, whatever name it was stored under."""
    from annot.model import Translation
    from annot.translate import get_engine

    es = ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"
    doc_id = annot.ingest(str(es), project).results[0].doc_id
    apertium, argos = get_engine("apertium"), get_engine("argos")
    signature = f"pivot({apertium.signature('es', 'pt')} > {argos.signature('pt', 'en')})"
    model = f"{apertium.model('es', 'pt').name}>{argos.model('pt', 'en').name}"
    project.add_translations([
        Translation(doc_id, 0, "apertium+argos", model, "v", "es", "en", "es>pt>en", signature, "As stored by 0.1."),
        Translation(doc_id, 1, "argos+apertium", model, "v", "es", "en", "es>pt>en", signature, "As stored now."),
    ])  # fmt: skip
    widget = Annotator(project, doc_id, target="en", engine="argos+apertium", translate=False, suggest=False)
    assert widget.targets["en"] == ["argos", "bergamot", "apertium"]  # best first, as the pane lists them
    assert (widget.mt["target"], widget.mt["engine"]) == ("en", "argos")  # a printed route name picks its engine
    rows = [(r["engine"], r["base"], r["route"]) for r in widget.mt["rows"]]
    assert rows == [("argos+apertium", "argos", "es>pt>en")]
    widget.handle({"type": "nav", "to": "next"})
    assert [(r["base"], r["text"]) for r in widget.mt["rows"]] == [("argos", "As stored now.")]
    widget.handle({"type": "mt", "engine": "bergamot+apertium"})
    assert widget.mt["engine"] == "bergamot"
    widget.close()


def test_annotator_shows_a_linked_version_as_reference_or_human_translation(widget: Annotator, project):
    from annot.align import link_documents

    es = annot.ingest(str(ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"), project).results[0].doc_id
    widget.handle({"type": "mt", "target": "es"})
    assert widget.join_projection(timeout=120)  # the kernel's first projection into es
    assert widget.mt["reference"] is None  # not linked yet
    link_documents(project, widget.session.doc_id, es, engine="apertium")
    widget.handle({"type": "poll"})
    widget.handle({"type": "nav", "to": "index", "index": 6})  # one English sentence, two Spanish ones
    ref = widget.mt["reference"]
    assert ref["sentences"] == "6-7" and ref["plural"] and ref["text"].startswith("Al contingente militar")
    assert ref["label"] == "reference"  # nobody said a person translated it
    # 9,000 = 9.000: right in Spanish. Nothing is tagged: the names it has are "added".
    assert [f["kind"] for f in ref["flags"]] == ["added"] * len(ref["flags"]) and ref["checked"]
    assert all(ref["text"][p["start"] : p["end"]] for p in ref["projected"])
    widget.handle({"type": "nav", "to": "index", "index": 12})  # two English sentences, one Spanish
    assert widget.mt["reference"]["shared"] is True and widget.mt["reference"]["text"].startswith("Bielorrusia asegura")
    link_documents(project, widget.session.doc_id, es, engine="apertium", human=True)
    widget.handle({"type": "poll"})
    assert widget.mt["reference"]["label"] == "human translation"


# -- errors, acknowledgements, consistency -------------------------------------------------------------


def test_annotator_errors_show_one_line_status(widget: Annotator, project):
    said = []
    widget.observe(lambda change: said.append(change["new"]), names="status")
    widget.handle({"type": "label", "label": "ACTOR"})
    assert widget.status["text"].startswith("Select some words first")
    _select(widget, _current(widget), "“")
    assert widget.status["text"].startswith("Cannot select in sentence 0") and widget.form == {}
    widget.handle({"type": "select", "sentence": 0, "utf16_start": 0, "utf16_end": 9999})
    assert "past the end" in widget.status["text"]
    widget.handle({"type": "label", "label": "WHO"})
    assert "Valid labels: ACTOR, QUANTITY, STANCE" in widget.status["text"]
    errors = [status["text"] for status in said if status["kind"] == "error"]
    assert len(set(errors)) == 4 and all(text and "\n" not in text for text in errors)
    assert len(project.spans()) == 0
    with pytest.raises(ValueError, match="Unknown intent"):
        widget.handle({"type": "explode"})  # type: ignore[typeddict-item]


def test_annotator_xss_text_stays_text_in_window(project, tmp_path: Path):
    path = tmp_path / "xss.en.txt"
    payload = "Alert <img src=x onerror=window.__xss=1> says the 😀 source."
    path.write_text(payload, encoding="utf-8")
    doc_id = annot.ingest(str(path), project, lang="en").results[0].doc_id
    widget = Annotator(project, doc_id, translate=False, suggest=False)
    assert widget.window[0]["text"] == payload
    text = payload
    start = text.index("source")
    widget.handle(
        {"type": "select", "sentence": 0, "utf16_start": _utf16(text, start), "utf16_end": _utf16(text, start) + 6}
    )
    widget.handle({"type": "label", "label": "ACTOR"})
    assert project.get_span(widget.form["span"]["id"]).text == "source"
    assert widget.window[0]["spans"][0]["utf16_start"] == _utf16(text, start)
    assert widget.snippets == [payload]  # the outline's rows are text too


def test_annotator_acknowledges_each_intent_by_id(widget: Annotator):
    widget.handle({"type": "nav", "to": "next", "id": 7})  # type: ignore[typeddict-unknown-key]
    assert widget.status["ack"] == 7
    widget.handle({"type": "label", "label": "ACTOR", "id": 8})  # type: ignore[typeddict-unknown-key]
    assert widget.status["ack"] == 8 and widget.status["kind"] == "error"  # handled, and it failed
    widget.handle({"type": "search", "query": "Minsk", "id": 9})  # type: ignore[typeddict-unknown-key]
    widget.handle({"type": "mark", "status": "done", "id": 10})  # type: ignore[typeddict-unknown-key]
    assert widget.status["ack"] == 10 and widget.status["kind"] == "saved"


def test_annotator_poll_and_siblings_see_edits_made_elsewhere(widget: Annotator, project):
    twin = Annotator(project, widget.session.doc_id, annotator="bob", translate=False, suggest=False)
    twin.handle({"type": "tab", "tab": "entities"})
    sentence = _current(widget)
    _select(widget, sentence, "Minsk")
    widget.handle({"type": "label", "label": "ACTOR"})
    assert [s["text"] for s in _current(twin)["spans"]] == ["Minsk"]  # told at once, same kernel
    assert twin.outline["counts"][0] == [1, 0, 0] and [e["name"] for e in twin.entities] == ["Minsk"]
    other = annot.open_project(project.path, annotator="carol")  # as another kernel would
    try:
        start = sentence["text"].index("military personnel")
        other.add_span(widget.session.doc_id, start, start + len("military personnel"), "QUANTITY")
        other.mark_sentences(widget.session.doc_id, [3], "done", annotator="alice")
    finally:
        other.close()
    assert len(_current(widget)["spans"]) == 1
    widget.handle({"type": "poll"})
    assert sorted(s["text"] for s in _current(widget)["spans"]) == ["Minsk", "military personnel"]
    assert widget.outline["counts"][0] == [1, 1, 0] and widget.outline["marks"][3] == "done"
    # A span deleted elsewhere leaves the form of the widget showing it.
    twin.handle({"type": "focus", "span_id": widget.form["span"]["id"]})
    widget.handle({"type": "delete", "span_id": widget.form["span"]["id"]})
    assert twin.form == {}
    # And one deleted by another kernel, at the next poll.
    quantity = next(s["id"] for s in _current(twin)["spans"] if s["label"] == "QUANTITY")
    twin.handle({"type": "focus", "span_id": quantity})
    other = annot.open_project(project.path, annotator="carol")
    try:
        other.delete_span(quantity)
    finally:
        other.close()
    twin.handle({"type": "poll"})
    assert twin.form == {} and _current(twin)["spans"] == []
    twin.close()


def test_annotator_on_a_closed_store_says_so_and_shows_nothing_as_saved(project, seed_path: Path):
    doc_id = annot.ingest(str(seed_path), project).results[0].doc_id
    store = annot.open_project(project.path, annotator="dave")
    widget = Annotator(store, doc_id, translate=False, suggest=False)
    _select(widget, _current(widget), "Minsk")
    store.close()
    for intent in ({"type": "label", "label": "ACTOR"}, {"type": "poll"}, {"type": "nav", "to": "next"}):
        widget.handle(intent)  # type: ignore[arg-type]
        assert widget.status["kind"] == "error" and "was closed" in widget.status["text"]
    assert _current(widget)["spans"] == []
    assert len(project.spans()) == 0


def test_annotator_on_a_language_nothing_translates_says_which_model_would_and_how(tmp_path):
    path = tmp_path / "minsk.sk.txt"
    path.write_text("Bieloruský prezident oznámil príchod ruských vojakov. Ide vraj o obranné opatrenie.", "utf-8")
    store = annot.open_project(tmp_path / "project", annotator="ana")
    try:
        doc = annot.ingest(path, store).results[0].doc_id
        widget = Annotator(store, doc, translate=False, suggest=False)
        assert widget.targets == {} and widget.mt["rows"] == []
        hint = widget.mt["hint"]
        assert hint.startswith("No installed engine translates sk.") and "annot models fetch sk-en" in hint
        assert "annot models install models-sk_en.annot-models" in hint and "\n" not in hint
        # Everything that needs no MT still works: tagging, marks, the outline.
        words = widget.session.sentences[0].text
        widget.handle({"type": "select", "sentence": 0, "utf16_start": 0, "utf16_end": words.index(" prezident")})
        widget.handle({"type": "label", "label": "ACTOR"})
        widget.handle({"type": "mark", "status": "done"})
        assert widget.status["kind"] == "saved" and widget.outline["counts"][0][0] == 1
        assert widget.outline["marks"][0] == "done"
        widget.close()
    finally:
        store.close()
