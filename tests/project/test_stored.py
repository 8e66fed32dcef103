"""Stored projections on the gold project (a real store on disk): rows kept until stale, and the projected spans
offered in the linked Spanish version as pending suggestions that respect the annotator's decisions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import annot.project.stored as stored_module
from annot import AnnotError, Store, export_jsonl, import_jsonl
from annot.model import Origin, Status, Translation
from annot.project.stored import ANNOTATOR, refresh_projection
from annot.store.projections import PROJECTION_COLUMNS
from tests.project.conftest import build_gold_project
from tests.store.conftest import dump


@pytest.fixture
def gold(tmp_path: Path) -> tuple[Store, str, str]:
    """A fresh gold project per test (the tests write): the store, the seed's id, the Spanish version's id."""
    store, seed, spanish = build_gold_project(tmp_path / "p")
    yield store, seed, spanish
    store.close()


def _offered(store: Store, doc_id: str):
    """The linked version's projected spans, live ones, as a frame."""
    spans = store.spans(doc_id)
    return spans[spans["origin"] == "projected"]


def _source_span(store: Store, seed: str, text: str, label: str):
    return next(s for s in store.iter_spans(seed) if s.text == text and s.label == label)


def _offered_for(store: Store, seed: str, spanish: str, span_id: str, part: str = "span"):
    rows = store.projections(seed, "es")
    row = rows[(rows["span_id"] == span_id) & (rows["part"] == part) & (rows["kind"] == "reference")]
    (target_span_id,) = row["target_span_id"].tolist()
    return None if pd.isna(target_span_id) else store.get_span(target_span_id)


def test_stored_rows_are_the_projection_with_the_spans_offered_at_the_right_offsets(gold):
    store, seed, spanish = gold
    report = refresh_projection(store, seed, "es")
    assert report.recomputed and report.added > 30 and report.updated == report.removed == report.decided == 0
    rows = store.projections(seed, "es")
    assert len(rows) == len(report.frame) and list(rows.columns) == ["doc_id", "lang", *PROJECTION_COLUMNS]
    assert set(rows["kind"].astype(str)) == {"route", "reference"}
    assert rows["target"].astype(str).str.startswith("reference:").sum() > 0
    sentences = {s.index: s for s in store.get_sentences(spanish)}
    text = store.document(spanish).text
    linked = rows[rows["target_span_id"].notna()]
    assert len(linked) == report.added == len(_offered(store, spanish))
    for row in linked.to_dict("records"):
        span = store.get_span(row["target_span_id"])
        base = sentences[row["target_sentence"]].start
        assert (span.start, span.end) == (base + row["target_start"], base + row["target_end"])
        assert span.text == text[span.start : span.end] == row["target_text"]
        assert span.origin == Origin.PROJECTED and span.status == Status.PENDING and span.annotator == ANNOTATOR
        assert str(row["kind"]) == "reference" and span.doc_id == spanish
        source = store.get_span(row["span_id"])
        assert span.label == (source.label if row["part"] == "span" else "ACTOR")
    confidences = store.confidences(spanish)
    assert set(confidences) == set(linked["target_span_id"]) and all(0 < c <= 1 for c in confidences.values())


def test_stored_spans_keep_their_label_and_attributes(gold):
    store, seed, spanish = gold
    refresh_projection(store, seed, "es")
    quantity = _offered_for(store, seed, spanish, _source_span(store, seed, "up to 9,000 military personnel",
                                                               "QUANTITY").id)  # fmt: skip
    assert quantity.text == "hasta 9.000 militares" and quantity.label == "QUANTITY"
    assert (quantity.attrs["value"], quantity.attrs["qualifier"]) == (9000, "up to")
    putin = _offered_for(store, seed, spanish, _source_span(store, seed, "Vladimir Putin", "ACTOR").id)
    assert putin.text == "Vladímir Putin" and putin.attrs == {"canonical": "Vladimir Putin", "type": "person"}
    # A STANCE covering whole sentences is offered over its Spanish sentence, its holder the offered ACTOR.
    stance = next(s for s in store.iter_spans(seed) if s.label == "STANCE" and s.attrs.get("holder") == "Interfax")
    offered = _offered_for(store, seed, spanish, stance.id)
    assert offered.label == "STANCE" and offered.text.endswith("informó la agencia Interfax.")
    holder = store.get_span(offered.attrs["holder_span"])
    assert holder.text == "Interfax" and holder.origin == Origin.PROJECTED and holder.doc_id == spanish
    assert {k: v for k, v in offered.attrs.items() if k != "holder_span"} == {
        k: v for k, v in stance.attrs.items() if k != "holder_span"
    }
    rows = store.projections(seed, "es")
    cue = rows[(rows["span_id"] == stance.id) & (rows["part"] == "cue") & (rows["kind"] == "reference")]
    assert cue["target_text"].tolist() == ["informó"] and cue["target_span_id"].isna().all()  # no span for a cue


