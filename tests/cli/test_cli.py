"""The annot command line, run in-process with typer's CliRunner on real files and stores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app

runner = CliRunner()


def run(project: Path, *args: str, code: int = 0):
    result = runner.invoke(app, ["--project", str(project), "--annotator", "cli", *args])
    assert result.exit_code == code, (
        result.exit_code,
        result.output,
        result.stderr if hasattr(result, "stderr") else "",
    )
    return result


def test_cli_every_command_has_help_text():
    commands = app.registered_commands
    assert {c.name for c in commands} >= {"init", "ingest", "ls", "show", "stats", "export", "import", "lab"}
    for command in commands:
        assert (command.callback.__doc__ or "").strip(), command.name
        result = runner.invoke(app, [command.name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_cli_init_ingest_ls_show_stats(tmp_path: Path, seed_path: Path):
    project = tmp_path / "p"
    assert "Created project" in run(project, "init").output
    assert "already exists" in run(project, "init").output
    out = run(project, "ingest", str(seed_path)).output
    assert "1 added" in out
    assert "0 added, 1 unchanged" in run(project, "ingest", str(seed_path)).output
    ls = run(project, "ls").output
    assert "belarus-russian-grouping" in ls and "14" in ls and "1 documents" in ls
    show = run(project, "show", "belarus-russian-grouping").output
    assert "Alleged Ukrainian attack" in show and "(10/17/2022)" in show
    assert "0 documents" not in run(project, "stats").output


def test_cli_export_import_roundtrip(tmp_path: Path, seed_path: Path):
    from annot import open_project

    project = tmp_path / "p"
    run(project, "ingest", str(seed_path))
    with open_project(project, annotator="cli") as store:
        doc = store.document("belarus-russian-grouping")
        start = doc.text.index("Minsk")
        store.add_span(doc.id, start, start + 5, "ACTOR", {"type": "state", "canonical": "Belarus"})
    out = tmp_path / "out" / "corpus.jsonl"
    assert "1 documents" in run(project, "export", "--out", str(out)).output
    first = json.loads(out.read_text("utf-8").splitlines()[0])
    assert list(first)[:2] == ["schema", "type"] and first["schema"] == "annot/1"
    copy = tmp_path / "copy"
    assert "1 documents added" in run(copy, "import", str(out)).output
    out2 = tmp_path / "again.jsonl"
    run(copy, "export", "--out", str(out2))
    assert out.read_bytes() == out2.read_bytes()
    stats = run(copy, "stats").output
    assert "ACTOR" in stats and "cli" in stats


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ls"], "annot init"),
        (["show", "nope"], "No annot project"),
        (["export", "--unit", "paragraph"], "No annot project"),
    ],
)
def test_cli_errors_are_one_line_with_exit_code_2(tmp_path: Path, args: list[str], needle: str):
    result = runner.invoke(app, ["--project", str(tmp_path / "missing"), *args])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in result.output


def test_cli_unknown_document_and_bad_unit(tmp_path: Path, seed_path: Path):
    project = tmp_path / "p"
    run(project, "ingest", str(seed_path))
    assert "No document 'nope'" in run(project, "show", "nope", code=2).stderr
    assert "paragraph" in run(project, "export", "--unit", "paragraph", code=2).stderr


def test_cli_ingest_reports_refused_files_and_keeps_the_rest(tmp_path: Path, seed_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(seed_path.read_text("utf-8"), "utf-8")
    (corpus / "empty.txt").write_text("   \n\n", "utf-8")
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 4)
    result = run(tmp_path / "p", "ingest", str(corpus), code=1)
    assert "1 added" in result.output and "2 refused" in result.output
    assert "empty.txt" in result.stderr and "blob.txt" in result.stderr


def test_cli_debug_shows_traceback(tmp_path: Path):
    result = runner.invoke(app, ["--project", str(tmp_path / "missing"), "--debug", "ls"])
    assert result.exit_code != 0 and result.exception is not None


def test_cli_console_script_runs(tmp_path: Path):
    exe = Path(sys.executable).with_name("annot")
    result = subprocess.run([str(exe), "--project", str(tmp_path / "none"), "ls"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.startswith("error: No annot project")


def test_cli_lab_command_line(tmp_path: Path):
    from annot.lab import lab_command

    notebook = tmp_path / "project" / "notebooks" / "annotate.ipynb"
    cmd = lab_command(notebook, tmp_path, no_browser=True, port=8890, extra=["--foo"])
    assert cmd[1:3] == ["-m", "jupyterlab"] and "--no-browser" in cmd and cmd[-1] == "--foo"
    assert cmd[3] == str(notebook.resolve()) and f"--ServerApp.root_dir={tmp_path.resolve()}" in cmd
    assert "--ServerApp.port=8890" in cmd


def _command_paths(group=None, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command line path of the app: ("ls",), ("models", "install"), ..."""
    import typer.main

    group = group if group is not None else typer.main.get_command(app)
    paths = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        paths += _command_paths(command, (*prefix, name)) if sub else [(*prefix, name)]
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=" ".join)
def test_cli_every_command_takes_the_global_options_after_its_name(path: tuple[str, ...]):
    result = runner.invoke(app, [*path, "--project", "somewhere", "--annotator", "ana", "--debug", "--help"])
    assert result.exit_code == 0, result.output
    assert "--project" in result.output and "before or after" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"ANNOT_USER": "ana", "ANNOT_ANNOTATOR": "carol"}, "ana"), ({"ANNOT_ANNOTATOR": "carol"}, "carol"), ({}, None)],
)
def test_cli_annotator_comes_from_annot_user_then_annot_annotator(monkeypatch, env: dict[str, str], expected):
    import typer.main

    for name in ("ANNOT_USER", "ANNOT_ANNOTATOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ctx = typer.main.get_command(app).make_context("annot", ["ls"])
    assert ctx.params["annotator"] == expected  # None: the store asks default_annotator(), the same rule
    assert typer.main.get_command(app).make_context("annot", ["--annotator", "bob", "ls"]).params["annotator"] == "bob"


def test_cli_project_option_after_the_command_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_path: Path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOT_PROJECT", "from-env")
    assert "Created project at after" in runner.invoke(app, ["init", "--project", "after"]).output
    assert "Created project at short" in runner.invoke(app, ["init", "-p", "short"]).output
    assert "Created project at from-env" in runner.invoke(app, ["init"]).output
    assert "Created project at before" in runner.invoke(app, ["--project", "before", "init"]).output
    # After the command beats before it, which beats the environment.
    result = runner.invoke(app, ["--project", "before", "ingest", str(seed_path), "--project", "after"])
    assert result.exit_code == 0 and "1 added" in result.output
    assert "1 documents" in runner.invoke(app, ["ls", "--project", "after"]).output
    assert "0 documents" in runner.invoke(app, ["ls", "--project", "before"]).output
    assert "0 documents" in runner.invoke(app, ["ls"]).output  # from-env
    # --debug after the command shows the traceback.
    debug = runner.invoke(app, ["ls", "--project", "missing", "--debug"])
    assert debug.exit_code != 0 and debug.exception is not None
