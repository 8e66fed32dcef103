"""Sentence alignment: time and accuracy of ``annot.align.align`` on 2,000 x 2,000 sentences.

Input: the seed article (English, 14 sentences) and its hand-made Spanish
version (14 sentences; English 6 is Spanish 6+7, English 11+12 is Spanish 12),
the Spanish translated into English once by Apertium, both repeated to 2,000
sentences (200 with ``--quick``). Every tenth copy of the Spanish loses its
sentence 3, so the expected alignment also has unaligned English sentences.
Accuracy is the share of expected beads found exactly.

Baselines, measured in the same run: the same alignment on a tenth of the
sentences (linear work gives a ratio near 10, quadratic near 100), and the
cost of one ``sacrebleu.sentence_chrf`` call against the aligner's chrF on
n-gram counts made once per sentence (the same numbers).

Without MT (method ``anchors``, what ``annot link`` does when no route exists):
bead precision and recall on the pairs of ``tests/data/align`` (translations
of parts of the seed written by the annot developers, with gold beads),
against lengths only (``length``, the baseline, measured in the same run), with
the mean anchor agreement of each; and the time per 100 English sentences of
both methods on the Russian pair repeated to the benchmark's size.

Run: ``.venv/bin/python benchmarks/bench_align.py [--quick]``
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import _common as C

N_SENTENCES = 2_000
SPANISH = C.ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"
SEED_BEADS = [((i,), (i,)) for i in range(6)] + [((6,), (6, 7)), ((7,), (8,)), ((8,), (9,)), ((9,), (10,)),
                                                  ((10,), (11,)), ((11, 12), (12,)), ((13,), (13,))]  # fmt: skip
DROPPED = 3  # the Spanish sentence every tenth copy loses
PAIRS = C.ROOT / "tests" / "data" / "align"


Beads = set[tuple[tuple[int, ...], tuple[int, ...]]]


def build(copies: int) -> tuple[list[str], list[bool], list[str], list[bool], Beads]:
    """A and B-in-A sentences, their heading flags, and the expected beads."""
    from annot.ingest import read_file
    from annot.segment import segment
    from annot.translate import get_engine

    (en,), (es,) = read_file(C.SEED), read_file(SPANISH)
    en_sents, es_sents = segment(en), segment(es)
    es_in_en = get_engine("apertium").translate([s.text for s in es_sents], source="es", target="en")
    a, a_heads, b, b_heads, expected = [], [], [], [], set()
    for copy in range(copies):
        drop = copy % 10 == 9
        base_a, base_b = len(a), len(b)
        keep = [j for j in range(len(es_sents)) if not (drop and j == DROPPED)]
        position = {j: base_b + n for n, j in enumerate(keep)}
        a += [s.text for s in en_sents]
        a_heads += [s.heading for s in en_sents]
        b += [es_in_en[j] for j in keep]
        b_heads += [es_sents[j].heading for j in keep]
        for bead_a, bead_b in SEED_BEADS:
            shifted_a = tuple(base_a + i for i in bead_a)
            shifted_b = tuple(position[j] for j in bead_b if j in position)
            expected.add((shifted_a, shifted_b))
    return a, a_heads, b, b_heads, expected


def run(copies: int) -> tuple[float, float, int, int]:
    """Seconds to align, accuracy, and the sizes of both sides."""
    from annot.align import align

    a, a_heads, b, b_heads, expected = build(copies)
    started = time.perf_counter()
    beads = align(a, b, a_headings=a_heads, b_headings=b_heads)
    seconds = time.perf_counter() - started
    found = {(bead.a, bead.b) for bead in beads}
    return seconds, len(found & expected) / len(expected), len(a), len(b)


def chrf_costs(rounds: int = 3) -> tuple[float, float]:
    """Microseconds per pair: sacrebleu.sentence_chrf, and the aligner's chrF on counted n-grams."""
    import sacrebleu

    from annot.align.chrf import char_ngrams, chrf_of_ngrams
    from annot.ingest import read_file
    from annot.segment import segment

    (en,), (es,) = read_file(C.SEED), read_file(SPANISH)
    a, b = [s.text for s in segment(en)], [s.text for s in segment(es)]
    pairs = [(x, y) for x in a for y in b]
    started = time.perf_counter()
    for _ in range(rounds):
        for x, y in pairs:
            sacrebleu.sentence_chrf(y, [x])
    theirs = (time.perf_counter() - started) / (rounds * len(pairs)) * 1e6
    grams_a, grams_b = [char_ngrams(x) for x in a], [char_ngrams(y) for y in b]
    started = time.perf_counter()
    for _ in range(rounds):
        for ga in grams_a:
            for gb in grams_b:
                chrf_of_ngrams(gb, ga)
    ours = (time.perf_counter() - started) / (rounds * len(pairs)) * 1e6
    return theirs, ours


