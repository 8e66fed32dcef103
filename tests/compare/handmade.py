"""Comparison frames built by hand, with the columns and attrs of ``annot.compare``, for unit tests."""

from __future__ import annotations

import math

import pandas as pd

from annot.compare.flags import COMPARE_KINDS, ReportFlag, fidelity_flag, kind_slug
from annot.project.fidelity import FidelityFlag

ENGINES = ["apertium", "argos+apertium"]

SOURCES = [
    "The deployment of up to 9,000 military personnel is for “purely defensive” purposes, says Minsk.",
    "Alleged Ukrainian attack",
    "Russia will send some 170 tanks to the border.",
    "Colonel Valeri Revenko tweeted this information.",
]
REFERENCES = [
    "El despliegue de hasta 9.000 militares tiene fines “puramente defensivos”, según Minsk.",
    "Presunto ataque ucraniano",
    "Rusia enviará unos 170 tanques a la frontera.",
    "El coronel Valeri Revenko tuiteó esta información.",
]
TRANSLATIONS = {
    "apertium": [
        "El despliegue de hasta 9,000 personal militar es para “puramente defensivo” propósitos, dice Minsk.",
        "Ataque ucraniano presunto",
        "Rusia enviará algunos 170 tanques a la frontera.",
        "Coronel Valeri Revenko tuiteó esta información.",
    ],
    "argos+apertium": [
        "El despliegue de hasta 9.500 militares es para fines puramente defensivos, dice.",
        "Supuesto ataque ucraniano",
        "Rusia enviará unos 170 tanques a la frontera.",
        "El coronel Revenko tuiteó esta información.",
    ],
}
ROUTES = {"apertium": "en>es", "argos+apertium": "en>pt>es"}
SIGNATURES = {
    "chrf": "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0",
    "bleu": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0",
    "ter": "nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0",
}


def report_flag(kind: str, value: str, detail: str, translation: str = "", text: str = "",
                source_text: str = "") -> ReportFlag:  # fmt: skip
    """A flag as compare's frame holds it, placed on ``text`` in ``translation`` (nowhere without ``text``)."""
    start = translation.index(text) if text else None
    end = start + len(text) if start is not None else None
    flag = fidelity_flag(FidelityFlag(kind, value, detail, start, end, text), source_text=source_text)
    return ReportFlag(**flag, detail=detail)


def handmade_flags(engine: str, i: int, translation: str) -> list[ReportFlag]:
    """Sentence 0's flags: argos+apertium changed the number and lost Minsk, apertium wrote 9,000 in Spanish."""
    if i == 0 and engine == "argos+apertium" and "hasta 9.500 militares" in translation:
        return [
            report_flag("lost", "Minsk -> ", "nothing in the translation stands for it", source_text="Minsk"),
            report_flag("changed", "up to 9,000 military personnel -> hasta 9.500 militares", "value 9000 -> 9500",
                        translation, "hasta 9.500 militares", "up to 9,000 military personnel"),
        ]  # fmt: skip
    if i == 0 and engine == "apertium" and "9,000" in translation:
        return [
            report_flag("number style", "9,000", '"9,000" reads as 9 in Spanish: write 9.000', translation, "9,000")
        ]
    return []


def handmade_frame(
    *, reference: bool = True, sources: list[str] | None = None, translations: dict[str, list[str]] | None = None,
    references: list[str] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Four sentences of the seed article compared in Spanish by two engines, with made-up scores."""
    sources = sources or SOURCES
    translations = translations or TRANSLATIONS
    refs = references or REFERENCES
    engines = list(translations)
    n = len(sources)
    nan = float("nan")
    columns: dict[str, list] = {
        "source": sources,
        "heading": [i == 1 for i in range(n)],
        "reference": [refs[i] if reference else pd.NA for i in range(n)],
        "reference_sentences": [str(i) if reference else pd.NA for i in range(n)],
        "bead": pd.array([i if reference else None for i in range(n)], dtype="Int64"),  # one sentence each
    }
    chrfs = {}
    for k, engine in enumerate(engines):
        chrf = [40.0 + 10 * k + 7 * i for i in range(n)]
        chrfs[engine] = chrf
        flags = [handmade_flags(engine, i, translations[engine][i]) for i in range(n)]
        columns |= {
            f"text.{engine}": translations[engine],
            f"route.{engine}": [ROUTES.get(engine, "en>es")] * n,
            f"chrf.{engine}": chrf if reference else [nan] * n,
            f"bleu.{engine}": [c / 2 for c in chrf] if reference else [nan] * n,
            f"ter.{engine}": [100 - c for c in chrf] if reference else [nan] * n,
            f"agreement.{engine}": [55.0 + 3 * i for i in range(n)] if len(engines) > 1 else [nan] * n,
            f"roundtrip.{engine}": [60.0 - 5 * k + 2 * i for i in range(n)],
            f"length_ratio.{engine}": [1.0 + 0.05 * k] * n,
            f"flags.{engine}": flags,
            f"flag_kinds.{engine}": [[k for k in COMPARE_KINDS if any(f["kind"] == k for f in fs)] for fs in flags],
            f"dismissed.{engine}": [[] for _ in range(n)],
            f"failed.{engine}": pd.array([None] * n, dtype="string"),
        }
    columns["disagreement"] = [45.0 - 3 * i if i != 2 else 60.0 for i in range(n)] if len(engines) > 1 else [nan] * n
    frame = pd.DataFrame(columns, index=pd.RangeIndex(n, name="sentence"))
    frame.attrs = {
        "doc_id": "belarus-russian-grouping-2022-10-17-b0b43c2b44fa",
        "target": "es",
        "engines": engines,
        "reference_doc": "belarus-agrupacion-rusa-2022-10-17-0123456789ab" if reference else None,
        "signatures": dict(SIGNATURES) if reference else {},
    }
    return frame


def handmade_corpus(frame: pd.DataFrame) -> pd.DataFrame:
    """A corpus table for ``frame``: one row per engine (means, made-up intervals)."""
    rows = []
    reference = frame.attrs["reference_doc"] is not None
    for engine in frame.attrs["engines"]:
        row: dict = {"engine": engine}
        for metric in ("chrf", "bleu", "ter"):
            mean = float(frame[f"{metric}.{engine}"].mean()) if reference else math.nan
            row |= {metric: mean, f"{metric}_low": mean - 4.2, f"{metric}_high": mean + 3.9}
        row |= {
            "agreement": float(frame[f"agreement.{engine}"].mean()),
            "roundtrip": float(frame[f"roundtrip.{engine}"].mean()),
            "flagged_pct": 100.0 * float((frame[f"flags.{engine}"].map(len) > 0).mean()),
            "flags": int(frame[f"flags.{engine}"].map(len).sum()),
            "sentences": len(frame),
        }
        for kind in COMPARE_KINDS:
            row[kind_slug(kind)] = sum(f["kind"] == kind for fs in frame[f"flags.{engine}"] for f in fs)
        rows.append(row)
    return pd.DataFrame(rows).set_index("engine")
