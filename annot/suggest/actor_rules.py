"""The rule sources of the actor suggester: CLDR gazetteer, metonyms, demonym phrases, titles, institutions, media.

Every rule reads a sentence's words (``Words``) and returns candidates in
word indexes; ``annot.suggest.actor_finder`` turns them into suggestions and settles
overlaps. The word lists are data (``actors.toml``); names are matched through
``annot.names`` (stems and lemmas), the one home of "is this the same name".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from annot.names import NAME_WORD, NameFinder, name_lemmas, name_stem, place_names

__all__ = ["Candidate", "Words", "rule_candidates"]

# Confidence per rule: how often, in the test sentences, a span the rule proposes is an actor as marked.
CONFIDENCE = {
    "country": 0.9,  # CLDR country names: always an actor in these reports
    "organization": 0.9,
    "media": 0.9,
    "metonym": 0.75,  # a capital is sometimes only a place ("trains arrived in Minsk")
    "institution": 0.85,
    "title": 0.85,
    "agency": 0.8,
    "military": 0.7,  # "Russian soldiers" is a group some annotators leave out
    "shape": 0.45,  # two capitalised words mid-sentence: often a name, sometimes not
}
# CLDR territories that are not states: the EU and the UN are organisations; the rest are never actors here.
_ORGANIZATION_TERRITORIES = {"EU", "UN"}
_SKIPPED_TERRITORIES = {"EZ", "QO", "ZZ", "XA", "XB", "TG"}  # Togo is "Того" ("that") in Russian
_GAZETTEER_LANGUAGES = ("en",)
# French and Italian articles and prepositions written onto the next word.
_ELIDED = re.compile(
    r"(?:[ldjnmstc]|qu|dell|all|nell|dall|sull|dall|coll|un|quest|quell)['’](?=\w)", re.IGNORECASE
)  # Latin-script names in any text (NATO, Interfax) come through English too


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span of words (``first`` to before ``last``) an actor may be: its type, canonical name and rule."""

    first: int
    last: int
    type: str
    canonical: str
    source: str
    confidence: float


class Words:
    """A sentence's words with their code point offsets, lower-case forms and name stems (lemmas for ru/uk)."""

    def __init__(self, text: str, lang: str) -> None:
        spans = []
        for m in NAME_WORD.finditer(text):
            elided = _ELIDED.match(m.group())  # "l'Ukraine", "dell'Ucraina": the article is not part of the name
            spans.append((m.start() + (elided.end() if elided else 0), m.end()))
        self.text = text
        self.words = [text[start:end] for start, end in spans]
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]
        self.lower = [w.lower() for w in self.words]
        self.stems = [
            tuple(dict.fromkeys([name_stem(w), *(name_stem(lem) for lem in name_lemmas(w, lang))]))
            if w[:1].isupper()
            else (name_stem(w),)
            for w in self.words
        ]

    def __len__(self) -> int:
        return len(self.words)

    def capital(self, i: int) -> bool:
        return 0 <= i < len(self.words) and self.words[i][:1].isupper()

    def sentence_start(self, i: int) -> bool:
        """Whether word ``i`` begins the text or follows a full stop, a colon or an opening quote."""
        if i == 0:
            return True
        between = self.text[self.ends[i - 1] : self.starts[i]].strip()
        return bool(between) and between[-1] in '.!?:“«"„'


@cache
def data() -> dict[str, Any]:
    """The word lists of ``actors.toml``."""
    return tomllib.loads(files("annot.suggest").joinpath("actors.toml").read_text("utf-8"))


@cache
def country_name(code: str) -> str:
    """The English CLDR name of a territory: the canonical name of a state ("BY" -> "Belarus")."""
    from babel import Locale

    return str(Locale.parse("en").territories.get(code, code))


