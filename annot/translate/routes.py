"""Which engines and routes serve a language pair: the one home of route choice and route names.

A **route** is a sequence of hops, each one engine translating one pair it has:
``argos en->pt``, or ``apertium it->es`` then ``apertium es->pt`` then ``argos
pt->en``. Its provenance is what annot has always recorded: the path
``it>es>pt>en`` (every language the text passes through) and the signature
``pivot(<hop 1's signature> > <hop 2's signature> > ...)`` (a direct route's
signature is its engine's), so translations stored by earlier versions stay the
cache of new ones. A route has at most ``MAX_HOPS`` = 3 hops: up to two
intermediate languages (sl>hr>en, it>es>en, it>es>pt>en).

**Choice** (``choose_route``), for one engine from ``source`` to ``target``:

1. its own pair (direct);
2. else the fewest hops (two, then three), the engine taking part in every
   hop count's candidates in this order: the engine alone for every hop
   (Apertium en>es>pt), then routes with fewer hops by helpers, then the engine
   (then the helpers, in the order of ``annot engines``) on earlier hops -- for
   two hops: the engine alone, the engine then a helper, a helper then the
   engine; within each of those, intermediate languages English first, then
   Spanish and Portuguese, then alphabetically (``annot.translate.search``).

A named engine may take any installed engine as helper; a route name with
helpers (``argos+apertium``) only those; ``pivot=False`` (``--no-pivot``) only
its direct pairs.

**One route for a document** (``best_route``: the aligner's choice, and
whatever else must pick one): across every installed engine's route,

1. fewest hops;
2. neural before rule-based (``Engine.kind``);
3. when still tied and a ``sample`` of the document's sentences is given, the
   measured tie-break (``annot.translate.tiebreak``): the routes' agreement
   with each other (three or more routes) or their round trips, each by its
   own engine's way back (two), chrF on the sample;
4. own route, engine+helper, helper+engine (``Route.rank``), then the order of
   ``annot engines``.

**Names** (``format_route_name`` writes them, ``parse_route_name`` reads them;
nothing else does): ``ENGINE[+HELPER...]``, the engine the route belongs to,
then the other engines it uses, in hop order. The hops themselves are in the
path: ``argos`` is argos en>pt, ``apertium`` Apertium's own en>es>pt,
``argos+apertium`` argos en->pt then apertium pt->es (en>pt>es), and also
apertium es->pt then argos pt->en (es>pt>en: argos's es->en, with apertium's
help for the first hop). A route belongs to the engine that takes it when named
alone; when two would (mk->pt: apertium mk->en then argos en->pt is what
apertium takes, and argos too), to the first hop's engine, so one translation
never has two names: ``apertium+argos``. Whichever name asks for a route, annot
prints the route under its own name; every name annot prints is accepted back
as input and takes the same route. Engine names never contain ``+``.

Names stored before this rule was written (annot 0.1) joined the hops' engines
in hop order: the same names (``argos+apertium``, ``bergamot+apertium``,
``apertium``) except when a helper did the first hop (``apertium+argos`` for
argos's es>pt>en); ``stored_route_name`` reads a stored translation's name from
its signature, so such rows show under today's name.

**Order** (``rank_engines``): where annot lists engines or routes for one pair,
the best comes first -- the MT pane's engine list and the engine it shows
first, compare's columns:

1. the project's own order, ``[translate] prefer = ["bergamot", "argos"]`` in
   its ``annot.toml`` (``preferred_engines``); a route counts as its engine;
2. neural engines before rule-based ones (``Engine.kind``; an engine that does
   not say counts as rule-based, ``annot.translate.base.engine_kind``);
3. fewer hops (a direct pair before a pivot);
4. the name.

Measured against Spanish references, the neural routes beat direct Apertium by
8-14 chrF points even through a pivot (README: 72.6 and 74.2 against 63.8),
hence kind before hops. The engines' agreement on the
document is not a key: the pane would have to score every stored translation
of the document when it opens, and its first engine would change while the
background translator stores more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from annot.errors import EngineError, EngineNotInstalled, ModelNotInstalled, PartialTranslation, SchemaError
from annot.model import Translation
from annot.schema import PROJECT_FILE, read_project_file
from annot.translate.base import ENGINE_KINDS, Engine, Model, engine_kind, format_pairs
from annot.translate.registry import engine_class, engine_names, get_engine, installed_engines
from annot.translate.search import MAX_HOPS, Installed, find_path

__all__ = [
    "COVERAGE_TARGETS",
    "Hop",
    "Route",
    "RouteName",
    "Routes",
    "base_engine",
    "best_route",
    "choose_route",
    "coverage",
    "format_route_name",
    "newest_by_route",
    "no_route_hint",
    "parse_route_name",
    "preferred_engines",
    "rank_engines",
    "reachable",
    "route_kind",
    "routes_for",
    "stored_route_name",
    "tied_routes",
    "unreachable_error",
]

_FIX = (
    "Add a model (annot models fetch {pairs} on a connected machine, then annot models install the file it"
    " writes: README, 'Add a language') or an Apertium pair (apt-get install apertium-<pair>), or pick another"
    " engine (annot engines)."
)


def _fix(sources: Iterable[str], target: str) -> str:
    """``_FIX`` naming the pairs to fetch: ``annot models fetch ru-en uk-en``."""
    return _FIX.format(pairs=" ".join(f"{s}-{target}" for s in sorted(set(sources))))


_NAME_PART = re.compile(r"[^+\s]+")


# -- names ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteName:
    """A route name read: the engine, and the helpers it may use (all installed ones when empty)."""

    engine: str
    helpers: tuple[str, ...] = ()

    def __str__(self) -> str:
        return format_route_name(self)


def format_route_name(name: RouteName) -> str:
    """``argos+apertium`` for RouteName("argos", ("apertium",)); ``argos`` without helpers."""
    return "+".join((name.engine, *name.helpers))


def parse_route_name(text: str) -> RouteName:
    """Read a route name: ``argos+apertium`` -> RouteName("argos", ("apertium",)).

    Raises:
        EngineError: not ``ENGINE`` or ``ENGINE+HELPER`` (an empty part, a space, an engine twice).
    """
    parts = text.split("+")
    if not all(_NAME_PART.fullmatch(part) for part in parts) or len(set(parts)) != len(parts):
        raise EngineError(
            f"{text!r} is not an engine or route name; write ENGINE or ENGINE+HELPER, as annot prints them"
            f" (argos, argos+apertium). Known engines: {', '.join(engine_names())}."
        )
    return RouteName(parts[0], tuple(parts[1:]))


def base_engine(name: str) -> str:
    """The engine a route name belongs to (``argos`` for ``argos+apertium``); a stored oddity is its own."""
    try:
        return parse_route_name(name).engine
    except EngineError:
        return name


# -- routes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hop:
    """One engine translating one pair it has."""

    engine: Engine
    source: str
    target: str


def _keys(hops: Iterable[Hop]) -> tuple[tuple[str, str, str], ...]:
    return tuple((hop.engine.name, hop.source, hop.target) for hop in hops)


@dataclass(frozen=True, slots=True)
class Route:
    """How ``engine`` gets from the first hop's source to the last hop's target.

    Attributes:
        engine: the name of the engine the route belongs to (see the module docstring).
        hops: one hop for a direct pair, two or three through intermediate languages.
    """

    engine: str
    hops: tuple[Hop, ...]

    @property
    def source(self) -> str:
        """The language translated from."""
        return self.hops[0].source

    @property
    def target(self) -> str:
        """The language translated into."""
        return self.hops[-1].target

    @property
    def path(self) -> str:
        """``en>pt``, ``en>es>pt`` or ``it>es>pt>en``: every language the text passes through."""
        return ">".join([self.source, *(hop.target for hop in self.hops)])

    @property
    def helpers(self) -> tuple[str, ...]:
        """The other engines the route uses, in hop order."""
        return tuple(dict.fromkeys(hop.engine.name for hop in self.hops if hop.engine.name != self.engine))

    @property
    def name(self) -> str:
        """The route's name: ``argos``, ``apertium``, ``argos+apertium``."""
        return format_route_name(RouteName(self.engine, self.helpers))

    @property
    def rank(self) -> tuple[int, int]:
        """(hops, kind): kind 0 for the engine alone, 1 when it does the first hop, 2 when a helper does."""
        if not self.helpers:
            return len(self.hops), 0
        return len(self.hops), 1 if self.hops[0].engine.name == self.engine else 2

    def model(self) -> Model:
        """The hops' models, joined with ``>`` (``eng-spa>es-pt``, ``0.8.1-2>1.1.6-1``; three for three hops)."""
        models = [hop.engine.model(hop.source, hop.target) for hop in self.hops]
        return Model(">".join(m.name for m in models), ">".join(m.version for m in models))

    def signature(self) -> str:
        """The engine's signature for a direct route, ``pivot(<hop 1> > <hop 2> [> <hop 3>])`` through pivots."""
        signatures = [hop.engine.signature(hop.source, hop.target) for hop in self.hops]
        return signatures[0] if len(signatures) == 1 else f"pivot({' > '.join(signatures)})"

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate ``texts`` hop by hop; one output per input.

        Raises:
            PartialTranslation: some texts failed at some hop; the others went on to the end (in it).
            EngineError: an engine failed (nothing of the batch is returned).
        """
        out: list[str | None] = list(texts)
        reasons: dict[int, str] = {}
        for hop in self.hops:
            alive = [i for i, text in enumerate(out) if text is not None]
            try:
                got: list[str | None] = list(
                    hop.engine.translate([out[i] for i in alive], source=hop.source, target=hop.target)
                )  # type: ignore[misc]
            except PartialTranslation as exc:  # the texts that failed stop here; the others take the next hop
                got = exc.outputs
                reasons.update({alive[j]: f"{hop.source}>{hop.target}: {why}" for j, why in exc.reasons.items()})
            for i, text in zip(alive, got):
                out[i] = text
        if reasons:
            raise PartialTranslation(out, reasons)
        return out  # type: ignore[return-value]


def _installed(engines: Iterable[Engine]) -> Installed:
    """The search's view of ``engines``: each name with its sorted pairs (its cache key)."""
    return tuple((engine.name, tuple(sorted(engine.pairs()))) for engine in engines)