def _sentences(path: str) -> tuple[str, list[str], list[bool]]:
    from annot.ingest import read_file
    from annot.segment import segment

    (doc,) = read_file(C.ROOT / path)
    sentences = segment(doc)
    return doc.lang, [s.text for s in sentences], [s.heading for s in sentences]


def without_mt() -> list[tuple[str, dict[str, tuple[float, float, float | None]]]]:
    """Per pair of tests/data/align: method -> (precision, recall, mean anchor agreement)."""
    from annot.align import align, bead_scores
    from annot.align.anchors import match, read_anchors

    rows = []
    for gold_path in sorted(PAIRS.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text("utf-8"))
        lang_a, a, a_heads = _sentences(gold["a"])
        lang_b, b, b_heads = _sentences(gold["b"])
        anchors_a = [read_anchors(t, lang_a, lang_b) for t in a]
        anchors_b = [read_anchors(t, lang_b, lang_a) for t in b]
        found = {}
        for method in ("length", "anchors"):
            beads = align(a, b, a_headings=a_heads, b_headings=b_heads, method=method, langs=(lang_a, lang_b))
            scores = bead_scores(beads, [(tuple(x), tuple(y)) for x, y in gold["beads"]])
            # The same measure for both methods: the anchor agreement of the paired beads.
            agreements = []
            for bead in beads:
                if bead.a and bead.b:
                    side_a, side_b = anchors_a[bead.a[0]], anchors_b[bead.b[0]]
                    for i in bead.a[1:]:
                        side_a = side_a + anchors_a[i]
                    for j in bead.b[1:]:
                        side_b = side_b + anchors_b[j]
                    value = match(side_a, side_b).agreement
                    if value is not None:
                        agreements.append(100 * value)
            mean = sum(agreements) / len(agreements) if agreements else None
            found[method] = (scores.precision, scores.recall, mean)
        rows.append((gold_path.name.removesuffix(".gold.json"), found))
    return rows


def time_per_100(n: int) -> dict[str, float]:
    """Seconds per 100 English sentences to align the Russian pair repeated to ``n`` English sentences."""
    from annot.align import align

    gold = json.loads((PAIRS / "seed-ru.gold.json").read_text("utf-8"))
    lang_a, a, a_heads = _sentences(gold["a"])
    lang_b, b, b_heads = _sentences(gold["b"])
    copies = max(1, round(n / len(a)))
    out = {}
    for method in ("length", "anchors"):
        started = time.perf_counter()
        align(a * copies, b * copies, a_headings=a_heads * copies, b_headings=b_heads * copies, method=method,
              langs=(lang_a, lang_b))  # fmt: skip
        out[method] = (time.perf_counter() - started) / (len(a) * copies) * 100
    return out


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    n = N_SENTENCES // 10 if args.quick else N_SENTENCES
    C.header(f"sentence alignment, {n:,} English sentences")
    copies = round(n / 14)
    small_s, small_acc, small_a, small_b = run(max(1, copies // 10))
    big_s, big_acc, big_a, big_b = run(copies)
    print(f"align {small_a:,} x {small_b:,} sentences: {small_s:.2f} s, {small_acc:.1%} of expected beads")
    print(f"align {big_a:,} x {big_b:,} sentences: {big_s:.2f} s, {big_acc:.1%} of expected beads")
    print(f"ratio {big_s / small_s:.1f} for {big_a / small_a:.0f}x the sentences (linear ~{big_a / small_a:.0f})")
    theirs, ours = chrf_costs()
    print(
        f"chrF per pair: sacrebleu.sentence_chrf {theirs:.0f} us, on n-grams counted once {ours:.0f} us"
        f" ({theirs / ours:.1f}x)"
    )
    C.header("alignment without MT: bead precision / recall on tests/data/align (our own translations)")
    print(f"{'pair':<18}{'length only P/R':>18}{'anchor agr.':>13}{'anchors P/R':>16}{'anchor agr.':>13}")
    for name, found in without_mt():
        cells = []
        for method in ("length", "anchors"):
            precision, recall, mean = found[method]
            cells.append(f"{precision:.2f} / {recall:.2f}")
            cells.append("-" if mean is None else f"{mean:.1f}")
        print(f"{name:<18}{cells[0]:>18}{cells[1]:>13}{cells[2]:>16}{cells[3]:>13}")
    per_100 = time_per_100(n)
    print(
        f"time per 100 English sentences ({n:,} aligned): length only {per_100['length']:.3f} s,"
        f" anchors {per_100['anchors']:.3f} s ({per_100['anchors'] / per_100['length']:.1f}x)"
    )


if __name__ == "__main__":
    main()
