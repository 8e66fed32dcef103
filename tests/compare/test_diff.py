"""Word-level diffs: pieces that rebuild both versions exactly, and HTML that is always escaped."""

from __future__ import annotations

import html
import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annot.compare.diff import diff_html, marked_html, tokenize, word_diff

# Words from a small vocabulary make real overlaps likely; any text covers the rest.
WORDS = st.lists(
    st.sampled_from(
        ["9,000", "9.000", "Minsk", "tropas", "soldados", "<b>", "&amp;", " ", ", ", "\n", "“", "é", "中文"]
    ),
    max_size=25,
).map("".join)
TEXT = st.one_of(st.text(max_size=80), WORDS)


def _side(pieces: list[tuple[str, str]], keep: str) -> str:
    return "".join(text for op, text in pieces if op in ("equal", keep))


@settings(max_examples=400, deadline=None)
@given(TEXT, TEXT)
def test_word_diff_pieces_rebuild_both_versions(a: str, b: str):
    pieces = word_diff(a, b)
    assert _side(pieces, "delete") == a
    assert _side(pieces, "insert") == b
    assert all(text for _, text in pieces)
    assert all(op in ("equal", "delete", "insert") for op, _ in pieces)
    assert all(x[0] != y[0] for x, y in itertools.pairwise(pieces)), pieces


@settings(max_examples=400, deadline=None)
@given(TEXT, TEXT)
def test_diff_html_escapes_every_piece(a: str, b: str):
    out = diff_html(a, b)
    bare = re.sub(r"</?(del|ins)>", "", out)
    assert "<" not in bare and ">" not in bare and '"' not in bare and "'" not in bare
    # Dropping the insertions (then the tags) and unescaping gives back a; the other way round, b.
    assert html.unescape(re.sub(r"</?del>", "", re.sub(r"<ins>.*?</ins>", "", out, flags=re.DOTALL))) == a
    assert html.unescape(re.sub(r"</?ins>", "", re.sub(r"<del>.*?</del>", "", out, flags=re.DOTALL))) == b


@given(st.text(max_size=200))
def test_tokenize_joins_back(text: str):
    assert "".join(tokenize(text)) == text


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("same text.", "same text.", [("equal", "same text.")]),
        ("", "", []),
        ("", "new", [("insert", "new")]),
        ("old", "", [("delete", "old")]),
        # A replaced phrase is one deletion then one insertion, the space between its words included.
        (
            "the big dog ran.",
            "a small dog ran!",
            [("delete", "the big"), ("insert", "a small"), ("equal", " dog ran"), ("delete", "."), ("insert", "!")],
        ),
        # Punctuation is its own token: only the separator of 9,000 changed.
        (
            "hasta 9,000 tropas",
            "hasta 9.000 tropas",
            [("equal", "hasta 9"), ("delete", ","), ("insert", "."), ("equal", "000 tropas")],
        ),
        # Words are never split: a changed letter changes the word.
        ("Minsk dijo", "Minks dijo", [("delete", "Minsk"), ("insert", "Minks"), ("equal", " dijo")]),
        # Scripts without spaces are compared character by character.
        ("中文字", "中字", [("equal", "中"), ("delete", "文"), ("equal", "字")]),
    ],
)
def test_word_diff_cases(a: str, b: str, expected: list[tuple[str, str]]):
    assert word_diff(a, b) == expected


def test_word_diff_long_texts_keep_common_tokens():
    # difflib's autojunk would ignore spaces and commas in texts over 200 tokens and mark everything changed.
    a = ", ".join(f"palabra{i}" for i in range(300))
    b = a.replace("palabra150", "otra")
    assert word_diff(a, b) == [
        ("equal", a[: a.index("palabra150")]),
        ("delete", "palabra150"),
        ("insert", "otra"),
        ("equal", a[a.index("palabra150") + len("palabra150") :]),
    ]


def test_diff_html_marks_and_escapes():
    out = diff_html('<img src=x onerror="alert(1)"> dijo', "<script>alert('x')</script> dijo")
    assert "<script>" not in out and "<img" not in out
    assert "&lt;" in out and "&#x27;x&#x27;" in out and "&quot;" in out
    assert out.endswith(" dijo") and "<del>" in out and "<ins>" in out
    assert diff_html("a & b", "a & c") == "a &amp; <del>b</del><ins>c</ins>"


@st.composite
def _marked_case(draw: st.DrawFn) -> tuple[str, str, list[tuple[int, int, str, str]]]:
    a, b = draw(TEXT), draw(TEXT)
    offsets = st.integers(0, len(b))
    marks = [(s, e, "flag-range k-lost", draw(st.sampled_from(["", "<i>t</i>", "a \"b\""])))
             for s, e in (sorted((draw(offsets), draw(offsets))) for _ in range(draw(st.integers(0, 3))))]  # fmt: skip
    return a, b, marks


def _marks_removed(page: str) -> str:
    return re.sub(r"<mark [^>]*>|</mark>", "", page)


@settings(max_examples=300, deadline=None)
@given(_marked_case())
def test_diff_html_marks_ranges_of_the_translation_and_escapes_them(case):
    a, b, marks = case
    page = diff_html(a, b, marks)
    # Marks add nothing but themselves: without them, the diff as before.
    assert _marks_removed(page) == diff_html(a, b)
    assert _marks_removed(marked_html(b, marks)) == html.escape(b, quote=True)
    # What is marked, the deletions left out, is what the ranges cover in b.
    kept = re.sub(r"<del>.*?</del>|</?ins>", "", page, flags=re.S)
    covered = {i for s, e, _, _ in marks for i in range(s, e)}
    shown = re.findall(r"<mark [^>]*>(.*?)</mark>", kept, flags=re.S)
    assert "".join(html.unescape(m) for m in shown) == "".join(b[i] for i in sorted(covered))
    assert not re.search(r"<(?!/?(del|ins|mark)\b)", page)  # no other markup, whatever the text holds


def test_marked_html_merges_overlapping_ranges_without_nesting():
    out = marked_html("a <b> c", [(0, 5, "x", "one"), (2, 7, "y", "two"), (3, 3, "z", "empty")])
    assert out == ('<mark class="x" title="one">a </mark><mark class="x y" title="one; two">&lt;b&gt;</mark>'
                   '<mark class="y" title="two"> c</mark>')  # fmt: skip
