"""Lone UTF-16 surrogates (``"\\ud800"`` in JSON, a file name that is not UTF-8) are refused by name, never crash.

They are not Unicode text, have no UTF-8 form, and SQLite cannot store them.
Every entry point is covered: ingest, import, the store's API; the store guards
the one place all values pass through on their way into SQLite.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from annot.errors import CorpusError, SpanError, StoreError
from annot.export import export_jsonl, import_jsonl
from annot.ingest import read_file
from annot.model import Document, Translation, lone_surrogate
from annot.pipeline import ingest, open_project
from tests.store.conftest import dump, make_doc

runner = CliRunner()
GOOD = "Minsk said that the troops arrived on Monday. Kyiv called it a threat."


def _hashes(project: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(project.iterdir())}


def test_lone_surrogate_names_the_field_and_allows_pairs():
    assert lone_surrogate({"attrs": {"canonical": "X\ud800"}}) == (
        "attrs.canonical holds a lone UTF-16 surrogate U+D800 at character 2 of 'X\\ud800'"
    )
    assert lone_surrogate(["ok", {"b": "\udfff"}], "spans") == (
        "spans[1].b holds a lone UTF-16 surrogate U+DFFF at character 1 of '\\udfff'"
    )
    assert lone_surrogate(json.loads('"\\ud83d\\ude00 a pair is an emoji"')) is None
    assert lone_surrogate({"n": 1, "t": None, "s": "plain"}) is None


def test_ingest_jsonl_refuses_the_line_and_keeps_the_rest(tmp_path: Path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a", "lang": "en", "text": GOOD}),
        '{"id": "b", "lang": "en", "text": "Minsk said \\ud800 troops arrived."}',
        json.dumps({"id": "c", "lang": "en", "text": GOOD.replace("Monday", "Tuesday")}),
        '{"id": "d", "lang": "en", "title": "Bad \\udc00 title", "text": "' + GOOD + '"}',
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    project = tmp_path / "project"
    result = runner.invoke(app, ["--project", str(project), "ingest", str(path)])
    assert result.exit_code == 1, result.output
    refused = [line for line in result.stderr.splitlines() if line.strip()]
    assert refused == [
        f"refused: {path}:2: its text holds a lone UTF-16 surrogate U+D800 at character 12 of"
        " 'Minsk said \\ud800 troops arrived.', which is not Unicode text and cannot be stored;"
        " fix the \\udXXXX escape in the file (or rename a file whose name is not UTF-8)",
        f"refused: {path}:4: its title holds a lone UTF-16 surrogate U+DC00 at character 5 of 'Bad \\udc00 title',"
        " which is not Unicode text and cannot be stored; fix the \\udXXXX escape in the file"
        " (or rename a file whose name is not UTF-8)",
    ]
    assert "2 added, 0 unchanged, 0 new versions, 2 refused" in result.stdout
    with open_project(project) as store:
        assert sorted(store.documents()["key"]) == ["a", "c"]


def test_ingest_file_whose_name_is_not_utf8_is_refused_and_the_rest_goes_in(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.en.txt").write_text(GOOD, "utf-8")
    bad = folder / "bad-\udcff.en.txt"  # how Python names a file whose name holds the byte 0xff
    bad.write_text(GOOD.replace("Kyiv", "Warsaw"), "utf-8")
    with open_project(tmp_path / "project") as store:
        report = ingest(folder, store)
    assert [doc.key for doc in report.documents] == ["corpus/good.en.txt"]
    (error,) = report.errors
    assert str(error).startswith(f"{bad}: the file name is not UTF-8 (its name holds a lone UTF-16 surrogate U+DCFF")
    assert str(error).endswith("rename the file")


@pytest.fixture
def exported(tmp_path: Path) -> list[dict]:
    with open_project(tmp_path / "source", annotator="t") as store:
        for n, text in enumerate([GOOD, GOOD.replace("Monday", "Friday"), GOOD.replace("Kyiv", "Vilnius")]):
            store.add_document(*make_doc(text, f"Doc {n}", key=f"k{n}"))
        doc = store.document("k1")
        start = doc.text.index("Minsk")
        store.add_span(doc.id, start, start + 5, "ACTOR", {"canonical": "Belarus"})
        path = export_jsonl(store, tmp_path / "good.jsonl").path
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_import_span_attribute_with_a_lone_surrogate_refuses_the_file_naming_the_line(exported, tmp_path):
    exported[1]["spans"][0]["attrs"]["canonical"] = "X\ud800"
    path = tmp_path / "bad.jsonl"
    # A JSON writer can only write the lone surrogate as the \ud800 escape.
    path.write_text("".join(json.dumps(r) + "\n" for r in exported), "utf-8")
    assert "\\ud800" in path.read_text("utf-8")
    project = tmp_path / "project"
    open_project(project).close()
    before = _hashes(project)
    result = runner.invoke(app, ["--project", str(project), "import", str(path)])
    assert result.exit_code == 2, result.output
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith(
        f"error: {path}:2: field spans[0].attrs.canonical holds a lone UTF-16 surrogate U+D800 at character 2 of"
        " 'X\\ud800', which is not Unicode text and cannot be stored; fix the \\udXXXX escape in the file."
    ), line
    assert "Nothing was imported" in line and "Traceback" not in result.stderr
    assert _hashes(project) == before
    partial = runner.invoke(app, ["--project", str(project), "import", "--partial", str(path)])
    assert partial.exit_code == 1 and "2 documents added" in partial.stdout, partial.output
    assert f"refused: {path}:2: field spans[0].attrs.canonical" in partial.stderr


def test_add_span_with_a_lone_surrogate_is_a_span_error_naming_the_attribute(tmp_path: Path):
    with open_project(tmp_path / "p", annotator="ana") as store:
        doc, sentences = make_doc(GOOD, "Grouping")
        store.add_document(doc, sentences)
        before = dump(store.path)
        with pytest.raises(SpanError) as info:
            store.add_span(doc.id, 0, 5, "ACTOR", {"canonical": "\ud800"})
        message = str(info.value)
        assert message.startswith("Span sp-")
        assert f" in {doc.id}: ACTOR.canonical holds a lone UTF-16 surrogate" in message
        assert "U+D800 at character 1 of '\\ud800', which is not Unicode text and cannot be stored" in message
        with pytest.raises(SpanError, match=r"the annotator name holds a lone UTF-16 surrogate U\+DC80"):
            store.add_span(doc.id, 0, 5, "ACTOR", annotator="ana\udc80")
        assert dump(store.path) == before
        span = store.add_span(doc.id, 0, 5, "ACTOR")
        with pytest.raises(SpanError, match=r"ACTOR.canonical holds a lone UTF-16 surrogate"):
            store.update_span(span.id, attrs={"canonical": "Bel\udb00arus"})
        assert store.get_span(span.id).attrs == {}


def _store_calls(store, doc: Document):
    """Values from other entry points that reach SQLite: the store's guard refuses each."""
    bad = "\ud800"
    spanish = make_doc("Rusia movió tropas.", "Es", lang="es")
    return {
        "document title": lambda: store.add_document(*make_doc(GOOD + " More.", "T" + bad)),
        "delete by annotator": lambda: store.delete_span(store.add_span(doc.id, 0, 5, "ACTOR").id, annotator=bad),
        "engine output": lambda: store.add_translations(
            [Translation(doc.id, 0, "fake", "m", "1", "en", "pt", "en>pt", "fake|m-1|en-pt", "texto " + bad)]
        ),
        "round trip text": lambda: store.add_text_translations(
            [("Hola.", bad)], signature="fake|m-1|es-en", engine="fake", source="es", target="en"
        ),
        "lookup": lambda: store.document(bad),
        "link kind": lambda: store.link(doc.id, store.add_document(*spanish).doc_id, bad),
    }


