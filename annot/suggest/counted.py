"""Where the counted thing after a number ends: "200 veicoli blindati | alla Bielorussia".

The counted thing is a noun phrase, and a noun phrase has a shape each
language family shares, so the rules below need only small closed-class lists
(prepositions, conjunctions, articles, pronouns, auxiliaries: ``stop`` in the
lexicons) and no list of verbs, which could never be complete:

* ``english``: modifiers, then the head, the first plural ("armored
  vehicles", "training camps") or a plural without -s from ``heads``
  ("people", "personnel"); the phrase ends after the head, so a verb after it
  ("troops remained", "people live") is never reached.
* ``romance`` (es pt fr it): after a number above one every word of the
  phrase is plural and agrees -- nouns and adjectives end in -s/-x (es pt fr)
  or -i/-e (it), while the finite verbs that follow a subject end otherwise
  ("chegaram", "viven", "vivent", "vivono"); a past participle is plural too,
  but only after an auxiliary, which is a stop word ("ont franchi").
* ``german``: lower-case inflected adjectives, then the capitalised head.
* ``slavic`` (cs pl sk sl): adjectives, the head noun, an adjective after it
  ("wozów opancerzonych"), an adjective known by the case ending the number
  governs: genitive plural after five and more ("-ých", "-ych"), nominative
  after two to four, and the oblique plural cases a preposition or verb
  imposes ("19 zagranicznym attaché", "na čtyřech cvičištích"); then a
  genitive complement of the head ("kusů dělostřelectva a minometů",
  "systemami obrony powietrznej"), known by its ending; a word with a past
  verb's ending ("tři lidé | přišli", "300 | utrpelo") is never part of it.
* ``georgian`` (ka): attributes stand before the head uninflected or cut
  short, and the head carries the case ending ("19 უცხოელ სამხედრო ატაშეს |
  გააცნო"), so the phrase ends after the first word with one.
* ``tagged`` (ru uk): pymorphy3's dictionary tags every word; nouns,
  adjectives and participles are kept, a verb, preposition, conjunction,
  adverb or particle ends the phrase.

Everywhere a unit of measure ends the phrase ("12 hektarů | lesa", "1,5
millones de euros | diarios"), and an abbreviation's period inside it is kept
("1,5 млрд рос. рублів").

In all of them a capitalised word (a name: "sistemi Iskander", "alla
Bielorussia") ends the phrase, except in German and in all-capital
abbreviations ("200 ББМ"); two phrases joined by "and" are one thing
("artillery pieces and mortars"); and "de/di/of" + a noun without an article
extends the head ("vehículos blindados de combate", "pezzi di artiglieria"),
because an article or a name after it ("soldados de la OTAN", "alla
Bielorussia") starts a new phrase -- unless the head is a unit of measure,
whose "of" names what is measured, not the unit ("600 km of border").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Protocol

from annot.names import morphology
from annot.suggest.lexicon import Table

__all__ = ["Token", "counted_end"]

_MAX_WORDS = 6
# pymorphy3 parts of speech that may stand in a counted noun phrase.
_NOMINAL = {"NOUN", "ADJF", "PRTF", None}


class Token(Protocol):
    """A token of the quantity finder: ``kind`` is "num", "word" or "punct"; ``low`` the form looked up."""

    kind: str
    text: str
    low: str
    start: int
    end: int


def counted_end(
    text: str,
    toks: Sequence[Token],
    j: int,
    table: Table,
    *,
    starts_quantity: Callable[[int], bool],
    qualified_number_end: Callable[[int], int | None],
    one: bool,
    few: bool,
) -> int:
    """The token index after the counted thing that starts at ``j`` (``j`` if none).

    Args:
        text: the text the tokens index.
        toks: its tokens.
        j: the first token after the number.
        table: the language's words; ``table.shape`` picks the rule.
        starts_quantity: whether another quantity starts at a token index.
        qualified_number_end: the token index after a qualifier and a number starting at a token index
            ("свыше 100 | мм"), or ``None``.
        one: the first word may be singular: the number is 1, or the word follows a scale's "di" ("3 milioni
            di euro").
        few: the number is 2, 3 or 4 without a scale word (Slavic agreement).
    """
    n = len(toks)

    seen: dict[int, bool] = {}

    def word(k: int) -> bool:
        """A token that may belong to a counted thing at all (asked several times per token: kept)."""
        if k not in seen:
            seen[k] = _word(k)
        return seen[k]

    def _word(k: int) -> bool:
        if k >= n:
            return False
        tok = toks[k]
        if tok.kind != "word" or tok.low in table.stop or tok.low in table.conj:
            return False
        if "\n" in text[toks[k - 1].end : tok.start] if k > 0 else False:
            return False
        if _is_name(toks, k, table):
            return False
        if k + 1 < n and toks[k + 1].kind == "num" and (k > j or toks[k + 1].start == tok.end + 1):
            return False  # "калибром 122 мм": a word before a number labels that number
        if k > j and k + 1 < n and toks[k + 1].kind == "word":
            after = qualified_number_end(k + 1)
            if after is not None and after < n and _is_measure(table, toks[after].low):
                return False  # "калибра | свыше 100 мм", "и длиной | более 5 метров": ... and a qualified measure
        return not starts_quantity(k)

    def period(k: int) -> int:
        """1 when token ``k`` is an abbreviation's period inside a phrase ("1,5 млрд рос. рублів", "руб. в год")."""
        if not (0 < k < n - 1 and toks[k].text == "." and toks[k].start == toks[k - 1].end):
            return 0
        nxt = toks[k + 1]
        return int(toks[k - 1].kind == "word" and nxt.kind == "word" and nxt.text[:1].islower())

    def thing_end(j: int) -> int:
        end = _phrase_end(toks, j, table, word, period, one=one, few=few)
        if (  # "pezzi di artiglieria", "camps d'entraînement", "pieces of artillery"
            end > j
            and end < n
            and toks[end].low in table.compound_of
            and toks[end - 1].low not in table.measures
            and word(end + 1)
            and toks[end + 1].text[:1].islower()
        ):
            end += 2
            while (
                table.shape == "romance"
                and end - j < _MAX_WORDS
                and word(end)
                and _plural_romance(toks[end], table.lang)
            ):
                end += 1  # the head's adjectives after its complement: "grupos tácticos de batallón rusos"
        return end

    end = thing_end(j)
    if end > j and end < n and toks[end].low in table.conj and end - j < _MAX_WORDS - 1:
        more = thing_end(end + 1)  # "artillery pieces and mortars", "caminhões e tanques de combustível"
        headless = table.shape == "english" and not _english_head(toks[more - 1].low, table)
        if more > end + 1 and more - j <= _MAX_WORDS + 2 and not headless:  # not "homes and | displaced"
            end = more
    return end