@cache
def _gazetteer(lang: str) -> NameFinder:
    finder = NameFinder()
    table = data()
    for source_lang in dict.fromkeys([lang, *_GAZETTEER_LANGUAGES]):
        for place, names in place_names(source_lang).items():
            if "/" in place or place in _SKIPPED_TERRITORIES:
                continue
            kind = "organization" if place in _ORGANIZATION_TERRITORIES else "state"
            rule = "organization" if kind == "organization" else "country"
            for name in names:
                finder.add(name, (kind, country_name(place), rule))
        cities = place_names(source_lang)
        for code, entry in table["metonyms"].items():
            kind = "organization" if code in _ORGANIZATION_TERRITORIES else "state"
            for zone in entry["zones"]:
                for name in cities.get(zone, ()):
                    finder.add(name, (kind, country_name(code), "metonym"))
    for code, entry in table["metonyms"].items():
        kind = "organization" if code in _ORGANIZATION_TERRITORIES else "state"
        for name in entry["names"]:
            finder.add(name, (kind, country_name(code), "metonym"))
    for code, names in table["country_names"].items():  # inflected or short forms CLDR lacks (USA, США)
        for name in names:
            finder.add(name, ("state", country_name(code), "country"))
    for canonical, names in table["organizations"].items():
        for name in [canonical, *names]:
            finder.add(name, ("organization", canonical, "organization"))
    for name in table["media"]["names"]:
        finder.add(name, ("media", name, "media"))
    return finder


@cache
def _demonyms(lang: str) -> dict[str, str]:
    """Every form of every demonym of ``lang``, lower case -> country code."""
    table = data()["demonyms"].get(lang, {})
    endings = table.get("ENDINGS", [""])
    return {
        (stem + end).lower(): code
        for code, stems in table.items()
        if code != "ENDINGS"
        for stem in stems
        for end in endings
    }


def _prefix_match(word: str, prefix: str) -> bool:
    return word.startswith(prefix) and len(word) - len(prefix) <= 4


@cache
def _institutions(lang: str) -> list[tuple[tuple[str, ...], str, str]]:
    phrases = [
        (tuple(phrase.split()), entry["canonical"], entry["type"])
        for entry in data()["institutions"]
        for phrase in entry.get(lang, [])
    ]
    return sorted(phrases, key=lambda p: -len(p[0]))


def _demonym(words: Words, i: int, lang: str) -> str | None:
    if not 0 <= i < len(words):
        return None
    return _demonyms(lang).get(words.lower[i]) or (_demonyms("en").get(words.lower[i]) if lang != "en" else None)


def _institution_candidates(words: Words, lang: str, places: dict[int, tuple[int, str]]) -> list[Candidate]:
    found = []
    connectors = sorted((tuple(c.split()) for c in data()["connectors"].get(lang, [])), key=len, reverse=True)
    for i in range(len(words)):
        for phrase, canonical, kind in _institutions(lang):
            j, k, country = i, 0, None
            while k < len(phrase) and j < len(words):
                if _prefix_match(words.lower[j], phrase[k]):
                    j, k = j + 1, k + 1
                elif k and country is None and (code := _demonym(words, j, lang)):  # "ministère biélorusse de la"
                    country, j = country_name(code), j + 1
                else:
                    break
            if k < len(phrase):
                continue
            first, last = i, j
            if country is None and (code := _demonym(words, i - 1, lang)):
                country, first = country_name(code), i - 1
            elif country is None and (code := _demonym(words, j, lang)):
                country, last = country_name(code), j + 1
            elif country is None:
                before = next((p for p in places.items() if p[1][0] == i), None)
                if (
                    before is not None and not words.text[words.ends[i - 1] : words.starts[i]].strip()
                ):  # "the Minsk authorities", "Ukraine's General Staff"
                    country, first = before[1][1], before[0]
                else:
                    for connector in [*connectors, ()]:
                        n = len(connector)
                        if tuple(words.lower[j : j + n]) == connector and (j + n) in places:
                            country, last = places[j + n][1], places[j + n][0]
                            break
            if kind == "government body" and country is None and not any(w[:1].isupper() for w in words.words[i:j]):
                continue  # "the government", "authorities" with no state named: too vague to suggest
            name = f"{canonical} of {country}" if country else canonical
            found.append(Candidate(first, last, kind, name, "institution", CONFIDENCE["institution"]))
            break
    return found


