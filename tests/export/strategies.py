"""Hypothesis strategies for the format round trips: annot/1 document records with hard text and spans.

Texts mix Latin, Cyrillic, right-to-left scripts (Arabic, Hebrew, with their marks), emoji
(astral, joined with ZWJ, with skin tones), combining accents and line breaks; spans overlap,
nest, share offsets and cover single astral characters; attributes follow the default
schema, STANCEs naming ACTORs of the same document by ``holder_span``/``target_span``.

Each format's test calls ``documents()`` (or ``corpus()``) and compares what its reader
gives back with ``expected_spans`` over what its writer could hold.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

__all__ = [
    "ATTRIBUTE_TEXT",
    "TEXT",
    "TEXT_AS_STORED",
    "corpus",
    "document_record",
    "documents",
    "expected_spans",
    "read_spans",
    "span_key",
]

_PIECES = [
    "Minsk", "Москва", "Kyiv", " ", " ", "  ", ".", ",", "“", "”", "9,000", "3.5", "\n", "\n\n",
    "مرحبا", "بيلاروسيا", "שלום", "\u200f", "\u200e", "\u061c",  # RTL words and direction marks
    "😀", "👨‍👩‍👧", "👍🏽", "🇧🇾", "e\u0301", "ﬁ", "\t", "漢字",
]  # fmt: skip
#: Document texts: never empty, never only spaces at the ends in a way a format could not hold.
TEXT = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40).map("".join).filter(lambda t: t.strip() != "")
#: Free-text attribute values, emoji and RTL included.
ATTRIBUTE_TEXT = st.lists(st.sampled_from([p for p in _PIECES if p.strip()]), min_size=1, max_size=4).map(" ".join)
_NUMBER = st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False))
_ANNOTATORS = st.sampled_from(["tester", "éva", "gold:i12", "suggest:actors.v1", "علي"])

_ATTRS: dict[str, dict[str, Any]] = {
    "ACTOR": {
        "type": st.sampled_from(["state", "government body", "person", "media"]),
        "canonical": ATTRIBUTE_TEXT,
    },
    "QUANTITY": {
        "value": _NUMBER,
        "unit": ATTRIBUTE_TEXT,
        "qualifier": st.sampled_from(["exact", "approximately", "up to", "at least"]),
    },
    "STANCE": {
        "holder": ATTRIBUTE_TEXT,
        "target": ATTRIBUTE_TEXT,
        "polarity": st.sampled_from(["supports", "opposes", "neutral", "unclear"]),
        "evidence": st.sampled_from(["asserted", "reported", "alleged", "quoted"]),
    },
}


@st.composite
def _span(draw: st.DrawFn, text: str, n: int, doc_id: str, statuses: tuple[str, ...]) -> dict[str, Any]:
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    label = draw(st.sampled_from(list(_ATTRS)))
    names = draw(st.lists(st.sampled_from(list(_ATTRS[label])), unique=True))
    attrs = {name: draw(_ATTRS[label][name]) for name in sorted(names)}
    return {
        "id": f"sp-{doc_id}-{n:04d}", "label": label, "start": start, "end": end, "text": text[start:end],
        "attrs": attrs, "annotator": draw(_ANNOTATORS), "status": draw(st.sampled_from(statuses)),
    }  # fmt: skip


@st.composite
def document_record(
    draw: st.DrawFn,
    doc_id: str = "doc-1",
    statuses: tuple[str, ...] = ("accepted", "pending", "rejected"),
    as_stored: bool = False,
) -> dict[str, Any]:
    """One annot/1 document record (``iter_records`` shape, no sentences), its spans as described above;
    ``as_stored``: its text one that annot stores unchanged."""
    text = draw(TEXT_AS_STORED if as_stored else TEXT)
    count = draw(st.integers(0, 8))
    spans = [draw(_span(text, n, doc_id, statuses)) for n in range(count)]
    # Nested and same-offset spans on purpose, besides the random overlaps.
    if spans and draw(st.booleans()):
        outer = spans[0]
        spans.append({**outer, "id": f"sp-{doc_id}-nest", "label": "ACTOR", "attrs": {},
                      "end": outer["start"] + 1, "text": text[outer["start"] : outer["start"] + 1]})  # fmt: skip
    actors = [s["id"] for s in spans if s["label"] == "ACTOR"]
    for span in spans:
        if span["label"] == "STANCE" and actors:
            for name in draw(st.lists(st.sampled_from(["holder_span", "target_span"]), unique=True)):
                span["attrs"] = dict(sorted({**span["attrs"], name: draw(st.sampled_from(actors))}.items()))
    return {
        "schema": "annot/1", "type": "document", "id": doc_id, "title": draw(ATTRIBUTE_TEXT),
        "lang": draw(st.sampled_from(["en", "ar", "he", "ru", None])), "text": text, "sentences": [], "spans": spans,
    }  # fmt: skip


def documents(max_size: int = 3, **kwargs: Any) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Up to ``max_size`` document records with distinct ids and distinct texts."""
    return (
        st.integers(1, max_size)
        .flatmap(lambda n: st.tuples(*(document_record(f"doc-{i}", **kwargs) for i in range(n))).map(list))
        .filter(lambda records: len({r["text"] for r in records}) == len(records))
    )


corpus = documents


def span_key(start: int, end: int, label: str, attrs: dict[str, Any], annotator: Any, status: str) -> tuple:
    """A span compared across formats: offsets, label, attributes (``*_span`` as the named span's offsets and
    label, since ids change), annotator and status."""
    return (start, end, label, tuple(sorted(attrs.items())), annotator, status)


def expected_spans(record: dict[str, Any], *, statuses: tuple[str, ...] = ("accepted", "pending")) -> list[tuple]:
    """``span_key`` of each span of ``record`` a format keeps (by status), ``*_span`` naming a kept span."""
    kept = {s["id"]: s for s in record["spans"] if s["status"] in statuses}

    def where(span_id: str) -> tuple:
        s = kept[span_id]
        return (s["start"], s["end"], s["label"])

    found = []
    for s in kept.values():
        attrs = {k: (where(v) if k.endswith("_span") else v) for k, v in s["attrs"].items()
                 if not k.endswith("_span") or v in kept}  # fmt: skip
        found.append(span_key(s["start"], s["end"], s["label"], attrs, s["annotator"], s["status"]))
    return sorted(found, key=repr)


def read_spans(document: Any) -> list[tuple]:
    """``span_key`` of each ``ForeignSpan`` of a ``ForeignDocument``, ``*_span`` refs resolved to offsets and label."""
    by_ref = {s.ref: s for s in document.spans}
    found = []
    for s in document.spans:
        attrs = {k: ((by_ref[v].start, by_ref[v].end, by_ref[v].label) if k.endswith("_span") else v)
                 for k, v in s.attrs.items()}  # fmt: skip
        found.append(span_key(s.start, s.end, s.label, attrs, s.annotator, s.status))
    return sorted(found, key=repr)


def _as_stored(text: str) -> str:
    """``text`` as annot stores an imported text (NFC, ``\\n`` line ends, no spaces at line ends), "" if none."""
    from annot.errors import CorpusError
    from annot.ingest.clean import build_document

    try:
        return build_document(text, "strategy", title="t", source=None, key=None, lang="en", published=None).text
    except CorpusError:
        return ""


#: Texts that annot stores unchanged, so that offsets in a format's file are the store's: for store round trips.
TEXT_AS_STORED = TEXT.map(_as_stored).filter(bool)