def _phrase_end(
    toks: Sequence[Token],
    j: int,
    table: Table,
    word: Callable[[int], bool],
    period: Callable[[int], int],
    *,
    one: bool,
    few: bool,
) -> int:
    shape, k = table.shape, j
    if shape == "english":
        while word(k) and k - j < 4:
            low = toks[k].low
            k += 1
            if not toks[k - 1].text[:1].islower():
                continue  # a name modifies the head, never is it: "31 Abrams tanks"
            if _english_plural(low) or (low in table.heads and not (word(k) and _english_plural(toks[k].low))):
                return k  # "people" ends the phrase, "personnel carriers" does not
        # No plural head: a count of one, or a unit such as "km"; keep the first word only.
        return j + 1 if word(j) else j
    if shape == "romance":
        while (
            word(k)
            and k - j < 4
            and ((one and k == j) or _plural_romance(toks[k], table.lang) or toks[k].low in table.measures)
        ):
            k += 1
            if toks[k - 1].low in table.measures:
                break  # "1,5 millones de euros | diarios": a unit of measure is the whole thing counted
        return k
    if shape == "german":
        while word(k) and k - j < 4:
            tok = toks[k]
            k += 1
            if not tok.text[:1].islower():
                return k  # the head noun
            if not tok.low.endswith(table.adjective_endings):
                return j
        return j
    if shape == "slavic":
        return _slavic_end(toks, j, table, word, few=few)
    if shape == "tagged":
        while word(k) and k - j < 5:
            low = toks[k].low
            measure = _is_measure(table, low)
            if not measure and _part_of_speech(table.lang, low) not in _NOMINAL:
                break
            k += 1 + period(k + 1)
            if measure:
                break  # "12 гектаров | леса": what a unit measures is not the unit
        return k
    if shape == "georgian":
        # Attributes come first, uninflected or cut short ("უცხოელ სამხედრო"); the head noun carries the
        # case ending ("ატაშეს", "პოლიგონზე"), and the verb that follows ("გააცნო") is outside.
        while word(k) and k - j < 4:
            k += 1
            if toks[k - 1].low.endswith(table.case_endings):
                break
        return k
    while word(k) and k - j < 5:  # a language without a shape: up to a stop word
        k += 1
    return k


