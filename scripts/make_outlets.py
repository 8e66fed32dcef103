"""Build corpus/outlets/outlets.annot.jsonl: the outlet versions and the seed, with their gold spans.

    python scripts/make_outlets.py            # writes corpus/outlets/outlets.annot.jsonl
    python scripts/make_outlets.py --check    # exits 1 if the shipped file is not what it would write

The five articles of ``corpus/outlets/`` were written for annot (see
``corpus/README.md``); their gold spans are written by hand in
``corpus/outlets/annotations.toml``, each by its quote. This script reads the
articles with annot's own ingest (``read_file`` then ``segment``, as ``annot
ingest`` does, keyed ``corpus/outlets/<file>`` as ``annot lab`` keys them), imports
the seed's gold (``tests/data/gold/seed.annot.jsonl``), adds every span of the spec
through ``Store.add_spans`` (accepted, origin manual, annotator ``gold:outlets``)
and exports the project as annot/1 JSONL.

It fails loudly, listing every problem, when a quote is not in its article, is
there fewer times than its ``n``, starts or ends inside a word, when a STANCE quote
is not one whole sentence, when a span names a missing one, or when the schema
refuses an attribute (``Store`` validates them). Quotes are searched in the body,
after the front matter block, so the file is rebuilt the same way whether or not
ingest keeps that block in the document text.

The output is deterministic: span ids are ``sp-`` plus the first 16 hex digits of
sha256(``outlets-gold:<doc>:<n>``), ``n`` the span's place in the spec; every
``created_at``/``updated_at`` and the outlets' ``ingested_at`` are fixed; the seed
keeps the ids and times of its own gold file. Running it twice writes the same bytes.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import tempfile
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import annot  # noqa: E402
from annot.errors import AnnotError  # noqa: E402
from annot.ingest import read_file  # noqa: E402
from annot.model import Origin, Span, Status  # noqa: E402

OUTLETS = ROOT / "corpus" / "outlets"
SPEC = OUTLETS / "annotations.toml"
OUT = OUTLETS / "outlets.annot.jsonl"
ANNOTATOR = "gold:outlets"
# When the gold was marked: every span's created_at/updated_at and the outlets' ingested_at.
FIXED_TIME = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
GROUPS = ("troops", "tanks", "armored vehicles", "artillery", "aircraft", "training grounds", "attachés")
KINDS = ("value", "qualifier", "holder", "evidence")


class SpecError(Exception):
    """The spec does not match the articles or the schema; the message lists every problem."""


def load_spec(path: Path = SPEC) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def span_id(doc_key: str, n: int) -> str:
    return "sp-" + hashlib.sha256(f"outlets-gold:{doc_key}:{n}".encode()).hexdigest()[:16]


def body_start(text: str) -> int:
    """Offset of the article's body: after a leading front matter block, if the text still has one."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return end + len("\n---\n")
    return 0


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def find_quote(text: str, quote: str, n: int, start: int) -> tuple[int, int] | None:
    """The ``n``-th occurrence of ``quote`` in ``text[start:]`` that starts and ends on word boundaries."""
    seen = 0
    pos = text.find(quote, start)
    while pos != -1:
        end = pos + len(quote)
        before = text[pos - 1] if pos > 0 else " "
        after = text[end] if end < len(text) else " "
        if not (_is_word(before) and _is_word(quote[0])) and not (_is_word(after) and _is_word(quote[-1])):
            seen += 1
            if seen == n:
                return pos, end
        pos = text.find(quote, pos + 1)
    return None


def read_outlet(file: str) -> tuple[annot.Document, list[annot.Sentence]]:
    """One article as ``annot ingest corpus/`` reads it (key ``corpus/outlets/<file>``), ingested_at fixed."""
    items = read_file(OUTLETS / file, name=f"corpus/outlets/{file}")
    (doc,) = items  # a .txt file is one document, or read_file raised
    if isinstance(doc, Exception):
        raise doc
    doc = dataclasses.replace(doc, ingested_at=FIXED_TIME)
    return doc, annot.segment(doc)


