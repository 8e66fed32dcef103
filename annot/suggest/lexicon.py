"""Word lists per language that quantity suggestions look words up in, read from ``lexicons/<lang>.toml``.

One TOML file per language holds its qualifier phrases, scale words
("mila", "тыс", "tys"), function words that end a counted thing, month names
and the like; number words come from the file and, where they read a language
better than a hand list, from two PyPI packages:

* ``text2num`` (``text_to_num.text2num``) for en es pt fr de it: it reads
  compounds no list can hold ("novemila", "zweihundertfünfzig",
  "quatre-vingt-dix");
* ``number_parser``'s CLDR-derived word lists for ru and uk: every case form
  of every numeral ("четырех", "девяти", "чотирьох", "ста").

A language without a file gets :data:`NEUTRAL`: digits, scale-free, no words
at all (never another language's words).
"""

from __future__ import annotations

import functools
import importlib
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources

__all__ = ["CURRENCIES", "LANGUAGES", "NEUTRAL", "ORDINALS", "Table", "table_for"]

CURRENCIES = set("$€£¥₽₴")
ORDINALS = {"st", "nd", "rd", "th", "º", "ª", "er", "e", "ème", "eme", "o", "a", "й", "го"}
# Suffixes of ordinals written "5-й", "17-го", "3-я", "3-тя", "2-ї", "10-ти" (ru, uk): after a dash, never a quantity.
DASH_ORDINALS = set(
    "й го я е ое ая ий ой ого ому ом х м ї ій ти ть ша тя га та те ті му ма ту ге ої".split()
)  # fmt: skip
LANGUAGES = ("cs", "de", "en", "es", "fr", "it", "ka", "pl", "pt", "ru", "sk", "sl", "uk")
_TEXT2NUM = {"en", "es", "pt", "fr", "de", "it"}
_NUMBER_PARSER = {"ru", "uk"}


