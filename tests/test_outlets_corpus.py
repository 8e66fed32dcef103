"""corpus/outlets/: five outlets' versions of the seed's event, their hand-made gold and its shipped export."""

from __future__ import annotations

import copy
import importlib.util
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import annot

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ROOT / "corpus" / "outlets"
EXPORT = OUTLETS / "outlets.annot.jsonl"
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "seed.annot.jsonl"


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("make_outlets", ROOT / "scripts" / "make_outlets.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


make_outlets = _script()
SPEC = make_outlets.load_spec()
DOCS = {d["key"]: d for d in SPEC["doc"]}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    """The shipped export imported into a fresh project."""
    store = annot.open_project(tmp_path_factory.mktemp("outlets") / "project")
    result = annot.import_jsonl(store, EXPORT)
    assert result.errors == () and result.documents_added == 6
    yield store
    store.close()


def _doc_of(store: annot.Store, key: str) -> annot.Document:
    (doc,) = [d for d in store.iter_documents() if d.key == f"corpus/outlets/{DOCS[key]['file']}"]
    return doc


def _spec_spans(key: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Span id -> (name, spec entry) of one document, ids as the script makes them."""
    return {make_outlets.span_id(key, n): (e["name"], e) for n, e in enumerate(DOCS[key]["spans"])}


def test_five_outlets_in_five_languages_with_front_matter():
    files = sorted(p.name for p in OUTLETS.glob("*.txt"))
    assert sorted(d["file"] for d in SPEC["doc"]) == files and len(files) == 5
    assert sorted(f.split(".")[-2] for f in files) == ["en", "es", "pt", "ru", "uk"]
    for name in files:
        text = (OUTLETS / name).read_text("utf-8")
        head, body = text.removeprefix("---\n").split("\n---\n", 1)
        keys = [line.split(":", 1)[0] for line in head.splitlines()]
        assert keys == ["title", "outlet", "author", "published", "url", "lang"], name
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        assert meta["lang"] == name.split(".")[-2]
        assert meta["url"].split("/")[2] in ("example.org", "example.net", "example.com")
        assert meta["published"].startswith(("2022-10-17T", "2022-10-18T", "2022-10-19T"))
        assert 120 <= len(body.split()) <= 300, name


def test_the_export_holds_every_span_of_the_spec(imported: annot.Store):
    spans = imported.spans()
    for key in DOCS:
        doc = _doc_of(imported, key)
        got = Counter(spans[spans["doc_id"] == doc.id]["label"].astype(str))
        assert got == Counter(e["label"] for e in DOCS[key]["spans"]), key
    seed = json.loads(SEED_GOLD.read_text("utf-8"))
    got = Counter(spans[spans["doc_id"] == seed["id"]]["label"].astype(str))
    assert got == Counter(s["label"] for s in seed["spans"])
    assert set(spans["status"].astype(str)) == {"accepted"} and set(spans["origin"].astype(str)) == {"manual"}
    outlet_annotators = set(spans[spans["doc_id"] != seed["id"]]["annotator"])
    assert outlet_annotators == {"gold:outlets"}


def test_each_span_is_its_quote_with_its_attributes(imported: annot.Store):
    for key in DOCS:
        doc = _doc_of(imported, key)
        names = {}
        for span_id, (name, entry) in _spec_spans(key).items():
            span = imported.get_span(span_id)
            names[name] = span_id
            assert span.doc_id == doc.id and span.label == entry["label"]
            assert span.text == entry["quote"] == doc.text[span.start : span.end], (key, name)
        for span_id, (name, entry) in _spec_spans(key).items():
            want = {k: names[v] if k.endswith("_span") else v for k, v in entry["attrs"].items()}
            assert dict(imported.get_span(span_id).attrs) == want, (key, name)


def test_the_script_rebuilds_the_same_bytes(tmp_path: Path):
    result = make_outlets.make(tmp_path / "again.jsonl")
    assert (result.documents, result.spans) == (6, len(EXPORT.read_text("utf-8").split('"id":"sp-')) - 1)
    assert (tmp_path / "again.jsonl").read_bytes() == EXPORT.read_bytes(), "run python scripts/make_outlets.py"


def test_every_quantity_has_a_gold_group(imported: annot.Store):
    seed_groups = {g["quote"]: g["group"] for g in SPEC["seed"]["groups"]}
    quantities = imported.spans(label="QUANTITY")
    groups = Counter()
    for row in quantities.itertuples():
        key = next((k for k in DOCS if _doc_of(imported, k).id == row.doc_id), None)
        group = seed_groups.get(row.text) if key is None else _spec_spans(key)[row.id][1].get("group")
        assert group in make_outlets.GROUPS, (row.doc_id, row.text)
        groups[group] += 1
    # Each thing claimed is claimed by several sources, so that grouping has something to group.
    assert len(quantities) == 40 and min(groups.values()) >= 3 and len(groups) == 7


def _quantity(store: annot.Store, ref: str) -> tuple[annot.Span, list[dict[str, Any]]]:
    """The QUANTITY a discrepancy names, and the stances around it (evidence, holder's canonical name)."""
    doc_key, _, name = ref.partition(".")
    if doc_key == "seed":
        seed = json.loads(SEED_GOLD.read_text("utf-8"))
        (span,) = [s for s in store.iter_spans(seed["id"]) if s.label == "QUANTITY" and s.text == name]
    else:
        (span_id,) = [i for i, (n, _) in _spec_spans(doc_key).items() if n == name]
        span = store.get_span(span_id)
    stances = []
    for other in store.iter_spans(span.doc_id):
        if other.label == "STANCE" and other.start <= span.start and span.end <= other.end:
            holder = other.attrs.get("holder_span")
            canonical = store.get_span(holder).attrs["canonical"] if holder else other.attrs["holder"]
            stances.append({"evidence": other.attrs["evidence"], "holder": canonical})
    return span, stances


@pytest.mark.parametrize("item", SPEC["discrepancy"], ids=lambda d: f"{d['group']}-{d['kind']}")
def test_each_planted_discrepancy_is_in_the_texts_and_the_gold(imported: annot.Store, item: dict[str, Any]):
    found = [_quantity(imported, ref) for ref in item["spans"]]
    spans = [span for span, _ in found]
    values = {(s.attrs.get("low"), s.attrs.get("high")) if s.attrs["qualifier"] == "range" else s.attrs["value"]
              for s in spans}  # fmt: skip
    qualifiers = {s.attrs["qualifier"] for s in spans}
    assert len(spans) >= 2
    if item["kind"] == "value":  # different values, or a range against a point
        assert len(values) >= 2, item
    elif item["kind"] == "qualifier":  # the same value, the qualifier dropped or changed
        assert len(values) == 1 and len(qualifiers) >= 2, item
    elif item["kind"] == "holder":  # the same value and qualifier, each source naming another holder
        holders = [frozenset(s["holder"] for s in stances) for _, stances in found]
        assert len(values) == 1 and all(holders) and len(set(holders)) == len(spans), item
    else:  # the same value, stated as fact by one and as alleged by another
        evidence = [frozenset(s["evidence"] for s in stances) for _, stances in found]
        assert len(values) == 1 and all(evidence) and len(set(evidence)) == len(spans), item
        assert {"asserted", "alleged"} <= set().union(*evidence)


def test_importing_into_a_project_that_ingested_corpus_adds_only_the_spans(tmp_path: Path):
    with annot.open_project(tmp_path / "project") as store:
        report = annot.ingest(ROOT / "corpus", store)
        assert report.count("added") == 7 and report.errors == []
        assert [str(p) for p in report.exports] == [str(ROOT / "corpus" / "outlets" / "outlets.annot.jsonl")]
        result = annot.import_jsonl(store, EXPORT)
        assert (result.documents_added, result.documents_unchanged) == (0, 6)
        every = sum(len(d["spans"]) for d in SPEC["doc"]) + len(json.loads(SEED_GOLD.read_text("utf-8"))["spans"])
        assert result.spans_written == store.counts()["spans"] == every == 197
        assert store.counts()["documents"] == 7
        again = annot.import_jsonl(store, EXPORT)
        assert (again.documents_added, again.spans_written) == (0, 0)


def test_a_wrong_quote_or_attribute_fails_loudly(tmp_path: Path):
    bad = copy.deepcopy(SPEC)
    bad["doc"][0]["spans"][3]["quote"] = "10 тысяч военнослужащих"  # not in the text
    bad["doc"][1]["spans"][1]["quote"] = "Росі"  # inside a word
    bad["doc"][2]["spans"][0]["quote"] = "A Rússia vai enviar"  # a STANCE that is not a sentence
    with annot.open_project(tmp_path / "a") as store, pytest.raises(make_outlets.SpecError) as error:
        make_outlets.build(store, bad)
    message = str(error.value)
    assert "3 problems" in message and "10 тысяч" in message and "'Росі'" in message and "whole sentence" in message
    bad = copy.deepcopy(SPEC)
    bad["doc"][3]["spans"][2]["attrs"]["qualifier"] = "roughly"  # not one of the schema's
    with annot.open_project(tmp_path / "b") as store, pytest.raises(make_outlets.SpecError, match="roughly"):
        make_outlets.build(store, bad)