def _military_candidates(words: Words, lang: str) -> list[Candidate]:
    nouns = data()["military"].get(lang, [])
    found = []
    for i in range(len(words)):
        if not any(_prefix_match(words.lower[i], noun) for noun in nouns):
            continue
        for j, first, last in ((i - 1, i - 1, i + 1), (i + 1, i, i + 2)):
            if code := _demonym(words, j, lang):
                name = f"Armed Forces of {country_name(code)}"
                found.append(Candidate(first, last, "military unit", name, "military", CONFIDENCE["military"]))
                break
    return found


def _is_title(word: str, lang: str) -> bool:
    titles = data()["titles"].get(lang, [])
    return any(_prefix_match(word, t) or (lang == "de" and word.endswith(t)) for t in titles)


@cache
def _institution_words(lang: str) -> frozenset[str]:
    """The words of institution phrases and agencies: "Defense" in "Defense Minister Viktor Khrenin" is no name."""
    return frozenset(w for phrase, _, _ in _institutions(lang) for w in phrase) | {_AGENCY.get(lang, "agency")}


def _not_name(words: Words, i: int, lang: str, places: dict[int, tuple[int, str]]) -> bool:
    stop = data()["not_names"]
    word = words.words[i]
    return (
        word in stop.get(lang, ()) or word in stop["en"] or i in places
        or any(_prefix_match(words.lower[i], w) for w in _institution_words(lang))
        or _demonym(words, i, lang) is not None
        or _is_title(words.lower[i], lang) or not word[:1].isupper() or word.isupper() or any(c.isdigit() for c in word)
    )  # fmt: skip


def _person_candidates(words: Words, lang: str, places: dict[int, tuple[int, str]]) -> list[Candidate]:
    found = []
    i = 0
    while i < len(words):
        start = i
        while i < len(words) and not _not_name(words, i, lang, places) and i - start < 3:
            if i > start and words.text[words.ends[i - 1] : words.starts[i]] != " ":
                break
            i += 1
        if i == start:
            i += 1
            continue
        gap = words.text[words.ends[start - 1] : words.starts[start]] if start else ""
        titled = start > 0 and _is_title(words.lower[start - 1], lang) and gap.strip() in ("", ",")
        agency = start > 0 and _prefix_match(words.lower[start - 1], _AGENCY.get(lang, "agency"))
        agency = agency or (i < len(words) and words.lower[i].startswith(_AGENCY.get(lang, "agency")))
        if agency:
            found.append(Candidate(start, i, "media", words.text[words.starts[start] : words.ends[i - 1]], "agency",
                                   CONFIDENCE["agency"]))  # fmt: skip
        elif titled:
            found.append(Candidate(start, i, "person", "", "title", CONFIDENCE["title"]))
        elif i - start >= 2 and not words.sentence_start(start):
            found.append(Candidate(start, i, "person", "", "shape", CONFIDENCE["shape"]))
    return found


_AGENCY = {"en": "agency", "es": "agencia", "pt": "agência", "fr": "agence", "de": "agentur", "it": "agenzia",
           "ru": "агентств", "uk": "агенці", "pl": "agencj", "cs": "agentur"}  # fmt: skip


def rule_candidates(words: Words, lang: str) -> list[Candidate]:
    """Every candidate the rules see in a sentence's words, overlapping ones included."""
    found = []
    places: dict[int, tuple[int, str]] = {}  # first word -> (word after the last, country) of a state or metonym
    for first, last, (kind, canonical, rule) in _gazetteer(lang).find(words.words, words.stems):
        if _demonym(words, first, lang) and last == first + 1:
            continue  # "Belarusian" shares the stem of "Belarus", but an adjective is not the state
        if kind == "state":
            places.setdefault(first, (last, canonical))
        found.append(Candidate(first, last, kind, canonical, rule, CONFIDENCE[rule]))
    found += _institution_candidates(words, lang, places)
    found += _military_candidates(words, lang)
    found += _person_candidates(words, lang, places)
    return found
