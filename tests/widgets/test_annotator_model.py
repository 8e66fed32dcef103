"""The annotation widget without a browser: intents in, traitlets and store rows out."""

from __future__ import annotations

from pathlib import Path

import pytest

import annot
from annot.widgets import Annotator

ROOT = Path(__file__).resolve().parents[2]


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


@pytest.fixture
def widget(project, seed_path: Path) -> Annotator:
    report = annot.ingest(str(seed_path), project)
    return Annotator(project, report.results[0].doc_id, annotator="alice", translate=False)


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


def test_annotator_initial_traitlets_come_from_session_and_schema(widget: Annotator):
    assert [s["index"] for s in widget.window] == [0, 1, 2]
    assert widget.position == "sentence 0 · 14 sentences · 0 annotated"
    names = {label["name"]: label for label in widget.labels}
    assert list(names) == ["ACTOR", "QUANTITY", "STANCE"]
    assert names["ACTOR"]["key"] == "1" and names["ACTOR"]["color"] == "#1f77b4"
    qualifier = next(a for a in names["QUANTITY"]["attributes"] if a["name"] == "qualifier")
    assert qualifier["type"] == "enum" and "up to" in qualifier["choices"]
    assert widget.mt["rows"] == [] and widget.form == {}
    assert widget.status == {"text": "", "kind": "info", "ack": 0}


def test_annotator_select_snaps_and_label_actor_writes_store(widget: Annotator, project):
    sentence = _go_to(widget, "Valeri Revenko")
    _select(widget, sentence, "aleri Revenk")
    pending = widget.form["pending"]
    assert pending["text"] == "Valeri Revenko"
    assert sentence["text"][pending["utf16_start"] : pending["utf16_end"]] == "Valeri Revenko"
    widget.handle({"type": "label", "label": "ACTOR"})
    assert widget.status["kind"] == "saved"
    rows = project.spans(label="ACTOR")
    assert list(rows["text"]) == ["Valeri Revenko"]
    assert rows.iloc[0]["attrs"] == {}  # ACTOR type left for the annotator to choose
    span = _current(widget)["spans"][0]
    assert (span["label"], span["text"]) == ("ACTOR", "Valeri Revenko")
    assert widget.form["span_id"] == span["id"] and widget.form["pending"] is None
    assert "1 annotated" in widget.position

    widget.handle({"type": "attrs", "span_id": span["id"], "attrs": {"type": "person"}})
    assert project.get_span(span["id"]).attrs == {"type": "person"}
    widget.handle({"type": "attrs", "span_id": span["id"], "attrs": {"type": "wizard"}})
    assert widget.status["text"].startswith("Invalid value 'wizard'") and "\n" not in widget.status["text"]
    assert project.get_span(span["id"]).attrs == {"type": "person"}


def test_annotator_quantity_is_prefilled_from_the_phrase(widget: Annotator, project):
    sentence = _go_to(widget, "up to 200 armored combat vehicles")
    _select(widget, sentence, "up to 200 armored combat vehicles")
    widget.handle({"type": "label", "label": "QUANTITY"})
    span = project.get_span(widget.form["span_id"])
    assert span.text == "up to 200 armored combat vehicles"
    assert span.attrs["value"] == 200 and span.attrs["qualifier"] == "up to"
    assert span.attrs["unit"] == "armored combat vehicles"
    assert widget.form["attrs"]["value"] == 200


def test_annotator_undo_redo_and_delete(widget: Annotator, project):
    sentence = _go_to(widget, "Alexandr Lukashenko")
    _select(widget, sentence, "Lukashenk")
    widget.handle({"type": "label", "label": "ACTOR"})
    span_id = widget.form["span_id"]
    widget.handle({"type": "undo"})
    assert widget.status["kind"] == "saved" and len(project.spans()) == 0 and _current(widget)["spans"] == []
    widget.handle({"type": "redo"})
    assert [s["id"] for s in _current(widget)["spans"]] == [span_id]
    widget.handle({"type": "delete", "span_id": span_id})
    assert len(project.spans()) == 0
    widget.handle({"type": "undo"})
    assert len(project.spans()) == 1
    widget.handle({"type": "delete", "span_id": "sp-0000000000000000"})
    assert "sp-0000000000000000" in widget.status["text"] and not widget.status["text"].startswith("'")


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


