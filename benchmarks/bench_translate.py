"""Translation throughput: each engine one sentence per call vs batched, argos's own path, the store's cache, peak RSS.

Input: the seed article's 14 units (``annot.read_file`` + ``annot.segment.split``,
as ``tests/translate/conftest.py`` gets them) repeated to 2,000 sentences (56
with ``--quick``, a smoke run). Samples are whole copies of the article
(multiples of 14), so every rate is over the same mix of short and long sentences.

Every figure comes from a fresh process (``_common.in_fresh_process``) that
builds its engine and translates the 14 seed units once before its clock
starts: loading a model is not throughput. Baselines, measured in the same run:

- apertium en->es: ``translate([s])`` per sentence (one apertium process each)
  vs ``translate(all)`` (one process per ``batch_size`` = 500 sentences);
- bergamot en->pt: ``BergamotEngine(threads=1)`` over a list (one thread,
  sentence after sentence) vs ``threads=2`` on the same list; and one sentence
  per call;
- argos en->pt: our ``ArgosEngine`` one sentence per call vs batched; and
  argostranslate's own per-sentence path -- its ``PackageTranslation.translate``
  with ``ARGOS_INTRA_THREADS=1`` and ``ARGOS_BEAM_SIZE`` 4, its sentence splitter
  replaced by one that keeps the text whole (its constructor would build
  MiniSBD's, which lists and downloads models) --
  vs ``ArgosEngine(beam_size=4)`` batched, shortlist on and off, on the same
  sentences, outputs compared. Differences are expected where annot's
  ``SpellingGuard`` rewrites the input (typographic quotes) or a lossy output is
  repaired, so identity is also counted over the ASCII-only sentences;
- ``annot.pipeline.translate`` on a 2,000-sentence document: the first run
  (translates and stores) vs re-runs (everything already stored), and a second
  document of the same sentences (all copied from the store's cache).

The two comparisons that decide a target by a few tens of percent (bergamot's
threads, argos's own path vs ours) run in one process, interleaved in rounds of
rotating order, so a busy neighbour on the shared machine slows both sides alike.

Peak RSS is the VmHWM of the process that translated all sentences in one
batched call; Apertium works in child processes, whose summed RSS is sampled.

Run: ``.venv/bin/python benchmarks/bench_translate.py [--quick]``
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import _common as C

TARGET_APERTIUM = 10.0  # batched vs one process per sentence
TARGET_BERGAMOT = 1.6  # threads=2 vs one thread, sequential
TARGET_ARGOS = 4.0  # our batched path vs argos's own per-sentence path, beam 4
TARGET_CACHE = 100.0  # first pipeline run vs a fully cached re-run
BEAM = 4
RERUNS = 5  # cached re-runs: the median is reported
ENGINES = {
    "argos": ("annot.translate.argos", "ArgosEngine", ("en", "pt")),
    "bergamot": ("annot.translate.bergamot", "BergamotEngine", ("en", "pt")),
    "apertium": ("annot.translate.apertium", "ApertiumEngine", ("en", "es")),
}
PIPELINE_ENGINES = ("apertium", "argos")


@dataclass(frozen=True, slots=True)
class Sizes:
    total: int  # the batched runs, the pipeline document
    per_call: int  # argos and bergamot, one sentence per call
    apertium_per_call: int  # one apertium process per sentence
    bergamot_chunk: int  # threads=1 vs threads=2, interleaved: sentences per call
    argos_chunk: int  # argos's own path vs ours, interleaved: sentences per call
    rounds: int  # interleaved rounds (each path translates its chunk once per round)


def sizes(quick: bool) -> Sizes:
    if quick:
        return Sizes(total=56, per_call=14, apertium_per_call=14, bergamot_chunk=28, argos_chunk=14, rounds=2)
    return Sizes(total=2_000, per_call=140, apertium_per_call=56, bergamot_chunk=350, argos_chunk=140, rounds=2)


def seed_units() -> list[str]:
    """The seed article's sentences and heading, as annot segments them (14)."""
    from annot import read_file
    from annot.segment import split

    doc = read_file(C.SEED)[0]
    return [doc.text[start:end] for start, end, _ in split(doc.text, doc.lang)]


def repeat(units: Sequence[str], n: int) -> list[str]:
    return [units[i % len(units)] for i in range(n)]


# -- children (each runs in a fresh interpreter) -----------------------------------------------------