def _find_hops(
    engine: Engine, helpers: Sequence[Engine], source: str, target: str, *, pivot: bool
) -> tuple[Hop, ...] | None:
    """The hops ``engine`` takes by the choice rule of the module docstring, or None."""
    crew = {e.name: e for e in [engine, *helpers]}
    names = tuple(name for name in crew if name != engine.name)
    found = find_path(_installed(crew.values()), engine.name, names, source, target, pivot=pivot)
    return None if found is None else tuple(Hop(crew[name], s, t) for name, s, t in found)


def _route(hops: tuple[Hop, ...], asked: str, installed: Sequence[Engine]) -> Route:
    """The route of ``hops``, named after the engine that takes it (see the module docstring)."""
    engines = list({hop.engine.name: hop.engine for hop in hops}.values())
    if len(engines) == 1:
        return Route(engines[0].name, hops)
    source, target = hops[0].source, hops[-1].target
    # The engine that takes these hops when named alone, the first hop's first; else one that takes
    # them with only the route's other engines as helpers (asked for as, say, apertium+bergamot).
    for restricted in (False, True):
        for candidate in engines:
            helpers = [e for e in engines if e is not candidate] if restricted else installed
            found = _find_hops(candidate, helpers, source, target, pivot=True)
            if found is not None and _keys(found) == _keys(hops):
                return Route(candidate.name, hops)
    return Route(asked, hops)


