"""Finding each unit of a source sentence in one target text, and saying what became of it.

Methods, tried in this order for each unit (each row says which one placed it):

- ``number`` (QUANTITY): the target's quantities (``annot.suggest.quantity_finder``,
  the target language's number words and qualifiers) with the same value;
  the qualifier is compared ("up to" against "até", "some" against "cerca de"),
  and each digit group is read as a reader of the target language would
  (``annot.numbers.digit_style``: "9,000" in Spanish reads as nine).
- ``name`` (ACTOR, STANCE holder): the unit's names in the target language --
  its text and canonical name, their CLDR names and the project's
  ``[aliases]`` (``annot.names.aliases``) -- found through ``annot.names.NameFinder``
  (inflected, transliterated: "Bielorrusia", "Білорусі"). A name found in a
  form of another language of the route (the source's, a pivot's: "Belarusian"
  or "Bielorrússia" in Spanish, ``annot.project.detect.wrong_language``) is
  ``changed``.
- ``cue`` (STANCE cue): the target language's cue phrases (the schema's
  ``stance_cues``), the one nearest the projected holder.
- ``align``: for everything else, and for the units the methods above did not
  find, the offline word aligner (``annot.project.wordalign``); its placement
  is ``kept`` unless a word of it belongs to another language of the route
  (``changed``), or, for a cue, is not a cue of the target language.

A unit nothing places is ``lost``. Each placement says how sure it is
(``confidence``: the method's, ``CONFIDENCE``) and, when not ``kept``, why (``detail``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from annot.names import NAME_WORD, NameFinder, aliases, name_key, name_lemmas, name_stem
from annot.numbers import digit_style, iter_digit_groups
from annot.project.detect import wrong_language
from annot.project.targets import Target, TargetText
from annot.project.units import Unit
from annot.schema import StanceCues
from annot.suggest.quantity_finder import find_quantities, parse_quantity
from annot.suggest.stance_finder import find_cues

__all__ = ["CONFIDENCE", "Placement", "SentencePair", "place_units"]

#: How sure each method is of a placement it makes (``align``'s comes from the aligner's score).
CONFIDENCE = {"number": 0.95, "name": 0.9, "name-stem": 0.8, "cue": 0.8, "number-value": 0.6}


@dataclass(frozen=True, slots=True)
class Placement:
    """What became of one unit in one target text.

    Attributes:
        status: ``kept``, ``changed`` or ``lost``.
        start: offset in the target text (``None`` when lost).
        end: offset after it.
        method: ``number``, ``name``, ``cue``, ``align``, or ``""`` when lost.
        confidence: how sure the placement is, 0-1.
        detail: why it is changed or lost, one line ("" when kept).
        problem: the fidelity flag it raises (``annot.project.fidelity.FLAG_KINDS``): ``lost``, ``changed``,
            ``wrong language`` or ``number style``; "" when kept.
    """

    status: str
    start: int | None
    end: int | None
    method: str
    confidence: float
    detail: str = ""
    problem: str = ""


LOST, WRONG_LANGUAGE, NUMBER_STYLE = "lost", "wrong language", "number style"


@dataclass(frozen=True, slots=True)
class SentencePair:
    """The source side and the target side of one target text, and what to look things up with.

    Attributes:
        source: the source sentences it renders, joined with a space.
        offsets: source sentence index -> its start in ``source``.
        target: the target text.
        source_lang: ISO 639-1 code of the source.
        target: the target (its language and the languages the text went through).
        table: the project's ``[aliases]`` table.
        cues: the target language's cue phrases.
        align: word aligner: (source, target, source lang, target lang) -> (unit start, end) -> target range or None.
    """

    source: str
    offsets: Mapping[int, int]
    text: TargetText
    source_lang: str
    target: Target
    table: Mapping[str, Sequence[str]]
    cues: StanceCues
    align: Callable[[int, int], tuple[int, int, float] | None]


def _words(text: str, lang: str) -> tuple[list[str], list[tuple[int, int]], list[tuple[str, ...]]]:
    words, bounds, stems = [], [], []
    for m in NAME_WORD.finditer(text):
        word = m.group()
        words.append(word)
        bounds.append(m.span())
        stems.append(tuple(dict.fromkeys([name_stem(word), *(name_stem(x) for x in name_lemmas(word, lang))])))
    return words, bounds, stems


@lru_cache(maxsize=8192)
def _names_in(name: str, lang: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> frozenset[str]:
    return frozenset(aliases(name, lang, dict(table)))


def _frozen(table: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((k, tuple(v)) for k, v in table.items())


def _foreign(pair: SentencePair, start: int, end: int) -> str:
    """``left in English: "Belarusian"`` when a word of ``text[start:end]`` is of another language of the route."""
    text = pair.text.text
    found = wrong_language(text[start:end], pair.target.lang, pair.target.others)
    return "; ".join(f.detail for f in found)


def _relative(offset: int, length: int) -> float:
    return offset / max(length, 1)


def place_units(units: Sequence[Unit], pair: SentencePair) -> dict[Unit, Placement]:
    """Place every unit of the pair's source sentences in its target text.

    Args:
        units: the units of the sentences ``pair.offsets`` names (others are ignored).
        pair: the two sides.

    Returns:
        Unit -> its placement; a holder unit shares the placement of the ACTOR span it is.
    """
    mine = [u for u in units if u.sentence in pair.offsets]
    placed: dict[Unit, Placement] = {}
    used: list[tuple[int, int]] = []
    by_range: dict[tuple[int, int, int], Placement] = {}
    for unit in (u for u in mine if u.label == "QUANTITY" and u.part == "span"):
        placed[unit] = _quantity(unit, pair, used)
    actors = [u for u in mine if u.part == "holder" or (u.label == "ACTOR" and u.part == "span")]
    for unit, placement in _names(actors, pair, used).items():
        key = (unit.sentence, unit.start, unit.end)
        placement = by_range.setdefault(key, placement)
        placed[unit] = placement
    for unit in (u for u in mine if u.part == "cue"):
        placed[unit] = _cue(unit, pair, placed, used)
    for unit in mine:
        if unit not in placed:
            placed[unit] = _aligned(unit, pair, used)
    return placed


def _source_range(unit: Unit, pair: SentencePair) -> tuple[int, int]:
    base = pair.offsets[unit.sentence]
    return base + unit.start, base + unit.end


def _overlaps(start: int, end: int, used: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in used)


def _aligned(unit: Unit, pair: SentencePair, used: list[tuple[int, int]], *, cue: bool = False) -> Placement:
    start, end = _source_range(unit, pair)
    found = pair.align(start, end)
    if found is None:
        return Placement(LOST, None, None, "", 0.0, "nothing in the translation stands for it", LOST)
    t_start, t_end, score = found
    foreign = _foreign(pair, t_start, t_end)
    used.append((t_start, t_end))
    if foreign:
        return Placement("changed", t_start, t_end, "align", score, foreign, WRONG_LANGUAGE)
    if cue:
        words = pair.text.text[t_start:t_end]
        return Placement("changed", t_start, t_end, "align", score,
                         f"{words!r} is not a verb of saying in {pair.target.lang}: the attribution may be lost",
                         "changed")  # fmt: skip
    return Placement("kept", t_start, t_end, "align", score)


# -- quantities ---------------------------------------------------------------------------


def _value(unit: Unit, lang: str) -> tuple[Decimal | None, str]:
    value, qualifier = unit.attrs.get("value"), str(unit.attrs.get("qualifier") or "")
    if value is None:
        guess = parse_quantity(unit.text, lang)
        if guess is None:
            return None, qualifier
        value, qualifier = guess.value, qualifier or guess.qualifier
    try:
        return Decimal(str(value)), qualifier or "exact"
    except ArithmeticError:
        return None, qualifier


def _quantity(unit: Unit, pair: SentencePair, used: list[tuple[int, int]]) -> Placement:
    value, qualifier = _value(unit, pair.source_lang)
    text = pair.text.text
    guesses = [g for g in _target_quantities(text, pair.target.lang) if not _overlaps(g.start, g.end, used)]
    if value is None or not guesses:
        return _aligned(unit, pair, used)
    same = [g for g in guesses if Decimal(str(g.value)) == value]
    where = _relative(_source_range(unit, pair)[0], len(pair.source))
    if not same:
        # A number at the same place with another value is this one changed; else the aligner decides.
        nearest = min(guesses, key=lambda g: abs(_relative(g.start, len(text)) - where))
        if abs(_relative(nearest.start, len(text)) - where) > 0.25:
            return _aligned(unit, pair, used)
        used.append((nearest.start, nearest.end))
        return Placement("changed", nearest.start, nearest.end, "number-value", CONFIDENCE["number-value"],
                         f"value {_plain(value)} -> {_plain(Decimal(str(nearest.value)))}", "changed")  # fmt: skip
    guess = min(same, key=lambda g: abs(_relative(g.start, len(text)) - where))
    used.append((guess.start, guess.end))
    problems, problem = [], ""
    target_qualifier = guess.qualifier or "exact"
    if target_qualifier != qualifier:
        problems.append(f"qualifier {qualifier} -> {target_qualifier}")
        problem = "changed"
    for _, _, token in iter_digit_groups(text[guess.start : guess.end]):
        wrong = digit_style(token, pair.target.lang)
        if wrong:
            problems.append(wrong)
            problem = problem or NUMBER_STYLE
    status = "changed" if problems else "kept"
    # A unit word left in another language is the detector's flag (fidelity), not a change of the quantity.
    return Placement(status, guess.start, guess.end, "number", CONFIDENCE["number"], "; ".join(problems), problem)


@lru_cache(maxsize=4096)
def _target_quantities(text: str, lang: str) -> tuple:  # type: ignore[type-arg]
    # Several units (and several routes agreeing on a sentence) read the same text: parse it once.
    return tuple(find_quantities(text, lang))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


# -- names ----------------------------------------------------------------------------------


def _names(actors: Sequence[Unit], pair: SentencePair, used: list[tuple[int, int]]) -> dict[Unit, Placement]:
    if not actors:
        return {}
    lang, text = pair.target.lang, pair.text.text
    table = _frozen(pair.table)
    finder = NameFinder()
    wanted: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for unit in actors:
        key = name_key(" ".join(unit.names))
        if key in wanted:
            continue
        own = frozenset().union(*(_names_in(n, lang, table) for n in unit.names))
        other = frozenset().union(*(_names_in(n, o, table) for n in unit.names for o in pair.target.others)) - own
        wanted[key] = (own, other)
        for name in own | other:
            finder.add(name, (key, name in own))
    words, bounds, stems = _words(text, lang)
    matches = finder.find(words, stems) if words else []
    found: dict[Unit, Placement] = {}
    taken: list[tuple[int, int]] = []
    for unit in sorted(actors, key=lambda u: (u.sentence, u.start, u.part != "span")):
        key = name_key(" ".join(unit.names))
        own_keys = {name_key(n) for n in wanted[key][0]}
        other_keys = {name_key(n) for n in wanted[key][1]}
        where = _relative(_source_range(unit, pair)[0], len(pair.source))
        options = []
        for i, j, payload in matches:
            if payload[0] != key:
                continue
            start, end = bounds[i][0], bounds[j - 1][1]
            if _overlaps(start, end, taken):
                continue
            form = name_key(text[start:end])
            # The form decides, not the entry that matched: "Rusia" matches Portuguese "Rússia" by its stem too.
            exact = form in own_keys or form in other_keys
            own = form in own_keys or (form not in other_keys and payload[1])
            options.append((abs(_relative(start, len(text)) - where), not exact, not own, start, end, own, exact))
        if not options:
            continue
        *_, start, end, own, exact = min(options)
        taken.append((start, end))
        method = "name" if exact else "name-stem"
        foreign = _foreign(pair, start, end)
        if foreign or not own:
            detail = foreign or f"name {text[start:end]!r} is in another language of the route"
            found[unit] = Placement("changed", start, end, "name", CONFIDENCE[method], detail, WRONG_LANGUAGE)
        else:
            found[unit] = Placement("kept", start, end, "name", CONFIDENCE[method])
    used.extend(taken)
    return found


# -- stance cues ------------------------------------------------------------------------------


def _cue(unit: Unit, pair: SentencePair, placed: Mapping[Unit, Placement], used: list[tuple[int, int]]) -> Placement:
    text = pair.text.text
    cues = [c for c in find_cues(text, pair.cues) if c.kind != "alleged" and not _overlaps(c.start, c.end, used)]
    holder = next((p for u, p in placed.items() if u.span_id == unit.span_id and u.part == "holder"), None)
    if not cues:
        return _aligned(unit, pair, used, cue=True)
    if holder is not None and holder.start is not None:
        anchor = (holder.start + (holder.end or holder.start)) / 2
        cue = min(cues, key=lambda c: abs((c.start + c.end) / 2 - anchor))
    else:
        where = _relative(_source_range(unit, pair)[0], len(pair.source))
        cue = min(cues, key=lambda c: abs(_relative(c.start, len(text)) - where))
    used.append((cue.start, cue.end))
    return Placement("kept", cue.start, cue.end, "cue", CONFIDENCE["cue"])


# -- names the source does not have -----------------------------------------------------------


@lru_cache(maxsize=32)
def _place_finder(lang: str) -> tuple[NameFinder, dict[str, str]]:
    """A finder of every CLDR place name of ``lang`` (payload: the place), and place -> its first name."""
    from annot.names import place_names

    finder, first = NameFinder(), {}
    for place, names in place_names(lang).items():
        for name in names:
            finder.add(name, place)
        first[place] = min(names)
    return finder, first


def _places(text: str, lang: str) -> list[tuple[int, int, str]]:
    """The CLDR places named in ``text``: (start, end, place)."""
    finder, _ = _place_finder(lang)
    words, bounds, stems = _words(text, lang)
    return [(bounds[i][0], bounds[j - 1][1], str(place)) for i, j, place in finder.find(words, stems)] if words else []


def added_places(source: str, source_lang: str, target: str, target_lang: str,
                 covered: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:  # fmt: skip
    """The places the target names and its source does not: (start, end, detail), none inside ``covered``.

    A place counts as named in the source when the source names it in any of its CLDR names (in the source
    language or the target's: "Minsk" is named by "Minsk"), or names its country's people, as CLDR has no
    demonyms: a place is only added when no word of the source shares its name's stem.
    """
    named = {place for _, _, place in _places(source, source_lang)} | {p for _, _, p in _places(source, target_lang)}
    source_stems = {name_stem(w) for w in NAME_WORD.findall(source)}
    found = []
    for start, end, place in _places(target, target_lang):
        if place in named or _overlaps(start, end, covered):
            continue
        if any(name_stem(w) in source_stems for w in NAME_WORD.findall(target[start:end])):
            continue
        found.append((start, end, f"{target[start:end]!r} has no counterpart in the source"))
    return found
