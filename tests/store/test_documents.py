"""Documents: idempotent adds, new versions under a key, span re-anchoring, and references."""

from __future__ import annotations

import re

import pytest

from annot.errors import NotFound, StoreError
from annot.model import Document, Sentence, document_id

from .conftest import TEXT, dump, find, make_doc

V2 = (
    "Russia moved 9,000 troops to Belarus. "
    "Minsk, after long talks, said the grouping was a drill.  "
    "Kyiv called it a threat."
)


def test_add_document_returns_added(store):
    document, sentences = make_doc()
    result = store.add_document(document, sentences)
    assert (result.doc_id, result.status, result.previous_id) == (document.id, "added", None)
    assert store.document(document.id) == document
    assert store.get_sentences(document.id) == sentences


def test_add_document_twice_is_unchanged_noop(store, doc, add, project):
    add("Russia")
    before = dump(project)
    again, sentences = make_doc()
    result = store.add_document(again, sentences)
    assert (result.doc_id, result.status) == (doc.id, "unchanged")
    assert dump(project) == before


@pytest.fixture
def versioned(store, doc, add):
    spans = {
        "russia": add("Russia"),
        "troops": add("9,000 troops", "QUANTITY", {"value": 9000, "unit": "troops"}),
        "defensive": add("defensive", "STANCE", annotator="bob"),
        "kyiv": add("Kyiv"),
        "threat": add("a threat", "STANCE", {"polarity": "opposes"}),
        "deleted": add("Belarus"),
    }
    store.delete_span(spans["deleted"].id)
    live_before = store.counts()["spans"]
    new, sentences = make_doc(V2)
    result = store.add_document(new, sentences)
    return doc, new, spans, result, live_before


def test_add_document_new_version_keeps_old_version(store, versioned):
    old, new, _, result, _ = versioned
    assert (result.status, result.doc_id, result.previous_id) == ("new_version", new.id, old.id)
    current = store.documents()
    assert list(current["id"]) == [new.id]
    every = store.documents(all_versions=True).set_index("id")
    assert list(every.index) == [old.id, new.id]
    assert every.loc[old.id, "superseded_by"] == new.id
    assert every.loc[old.id, "key"] == every.loc[new.id, "key"]
    assert store.document(old.id).text == TEXT
    assert store.document("grouping").id == new.id
    assert store.counts()["documents"] == 1
    assert store.counts()["sentences"] == 3


def test_add_document_new_version_keeps_spans_in_unchanged_text(store, versioned):
    _, new, spans, result, _ = versioned
    for name in ("russia", "troops"):
        span = store.get_span(spans[name].id)
        assert span.id in result.kept
        assert (span.doc_id, span.start, span.end, span.anchor) == (new.id, spans[name].start, spans[name].end, "ok")
        assert new.text[span.start : span.end] == span.text == spans[name].text
        assert span.attrs == spans[name].attrs


def test_add_document_new_version_reanchors_moved_spans(store, versioned):
    _, new, spans, result, _ = versioned
    delta = len(V2) - len(TEXT)
    assert set(result.reanchored) == {spans["kyiv"].id, spans["threat"].id}
    for name in ("kyiv", "threat"):
        old, span = spans[name], store.get_span(spans[name].id)
        assert (span.doc_id, span.anchor) == (new.id, "reanchored")
        assert (span.start, span.end) == (old.start + delta, old.end + delta)
        assert span.text == old.text == new.text[span.start : span.end]
        assert (span.label, span.attrs, span.annotator, span.created_at) == (
            old.label,
            old.attrs,
            old.annotator,
            old.created_at,
        )


def test_add_document_new_version_orphans_spans_whose_text_is_gone(store, versioned):
    old_doc, new, spans, result, live_before = versioned
    orphan = store.get_span(spans["defensive"].id)
    assert result.orphaned == (orphan.id,)
    assert (orphan.doc_id, orphan.anchor, orphan.start, orphan.end) == (
        old_doc.id,
        "orphaned",
        spans["defensive"].start,
        spans["defensive"].end,
    )
    assert old_doc.text[orphan.start : orphan.end] == "defensive"
    # Nothing silently dropped: every live span is still live somewhere.
    assert store.counts()["spans"] == live_before
    assert len(store.spans()) == live_before
    assert set(store.spans(new.id)["id"]) == {spans[n].id for n in ("russia", "troops", "kyiv", "threat")}
    assert set(store.spans(old_doc.id)["id"]) == {orphan.id}
    assert store.spans(old_doc.id)["anchor"].tolist() == ["orphaned"]


def test_add_document_new_version_leaves_deleted_spans_on_old_version(store, versioned):
    old_doc, _, spans, _, _ = versioned
    deleted = store.spans(include_deleted=True).set_index("id").loc[spans["deleted"].id]
    assert deleted["doc_id"] == old_doc.id
    assert deleted["deleted"]


def test_add_document_new_version_records_reanchor_history(store, versioned):
    _, _, spans, result, _ = versioned
    history = store.history()
    system = history[history["op"] == "reanchor"]
    assert set(system["span_id"]) == set(result.kept) | set(result.reanchored) | set(result.orphaned)
    assert set(system["annotator"]) == {"annot"}
    assert set(system["state"]) == {"system"}
    kyiv = system[system["span_id"] == spans["kyiv"].id].iloc[0]
    assert kyiv["before"]["start"] == spans["kyiv"].start
    assert kyiv["after"]["start"] != spans["kyiv"].start
    # Undo never reverts the system's re-anchoring, and refuses to undo across it.
    with pytest.raises(StoreError, match=f"Cannot undo: span {spans['defensive'].id}"):
        store.undo("bob")


