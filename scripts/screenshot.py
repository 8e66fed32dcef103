"""Takes docs/screenshot.png: JupyterLab on notebooks/annotate.ipynb, run top to bottom, at the MT table.

Needs Debian's chromium and the Python playwright package (``pip install
playwright``; no ``playwright install``: the system chromium is used). Runs on a
scratch project so your annotations are not shown.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


def start_lab(scratch: Path, token: str) -> tuple[subprocess.Popen, int]:
    env = dict(os.environ)
    for name in ("RUNTIME", "CONFIG", "DATA"):
        (scratch / name.lower()).mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(scratch / name.lower())
    env["ANNOT_PROJECT"] = str(scratch / "project")
    # No "get notified about Jupyter news?" toast over the screenshot.
    notification = scratch / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={scratch / 'root'}",
        f"--LabApp.user_settings_dir={scratch / 'settings'}", f"--LabApp.workspaces_dir={scratch / 'ws'}",
        "--allow-root", "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: tests switch themes with it
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        files = list((scratch / "runtime").glob("jpserver-*.json"))
        if files:
            port = json.loads(files[0].read_text())["port"]
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                return proc, port
            except OSError:
                pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("JupyterLab did not start within 60 s")


def settle(page: Any) -> None:
    """Wait until the page's fonts are loaded and two frames are drawn: what the last change did is on screen.

    Events, not a pause: a screenshot taken after this shows the layout and
    paint that followed the last DOM change or scroll.
    """
    page.evaluate(
        """async () => {
            await document.fonts.ready;
            await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        }"""
    )


def open_and_run_all(page: Any, port: int, token: str, notebook: str, workspace: str | None = None) -> None:
    """Open ``notebook`` (relative to the server's root) in JupyterLab and run all its cells.

    A ``workspace`` name opens it alone in that workspace, so another page's
    open notebooks are not restored next to it.
    """
    where = f"workspaces/{workspace}/tree" if workspace else "tree"
    page.goto(f"http://127.0.0.1:{port}/lab/{where}/{notebook}?token={token}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=60_000)
    page.keyboard.press("Escape")
    page.click("text=Run", timeout=10_000)
    page.click("text=Run All Cells", timeout=10_000)


def run_annotate_notebook(out: Path | None = None) -> str:
    """Open notebooks/annotate.ipynb in JupyterLab in chromium, run all cells, return the page's text.

    With ``out``, also save a screenshot scrolled to the machine-translation table.
    """
    from playwright.sync_api import sync_playwright

    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="annot-shot-") as tmp:
        # JupyterLab saves what it runs: work on copies, never on the repository's notebooks.
        for name in ("notebooks", "corpus"):
            shutil.copytree(ROOT / name, Path(tmp) / "root" / name)
        proc, port = start_lab(Path(tmp), token)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                open_and_run_all(page, port, token, "notebooks/annotate.ipynb")
                page.wait_for_selector("text=14 sentences", timeout=120_000)
                page.wait_for_selector("text=translated", timeout=180_000)
                # Every code cell has run when each prompt shows its execution count ("[7]:", not "[*]:").
                page.wait_for_function(
                    """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                        .every(p => /\\[\\d+\\]/.test(p.textContent))""",
                    timeout=120_000,
                )
                # A cell's count comes with the kernel's reply; the widget it displayed draws itself once
                # its front end has loaded: wait for what it shows.
                page.wait_for_selector(
                    ".annot-annotator .annot-position >> text=sentence 0 · 14 sentences", timeout=60_000
                )
                if out is not None:
                    heading = page.locator("h2:has-text('Machine translation')").first
                    heading.evaluate("el => el.scrollIntoView({block: 'start', behavior: 'instant'})")
                    settle(page)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(out), animations="disabled")
                # textContent, not innerText: cells scrolled out of view are not laid out, and innerText skips them.
                text = page.locator(".jp-Notebook").text_content() or ""
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args()
    run_annotate_notebook(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
