"""Import is all or nothing: a bad line leaves the store byte for byte as it was; --partial keeps the good documents."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from annot.errors import FormatError
from annot.export import export_jsonl, import_jsonl
from annot.ingest import from_text
from annot.pipeline import open_project
from annot.segment import segment

runner = CliRunner()
N = 18


def _fill(project: Path, first: int, count: int) -> None:
    """``count`` small English documents (keys k<first>...), the first with an ACTOR span."""
    with open_project(project, annotator="tester") as store:
        for n in range(first, first + count):
            text = f"Document {n} says that troops moved. Minsk said so."
            doc = from_text(text, title=f"Doc {n}", key=f"k{n}", lang="en")
            store.add_document(doc, segment(doc))
            if n == first:
                start = doc.text.index("Minsk")
                store.add_span(doc.id, start, start + 5, "ACTOR", {"canonical": "Belarus"})


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The lines of an 18-document export, in both units."""
    folder = tmp_path_factory.mktemp("source")
    _fill(folder / "project", 0, N)
    with open_project(folder / "project") as store:
        return {
            unit: export_jsonl(store, folder / f"{unit}.jsonl", unit=unit).path.read_text("utf-8").splitlines(True)
            for unit in ("document", "sentence")
        }


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """A project that already holds two other documents."""
    project = tmp_path / "target"
    _fill(project, 100, 2)
    return project


def _hashes(project: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(project.iterdir())}


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(lines), "utf-8")
    return path


