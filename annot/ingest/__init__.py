"""Stage "files -> Document": find, decode and clean article files into documents."""

from __future__ import annotations

from annot.ingest.clean import DETECTABLE, detect_language, from_text, strip_boilerplate
from annot.ingest.files import find_files, find_files_named, read_file
from annot.ingest.formats import SUPPORTED_SUFFIXES

__all__ = [
    "DETECTABLE",
    "SUPPORTED_SUFFIXES",
    "detect_language",
    "find_files",
    "find_files_named",
    "from_text",
    "read_file",
    "strip_boilerplate",
]
