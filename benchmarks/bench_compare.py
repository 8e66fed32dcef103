"""annot.compare on a 2,000-sentence document with three engines, everything cached, vs reading and scoring alone.

Input: the seed article's sentences (``_common.seed_sentences``), each in a
dozen variants whose numbers differ (``_common.perturb``), drawn in article
order to 2,000 sentences (200 with ``--quick``); the seed's actor names are
tagged wherever they occur. Translations into Portuguese are stored for three
engines -- argos and bergamot en->pt, apertium en->es->pt -- by translating a
document of the distinct sentences once and letting the store's cache fill the
long one; a first ``compare`` then translates the distinct translations back
into English (round trips, cached in the store).

Timed: ``compare(doc, store, target="pt")`` with everything cached (median of
five runs), against baselines measured in the same run on the same document:

- ``store.translations(doc, target="pt")``: reading the translations it compares;
- sacrebleu alone: ``CHRF().sentence_score`` on the same chrF pairs ``compare``
  scores (each engine against each other one, each back-translation against its
  source), one call per pair.

``compare`` shares nothing between rows (each row's n-grams are extracted
afresh), so the repeated sentences do not make it faster than on a document
of distinct ones; only the round-trip cache lookup is by distinct text.

Run: ``.venv/bin/python benchmarks/bench_compare.py [--quick]``
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import re
import shutil
import statistics
import time
from collections.abc import Sequence
from itertools import permutations
from pathlib import Path

import _common as C

ENGINES = ("apertium", "argos", "bergamot")
TARGET_SECONDS = 5.0
RUNS = 5
VARIANTS = 12  # versions of each seed sentence, numbers changed
NAMES = ("Minsk", "Russia", "Ukraine", "Belarus", "Valeri Revenko", "Alexandr Lukashenko", "Vladimir Putin",
         "Kremlin", "Moscow", "Interfax", "Poland")  # fmt: skip


def _document(key: str, sentences: Sequence[str]) -> tuple[object, list[object]]:
    """A document of ``sentences``, four to a paragraph, with its exact Sentence objects."""
    from annot.model import Document, Sentence, document_id

    parts, offsets, pos = [], [], 0
    for i, sent in enumerate(sentences):
        if i:
            sep = "\n\n" if i % 4 == 0 else " "
            parts.append(sep)
            pos += len(sep)
        parts.append(sent)
        offsets.append((pos, pos + len(sent)))
        pos += len(sent)
    text = "".join(parts)
    doc = Document(id=document_id(text, key), key=key, title=key, lang="en", text=text)
    return doc, [Sentence(doc.id, i, s, e, text[s:e]) for i, (s, e) in enumerate(offsets)]


def build(root: Path, n: int) -> tuple[object, object, dict[str, float]]:
    """The project: the long document stored, tagged, translated by three engines, round trips cached."""
    import annot
    from annot.compare import compare
    from annot.model import Span
    from annot.store import new_span_id

    rng = random.Random(5)
    seeds = C.seed_sentences()
    pool = [sorted({C.perturb(s, rng) for _ in range(VARIANTS)}) for s in seeds]
    chosen = [rng.choice(pool[i % len(seeds)]) for i in range(n)]
    distinct = sorted(set(chosen))
    folder = root / "compare-project"
    shutil.rmtree(folder, ignore_errors=True)  # built afresh: the first compare's round trips are part of the setup
    store = annot.open_project(folder, annotator="bench")
    timings = {}
    for key, sentences in (("distinct", distinct), ("long", chosen)):
        doc, sents = _document(f"bench-compare-{key}", sentences)
        store.add_document(doc, sents)
        t = time.perf_counter()
        annot.translate(doc, store, to="pt", engines=list(ENGINES))
        timings[f"translate {key} ({len(sentences)} sentences)"] = time.perf_counter() - t
    pattern = re.compile("|".join(re.escape(name) for name in NAMES))
    spans = [Span(new_span_id(), doc.id, m.start(), m.end(), "ACTOR", {"type": "state"}, annotator="bench")
             for m in pattern.finditer(doc.text)]  # fmt: skip
    store.add_spans(spans)
    t = time.perf_counter()
    compare(doc, store, target="pt")
    timings["first compare (round trips translated)"] = time.perf_counter() - t
    timings["distinct sentences"] = len(distinct)
    timings["actor spans"] = len(spans)
    return store, doc, timings


def sacrebleu_alone(frame: object, back: dict[str, dict[str, str]]) -> tuple[float, int]:
    """Seconds for CHRF().sentence_score on compare's chrF pairs, and how many pairs."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    pairs = []
    for _, row in frame.iterrows():  # type: ignore[attr-defined]
        texts = {e: row[f"text.{e}"] for e in ENGINES}
        pairs += [(texts[a], texts[b]) for a, b in permutations(ENGINES, 2)]
        pairs += [(back[e].get(texts[e], ""), row["source"]) for e in ENGINES]
    t = time.perf_counter()
    for hyp, ref in pairs:
        chrf.sentence_score(hyp, [ref])
    return time.perf_counter() - t, len(pairs)


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    n = 200 if args.quick else 2000
    C.header(f"compare: {n} sentences x {len(ENGINES)} engines into pt, everything cached")
    print(C.machine_line())
    from annot.compare import compare
    from annot.translate import choose_route

    with C.workdir(args.workdir) as root:
        store, doc, setup = build(root, n)
        try:
            runs, reads = [], []
            for _ in range(RUNS):
                t = time.perf_counter()
                frame = compare(doc, store, target="pt")
                runs.append(time.perf_counter() - t)
                t = time.perf_counter()
                store.translations(doc.id, target="pt")
                reads.append(time.perf_counter() - t)
            back = {}
            for e in ENGINES:
                texts = list(frame[f"text.{e}"])
                back[e] = store.cached_text_translations(texts, choose_route(e, "pt", "en").signature())
            alone, pairs = sacrebleu_alone(frame, back)
            profile = cProfile.Profile()
            profile.enable()
            compare(doc, store, target="pt")
            profile.disable()
        finally:
            store.close()

    print("\nsetup (not timed below):")
    print(C.table(["step", "value"], [(k, f"{v:.1f} s" if isinstance(v, float) else v) for k, v in setup.items()]))
    median, read = statistics.median(runs), statistics.median(reads)
    print(f"\ncompare with everything cached, {len(frame)} rows, {len(frame.columns)} columns (s):")
    print(C.table(
        ["what", "median s", "min s", "compare / this"],
        [
            ("compare(doc, store, target='pt')", f"{median:.3f}", f"{min(runs):.3f}", ""),
            ("store.translations(doc, target='pt')", f"{read:.3f}", f"{min(reads):.3f}", C.ratio(median, read)),
            (f"sacrebleu CHRF.sentence_score x {pairs} pairs", f"{alone:.3f}", "", C.ratio(median, alone)),
        ],
    ))  # fmt: skip
    print(f"per sentence: {median / len(frame) * 1e3:.2f} ms for {len(ENGINES)} engines")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(8)
    lines = [line for line in out.getvalue().splitlines() if re.match(r"\s+\d", line)]
    print("\nwhere one compare spends its time (cProfile, top 8 by own time; profiling slows it):")
    print("\n".join(lines))
    print()
    print(
        C.verdict(median < TARGET_SECONDS, f"compare {median:.2f} s < {TARGET_SECONDS:g} s at {len(frame)} sentences")
    )


if __name__ == "__main__":
    main()
