"""The formats annot reads: metadata from file names, front matter and HTML, text from .md, .html and .jsonl."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import CorpusError
from annot.ingest.clean import build_document
from annot.model import INHERITED_METADATA, ISO_639_1, Document, metadata_value, normalize_text, read_published

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = [
    "FRONT_MATTER_KEYS",
    "KINDS",
    "SUPPORTED_SUFFIXES",
    "from_html",
    "from_jsonl",
    "from_markdown",
    "meta_from_name",
    "split_front_matter",
]

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


#: The keys of a front matter block annot reads; others (a static site's ``tags``, ``layout``) are ignored.
FRONT_MATTER_KEYS = ("title", "lang", *INHERITED_METADATA)

# A block opened by a first line "---" and closed by the next line "---"; a first line "---" with no
# closing line is text (a rule drawn in a .txt).
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*(?:\n|\Z)", re.DOTALL | re.MULTILINE)


def split_front_matter(text: str, path: Path | str) -> tuple[dict[str, Any], str]:
    """The metadata of a leading YAML front matter block, and the text after it.

    The block is a first line ``---``, YAML mapping keys among ``FRONT_MATTER_KEYS``
    (others are ignored), and a closing line ``---``::

        ---
        title: Rusia enviará hasta 9.000 soldados a Bielorrusia
        outlet: Diario del Sur
        published: 2022-10-17T16:40:00+02:00
        ---

    Without one (no ``---`` first line, or no closing line) the text is returned
    whole with no metadata. ``published`` is a ``date`` or ``datetime``
    (``model.read_published``), the others text; a key given empty is left out.

    Raises:
        CorpusError: the block is not YAML, not a mapping, or a value is invalid.
    """
    original, text = text, normalize_text(text)
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, original  # as it was: the text of a file without front matter, and its id, do not change
    fix = "fix the block between the --- lines (YAML, one 'key: value' a line)"
    import yaml

    try:
        data = yaml.safe_load(match.group(1)) if match.group(1).strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = " ".join(str(getattr(exc, "problem", None) or "invalid YAML").split())
        raise CorpusError(f"{path}: front matter is not valid YAML ({problem}{where}); {fix}") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: front matter is {type(data).__name__}, not 'key: value' lines; {fix}")
    meta: dict[str, Any] = {}
    for key in FRONT_MATTER_KEYS:
        value = data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "published":
            value = str(value)  # title: 1984
        try:
            if key in ("title", "lang"):
                if value is not None and not isinstance(value, str):
                    raise ValueError(f"{key} must be text, got {type(value).__name__}")
                value = " ".join(value.split()) if value else None
            else:
                value = metadata_value(key, value)
        except ValueError as exc:
            raise CorpusError(f"{path}: front matter {exc}") from None
        if value is not None:
            meta[key] = value
    return meta, text[match.end() :]


# Meta tags that give a publication time with its hour (trafilatura's date keeps the day only).
_TIME_XPATH = (
    '//meta[@property="article:published_time" or @property="og:published_time"'
    ' or @name="article:published_time" or @itemprop="datePublished"]/@content'
    ' | //time[@itemprop="datePublished"]/@datetime'
)


_NAMES_TIME = re.compile(r"published_time|datePublished", re.IGNORECASE)


def _published_time(tree: Any, day: date | None) -> date | None:
    """The first meta publication time with an hour, if its day is ``day`` (or trafilatura found none)."""
    for value in tree.xpath(_TIME_XPATH) if tree is not None else ():
        try:
            found = read_published(str(value))
        except ValueError:
            continue
        if isinstance(found, datetime) and (day is None or found.date() == day):
            return found
    return day


def from_html(html: str, path: Path) -> tuple[str, dict[str, Any]]:
    """The article text and metadata of an HTML page, extracted with trafilatura.

    The metadata holds what the page gives of ``title``, ``published`` (a ``date``; a
    ``datetime`` with its offset when an ``article:published_time`` or ``datePublished``
    meta tag gives the time), ``outlet`` (the site name, else the host name of the
    page's URL), ``author`` and ``url`` (the page's canonical or ``og:url``).
    """
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
    day = None
    if result.date:
        try:
            day = date.fromisoformat(result.date[:10])
        except ValueError:
            day = None
    found = {
        "title": result.title,
        # A second parse, only for pages that name a publication time (trafilatura's tree is its own).
        "published": _published_time(trafilatura.load_html(html), day) if _NAMES_TIME.search(html) else day,
        "outlet": result.sitename or result.hostname, "author": result.author, "url": result.url,
    }  # fmt: skip
    meta: dict[str, Any] = {}
    for key, value in found.items():
        if key != "title":
            try:
                value = metadata_value(key, value)
            except ValueError:
                value = None  # a page's odd url or author is dropped, not a reason to refuse its text
        if value:
            meta[key] = value
    return text, meta


def from_markdown(source: str) -> tuple[str, str | None]:
    """Markdown to plain text with markdown-it-py; the first ``# `` heading is the title.

    Headings, paragraphs and code blocks become blank-line-separated
    paragraphs, list items one line each; emphasis marks and link targets go
    (link text stays), images and raw HTML tags are dropped, code is kept as
    text. A leading front matter block is for the caller (``split_front_matter``
    reads it and takes it off); one left here is dropped.
    """
    from markdown_it import MarkdownIt

    source = _FRONT_MATTER.sub("", normalize_text(source), count=1)
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
    for field in ("title", "lang", "source", *INHERITED_METADATA):
        if record.get(field) is not None and not isinstance(record[field], str):
            raise CorpusError(f'{where}: "{field}" must be a string, got {type(record[field]).__name__}')
    meta: dict[str, Any] = {}
    for field in INHERITED_METADATA:
        try:
            meta[field] = metadata_value(field, record.get(field))
        except ValueError as exc:
            raise CorpusError(f"{where}: {exc}") from None
    key = None if record.get("id") is None else str(record["id"])
    return build_document(
        text,
        where,
        title=record.get("title") or key or default_key,
        source=record.get("source") or default_key,
        key=key,
        lang=record.get("lang") or lang,
        **meta,
    )