def _why(engine: Engine, helpers: Sequence[Engine], source: str, target: str, *, pivot: bool) -> str:
    has, fix = f"{engine.name} has: {format_pairs(engine.pairs())}", _fix([source], target)
    if not pivot:
        return (f"{engine.name} cannot translate {source}->{target} directly, and pivots are off (--no-pivot,"
                f" pivot=False). {has}. Allow a pivot through another language, or: {fix}")  # fmt: skip
    others = ", ".join(h.name for h in helpers if h.name != engine.name) or "none"
    return (f"{engine.name} cannot translate {source}->{target}, directly or through up to {MAX_HOPS - 1} other"
            f" languages. {has}; helpers for the other hops: {others}. {fix}")  # fmt: skip


def choose_route(name: str | RouteName, source: str, target: str, *, pivot: bool = True) -> Route:
    """The route an engine or route name takes from ``source`` to ``target`` (rule: module docstring).

    Args:
        name: an engine (``argos``: any installed engine may help) or a route name
            (``argos+apertium``: only apertium may), as annot prints them.
        source: ISO 639-1 code translated from.
        target: ISO 639-1 code translated into.
        pivot: ``False`` for the engine's direct pairs only.

    Raises:
        EngineError: not an engine or route name, or an unknown engine (the message lists the known ones).
        EngineNotInstalled: the engine or a named helper is missing its backend.
        ModelNotInstalled: no route (one line: the engine's pairs, the helpers tried, how to add one).
    """
    wanted = parse_route_name(name) if isinstance(name, str) else name
    engine = get_engine(wanted.engine)
    helpers = [get_engine(h) for h in wanted.helpers]
    installed = installed_engines()
    hops = _find_hops(engine, helpers or installed, source, target, pivot=pivot)
    if hops is None:
        raise ModelNotInstalled(_why(engine, helpers or installed, source, target, pivot=pivot))
    return _route(hops, engine.name, installed)


