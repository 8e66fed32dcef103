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

from annot.model import caseless
from annot.names import NAME_WORD, NameFinder, name_lemmas, name_stem, name_tags, place_names
from annot.suggest.stance_finder import default_cues

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
    "reported": 0.6,  # one capitalised word next to a reporting verb ("said Lukashenko")
    "abbreviation": 0.7,  # "ISW (Institute for the Study of War)"
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
        #: Word spans (first, after the last) of capitals that are only places here, filled by ``rule_candidates``:
        #: a known actor there ("Minsk" accepted as Belarus) is no actor either.
        self.places_only: set[tuple[int, int]] = set()
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
    for canonical, names in table["state_groups"].items():
        for name in [canonical, *names]:
            finder.add(name, ("state", canonical, "country"))
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


def _prefix_in(word: str, prefixes: frozenset[str] | dict[str, object]) -> bool:
    """Whether one of ``prefixes`` is ``word`` less up to 4 final letters (``_prefix_match``), in 5 lookups."""
    return any(word[:k] in prefixes for k in range(max(1, len(word) - 4), len(word) + 1))


@cache
def _institution_starts(lang: str) -> frozenset[str]:
    """The first words of the institution phrases: a word must begin one for a phrase to start there."""
    return frozenset(phrase[0] for phrase, _, _ in _institutions(lang))


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


# "Republic" in the languages with a demonym after the noun ("Běloruské republiky", "Republiki Białoruskiej").
_REPUBLIC = ("republ", "республ", "repúbl", "répub", "repubbl")


def _institution_candidates(words: Words, lang: str, places: dict[int, tuple[int, str]]) -> list[Candidate]:
    found = []
    connectors = sorted((tuple(c.split()) for c in data()["connectors"].get(lang, [])), key=len, reverse=True)
    starts = _institution_starts(lang)
    for i in range(len(words)):
        if not _prefix_in(words.lower[i], starts):
            continue
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
                if last < len(words) and words.lower[last].startswith(_REPUBLIC):
                    last += 1  # "ministerstva obrany Běloruské republiky"
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


# Demonym + noun phrases: the table of nouns, the ACTOR type and the canonical name from the country's.
_DEMONYM_NOUNS = (("military", "military unit", "Armed Forces of {}"), ("sides", "state", "{}"))


def _demonym_noun_candidates(words: Words, lang: str) -> list[Candidate]:
    """Demonym + noun: "Russian troops", "contingente russo" (the state's forces); "Российская сторона" (the state)."""
    found = []
    for table, kind, pattern in _DEMONYM_NOUNS:
        nouns = frozenset(data()[table].get(lang, []))
        for i in range(len(words)):
            if not _prefix_in(words.lower[i], nouns):
                continue
            for j, first, last in ((i - 1, i - 1, i + 1), (i + 1, i, i + 2)):
                if code := _demonym(words, j, lang):
                    name = pattern.format(country_name(code))
                    found.append(Candidate(first, last, kind, name, "military", CONFIDENCE["military"]))
                    break
    return found


def _is_title(word: str, lang: str) -> bool:
    if _prefix_in(word, _titles(lang)):
        return True
    return lang == "de" and any(word.endswith(t) for t in _titles(lang))


@cache
def _titles(lang: str) -> frozenset[str]:
    return frozenset(data()["titles"].get(lang, []))


@cache
def _institution_words(lang: str) -> frozenset[str]:
    """The words of institution phrases and agencies: "Defense" in "Defense Minister Viktor Khrenin" is no name."""
    return frozenset(w for phrase, _, _ in _institutions(lang) for w in phrase) | {_AGENCY.get(lang, "agency")}


def _abbreviated_title(words: Words, i: int, lang: str) -> bool:
    """Whether word ``i`` is an abbreviated title written with its full stop ("Cnel.", "plk.", "Sr.")."""
    return (
        0 <= i < len(words) - 1
        and words.lower[i] in data()["title_abbreviations"].get(lang, ())
        and words.text[words.ends[i] : words.starts[i + 1]].strip() == "."
    )


