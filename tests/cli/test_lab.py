"""``annot lab``, the README's main command: ingests the corpus and serves the notebook in JupyterLab."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _server_info(runtime: Path, proc: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else "annot lab exited"
        for info_file in runtime.glob("jpserver-*.json"):
            info = json.loads(info_file.read_text())
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{info['port']}/api/status?token={info['token']}", timeout=2)
                return info
            except OSError:
                pass
        time.sleep(0.5)
    raise AssertionError("JupyterLab did not answer within the timeout")


def stop(proc: subprocess.Popen) -> str:
    """Stop JupyterLab as a person does (Ctrl+C), killed if it hangs; what it printed."""
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def _request(url: str, method: str = "GET", body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_lab_ingests_the_seed_and_serves_the_projects_copy_of_the_notebook(tmp_path: Path):
    # The layout of a clone: notebooks/ and corpus/ where annot lab runs, the project beside them.
    work = tmp_path / "clone"
    for name in ("notebooks", "corpus"):
        shutil.copytree(ROOT / name, work / name)
    shipped = {p.name: p.read_bytes() for p in (work / "notebooks").glob("*.ipynb")}
    env = dict(os.environ)
    env.pop("ANNOT_PROJECT", None)
    for name in ("RUNTIME", "CONFIG", "DATA"):
        env[f"JUPYTER_{name}_DIR"] = str(tmp_path / name.lower())
    cmd = [
        str(Path(sys.executable).with_name("annot")), "lab", "--no-browser",
        "--port", "0", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=annot-test",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}", f"--LabApp.workspaces_dir={tmp_path / 'ws'}",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        info = _server_info(tmp_path / "runtime", proc)
        api = f"http://127.0.0.1:{info['port']}/api/contents/project/notebooks/annotate.ipynb?token=annot-test"
        model = _request(api)
        assert model["type"] == "notebook"
        # Save it with an output, as JupyterLab's autosave does after a run.
        notebook = model["content"]
        notebook["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "saved output\n"}]
        notebook["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
        _request(api, "PUT", {"type": "notebook", "format": "json", "content": notebook})
        lab = urllib.request.urlopen(f"http://127.0.0.1:{info['port']}/lab?token=annot-test", timeout=10)
        assert b"JupyterLab" in lab.read()
    finally:
        out = stop(proc)
    # The seed article, its Spanish version and the five outlets went in before JupyterLab started; the
    # outlets' gold (an annot/1 export) is not an article: skipped, and named.
    assert "7 added" in out and "1 annot export skipped" in out
    assert "skipped: corpus/outlets/outlets.annot.jsonl is an annot export" in out
    assert "project/notebooks/annotate.ipynb: created from notebooks/annotate.ipynb" in out
    # The save went to the project's copy; the shipped notebooks are byte for byte as cloned.
    assert "saved output" in (work / "project" / "notebooks" / "annotate.ipynb").read_text("utf-8")
    assert {p.name: p.read_bytes() for p in (work / "notebooks").glob("*.ipynb")} == shipped
    from annot import open_project

    with open_project(work / "project", create=False) as store:
        assert store.counts()["documents"] == 7 and store.counts()["spans"] == 0
