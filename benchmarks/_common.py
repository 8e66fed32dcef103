"""Shared helpers of the benchmarks: synthetic projects, bulk spans, percentiles, clean peak-RSS probes.

Nothing here asserts on time: the benchmarks print figures and ratios against
a baseline measured in the same run (see /work/shared/STYLE.md).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "belarus-russian-grouping-2022-10-17.en.txt"
OUT = Path(__file__).resolve().parent / "out"  # git-ignored
ANNOTATOR = "bench"
SPAN_CHUNK = 50_000  # spans per add_spans call (one transaction each)

if str(ROOT) not in sys.path:  # run as `python benchmarks/bench_x.py` from anywhere
    sys.path.insert(0, str(ROOT))


# -- command line and work folders ---------------------------------------------


def parse_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options every benchmark takes: ``--quick`` and ``--workdir``."""
    return parser(description).parse_args(argv)


def parser(description: str) -> argparse.ArgumentParser:
    """A parser of the options every benchmark takes, for a benchmark that adds its own."""
    out = argparse.ArgumentParser(description=description)
    out.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    out.add_argument(
        "--workdir", type=Path, default=None,
        help="folder for stores (kept; built templates are reused);"
        " default: a temporary folder under benchmarks/out/, deleted after",
    )  # fmt: skip
    return out


BACKENDS = ("sqlite", "postgres")


def parse_backend_args(description: str, argv: Sequence[str] | None) -> tuple[argparse.Namespace, tuple[str, ...]]:
    """The common options plus ``--backend sqlite|postgres|both``; the options and the backends chosen."""
    out = parser(description)
    out.add_argument(
        "--backend", choices=[*BACKENDS, "both"], default="both",
        help="the SQLite file, a PostgreSQL schema on a throwaway server, or both (default)",
    )  # fmt: skip
    args = out.parse_args(argv)
    return args, BACKENDS if args.backend == "both" else (args.backend,)


@contextlib.contextmanager
def workdir(given: Path | None) -> Iterator[Path]:
    """``given`` as is, else a fresh folder under ``benchmarks/out/`` removed on exit."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    OUT.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="bench-", dir=OUT))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def header(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def machine_line() -> str:
    import sqlite3

    import psutil

    mem = psutil.virtual_memory().total / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores,"
        f" {mem:.0f} GiB RAM; load average now {load} (the machine is shared: compare ratios, not absolutes)"
    )


@contextlib.contextmanager
def pg_server() -> Iterator[Any]:
    """A throwaway PostgreSQL server on loopback (``annot.store.pgserver``) for one benchmark, removed after.

    Its folder sits directly under /tmp: as root the server runs as the ``postgres`` user, who cannot enter
    a private folder (``--workdir`` may be one).
    """
    from annot.store import pgserver

    folder = tempfile.mkdtemp(prefix="annot-bench-pg-")
    try:
        server = pgserver.start(folder)
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def store_env(url: str | None) -> Iterator[None]:
    """``$ANNOT_STORE`` set to ``url`` in the block (``None``: unset), so that ``Store(folder)`` opens that store.

    Children spawned inside the block inherit it.
    """
    from annot.store.location import ENV

    before = os.environ.get(ENV)
    if url is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


# -- statistics ----------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile (0-100) with linear interpolation (numpy's default)."""
    if not values:
        raise ValueError("percentile of an empty sequence")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean/max of latencies given in seconds, in milliseconds."""
    ms = [s * 1e3 for s in seconds]
    return {
        "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
        "mean": sum(ms) / len(ms), "max": max(ms),
    }  # fmt: skip


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def verdict(ok: bool, text: str) -> str:
    return f"target {'met' if ok else 'missed'}: {text}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width text table (right-aligned figures)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -- peak RSS of a fresh process -----------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MiB.

    Not ``getrusage().ru_maxrss``: Linux carries the parent's high-water mark
    over fork+exec into the child's ru_maxrss, so a child spawned by a big
    benchmark process would report the parent's peak. VmHWM belongs to the
    child's own address space.
    """
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's current resident set, in MiB."""
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _child(func: Callable[..., dict[str, Any]], args: tuple[Any, ...], conn: Any) -> None:
    try:
        result = dict(func(*args))
        result["peak_rss_mb"] = peak_rss_mb()
        conn.send(("ok", result))
    except BaseException as exc:  # reported to the parent, which re-raises
        import traceback

        conn.send(("error", traceback.format_exc()))
        raise SystemExit(1) from exc


