"""One source sentence (or bead) and one target text, as projection's methods see them: the shared pieces.

``SentencePair`` holds both sides, the target's route, the project's aliases
and cue lists, and its ``Aligner`` (the word links, made on first use);
``Placement`` is what became of one unit. The small helpers here (a text's
name words, words left in another language, overlaps) serve ``match`` (placing
units) and ``novel`` (what one side has and the other has not).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from annot.names import NAME_WORD, name_lemmas, name_stem
from annot.project.detect import overlaps, wrong_language
from annot.project.targets import Target, TargetText
from annot.project.units import Unit
from annot.project.wordalign import GAP, Link, place
from annot.schema import StanceCues

__all__ = [
    "CONFIDENCE", "EXACT_METHODS", "LOST", "NUMBER_STYLE", "WRONG_LANGUAGE", "Aligner", "Placement", "SentencePair",
    "foreign_words", "known_word", "name_words", "overlaps", "relative", "source_range",
]  # fmt: skip

#: Placements that explain every word they cover (an invented word is never inside one).
EXACT_METHODS = ("name", "name-stem", "number", "cue")
#: Once per million words or more (wordfreq): a word of the language, not a garbled one.
KNOWN_ZIPF = 3.0
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
def name_words(text: str, lang: str) -> tuple[list[str], list[tuple[int, int]], list[tuple[str, ...]]]:
    words, bounds, stems = [], [], []
    for m in NAME_WORD.finditer(text):
        word = m.group()
        words.append(word)
        bounds.append(m.span())
        stems.append(tuple(dict.fromkeys([name_stem(word), *(name_stem(x) for x in name_lemmas(word, lang))])))
    return words, bounds, stems


def foreign_words(pair: SentencePair, start: int, end: int) -> str:
    """``left in English: "Belarusian"`` when a word of ``text[start:end]`` is of another language of the route."""
    text = pair.text.text
    found = wrong_language(text[start:end], pair.target.lang, pair.target.others)
    return "; ".join(f.detail for f in found)


def relative(offset: int, length: int) -> float:
    return offset / max(length, 1)


def source_range(unit: Unit, pair: SentencePair) -> tuple[int, int]:
    base = pair.offsets[unit.sentence]
    return base + unit.start, base + unit.end


@lru_cache(maxsize=65_536)
def known_word(word: str, lang: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang) >= KNOWN_ZIPF
