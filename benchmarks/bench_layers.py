"""What a layer costs the annotator: drawing a long document's view, and an edit, in each layer against ``all``.

One document of 2,000 sentences (500 with --quick) holding 5 spans per
sentence by three annotators (a third of them suggestions, nobody's). For each
layer (``all``, ``mine``, ``annotator:bob``, ``compare:bob``) it times what the
widget computes after a change: a cold view (the spans read again, then the
window, the outline, the annotators' menu and the compare row), and a warm
edit (tag a word, then the same view from the cache the session keeps up to
date; none in bob's layer, which is read-only). Baseline: the ``all`` layer in the same run, which is what the widget
did before layers.

Run: ``.venv/bin/python benchmarks/bench_layers.py [--quick]``
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import _common as C

LAYERS = ("all", "mine", "annotator:bob", "compare:bob")
WHO = ("ana", "bob", "cy")
ROUNDS = 15


def _build(path: Path, sentences: int) -> str:
    from annot.store import Store

    shutil.rmtree(path, ignore_errors=True)  # a --workdir kept from an earlier run: built again, the same
    rng = random.Random(7)
    doc, sents = C.make_document(0, sentences, C.seed_sentences(), rng)
    spans = C.make_spans(doc, sents, 5, rng)
    spans = [replace(s, annotator=WHO[i % 3]) if s.annotator == C.ANNOTATOR else s for i, s in enumerate(spans)]
    with Store(path, annotator="ana") as store:
        store.add_document(doc, sents)
        store.add_spans(spans)
    print(f"one document: {sentences:,} sentences, {len(spans):,} spans by {', '.join(WHO)} and suggestions")
    return doc.id


def _view(session) -> None:
    """What the widget's sync computes (``Annotator._sync`` with the overview stale)."""
    session.window()
    session.position_line()
    session.compare()
    session.outline()
    session.annotators()


def _measure(path: Path, doc_id: str, layer: str) -> tuple[list[float], list[float]]:
    from annot.annotate import AnnotationSession
    from annot.store import Store

    cold, warm = [], []
    with Store(path, annotator="ana") as store:
        session = AnnotationSession(store, doc_id, annotator="ana", layer=layer)
        for n in range(ROUNDS):
            session.go(1 + n * 7)
            session.refresh()
            t0 = time.perf_counter()
            _view(session)
            cold.append(time.perf_counter() - t0)
            if session.read_only():  # another's layer: no edit there
                continue
            text = session.sentences[session.index].text
            end = text.index(" ") if " " in text else len(text)
            t0 = time.perf_counter()
            session.tag(0, end, "ACTOR")
            _view(session)
            warm.append(time.perf_counter() - t0)
            session.undo()
    return cold, warm


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("layers: the annotator's view and an edit, per layer, against all")
    print(C.machine_line())
    with C.workdir(args.workdir) as root:
        path = root / "layers-project"
        doc_id = _build(path, 500 if args.quick else 2_000)
        results = {layer: _measure(path, doc_id, layer) for layer in LAYERS}
    base_cold, base_warm = (C.summary_ms(x)["p50"] for x in results["all"])
    rows = []
    for layer, (cold, warm) in results.items():
        c = C.summary_ms(cold)["p50"]
        w = C.summary_ms(warm)["p50"] if warm else None
        edit = (f"{w:.1f}", C.ratio(w, base_warm)) if w is not None else ("read-only", "")
        rows.append((layer, f"{c:.1f}", C.ratio(c, base_cold), *edit))
    print(C.table(["layer", "cold view p50 ms", "vs all", "edit + view p50 ms", "vs all"], rows))


if __name__ == "__main__":
    main()
