"""annot/1 JSONL export and import: golden files for the seed article, atomic writes, import errors."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import annot.export
from annot.errors import FormatError
from annot.export import SCHEMA, export_jsonl, import_jsonl, iter_records
from annot.export import jsonl as jsonl_module
from annot.export import jsonl_import as jsonl_import_module
from annot.model import Document, Origin, Sentence, Span, Status, document_id
from annot.pipeline import ingest, open_project
from annot.segment import segment
from annot.store import Store

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
SEED_REL = "corpus/belarus-russian-grouping-2022-10-17.en.txt"
T0 = datetime(2022, 10, 18, 9, 0, 0, 123456, tzinfo=UTC)
UNITS = ("document", "sentence")


def _at(text: str, needle: str, *, last: bool = False, after: str = "") -> tuple[int, int]:
    base = text.index(after) if after else 0
    start = text.rindex(needle) if last else text.index(needle, base)
    return start, start + len(needle)


def _between(text: str, first: str, last: str) -> tuple[int, int]:
    start = text.index(first)
    return start, text.index(last, start) + len(last)


def seed_spans(doc: Document) -> list[Span]:
    """A fixed set of spans over the seed: nested, in the heading, a STANCE before its holder."""
    t = doc.text
    rows = [  # id, (start, end), label, attrs, extra fields
        ("sp-00000000000000a1", _at(t, "Minsk"), "ACTOR", {"type": "state", "canonical": "Belarus"}, {}),
        ("sp-00000000000000a2", _at(t, "Russian", after="up to 9,000 Russian"), "ACTOR",
         {"type": "state", "canonical": "Russia"}, {}),
        ("sp-00000000000000a3", _at(t, "Ukrainian", after="Alleged"), "ACTOR",
         {"type": "state", "canonical": "Ukraine"},
         {"annotator": "suggest:actors.v1", "origin": Origin.SUGGESTED, "status": Status.PENDING}),
        ("sp-00000000000000a4", _at(t, "Revenko", last=True), "ACTOR",
         {"type": "person", "canonical": "Valeri Revenko"}, {}),
        ("sp-00000000000000a5", _at(t, "Belarus", after="Belarus assures"), "ACTOR", {"type": "state"}, {}),
        ("sp-00000000000000b1", _at(t, "up to 9,000 military personnel"), "QUANTITY",
         {"value": 9000, "unit": "military personnel", "qualifier": "up to"}, {}),
        ("sp-00000000000000b2", _at(t, "up to 9,000 Russian soldiers"), "QUANTITY",
         {"value": 9000.0, "unit": "soldiers", "qualifier": "up to"}, {"status": Status.REJECTED}),
        ("sp-00000000000000c1", _between(t, "“In the current", "grouping”"), "STANCE",
         {"holder_span": "sp-00000000000000a4", "polarity": "opposes", "evidence": "quoted",
          "target": "proposals for dialogue"}, {"annotator": "éva"}),
        ("sp-00000000000000c2", _at(t, "Belarus assures that Ukraine is preparing an attack"), "STANCE",
         {"holder_span": "sp-00000000000000a5", "target": "Ukraine", "polarity": "opposes",
          "evidence": "asserted"}, {}),
    ]  # fmt: skip
    spans = []
    for n, (span_id, (start, end), label, attrs, extra) in enumerate(rows):
        created = T0 + timedelta(minutes=n)
        spans.append(Span(id=span_id, doc_id=doc.id, start=start, end=end, label=label, attrs=attrs,
                          annotator=extra.get("annotator", "tester"), origin=extra.get("origin", Origin.MANUAL),
                          status=extra.get("status", Status.ACCEPTED), created_at=created,
                          updated_at=created + timedelta(seconds=n)))  # fmt: skip
    return spans


def build_seed_store(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The seed article ingested with a fixed ingested_at, plus the fixed spans."""
    monkeypatch.chdir(ROOT)  # without a store, keys and sources are named from the current folder
    (doc,) = ingest(SEED_REL).documents
    assert doc.key == doc.source == SEED_REL  # never an absolute path: the golden files hold no machine's paths
    doc = replace(doc, ingested_at=T0 - timedelta(days=1))
    store = open_project(folder, annotator="tester")
    store.add_document(doc, segment(doc))
    store.add_spans(seed_spans(doc))
    return store


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    store = build_seed_store(tmp_path / "seed", monkeypatch)
    yield store
    store.close()


