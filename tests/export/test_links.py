"""annot/1 JSONL with links: a document's links and sentence alignments are exported and imported without loss."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annot.errors import FormatError
from annot.export import export_jsonl, import_jsonl, iter_records
from annot.model import AlignmentInfo, Bead
from annot.pipeline import ingest, open_project
from annot.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED_EN = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
SEED_ES = ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"
T1 = datetime(2022, 10, 19, 8, 0, 0, 654321, tzinfo=UTC)
# The seed pair's alignment (see tests/compare/test_align.py), scored as Apertium es>en gives it.
BEADS = [Bead((i,), (i,), 60.0 + i) for i in range(6)] + [
    Bead((6,), (6, 7), 60.65), Bead((7,), (8,), 59.1), Bead((8,), (9,), 62.77), Bead((9,), (10,), 58.79),
    Bead((10,), (11,), 46.1), Bead((11, 12), (12,), 54.45, "manual"), Bead((13,), (13,), 79.48),
]  # fmt: skip


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, Path]:
    """The seed and its Spanish version, linked and aligned; then the English gets a new version."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in (SEED_EN, SEED_ES):
        shutil.copy(path, corpus / path.name)
    monkeypatch.chdir(tmp_path)  # relative paths: keys and sources independent of the machine
    store = open_project(tmp_path / "project", annotator="tester")
    ingest("corpus", store)
    store.link("belarus-russian", "belarus-agrupacion", created_at=T1)
    store.set_alignment("belarus-russian", "belarus-agrupacion", BEADS, measure="chrf", route="apertium es>en")
    yield store, corpus / SEED_EN.name
    store.close()


def _new_version(store: Store, path: Path) -> str:
    path.write_text("Breaking news. " + path.read_text("utf-8"), "utf-8")
    (result,) = ingest(path, store).results
    return result.doc_id


def _roundtrip(store: Store, folder: Path, unit: str, all_versions: bool) -> Store:
    first = export_jsonl(store, folder / f"{unit}.jsonl", unit=unit, all_versions=all_versions).path
    copy = open_project(folder / f"copy-{unit}-{all_versions}", annotator="other")
    import_jsonl(copy, first)
    again = export_jsonl(copy, folder / f"{unit}.again.jsonl", unit=unit, all_versions=all_versions).path
    assert again.read_bytes() == first.read_bytes()
    assert copy.links() == store.links()
    return copy


def test_export_links_in_the_first_documents_record(linked):
    store, _ = linked
    es, en = iter_records(store)  # ingested in file-name order: agrupacion before russian
    assert list(en)[-4:] == ["text", "sentences", "spans", "links"] and "links" not in es
    (entry,) = en["links"]
    assert list(entry) == ["doc", "kind", "created_at", "measure", "route", "beads"]
    assert (entry["doc"], entry["kind"]) == (es["id"], "translation")
    assert (entry["measure"], entry["route"]) == ("chrf", "apertium es>en")
    assert entry["created_at"] == "2022-10-19T08:00:00.654321+00:00"
    assert entry["beads"][6] == [[6], [6, 7], 60.65, "auto"]
    assert entry["beads"][11] == [[11, 12], [12], 54.45, "manual"]
    headers = [r for r in iter_records(store, unit="sentence") if r["type"] == "document"]
    assert headers[1]["links"] == en["links"] and list(headers[1])[-1] == "links" and "links" not in headers[0]


@pytest.mark.parametrize("unit", ["document", "sentence"])
@pytest.mark.parametrize("all_versions", [False, True])
def test_export_import_export_with_links_is_byte_identical(linked, tmp_path, unit, all_versions):
    store, en_path = linked
    old = store.resolve("belarus-russian")
    new = _new_version(store, en_path)
    es = store.resolve("belarus-agrupacion")
    copy = _roundtrip(store, tmp_path, unit, all_versions)
    with copy:
        assert copy.alignment(new, es) == []
        if all_versions:
            assert copy.alignment(old, es) == BEADS
            assert copy.aligned_versions(new, es) == [(old, es)]
    # The new version aligned too: both alignments travel with all versions.
    store.set_alignment(new, es, [((0,), ()), Bead((1,), (0,), 41.5)], origin="manual")
    with _roundtrip(store, tmp_path / "again", unit, all_versions) as copy:
        assert copy.alignment(new, es) == store.alignment(new, es)
        assert copy.aligned_versions(new, es) == ([(new, es), (old, es)] if all_versions else [(new, es)])


def test_export_an_unaligned_link_and_the_old_alignment(linked):
    store, en_path = linked
    old = store.resolve("belarus-russian")
    new = _new_version(store, en_path)
    by_id = {r["id"]: r for r in iter_records(store, all_versions=True)}
    assert [e["beads"][:1] for e in by_id[old]["links"]] == [[[[0], [0], 60.0, "auto"]]]
    assert [(e["doc"], e["beads"]) for e in by_id[new]["links"]] == [(store.resolve("belarus-agrupacion"), [])]
    current = list(iter_records(store))
    assert [bool(r.get("links")) for r in current] == [False, True]  # Spanish, then the new English


