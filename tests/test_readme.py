"""The README tells the truth: its Python tour runs, and every CLI command is documented."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annot.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_python_tour_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README has a Python tour"
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    store = namespace["store"]
    assert (tmp_path / "exports" / "corpus.jsonl").exists()
    spans = store.spans().set_index("label")
    # The tour deletes the ACTOR, then undo brings it back; the QUANTITY was set to pending.
    assert set(spans.index) == {"ACTOR", "QUANTITY"}
    assert spans.loc["QUANTITY", "status"] == "pending"


def test_readme_mentions_every_cli_command():
    for command in app.registered_commands:
        assert f"annot {command.name}" in README, command.name


def test_readme_screenshot_exists():
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images and all((ROOT / image).is_file() for image in images)


def test_readme_jsonl_example_matches_the_golden_export():
    golden = (ROOT / "tests" / "golden" / "seed.sentence.jsonl").read_text("utf-8")
    for span_id in re.findall(r'"id": "(sp-[0-9a-f]{16})"', README):
        assert span_id in golden


def _readme_command_lines() -> list[tuple[list[str], int]]:
    """Every ``$ annot ...`` line of the README's console blocks, split as a shell would, comments dropped,
    with the exit code it shows: 0, or the one its comment names ("... error, exit 2")."""
    lines = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ annot "):
                code = re.search(r"#.*\bexit (\d+)", line)
                lines.append((shlex.split(line[2:], comments=True), int(code.group(1)) if code else 0))
    return lines


def _run_lab_until_it_serves(argv: list[str], cwd: Path, env: dict[str, str], runtime: Path) -> str:
    """``annot lab`` for real, stopped with Ctrl+C once JupyterLab answers; what it printed."""
    from tests.cli.test_lab import _server_info, stop

    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _server_info(runtime, proc)
    finally:
        out = stop(proc)
    return out


@pytest.mark.slow
def test_readme_every_command_line_runs(tmp_path: Path):
    """The console tour, in order, on a fresh clone's files: each line exits 0 without a traceback."""
    commands = _readme_command_lines()
    assert len(commands) >= 15, "the README shows the CLI tour"
    work = tmp_path / "clone"
    for name in ("corpus", "notebooks", "models"):
        shutil.copytree(ROOT / name, work / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANNOT_")}
    env["BROWSER"] = "true"  # annot lab opens "a browser" that does nothing
    for name in ("RUNTIME", "CONFIG", "DATA"):
        env[f"JUPYTER_{name}_DIR"] = str(tmp_path / name.lower())
    exe = str(Path(sys.executable).with_name("annot"))
    for argv, code in commands:
        line = " ".join(argv)
        if argv[1] == "lab":
            out = _run_lab_until_it_serves([exe, *argv[1:], "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0"],
                                           work, env, tmp_path / "runtime")  # fmt: skip
            assert "Traceback" not in out and "Starting JupyterLab" in out, (line, out)
            continue
        result = subprocess.run([exe, *argv[1:]], cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == code, (line, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, (line, result.stderr)
        if code == 2:  # an error the README shows: one line
            assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: "), line
    assert (work / "exports" / "corpus.jsonl").is_file() and (work / "exports" / "compare.html").is_file()
