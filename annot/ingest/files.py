"""Files -> documents: find the files to ingest and read each one with its format's reader."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annot.errors import CorpusError
from annot.ingest.clean import build_document
from annot.ingest.decode import decode, refuse_binary
from annot.ingest.formats import (
    KINDS,
    SUPPORTED_SUFFIXES,
    from_html,
    from_jsonl,
    from_markdown,
    meta_from_name,
    split_front_matter,
)
from annot.model import Document, lone_surrogate, source_key

__all__ = ["Found", "find_files", "find_files_named", "is_annot_export", "read_file", "walk"]


def find_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and directories into the list of files to ingest.

    Directories are walked recursively in sorted path order, keeping files with
    a supported suffix (``.txt``, ``.md``, ``.markdown``, ``.html``, ``.htm``,
    ``.jsonl``) and skipping hidden files and directories, the folder's own
    documentation (``README``, ``LICENSE``, ``NOTICE``, ``CHANGELOG``,
    ``AUTHORS``, ``CONTRIBUTING``, ``COPYING``, any suffix) and annot/1 exports
    (``.jsonl`` files made by ``annot export``: annotations to ``annot import``,
    not articles; :func:`walk` lists them). A file named explicitly is always
    kept, so an unsupported one (or an export) fails loudly in :func:`read_file`
    instead of vanishing. A file reached twice is listed once.

    Args:
        paths: files and/or directories.

    Returns:
        The files, in the order given, each directory expanded in place.

    Raises:
        CorpusError: a path does not exist.
    """
    return [path for path, _ in find_files_named(paths)]


def find_files_named(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, Path]]:
    """:func:`find_files`, each file with the path given that led to it (itself, or the folder walked).

    What was named decides the key of a file outside the project (``model.source_key``).
    """
    return walk(paths).files


@dataclass(slots=True)
class Found:
    """What a walk found: the files to read (each with the path named that led to it), and the annot/1
    exports met in folders and left out (their annotations go in with ``annot import``)."""

    files: list[tuple[Path, Path]] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)


def walk(paths: Iterable[str | os.PathLike[str]]) -> Found:
    """:func:`find_files_named`, also naming the annot/1 exports it skipped in the folders walked."""
    found = Found()
    seen: set[Path] = set()
    for raw in paths:
        root = Path(raw)
        if root.is_dir():
            candidates = sorted(
                (p for p in root.rglob("*") if p.is_file() and _wanted(p.relative_to(root))),
                key=lambda p: p.relative_to(root).parts,
            )
        elif root.exists():
            candidates = [root]
        else:
            raise CorpusError(f"No such file or directory: {root} (check the path; {KINDS} files or directories)")
        for path in candidates:
            if (resolved := path.resolve()) in seen:
                continue
            seen.add(resolved)
            if path != root and is_annot_export(path):
                found.exports.append(path)
            else:
                found.files.append((path, root))
    return found


# The first record of an annot/1 export (annot.export.jsonl): an object whose first key is "schema": "annot/...".
_EXPORT_HEAD = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"schema"\s*:\s*"annot/')


