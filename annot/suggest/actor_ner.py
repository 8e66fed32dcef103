"""Statistical NER for the actor suggester: natasha for Russian (its wheel ships its models), any spaCy pipeline.

Both are read into ``(start, end, type)`` code point spans; a place is kept only
when the gazetteer knows it (the caller checks), since most places are not actors.
Nothing is downloaded: natasha's embeddings and model are files inside its wheel,
and a spaCy pipeline is one the caller built or loaded (``spacy.load(name)``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

__all__ = ["NerSpan", "Pipeline", "natasha_spans", "pipeline_spans"]

NerSpan = tuple[int, int, str]  # start, end, ACTOR type ("person", "organization") or "place"

# natasha's and spaCy's labels -> ACTOR types ("place" for the gazetteer to resolve, else dropped).
_TYPES = {"PER": "person", "PERSON": "person", "ORG": "organization", "LOC": "place", "GPE": "place", "NORP": ""}


class Pipeline(Protocol):
    """A spaCy ``Language`` (or anything like it): called on a text, returns a doc with ``ents``."""

    def __call__(self, text: str) -> Any: ...


@cache
def _natasha() -> tuple[Any, Any]:
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def natasha_spans(text: str) -> list[NerSpan]:
    """Persons, organisations and places natasha finds in a Russian text (models loaded on the first call)."""
    from natasha import Doc

    segmenter, tagger = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(s.start, s.stop, _TYPES.get(s.type, "")) for s in doc.spans if _TYPES.get(s.type)]


def pipeline_spans(nlp: Pipeline, text: str) -> list[NerSpan]:
    """The persons, organisations and places of a spaCy pipeline's entities (other labels are dropped)."""
    return [(e.start_char, e.end_char, _TYPES.get(e.label_, "")) for e in nlp(text).ents if _TYPES.get(e.label_)]
