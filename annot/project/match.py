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

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache

from annot.names import NAME_WORD, NameFinder, aliases, name_key
from annot.numbers import digit_style, iter_digit_groups
from annot.project.novel import invented, unlinked_names
from annot.project.pair import (
    CONFIDENCE,
    EXACT_METHODS,
    LOST,
    NUMBER_STYLE,
    WRONG_LANGUAGE,
    Placement,
    SentencePair,
    foreign_words,
    name_words,
    overlaps,
    relative,
    source_range,
)  # fmt: skip
from annot.project.units import Unit
from annot.project.wordalign import stems
from annot.schema import StanceCues
from annot.suggest.quantity_finder import find_quantities, parse_quantity
from annot.suggest.stance_finder import find_cues

__all__ = ["place_units"]


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
    placed.update(_cues([u for u in mine if u.part == "cue"], pair, placed, used))
    for unit in mine:
        if unit not in placed:
            placed[unit] = _aligned(unit, pair, used)
    explained = [(p.start, p.end) for p in placed.values() if p.method in EXACT_METHODS and p.start is not None]
    unlinked_names(pair, explained)  # worked out once, with what names, numbers and cues explain
    for unit, placement in list(placed.items()):
        if unit.label == "ACTOR" or unit.part == "holder":
            placed[unit] = invented(placement, pair)
    return placed


def _aligned(unit: Unit, pair: SentencePair, used: list[tuple[int, int]], *, cue: bool = False) -> Placement:
    start, end = source_range(unit, pair)
    found = pair.align.place(start, end)
    if found is None:
        return Placement(LOST, None, None, "", 0.0, "nothing in the translation stands for it", LOST)
    t_start, t_end, score = found
    foreign = foreign_words(pair, t_start, t_end)
    used.append((t_start, t_end))
    if foreign:
        return Placement("changed", t_start, t_end, "align", score, foreign, WRONG_LANGUAGE)
    if cue and _saying(pair.text.text[t_start:t_end], pair):
        return Placement("kept", t_start, t_end, "align", score)
    if cue:
        words = pair.text.text[t_start:t_end]
        return Placement("changed", t_start, t_end, "align", score,
                         f"{words!r} is not a verb of saying in {pair.target.lang}: the attribution may be lost",
                         "changed")  # fmt: skip
    return Placement("kept", t_start, t_end, "align", score)


def _saying(words: str, pair: SentencePair) -> bool:
    """Whether a word of ``words`` is an inflection of a target cue's word ("anunciado" of "anunciou")."""
    cue_stems = _cue_stems(pair.target.lang, pair.cues)
    found = [name_key(w) for w in NAME_WORD.findall(words)]
    return bool(found) and any(stem in cue_stems for stem in stems(pair.target.lang, found))