@pytest.mark.parametrize("unit", UNITS)
def test_export_matches_golden_file(seed: Store, tmp_path: Path, unit: str):
    out = export_jsonl(seed, tmp_path / f"seed.{unit}.jsonl", unit=unit)
    golden = GOLDEN / f"seed.{unit}.jsonl"
    if os.environ.get("ANNOT_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(out.path.read_bytes())
    assert out.path.read_bytes() == golden.read_bytes()
    assert (out.documents, out.sentences, out.spans) == (1, 14, 9)


@pytest.mark.parametrize("unit", UNITS)
def test_import_golden_file_then_export_is_byte_identical(tmp_path: Path, unit: str):
    golden = GOLDEN / f"seed.{unit}.jsonl"
    with open_project(tmp_path / "copy") as copy:
        result = import_jsonl(copy, golden)
        assert result == annot.export.ImportResult(documents_added=1, documents_unchanged=0, spans_written=9)
        again = export_jsonl(copy, tmp_path / "again.jsonl", unit=unit)
    assert again.path.read_bytes() == golden.read_bytes()


def test_export_records_start_with_schema_then_type(seed: Store):
    records = list(iter_records(seed, unit="sentence"))
    assert [r["type"] for r in records] == ["document"] + ["sentence"] * 14
    for record in records:
        assert list(record)[:2] == ["schema", "type"] and record["schema"] == SCHEMA
    assert "sentences" not in records[0] and "spans" not in records[0]


def test_export_span_fields_and_sentence_offsets(seed: Store):
    (record,) = iter_records(seed)
    assert list(record) == ["schema", "type", "id", "key", "title", "lang", "source", "published", "outlet", "author",
                            "url", "ingested_at", "superseded_by", "text", "sentences", "spans"]  # fmt: skip
    assert record["key"] == SEED_REL and record["published"] == "2022-10-17"
    assert record["ingested_at"] == "2022-10-17T09:00:00.123456+00:00"
    spans = {s["id"]: s for s in record["spans"]}
    heading = spans["sp-00000000000000a3"]
    assert record["sentences"][heading["sentence"]]["heading"] is True
    sent = record["sentences"][heading["sentence"]]
    assert sent["text"][heading["sent_start"] : heading["sent_end"]] == "Ukrainian"
    assert spans["sp-00000000000000b1"]["attrs"] == {"qualifier": "up to", "unit": "military personnel", "value": 9000}
    assert spans["sp-00000000000000b2"]["attrs"]["value"] == 9000  # normalized from 9000.0
    order = [(s["start"], s["end"], s["id"]) for s in record["spans"]]
    assert order == sorted(order)


def test_export_writes_utf8_unescaped(seed: Store, tmp_path: Path):
    data = export_jsonl(seed, tmp_path / "out.jsonl").path.read_bytes()
    assert "“purely defensive”".encode() in data and "attachés".encode() in data and "éva".encode() in data
    assert b"\\u" not in data and b"\r" not in data and data.endswith(b"\n")


@pytest.mark.parametrize("unit", UNITS)
def test_export_is_deterministic(seed: Store, tmp_path: Path, unit: str):
    first = export_jsonl(seed, tmp_path / "a.jsonl", unit=unit).path.read_bytes()
    second = export_jsonl(seed, tmp_path / "b.jsonl", unit=unit).path.read_bytes()
    assert first == second


def test_export_creates_folder_and_reports_progress(seed: Store, tmp_path: Path):
    calls = []
    result = export_jsonl(seed, tmp_path / "deep" / "er" / "c.jsonl", progress=lambda *a: calls.append(a))
    assert result.path.is_file() and calls == [(1, 1, seed.resolve("belarus"))]


def test_export_failure_midway_keeps_previous_file_and_leaves_no_temp(seed: Store, tmp_path: Path, monkeypatch):
    out = tmp_path / "exports" / "corpus.jsonl"
    export_jsonl(seed, out, unit="sentence")
    before = out.read_bytes()
    calls = []

    def failing(record):
        calls.append(record)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return json.dumps(record)

    monkeypatch.setattr(jsonl_module, "_dumps", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_jsonl(seed, out, unit="sentence")
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["corpus.jsonl"]


def test_export_unknown_unit_lists_valid_units(seed: Store, tmp_path: Path):
    with pytest.raises(FormatError, match=r"'paragraph'.*document, sentence"):
        export_jsonl(seed, tmp_path / "x.jsonl", unit="paragraph")
    assert not (tmp_path / "x.jsonl").exists()


def test_export_is_readable_by_pandas(seed: Store, tmp_path: Path):
    import pandas as pd

    for unit, rows in (("document", 1), ("sentence", 15)):
        df = pd.read_json(export_jsonl(seed, tmp_path / f"{unit}.jsonl", unit=unit).path, lines=True)
        assert len(df) == rows and list(df.columns[:2]) == ["schema", "type"]


def test_import_same_file_twice_is_a_no_op(seed: Store, tmp_path: Path):
    path = export_jsonl(seed, tmp_path / "c.jsonl").path
    before = seed.spans()
    history = len(seed.history())
    assert import_jsonl(seed, path) == annot.export.ImportResult(0, 1, 0)
    import pandas as pd

    pd.testing.assert_frame_equal(seed.spans(), before)
    assert len(seed.history()) == history


def _tiny(folder: Path) -> tuple[Store, Document]:
    """A store with one hand-built two-sentence document."""
    text = "Minsk said so.  Kyiv denied it."
    doc = Document(id=document_id(text, "Tiny"), key="tiny", title="Tiny", lang="en", text=text,
                   ingested_at=T0)  # fmt: skip
    store = open_project(folder, annotator="tester")
    store.add_document(doc, [Sentence(doc.id, 0, 0, 14, text[:14]), Sentence(doc.id, 1, 16, 31, text[16:])])
    return store, doc


def test_export_span_sentence_rule_gap_belongs_to_previous_and_crossing_kept(tmp_path: Path):
    store, doc = _tiny(tmp_path / "p")
    store.add_span(doc.id, 14, 16, "STANCE")  # the whitespace between the sentences
    store.add_span(doc.id, 6, 20, "STANCE")  # crosses the sentence end
    records = list(iter_records(store, unit="sentence"))
    assert [len(r["spans"]) for r in records[1:]] == [2, 0]
    spans = records[1]["spans"]
    assert [(s["start"], s["end"], s["sentence"], s["sent_start"], s["sent_end"]) for s in spans] == [
        (6, 20, 0, 6, 20),
        (14, 16, 0, 14, 16),
    ]
    store.close()


def test_export_span_before_the_first_sentence_belongs_to_it_with_negative_offsets(tmp_path: Path):
    text = "» Minsk said so."
    doc = Document(document_id(text, "Quote"), "quote", "Quote", "en", text, ingested_at=T0)
    with open_project(tmp_path / "p") as store:
        store.add_document(doc, [Sentence(doc.id, 0, 2, len(text), text[2:])])
        store.add_span(doc.id, 0, 7, "ACTOR")
        (span,) = next(iter_records(store))["spans"]
        assert (span["sentence"], span["sent_start"], span["sent_end"]) == (0, -2, 5)
        path = export_jsonl(store, tmp_path / "c.jsonl", unit="sentence").path
        with open_project(tmp_path / "copy") as copy:
            import_jsonl(copy, path)
            assert export_jsonl(copy, tmp_path / "d.jsonl", unit="sentence").path.read_bytes() == path.read_bytes()


def test_export_reads_spans_one_document_at_a_time(seed: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    seen = []
    original = seed.iter_span_records

    def spy(doc_id=None, **kwargs):
        seen.append(doc_id)
        return original(doc_id, **kwargs)

    monkeypatch.setattr(seed, "iter_span_records", spy)
    export_jsonl(seed, tmp_path / "c.jsonl", all_versions=True)
    assert seen == [seed.resolve("belarus")]


def test_import_all_versions_keeps_referencing_spans_on_one_version(tmp_path: Path):
    text = "Minsk says Kyiv lies."
    doc = Document(document_id(text, "T"), "t", "T", "en", text, ingested_at=T0)
    with open_project(tmp_path / "a") as store:
        store.add_document(doc, [Sentence(doc.id, 0, 0, len(text), text)])
        actor = store.add_span(doc.id, 0, 5, "ACTOR")
        stance = store.add_span(doc.id, 11, 20, "STANCE", {"holder_span": actor.id})
        doc2 = Document(document_id("Kyiv lies.", "T"), "t", "T", "en", "Kyiv lies.", ingested_at=T0)
        result = store.add_document(doc2, [Sentence(doc2.id, 0, 0, 10, "Kyiv lies.")])
        path = export_jsonl(store, tmp_path / "c.jsonl", all_versions=True).path
    # The STANCE's text is still there, but its holder is gone: both stay on the
    # old version, so no reference crosses versions and the export imports again.
    assert set(result.orphaned) == {actor.id, stance.id} and result.reanchored == result.kept == ()
    with open_project(tmp_path / "b") as copy:
        import_jsonl(copy, path)
        again = export_jsonl(copy, tmp_path / "again.jsonl", all_versions=True).path
    assert again.read_bytes() == path.read_bytes()


def test_export_all_versions_then_import_rebuilds_the_version_chain(tmp_path: Path):
    store, doc = _tiny(tmp_path / "a")
    kyiv = store.add_span(doc.id, 16, 20, "ACTOR")
    minsk = store.add_span(doc.id, 0, 5, "ACTOR")
    text2 = "Kyiv denied it."
    doc2 = Document(document_id(text2, "Tiny"), "tiny", "Tiny", "en", text2, ingested_at=T0 + timedelta(hours=1))
    result = store.add_document(doc2, [Sentence(doc2.id, 0, 0, len(text2), text2)])
    assert result.orphaned == (minsk.id,) and result.reanchored == (kyiv.id,)
    current = [r["id"] for r in iter_records(store)]
    assert current == [doc2.id]
    records = list(iter_records(store, all_versions=True))
    assert [(r["id"], r["superseded_by"]) for r in records] == [(doc.id, doc2.id), (doc2.id, None)]
    assert [s["anchor"] for s in records[0]["spans"]] == ["orphaned"]
    for unit in UNITS:
        path = export_jsonl(store, tmp_path / f"{unit}.jsonl", unit=unit, all_versions=True).path
        with open_project(tmp_path / f"b-{unit}") as copy:
            assert import_jsonl(copy, path).documents_added == 2
            assert (
                export_jsonl(copy, tmp_path / "again.jsonl", unit=unit, all_versions=True).path.read_bytes()
                == path.read_bytes()
            )
            assert copy.documents(all_versions=True)["superseded_by"].tolist()[0] == doc2.id
    store.close()


def test_export_sentence_unit_refuses_spans_without_sentences(tmp_path: Path):
    store = open_project(tmp_path / "p")
    doc = Document("x-1", "x", "X", "en", "Some text", ingested_at=T0)
    store.add_document(doc, [])
    store.add_span(doc.id, 0, 4, "ACTOR")
    with pytest.raises(FormatError, match=r"no sentences.*unit='document'"):
        list(iter_records(store, unit="sentence"))
    store.close()


def test_import_reference_cycle_from_a_custom_schema(tmp_path: Path):
    schema = '[labels.LINK]\n[labels.LINK.attributes.other]\ntype = "span"\n'
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "annot.toml").write_text(schema, "utf-8")
    store, doc = _tiny(tmp_path / "a")
    first = store.add_span(doc.id, 0, 5, "LINK")
    second = store.add_span(doc.id, 16, 20, "LINK", {"other": first.id})
    store.update_span(first.id, attrs={"other": second.id})
    path = export_jsonl(store, tmp_path / "c.jsonl").path
    with open_project(tmp_path / "b") as copy:
        assert import_jsonl(copy, path).spans_written == 2
        assert export_jsonl(copy, tmp_path / "d.jsonl").path.read_bytes() == path.read_bytes()
    store.close()


def _lines(seed: Store, tmp_path: Path, unit: str = "document") -> list[dict]:
    path = export_jsonl(seed, tmp_path / "good.jsonl", unit=unit).path
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _write(tmp_path: Path, records: list[dict]) -> Path:
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _break_span(records, **changes):
    records[0]["spans"][0].update(changes)
    return records


BAD_RECORDS = {  # case: (break the good records, expected message)
    "schema tag": (
        lambda r: [{**r[0], "schema": "annot/0"}],
        r"bad.jsonl:1: not an annot/1 record \(schema='annot/0'\); export with annot export",
    ),
    "schema not first": (lambda r: [{"type": "document", **r[0]}], r":1: not an annot/1 record"),
    "unknown type": (
        lambda r: [{**r[0], "type": "paragraph"}],
        r":1: unknown record type 'paragraph'; valid types: document, sentence",
    ),
    "missing field": (lambda r: [{k: v for k, v in r[0].items() if k != "lang"}], r":1: missing field 'lang'"),
    "sentence off text": (
        lambda r: [{**r[0], "sentences": [{**r[0]["sentences"][0], "end": 3}]}],
        r":1: sentence 0 \[0, 3\) does not slice",
    ),
    "span out of range": (
        lambda r: _break_span(r, end=10**6),
        r":1: span sp-\w+: \[\d+, 1000000\) is out of range .*fix the offsets",
    ),
    "unknown label": (
        lambda r: _break_span(r, label="WEAPON"),
        r":1: span sp-\w+: Unknown label 'WEAPON'. Valid labels: ACTOR",
    ),
    "span text edited": (lambda r: _break_span(r, text="Kyiv!"), r":1: span sp-\w+: text 'Kyiv!' differs"),
    "bad origin": (
        lambda r: _break_span(r, origin="magic"),
        r"origin 'magic' is not valid; valid values: manual, suggested",
    ),
    "naive time": (lambda r: _break_span(r, created_at="2022-10-18T09:00:00"), r"created_at .* UTC offset"),
    "wrong type": (lambda r: _break_span(r, start="12"), r"field 'start' must be an integer, got '12'"),
}


@pytest.mark.parametrize("case", BAD_RECORDS, ids=str)
def test_import_invalid_record_raises_format_error_with_file_and_line(seed: Store, tmp_path: Path, case: str):
    make, pattern = BAD_RECORDS[case]
    path = _write(tmp_path, make(_lines(seed, tmp_path)))
    with open_project(tmp_path / "copy") as copy, pytest.raises(FormatError, match=pattern):
        import_jsonl(copy, path)


def test_import_sentence_line_without_header(seed: Store, tmp_path: Path):
    records = _lines(seed, tmp_path, "sentence")
    path = _write(tmp_path, records[2:])
    with (
        open_project(tmp_path / "copy") as copy,
        pytest.raises(FormatError, match=r"bad.jsonl:1: sentence line for document .* header line was not seen"),
    ):
        import_jsonl(copy, path)


def test_import_store_span_error_names_line_and_span(seed: Store, tmp_path: Path):
    records = _lines(seed, tmp_path, "sentence")
    for record in records[1:]:
        for span in record["spans"]:
            if span["id"] == "sp-00000000000000c1":
                span["attrs"]["holder_span"] = "sp-ffffffffffffffff"
                line = records.index(record) + 1
    path = _write(tmp_path, records)
    with (
        open_project(tmp_path / "copy") as copy,
        pytest.raises(FormatError, match=rf":{line}: span sp-00000000000000c1: STANCE.holder_span") as info,
    ):
        import_jsonl(copy, path)
    assert type(info.value.__cause__).__name__ == "SpanError"


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r":1: binary data"),
        (b'{"schema":"annot/1","type":"document","title":"caf\xe9"}\n', r":1: not UTF-8 \(byte 0xe9"),
        (b'\n{"schema": "annot/1", "type": \n', r"bad.jsonl:2: invalid JSON"),
        (b"[1, 2]\n", r":1: not an annot/1 record \(schema=None\)"),
    ],
    ids=["binary", "latin-1", "bad JSON", "not an object"],
)
def test_import_unreadable_file_raises_format_error(tmp_path: Path, content: bytes, pattern: str):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with open_project(tmp_path / "copy") as copy, pytest.raises(FormatError, match=pattern):
        import_jsonl(copy, path)


def test_import_missing_file_raises_format_error(tmp_path: Path):
    with open_project(tmp_path / "copy") as copy, pytest.raises(FormatError, match=r"Cannot read .*nope\.jsonl"):
        import_jsonl(copy, tmp_path / "nope.jsonl")


def test_import_reports_progress_per_document(seed: Store, tmp_path: Path):
    path = export_jsonl(seed, tmp_path / "c.jsonl", unit="sentence").path
    calls = []
    with open_project(tmp_path / "copy") as copy:
        import_jsonl(copy, path, progress=lambda *a: calls.append(a))
    assert calls == [(1, 1, seed.resolve("belarus"))]


def test_export_all_is_sorted_and_complete():
    assert annot.export.__all__ == sorted(annot.export.__all__)
    assert set(annot.export.__all__) == set(jsonl_module.__all__) | set(jsonl_import_module.__all__)
