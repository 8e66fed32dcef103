"""Word alignment, offline, to place a source span exactly in a translation or a human version.

Names and numbers place most spans (``annot.project``); this module places the
rest (institutions, common-noun actors, stance cues) by linking words, and
``place`` turns links into a target range: the strongest cluster of linked
target words, its hull, trimmed of punctuation.

**Chosen: the lexical aligner** (``align_words``), for every pair, engine and
human version. Two words link when they are the same number, the same folded
word or Snowball stem, cognates (rapidfuzz ratio, or the same first five
letters), or a pair of the ``lexicon``: the source's words, and the spans to
place, translated one by one by the routes into the target language
(``lexicon_queries`` lists them, ``route_lexicon`` translates and caches them in
the store, ``merge_lexicons`` joins the routes). Links are chosen greedily one
to one with a diagonal prior; a short word keeps its link only beside a linked
neighbour; a lexicon phrase grows through adjacent words of its translation
("Ministerio de Defensa bielorruso"); unlinked runs between two links take the
words between their targets.

Measured on issue 13's gold (``benchmarks/bench_wordalign.py``: 413 units, 6 MT
routes en->es/pt and the human Spanish version; a proposal is right when it
overlaps the gold range; F1 of placement, exact match in brackets):

======================================  ===============  ==================================
method                                  all 7 targets    where it applies
======================================  ===============  ==================================
lexical, no lexicon                     0.83 (0.54)      every target
lexical + lexicon of the own route      0.98 (0.91)      every target
lexical + lexicon of all routes, spans  **1.00 (0.97)**  human version 0.96 (0.88)
Apertium tags (``apertium_links``)      --               Apertium routes 1.00 (0.92-0.98);
                                                         pivots, composed 0.97-0.99 (0.83-0.90)
attention (``attention_links``)         --               en->pt targets 0.96-0.99 (0.71-0.83)
eflomal 2.0.0 on the project's pairs    0.84-0.87 (0.54-0.61): stochastic, 97 pairs are too few
======================================  ===============  ==================================

The lexical path with a lexicon is as good as the best engine-specific method
where one exists, works where none can (bergamot, human versions, any pair),
and costs ~1.3 ms per sentence pair (all 97 pairs of the seed: ~0.13 s), plus
one batch of MT per route for the lexicon (~190 words, cached). The units of
the gold were the tuning set; in the other direction, never tuned on (the
human Spanish units into the English seed), F1 is 0.92 with the lexicon (0.74
without). What it misses: a human translator's verb of saying that no engine
gives for the word ("maintains" -> "sostiene", "says" -> "según"), an engine's
invention inside a span ("Bielorrússia Oriental").

The other methods stay as entry points for callers that hold the engine, in
``annot.project.wordalign_alt``: ``apertium_links`` re-translates with every word in a ``<span>`` (tags split
Apertium's multiword units, "up to" -> "arriba a", so its output is mapped onto
the stored text by a character diff); ``attention_links`` forces the stored
text as the decoder's prefix of a CTranslate2 model of the pair (any text in
that pair, not pivots); ``compose`` chains links through a pivot.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import Stemmer

__all__ = [
    "Link",
    "align_words",
    "fold_word",
    "lexicon_queries",
    "lexicon_words",
    "merge_lexicons",
    "place",
    "route_lexicon",
    "stems",
    "to_lexicon",
    "words",
]

# A word: letters/digits, joined by inner apostrophes, hyphens, dots or commas (9,000; U.S.; don't).
_WORD = re.compile(r"[^\W_](?:[^\W_]|['’\-.,](?=[^\W_]))*")
_DIGITS = re.compile(r"\d")
_TRIM = re.compile(r"^[\W_]+|[\W_]+$")
_SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "eo": "esperanto", "es": "spanish", "et": "estonian", "eu": "basque",
    "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian",
    "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "nb": "norwegian",
    "ne": "nepali", "nl": "dutch", "nn": "norwegian", "no": "norwegian", "pl": "polish",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

#: Weights of the kinds of evidence; a link needs ``MIN_SCORE`` after the position prior.
SAME, STEM, LEXICON, GAP = 1.0, 0.9, 0.95, 0.35
MIN_SCORE = 0.45
PRIOR = 0.5  # how much a link far from the diagonal loses (0: none)
MIN_COGNATE = 0.72  # rapidfuzz ratio of two folded words, 0-1
#: Gap filling: runs of as many words each side linked word for word up to GAP_EQUAL, others all to all up
#: to GAP_ANY words each side (on the gold, 3/3 to 5/2 all score within 0.01).
GAP_EQUAL, GAP_ANY = 3, 3


@dataclass(frozen=True, slots=True)
class Link:
    """One aligned word pair: half-open code-point ranges in the source and target sentences."""

    source: tuple[int, int]
    target: tuple[int, int]
    score: float


def words(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` code-point ranges of ``text``'s words (numbers such as ``9,000`` are one word)."""
    return [m.span() for m in _WORD.finditer(text)]


