"""Actor suggestions: who acts in a sentence (states, bodies, people, media), with type and canonical name.

Sources, all offline, each with its own confidence (``actor_rules.CONFIDENCE``
and ``CONFIDENCE`` here):

- the project's own actors (``known``): every accepted ACTOR's text, canonical
  name and aliases, and a person's surname alone, found inflected and in any
  script through ``annot.names`` (stems; lemmas for Russian and Ukrainian);
- a CLDR gazetteer of countries (and the EU and UN) in every language, with
  capitals and seats of power read as their state ("Minsk", "the Kremlin");
- rules over word lists (``actors.toml``): demonym phrases ("the Belarusian
  Defense Ministry" -> "Ministry of Defence of Belarus"; "Russian troops" ->
  military unit "Armed Forces of Russia"), people after a title, news agencies,
  and two capitalised words in mid-sentence as a person's name;
- statistical NER: natasha for Russian (``ner=True``), and any spaCy pipeline
  passed as ``pipeline``.

Overlaps are settled once: the longest span wins, then the more specific source
(``PRIORITY``), so each stretch of text gets one suggestion.

The module is named ``actor_finder`` so that a function ``annot.suggest.actors``
(issue 12's suggester API) can never hide it, as ``annot.compare`` the function
hides ``annot.compare`` the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from annot.errors import SpanError
from annot.names import NameFinder
from annot.suggest.actor_ner import Pipeline, natasha_spans, pipeline_spans
from annot.suggest.actor_rules import Candidate, Words, extend_end, rule_candidates

__all__ = ["ACTOR_TYPES", "SUGGESTER", "VERSION", "ActorSuggestion", "KnownActor", "suggest_actors"]

SUGGESTER = "actors"
VERSION = "2"  # as ActorSuggester.version
#: The ``type`` choices of the default schema's ACTOR label.
ACTOR_TYPES = ("state", "government body", "person", "organization", "media", "military unit", "other")
CONFIDENCE = {"known": 0.95, "known-inflected": 0.85, "ner": 0.6}
# Between spans of one length: the annotator's own actors first, then rules that read a phrase, then lists, then NER.
PRIORITY = {"known": 0, "known-inflected": 0, "institution": 1, "title": 1, "agency": 1, "military": 2,
            "media": 2, "organization": 2, "abbreviation": 2, "country": 3, "metonym": 3, "ner": 4, "reported": 5,
            "shape": 5}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ActorSuggestion:
    """A suggested ACTOR span: ``text[start:end]`` (code points), its attributes, who suggested it and how sure.

    Attributes:
        start: offset of the first code point in the text given.
        end: offset after the last.
        text: the span's text.
        type: one of ``ACTOR_TYPES``.
        canonical: the canonical name ("" when unknown, as for a person seen for the first time).
        source: the rule or list it comes from ("known", "country", "institution", "ner", ...).
        confidence: 0-1, per source.
    """

    start: int
    end: int
    text: str
    type: str
    canonical: str
    source: str
    confidence: float
    label: str = field(default="ACTOR", init=False)
    suggester: str = field(default=SUGGESTER, init=False)
    version: str = field(default=VERSION, init=False)

    @property
    def attrs(self) -> dict[str, str]:
        """The ACTOR attributes of the default schema (``canonical`` left out when unknown)."""
        return {"type": self.type, "canonical": self.canonical} if self.canonical else {"type": self.type}


@dataclass(frozen=True, slots=True)
class KnownActor:
    """An actor the project has accepted: its text as tagged, canonical name, type and other names."""

    text: str
    canonical: str = ""
    type: str = "other"
    aliases: tuple[str, ...] = ()


@lru_cache(maxsize=16)  # a session calls with the same accepted actors sentence after sentence
def _known_finder(known: tuple[KnownActor, ...]) -> NameFinder:
    finder = NameFinder()
    for actor in known:
        canonical = actor.canonical or actor.text
        names = [actor.text, actor.canonical, *actor.aliases]
        if actor.type == "person":  # "Lukashenko" alone, once "Alexander Lukashenko" is known
            names += [n.split()[-1] for n in names if len(n.split()) > 1]
        for name in names:
            if name.strip():
                finder.add(name, (actor.type, canonical))
    return finder


def _check_known(known: Iterable[KnownActor | tuple[str, str, str]]) -> tuple[KnownActor, ...]:
    out = []
    for actor in known:
        if not isinstance(actor, KnownActor):
            actor = KnownActor(*actor)
        if actor.type not in ACTOR_TYPES:
            raise SpanError(
                f"Known actor {actor.text!r} has type {actor.type!r}; valid types: {', '.join(ACTOR_TYPES)}."
                " Pass KnownActor(text, canonical, type) with one of them."
            )
        out.append(actor)
    return tuple(out)


# Endings that make a capitalised adjective or demonym of a place name (English, Dutch): the names policy
# reads "Belarusian" as an inflection of "Belarus" (right for aligning), but "the Belarusian army" is not Belarus.
# Longest first, so that "ians" is found before "ian".
_DEMONYM_ENDINGS = ("ischen", "ische", "ians", "eans", "isch", "ian", "ean", "ese", "ish")


def _known_candidates(words: Words, known: tuple[KnownActor, ...]) -> list[Candidate]:
    found = []
    for first, last, (kind, canonical) in _known_finder(known).find(words.words, words.stems):
        text = words.text[words.starts[first] : words.ends[last - 1]]
        exact = any(text in (a.text, a.canonical) for a in known)
        if not exact and _demonym_of_a_name(text, known):
            continue
        if kind == "state" and (first, last) in words.places_only:
            continue  # "signed in Minsk": a place, though Minsk stands for Belarus elsewhere
        source = "known" if exact else "known-inflected"
        found.append(Candidate(first, last, kind, canonical, source, CONFIDENCE[source]))
    return found


def _demonym_of_a_name(text: str, known: tuple[KnownActor, ...]) -> bool:
    """Whether ``text`` ends in a demonym ending that none of the known names has: "Belarusian", not "Belarus"."""
    folded = text.casefold()
    ending = next((e for e in _DEMONYM_ENDINGS if folded.endswith(e)), None)
    if ending is None:
        return False
    return not any(n.casefold().endswith(ending) for a in known for n in (a.text, a.canonical, *a.aliases) if n)


def _ner_suggestions(text: str, words: Words, lang: str, spans: Sequence[tuple[int, int, str]],
                     resolved: list[ActorSuggestion]) -> list[ActorSuggestion]:  # fmt: skip
    states = {(s.start, s.end) for s in resolved if s.type == "state"}
    found = []
    for start, end, kind in spans:
        if kind == "place" and (start, end) not in states:
            continue  # a place the gazetteer does not know is a location, not an actor
        if kind == "place":
            continue  # known to the gazetteer: its suggestion (with a canonical name) is there already
        found.append(ActorSuggestion(start, end, text[start:end], kind, "", "ner", CONFIDENCE["ner"]))
    return found


def _resolve(suggestions: list[ActorSuggestion]) -> list[ActorSuggestion]:
    """One suggestion per stretch of text: longest first, then by ``PRIORITY``, then confidence."""
    ranked = sorted(suggestions, key=lambda s: (s.start - s.end, PRIORITY[s.source], -s.confidence, s.start))
    taken: list[ActorSuggestion] = []
    for s in ranked:
        if all(s.end <= t.start or s.start >= t.end for t in taken):
            taken.append(s)
    return sorted(taken, key=lambda s: s.start)


def suggest_actors(
    text: str, lang: str, *, known: Iterable[KnownActor | tuple[str, str, str]] = (), ner: bool = False,
    pipeline: Pipeline | None = None,
) -> list[ActorSuggestion]:  # fmt: skip
    """Suggest the actors of a text: spans with type and canonical name, one per stretch of text.

    Args:
        text: a sentence (or a short text); offsets are relative to it.
        lang: its ISO 639-1 code. en, es, pt, fr, de, it, ru, uk, pl and cs have word lists;
            any other language gets the gazetteer, the known actors and NER only.
        known: the project's accepted actors, as ``KnownActor`` or ``(text, canonical, type)``.
        ner: also run natasha's NER on Russian text (about 0.8 s and 200 MB to load, 9 ms a sentence).
        pipeline: a spaCy pipeline (``spacy.load(name)``) whose PERSON/PER and ORG entities are suggested.

    Returns:
        The suggestions in text order, none overlapping.

    Raises:
        SpanError: a known actor has a type outside ``ACTOR_TYPES``.
    """
    known_actors = _check_known(known)
    words = Words(text, lang)
    candidates = rule_candidates(words, lang)  # before the known actors: it marks the capitals that are places
    if known_actors:
        candidates += _known_candidates(words, known_actors)
    found = [
        ActorSuggestion(start, end, text[start:end], c.type, c.canonical, c.source, c.confidence)
        for c in candidates
        for start in [words.starts[c.first]]
        for end in [extend_end(text, start, words.ends[c.last - 1], c.type)]
    ]  # fmt: skip
    spans: list[tuple[int, int, str]] = []
    if ner and lang == "ru":
        spans += natasha_spans(text)
    if pipeline is not None:
        spans += pipeline_spans(pipeline, text)
    if spans:
        found += _ner_suggestions(text, words, lang, spans, found)
    return _resolve(found)
