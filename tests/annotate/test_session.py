"""The annotation session on the real store: navigation, window, tagging, stance, undo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import annot
import annot.store
from annot.annotate import AnnotationSession
from annot.model import Translation
from annot.store import DB_NAME


@pytest.fixture
def seed(project, seed_path: Path) -> AnnotationSession:
    report = annot.ingest(str(seed_path), project)
    return AnnotationSession(project, report.results[0].doc_id, annotator="alice")


def _doc(project, tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return annot.ingest(str(path), project, lang="en").results[0].doc_id


def test_session_navigation_clamps_and_reports_position(seed: AnnotationSession):
    total = len(seed.sentences)
    assert seed.index == 0
    assert seed.previous() == 0
    assert seed.next() == 1
    assert seed.go(4) == 4
    assert seed.position_line() == f"sentence 4 · {total} sentences · 0 annotated"  # numbered from 0
    assert seed.go(10_000) == total - 1
    assert seed.next() == total - 1
    assert seed.go(-3) == 0


def test_session_window_has_neighbours_and_current(seed: AnnotationSession):
    seed.go(0)
    assert [s["index"] for s in seed.window()] == [0, 1, 2]
    seed.go(5)
    view = seed.window()
    assert [s["index"] for s in view] == [3, 4, 5, 6, 7]
    assert [s["current"] for s in view] == [False, False, True, False, False]
    assert view[2]["text"] == seed.sentences[5].text
    seed.go(8)
    assert seed.window()[2]["heading"] is True  # "Alleged Ukrainian attack"
    seed.go(len(seed.sentences) - 1)
    assert len(seed.window()) == 3


def test_session_tag_snaps_partial_selection(seed: AnnotationSession):
    index = next(s.index for s in seed.sentences if "Valeri Revenko" in s.text)
    seed.go(index)
    text = seed.sentences[index].text
    start = text.index("aleri Revenk")
    span = seed.tag(start, start + len("aleri Revenk"), "ACTOR", {"type": "person"})
    assert span.text == "Valeri Revenko"
    assert span.annotator == "alice"
    current = next(s for s in seed.window() if s["current"])
    assert [(v["id"], v["label"], v["attrs"]) for v in current["spans"]] == [(span.id, "ACTOR", {"type": "person"})]
    view = current["spans"][0]
    assert text[view["sent_start"] : view["sent_end"]] == "Valeri Revenko"
    assert view["color"] == seed.store.schema.labels["ACTOR"].color
    assert seed.position_line().endswith("· 1 annotated")
    assert seed.actor_names() == ["Valeri Revenko"]


def test_session_tag_rejects_bad_selection_and_label(seed: AnnotationSession):
    with pytest.raises(annot.SpanError):
        seed.tag(0, 10_000, "ACTOR")
    with pytest.raises(annot.SpanError):
        seed.tag(0, 3, "NOPE")
    assert seed.annotated_count() == 0


def test_session_tag_with_utf16_offsets_after_emoji(project, tmp_path: Path):
    doc_id = _doc(project, tmp_path, "emoji.txt", "🙂🙂 Colonel Valeri Revenko spoke in Minsk.\n")
    session = AnnotationSession(project, doc_id, annotator="alice")
    text = session.sentences[0].text
    cp = text.index("Valeri")
    units = cp + 2  # two emoji before it, two UTF-16 units each
    span = session.tag(units, units + len("Valeri Revenko"), "ACTOR", utf16=True)
    assert span.text == "Valeri Revenko"
    view = session.window()[0]["spans"][0]
    assert (view["utf16_start"], view["utf16_end"]) == (units, units + len("Valeri Revenko"))
    assert (view["sent_start"], view["sent_end"]) == (cp, cp + len("Valeri Revenko"))
    with pytest.raises(annot.SpanError, match="surrogate"):
        session.tag(1, 6, "ACTOR", utf16=True)


def test_session_stance_set_then_updated_is_one_span(seed: AnnotationSession):
    seed.go(3)
    actor = seed.tag(*_find(seed, 3, "Minsk"), "ACTOR")
    first = seed.set_stance(holder_span=actor.id, target="Russian troops", polarity="supports", evidence="reported")
    second = seed.set_stance(holder="author", polarity="neutral", evidence="asserted")
    assert first.id == second.id
    assert (second.start, second.end) == (seed.sentences[3].start, seed.sentences[3].end)
    assert dict(second.attrs) == {"evidence": "asserted", "holder": "author", "polarity": "neutral"}
    stances = seed.store.spans(seed.doc_id, label="STANCE")
    assert len(stances) == 1
    with pytest.raises(annot.SpanError):
        seed.set_stance(polarity="maybe")


def _find(session: AnnotationSession, index: int, part: str) -> tuple[int, int]:
    start = session.sentences[index].text.index(part)
    return start, start + len(part)


def test_session_undo_redo_edit_delete(seed: AnnotationSession):
    span = seed.tag(*_find(seed, 0, "military personnel"), "QUANTITY")
    seed.edit(span.id, label="ACTOR")
    assert seed.window()[0]["spans"][0]["label"] == "ACTOR"
    undone = seed.undo()
    assert (undone.span.label, undone.action, undone.redo) == ("QUANTITY", "edit", False)
    assert seed.window()[0]["spans"][0]["label"] == "QUANTITY"
    redone = seed.redo()
    assert (redone.span.label, redone.action, redone.redo) == ("ACTOR", "edit", True)
    seed.delete(span.id)
    assert seed.window()[0]["spans"] == []
    assert seed.undo().action == "delete"
    assert [v["id"] for v in seed.window()[0]["spans"]] == [span.id]
    with pytest.raises(annot.NotFound):
        seed.edit("sp-0000000000000000", label="ACTOR")
    with pytest.raises(annot.NotFound):
        seed.delete("sp-0000000000000000")


def test_session_undo_is_per_annotator(seed: AnnotationSession):
    seed.tag(*_find(seed, 0, "military personnel"), "QUANTITY")
    bob = AnnotationSession(seed.store, seed.doc_id, annotator="bob")
    assert bob.undo() is None
    assert bob.annotated_count() == 1  # every annotator's spans are shown


def test_session_next_unannotated_skips_annotated(seed: AnnotationSession):
    for index in (1, 2, 4):
        seed.tag(0, 3, "ACTOR", sentence=index)
    seed.go(0)
    assert seed.next_unannotated() == 3
    assert seed.next_unannotated() == 5
    seed.go(len(seed.sentences) - 1)
    assert seed.next_unannotated() is None
    assert seed.index == len(seed.sentences) - 1


def test_session_label_keys_and_translation(seed: AnnotationSession):
    assert seed.label_keys() == {"1": "ACTOR", "2": "QUANTITY", "3": "STANCE"}
    seed.store.add_translations([
        Translation(seed.doc_id, 1, "fake", "m", "1", "en", "pt", "en>pt", "fake|m|1", "Em fevereiro..."),
        Translation(seed.doc_id, 2, "fake", "m", "1", "en", "pt", "en>pt", "fake|m|1", "A Rússia..."),
    ])  # fmt: skip
    seed.go(1)
    assert [tr.text for tr in seed.translation("pt")] == ["Em fevereiro..."]
    assert seed.translation("pt", engine="argos") == []
    assert seed.translation("ru") == []


def test_session_on_a_long_document_reads_the_store_as_often_as_on_a_short_one(project, tmp_path: Path):
    """Opening, moving and drawing the window cost a fixed number of queries, whatever the length.

    How long that takes is a figure of benchmarks/bench_annotator_browser.py
    (opening the seed vs a 5,000-sentence document), printed, not asserted here.
    """

    def open_at(doc_id: str, index: int) -> tuple[AnnotationSession, list, list[str]]:
        statements: list[str] = []
        project._db.conn.set_trace_callback(statements.append)  # every SQL statement the store runs
        try:
            session = AnnotationSession(project, doc_id)
            session.go(index)
            view = session.window()
            session.position_line()
        finally:
            project._db.conn.set_trace_callback(None)
        return session, view, statements

    def sentences(n: int) -> str:
        return " ".join(f"Sentence number {i} is short." for i in range(n)) + "\n"

    _, _, short = open_at(_doc(project, tmp_path, "short.txt", sentences(50)), 25)
    session, view, long = open_at(_doc(project, tmp_path, "long.txt", sentences(5000)), 2500)
    assert len(session.sentences) == 5000
    assert [s["index"] for s in view] == [2498, 2499, 2500, 2501, 2502]
    assert len(long) == len(short), (short, long)


def test_select_snaps_without_storing(seed: AnnotationSession):
    session = seed
    text = session.sentences[4].text
    at = text.index("aleri Revenk")
    before = len(session.store.spans())
    picked = session.select(at + 11, at, sentence=4)  # either order
    assert picked["text"] == "Valeri Revenko" and picked["sentence"] == 4
    assert text[picked["sent_start"] : picked["sent_end"]] == "Valeri Revenko"
    assert picked["utf16_end"] - picked["utf16_start"] == len("Valeri Revenko")
    assert len(session.store.spans()) == before


def test_session_start_stance_prefills_evidence_and_holder_from_the_text(seed: AnnotationSession):
    # "..., says Minsk.": a reporting verb, and the tagged actor next to it holds the claim.
    minsk = seed.tag(*_find(seed, 0, "Minsk"), "ACTOR", {"type": "government body", "canonical": "Belarus"})
    stance = seed.start_stance()
    assert stance.attrs == {"evidence": "reported", "holder_span": minsk.id, "holder": "Belarus"}
    assert seed.start_stance().id == stance.id  # pressing STANCE again opens the same one
    assert "polarity" not in stance.attrs  # never guessed


def test_session_update_stance_merges_fields_and_checks_the_holder(seed: AnnotationSession):
    seed.go(4)
    revenko = seed.tag(*_find(seed, 4, "Valeri Revenko"), "ACTOR", {"type": "person"})
    stance = seed.update_stance(polarity="supports")
    assert stance.attrs == {"polarity": "supports"}
    stance = seed.update_stance(evidence="reported", holder_span=revenko.id)
    assert stance.attrs == {"polarity": "supports", "evidence": "reported", "holder_span": revenko.id,
                            "holder": "Valeri Revenko"}  # fmt: skip
    stance = seed.update_stance(holder="author")  # a free-text holder drops the span
    assert stance.attrs == {"polarity": "supports", "evidence": "reported", "holder": "author"}
    assert seed.update_stance(polarity=None).attrs == {"evidence": "reported", "holder": "author"}
    with pytest.raises(annot.SpanError, match="Unknown STANCE field"):
        seed.update_stance(mood="happy")
    seed.go(0)
    later = seed.tag(*_find(seed, 4, "Revenko"), "ACTOR", sentence=4)
    with pytest.raises(annot.SpanError, match="not an ACTOR in this sentence or before"):
        seed.update_stance(holder_span=later.id)  # an actor named only later cannot hold this stance
    assert seed.stance() is None  # nothing was written


def test_session_edit_stance_sets_any_stance_by_the_same_rules(seed: AnnotationSession):
    revenko = seed.tag(*_find(seed, 4, "Valeri Revenko"), "ACTOR", sentence=4)
    seed.go(4)
    stance = seed.update_stance(polarity="supports")
    quantity = seed.tag(*_find(seed, 4, "19"), "QUANTITY", {"value": 19})
    seed.go(0)  # the stance is another sentence's now: edited in place, not created here
    edited = seed.edit_stance(stance.id, holder_span=revenko.id, evidence="reported")
    assert edited.id == stance.id and edited.attrs == {
        "polarity": "supports", "holder_span": revenko.id, "holder": "Valeri Revenko", "evidence": "reported",
    }  # fmt: skip
    assert seed.stance() is None  # nothing made on the current sentence
    assert seed.edit_stance(stance.id, holder="author").attrs == {
        "polarity": "supports", "holder": "author", "evidence": "reported",
    }  # fmt: skip
    with pytest.raises(annot.SpanError, match="not an ACTOR in this document"):
        seed.edit_stance(stance.id, holder_span=quantity.id)
    with pytest.raises(annot.SpanError, match="Unknown STANCE field"):
        seed.edit_stance(stance.id, mood="happy")
    assert seed.span(stance.id).attrs["holder"] == "author"  # nothing was written


def test_session_holder_candidates_and_cycle(seed: AnnotationSession):
    minsk = seed.tag(*_find(seed, 0, "Minsk"), "ACTOR")
    seed.go(3)
    russia = seed.tag(*_find(seed, 3, "Minsk"), "ACTOR")  # "the Minsk authorities"
    moscow = seed.tag(*_find(seed, 3, "Moscow"), "ACTOR")
    assert [s.id for s in seed.holder_candidates()] == [russia.id, moscow.id, minsk.id]
    holders = [seed.cycle_holder().attrs.get("holder_span") or seed.stance().attrs["holder"] for _ in range(5)]
    assert holders == [russia.id, moscow.id, minsk.id, "author", russia.id]


def test_session_changed_sees_writes_from_another_process_and_session(seed: AnnotationSession, project):
    assert seed.changed() is False
    other = annot.open_project(project.path, annotator="bob")  # another connection, as another process has
    try:
        doc = other.document(seed.doc_id)
        other.add_span(doc.id, 0, 3, "ACTOR")
        assert seed.changed() is True
        assert seed.annotated_count() == 1
        assert seed.changed() is False
    finally:
        other.close()
    bob = AnnotationSession(seed.store, seed.doc_id, annotator="bob")  # same connection, another session
    bob.tag(*_find(bob, 1, "Russia"), "ACTOR", sentence=1)
    assert seed.changed() is True and seed.annotated_count() == 2


def test_session_actor_names_come_from_the_whole_project(seed: AnnotationSession, tmp_path: Path):
    seed.tag(*_find(seed, 0, "Minsk"), "ACTOR", {"canonical": "Belarus"})
    seed.tag(*_find(seed, 1, "Russia"), "ACTOR", sentence=1)
    other = _doc(seed.store, tmp_path, "other.en.txt", "Kyiv said nothing. NATO was silent.")
    seed.store.add_span(other, 0, 4, "ACTOR", {"type": "state"})  # no canonical name: the text
    seed.store.add_span(other, 19, 23, "QUANTITY")  # not an actor
    assert seed.actor_names() == ["Belarus", "Kyiv", "Russia"]


# -- where the annotator left off ------------------------------------------------


def test_session_opens_where_the_annotator_left_off(seed: AnnotationSession, project):
    seed.go(5)
    seed.next()
    assert project.position(seed.doc_id, "alice") == 6
    assert AnnotationSession(project, seed.doc_id, annotator="alice").index == 6
    assert AnnotationSession(project, seed.doc_id, annotator="bob").index == 0  # each annotator their own
    seed.previous()
    assert project.position(seed.doc_id, "alice") == 5
    seed.tag(*_find(seed, 6, "Kremlin"), "ACTOR", sentence=6)
    assert seed.next_unannotated() == 7
    assert project.position(seed.doc_id, "alice") == 7


def test_session_clamps_a_stored_position_past_the_end(seed: AnnotationSession, project):
    conn = sqlite3.connect(project.path / DB_NAME)
    with conn:
        conn.execute("INSERT INTO positions VALUES (?, 'alice', 99, '2024-01-01T00:00:00+00:00')", (seed.doc_id,))
    conn.close()
    assert AnnotationSession(project, seed.doc_id, annotator="alice").index == len(seed.sentences) - 1


def test_session_on_a_read_only_store_moves_without_saving(seed: AnnotationSession, project):
    seed.go(3)
    with annot.Store(project.path, read_only=True) as reader:
        session = AnnotationSession(reader, seed.doc_id, annotator="alice")
        assert session.index == 3
        assert session.go(7) == 7  # no StoreError: a read-only store has no position to save
    assert project.position(seed.doc_id, "alice") == 3


def test_session_changed_ignores_moves_elsewhere_but_sees_spans_and_marks(seed: AnnotationSession, project):
    seed.window()
    with annot.open_project(project.path, annotator="bob") as elsewhere:  # another connection, as another kernel
        bob = AnnotationSession(elsewhere, seed.doc_id, annotator="bob")
        bob.go(4)
        bob.next()
        assert project.position(seed.doc_id, "bob") == 5  # saved, and committed
        assert seed.changed() is False
        bob.mark("done")
        assert seed.changed() is True
        assert seed.marks() == {} and seed.outline()["progress"]["done"] == 0  # bob's mark, not alice's
        assert seed.changed() is False
        bob.tag(*_find(bob, 5, "Lukashenko"), "ACTOR")
        assert seed.changed() is True
        assert seed.annotated_count() == 1
    seed.go(9)  # the session's own moves are not changes either
    assert seed.changed() is False
    seed.mark("empty")  # nor its own marks: already in its cache
    assert seed.changed() is False
    assert seed.marks() == {9: "empty"}


# -- sentence marks ----------------------------------------------------------------


def test_session_marks_are_this_annotators_and_show_in_the_position_line(seed: AnnotationSession):
    total = len(seed.sentences)
    seed.go(4)
    assert seed.mark("done") == 4  # the current sentence by default
    assert seed.mark("empty", 8) == 8
    assert seed.marks() == {4: "done", 8: "empty"}
    assert seed.position_line() == f"sentence 4 · {total} sentences · 0 annotated · 2 done"
    bob = AnnotationSession(seed.store, seed.doc_id, annotator="bob")
    assert bob.marks() == {}
    assert bob.position_line() == f"sentence 0 · {total} sentences · 0 annotated"
    seed.mark(None, 8)
    assert seed.marks() == {4: "done"}
    with pytest.raises(annot.SpanError, match="valid: 'done', 'empty' \\(nothing to annotate\\), or None"):
        seed.mark("finished")
    with pytest.raises(annot.SpanError, match=f"no sentence 99 \\(valid: 0..{total - 1}\\)"):
        seed.mark("done", 99)
    seed.tag(*_find(seed, 4, "Revenko"), "ACTOR")
    assert seed.undo().action == "tag"  # undo is for spans: the mark stays
    assert seed.marks() == {4: "done"}


# -- the overview ------------------------------------------------------------------


def test_session_outline_counts_labels_per_sentence_with_marks_and_progress(seed: AnnotationSession):
    seed.tag(*_find(seed, 0, "Minsk"), "ACTOR")
    seed.tag(*_find(seed, 0, "up to 9,000 military personnel"), "QUANTITY")
    seed.tag(*_find(seed, 2, "170 tanks"), "QUANTITY", sentence=2)
    seed.go(3)
    seed.set_stance(polarity="neutral")
    seed.mark("done", 0)
    seed.mark("empty", 8)
    AnnotationSession(seed.store, seed.doc_id, annotator="bob").mark("done", 1)
    view = seed.outline()
    assert view["labels"] == ["ACTOR", "QUANTITY", "STANCE"]
    assert len(view["counts"]) == len(view["marks"]) == len(seed.sentences)
    assert view["counts"][:4] == [[1, 1, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert view["marks"][:2] == ["done", ""] and view["marks"][8] == "empty"
    assert view["progress"] == {"sentences": len(seed.sentences), "annotated": 3, "done": 1, "empty": 1}
    assert json.loads(json.dumps(view)) == view


def test_session_outline_follows_the_projects_schema(project, tmp_path: Path):
    (project.path / annot.store.SCHEMA_FILE).write_text(
        '[labels.EVENT]\ncolor = "#9467bd"\n\n[labels.STANCE]\ndisabled = true\n', encoding="utf-8"
    )
    with annot.open_project(project.path) as store:
        doc_id = _doc(store, tmp_path, "e.txt", "Troops moved. Tanks moved. Minsk spoke.\n")
        session = AnnotationSession(store, doc_id, annotator="alice")
        session.tag(7, 12, "EVENT", sentence=0)
        session.tag(6, 11, "EVENT", sentence=1)
        session.tag(0, 5, "ACTOR", sentence=2)
        view = session.outline()
        assert view["labels"] == ["ACTOR", "QUANTITY", "EVENT"]
        assert view["counts"] == [[0, 0, 1], [0, 0, 1], [1, 0, 0]]
        assert [(e["label"], e["name"], e["count"]) for e in session.entities()] == [
            ("ACTOR", "Minsk", 1), ("EVENT", "moved", 2),
        ]  # fmt: skip


def test_session_snippets_are_the_first_words_of_each_sentence(seed: AnnotationSession):
    snippets = seed.snippets(width=30)
    assert len(snippets) == len(seed.sentences)
    assert snippets[0] == "The deployment of up to 9,000…"
    assert snippets[8] == "Alleged Ukrainian attack"  # short enough: whole, no ellipsis
    assert all(len(s) <= 30 for s in seed.snippets(width=30))
    assert seed.snippets()[1] == seed.sentences[1].text  # 80 characters by default
    with pytest.raises(annot.SpanError, match="at least 2"):
        seed.snippets(width=1)


def test_session_entities_group_actors_by_canonical_name_and_quantities_by_value(seed: AnnotationSession):
    minsk = seed.tag(*_find(seed, 0, "Minsk"), "ACTOR", {"canonical": "Belarus"})
    belarus = seed.tag(*_find(seed, 11, "Belarus"), "ACTOR", sentence=11)  # no canonical name: its text
    authorities = seed.tag(*_find(seed, 3, "the Minsk authorities"), "ACTOR", {"canonical": "bélarus"}, sentence=3)
    russia = seed.tag(*_find(seed, 1, "Russia"), "ACTOR", sentence=1)
    up_to = {"value": 9000, "unit": "military personnel", "qualifier": "up to"}
    first = seed.tag(*_find(seed, 0, "up to 9,000 military personnel"), "QUANTITY", up_to)
    again = seed.tag(*_find(seed, 2, "up to 200"), "QUANTITY", {**up_to, "value": 9000.0}, sentence=2)
    tanks = seed.tag(*_find(seed, 2, "170 tanks"), "QUANTITY", sentence=2)  # no value: its text
    seed.go(3)
    seed.set_stance(polarity="neutral")  # a claim about the sentence, not an entity
    found = seed.entities()
    assert [(e["label"], e["name"], e["count"]) for e in found] == [
        ("ACTOR", "Belarus", 3), ("ACTOR", "Russia", 1),
        ("QUANTITY", "up to 9,000 military personnel", 2), ("QUANTITY", "170 tanks", 1),
    ]  # fmt: skip
    belarus_group = found[0]
    assert belarus_group["sentences"] == [0, 3, 11]
    assert belarus_group["span_ids"] == [minsk.id, authorities.id, belarus.id]
    assert belarus_group["texts"] == ["Minsk", "the Minsk authorities", "Belarus"]
    assert found[1]["span_ids"] == [russia.id]
    assert found[2]["span_ids"] == [first.id, again.id] and found[2]["sentences"] == [0, 2]
    assert found[3]["span_ids"] == [tanks.id]
    assert json.loads(json.dumps(found)) == found


def test_session_search_ignores_case_and_accents_only(project, tmp_path: Path):
    text = "Troops reached MINSK. The Café in Minsk closed. Bélarus said no. Nothing here.\n"
    session = AnnotationSession(project, _doc(project, tmp_path, "s.txt", text), annotator="alice")
    assert session.search("minsk") == [0, 1]
    assert session.search("cafe in") == [1]
    assert session.search("BELARUS") == [2]
    assert session.search("bélarus") == [2]
    assert session.search("minsk.") == [0]  # punctuation counts
    assert session.search("cafe  in") == []  # and spaces: exact but for case and accents
    assert session.search("") == [] and session.search("   ") == []


# -- undo says what it did ---------------------------------------------------------


def test_session_undo_and_redo_say_what_they_did(seed: AnnotationSession):
    minsk = seed.tag(*_find(seed, 0, "Minsk"), "ACTOR")
    assert seed.undo().describe() == "undid tagging ACTOR 'Minsk'"
    assert seed.redo().describe() == "redid tagging ACTOR 'Minsk'"
    quantity = seed.tag(*_find(seed, 0, "up to 9,000"), "QUANTITY")
    seed.delete(quantity.id)
    assert seed.undo().describe() == "undid deleting QUANTITY 'up to 9,000'"
    assert seed.redo().describe() == "redid deleting QUANTITY 'up to 9,000'"
    seed.store.restore_span(quantity.id, annotator="alice")
    step = seed.undo()
    assert (step.action, step.span.id) == ("restore", quantity.id)
    assert step.describe() == "undid restoring QUANTITY 'up to 9,000'"
    seed.edit(minsk.id, attrs={"canonical": "Belarus"})
    assert seed.undo().describe() == "undid editing ACTOR 'Minsk'"
    seed.go(1)
    seed.set_stance(polarity="supports")
    seed.set_stance(polarity="opposes")
    step = seed.undo()
    assert step.describe() == "undid editing STANCE (the whole sentence)"
    assert step.span.attrs == {"polarity": "supports"} and step.redo is False
    seed.tag(*_find(seed, 4, "The Belarusian Deputy Minister of Defense for International"), "ACTOR", sentence=4)
    assert seed.undo().describe() == "undid tagging ACTOR 'The Belarusian Deputy Minister of Defen…'"


# -- who is annotating ---------------------------------------------------------------


def test_session_set_annotator_switches_who_edits_and_keeps_the_place(seed: AnnotationSession, project):
    seed.go(3)
    seed.mark("done")
    assert seed.set_annotator("  bob ") == "bob"
    assert (seed.annotator, seed.index, seed.marks()) == ("bob", 3, {})
    assert seed.tag(*_find(seed, 3, "Moscow"), "ACTOR").annotator == "bob"
    seed.next()
    assert (project.position(seed.doc_id, "bob"), project.position(seed.doc_id, "alice")) == (4, 3)
    assert seed.undo().span.annotator == "bob"


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "is empty"), ("   ", "is empty"), ("ana\nbob", "holds U+000A, a control character"), ("a\x00", "U+0000"),
     ("\ud800", "U+D800")],
)  # fmt: skip
def test_session_set_annotator_refuses_names_that_cannot_be_shown(seed: AnnotationSession, name: str, problem: str):
    with pytest.raises(annot.SpanError) as info:
        seed.set_annotator(name)
    assert problem in str(info.value) and "\n" not in str(info.value)
    assert seed.annotator == "alice"


def test_session_correcting_a_suggestion_accepts_it(seed: AnnotationSession):
    annot.suggest_documents(seed.store, seed.doc_id, only="actors,stance")
    seed.refresh()
    minsk = next(s for s in seed.spans_in(0) if s.label == "ACTOR" and s.text == "Minsk")
    assert minsk.status == annot.Status.PENDING
    fixed = seed.edit(minsk.id, attrs={"type": "government body", "canonical": "Belarus"})
    assert (fixed.status, fixed.origin) == (annot.Status.ACCEPTED, annot.Origin.SUGGESTED)
    # The stance keys correct the sentence's STANCE suggestion (accepting it), never start a second STANCE.
    (suggested,) = [s for s in seed.spans_in(0) if s.label == "STANCE"]
    assert seed.stance() is not None and seed.stance().id == suggested.id
    stance = seed.update_stance(polarity="opposes")
    assert stance.id == suggested.id and stance.status == annot.Status.ACCEPTED
    assert stance.attrs["polarity"] == "opposes" and stance.attrs["holder_span"] == minsk.id
    assert [s.id for s in seed.spans_in(0) if s.label == "STANCE"] == [suggested.id]
    assert seed.edit(stance.id, status="rejected").status == annot.Status.REJECTED  # a status given is kept


# -- reviewing suggestions: one step for all, rejected ones out of view ----------------------------


def _suggested(seed: AnnotationSession, index: int = 1) -> list[annot.Span]:
    """The seed's suggestions stored, the session on sentence ``index``; its pending spans."""
    annot.suggest_documents(seed.store, seed.doc_id)
    seed.refresh()
    seed.go(index)
    return seed.pending()