def _break(lines: list[str], *numbers: int, how: str = "json") -> list[str]:
    out = list(lines)
    for number in numbers:
        line = out[number - 1]
        out[number - 1] = {"json": line[:60] + "\n", "cut": line[: len(line) // 2]}[how]
    return out


def _keys(project: Path) -> list[str]:
    with open_project(project) as store:
        return sorted(store.documents()["key"])


CASES = {  # name: (unit, broken lines, how, bad line named in the error)
    "line 6 of 18": ("document", (6,), "json", 6),
    "line 10 of 18": ("document", (10,), "json", 10),
    "cut last line": ("document", (N,), "cut", N),
    "a sentence line": ("sentence", (9,), "json", 9),
}


@pytest.mark.parametrize("case", CASES)
def test_import_with_a_bad_line_leaves_the_store_byte_identical(exports, target, tmp_path, case):
    unit, numbers, how, named = CASES[case]
    path = _write(tmp_path, _break(exports[unit], *numbers, how=how))
    before = _hashes(target)  # the store is closed: every byte of the folder
    result = runner.invoke(app, ["--project", str(target), "import", str(path)])
    assert result.exit_code == 2, result.output
    assert _hashes(target) == before
    assert _keys(target) == ["k100", "k101"]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:{named}: invalid JSON"), result.stderr
    assert "Nothing was imported" in lines[0] and "annot import --partial" in lines[0]


def test_import_refused_by_the_store_part_way_writes_nothing(exports, target, tmp_path):
    # Line 12 holds a STANCE whose holder is a span neither in the file nor in the store: only the
    # store can tell, once the 11 documents before it are written, in the same transaction.
    records = [json.loads(line) for line in exports["document"]]
    text = records[11]["text"]
    end = text.index(".") + 1
    attrs = {"holder_span": "sp-00000000000dead0", "polarity": "opposes", "evidence": "asserted"}
    stance = {**records[0]["spans"][0], "id": "sp-000000000000beef", "label": "STANCE", "start": 0, "end": end,
              "text": text[:end], "attrs": attrs}  # fmt: skip
    records[11]["spans"] = [stance]
    path = _write(tmp_path, [json.dumps(r, ensure_ascii=False) + "\n" for r in records])
    before = _hashes(target)
    with open_project(target) as store, pytest.raises(FormatError) as info:
        import_jsonl(store, path)
    assert str(info.value).startswith(f"{path}:12: span sp-000000000000beef: STANCE.holder_span")
    assert "Nothing was imported" in str(info.value) and type(info.value.__cause__).__name__ == "SpanError"
    assert _hashes(target) == before
    with open_project(target) as store:
        result = import_jsonl(store, path, partial=True)
    assert [str(e).split(": ")[0] for e in result.errors] == [f"{path}:12"]
    assert (result.documents_added, len(_keys(target))) == (N - 1, N - 1 + 2)


def test_import_partial_keeps_the_good_documents_and_lists_each_bad_line(exports, target, tmp_path):
    path = _write(tmp_path, _break(exports["document"], 6, 10))
    result = runner.invoke(app, ["--project", str(target), "import", "--partial", str(path)])
    assert result.exit_code == 1, result.output
    refused = [line for line in result.stderr.splitlines() if line.strip()]
    assert [line.split(": ")[1] for line in refused] == [f"{path}:6", f"{path}:10"]
    assert all(line.startswith("refused: ") and "invalid JSON" in line for line in refused)
    assert f"Imported {path}: 16 documents added, 0 unchanged, 1 spans written, 2 lines refused" in result.stdout
    assert _keys(target) == sorted([f"k{n}" for n in range(N) if n not in (5, 9)] + ["k100", "k101"])
    # The good lines again: nothing changes, nothing is refused twice.
    again = runner.invoke(app, ["--project", str(target), "import", "--partial", str(path)])
    assert again.exit_code == 1 and "0 documents added, 16 unchanged, 0 spans written, 2 lines refused" in again.stdout


def _doc_lines(lines: list[str]) -> dict[str, list[int]]:
    """Document id -> its line numbers (1-based) in a sentence-unit export."""
    out: dict[str, list[int]] = {}
    for number, line in enumerate(lines, 1):
        record = json.loads(line)
        out.setdefault(record["id"] if record["type"] == "document" else record["doc_id"], []).append(number)
    return out


def test_import_partial_sentence_unit_refuses_only_the_document_of_the_bad_line(exports, target, tmp_path):
    lines = exports["sentence"]
    docs = _doc_lines(lines)
    ids = list(docs)
    bad_sentence = docs[ids[2]][1]  # a sentence line of the third document
    bad_header = docs[ids[5]][0]  # the header of the sixth: its sentence lines follow without it
    path = _write(tmp_path, _break(_break(lines, bad_sentence, bad_header), len(lines), how="cut"))
    with open_project(target) as store:
        result = import_jsonl(store, path, partial=True)
        kept = set(store.documents()["id"])
    bad = (bad_sentence, bad_header, len(lines))
    assert [str(e).split(": ")[0] for e in result.errors] == [f"{path}:{n}" for n in bad]
    assert f"Document {ids[2]} (line {docs[ids[2]][0]}) is refused with it." in str(result.errors[0])
    assert f"Document {ids[-1]} (line {docs[ids[-1]][0]}) is refused with it." in str(result.errors[2])
    assert kept & set(ids) == set(ids) - {ids[2], ids[5], ids[-1]}  # the fifth, before the bad header, is in
    assert result.documents_added == N - 3


def test_import_partial_api_result_lists_errors_in_line_order(exports, target, tmp_path):
    path = _write(tmp_path, _break(exports["document"], 3, 4, 15))
    with open_project(target) as store:
        result = import_jsonl(store, path, partial=True)
    assert [type(e) for e in result.errors] == [FormatError] * 3
    assert [str(e).split(": ")[0] for e in result.errors] == [f"{path}:{n}" for n in (3, 4, 15)]
    assert (result.documents_added, result.documents_unchanged) == (N - 3, 0)


def test_import_default_error_counts_the_other_bad_lines(exports, target, tmp_path):
    path = _write(tmp_path, _break(exports["document"], 3, 4, 15))
    with open_project(target) as store, pytest.raises(FormatError) as info:
        import_jsonl(store, path)
    message = str(info.value)
    assert message.startswith(f"{path}:3: invalid JSON") and "2 more lines are bad: 4, 15." in message
    assert "\n" not in message
