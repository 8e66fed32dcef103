"""Who supports, opposes or doubts whom, who reports whom, and when."""

from __future__ import annotations

import math

import pandas as pd

import annot
from annot.analysis import reporting, stance_matrix
from annot.analysis.stances import STANCE_COLUMNS


def test_stances_stated_and_reporting_rows(corpus):
    store, docs = corpus
    stances = annot.actor_stance(store)
    assert list(stances.columns) == STANCE_COLUMNS
    stated = stances[stances["kind"] == "stated"]
    assert len(stated) == len(store.spans(label="STANCE", status="accepted"))
    kyiv = stated[stated["lang"] == "uk"].set_index("holder")
    assert kyiv.loc["Ukraine", "polarity"] == "opposes" and kyiv.loc["Minsk", "polarity"] == "supports"
    # The outlet doubts whom it reports as alleged; reports the others without doubt.
    reported = stances[(stances["kind"] == "reporting") & (stances["doc_id"] == docs["uk"].id)]
    assert sorted(zip(reported["target"], reported["polarity"])) == [("Minsk", "doubts"), ("Ukraine", "doubts")]
    assert set(reported["holder"]) == {"Київ"}  # no outlet recorded for this document: its title
    seed = stances[(stances["kind"] == "reporting") & (stances["doc_id"] == docs["en"].id)]
    assert dict(zip(seed["target"], seed["polarity"]))["Valeri Revenko"] == "neutral"


def test_stances_matrix_of_actors_and_by_language(corpus):
    stances = annot.actor_stance(corpus[0])
    matrix = stance_matrix(stances)
    assert matrix.loc["Belarus", "Ukraine"] == -1.0  # "Belarus assures that Ukraine is preparing an attack"
    assert "the regional grouping with Russia" not in matrix.columns  # free-text targets left out
    wide = stance_matrix(stances, actors_only=False)
    assert wide.loc["Alexander Lukashenko", "the regional grouping with Russia"] == 1.0
    by_lang = stance_matrix(stances, by="lang", kind="reporting")
    seed_title = corpus[1]["en"].title
    assert by_lang.loc["Київ", ("uk", "Minsk")] == -1.0 and by_lang.loc[seed_title, ("en", "Interfax")] == 0.0
    by_day = stance_matrix(stances, by="D", kind="reporting")
    assert set(by_day.columns.get_level_values(0)) == {"2022-10-17", "2022-10-18"}
    assert stance_matrix(stances.iloc[0:0]).empty


def test_stances_who_reports_whom_and_the_timeline(corpus):
    store, docs = corpus
    stances = annot.actor_stance(store)
    edges = reporting(stances)
    assert list(edges.columns) == ["reporter", "source", "statements", "alleged", "languages"]
    belarus = edges[edges["reporter"] == docs["en"].title].set_index("source").loc["Belarus"]
    assert (belarus["statements"], belarus["alleged"], belarus["languages"]) == (4, 2, "en")
    assert edges["statements"].is_monotonic_decreasing
    ledger = annot.claims(store)
    line = annot.timeline(ledger, stances)
    assert len(line) == len(ledger) + (stances["kind"] == "stated").sum()
    assert line["published"].is_monotonic_increasing
    claim = line[(line["kind"] == "claim") & (line["quote"] == "9 тисяч військових")].iloc[0]
    assert claim["detail"] == "9,000 (Minsk)" and claim["what"].startswith("troops")
    stances_uk = line[(line["kind"] == "stance") & (line["lang"] == "uk")]
    assert sorted(stances_uk["what"]) == ["Minsk -> ?", "Ukraine -> ?"]  # no target named
    assert sorted(stances_uk["detail"]) == ["opposes, alleged", "supports, alleged"]
    assert stances_uk["value"].map(math.isnan).all()
    assert len(annot.timeline(ledger)) == len(ledger)
    assert isinstance(line["published"].dtype, pd.DatetimeTZDtype)
