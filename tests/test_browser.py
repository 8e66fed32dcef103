"""The main job in a real browser: JupyterLab (chromium, Playwright) runs the annotation notebook."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _screenshot_module():
    spec = importlib.util.spec_from_file_location("annot_screenshot", ROOT / "scripts" / "screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_browser_runs_the_annotation_notebook_and_shows_translations(tmp_path: Path):
    # No skip when chromium is missing: ./run installs it, and a silent skip would hide a broken setup.
    assert shutil.which("chromium"), "chromium is missing: ./run installs it (scripts/apt-packages.txt)"
    out = tmp_path / "shot.png"
    text = _screenshot_module().run_annotate_notebook(out)
    assert out.stat().st_size > 20_000
    assert "Alleged Ukrainian attack" in text and "14 sentences" in text
    assert "translated" in text and "bergamot" in text and "argos" in text and "apertium" in text
    assert "sentence 0 · 14 sentences" in text  # the annotator widget rendered, with its position line
    assert "Traceback" not in text and "Error" not in text