@dataclass(slots=True)
class Routes:
    """The routes found for a pair, and why the engines without one have none (engine -> one line)."""

    routes: list[Route] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def routes_for(source: str, target: str, names: Sequence[str] | None = None, *, pivot: bool = True) -> Routes:
    """The route of each name, or of every known engine: what translate, compare and the MT pane use.

    Names that come to the same route give it once (in the order of ``names``, or
    of ``annot engines``).

    Args:
        source: ISO 639-1 code translated from.
        target: ISO 639-1 code translated into.
        names: engine or route names; ``None`` for every known engine, in which
            case those missing their backend or without a route are listed in
            ``skipped`` instead of raising (an installed engine with no model at
            all is left out: ``annot engines`` says how to add one).
        pivot: ``False`` for direct pairs only.

    Raises:
        EngineError, EngineNotInstalled, ModelNotInstalled: a name given in
            ``names`` has no route (see ``choose_route``).
    """
    found = Routes()
    for name in engine_names() if names is None else names:
        try:
            if names is None and not get_engine(name).pairs():
                continue  # installed, no model yet (opus until one is brought): nothing to report per pair
            route = choose_route(name, source, target, pivot=pivot)
        except (EngineNotInstalled, ModelNotInstalled) as exc:
            if names is not None:
                raise
            found.skipped[name] = str(exc)
            continue
        if all(route.name != r.name for r in found.routes):
            found.routes.append(route)
    return found


def best_route(source: str, target: str, *, pivot: bool = True, sample: Sequence[str] | None = None) -> Route:
    """The one route annot picks for a document from ``source`` to ``target`` (the aligner's).

    By the rule of the module docstring: fewest hops, neural before rule-based,
    then -- routes still tied and ``sample`` given -- the measured tie-break on
    it (``score_routes``), then ``Route.rank`` and the order of ``annot engines``.

    Args:
        source: ISO 639-1 code translated from.
        target: ISO 639-1 code translated into.
        pivot: ``False`` for direct pairs only.
        sample: the document's sentences (up to ``SAMPLE_SIZE`` spread over them are
            translated by each tied route); ``None`` to decide without translating.

    Raises:
        ModelNotInstalled: no installed engine reaches ``target`` (one line: what is installed, the fix).
    """
    tied = tied_routes(source, target, pivot=pivot)
    if len(tied) > 1 and sample:
        from annot.translate.tiebreak import pick_sample, score_routes

        def back(route: Route) -> Route | None:
            try:
                return choose_route(route.name, target, source, pivot=pivot)
            except EngineError:
                return None

        _, scores = score_routes(tied, pick_sample(sample), back)
        tied.sort(key=lambda route: -scores[route.name])  # stable: equal scores keep the static order
    return tied[0]


def tied_routes(source: str, target: str, *, pivot: bool = True) -> list[Route]:
    """The routes ``best_route`` chooses between on a sample: the best by hops and kind, best first without one.

    Raises:
        ModelNotInstalled: no installed engine reaches ``target``.
    """
    found = routes_for(source, target, pivot=pivot).routes
    if not found:
        raise unreachable_error([source], target, pivot=pivot)
    kinds = {kind: i for i, kind in enumerate(ENGINE_KINDS)}

    def key(route: Route) -> tuple[int, int]:
        return len(route.hops), kinds[route_kind(route.engine)]

    best = min(map(key, found))
    return sorted((route for route in found if key(route) == best), key=lambda route: route.rank)


# -- what can be reached -------------------------------------------------------------------


@cache
def _reachable(source: str, pivot: bool, key: Installed) -> dict[str, tuple[str, ...]]:
    # ``key`` (the installed engines' names and pairs) is only the cache key: a route depends on
    # nothing else, so installing a model or an Apertium pair gives a fresh answer.
    engines = installed_engines()
    languages = {lang for _, pairs in key for pair in pairs for lang in pair} - {source}
    reached: dict[str, tuple[str, ...]] = {}
    for target in sorted(languages):
        names = set()
        for engine in engines:
            hops = _find_hops(engine, engines, source, target, pivot=pivot)
            if hops is not None:
                names.add(_route(hops, engine.name, engines).name)
        if names:
            reached[target] = tuple(sorted(names))
    return reached