def _slavic_end(toks: Sequence[Token], j: int, table: Table, word: Callable[[int], bool], *, few: bool) -> int:
    """Adjectives, the head noun, an adjective after it, then a genitive complement ("kusů | dělostřelectva")."""
    adjectives = (table.adjective_endings_few if few else table.adjective_endings) + table.adjective_endings_oblique
    k = j
    while word(k) and k - j < 4 and toks[k].low.endswith(adjectives):
        k += 1
    verbs = table.plural_verb_endings if k > j else table.neuter_verb_endings
    if not word(k) or toks[k].low.endswith(verbs):
        return k  # adjectives standing for a noun: "600 poborowych", "19 wojskowych"; "tři lidé | přišli"
    k += 1  # the head noun
    if word(k) and toks[k].low.endswith(adjectives):
        k += 1  # "wozów opancerzonych"; a second one is a participle's: "attaché wojskowym | akredytowanym w"
    if toks[k - 1].low in table.measures:
        return k  # "12 hektarů | lesa": what a unit measures is not the unit
    # A genitive complement of the head, a noun and its adjectives ("kusů dělostřelectva", "systemami obrony
    # powietrznej"), told from a verb by its ending, since no word list could hold every verb.
    c = k
    while word(c) and c - k < 2 and toks[c].low.endswith(table.genitive_adjective_endings):
        c += 1
    low = toks[c].low if word(c) else ""
    if low.endswith(table.genitive_endings) and not low.endswith(table.verb_endings):
        k = c + 1
        if word(k) and toks[k].low.endswith(table.genitive_adjective_endings):
            k += 1
    return k


def _is_measure(table: Table, low: str) -> bool:
    """A unit of measure: listed as written, or for ru and uk by its lemma ("метров"; "мм" is no noun to pymorphy3)."""
    return low in table.measures or (table.shape == "tagged" and _lemma(table.lang, low) in table.measures)


def _english_head(low: str, table: Table) -> bool:
    return _english_plural(low) or low in table.heads


def _english_plural(low: str) -> bool:
    return low.endswith("s") and not low.endswith(("ss", "us", "is"))


def _plural_romance(tok: Token, lang: str) -> bool:
    """Plural in form: "blindados", "chars", "carri", "armate"; in Italian also a loan ("camion", "tank")."""
    if tok.low.endswith("'"):
        return False  # an elided article or preposition: "d'", "l'"
    if lang == "it":
        return tok.low.endswith(("i", "e")) or tok.low[-1:] not in "aeiouàèéìòù"
    return tok.low.endswith(("s", "x")) or _all_caps(tok.text)


def _all_caps(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _is_name(toks: Sequence[Token], k: int, table: Table) -> bool:
    """A proper name or a model designation ("Iskander", "MiG-29"), which a counted thing never runs into."""
    tok, n = toks[k], len(toks)
    if k + 2 < n and toks[k + 1].text in "-–" and toks[k + 1].start == tok.end and toks[k + 2].kind == "num":
        return toks[k + 2].start == toks[k + 1].end
    if k + 1 < n and toks[k + 1].kind == "num" and toks[k + 1].start == tok.end:
        return True
    if table.shape == "german" or _all_caps(tok.text):
        return False
    return not tok.text[:1].islower() and table.shape != "english"


@functools.lru_cache(maxsize=65536)
def _lemma(lang: str, word: str) -> str:
    return morphology(lang).parse(word)[0].normal_form


@functools.lru_cache(maxsize=65536)
def _part_of_speech(lang: str, word: str) -> str | None:
    """pymorphy3's most likely part of speech; ``None`` for a word it does not know (a name, a loan)."""
    parse = morphology(lang).parse(word)[0]
    return parse.tag.POS if parse.is_known else None
