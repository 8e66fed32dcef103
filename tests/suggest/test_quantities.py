"""Quantity suggestions: the phrase table, the seed article, and properties of every guess."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annot.ingest import read_file
from annot.schema import load_schema
from annot.segment import segment
from annot.suggest import QUALIFIERS, QuantityGuess, find_quantities, parse_quantity
from annot.suggest.lexicon import table_for
from tests.conftest import SEED

SCHEMA = load_schema()

# text, lang, value, unit, qualifier, low, high
CASES = [
    ("up to 200 armored combat vehicles", "en", 200, "armored combat vehicles", "up to", None, None),
    ("9,000", "en", 9000, None, "exact", None, None),
    ("up to 9,000 military personnel", "en", 9000, "military personnel", "up to", None, None),
    ("some 170 tanks", "en", 170, "tanks", "approximately", None, None),
    ("about 50 km", "en", 50, "km", "approximately", None, None),
    ("around 50 km", "en", 50, "km", "approximately", None, None),
    ("roughly 50 km", "en", 50, "km", "approximately", None, None),
    ("nearly 50 km", "en", 50, "km", "approximately", None, None),
    ("almost 50 km", "en", 50, "km", "approximately", None, None),
    ("approximately 50 km", "en", 50, "km", "approximately", None, None),
    ("at least 19 foreign military attachés", "en", 19, "foreign military attachés", "at least", None, None),
    ("more than 100", "en", 100, None, "more than", None, None),
    ("over 100", "en", 100, None, "more than", None, None),
    ("fewer than 10", "en", 10, None, "less than", None, None),
    ("less than 10", "en", 10, None, "less than", None, None),
    ("under 10", "en", 10, None, "less than", None, None),
    ("between 100 and 200 soldiers", "en", 100, "soldiers", "range", 100, 200),
    ("100-200 soldiers", "en", 100, "soldiers", "range", 100, 200),
    ("100 to 200", "en", 100, None, "range", 100, 200),
    ("between 1 and 2 million people", "en", 1_000_000, "people", "range", 1_000_000, 2_000_000),
    ("nine thousand troops", "en", 9000, "troops", "exact", None, None),
    ("a dozen", "en", 12, None, "exact", None, None),
    ("hundreds of soldiers", "en", 200, "soldiers", "at least", None, None),
    ("tens of thousands of people", "en", 20_000, "people", "at least", None, None),
    ("two", "en", 2, None, "exact", None, None),
    ("two hundred and fifty tanks", "en", 250, "tanks", "exact", None, None),
    ("1.5 million people", "en", 1_500_000, "people", "exact", None, None),
    ("9 000", "en", 9000, None, "exact", None, None),
    ("3.5%", "en", 3.5, "%", "exact", None, None),
    ("10 per cent", "en", 10, "%", "exact", None, None),
    ("up to $5 billion in aid", "en", 5_000_000_000, "$", "up to", None, None),
    (
        "up to 100 artillery pieces and mortars to the southern border",
        "en",
        100,
        "artillery pieces and mortars",
        "up to",
        None,
        None,
    ),
    ("9.000 soldados", "pt", 9000, "soldados", "exact", None, None),
    ("hasta 9.000 soldados", "es", 9000, "soldados", "up to", None, None),
    ("cerca de 200 soldados de la OTAN", "es", 200, "soldados", "approximately", None, None),
    ("más de 100", "es", 100, None, "more than", None, None),
    ("entre 100 y 200 soldados", "es", 100, "soldados", "range", 100, 200),
    ("miles de personas", "es", 2000, "personas", "at least", None, None),
    ("até 9.000 soldados", "pt", 9000, "soldados", "up to", None, None),
    ("mais de 100 tanques", "pt", 100, "tanques", "more than", None, None),
    ("jusqu'à 200 chars", "fr", 200, "chars", "up to", None, None),
    ("jusqu’à 200 chars", "fr", 200, "chars", "up to", None, None),
    ("plus de 1,5 million de personnes", "fr", 1_500_000, "personnes", "more than", None, None),
    ("bis zu 100 Panzer", "de", 100, "Panzer", "up to", None, None),
    ("mehr als 1,5 Millionen Menschen", "de", 1_500_000, "Menschen", "more than", None, None),
    ("до 200 танков", "ru", 200, "танков", "up to", None, None),
    ("около 50 км", "ru", 50, "км", "approximately", None, None),
    ("более 9 тыс. военных", "ru", 9000, "военных", "more than", None, None),
    ("от 100 до 200 солдат", "ru", 100, "солдат", "range", 100, 200),
]


@pytest.mark.parametrize(("text", "lang", "value", "unit", "qualifier", "low", "high"), CASES)
def test_parse_quantity_reads_the_phrase(text, lang, value, unit, qualifier, low, high):
    guess = parse_quantity(text, lang)
    assert guess is not None
    assert (guess.value, guess.unit, guess.qualifier, guess.low, guess.high) == (value, unit, qualifier, low, high)
    assert type(guess.value) is type(value)
    assert SCHEMA.validate("QUANTITY", guess.to_attrs())["qualifier"] == qualifier


# The longest qualifier phrase before the number wins: a phrase that ends with a shorter one means
# something else ("no more than" is at most, not "more than").
LONGEST = [
    ("no more than 100", "en", "up to", "no more than 100"),
    ("not more than 100 tanks", "en", "up to", "not more than 100 tanks"),
    ("no fewer than 10 tanks", "en", "at least", "no fewer than 10 tanks"),
    ("no less than 10", "en", "at least", "no less than 10"),
    ("They said no more than 9,000 troops, no more.", "en", "up to", "no more than 9,000 troops"),
    ("no más de 100 soldados", "es", "up to", "no más de 100 soldados"),
    ("no menos de 100 soldados", "es", "at least", "no menos de 100 soldados"),
    ("não mais de 100 tanques", "pt", "up to", "não mais de 100 tanques"),
    ("não menos de 100 tanques", "pt", "at least", "não menos de 100 tanques"),
    ("pas plus de 200 chars", "fr", "up to", "pas plus de 200 chars"),
    ("pas moins de 200 chars", "fr", "at least", "pas moins de 200 chars"),
    ("nicht mehr als 100 Panzer", "de", "up to", "nicht mehr als 100 Panzer"),
    ("nicht weniger als 100 Panzer", "de", "at least", "nicht weniger als 100 Panzer"),
    ("не более 200 танков", "ru", "up to", "не более 200 танков"),
    ("не менее 50 км", "ru", "at least", "не менее 50 км"),
    ("не больше 200 танков", "ru", "up to", "не больше 200 танков"),
]


@pytest.mark.parametrize(("text", "lang", "qualifier", "phrase"), LONGEST)
def test_parse_quantity_longest_qualifier_phrase_wins(text, lang, qualifier, phrase):
    guess = parse_quantity(text, lang)
    assert guess is not None
    assert (guess.qualifier, text[guess.start : guess.end]) == (qualifier, phrase)
    assert [(q.qualifier, text[q.start : q.end]) for q in find_quantities(text, lang)] == [(qualifier, phrase)]


@pytest.mark.parametrize("text", ["", "no number here", "10/17/2022", "MiG-29 jets", "on the 17th", "17.10.2022"])
def test_parse_quantity_without_a_number_is_none(text):
    assert parse_quantity(text) is None


def test_parse_quantity_phrase_covers_qualifier_and_unit():
    text = "They said up to 9,000 military personnel, not more."
    guess = parse_quantity(text)
    assert guess is not None
    assert text[guess.start : guess.end] == "up to 9,000 military personnel"


def test_qualifiers_are_the_schema_choices():
    assert tuple(SCHEMA.label("QUANTITY").attributes["qualifier"].choices) == QUALIFIERS


def test_to_attrs_drops_unset_bounds():
    guess = QuantityGuess(value=9000, unit=None, qualifier="exact", start=0, end=5)
    assert guess.to_attrs() == {"value": 9000, "qualifier": "exact"}


def test_find_quantities_skips_dates_years_and_lone_one():
    text = "On October 17, 2022 one of the 100 trains; in 2014 some 2 000 men (10/17/2022)."
    phrases = [text[g.start : g.end] for g in find_quantities(text)]
    assert phrases == ["100 trains", "some 2 000 men"]
    assert parse_quantity("in 2022") == QuantityGuess(value=2022, unit=None, qualifier="exact", start=3, end=7)


def _seed_sentences() -> list[str]:
    doc = read_file(SEED)[0]
    return [s.text for s in segment(doc)]


def _summary(text: str) -> list[tuple[str, int | float, str | None, str]]:
    return [(text[g.start : g.end], g.value, g.unit, g.qualifier) for g in find_quantities(text)]


def test_find_quantities_on_the_seed_sentence():
    sentence = next(s for s in _seed_sentences() if s.startswith("Russia will send"))
    assert _summary(sentence) == [
        ("some 170 tanks", 170, "tanks", "approximately"),
        ("up to 200 armored combat vehicles", 200, "armored combat vehicles", "up to"),
        ("up to 100 artillery pieces and mortars", 100, "artillery pieces and mortars", "up to"),
    ]


def test_find_quantities_on_the_whole_seed_article():
    found = [q for s in _seed_sentences() for q in _summary(s)]
    assert found == [
        ("up to 9,000 military personnel", 9000, "military personnel", "up to"),
        ("some 170 tanks", 170, "tanks", "approximately"),
        ("up to 200 armored combat vehicles", 200, "armored combat vehicles", "up to"),
        ("up to 100 artillery pieces and mortars", 100, "artillery pieces and mortars", "up to"),
        ("19 foreign military attachés", 19, "foreign military attachés", "exact"),
        ("up to 9,000 Russian soldiers", 9000, "Russian soldiers", "up to"),
        ("four training camps", 4, "training camps", "exact"),
    ]


_PIECES = [
    "up",
    "to",
    "200",
    "9,000",
    "1.5",
    "1,5",
    "9 000",
    "million",
    "thousand",
    "-",
    "–",
    "/",
    ":",
    ".",
    ",",
    "hundreds",
    "of",
    "tens",
    "tanks",
    "soldiers",
    "%",
    "$",
    "some",
    "between",
    "and",
    "from",
    "one",
    "a",
    "dozen",
    "2022",
    "in",
    "October",
    "May",
    "17",
    "17th",
    "\n",
    " ",
    " ",
    " ",
    "hasta",
    "de",
    "jusqu'à",
    "до",
    "тыс",
    "mil",
    "bis zu",
    "over",
    "nine",
    "and",
    "99999999999999999999",
    "0",
    "007",
]
_TEXTS = st.one_of(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join), st.text(max_size=60))


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS, lang=st.sampled_from(["en", "es", "pt", "fr", "de", "ru", "xx"]))
def test_every_guess_slices_its_text_and_validates(text, lang):
    guesses = find_quantities(text, lang)
    previous_end = 0
    for guess in guesses:
        assert previous_end <= guess.start < guess.end <= len(text)
        previous_end = guess.end
        phrase = text[guess.start : guess.end]
        assert phrase == phrase.strip()
        assert guess.unit is None or guess.unit in phrase
        assert all(math.isfinite(v) for v in (guess.value, guess.low, guess.high) if v is not None)
        assert SCHEMA.validate("QUANTITY", guess.to_attrs())["qualifier"] == guess.qualifier
    first = parse_quantity(text, lang)
    assert first is None or text[first.start : first.end].strip()


# -- qualifiers: properties over the lexicon ------------------------------------------------------------

_LANGS = ("en", "es", "pt", "fr", "de", "ru")
_UNIT = {"en": "tanks", "es": "soldados", "pt": "tanques", "fr": "chars", "de": "Panzer", "ru": "танков"}
# Words that are no part of a qualifier, a number or a date in any of the tables.
_NEUTRAL = ("Minsk", "reported", "Kyiv")


def _render(words: list[str]) -> str:
    """Words as text: "jusqu'" is glued to the next word, as the tokenizer reads "jusqu'à"."""
    return "".join(w if w.endswith("'") else w + " " for w in words)


def _nested(lang: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(longer, shorter) qualifier phrases of ``lang``: the shorter ends the longer and means something else."""
    phrases = table_for(lang).qualifiers
    return [
        (longer, shorter)
        for longer in phrases
        for shorter in phrases
        if len(shorter) < len(longer) and longer[-len(shorter) :] == shorter and phrases[longer] != phrases[shorter]
    ]