@dataclass(frozen=True, slots=True)
class Table:
    """One language's words, in the forms the quantity parser looks up (lower case unless said)."""

    lang: str = ""
    qualifiers: dict[tuple[str, ...], str] = field(default_factory=dict)
    suffixes: dict[str, str] = field(default_factory=dict)  # Georgian "200-მდე": qualifier after a dash
    openers: set[str] = field(default_factory=set)  # "between", "from"
    to_words: set[str] = field(default_factory=set)  # make a range on their own: "100 to 200"
    and_words: set[str] = field(default_factory=set)  # make a range only after an opener
    of_words: set[str] = field(default_factory=set)  # after a plural: "hundreds of"
    compound_of: set[str] = field(default_factory=set)  # inside a counted thing: "vehículos de combate"
    conj: set[str] = field(default_factory=set)
    stop: set[str] = field(default_factory=set)  # function words and verbs: a counted thing ends before them
    scales: dict[str, Decimal] = field(default_factory=dict)
    abbreviated: set[str] = field(default_factory=set)  # scales whose period is not a sentence end: "тыс."
    plurals: dict[str, Decimal] = field(default_factory=dict)
    collectives: dict[str, Decimal] = field(default_factory=dict)  # group nouns after a number: "two dozen"
    phrases: dict[tuple[str, ...], tuple[Decimal, str]] = field(default_factory=dict)  # "не одна тысяча"
    phrase_starts: set[str] = field(default_factory=set)  # the first words of ``phrases``: most words start none
    percent: set[tuple[str, ...]] = field(default_factory=lambda: {("%",)})
    months: set[str] = field(default_factory=set)
    month_day: bool = False  # True: a day follows its month ("March 3"); else "2 marca 12 baterii" is no date
    months_case: bool = False  # True: exact spelling ("May" is a month, "may" a verb); else lower case
    year_preps: set[str] = field(default_factory=set)  # "in 2022"
    year_words: set[str] = field(default_factory=set)  # "2022 года", "roku"
    dot_ordinals: bool = False  # "17. brigáda": a number, a period, a lower-case word is an ordinal
    words: dict[str, Decimal] = field(default_factory=dict)  # number words
    joiners: set[str] = field(default_factory=set)  # "treinta y cinco", "two hundred and fifty"
    not_numbers: set[str] = field(default_factory=set)  # homographs: ru "семью" (family), fr "neuf" stays
    plural_articles: set[str] = field(default_factory=set)  # fr "des" (milliers)
    shape: str = ""  # the noun phrase rule of annot.suggest.counted: english romance german slavic tagged
    heads: set[str] = field(default_factory=set)  # english plurals without -s: "people", "personnel"
    measures: set[str] = field(default_factory=set)  # units whose "of" is the measured thing: "km of border"
    adjective_endings: tuple[str, ...] = ()  # slavic: after 5+ (genitive plural); german: any inflection
    adjective_endings_few: tuple[str, ...] = ()  # slavic: after 2-4 (nominative plural)
    adjective_endings_oblique: tuple[str, ...] = ()  # slavic: dative, instrumental, locative plural ("-ym", "-ými")
    genitive_endings: tuple[str, ...] = ()  # slavic: a noun complementing the head ("kusů | dělostřelectva")
    genitive_adjective_endings: tuple[str, ...] = ()  # slavic: its adjectives ("obrony | powietrznej")
    verb_endings: tuple[str, ...] = ()  # slavic: finite verbs, never in a counted thing ("přišli", "przybyło")
    plural_verb_endings: tuple[str, ...] = ()  # slavic: after adjectives, a past verb ends the phrase ("lidé | přišli")
    neuter_verb_endings: tuple[str, ...] = ()  # slavic: right after the number too ("300 | utrpelo")
    change_verbs: tuple[str, ...] = ()  # stems: "снизи", "spad": "до 6,5%" after them is the value reached
    exceed_verbs: tuple[str, ...] = ()  # stems: "превыс", "exceed": the number after them is *more than*
    clock_before: set[str] = field(default_factory=set)  # "alle 19", "godz. 19": a time of day, not a count
    clock_after: set[str] = field(default_factory=set)  # "19 Uhr", "v 19 hodin"
    clock_preps: set[str] = field(default_factory=set)  # if set, clock_after needs one before the number ("v")
    case_endings: tuple[str, ...] = ()  # georgian: the head noun's case ending ends the phrase ("ტანკს")
    compounds: bool = False  # number words written as one with a scale: "dvetisíc" (sk), "dvatisoč" (sl)

    def is_month(self, text: str) -> bool:
        """Whether a token names a month, in this language's case rule."""
        return (text if self.months_case else text.lower()) in self.months

    def word_value(self, low: str) -> Decimal | None:
        """The value of one number word ("quattro", "novemila", "четырех"), or ``None``."""
        if low in self.not_numbers:
            return None
        found = self.words.get(low)
        if found is None and self.lang in _TEXT2NUM and len(low) > 2:
            found = _text2num(low, self.lang)
        if found is None and self.compounds and len(low) > 5:
            found = _compound(self.lang, low, "scales")  # "dvetisíc", "tritisoč": written as one word
        return found

    def plural_compound(self, low: str) -> Decimal | None:
        """A vague plural written as one word, ``10 * 1000`` for "desaťtisíce" (tens of thousands), or ``None``."""
        return _compound(self.lang, low, "plurals") if self.compounds and len(low) > 5 else None


NEUTRAL = Table()


@functools.lru_cache(maxsize=65536)
def _compound(lang: str, low: str, kind: str) -> Decimal | None:
    """A number word and a scale (``kind="scales"``) or a vague plural (``"plurals"``) written as one word."""
    table = table_for(lang)
    suffixes: dict[str, Decimal] = getattr(table, kind)
    for suffix, size in suffixes.items():
        head = low[: -len(suffix)]
        if size >= 1000 and low.endswith(suffix) and head in table.words:
            return table.words[head] * size
    return None


@functools.lru_cache(maxsize=65536)
def _text2num(word: str, lang: str) -> Decimal | None:
    from text_to_num import text2num

    try:
        return Decimal(text2num(word, lang))
    except ValueError:
        return None


