"""Turn the hand marks (`marks.txt`) into the projection gold's JSONL files.

The judgements are all in `marks.txt`, written by hand; this script only looks
up each marked string in the frozen target sentence to write its code-point
offsets, and refuses a mark whose string is not there (or not unique without
an occurrence number). Run from the repository root:

    .venv/bin/python tests/data/projection/build_gold.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
SEED = HERE.parent / "gold" / "seed.annot.jsonl"

# The attribution verb (cue) of each STANCE of the seed gold, as written in the
# source sentence; the gold marks a STANCE over its whole sentence.
CUES = {
    "sp-7169d9ae90b228bd": "says",
    "sp-04a4455042edae61": "reported",
    "sp-1ceb44ce281c8c38": "had announced",
    "sp-9671e66afcc53246": "tweeted",
    "sp-f4ebc6dcb1059ea2": "has described as",
    "sp-fc15deed8786f417": "announced",
    "sp-009ed8bd9338e482": "said",
    "sp-7843f0fba40382c8": "reported",
    "sp-fbd49fdb697c6f5a": "assures",
    "sp-b76351cb491d848d": "maintains",
    "sp-085e12b72e148a65": "argued",
}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def find(text: str, needle: str, occurrence: int | None, where: str) -> int:
    """Code-point start of the occurrence-th (1-based) `needle` in `text`.

    Without an occurrence, `needle` must occur once.
    """
    if occurrence is None and text.count(needle) > 1:
        raise SystemExit(f"{where}: {needle!r} occurs {text.count(needle)} times; say which with #n")
    start = -1
    for _ in range(occurrence or 1):
        start = text.find(needle, start + 1)
        if start < 0:
            raise SystemExit(f"{where}: {needle!r} (#{occurrence}) not in {text!r}")
    return start


def source_keys(doc: dict) -> dict[str, dict]:
    """One entry per projected unit: ACTOR/QUANTITY spans, and each STANCE's cue and holder."""
    sents = {s["index"]: s["text"] for s in doc["sentences"]}
    by_id = {sp["id"]: sp for sp in doc["spans"]}
    keys: dict[str, dict] = {}
    for sp in doc["spans"]:
        n = sp["sentence"]
        if sp["label"] in ("ACTOR", "QUANTITY"):
            keys[f"s{n}:{sp['text']}"] = {
                "source_span_id": sp["id"],
                "label": sp["label"],
                "part": "span",
                "source_sentence": n,
                "source_start": sp["sent_start"],
                "source_end": sp["sent_end"],
                "source_text": sp["text"],
            }
            continue
        holder = by_id[sp["attrs"]["holder_span"]]
        cue = CUES[sp["id"]]
        cue_start = find(sents[n], cue, 1, sp["id"])
        for part, start, text in (
            ("cue", cue_start, cue),
            ("holder", holder["sent_start"], holder["text"]),
        ):
            keys[f"s{n}:{part}:{holder['text']}"] = {
                "source_span_id": sp["id"],
                "label": "STANCE",
                "part": part,
                "source_sentence": n,
                "source_start": start,
                "source_end": start + len(text),
                "source_text": text,
            }
    return keys


def split_target(field: str, default_sentence: int | None) -> tuple[int | None, str, int | None]:
    """`[7] text#2` -> (7, "text", 2); the sentence defaults to the source's."""
    field = field.strip()
    sentence = default_sentence
    if field.startswith("["):
        close = field.index("]")
        sentence = int(field[1:close])
        field = field[close + 1 :].strip()
    occurrence = None
    if "#" in field:
        field, _, num = field.rpartition("#")
        occurrence = int(num)
    return sentence, field, occurrence


