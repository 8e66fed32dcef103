"""annot.export.tokens: ``Tokens.bounds`` places a span exactly as spaCy's strict ``char_span`` does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annot.export.tokens import Tokens, offsets, token_bounds
from tests.export.strategies import LANGS, TEXT


@st.composite
def _text_and_spans(draw: st.DrawFn) -> tuple[str, str, list[tuple[int, int]]]:
    text = draw(TEXT)
    ends = st.integers(0, len(text))
    spans = [tuple(sorted(pair)) for pair in draw(st.lists(st.tuples(ends, ends), max_size=20))]
    return text, draw(st.sampled_from(LANGS)), [(a, b) for a, b in spans if a < b]


@settings(max_examples=150, deadline=None)
@given(_text_and_spans())
def test_tokens_bounds_is_spacys_strict_char_span(case: tuple[str, str, list[tuple[int, int]]]):
    text, lang, spans = case
    tokens = Tokens(text, lang)
    assert tokens.offsets() == offsets(tokens.doc) == [(t.idx, t.idx + len(t), bool(t.whitespace_)) for t in tokens.doc]
    assert len(tokens) == len(tokens.doc)
    every_token = [(start, end) for start, end, _ in tokens.offsets()]  # each token's own span is on its bounds
    for start, end in [*spans, *every_token]:
        assert tokens.bounds(start, end) == token_bounds(tokens.doc, start, end), (text, start, end)
