"""Attributed statements from cue words: how a sentence presents a claim (evidence) and who holds it.

A reporting verb ("says", "según" is *according*, "заявил") makes a statement
*reported*; a verb of claiming ("claims") or a hedge ("allegedly", "якобы")
makes it *alleged*; a quotation of four words or more makes it *quoted*. The
cue phrases live in the label schema (``[stance_cues.KIND]`` of
``annot/schema_default.toml``, extended by a project's ``annot.toml``), read
through ``LabelSchema.stance_cues``: the widget's prefill and the suggester
read the same lists. The holder is an actor on the cue's side:

- *reported*/*claimed* verbs: the actor before the verb (its subject), or the one
  right after it when the verb comes first (", says Minsk", "заявил Лукашенко");
  with no actor there, a capitalised name right after it as text ("argued Revenko");
- *according*: the actor right after ("according to the ministry"), else the
  words up to the next comma as text ("según fuentes militares");
- after a *passive* word ("was confirmed") only an agent right after the verb;
- actors inside a quotation are never holders; a pronoun ("he said") gives none.

A sentence holding two cues with different holders holds two statements, split
at a clause break (comma, semicolon, colon, dash) between them, on the side that
leaves each statement its content. This is a prefill for a person to confirm,
not a classifier: no offline library does stance evidence for these languages.
Polarity is never guessed: it needs reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import regex

from annot.schema import LabelSchema, StanceCues, load_schema

__all__ = [
    "CONFIDENCE", "ActorRef", "Cue", "StanceGuess", "Statement", "default_cues", "find_cues", "find_statements",
    "suggest_stance",
]  # fmt: skip

#: How sure each rule is; the suggester's confidence of a statement.
CONFIDENCE = {
    "according+actor": 0.9, "reported+actor": 0.8, "claimed+actor": 0.8, "according+text": 0.65,
    "reported+name": 0.65, "claimed+name": 0.65, "reported": 0.5, "claimed": 0.5, "passive": 0.5,
    "according": 0.5, "quotation": 0.45, "hedge": 0.4,
}  # fmt: skip
_QUOTE = regex.compile(r"[“«„\"]([^”»“\"]+)[”»“\"]")
_MIN_QUOTED_WORDS = 4
_BREAK = regex.compile(r"[,;:—–]\s+|\s[—–]\s+")  # a clause break between two statements
_STOP = regex.compile(r"[,;:.!?“”\"«»„()—–]")  # no holder search crosses these
_FAR = regex.compile(r"[,;:.!?“”\"«»„—–]")  # ... but an inverted subject's, which may follow a date in parentheses
_AFTER_WORDS = 3  # an actor this many words after a verb can be its subject ("как заявил Лукашенко")
_INVERTED_WORDS = 8  # after ", said": "informó el lunes (17/10/2022) el Ministerio", parentheses allowed
_ACCORDING_WORDS = 6  # the most words of a free-text "according to" holder
_WORD = r"[^\s,;:.!?“”\"«»„()—–]+"
_PHRASE = regex.compile(rf"\s*({_WORD}(?:\s+{_WORD}){{0,{_ACCORDING_WORDS - 1}}})")
_NAME = regex.compile(r"\s*((?:\p{Lu}[\p{L}'’-]*\.?\s+){0,2}\p{Lu}[\p{L}'’-]+)")


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor the holder can be: its span id (``""`` when not stored), sentence-relative offsets, its name.

    ``name`` is what the STANCE's ``holder`` says: the canonical name, else the
    text (as the annotator's session writes it).
    """

    id: str
    start: int
    end: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class Statement:
    """An attributed statement in a text: ``text[start:end]``, its cue, evidence and holder.

    Attributes:
        start: offset of the first code point (relative to the text given).
        end: offset after the last.
        evidence: ``reported``, ``alleged`` or ``quoted``.
        cue: the phrase it rests on, as written (a quotation's first words when there is no cue).
        cue_start: offset of the cue.
        holder: the holder's name (``""`` when none was found).
        holder_actor: the actor holding it, when an actor does.
        holder_start: offset of the holder's text (-1 without a holder).
        holder_end: offset after it.
        rule: the ``CONFIDENCE`` key of the rule that found it.
    """

    start: int
    end: int
    evidence: str
    cue: str
    cue_start: int
    holder: str = ""
    holder_actor: ActorRef | None = None
    holder_start: int = -1
    holder_end: int = -1
    rule: str = "reported"

    @property
    def confidence(self) -> float:
        """How sure the rule is (``CONFIDENCE``)."""
        return CONFIDENCE[self.rule]


