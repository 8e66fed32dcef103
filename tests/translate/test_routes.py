"""annot.translate.routes: route names read and written, signatures kept, and one choice everywhere it is made."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import annot
from annot.annotate.mt import targets
from annot.compare.frame import _engine_names
from annot.errors import EngineError, ModelNotInstalled, SchemaError
from annot.translate import (
    RouteName,
    best_route,
    choose_route,
    engine_kind,
    format_route_name,
    get_engine,
    parse_route_name,
    preferred_engines,
    rank_engines,
    reachable,
    registry,
    stored_route_name,
)
from tests.translate.fakes import FAKES, UpperEngine

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
    # A route two engines would take gets one name: mk->pt through apertium mk->en is apertium's and argos's
    # (ca->pt was, until Debian's apertium-por-cat gave apertium its own pair).
    assert choose_route("argos", "mk", "pt").name == choose_route("apertium", "mk", "pt").name == "apertium+argos"
    assert choose_route("apertium", "mk", "pt").path == "mk>en>pt"


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
        compared = _engine_names(doc, target, None, [], pivot=True)
        assert set(compared) == pipeline and compared == rank_engines(pipeline, source, target), (source, target)
        # The pane's list for the target is compare's order, by engine.
        assert offered.get(target, []) == list(dict.fromkeys(choose_route(n, source, target).engine for n in compared))
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


# -- which first: one order for the pane and compare ---------------------------------------------


class NeuralEngine(UpperEngine):
    """A neural engine for en->pt (pt->en too), as argos and bergamot are."""

    name = "neural"
    kind: ClassVar[str] = "neural"

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "pt"), ("pt", "en")]


class OddEngine(UpperEngine):
    """A third party's engine that says it is "Neural", which is not one of the kinds."""

    name = "odd"
    kind: ClassVar[str] = "Neural"


@pytest.fixture
def ranked_fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    engines = {**FAKES, "neural": f"{__name__}:NeuralEngine", "odd": f"{__name__}:OddEngine"}
    monkeypatch.setattr(registry, "BUILTIN_ENGINES", engines)
    registry.get_engine.cache_clear()
    yield
    registry.get_engine.cache_clear()


def _prefer(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "annot.toml").write_text(text, "utf-8")
    return folder


def test_routes_rank_puts_the_neural_routes_before_direct_apertium():
    assert [get_engine(name).kind for name in ("argos", "bergamot", "apertium")] == ["neural", "neural", "rule-based"]
    assert rank_engines(["apertium", "bergamot", "argos"], "en", "pt") == ["argos", "bergamot", "apertium"]
    # en->es: apertium has the pair, argos and bergamot take two hops; neural first all the same.
    found = rank_engines(["apertium", "bergamot+apertium", "argos+apertium"], "en", "es")
    assert found == ["argos+apertium", "bergamot+apertium", "apertium"]
    assert rank_engines(["apertium", "argos"], "es", "en") == ["argos", "apertium"]


@pytest.mark.parametrize(
    ("engine", "kind"),
    [(NeuralEngine, "neural"), (UpperEngine, "rule-based"), (OddEngine, "rule-based"), (object(), "rule-based")],
)
def test_routes_engine_kind_without_a_known_kind_is_rule_based(engine: object, kind: str):
    assert engine_kind(engine) == kind


def test_routes_rank_kind_then_hops_then_name(ranked_fakes):
    # neural: neural, 1 hop; upper, odd, gone (stored, no engine): rule-based, 1 hop; hop: rule-based, 2 hops.
    names = ["hop", "upper", "gone", "odd", "neural", "upper"]
    assert rank_engines(names, "en", "pt") == ["neural", "gone", "odd", "upper", "hop"]
    # A stored route of an engine no longer installed has the hops its name says.
    assert rank_engines(["gone+upper", "odd", "hop"], "en", "pt") == ["odd", "gone+upper", "hop"]


def test_routes_rank_project_preference_comes_first(ranked_fakes, tmp_path: Path):
    project = _prefer(tmp_path / "project", '# our order\n[translate]\nprefer = ["hop", "upper"]\n')
    assert preferred_engines(project) == ["hop", "upper"]
    # Listed engines first, in the project's order; the others after, by the rule.
    assert rank_engines(["odd", "neural", "upper", "hop"], "en", "pt", project=project) == ["hop", "upper", "neural",
                                                                                           "odd"]  # fmt: skip
    # The pane's list (its default engine first): flaky and short are fakes too.
    assert targets("en", project)["pt"] == ["hop", "upper", "neural", "flaky", "odd", "short"]
    assert targets("en")["pt"] == ["neural", "flaky", "odd", "short", "upper", "hop"]
    assert preferred_engines(tmp_path / "nothing here") == [] and preferred_engines(None) == []


def test_routes_rank_preference_counts_a_route_as_its_engine(tmp_path: Path):
    project = _prefer(tmp_path / "project", '[translate]\nprefer = ["apertium", "bergamot"]\n')
    names = ["argos+apertium", "apertium", "bergamot+apertium"]
    assert rank_engines(names, "en", "es", project=project) == ["apertium", "bergamot+apertium", "argos+apertium"]
    assert targets("en", project)["es"] == ["apertium", "bergamot", "argos"]
    assert targets("en")["pt"] == ["argos", "bergamot", "apertium"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[translate]\nprefer = ["bergamot", "deepl"]\n',
         "translate.prefer names 'deepl', which is no engine; valid engines: argos, bergamot, opus, apertium."),
        ('[translate]\nprefer = "argos"\n', "translate.prefer must be a list of engine names"),
        ('[translate]\nprefer = ["argos+apertium"]\n', "names 'argos+apertium', which is no engine"),
        ('[translate]\nprefered = ["argos"]\n', "translate.prefered is not a setting; valid: prefer"),
        ('translate = ["argos"]\n', "[translate] must be a table"),
        ("[translate\n", "is not valid TOML"),
    ],
)  # fmt: skip
def test_routes_bad_preference_is_one_line_naming_the_fix(tmp_path: Path, text: str, message: str):
    project = _prefer(tmp_path / "project", text)
    for call in (lambda: preferred_engines(project), lambda: rank_engines(["argos"], "en", "pt", project=project)):
        with pytest.raises(SchemaError) as info:
            call()
        assert message in str(info.value) and str(project / "annot.toml") in str(info.value)
        assert "\n" not in str(info.value)


def test_unreachable_error_names_the_pairs_to_fetch():
    from annot.translate.routes import unreachable_error

    message = str(unreachable_error(["uk", "ru", "ru"], "en"))
    assert "annot models fetch ru-en uk-en on a connected machine" in message and "\n" not in message
