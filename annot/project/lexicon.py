"""The word lexicons the aligner places spans with: each source word (and unit) as the route itself translates it.

"Russian soldiers" is found as "soldados rusos" because the route translates
"soldiers" as "soldados" and "Russian" as "rusos" (``annot.project.wordalign``).
The word translations live in the store's text-translation cache, under the
route's signature (``annot.pipeline.translate_cached``), so:

- ``lexicons`` reads them from the cache only: projecting never runs an engine,
  and the MT pane's projection stays fast;
- ``fill_lexicons`` translates the words not cached yet, with each route, once per
  word and route: ``annot.project`` (and ``annot project``) do it by default, and
  the MT pane's background translator after translating a document.

A linked human version has no route of its own: its lexicon is the union of the
lexicons of the routes into its language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from annot.project.targets import Target
from annot.project.units import Unit
from annot.project.wordalign import lexicon_queries, merge_lexicons, route_lexicon, to_lexicon

if TYPE_CHECKING:
    from annot.model import Document
    from annot.store import Store
    from annot.translate import Route

__all__ = [
    "Lexicon", "fill_lexicons", "fill_projection_lexicons", "lexicon_routes", "lexicons", "missing_words", "queries",
]  # fmt: skip

Lexicon = Mapping[str, set[str]]


def queries(sentences: Mapping[int, str], units: Iterable[Unit]) -> list[str]:
    """What a route translates for the lexicon: every distinct word of the sentences, then each multi-word unit."""
    phrases = [u.text for u in units if " " in u.text.strip()]
    return lexicon_queries(sentences.values(), phrases)


def _signature(target: Target) -> str | None:
    first = next(iter(target.texts.values()), None)
    return first.signature if first is not None else None


def lexicons(store: Store, source_lang: str, targets: Sequence[Target], wanted: Sequence[str]) -> dict[str, Lexicon]:
    """Target name -> its lexicon from the cache (a reference's: the union of its language's routes').

    Args:
        store: the project (its text-translation cache).
        source_lang: the source document's language.
        targets: the targets.
        wanted: the queries (``queries``).
    """
    out: dict[str, Lexicon] = {}
    by_lang: dict[str, dict[str, set[str]]] = {}
    for target in targets:
        signature = _signature(target) if target.kind == "route" else None
        if signature is None or not wanted:
            continue
        cached = store.cached_text_translations(list(wanted), signature)
        lexicon = to_lexicon(cached.items())
        out[target.name] = lexicon
        by_lang[target.lang] = merge_lexicons([by_lang.get(target.lang, {}), lexicon])
    for target in targets:
        if target.kind == "reference":
            if target.lang not in by_lang and wanted:  # no route into its language: the best route's, if cached
                signature = _best_signature(source_lang, target.lang)
                cached = store.cached_text_translations(list(wanted), signature) if signature else {}
                by_lang[target.lang] = to_lexicon(cached.items())
            out[target.name] = by_lang.get(target.lang, {})
    return out


def _best_signature(source_lang: str, target_lang: str) -> str | None:
    from annot.errors import AnnotError
    from annot.translate import best_route

    try:
        return best_route(source_lang, target_lang).signature()
    except AnnotError:
        return None


def lexicon_routes(source_lang: str, targets: Sequence[Target]) -> list[tuple[Target, Route]]:
    """The routes ``fill_lexicons`` translates with: each route target's own (when its engines are still
    installed), and for a linked version in a language no route reaches, the best installed route.

    Args:
        source_lang: the source document's language.
        targets: the targets (``find_targets``).

    Returns:
        (target, route) pairs, in the targets' order.
    """
    from annot.errors import AnnotError
    from annot.translate import best_route, choose_route

    routes = []
    langs_with_routes = {t.lang for t in targets if t.kind == "route"}
    for target in targets:
        try:
            if target.kind == "route":
                route = choose_route(target.engine, source_lang, target.lang)
            elif target.lang not in langs_with_routes:
                route = best_route(source_lang, target.lang)
                langs_with_routes.add(target.lang)
            else:
                continue
        except AnnotError:
            continue
        routes.append((target, route))
    return routes


def missing_words(
    store: Store, source_lang: str, targets: Sequence[Target], wanted: Sequence[str]
) -> list[tuple[Route, list[str]]]:
    """What ``fill_lexicons`` would translate: per route (``lexicon_routes``), the queries not cached under its
    signature. ``annot.batch`` has workers translate them and stores them before projecting.

    Args:
        store: the project (its text-translation cache).
        source_lang, targets, wanted: as ``fill_lexicons``.

    Returns:
        (route, queries missing) pairs, routes with none left out.
    """
    out = []
    for _, route in lexicon_routes(source_lang, targets):
        cached = store.cached_text_translations(list(wanted), route.signature())
        missing = [q for q in wanted if q not in cached]
        if missing:
            out.append((route, missing))
    return out


def fill_lexicons(
    store: Store, source_lang: str, targets: Sequence[Target], wanted: Sequence[str], *,
    progress: Callable[[int, int], None] | None = None,
) -> int:  # fmt: skip
    """Translate the queries not cached yet with each route target's route; return how many were translated.

    A route whose engines are no longer installed is skipped (its cached words still serve). A linked version
    is served by the routes into its language, and when there is none, by the best installed route.

    Args:
        store: the project.
        source_lang: the source document's language.
        targets: the targets (``find_targets``).
        wanted: the queries (``queries``).
        progress: called with (routes done, routes).
    """
    routes = lexicon_routes(source_lang, targets)
    made = 0
    for done, (target, route) in enumerate(routes, 1):
        signature = route.signature()
        cached = store.cached_text_translations(list(wanted), signature)
        missing = [q for q in wanted if q not in cached]
        if missing:
            route_lexicon(route, missing, store=store)
            made += len(missing)
        if target.kind == "route" and signature != _signature(target):
            # Translated by today's models, but stored under the route's old signature: keep both readable.
            pairs = list(store.cached_text_translations(list(wanted), signature).items())
            old = _signature(target)
            if old is not None and pairs:
                store.add_text_translations(pairs, signature=old, engine=route.name, source=route.source,
                                            target=route.target)  # fmt: skip
        if progress is not None:
            progress(done, len(routes))
    return made


def fill_projection_lexicons(
    store: Store, doc: Document, lang: str, *, progress: Callable[..., None] | None = None
) -> int:
    """``fill_lexicons`` for every target of ``doc`` in ``lang`` and the document's accepted spans: what compare
    and the MT pane's background translator call after translating, so that projection reads full lexicons.

    Args:
        store: the project.
        doc: the source document version.
        lang: ISO 639-1 code of the targets.
        progress: called as ``progress(done, total, what)`` after each route.

    Returns:
        How many words were translated (0 when every one was cached).
    """
    from annot.model import Status
    from annot.project.targets import find_targets
    from annot.project.units import source_units

    targets = find_targets(store, doc, lang)
    sentences = store.get_sentences(doc)
    units = source_units(sentences, list(store.iter_spans(doc.id, status=Status.ACCEPTED)),
                         store.schema.stance_cues(doc.lang))  # fmt: skip
    wanted = queries({s.index: s.text for s in sentences}, units)
    if not targets or not wanted:
        return 0

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, "routes")

    return fill_lexicons(store, doc.lang, targets, wanted, progress=step)
