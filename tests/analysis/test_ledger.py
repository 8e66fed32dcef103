"""The claims ledger on a real store: one row per claim with its stance, groups across languages, discrepancies."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import annot
from annot.analysis import CLAIM_COLUMNS, DISCREPANCY_KINDS
from annot.errors import NotFound
from annot.model import Translation
from annot.store import DB_NAME
from tests.analysis.conftest import add_document, mark


def _row(ledger: pd.DataFrame, quote: str) -> dict:
    rows = ledger[ledger["quote"] == quote].to_dict("records")
    assert len(rows) == 1, (quote, len(rows))
    return rows[0]


def test_ledger_one_row_per_accepted_quantity_with_the_stance_holding_it(corpus):
    store, docs = corpus
    mark(store, docs["es"], "Rusia", "QUANTITY", {"value": 1})  # accepted below, then rejected
    store.update_span(store.spans(docs["es"].id, label="QUANTITY")["id"].iloc[0], status="rejected")
    ledger = annot.claims(store)
    assert list(ledger.columns) == CLAIM_COLUMNS
    assert len(ledger) == len(store.spans(label="QUANTITY", status="accepted")) == 13
    said = _row(ledger, "up to 9,000 military personnel")
    assert (said["holder"], said["evidence"], said["polarity"], said["qualifier"]) == ("Belarus", "quoted", "supports",
                                                                                         "up to")  # fmt: skip
    assert said["sentence_text"].startswith("The deployment of up to 9,000") and said["origin"] == "annotated"
    own = _row(ledger, "up to 9,000 Russian soldiers")  # no stance holds it: the outlet's own voice
    assert own["evidence"] == "asserted" and pd.isna(own["holder"]) and pd.isna(own["stance"])
    russian = _row(ledger, "9 тысяч военнослужащих")
    assert (russian["value"], russian["unit"], russian["thing"], russian["thing_label"], russian["lemma"]) == (
        9000.0,
        "военнослужащих",
        "personnel",
        "troops",
        "военнослужащий",
    )
    assert russian["holder"] == "Ministry of Defence of Belarus" and russian["holder_text"] == "Минобороны Беларуси"
    assert russian["published"] == pd.Timestamp("2022-10-17", tz="UTC") and russian["lang"] == "ru"


def test_ledger_groups_the_same_thing_counted_across_languages(corpus):
    ledger = annot.claims(corpus[0])
    groups = {label: sorted(rows["lang"]) for label, rows in ledger.groupby("thing_label")}
    assert groups["troops"] == ["en", "en", "es", "ru", "uk", "uk"]
    assert groups["tanks"] == ["en", "ru"] and groups["armored vehicles"] == ["en", "ru"]
    assert ledger["event"].nunique() == 1  # within three days, naming the same actors
    assert ledger.groupby("thing")["group"].nunique().eq(1).all()
    assert ledger["group_label"].str.startswith("troops · Belarus, Russia").any()
    table = annot.claim_groups(ledger)
    first = table.iloc[0]  # the most disputed first
    assert (first["thing"], first["claims"], first["documents"], first["languages"]) == ("personnel", 6, 4, 4)
    assert first["values"] == "up to 9,000 (2) · 9,000 (2) · 15,000 (1) · approximately 9,000 (1)"
    assert first["discrepancies"] == "value, qualifier, holder, evidence"


def test_ledger_marks_every_kind_of_discrepancy(corpus):
    ledger = annot.claims(corpus[0])
    found = annot.discrepancies(ledger)
    assert set(found["kind"]) == set(DISCREPANCY_KINDS)
    details = {(row.kind, row.quote): row.detail for row in found.itertuples()}
    assert details[("value", "15 тисяч військових")] == "15,000 against up to 9,000"
    assert details[("qualifier", "9 тысяч военнослужащих")] == "exact against up to"  # a qualifier dropped
    assert details[("qualifier", "unos 9.000 soldados")] == "approximately against up to"  # changed
    assert details[("holder", "9 тисяч військових")] == "Minsk against Belarus"  # Мінськ, by CLDR's English name
    assert details[("evidence", "9 тисяч військових")] == "alleged against as fact"
    # The ministry speaks for Belarus: the same side, no holder discrepancy; a claim is never against its own article.
    assert ("holder", "9 тысяч военнослужащих") not in details and ("holder", "unos 9.000 soldados") not in details
    assert (found["doc_id"] != found["against_doc"]).all()
    marked = dict(zip(ledger["quote"], ledger["discrepancies"]))
    assert marked["9 тисяч військових"] == "qualifier, holder, evidence" and marked["four training camps"] == ""


def test_ledger_events_by_links_dates_and_shared_actors(corpus):
    store, docs = corpus
    later = add_document(store, "Rusia enviará 300 tanques a Bielorrusia.", "es", "Un año después", date(2023, 10, 17))
    mark(store, later, "Rusia", "ACTOR")
    mark(store, later, "Bielorrusia", "ACTOR")
    mark(store, later, "300 tanques", "QUANTITY", {"value": 300, "unit": "tanques"})
    ledger = annot.claims(store)
    tanks = ledger[ledger["thing"] == "tanks"]
    assert tanks["event"].nunique() == 2 and tanks["group"].nunique() == 2  # a year later: another event
    assert "300" not in " ".join(annot.discrepancies(ledger)["detail"])
    store.link(docs["en"].id, later.id, "translation")  # linked: one event whatever the dates
    assert annot.claims(store).query("thing == 'tanks'")["group"].nunique() == 1
    # Without dates, shared actors alone decide; asking for more shared actors than any pair has splits all.
    assert annot.claims(store, window=None)["event"].nunique() == 1
    assert annot.claims(store, shared_actors=99)["event"].nunique() == 4  # the link still joins two


def test_ledger_reads_and_never_writes_the_store(corpus):
    store, _docs = corpus
    database = Path(store.path) / DB_NAME
    before = (hashlib.sha256(database.read_bytes()).hexdigest(), store.revision(), store.annotation_revision())
    annot.claims(store)
    annot.actor_stance(store)
    assert (hashlib.sha256(database.read_bytes()).hexdigest(), store.revision(), store.annotation_revision()) == before


def test_ledger_of_some_documents_and_of_an_unknown_one(corpus):
    store, docs = corpus
    assert set(annot.claims(store, docs=[docs["ru"].id])["lang"]) == {"ru"}
    with pytest.raises(NotFound):
        annot.claims(store, docs=["no-such-article"])
    empty = annot.claims(store, docs=[])
    assert empty.empty and list(empty.columns) == CLAIM_COLUMNS
    assert annot.claim_groups(empty).empty and annot.discrepancies(empty).empty


def test_ledger_glosses_by_the_sentences_english_translation(corpus):
    store, _docs = corpus
    doc = add_document(store, "Llegaron 40 brigadistas voluntarios a Minsk.", "es", "Voluntarios", date(2022, 10, 17))
    mark(store, doc, "40 brigadistas voluntarios", "QUANTITY", {"value": 40, "unit": "brigadistas voluntarios"})
    store.add_translations([Translation(doc.id, 0, "apertium", "spa-eng", "1", "es", "en", "es>en", "test|es>en",
                                        "40 volunteer soldiers arrived in Minsk.")])  # fmt: skip
    ledger = annot.claims(store)
    row = _row(ledger, "40 brigadistas voluntarios")
    assert pd.isna(_row(ledger, "unos 9.000 soldados")["gloss"])  # a listed word: its English label, no gloss read
    assert (row["gloss"], row["thing"], row["translation"]) == ("volunteer soldiers", "personnel",
                                                               "40 volunteer soldiers arrived in Minsk.")  # fmt: skip


def test_ledger_adds_the_claims_projection_carried_into_a_linked_version(tmp_path: Path):
    from annot.project.stored import refresh_projection
    from tests.project.conftest import build_gold_project

    store, seed, spanish = build_gold_project(tmp_path / "p")
    refresh_projection(store, seed, "es", lexicon="off", suggest=False)
    ledger = annot.claims(store)
    projected = ledger[ledger["origin"] == "projected"]
    assert len(projected) and (projected["doc_id"] == spanish).all() and (projected["via"] == seed).all()
    nine = projected[projected["value"] == 9000]
    assert len(nine) and set(nine["thing"]) == {"personnel"} and set(nine["lang"]) == {"es"}
    assert annot.claims(store, projected=False)["origin"].eq("annotated").all()
    store.close()


def test_ledger_reads_a_curated_sentence_in_its_curated_version_only(tmp_path: Path):
    from annot.annotate.curation import CurationSession

    store = annot.open_project(tmp_path / "project")
    text = "Minsk said 9,000 troops arrived. Kyiv said 15,000 troops were there."
    doc = add_document(store, text, "en", "Two says", date(2022, 10, 17))
    claims = [("9,000 troops", 9000, "ana"), ("9,000 troops", 90000, "ben"), ("15,000 troops", 15000, "ana")]
    for quote, value, who in claims:  # ben typed a zero too many
        start = text.index(quote)
        store.add_span(doc.id, start, start + len(quote), "QUANTITY", {"value": value, "unit": "troops"},
                       annotator=who)  # fmt: skip
    before = annot.claims(store)
    assert sorted(before["value"]) == [9000.0, 15000.0, 90000.0]  # both annotators' first claims
    CurationSession(store, doc.id, curator="cleo").accept(0, "ana")
    after = annot.claims(store)
    # The first sentence once, as curated (ana's); the second, uncurated, in its annotators' spans.
    assert sorted(after["value"]) == [9000.0, 15000.0]
    assert len(store.spans(doc.id, label="QUANTITY")) == 4  # the annotators' spans are all kept
    CurationSession(store, doc.id, curator="cleo").mark_empty(1)  # nothing to annotate there, says the curator
    assert sorted(annot.claims(store)["value"]) == [9000.0]