@lru_cache(maxsize=64)
def _cue_stems(lang: str, cues: StanceCues) -> frozenset[str]:
    phrases = [*cues.reported, *cues.claimed]
    # Auxiliaries ("ha", "tinham") are in every tense of every verb: only a phrase's last word is the verb.
    return frozenset(stems(lang, [name_key(p.split()[-1]) for p in phrases if p.split()]))


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
    guesses = [g for g in _target_quantities(text, pair.target.lang) if not overlaps(g.start, g.end, used)]
    if value is None or not guesses:
        return _aligned(unit, pair, used)
    same = [g for g in guesses if Decimal(str(g.value)) == value]
    where = relative(source_range(unit, pair)[0], len(pair.source))
    if not same:
        # A number at the same place with another value is this one changed; else the aligner decides.
        nearest = min(guesses, key=lambda g: abs(relative(g.start, len(text)) - where))
        if abs(relative(nearest.start, len(text)) - where) > 0.25:
            return _aligned(unit, pair, used)
        used.append((nearest.start, nearest.end))
        return Placement("changed", nearest.start, nearest.end, "number-value", CONFIDENCE["number-value"],
                         f"value {_plain(value)} -> {_plain(Decimal(str(nearest.value)))}", "changed")  # fmt: skip
    guess = min(same, key=lambda g: abs(relative(g.start, len(text)) - where))
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
    words, bounds, stems = name_words(text, lang)
    matches = finder.find(words, stems) if words else []
    found: dict[Unit, Placement] = {}
    taken: list[tuple[int, int]] = []
    same: dict[tuple[int, int, int], Placement] = {}
    for unit in sorted(actors, key=lambda u: (u.sentence, u.start, u.part != "span")):
        if (unit.sentence, unit.start, unit.end) in same:  # a STANCE holder that is this ACTOR span
            found[unit] = same[(unit.sentence, unit.start, unit.end)]
            continue
        key = name_key(" ".join(unit.names))
        own_keys = {name_key(n) for n in wanted[key][0]}
        other_keys = {name_key(n) for n in wanted[key][1]}
        where = relative(source_range(unit, pair)[0], len(pair.source))
        options = []
        for i, j, payload in matches:
            if payload[0] != key:
                continue
            start, end = bounds[i][0], bounds[j - 1][1]
            if overlaps(start, end, taken):
                continue
            form = name_key(text[start:end])
            # The form decides, not the entry that matched: "Rusia" matches Portuguese "Rússia" by its stem too.
            exact = form in own_keys or form in other_keys
            own = form in own_keys or (form not in other_keys and payload[1])
            options.append((abs(relative(start, len(text)) - where), not exact, not own, start, end, own, exact))
        if not options:
            continue
        *_, start, end, own, exact = min(options)
        taken.append((start, end))
        method = "name" if exact else "name-stem"
        foreign = foreign_words(pair, start, end)
        if foreign or not own:
            detail = foreign or f"name {text[start:end]!r} is in another language of the route"
            found[unit] = Placement("changed", start, end, "name", CONFIDENCE[method], detail, WRONG_LANGUAGE)
        else:
            found[unit] = Placement("kept", start, end, "name", CONFIDENCE[method])
        same[(unit.sentence, unit.start, unit.end)] = found[unit]
    used.extend(taken)
    return found


@lru_cache(maxsize=8192)
def _names_in(name: str, lang: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> frozenset[str]:
    return frozenset(aliases(name, lang, dict(table)))


def _frozen(table: Mapping[str, Sequence[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((k, tuple(v)) for k, v in table.items())


# -- stance cues ------------------------------------------------------------------------------


def _cues(
    units: Sequence[Unit], pair: SentencePair, placed: Mapping[Unit, Placement], used: list[tuple[int, int]]
) -> dict[Unit, Placement]:
    """Each cue unit's cue in the target: the target language's cues, shared out by nearness.

    Nearness to where the aligner puts the unit, else to its projected holder, else to its relative
    place in the sentence; the nearest pairs are matched first, each target cue to one unit.
    """
    if not units:
        return {}
    text = pair.text.text
    cues = [c for c in find_cues(text, pair.cues) if c.kind != "alleged" and not overlaps(c.start, c.end, used)]
    costs = []
    for u, unit in enumerate(units):
        aligned = pair.align.place(*source_range(unit, pair)) if cues else None
        holder = next((p for v, p in placed.items() if v.span_id == unit.span_id and v.part == "holder"), None)
        where = relative(source_range(unit, pair)[0], len(pair.source))
        for k, cue in enumerate(cues):
            middle = (cue.start + cue.end) / 2
            if aligned is not None:
                cost = abs(middle - (aligned[0] + aligned[1]) / 2) / max(len(text), 1)
            elif holder is not None and holder.start is not None and holder.end is not None:
                cost = 0.5 + abs(middle - (holder.start + holder.end) / 2) / max(len(text), 1)
            else:
                cost = 1.0 + abs(relative(cue.start, len(text)) - where)
            costs.append((cost, u, k))
    found: dict[Unit, Placement] = {}
    taken: set[int] = set()
    for _, u, k in sorted(costs):
        if units[u] in found or k in taken:
            continue
        taken.add(k)
        found[units[u]] = Placement("kept", cues[k].start, cues[k].end, "cue", CONFIDENCE["cue"])
        used.append((cues[k].start, cues[k].end))
    for unit in units:
        if unit not in found:
            found[unit] = _aligned(unit, pair, used, cue=True)
    return found
