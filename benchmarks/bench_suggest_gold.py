"""Every suggester against the hand-marked seed: P/R/F1, peak memory and speed: ``bench_suggest_gold.py [--quick]``.

Quality: the seed article (corpus/) is ingested into a fresh project and every
registered suggester runs through ``annot.suggest_documents``, as ``annot
suggest`` does for users; each suggester's pending spans are scored against
``tests/data/gold/seed.annot.jsonl`` with the rule of ``tests/suggest/gold.py``
(ACTOR: type; QUANTITY: value and qualifier; STANCE: holder and evidence, then holder only;
places exact or overlapping). Memory: each suggester in a fresh process over
the seed and the nine coverage texts (the seed alone with ``--quick``), as the
tracemalloc peak from before it is built and the process's peak RSS; and
natasha's NER (``ActorSuggester(ner=True)``) on the Russian text. Speed: all
suggesters together over a synthetic corpus of 5,000 sentences (500 with
``--quick``; target >= 500 sentences/s), and the time a new 14-sentence
document takes to get its suggestions in that project (target < 1 s), against
the same in a project holding only the seed. Figures only, nothing asserted.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C

import annot
from annot.model import Document
from annot.store import Store
from annot.suggest import annotator_name, suggester_class, suggesters
from annot.suggestion_layer import known_actors
from tests.suggest import gold as G

TARGET_RATE = 500  # sentences/s, all suggesters together
TARGET_NEW_DOC_S = 1.0
NEW_DOCS = 5  # new documents timed, one after another


def quality(root: Path) -> None:
    C.header("suggesters on the seed gold (via suggest_documents, fresh project): P/R/F1")
    gold = G.seed_gold_marks()
    with tempfile.TemporaryDirectory(dir=root) as tmp, Store(Path(tmp) / "p", annotator="bench") as store:
        doc = G.ingest_one(store, G.SEED_TEXT)
        report = annot.suggest_documents(store, doc)
        every = list(store.iter_spans(doc.id))
        pending = G.suggested(store, doc.id)
        rows = []
        for suggester in suggesters():
            mine = [s for s in pending if s.annotator == annotator_name(suggester.name, suggester.version)]
            for label in suggester.labels:
                want = G.by_label(gold, label)
                found = G.by_label(G.to_marks(mine, every), label)
                if not want:
                    rows.append([suggester.name, label, len(found), 0, "no gold", ""])
                    continue
                exact, overlap = (G.score(want, found, mode) for mode in G.MODES)
                rows.append([suggester.name, label, len(found), len(want), exact.line(), overlap.line()])
                if label == "STANCE":  # the target: a holder for every attributed statement
                    want, found = G.holders_only(want), G.holders_only(found)
                    exact, overlap = (G.score(want, found, mode) for mode in G.MODES)
                    rows.append(["", "holder only", len(found), len(want), exact.line(), overlap.line()])
        print(C.table(["suggester", "label", "found", "gold", "exact P/R/F1", "overlap P/R/F1"], rows))
        _canonical(store, doc)
        print(f"({report.summary()})")


def _canonical(store: Store, doc: Document) -> None:
    """How often a suggested actor at a gold actor's exact place carries the gold canonical name."""
    record = G.seed_record()
    canonical = {(s["start"], s["end"]): s["attrs"].get("canonical") for s in record["spans"] if s["label"] == "ACTOR"}
    hits = [s for s in G.suggested(store, doc.id) if s.label == "ACTOR" and (s.start, s.end) in canonical]
    same = sum(s.attrs.get("canonical") == canonical[(s.start, s.end)] for s in hits)
    blank = sum(not s.attrs.get("canonical") for s in hits)
    print(f"actors at a gold place: {same}/{len(hits)} with the gold canonical name, {blank} with none")


def _texts(languages: Sequence[str]) -> list[tuple[str, str]]:
    """(sentence, lang): the seed's sentences and those of the coverage texts in ``languages`` (their human split)."""
    pairs = [(s, "en") for s in C.seed_sentences()]
    for lang in languages:
        lines = (G.COVERAGE / f"{lang}.sentences").read_text("utf-8").splitlines()
        pairs += [(line, lang) for line in lines if line.strip()]
    return pairs


def _memory_child(name: str, ner: bool, languages: Sequence[str]) -> dict[str, Any]:
    pairs = [(s, lang) for s, lang in _texts(languages) if not ner or lang == "ru"]
    tracemalloc.start()
    cls = suggester_class(name)
    suggester = cls(ner=True) if ner else cls()
    t = time.perf_counter()
    found = sum(len(suggester.suggest(s, lang)) for s, lang in pairs)
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"sentences": len(pairs), "found": found, "seconds": seconds, "traced_mb": peak}