def build() -> dict[str, list[dict]]:
    """The rows of projection.jsonl, errors.jsonl and ok_names.jsonl, from marks.txt."""
    doc = read_jsonl(SEED)[0]
    keys = source_keys(doc)
    translations = read_jsonl(HERE / "translations.jsonl")
    reference = read_jsonl(HERE / "reference.es.jsonl")
    texts: dict[str, dict[int, str]] = {"reference:es": {r["sentence"]: r["text"] for r in reference}}
    signatures: dict[str, str] = {"reference:es": reference[0]["doc"]}
    for r in translations:
        name = f"{r['engine']} {r['route']}"
        texts.setdefault(name, {})[r["sentence"]] = r["translation"]
        signatures[name] = r["signature"]

    projection, errors = [], []
    target = None
    last_sentence = None  # an "added" line without [n] is in the sentence of the line before
    seen: set[str] = set()
    lines = (HERE / "marks.txt").read_text(encoding="utf-8").splitlines()
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"marks.txt:{lineno}"
        if line.startswith("== "):
            if target is not None and seen != set(keys):
                raise SystemExit(f"{target}: unmarked {sorted(set(keys) - seen)}")
            target, seen = line[3:].strip(), set()
            if target not in texts:
                raise SystemExit(f"{where}: unknown target {target!r}; known: {sorted(texts)}")
            continue
        if line.startswith("!"):
            sent, kind, key, source_text, tgt, detail = (f.strip() for f in line[1:].split("|"))
            n, text, occ = split_target(tgt, int(sent))
            row = {"target": target, "sentence": n, "kind": kind, "source_sentence": int(sent)}
            row["source_span_id"] = keys[key]["source_span_id"] if key != "-" else None
            row["source_text"] = source_text
            if text:
                start = find(texts[target][n], text, occ, where)
                row |= {"target_start": start, "target_end": start + len(text)}
            else:
                row |= {"target_start": None, "target_end": None}
            row |= {"target_text": text, "detail": detail}
            errors.append(row)
            continue
        fields = [f.strip() for f in line.split("|")]
        key, status, tgt = fields[0], fields[1], fields[2]
        detail = fields[3] if len(fields) > 3 else ""
        if status == "added":
            n, text, occ = split_target(tgt, last_sentence)
            start = find(texts[target][n], text, occ, where)
            projection.append(
                {
                    "source_span_id": None,
                    "label": key,
                    "part": "added",
                    "source_text": "",
                    "source_sentence": None,
                    "source_start": None,
                    "source_end": None,
                    "target": target,
                    "signature": signatures[target],
                    "sentence": n,
                    "status": "added",
                    "target_start": start,
                    "target_end": start + len(text),
                    "target_text": text,
                    "detail": detail,
                }
            )
            continue
        if key not in keys:
            raise SystemExit(f"{where}: unknown key {key!r}")
        if key in seen:
            raise SystemExit(f"{where}: {key!r} marked twice for {target}")
        seen.add(key)
        src = keys[key]
        n, text, occ = split_target(tgt, src["source_sentence"])
        row = {
            k: src[k]
            for k in ("source_span_id", "label", "part", "source_text", "source_sentence", "source_start", "source_end")
        }
        row |= {"target": target, "signature": signatures[target], "sentence": n, "status": status}
        if status == "lost":
            if text:
                raise SystemExit(f"{where}: a lost span has no target text")
            row |= {"target_start": None, "target_end": None, "target_text": ""}
        else:
            start = find(texts[target][n], text, occ, where)
            row |= {"target_start": start, "target_end": start + len(text), "target_text": text}
        row["detail"] = detail
        projection.append(row)
        last_sentence = n
    if seen != set(keys):
        raise SystemExit(f"{target}: unmarked {sorted(set(keys) - seen)}")

    spans = {sp["id"]: sp for sp in doc["spans"]}
    ok_names = [
        {
            "target": r["target"],
            "sentence": r["sentence"],
            "source_span_id": r["source_span_id"],
            "source_text": r["source_text"],
            "target_start": r["target_start"],
            "target_end": r["target_end"],
            "target_text": r["target_text"],
            "canonical": spans[r["source_span_id"]]["attrs"]["canonical"],
        }
        for r in projection
        if r["part"] == "span"
        and r["label"] == "ACTOR"
        and r["status"] == "kept"
        and spans[r["source_span_id"]]["attrs"]["type"] in ("government body", "organization")
    ]
    return {"projection": projection, "errors": errors, "ok_names": ok_names}


def main() -> None:
    for name, rows in build().items():
        with open(HERE / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}.jsonl: {len(rows)} rows")


if __name__ == "__main__":
    main()
