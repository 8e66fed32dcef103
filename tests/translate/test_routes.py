"""annot.translate.routes: route names read and written, signatures kept, and one choice everywhere it is made."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import annot
from annot.annotate.mt import targets
from annot.compare.frame import _engine_names
from annot.errors import EngineError, ModelNotInstalled
from annot.translate import (
    RouteName,
    best_route,
    choose_route,
    format_route_name,
    get_engine,
    parse_route_name,
    reachable,
    registry,
    stored_route_name,
)
from tests.translate.fakes import FAKES

# -- names ------------------------------------------------------------------------------------

_ENGINE = st.from_regex(r"[a-z][a-z0-9_.-]{0,11}", fullmatch=True)


@given(engine=_ENGINE, helpers=st.lists(_ENGINE, max_size=3, unique=True))
def test_routes_name_printer_and_parser_round_trip(engine: str, helpers: list[str]):
    name = RouteName(engine, tuple(h for h in helpers if h != engine))
    text = format_route_name(name)
    assert parse_route_name(text) == name
    assert format_route_name(parse_route_name(text)) == text == str(name)


@pytest.mark.parametrize("text", ["", "argos+", "+apertium", "argos++apertium", "argos+argos", "argos apertium", " a"])
def test_routes_parser_refuses_what_is_not_a_name_in_one_line(text: str):
    with pytest.raises(EngineError, match=r"is not an engine or route name; write ENGINE or ENGINE\+HELPER") as info:
        parse_route_name(text)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("stored", "engine", "helpers", "source", "target", "path"),
    [
        ("argos+apertium", "argos", ("apertium",), "en", "es", "en>pt>es"),
        ("bergamot+apertium", "bergamot", ("apertium",), "en", "es", "en>pt>es"),
        ("apertium", "apertium", (), "en", "pt", "en>es>pt"),
        ("argos", "argos", (), "en", "pt", "en>pt"),
    ],
)
def test_routes_legacy_stored_names_read_as_the_same_route(stored, engine, helpers, source, target, path):
    """Names users' databases hold (annot 0.1 wrote them) read back as the engine and route that wrote them."""
    assert parse_route_name(stored) == RouteName(engine, helpers)
    route = choose_route(stored, source, target)
    assert (route.name, route.path, route.engine) == (stored, path, engine)
    assert stored_route_name(stored, route.path, route.signature()) == stored


def test_routes_helper_first_hop_is_named_after_the_engine():
    """argos es->en is apertium es->pt then argos pt->en: argos's route, so argos comes first in its name."""
    route = choose_route("argos", "es", "en")
    assert (route.name, route.path, route.engine) == ("argos+apertium", "es>pt>en", "argos")
    assert route.helpers == ("apertium",) and route.rank == (2, 2)
    hops = [(h.engine.name, h.source, h.target) for h in route.hops]
    assert hops == [("apertium", "es", "pt"), ("argos", "pt", "en")]
    # annot 0.1 stored it in hop order: read under today's name, from its signature.
    assert stored_route_name("apertium+argos", "es>pt>en", route.signature()) == "argos+apertium"
    # A route two engines would take gets one name: ca->pt through apertium ca->en is apertium's and argos's.
    assert choose_route("argos", "ca", "pt").name == choose_route("apertium", "ca", "pt").name == "apertium+argos"


# -- signatures are what annot 0.1 stored ------------------------------------------------------


def _old_signature(first: str, second: str, source: str, via: str, target: str) -> str:
    """``PivotEngine.signature`` of annot 0.1 (annot/translate/pivot.py at 90fbf93), frozen here."""
    one, two = get_engine(first), get_engine(second)
    return f"pivot({one.signature(source, via)} > {two.signature(via, target)})"


@pytest.mark.parametrize(
    ("name", "source", "target", "hops"),
    [
        ("argos", "en", "pt", None),
        ("apertium", "en", "es", None),
        ("apertium", "en", "pt", ("apertium", "apertium", "es")),
        ("argos", "en", "es", ("argos", "apertium", "pt")),
        ("bergamot", "en", "es", ("bergamot", "apertium", "pt")),
        ("argos", "es", "en", ("apertium", "argos", "pt")),
        ("argos", "ca", "pt", ("apertium", "argos", "en")),
    ],
)
def test_routes_signature_and_model_are_unchanged(name, source, target, hops):
    """Stored signatures are the cache: the same route must sign exactly as annot 0.1 did."""
    route = choose_route(name, source, target)
    if hops is None:
        engine = get_engine(name)
        assert route.signature() == engine.signature(source, target) and route.model() == engine.model(source, target)
        assert route.path == f"{source}>{target}"
        return
    first, second, via = hops
    assert route.signature() == _old_signature(first, second, source, via, target)
    one, two = get_engine(first).model(source, via), get_engine(second).model(via, target)
    assert (route.model().name, route.model().version) == (f"{one.name}>{two.name}", f"{one.version}>{two.version}")
    assert route.path == f"{source}>{via}>{target}"


