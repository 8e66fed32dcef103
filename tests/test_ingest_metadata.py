"""Where a document comes from, read at ingest: HTML metadata, JSONL fields, front matter in .txt and .md."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annot.errors import CorpusError
from annot.ingest import read_file
from annot.ingest.formats import split_front_matter
from annot.model import Document, document_id

ES = (
    "Rusia enviará hasta 9.000 soldados a Bielorrusia para una agrupación regional conjunta, según Minsk.\n\n"
    "El ministerio de Defensa bielorruso afirmó que el despliegue tiene fines puramente defensivos."
)
FRONT = """---
title: Rusia enviará hasta 9.000 soldados a Bielorrusia
outlet: Diario del Sur
author: María López
published: 2022-10-17T16:40:00+02:00
url: https://example.org/es/rusia-bielorrusia
lang: es
---
"""
PLUS_TWO = timezone(timedelta(hours=2))


def _doc(path: Path, **kwargs: str) -> Document:
    (item,) = read_file(path, **kwargs)
    assert isinstance(item, Document), item
    return item


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["rusia-2022-10-01.txt", "rusia-2022-10-01.md"])
def test_front_matter_gives_metadata_and_leaves_the_text(tmp_path: Path, name: str):
    doc = _doc(_write(tmp_path, name, FRONT + ES + "\n"))
    assert doc.text == ES  # the block is not part of the text
    assert (doc.title, doc.lang, doc.outlet, doc.author, doc.url) == (
        "Rusia enviará hasta 9.000 soldados a Bielorrusia", "es", "Diario del Sur", "María López",
        "https://example.org/es/rusia-bielorrusia",
    )  # fmt: skip
    # It wins over the file name's date; the offset given is kept.
    assert doc.published == datetime(2022, 10, 17, 16, 40, tzinfo=PLUS_TWO)
    assert doc.id == document_id(ES, doc.title)


def test_front_matter_wins_over_the_lang_argument_and_ignores_unknown_keys(tmp_path: Path):
    text = "---\nlang: es\ntags: [rusia, bielorrusia]\nlayout: post\npublished: 2022-10-17\n---\n" + ES
    doc = _doc(_write(tmp_path, "rusia.en.txt", text), lang="en")
    assert (doc.lang, doc.published, doc.outlet, doc.text) == ("es", date(2022, 10, 17), None, ES)
    assert doc.title == "Rusia"  # no title in the block: the file name's


def test_markdown_heading_stays_the_title_over_front_matter(tmp_path: Path):
    doc = _doc(
        _write(
            tmp_path, "rusia.es.md", "---\ntitle: From the block\noutlet: Diario\n---\n# Rusia y Bielorrusia\n\n" + ES
        )
    )
    assert (doc.title, doc.outlet) == ("Rusia y Bielorrusia", "Diario")


@given(st.text())
def test_text_without_a_closed_front_matter_block_is_returned_unchanged(text: str):
    meta, rest = split_front_matter("---\n" + text.replace("-", ""), "a.txt")
    assert (meta, rest) == ({}, "---\n" + text.replace("-", ""))
    if "---" not in text:
        assert split_front_matter(text, "a.txt") == ({}, text)


@given(st.dictionaries(st.sampled_from(["outlet", "author"]), st.text("abc xyzé", min_size=1).filter(str.strip)))
def test_front_matter_values_come_back_on_one_line(values: dict[str, str]):
    block = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in values.items())
    meta, rest = split_front_matter(f"---\n{block}---\nText.", "a.txt")
    assert rest == "Text." and meta == {key: " ".join(value.split()) for key, value in values.items()}


@pytest.mark.parametrize("name", ["rule.es.txt", "rule.es.md"])
def test_first_line_dashes_without_a_closing_line_is_text(tmp_path: Path, name: str):
    text = "---\n" + ES
    doc = _doc(_write(tmp_path, name, text))
    assert doc.outlet is None and doc.published is None
    if name.endswith(".txt"):
        assert doc.text == text  # kept as it is, and so its id
        assert doc.id == document_id(text, "Rule")


def test_txt_without_front_matter_keeps_its_text_and_id(tmp_path: Path):
    text = "\ufeff" + ES.replace("\n", "\r\n")
    doc = _doc(_write(tmp_path, "plain.es.txt", text))
    assert doc.text == ES and doc.id == document_id(ES, "Plain")


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("title: [unclosed\n", "front matter is not valid YAML .*; fix the block between the --- lines"),
        ("- a list\n- of things\n", "front matter is list, not 'key: value' lines; fix the block"),
        ("just a line\n", "front matter is str, not 'key: value' lines"),
        ("published: last monday\n", "front matter published 'last monday' is not an ISO 8601 date"),
        ("url: not a url\n", "front matter url 'not a url' is neither a URL"),
        ("outlet: [a, b]\n", "front matter outlet must be text, got list"),
    ],
)
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_bad_front_matter_is_one_line_naming_the_file(tmp_path: Path, block: str, message: str, suffix: str):
    path = _write(tmp_path, f"bad.es{suffix}", f"---\n{block}---\n{ES}")
    with pytest.raises(CorpusError, match=message) as error:
        read_file(path)
    assert str(error.value).startswith(f"{path}: ") and "\n" not in str(error.value)


def test_front_matter_numbers_become_text_and_empty_keys_are_unknown(tmp_path: Path):
    doc = _doc(_write(tmp_path, "n.es.txt", "---\ntitle: 1984\noutlet:\nauthor: ''\n---\n" + ES))
    assert (doc.title, doc.outlet, doc.author) == ("1984", None, None)


HTML = """<!doctype html>
<html lang="es"><head>
<title>Rusia enviará hasta 9.000 soldados | Diario del Sur</title>
<meta property="og:title" content="Rusia enviará hasta 9.000 soldados a Bielorrusia">
<meta property="og:site_name" content="Diario del Sur">
<meta name="author" content="María López">
<meta property="og:url" content="https://example.org/es/rusia-bielorrusia">
<meta property="article:published_time" content="2022-10-17T14:05:00+03:00">
</head><body>
<nav><a href="/">Portada</a></nav>
<article><h1>Rusia enviará hasta 9.000 soldados a Bielorrusia</h1>
<p>Rusia enviará hasta 9.000 soldados a Bielorrusia para una agrupación regional conjunta,
según informó Minsk el lunes.</p>
<p>El ministerio de Defensa bielorruso afirmó que el despliegue tiene fines puramente defensivos
y no amenaza a nadie.</p>
</article></body></html>
"""


def test_html_metadata_outlet_author_url_and_the_time_of_publication(tmp_path: Path):
    doc = _doc(_write(tmp_path, "rusia.html", HTML))
    assert (doc.title, doc.outlet, doc.author, doc.url) == (
        "Rusia enviará hasta 9.000 soldados a Bielorrusia", "Diario del Sur", "María López",
        "https://example.org/es/rusia-bielorrusia",
    )  # fmt: skip
    assert doc.published == datetime(2022, 10, 17, 14, 5, tzinfo=timezone(timedelta(hours=3)))
    assert doc.published.utcoffset() == timedelta(hours=3)


def test_html_without_a_site_name_takes_the_host_and_without_a_time_the_day(tmp_path: Path):
    html = (
        HTML.replace('<meta property="og:site_name" content="Diario del Sur">\n', "")
        .replace(" | Diario del Sur</title>", "</title>")  # trafilatura would take the site name from the title
        .replace('<meta property="article:published_time" content="2022-10-17T14:05:00+03:00">', "")
        .replace("</head>", '<meta name="date" content="2022-10-17"></head>')
    )
    doc = _doc(_write(tmp_path, "rusia.html", html))
    assert (doc.outlet, doc.published) == ("example.org", date(2022, 10, 17))


def test_jsonl_metadata_fields(tmp_path: Path):
    records = [
        {"id": "a", "text": ES, "lang": "es", "outlet": "Diario del Sur", "author": "María López",
         "published": "2022-10-17T16:40:00+02:00", "url": "https://example.org/es/a"},
        {"id": "b", "text": ES, "lang": "es", "published": "2022-10-17", "outlet": None},
        {"id": "c", "text": ES, "lang": "es", "outlet": 12},
        {"id": "d", "text": ES, "lang": "es", "url": "no url"},
    ]  # fmt: skip
    path = _write(tmp_path, "batch.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    a, b, c, d = read_file(path)
    assert isinstance(a, Document) and isinstance(b, Document)
    assert (a.outlet, a.author, a.url) == ("Diario del Sur", "María López", "https://example.org/es/a")
    assert a.published == datetime(2022, 10, 17, 16, 40, tzinfo=PLUS_TWO)
    assert (b.outlet, b.author, b.url, b.published) == (None, None, None, date(2022, 10, 17))
    assert str(c) == f'{path}:3: "outlet" must be a string, got int'
    assert str(d).startswith(f"{path}:4: url 'no url' is neither a URL")
