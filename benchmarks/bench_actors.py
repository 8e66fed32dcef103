"""Actor suggestions: P/R/F1 per language, learning gain, speed and peak memory: ``bench_actors.py [--quick]``.

Figures are printed, never asserted. Speed is sentences/s over the seed's
sentences perturbed into 5,000 (500 with --quick), rules only and with
natasha (Russian, ``ner=True``); peak memory is measured in a fresh process.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

import _common as C

from annot.suggest.actor_finder import suggest_actors
from tests.suggest.test_actors_eval import DOCUMENT_1, LANGUAGES, accepted_actors, read_gold, score


def _speed(n: int, lang: str, ner: bool) -> dict[str, Any]:
    rng = random.Random(0)
    seeds = [row["text"] for row in read_gold(lang)] if lang != "en" else C.seed_sentences()
    sentences = [C.perturb(rng.choice(seeds), rng) for _ in range(n)]
    suggest_actors(sentences[0], lang, ner=ner)  # loads CLDR, word lists, pymorphy3, natasha
    t = time.perf_counter()
    for sentence in sentences:
        suggest_actors(sentence, lang, ner=ner)
    return {"per_s": n / (time.perf_counter() - t), "peak_mb": C.peak_rss_mb()}


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("actor suggestions: hand-marked sentences (span and type exact)")
    rows = []
    for lang in LANGUAGES:
        gold = read_gold(lang)
        full = score(lang, gold)
        rest = gold[DOCUMENT_1:]
        before, after = score(lang, rest), score(lang, rest, known=accepted_actors())
        rows.append([lang, f"{full['precision']:.2f}", f"{full['recall']:.2f}", f"{full['f1']:.2f}",
                     f"{before['recall']:.2f} -> {after['recall']:.2f}"])  # fmt: skip
    print(C.table(["lang", "P", "R", "F1", f"recall after accepting doc 1 ({DOCUMENT_1} en sentences)"], rows))
    n = 500 if args.quick else 5000
    C.header(f"actor suggestions: speed over {n} sentences (fresh process each)")
    speed = []
    for lang, ner in (("en", False), ("ru", False), ("uk", False), ("ru", True)):
        result = C.in_fresh_process(_speed, n if not ner else n // 10, lang, ner)
        speed.append([lang, "natasha" if ner else "rules", f"{result['per_s']:.0f}", f"{result['peak_mb']:.0f}"])
    print(C.table(["lang", "sources", "sentences/s", "peak RSS MB"], speed))


if __name__ == "__main__":
    main()