def test_add_document_new_version_twice_is_unchanged(store, versioned, project):
    del versioned  # the second version is stored
    before = dump(project)
    again, sentences = make_doc(V2)
    assert store.add_document(again, sentences).status == "unchanged"
    assert dump(project) == before


def test_add_document_third_version_leaves_orphans_on_their_version(store, versioned):
    old_doc, new, spans, _, live_before = versioned
    v3, sentences = make_doc(V2.replace("a drill", "defensive"), "Grouping")
    result = store.add_document(v3, sentences)
    assert result.previous_id == new.id
    assert spans["defensive"].id not in result.kept + result.reanchored + result.orphaned
    assert store.get_span(spans["defensive"].id).doc_id == old_doc.id
    assert store.counts()["spans"] == live_before


def test_add_document_reanchors_repeated_text_to_its_own_occurrence(store):
    text = "Russia said no. Russia said yes. Russia said maybe."
    v1, sentences = make_doc(text, "Repeats")
    store.add_document(v1, sentences)
    spans = [store.add_span(v1.id, *find(text, "Russia", i), "ACTOR") for i in range(3)]
    v2_text = "Breaking: Russia spoke. " + text
    v2, sentences = make_doc(v2_text, "Repeats")
    store.add_document(v2, sentences)
    delta = len(v2_text) - len(text)
    for old in spans:
        span = store.get_span(old.id)
        assert (span.start, span.end) == (old.start + delta, old.end + delta)


def test_add_document_with_different_key_is_a_separate_document(store, doc):
    other, sentences = make_doc(V2, "Grouping", key="another-key")
    assert store.add_document(other, sentences).status == "added"
    assert store.counts()["documents"] == 2


@pytest.fixture
def library(store):
    docs = {}
    for title, key, text in [
        ("Alpha report", "corpus/alpha.en.txt", "Alpha text."),
        ("Alpha review", "corpus/alpha2.en.txt", "Another alpha text."),
        ("Beta", "beta", "Beta text."),
    ]:
        document, sentences = make_doc(text, title, key=key)
        document = Document(document.id, key, title, "en", text, source=f"/data/{key}")
        store.add_document(document, sentences)
        docs[title] = document
    return docs


@pytest.mark.parametrize(
    ("ref", "title"),
    [
        ("full id", "Beta"),
        ("beta-", "Beta"),
        ("alpha-report", "Alpha report"),
        ("corpus/alpha2.en.txt", "Alpha review"),
        ("/data/beta", "Beta"),
    ],
)
def test_resolve_by_id_prefix_key_or_source(store, library, ref, title):
    ref = library[title].id if ref == "full id" else ref
    assert store.resolve(ref) == library[title].id
    assert store.document(ref) == library[title]


@pytest.mark.parametrize("ref", ["alpha", "a", "alpha-re"])
def test_resolve_ambiguous_prefix_lists_candidates(store, library, ref):
    with pytest.raises(NotFound, match=r"ambiguous.*Use a longer prefix") as info:
        store.resolve(ref)
    assert library["Alpha report"].id in str(info.value)
    assert library["Alpha review"].id in str(info.value)


@pytest.mark.parametrize("ref", ["gamma", "lpha", "beta-0", "%", "_", "alpha%", "\\"])
def test_resolve_unknown_reference_raises_not_found(store, library, ref):
    with pytest.raises(NotFound, match=rf"No document {re.escape(repr(ref))} in .*annot ls"):
        store.resolve(ref)


def test_resolve_prefers_current_version_for_key_and_exact_id_for_old(store, versioned):
    old, new, _, _, _ = versioned
    assert store.resolve("grouping") == new.id
    assert store.resolve(old.id) == old.id
    assert store.resolve("grouping-") == new.id  # old versions do not make a prefix ambiguous


def test_iter_documents_allows_writes_while_iterating(store, library):
    for document in store.iter_documents():
        store.add_span(document.id, 0, 4, "ACTOR")
    assert store.counts()["spans"] == 3
    assert [d.id for d in store.iter_documents(all_versions=True)] == [d.id for d in library.values()]


def test_iter_spans_allows_writes_while_iterating(store, add):
    spans = [add(p) for p in ("Russia", "Minsk", "Kyiv", "Belarus")]
    for span in store.iter_spans():
        store.update_span(span.id, status="pending")
    assert set(store.spans()["status"]) == {"pending"}
    assert sorted(s.id for s in store.iter_spans()) == sorted(s.id for s in spans)


def test_iter_spans_pages_through_many_spans(store, doc):
    from annot.model import Span

    batch = [Span(id=f"sp-{i:016x}", doc_id=doc.id, start=i % 50, end=i % 50 + 3, label="ACTOR") for i in range(5000)]
    store.add_spans(batch)
    seen = [s.id for s in store.iter_spans(doc.id)]
    assert len(seen) == len(set(seen)) == 5000
    assert seen == list(store.spans(doc.id)["id"])


def test_get_sentences_of_unknown_document_raises(store):
    with pytest.raises(NotFound):
        store.get_sentences("nope")


def test_document_id_is_stable_and_content_hashed():
    assert document_id(TEXT, "Grouping") == document_id(TEXT, "Grouping")
    assert document_id(TEXT, "Grouping") != document_id(V2, "Grouping")
    assert document_id(TEXT, "Grouping").startswith("grouping-")
    assert isinstance(Sentence("d", 0, 0, 1, "x"), Sentence)