def test_session_accept_all_is_one_step_to_undo_and_redo(seed: AnnotationSession):
    pending = _suggested(seed)
    mine = seed.tag(*_find(seed, 0, "Minsk"), "ACTOR", sentence=0)  # an edit before: a step of its own
    accepted = seed.accept_all()
    assert len(accepted) == len(pending) == 3 and {s.status for s in accepted} == {annot.Status.ACCEPTED}
    step = seed.undo()
    assert step.describe() == "undid accepting 3 suggestions" and step.action == "accept"
    assert [s.id for s in step.spans] == [s.id for s in reversed(pending)]
    assert [s.id for s in seed.pending()] == [s.id for s in pending]
    assert seed.outline()["pending"][1] == 3  # the cache follows every span of the step
    assert seed.redo().describe() == "redid accepting 3 suggestions"
    assert seed.pending() == [] and seed.outline()["pending"][1] == 0
    assert seed.undo().describe() == "undid accepting 3 suggestions"
    assert seed.undo().describe() == "undid tagging ACTOR 'Minsk'" and seed.undo() is None
    assert mine.id not in {s.id for s in seed.spans_in(0)}


def test_session_accepting_or_rejecting_one_suggestion_says_so_on_undo(seed: AnnotationSession):
    first, second, *_ = _suggested(seed)
    seed.edit(first.id, status="accepted")
    assert seed.undo().describe() == f"undid accepting ACTOR '{first.text}'"
    seed.edit(second.id, status="rejected")
    assert seed.undo().describe() == f"undid rejecting ACTOR '{second.text}'"
    seed.edit(second.id, attrs={**second.attrs, "canonical": "Kyiv"})  # a correction accepts, and is an edit
    assert seed.undo().describe() == f"undid editing ACTOR '{second.text}'"


