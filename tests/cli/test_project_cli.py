"""``annot project`` on the gold project (the seed's gold spans, its frozen translations, its Spanish version)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from annot import open_project
from annot.project.fidelity import FIDELITY_KINDS
from annot.store.projections import PROJECTION_COLUMNS
from tests.cli.test_cli import run
from tests.project.conftest import build_gold_project

SEED = "belarus-russian-grouping-2022-10-17-b0b43c2b44fa"
SPANISH = "belarus-agrupacion-rusa-2022-10-17-dd6d001dc527"
ROUTES_ES = ("apertium en>es", "argos+apertium en>pt>es", "bergamot+apertium en>pt>es")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    store, seed, spanish = build_gold_project(tmp_path / "p")
    assert (seed, spanish) == (SEED, SPANISH)
    store.close()
    return tmp_path / "p"


def _lines(output: str) -> dict[str, str]:
    """The summary's lines by target: ``apertium en>es`` -> ``41 kept, ...``."""
    return dict(line.split(": ", 1) for line in output.splitlines() if re.match(r"^[\w+:-]+( \w+>[\w>]+)?: \d", line))


def test_project_cli_prints_each_target_writes_the_csv_and_offers_spans(project: Path, tmp_path: Path):
    out = tmp_path / "out" / "seed.es.csv"
    result = run(project, "project", "belarus-russian", "--to", "es", "--lexicon", "cached", "--out", str(out))
    text = result.output
    lines = _lines(text)
    assert set(lines) == {*ROUTES_ES, f"reference:{SPANISH}"}, text
    for route in ROUTES_ES:
        flags = ", ".join(rf"\d+ {kind}" for kind in FIDELITY_KINDS)
        assert re.fullmatch(rf"\d+ kept, \d+ changed, \d+ lost, \d+ added; flags: {flags}", lines[route]), lines[route]
    assert re.fullmatch(r"\d+ kept, \d+ changed, \d+ lost, \d+ added", lines[f"reference:{SPANISH}"])
    assert text.splitlines()[0].startswith(f"{SEED} into es: ") and ", 4 targets" in text.splitlines()[0]
    assert re.search(rf"{SEED} into es: recomputed, \d+ rows; suggestions in linked versions: [1-9]\d* added", text)
    assert text.splitlines()[-1] == f"Wrote {out}"
    frame = pd.read_csv(out, encoding="utf-8")
    assert list(frame.columns) == list(PROJECTION_COLUMNS)
    assert set(frame["target"]) == set(lines) and set(frame["status"]) <= {"kept", "changed", "lost", "added"}
    for target, line in lines.items():
        kept = int(line.split(" kept")[0])
        assert (frame[frame["target"] == target]["status"] == "kept").sum() == kept, target
    with open_project(project) as store:
        offered = store.spans(SPANISH, origin="projected")
        assert len(offered) == frame["target_span_id"].notna().sum() > 0
        assert set(offered["status"]) == {"pending"} and set(offered["annotator"]) == {"projection"}
        assert len(store.projections(SEED, "es")) == int(text.split(" rows, ")[0].split(": ")[-1])
    # Again: nothing recomputed, nothing written in the Spanish version, the same CSV.
    before = out.read_bytes()
    again = run(project, "project", "belarus-russian", "--to", "es", "--lexicon", "cached", "--out", str(out))
    assert re.search(rf"{SEED} into es: up to date, \d+ rows; suggestions in linked versions: 0 added, 0 updated,"
                     r" 0 removed", again.output)  # fmt: skip
    assert out.read_bytes() == before


