"""Annotators' layers in the session, on the real store: all, mine, another's (read-only), compare."""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.annotate import AnnotationSession
from annot.annotate.layers import Layer, choices, count_annotators, differences
from annot.model import Origin, Span, Status

TEXT = "Minsk said the Belarusian army would host 9,000 Russian troops. Kyiv called it a threat. Warsaw agreed."


def _at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def doc(project, tmp_path: Path) -> str:
    """Three annotators and a suggester on one document.

    ana and bob agree on Minsk's range but not its type, both tag the troops
    alike, overlap on the army (ana "the Belarusian army", bob "Belarusian
    army"), nest an ACTOR in the quantity (ana) or not (bob), and hold opposite
    stances on sentence 0, each with their own Minsk as the holder; cy tags
    Kyiv and marks sentence 2 done; a suggestion of Warsaw waits for review.
    """
    path = tmp_path / "talks.en.txt"
    path.write_text(TEXT, encoding="utf-8")
    doc_id = annot.ingest(str(path), project, lang="en").results[0].doc_id
    s0 = _at("Minsk said the Belarusian army would host 9,000 Russian troops.")
    for who, minsk_type, army, nested, polarity in (
        ("ana", "state", "the Belarusian army", True, "supports"),
        ("bob", "government body", "Belarusian army", False, "opposes"),
    ):
        minsk = project.add_span(doc_id, *_at("Minsk"), "ACTOR", {"type": minsk_type}, annotator=who)
        project.add_span(doc_id, *_at(army), "ACTOR", annotator=who)
        project.add_span(doc_id, *_at("9,000 Russian troops"), "QUANTITY", {"value": 9000}, annotator=who)
        if nested:
            project.add_span(doc_id, *_at("Russian"), "ACTOR", annotator=who)
        project.add_span(doc_id, *s0, "STANCE", {"holder_span": minsk.id, "holder": "Minsk", "polarity": polarity},
                         annotator=who)  # fmt: skip
    project.add_span(doc_id, *_at("Kyiv"), "ACTOR", annotator="cy")
    project.mark_sentences(doc_id, [2], "done", annotator="cy")
    project.add_span(doc_id, *_at("Warsaw"), "ACTOR", annotator="suggest:actors.v2", origin=Origin.SUGGESTED,
                     status=Status.PENDING)  # fmt: skip
    return doc_id


def _texts(session: AnnotationSession, index: int) -> list[tuple[str, str, str]]:
    view = next(s for s in session.window() if s["index"] == index)
    return [(s["label"], s["text"], s["annotator"]) for s in view["spans"]]


def test_annotators_are_everyone_with_spans_or_marks_and_suggestions_are_nobodys(project, doc):
    session = AnnotationSession(project, doc, annotator="ana")
    assert session.annotators() == [
        {"name": "ana", "spans": 5, "marks": 0}, {"name": "bob", "spans": 4, "marks": 0},
        {"name": "cy", "spans": 1, "marks": 1},
    ]  # fmt: skip
    assert [str(layer) for layer in session.layer_choices()] == [
        "all", "mine", "annotator:bob", "annotator:cy", "compare:bob", "compare:cy",
    ]  # fmt: skip
    session.tag(0, len("Warsaw"), "ACTOR", sentence=2)  # ana's own edit updates the counts without a re-read
    assert session.annotators()[0] == {"name": "ana", "spans": 6, "marks": 0}


def test_all_is_the_default_and_shows_every_annotator(project, doc):
    session = AnnotationSession(project, doc, annotator="ana")
    assert session.layer == Layer("all") and not session.read_only()
    assert len(_texts(session, 0)) == 9 and session.outline()["counts"][0] == [5, 2, 2]
    assert session.position_line() == "sentence 0 · 3 sentences · 2 annotated"  # a pending suggestion is none