def test_session_rejected_suggestions_leave_the_views_and_undo_brings_them_back(seed: AnnotationSession):
    pending = _suggested(seed)
    before = seed.outline()
    names = {e["name"] for e in seed.entities()}
    rejected = pending[0]
    seed.edit(rejected.id, status="rejected")
    shown = [v["id"] for s in seed.window() for v in s["spans"]]
    assert rejected.id not in shown and rejected.id not in {s.id for s in seed.spans_in(1)}
    after = seed.outline()
    column = after["labels"].index("ACTOR")
    assert after["counts"][1][column] == before["counts"][1][column] - 1
    assert after["pending"][1] == before["pending"][1] - 1
    assert rejected.id not in {i for e in seed.entities() for i in e["span_ids"]}
    assert seed.store.get_span(rejected.id).status == annot.Status.REJECTED  # kept in the store
    seed.refresh()  # read again from the store: the same view
    assert rejected.id not in {s.id for s in seed.spans_in(1)} and seed.outline() == after
    seed.undo()
    assert rejected.id in [v["id"] for s in seed.window() for v in s["spans"]]
    assert seed.outline() == before and {e["name"] for e in seed.entities()} == names


def test_session_a_sentence_holding_only_suggestions_is_not_annotated(seed: AnnotationSession):
    annot.suggest_documents(seed.store, seed.doc_id)
    seed.refresh()
    assert seed.annotated_count() == 0 and seed.outline()["progress"]["annotated"] == 0  # nothing reviewed yet
    assert seed.next_unannotated() == 1  # "n" stops at sentences holding suggestions only
    first, second = [i for i in range(len(seed.sentences)) if len(seed.pending(i)) > 1][:2]
    seed.edit(seed.pending(first)[0].id, status="accepted")
    assert seed.annotated_count() == 1 and seed.outline()["progress"]["annotated"] == 1
    for span in seed.pending(second):
        seed.edit(span.id, status="rejected")
    assert seed.spans_in(second) == [] and seed.annotated_count() == 1  # rejected suggestions leave the view