def test_annotator_errors_show_one_line_status(widget: Annotator, project):
    widget.handle({"type": "label", "label": "ACTOR"})
    assert widget.status["text"].startswith("Select some words first")
    _select(widget, _current(widget), "“")
    assert widget.status["text"].startswith("Cannot select in sentence 0") and widget.form == {}
    widget.handle({"type": "select", "sentence": 0, "utf16_start": 0, "utf16_end": 9999})
    assert "past the end" in widget.status["text"]
    widget.handle({"type": "label", "label": "WHO"})
    assert "Valid labels: ACTOR, QUANTITY, STANCE" in widget.status["text"]
    assert len(project.spans()) == 0
    with pytest.raises(ValueError, match="Unknown intent"):
        widget.handle({"type": "explode"})  # type: ignore[typeddict-item]


def test_annotator_stance_covers_the_sentence(widget: Annotator, project):
    widget.handle({"type": "label", "label": "STANCE"})
    widget.handle({"type": "stance_set", "holder": "author", "polarity": "neutral", "evidence": ""})
    rows = project.spans(label="STANCE")
    assert len(rows) == 1 and rows.iloc[0]["attrs"] == {"holder": "author", "polarity": "neutral"}
    assert rows.iloc[0]["text"] == widget.session.sentences[0].text


def test_annotator_shows_stored_translations(widget: Annotator, project):
    from annot.model import Translation

    doc_id = widget.session.doc_id
    project.add_translations([Translation(doc_id, 1, "fake", "m", "1", "en", "pt", "en>pt", "fake|m", "<b>olá</b>")])
    widget.handle({"type": "nav", "to": "next"})
    rows = widget.mt["rows"]
    assert [(r["engine"], r["text"], r["route"]) for r in rows] == [("fake", "<b>olá</b>", "en>pt")]


def test_annotator_xss_text_stays_text_in_window(project, tmp_path: Path):
    path = tmp_path / "xss.en.txt"
    payload = "Alert <img src=x onerror=window.__xss=1> says the 😀 source."
    path.write_text(payload, encoding="utf-8")
    doc_id = annot.ingest(str(path), project, lang="en").results[0].doc_id
    widget = Annotator(project, doc_id, translate=False)
    assert widget.window[0]["text"] == payload
    text = payload
    start = text.index("source")
    widget.handle(
        {"type": "select", "sentence": 0, "utf16_start": _utf16(text, start), "utf16_end": _utf16(text, start) + 6}
    )
    widget.handle({"type": "label", "label": "ACTOR"})
    assert project.get_span(widget.form["span_id"]).text == "source"
    assert widget.window[0]["spans"][0]["utf16_start"] == _utf16(text, start)


def test_annotator_acknowledges_each_intent_by_id(widget: Annotator):
    widget.handle({"type": "nav", "to": "next", "id": 7})  # type: ignore[typeddict-unknown-key]
    assert widget.status["ack"] == 7
    widget.handle({"type": "label", "label": "ACTOR", "id": 8})  # type: ignore[typeddict-unknown-key]
    assert widget.status["ack"] == 8 and widget.status["kind"] == "error"  # handled, and it failed


def test_annotator_focus_shows_the_form_with_choices(widget: Annotator, project):
    sentence = _go_to(widget, "says Minsk")
    _select(widget, sentence, "Minsk")
    widget.handle({"type": "label", "label": "ACTOR"})
    minsk = widget.form["span_id"]
    widget.handle({"type": "attrs", "span_id": minsk, "attrs": {"type": "government body", "canonical": "Belarus"}})
    assert widget.form["names"] == ["Belarus"]  # completion for canonical names
    widget.handle({"type": "clear"})
    assert widget.form == {}
    widget.handle({"type": "focus", "span_id": minsk})
    assert widget.form["span_id"] == minsk and widget.form["attrs"]["canonical"] == "Belarus"
    widget.handle({"type": "focus", "span_id": "sp-0000000000000000"})
    assert widget.status["kind"] == "error"


def test_annotator_stance_keys_prefill_and_holder_cycle(widget: Annotator, project):
    sentence = _go_to(widget, "says Minsk")
    _select(widget, sentence, "Minsk")
    widget.handle({"type": "label", "label": "ACTOR"})
    minsk = widget.form["span_id"]
    widget.handle({"type": "label", "label": "STANCE"})
    assert widget.form["label"] == "STANCE" and widget.form["cue"] == "says"
    assert widget.form["attrs"] == {"evidence": "reported", "holder": "Minsk", "holder_span": minsk}
    assert [h["id"] for h in widget.form["holders"]] == [minsk]
    widget.handle({"type": "stance_set", "polarity": "supports"})
    stance = project.spans(label="STANCE").iloc[0]
    assert stance["attrs"] == {"evidence": "reported", "holder": "Minsk", "holder_span": minsk, "polarity": "supports"}
    widget.handle({"type": "holder"})  # the next candidate after Minsk: the author
    assert widget.form["attrs"]["holder"] == "author" and "holder_span" not in widget.form["attrs"]
    widget.handle({"type": "stance_set", "evidence": "quoted"})
    assert project.get_span(stance["id"]).attrs == {"evidence": "quoted", "holder": "author", "polarity": "supports"}


