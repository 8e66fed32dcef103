"""Property: export -> import into an empty store -> export gives the same bytes, for random documents and spans.

Some cases link the document to a second one in another language, with a random (partial)
sentence alignment (its measure and route unknown, without MT, or a random route), before the
first document gets a new version.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annot.export import export_jsonl, import_jsonl
from annot.model import Bead, Document, Origin, Sentence, Span, Status, document_id, normalize_text
from annot.store import Store
from tests.export.strategies import ALPHABET, WORDS

TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
# A publication time as sources give it: a day, or a time with its own offset (kept as given), or none.
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30))])
PUBLISHED = (
    st.none()
    | st.dates(date(1990, 1, 1), date(2030, 1, 1))
    | st.datetimes(datetime(1990, 1, 1), datetime(2030, 1, 1), timezones=st.none() | OFFSETS)
)
URLS = st.none() | WORDS.map(lambda word: f"https://example.org/{'-'.join(word.split())}")  # one line, as a url is
ANCHORS = ("ok", "reanchored", "orphaned")
# What an alignment's scores measure and the route that translated B: unknown, without MT, or a route.
ROUTE_NAMES = st.from_regex(r"[a-z]{2,9}(\+[a-z]{2,9}){0,2} [a-z]{2}(>[a-z]{2}){1,3}", fullmatch=True)
MEASURED = st.one_of(
    st.just({}), st.sampled_from([{"measure": "anchors"}, {"measure": "length"}]),
    st.builds(lambda route: {"measure": "chrf", "route": route}, ROUTE_NAMES),
)  # fmt: skip


def normalized_text(draw: st.DrawFn) -> str:
    text = normalize_text(draw(st.text(ALPHABET, min_size=1, max_size=160))).strip()
    assume(text)
    return text


def partition(draw: st.DrawFn, doc_id: str, text: str) -> list[Sentence]:
    """Non-empty, non-overlapping units in order, trimmed of whitespace, some dropped (gaps)."""
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=6))) if len(text) > 1 else []
    units = []
    for start, end in zip([0, *cuts], [*cuts, len(text)]):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            units.append((start, end))
    keep = [u for i, u in enumerate(units) if i == 0 or draw(st.integers(0, 4))]  # drop ~1 in 5, keep the first
    return [Sentence(doc_id, i, s, e, text[s:e]) for i, (s, e) in enumerate(keep)]


def attrs_for(draw: st.DrawFn, label: str, actors: list[str]) -> dict:
    if label == "ACTOR":
        return draw(st.fixed_dictionaries({}, optional={
            "type": st.sampled_from(["state", "person", "media"]), "canonical": WORDS}))  # fmt: skip
    if label == "QUANTITY":
        number = st.one_of(st.integers(-(10**9), 10**9), st.floats(allow_nan=False, allow_infinity=False))
        attrs = draw(st.fixed_dictionaries({"value": number}, optional={
            "unit": WORDS, "qualifier": st.sampled_from(["exact", "up to", "at least"])}))  # fmt: skip
        if draw(st.booleans()):
            attrs.update(qualifier="range", low=draw(number), high=draw(number))
        return attrs
    attrs = draw(st.fixed_dictionaries({}, optional={
        "polarity": st.sampled_from(["supports", "opposes"]), "holder": WORDS}))  # fmt: skip
    if actors and draw(st.booleans()):
        attrs["holder_span"] = draw(st.sampled_from(actors))
    return attrs


def alignment(draw: st.DrawFn, n_a: int, n_b: int) -> list[Bead]:
    """Beads of 0-2 sentences a side in order, some left out (those sentences in no bead)."""
    beads, i, j = [], 0, 0
    while i < n_a or j < n_b:
        shapes = [(da, db) for da in range(3) for db in range(3) if (da or db) and i + da <= n_a and j + db <= n_b]
        da, db = draw(st.sampled_from(shapes))
        if draw(st.integers(0, 4)):
            score, origin = draw(st.none() | st.floats(0, 100)), draw(st.sampled_from(["auto", "manual"]))
            beads.append(Bead(tuple(range(i, i + da)), tuple(range(j, j + db)), score, origin))
        i, j = i + da, j + db
    return beads


def partner(draw: st.DrawFn, doc: Document, sentences: list[Sentence]) -> dict | None:
    """Maybe a second document in another language, linked to ``doc`` (either way round) and aligned."""
    if not draw(st.booleans()):
        return None
    text, title = normalized_text(draw), draw(WORDS)
    other = Document(
        id=document_id(text, title), key=draw(WORDS), title=title, text=text, ingested_at=draw(TIMES),
        lang=draw(st.sampled_from([lang for lang in ("en", "ru", "ar", "he") if lang != doc.lang])),
    )  # fmt: skip
    assume(other.key != doc.key and other.id != doc.id)
    other_sentences = partition(draw, other.id, text)
    return {
        "doc": other, "sentences": other_sentences, "beads": alignment(draw, len(sentences), len(other_sentences)),
        "kind": draw(st.sampled_from(["translation", "adaptation"])), "created_at": draw(TIMES),
        "from_partner": draw(st.booleans()), "measure": draw(MEASURED),
    }  # fmt: skip


@st.composite
def cases(draw: st.DrawFn) -> dict:
    """A document, its sentences, spans (ACTORs first so STANCE references are live), maybe a new version."""
    text, title = normalized_text(draw), draw(WORDS)
    doc = Document(
        id=document_id(text, title), key=draw(WORDS), title=title, lang=draw(st.sampled_from(["en", "ru", "ar", "he"])),
        text=text, source=draw(st.none() | WORDS), ingested_at=draw(TIMES), published=draw(PUBLISHED),
        outlet=draw(st.none() | WORDS), author=draw(st.none() | WORDS), url=draw(URLS),
    )  # fmt: skip
    sentences = partition(draw, doc.id, text)
    new_text = None
    if draw(st.booleans()):
        i, j = sorted(draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=2)))
        new_text = normalize_text(text[:i] + draw(st.sampled_from(["", " more ", "Ж"])) + text[j:]).strip()
    ids = iter(draw(st.lists(st.integers(0, 2**64 - 1), min_size=10, max_size=10, unique=True)))
    labels = sorted(draw(st.lists(st.sampled_from(["ACTOR", "QUANTITY", "STANCE"]), max_size=10)))
    spans, actors = [], []
    for label in labels:
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        created = draw(TIMES)
        span = Span(
            id=f"sp-{next(ids):016x}", doc_id=doc.id, start=start, end=end, label=label,
            attrs=attrs_for(draw, label, actors), annotator=draw(WORDS),
            origin=draw(st.sampled_from(list(Origin))), status=draw(st.sampled_from(list(Status))),
            anchor=draw(st.sampled_from(ANCHORS)), created_at=created, updated_at=max(created, draw(TIMES)),
        )  # fmt: skip
        spans.append(span)
        if label == "ACTOR":
            actors.append(span.id)
    # A suggester's confidence on some suggested spans (exports write it only for those).
    confidences = {
        span.id: draw(st.floats(0, 1)) for span in spans if span.origin == Origin.SUGGESTED and draw(st.booleans())
    }
    case = {"doc": doc, "sentences": sentences, "spans": spans, "new": None, "partner": partner(draw, doc, sentences),
            "confidences": confidences}  # fmt: skip
    if new_text and document_id(new_text, title) != doc.id:
        new = Document(document_id(new_text, title), doc.key, title, doc.lang, new_text, ingested_at=draw(TIMES))
        assume(case["partner"] is None or new.id != case["partner"]["doc"].id)
        case["new"] = (new, partition(draw, new.id, new_text))
    return case


def _fill(store: Store, case: dict) -> None:
    store.add_document(case["doc"], case["sentences"])
    # Spans marked orphaned stay on the old version, as after a real re-anchoring.
    store.add_spans(case["spans"])
    store.set_confidences(case["confidences"])
    other = case["partner"]
    if other is not None:
        store.add_document(other["doc"], other["sentences"])
        ends = (other["doc"].id, case["doc"].id) if other["from_partner"] else (case["doc"].id, other["doc"].id)
        store.link(*ends, other["kind"], created_at=other["created_at"])
        store.set_alignment(case["doc"].id, other["doc"].id, other["beads"], **other["measure"])
    if case["new"] is not None:
        store.add_document(*case["new"])  # the link holds; the alignment stays with the old version


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_roundtrip_export_import_export_is_byte_identical(case: dict):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Store(folder / "a", annotator="gen") as store_a:
            _fill(store_a, case)
            for unit in ("document", "sentence"):
                # Without a second version both exports are the same file: write it once.
                for all_versions in (False, True) if case["new"] else (True,):
                    name = f"{unit}-{all_versions}"
                    first = export_jsonl(store_a, folder / f"{name}.jsonl", unit=unit, all_versions=all_versions).path
                    with Store(folder / f"b-{name}", annotator="other") as store_b:
                        import_jsonl(store_b, first)
                        again = export_jsonl(
                            store_b, folder / f"{name}.again.jsonl", unit=unit, all_versions=all_versions
                        )
                        assert again.path.read_bytes() == first.read_bytes()
                        assert store_b.links() == store_a.links()
                        if all_versions:
                            if case["partner"] is not None:
                                pair = (case["doc"].id, case["partner"]["doc"].id)
                                assert store_b.alignment(*pair) == store_a.alignment(*pair)
                                info = store_b.alignment_info(*pair)
                                assert info == store_a.alignment_info(*pair) == store_b.alignment_info(*pair[::-1])
                                if case["partner"]["beads"]:
                                    assert info.measure == case["partner"]["measure"].get("measure")
                            pd.testing.assert_frame_equal(store_b.spans(), store_a.spans())
                            assert store_b.confidences() == store_a.confidences() == case["confidences"]
                            pd.testing.assert_frame_equal(
                                store_b.documents(all_versions=True), store_a.documents(all_versions=True)
                            )