@cache
def _cues(lang: str) -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
    """The reporting verbs of the default schema's stance cues, as word tuples: (before a name, after a name).

    "заявил Лукашенко", "según Demchenko" (a cue before the name); "Revenko said" (a reporting verb after it).
    """
    cues = default_cues(lang)
    split = [tuple(NAME_WORD.findall(c.lower())) for c in (*cues.reported, *cues.claimed)]
    according = [tuple(NAME_WORD.findall(c.lower())) for c in cues.according]
    return frozenset(c for c in [*split, *according] if c), frozenset(c for c in split if c)


def _cue_before(words: Words, i: int, lang: str) -> bool:
    return (
        any(i >= len(cue) and tuple(words.lower[i - len(cue) : i]) == cue for cue in _cues(lang)[0])
        and not words.text[words.ends[i - 1] : words.starts[i]].strip()
    )


def _cue_after(words: Words, j: int, lang: str) -> bool:
    return (
        j < len(words)
        and not words.text[words.ends[j - 1] : words.starts[j]].strip()
        and any(tuple(words.lower[j : j + len(cue)]) == cue for cue in _cues(lang)[1])
    )


def _initials_before(words: Words, i: int) -> int:
    """The first word of the initials before word ``i`` ("А.Г.Лукашенко", "A. Lukashenko"), else ``i``."""
    first = i
    while (
        first > 0
        and len(words.words[first - 1]) == 1
        and words.words[first - 1].isupper()
        and words.text[words.ends[first - 1] : words.starts[first]].strip() == "."
    ):
        first -= 1
    return first