def test_project_cli_one_route_without_references(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    result = run(project, "project", "belarus-russian", "--to", "pt", "-e", "argos", "--no-references",
                 "--lexicon", "off")  # fmt: skip
    assert list(_lines(result.output)) == ["argos en>pt"]
    assert "suggestions in linked versions" not in result.output
    default = Path("exports") / f"{SEED}.projection.pt.csv"
    assert result.output.splitlines()[-1] == f"Wrote {default}"
    frame = pd.read_csv(tmp_path / default, encoding="utf-8")
    assert set(frame["target"]) == {"argos en>pt"} and frame["target_span_id"].isna().all()
    with open_project(project) as store:
        assert store.spans(SPANISH, origin="projected").empty
        # The stored projection covers every route into Portuguese; the command shows the one asked for.
        assert len(set(store.projections(SEED, "pt")["target"].astype(str))) == 3


@pytest.mark.slow
def test_project_cli_fills_the_word_translations_by_default(project: Path, tmp_path: Path):
    out = tmp_path / "es.csv"
    result = run(project, "project", "belarus-russian", "--to", "es", "-e", "apertium", "--out", str(out))
    assert list(_lines(result.output)) == ["apertium en>es", f"reference:{SPANISH}"]
    with open_project(project) as store:
        # Each route translated the document's words for the aligner, cached under its signature.
        signature = store.get_translations(SEED, target="es")[0].signature
        assert store.cached_text_translations(["soldiers"], signature)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuchdoc", "--to", "es"], "error: No document 'nosuchdoc'"),
        (
            ["belarus-russian", "--to", "fr"],
            f"error: Nothing to project {SEED} into 'fr': no translation into 'fr' is stored and no version in 'fr'"
            f" is linked to it. Translate it first: annot translate {SEED} --to fr; or link its version in 'fr':"
            f" annot link {SEED} OTHER",
        ),
        (
            ["belarus-russian", "--to", "es", "-e", "deepl"],
            f"error: No translation of {SEED} into 'es' by deepl is stored (stored routes: apertium, argos+apertium,"
            " bergamot+apertium).",
        ),
        (["belarus-russian", "--to", "en"], f"error: {SEED} is in 'en' already; project it into another language"),
        (["belarus-russian", "--to", "es", "--lexicon", "words"], "error: Unknown lexicon mode 'words'"),
    ],
    ids=["document", "language", "engine", "same-language", "lexicon"],
)
def test_project_cli_bad_input_is_one_line(project: Path, args: list[str], message: str):
    result = run(project, "project", *args, code=2)
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith(message), result.output
    with open_project(project) as store:
        assert store.projections().empty and store.spans(SPANISH).empty


def _table(output: str) -> dict[str, list[str]]:
    """The several-documents table's rows by document: targets, kept, changed, lost, added, projection."""
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["document", "targets"])
    rows = {}
    for line in lines[header + 1 :]:
        if " into " in line and line[0].isdigit():
            break
        doc, *cells = line.split()
        rows[doc] = [*cells[:5], " ".join(cells[5:])]
    return rows


def test_project_cli_every_document_with_something_to_project(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    result = run(project, "project", "--to", "pt", "--lexicon", "cached", "--no-references")
    rows = _table(result.output)
    # The seed has three routes into Portuguese; the Spanish version has no translation into it, and says so.
    assert rows[SEED][0] == "3" and rows[SEED][-1] == "recomputed", result.output
    assert rows[SPANISH][:5] == ["-"] * 5 and rows[SPANISH][-1] == "nothing to project: no translation into 'pt'"
    assert result.output.splitlines()[-2].startswith("1 document into pt: 1 recomputed, 0 up to date, 1 with nothing")
    default = Path("exports") / "projection.pt.csv"
    assert result.output.splitlines()[-1] == f"Wrote {default}"
    frame = pd.read_csv(default, encoding="utf-8")
    assert list(frame.columns) == ["doc_id", *PROJECTION_COLUMNS] and set(frame["doc_id"]) == {SEED}
    counts = frame["status"].value_counts()
    assert [str(counts.get(s, 0)) for s in ("kept", "changed", "lost", "added")] == rows[SEED][1:5]
    with open_project(project) as store:
        assert len(store.projections(SEED, "pt")) == len(frame)  # the three routes, all asked for
    # A document named twice is projected once; into Spanish, with its linked version.
    again = run(project, "project", SEED, SEED[:16], "--to", "es", "--lexicon", "cached", "-o", "both.csv")
    assert list(_table(again.output)) == [SEED] and _table(again.output)[SEED][:1] == ["4"]
    assert set(pd.read_csv(tmp_path / "both.csv")["doc_id"]) == {SEED}
    # Again: up to date.
    assert _table(run(project, "project", "--to", "pt", "--lexicon", "cached").output)[SEED][-1] == "up to date"


def test_project_cli_documents_named_that_cannot_be_projected_is_one_line(project: Path):
    result = run(project, "project", SEED, SPANISH, "--to", "pt", code=2)
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert result.output.startswith(f"error: Nothing to project {SPANISH} into 'pt': no translation into 'pt'")
    with open_project(project) as store:
        assert store.projections().empty  # nothing projected, not even the seed
