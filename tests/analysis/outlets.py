"""A small multi-outlet project built by hand: the seed's gold and four short versions of its news in other languages.

The versions were written for these tests. Against the seed's "up to 9,000" troops
(Belarus, quoted) they plant every kind of discrepancy the ledger knows:

- ``value``: Ukrinform's 15,000 troops (and El País's 200 tanks against the seed's "some 170");
- ``qualifier``: TASS's plain 9,000, the "up to" dropped;
- ``holder``: TASS gives the 9,000 to the Russian General Staff, not to Belarus;
- ``evidence``: El País reports the "up to 9,000" as alleged.

A fifth document, a Portuguese one months later, is an event and a group of its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annot import Store, import_jsonl, ingest
from annot.model import Translation

ROOT = Path(__file__).resolve().parents[2]
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "seed.annot.jsonl"

#: id -> (lang, published, title, text, English translation of each sentence)
VERSIONS: dict[str, dict[str, Any]] = {
    "tass": {
        "lang": "ru", "published": "2022-10-18", "title": "Генштаб России о переброске войск",
        "text": "Генштаб России сообщил, что в Беларусь прибудут 9000 военнослужащих.",
        "english": ["The Russian General Staff said 9,000 servicemen will arrive in Belarus."],
    },
    "ukrinform": {
        "lang": "uk", "published": "2022-10-18", "title": "Генштаб ЗСУ про перекидання військ",
        "text": "Генштаб ЗСУ стверджує, що Росія нібито перекинула до Білорусі 15 000 військових.",
        "english": ["The General Staff of Ukraine claims that Russia allegedly moved 15,000 troops to Belarus."],
    },
    "elpais": {
        "lang": "es", "published": "2022-10-19", "title": "Bielorrusia y las tropas rusas",
        "text": "Bielorrusia afirma que llegarán supuestamente hasta 9.000 soldados rusos. Rusia enviará unos 200 "
        "tanques.",
        "english": ["Belarus says that allegedly up to 9,000 Russian soldiers will arrive.",
                    "Russia will send some 200 tanks."],
    },
    "publico": {
        "lang": "pt", "published": "2023-03-01", "title": "A Rússia perdeu tanques",
        "text": "A Rússia perdeu 50 tanques em março.",
        "english": ["Russia lost 50 tanks in March."],
    },
}  # fmt: skip


def _at(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _actor(store: Store, doc: str, text: str, part: str, canonical: str) -> str:
    return store.add_span(doc, *_at(text, part), "ACTOR", {"canonical": canonical}).id


def _quantity(store: Store, doc: str, text: str, part: str, **attrs: Any) -> str:
    return store.add_span(doc, *_at(text, part), "QUANTITY", attrs).id


def _stance(store: Store, doc: str, text: str, part: str, holder: str, **attrs: Any) -> str:
    return store.add_span(doc, *_at(text, part), "STANCE", {"holder_span": holder, **attrs}).id


def build_outlets_project(folder: Path) -> tuple[Store, dict[str, str]]:
    """The seed's gold plus the four versions, annotated, each non-English sentence with an English translation.

    Returns:
        The store (open; the caller closes it) and document ids by name (``seed``, ``tass``, ...).
    """
    store = Store(folder / "project", annotator="tester")
    import_jsonl(store, SEED_GOLD)
    ids = {"seed": store.documents()["id"].iloc[0]}
    records = [{"id": name, "title": v["title"], "lang": v["lang"], "published": v["published"], "text": v["text"]}
               for name, v in VERSIONS.items()]  # fmt: skip
    source = folder / "versions.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    ingest(source, store)
    frame = store.documents()
    for name in VERSIONS:
        ids[name] = frame.loc[frame["key"].str.endswith(name), "id"].iloc[0]
    for name, version in VERSIONS.items():
        store.add_translations(
            Translation(ids[name], i, "handmade", "handmade", "1", version["lang"], "en", f"{version['lang']}>en",
                        f"handmade|{version['lang']}-en", text)
            for i, text in enumerate(version["english"])
        )  # fmt: skip
    _annotate(store, ids)
    return store, ids


def _annotate(store: Store, ids: dict[str, str]) -> None:
    text = VERSIONS["tass"]["text"]
    doc = ids["tass"]
    staff = _actor(store, doc, text, "Генштаб России", "General Staff of Russia")
    belarus = _actor(store, doc, text, "Беларусь", "Belarus")
    _actor(store, doc, text, "России", "Russia")
    _quantity(store, doc, text, "9000 военнослужащих", value=9000, qualifier="exact", unit="военнослужащих")
    _stance(store, doc, text, text, staff, evidence="reported", polarity="neutral", target_span=belarus)

    text, doc = VERSIONS["ukrinform"]["text"], ids["ukrinform"]
    staff = _actor(store, doc, text, "Генштаб ЗСУ", "General Staff of Ukraine")
    russia = _actor(store, doc, text, "Росія", "Russia")
    _actor(store, doc, text, "Білорусі", "Belarus")
    _quantity(store, doc, text, "15 000 військових", value=15000, qualifier="exact", unit="військових")
    _stance(store, doc, text, text, staff, evidence="alleged", polarity="opposes", target_span=russia)

    text, doc = VERSIONS["elpais"]["text"], ids["elpais"]
    belarus = _actor(store, doc, text, "Bielorrusia", "Belarus")
    russia = _actor(store, doc, text, "Rusia", "Russia")
    first = text.split(". ")[0] + "."
    _quantity(store, doc, text, "hasta 9.000 soldados rusos", value=9000, qualifier="up to", unit="soldados rusos")
    _stance(store, doc, text, first, belarus, evidence="alleged", polarity="supports", target_span=russia)
    _quantity(store, doc, text, "unos 200 tanques", value=200, qualifier="approximately", unit="tanques")

    text, doc = VERSIONS["publico"]["text"], ids["publico"]
    _actor(store, doc, text, "Rússia", "Russia")
    _quantity(store, doc, text, "50 tanques", value=50, qualifier="exact", unit="tanques")
