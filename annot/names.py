"""The names a place or person may take in another language: CLDR, the project's aliases, transliteration.

Three sources say that two names name the same:

- CLDR, through Babel: the names of countries and territories in every
  language, and of the cities that name time zones (most capitals:
  ``Europe/Moscow`` is "Moscou" in Brazil, "Moscovo" in Portugal). A name
  written in any of ``NAME_LANGUAGES`` is recognised; its aliases are the
  names in every regional variant of the target language.
- The project's ``[aliases]`` table in ``annot.toml``, for everything else
  (people's transliterations, institutions, other cities)::

      [aliases]
      "Belarus" = ["Bielorrusia", "Bielorrússia", "Беларусь"]
      "Vladimir Putin" = ["Vladímir Putin", "Владимир Путин"]

  Each entry is a group: a name in it (key or value) has all the others as
  aliases. ``annot.compare.aliases.add_alias`` adds one.
- Transliteration (``name_stem``): a word in any script written in Latin
  letters (anyascii), spelling variants folded ("sz", "š" and "sh" alike) and
  case endings cut, so that Лукашенко, Лукашенка, Łukaszenka and Lukashenko
  share one stem. It is a guess, good enough to anchor an alignment; the
  checks of a translation's names use the first two only.

``annot.compare.aliases`` uses these for the actors of a translation,
``annot.align`` for the anchors of an alignment without MT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from annot.errors import SchemaError
from annot.model import caseless
from annot.schema import PROJECT_FILE, read_project_file
from annot.translate.checks import fold_words

__all__ = [
    "LEMMA_LANGUAGES",
    "NAME_LANGUAGES",
    "NAME_WORD",
    "NameFinder",
    "aliases",
    "morphology",
    "name_key",
    "name_lemmas",
    "name_stem",
    "name_tags",
    "place_names",
    "read_aliases",
    "same_stem",
]

#: Languages whose place names are recognised in tagged actors (those annot's segmentation is tested on).
NAME_LANGUAGES = ("en", "es", "pt", "fr", "de", "ru", "uk")


@lru_cache(maxsize=16_384)  # a long document names the same actors thousands of times
def name_key(name: str) -> str:
    """A name's lookup key: words without accents, casefolded, joined by one space."""
    return fold_words(name)


@cache
def _locales(lang: str) -> tuple[str, ...]:
    """The CLDR locales of ``lang``: ``pt``, ``pt_BR``, ``pt_PT``, ... (none for an unknown code)."""
    from babel import localedata

    # Regional variants only: script variants write other alphabets (en_Shaw is Shavian, sr_Latn Latin).
    found = []
    for ident in localedata.locale_identifiers():
        parts = ident.split("_")
        if parts[0] == lang and all(len(p) != 4 for p in parts[1:]):
            found.append(ident)
    return tuple(sorted(found))


@cache
def _locale_places(ident: str) -> dict[str, str]:
    """CLDR place -> its name in one locale: ``"BY"`` and ``"Europe/Moscow"`` as keys."""
    from babel import Locale
    from babel.core import get_global

    locale = Locale.parse(ident)
    # Numeric territory codes are regions ("150" Europe), not actors.
    places = {code: name for code, name in locale.territories.items() if code.isalpha()}
    cities = locale.time_zones
    for zone in get_global("zone_territories"):
        if "/" in zone and not zone.startswith("Etc/"):
            places[zone] = cities.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
    return places


@cache
def _place_names(lang: str) -> dict[str, frozenset[str]]:
    """CLDR place -> its names in every regional variant of ``lang`` (Moscou, Moscovo)."""
    names: dict[str, set[str]] = {}
    for ident in _locales(lang):
        for place, name in _locale_places(ident).items():
            names.setdefault(place, set()).add(name)
    return {place: frozenset(found) for place, found in names.items()}


def place_names(lang: str) -> dict[str, frozenset[str]]:
    """CLDR place -> its names in every regional variant of ``lang``: ``"BY"`` and ``"Europe/Minsk"`` as keys."""
    return _place_names(lang)


