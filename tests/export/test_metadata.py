"""Document metadata in annot/1: written next to published, read back, byte-identical round trips, older files."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from annot.errors import FormatError
from annot.export import export_jsonl, import_jsonl, iter_records
from annot.model import Document, Sentence, document_id
from annot.store import Store

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
TEXT = "Rusia enviará hasta 9.000 soldados a Bielorrusia. Minsk habla de fines defensivos."
SOURCE = {
    "outlet": "Diario del Sur",
    "author": "María López",
    "published": datetime(2022, 10, 17, 16, 40, tzinfo=timezone(timedelta(hours=2))),
    "url": "https://example.org/es/rusia-bielorrusia",
}


def _add(store: Store, text: str = TEXT, key: str = "rusia", **meta: object) -> Document:
    doc = Document(document_id(text, "Rusia"), key, "Rusia", "es", text, **meta)  # type: ignore[arg-type]
    cut = text.index(".") + 1
    sentences = [Sentence(doc.id, 0, 0, cut, text[:cut]), Sentence(doc.id, 1, cut + 1, len(text), text[cut + 1 :])]
    store.add_document(doc, sentences)
    return doc


@pytest.mark.parametrize("unit", ["document", "sentence"])
def test_metadata_is_written_next_to_published_and_round_trips_byte_identical(tmp_path: Path, unit: str):
    with Store(tmp_path / "a") as store:
        _add(store, **SOURCE)
        _add(store, TEXT + " Más.", published=datetime(2022, 10, 17, 9, 30))  # a new version, with a naive time
        (record,) = iter_records(store)
        keys = list(record)
        assert keys[keys.index("published") :][:5] == ["published", "outlet", "author", "url", "ingested_at"]
        first = export_jsonl(store, tmp_path / "a.jsonl", unit=unit, all_versions=True).path
    lines = [json.loads(line) for line in first.read_text("utf-8").splitlines() if '"type":"document"' in line]
    assert [line["published"] for line in lines] == ["2022-10-17T16:40:00+02:00", "2022-10-17T09:30:00"]
    assert [line["outlet"] for line in lines] == ["Diario del Sur"] * 2  # the new version inherited it
    with Store(tmp_path / "b") as store:
        import_jsonl(store, first)
        again = export_jsonl(store, tmp_path / "b.jsonl", unit=unit, all_versions=True).path
        assert store.document("rusia").published == datetime(2022, 10, 17, 9, 30)
    assert again.read_bytes() == first.read_bytes()


def test_a_cleared_field_on_a_newer_version_stays_cleared_through_import(tmp_path: Path):
    with Store(tmp_path / "a") as store:
        _add(store, **SOURCE)
        newer = _add(store, TEXT + " Más.")
        store.set_metadata(newer.id, author=None)  # cleared by hand: not inherited back on import
        first = export_jsonl(store, tmp_path / "a.jsonl", all_versions=True).path
    with Store(tmp_path / "b") as store:
        import_jsonl(store, first)
        assert store.document("rusia").author is None
        assert export_jsonl(store, tmp_path / "b.jsonl", all_versions=True).path.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("unit", ["document", "sentence"])
def test_a_file_from_before_metadata_still_imports(tmp_path: Path, unit: str):
    old = tmp_path / f"old.{unit}.jsonl"
    text = (GOLDEN / f"seed.{unit}.jsonl").read_text("utf-8")
    old.write_text(text.replace(',"outlet":null,"author":null,"url":null', ""), encoding="utf-8")
    assert '"outlet"' not in old.read_text("utf-8")
    with Store(tmp_path / "p") as store:
        result = import_jsonl(store, old)
        assert result.documents_added == 1
        doc = store.document("belarus-russian-grouping")
        assert (doc.outlet, doc.author, doc.url, doc.published) == (None, None, None, date(2022, 10, 17))
        again = export_jsonl(store, tmp_path / "again.jsonl", unit=unit).path
    assert again.read_bytes() == (GOLDEN / f"seed.{unit}.jsonl").read_bytes()


def test_import_of_a_stored_document_updates_its_metadata_and_counts_it(tmp_path: Path):
    with Store(tmp_path / "a") as store:
        doc = _add(store)
        plain = export_jsonl(store, tmp_path / "plain.jsonl").path
        store.set_metadata(doc.id, title="Rusia, Diario del Sur", **SOURCE)
        edited = export_jsonl(store, tmp_path / "edited.jsonl").path
    with Store(tmp_path / "b") as store:
        assert import_jsonl(store, plain).metadata_updated == 0
        revision = store.annotation_revision()
        result = import_jsonl(store, edited)
        assert (result.documents_added, result.documents_unchanged, result.metadata_updated) == (0, 1, 1)
        assert store.document(doc.id).outlet == "Diario del Sur" and store.annotation_revision() != revision
        assert import_jsonl(store, edited).metadata_updated == 0  # twice changes nothing
        # An older file (no outlet, author, url) leaves those as they are, and says the title and day.
        older = tmp_path / "older.jsonl"
        older.write_text(
            plain.read_text("utf-8").replace(',"outlet":null,"author":null,"url":null', ""), encoding="utf-8"
        )
        assert import_jsonl(store, older).metadata_updated == 1
        stored = store.document(doc.id)
        assert (stored.title, stored.published, stored.outlet) == ("Rusia", None, "Diario del Sur")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published", "yesterday", "published 'yesterday' is not an ISO 8601 date or date and time"),
        ("url", "no url", "url 'no url' is neither a URL"),
        ("outlet", 3, "field 'outlet' must be a string or null, got 3"),
    ],
)
def test_import_bad_metadata_names_file_and_line(tmp_path: Path, field: str, value: object, message: str):
    with Store(tmp_path / "a") as store:
        _add(store)
        (record,) = iter_records(store)
    record[field] = value
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with Store(tmp_path / "b") as store, pytest.raises(FormatError, match=f"{path}:1: .*{message}"):
        import_jsonl(store, path)