def plan_spans(
    key: str, doc: annot.Document, sentences: list[annot.Sentence], entries: list[dict[str, Any]], problems: list[str]
) -> list[Span]:
    """The spans of one document from its spec entries; problems are appended, never raised here."""
    text = doc.text
    start = body_start(text)
    whole = {(s.start, s.end) for s in sentences}
    ids: dict[str, str] = {}
    placed: list[tuple[dict[str, Any], str, int, int]] = []
    for n, entry in enumerate(entries):
        where = f"{key} span {n} ({entry.get('name', '?')}: {entry.get('quote', '')[:50]!r})"
        name = entry.get("name")
        if not name or name in ids:
            problems.append(f"{where}: a missing or repeated name")
            continue
        ids[name] = span_id(key, n)
        found = find_quote(text, entry["quote"], int(entry.get("n", 1)), start)
        if found is None:
            problems.append(f"{where}: occurrence {entry.get('n', 1)} of the quote is not in {doc.key}")
            continue
        if entry["label"] == "STANCE" and found not in whole:
            problems.append(f"{where}: a STANCE quote must be one whole sentence as annot segments it")
        if entry["label"] == "QUANTITY" and entry.get("group") not in GROUPS:
            problems.append(f"{where}: QUANTITY without a known group ({entry.get('group')!r}; one of {GROUPS})")
        placed.append((entry, ids[name], *found))
    spans: list[Span] = []
    for entry, sid, begin, end in placed:
        attrs = dict(entry.get("attrs", {}))
        for attr in ("holder_span", "target_span"):
            if attr in attrs:
                if attrs[attr] not in ids:
                    problems.append(f"{key} {entry['name']}: {attr} names no span {attrs[attr]!r}")
                    continue
                attrs[attr] = ids[attrs[attr]]
        spans.append(Span(
            id=sid, doc_id=doc.id, start=begin, end=end, label=entry["label"], attrs=attrs, annotator=ANNOTATOR,
            origin=Origin.MANUAL, status=Status.ACCEPTED, created_at=FIXED_TIME, updated_at=FIXED_TIME,
        ))  # fmt: skip
    # Referenced spans first: a STANCE's holder must be stored before it.
    return sorted(spans, key=lambda span: span.label == "STANCE")


def check_discrepancies(spec: dict[str, Any], problems: list[str]) -> None:
    names = {(d["key"], e["name"]): e for d in spec["doc"] for e in d["spans"]}
    seed = {g["quote"]: g["group"] for g in spec["seed"]["groups"]}
    for i, item in enumerate(spec.get("discrepancy", [])):
        if item.get("kind") not in KINDS:
            problems.append(f"discrepancy {i}: kind {item.get('kind')!r} is not one of {KINDS}")
        if len(item.get("spans", [])) < 2:
            problems.append(f"discrepancy {i}: fewer than two spans")
        for ref in item.get("spans", []):
            doc, _, name = ref.partition(".")
            group = seed.get(name) if doc == "seed" else names.get((doc, name), {}).get("group")
            if group is None:
                problems.append(f"discrepancy {i}: {ref!r} names no QUANTITY of the spec")
            elif group != item.get("group"):
                problems.append(f"discrepancy {i}: {ref!r} is in group {group!r}, not {item.get('group')!r}")


def build(store: annot.Store, spec: dict[str, Any] | None = None) -> None:
    """Fill ``store`` (empty) with the seed's gold and the outlets with theirs; raise SpecError on any problem."""
    spec = load_spec() if spec is None else spec
    problems: list[str] = []
    annot.import_jsonl(store, (SPEC.parent / spec["seed"]["file"]).resolve())
    (seed_doc,) = list(store.iter_documents())
    seed_quantities = {s.text for s in store.iter_spans(seed_doc.id) if s.label == "QUANTITY"}
    seed_groups = {g["quote"] for g in spec["seed"]["groups"]}
    if seed_quantities != seed_groups:
        problems.append(f"[seed] groups must name the seed's QUANTITY marks exactly: {sorted(seed_quantities)}")
    planned: list[list[Span]] = []
    for entry in spec["doc"]:
        doc, sentences = read_outlet(entry["file"])
        store.add_document(doc, sentences)
        planned.append(plan_spans(entry["key"], doc, sentences, entry["spans"], problems))
    check_discrepancies(spec, problems)
    if problems:
        raise SpecError(f"{len(problems)} problems in {SPEC.relative_to(ROOT)}:\n  " + "\n  ".join(problems))
    for spans in planned:
        try:
            store.add_spans(spans)
        except AnnotError as exc:  # the schema refused an attribute, or a reference
            raise SpecError(f"{SPEC.relative_to(ROOT)}: {exc}") from exc


def make(out: Path = OUT) -> annot.ExportResult:
    with tempfile.TemporaryDirectory(prefix="annot-outlets-") as tmp:
        store = annot.open_project(Path(tmp) / "project", annotator=ANNOTATOR)
        try:
            build(store)
            return annot.export_jsonl(store, out)
        finally:
            store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="the export to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="do not write: exit 1 if --out differs")
    args = parser.parse_args(argv)
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "outlets.annot.jsonl"
                make(fresh)
                same = args.out.exists() and fresh.read_bytes() == args.out.read_bytes()
            print(f"{args.out}: {'up to date' if same else 'STALE: run python scripts/make_outlets.py'}")
            return 0 if same else 1
        result = make(args.out)
    except SpecError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{result.path}: {result.documents} documents, {result.sentences} sentences, {result.spans} spans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