def test_mine_shows_my_spans_and_the_suggestions_everywhere_the_view_draws(project, doc):
    session = AnnotationSession(project, doc, annotator="ana", layer="mine")
    assert _texts(session, 0) == [
        ("ACTOR", "Minsk", "ana"), ("STANCE", TEXT[: TEXT.index(" Kyiv")], "ana"),
        ("ACTOR", "the Belarusian army", "ana"), ("QUANTITY", "9,000 Russian troops", "ana"),
        ("ACTOR", "Russian", "ana"),
    ]  # fmt: skip
    assert _texts(session, 1) == []  # cy's Kyiv is not mine
    assert _texts(session, 2) == [("ACTOR", "Warsaw", "suggest:actors.v2")]  # pending: mine to review
    outline = session.outline()
    assert outline["counts"] == [[3, 1, 1], [0, 0, 0], [1, 0, 0]] and outline["pending"] == [0, 0, 1]
    assert outline["progress"]["annotated"] == 1 and outline["marks"] == ["", "", ""]
    assert [e["name"] for e in session.entities()] == ["Minsk", "Russian", "the Belarusian army", "Warsaw",
                                                       "9,000"]  # fmt: skip
    assert session.next_unannotated() == 1  # Kyiv is cy's: sentence 1 holds nothing of mine
    assert session.position_line() == "sentence 1 · 3 sentences · 1 annotated · mine (ana)"
    session.go(0)
    assert [s.text for s in session.holder_candidates()] == ["Minsk", "the Belarusian army", "Russian"]
    assert session.stance() is not None and session.stance().attrs["polarity"] == "supports"


def test_another_annotators_layer_is_theirs_alone_and_read_only(project, doc):
    session = AnnotationSession(project, doc, annotator="ana", layer="cy")
    assert session.layer == Layer("annotator", "cy") and session.read_only()
    assert [_texts(session, i) for i in range(3)] == [[], [("ACTOR", "Kyiv", "cy")], []]  # no suggestion either
    assert session.outline()["marks"] == ["", "", "done"]  # cy's marks
    assert session.position_line() == "sentence 0 · 3 sentences · 1 annotated · 1 done · cy's layer (read-only)"
    kyiv = session.spans_in(1)[0]
    before = project.revision()
    for attempt in (
        lambda: session.tag(*_at("Minsk"), "ACTOR"),
        lambda: session.edit(kyiv.id, attrs={"type": "state"}),
        lambda: session.discard(kyiv.id),
        lambda: session.delete(kyiv.id),
        lambda: session.start_stance(),
        lambda: session.accept_all(2),
        lambda: session.mark("done"),
    ):
        with pytest.raises(annot.SpanError, match=r"^This view shows cy's layer, read-only: switch to mine or all"):
            attempt()
    assert project.revision() == before  # nothing written
    assert session.set_layer("mine") == Layer("mine")
    session.edit(kyiv.id, attrs={"type": "state"})  # editing is the view's rule, not the span's


def test_a_layer_must_name_an_annotator_of_the_document(project, doc):
    session = AnnotationSession(project, doc, annotator="ana")
    with pytest.raises(annot.SpanError, match=r"No annotator 'dan' in document .*: ana \(5\), bob \(4\), cy \(1\)"):
        session.set_layer("compare:dan")
    with pytest.raises(annot.SpanError, match="names no annotator"):
        session.set_layer("compare: ")
    with pytest.raises(annot.SpanError, match="Cannot compare ana with themselves"):
        session.set_layer("compare:ana")
    assert session.layer == Layer("all")  # unchanged
    assert session.set_layer("annotator:ana") == Layer("annotator", "ana") and not session.read_only()