@cache
def _place_index(languages: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Name key -> the CLDR places it names in any of ``languages`` (their main locales)."""
    index: dict[str, set[str]] = {}
    for lang in languages:
        if lang not in _locales(lang):
            continue
        for place, name in _locale_places(lang).items():
            index.setdefault(name_key(name), set()).add(place)
    return {key: frozenset(places) for key, places in index.items()}


def aliases(
    name: str, target: str, project_aliases: Mapping[str, Iterable[str]] | None = None, *,
    languages: Iterable[str] = NAME_LANGUAGES,
) -> set[str]:  # fmt: skip
    """The names ``name`` may take in a translation into ``target``, ``name`` itself included.

    ``aliases("Belarus", "pt")`` gives {"Belarus", "Bielorrússia"}; ``aliases("Moscow",
    "pt")`` gives {"Moscow", "Moscou", "Moscovo"}. Accents and case do not matter
    in the lookup.

    Args:
        name: an actor's name as tagged (its text or canonical name).
        target: ISO 639-1 code of the translation.
        project_aliases: the project's table (``read_aliases``): name -> other names.
        languages: the languages ``name`` is looked up in among CLDR's place names
            (the target is always one; their main locales: "Moscovo", Portugal's
            name, is recognised through the project table only).

    Returns:
        The names, as written in their source (CLDR or the project table).
    """
    found = {name.strip()} if name.strip() else set()
    key = name_key(name)
    if not key:
        return found
    index = _place_index(tuple(dict.fromkeys([*languages, target])))
    target_names = _place_names(target)
    for place in index.get(key, ()):
        found |= target_names.get(place, frozenset())
    for head, others in (project_aliases or {}).items():
        group = [head, *others]
        if any(name_key(member) == key for member in group):
            found.update(member.strip() for member in group if member.strip())
    return found


def read_aliases(project: str | Path) -> dict[str, list[str]]:
    """The ``[aliases]`` table of the project folder's ``annot.toml`` (empty without one).

    Raises:
        SchemaError: the file is not valid TOML, or the table is not ``name = [names]``.
    """
    path = Path(project) / PROJECT_FILE
    table = read_project_file(path).get("aliases", {})
    if not isinstance(table, dict):
        raise SchemaError(f'{path}: [aliases] must be a table of name = [names], e.g. "Belarus" = ["Bielorrússia"].')
    out: dict[str, list[str]] = {}
    for head, others in table.items():
        if isinstance(others, str):
            others = [others]
        if not isinstance(others, list) or not all(isinstance(o, str) for o in others):
            raise SchemaError(f"{path}: aliases.{head!r} must be a list of names, got {others!r}.")
        out[head] = list(others)
    return out


# -- transliteration ---------------------------------------------------------------------

# Spellings of one sound across the Latin transliterations and orthographies of the
# languages annot reads (anyascii writes ш as "sh", Polish "sz", Czech š becomes "s"; Polish writes
# a soft consonant before e as "ie": Riewienko is Revenko).
_FOLDS = (
    ("shch", "s"), ("sch", "s"), ("sz", "s"), ("sh", "s"), ("cz", "c"), ("ch", "c"), ("zh", "z"), ("rz", "z"),
    ("kh", "h"), ("ck", "k"), ("w", "v"), ("y", "i"), ("j", "i"), ("x", "ks"), ("q", "k"), ("ie", "e"),
)  # fmt: skip
# Case endings of Slavic (and a few English) names, cut once, longest first, when 4+ letters stay.
_ENDINGS = sorted(
    ("ogo", "ego", "omu", "emu", "ami", "iami", "akh", "iakh", "ovi", "evi", "om", "em", "im", "ei", "oi", "ii",
     "ov", "ev", "ou", "ie", "iu", "ia", "ian"),
    key=len, reverse=True,
)  # fmt: skip
# Georgian case endings (and postpositions written as one word with the name), longest first:
# ბელარუსის, ბელარუსმა, მინსკში, მინსკიდან, ლუკაშენკომ are Belarus, Minsk, Lukashenko.
_GEORGIAN_ENDINGS = sorted(
    ("ისთვის", "იდან", "ისგან", "ამდე", "ში", "ზე", "თან", "დან", "ის", "ით", "ად", "მა", "ს", "მ", "ი", "ო", "ა"),
    key=len, reverse=True,
)  # fmt: skip
_NOT_LETTER = re.compile(r"[^a-z]+")
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = "aeiou"


@lru_cache(maxsize=65_536)
def name_stem(word: str) -> str:
    """The transliterated stem of a name: ``Лукашенко``, ``Лукашенка``, ``Łukaszenka`` -> ``lukasenk``.

    The word in Latin letters (anyascii: every script annot reads), casefolded,
    letters only, spelling variants folded (``_FOLDS``), doubled letters
    single, then one case ending and the final vowels cut while 4 letters stay.
    """
    from anyascii import anyascii

    word = word.replace("\u0301", "")  # Cyrillic stress marks (Лукаше́нко) are not letters of the name
    if word[:1] and "\u10d0" <= word[0] <= "\u10ff":  # Georgian: its case endings, before transliterating
        word = next((word[: -len(end)] for end in _GEORGIAN_ENDINGS if word.endswith(end) and len(word) > len(end) + 2),
                    word)  # fmt: skip
    text = _NOT_LETTER.sub("", anyascii(word).casefold())
    for spelling, sound in _FOLDS:
        text = text.replace(spelling, sound)
    text = _DOUBLE.sub(r"\1", text)
    for ending in _ENDINGS:
        if text.endswith(ending) and len(text) - len(ending) >= 4:
            text = text[: -len(ending)]
            break
    while len(text) > 4 and text[-1] in _VOWELS:
        text = text[:-1]
    return text


def same_stem(x: str, y: str) -> bool:
    """Whether two ``name_stem`` stems name the same: equal, or of 5+ letters and differing by one letter at most.

    ``soig`` (Шойгу) and ``soig`` (Shoigu) are equal; ``revenk`` and ``revenc``
    differ by one letter. Short stems must be equal: ``kiev`` is not ``kiiv``.
    """
    if x == y:
        return bool(x)
    if min(len(x), len(y)) < 5 or abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        return sum(a != b for a, b in zip(x, y)) <= 1
    short, long = (x, y) if len(x) < len(y) else (y, x)
    return any(long[:k] + long[k + 1 :] == short for k in range(len(long)))


# -- finding names in a text -------------------------------------------------------------

#: Languages whose inflected names are also matched through their dictionary lemmas (pymorphy3):
#: ``Києві`` is ``Київ``, which no ending rule of ``name_stem`` can see.
LEMMA_LANGUAGES = ("ru", "uk")
#: A word of a name: letters and digits, with inner hyphens and apostrophes (Jean-Pierre, Об’єднаних).
NAME_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@cache
def morphology(lang: str) -> Any:
    """pymorphy3's analyzer for ``lang`` (ru, uk), loaded once per process for every reader of lemmas."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


_morph = morphology


@lru_cache(maxsize=65_536)
def name_lemmas(word: str, lang: str) -> tuple[str, ...]:
    """The dictionary forms a word of ``lang`` may be an inflection of, for Russian and Ukrainian (else none).

    Every parse counts, not only the likeliest: ``Києві`` is first read as the
    noun ``кий`` (a cue), and ``Київ`` comes second.
    """
    if lang not in LEMMA_LANGUAGES or not word[:1].isalpha():
        return ()
    return tuple(dict.fromkeys(p.normal_form for p in _morph(lang).parse(word) if p.normal_form != word.lower()))


@lru_cache(maxsize=65_536)
def name_tags(word: str, lang: str) -> frozenset[str]:
    """The grammemes of a word's likeliest parse (pymorphy3) for Russian and Ukrainian, else none.

    ``Ревенко`` gives ``Surn`` (a surname), ``Киеве`` ``Geox``, ``считают`` ``VERB``: the actor
    suggester reads a lone surname and a verb after a place by them.
    """
    if lang not in LEMMA_LANGUAGES or not word[:1].isalpha():
        return frozenset()
    return frozenset(_morph(lang).parse(word)[0].tag.grammemes)


def _deletions(stem: str) -> set[str]:
    """``stem`` and, when ``same_stem`` may forgive a letter in it (5+ letters), every stem one letter shorter."""
    found = {stem}
    if len(stem) >= 4:  # a 4-letter stem can be the shorter side of a 5-letter one
        found.update(stem[:k] + stem[k + 1 :] for k in range(len(stem)))
    return found


class NameFinder:
    """Names (of one or more words) found in a text's words by ``same_stem``: inflected, transliterated, misspelt.

    ``add("Belarus", payload)`` then ``find(words)`` finds Белоруссии,
    Białorusi and Bielorrusia. Candidates come from a one-deletion index of the
    stems (each stem and its stems one letter shorter), so a lookup costs a few
    dictionary probes, whatever the number of names.
    """

    def __init__(self) -> None:
        self._index: dict[str, list[tuple[tuple[str, ...], bool, object]]] = {}

    def add(self, name: str, payload: object) -> None:
        """Make ``name`` findable, ``payload`` its answer; a capitalised name matches capitalised or caseless words.

        A name in a caseless script (Georgian) counts as capitalised: its transliteration must not find
        lower-case words of other scripts (რეიტერ, Reuters, is no "weiter").
        """
        stems = tuple(name_stem(w) for w in NAME_WORD.findall(name))
        if not stems or not all(stems):
            return
        head = name.lstrip()[:1]
        entry = (stems, head.isupper() or caseless(head), payload)
        for key in _deletions(stems[0]):
            self._index.setdefault(key, []).append(entry)

    def find(self, words: list[str], stems: list[tuple[str, ...]]) -> list[tuple[int, int, object]]:
        """Every (first word, word after the last, payload) of a name in ``words``; longest names first at each word.

        Args:
            words: the text's words, as written.
            stems: each word's stems: its ``name_stem`` and those of its lemmas (``name_lemmas``).
        """
        found: list[tuple[int, int, object, bool]] = []
        for i, options in enumerate(stems):
            seen: set[int] = set()
            for stem in options:
                for key in _deletions(stem):
                    for entry in self._index.get(key, ()):
                        if id(entry) in seen:
                            continue
                        seen.add(id(entry))
                        name, capital, payload = entry
                        j = i + len(name)
                        if j > len(words) or (capital and not (words[i][:1].isupper() or caseless(words[i][:1]))):
                            continue
                        pairs = list(zip(range(i, j), name))
                        if all(part in stems[k] for k, part in pairs):
                            found.append((i, j, payload, True))
                        elif all(any(same_stem(s, part) for s in stems[k]) for k, part in pairs):
                            found.append((i, j, payload, False))
        # A name spelt as written beats a near one of the same words: Czech "Minsku" is Minsk, not "Finsko".
        exact = {(i, j) for i, j, _, same in found if same}
        kept = [(i, j, payload) for i, j, payload, same in found if same or (i, j) not in exact]
        kept.sort(key=lambda f: (f[0], f[0] - f[1]))
        return kept
