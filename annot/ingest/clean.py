"""Text -> Document: normalize, cut trailing boilerplate, and check or detect the language."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from annot.errors import CorpusError
from annot.model import ISO_639_1, Document, document_id, lone_surrogate, normalize_text

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["DETECTABLE", "build_document", "detect_language", "from_text", "strip_boilerplate"]

# Languages lingua chooses between: the news languages we expect. A closed set
# is faster and more accurate than all 75 lingua languages on short texts.
DETECTABLE = (
    "ar az be bg bs ca cs da de el en es et fa fi fr he hi hr hu hy it ja ka kk ko lt lv mk nb nl pl pt ro ru sk"
    " sl sq sr sv tr uk zh"
).split()
_DETECT_CHARS = 3000  # lingua is linear in length; the opening paragraphs decide

_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)


def from_text(
    text: str,
    *,
    title: str,
    source: str | None = None,
    key: str | None = None,
    lang: str | None = None,
    published: date | None = None,
    outlet: str | None = None,
    author: str | None = None,
    url: str | None = None,
) -> Document:
    """Build a :class:`Document` from text; every reader builds its documents this way.

    The text is normalized (NFC, ``\\n`` newlines), trailing whitespace is cut
    from every line, trailing boilerplate is removed (:func:`strip_boilerplate`),
    runs of blank lines become one blank line and blank lines at both ends go.

    Args:
        text: the article text.
        title: human-readable title.
        source: path or URL the text came from.
        key: identity across versions; defaults to ``source``, else the id.
        lang: ISO 639-1 code; detected with :func:`detect_language` if omitted.
        published: publication date, or date and time (a ``datetime``).
        outlet: who published it.
        author: who wrote it.
        url: where it was published.

    Returns:
        The document, its id derived from the cleaned text and the title.

    Raises:
        CorpusError: no text is left, ``lang`` is not an ISO 639-1 code, the
            language cannot be detected, or a field holds a lone UTF-16 surrogate
            (not Unicode text: a ``\\ud800`` escape in JSON, a file name that is not UTF-8).
    """
    return build_document(
        text, source or repr(title), title=title, source=source, key=key, lang=lang, published=published,
        outlet=outlet, author=author, url=url,
    )  # fmt: skip


def build_document(
    text: str,
    where: str,
    *,
    title: str,
    source: str | None,
    key: str | None,
    lang: str | None,
    published: date | None,
    outlet: str | None = None,
    author: str | None = None,
    url: str | None = None,
) -> Document:
    """:func:`from_text`, with ``where`` (a path, ``file:line`` or title) naming the input in errors."""
    fields = (("text", text), ("title", title), ("source", source), ("key", key), ("lang", lang),
              ("outlet", outlet), ("author", author), ("url", url))  # fmt: skip
    for name, value in fields:
        problem = lone_surrogate(value, f"its {name}") if value is not None else None
        if problem:
            raise CorpusError(
                f"{where}: {problem}, which is not Unicode text and cannot be stored;"
                " fix the \\udXXXX escape in the file (or rename a file whose name is not UTF-8)"
            )
    text = _TRAILING_SPACE.sub("", normalize_text(text))
    text = _BLANK_RUNS.sub("\n\n", strip_boilerplate(text)).strip("\n")
    if not text.strip():
        raise CorpusError(f"{where}: no text (empty, whitespace or boilerplate only); add the article text or drop it")
    if lang is None:
        lang = _detect(text, where)
    elif lang not in ISO_639_1:
        raise CorpusError(
            f"{where}: language {lang!r} is not an ISO 639-1 code; use two lowercase letters such as 'en', 'ru', 'es'"
        )
    doc_id = document_id(text, title)
    return Document(
        id=doc_id, key=key or source or doc_id, title=title, lang=lang, text=text, source=source, published=published,
        outlet=outlet, author=author, url=url,
    )  # fmt: skip


# --- boilerplate ------------------------------------------------------------

# Labels of the widgets that scrapers copy below an article. Each is matched
# against a whole line, case-insensitively (see strip_boilerplate).
_BOILERPLATE_LABELS = (
    r"(?:categori[sz]ed|filed|posted) (?:in|under)",
    r"categor(?:y|ies)",
    r"tags?|tagged(?: with| in)?|topics?|keywords?",
    r"share(?: this(?: article| story| post)?)?",
    r"share (?:on|via) [\w .+]{1,20}",
    r"(?:facebook|twitter|whatsapp|telegram|linkedin|e-?mail|print|tweet|pin it)",
    r"related(?: articles| posts| stories| news| content)?",
    r"(?:read|see) (?:more|also)",
    r"continue reading",
    r"advertisements?|sponsored(?: content)?",
    r"(?:leave|post) a (?:comment|reply)|\d* ?comments?",
    r"subscribe(?: to our newsletter)?",
)
_TAG = r"[^.!?,|;:•·\n]{1,40}"  # a short tag: no sentence punctuation
_BOILERPLATE = re.compile(
    rf"(?:{'|'.join(_BOILERPLATE_LABELS)})\s*(?:[:：|]\s*(?:{_TAG}(?:\s*[,|;•·]\s*{_TAG})*)?)?\s*(?:»|›|→|…|>>)?",
    re.IGNORECASE,
)


def strip_boilerplate(text: str) -> str:
    """Remove scraping boilerplate lines from the end of ``text``.

    Rule: look at the last non-blank line; if the whole line (at most 200
    characters) is one of the labels below, optionally followed by ``:`` or
    ``|`` and a list of short tags separated by ``,``/``|``/``;``/``•``, and
    optionally ending in ``»``, ``›``, ``→``, ``…`` or ``>>``, remove it;
    repeat until a line does not match. Labels, case-insensitive:
    "Categorized in" / "Filed under" / "Posted in", "Category", "Tags" /
    "Tagged", "Topics", "Keywords", "Share this", "Share on Facebook" (any
    network), a bare network name or "Print"/"Email", "Related articles",
    "Read more", "See also", "Continue reading", "Advertisement", "Sponsored",
    "Leave a comment", "3 Comments", "Subscribe to our newsletter".

    Only the end of the text is touched, and a tag may not contain sentence
    punctuation, so an article sentence is never removed (``Tags: war,
    Belarus`` goes; ``Read more about the talks in our next issue.`` stays).

    Args:
        text: normalized text (``\\n`` newlines).

    Returns:
        The text without its trailing boilerplate lines (and trailing blank lines).
    """
    lines = text.rstrip().split("\n")
    while lines:
        last = lines[-1].strip()
        if last and not (len(last) <= 200 and _BOILERPLATE.fullmatch(last)):
            break
        lines.pop()
    return "\n".join(lines)


# --- language ---------------------------------------------------------------


def detect_language(text: str) -> str:
    """Detect the language of ``text`` offline with lingua.

    Chooses, from the first 3,000 characters, between ar, az, be, bg, bs, ca,
    cs, da, de, el, en, es, et, fa, fi, fr, he, hi, hr, hu, hy, it, ja, ka, kk,
    ko, lt, lv, mk, nb, nl, pl, pt, ro, ru, sk, sl, sq, sr, sv, tr, uk and zh:
    the news languages annot expects, all nine of the seed's coverage among
    them (ru, it, uk, es, cs, sk, pl, ka, sl).

    Args:
        text: the text; a paragraph or more gives a reliable answer.

    Returns:
        The ISO 639-1 code, lowercase.

    Raises:
        CorpusError: nothing to go by (no letters, e.g. only digits); pass
            ``lang`` explicitly.
    """
    return _detect(text, "text")


def _detect(text: str, where: str) -> str:
    language = _detector().detect_language_of(text[:_DETECT_CHARS])
    if language is None:
        raise CorpusError(
            f"{where}: cannot detect the language (no recognizable words); pass it explicitly, e.g. lang='en'"
        )
    return language.iso_code_639_1.name.lower()


@cache
def _detector() -> LanguageDetector:
    # Built once, on first use: importing lingua and loading its models takes
    # seconds, which `import annot` must not pay.
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in DETECTABLE]
    return LanguageDetectorBuilder.from_languages(*languages).build()
