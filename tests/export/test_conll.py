"""CoNLL BIO/BILUO: golden files of the seed, read back by spaCy's own CoNLL converter, left-out spans counted."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from spacy.training.converters import conll_ner_to_docs

from annot.exchange import export_as
from annot.export import conll
from annot.export.formats import IMPORT_FORMATS, LeftOut, module_of
from annot.export.tokens import NOT_ON_TOKENS, token_bounds, tokenize
from tests.export.format_cases import SEED_GOLD, case_store, golden, seed_store
from tests.export.strategies import cases

SEED_ACTORS = 30


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory):
    store = seed_store(tmp_path_factory.mktemp("seed") / "project")
    yield store
    store.close()


@pytest.mark.parametrize(("format", "name"), [("conll", "seed.conll"), ("conll-biluo", "seed.biluo.conll")])
def test_conll_seed_matches_golden_file(seed, tmp_path: Path, format: str, name: str):
    result = export_as(seed, tmp_path / name, format)
    assert (result.documents, result.spans) == (1, SEED_ACTORS)
    assert [(u.reason, u.count) for u in result.left_out] == [(conll.NOT_ACTOR, 18)]  # 9 QUANTITYs, 9 STANCEs
    assert result.path.read_bytes() == golden(name, result.path).read_bytes()


def test_conll_seed_read_by_spacys_converter_gives_every_actor(seed, tmp_path: Path):
    out = export_as(seed, tmp_path / "seed.conll", "conll").path
    (doc,) = conll_ner_to_docs(out.read_text("utf-8"), n_sents=100, no_print=True)
    (record,) = [json.loads(line) for line in SEED_GOLD.read_text("utf-8").splitlines()]
    actors = [s for s in sorted(record["spans"], key=lambda s: s["start"]) if s["label"] == "ACTOR"]
    assert [(e.text, e.label_) for e in doc.ents] == [
        (" ".join(tokenize(a["text"], "en").text.split()), f"ACTOR.{a['attrs']['type'].replace(' ', '_')}")
        for a in actors
    ]


def test_conll_layout_docstart_sentences_two_columns(seed, tmp_path: Path):
    lines = export_as(seed, tmp_path / "seed.conll", "conll").path.read_text("utf-8").split("\n")
    assert lines[:2] == [conll.DOCSTART, ""]
    body = [line for line in lines[2:] if line]
    assert all(len(line.split("\t")) == 2 and line.split("\t")[0].strip() for line in body)
    assert lines[2:].count("") - 1 == 14  # a blank line after each of the seed's 14 sentences (and the last "\n")
    assert "Belarusian\tB-ACTOR.government_body" in body and "Ministry\tI-ACTOR.government_body" in body


def test_conll_is_export_only():
    assert "conll" not in IMPORT_FORMATS and "conll-biluo" not in IMPORT_FORMATS
    assert module_of("conll-biluo").SUFFIX == "biluo.conll"


def test_conll_left_out_reasons_counted_with_an_example():
    record = {"id": "d", "text": "The Belarusian Defense Ministry said. Kyiv agreed.", "lang": "en",
              "sentences": [{"start": 0, "end": 37}, {"start": 38, "end": 50}], "spans": [
        {"start": 4, "end": 31, "label": "ACTOR", "text": "Belarusian Defense Ministry",
         "attrs": {"type": "government body"}},
        {"start": 4, "end": 14, "label": "ACTOR", "text": "Belarusian", "attrs": {}},
        {"start": 5, "end": 14, "label": "ACTOR", "text": "elarusian", "attrs": {}},
        {"start": 32, "end": 42, "label": "ACTOR", "text": "said. Kyiv", "attrs": {}},
        {"start": 38, "end": 42, "label": "ACTOR", "text": "Kyiv", "attrs": {}, "status": "pending"},
        {"start": 43, "end": 49, "label": "QUANTITY", "text": "agreed", "attrs": {}},
    ]}  # fmt: skip
    left_out = LeftOut()
    lines, written = conll.to_lines(record, left_out, scheme="BILUO")
    assert written == 1
    assert {u.reason: (u.count, u.example) for u in left_out.report()} == {
        conll.OVERLAPS: (1, "ACTOR 'Belarusian' in d at 4-14"), NOT_ON_TOKENS: (1, "ACTOR 'elarusian' in d at 5-14"),
        conll.CROSSES: (1, "ACTOR 'said. Kyiv' in d at 32-42"), conll.NOT_ACCEPTED: (1, "ACTOR 'Kyiv' in d at 38-42"),
        conll.NOT_ACTOR: (1, "QUANTITY 'agreed' in d at 43-49"),
    }  # fmt: skip
    assert [line for line in lines if line and not line.endswith("\tO")][1:] == [
        "Belarusian\tB-ACTOR.government_body", "Defense\tI-ACTOR.government_body", "Ministry\tL-ACTOR.government_body",
    ]  # fmt: skip


@pytest.mark.parametrize(("attrs", "tag"), [({}, "ACTOR"), ({"type": "military unit"}, "ACTOR.military_unit"),
                                            ({"type": "state"}, "ACTOR.state"), ({"type": 3}, "ACTOR")])  # fmt: skip
def test_conll_tag_type(attrs: dict, tag: str):
    assert conll.tag_type(attrs) == tag


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_conll_every_accepted_actor_written_or_counted(case):
    with tempfile.TemporaryDirectory() as tmp:
        store, doc, spans = case_store(Path(tmp) / "a", case)
        with store:
            result = export_as(store, Path(tmp) / "x.conll", "conll")
        counted = sum(u.count for u in result.left_out)
        assert result.spans + counted == len(spans)
        lines = result.path.read_text("utf-8").split("\n")
        assert all(len(line.split("\t")) == 2 for line in lines[2:] if line)
        begins = sum(line.split("\t")[1].startswith("B-") for line in lines[2:] if line)
        assert begins == result.spans
        tokens = tokenize(doc.text, doc.lang)
        words = [line.split("\t")[0] for line in lines[2:] if line]
        assert len(words) <= len([t for t in tokens if not t.is_space])
        on_tokens = [s for s in spans if s.label == "ACTOR" and token_bounds(tokens, s.start, s.end)]
        assert result.spans <= len(on_tokens)
