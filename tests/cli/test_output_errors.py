"""Writing exports where they cannot go: one line naming the path and the fix, exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from annot.cli import app
from tests.cli.unprivileged import check_bound_by_permissions, run_unprivileged, shared_folder

runner = CliRunner()


def _one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_cli_export_onto_an_existing_folder_is_one_line_and_exit_2(tmp_path: Path, seed_path: Path):
    project = tmp_path / "project"
    assert runner.invoke(app, ["--project", str(project), "ingest", str(seed_path)]).exit_code == 0
    out = tmp_path / "exports"
    out.mkdir()
    result = runner.invoke(app, ["--project", str(project), "export", "--out", str(out)])
    assert result.exit_code == 2, result.output
    line = _one_line_error(result.stderr)
    assert line.startswith(f"error: Cannot write {out}: it is a folder, not a file")
    assert f"{out}/NAME" in line  # the fix: name a file inside it
    assert list(out.iterdir()) == []


def test_cli_export_into_a_folder_the_user_cannot_write_is_one_line_and_exit_2(seed_path: Path):
    with shared_folder() as shared:
        project = shared / "project"
        assert runner.invoke(app, ["--project", str(project), "ingest", str(seed_path)]).exit_code == 0
        project.chmod(0o777)  # the project is not the problem here: only where the export goes
        for path in project.iterdir():
            path.chmod(0o666)
        locked = shared / "locked"
        locked.mkdir()
        locked.chmod(0o555)  # the unprivileged runner cannot create files in it
        check_bound_by_permissions(shared)
        result = run_unprivileged(project, "export", "--out", str(locked / "corpus.jsonl"), home=shared)
        assert result.returncode == 2, (result.stdout, result.stderr)
        line = _one_line_error(result.stderr)
        assert line.startswith(f"error: Cannot write {locked / 'corpus.jsonl'}: permission denied")
        assert "Write it to a folder you can write to" in line
        assert list(locked.iterdir()) == []
