"""Hypothesis strategies shared by every round-trip property test of tests/export: hard text, records, cases.

Texts mix Latin, Cyrillic, right-to-left scripts (Arabic, Hebrew, with their marks), CJK, emoji
(astral, joined with ZWJ, with skin tones, flags), mathematical letters (astral, two UTF-16 units),
combining accents, line breaks, and the characters JSON and line splitting treat specially (quotes,
backslash, tab, U+2028, NEL); spans overlap, nest, share offsets and cover single astral characters;
attributes follow the default schema, STANCEs naming ACTORs of the same document by
``holder_span``/``target_span``.

- ``ALPHABET``/``WORDS``: characters and words drawn from those scripts (annot/1's round trip, titles);
- ``documents()`` (or ``corpus()``): annot/1 document records, for the formats whose writer takes records;
  each test compares what its reader gives back with ``expected_spans`` over what its writer could hold;
- ``cases()``: a clean text of words (as ingest leaves it) with spans on words, inside words and
  overlapping, for the token-based formats (Prodigy, spaCy, CoNLL), which put it in a real store.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from annot.model import Status, normalize_text

__all__ = [
    "ALPHABET",
    "ATTRIBUTE_TEXT",
    "LANGS",
    "NUMBERS",
    "TEXT",
    "TEXT_AS_STORED",
    "WORD",
    "WORDS",
    "cases",
    "corpus",
    "document_record",
    "documents",
    "expected_spans",
    "read_spans",
    "span_key",
]

#: Single characters: punctuation, quotes, backslash, tab, line breaks JSON and ``str.splitlines`` treat
#: specially (U+2028, NEL), Latin, Cyrillic, Hebrew and Arabic (RTL), CJK, combining marks, and astral
#: characters (emoji, flags' regional indicators, skin-tone modifiers, mathematical bold letters).
ALPHABET = st.one_of(
    st.sampled_from(list(' \n.,;?!"\\\t«»“”é\u2028\x85')),
    st.characters(min_codepoint=0x41, max_codepoint=0x7A),
    st.characters(min_codepoint=0x400, max_codepoint=0x4FF),  # Cyrillic
    st.characters(min_codepoint=0x5D0, max_codepoint=0x5EA),  # Hebrew (RTL)
    st.characters(min_codepoint=0x620, max_codepoint=0x64A),  # Arabic (RTL)
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),  # CJK
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),  # combining marks
    st.characters(min_codepoint=0x1F600, max_codepoint=0x1F64F),  # astral emoji: two UTF-16 units each
    st.characters(min_codepoint=0x1F1E6, max_codepoint=0x1F1FF),  # regional indicators (flags are pairs)
    st.characters(min_codepoint=0x1F3FB, max_codepoint=0x1F3FF),  # skin-tone modifiers
    st.characters(min_codepoint=0x1D400, max_codepoint=0x1D433),  # mathematical bold letters
)
#: Words of ``ALPHABET``: not only whitespace.
WORDS = st.text(ALPHABET, min_size=1, max_size=12).filter(str.strip)
_PIECES = [
    "Minsk", "Москва", "Kyiv", " ", " ", "  ", ".", ",", "“", "”", "9,000", "3.5", "\n", "\n\n",
    "مرحبا", "بيلاروسيا", "שלום", "\u200f", "\u200e", "\u061c",  # RTL words and direction marks
    "😀", "👨‍👩‍👧", "👍🏽", "🇧🇾", "🇷🇺", "𝐭𝐫𝐨𝐨𝐩𝐬", "e\u0301", "ﬁ", "\t", "漢字", "\u2028", "\x85", '"', "\\",
]  # fmt: skip
#: Document texts: never empty, never only spaces at the ends in a way a format could not hold.
TEXT = (
    st.lists(st.one_of(st.sampled_from(_PIECES), WORDS), min_size=1, max_size=40)
    .map("".join)
    .filter(lambda t: t.strip() != "")
)
#: Free-text attribute values, emoji and RTL included.
ATTRIBUTE_TEXT = st.lists(st.sampled_from([p for p in _PIECES if p.strip()]), min_size=1, max_size=4).map(" ".join)
#: Numbers as a QUANTITY holds them: integers and floats, large and small.
NUMBERS = st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False))
_NUMBER = NUMBERS
_ANNOTATORS = st.sampled_from(["tester", "éva", "gold:i12", "suggest:actors.v1", "علي"])

_ATTRS: dict[str, dict[str, Any]] = {
    "ACTOR": {
        "type": st.sampled_from(["state", "government body", "person", "media", "military unit"]),
        "canonical": ATTRIBUTE_TEXT,
    },
    "QUANTITY": {
        "value": _NUMBER,
        "unit": ATTRIBUTE_TEXT,
        "qualifier": st.sampled_from(["exact", "approximately", "up to", "at least", "range"]),
        "low": _NUMBER,
        "high": _NUMBER,
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
    if attrs.get("qualifier") == "range":  # the schema: a range has both ends
        attrs = dict(sorted({"low": draw(_NUMBER), "high": draw(_NUMBER), **attrs}.items()))
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


# -- cases: clean texts of words for the token-based formats ---------------------------------------------------------

# Latin, Cyrillic, Hebrew and Arabic (RTL), CJK, astral emoji (with a skin tone and a ZWJ), flags,
# mathematical bold letters, combining marks, punctuation the tokenizers split off.
WORD = st.one_of(
    st.text(st.characters(min_codepoint=0x61, max_codepoint=0x7A), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x430, max_codepoint=0x44F), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x5D0, max_codepoint=0x5EA), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x627, max_codepoint=0x64A), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E50), min_size=1, max_size=3),
    st.sampled_from(
        [
            "😀",
            "👍🏽",
            "👩‍🔬",
            "Ӝ",
            "🇧🇾",
            "𝐭𝐫𝐨𝐨𝐩𝐬",
            "«Minsk»",
            "9,000",
            "U.S.",
            "(Kyiv)",
            "don't",
            "e-mail",
            "“quoted”.",
        ]
    ),
)
LANGS = ("en", "ru", "he", "ar", "zh", "ka")  # ka: spaCy has no Georgian tokenizer, so the "xx" one


def _kept_by_ingest(text: str) -> bool:
    """Whether an import stores ``text`` as it is (ingest drops boilerplate lines such as a lone "e-mail")."""
    from annot.errors import AnnotError
    from annot.ingest.clean import build_document

    try:
        return build_document(text, "case", title="case", source=None, key=None, lang="en", published=None).text == text
    except AnnotError:
        return False


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    """A clean text (as ingest leaves it), its language, and spans over it: on words, inside words, overlapping.

    Each span is ``(start, end, label, attrs, status, holder)``, ``holder`` the index of the ACTOR a STANCE names.
    """
    words = draw(st.lists(WORD, min_size=1, max_size=14))
    seps = [draw(st.sampled_from([" ", " ", " ", "\n\n", ". "])) for _ in words[1:]]
    text = words[0] + "".join(sep + word for sep, word in zip(seps, words[1:]))
    assume(text == normalize_text(text) and text.strip() == text and _kept_by_ingest(text))
    places, pos = [], 0
    for sep, word in zip(["", *seps], words):
        pos += len(sep)
        places.append((pos, pos + len(word)))
        pos += len(word)
    spans = []
    for _ in range(draw(st.integers(0, 8))):
        first = draw(st.integers(0, len(places) - 1))
        last = draw(st.integers(first, min(first + 2, len(places) - 1)))
        start, end = places[first][0], places[last][1]
        if draw(st.integers(0, 3)) == 0 and end - start > 1:  # off the word's edge, mostly off a token boundary
            start = draw(st.integers(start, end - 1))
            end = draw(st.integers(start + 1, end))
        label = draw(st.sampled_from(["ACTOR", "ACTOR", "QUANTITY", "STANCE"]))
        attrs: dict[str, Any] = {}
        if label == "ACTOR" and draw(st.booleans()):
            attrs["type"] = draw(st.sampled_from(["state", "person", "military unit"]))
        if label == "QUANTITY":
            attrs = {"value": draw(st.integers(0, 10**6) | st.floats(0, 1e6)), "unit": draw(WORD)}
        status = draw(st.sampled_from([Status.ACCEPTED, Status.ACCEPTED, Status.PENDING, Status.REJECTED]))
        actors = [n for n, s in enumerate(spans) if s[2] == "ACTOR"]
        holder = draw(st.sampled_from(actors)) if label == "STANCE" and actors and draw(st.booleans()) else None
        if (start, end, label) not in {s[:3] for s in spans}:
            spans.append((start, end, label, attrs, status, holder))
    return {"text": text, "lang": draw(st.sampled_from(LANGS)), "spans": spans}
