"""Document metadata in the store: the migration that added it, Store.set_metadata, inheritance across versions."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from annot.errors import CorpusError, MetadataError, NotFound, StoreError
from annot.model import Document
from annot.store import DB_NAME, Store
from annot.store.migrations import METADATA_VERSION, OLDEST_READABLE, SCHEMA_VERSION
from tests.store.conftest import TEXT, as_older_version, make_doc

PLUS_TWO = timezone(timedelta(hours=2))
SOURCE = {
    "outlet": "Diario del Sur",
    "author": "María López",
    "published": datetime(2022, 10, 17, 16, 40, tzinfo=PLUS_TWO),
    "url": "https://example.org/es/rusia-bielorrusia",
}


def _row(project: Path, doc_id: str) -> tuple:
    conn = sqlite3.connect(project / DB_NAME)
    try:
        return conn.execute("SELECT outlet, author, published, url FROM documents WHERE id = ?", (doc_id,)).fetchone()
    finally:
        conn.close()


@pytest.mark.sqlite_only
def test_metadata_migration_reads_an_older_store_read_only_and_upgrades_it(project: Path):
    assert METADATA_VERSION == 12 < SCHEMA_VERSION and OLDEST_READABLE < METADATA_VERSION
    document, sentences = make_doc()
    with Store(project) as store:
        store.add_document(replace(document, published=date(2022, 10, 17)), sentences)
    as_older_version(project, METADATA_VERSION - 1)
    with Store(project, read_only=True) as old:  # no columns yet: every document's source is unknown
        doc = old.document(document.id)
        assert (doc.outlet, doc.author, doc.url, doc.published) == (None, None, None, date(2022, 10, 17))
        frame = old.documents()
        assert frame[["outlet", "author", "url"]].isna().all().all()
        assert frame["published"].iloc[0] == pd.Timestamp("2022-10-17", tz="UTC")
        with pytest.raises(StoreError, match="read-only"):
            old.set_metadata(document.id, outlet="Diario del Sur")
    with Store(project) as store:  # upgraded in place: the columns are there, the document untouched
        assert store.document(document.id) == replace(
            document, published=date(2022, 10, 17), ingested_at=doc.ingested_at
        )
        store.set_metadata(document.id, **SOURCE)
    assert _row(project, document.id) == (
        "Diario del Sur", "María López", "2022-10-17T16:40:00+02:00", "https://example.org/es/rusia-bielorrusia"
    )  # fmt: skip


def test_set_metadata_edits_the_version_in_place_and_moves_the_revisions(store: Store, doc: Document):
    revision, annotations = store.revision(), store.annotation_revision()
    after = store.set_metadata(doc.id, title="Grouping, edited", **SOURCE)
    assert after.id == doc.id and store.resolve("grouping") == doc.id  # the id follows the text, not the metadata
    assert store.document(doc.id) == after == replace(doc, title="Grouping, edited", **SOURCE)
    assert after.published.utcoffset() == timedelta(hours=2)  # the offset given is kept
    assert store.revision() != revision and store.annotation_revision() != annotations
    assert len(store.get_sentences(doc.id)) == 3 and len(store.documents()) == 1


def test_set_metadata_changes_only_what_is_given_and_clears_with_none_or_empty(store: Store, doc: Document):
    store.set_metadata(doc.id, **SOURCE)
    after = store.set_metadata("grouping", author=None, url="", published="2022-10-18")
    assert (after.outlet, after.author, after.url, after.published) == (
        "Diario del Sur",
        None,
        None,
        date(2022, 10, 18),
    )
    assert store.set_metadata(doc.id, outlet="  Diario\n del   Sur ").outlet == "Diario del Sur"  # one line
    revision = store.annotation_revision()
    assert store.set_metadata(doc.id) == store.document(doc.id)  # nothing given: nothing written
    assert store.annotation_revision() == revision


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"published": "last monday"}, "published 'last monday' is not an ISO 8601 date or date and time"),
        ({"published": "2022-13-01"}, "write it like 2022-10-17 or 2022-10-17T16:40:00\\+02:00"),
        ({"published": 2022}, "published must be ISO 8601 text"),
        ({"url": "example org"}, "url 'example org' is neither a URL"),
        ({"url": "https://"}, "is not a URL like https://example.org/article"),
        ({"outlet": 7}, "outlet must be text, got int"),
        ({"title": "  "}, "title '  ' is empty or not text"),
    ],
)
def test_set_metadata_refuses_bad_values_in_one_line_and_writes_nothing(store, doc, changes, message):
    before = store.document(doc.id)
    with pytest.raises(MetadataError, match=message) as error:
        store.set_metadata(doc.id, **changes)
    assert "\n" not in str(error.value)
    assert store.document(doc.id) == before


def test_set_metadata_unknown_document_is_not_found(store: Store, doc: Document):
    with pytest.raises(NotFound, match="No document 'nothing'"):
        store.set_metadata("nothing", outlet="X")


def test_set_metadata_on_an_older_version_leaves_the_newer_one(store: Store, doc: Document):
    new, sentences = make_doc(TEXT + " More.", key="grouping")
    store.add_document(new, sentences)
    store.set_metadata(doc.id, outlet="Old outlet")
    assert store.document(doc.id).outlet == "Old outlet" and store.document("grouping").outlet is None


def test_new_version_without_metadata_inherits_the_previous_versions(store: Store, doc: Document):
    store.set_metadata(doc.id, **SOURCE)
    new, sentences = make_doc(TEXT + " More.", key="grouping")
    assert store.add_document(new, sentences).status == "new_version"
    stored = store.document(new.id)
    assert {name: getattr(stored, name) for name in SOURCE} == SOURCE
    # Its own metadata wins; a date alone from a file name does not undo the time of that day.
    newer, sentences = make_doc(TEXT + " Even more.", key="grouping")
    store.add_document(replace(newer, outlet="Other", published=date(2022, 10, 17)), sentences)
    assert (store.document(newer.id).outlet, store.document(newer.id).published) == ("Other", SOURCE["published"])


def test_add_document_again_fills_only_the_metadata_the_version_lacks(store: Store, doc: Document):
    store.set_metadata(doc.id, outlet="Kept", published=date(2022, 10, 17))
    other_day = datetime(2022, 10, 18, 8, 0, tzinfo=UTC)
    result = store.add_document(replace(doc, outlet="Ignored", author="Ana", published=other_day), [])
    assert (result.status, result.metadata) == ("unchanged", ("author",))
    stored = store.document(doc.id)
    assert (stored.outlet, stored.author, stored.published) == ("Kept", "Ana", date(2022, 10, 17))
    assert store.add_document(replace(doc, author="Other"), []).metadata == ()


def test_add_document_day_then_time_of_that_day_fills_the_time(store: Store):
    document, sentences = make_doc()
    store.add_document(replace(document, published=date(2022, 10, 17)), sentences)
    result = store.add_document(replace(document, published=SOURCE["published"]), sentences)
    assert result.metadata == ("published",) and store.document(document.id).published == SOURCE["published"]


def test_add_document_refuses_an_invalid_url(store: Store):
    document, sentences = make_doc()
    with pytest.raises(CorpusError, match="url 'not a url' is neither"):
        store.add_document(replace(document, url="not a url"), sentences)


def test_documents_frame_published_is_utc_whatever_the_offset(store: Store):
    given = [
        ("a", date(2022, 10, 17)),
        ("b", datetime(2022, 10, 17, 16, 40, tzinfo=PLUS_TWO)),
        ("c", datetime(2022, 10, 17, 9, 30)),  # naive: read as UTC
        ("d", None),
    ]
    for key, published in given:
        document, sentences = make_doc(f"{TEXT} {key}.", key.upper())
        store.add_document(replace(document, published=published), sentences)
        assert store.document(document.id).published == published  # the Document keeps what was given
    frame = store.documents()
    assert str(frame["published"].dtype) == "datetime64[us, UTC]"
    assert frame["published"].tolist()[:3] == [
        pd.Timestamp("2022-10-17 00:00", tz=UTC), pd.Timestamp("2022-10-17 14:40", tz=UTC),
        pd.Timestamp("2022-10-17 09:30", tz=UTC),
    ]  # fmt: skip
    assert pd.isna(frame["published"].iloc[3])
