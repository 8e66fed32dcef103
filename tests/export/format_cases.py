"""Shared by the Prodigy, spaCy and CoNLL tests: the seed store, golden files, and small hypothesis strategies.

(``tests/export/strategies.py``, the shared strategies, was not there yet when these were written; these
are the few these formats need: clean texts with emoji and RTL words, overlapping spans, spans off the
token boundaries.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from annot.export import import_jsonl
from annot.model import Document, Span, Status, document_id, normalize_text
from annot.pipeline import open_project
from annot.segment import segment
from annot.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "seed.annot.jsonl"
GOLDEN = ROOT / "tests" / "golden" / "formats"
SEED_SPANS = 48  # 30 ACTORs, 9 QUANTITYs, 9 STANCEs, all accepted


def seed_store(folder: Path) -> Store:
    """A store holding the seed article and its gold spans, imported from ``tests/data/gold/seed.annot.jsonl``."""
    store = open_project(folder, annotator="tester")
    import_jsonl(store, SEED_GOLD)
    return store


def golden(name: str, written: Path) -> Path:
    """The golden file ``name``, first replaced by ``written`` when ``ANNOT_UPDATE_GOLDEN=1`` (as test_jsonl does)."""
    path = GOLDEN / name
    if os.environ.get("ANNOT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(written.read_bytes())
    return path


# -- strategies ----------------------------------------------------------------

# Latin, Cyrillic, Hebrew and Arabic (RTL), CJK, astral emoji (with a skin tone and a ZWJ), combining marks,
# punctuation the tokenizers split off.
WORD = st.one_of(
    st.text(st.characters(min_codepoint=0x61, max_codepoint=0x7A), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x430, max_codepoint=0x44F), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x5D0, max_codepoint=0x5EA), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x627, max_codepoint=0x64A), min_size=1, max_size=8),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E50), min_size=1, max_size=3),
    st.sampled_from(["😀", "👍🏽", "👩‍🔬", "Ӝ", "«Minsk»", "9,000", "U.S.", "(Kyiv)", "don't", "e-mail", "“quoted”."]),
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


def case_store(folder: Path, case: dict[str, Any]) -> tuple[Store, Document, list[Span]]:
    """A store holding the case's document, segmented, and its spans."""
    from annot.store.core import new_span_id

    text = case["text"]
    doc = Document(id=document_id(text, "case"), key="case", title="case", lang=case["lang"], text=text)
    store = open_project(folder, annotator="tester")
    store.add_document(doc, segment(doc))
    ids = [new_span_id() for _ in case["spans"]]
    spans = []
    for span_id, (start, end, label, attrs, status, holder) in zip(ids, case["spans"]):
        if holder is not None:
            attrs = {**attrs, "holder_span": ids[holder]}
        spans.append(Span(id=span_id, doc_id=doc.id, start=start, end=end, label=label, attrs=attrs,
                          text=text[start:end], annotator="tester", status=status))  # fmt: skip
    store.add_spans(spans)
    return store, doc, spans


def stored(store: Store) -> list[tuple[Any, ...]]:
    """Every span of the store's one document: offsets, label, status, attributes (a ``*_span`` as its target)."""
    (doc_id,) = store.documents()["id"].tolist()
    spans = list(store.iter_spans(doc_id))
    where = {s.id: (s.start, s.end, s.label) for s in spans}
    return sorted(
        (s.start, s.end, s.label, str(s.status), sorted((k, where.get(v, v) if k.endswith("_span") else v)
                                                        for k, v in s.attrs.items()))
        for s in spans
    )  # fmt: skip
