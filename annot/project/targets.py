"""Where spans are projected: each stored translation route, and each linked version, in one language.

A **route** target is one engine route's stored translations of the document
into the language (``annot.translate.newest_by_route``: each sentence's newest),
named as annot prints it, ``argos en>pt`` or ``apertium en>es>pt``: the name
and the languages it went through. A **reference** target is a linked
document in the language (``annot link``), through its stored sentence
alignment (``annot.align.references``): each bead's source sentences share the
bead's target sentences; it is named ``reference:<document id>``.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annot.translate import newest_by_route

if TYPE_CHECKING:
    from annot.align.link import Reference
    from annot.model import Document
    from annot.store import Store

__all__ = ["REFERENCE", "Target", "TargetText", "find_targets", "linked_targets", "route_target_name"]

#: The prefix of a linked version's target name: ``reference:<document id>``.
REFERENCE = "reference:"


@dataclass(frozen=True, slots=True)
class TargetText:
    """The text one or more source sentences became in a target.

    Attributes:
        text: the translation of the sentence, or the bead's sentences of a linked version (as in its document).
        sentences: the source sentences it renders (one for a route; a bead's for a reference).
        doc_start: for a reference, the document offset of ``text[0]``; ``None`` for a route.
        doc_sentences: for a reference, the target document's (sentence index, start offset in ``text``) pairs.
        signature: the translation's signature, or the linked document's id.
    """

    text: str
    sentences: tuple[int, ...]
    doc_start: int | None = None
    doc_sentences: tuple[tuple[int, int], ...] = ()
    signature: str = ""

    def sentence_of(self, offset: int) -> tuple[int | None, int]:
        """(the target sentence index, its start in ``text``) holding ``offset``: (None, 0) for a route."""
        if not self.doc_sentences:
            return None, 0
        starts = [start for _, start in self.doc_sentences]
        return self.doc_sentences[max(bisect.bisect_right(starts, offset) - 1, 0)]


@dataclass(frozen=True, slots=True)
class Target:
    """A translation of the document: a route's, or a linked version.

    Attributes:
        name: ``argos en>pt``, ``apertium en>es>pt``, or ``reference:<document id>``.
        kind: ``route`` or ``reference``.
        lang: ISO 639-1 code of its text.
        languages: the languages the text went through, source first, target last (``en``, ``es``, ``pt``).
        engine: the route's name (``argos+apertium``), or ``reference``.
        route: the route's languages, ``en>es>pt`` (a reference: ``en>es``).
        texts: source sentence index -> its text here (``TargetText``); a sentence not translated is missing.
        human: a reference the link says a person translated.
    """

    name: str
    kind: str
    lang: str
    languages: tuple[str, ...]
    engine: str
    route: str
    texts: Mapping[int, TargetText]
    human: bool = False

    @property
    def others(self) -> tuple[str, ...]:
        """The languages the text went through that are not its own: the source's, a pivot's."""
        return tuple(lang for lang in self.languages if lang != self.lang)


def route_target_name(engine: str, route: str) -> str:
    """A route target's name: ``argos en>pt``, ``apertium en>es>pt``."""
    return f"{engine} {route}"


def find_targets(
    store: Store, doc: Document, lang: str, *, engines: Sequence[str] | None = None, references: bool = True
) -> list[Target]:
    """The targets of ``doc`` in ``lang``: its stored routes (all, or those named), then its linked versions.

    Args:
        store: the project.
        doc: the source document version.
        lang: ISO 639-1 code of the targets.
        engines: only these routes: a route name as annot prints it (``argos``, ``argos+apertium``) or a whole
            target name (``apertium en>es>pt``).
        references: also the linked versions in ``lang`` with a stored alignment.
    """
    found: list[Target] = []
    wanted = set(engines) if engines is not None else None
    for name, by_index in newest_by_route(store.get_translations(doc.id, target=lang)).items():
        first = next(iter(by_index.values()))
        target_name = route_target_name(name, first.route)
        if wanted is not None and name not in wanted and target_name not in wanted:
            continue
        texts = {i: TargetText(tr.text, (i,), signature=tr.signature) for i, tr in by_index.items() if tr.text}
        languages = tuple(first.route.split(">"))
        found.append(Target(target_name, "route", lang, languages, name, first.route, texts))
    if references:
        found.extend(linked_targets(store, doc, lang))
    return found


def linked_targets(store: Store, doc: Document, lang: str) -> list[Target]:
    """The linked versions of ``doc`` in ``lang`` with a stored alignment, as targets (none in its own language)."""
    from annot.align import references as linked_references

    if lang == doc.lang:
        return []
    return _reference_targets(store, doc, lang, linked_references(store, doc.id, lang))


def _reference_targets(store: Store, doc: Document, lang: str, beads: Mapping[int, Reference]) -> list[Target]:
    if not beads:
        return []
    first = next(iter(beads.values()))
    other = store.document(first.doc_id)
    sentences = store.get_sentences(other)
    texts: dict[int, TargetText] = {}
    for bead in beads.values():
        b = [sentences[j] for j in bead.b]
        start = b[0].start
        text = other.text[start : b[-1].end]
        shared = TargetText(text, tuple(bead.a), start, tuple((s.index, s.start - start) for s in b), other.id)
        for i in bead.a:
            texts[i] = shared
    human = bool(first.human)
    return [Target(f"{REFERENCE}{other.id}", "reference", lang, (doc.lang, lang), "reference", f"{doc.lang}>{lang}",
                   texts, human)]  # fmt: skip