def in_fresh_process(func: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``func(*args)`` in a newly spawned interpreter; return its dict plus ``peak_rss_mb``.

    ``func`` must be a module-level function of an importable module; the
    child starts from nothing, so earlier work in this process cannot inflate
    (or pre-warm the heap for) the measurement.
    """
    ctx = multiprocessing.get_context("spawn")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(func, args, child_conn))
    proc.start()
    child_conn.close()
    try:
        status, payload = parent_conn.recv()
    except EOFError:
        status, payload = "error", "child died without a result"
    proc.join()
    if status != "ok":
        raise RuntimeError(f"benchmark child {func.__name__} failed:\n{payload}")
    return payload


def idle_rss() -> dict[str, Any]:
    """A child that only imports annot, pandas and opens nothing: the floor of every RSS figure."""
    import pandas  # noqa: F401

    import annot  # noqa: F401

    return {}


# -- synthetic corpus ----------------------------------------------------------

_SENT_SPLIT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")
WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+")


def seed_sentences() -> list[str]:
    """Sentences of the seed article (with at least six words)."""
    text = SEED.read_text(encoding="utf-8")
    sentences = []
    for para in re.split(r"\n\s*\n", text):
        for sent in _SENT_SPLIT.split(" ".join(para.split())):
            if len(WORD.findall(sent)) >= 6:
                sentences.append(sent)
    return sentences


def perturb(sentence: str, rng: random.Random) -> str:
    """The sentence with every number replaced by another of the same magnitude."""
    return _NUMBER.sub(lambda m: str(rng.randint(10 ** (len(m.group()) - 1), 10 ** len(m.group()) - 1)), sentence)


@dataclass(frozen=True, slots=True)
class Shape:
    """Size of a synthetic project: documents x sentences x spans per sentence."""

    documents: int
    sentences_per_doc: int
    spans_per_sentence: int

    @property
    def sentences(self) -> int:
        return self.documents * self.sentences_per_doc

    @property
    def spans(self) -> int:
        return self.sentences * self.spans_per_sentence

    @property
    def name(self) -> str:
        return f"d{self.documents}-s{self.sentences_per_doc}-p{self.spans_per_sentence}"


def make_document(index: int, n_sentences: int, seeds: Sequence[str], rng: random.Random) -> tuple[Any, list[Any]]:
    """A synthetic article (perturbed seed sentences, 4 per paragraph) and its exact Sentence objects."""
    from annot.model import Document, Sentence, document_id

    first = rng.randrange(len(seeds))
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for i in range(n_sentences):
        if i:
            sep = "\n\n" if i % 4 == 0 else " "
            parts.append(sep)
            pos += len(sep)
        sent = perturb(seeds[(first + i) % len(seeds)], rng)
        parts.append(sent)
        offsets.append((pos, pos + len(sent)))
        pos += len(sent)
    text = "".join(parts)
    title = f"Synthetic article {index}: {' '.join(text.split()[:6])}"
    doc = Document(
        id=document_id(text, title), key=f"synthetic/{index:06d}", title=title, lang="en", text=text,
        source=f"synthetic/{index:06d}.en.txt",
    )  # fmt: skip
    sentences = [Sentence(doc.id, i, s, e, text[s:e]) for i, (s, e) in enumerate(offsets)]
    return doc, sentences


def span_attrs(label: str, word: str, rng: random.Random) -> dict[str, Any]:
    if label == "ACTOR":
        return {"type": "state"}
    value = int(word) if word.isdigit() else rng.randint(1, 9000)
    return {"value": value, "unit": "tanks", "qualifier": "up to"}


def make_spans(doc: Any, sentences: Sequence[Any], per_sentence: int, rng: random.Random) -> list[Any]:
    """``per_sentence`` non-overlapping word spans in each sentence, alternating ACTOR / QUANTITY."""
    from annot.model import Origin, Span
    from annot.store import new_span_id

    spans = []
    for sent in sentences:
        words = list(WORD.finditer(sent.text))
        picks = sorted(rng.sample(range(len(words)), min(per_sentence, len(words))))
        for n, w in enumerate(picks):
            match = words[w]
            label = "QUANTITY" if match.group().isdigit() or n % 2 else "ACTOR"
            spans.append(Span(
                id=new_span_id(), doc_id=doc.id, start=sent.start + match.start(), end=sent.start + match.end(),
                label=label, attrs=span_attrs(label, match.group(), rng), annotator=ANNOTATOR,
                origin=Origin.SUGGESTED if n % 3 == 2 else Origin.MANUAL,
            ))  # fmt: skip
    return spans


def build_project(path: Path, shape: Shape, *, seed: int = 0, chunk: int = SPAN_CHUNK) -> dict[str, Any]:
    """Create a project at ``path`` holding ``shape``; spans go in through bulk ``add_spans``.

    Returns:
        Timings: ``docs_s`` (add_document per document, each durable) and
        ``spans_s`` (add_spans in ``chunk``-sized transactions), plus counts.
    """
    from annot.store import Store

    rng = random.Random(seed)
    seeds = seed_sentences()
    docs_s = spans_s = 0.0
    pending: list[Any] = []
    n_spans = 0
    with Store(path, annotator=ANNOTATOR) as store:
        for index in range(shape.documents):
            doc, sentences = make_document(index, shape.sentences_per_doc, seeds, rng)
            t0 = time.perf_counter()
            store.add_document(doc, sentences)
            docs_s += time.perf_counter() - t0
            pending.extend(make_spans(doc, sentences, shape.spans_per_sentence, rng))
            if len(pending) >= chunk or index == shape.documents - 1:
                for start in range(0, len(pending), chunk):
                    batch = pending[start : start + chunk]
                    t0 = time.perf_counter()
                    store.add_spans(batch)
                    spans_s += time.perf_counter() - t0
                    n_spans += len(batch)
                pending = []
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    return {"documents": shape.documents, "sentences": shape.sentences, "spans": n_spans,
            "docs_s": docs_s, "spans_s": spans_s, "bytes": size}  # fmt: skip


def _build_child(path: str, shape: Shape, seed: int) -> dict[str, Any]:
    return build_project(Path(path), shape, seed=seed)


def project(root: Path, shape: Shape, copy_as: str | None = None, *, seed: int = 0) -> Path:
    """A project of ``shape`` under ``root``: built once (as a template) and reused.

    The build runs in a fresh process (so this process stays small for the
    RSS probes) and its timing is printed. With ``copy_as`` the caller gets a
    private copy it may modify; otherwise the template itself (read-only use).
    """
    template = root / f"tpl-{shape.name}-seed{seed}"
    done = template / ".built"
    if not done.exists():
        shutil.rmtree(template, ignore_errors=True)
        r = in_fresh_process(_build_child, str(template), shape, seed)
        done.touch()
        print(
            f"built {shape.documents:,} docs / {shape.sentences:,} sentences / {r['spans']:,} spans"
            f" ({r['bytes'] / 2**20:,.0f} MiB): add_document {r['docs_s']:.1f} s"
            f" ({shape.documents / r['docs_s']:,.0f} docs/s), add_spans {r['spans_s']:.1f} s"
            f" ({r['spans'] / r['spans_s']:,.0f} spans/s, chunks of {SPAN_CHUNK:,}),"
            f" builder peak RSS {r['peak_rss_mb']:,.0f} MiB",
            flush=True,
        )
    if copy_as is None:
        return template
    target = root / copy_as
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(template, target)
    return target