def _engine(name: str, options: dict[str, Any]) -> Any:
    module, cls, _ = ENGINES[name]
    return getattr(importlib.import_module(module), cls)(**options)


class _ChildrenPeak:
    """The highest summed RSS of this process's descendants, sampled every 20 ms (Apertium's pipelines)."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.02):
            total = 0
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    total += child.memory_info().rss
            self.peak_mb = max(self.peak_mb, total / 2**20)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_batched(name: str, options: dict[str, Any], texts: list[str], warm: list[str]) -> dict[str, Any]:
    """One ``translate(texts)`` call; the caller's ``peak_rss_mb`` is this process's VmHWM."""
    before = C.rss_mb()
    engine = _engine(name, options)
    source, target = ENGINES[name][2]
    engine.translate(warm, source=source, target=target)
    with _ChildrenPeak() as children:
        t0 = time.perf_counter()
        out = engine.translate(texts, source=source, target=target)
        seconds = time.perf_counter() - t0
    return {"n": len(texts), "seconds": seconds, "empty": sum(not o for o in out), "rss_before_mb": before,
            "children_peak_mb": children.peak_mb, "signature": engine.signature(source, target)}  # fmt: skip


def run_per_call(name: str, options: dict[str, Any], texts: list[str], warm: list[str]) -> dict[str, Any]:
    """``translate([text])`` once per text."""
    engine = _engine(name, options)
    source, target = ENGINES[name][2]
    engine.translate(warm, source=source, target=target)
    t0 = time.perf_counter()
    for text in texts:
        engine.translate([text], source=source, target=target)
    return {"n": len(texts), "seconds": time.perf_counter() - t0}


def _interleaved(paths: dict[str, Any], chunk: list[str], rounds: int) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Each of ``paths`` (name -> texts -> outputs) on ``chunk`` once per round, in a rotating order.

    Interleaving gives every path the same share of whatever else the shared
    machine is doing; the seconds and outputs are summed over the rounds.
    """
    names = list(paths)
    seconds = dict.fromkeys(names, 0.0)
    outputs: dict[str, list[str]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            t0 = time.perf_counter()
            out = paths[name](chunk)
            seconds[name] += time.perf_counter() - t0
            outputs[name].extend(out)
    return seconds, outputs


def run_bergamot_threads(chunk: list[str], rounds: int, warm: list[str]) -> dict[str, Any]:
    """``BergamotEngine(threads=1)`` (one thread, sentence after sentence) vs ``threads=2``, interleaved."""
    from annot.translate.bergamot import BergamotEngine

    paths = {}
    for threads in (1, 2):
        engine = BergamotEngine(threads=threads)
        engine.translate(warm, source="en", target="pt")
        paths[f"t{threads}"] = lambda texts, e=engine: e.translate(texts, source="en", target="pt")
    seconds, outputs = _interleaved(paths, chunk, rounds)
    same = sum(a == b for a, b in zip(outputs["t1"], outputs["t2"]))
    return {"n": len(chunk) * rounds, "t1_seconds": seconds["t1"], "t2_seconds": seconds["t2"], "identical": same}


class _WholeText:
    """An argos sentence splitter that keeps the text whole (the texts are sentences already)."""

    def split_sentences(self, text: str) -> list[str]:
        return [text]


def run_argos_own(package: str, chunk: list[str], rounds: int, warm: list[str]) -> dict[str, Any]:
    """argostranslate's own per-sentence path vs ``ArgosEngine`` batched (shortlist on, off), interleaved."""
    os.environ["ARGOS_INTRA_THREADS"] = "1"  # read when argostranslate.settings is first imported, below
    os.environ["ARGOS_BEAM_SIZE"] = str(BEAM)
    from annot.translate.argos import ArgosEngine
    from annot.translate.models import import_argos  # argostranslate.translate, importable without stanza

    argos = import_argos()
    from argostranslate import settings
    from argostranslate.package import Package

    class OwnPath(argos.PackageTranslation):  # type: ignore[misc, name-defined]
        """argos's ``PackageTranslation``, built without its constructor, which makes a MiniSBD splitter.

        MiniSBD's splitter lists (and downloads) its models when it is built; annot
        loads argostranslate without minisbd, so that call raises. Every attribute
        the constructor sets is set here, the splitter being one that keeps the text
        whole; translating is argos's own ``hypotheses`` and ``translate``.
        """

        def __init__(self, from_lang: Any, to_lang: Any, pkg: Any) -> None:
            self.from_lang, self.to_lang, self.pkg = from_lang, to_lang, pkg
            self.translator = None  # argos builds its CTranslate2 translator on first use
            self.sentencizer = _WholeText()

    en, pt = argos.Language("en", "English"), argos.Language("pt", "Portuguese")
    own = OwnPath(en, pt, Package(Path(package)))
    for text in warm:
        own.translate(text)
    paths: dict[str, Any] = {"own": lambda texts: [own.translate(text) for text in texts]}
    for label, shortlist in (("lex", True), ("full", False)):
        engine = ArgosEngine(beam_size=BEAM, shortlist=shortlist)
        engine.translate(warm, source="en", target="pt")
        paths[label] = lambda texts, e=engine: e.translate(texts, source="en", target="pt")
    ours = f"inter_threads {engine.inter_threads}, intra_threads {engine.intra_threads}, {engine.compute_type}"
    seconds, outputs = _interleaved(paths, chunk, rounds)
    ascii_only = [text.isascii() for text in chunk] * rounds
    result: dict[str, Any] = {
        "n": len(chunk) * rounds, "ascii": sum(ascii_only), **{f"{k}_seconds": v for k, v in seconds.items()},
        "own_settings": f"beam {settings.beam_size}, inter_threads {settings.inter_threads},"
                        f" intra_threads {settings.intra_threads}, compute {settings.compute_type}",
        "our_settings": ours,
    }  # fmt: skip
    for label in ("lex", "full"):
        same = [a == b for a, b in zip(outputs["own"], outputs[label])]
        result[f"{label}_identical"] = sum(same)
        result[f"{label}_identical_ascii"] = sum(s for s, a in zip(same, ascii_only) if a)
    return result


def run_pipeline(root: str, name: str, first_path: str, copy_path: str, warm: list[str]) -> dict[str, Any]:
    """``annot.pipeline.translate``: a new document, re-runs on it, then a second document of the same sentences."""
    import annot
    from annot.pipeline import translate
    from annot.translate import get_engine

    source, target = ENGINES[name][2]
    folder = Path(root) / f"project-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    with annot.open_project(folder, annotator=C.ANNOTATOR) as store:
        doc = annot.ingest(first_path, store, lang=source).documents[0]
        copy = annot.ingest(copy_path, store, lang=source).documents[0]
        n = len(store.get_sentences(doc))
        get_engine(name).translate(warm, source=source, target=target)  # the shared instance the pipeline uses
        t0 = time.perf_counter()
        first = translate(doc, store, to=target, engines=[name])
        first_s = time.perf_counter() - t0
        reruns = []
        for _ in range(RERUNS):
            t0 = time.perf_counter()
            again = translate(doc, store, to=target, engines=[name])
            reruns.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cached = translate(copy, store, to=target, engines=[name])
        copy_s = time.perf_counter() - t0
    return {"n": n, "first_s": first_s, "translated": first.runs[0].translated, "rerun_s": C.percentile(reruns, 50),
            "kept": again.runs[0].kept, "copy_s": copy_s, "from_cache": cached.runs[0].cached}  # fmt: skip


# -- the parent ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def argos_packages(root: Path) -> Iterator[dict[tuple[str, str], Path]]:
    """The repository's argos packages installed under ``root``, named by ``ANNOT_ARGOS_PACKAGES`` (restored after)."""
    from annot.translate.models import ENV_PACKAGES, install_bundled

    folder = root / "argos-packages"
    old = os.environ.get(ENV_PACKAGES)
    os.environ[ENV_PACKAGES] = str(folder)  # inherited by every child spawned below
    try:
        yield {model.pair: model.path for model in install_bundled(folder)}
    finally:
        if old is None:
            os.environ.pop(ENV_PACKAGES, None)
        else:
            os.environ[ENV_PACKAGES] = old


def _rate(r: dict[str, Any], key: str = "seconds") -> float:
    return r["n"] / r[key]


def _measure(what: str, func: Any, *args: Any) -> dict[str, Any]:
    t0 = time.perf_counter()
    result = C.in_fresh_process(func, *args)
    print(f"  {what}: {time.perf_counter() - t0:.0f} s", flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("translate: one sentence per call vs batched, argos's own path, the store's cache, peak RSS")
    print(C.machine_line())
    size = sizes(args.quick)
    units = seed_units()
    texts = repeat(units, size.total)
    print(f"{size.total:,} sentences: the seed article's {len(units)} units repeated; every child process warms up"
          f" on the {len(units)} units first", flush=True)  # fmt: skip
    lone: dict[str, dict[str, Any]] = {}  # one sentence per call
    batched: dict[str, dict[str, Any]] = {}
    pipeline: dict[str, dict[str, Any]] = {}
    with C.workdir(args.workdir) as root, argos_packages(root) as packages:
        lone["apertium"] = _measure(f"apertium, {size.apertium_per_call} sentences one per call", run_per_call,
                                    "apertium", {}, repeat(units, size.apertium_per_call), units)  # fmt: skip
        batched["apertium"] = _measure(f"apertium, {size.total:,} batched", run_batched, "apertium", {}, texts, units)
        lone["bergamot"] = _measure(f"bergamot, {size.per_call} one per call",
                                    run_per_call, "bergamot", {}, repeat(units, size.per_call), units)  # fmt: skip
        threads = _measure(f"bergamot threads=1 vs threads=2, {size.rounds} x {size.bergamot_chunk} each, interleaved",
                           run_bergamot_threads, repeat(units, size.bergamot_chunk), size.rounds, units)  # fmt: skip
        batched["bergamot"] = _measure(f"bergamot threads=2, {size.total:,} batched",
                                       run_batched, "bergamot", {"threads": 2}, texts, units)  # fmt: skip
        lone["argos"] = _measure(f"argos, {size.per_call} one per call", run_per_call,
                                 "argos", {"beam_size": BEAM}, repeat(units, size.per_call), units)  # fmt: skip
        batched["argos"] = _measure(f"argos, {size.total:,} batched",
                                    run_batched, "argos", {"beam_size": BEAM}, texts, units)  # fmt: skip
        own = _measure(f"argostranslate's own path vs ours, {size.rounds} x {size.argos_chunk} each, interleaved",
                       run_argos_own, str(packages["en", "pt"]), repeat(units, size.argos_chunk), size.rounds,
                       units)  # fmt: skip
        first, copy = root / "long-a.en.txt", root / "long-b.en.txt"
        for path in (first, copy):  # one unit per paragraph: segmented back into the same units
            path.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
        for name in PIPELINE_ENGINES:
            pipeline[name] = _measure(f"pipeline.translate with {name}",
                                      run_pipeline, str(root), name, str(first), str(copy), units)  # fmt: skip

    print(f"\nthroughput, sentences/s (fresh process each, after warm-up; argos beam {BEAM}, shortlist on):")
    rows = []
    for name in ("apertium", "bergamot", "argos"):
        pair = "->".join(ENGINES[name][2])
        base, r = lone[name], batched[name]
        how = "one apertium process per sentence" if name == "apertium" else "one sentence per call"
        rows.append((name, pair, how, f"{base['n']:,}", f"{base['seconds']:.1f}", f"{_rate(base):,.1f}", "1.00x"))
        how = {"apertium": "batched (500 per process)", "bergamot": "batched, threads=2", "argos": "batched"}[name]
        rows.append((name, pair, how, f"{r['n']:,}", f"{r['seconds']:.1f}", f"{_rate(r):,.1f}",
                     C.ratio(_rate(r), _rate(base))))  # fmt: skip
    print(C.table(["engine", "pair", "path", "sentences", "time s", "sent/s", "vs one per call"], rows))

    one = _rate(threads, "t1_seconds")
    print(f"\nbergamot en->pt, one thread vs two, the same {threads['n']} sentences"
          f" ({size.rounds} interleaved rounds):")  # fmt: skip
    rows = [(f"threads={t}", f"{threads[f't{t}_seconds']:.1f}", f"{_rate(threads, f't{t}_seconds'):,.1f}",
             C.ratio(_rate(threads, f"t{t}_seconds"), one)) for t in (1, 2)]  # fmt: skip
    print(C.table(["BergamotEngine", "time s", "sent/s", "vs threads=1"], rows))
    print(f"outputs identical between the two: {threads['identical']}/{threads['n']}")

    own_rate = _rate(own, "own_seconds")
    print(f"\nargos en->pt, argostranslate's own path vs ours, the same {own['n']} sentences ({len(units)} distinct,"
          f" {own['ascii']} ASCII-only), beam {BEAM}, {size.rounds} interleaved rounds:")  # fmt: skip
    rows = [("argostranslate PackageTranslation.translate, per sentence", own["own_settings"],
             f"{own['own_seconds']:.1f}", f"{own_rate:,.1f}", "1.00x", "-", "-")]  # fmt: skip
    for label, how in (("lex", "shortlist on (default)"), ("full", "shortlist off")):
        rate = _rate(own, f"{label}_seconds")
        rows.append((f"ArgosEngine batched, {how}", own["our_settings"], f"{own[f'{label}_seconds']:.1f}",
                     f"{rate:,.1f}", C.ratio(rate, own_rate), f"{own[f'{label}_identical']}/{own['n']}",
                     f"{own[f'{label}_identical_ascii']}/{own['ascii']}"))  # fmt: skip
    print(C.table(["path", "settings", "time s", "sent/s", "vs argos's own", "identical to argos's own",
                   "identical, ASCII-only"], rows))  # fmt: skip

    print(f"\nannot.pipeline.translate on a {size.total:,}-sentence document (into the store, batches of 64;"
          f" re-run: median of {RERUNS}):")  # fmt: skip
    rows = []
    for name in PIPELINE_ENGINES:
        p = pipeline[name]
        rows.append((name, "->".join(ENGINES[name][2]), f"{p['n']:,}",
                     f"{p['first_s']:.2f} ({p['translated']:,} translated)",
                     f"{p['rerun_s'] * 1e3:.1f} ({p['kept']:,} kept)", C.ratio(p["first_s"], p["rerun_s"]),
                     f"{p['copy_s'] * 1e3:.0f} ({p['from_cache']:,} from cache)",
                     C.ratio(p["first_s"], p["copy_s"])))  # fmt: skip
    print(C.table(["engine", "pair", "sentences", "first run s", "re-run ms", "first / re-run",
                   "same sentences, new doc ms", "first / new doc"], rows))  # fmt: skip

    print(f"\npeak RSS translating {size.total:,} sentences in one call (fresh process each):")
    rows = []
    for name in ("argos", "bergamot", "apertium"):
        r = batched[name]
        kids = f"{r['children_peak_mb']:,.0f}" if r["children_peak_mb"] else "-"
        rows.append((name, r["signature"], f"{r['rss_before_mb']:,.0f}", f"{r['peak_rss_mb']:,.0f}",
                     f"{r['peak_rss_mb'] - r['rss_before_mb']:,.0f}", kids, r["empty"]))  # fmt: skip
    print(C.table(["engine", "signature", "RSS before engine MiB", "peak RSS MiB", "growth MiB",
                   "subprocesses MiB (sampled sum)", "empty outputs"], rows))  # fmt: skip

    note = "" if not args.quick else f" (--quick: {size.total} sentences; the targets are stated for 2,000)"
    print()
    ap = _rate(batched["apertium"]) / _rate(lone["apertium"])
    print(C.verdict(ap >= TARGET_APERTIUM,
                    f"apertium batched {ap:.1f}x one process per sentence >= {TARGET_APERTIUM:g}x{note}"))  # fmt: skip
    bg = _rate(threads, "t2_seconds") / one
    print(C.verdict(bg >= TARGET_BERGAMOT,
                    f"bergamot threads=2 {bg:.2f}x threads=1 sequential >= {TARGET_BERGAMOT:g}x{note}"))  # fmt: skip
    ar = _rate(own, "lex_seconds") / own_rate
    print(C.verdict(ar >= TARGET_ARGOS, f"argos batched {ar:.1f}x argostranslate's own per-sentence path (beam {BEAM},"
                                        f" ARGOS_INTRA_THREADS=1) >= {TARGET_ARGOS:g}x{note}"))  # fmt: skip
    full = _rate(own, "full_seconds") / own_rate
    print(f"  (not a target: with the shortlist off, the batched path is {full:.1f}x argos's own)")
    for name in PIPELINE_ENGINES:
        p = pipeline[name]
        cache = p["first_s"] / p["rerun_s"]
        print(C.verdict(cache >= TARGET_CACHE, f"pipeline re-run on a cached document, {name}: {cache:,.0f}x faster"
                                               f" than translating it >= {TARGET_CACHE:g}x{note}"))  # fmt: skip
    print(C.machine_line())


if __name__ == "__main__":
    main()
