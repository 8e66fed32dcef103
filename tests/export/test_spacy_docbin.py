"""spaCy DocBin: the seed's file loaded with spaCy itself, every span checked; round trip; bad files refused."""

from __future__ import annotations

import json
import tempfile
import zlib
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from spacy.tokens import DocBin

from annot.errors import FormatError
from annot.exchange import export_as, import_as
from annot.export import spacy_docbin
from annot.export.formats import LeftOut
from annot.export.jsonl import iter_records
from annot.export.tokens import NOT_ON_TOKENS, token_bounds, tokenize
from annot.pipeline import open_project
from tests.export.format_cases import SEED_GOLD, SEED_SPANS, case_store, golden, seed_store, stored
from tests.export.strategies import cases


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory):
    store = seed_store(tmp_path_factory.mktemp("seed") / "project")
    yield store
    store.close()


def load(path: Path) -> list[spacy.tokens.Doc]:
    """The file as spaCy reads it, with a blank vocab, as ``spacy train`` would."""
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def _facts(doc: spacy.tokens.Doc) -> dict:
    """What a DocBin's document says, comparable across files (a DocBin's bytes are not stable)."""
    return {
        "text": doc.text, "meta": doc.user_data["annot"],
        "spans": {g: [(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans[g]] for g in doc.spans},
        "ents": [(e.start_char, e.end_char, e.label_) for e in doc.ents],
        "user_data": sorted((k, json.dumps(v, sort_keys=True)) for k, v in doc.user_data.items() if k != "annot"),
    }  # fmt: skip


def test_spacy_seed_matches_golden_file_loaded_with_spacy(seed, tmp_path: Path):
    result = export_as(seed, tmp_path / "seed.spacy", "spacy")
    assert (result.documents, result.spans, result.left_out) == (1, SEED_SPANS, ())
    assert [_facts(d) for d in load(result.path)] == [_facts(d) for d in load(golden("seed.spacy", result.path))]


def test_spacy_every_seed_span_is_in_the_docbin_with_its_label_and_attributes(seed, tmp_path: Path):
    (doc,) = load(export_as(seed, tmp_path / "seed.spacy", "spacy").path)
    (record,) = [json.loads(line) for line in SEED_GOLD.read_text("utf-8").splitlines()]
    assert doc.text == record["text"] and doc.user_data["annot"]["id"] == record["id"]
    got = {span.id_: span for span in doc.spans["annot"]}
    assert len(got) == len(record["spans"]) == SEED_SPANS
    for want in record["spans"]:
        span = got[want["id"]]
        assert (span.start_char, span.end_char, span.label_, span.text) == (
            want["start"], want["end"], want["label"], want["text"]
        )  # fmt: skip
        data = doc.user_data[spacy_docbin.user_data_key(want["start"], want["end"], want["label"], want["id"])]
        assert data == {"attrs": want["attrs"], "annotator": want["annotator"], "status": "accepted"}
    actors = sorted((s["start"], s["end"]) for s in record["spans"] if s["label"] == "ACTOR")
    assert [(e.start_char, e.end_char) for e in doc.ents] == actors  # the seed's ACTORs do not overlap
    assert {e.label_ for e in doc.ents} == {"ACTOR"}


def test_spacy_seed_round_trip_keeps_every_span_and_attribute(seed, tmp_path: Path):
    export_as(seed, tmp_path / "seed.spacy", "spacy")
    with open_project(tmp_path / "copy") as copy:
        result = import_as(copy, tmp_path / "seed.spacy", "spacy")
        assert (result.documents_added, result.spans_written) == (1, SEED_SPANS)
        assert stored(copy) == stored(seed)


def test_spacy_statuses_in_their_groups_overlapping_actor_left_out_of_ents_only(tmp_path: Path):
    case = {"text": "The Belarusian Defense Ministry said so.", "lang": "en", "spans": [
        (4, 31, "ACTOR", {"type": "government body"}, "accepted", None), (4, 14, "ACTOR", {}, "accepted", None),
        (15, 22, "ACTOR", {}, "pending", None), (32, 36, "ACTOR", {}, "rejected", None),
        (5, 14, "QUANTITY", {"value": 1}, "accepted", None),
    ]}  # fmt: skip
    store, _, _ = case_store(tmp_path / "p", case)
    with store:
        result = export_as(store, tmp_path / "x.spacy", "spacy")
    (doc,) = load(result.path)
    assert {g: [s.text for s in doc.spans[g]] for g in doc.spans} == {
        "annot": ["Belarusian", "Belarusian Defense Ministry"], "annot.pending": ["Defense"],
        "annot.rejected": ["said"],
    }  # fmt: skip
    assert [e.text for e in doc.ents] == ["Belarusian Defense Ministry"]
    found = {u.reason: (u.count, u.example) for u in result.left_out}
    assert found[spacy_docbin.OVERLAPPING_ENT][0] == 1 and "'Belarusian'" in found[spacy_docbin.OVERLAPPING_ENT][1]
    assert found[NOT_ON_TOKENS][0] == 1 and found[NOT_ON_TOKENS][1].startswith("QUANTITY 'elarusian'")
    assert result.spans == 4


@pytest.mark.parametrize("content", [b"", b"not a docbin", b"\x80\x81\x82" * 10])
def test_spacy_bad_file_refused_in_one_line_store_unchanged(tmp_path: Path, content: bytes):
    path = tmp_path / "bad.spacy"
    path.write_bytes(content)
    with open_project(tmp_path / "p") as store:
        with pytest.raises(FormatError) as caught:
            import_as(store, path, "spacy")
        assert store.documents().empty
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}:1: ") and "DocBin" in message