@pytest.mark.parametrize(
    "call", ["document title", "delete by annotator", "engine output", "round trip text", "lookup", "link kind"]
)
def test_store_refuses_lone_surrogates_from_every_entry_point_and_changes_nothing(tmp_path: Path, call: str):
    with open_project(tmp_path / "p", annotator="ana") as store:
        doc, sentences = make_doc(GOOD, "Grouping")
        store.add_document(doc, sentences)
        calls = _store_calls(store, doc)
        with pytest.raises((StoreError, CorpusError, SpanError)) as info:
            calls[call]()
        message = str(info.value)
        assert "holds a lone UTF-16 surrogate U+D800" in message and "\n" not in message
        assert "nothing was changed" in message or "cannot be stored" in message
        assert not store._db.conn.in_transaction
        store.add_span(doc.id, 0, 5, "ACTOR")  # the store still works


def test_read_file_jsonl_with_lone_surrogate_is_a_corpus_error_item(tmp_path: Path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"lang": "en", "text": "A \\udfff."}\n' + json.dumps({"lang": "en", "text": GOOD}) + "\n", "utf-8")
    first, second = read_file(path)
    assert isinstance(first, CorpusError) and str(first).startswith(f"{path}:1: its text holds a lone")
    assert isinstance(second, Document)


def test_import_reads_valid_surrogate_pairs(exported, tmp_path):
    exported[1]["spans"][0]["attrs"]["canonical"] = "Belarus \U0001f1e7\U0001f1fe"
    path = tmp_path / "pair.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in exported), "utf-8")  # ASCII: \ud83c\udde7 escapes
    assert "\\ud83c" in path.read_text("utf-8")
    with open_project(tmp_path / "p") as store:
        assert import_jsonl(store, path).documents_added == 3
        assert store.get_span(exported[1]["spans"][0]["id"]).attrs["canonical"] == "Belarus \U0001f1e7\U0001f1fe"