def test_routes_signatures_of_fake_engines_are_the_stored_strings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(registry, "BUILTIN_ENGINES", FAKES)
    registry.get_engine.cache_clear()
    try:
        assert choose_route("upper", "en", "pt").signature() == "upper|upper-enpt-1.0|en-pt"
        assert choose_route("hop", "en", "pt").signature() == "pivot(hop|hop-enes-2|en-es > hop|hop-espt-2|es-pt)"
        route = choose_route("hop", "pt", "es")
        assert route.signature() == "pivot(upper|upper-pten-1.0|pt-en > hop|hop-enes-2|en-es)"
        assert (route.model().name, route.model().version) == ("upper-pten>hop-enes", "1.0>2")
    finally:
        registry.get_engine.cache_clear()


# -- one choice: the pipeline, the MT pane, compare and the aligner agree -----------------------


LANGUAGES = sorted({lang for engine in registry.installed_engines() for pair in engine.pairs() for lang in pair})


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory):
    """One short document per installed language."""
    registry.get_engine.cache_clear()
    store = annot.open_project(tmp_path_factory.mktemp("routes") / "project", annotator="t")
    found = {}
    for lang in LANGUAGES:
        path = tmp_path_factory.mktemp(lang) / f"note.{lang}.txt"
        path.write_text(f"Note {lang}. 2022.", "utf-8")
        (found[lang],) = annot.ingest(path, store, lang=lang).documents
    yield store, found
    store.close()


def _pipeline(store: annot.Store, doc: annot.Document, target: str, engines: list[str] | None = None) -> set[str]:
    """The route names ``annot.translate`` would translate with (planned, nothing translated)."""
    try:
        return {run.engine for run in annot.translate(doc, store, to=target, engines=engines, sentences=[]).runs}
    except ModelNotInstalled:
        return set()


@pytest.mark.parametrize("source", LANGUAGES)
def test_routes_pipeline_mt_pane_compare_and_aligner_agree(docs, source: str):
    store, found = docs
    doc = found[source]
    offered = targets(source)
    assert set(offered) == set(reachable(source))
    for target in LANGUAGES:
        if target == source:
            continue
        pipeline = _pipeline(store, doc, target)
        # The MT pane offers engines; each translates by the route annot.translate(engines=[engine]) takes.
        pane = set().union(*(_pipeline(store, doc, target, [engine]) for engine in offered.get(target, [])))
        assert pane == pipeline == set(reachable(source).get(target, [])), (source, target)
        # Each route shows in the pane under an engine of the dropdown, which takes that very route.
        for name in pipeline:
            engine = choose_route(name, source, target).engine
            assert engine in offered[target] and choose_route(engine, source, target).name == name
        assert _engine_names(doc, target, None, [], pivot=True) == sorted(pipeline), (source, target)
        if pipeline:
            assert best_route(source, target).name in pipeline
        else:
            with pytest.raises(ModelNotInstalled, match=f"No installed engine translates {source}->{target}"):
                best_route(source, target)


def test_routes_reachable_is_cached_until_pairs_change(monkeypatch: pytest.MonkeyPatch):
    from tests.translate.fakes import UpperEngine

    monkeypatch.setattr(registry, "BUILTIN_ENGINES", {"upper": FAKES["upper"]})
    registry.get_engine.cache_clear()
    try:
        found = reachable("en")
        assert found == {"es": ["upper"], "pt": ["upper"]}
        found["pt"].append("changed by the caller")
        assert reachable("en")["pt"] == ["upper"]  # the cache hands out copies
        monkeypatch.setattr(UpperEngine, "pairs", lambda self: [("en", "pt"), ("en", "ru")])
        assert reachable("en") == {"pt": ["upper"], "ru": ["upper"]}
    finally:
        registry.get_engine.cache_clear()


def test_routes_stored_name_of_an_engine_not_installed_or_unexplained_is_kept():
    assert stored_route_name("gone+apertium", "en>pt>es", "pivot(gone|m-1|en-pt > apertium|x|pt-es)") == "gone+apertium"
    assert stored_route_name("argos+apertium", "en>pt>es", "not a signature") == "argos+apertium"
    assert stored_route_name("weird", "en>pt", "weird|m-1|en-pt") == "weird"