@dataclass(frozen=True, slots=True)
class StanceGuess:
    """What the text suggests for a sentence's stance; ``None`` fields are left for the annotator."""

    evidence: str | None
    holder_span: str | None
    cue: str | None  # the phrase the guess rests on, shown to the annotator


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue phrase found in a text: ``text[start:end]`` and its kind (``reported``, ``according``, ...)."""

    start: int
    end: int
    kind: str
    text: str


@cache
def _default_schema() -> LabelSchema:
    return load_schema()


def default_cues(lang: str) -> StanceCues:
    """The default schema's cue phrases for ``lang`` (a project's are ``store.schema.stance_cues(lang)``)."""
    return _default_schema().stance_cues(lang)


@cache
def _pattern(phrases: tuple[str, ...]) -> regex.Pattern[str] | None:
    if not phrases:
        return None
    # Any run of spaces between words, and a typographic apostrophe for a straight one.
    parts = [
        r"\s+".join("['’]".join(regex.escape(piece) for piece in word.split("'")) for word in p.split())
        for p in sorted(phrases, key=len, reverse=True)
    ]  # fmt: skip
    return regex.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", flags=regex.IGNORECASE)


def find_cues(text: str, cues: StanceCues) -> list[Cue]:
    """The cues of ``text`` in text order: the longest where two overlap, none inside an ``ignore`` phrase.

    Args:
        text: a sentence (offsets of the cues are relative to it).
        cues: the cue phrases of its language (``default_cues(lang)`` or ``store.schema.stance_cues(lang)``).
    """
    found: list[Cue] = []
    ignored = _pattern(cues.ignore)
    blocked = [(m.start(), m.end()) for m in ignored.finditer(text)] if ignored else []
    for kind in ("according", "claimed", "reported", "alleged"):
        pattern = _pattern(getattr(cues, kind))
        for m in pattern.finditer(text) if pattern else ():
            found.append(Cue(m.start(), m.end(), kind, m.group()))
    taken: list[Cue] = []
    for cue in sorted(found, key=lambda c: (c.start - c.end, c.start)):
        free = all(cue.end <= t.start or cue.start >= t.end for t in taken)
        if free and not any(s <= cue.start and cue.end <= e for s, e in blocked):
            taken.append(cue)
    return sorted(taken, key=lambda c: c.start)


def _quotations(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, words)`` of each quotation, its marks included."""
    return [(m.start(), m.end(), len(m.group(1).split())) for m in _QUOTE.finditer(text)]


def _is_passive(text: str, cue: Cue, cues: StanceCues) -> bool:
    pattern = _pattern(cues.passive)
    if pattern is None:
        return False
    before = text[: cue.start].rstrip()
    return any(m.end() == len(before) for m in pattern.finditer(before, max(0, len(before) - 40)))


def _clear(text: str, start: int, end: int, words: int = _AFTER_WORDS, stop: regex.Pattern[str] = _STOP) -> bool:
    """No clause punctuation and at most ``words`` words in ``text[start:end]``."""
    between = text[start:end]
    return not stop.search(between) and len(between.split()) <= words


def _same_clause(text: str, end: int, cue_start: int) -> bool:
    """No clause punctuation between an actor and its verb but a comma closing an apposition ("X, said")."""
    between = text[end:cue_start].rstrip().removesuffix(",")
    return not _STOP.search(between)


@dataclass(frozen=True, slots=True)
class _Holder:
    name: str = ""
    actor: ActorRef | None = None
    start: int = -1
    end: int = -1
    how: str = ""  # "actor", "name", "text" or "" (none)


def _actor_holder(actor: ActorRef, text: str) -> _Holder:
    return _Holder(actor.name or text[actor.start : actor.end], actor, actor.start, actor.end, "actor")


def _opens_content(text: str, cue: Cue, cues: StanceCues) -> bool:
    """Whether a ``that`` word follows the verb ("announced that"): its subject is then before it."""
    pattern = _pattern(cues.that)
    return pattern is not None and pattern.match(text, cue.end + len(text[cue.end :]) - len(text[cue.end :].lstrip()))