def _words_of_number_parser(lang: str) -> dict[str, Decimal]:
    info = importlib.import_module(f"number_parser.data.{lang}").info
    found: dict[str, Decimal] = {}
    for key in ("UNIT_NUMBERS", "DIRECT_NUMBERS", "TENS", "HUNDREDS", "BIG_POWERS_OF_TEN"):
        found.update({w.replace("ʼ", "'"): Decimal(v) for w, v in info[key].items()})
    return found


def _numbers(spec: dict[str, float | int]) -> dict[str, Decimal]:
    return {w: Decimal(str(v)) for w, v in spec.items()}


@functools.cache
def table_for(lang: str) -> Table:
    """The table of an ISO 639-1 code ("pt", "pt-BR", "pt_BR"); :data:`NEUTRAL` for other languages."""
    code = lang.split("-")[0].split("_")[0].lower()
    if code not in LANGUAGES:
        return NEUTRAL
    raw = tomllib.loads(resources.files("annot.suggest").joinpath(f"lexicons/{code}.toml").read_text("utf-8"))
    words = _words_of_number_parser(code) if code in _NUMBER_PARSER else {}
    words.update(_numbers(raw.get("words", {})))
    scales = _numbers(raw.get("scales", {}))
    words = {w: v for w, v in words.items() if w not in scales or v < 1000}
    qualifiers = {tuple(p.split()): q for q, phrases in raw.get("qualifiers", {}).items() for p in phrases}
    case = raw.get("months_case", False)
    months = set(raw.get("months", []))
    phrases = {
        tuple(p.split()): (Decimal(str(v)), q) for q, items in raw.get("phrases", {}).items() for p, v in items.items()
    }
    return Table(
        lang=code,
        qualifiers=qualifiers,
        suffixes={s: q for q, items in raw.get("suffixes", {}).items() for s in items},
        openers=set(raw.get("openers", [])),
        to_words=set(raw.get("to", [])),
        and_words=set(raw.get("and", [])),
        of_words=set(raw.get("of", [])),
        compound_of=set(raw.get("compound_of", [])),
        conj=set(raw.get("conj", [])),
        stop=set(" ".join(raw.get("stop", [])).split()),
        scales=scales,
        abbreviated=set(raw.get("abbreviated", [])),
        plurals=_numbers(raw.get("plurals", {})),
        collectives=_numbers(raw.get("collectives", {})),
        phrases=phrases,
        phrase_starts={phrase[0] for phrase in phrases},
        percent={tuple(p.split()) for p in raw.get("percent", [])} | {("%",)},
        months=months if case else {m.lower() for m in months},
        months_case=case,
        month_day=raw.get("month_day", False),
        year_preps=set(raw.get("year_preps", [])),
        year_words=set(raw.get("year_words", [])),
        dot_ordinals=raw.get("dot_ordinals", False),
        words=words,
        joiners=set(raw.get("joiners", [])),
        plural_articles=set(raw.get("plural_articles", [])),
        shape=raw.get("shape", ""),
        heads=set(raw.get("heads", [])),
        measures=set(raw.get("measures", [])),
        adjective_endings=tuple(raw.get("adjective_endings", [])),
        adjective_endings_few=tuple(raw.get("adjective_endings_few", [])),
        adjective_endings_oblique=tuple(raw.get("adjective_endings_oblique", [])),
        genitive_endings=tuple(raw.get("genitive_endings", [])),
        genitive_adjective_endings=tuple(raw.get("genitive_adjective_endings", [])),
        verb_endings=tuple(raw.get("verb_endings", [])),
        plural_verb_endings=tuple(raw.get("plural_verb_endings", [])),
        neuter_verb_endings=tuple(raw.get("neuter_verb_endings", [])),
        change_verbs=tuple(raw.get("change_verbs", [])),
        exceed_verbs=tuple(raw.get("exceed_verbs", [])),
        clock_before=set(raw.get("clock_before", [])),
        clock_after=set(raw.get("clock_after", [])),
        clock_preps=set(raw.get("clock_preps", [])),
        case_endings=tuple(raw.get("case_endings", [])),
        compounds=raw.get("compounds", False),
        # A qualifier's words are never numbers: es "unos" is "about", not text2num's 1.
        not_numbers=set(raw.get("not_numbers", [])) | {w for phrase in qualifiers for w in phrase},
    )
