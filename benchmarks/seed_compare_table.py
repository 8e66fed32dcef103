"""The seed article through every installed engine into pt and es: round trip, agreement, flags, reference chrF.

A scratch project (deleted after) holds corpus/: the English seed and its
Spanish version, linked and aligned (``annot.compare.link_documents``). The
seed's actors are tagged wherever they occur as whole words, with types (and
canonical names for Minsk, the Kremlin and Moscow); aliases come from CLDR only,
no project table. ``annot.compare`` then translates the seed with every
installed engine (and pivot) into each language, back-translates for the round
trips, and ``corpus_scores`` sums up; for Spanish the human version is the
reference (chrF, BLEU, TER with sacrebleu's 95% bootstrap interval, seed 12345).

Run: ``.venv/bin/python benchmarks/seed_compare_table.py [--quick]`` (``--quick`` changes
nothing: one 14-sentence article is small already; accepted like every benchmark's).
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import _common as C

ACTORS = {  # name -> (type, canonical)
    "Minsk": ("government body", "Belarus"),
    "Russia": ("state", None),
    "Ukraine": ("state", None),
    "Belarus": ("state", None),
    "Valeri Revenko": ("person", None),
    "Alexandr Lukashenko": ("person", None),
    "Vladimir Putin": ("person", None),
    "Kremlin": ("government body", "Russia"),
    "Moscow": ("government body", "Russia"),
    "Interfax": ("media", None),
    "Poland": ("state", None),
}


def _fmt(value: float, digits: int = 1) -> str:
    return "" if math.isnan(value) else f"{value:.{digits}f}"


def main(argv: Sequence[str] | None = None) -> None:
    import annot
    from annot.compare import compare, corpus_scores, link_documents

    C.parse_args(__doc__.splitlines()[0], argv)
    rows, lost = [], []
    with tempfile.TemporaryDirectory() as tmp, annot.open_project(Path(tmp) / "project", annotator="table") as store:
        annot.ingest(C.ROOT / "corpus", store)
        en, es = store.document("belarus-russian-grouping"), store.document("belarus-agrupacion-rusa")
        pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name in ACTORS) + r")\b")
        for m in pattern.finditer(en.text):
            kind, canonical = ACTORS[m.group()]
            store.add_span(en.id, m.start(), m.end(), "ACTOR", {"type": kind, "canonical": canonical})
        alignment = link_documents(store, en.id, es.id)
        tagged = len(store.spans(en.id, label="ACTOR"))
        for target in ("pt", "es"):
            frame = compare(en, store, target=target)
            scores = corpus_scores(frame)
            for engine, row in scores.iterrows():
                route = "/".join(sorted(set(frame[f"route.{engine}"].dropna())))
                ci = f"{_fmt(row['chrf'])} [{_fmt(row['chrf_low'])}-{_fmt(row['chrf_high'])}]" if row["scored"] else ""
                rows.append((
                    f"en>{target}", engine, route, frame.attrs["round_trip"].get(engine) or "", _fmt(row["roundtrip"]),
                    _fmt(row["agreement"]), _fmt(row["flagged_pct"], 0), str(int(row["flags"])), ci,
                    _fmt(row["bleu"]), _fmt(row["ter"]),
                ))  # fmt: skip
                for i, flags in frame[f"flags.{engine}"].items():
                    for flag in flags or []:  # None: no translation
                        lost.append(f"en>{target} {engine}: sentence {i} {flag['kind']}: {flag['detail']}")
    C.header("the seed article compared across engines")
    print(f"alignment with the Spanish version: {alignment.summary()}")
    print(f"{tagged} ACTOR mentions tagged; aliases from CLDR (Babel) only\n")
    print(C.table(
        ["pair", "engine", "route", "back", "round trip chrF", "agreement", "flagged %", "flags",
         "chrF vs human [95% CI]", "BLEU", "TER"],
        rows,
    ))  # fmt: skip
    print("\nflags:" if lost else "\nflags: none")
    print("\n".join(lost))


if __name__ == "__main__":
    main()