def _holder(text: str, cue: Cue, actors: list[ActorRef], floor: int, passive: bool, opens: bool) -> tuple[_Holder, str]:
    """The holder of ``cue`` and where the statement's content lies from it (``before`` or ``after``)."""
    after = next((a for a in actors if a.start >= cue.end and _clear(text, cue.end, a.start)), None)
    if cue.kind == "according":
        # "According to X, A" opens its sentence (or clause); "A, according to X" closes it.
        content = "after" if text[: cue.start].rstrip()[-1:] in ("", ";", ":") else "before"
        if after is not None:
            return _actor_holder(after, text), content
        words = _PHRASE.match(text, cue.end)
        if words:
            return _Holder(words.group(1), None, words.start(1), words.end(1), "text"), content
        return _Holder(), content
    if passive:
        return (_actor_holder(after, text) if after is not None else _Holder()), "before"
    before = [a for a in actors if floor <= a.start and a.end <= cue.start and _same_clause(text, a.end, cue.start)]
    inverted = not text[: cue.start].strip() or bool(_STOP.search(text[: cue.start].rstrip()[-1:]))
    far = next((a for a in actors if a.start >= cue.end and _clear(text, cue.end, a.start, _INVERTED_WORDS, _FAR)),
               None)  # fmt: skip
    # "the president, Lukashenko, announced a grouping with Putin": a subject in apposition, not inverted.
    apposed = (
        bool(before)
        and text[before[-1].end : cue.start].strip() == ","
        and (text[: before[-1].start].rstrip().endswith(","))
    )
    if inverted and far is not None and not opens and not apposed:
        return _actor_holder(far, text), "before"
    if after is not None and not before and not opens:
        return _actor_holder(after, text), "before"
    if before:
        return _actor_holder(before[-1], text), "after"
    name = _NAME.match(text, cue.end)
    if inverted and name:
        return _Holder(name.group(1), None, name.start(1), name.end(1), "name"), "before"
    return _Holder(), "after"


@dataclass
class _Anchor:
    cue: Cue
    holder: _Holder
    content: str  # "before" or "after" the cue
    passive: bool

    @property
    def area(self) -> tuple[int, int]:
        if self.holder.start < 0:
            return self.cue.start, self.cue.end
        return min(self.cue.start, self.holder.start), max(self.cue.end, self.holder.end)

    def same_holder(self, other: _Anchor) -> bool:
        if self.holder.actor is not None or other.holder.actor is not None:
            return self.holder.actor == other.holder.actor
        return self.holder.name.casefold() == other.holder.name.casefold()


def _split_point(text: str, left: _Anchor, right: _Anchor) -> int | None:
    """Where ``left``'s statement ends and ``right``'s begins: after a clause break between their areas."""
    gap_start, gap_end = left.area[1], right.area[0]
    breaks = [m.end() for m in _BREAK.finditer(text, gap_start, gap_end)]
    if breaks:
        return breaks[-1] if left.content == "after" and right.content != "before" else breaks[0]
    spaces = [m.end() for m in regex.finditer(r"\s+", text[:gap_end]) if m.start() >= gap_start]
    return spaces[-1] if spaces else None


def _actor_refs(text: str, lang: str, actors: Iterable[Any] | None) -> list[ActorRef]:
    """``actors`` as ``ActorRef`` (from ``ActorRef``, ``Suggestion`` or ``ActorSuggestion``); found when none."""
    if actors is None:
        from annot.suggest.actor_finder import suggest_actors

        actors = suggest_actors(text, lang)
    refs = []
    for actor in actors:
        if isinstance(actor, ActorRef):
            refs.append(actor)
        elif getattr(actor, "label", "ACTOR") == "ACTOR" and hasattr(actor, "start"):
            attrs = getattr(actor, "attrs", {}) or {}
            name = str(attrs.get("canonical") or text[actor.start : actor.end])
            refs.append(ActorRef(str(getattr(actor, "id", "") or ""), actor.start, actor.end, name))
    return sorted(refs, key=lambda a: (a.start, a.end))