def _idle_child() -> dict[str, Any]:
    return {}  # this module imported (annot, its store and suggest packages), nothing built


def memory(quick: bool) -> None:
    # --quick reads the seed alone (English resources only), except for natasha, which is Russian.
    languages = ("ru",) if quick else G.COVERAGE_LANGUAGES
    texts = "the seed" if quick else "the seed and the nine coverage texts"
    C.header(f"peak memory per suggester (a fresh process each; {texts}; the first call loads everything)")
    floor = C.in_fresh_process(_idle_child)["peak_rss_mb"]
    rows = []
    for name, ner in [(s.name, False) for s in suggesters()] + [("actors", True)]:
        r = C.in_fresh_process(_memory_child, name, ner, () if quick and not ner else languages)
        rows.append([
            f"{name} (natasha NER, ru only)" if ner else name, r["sentences"], r["found"], f"{r['seconds']:.2f}",
            f"{r['traced_mb']:.1f}", f"{r['peak_rss_mb']:.0f}", f"{r['peak_rss_mb'] - floor:+.0f}",
        ])  # fmt: skip
    print(C.table(["suggester", "sentences", "found", "s (incl. loading)", "tracemalloc peak MiB",
                   "peak RSS MiB", "vs idle"], rows))  # fmt: skip
    print(f"idle: a fresh process that imports annot and this benchmark, {floor:.0f} MiB")


def _corpus(store: Store, documents: int, rng: random.Random) -> None:
    seeds = C.seed_sentences()
    for index in range(documents):
        store.add_document(*C.make_document(index, 14, seeds, rng))


def _new_documents(store: Store, rng: random.Random, first: int) -> list[float]:
    """Seconds for each of NEW_DOCS new 14-sentence documents to get every suggester's suggestions."""
    seeds = C.seed_sentences()
    times = []
    for n in range(NEW_DOCS):
        doc, sentences = C.make_document(first + n, 14, seeds, rng)
        store.add_document(doc, sentences)
        t = time.perf_counter()
        annot.suggest_documents(store, doc.id)
        times.append(time.perf_counter() - t)
    return times


def speed(root: Path, quick: bool) -> None:
    n_docs = 36 if quick else 357  # x 14 sentences: 504 or 4,998
    names = ", ".join(s.name for s in suggesters())
    C.header(f"speed: all suggesters together ({names}) over {n_docs * 14:,} sentences, and a new document")
    rng = random.Random(0)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        with Store(Path(tmp) / "empty", annotator="bench") as empty:
            annot.import_jsonl(empty, G.SEED_GOLD)  # the seed's accepted actors are known actors
            _new_documents(empty, random.Random(1), 10**6)  # loads every suggester's resources
            alone = _new_documents(empty, random.Random(2), 2 * 10**6)
        with Store(Path(tmp) / "corpus", annotator="bench") as store:
            annot.import_jsonl(store, G.SEED_GOLD)
            _corpus(store, n_docs, rng)
            report = annot.suggest_documents(store, [d for d in store.iter_documents() if d.key.startswith("synth")])
            rate = report.sentences / report.seconds
            spans = store.counts()["spans"]
            new = _new_documents(store, rng, 3 * 10**6)
            t = time.perf_counter()
            known = known_actors(store)
            known_s = time.perf_counter() - t
    print(f"corpus: {report.sentences:,} sentences in {report.seconds:.2f} s = {rate:,.0f} sentences/s,"
          f" {report.count('added'):,} suggestions stored; "
          + C.verdict(rate >= TARGET_RATE, f">= {TARGET_RATE}/s"))  # fmt: skip
    median, worst = statistics.median(new), max(new)
    print(f"new 14-sentence document, project of {n_docs * 14 + 14:,} sentences ({spans:,} spans):"
          f" median {median * 1e3:.0f} ms, max {worst * 1e3:.0f} ms over {NEW_DOCS};"
          f" in a project holding only the seed: median {statistics.median(alone) * 1e3:.0f} ms"
          f" (ratio {C.ratio(median, statistics.median(alone))}); "
          + C.verdict(worst < TARGET_NEW_DOC_S, f"< {TARGET_NEW_DOC_S:.0f} s"))  # fmt: skip
    print(f"of which reading the project's known actors ({len(known)}): {known_s * 1e3:.0f} ms (accepted ACTORs only)")


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    with C.workdir(args.workdir) as root:
        quality(root)
        memory(args.quick)
        speed(root, args.quick)


if __name__ == "__main__":
    main()