@functools.lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


@functools.lru_cache(maxsize=64)
def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    name = _SNOWBALL.get(lang.split("-")[0].split("_")[0].lower())
    if name is None:
        return None
    import Stemmer

    return Stemmer.Stemmer(name)


def _stems(lang: str, folded: Sequence[str]) -> list[str]:
    stemmer = _stemmer(lang)
    return list(folded) if stemmer is None else stemmer.stemWords(list(folded))


def _cognate(a: str, b: str) -> float:
    from rapidfuzz.fuzz import ratio

    if min(len(a), len(b)) < 4 or a[0] != b[0]:
        return 0.0
    if a[:5] == b[:5]:  # described / descreveu, deployment / despliegue is not one
        return max(0.8, ratio(a, b) / 100)
    return ratio(a, b, score_cutoff=MIN_COGNATE * 100) / 100


def to_lexicon(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """A lexicon from (source text, its translation) pairs: folded source -> folded target words.

    A source text of several words (a span translated whole) is a phrase entry.
    """
    lexicon: dict[str, set[str]] = {}
    for text, translation in pairs:
        key = " ".join(_fold(text[s:e]) for s, e in words(text))
        found = {_fold(translation[s:e]) for s, e in words(translation)}
        if key and found:
            lexicon.setdefault(key, set()).update(found)
    return lexicon


def merge_lexicons(lexicons: Iterable[Mapping[str, Collection[str]]]) -> dict[str, set[str]]:
    """One lexicon from several (e.g. every route into the target language: the best measured)."""
    merged: dict[str, set[str]] = {}
    for lexicon in lexicons:
        for key, value in lexicon.items():
            merged.setdefault(key, set()).update(value)
    return merged


def lexicon_queries(sentences: Iterable[str], phrases: Iterable[str] = ()) -> list[str]:
    """The texts to translate (once, with the route) to build a lexicon: each distinct word, then ``phrases``.

    Numbers are left out (they match as numbers). Translate them in one batch and pass
    ``to_lexicon(zip(queries, translations))`` to ``align_words``.
    """
    seen: dict[str, None] = {}
    for sentence in sentences:
        for start, end in words(sentence):
            word = sentence[start:end]
            if not _DIGITS.search(word):
                seen.setdefault(word, None)
    for phrase in phrases:
        seen.setdefault(phrase.strip(), None)
    return [text for text in seen if text]


def route_lexicon(route: Any, queries: Sequence[str], *, store: Any = None) -> dict[str, set[str]]:
    """A lexicon from one route: ``queries`` (``lexicon_queries``) translated one by one, cached in the store.

    Args:
        route: an ``annot.translate.routes.Route`` into the target language (any engine, pivots too).
        queries: the words and phrases to translate.
        store: an annot ``Store``; translations already cached under the route's signature
            (``cached_text_translations``) are reused and new ones added (``add_text_translations``).

    Returns:
        The lexicon (``to_lexicon``). Costs one batch of the route for the uncached queries
        (a 14-sentence article: ~190 words, 0.1-1 s by engine), nothing when all are cached.

    Raises:
        EngineError: the route failed (texts that fail alone are left out, not raised).
    """
    from annot.errors import PartialTranslation

    wanted = list(dict.fromkeys(queries))
    try:
        if store is not None:  # the one cached translation path: read the cache, record what is made
            from annot.pipeline import translate_cached

            found = translate_cached(store, route, wanted)
        else:
            found = dict(zip(wanted, route.translate(wanted)))
    except PartialTranslation as exc:
        found = {q: t for q, t in zip(wanted, exc.outputs) if t is not None}
    return to_lexicon((q, found[q]) for q in queries if q in found)


@dataclass(frozen=True, slots=True)
class _Targets:
    """A target sentence's folded words indexed for lexicon lookups: by word, by stem, by first letter (5+ letters)."""

    fold: Sequence[str]
    by_word: Mapping[str, list[int]]
    by_stem: Mapping[str, list[int]]
    by_first: Mapping[str, list[int]]

    @classmethod
    def of(cls, fold: Sequence[str], stem: Sequence[str]) -> _Targets:
        by_word: dict[str, list[int]] = {}
        by_stem: dict[str, list[int]] = {}
        by_first: dict[str, list[int]] = {}
        for j, (word, st) in enumerate(zip(fold, stem)):
            by_word.setdefault(word, []).append(j)
            by_stem.setdefault(st, []).append(j)
            if len(word) >= 5:
                by_first.setdefault(word[0], []).append(j)
        return cls(fold, by_word, by_stem, by_first)


def _lexicon_hits(value: Collection[str], targets: _Targets, lang: str) -> dict[int, float]:
    """Target words a lexicon entry's words name: the same word or stem, or (5+ letters) nearly the same word.

    The near match catches a pivot's spelling ("bielorrusso" for the Spanish "bielorruso"). Lookups go
    through the sentence's indexes, so an entry costs its own words, not the sentence's.
    """
    from rapidfuzz.fuzz import ratio

    stems, long = _entry_stems(lang, tuple(sorted(value)))
    hits: dict[int, float] = {}
    for v in value:
        for j in targets.by_word.get(v, ()):
            hits[j] = LEXICON
    for st in stems:
        for j in targets.by_stem.get(st, ()):
            hits[j] = LEXICON
    for first, words_of in long.items():
        for j in targets.by_first.get(first, ()):
            if j not in hits and any(ratio(targets.fold[j], v, score_cutoff=85) for v in words_of):
                hits[j] = 0.9 * LEXICON
    return dict(sorted(hits.items()))


@functools.lru_cache(maxsize=65_536)  # an entry is looked up in every sentence that has its word, for every route
def _entry_stems(lang: str, value: tuple[str, ...]) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """A lexicon entry's stems, and its words of 5+ letters by first letter (a near match shares it)."""
    long: dict[str, list[str]] = {}
    for v in value:
        if len(v) >= 5:
            long.setdefault(v[0], []).append(v)
    return frozenset(_stems(lang, list(value))), {k: tuple(v) for k, v in long.items()}


def _entries(lexicon: Mapping[str, Collection[str]], folded: Sequence[str]) -> list[tuple[int, int, Collection[str]]]:
    """Lexicon entries found in the source: (first word, end word, target words)."""
    found = []
    longest = max((key.count(" ") + 1 for key in lexicon), default=1)
    for i in range(len(folded)):
        for n in range(1, min(longest, len(folded) - i) + 1):
            value = lexicon.get(" ".join(folded[i : i + n]))
            if value:
                found.append((i, i + n, value))
    return found


def align_words(
    source: str,
    target: str,
    source_lang: str,
    target_lang: str,
    *,
    lexicon: Mapping[str, Collection[str]] | None = None,
    prior: float = PRIOR,
    fill_gaps: bool = True,
) -> list[Link]:
    """Link the words of a sentence and its translation, lexically (any languages, any engine, offline).

    Args:
        source: the source sentence.
        target: its translation or human version.
        source_lang: ISO 639-1 code of ``source`` (picks its Snowball stemmer, if any).
        target_lang: ISO 639-1 code of ``target``.
        lexicon: folded source word or phrase -> folded target words (``to_lexicon``);
            without it only numbers, same words, stems and cognates link.
        prior: how much a link far from the diagonal loses, 0-1.
        fill_gaps: link unlinked source runs to the unlinked target words between
            the targets of their linked neighbours (score ``GAP``).

    Returns:
        Links sorted by source then target; offsets are code points of each sentence.
        Costs ~1.3 ms for a 30-word pair with a lexicon (~0.9 ms without), no MT call.
    """
    s_spans, t_spans = words(source), words(target)
    if not s_spans or not t_spans:
        return []
    s_fold = [_fold(source[a:b]) for a, b in s_spans]
    t_fold = [_fold(target[a:b]) for a, b in t_spans]
    s_stem, t_stem = _stems(source_lang, s_fold), _stems(target_lang, t_fold)
    t_index: dict[str, list[int]] = {}
    for j, (word, stem) in enumerate(zip(t_fold, t_stem)):
        t_index.setdefault(word, []).append(j)
        if stem != word:
            t_index.setdefault(stem, []).append(j)
    n, m = len(s_spans), len(t_spans)

    def position(i: int, j: int) -> float:
        return 1.0 - prior * abs((i + 0.5) / n - (j + 0.5) / m)

    evidence: dict[tuple[int, int], float] = {}

    def offer(i: int, j: int, score: float) -> None:
        if score > evidence.get((i, j), 0.0):
            evidence[(i, j)] = score

    t_digits = {j: re.sub(r"\D", "", w) for j, w in enumerate(t_fold) if _DIGITS.search(w)}
    # Cognates share a first letter and have 4+ letters (``_cognate``): compare only those, not n x m words.
    t_by_first: dict[str, list[int]] = {}
    for j, other in enumerate(t_fold):
        if len(other) >= 4:
            t_by_first.setdefault(other[0], []).append(j)
    for i, (word, stem) in enumerate(zip(s_fold, s_stem)):
        if _DIGITS.search(word):
            value = re.sub(r"\D", "", word)
            for j, other in t_digits.items():
                if other == value:
                    offer(i, j, SAME)
            continue
        for j in t_index.get(word, ()):
            offer(i, j, SAME if t_fold[j] == word else STEM)
        for j in t_index.get(stem, ()) if len(stem) >= 3 else ():
            offer(i, j, STEM)
        for j in t_by_first.get(word[:1], ()) if len(word) >= 4 else ():
            if (i, j) not in evidence and (score := _cognate(word, t_fold[j])):
                offer(i, j, 0.85 * score)
    entries = _entries(lexicon or {}, s_fold)
    indexed = _Targets.of(t_fold, t_stem)
    hits_of: list[dict[int, float]] = []
    for first, last, value in entries:
        hits = _lexicon_hits(value, indexed, target_lang)
        hits_of.append(hits)
        if last - first == 1:
            for j, weight in hits.items():
                # an article in a word's translation ("as atividades") is weak evidence for a content word
                short = len(t_fold[j]) <= 3 < len(s_fold[first])
                offer(first, j, weight * (0.7 if short else 1.0))

    # One to one, best first: the diagonal breaks ties between repeated words.
    scored = sorted(
        ((score * position(i, j), i, j) for (i, j), score in evidence.items()), key=lambda x: (-x[0], x[1], x[2])
    )
    s_used: set[int] = set()
    t_used: set[int] = set()
    chosen: dict[tuple[int, int], float] = {}
    for score, i, j in scored:
        if score < MIN_SCORE:
            break
        if i not in s_used and j not in t_used:
            chosen[(i, j)] = score
            s_used.add(i)
            t_used.add(j)

    def outside(j: int, i: int) -> bool:
        """Whether target word ``j`` translates source word ``i`` (the word next to a phrase)."""
        return 0 <= i < n and (t_fold[j] == s_fold[i] or t_fold[j] in (lexicon or {}).get(s_fold[i], ()))

    for i, j in [(i, j) for (i, j) in chosen if min(len(s_fold[i]), len(t_fold[j])) <= 3 and s_fold[i] != t_fold[j]]:
        # A short word's link stands only with a linked neighbour nearby: "of" finds a "de" anywhere.
        if _DIGITS.search(s_fold[i]) is None and not any(abs(i2 - i) == 1 and abs(j2 - j) <= 2 for i2, j2 in chosen):
            del chosen[(i, j)]
    for (first, last, _), hits in zip(entries, hits_of):
        if last - first > 1:
            _grow_phrase(chosen, range(first, last), list(hits), position, outside)
    if fill_gaps:
        for (i, j), score in _gaps(chosen, n, m).items():
            chosen.setdefault((i, j), score)
    return [Link(s_spans[i], t_spans[j], round(score, 4)) for (i, j), score in sorted(chosen.items())]


def _grow_phrase(
    chosen: dict[tuple[int, int], float],
    phrase: range,
    hits: Sequence[int],
    position: Callable[[int, int], float],
    is_outside: Callable[[int, int], bool],
) -> None:
    """Link a lexicon phrase's target words that touch its words' links (or, if none, the likeliest hit).

    Growing only through adjacent hits keeps a phrase from reaching the same word
    elsewhere in the sentence ("hasta 200 ... y hasta 100").
    """
    hit_set = set(hits)
    t_used = {j for _, j in chosen}
    linked = {j: i for (i, j) in chosen if i in phrase}
    if not linked:
        free = [j for j in hits if j not in t_used]
        if not free:
            return
        centre = (phrase.start + phrase.stop - 1) // 2
        best = max(free, key=lambda j: position(centre, j))
        if LEXICON * position(centre, best) < MIN_SCORE:
            return
        chosen[(centre, best)] = LEXICON * position(centre, best)
        linked = {best: centre}
        t_used.add(best)
    unlinked = [i for i in phrase if all(i != a for a, _ in chosen)]
    grown: dict[int, int] = {}
    frontier = sorted(linked)
    while frontier:
        j = frontier.pop()
        for k in (j - 1, j + 1):
            if k in hit_set and k not in linked and k not in t_used:
                linked[k] = grown[k] = unlinked.pop(0) if unlinked else linked[j]
                frontier.append(k)
    # A word grown at an edge that translates the word beside the phrase ("y hasta 100") is that word's.
    for edge, side in ((min, phrase.start - 1), (max, phrase.stop)):
        while grown and (k := edge(linked)) in grown and is_outside(k, side):
            del linked[k], grown[k]
    for k, owner in grown.items():
        chosen[(owner, k)] = 0.9 * LEXICON


def _gaps(chosen: Mapping[tuple[int, int], float], n: int, m: int) -> dict[tuple[int, int], float]:
    """Links for unlinked source runs whose neighbours' targets enclose a run of unlinked target words."""
    by_source: dict[int, list[int]] = {}
    for i, j in chosen:
        by_source.setdefault(i, []).append(j)
    t_used = {j for _, j in chosen}
    filled: dict[tuple[int, int], float] = {}
    i = 0
    while i < n:
        if i in by_source:
            i += 1
            continue
        run_end = i
        while run_end < n and run_end not in by_source:
            run_end += 1
        # The furthest target reached before the run, the nearest after it (crossing links close the gap).
        left = max((j for s, js in by_source.items() if s < i for j in js), default=-1)
        right = min((j for s, js in by_source.items() if s >= run_end for j in js), default=m)
        if (i > 0 or run_end < n) and left < right:
            gap = range(left + 1, right)
            run = range(i, run_end)
            if gap and not any(j in t_used for j in gap):
                if len(gap) == len(run) <= GAP_EQUAL:  # as many words each side: word for word
                    filled.update({(s, t): GAP for s, t in zip(run, gap)})
                elif len(gap) <= GAP_ANY and len(run) <= GAP_ANY:
                    filled.update({(s, t): GAP for s in run for t in gap})
        i = run_end
    return filled


def place(links: Sequence[Link], start: int, end: int, target: str) -> tuple[int, int, float] | None:
    """The target range that the source range ``[start, end)`` maps to, with a confidence 0-1.

    The links whose source overlaps the range are grouped into clusters of target
    words at most two words apart; the cluster with the highest total score wins,
    and its hull, trimmed of punctuation and spaces, is the range. The confidence
    is the mean score of its links times the share of the score it holds.

    Returns:
        ``(target_start, target_end, confidence)``, or None when no link touches the range.
    """
    hits = sorted((link.target, link.score) for link in links if link.source[0] < end and start < link.source[1])
    hits = [(t, s) for t, s in hits if 0 <= t[0] < t[1] <= len(target)]
    if not hits:
        return None
    clusters: list[list[tuple[tuple[int, int], float]]] = [[hits[0]]]
    for hit in hits[1:]:
        last_end = max(t[1] for t, _ in clusters[-1])
        between = target[last_end : hit[0][0]] if hit[0][0] > last_end else ""
        if len(_WORD.findall(between)) > 2:
            clusters.append([hit])
        else:
            clusters[-1].append(hit)
    best = max(clusters, key=lambda c: sum(s for _, s in c))
    lo, hi = min(t[0] for t, _ in best), max(t[1] for t, _ in best)
    text = target[lo:hi]
    trimmed = _TRIM.sub("", text)
    if not trimmed:
        return None
    lo += text.index(trimmed)
    total = sum(s for _, s in hits)
    if total <= 0:  # links of no weight place the range but say nothing of how sure it is
        return lo, lo + len(trimmed), 0.0
    mean = sum(s for _, s in best) / len(best)
    return lo, lo + len(trimmed), round(min(1.0, mean) * sum(s for _, s in best) / total, 4)


def stems(lang: str, folded: Sequence[str]) -> list[str]:
    """The Snowball stems of folded words of ``lang`` (the words themselves for a language Snowball lacks)."""
    return _stems(lang, folded)


def fold_word(word: str) -> str:
    """A word as lexicons and links compare it: casefolded, without accents, typographic apostrophe plain."""
    return _fold(word)


def lexicon_words(source: str, lexicon: Mapping[str, Collection[str]] | None) -> frozenset[str]:
    """Every folded target word ``lexicon`` gives for a word or phrase of ``source``, wherever it is."""
    if not lexicon:
        return frozenset()
    folded = [_fold(source[a:b]) for a, b in words(source)]
    return frozenset(word for _, _, value in _entries(lexicon, folded) for word in value)