def test_stored_refresh_twice_changes_nothing(gold):
    store, seed, _ = gold
    first = refresh_projection(store, seed, "es")
    before = dump(store.path)
    again = refresh_projection(store, seed, "es")
    assert not again.recomputed and again.added == again.updated == again.removed == 0
    assert again.kept == first.added
    assert dump(store.path) == before


def test_stored_rows_recomputed_only_when_stale(gold, monkeypatch: pytest.MonkeyPatch):
    store, seed, spanish = gold
    calls = []
    real = stored_module.project_rows
    monkeypatch.setattr(stored_module, "project_rows", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert refresh_projection(store, seed, "es").recomputed and len(calls) == 1
    assert not refresh_projection(store, seed, "es").recomputed and len(calls) == 1
    # The annotator's work in the Spanish version that adds no name (a quantity accepted), or a projection into
    # Portuguese, leaves it fresh.
    offered = _offered(store, spanish)
    store.update_span(offered[offered["label"] == "QUANTITY"]["id"].iloc[0], status="accepted")
    refresh_projection(store, seed, "pt")
    assert not refresh_projection(store, seed, "es").recomputed and len(calls) == 2
    # An actor accepted in Spanish under a canonical name written otherwise is a name projection finds as written
    # (names_table): stale, as the MT pane's projection is.
    actors = offered[(offered["label"] == "ACTOR") & (offered["status"] == "pending")]
    actor = next(store.get_span(i) for i in actors["id"] if store.get_span(i).attrs.get("canonical"))
    store.update_span(actor.id, status="accepted", attrs={**actor.attrs, "canonical": f"{actor.text} (canonical)"})
    assert refresh_projection(store, seed, "es").recomputed and len(calls) == 3
    # A source span edited, or a new translation into Spanish, makes it stale.
    russia = _source_span(store, seed, "Russia", "ACTOR")
    store.update_span(russia.id, attrs={"canonical": "Russian Federation", "type": "state"})
    assert refresh_projection(store, seed, "es").recomputed and len(calls) == 4
    source = store.get_sentences(seed)[0]
    store.add_translations([Translation(seed, source.index, "fake", "m", "1", "en", "es", "en>es", "fake|m-1|en-es",
                                        "Texto nuevo.")])  # fmt: skip
    report = refresh_projection(store, seed, "es")
    assert report.recomputed and len(calls) == 5 and "fake en>es" in set(report.frame["target"].astype(str))


def test_stored_decisions_survive_a_refresh(gold):
    store, seed, spanish = gold
    refresh_projection(store, seed, "es")
    putin_source = _source_span(store, seed, "Vladimir Putin", "ACTOR")
    moscow_source = _source_span(store, seed, "Moscow", "ACTOR")
    accepted = store.update_span(_offered_for(store, seed, spanish, putin_source.id).id, status="accepted")
    rejected = store.update_span(_offered_for(store, seed, spanish, moscow_source.id).id, status="rejected")
    count = len(_offered(store, spanish))
    # Their sources change: the decisions stand, nothing is offered again over them.
    store.update_span(putin_source.id, attrs={"canonical": "Putin", "type": "person"})
    store.update_span(moscow_source.id, attrs={"canonical": "Moscow", "type": "state"})
    report = refresh_projection(store, seed, "es")
    assert report.recomputed and report.decided == 2 and report.added == report.updated == 0
    assert store.get_span(accepted.id) == accepted and store.get_span(rejected.id) == rejected
    assert len(_offered(store, spanish)) == count
    assert _offered_for(store, seed, spanish, putin_source.id).id == accepted.id  # still linked


def test_stored_pending_span_follows_its_source(gold):
    store, seed, spanish = gold
    refresh_projection(store, seed, "es")
    source = _source_span(store, seed, "Vladimir Putin", "ACTOR")
    offered = _offered_for(store, seed, spanish, source.id)
    store.update_span(source.id, attrs={"canonical": "Putin", "type": "person"})
    report = refresh_projection(store, seed, "es")
    assert report.updated == 1 and report.added == report.removed == 0
    moved = store.get_span(offered.id)
    assert moved.attrs == {"canonical": "Putin", "type": "person"} and moved.status == Status.PENDING
    # Its source rejected: the pending span is taken back; accepted again: offered again.
    store.update_span(source.id, status="rejected")
    report = refresh_projection(store, seed, "es")
    assert report.removed == 1 and offered.id not in set(_offered(store, spanish)["id"])
    store.update_span(source.id, status="accepted")
    report = refresh_projection(store, seed, "es")
    assert report.added == 1
    assert _offered_for(store, seed, spanish, source.id).text.endswith("Putin")


def test_stored_nothing_offered_where_the_annotator_tagged_or_deleted(gold):
    store, seed, spanish = gold
    text = store.document(spanish).text
    at = text.index("Vladímir Putin")
    mine = store.add_span(spanish, at, at + len("Vladímir Putin"), "ACTOR", {"type": "person"}, annotator="ana")
    report = refresh_projection(store, seed, "es")
    assert report.annotated >= 1
    assert not any(s.start < mine.end and mine.start < s.end for s in store.iter_spans(spanish)
                   if s.label == "ACTOR" and s.id != mine.id)  # fmt: skip
    # A pending span the annotator deleted is not offered again.
    gone = _offered_for(store, seed, spanish, _source_span(store, seed, "Moscow", "ACTOR").id)
    store.delete_span(gone.id, annotator="ana")
    before = dump(store.path)
    report = refresh_projection(store, seed, "es")
    assert report.added == 0 and report.decided >= 1 and dump(store.path) == before


def test_stored_without_suggestions_leaves_the_linked_version_alone(gold):
    store, seed, spanish = gold
    report = refresh_projection(store, seed, "es", suggest=False)
    assert report.recomputed and report.added == 0 and _offered(store, spanish).empty
    assert store.projections(seed, "es")["target_span_id"].isna().all()
    assert refresh_projection(store, seed, "es").added > 0  # fresh rows: only the suggestions are written


def test_stored_projected_spans_export_and_import_byte_identical(gold, tmp_path: Path):
    store, seed, spanish = gold
    report = refresh_projection(store, seed, "es")
    store.update_span(_offered(store, spanish)["id"].iloc[0], status="rejected", annotator="ana")
    first = export_jsonl(store, tmp_path / "first.jsonl").path
    with Store(tmp_path / "copy") as copy:
        import_jsonl(copy, first)
        again = export_jsonl(copy, tmp_path / "again.jsonl").path
        assert again.read_bytes() == first.read_bytes()
        # The copy has no stored rows: a refresh takes the imported projected spans as its own, none twice.
        refreshed = refresh_projection(copy, seed, "es")
        assert refreshed.added == 0 and refreshed.kept + refreshed.decided == report.added
        assert len(_offered(copy, spanish)) == report.added
        before = dump(copy.path)
        assert refresh_projection(copy, seed, "es").kept == refreshed.kept and dump(copy.path) == before


def test_stored_nothing_offered_over_a_pending_suggestion(gold):
    from annot.suggestion_layer import suggest_documents

    store, seed, spanish = gold
    suggest_documents(store, spanish, only="actors")
    suggested = [s for s in store.iter_spans(spanish) if s.origin == Origin.SUGGESTED]
    assert suggested
    report = refresh_projection(store, seed, "es")
    assert report.suggested >= 1 and report.added > 0
    projected = [s for s in store.iter_spans(spanish) if s.origin == Origin.PROJECTED and s.label == "ACTOR"]
    assert not any(p.start < s.end and s.start < p.end for p in projected for s in suggested if s.label == "ACTOR")


def test_stored_refresh_refuses_an_unknown_lexicon_mode(gold):
    store, seed, _ = gold
    with pytest.raises(AnnotError, match="Unknown lexicon mode 'words'; use one of cached, fill, off"):
        refresh_projection(store, seed, "es", lexicon="words")


def test_stored_what_the_annotator_tagged_meanwhile_wins(gold, monkeypatch: pytest.MonkeyPatch):
    store, seed, spanish = gold
    real = stored_module.project_rows
    text = store.document(spanish).text
    at = text.index("Vladímir Putin")

    def slow(*args, **kwargs):
        frame = real(*args, **kwargs)
        with Store(store.path, annotator="ana") as other:  # another session tags it while the projection runs
            other.add_span(spanish, at, at + len("Vladímir Putin"), "ACTOR", {"type": "person"})
        return frame

    monkeypatch.setattr(stored_module, "project_rows", slow)
    report = refresh_projection(store, seed, "es")
    assert report.annotated >= 1
    actors = [s for s in store.iter_spans(spanish) if s.label == "ACTOR" and s.start < at + 14 and at < s.end]
    assert [s.annotator for s in actors] == ["ana"]