def test_import_links_twice_changes_nothing_and_keeps_the_time(linked, tmp_path):
    store, _ = linked
    path = export_jsonl(store, tmp_path / "out.jsonl").path
    with open_project(tmp_path / "copy") as copy:
        import_jsonl(copy, path)
        import_jsonl(copy, path)
        (link,) = copy.links()
        assert link.created_at == T1 and copy.alignment(link.doc_a, link.doc_b) == BEADS


def _edit(path: Path, change) -> Path:
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    change(records)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda r: r[1]["links"][0].update(doc="nowhere-000000000000"),
            "link 0 (to nowhere-000000000000): the linked document is neither in the file nor in the store",
        ),
        (lambda r: r[1]["links"][0]["beads"].append([[14], [0], None, "auto"]), "A sentence 14 is out of range"),
        (lambda r: r[1]["links"][0]["beads"][0].pop(), "a bead must be [[A indexes], [B indexes], score, origin]"),
        (lambda r: r[1]["links"][0]["beads"][0].__setitem__(3, "guess"), "origin 'guess' is not valid"),
        (lambda r: r[1]["links"][0]["beads"][0].__setitem__(0, ["1"]), "its A side must be a list of sentence indexes"),
        (lambda r: r[1]["links"][0]["beads"][0].__setitem__(2, "high"), "field 'score' must be a number or null"),
        (lambda r: r[1]["links"][0].pop("kind"), "missing field 'kind'"),
        (lambda r: r[1].update(links={}), "field 'links' must be a list"),
        (lambda r: r[1]["links"][0].update(measure="bleu"), "measure 'bleu' is not valid; valid values: chrf, anchors"),
        (lambda r: r[1]["links"][0].update(measure=70), "field 'measure' must be a string or null"),
        (lambda r: r[1]["links"][0].update(route=None), "field 'route' must be a string"),
        (lambda r: r[1]["links"][0].update(route=""), "chrF scores need the route that translated B"),
        (lambda r: r[1]["links"][0].update(measure="anchors"), "give a route with measure 'chrf' and none with any"),
    ],
    ids=[
        "missing-document",
        "out-of-range",
        "short-bead",
        "origin",
        "indexes",
        "score",
        "kind",
        "not-a-list",
        "measure",
        "measure-type",
        "route-type",
        "chrf-without-route",
        "anchors-with-route",
    ],
)
def test_import_invalid_links_raise_format_error_with_file_and_line(linked, tmp_path, change, message):
    store, _ = linked
    path = _edit(export_jsonl(store, tmp_path / "bad.jsonl").path, change)
    with open_project(tmp_path / "copy") as copy, pytest.raises(FormatError) as info:
        import_jsonl(copy, path)
    assert str(info.value).startswith(f"{path}:2: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_import_links_to_a_document_already_in_the_store(linked, tmp_path):
    store, _ = linked
    path = export_jsonl(store, tmp_path / "all.jsonl").path
    lines = path.read_text("utf-8").splitlines(keepends=True)
    (tmp_path / "es.jsonl").write_text(lines[0], "utf-8")
    (tmp_path / "en.jsonl").write_text(lines[1], "utf-8")
    with open_project(tmp_path / "copy") as copy:
        with pytest.raises(FormatError, match="neither in the file nor in the store"):
            import_jsonl(copy, tmp_path / "en.jsonl")  # its link cannot be made: nothing goes in
        assert copy.links() == [] and copy.counts()["documents"] == 0
        import_jsonl(copy, tmp_path / "es.jsonl")
        import_jsonl(copy, tmp_path / "en.jsonl")
        assert copy.links() == store.links()


def test_import_keeps_what_the_scores_measure_both_ways(linked, tmp_path):
    store, _ = linked
    en, es = store.resolve("belarus-russian"), store.resolve("belarus-agrupacion")
    chrf = AlignmentInfo("chrf", "apertium es>en")
    with _roundtrip(store, tmp_path, "document", False) as copy:
        assert copy.alignment_info(en, es) == copy.alignment_info(es, en) == chrf
    # Replaced by hand: unknown, exported as null, imported as unknown.
    store.set_alignment(en, es, BEADS)
    (entry,) = next(r for r in iter_records(store) if r["id"] == en)["links"]
    assert (entry["measure"], entry["route"]) == (None, "")
    with _roundtrip(store, tmp_path / "by-hand", "sentence", True) as copy:
        assert copy.alignment_info(en, es) == AlignmentInfo() and copy.alignment(en, es) == BEADS


def test_import_a_file_written_before_measures_reads_them_as_unknown(linked, tmp_path):
    store, _ = linked
    path = export_jsonl(store, tmp_path / "new.jsonl").path
    old = _edit(path, lambda r: [r[1]["links"][0].pop(name) for name in ("measure", "route")])
    assert '"measure"' not in old.read_text("utf-8")
    with open_project(tmp_path / "copy") as copy:
        import_jsonl(copy, old)
        (link,) = copy.links()
        assert copy.alignment(link.doc_a, link.doc_b) == BEADS
        assert copy.alignment_info(link.doc_a, link.doc_b) == AlignmentInfo()
        assert copy.alignment_info(link.doc_a, link.doc_b).measure is None
