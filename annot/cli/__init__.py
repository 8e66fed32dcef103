"""The ``annot`` command line: a thin typer layer over the library, one file per command."""

from __future__ import annotations

from annot.cli.app import app, main

__all__ = ["app", "main"]
