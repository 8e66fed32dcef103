"""Stage "files -> Document": find, decode and clean article files into documents."""

from __future__ import annotations

from annot.ingest.clean import DETECTABLE, detect_language, from_text, strip_boilerplate
from annot.ingest.files import Found, find_files, find_files_named, is_annot_export, read_file, walk
from annot.ingest.formats import SUPPORTED_SUFFIXES

__all__ = [
    "DETECTABLE",
    "Found",
    "SUPPORTED_SUFFIXES",
    "detect_language",
    "find_files",
    "find_files_named",
    "from_text",
    "is_annot_export",
    "read_file",
    "strip_boilerplate",
    "walk",
]
