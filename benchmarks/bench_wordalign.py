"""Word alignment against issue 13's gold projection: coverage, exact/overlap, P/R/F1 and time per method.

Each gold unit of ``tests/data/projection/projection.jsonl`` (ACTOR and QUANTITY
spans, STANCE cues and holders; 59 per target) is placed in each of the 7
targets (6 frozen MT routes, the human Spanish version through its sentence
beads) by every method of ``annot.project.wordalign``:

- ``lexical``: ``align_words`` with no lexicon (numbers, same words, stems, cognates);
- ``lexical+lex(route)``: with a lexicon of the source's words translated one by one by the target's own
  route (for the human version: every route into its language);
- ``lexical+lex(route+units)``: the same route also translating each unit's text whole (the caller knows its spans);
- ``lexical+lex(all+units)``: words and units translated by every route into the target language;
- ``apertium``: ``apertium_links`` on the all-Apertium routes, composed with the
  first hop's links (attention for argos, lexical for bergamot) on the pivots;
- ``attention``: ``attention_links`` of the argos en->pt model (pt targets; pivots composed with Apertium);
- ``eflomal``: eflomal 2.0.0 trained on the 97 sentence pairs of the project (seed x 7 targets),
  intersection of both directions.

A proposal is correct when it overlaps the gold range in the gold sentence;
gold ``lost`` units have none; ``IoU`` is the mean character overlap of correct
proposals with gold. "Rendered" units are those whose gold target text differs
from the source text (folded): the ones names and numbers alone cannot place.
Lexicon translations are made once (the MT calls, timed apart) and are not part
of the per-sentence time. Figures only, nothing asserted.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _common as C

from annot.errors import AnnotError
from annot.project import wordalign as W
from annot.project import wordalign_alt as WA

DATA = C.ROOT / "tests" / "data" / "projection"
SEED = C.ROOT / "tests" / "data" / "gold" / "seed.annot.jsonl"
PARTS = ("span", "cue", "holder")
APERTIUM_MODES = {"apertium en>es": ["eng-spa"], "apertium en>es>pt": ["eng-spa", "es-pt"]}
PIVOTS = {"argos+apertium en>pt>es": "argos en>pt", "bergamot+apertium en>pt>es": "bergamot en>pt"}


@dataclass(slots=True)
class Pair:
    """One aligned text pair of a target: the source sentences and target sentences of a bead, joined."""

    target: str
    lang: str
    src_ids: list[int]
    tgt_ids: list[int]
    source: str
    text: str
    src_starts: list[int] = field(default_factory=list)
    tgt_starts: list[int] = field(default_factory=list)


def _join(texts: Sequence[str]) -> tuple[str, list[int]]:
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + 1
    return " ".join(texts), starts


def load() -> tuple[list[str], list[Pair], list[dict[str, Any]]]:
    """Seed sentences, every text pair of every target, the gold rows (added rows left out)."""
    seed = [s["text"] for s in json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])["sentences"]]
    rows = [json.loads(line) for line in (DATA / "projection.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = [r for r in rows if r["source_span_id"] is not None]
    pairs: list[Pair] = []
    for line in (DATA / "translations.jsonl").read_text(encoding="utf-8").splitlines():
        t = json.loads(line)
        name = f"{t['engine']} {t['route']}"
        pairs.append(
            Pair(name, t["target_lang"], [t["sentence"]], [t["sentence"]], seed[t["sentence"]], t["translation"])
        )
    ref = [json.loads(line)["text"] for line in (DATA / "reference.es.jsonl").read_text(encoding="utf-8").splitlines()]
    for src_ids, tgt_ids in json.loads((DATA / "alignment.json").read_text(encoding="utf-8"))["beads"]:
        pairs.append(Pair("reference:es", "es", src_ids, tgt_ids, "", ""))
    for pair in pairs:
        if pair.target == "reference:es":
            pair.source, pair.src_starts = _join([seed[i] for i in pair.src_ids])
            pair.text, pair.tgt_starts = _join([ref[i] for i in pair.tgt_ids])
        else:
            pair.src_starts, pair.tgt_starts = [0], [0]
    return seed, pairs, gold


Aligner = Callable[[list[Pair]], list[list[W.Link] | None]]


def evaluate(
    pairs: list[Pair], gold: list[dict[str, Any]], links: list[list[W.Link] | None]
) -> dict[tuple[str, str], dict[str, int]]:
    """Counts per (target, part): units, gold ranges, proposals, exact, correct (overlap)."""
    where = {(p.target, i): (p, k) for k, p in enumerate(pairs) for i in p.src_ids}
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in gold:
        if (row["target"], row["source_sentence"]) not in where:
            continue
        pair, k = where[(row["target"], row["source_sentence"])]
        c = counts[(row["target"], row["part"])]
        c["units"] += 1
        has_gold = row["target_start"] is not None
        c["gold"] += has_gold
        if links[k] is None:
            continue
        shift = pair.src_starts[pair.src_ids.index(row["source_sentence"])]
        found = W.place(links[k], row["source_start"] + shift, row["source_end"] + shift, pair.text)
        if found is None:
            continue
        c["proposed"] += 1
        start, end, _ = found
        # Back into one target sentence of the bead: the one holding the range's start.
        index = max(n for n, s in enumerate(pair.tgt_starts) if s <= start)
        sent, offset = pair.tgt_ids[index], pair.tgt_starts[index]
        if has_gold and sent == row["sentence"]:
            g0, g1 = row["target_start"] + offset, row["target_end"] + offset
            hit = start < g1 and g0 < end
            c["correct"] += hit
            c["exact"] += (start, end) == (g0, g1)
            if hit:  # IoU in thousandths, so that counts stay integers
                c["iou"] += round(1000 * (min(end, g1) - max(start, g0)) / (max(end, g1) - min(start, g0)))
    return counts


def figures(c: dict[str, int]) -> list[str]:
    p = c["correct"] / c["proposed"] if c["proposed"] else 0.0
    r = c["correct"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    cov = c["proposed"] / c["units"] if c["units"] else 0.0
    gold = c["gold"] or 1
    iou = c["iou"] / 1000 / c["correct"] if c["correct"] else 0.0
    return [
        f"{cov:.2f}",
        f"{c['exact'] / gold:.2f}",
        f"{c['correct'] / gold:.2f}",
        f"{iou:.2f}",
        f"{p:.2f}/{r:.2f}/{f:.2f}",
    ]


def total(counts: dict[tuple[str, str], dict[str, int]], keep: Callable[[str, str], bool]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for (target, part), c in counts.items():
        if keep(target, part):
            for key, value in c.items():
                out[key] += value
    return out


# -- lexicons (the MT calls, made once) -------------------------------------------------------------


def lexicons(
    seed: list[str], gold: list[dict[str, Any]], targets: Sequence[str]
) -> tuple[dict[str, dict[str, dict[str, set[str]]]], float]:
    """Lexicons by kind, then target: ``route`` (its words), ``route+units`` (and the units' texts), ``all+units``.

    The human version has no route of its own: its ``route`` lexicons are those of every route into its language.
    """
    from annot.translate.routes import choose_route

    queries = W.lexicon_queries(seed)
    phrases = W.lexicon_queries([], sorted({r["source_text"] for r in gold}))
    kinds: dict[str, dict[str, dict[str, set[str]]]] = {"route": {}, "route+units": {}, "all+units": {}}
    started = time.perf_counter()
    for target in targets:
        if not target.startswith("reference"):
            name, path = target.split()
            route = choose_route(name, "en", path.split(">")[-1])
            kinds["route"][target] = W.route_lexicon(route, queries)
            kinds["route+units"][target] = W.merge_lexicons([kinds["route"][target], W.route_lexicon(route, phrases)])
    seconds = time.perf_counter() - started

    def lang(target: str) -> str:
        return "es" if target.startswith("reference") else target.split(">")[-1]

    for kind in ("route", "route+units"):
        kinds[kind]["reference:es"] = W.merge_lexicons([v for t, v in kinds[kind].items() if lang(t) == "es"])
    kinds["all+units"] = {
        t: W.merge_lexicons([v for u, v in kinds["route+units"].items() if lang(u) == lang(t)]) for t in targets
    }
    return kinds, seconds


# -- methods ----------------------------------------------------------------------------------------


def lexical(pairs: list[Pair], lexicon: dict[str, dict[str, set[str]]] | None) -> list[list[W.Link] | None]:
    return [
        W.align_words(p.source, p.text, "en", p.lang, lexicon=None if lexicon is None else lexicon[p.target])
        for p in pairs
    ]


def _argos() -> tuple[Any, Any]:
    from annot.translate.routes import choose_route

    engine = choose_route("argos", "en", "pt").hops[0].engine
    loaded = engine._load("en", "pt")
    return loaded.translator, loaded.package.tokenizer.lazy_processor()


def attention(pairs: list[Pair], first_hop: dict[str, list[list[W.Link] | None]]) -> list[list[W.Link] | None]:
    """Attention for pt targets; for the pivots into es, the first hop's attention composed with Apertium pt->es."""
    translator, processor = _argos()
    out: list[list[W.Link] | None] = [None] * len(pairs)
    pt = [k for k, p in enumerate(pairs) if p.lang == "pt"]
    found = WA.attention_links(translator, processor, [pairs[k].source for k in pt], [pairs[k].text for k in pt])
    for k, links in zip(pt, found):
        out[k] = links
    for k, p in enumerate(pairs):
        if p.target in PIVOTS and p.target in first_hop:
            out[k] = first_hop[p.target][p.src_ids[0]]
    return out


def apertium(
    pairs: list[Pair], first: dict[str, list[list[W.Link] | None]], mids: dict[str, list[str]]
) -> tuple[list[list[W.Link] | None], dict[str, list[list[W.Link] | None]]]:
    """Apertium tags on the all-Apertium routes; on the pivots, ``first`` (per pivot) composed with pt->es tags."""
    out: list[list[W.Link] | None] = [None] * len(pairs)
    for target, modes in APERTIUM_MODES.items():
        ks = [k for k, p in enumerate(pairs) if p.target == target]
        for k, links in zip(ks, WA.apertium_links([pairs[k].source for k in ks], [pairs[k].text for k in ks], modes)):
            out[k] = links
    composed: dict[str, list[list[W.Link] | None]] = {}
    for target, via in PIVOTS.items():
        ks = [k for k, p in enumerate(pairs) if p.target == target]
        second = WA.apertium_links(mids[via], [pairs[k].text for k in ks], ["pt-es"])
        composed[target] = [None if a is None or b is None else WA.compose(a, b) for a, b in zip(first[via], second)]
        for k in ks:
            out[k] = composed[target][pairs[k].src_ids[0]]
    return out, composed


def eflomal(pairs: list[Pair]) -> list[list[W.Link] | None]:
    """eflomal 2.0.0 over all pairs at once (both directions, intersection)."""
    import tempfile

    import eflomal as E

    spans = [(W.words(p.source), W.words(p.text)) for p in pairs]
    src = [" ".join(W._fold(p.source[a:b]) for a, b in s) or "_" for p, (s, _) in zip(pairs, spans)]
    trg = [" ".join(W._fold(p.text[a:b]) for a, b in t) or "_" for p, (_, t) in zip(pairs, spans)]
    with tempfile.NamedTemporaryFile("r") as fwd, tempfile.NamedTemporaryFile("r") as rev:
        E.Aligner().align(src, trg, links_filename_fwd=fwd.name, links_filename_rev=rev.name, quiet=True)
        fwd_lines, rev_lines = Path(fwd.name).read_text().splitlines(), Path(rev.name).read_text().splitlines()
    out: list[list[W.Link] | None] = []
    for (s, t), f, r in zip(spans, fwd_lines, rev_lines):
        both = set(f.split()) & set(r.split())
        links = []
        for item in sorted(both):
            i, j = map(int, item.split("-"))
            if i < len(s) and j < len(t):
                links.append(W.Link(s[i], t[j], 1.0))
        out.append(links)
    return out


def reverse(pairs: list[Pair], gold: list[dict[str, Any]]) -> None:
    """The other direction, never tuned on: the human Spanish units placed in the English seed (es->en)."""
    from annot.translate.routes import choose_route

    beads = [p for p in pairs if p.target == "reference:es"]
    flipped = [Pair("seed:en", "en", p.tgt_ids, p.src_ids, p.text, p.source, p.tgt_starts, p.src_starts) for p in beads]
    rows = []
    for r in gold:
        if r["target"] == "reference:es" and r["target_start"] is not None:
            back = dict(r, target="seed:en", source_sentence=r["sentence"], sentence=r["source_sentence"])
            back.update(source_start=r["target_start"], source_end=r["target_end"])
            back.update(target_start=r["source_start"], target_end=r["source_end"])
            rows.append(back)
    queries = W.lexicon_queries([p.source for p in flipped])
    phrases = W.lexicon_queries([], sorted({r["target_text"] for r in rows}))
    started = time.perf_counter()
    lexicons = {}
    for name in ("apertium", "argos", "bergamot"):
        try:
            route = choose_route(name, "es", "en")
        except AnnotError as exc:
            print(f"es->en {name}: no route ({exc})")
            continue
        lexicons[name] = W.merge_lexicons([W.route_lexicon(route, queries), W.route_lexicon(route, phrases)])
    print(f"es->en lexicon MT calls: {len(queries)} words, {len(phrases)} units x {len(lexicons)} routes"
          f" in {time.perf_counter() - started:.1f} s")  # fmt: skip
    merged = W.merge_lexicons(lexicons.values())
    table = []
    for name, lexicon in (("lexical", None), ("lexical+lex(all+units)", merged)):
        links = [W.align_words(p.source, p.text, "es", "en", lexicon=lexicon) for p in flipped]
        c = evaluate(flipped, rows, links)
        for part in PARTS:
            table.append([name, part, *figures(total(c, lambda _, q, x=part: q == x))])
        table.append([name, "ALL", *figures(total(c, lambda _t, _p: True))])
    print(C.table(["method", "part", "coverage", "exact", "overlap", "IoU", "P/R/F1"], table))


def main() -> None:
    C.parse_args(__doc__ or "")
    print(C.machine_line())
    seed, pairs, gold = load()
    targets = sorted({p.target for p in pairs})
    lex, mt_seconds = lexicons(seed, gold, targets)
    own = lex["route"]
    print(
        f"lexicon MT calls: {len(W.lexicon_queries(seed))} words x 6 routes in {mt_seconds:.1f} s"
        " (once per project: cached in the store)"
    )

    results: dict[str, list[list[W.Link] | None]] = {}
    timings: dict[str, float] = {}

    def run(name: str, func: Callable[[], list[list[W.Link] | None]]) -> None:
        started = time.perf_counter()
        try:
            results[name] = func()
        except (AnnotError, ImportError) as exc:  # a method that cannot run here is reported, not fatal
            print(f"{name}: not measured ({type(exc).__name__}: {exc})")
            return
        timings[name] = time.perf_counter() - started

    run("lexical", lambda: lexical(pairs, None))
    for kind, lexicon in lex.items():
        run(f"lexical+lex({kind})", lambda lexicon=lexicon: lexical(pairs, lexicon))
    route_pairs = {t: [p for p in pairs if p.target == t] for t in targets}
    mids = {via: [p.text for p in route_pairs[via]] for via in PIVOTS.values()}
    try:
        translator, processor = _argos()
        att_first = {via: list(WA.attention_links(translator, processor, seed, mids[via])) for via in PIVOTS.values()}
        lex_first = {via: lexical(route_pairs[via], own) for via in PIVOTS.values()}
        first_att = {"argos en>pt": att_first["argos en>pt"], "bergamot en>pt": att_first["bergamot en>pt"]}
        first_mixed = {"argos en>pt": att_first["argos en>pt"], "bergamot en>pt": lex_first["bergamot en>pt"]}
        run("apertium", lambda: apertium(pairs, first_mixed, mids)[0])
        composed_att = apertium(pairs, first_att, mids)[1]
        run("attention", lambda: attention(pairs, composed_att))
    except (AnnotError, ImportError) as exc:
        print(f"apertium/attention: not measured ({type(exc).__name__}: {exc})")
    run("eflomal", lambda: eflomal(pairs))

    counts = {name: evaluate(pairs, gold, links) for name, links in results.items()}
    C.header("placement per method and target (all parts): coverage, exact, overlap, P/R/F1")
    rows = []
    for name, c in counts.items():
        for target in targets:
            rows.append([name, target, *figures(total(c, lambda t, _, x=target: t == x))])
        rows.append([name, "ALL", *figures(total(c, lambda t, _: True))])
    print(C.table(["method", "target", "coverage", "exact", "overlap", "IoU", "P/R/F1"], rows))

    C.header("per part (all targets)")
    rows = []
    for name, c in counts.items():
        for part in PARTS:
            rows.append([name, part, *figures(total(c, lambda _, p, x=part: p == x))])
    print(C.table(["method", "part", "coverage", "exact", "overlap", "IoU", "P/R/F1"], rows))

    C.header("rendered units only (gold text differs from the source text), all targets")
    rendered = [r for r in gold if W._fold(r["target_text"] or "") != W._fold(r["source_text"])]
    rows = []
    for name, links in results.items():
        c = evaluate(pairs, rendered, links)
        for part in PARTS:
            rows.append([name, part, *figures(total(c, lambda _, p, x=part: p == x))])
    print(f"{len(rendered)} of {len(gold)} units")
    print(C.table(["method", "part", "coverage", "exact", "overlap", "IoU", "P/R/F1"], rows))

    C.header("the best per target: apertium where it applies, else lexical+lex(all+units)")
    if "apertium" in results and "lexical+lex(all+units)" in results:
        best = [
            a if p.target in APERTIUM_MODES and a is not None else b
            for p, a, b in zip(pairs, results["apertium"], results["lexical+lex(all+units)"])
        ]
        c = evaluate(pairs, gold, best)
        print(
            C.table(
                ["method", "coverage", "exact", "overlap", "IoU", "P/R/F1"],
                [["combined", *figures(total(c, lambda t, _: True))]],
            )
        )

    C.header("reverse direction: the human Spanish version's units in the English seed (es->en, not tuned on)")
    reverse(pairs, gold)

    C.header("time per sentence pair (MT for the lexicon excluded)")
    n = len(pairs)
    base = timings.get("lexical+lex(all+units)", 0.0)
    rows = [
        [name, f"{seconds / n * 1e3:.2f} ms", f"{seconds * 1e3:.0f} ms", C.ratio(seconds, base)]
        for name, seconds in timings.items()
    ]
    print(C.table(["method", "per pair", f"all {n} pairs", "vs lexical+lex(all+units)"], rows))


if __name__ == "__main__":
    main()
