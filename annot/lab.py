"""The project's own copies of the shipped notebooks, and the JupyterLab command line that opens them.

The notebooks in the repository's ``notebooks/`` are templates: JupyterLab
rewrites a notebook's metadata when it opens it and saves its outputs as you
work, so ``annot lab`` opens a copy kept in the project folder
(``project/notebooks/``) and the repository stays as it was cloned.

A copy records the digest of the template cells it was made from
(``metadata.annot.template``). When the template changes, a copy whose cells
nobody edited is brought up to date; an edited copy is kept as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from annot.errors import AnnotError
from annot.fileio import atomic_text_file

__all__ = ["NotebookCopy", "lab_command", "notebook_copies"]

_META_KEY = "annot"


@dataclass(frozen=True, slots=True)
class NotebookCopy:
    """What ``notebook_copies`` did with one template."""

    template: Path
    copy: Path
    status: Literal["created", "unchanged", "updated", "kept"]  # kept: edited by you, the template changed since


def _cells_digest(notebook: dict[str, Any]) -> str:
    """A digest of what a person edits: each cell's type and source (outputs and metadata do not count)."""
    cells = [
        [cell.get("cell_type"), "".join(cell.get("source", "")) if isinstance(cell.get("source"), list)
         else cell.get("source", "")]
        for cell in notebook.get("cells", [])
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def _read(path: Path) -> dict[str, Any]:
    try:
        notebook = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnnotError(f"Cannot read notebook {path}: {exc}. Restore it, or delete it to get a fresh copy.") from exc
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise AnnotError(f"{path} is not a Jupyter notebook. Delete it to get a fresh copy.")
    return notebook


def _write_copy(template: dict[str, Any], digest: str, name: str, path: Path) -> None:
    notebook = json.loads(json.dumps(template))
    notebook.setdefault("metadata", {})[_META_KEY] = {"template": {"name": name, "digest": digest}}
    with atomic_text_file(path) as out:
        # nbformat's own layout (indent 1, sorted keys), so JupyterLab's first save changes little.
        out.write(json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def notebook_copies(templates: str | os.PathLike[str], folder: str | os.PathLike[str]) -> list[NotebookCopy]:
    """Make or refresh ``folder``'s copy of every notebook in ``templates``.

    Args:
        templates: the folder of shipped notebooks (``notebooks/``).
        folder: where the copies live (``<project>/notebooks``), created if needed.

    Returns:
        One entry per template, by name.

    Raises:
        AnnotError: ``templates`` holds no notebook, or a template or copy is not a notebook.
    """
    source, target = Path(templates), Path(folder)
    found = sorted(source.glob("*.ipynb"))
    if not found:
        raise AnnotError(f"No notebooks in {source}; run annot lab from the annot repository or pass --notebook.")
    results = []
    for template_path in found:
        template = _read(template_path)
        digest = _cells_digest(template)
        copy_path = target / template_path.name
        if not copy_path.exists():
            _write_copy(template, digest, template_path.name, copy_path)
            results.append(NotebookCopy(template_path, copy_path, "created"))
            continue
        copy = _read(copy_path)
        made_from = copy.get("metadata", {}).get(_META_KEY, {}).get("template", {}).get("digest")
        if made_from == digest:
            status = "unchanged"
        elif made_from is not None and _cells_digest(copy) == made_from:
            _write_copy(template, digest, template_path.name, copy_path)  # nobody edited it: take the new one
            status = "updated"
        else:
            status = "kept"
        results.append(NotebookCopy(template_path, copy_path, status))  # type: ignore[arg-type]
    return results


def lab_command(notebook: Path, root: Path, *, no_browser: bool, port: int | None, extra: list[str]) -> list[str]:
    """The JupyterLab command line that serves ``root`` and opens ``notebook`` (``--allow-root`` when run as root).

    Args:
        notebook: the notebook to open, inside ``root`` (JupyterLab refuses one outside).
        root: the folder JupyterLab serves.
        no_browser: start the server without opening a browser.
        port: the server's port (JupyterLab's default when ``None``).
        extra: more arguments for JupyterLab.
    """
    cmd = [sys.executable, "-m", "jupyterlab", str(notebook.resolve()), f"--ServerApp.root_dir={root.resolve()}"]
    if no_browser:
        cmd.append("--no-browser")
    if port is not None:
        cmd.append(f"--ServerApp.port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + extra