def find_statements(
    text: str, lang: str, actors: Iterable[Any] | None = None, cues: StanceCues | None = None
) -> list[Statement]:
    """The attributed statements of ``text``: spans that tile it from the first to the last, in text order.

    Args:
        text: a sentence (offsets are relative to it; one statement covers all of it).
        lang: its ISO 639-1 code; a language without cue lists gives quotations only.
        actors: the actors that can hold a statement (``ActorRef``, ``Suggestion`` or
            ``ActorSuggestion``, offsets relative to ``text``); ``None`` runs the actor
            suggester over ``text``.
        cues: the cue phrases (``LabelSchema.stance_cues``); ``None`` for the default schema's.

    Returns:
        One ``Statement`` per attributed statement; none when ``text`` has no cue and no quotation.
    """
    cues = default_cues(lang) if cues is None else cues
    quotes = _quotations(text)
    inside = [(s, e) for s, e, _ in quotes]
    refs = [a for a in _actor_refs(text, lang, actors) if not any(s <= a.start and a.end <= e for s, e in inside)]
    found = [c for c in find_cues(text, cues) if not any(s < c.start and c.end < e for s, e in inside)]
    hedges = [c for c in found if c.kind == "alleged"]
    anchors: list[_Anchor] = []
    for cue in (c for c in found if c.kind != "alleged"):
        passive = cue.kind != "according" and _is_passive(text, cue, cues)
        floor = anchors[-1].cue.end if anchors else 0
        holder, content = _holder(text, cue, refs, floor, passive, _opens_content(text, cue, cues))
        anchor = _Anchor(cue, holder, content, passive)
        if anchors and not passive and (anchor.same_holder(anchors[-1]) or not holder.how):
            continue  # the same voice goes on ("X said ... and added"), or a pronoun ("he added")
        anchors.append(anchor)
    long_quotes = [q for q in quotes if q[2] >= _MIN_QUOTED_WORDS]
    if not anchors:
        if long_quotes:
            start = long_quotes[0][0]
            cue = Cue(start, long_quotes[0][1], "quotation", " ".join(text[start:].split()[:3]))
            return [_statement(text, 0, len(text), cue, _Holder(), "quoted", "quotation")]
        if hedges:
            return [_statement(text, 0, len(text), hedges[0], _Holder(), "alleged", "hedge")]
        return []
    bounds = [0]
    kept = [anchors[0]]
    for anchor in anchors[1:]:
        point = _split_point(text, kept[-1], anchor)
        if point is None:
            continue  # nothing between the two cues to split at: one statement
        bounds.append(point)
        kept.append(anchor)
    bounds.append(len(text))
    out = []
    for anchor, start, end in zip(kept, bounds, bounds[1:], strict=False):
        end = start + len(text[start:end].rstrip()) or end
        alleged = anchor.cue.kind == "claimed" or any(start <= h.start < end for h in hedges)
        quoted = any(start <= s and e <= end for s, e, _ in long_quotes)
        evidence = "alleged" if alleged else "quoted" if quoted else "reported"
        how = anchor.holder.how
        rule = "passive" if anchor.passive and not how else anchor.cue.kind
        if how:
            rule += "+" + how
        out.append(_statement(text, start, end, anchor.cue, anchor.holder, evidence, rule))
    return out


def _statement(text: str, start: int, end: int, cue: Cue, holder: _Holder, evidence: str, rule: str) -> Statement:
    return Statement(start, end, evidence, cue.text, cue.start, holder.name, holder.actor, holder.start,
                     holder.end, rule)  # fmt: skip


def suggest_stance(
    text: str, lang: str, actors: Sequence[ActorRef] = (), *, cues: StanceCues | None = None
) -> StanceGuess:
    """Suggest the evidence and holder of a sentence's one stance (the annotator's prefill).

    Args:
        text: the sentence.
        lang: its ISO 639-1 language; languages without cue lists get no evidence guess.
        actors: the ACTOR spans tagged in the sentence (offsets relative to it).
        cues: the project's cue phrases (``store.schema.stance_cues(lang)``); ``None`` for the defaults.

    Returns:
        The guess for the sentence's first statement; ``evidence`` is ``alleged`` when any
        statement is, and ``holder_span`` its holder (the only actor when there is no cue).
    """
    found = find_statements(text, lang, list(actors), cues)
    if not found:
        return StanceGuess(evidence=None, holder_span=actors[0].id if len(actors) == 1 else None, cue=None)
    first = next((s for s in found if s.holder_actor is not None), found[0])
    evidence = "alleged" if any(s.evidence == "alleged" for s in found) else first.evidence
    holder = first.holder_actor.id if first.holder_actor is not None else None
    return StanceGuess(evidence=evidence, holder_span=holder, cue=first.cue if first.rule != "quotation" else None)
