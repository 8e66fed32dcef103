"""The hand-marked gold of tests/data/gold/ and the one rule that scores suggestions against it.

Shared by ``tests/suggest/test_seed_gold.py``, ``benchmarks/bench_suggest_gold.py``
and ``benchmarks/bench_learning.py``, so that the test's floors and the printed
figures are the same measure. A suggestion *matches* a gold mark of its label
when their places agree (``exact``: same offsets; ``overlap``: they share a
code point) and so does what the label says:

* ACTOR: the type;
* QUANTITY: the value and the qualifier;
* STANCE: the holder's text (of its ``holder_span``, else ``holder``; accents and
  case aside) and the evidence; ``holders_only`` drops the evidence.

Each gold mark is matched at most once and each suggestion at most once, in
text order, so precision and recall count the same pairs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annot
from annot.model import Document, Origin, Span, Status
from annot.names import name_key
from annot.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent
GOLD = ROOT / "tests" / "data" / "gold"
SEED_GOLD = GOLD / "seed.annot.jsonl"
SEED_TEXT = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
COVERAGE = ROOT / "tests" / "data" / "coverage"
COVERAGE_LANGUAGES = ("ru", "it", "uk", "es", "cs", "sk", "pl", "ka", "sl")
MODES = ("exact", "overlap")


@dataclass(frozen=True, slots=True)
class Mark:
    """A span reduced to what scoring compares: its place, its label and the attributes that must agree."""

    start: int
    end: int
    label: str
    key: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Score:
    """Precision, recall and F1 of ``found`` marks against ``gold`` ones, with the counts behind them."""

    matched: int
    found: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.matched + other.matched, self.found + other.found, self.gold + other.gold)

    def line(self) -> str:
        """``P/R/F1`` as people read it: ``0.93/0.87/0.90``."""
        return f"{self.precision:.2f}/{self.recall:.2f}/{self.f1:.2f}"


def _key(span: Span, texts: dict[str, str]) -> tuple[Any, ...]:
    attrs = span.attrs
    if span.label == "ACTOR":
        return (attrs.get("type"),)
    if span.label == "QUANTITY":
        return (attrs.get("value"), attrs.get("qualifier"))
    if span.label == "STANCE":
        # The holder as written in the text: its ACTOR span's text, else the free-text holder (a suggestion
        # writes the actor's canonical name there, "Belarus" for "Minsk": the span is what both sides share).
        holder = texts.get(str(attrs.get("holder_span"))) or str(attrs.get("holder") or "")
        return (name_key(holder), attrs.get("evidence"))
    return ()


def to_marks(spans: Iterable[Span], others: Iterable[Span] = ()) -> list[Mark]:
    """``spans`` (of one document) as marks, in text order.

    A STANCE's holder is the text of its ``holder_span``, looked up among ``spans``
    and ``others`` (the document's other spans), else its ``holder`` text.
    """
    spans = list(spans)
    texts = {s.id: s.text for s in [*others, *spans]}
    return sorted((Mark(s.start, s.end, s.label, _key(s, texts)) for s in spans), key=lambda m: (m.start, m.end))


def score(gold: Sequence[Mark], found: Sequence[Mark], mode: str = "exact") -> Score:
    """How many of ``found`` match ``gold`` (``mode``: ``exact`` or ``overlap``), one to one."""
    used: set[int] = set()
    matched = 0
    for g in gold:
        for n, f in enumerate(found):
            if n in used or (f.label, f.key) != (g.label, g.key):
                continue
            if (f.start, f.end) == (g.start, g.end) if mode == "exact" else f.start < g.end and g.start < f.end:
                used.add(n)
                matched += 1
                break
    return Score(matched, len(found), len(gold))


def holders_only(marks: Iterable[Mark]) -> list[Mark]:
    """STANCE marks judged by their holder alone (the issue's target: a holder for every attributed statement)."""
    return [Mark(m.start, m.end, m.label, m.key[:1]) for m in marks if m.label == "STANCE"]


def by_label(marks: Iterable[Mark], label: str) -> list[Mark]:
    return [m for m in marks if m.label == label]


# -- the seed: every label, in annot/1 JSONL -----------------------------------


def seed_record() -> dict[str, Any]:
    """The gold file's one document record (text, sentences, spans)."""
    (line,) = SEED_GOLD.read_text("utf-8").splitlines()
    return json.loads(line)


def seed_gold_marks() -> list[Mark]:
    """The seed's gold marks, read straight from the file (no store)."""
    record = seed_record()
    texts = {s["id"]: s["text"] for s in record["spans"]}
    spans = [
        Span(id=s["id"], doc_id=record["id"], start=s["start"], end=s["end"], label=s["label"], attrs=s["attrs"],
             text=s["text"])
        for s in record["spans"]
    ]  # fmt: skip
    return sorted((Mark(s.start, s.end, s.label, _key(s, texts)) for s in spans), key=lambda m: (m.start, m.end))


def ingest_one(store: Store, path: Path) -> Document:
    """Ingest one file into ``store`` and return its document."""
    report = annot.ingest(str(path), store)
    (doc,) = report.documents
    return store.document(doc.id)


def suggested(store: Store, doc_id: str) -> list[Span]:
    """The pending suggestions of a document, as ``suggest_documents`` stored them."""
    return [s for s in store.iter_spans(doc_id) if s.origin == Origin.SUGGESTED and s.status == Status.PENDING]


# -- the coverage texts: actors only -------------------------------------------


def read_actor_gold(lang: str) -> list[dict[str, Any]]:
    """The gold actors of ``tests/data/coverage/<lang>.txt``: ``{start, end, text, type, canonical}`` a row."""
    path = GOLD / "coverage" / f"{lang}.actors.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def actor_marks(rows: Iterable[dict[str, Any]]) -> list[Mark]:
    return [Mark(r["start"], r["end"], "ACTOR", (r["type"],)) for r in rows]


def seed_actor_rows() -> list[dict[str, Any]]:
    """The seed's gold actors in the coverage rows' shape: ``{start, end, text, type, canonical}``."""
    return [
        {"start": s["start"], "end": s["end"], "text": s["text"], **s["attrs"]}
        for s in seed_record()["spans"]
        if s["label"] == "ACTOR"
    ]


def article(lang: str) -> Path:
    """The file of the event's article in ``lang``: the seed for ``en``, else a coverage text."""
    return SEED_TEXT if lang == "en" else COVERAGE / f"{lang}.txt"


def actor_rows(lang: str) -> list[dict[str, Any]]:
    """The gold actors of the event's article in ``lang`` (``article(lang)``)."""
    return seed_actor_rows() if lang == "en" else read_actor_gold(lang)
