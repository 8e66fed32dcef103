"""Other tools' formats: sentences/s and peak RSS of every export format on a corpus and on its double.

Every format of ``EXPORT_FORMATS`` whose module exists is measured (a format another engineer has not
written yet is skipped and named); ``jsonl`` (``export_jsonl``, annot/1) is the baseline measured in the
same run. Each export runs through ``export_as`` in a fresh process (so its peak RSS is its own), on a
synthetic corpus of 20k sentences and on 40k (``--quick``: 2k and 4k): seed sentences with varied numbers,
3 spans per sentence (ACTOR, QUANTITY, STANCE over the whole sentence, half of the ACTORs accepted) put on
spaCy's token boundaries, so that the figures measure writing, not leaving out. The issue's target: every
format >= 10,000 sentences/s, with flat memory as the corpus doubles (the ratio is printed).

Run: ``.venv/bin/python benchmarks/bench_formats.py [--quick]``
"""

from __future__ import annotations

import importlib.util
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C

TARGET_RATE = 10_000  # sentences/s
FLAT = 1.10  # doubling the corpus may grow the peak RSS by at most this factor
SENTENCES_PER_DOC = 50
REPEAT = 1  # fresh processes per measurement (2 cores, shared: one keeps the whole run near a minute)


def sizes(quick: bool) -> list[tuple[str, int]]:
    return [("2k", 40), ("4k", 80)] if quick else [("20k", 400), ("40k", 800)]  # label, documents


def formats() -> tuple[list[str], list[str]]:
    """The formats to measure (their modules exist) and those skipped."""
    from annot.export.formats import EXPORT_FORMATS

    present, missing = [], []
    for name, module in EXPORT_FORMATS.items():
        found = importlib.util.find_spec(f"annot.export.{module}") is not None
        (present if found else missing).append(name)
    return present, missing


def build(path: str, documents: int, seed: int = 0) -> dict[str, Any]:
    """A store of ``documents`` synthetic articles, each sentence with three spans on token boundaries."""
    from annot.export.tokens import tokenize
    from annot.model import Span, Status
    from annot.store import Store, new_span_id

    rng = random.Random(seed)
    seeds = C.seed_sentences()
    n_spans = 0
    with Store(path, annotator=C.ANNOTATOR) as store:
        for index in range(documents):
            doc, sentences = C.make_document(index, SENTENCES_PER_DOC, seeds, rng)
            store.add_document(doc, sentences)
            tokens = tokenize(doc.text, doc.lang)
            spans = []
            for sent in sentences:
                sent_tokens = tokens.char_span(sent.start, sent.end, alignment_mode="expand")
                words = [t for t in sent_tokens if t.is_alpha]
                actor = rng.choice(words)
                number = next((t for t in sent_tokens if t.like_num), rng.choice(words))
                actor_id = new_span_id()
                spans += [
                    Span(id=actor_id, doc_id=doc.id, start=actor.idx, end=actor.idx + len(actor), label="ACTOR",
                         attrs={"type": "state"}, annotator=C.ANNOTATOR,
                         status=Status.ACCEPTED if rng.random() < 0.5 else Status.PENDING),
                    Span(id=new_span_id(), doc_id=doc.id, start=number.idx, end=number.idx + len(number),
                         label="QUANTITY", attrs={"value": 9000, "unit": "soldiers"}, annotator=C.ANNOTATOR),
                    Span(id=new_span_id(), doc_id=doc.id, start=sent.start, end=sent.end, label="STANCE",
                         attrs={"holder_span": actor_id, "polarity": "opposes"}, annotator=C.ANNOTATOR),
                ]  # fmt: skip
            store.add_spans(spans)
            n_spans += len(spans)
    return {"spans": n_spans}