def test_annotator_poll_and_siblings_see_edits_made_elsewhere(widget: Annotator, project):
    twin = Annotator(project, widget.session.doc_id, annotator="bob", translate=False)
    sentence = _current(widget)
    _select(widget, sentence, "Minsk")
    widget.handle({"type": "label", "label": "ACTOR"})
    assert [s["text"] for s in _current(twin)["spans"]] == ["Minsk"]  # told at once, same kernel
    other = annot.open_project(project.path, annotator="carol")  # as another kernel would
    try:
        start = sentence["text"].index("military personnel")
        other.add_span(widget.session.doc_id, start, start + len("military personnel"), "QUANTITY")
    finally:
        other.close()
    assert len(_current(widget)["spans"]) == 1
    widget.handle({"type": "poll"})
    assert sorted(s["text"] for s in _current(widget)["spans"]) == ["Minsk", "military personnel"]
    # A span deleted elsewhere leaves the form of the widget showing it.
    twin.handle({"type": "focus", "span_id": widget.form["span_id"]})
    widget.handle({"type": "delete", "span_id": widget.form["span_id"]})
    assert twin.form == {}
    twin.close()


def test_annotator_mt_choice_is_validated(widget: Annotator):
    assert "pt" in widget.targets and widget.mt["target"] == "pt" and widget.mt["engine"] in widget.targets["pt"]
    engines = widget.targets["pt"]
    widget.handle({"type": "next_engine"})
    assert widget.mt["engine"] == engines[1 % len(engines)]
    widget.handle({"type": "mt", "target": "xx"})
    assert widget.status["kind"] == "error" and "en->xx" in widget.status["text"]
    assert widget.mt["target"] == "pt"


def test_annotator_on_a_closed_store_says_so_and_shows_nothing_as_saved(project, seed_path: Path):
    doc_id = annot.ingest(str(seed_path), project).results[0].doc_id
    store = annot.open_project(project.path, annotator="dave")
    widget = Annotator(store, doc_id, translate=False)
    _select(widget, _current(widget), "Minsk")
    store.close()
    for intent in ({"type": "label", "label": "ACTOR"}, {"type": "poll"}, {"type": "nav", "to": "next"}):
        widget.handle(intent)  # type: ignore[arg-type]
        assert widget.status["kind"] == "error" and "was closed" in widget.status["text"]
    assert _current(widget)["spans"] == []
    assert len(project.spans()) == 0


def test_annotator_shows_a_linked_version_as_reference_or_human_translation(widget: Annotator, project):
    from annot.compare.align import link_documents

    es = annot.ingest(str(ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"), project).results[0].doc_id
    widget.handle({"type": "mt", "target": "es"})
    assert widget.mt["reference"] is None  # not linked yet
    link_documents(project, widget.session.doc_id, es, engine="apertium")
    widget.handle({"type": "poll"})
    widget.handle({"type": "nav", "to": "index", "index": 6})  # one English sentence, two Spanish ones
    ref = widget.mt["reference"]
    assert ref["sentences"] == "6-7" and ref["plural"] and ref["text"].startswith("Al contingente militar")
    assert ref["label"] == "reference"  # nobody said a person translated it
    assert ref["numbers_ok"] is True  # 9,000 = 9.000
    widget.handle({"type": "nav", "to": "index", "index": 12})  # two English sentences, one Spanish
    assert widget.mt["reference"]["shared"] is True and widget.mt["reference"]["text"].startswith("Bielorrusia asegura")
    link_documents(project, widget.session.doc_id, es, engine="apertium", human=True)
    widget.handle({"type": "poll"})
    assert widget.mt["reference"]["label"] == "human translation"


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
    widget = Annotator(project, doc_id, target="en", engine="argos+apertium", translate=False)
    assert widget.targets["en"] == ["apertium", "argos", "bergamot"]
    assert (widget.mt["target"], widget.mt["engine"]) == ("en", "argos")  # a printed route name picks its engine
    rows = [(r["engine"], r["base"], r["route"]) for r in widget.mt["rows"]]
    assert rows == [("argos+apertium", "argos", "es>pt>en")]
    widget.handle({"type": "nav", "to": "next"})
    assert [(r["base"], r["text"]) for r in widget.mt["rows"]] == [("argos", "As stored now.")]
    widget.handle({"type": "mt", "engine": "bergamot+apertium"})
    assert widget.mt["engine"] == "bergamot"
    widget.close()