def test_session_a_span_the_annotator_rejected_stays_in_view(seed: AnnotationSession):
    span = seed.tag(*_find(seed, 0, "Minsk"), "ACTOR")
    seed.edit(span.id, status="rejected")
    (view,) = seed.window()[0]["spans"]
    assert (view["id"], view["status"]) == (span.id, "rejected")
    assert seed.outline()["counts"][0][seed.outline()["labels"].index("ACTOR")] == 1


def test_session_undo_of_a_step_over_two_documents_keeps_each_view_its_own(seed: AnnotationSession, tmp_path: Path):
    other = AnnotationSession(seed.store, _doc(seed.store, tmp_path, "o.en.txt", "Minsk spoke. Kyiv listened."),
                              annotator="alice")  # fmt: skip
    seed.window(), other.window()  # both caches read
    with seed.store.edit_step():
        mine = seed.store.add_span(seed.doc_id, *_find(seed, 0, "Minsk"), "ACTOR", annotator="alice")
        theirs = seed.store.add_span(other.doc_id, 0, 5, "ACTOR", annotator="alice")
    seed.refresh()
    step = seed.undo()
    assert step.describe() == "undid tagging 2 spans" and {s.id for s in step.spans} == {mine.id, theirs.id}
    assert seed.spans_in(0) == [] and all(s.doc_id == seed.doc_id for i in range(3) for s in seed.spans_in(i))
    assert seed.redo().describe() == "redid tagging 2 spans"
    assert [s.id for s in seed.spans_in(0)] == [mine.id]
    other.refresh()
    assert [s.id for s in other.spans_in(0)] == [theirs.id]


def test_session_stance_keys_after_correcting_a_stance_suggestion_edit_that_one_span(seed: AnnotationSession):
    # A STANCE suggestion corrected by the annotator is accepted but keeps its suggester's name: the next
    # stance key must edit that stance, not start a second one beside it.
    sentence = seed.sentences[3]
    suggested = seed.store.add_span(
        seed.doc_id, sentence.start, sentence.end, "STANCE", {"polarity": "supports", "evidence": "reported"},
        annotator="suggest:stance.v1", origin="suggested", status="pending",
    )  # fmt: skip
    seed.go(3)
    assert seed.stance().id == suggested.id
    corrected = seed.update_stance(polarity="opposes")
    assert corrected.id == suggested.id and corrected.status == "accepted"
    again = seed.update_stance(evidence="alleged")
    assert again.id == suggested.id
    assert dict(again.attrs) == {"polarity": "opposes", "evidence": "alleged"}
    assert len(seed.store.spans(seed.doc_id, label="STANCE")) == 1