def is_annot_export(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a JSONL file written by ``annot export`` (its first record starts ``{"schema":"annot/``).

    Such a file holds documents with their annotations: ``annot import`` reads it,
    ``annot ingest`` would take its records for plain articles and drop the spans.
    """
    path = Path(path)
    if path.suffix.lower() != ".jsonl":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(256)
    except OSError:
        return False  # read_file reports it
    return _EXPORT_HEAD.match(head) is not None


# A corpus folder's own documentation (corpus/README.md says where its articles come from), not an article.
_FOLDER_DOCS = ("readme", "license", "licence", "copying", "notice", "changelog", "authors", "contributing")


def _wanted(relative: Path) -> bool:
    hidden = any(part.startswith(".") for part in relative.parts)
    is_doc = relative.stem.lower().split(".")[0] in _FOLDER_DOCS
    return not hidden and not is_doc and relative.suffix.lower() in SUPPORTED_SUFFIXES


def read_file(
    path: str | os.PathLike[str], *, lang: str | None = None, name: str | None = None
) -> list[Document | CorpusError]:
    """Read one file into documents (one, or one per line for ``.jsonl``).

    Title, date and language come from the content where the format has them
    (a front matter block, a Markdown ``# `` heading, HTML metadata, JSONL fields), else
    from the file name: ``belarus-russian-grouping-2022-10-17.en.txt`` gives the title
    ``belarus russian grouping 2022-10-17``, the date 2022-10-17 and ``en``.
    Outlet, author, url and a publication time come from the content only. A ``.txt``
    or ``.md`` may open with a YAML front matter block (``formats.split_front_matter``:
    ``title``, ``lang``, ``outlet``, ``author``, ``published``, ``url``), which is taken
    off the text and wins over the file name and over ``lang`` (in Markdown a ``# `` heading
    stays the title, as before front matter was read: the title is part of the id); an HTML page gives its
    site name, author, date (with the time of an ``article:published_time`` meta tag)
    and canonical URL (``formats.from_html``).
    A JSONL record needs ``text`` and may have ``id`` (the document key),
    ``title``, ``lang``, ``source``, ``outlet``, ``author``, ``url`` and ``published``
    (ISO 8601 date or date and time); without an ``id`` or ``source`` its key and
    source are ``name:line``.

    The document's key and source are ``name``: the file's path from the
    project's parent folder, never an absolute path (``model.source_key``).

    Args:
        path: a ``.txt``, ``.md``/``.markdown``, ``.html``/``.htm`` or ``.jsonl`` file.
        lang: ISO 639-1 code of the text; overrides the file name (for JSONL it
            is the default of records without a ``lang``). Detected if omitted.
        name: the file's key and source; default ``source_key(path, home=<current folder>, named=path)``
            (``ingest`` passes the name from the project's parent folder).

    Returns:
        The documents. For JSONL, a bad line becomes a :class:`CorpusError`
        item naming ``file:line`` while the other lines still give documents.

    Raises:
        CorpusError: the whole file is unusable (missing, binary, undecodable,
            unsupported type, no text left after cleaning, a name that is not UTF-8,
            a front matter block that is not YAML ``key: value`` lines or holds an invalid value).
    """
    path = Path(path)
    problem = lone_surrogate(str(path), "its name")
    if problem:  # os.fsdecode gives the bytes of a name that is not UTF-8 as lone surrogates
        raise CorpusError(f"{path}: the file name is not UTF-8 ({problem}); rename the file")
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
            refuse_binary(head, path)  # before the suffix check: "binary" is the better hint
            if suffix not in SUPPORTED_SUFFIXES:
                raise CorpusError(f"{path}: unsupported file type {suffix or '(none)'!r}; {KINDS}")
            data = head + handle.read()
    except FileNotFoundError as exc:
        raise CorpusError(f"No such file or directory: {path} (check the path)") from exc
    except IsADirectoryError as exc:
        raise CorpusError(f"{path}: is a directory; list its files with find_files() and read each") from exc
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror}); check its permissions") from exc
    if name is None:
        name = source_key(path, home=Path.cwd(), named=path)
    if suffix == ".jsonl" and _EXPORT_HEAD.match(data[:256]):
        raise CorpusError(
            f"{path} is an annot export (annot/1 JSONL): use annot import {path} (annot.import_jsonl) to read its"
            " documents with their annotations; ingest would take them for plain articles"
        )
    if suffix == ".jsonl":
        return from_jsonl(decode(data, path), path, lang, name=name)
    title, name_lang, published = meta_from_name(path)
    lang = lang or name_lang
    if suffix in (".html", ".htm"):
        text, meta = from_html(decode(data, path), path)
    else:
        # Front matter is read (and taken off the text) before Markdown sees it.
        meta, text = split_front_matter(decode(data, path), path)
    given_title = meta.pop("title", None)
    if suffix in (".md", ".markdown"):
        # The "# " heading stays first, as before front matter was read: the title is part of the id.
        text, md_title = from_markdown(text)
        title = md_title or given_title or title
    else:
        title = given_title or title
    lang = meta.pop("lang", None) or lang
    published = meta.pop("published", None) or published
    # Key (identity across versions) and source are the portable name, so that "corpus/a.txt" from
    # the repository and "../corpus/a.txt" from a notebook name the same article on every machine.
    return [build_document(text, str(path), title=title, source=name, key=name, lang=lang, published=published, **meta)]