def _not_name(words: Words, i: int, lang: str, places: dict[int, tuple[int, str]]) -> bool:
    stop = data()["not_names"]
    word = words.words[i]
    return (
        word in stop.get(lang, ()) or word in stop["en"] or i in places
        or words.lower[i] in data()["title_abbreviations"].get(lang, ())
        or _prefix_in(words.lower[i], _institution_words(lang))
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
        initials = _initials_before(words, start)
        titled = start > 0 and _is_title(words.lower[start - 1], lang) and gap.strip() in ("", ",")
        titled = titled or _abbreviated_title(words, start - 1, lang)
        agency = start > 0 and _prefix_match(words.lower[start - 1], _AGENCY.get(lang, "agency"))
        agency = agency or (i < len(words) and words.lower[i].startswith(_AGENCY.get(lang, "agency")))
        after_article = start > 0 and words.lower[start - 1] in data()["articles"].get(lang, ()) and not gap.strip()
        if agency:
            found.append(Candidate(start, i, "media", words.text[words.starts[start] : words.ends[i - 1]], "agency",
                                   CONFIDENCE["agency"]))  # fmt: skip
        elif titled or initials < start:
            found.append(Candidate(min(initials, start), i, "person", "", "title", CONFIDENCE["title"]))
        elif i - start >= 2 and not words.sentence_start(start) and not after_article:
            found.append(Candidate(start, i, "person", "", "shape", CONFIDENCE["shape"]))
        elif i - start == 1 and (
            (_cue_before(words, start, lang) and not _continues(words, i))
            or (not words.sentence_start(start) and not after_article and _cue_after(words, i, lang))
            or _surname(words, start, lang)
        ):  # "заявил Лукашенко", "afirmó Lukashenko.", ", Revenko said", "Ревенко проинформировал"
            found.append(Candidate(start, i, "person", "", "reported", CONFIDENCE["reported"]))
    return found


def _surname(words: Words, i: int, lang: str) -> bool:
    """Whether a morphology reads word ``i`` as a surname (Russian, Ukrainian: pymorphy3's dictionary and guesser)."""
    quoted = i > 0 and words.text[words.ends[i - 1] : words.starts[i]].strip()[-1:] in ("«", '"', "„", "“")
    return "Surn" in name_tags(words.words[i], lang) and not _continues(words, i + 1) and not quoted


def _continues(words: Words, i: int) -> bool:
    """Whether a capitalised word follows word ``i - 1`` with only a space between: the name goes on."""
    return i < len(words) and words.capital(i) and words.text[words.ends[i - 1] : words.starts[i]] == " "


def _caseless_person_candidates(words: Words, lang: str, places: dict[int, tuple[int, str]]) -> list[Candidate]:
    """Names in a caseless script (Georgian), where no capital marks them: the one or two words after a title."""
    stop = set(data()["not_names"].get(lang, ()))
    found = []
    for i in range(len(words) - 1):
        gap = words.text[words.ends[i] : words.starts[i + 1]].strip()
        if not _is_title(words.lower[i], lang) or gap not in ("", ","):
            continue
        last = i + 1
        while (
            last < len(words) and last - i <= 2 and caseless(words.words[last][:1]) and words.words[last] not in stop
            and last not in places and not _is_title(words.lower[last], lang) and _demonym(words, last, lang) is None
            and not _prefix_in(words.lower[last], _institution_words(lang))
            and (last == i + 1 or not words.text[words.ends[last - 1] : words.starts[last]].strip())
        ):  # fmt: skip
            last += 1
        if last > i + 1:
            found.append(Candidate(i + 1, last, "person", "", "title", CONFIDENCE["title"]))
    for i in range(len(words) - 1):  # "რევენკომ განაცხადა": a name in the ergative before a verb of saying
        word = words.lower[i]
        if (
            words.lower[i + 1] in stop and words.lower[i + 1] != "და" and word.endswith(("მ", "მა"))
            and caseless(word[:1]) and word not in stop and i not in places and not _is_title(word, lang)
            and _demonym(words, i, lang) is None and not _prefix_in(word, _institution_words(lang))
            and not _prefix_in(word, _noun_words(lang))
        ):  # fmt: skip
            found.append(Candidate(i, i + 1, "person", "", "reported", CONFIDENCE["reported"]))
    return found


@cache
def _noun_words(lang: str) -> frozenset[str]:
    """The nouns of demonym phrases (soldiers, side): "მხარემ განაცხადა" is a side speaking, not a person."""
    return frozenset(w for table, _, _ in _DEMONYM_NOUNS for w in data()[table].get(lang, []))


def _abbreviation_candidates(words: Words) -> list[Candidate]:
    """An organisation written with its abbreviation: "Isw (Institute for the Study of War)", "Inštituta ... (ISW)".

    Both the name and the abbreviation are suggested. The abbreviation is one word of 2-6 letters in brackets
    after the name (whose first capitalised word begins with its first letter), or one before a bracketed name
    whose capitalised words' initials spell it.
    """
    found = []
    for i in range(1, len(words)):
        before = words.text[words.ends[i - 1] : words.starts[i]].strip()
        after = words.text[words.ends[i] : words.ends[i] + 1]
        abbr = words.words[i]
        if before == "(" and after == ")" and 2 <= len(abbr) <= 6 and abbr.isupper():
            first = i - 1
            while first >= 0 and i - first <= 7:
                if first < i - 1 and words.text[words.ends[first] : words.starts[first + 1]] != " ":
                    break
                if words.capital(first) and words.words[first][0] == abbr[0]:
                    found.append(Candidate(first, i, "organization", "", "abbreviation", CONFIDENCE["abbreviation"]))
                    found.append(Candidate(i, i + 1, "organization", "", "abbreviation", CONFIDENCE["abbreviation"]))
                    break
                first -= 1
        if before == "(" and 2 <= len(words.words[i - 1]) <= 6 and words.capital(i - 1):
            close = words.text.find(")", words.starts[i])
            last = i
            while last < len(words) and words.ends[last] <= close:
                last += 1
            initials = "".join(w[0] for w in words.words[i:last] if w[:1].isupper())
            if last > i + 1 and close >= 0 and initials == words.words[i - 1].upper():
                found.append(Candidate(i - 1, i, "organization", "", "abbreviation", CONFIDENCE["abbreviation"]))
                found.append(Candidate(i, last, "organization", "", "abbreviation", CONFIDENCE["abbreviation"]))
    return found


_AGENCY = {"en": "agency", "es": "agencia", "pt": "agência", "fr": "agence", "de": "agentur", "it": "agenzia",
           "ru": "агентств", "uk": "агенці", "pl": "agencj", "cs": "agentur", "sk": "agentúr",
           "sl": "agencij"}  # fmt: skip
# A web address after a medium's name is part of it ("Meduza.io", "iRozhlas.cz").
_DOMAIN = re.compile(r"\.(?:[a-z]{2,3}|info|news)\b")


def extend_end(text: str, start: int, end: int, kind: str) -> int:
    """Where a span should end: after a medium's domain ("Meduza.io") or the full stop of "EE.UU." and "U.S."."""
    if kind == "media" and (m := _DOMAIN.match(text, end)):
        return m.end()
    if text[end : end + 1] == "." and "." in text[start:end]:
        return end + 1
    return end


@cache
def _country_names(lang: str) -> frozenset[str]:
    """CLDR's names of countries in ``lang``, casefolded: "Ucraina" is the country though "ucraina" is an adjective."""
    return frozenset(n.casefold() for place, names in place_names(lang).items() if "/" not in place for n in names)


def _dateline(words: Words, first: int, last: int) -> bool:
    """Whether the place opens a dateline ("МИНСК, 17 октября", "MINSK. —", "Minsk 17. října (ČTK)")."""
    if not (words.sentence_start(first) or "\n" in words.text[words.ends[first - 1] : words.starts[first]]):
        return False
    rest = words.text[words.ends[last - 1] : words.ends[last - 1] + 4]
    return bool(re.match(r"\s*[,.]?\s*(?:\d|[—–-])", rest)) or (words.words[first].isupper() and rest[:1] in ",.")


def _only_a_place(words: Words, first: int, last: int, lang: str) -> bool:
    """Whether a capital is only a place here: after a preposition of place (with no reporting verb after it),
    or naming a region ("v Minské a Mohylevské oblasti")."""
    regions = data()["regions"]["words"]
    for j in (last, last + 2):
        if j < len(words) and any(_prefix_match(words.lower[j], w) for w in regions):
            return True
    locative = first > 0 and words.lower[first - 1] in data()["locatives"].get(lang, ())
    locative = locative or words.lower[last - 1].endswith(tuple(data()["locative_endings"].get(lang, ())))
    locative = locative and not _cue_before(words, first - 1, lang)  # "заявили в Киеве": Kyiv speaks
    verb = (
        last < len(words)
        and not words.text[words.ends[last - 1] : words.starts[last]].strip()
        and "VERB" in name_tags(words.words[last], lang)
    )  # "В Киеве считают"
    return locative and not verb and not _cue_after(words, last, lang)


def rule_candidates(words: Words, lang: str) -> list[Candidate]:
    """Every candidate the rules see in a sentence's words, overlapping ones included."""
    found = []
    places: dict[int, tuple[int, str]] = {}  # first word -> (word after the last, country) of a state or metonym
    for first, last, (kind, canonical, rule) in _gazetteer(lang).find(words.words, words.stems):
        if (
            _demonym(words, first, lang)
            and last == first + 1
            and not (words.capital(first) and words.lower[first] in _country_names(lang))
        ):
            continue  # "Belarusian" shares the stem of "Belarus", but an adjective is not the state
        if kind == "state":
            places.setdefault(first, (last, canonical))
        if rule == "metonym" and (_dateline(words, first, last) or _only_a_place(words, first, last, lang)):
            words.places_only.add((first, last))
            continue  # the place is known (an institution after it is the state's), but it is no actor here
        found.append(Candidate(first, last, kind, canonical, rule, CONFIDENCE[rule]))
    found += _institution_candidates(words, lang, places)
    found += _demonym_noun_candidates(words, lang)
    found += _person_candidates(words, lang, places)
    if any(caseless(w[:1]) for w in words.words):
        found += _caseless_person_candidates(words, lang, places)
    found += _abbreviation_candidates(words)
    return found
