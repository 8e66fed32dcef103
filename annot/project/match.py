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

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from annot.names import NAME_WORD, NameFinder, aliases, name_key, name_lemmas, name_stem
from annot.numbers import digit_style, iter_digit_groups
from annot.project.detect import wrong_language
from annot.project.targets import Target, TargetText
from annot.project.units import Unit
from annot.project.wordalign import GAP, Link, fold_word, place, stems
from annot.schema import StanceCues
from annot.suggest.quantity_finder import find_quantities, parse_quantity
from annot.suggest.stance_finder import find_cues

__all__ = [
    "CONFIDENCE",
    "Aligner",
    "Placement",
    "SentencePair",
    "added_places",
    "lost_names",
    "place_units",
    "unlinked_names",
]

#: How sure each method is of a placement it makes (``align``'s comes from the aligner's score).
_EXACT_METHODS = ("name", "name-stem", "number", "cue")  # placements that explain every word they cover
_KNOWN_ZIPF = 3.0  # once per million words or more (wordfreq): a word of the language, not a garbled one
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
        align: the pair's word aligner (``Aligner``).
    """

    source: str
    offsets: Mapping[int, int]
    text: TargetText
    source_lang: str
    target: Target
    table: Mapping[str, Sequence[str]]
    cues: StanceCues
    align: Aligner


class Aligner:
    """The word links of one sentence pair, made on first use (names and numbers place most units without them).

    Args:
        links: makes the links (``annot.project.wordalign.align_words`` with the pair's texts and lexicon).
        target: the target text.
        vocabulary: makes the folded target words the lexicon gives for the source's words
            (``annot.project.wordalign.lexicon_words``): a target word among them renders some source word.
    """

    def __init__(self, links: Callable[[], Sequence[Link]], target: str,
                 vocabulary: Callable[[], frozenset[str]] | None = None,
                 lexicon: Mapping[str, Collection[str]] | None = None) -> None:  # fmt: skip
        self._make, self._target, self._make_vocabulary = links, target, vocabulary
        self.lexicon: Mapping[str, Collection[str]] = lexicon or {}
        self._vocabulary: frozenset[str] | None = None
        self._links: list[Link] | None = None
        self._own: list[tuple[int, int]] | None = None
        self._unlinked: list[tuple[int, int, str]] | None = None

    @property
    def links(self) -> Sequence[Link]:
        """The links, made now if not yet."""
        if self._links is None:
            self._links = list(self._make())
        return self._links

    @property
    def vocabulary(self) -> frozenset[str]:
        """The folded target words the lexicon gives for the source's words, made now if not yet."""
        if self._vocabulary is None:
            self._vocabulary = self._make_vocabulary() if self._make_vocabulary is not None else frozenset()
        return self._vocabulary

    def place(self, start: int, end: int) -> tuple[int, int, float] | None:
        """The target range a source range maps to, with a confidence (``wordalign.place``), or None."""
        return place(self.links, start, end, self._target)

    def linked(self, start: int, end: int) -> bool:
        """Whether a word of the target range has a link of its own (a gap-filling link does not count)."""
        if self._own is None:
            self._own = [link.target for link in self.links if link.score > GAP]
        return any(s < end and start < e for s, e in self._own)


@lru_cache(maxsize=4096)  # a sentence is read by names and places, for every route with the same text
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
    placed.update(_cues([u for u in mine if u.part == "cue"], pair, placed, used))
    for unit in mine:
        if unit not in placed:
            placed[unit] = _aligned(unit, pair, used)
    explained = [(p.start, p.end) for p in placed.values() if p.method in _EXACT_METHODS and p.start is not None]
    unlinked_names(pair, explained)  # worked out once, with what names, numbers and cues explain
    for unit, placement in list(placed.items()):
        if unit.label == "ACTOR" or unit.part == "holder":
            placed[unit] = _invented(placement, pair)
    return placed


def unlinked_names(pair: SentencePair, explained: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
    """Capitalised words of the target no source word stands for: (start, end, detail).

    A word counts when it is capitalised but does not open the sentence or a quotation (a name, or a word
    of one: "Oriental" in "Bielorrússia Oriental" for "Belarusian"), has no link of its own to a source
    word (``Aligner.linked``), is not inside a range ``explained`` (a name or number placed), is neither
    written in the source nor a lexicon translation of a source word ("Minister" of "viceministro"), and is
    a word of the target language (wordfreq knows it: a garbled word such as "Corel" for "Coronel" is the
    engine's noise, not an invention). Worked out once per pair: the first call's ``explained`` counts.
    """
    if pair.align._unlinked is not None:
        return pair.align._unlinked
    if not pair.align.lexicon:  # without the route's word translations a translated word looks invented
        pair.align._unlinked = []
        return []
    text = pair.text.text
    source_words = {_fold(w) for w in NAME_WORD.findall(pair.source)}
    found: list[tuple[int, int, str]] = []
    for m in NAME_WORD.finditer(text):
        word = m.group()
        if not word[:1].isupper() or len(word) < 3 or _opens(text, m.start()) or _fold(word) in source_words:
            continue
        if _overlaps(m.start(), m.end(), explained) or fold_word(word) in pair.align.vocabulary:
            continue
        if not pair.align.linked(m.start(), m.end()) and _known(word, pair.target.lang):
            found.append((m.start(), m.end(), f"{word!r} has no counterpart in the source"))
    pair.align._unlinked = found
    return found


@lru_cache(maxsize=65_536)
def _known(word: str, lang: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang) >= _KNOWN_ZIPF


def lost_names(
    source: str, source_lang: str, align: Aligner, target: str
) -> list[tuple[int | None, int | None, str, str]]:
    """Source names nothing in the translation stands for: (target start, end, word, detail).

    The mirror of ``unlinked_names``: a capitalised source word that does not open the sentence and is
    rare as a word of its language (a name or a demonym, "Belarusian"; not a title written capitalised,
    "Minister"), has no link of its own into the target, is not written there, and none of whose lexicon
    translations is there. The range is where its neighbours' links put it (None when nowhere).
    """
    if not align.lexicon:  # without the route's word translations a translated name looks lost
        return []
    own = [link.source for link in align.links if link.score > GAP]
    folded_target = {fold_word(part) for w in NAME_WORD.findall(target) for part in (w, *w.split("-"))}
    found: list[tuple[int | None, int | None, str, str]] = []
    for m in NAME_WORD.finditer(source):
        word = m.group()
        if not word[:1].isupper() or len(word) < 3 or _opens(source, m.start()) or fold_word(word) in folded_target:
            continue
        if _known(word, source_lang):
            continue
        if any(s < m.end() and m.start() < e for s, e in own):
            continue
        if set(align.lexicon.get(fold_word(word), ())) & folded_target:
            continue  # its translation is there, linked to another word ("vice-ministro" for "Deputy Minister")
        where = align.place(m.start(), m.end()) or _between(align, m.start(), m.end(), target)
        start, end = (where[0], where[1]) if where else (None, None)
        found.append((start, end, word, f'"{word}" has no counterpart in the translation'))
    return found


def _between(align: Aligner, start: int, end: int, target: str) -> tuple[int, int] | None:
    """Where a source word with no link would be: the target between its nearest linked neighbours' words."""
    links = [link for link in align.links if link.score > GAP]
    before = [link.target[1] for link in links if link.source[1] <= start]
    after = [link.target[0] for link in links if link.source[0] >= end]
    lo = max(before, default=0)
    hi = min((a for a in after if a >= lo), default=len(target))
    piece = target[lo:hi]
    trimmed = piece.strip(' ,;:.!?“”"«»()')
    if not trimmed:
        return None
    lo += piece.index(trimmed)
    return lo, lo + len(trimmed)


def _opens(text: str, at: int) -> bool:
    """Whether a word at ``at`` opens the text, a sentence or a quotation (so is capitalised anyway)."""
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:;“«\"'(—–-"


def _fold(word: str) -> str:
    return name_key(word)


def _invented(placement: Placement, pair: SentencePair) -> Placement:
    """A kept name holding, or written right before or after, a capitalised word nothing in the source stands
    for is changed, and takes that word in ("Ministério da Defesa da Bielorrússia Oriental")."""
    if placement.status != "kept" or placement.start is None or placement.end is None:
        return placement
    text, start, end = pair.text.text, placement.start, placement.end
    extra = []
    for s, e, _ in unlinked_names(pair):
        inside = start <= s and e <= end
        touching = (e <= start and not text[e:start].strip()) or (s >= end and not text[end:s].strip())
        if inside or touching:
            extra.append((s, e))
            start, end = min(start, s), max(end, e)
    if not extra:
        return placement
    words = ", ".join(repr(text[s:e]) for s, e in extra)
    return Placement("changed", start, end, placement.method, placement.confidence,
                     f"name changed: {words} has no counterpart in the source", "changed")  # fmt: skip


def _source_range(unit: Unit, pair: SentencePair) -> tuple[int, int]:
    base = pair.offsets[unit.sentence]
    return base + unit.start, base + unit.end


def _overlaps(start: int, end: int, used: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in used)


def _aligned(unit: Unit, pair: SentencePair, used: list[tuple[int, int]], *, cue: bool = False) -> Placement:
    start, end = _source_range(unit, pair)
    found = pair.align.place(start, end)
    if found is None:
        return Placement(LOST, None, None, "", 0.0, "nothing in the translation stands for it", LOST)
    t_start, t_end, score = found
    foreign = _foreign(pair, t_start, t_end)
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
    same: dict[tuple[int, int, int], Placement] = {}
    for unit in sorted(actors, key=lambda u: (u.sentence, u.start, u.part != "span")):
        if (unit.sentence, unit.start, unit.end) in same:  # a STANCE holder that is this ACTOR span
            found[unit] = same[(unit.sentence, unit.start, unit.end)]
            continue
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
        same[(unit.sentence, unit.start, unit.end)] = found[unit]
    used.extend(taken)
    return found


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
    cues = [c for c in find_cues(text, pair.cues) if c.kind != "alleged" and not _overlaps(c.start, c.end, used)]
    costs = []
    for u, unit in enumerate(units):
        aligned = pair.align.place(*_source_range(unit, pair)) if cues else None
        holder = next((p for v, p in placed.items() if v.span_id == unit.span_id and v.part == "holder"), None)
        where = _relative(_source_range(unit, pair)[0], len(pair.source))
        for k, cue in enumerate(cues):
            middle = (cue.start + cue.end) / 2
            if aligned is not None:
                cost = abs(middle - (aligned[0] + aligned[1]) / 2) / max(len(text), 1)
            elif holder is not None and holder.start is not None and holder.end is not None:
                cost = 0.5 + abs(middle - (holder.start + holder.end) / 2) / max(len(text), 1)
            else:
                cost = 1.0 + abs(_relative(cue.start, len(text)) - where)
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


# -- names the source does not have -----------------------------------------------------------


@lru_cache(maxsize=32)
def _place_finder(lang: str) -> NameFinder:
    """A finder of every CLDR place name of ``lang`` (payload: the place)."""
    from annot.names import place_names

    finder = NameFinder()
    for where, names in place_names(lang).items():
        for name in names:
            finder.add(name, where)
    return finder


@lru_cache(maxsize=4096)  # the source's places are asked for by every route
def _places(text: str, lang: str) -> list[tuple[int, int, str]]:
    """The CLDR places named in ``text``: (start, end, place)."""
    finder = _place_finder(lang)
    words, bounds, stems = _words(text, lang)
    return [(bounds[i][0], bounds[j - 1][1], str(place)) for i, j, place in finder.find(words, stems)] if words else []


def added_places(source: str, source_lang: str, target: str, target_lang: str,
                 covered: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:  # fmt: skip
    """The places the target names and its source does not: (start, end, detail), none inside ``covered``.

    A place counts as named in the source when the source names it in any of its CLDR names (in the source
    language or the target's: "Minsk" is named by "Minsk"), or names its country's people, as CLDR has no
    demonyms: a place is only added when no word of the source shares its name's stem.
    """
    from annot.names import place_names

    named = {place for _, _, place in _places(source, source_lang)} | {p for _, _, p in _places(source, target_lang)}
    source_stems = {name_stem(w) for w in NAME_WORD.findall(source)}
    found = []
    names = place_names(target_lang)
    for start, end, where in _places(target, target_lang):
        if where in named or _overlaps(start, end, covered):
            continue
        if name_key(target[start:end]) not in {name_key(n) for n in names.get(where, ())}:
            continue  # a stem's guess ("Estos" for Estonia): only a place's own name counts here
        if any(name_stem(w) in source_stems for w in NAME_WORD.findall(target[start:end])):
            continue
        found.append((start, end, f"{target[start:end]!r} has no counterpart in the source"))
    return found
