"""Routes on the command line: a named engine pivots through a helper, every printed route name is accepted back."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import annot
from annot.cli import app
from annot.translate import reachable, registry

ROOT = Path(__file__).resolve().parents[2]
SEED_EN = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
SEED_ES = ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"
runner = CliRunner()
# What annot translate prints per document and route: "<doc id>: <route name> <path>: 14 translated, ..."
RUN_LINE = re.compile(
    r"^(\S+): (\S+) ([a-z]{2}(?:>[a-z]{2})+): (\d+) translated, (\d+) from cache, (\d+) already there"
)


def run(project: Path, *args: str, code: int = 0):
    result = runner.invoke(app, ["--project", str(project), *args])
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    return result


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output, result.stderr
    return lines[0]


def printed_runs(output: str) -> list[tuple[str, ...]]:
    """(doc id, route name, path, translated, cached, kept) of each run annot translate printed."""
    return [m.groups() for line in output.splitlines() if (m := RUN_LINE.match(line))]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    registry.get_engine.cache_clear()
    project = tmp_path_factory.mktemp("routes") / "project"
    run(project, "ingest", str(SEED_EN), str(SEED_ES))
    return project


def test_cli_translate_named_engine_pivots_through_a_helper_with_its_hops_recorded(project: Path):
    out = run(project, "translate", "belarus-agrupacion", "--to", "en", "--engine", "argos").output
    ((doc_id, name, path, translated, _, _),) = printed_runs(out)
    assert (name, path, int(translated)) == ("argos+apertium", "es>pt>en", 14)
    with annot.open_project(project) as store:
        rows = store.translations(doc_id, target="en")
    assert set(rows["engine"]) == {"argos+apertium"} and set(rows["route"]) == {"es>pt>en"} and len(rows) == 14
    signature = rows["signature"].iloc[0]
    assert signature.startswith("pivot(apertium|es-pt-") and "> argos|translate-pt_en-" in signature
    assert rows["model"].iloc[0] == "es-pt>translate-pt_en"

    refused = run(project, "translate", "belarus-agrupacion", "--to", "en", "--engine", "argos", "--no-pivot", code=2)
    line = error_line(refused)
    assert line.startswith("error: argos cannot translate es->en directly, and pivots are off")
    assert "argos has: en->pt, pt->en" in line and "annot models install" in line


def test_cli_translate_to_a_language_nothing_reaches_exits_2_with_what_is_reachable(project: Path):
    both = error_line(run(project, "translate", "--to", "xx", code=2))
    assert both.startswith("error: No installed engine translates en->xx or es->xx.")
    # What each language reaches depends on the Apertium pairs installed (scripts/apt-packages.txt).
    from_en, from_es = (", ".join(reachable(lang)) for lang in ("en", "es"))
    assert {"ca", "es", "gl", "pt", "it", "hr"} <= set(reachable("en")) and "pt" in reachable("es")
    assert f"Reachable from en: {from_en}; from es: {from_es}." in both
    one = error_line(run(project, "translate", "belarus-russian", "--to", "xx", code=2))
    assert f"translates en->xx. Reachable from en: {from_en}." in one
    # Some engines can, others not: what can be is translated, the rest reported, exit 0. Argos (en<->pt)
    # reaches no Italian from Spanish in three hops; Apertium has the pair.
    partial = run(project, "translate", "belarus-agrupacion", "--to", "it")
    assert [(name, path) for _, name, path, *_ in printed_runs(partial.output)] == [("apertium", "es>it")]
    assert "skipped argos: argos cannot translate es->it" in partial.stderr


COVERAGE = {
    "minsk.es.txt": "Rusia enviará tanques a Bielorrusia. Minsk dice que es defensivo.",
    "minsk.sk.txt": "Bieloruský prezident oznámil príchod ruských vojakov. Ide vraj o obranné opatrenie.",
    "minsk.ru.txt": "Минобороны Беларуси сообщило о прибытии российских военных. Это второй эшелон.",
    "kyiv.ru.txt": "Киев считает, что Беларусь стала плацдармом. Минск это отрицает.",
}


@pytest.mark.parametrize("engine", [None, "apertium"])
def test_cli_translate_a_project_of_many_languages_skips_and_reports_every_document(tmp_path: Path, engine):
    """Languages without a route are reported, every document of them with counts; the rest is translated."""
    for name, text in COVERAGE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    project = tmp_path / "project"
    run(project, "ingest", *(str(tmp_path / name) for name in COVERAGE))
    result = run(project, "translate", "--to", "en", *(["--engine", engine] if engine else []))
    translated = {doc.split("-")[0] for doc, *_ in printed_runs(result.output)}
    assert translated == {"minsk"} and len({doc for doc, *_ in printed_runs(result.output)}) == 1  # the es one
    skipped = [line for line in result.stderr.splitlines() if re.match(r"skipped (ru|sk): ", line)]
    by = " by apertium" if engine else ""
    assert [line.split(" (")[0] for line in skipped] == [
        f"skipped ru: 2 documents not translated{by}", f"skipped sk: 1 document not translated{by}",
    ]  # fmt: skip
    assert all("ru->en" in line for line in skipped[:1]) and "sk->en" in skipped[1]
    with annot.open_project(project, create=False) as store:
        assert set(store.translations(target="en")["doc_id"].str.split("-").str[0]) == {"minsk"}
        assert len(store.translations(target="en")) >= 2


def test_cli_translate_exits_2_only_when_nothing_can_be_translated(tmp_path: Path):
    for name in ("minsk.sk.txt", "kyiv.ru.txt"):
        (tmp_path / name).write_text(COVERAGE[name], encoding="utf-8")
    project = tmp_path / "project"
    run(project, "ingest", str(tmp_path / "minsk.sk.txt"), str(tmp_path / "kyiv.ru.txt"))
    line = error_line(run(project, "translate", "--to", "en", "--engine", "apertium", code=2))
    assert line.startswith("error: No installed engine translates ru->en or sk->en.")


CASES = [("belarus-agrupacion", "en"), ("belarus-russian", "es"), ("belarus-russian", "pt")]
ENGINES = [
    engine.name for engine in registry.installed_engines() if engine.pairs()
]  # an engine without models: no route


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("doc", "target"), CASES, ids=[f"{d.split('-')[1]}-{t}" for d, t in CASES])
def test_cli_route_name_printed_for_an_engine_is_accepted_back(project: Path, tmp_path: Path, doc, target, engine):
    ((_, name, path, *_),) = printed_runs(run(project, "translate", doc, "--to", target, "-e", engine).output)
    again = printed_runs(run(project, "translate", doc, "--to", target, "-e", name).output)
    assert [(n, p, kept) for _, n, p, _, _, kept in again] == [(name, path, "14")]  # the same route, stored
    csv = tmp_path / "one.csv"
    run(project, "compare", doc, "--to", target, "-e", name, "--no-round-trip", "--out", str(tmp_path / "one.html"),
        "--csv", str(csv))  # fmt: skip
    frame = pd.read_csv(csv, encoding="utf-8")
    assert [c.split(".", 1)[1] for c in frame.columns if c.startswith("text.")] == [name]
    assert frame[f"route.{name}"].eq(path).all()


@pytest.mark.parametrize(("doc", "target"), CASES, ids=[f"{d.split('-')[1]}-{t}" for d, t in CASES])
def test_cli_compare_columns_are_translate_route_names_and_accepted_back(project: Path, tmp_path: Path, doc, target):
    printed = {name for _, name, *_ in printed_runs(run(project, "translate", doc, "--to", target).output)}
    csv = tmp_path / "all.csv"
    run(project, "compare", doc, "--to", target, "--no-round-trip", "--out", str(tmp_path / "all.html"),
        "--csv", str(csv))  # fmt: skip
    columns = [c.split(".", 1)[1] for c in pd.read_csv(csv, encoding="utf-8").columns if c.startswith("text.")]
    assert set(columns) == printed and len(columns) == len(ENGINES)
    again = tmp_path / "again.csv"
    run(project, "compare", doc, "--to", target, "--no-round-trip", "-e", ",".join(columns),
        "--out", str(tmp_path / "again.html"), "--csv", str(again))  # fmt: skip
    assert [c for c in pd.read_csv(again, encoding="utf-8").columns if c.startswith("text.")] == [
        f"text.{c}" for c in columns
    ]
    runs = printed_runs(run(project, "translate", doc, "--to", target, "-e", ",".join(columns)).output)
    assert [name for _, name, *_ in runs] == columns and all(kept == "14" for *_, kept in runs)


def test_cli_compare_no_pivot_refuses_a_named_engine_that_needs_one(project: Path, tmp_path: Path):
    args = ["compare", "belarus-agrupacion", "--to", "en", "-e", "argos", "--no-pivot", "-o", str(tmp_path / "x.html")]
    assert "argos cannot translate es->en directly, and pivots are off" in error_line(run(project, *args, code=2))
    help_text = run(project, "compare", "--help").output
    assert "--no-pivot" in help_text and "argos+apertium" in help_text
    help_text = run(project, "translate", "--help").output
    assert "--no-pivot" in help_text and "argos+apertium" in help_text


def test_cli_engines_lists_each_language_with_its_best_route_into_en_es_pt():
    from annot.cli.engines_cmd import language_rows

    rows = {row[0]: row[1:] for row in language_rows(["it", "sl", "ru", "en"], ["is", "it", "en"])}
    assert rows["it"] == ["detected", "apertium it>es>en (2 hops)", "apertium it>es (1 hop)",
                          "apertium it>es>pt (2 hops)"]  # fmt: skip
    assert rows["sl"][:2] == ["detected", "apertium sl>bs>en (2 hops)"]
    assert rows["ru"] == ["detected", "-", "-", "-"]  # Apertium's ru pairs lead only to uk and be
    assert rows["en"][1] == "" and rows["is"][:2] == ["pass --lang", "apertium is>en (1 hop)"]
    assert list(rows) == ["en", "it", "ru", "sl", "is"]
    result = runner.invoke(app, ["engines"], env={"COLUMNS": "200"})  # rich wraps at the width it finds
    assert result.exit_code == 0, result.output
    assert "apertium it>es>en (2 hops)" in result.output and "pass --lang" in result.output
