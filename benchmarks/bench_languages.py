"""Languages of the coverage x targets (en, es, pt): the route annot picks, its hops, sentences per second, chrF.

Sources: every ``tests/data/coverage/<lang>.txt`` (news texts the annot
developers wrote for the tests, one per language of the seed's coverage) when
that folder exists (or ``--texts DIR``), split as annot splits them; for a
language without a file, the few sentences in ``FALLBACK`` below, also written
by the annot developers (not from articles). There is no human reference for
any of them, so no chrF against a reference is printed. What is printed, per
source language and target:

- the route ``annot.translate.best_route`` picks by its static rule (fewest
  hops, neural before rule-based, ...), its path and hops, and the route the
  measured tie-break picks on a sample where routes are tied;
- sentences per second translating the text in one batch (Apertium's process
  start included: one per hop);
- **round trip**: corpus chrF of the translation taken back to the source
  language by the same engine's way back (``choose_route(name, target,
  source)``), against the source sentences: how much survives there and back
  (both directions' errors count; a reference-free lower bound of sorts);
- **agreement**: corpus chrF between the chosen route's output and the next
  route's (another engine, or the same engine with other help), where a second
  route exists;
- sentences an engine failed on (kept out of the scores as empty outputs).

Figures only, nothing asserted (benchmarks/_common.py).

Run: ``.venv/bin/python benchmarks/bench_languages.py [--quick] [--texts DIR]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import _common as C

TARGETS = ("en", "es", "pt")
QUICK_SENTENCES = 3
FULL_SENTENCES = 40

# Written by the annot developers for this benchmark (not real articles), in the manner of the seed's news,
# for languages without a file in tests/data/coverage/. Facts follow the seed (corpus/); nothing is quoted.
FALLBACK = {
    "it": ["La Russia invierà in Bielorussia circa 170 carri armati.", "Lo ha annunciato il ministero della Difesa.",
           "Le truppe arriveranno nei prossimi giorni."],
    "es": ["Rusia enviará a Bielorrusia unos 170 tanques.", "Lo anunció el Ministerio de Defensa en Minsk.",
           "Las tropas llegarán en los próximos días."],
    "sl": ["Rusija bo v Belorusijo poslala približno 170 tankov.", "To je sporočilo obrambno ministrstvo.",
           "Vojaki bodo prispeli v prihodnjih dneh."],
    "fr": ["La Russie enverra en Biélorussie environ 170 chars.", "Le ministère de la Défense l'a annoncé à Minsk.",
           "Les troupes arriveront dans les prochains jours."],
    "ro": ["Rusia va trimite în Belarus aproximativ 170 de tancuri.", "Ministerul Apărării a anunțat acest lucru.",
           "Trupele vor sosi în zilele următoare."],
    "hr": ["Rusija će u Bjelorusiju poslati oko 170 tenkova.", "To je objavilo ministarstvo obrane u Minsku.",
           "Vojnici će stići sljedećih dana."],
    "mk": ["Русија ќе испрати во Белорусија околу 170 тенкови.", "Тоа го соопшти министерството за одбрана.",
           "Војниците ќе пристигнат во наредните денови."],
    "bg": ["Русия ще изпрати в Беларус около 170 танка.", "Това съобщи министерството на отбраната.",
           "Войниците ще пристигнат през следващите дни."],
    "ca": ["Rússia enviarà a Bielorússia uns 170 tancs.", "Ho ha anunciat el Ministeri de Defensa a Minsk.",
           "Les tropes arribaran els pròxims dies."],
    "sv": ["Ryssland kommer att skicka omkring 170 stridsvagnar till Belarus.", "Det meddelade försvarsministeriet.",
           "Soldaterna kommer de närmaste dagarna."],
    "da": ["Rusland sender omkring 170 kampvogne til Hviderusland.", "Det oplyste forsvarsministeriet i Minsk.",
           "Soldaterne ankommer i de kommende dage."],
    "nb": ["Russland sender rundt 170 stridsvogner til Hviterussland.", "Det opplyste forsvarsdepartementet.",
           "Soldatene kommer i løpet av de neste dagene."],
    "is": ["Rússland mun senda um 170 skriðdreka til Hvíta-Rússlands.", "Varnarmálaráðuneytið tilkynnti þetta.",
           "Hermennirnir koma á næstu dögum."],
    "eu": ["Errusiak 170 tanke inguru bidaliko ditu Bielorrusiara.", "Defentsa Ministerioak jakinarazi du.",
           "Soldaduak datozen egunetan iritsiko dira."],
}  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few sentences per language, for a smoke run")
    parser.add_argument("--workdir", type=Path, default=None, help="unused (run_all passes it to every benchmark)")
    parser.add_argument("--texts", type=Path, default=C.ROOT / "tests" / "data" / "coverage",
                        help="folder of <lang>.txt news texts (default: tests/data/coverage)")  # fmt: skip
    return parser.parse_args(argv)


def read_sources(folder: Path, limit: int) -> dict[str, tuple[str, list[str]]]:
    """Language -> (where the text comes from, its first ``limit`` sentences as annot splits them)."""
    from annot.segment import split

    found: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        lang, text = path.stem, path.read_text("utf-8")
        found[lang] = (str(path.relative_to(C.ROOT) if path.is_relative_to(C.ROOT) else path),
                       [text[s:e] for s, e, _ in split(text, lang)][:limit])  # fmt: skip
    for lang, sentences in FALLBACK.items():
        found.setdefault(lang, ("written for this benchmark", sentences[:limit]))
    return dict(sorted(found.items()))


def _outputs(route, texts: list[str]) -> tuple[list[str], int]:
    from annot.errors import PartialTranslation

    try:
        return route.translate(texts), 0
    except PartialTranslation as exc:
        return [out or "" for out in exc.outputs], len(exc.reasons)


def measure(source: str, target: str, sentences: list[str]) -> list[object]:
    """One row of the matrix (see the module docstring)."""
    from annot.errors import EngineError, ModelNotInstalled
    from annot.translate import best_route, choose_route, routes_for, tied_routes
    from annot.translate.tiebreak import chrf

    try:
        route = best_route(source, target)
    except ModelNotInstalled:
        return [source, target, "-", "no route", "", "", "", "", "", ""]
    tied = tied_routes(source, target)
    measured = best_route(source, target, sample=sentences).name if len(tied) > 1 else "(no tie)"
    started = time.perf_counter()
    out, failed = _outputs(route, sentences)
    rate = len(sentences) / (time.perf_counter() - started)
    try:
        back, _ = _outputs(choose_route(route.name, target, source), out)
        trip = f"{chrf(back, sentences):.1f}"
    except EngineError:
        trip = "no way back"
    others = [r for r in routes_for(source, target).routes if r.name != route.name]
    agreement = "-"
    if others:
        second, _ = _outputs(others[0], sentences)
        agreement = f"{chrf(out, second):.1f} vs {others[0].name}"
    return [source, target, route.name, route.path, len(route.hops), measured, f"{rate:.1f}", trip, agreement,
            failed]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    limit = QUICK_SENTENCES if args.quick else FULL_SENTENCES
    sources = read_sources(args.texts, limit)
    C.header(f"languages x targets: route, hops, sentences/s, round trip and agreement chrF (<= {limit} sentences)")
    print(C.machine_line())
    for lang, (where, sentences) in sources.items():
        print(f"  {lang}: {len(sentences)} sentences from {where}")
    rows = []
    for lang, (_, sentences) in sources.items():
        for target in TARGETS:
            if target != lang and sentences:
                rows.append(measure(lang, target, sentences))
    headers = ["source", "target", "route", "path", "hops", "measured tie-break", "sent/s", "round trip chrF",
               "agreement chrF", "failed"]  # fmt: skip
    print(C.table(headers, rows))
    reached = sum(1 for row in rows if row[3] != "no route")
    print(f"\n{reached} of {len(rows)} source x target cells have a route; no human reference exists for these texts,"
          " so chrF is only round trip and agreement (reference-free).")  # fmt: skip


if __name__ == "__main__":
    main()