def test_compare_draws_the_others_sentence_and_marks_what_differs(project, doc):
    session = AnnotationSession(project, doc, annotator="ana", layer="compare:bob")
    assert not session.read_only()
    assert [label for label, _, _ in _texts(session, 0)] == ["ACTOR", "STANCE", "ACTOR", "QUANTITY", "ACTOR"]
    view = session.compare()
    assert view is not None and (view["annotator"], view["index"]) == ("bob", 0)
    theirs = {s["id"]: (s["label"], s["text"]) for s in view["spans"]}
    assert sorted(theirs.values()) == [("ACTOR", "Belarusian army"), ("ACTOR", "Minsk"),
                                       ("QUANTITY", "9,000 Russian troops"), ("STANCE", view["text"])]  # fmt: skip
    mine = {s.id: s.text for s in session.spans_in(0)}
    named = {(("mine" if i in mine else "theirs"), (mine.get(i) or theirs[i][1])[:20]): kind
             for i, kind in view["differ"].items()}  # fmt: skip
    assert named == {
        ("mine", "Minsk"): "changed", ("theirs", "Minsk"): "changed",  # same range, another type
        ("mine", view["text"][:20]): "changed", ("theirs", view["text"][:20]): "changed",  # opposite stances
        ("mine", "the Belarusian army"): "only", ("theirs", "Belarusian army"): "only",  # overlapping ranges
        ("mine", "Russian"): "only",  # nested in the quantity, which both tagged alike
    }  # fmt: skip
    assert view["counts"] == {"mine": 2, "theirs": 1, "changed": 2}
    assert session.outline()["differ"] == [7, 0, 0]  # cy's Kyiv is not compared
    minsk = next(s for s in session.spans_in(0) if s.text == "Minsk")
    session.edit(minsk.id, attrs={"type": "government body"})  # now as bob has it
    assert session.outline()["differ"] == [5, 0, 0] and session.compare()["counts"]["changed"] == 1
    assert view["spans"][0]["utf16_start"] == 0  # drawn as the window's spans are
    session.go(1)
    assert session.compare()["spans"] == [] and session.compare()["differ"] == {}
    session.set_layer("mine")
    assert session.compare() is None and "differ" not in session.outline()


def test_compare_sees_edits_made_elsewhere_after_a_poll(project, doc):
    session = AnnotationSession(project, doc, annotator="ana", layer="compare:bob")
    minsk = next(s for s in project.iter_spans(doc) if s.annotator == "bob" and s.text == "Minsk")
    with annot.open_project(project.path, annotator="bob") as other:
        other.update_span(minsk.id, attrs={"type": "state"})
    assert session.changed()
    assert all(session.span(i).text != "Minsk" for i in session.compare()["differ"])


def test_differences_pair_equal_spans_one_to_one_and_compare_span_references_by_range():
    def span(n: int, start: int, end: int, label: str = "ACTOR", **attrs) -> Span:
        return Span(f"sp-{n:016x}", "doc", start, end, label, attrs)

    a1, a2, b1 = span(1, 0, 5), span(2, 0, 5), span(3, 0, 5)
    assert differences([a1, a2], [b1]) == {a2.id: "only"}  # two alike against one: one left over
    holder_a, holder_b = span(4, 0, 5), span(5, 0, 5)
    stance_a = span(6, 0, 40, "STANCE", holder_span=holder_a.id)
    stance_b = span(7, 0, 40, "STANCE", holder_span=holder_b.id)
    refs = {s.id: s for s in (holder_a, holder_b)}
    assert differences([stance_a], [stance_b], refs) == {}
    assert differences([stance_a], [stance_b]) == {stance_a.id: "changed", stance_b.id: "changed"}
    assert count_annotators([a1, Span("sp-9", "doc", 0, 1, "ACTOR", origin=Origin.SUGGESTED)], ["zoe"]) == [
        {"name": "anonymous", "spans": 1, "marks": 0}, {"name": "zoe", "spans": 0, "marks": 1},
    ]  # fmt: skip
    assert [str(x) for x in choices("ana", ["ana", "bob"])] == ["all", "mine", "annotator:bob", "compare:bob"]


@pytest.mark.parametrize(
    ("spec", "layer"),
    [("all", Layer()), (" mine ", Layer("mine")), ("bob", Layer("annotator", "bob")),
     ("annotator:mine", Layer("annotator", "mine")), ("compare:bob", Layer("compare", "bob")),
     ("team:x", Layer("annotator", "team:x"))],
)  # fmt: skip
def test_layer_spellings(spec: str, layer: Layer):
    assert Layer.parse(spec) == layer
    assert Layer.parse(str(layer)) == layer