_NESTED = [(lang, longer, shorter) for lang in _LANGS for longer, shorter in _nested(lang)]


def test_every_language_has_nested_qualifiers_to_test():
    assert {lang for lang, _, _ in _NESTED} == set(_LANGS)


@settings(max_examples=300, deadline=None)
@given(
    nested=st.sampled_from(_NESTED),
    data=st.data(),
    value=st.integers(2, 999),
)
def test_longer_qualifier_phrase_wins_over_the_shorter_it_ends_with(nested, data, value):
    lang, longer, shorter = nested
    # Words before the phrase repeat the shorter phrase's words and neutral ones, never making a longer phrase.
    before = data.draw(st.lists(st.sampled_from([*shorter, *_NEUTRAL]), max_size=6))
    table = table_for(lang)
    assert not any(len(p) > len(longer) and p[-len(longer) :] == longer for p in table.qualifiers)
    lead = _render(before)
    text = f"{lead}{_render(list(longer))}{value} {_UNIT[lang]}"
    guess = parse_quantity(text, lang)
    assert guess is not None
    assert guess.qualifier == table.qualifiers[longer] != table.qualifiers[shorter]
    assert (guess.start, guess.value) == (len(lead), value)


@settings(max_examples=300, deadline=None)
@given(lang=st.sampled_from(_LANGS), data=st.data(), value=st.integers(2, 999))
def test_qualifier_is_the_longest_phrase_ending_before_the_number(lang, data, value):
    table = table_for(lang)
    phrases = sorted(table.qualifiers)
    vocabulary = sorted({word for phrase in phrases for word in phrase} | set(_NEUTRAL))
    # Qualifier words in any order, repeated, then a whole phrase right before the number.
    words = data.draw(st.lists(st.sampled_from(vocabulary), max_size=6)) + list(data.draw(st.sampled_from(phrases)))
    text = f"{_render(words)}{value} {_UNIT[lang]}"
    size = max(n for n in range(1, len(words) + 1) if tuple(words[-n:]) in table.qualifiers)
    guess = parse_quantity(text, lang)
    assert guess is not None
    assert guess.qualifier == table.qualifiers[tuple(words[-size:])]
    assert text[guess.start :] == f"{_render(words[-size:])}{value} {_UNIT[lang]}"
