"""The formats annot reads: metadata from file names and text from .md, .html and .jsonl content."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from annot.errors import CorpusError
from annot.ingest.clean import build_document
from annot.model import ISO_639_1, Document, normalize_text

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["KINDS", "SUPPORTED_SUFFIXES", "from_html", "from_jsonl", "from_markdown", "meta_from_name"]

SUPPORTED_SUFFIXES = (".htm", ".html", ".jsonl", ".markdown", ".md", ".txt")
KINDS = "annot ingests .txt, .md, .html and .jsonl"  # the hint that ends every "wrong kind of input" error

_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def meta_from_name(path: Path) -> tuple[str, str | None, date | None]:
    """Title, language and date from a name like ``belarus-troops-2022-10-17.en.txt``."""
    stem, lang = path.stem, None
    base, dot, suffix = stem.rpartition(".")
    if dot and base and suffix in ISO_639_1:
        stem, lang = base, suffix
    published, pieces, pos = None, [], 0
    for match in _DATE.finditer(stem):
        try:
            found = date(*(int(group) for group in match.groups()))
        except ValueError:
            continue  # 2022-13-45 is not a date; it stays plain text
        published = published or found
        pieces += [re.sub(r"[-_]+", " ", stem[pos : match.start()]), match.group()]
        pos = match.end()
    pieces.append(re.sub(r"[-_]+", " ", stem[pos:]))
    title = re.sub(r"\s+", " ", "".join(pieces)).strip() or path.name
    return title[:1].upper() + title[1:], lang, published


def from_html(html: str, path: Path) -> tuple[str, str | None, date | None]:
    """The article text, title and date of an HTML page, extracted with trafilatura."""
    import trafilatura

    # favor_precision drops navigation, related links and comment widgets
    # rather than risk them ending up in the article text.
    result = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, favor_precision=True, with_metadata=True
    )
    text = (result.text or "") if result is not None else ""
    if not text.strip():
        raise CorpusError(f"{path}: no article text found in the HTML; save the article text as .txt instead")
    # trafilatura puts one paragraph (or heading) per line; annot separates
    # paragraphs with a blank line.
    text = "\n\n".join(line for line in text.split("\n") if line.strip())
    published = None
    if result.date:
        try:
            published = date.fromisoformat(result.date[:10])
        except ValueError:
            published = None
    return text, result.title or None, published


def from_markdown(source: str) -> tuple[str, str | None]:
    """Markdown to plain text with markdown-it-py; the first ``# `` heading is the title.

    Headings, paragraphs and code blocks become blank-line-separated
    paragraphs, list items one line each; emphasis marks and link targets go
    (link text stays), images and raw HTML tags are dropped, code is kept as
    text. A leading YAML front matter block is dropped.
    """
    from markdown_it import MarkdownIt

    source = re.sub(r"\A---\n.*?\n---\n", "", normalize_text(source), flags=re.DOTALL)
    blocks: list[str] = []
    items: list[str] = []
    title, in_h1, lists = None, False, 0
    for token in MarkdownIt("commonmark").parse(source):
        text = None
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
            if not lists and items:
                blocks.append("\n".join(items))
                items = []
        elif token.type == "heading_open":
            in_h1 = token.tag == "h1"
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if in_h1 and title is None:
                title = " ".join(text.split()) or None
            in_h1 = False
        elif token.type in ("fence", "code_block"):
            text = token.content.rstrip("\n")
        elif token.type == "html_block":
            text = re.sub(r"<[^>]*>", "", token.content).strip()
        if text and text.strip():
            (items if lists else blocks).append(text)
    return "\n\n".join(blocks), title


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")  # a wrapped source line, not a new unit
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


def from_jsonl(text: str, path: Path, lang: str | None, *, name: str | None = None) -> list[Document | CorpusError]:
    """One document per JSONL line; a bad line gives a :class:`CorpusError` naming ``file:line`` instead.

    A record without ``id`` or ``source`` gets ``name:line`` as both (``name`` defaults to ``path``).
    """
    if not text.strip():
        raise CorpusError(f'{path}: empty file; write one JSON object per line, e.g. {{"text": "..."}}')
    results: list[Document | CorpusError] = []
    for lineno, line in enumerate(normalize_text(text).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            results.append(_from_record(line, where, lang, default_key=f"{name or path}:{lineno}"))
        except CorpusError as exc:
            results.append(exc)
    return results


def _from_record(line: str, where: str, lang: str | None, *, default_key: str) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        problem = f"invalid JSON ({exc.msg} at column {exc.colno})"
        raise CorpusError(f"{where}: {problem}; write one JSON object per line") from None
    if not isinstance(record, dict):
        raise CorpusError(f'{where}: expected a JSON object like {{"text": "..."}}, got {type(record).__name__}')
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f'{where}: missing or empty "text"; every record needs the article text')
    for field in ("title", "lang", "source", "published"):
        if record.get(field) is not None and not isinstance(record[field], str):
            raise CorpusError(f'{where}: "{field}" must be a string, got {type(record[field]).__name__}')
    key = None if record.get("id") is None else str(record["id"])
    return build_document(
        text,
        where,
        title=record.get("title") or key or default_key,
        source=record.get("source") or default_key,
        key=key,
        lang=record.get("lang") or lang,
        published=_parse_date(record.get("published"), where),
    )


def _parse_date(value: str | None, where: str) -> date | None:
    try:
        return datetime.fromisoformat(value).date() if value else None  # a date or a datetime
    except ValueError:
        raise CorpusError(f'{where}: "published" {value!r} is not an ISO date; use YYYY-MM-DD') from None
