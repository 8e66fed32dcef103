"""The suggester protocol, registry and plain functions (annot.suggest.actors / quantities)."""

from __future__ import annotations

import importlib

import pytest

import annot.suggest as suggest
from annot.errors import AnnotError, SuggesterError
from annot.suggest import KnownActor, Suggester, Suggestion, registry


def test_registry_lists_builtins_first():
    assert suggest.suggester_names()[:3] == ["actors", "quantities", "stance"]


@pytest.mark.parametrize("name", ["actors", "quantities", "stance"])
def test_registry_builtin_follows_protocol(name):
    found = suggest.get_suggester(name)
    assert isinstance(found, Suggester)
    assert found.name == name and found.version and found.labels


def test_registry_unknown_name_lists_known_ones():
    with pytest.raises(
        SuggesterError, match=r"Unknown suggester 'stanse'\. Known suggesters: actors, quantities, stance"
    ):
        suggest.suggesters("actors,stanse")
    assert issubclass(SuggesterError, AnnotError)


def test_registry_names_from_a_comma_list_keep_order_once():
    assert [s.name for s in suggest.suggesters("quantities, actors,quantities")] == ["quantities", "actors"]


def test_registry_entry_point_is_used(monkeypatch):
    monkeypatch.setattr(registry, "_entry_points", lambda: {"fake": "annot.suggest.builtin:QuantitySuggester"})
    assert registry.suggester_names()[-1] == "fake"
    assert registry.suggester_class("fake").name == "quantities"


def test_quantities_function_reads_spanish():
    found = suggest.quantities("Rusia enviará hasta 9.000 soldados y unos 170 tanques.", lang="es")
    assert [(s.text, dict(s.attrs)) for s in found] == [
        ("hasta 9.000 soldados", {"value": 9000, "unit": "soldados", "qualifier": "up to"}),
        ("unos 170 tanques", {"value": 170, "unit": "tanques", "qualifier": "approximately"}),
    ]
    assert all(s.label == "QUANTITY" and s.annotator == "suggest:quantities.v2" and 0 < s.confidence <= 1
               for s in found)  # fmt: skip


def test_quantities_range_has_low_and_high():
    (found,) = suggest.quantities("between 100 and 200 tanks", lang="en")
    assert dict(found.attrs) == {"value": 100, "unit": "tanks", "qualifier": "range", "low": 100, "high": 200}


def test_actors_function_offsets_slice_back():
    text = "Minsk dijo que Rusia enviará tropas."
    found = suggest.actors(text, lang="es")
    assert [(s.text, s.attrs["canonical"]) for s in found] == [("Minsk", "Belarus"), ("Rusia", "Russia")]
    assert all(text[s.start : s.end] == s.text and s.annotator == "suggest:actors.v2" for s in found)


def test_actors_function_uses_known_actors():
    known = [KnownActor("Alexandr Lukashenko", "Alexander Lukashenko", "person")]
    found = suggest.actors("Lukashenko spoke on Monday.", lang="en", known=known)
    assert [(s.text, s.attrs.get("canonical")) for s in found] == [("Lukashenko", "Alexander Lukashenko")]


def test_functions_do_not_hide_their_modules():
    assert callable(suggest.quantities) and callable(suggest.actors)
    assert importlib.import_module("annot.suggest.quantity_finder").find_quantities is suggest.find_quantities
    assert callable(suggest.quantities)  # importing the finder module did not replace the function


@pytest.mark.parametrize(("start", "end", "confidence"), [(3, 3, 0.5), (-1, 2, 0.5), (0, 2, 1.5)])
def test_suggestion_rejects_bad_values(start, end, confidence):
    with pytest.raises(AnnotError):
        Suggestion(start, end, "ACTOR", confidence=confidence)