def reachable(source: str, *, pivot: bool = True) -> dict[str, list[str]]:
    """Every language the installed engines translate ``source`` into, with the routes' names.

    Cheap to call again: the answer is cached until an engine's pairs change.

    Returns:
        Target -> sorted route names, by target: ``{"en": ["apertium", "argos+apertium", ...], ...}``.
    """
    key = _installed(installed_engines())
    return {target: list(names) for target, names in _reachable(source, pivot, key).items()}


#: The languages analysts read translations in: what ``coverage`` reports routes into.
COVERAGE_TARGETS = ("en", "es", "pt")


def coverage(
    languages: Iterable[str], targets: Sequence[str] = COVERAGE_TARGETS, *, pivot: bool = True
) -> dict[str, dict[str, Route | None]]:
    """Each language's best route (``best_route``, no sample) into each of ``targets``, None where none is installed.

    Cheap: route search is cached on the installed pairs, nothing is translated.

    Args:
        languages: ISO 639-1 codes, e.g. the languages annot detects.
        targets: ISO 639-1 codes; a language is not routed into itself.
        pivot: ``False`` for direct pairs only.

    Returns:
        Language -> target -> route, in the order given.
    """
    found: dict[str, dict[str, Route | None]] = {}
    for lang in dict.fromkeys(languages):
        row: dict[str, Route | None] = {}
        for target in targets:
            if target == lang:
                continue
            try:
                row[target] = best_route(lang, target, pivot=pivot)
            except ModelNotInstalled:
                row[target] = None
        found[lang] = row
    return found


def unreachable_error(sources: Iterable[str], target: str, *, pivot: bool = True) -> ModelNotInstalled:
    """The one-line error for a request no installed engine can serve: what each source language reaches."""
    langs = sorted(set(sources))
    reached = "; ".join(f"from {s}: {', '.join(reachable(s, pivot=pivot)) or 'nothing'}" for s in langs)
    installed = ", ".join(e.name for e in installed_engines()) or "none"
    how = "" if pivot else " with pivots off (--no-pivot)"
    return ModelNotInstalled(
        f"No installed engine translates {' or '.join(f'{s}->{target}' for s in langs)}{how}. Reachable {reached}."
        f" Installed engines: {installed} (annot engines lists their pairs). {_fix(langs, target)}"
    )


def no_route_hint(source: str, target: str = "en") -> str:
    """What to do when nothing translates ``source``: the model that would add it and the commands, one line.

    The commands are those of the README's "Add a language": ``annot models fetch`` on a
    connected machine writes one bundle file; ``annot models install`` installs it here.
    """
    from annot.translate.bundle import bundle_name

    bundle = bundle_name([(source, target)])
    return (
        f"No installed engine translates {source}. To add it, bring an argos {source}-{target} model: on a"
        f" connected machine run annot models fetch {source}-{target} (it writes {bundle}), carry that file"
        f" here and run annot models install {bundle}. An OPUS-MT (CTranslate2) or Firefox Translations"
        f" (Bergamot) {source}-{target} model folder installs the same way: annot models install FOLDER."
    )


# -- which first -------------------------------------------------------------------------------

_PREFER_EXAMPLE = 'prefer = ["bergamot", "argos", "apertium"]'


def preferred_engines(project: str | Path | None) -> list[str]:
    """The project's own engine order: ``[translate] prefer`` in its ``annot.toml`` (empty without one).

    Args:
        project: the project folder (``Store.path``); ``None`` for no project.

    Raises:
        SchemaError: the table is not ``prefer = [engine names]``, or names an
            engine annot does not know (one line: the file, the valid engines).
    """
    if project is None:
        return []
    path = Path(project) / PROJECT_FILE
    table = read_project_file(path).get("translate", {})
    if not isinstance(table, dict):
        raise SchemaError(f"{path}: [translate] must be a table, e.g. [translate] then {_PREFER_EXAMPLE}.")
    other = sorted(set(table) - {"prefer"})
    if other:
        raise SchemaError(f"{path}: translate.{other[0]} is not a setting; valid: prefer ({_PREFER_EXAMPLE}).")
    prefer = table.get("prefer", [])
    if not isinstance(prefer, list) or not all(isinstance(name, str) for name in prefer):
        raise SchemaError(
            f"{path}: translate.prefer must be a list of engine names ({_PREFER_EXAMPLE}), got {prefer!r}."
        )
    known = engine_names()
    for name in prefer:
        if name not in known:
            raise SchemaError(
                f"{path}: translate.prefer names {name!r}, which is no engine; valid engines: {', '.join(known)}."
            )
    return list(dict.fromkeys(prefer))


