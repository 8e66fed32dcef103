"""What a quantity counts, as one key across languages: "военнослужащих", "soldados" and "troops" are troops.

A claim's counted thing is the QUANTITY's ``unit`` attribute (or, without one,
its text). It is read word by word in the order a head noun is found in its
language (the first noun in Romance and Slavic phrases, where the genitive or
the adjectives follow it or the adjectives come first and agree; the last one
in English and German compounds), skipping counter words ("pieces",
"единиц") and function words; the first word or phrase listed in
``things.toml`` gives the thing. Words are compared in dictionary form:
pymorphy3 lemmas for Russian and Ukrainian, Snowball stems elsewhere.

When no word is listed, the thing is the head word itself (its lemma), which
groups claims in one language only; an English ``gloss`` (the counted words of
the same number in the sentence's English translation) is read the same way
and used when it names a listed thing.
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from annot.errors import SchemaError
from annot.names import morphology

__all__ = ["Thing", "ThingTable", "load_things", "thing_of"]

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Languages whose counted phrase starts with its head ("vehículos blindados", "военнослужащих российской армии").
_HEAD_FIRST = {"es", "pt", "fr", "it", "ca", "gl", "ro", "ru", "uk", "be", "pl", "cs", "sk", "sl", "hr", "sr", "bs",
               "bg", "mk"}  # fmt: skip
_CONJUNCTIONS = {"and", "or", "y", "e", "o", "ou", "et", "und", "oder", "i", "и", "или", "і", "й", "та", "або",
                 "a", "lub", "ni", "ed"}  # fmt: skip
_STOP = {"of", "the", "a", "an", "de", "da", "do", "das", "dos", "del", "la", "las", "los", "el", "le", "les", "des",
         "du", "di", "dei", "degli", "delle", "der", "die", "von", "в", "з", "из", "на", "у", "для", "its",
         "their", "his", "her", "su", "sus", "seu", "seus", "sua", "suas", "leur", "leurs"}  # fmt: skip
_LEMMATIZED = {"ru", "uk"}  # pymorphy3 dictionaries are installed for these


@dataclass(frozen=True, slots=True)
class Thing:
    """What a quantity counts.

    Attributes:
        key: the grouping key: ``things.toml``'s entry name ("personnel"), or ``"word:<lemma>"`` for an
            unlisted head word.
        label: English label of a listed thing ("troops"); the head word as written for an unlisted one.
        lemma: the head word's dictionary form ("военнослужащий", "soldado"); empty for an empty unit.
        known: whether the thing is listed in the table, so comparable across languages.
    """

    key: str
    label: str
    lemma: str
    known: bool


@dataclass(frozen=True, slots=True)
class ThingTable:
    """``things.toml`` (and a project's additions), indexed per language by normalized word sequences."""

    labels: Mapping[str, str]
    entries: Mapping[str, Mapping[tuple[str, ...], str]]  # lang -> words (normalized) -> thing key
    counters: Mapping[str, frozenset[str]]  # lang -> normalized counter words
    # lang -> the most words an entry has, counted once (``longest`` is asked for every claim)
    _longest: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._longest.update({lang: max(map(len, words), default=1) for lang, words in self.entries.items()})

    def lookup(self, lang: str, words: tuple[str, ...]) -> str | None:
        """The thing key of a normalized word sequence in ``lang``; ``None`` when not listed."""
        return self.entries.get(lang, {}).get(words)

    def longest(self, lang: str) -> int:
        """The most words an entry of ``lang`` has."""
        return self._longest.get(lang, 1)


def load_things(project: Mapping[str, Any] | None = None) -> ThingTable:
    """The shipped table of counted things, with a project's ``[things]``/``[counters]`` tables added.

    The project's ``[aliases]`` groups count as things too: a group naming a listed thing adds its words to
    it ("troops" = ["contractors"]); another is a thing of its own, labelled by its head.

    Args:
        project: the project file's tables (``annot.schema.read_project_file``), or ``None``.

    Raises:
        SchemaError: a ``[things.X]`` table that is not a label plus lists of words per language.
    """
    shipped = tomllib.loads(resources.files("annot.analysis").joinpath("things.toml").read_text("utf-8"))
    return _table(shipped, project or {})


def _table(shipped: Mapping[str, Any], project: Mapping[str, Any]) -> ThingTable:
    things: dict[str, dict[str, Any]] = {key: dict(value) for key, value in shipped["things"].items()}
    counters: dict[str, list[str]] = {lang: list(words) for lang, words in shipped["counters"].items()}
    for key, value in project.get("things", {}).items():
        if not isinstance(value, Mapping):
            raise SchemaError(f"annot.toml: [things.{key}] must be a table: label = '...', en = ['...'], ...")
        merged = things.setdefault(key, {"label": str(value.get("label", key))})
        for lang, words in value.items():
            if lang == "label":
                merged["label"] = str(words)
                continue
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise SchemaError(f"annot.toml: things.{key}.{lang} must be a list of words, e.g. ['drone'].")
            merged[lang] = [*merged.get(lang, []), *words]
    for lang, words in project.get("counters", {}).items():
        if not isinstance(words, list):
            raise SchemaError(f"annot.toml: counters.{lang} must be a list of words, e.g. ['pieces'].")
        counters[lang] = [*counters.get(lang, []), *map(str, words)]
    entries: dict[str, dict[tuple[str, ...], str]] = {}
    for key, value in things.items():
        for lang, words in value.items():
            if lang == "label":
                continue
            for phrase in words:
                normalized = tuple(_normal(lang, w) for w in _WORD.findall(phrase))
                if normalized:
                    entries.setdefault(lang, {}).setdefault(normalized, key)
    labels = {key: str(value.get("label", key)) for key, value in things.items()}
    _add_aliases(entries, labels, project.get("aliases", {}))
    counter_sets = {lang: frozenset(_normal(lang, w) for w in words) for lang, words in counters.items()}
    return ThingTable(labels=labels, entries=entries, counters=counter_sets)


def _add_aliases(
    entries: dict[str, dict[tuple[str, ...], str]], labels: dict[str, str], aliases: Mapping[str, Any]
) -> None:
    """The project's ``[aliases]`` groups as things too, in every language of the table.

    A group naming a listed thing ("troops" = ["военнослужащие"]) adds its other words to that thing; any
    other group is a thing of its own, labelled by its head ("Iskander" = ["Искандер"]).
    """
    for head, names in aliases.items():
        group = [head, *(n for n in (names if isinstance(names, list) else []) if isinstance(n, str))]
        forms = {lang: [tuple(_normal(lang, w) for w in _WORD.findall(p)) for p in group] for lang in entries}
        known = next((table[f] for lang, table in entries.items() for f in forms[lang] if f in table), None)
        key = known or f"alias:{head}"
        labels.setdefault(key, head)
        for lang, found in forms.items():
            for form in found:
                if form:
                    entries[lang].setdefault(form, key)


@functools.cache
def _default_table() -> ThingTable:
    return load_things()


def thing_of(unit: str | None, lang: str, *, gloss: str | None = None, table: ThingTable | None = None) -> Thing:
    """The thing a quantity's counted words name.

    Args:
        unit: the counted words ("up to 9,000 military personnel" has "military personnel").
        lang: ISO 639-1 code of ``unit``.
        gloss: the same count's words in English, when a translation gives them; used when ``unit`` names
            no listed thing.
        table: the table of things (``load_things``); the shipped one by default.
    """
    table = table or _default_table()
    found = _read(unit or "", lang, table)
    if not found.known and gloss:
        glossed = _read(gloss, "en", table)
        if glossed.known or not found.lemma:
            return Thing(glossed.key, glossed.label, found.lemma or glossed.lemma, glossed.known)
    return found


def _read(unit: str, lang: str, table: ThingTable) -> Thing:
    words = _first_conjunct(_WORD.findall(unit))
    if not words:
        return Thing("", "", "", False)
    normal = [_normals(lang, w) for w in words]
    order = range(len(words)) if lang in _HEAD_FIRST else range(len(words) - 1, -1, -1)
    counters = table.counters.get(lang, frozenset())
    head: int | None = None
    longest = table.longest(lang)
    for i in order:
        if words[i].casefold() in _STOP or normal[i][0] in counters:
            continue
        if head is None:
            head = i
        match = _match_at(table, lang, normal, i, longest)
        if match is not None:
            key, form = match  # for ru and uk, the reading of word i that matched ("танків" is танк)
            return Thing(key, table.labels[key], form if lang in _LEMMATIZED else _lemma(lang, words[i]), True)
    i = head if head is not None else (0 if lang in _HEAD_FIRST else len(words) - 1)
    return Thing(f"word:{normal[i][0]}", words[i], _lemma(lang, words[i]), False)


def _match_at(
    table: ThingTable, lang: str, normal: Sequence[tuple[str, ...]], i: int, longest: int
) -> tuple[str, str] | None:
    """The thing of the longest listed phrase of ``normal`` covering word ``i`` (any reading of each word), and
    the reading of word ``i`` in it."""
    for size in range(min(longest, len(normal)), 0, -1):
        for start in range(max(0, i - size + 1), min(i, len(normal) - size) + 1):
            for words in itertools.product(*normal[start : start + size]):
                key = table.lookup(lang, words)
                if key is not None:
                    return key, words[i - start]
    return None


def _first_conjunct(words: list[str]) -> list[str]:
    """ "artillery pieces and mortars" counts artillery pieces first: the words before the first conjunction."""
    for i, word in enumerate(words):
        if i and word.casefold() in _CONJUNCTIONS:
            return words[:i]
    return words


@functools.lru_cache(maxsize=65_536)
def _normals(lang: str, word: str) -> tuple[str, ...]:
    """Every comparable form of a word, the likeliest first: pymorphy3 may read "танків" as танок (a dance)
    before танк, so each of its parses' lemmas counts (at most three); elsewhere the one stem."""
    if lang not in _LEMMATIZED:
        return (_normal(lang, word),)
    lemmas = (p.normal_form.replace("ё", "е") for p in morphology(lang).parse(word.casefold()))
    return tuple(dict.fromkeys(lemmas))[:3]


@functools.lru_cache(maxsize=65_536)
def _normal(lang: str, word: str) -> str:
    """A word's comparable form: its pymorphy3 lemma (ru, uk) or the Snowball stem of its folded form."""
    if lang in _LEMMATIZED:
        return _lemma(lang, word).replace("ё", "е")
    from annot.project.wordalign import fold_word, stems

    return stems(lang, [fold_word(word)])[0]


@functools.lru_cache(maxsize=65_536)
def _lemma(lang: str, word: str) -> str:
    """The dictionary form of a word: pymorphy3's for ru and uk, the word in lower case elsewhere."""
    if lang in _LEMMATIZED:
        return morphology(lang).parse(word.casefold())[0].normal_form
    return word.casefold()
