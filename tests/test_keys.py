"""Document keys and sources never hold the annotator's absolute paths, and keep a file's identity when it moves.

The rule is ``annot.model.source_key`` (README, "Ids"); stores written before it
are migrated (store schema 4) or, for files outside the project's parent, renamed
when ingest meets the file again.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from annot.export import export_jsonl
from annot.ingest import from_text, read_file
from annot.model import source_key
from annot.pipeline import ingest, open_project
from annot.segment import segment
from annot.store import DB_NAME, SCHEMA_VERSION
from tests.store.conftest import as_older_version

TEXT = "Minsk said that the troops arrived on Monday. Kyiv called it a threat."


@pytest.mark.parametrize(
    ("path", "named", "key"),
    [
        ("repo/corpus/a.en.txt", "repo/corpus", "corpus/a.en.txt"),  # inside the project's parent
        ("repo/corpus/2022/a.en.txt", "repo/corpus/2022/a.en.txt", "corpus/2022/a.en.txt"),
        ("data/news/2022/a.en.txt", "data/news", "news/2022/a.en.txt"),  # outside: from beside what was named
        ("data/news/2022/a.en.txt", "data/news/2022/a.en.txt", "a.en.txt"),
        ("data/news/2022/a.en.txt", None, "{tmp}/data/news/2022/a.en.txt"),  # outside, named unknown: as it was
    ],
)
def test_source_key_rule(tmp_path: Path, path: str, named: str | None, key: str):
    home = tmp_path / "repo"
    got = source_key(tmp_path / path, home=home, named=tmp_path / named if named else None)
    assert got == key.format(tmp=tmp_path.resolve())


def test_source_key_keeps_urls_and_resolves_relative_paths_from_the_current_folder(tmp_path, monkeypatch):
    assert source_key("https://example.org/a.html", home=tmp_path) == "https://example.org/a.html"
    (tmp_path / "repo" / "notebooks").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo" / "notebooks")
    assert source_key("../corpus/a.txt", home=tmp_path / "repo", named="../corpus") == "corpus/a.txt"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with project/ and corpus/ side by side, as ./run lab makes it."""
    root = tmp_path / "repo"
    (root / "corpus").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "corpus" / "belarus-2022-10-17.en.txt").write_text(TEXT, "utf-8")
    return root


def test_ingest_writes_relative_keys_and_sources_the_same_from_any_working_directory(repo, monkeypatch):
    monkeypatch.chdir(repo)
    with open_project("project") as store:
        (first,) = ingest("corpus", store).results
        assert first.status == "added"
        monkeypatch.chdir(repo / "notebooks")
        assert [r.status for r in ingest("../corpus", store).results] == ["unchanged"]
        assert [r.status for r in ingest(repo / "corpus" / "belarus-2022-10-17.en.txt", store).results] == ["unchanged"]
        doc = store.document(first.doc_id)
        assert doc.key == doc.source == "corpus/belarus-2022-10-17.en.txt"
        assert store.resolve("../corpus/belarus-2022-10-17.en.txt") == doc.id  # a path from here finds it
        text = export_jsonl(store, repo / "exports" / "corpus.jsonl").path.read_text("utf-8")
    assert str(repo.parent) not in text and json.loads(text)["key"] == "corpus/belarus-2022-10-17.en.txt"


def test_ingest_after_the_repository_moved_makes_a_new_version_of_the_same_document(repo, tmp_path):
    with open_project(repo / "project", annotator="ana") as store:
        (added,) = ingest(repo / "corpus", store).results
        doc = store.document(added.doc_id)
        start = doc.text.index("Kyiv")
        span = store.add_span(doc.id, start, start + 4, "ACTOR")
    moved = tmp_path / "elsewhere" / "renamed-repo"
    moved.parent.mkdir()
    shutil.move(repo, moved)
    (moved / "corpus" / "belarus-2022-10-17.en.txt").write_text(TEXT + " Warsaw agreed.", "utf-8")
    with open_project(moved / "project") as store:
        (result,) = ingest(moved / "corpus", store).results
        assert (result.status, result.previous_id, result.kept) == ("new_version", added.doc_id, (span.id,))
        assert len(store.documents()) == 1


def test_ingest_outside_the_projects_parent_is_keyed_from_the_named_folder(tmp_path: Path):
    news = tmp_path / "data" / "news" / "2022"
    news.mkdir(parents=True)
    (news / "a.en.txt").write_text(TEXT, "utf-8")
    with open_project(tmp_path / "work" / "project") as store:
        (result,) = ingest(tmp_path / "data" / "news", store).results
        assert store.document(result.doc_id).key == "news/2022/a.en.txt"