def route_kind(name: str) -> str:
    """``"neural"`` or ``"rule-based"``: the kind of the engine an engine or route name belongs to.

    A name no engine has (a stored route of an uninstalled plugin) is rule-based, as
    an engine that does not say is (``annot.translate.base.engine_kind``).
    """
    try:
        return engine_kind(engine_class(base_engine(name)))
    except EngineError:
        return ENGINE_KINDS[-1]


def _hops(name: str, source: str, target: str, *, pivot: bool) -> int:
    try:
        return len(choose_route(name, source, target, pivot=pivot).hops)
    except EngineError:  # not installed, or no longer reaching target: what its name says
        try:
            return 1 + len(parse_route_name(name).helpers)
        except EngineError:
            return 1


def rank_engines(
    names: Iterable[str], source: str, target: str, *, project: str | Path | None = None, pivot: bool = True
) -> list[str]:
    """``names`` (engines or routes) best first, by the order rule of the module docstring.

    Args:
        names: engine or route names as annot prints them; each once (later copies dropped).
        source: ISO 639-1 code translated from.
        target: ISO 639-1 code translated into (a name's hops are those of its route for this pair).
        project: the project folder, for its ``[translate] prefer`` list.
        pivot: ``False`` when only direct pairs are taken.

    Raises:
        SchemaError: the project's ``[translate]`` table is invalid (see ``preferred_engines``).
    """
    prefer = {name: i for i, name in enumerate(preferred_engines(project))}
    kinds = {kind: i for i, kind in enumerate(ENGINE_KINDS)}

    def key(name: str) -> tuple[int, int, int, str]:
        hops = _hops(name, source, target, pivot=pivot)
        return prefer.get(base_engine(name), len(prefer)), kinds[route_kind(name)], hops, name

    return sorted(dict.fromkeys(names), key=key)


# -- stored names ----------------------------------------------------------------------------


def _signature_engines(signature: str) -> list[str]:
    """The hops' engine names of a signature ``Route.signature`` wrote: ``pivot(a|... > b|...)`` -> [a, b]."""
    inner = signature[len("pivot(") : -1] if signature.startswith("pivot(") and signature.endswith(")") else signature
    return [part.split("|", 1)[0] for part in inner.split(" > ")]


def stored_route_name(engine: str, path: str, signature: str) -> str:
    """The route name of a stored translation by today's rule, from its route and signature.

    Reads the names annot 0.1 stored for a helper's first hop (``apertium+argos``
    for argos's es>pt>en is ``argos+apertium``); a name whose engines are not
    installed, or which the signature does not explain, is returned unchanged.

    Args:
        engine: the stored engine name (``Translation.engine``).
        path: the stored route, ``es>pt>en``.
        signature: the stored signature.
    """
    try:
        read = parse_route_name(engine)
    except EngineError:
        return engine
    langs, names = path.split(">"), _signature_engines(signature)
    if not read.helpers or len(names) != len(langs) - 1 or set(names) != {read.engine, *read.helpers}:
        return engine
    try:
        hops = tuple(Hop(get_engine(n), a, b) for n, a, b in zip(names, langs, langs[1:]))
    except EngineError:
        return engine
    return _route(hops, read.engine, installed_engines()).name


def newest_by_route(rows: Iterable[Translation]) -> dict[str, dict[int, Translation]]:
    """Stored translations by today's route name, then sentence: each sentence's newest (by time, then signature).

    An older model's translation stays in the store but is not the one shown;
    a name stored by an older annot is grouped under the name annot prints for
    the same route (``stored_route_name``). Compare and the MT pane read stored
    translations through this.
    """
    out: dict[str, dict[int, Translation]] = {}
    names: dict[tuple[str, str, str], str] = {}
    for tr in rows:
        key = (tr.engine, tr.route, tr.signature)
        name = names.get(key) or names.setdefault(key, stored_route_name(*key))
        kept = out.setdefault(name, {}).get(tr.index)
        if kept is None or (tr.created_at, tr.signature) > (kept.created_at, kept.signature):
            out[name][tr.index] = tr
    return out
