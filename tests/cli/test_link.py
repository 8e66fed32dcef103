"""``annot link`` and ``annot alignment`` on the seed article and its Spanish version, through Apertium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from annot.cli.alignment_cmd import parse_edit
from annot.errors import AlignmentError

ROOT = Path(__file__).resolve().parents[2]
SEED_EN = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
SEED_ES = ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"
runner = CliRunner()


def run(project: Path, *args: str, code: int = 0):
    result = runner.invoke(app, ["--project", str(project), "--annotator", "cli", *args])
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    return result


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in (SEED_EN, SEED_ES):
        shutil.copy(path, corpus / path.name)
    run(tmp_path / "p", "ingest", str(corpus))
    return tmp_path / "p"


def test_cli_link_aligns_and_names_the_beads_to_review(project):
    out = run(project, "link", "belarus-russian", "belarus-agrupacion").output
    assert "Linked belarus-russian-grouping-2022-10-17-b0b43c2b44fa (A) and belarus-agrupacion" in out
    assert "13 beads: 11 1-1, 1 1-2, 1 2-1, 0 2-2; unaligned 0 A, 0 B; mean chrF" in out and "(apertium es>en)" in out
    review = out.split("Lowest-scoring beads", 1)[1].splitlines()[1:]
    assert len(review) == 5 and review[0].split()[0] == "0=0"
    assert "The deployment of up to" in review[0] and "El despliegue de hasta" in review[0]


def test_cli_alignment_shows_edits_and_unlinks(project):
    run(project, "link", "belarus-russian", "belarus-agrupacion")
    shown = run(project, "alignment", "belarus-russian", "belarus-agrupacion").output
    assert "A: belarus-russian-grouping-2022-10-17-b0b43c2b44fa (en, 14 sentences)" in shown
    assert shown.splitlines()[2] == "scores: chrF against apertium es>en"
    assert shown.splitlines()[3].split()[:3] == ["A=B", "chrF", "origin"]
    rows = [line.split() for line in shown.splitlines()[4:-1]]
    assert [row[0] for row in rows] == ["0=0", "1=1", "2=2", "3=3", "4=4", "5=5", "6=6-7", "7=8", "8=9", "9=10",
                                        "10=11", "11-12=12", "13=13"]  # fmt: skip
    assert rows[8][:5] == ["8=9", "62.8", "auto", "Alleged", "Ukrainian"]
    assert "13 beads, 0 manual; unaligned 0 A, 0 B" in shown
    edits = ["--set", "7=", "--set", "11,12=12"]
    edited = run(project, "alignment", "belarus-russian", "belarus-agrupacion", *edits).output
    rows = {line.split()[0]: line.split() for line in edited.splitlines()[4:-1]}
    assert rows["7="][1:3] == ["-", "manual"] and rows["=8"][1:3] == ["-", "auto"]
    assert rows["11-12=12"][1:3] == ["54.5", "manual"]  # confirmed: keeps its score
    assert edited.splitlines()[2] == "scores: chrF against apertium es>en"  # an edit keeps the measure
    assert "14 beads, 2 manual; unaligned 1 A, 1 B" in edited
    # Seen from the Spanish side, the same beads swapped.
    assert "12=11-12" in run(project, "alignment", "belarus-agrupacion", "belarus-russian").output
    assert "Unlinked" in run(project, "alignment", "belarus-russian", "belarus-agrupacion", "--unlink").output
    gone = run(project, "alignment", "belarus-russian", "belarus-agrupacion", code=2)
    assert "are not linked; align them with: annot link" in error_line(gone)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["link", "belarus-russian", "belarus-russian"], "to itself"),
        (["link", "belarus-russian", "nope"], "No document 'nope'"),
        (["link", "belarus-russian", "belarus-agrupacion", "-e", "argos+bergamot"], "argos cannot translate es->en"),
        (["alignment", "belarus-russian", "belarus-agrupacion"], "are not linked; align them with: annot link"),
        (["alignment", "belarus-russian", "belarus-agrupacion", "--set", "1=1"], "are not linked; link them first"),
        (["alignment", "belarus-russian", "belarus-agrupacion", "--unlink"], "nothing to unlink"),
    ],
)
def test_cli_link_and_alignment_errors_are_one_line_with_exit_code_2(project, args, needle):
    assert needle in error_line(run(project, *args, code=2))


def test_cli_alignment_refuses_bad_edits(project):
    run(project, "link", "belarus-russian", "belarus-agrupacion")
    for edit, needle in (("x", "is not an edit"), ("1,3=2", "are not consecutive"), ("20=1", "out of range")):
        result = run(project, "alignment", "belarus-russian", "belarus-agrupacion", "--set", edit, code=2)
        assert needle in error_line(result)


def test_cli_alignment_of_a_new_version_asks_to_align_again(project):
    run(project, "link", "belarus-russian", "belarus-agrupacion")
    en = project.parent / "corpus" / SEED_EN.name
    en.write_text("Breaking news. " + en.read_text("utf-8"), "utf-8")
    assert "1 new versions" in run(project, "ingest", str(en)).output
    stale = error_line(run(project, "alignment", "belarus-russian", "belarus-agrupacion", code=2))
    assert "are not aligned (the stored alignment is of older versions); align them with: annot link" in stale
    run(project, "link", "belarus-russian", "belarus-agrupacion")
    assert "0=" in run(project, "alignment", "belarus-russian", "belarus-agrupacion").output.split()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11,12=12", ([11, 12], [12])),
        ("11-12=12", ([11, 12], [12])),
        (" 7 = ", ([7], [])),
        ("=5", ([], [5])),
        ("1, 2-3=4-5", ([1, 2, 3], [4, 5])),
    ],
)
def test_cli_alignment_parses_edits(text, expected):
    assert parse_edit(text) == expected


@pytest.mark.parametrize("text", ["", "=", "1=2=3", "a=1", "1;2=3", "1,=2", "-1=2"])
def test_cli_alignment_refuses_what_is_not_an_edit(text):
    with pytest.raises(AlignmentError, match="--set"):
        parse_edit(text)


def test_cli_link_is_a_reference_until_marked_as_a_human_translation(project, tmp_path: Path):
    import json

    from annot import open_project

    assert "(B), a reference" in run(project, "link", "belarus-russian", "belarus-agrupacion").output
    assert "(B), a human translation" in run(project, "link", "belarus-russian", "belarus-agrupacion",
                                             "--human").output  # fmt: skip
    # Linking again without saying keeps what the link says.
    assert "(B), a human translation" in run(project, "link", "belarus-russian", "belarus-agrupacion").output
    report = tmp_path / "cmp.html"
    out = run(project, "compare", "belarus-russian", "--to", "es", "--engine", "apertium", "--no-round-trip",
              "--out", str(report)).output  # fmt: skip
    assert "human translation belarus-agrupacion" in out
    assert "human translation</" in report.read_text("utf-8")  # the report's header names it so
    # Exported and imported with the link.
    export = tmp_path / "corpus.jsonl"
    run(project, "export", "--out", str(export))
    links = [link for line in export.read_text("utf-8").splitlines() for link in json.loads(line).get("links", [])]
    assert {link["kind"] for link in links} == {"human_translation"}
    run(tmp_path / "copy", "import", str(export))
    with open_project(tmp_path / "copy", create=False) as store:
        assert [link.human for link in store.links()] == [True]
    assert "(B), a reference" in run(project, "link", "belarus-russian", "belarus-agrupacion",
                                     "--not-human").output  # fmt: skip
    out = run(project, "compare", "belarus-russian", "--to", "es", "--engine", "apertium", "--no-round-trip",
              "--out", str(report)).output  # fmt: skip
    assert "reference belarus-agrupacion" in out and "human translation" not in report.read_text("utf-8")


def test_cli_link_no_mt_aligns_the_spanish_version_on_anchors_without_translating(project):
    from annot import open_project

    out = run(project, "link", "belarus-russian", "belarus-agrupacion", "--no-mt").output
    assert "mean anchor agreement" in out and "aligned without MT (as asked)" in out and "chrF" not in out
    shown = run(project, "alignment", "belarus-russian", "belarus-agrupacion").output
    assert shown.splitlines()[2] == "scores: anchor agreement (no MT)" and "chrF" not in shown
    assert shown.splitlines()[3].split()[:3] == ["A=B", "agreement", "origin"]
    rows = [line.split()[0] for line in shown.splitlines()[4:-1]]
    # The beads MT finds (test above), from numbers, names, quotations and lengths alone.
    assert rows == ["0=0", "1=1", "2=2", "3=3", "4=4", "5=5", "6=6-7", "7=8", "8=9", "9=10", "10=11", "11-12=12",
                    "13=13"]  # fmt: skip
    with open_project(project, create=False) as store:
        assert not store.get_translations(store.document("belarus-agrupacion").id, target="en")


def test_cli_link_refuses_an_engine_with_no_mt_and_changes_nothing(project):
    from annot import open_project

    result = run(project, "link", "belarus-russian", "belarus-agrupacion", "--no-mt", "-e", "apertium", code=2)
    assert "drop one of --engine and --no-mt" in error_line(result)
    with open_project(project, create=False) as store:
        assert not store.links(store.document("belarus-russian").id)
