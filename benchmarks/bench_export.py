"""Throughput and peak RSS of ``export_jsonl`` on a corpus and on its double, each export in a fresh process.

The store is built first; then a separate process opens it and exports, so
its peak RSS is the exporter's own. Baseline, same run, same file: a plain
loop over ``sqlite3`` rows writing ``json.dumps`` lines of the same records
(the raw floor); its output is compared byte for byte with annot's. pandas
is imported in the annot process before its clock starts (store.documents()
needs it; a one-off ~0.5 s import is not throughput).

Run: ``.venv/bin/python benchmarks/bench_export.py [--quick]``
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C

TARGET_RATE = 20_000  # sentences/s
TARGET_RSS_MB = 300
FLAT = 1.10  # doubling the corpus may grow the peak RSS by at most this factor
UNITS = ("document", "sentence")
REPEAT = 2  # fresh processes per measurement: best time, highest peak RSS (the machine is shared)


def shapes(quick: bool) -> list[tuple[str, C.Shape]]:
    # 100 sentences per document, 3 spans per sentence; the second is the double of the first.
    if quick:
        return [("10k", C.Shape(100, 100, 3)), ("20k", C.Shape(200, 100, 3))]
    return [("100k", C.Shape(1_000, 100, 3)), ("200k", C.Shape(2_000, 100, 3))]


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def annot_export(path: str, out: str, unit: str) -> dict[str, Any]:
    import pandas  # noqa: F401  the export reads store.documents(); a one-off import is not throughput

    from annot.export import export_jsonl
    from annot.store import Store

    with Store(path, annotator=C.ANNOTATOR) as store:
        before = C.rss_mb()
        t0 = time.perf_counter()
        result = export_jsonl(store, out, unit=unit)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "documents": result.documents, "sentences": result.sentences, "spans": result.spans,
            "bytes": Path(out).stat().st_size, "sha256": _digest(Path(out)), "rss_before_mb": before}  # fmt: skip


def raw_export(path: str, out: str, unit: str) -> dict[str, Any]:
    """The same annot/1 records from plain SQL rows and ``json.dumps``: no objects, no validation."""
    import json
    import os
    import sqlite3
    from bisect import bisect_right

    from annot.store import DB_NAME

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    conn = sqlite3.connect(Path(path) / DB_NAME)
    before = C.rss_mb()
    t0 = time.perf_counter()
    n_docs = n_sents = n_spans = 0
    ids = [r[0] for r in conn.execute("SELECT id FROM documents WHERE superseded_by IS NULL ORDER BY seq")]
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        for doc_id in ids:
            _, key, title, lang, source, published, ingested_at, superseded_by, text = conn.execute(
                "SELECT id, key, title, lang, source, published, ingested_at, superseded_by, text"
                " FROM documents WHERE id = ?",
                (doc_id,),
            ).fetchone()
            sents = conn.execute(
                'SELECT idx, start, "end", heading FROM sentences WHERE doc_id = ? ORDER BY idx', (doc_id,)
            ).fetchall()
            spans = conn.execute(
                'SELECT id, label, start, "end", text, attrs, annotator, origin, status, anchor, created_at, updated_at'
                ' FROM spans WHERE doc_id = ? AND deleted = 0 ORDER BY start, "end", id', (doc_id,),
            ).fetchall()  # fmt: skip
            by_start = sorted(sents, key=lambda s: (s[1], s[0]))
            starts = [s[1] for s in by_start]
            sentence_recs = [
                {"index": i, "start": s, "end": e, "text": text[s:e], "heading": bool(h)} for i, s, e, h in sents
            ]
            span_recs: list[tuple[int, dict[str, Any]]] = []
            for sid, label, s, e, stext, attrs, who, origin, status, anchor, created, updated in spans:
                home = by_start[max(bisect_right(starts, s) - 1, 0)]
                span_recs.append((home[0], {
                    "id": sid, "label": label, "start": s, "end": e, "sentence": home[0], "sent_start": s - home[1],
                    "sent_end": e - home[1], "text": stext, "attrs": json.loads(attrs), "annotator": who,
                    "origin": origin, "status": status, "anchor": anchor, "created_at": created, "updated_at": updated,
                }))  # fmt: skip
            head = {"schema": "annot/1", "type": "document", "id": doc_id, "key": key, "title": title, "lang": lang,
                    "source": source, "published": published, "ingested_at": ingested_at,
                    "superseded_by": superseded_by, "text": text}  # fmt: skip
            if unit == "document":
                head["sentences"] = sentence_recs
                head["spans"] = [rec for _, rec in span_recs]
                fh.write(dumps(head) + "\n")
            else:
                fh.write(dumps(head) + "\n")
                per: dict[int, list[dict[str, Any]]] = {rec["index"]: [] for rec in sentence_recs}
                for idx, rec in span_recs:
                    per[idx].append(rec)
                for rec in sentence_recs:
                    fh.write(dumps({"schema": "annot/1", "type": "sentence", "doc_id": doc_id, "lang": lang, **rec,
                                    "spans": per[rec["index"]]}) + "\n")  # fmt: skip
            n_docs += 1
            n_sents += len(sents)
            n_spans += len(spans)
        fh.flush()
        os.fsync(fh.fileno())
    seconds = time.perf_counter() - t0
    conn.close()
    return {"seconds": seconds, "documents": n_docs, "sentences": n_sents, "spans": n_spans,
            "bytes": Path(out).stat().st_size, "sha256": _digest(Path(out)), "rss_before_mb": before}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("export: export_jsonl vs a raw sqlite3 + json.dumps loop, fresh process each")
    print(C.machine_line())
    floor = C.in_fresh_process(C.idle_rss)["peak_rss_mb"]
    results: dict[tuple[str, str, str], dict[str, Any]] = {}
    with C.workdir(args.workdir) as root:
        for size, shape in shapes(args.quick):
            path = C.project(root, shape)
            for unit in UNITS:
                for who, func in (("annot", annot_export), ("raw", raw_export)):
                    out = root / f"export-{size}-{unit}-{who}.jsonl"
                    runs = []
                    for _ in range(REPEAT):
                        runs.append(C.in_fresh_process(func, str(path), str(out), unit))
                        out.unlink(missing_ok=True)
                    best = min(runs, key=lambda r: r["seconds"])
                    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
                    results[size, unit, who] = best

    sizes = [size for size, _ in shapes(args.quick)]
    print(f"import-only floor (annot + pandas, fresh process): peak RSS {floor:,.0f} MiB")
    rows = []
    for (size, unit, who), r in results.items():
        base = results[size, unit, "raw"]
        rate = r["sentences"] / r["seconds"]
        rows.append((
            size, unit, who, f"{r['documents']:,}", f"{r['sentences']:,}", f"{r['spans']:,}",
            f"{r['bytes'] / 2**20:,.0f}",
            f"{r['seconds']:.2f}", f"{rate:,.0f}", C.ratio(base["seconds"], r["seconds"]) if who == "annot" else "",
            f"{r['peak_rss_mb']:,.0f}", f"{r['peak_rss_mb'] - r['rss_before_mb']:,.0f}",
            ("yes" if r["sha256"] == base["sha256"] else "NO") if who == "annot" else "",
        ))  # fmt: skip
    print(
        f"(best time of {REPEAT} runs, highest peak RSS of them; RSS growth = peak minus RSS after imports and opening)"
    )
    print(C.table(
        ["size", "unit", "who", "docs", "sentences", "spans", "MiB out", "time s", "sent/s", "speed vs raw",
         "peak RSS MiB", "RSS growth MiB", "same bytes as raw"],
        rows,
    ))  # fmt: skip
    small, large = sizes
    print(f"\nmemory when the corpus doubles ({large} / {small} sentences):")
    flat_rows = []
    for unit in UNITS:
        for who in ("annot", "raw"):
            a, b = results[small, unit, who], results[large, unit, who]
            grow_a, grow_b = a["peak_rss_mb"] - a["rss_before_mb"], b["peak_rss_mb"] - b["rss_before_mb"]
            flat_rows.append((unit, who, f"{a['peak_rss_mb']:,.0f}", f"{b['peak_rss_mb']:,.0f}",
                              C.ratio(b["peak_rss_mb"], a["peak_rss_mb"]), C.ratio(grow_b, grow_a)))  # fmt: skip
    print(C.table(["unit", "who", f"peak {small} MiB", f"peak {large} MiB", "peak ratio", "growth ratio"], flat_rows))

    note = "" if not args.quick else " (--quick sizes; the targets are stated for 100k/200k)"
    print()
    for unit in UNITS:
        for size in sizes:
            r = results[size, unit, "annot"]
            rate = r["sentences"] / r["seconds"]
            print(
                C.verdict(
                    rate >= TARGET_RATE, f"unit={unit} at {size}: {rate:,.0f} sentences/s >= {TARGET_RATE:,}{note}"
                )
            )
        peak = max(results[size, unit, "annot"]["peak_rss_mb"] for size in sizes) * 2**20 / 1e6  # MiB -> MB
        print(C.verdict(peak < TARGET_RSS_MB, f"unit={unit}: peak RSS {peak:,.0f} MB < {TARGET_RSS_MB} MB{note}"))
        grow = results[large, unit, "annot"]["peak_rss_mb"] / results[small, unit, "annot"]["peak_rss_mb"]
        print(
            C.verdict(grow <= FLAT, f"unit={unit}: peak RSS {large}/{small} = {grow:.2f}x <= {FLAT:.2f}x (flat){note}")
        )


if __name__ == "__main__":
    main()