def export(path: str, out: str, format: str) -> dict[str, Any]:
    import pandas  # noqa: F401  the export reads store.documents(); a one-off import is not throughput

    from annot.exchange import export_as
    from annot.store import Store

    if format != "jsonl":
        from annot.export.tokens import blank

        blank("en")  # loading spaCy (~1 s, once per process) is not throughput either
    with Store(path, annotator=C.ANNOTATOR) as store:
        before = C.rss_mb()
        t0 = time.perf_counter()
        result = export_as(store, out, format)
        seconds = time.perf_counter() - t0
    left_out = sum(u.count for u in result.left_out)
    return {"seconds": seconds, "documents": result.documents, "spans": result.spans, "left_out": left_out,
            "bytes": Path(out).stat().st_size, "rss_before_mb": before}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("formats: every export format (export_as) vs export_jsonl, fresh process each")
    print(C.machine_line())
    present, missing = formats()
    if missing:
        print(f"skipped (module not written yet): {', '.join(missing)}")
    results: dict[tuple[str, str], dict[str, Any]] = {}
    with C.workdir(args.workdir) as root:
        for size, documents in sizes(args.quick):
            path = root / f"formats-{size}"
            if not (path / ".built").exists():
                t0 = time.perf_counter()
                built = C.in_fresh_process(build, str(path), documents)
                (path / ".built").touch()
                print(f"built {documents:,} docs / {documents * SENTENCES_PER_DOC:,} sentences /"
                      f" {built['spans']:,} spans in {time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
            for name in present:
                out = root / f"out-{size}-{name}"
                runs = [C.in_fresh_process(export, str(path), str(out), name) for _ in range(REPEAT)]
                out.unlink(missing_ok=True)
                best = min(runs, key=lambda r: r["seconds"])
                best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
                best["sentences"] = documents * SENTENCES_PER_DOC
                results[size, name] = best

    (small, _), (large, _) = sizes(args.quick)
    rows = []
    for (size, name), r in results.items():
        base = results[size, "jsonl"]
        rows.append((
            name, size, f"{r['sentences']:,}", f"{r['spans']:,}", f"{r['left_out']:,}", f"{r['bytes'] / 2**20:,.1f}",
            f"{r['seconds']:.2f}", f"{r['sentences'] / r['seconds']:,.0f}", C.ratio(base["seconds"], r["seconds"]),
            f"{r['peak_rss_mb']:,.0f}", f"{r['peak_rss_mb'] - r['rss_before_mb']:,.0f}",
        ))  # fmt: skip
    print("(speed vs jsonl: export_jsonl's time over the format's; RSS growth: peak minus RSS after opening)")
    print(C.table(
        ["format", "size", "sentences", "spans", "left out", "MiB out", "time s", "sent/s", "speed vs jsonl",
         "peak RSS MiB", "RSS growth MiB"],
        rows,
    ))  # fmt: skip
    print(f"\nwhen the corpus doubles ({large} / {small} sentences):")
    flat_rows = []
    for name in present:
        a, b = results[small, name], results[large, name]
        grow_a, grow_b = a["peak_rss_mb"] - a["rss_before_mb"], b["peak_rss_mb"] - b["rss_before_mb"]
        flat_rows.append((name, C.ratio(b["seconds"], a["seconds"]), C.ratio(b["peak_rss_mb"], a["peak_rss_mb"]),
                          C.ratio(grow_b, grow_a)))  # fmt: skip
    print(C.table(["format", "time ratio", "peak RSS ratio", "RSS growth ratio"], flat_rows))
    note = " (--quick sizes; the targets are stated for 20k/40k)" if args.quick else ""
    print()
    for name in present:
        rate = min(results[size, name]["sentences"] / results[size, name]["seconds"] for size in (small, large))
        grow = results[large, name]["peak_rss_mb"] / results[small, name]["peak_rss_mb"]
        print(C.verdict(rate >= TARGET_RATE, f"{name}: {rate:,.0f} sentences/s >= {TARGET_RATE:,}{note}"))
        print(C.verdict(grow <= FLAT, f"{name}: peak RSS {large}/{small} = {grow:.2f}x <= {FLAT:.2f}x (flat){note}"))


if __name__ == "__main__":
    main()
