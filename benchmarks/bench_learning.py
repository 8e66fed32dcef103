"""Actor suggestions learning from accepted actors, on the ten articles of the seed's event: ``bench_learning.py``.

The ten articles are the seed (en) and the nine coverage texts
(``tests/data/coverage/``), each with its actors marked by hand
(``tests/data/gold/``). They go into a fresh project and get actor suggestions
(``suggest_documents(only="actors")``): *before*. Then the first document is
annotated as a person would: each gold actor whose place a suggestion has is
accepted (its type and canonical name set to the gold's, *corrected* when they
were not), every other suggestion of it is rejected, and the gold actors no
suggestion found are added by hand; suggestions are run again on the same
project: *after*. Scored on documents 2..10 (exact place and type; overlap in
brackets) with ``tests/suggest/gold.py``. Twice: the seed first, and the
Russian text first. Then a curve: documents accepted one after another (k =
1..9, the seed first), each row scored on the documents not yet accepted.
``--quick`` draws the curve to k = 3. Figures only, nothing asserted.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C

import annot
from annot.model import Document, Status
from annot.store import Store
from annot.suggestion_layer import known_actors
from tests.suggest import gold as G

LANGUAGES = ("en", *G.COVERAGE_LANGUAGES)


def _open(root: Path) -> tuple[Store, dict[str, Document]]:
    store = Store(Path(tempfile.mkdtemp(dir=root)) / "p", annotator="annotator")
    return store, {lang: G.ingest_one(store, G.article(lang)) for lang in LANGUAGES}


def _actors(store: Store, doc: Document) -> list[Any]:
    return [s for s in G.suggested(store, doc.id) if s.label == "ACTOR"]


def _score(store: Store, docs: dict[str, Document], langs: Sequence[str], mode: str = "exact") -> dict[str, G.Score]:
    scores = {}
    for lang in langs:
        gold = G.actor_marks(G.actor_rows(lang))
        scores[lang] = G.score(gold, G.to_marks(_actors(store, docs[lang])), mode)
    return scores


def _total(scores: dict[str, G.Score]) -> G.Score:
    total = G.Score(0, 0, 0)
    for s in scores.values():
        total = total + s
    return total


def annotate(store: Store, doc: Document, lang: str) -> dict[str, int]:
    """Do what an annotator does with ``doc``'s actor suggestions, given its gold; returns what was done."""
    done = {"accepted": 0, "corrected": 0, "rejected": 0, "added": 0}
    pending = _actors(store, doc)
    for row in G.actor_rows(lang):
        attrs = {"type": row["type"], "canonical": row["canonical"]}
        at = [s for s in pending if (s.start, s.end) == (row["start"], row["end"])]
        if at:
            span = at[0]
            done["accepted" if dict(span.attrs) == attrs else "corrected"] += 1
            store.update_span(span.id, status=Status.ACCEPTED, attrs=attrs)
            pending.remove(span)
            continue
        for span in [s for s in pending if s.start < row["end"] and row["start"] < s.end]:
            store.update_span(span.id, status=Status.REJECTED)
            pending.remove(span)
            done["rejected"] += 1
        store.add_span(doc.id, row["start"], row["end"], "ACTOR", attrs, status=Status.ACCEPTED)
        done["added"] += 1
    for span in pending:
        store.update_span(span.id, status=Status.REJECTED)
        done["rejected"] += 1
    return done


def one_document(root: Path, first: str) -> None:
    order = [first, *(lang for lang in LANGUAGES if lang != first)]
    rest = order[1:]
    store, docs = _open(root)
    with store:
        annot.suggest_documents(store, only="actors")
        before = {mode: _score(store, docs, rest, mode) for mode in G.MODES}
        done = annotate(store, docs[first], first)
        known = len(known_actors(store))
        report = annot.suggest_documents(store, [docs[lang] for lang in rest], only="actors")
        after = {mode: _score(store, docs, rest, mode) for mode in G.MODES}
    C.header(f"actor suggestions before and after accepting document 1 ({first}), documents 2..10")
    print(f"document 1 ({first}): {', '.join(f'{n} {what}' for what, n in done.items())};"
          f" {known} known actors; re-run: {report.summary()}")  # fmt: skip
    rows = []
    for lang in [*rest, "all"]:
        b, a = ((_total(x["exact"]) if lang == "all" else x["exact"][lang]) for x in (before, after))
        bo, ao = ((_total(x["overlap"]) if lang == "all" else x["overlap"][lang]) for x in (before, after))
        rows.append([lang, b.gold, f"{b.recall:.2f} ({bo.recall:.2f})", f"{a.recall:.2f} ({ao.recall:.2f})",
                     f"{a.recall - b.recall:+.2f}", f"{b.precision:.2f} ({bo.precision:.2f})",
                     f"{a.precision:.2f} ({ao.precision:.2f})", f"{b.f1:.2f} -> {a.f1:.2f}"])  # fmt: skip
    print(C.table(["doc", "gold", "R before", "R after", "gain", "P before", "P after", "F1"], rows))


def curve(root: Path, steps: int) -> None:
    C.header(f"actor suggestions as documents are accepted one after another (en first), k = 1..{steps}")
    store, docs = _open(root)
    rows = []
    with store:
        annot.suggest_documents(store, only="actors")
        start = _score(store, docs, LANGUAGES)
        for k in range(1, steps + 1):
            annotate(store, docs[LANGUAGES[k - 1]], LANGUAGES[k - 1])
            rest = LANGUAGES[k:]
            annot.suggest_documents(store, [docs[lang] for lang in rest], only="actors")
            b, a = _total({lang: start[lang] for lang in rest}), _total(_score(store, docs, rest))
            known = len(known_actors(store))
            rows.append([k, LANGUAGES[k - 1], known, len(rest), f"{b.recall:.2f}", f"{a.recall:.2f}",
                         f"{a.recall - b.recall:+.2f}", f"{b.precision:.2f}", f"{a.precision:.2f}"])  # fmt: skip
    print(C.table(["k", "accepted", "known actors", "docs left", "R before", "R after", "gain", "P before",
                   "P after"], rows))  # fmt: skip
    print("(each row scored on the documents not yet accepted; before: the first run's suggestions on them)")


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    with C.workdir(args.workdir) as root:
        for first in ("en", "ru"):
            one_document(root, first)
        curve(root, 3 if args.quick else len(LANGUAGES) - 1)


if __name__ == "__main__":
    main()
