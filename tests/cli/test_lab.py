"""``annot lab``, the README's main command: ingests the corpus and serves the notebook in JupyterLab."""

from __future__ import annotations

import json
import os
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


def test_lab_ingests_the_seed_and_serves_the_annotation_notebook(tmp_path: Path):
    env = dict(os.environ)
    for name in ("RUNTIME", "CONFIG", "DATA"):
        env[f"JUPYTER_{name}_DIR"] = str(tmp_path / name.lower())
    project = tmp_path / "project"
    cmd = [
        str(Path(sys.executable).with_name("annot")), "--project", str(project), "lab", "--no-browser",
        "--port", "0", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=annot-test",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}", f"--LabApp.workspaces_dir={tmp_path / 'ws'}",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        info = _server_info(tmp_path / "runtime", proc)
        url = f"http://127.0.0.1:{info['port']}/api/contents/notebooks/annotate.ipynb?token=annot-test&content=0"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert json.load(response)["type"] == "notebook"
        lab = urllib.request.urlopen(f"http://127.0.0.1:{info['port']}/lab?token=annot-test", timeout=10)
        assert b"JupyterLab" in lab.read()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert "2 added" in out  # the seed article and its Spanish version went in before JupyterLab started
    from annot import open_project

    with open_project(project, create=False) as store:
        assert store.counts()["documents"] == 2