def test_read_file_jsonl_default_keys_use_the_portable_name(tmp_path: Path, monkeypatch):
    (tmp_path / "corpus").mkdir()
    path = tmp_path / "corpus" / "batch.jsonl"
    path.write_text(json.dumps({"lang": "en", "text": TEXT}) + "\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    (doc,) = read_file(path.resolve())
    assert (doc.key, doc.source, doc.title) == ("corpus/batch.jsonl:1", "corpus/batch.jsonl:1", "corpus/batch.jsonl:1")


# --- stores written before schema 4 ----------------------------------------------------------------


def _old_store(project: Path, docs: list[tuple[Path | str, str, str | None]]) -> list[str]:
    """A store as annot before schema 4 wrote it, with one link; returns the document ids.

    Each item is (the file ingested, or a JSONL record's text; the key and the source annot wrote then).
    """
    ids = []
    with open_project(project) as store:
        for what, key, source in docs:
            if isinstance(what, Path):
                (doc,) = read_file(what, lang="en")
            else:
                doc = from_text(what, title=key, lang="en")
            doc = replace(doc, key=key, source=source)
            store.add_document(doc, segment(doc))
            ids.append(doc.id)
        spanish = from_text("Minsk dijo que las tropas llegaron el lunes.", title="Es", key="es-1", lang="es")
        store.link(ids[0], store.add_document(spanish, segment(spanish)).doc_id)
    as_older_version(project, 3)
    return ids


def test_migration_4_makes_absolute_keys_inside_the_projects_parent_relative(repo: Path, tmp_path: Path):
    inside = repo / "corpus" / "belarus-2022-10-17.en.txt"
    outside = tmp_path / "loose" / "b.en.txt"
    outside.parent.mkdir()
    outside.write_text(TEXT.replace("Monday", "Friday"), "utf-8")
    jsonl = repo / "corpus" / "batch.jsonl"
    taken = repo / "corpus" / "taken.en.txt"
    taken.write_text(TEXT.replace("Monday", "Thursday"), "utf-8")
    ids = _old_store(repo / "project", [
        (inside, str(inside), "../corpus/belarus-2022-10-17.en.txt"),  # source: as given, from notebooks/
        (outside, str(outside), str(outside)),
        (TEXT.replace("Monday", "Sunday"), f"{jsonl}:3", f"{jsonl}:3"),
        (TEXT.replace("Monday", "Tuesday"), "a1", "https://example.org/a1"),
        (TEXT.replace("Monday", "Wednesday"), "corpus/taken.en.txt", "corpus/taken.en.txt"),
        (taken, str(taken), str(taken)),
    ])  # fmt: skip
    with open_project(repo / "project") as store:
        keys = {doc.id: (doc.key, doc.source) for doc in store.iter_documents()}
        assert keys[ids[0]] == ("corpus/belarus-2022-10-17.en.txt", "corpus/belarus-2022-10-17.en.txt")
        assert keys[ids[1]] == (str(outside), str(outside))  # outside: renamed when ingested again (below)
        assert keys[ids[2]] == ("corpus/batch.jsonl:3", "corpus/batch.jsonl:3")
        assert keys[ids[3]] == ("a1", "https://example.org/a1")
        assert keys[ids[5]][0] == str(taken)  # its new name is another document's key: left alone
        (link,) = store.links()
        assert store.document(link.doc_a).key == "corpus/belarus-2022-10-17.en.txt"  # the link followed its key
        # The file again, from anywhere: the same document.
        assert [r.status for r in ingest(repo / "corpus" / "belarus-2022-10-17.en.txt", store).results] == ["unchanged"]
        outside.write_text(TEXT.replace("Monday", "Saturday"), "utf-8")
        (again,) = ingest(outside.parent, store).results
        assert (again.status, again.previous_id) == ("new_version", ids[1])
        assert store.document(again.doc_id).key == store.document(again.doc_id).source == "loose/b.en.txt"
        assert len(store.documents(all_versions=True)) == len(ids) + 2  # + the Spanish one, + the new version
    conn = sqlite3.connect(repo / "project" / DB_NAME)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    conn.close()


def test_old_absolute_key_outside_is_renamed_when_unchanged_and_the_link_follows(tmp_path: Path):
    loose = tmp_path / "loose" / "a.en.txt"
    loose.parent.mkdir()
    loose.write_text(TEXT, "utf-8")
    project = tmp_path / "work" / "project"
    ids = _old_store(project, [(loose, str(loose), str(loose))])
    with open_project(project) as store:
        (result,) = ingest(loose, store).results
        assert (result.status, result.doc_id) == ("unchanged", ids[0])
        doc = store.document(ids[0])
        assert doc.key == doc.source == "a.en.txt"
        (link,) = store.links()
        assert link.doc_a == ids[0]
        text = export_jsonl(store, tmp_path / "x.jsonl").path.read_text("utf-8")
    assert str(tmp_path) not in text and str(tmp_path.resolve()) not in text
