"""Adjudication: annotators' versions side by side, the curated layer, its records, undo, export and agreement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import annot
from annot.annotate.curation import CurationSession, curation_status
from annot.cli.app import app
from annot.errors import FormatError, NotFound, SpanError
from annot.exchange import export_as
from annot.export import export_jsonl, import_jsonl
from annot.model import Document, Origin, Sentence, Status
from annot.store import DB_NAME, Store
from annot.store.migrations import CURATIONS_VERSION, OLDEST_READABLE, SCHEMA_VERSION
from tests.store.conftest import TEXT, as_older_version, find, make_doc


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tmp_path / "project"


@pytest.fixture
def store(project: Path):
    with Store(project, annotator="cleo") as s:
        yield s


@pytest.fixture
def doc(store: Store) -> Document:
    document, sentences = make_doc()
    store.add_document(document, sentences)
    return document


def sentences(store: Store, doc: Document) -> list[Sentence]:
    return store.get_sentences(doc.id)


def tag(store: Store, doc: Document, who: str, phrase: str, label: str, attrs=None, *, nth: int = 0):
    return store.add_span(doc.id, *find(TEXT, phrase, nth), label, attrs, annotator=who)


def stance(store: Store, doc: Document, who: str, index: int, **attrs):
    sent = sentences(store, doc)[index]
    return store.add_span(doc.id, sent.start, sent.end, "STANCE", attrs, annotator=who)


def shown(spans) -> list[tuple[str, str, dict]]:
    return sorted(((s.label, s.text, dict(s.attrs)) for s in spans), key=lambda x: (x[0], x[1], sorted(x[2].items())))


def own(store: Store, who: str) -> list[tuple]:
    return sorted((s.start, s.end, s.label, json.dumps(dict(s.attrs), sort_keys=True), s.updated_at)
                  for s in store.iter_spans() if s.annotator == who and s.origin != Origin.CURATED)  # fmt: skip


def two_annotators(store: Store, doc: Document) -> None:
    """Sentence 0 disagrees in four ways; sentence 1 agrees (holders by range); sentence 2 disagrees once."""
    for who in ("ana", "ben"):
        tag(store, doc, who, "Russia", "ACTOR", {"type": "state"})  # identical
    tag(store, doc, "ana", "9,000 troops", "QUANTITY", {"value": 9000, "unit": "troops"})  # same range, label
    tag(store, doc, "ben", "9,000 troops", "ACTOR")
    tag(store, doc, "ana", "Belarus", "ACTOR", {"type": "state"})  # same label, other attributes
    tag(store, doc, "ben", "Belarus", "ACTOR", {"type": "government body"})
    tag(store, doc, "ben", "9,000", "QUANTITY", {"value": 9000})  # nested in ana's and ben's range
    for who in ("ana", "ben"):
        minsk = tag(store, doc, who, "Minsk", "ACTOR")
        stance(store, doc, who, 1, holder_span=minsk.id, holder="Minsk", polarity="supports")
    tag(store, doc, "ana", "Kyiv called", "ACTOR")  # overlapping ranges
    tag(store, doc, "ben", "called it", "ACTOR")


def test_versions_disagreement_and_order_disagreements_first(store: Store, doc: Document):
    two_annotators(store, doc)
    session = CurationSession(store, doc.id)
    assert session.annotators == ["ana", "ben"]
    first, second, third = (session.item(i) for i in range(3))
    assert first.disagreement == 5  # 9,000 troops twice, Belarus twice, the nested 9,000
    assert second.disagreement == 0  # holders compared by the ACTOR they name, not by id
    assert third.disagreement == 2
    assert session.order() == [0, 2, 1]
    assert shown(first.versions["ben"]) == [
        ("ACTOR", "9,000 troops", {}), ("ACTOR", "Belarus", {"type": "government body"}),
        ("ACTOR", "Russia", {"type": "state"}), ("QUANTITY", "9,000", {"value": 9000}),
    ]  # fmt: skip
    assert not first.is_curated and session.next_open() == 0 and session.next_open(0) == 2


def test_accept_copies_a_version_keeps_the_originals_and_remaps_holders(project: Path, store: Store, doc: Document):
    two_annotators(store, doc)
    before = own(store, "ana"), own(store, "ben")
    session = CurationSession(store, doc.id)
    curated = session.accept(1, "ben")
    actor, held = sorted(curated, key=lambda s: s.label)
    assert held.attrs["holder_span"] == actor.id and actor.origin == Origin.CURATED
    assert {(s.annotator, s.status, s.origin) for s in curated} == {("cleo", Status.ACCEPTED, Origin.CURATED)}
    assert (own(store, "ana"), own(store, "ben")) == before  # the originals untouched
    session.accept(0, "ana")
    store.close()
    with Store(project, annotator="someone") as again:  # durable, read by another session
        reopened = CurationSession(again, doc.id, curator="cleo")
        assert shown(reopened.item(0).curated) == shown(reopened.item(0).versions["ana"])
        records = again.curations()
        assert records[["sentence", "curator", "how", "source"]].values.tolist() == [
            [0, "cleo", "accepted", "ana"], [1, "cleo", "accepted", "ben"]
        ]  # fmt: skip
        assert reopened.item(0).is_curated and reopened.next_open() == 2


def test_holder_in_another_sentence_names_its_curated_twin_or_the_original(store: Store, doc: Document):
    for who in ("ana", "ben"):
        russia = tag(store, doc, who, "Russia", "ACTOR")
        stance(store, doc, who, 1, holder_span=russia.id, polarity="opposes")
    session = CurationSession(store, doc.id)
    (held,) = session.accept(1, "ana")
    ana_russia = next(s for s in session.item(0).versions["ana"])
    assert held.attrs["holder_span"] == ana_russia.id  # no curated Russia yet: the original, which resolves
    with pytest.raises(SpanError, match="referenced"):
        store.delete_span(ana_russia.id, annotator="ana")
    (russia,) = session.accept(0, "ben")
    (held,) = session.accept(1, "ben")
    assert held.attrs["holder_span"] == russia.id  # the curated twin on the same words


def test_merge_with_two_annotators_keeps_identical_once_and_reports_ties(store: Store, doc: Document):
    two_annotators(store, doc)
    session = CurationSession(store, doc.id)
    merged = session.merge(0)
    assert shown(merged.spans) == [
        ("ACTOR", "9,000 troops", {}), ("ACTOR", "Belarus", {"type": "government body"}),
        ("ACTOR", "Belarus", {"type": "state"}), ("ACTOR", "Russia", {"type": "state"}),
        ("QUANTITY", "9,000", {"value": 9000}), ("QUANTITY", "9,000 troops", {"unit": "troops", "value": 9000}),
    ]  # fmt: skip
    assert merged.ties == [
        "'9,000 troops' [13, 25): QUANTITY (ana) vs ACTOR (ben)",
        "'Belarus' [29, 36): ACTOR (ana) vs ACTOR (ben)",
    ]
    assert store.curation_records(doc.id)[0].how == "merged"
    overlapping = session.merge(2)
    assert shown(overlapping.spans) == [("ACTOR", "Kyiv called", {}), ("ACTOR", "called it", {})]
    assert overlapping.ties == []


def test_merge_with_three_annotators_keeps_the_majority(store: Store, doc: Document):
    two_annotators(store, doc)
    tag(store, doc, "cy", "Russia", "ACTOR", {"type": "state"})
    tag(store, doc, "cy", "9,000 troops", "QUANTITY", {"value": 9000, "unit": "troops"})
    tag(store, doc, "cy", "Belarus", "ACTOR", {"type": "state"})
    session = CurationSession(store, doc.id)
    assert session.annotators == ["ana", "ben", "cy"]
    merged = session.merge(0)
    assert merged.ties == []
    assert shown(merged.spans) == [
        ("ACTOR", "Belarus", {"type": "state"}), ("ACTOR", "Russia", {"type": "state"}),
        ("QUANTITY", "9,000", {"value": 9000}), ("QUANTITY", "9,000 troops", {"unit": "troops", "value": 9000}),
    ]  # fmt: skip
    only_two = session.merge(0, ["ana", "ben"])
    assert len(only_two.ties) == 2
    with pytest.raises(SpanError, match="No version of sentence 0 by 'dan'; annotators: ana, ben, cy"):
        session.merge(0, ["dan"])


def test_edits_and_undo_redo_are_durable_and_take_the_record_back(project: Path, store: Store, doc: Document):
    two_annotators(store, doc)
    session = CurationSession(store, doc.id)
    merged = session.merge(0)
    wrong = next(s for s in merged.spans if s.label == "ACTOR" and s.text == "9,000 troops")
    session.delete(wrong.id)
    belarus = next(s for s in session.item(0).curated if s.attrs.get("type") == "government body")
    session.relabel(belarus.id, "QUANTITY")  # attributes QUANTITY lacks are dropped
    russia = next(s for s in session.item(0).curated if s.text == "Russia")
    session.set_field(russia.id, "canonical", "Russian Federation")
    assert store.curation_records(doc.id)[0].how == "edited"
    assert ("QUANTITY", "Belarus", {}) in shown(session.item(0).curated)
    with pytest.raises(SpanError, match="type"):
        session.set_field(russia.id, "type", "planet")
    with pytest.raises(NotFound, match="No curated span"):
        session.delete("sp-0000000000000000")
    store.close()
    with Store(project) as again:
        session = CurationSession(again, doc.id, curator="cleo")
        for _ in range(3):  # the three edits
            assert session.undo() is not None
        assert len(session.item(0).curated) == 6 and session.item(0).record.how == "merged"
        assert session.undo() is not None  # the merge itself, and its record
        assert session.item(0).curated == () and not session.item(0).is_curated
        assert session.undo() is None
        session.redo()
        assert len(session.item(0).curated) == 6 and session.item(0).record.how == "merged"


def test_curating_again_replaces_the_curated_spans_and_mark_empty(store: Store, doc: Document):
    two_annotators(store, doc)
    session = CurationSession(store, doc.id)
    session.accept(0, "ben")
    kept = {s.text: s.id for s in session.item(0).curated}
    session.accept(0, "ana")
    after = {s.text: s.id for s in session.item(0).curated}
    assert after["Russia"] == kept["Russia"]  # the same span on the same words keeps its id
    assert shown(session.item(0).curated) == shown(session.item(0).versions["ana"])
    assert session.mark_empty(0) == [] and session.item(0).record.how == "empty"
    assert session.item(0).is_curated and session.item(0).curated == ()
    with pytest.raises(SpanError, match="does not start in sentence 1"):
        store.curate(doc.id, 1, list(session.item(0).versions["ana"]), how="merged")
    with pytest.raises(SpanError, match="Unknown curation 'guessed'"):
        store.curate(doc.id, 1, [], how="guessed")


def test_agreement_ignores_the_curated_layer_even_the_curators_own(store: Store, doc: Document):
    two_annotators(store, doc)
    before = annot.agreement(store).pairs
    CurationSession(store, doc.id, curator="ana").merge(0)  # ana curates too
    CurationSession(store, doc.id, curator="ana").accept(2, "ben")
    after = annot.agreement(store)
    assert after.annotators == ("ana", "ben")
    assert after.pairs.equals(before)


def test_curated_layer_round_trips_through_annot1_and_exports_alone(tmp_path: Path, store: Store, doc: Document):
    two_annotators(store, doc)
    session = CurationSession(store, doc.id)
    session.accept(1, "ana")
    session.merge(0)
    first = export_jsonl(store, tmp_path / "one.jsonl").path
    with Store(tmp_path / "copy") as copy:
        import_jsonl(copy, first)
        second = export_jsonl(copy, tmp_path / "two.jsonl").path
        assert CurationSession(copy, doc.id).item(0).is_curated  # curated spans read as curated without a record
        status = curation_status(copy)
        assert status.loc[0, "how"] == "imported" and not status.loc[2, "curated"]
    assert first.read_bytes() == second.read_bytes()
    done = export_as(store, tmp_path / "curated.jsonl", "jsonl", layer="curated")
    spans = [s for line in done.path.read_text().splitlines() for s in json.loads(line)["spans"]]
    assert {s["origin"] for s in spans} == {"curated"} and len(spans) == done.spans == 8
    ben = export_as(store, tmp_path / "ben.jsonl", "jsonl", layer="ben", unit="sentence")
    lines = [json.loads(line) for line in ben.path.read_text().splitlines()]
    assert {s["annotator"] for line in lines for s in line.get("spans", [])} == {"ben"}
    with pytest.raises(FormatError, match="No spans in layer 'dan'; layers: curated, ana, ben"):
        export_as(store, tmp_path / "dan.jsonl", "jsonl", layer="dan")


def test_export_layer_drops_a_holder_outside_the_layer(tmp_path: Path, store: Store, doc: Document):
    russia = tag(store, doc, "ana", "Russia", "ACTOR")
    stance(store, doc, "ana", 1, holder_span=russia.id, holder="Russia", polarity="opposes")
    CurationSession(store, doc.id).accept(1, "ana")  # its holder is ana's own Russia
    done = export_as(store, tmp_path / "curated.jsonl", "jsonl", layer="curated")
    (record,) = [json.loads(line) for line in done.path.read_text().splitlines()]
    assert record["spans"][0]["attrs"] == {"holder": "Russia", "polarity": "opposes"}
    with Store(tmp_path / "copy") as copy:
        import_jsonl(copy, done.path)  # importable
        assert len(copy.spans()) == 1


def test_cli_export_layer_curated(tmp_path: Path, project: Path, store: Store, doc: Document):
    two_annotators(store, doc)
    CurationSession(store, doc.id).accept(0, "ben")
    out = tmp_path / "curated.jsonl"
    result = CliRunner().invoke(app, ["--project", str(project), "export", "--layer", "curated", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 spans" in result.output
    everything = CliRunner().invoke(app, ["--project", str(project), "export", "-o", str(tmp_path / "all.jsonl")])
    assert "17 spans" in everything.output  # the default keeps the originals and the curated layer
    bad = CliRunner().invoke(app, ["--project", str(project), "export", "--layer", "nobody", "-o", str(out)])
    assert bad.exit_code != 0 and "No spans in layer 'nobody'" in bad.output


def test_curations_migration_reads_an_older_store_read_only_and_upgrades_it(project: Path, store: Store, doc: Document):
    assert CURATIONS_VERSION == 13 == SCHEMA_VERSION and OLDEST_READABLE < CURATIONS_VERSION
    store.close()
    as_older_version(project, CURATIONS_VERSION - 1)
    with Store(project, read_only=True) as old:
        assert old.curations().empty and old.curation_records(doc.id) == {}
        assert list(old.curations().columns) == ["doc_id", "sentence", "curator", "how", "source", "curated_at"]
    with Store(project) as upgraded:
        upgraded.curate(doc.id, 0, [], how="empty", curator="cleo")
        assert upgraded.curation_records(doc.id)[0].how == "empty"
    assert (project / DB_NAME).exists()


def test_a_new_version_keeps_the_curations_of_unchanged_sentences(store: Store, doc: Document):
    two_annotators(store, doc)
    session = CurationSession(store, doc.id)
    session.accept(0, "ana")
    session.merge(2)
    new, new_sentences = make_doc(TEXT.replace("a threat", "a provocation"))
    assert store.add_document(new, new_sentences).status == "new_version"
    records = store.curation_records(new.id)
    assert [(i, r.how, r.source) for i, r in records.items()] == [(0, "accepted", "ana")]  # 2 changed: to curate
    moved = CurationSession(store, new.id)
    assert moved.item(0).is_curated and len(moved.item(0).curated) == 3  # the spans moved with the text