def test_spacy_reads_a_foreign_docbin_s_entities(tmp_path: Path):
    nlp = spacy.blank("en")
    doc = nlp("Minsk and Kyiv met.")
    doc.ents = [doc.char_span(0, 5, label="GPE"), doc.char_span(10, 14, label="GPE")]
    DocBin(docs=[doc]).to_disk(tmp_path / "ner.spacy")
    (found,) = list(spacy_docbin.read(tmp_path / "ner.spacy"))
    assert [(s.start, s.end, s.label, s.status) for s in found.spans] == [
        (0, 5, "GPE", "accepted"),
        (10, 14, "GPE", "accepted"),
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_spacy_round_trip_keeps_every_span_on_tokens(case):
    with tempfile.TemporaryDirectory() as tmp:
        store, doc, spans = case_store(Path(tmp) / "a", case)
        tokens = tokenize(doc.text, doc.lang)
        off = [s for s in spans if token_bounds(tokens, s.start, s.end) is None]
        with store:
            result = export_as(store, Path(tmp) / "x.spacy", "spacy")
            expected = [s for s in stored(store) if token_bounds(tokens, s[0], s[1]) is not None]
            docbin = DocBin(store_user_data=True)  # what spaCy itself writes, against the streamed file
            for record in iter_records(store):
                docbin.add(spacy_docbin.to_doc(record, LeftOut()))
        assert zlib.decompress(result.path.read_bytes()) == zlib.decompress(docbin.to_bytes())
        counted = {u.reason: u.count for u in result.left_out}
        assert counted.get(NOT_ON_TOKENS, 0) == len(off) and result.spans == len(spans) - len(off)
        (loaded,) = load(result.path)
        assert loaded.text == doc.text
        with open_project(Path(tmp) / "b") as copy:
            import_as(copy, result.path, "spacy")
            got = stored(copy)
            if not counted.get("holder_span names a span left out (the attribute is dropped)"):
                assert got == expected
            assert [s[:4] for s in got] == [s[:4] for s in expected]


@pytest.mark.parametrize("copies", [0, 1, 17])
def test_spacy_streamed_file_is_what_docbin_to_bytes_writes(seed, tmp_path: Path, copies: int):
    (record,) = list(iter_records(seed))
    records = [{**record, "id": f"doc-{n}", "text": record["text"] + " x" * n} for n in range(copies)]
    out = tmp_path / "streamed.spacy"
    spacy_docbin.write(records, out, LeftOut())
    docbin = DocBin(store_user_data=True)
    for one in records:
        docbin.add(spacy_docbin.to_doc(one, LeftOut()))
    assert zlib.decompress(out.read_bytes()) == zlib.decompress(docbin.to_bytes())
    assert len(load(out)) == copies
