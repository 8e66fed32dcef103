"""Agreement between annotators: span F1 per label and pair, Krippendorff's alpha on attributes, a confusion table.

``agreement(store)`` reads the store and never writes it. What it compares:

- **Spans**: each annotator's own *accepted* spans (``status == "accepted"`` and ``annotator`` the
  annotator's name). Pending suggestions are nobody's judgement yet and rejected spans are a judgement
  against, so neither counts; a suggestion accepted by someone else keeps the annotator it was made
  under (the store records who accepted it in the history, not on the span). Curated spans (origin
  ``curated``: a curator's adjudicated version, ``annot.annotate.curation``) are nobody's own work and never
  count, not even for the curator when they also annotate.
- **Documents**: a pair of annotators is compared on the current documents they *both worked on*: where
  each has an accepted span or a sentence mark ("done", "nothing to annotate"). A mark counts because
  an annotator who marked a sentence empty disagrees with one who annotated it; a saved position does
  not (opening a document is not annotating it).
- **Matching**, within one document and one label: *exact* (same start, end and label) and *overlap*
  (same label, ranges sharing at least one character), both one-to-one, greedy by largest overlap.
- **F1**: for the pair (a, b), a is the reference and b the candidate: precision = matched / b's spans,
  recall = matched / a's spans, F1 = 2 matched / (a's + b's) (symmetric). Label ``all`` pools the labels.
- **Alpha**: Krippendorff's alpha (the ``krippendorff`` package) per attribute of ``ALPHA_ATTRIBUTES``,
  over units made of spans matched by overlap (the connected spans of every pair's matches; an
  annotator with two spans in one unit gives the first one's value). An annotator without the attribute
  is missing; a unit with fewer than two values is left out. ``alpha`` is NaN with no unit, or when
  every value is the same (alpha is undefined without variation); see ``annot.analysis.reliability``.
- **Confusion**: spans matched by range across labels (greedy by largest overlap, the same label
  winning a tie), label against label, with ``none`` for an unmatched span; summed over the pairs, the
  pair's first annotator (alphabetically) in the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from annot.store import Store

__all__ = [
    "ALPHA_ATTRIBUTES",
    "ALPHA_COLUMNS",
    "Agreement",
    "NO_AGREEMENT",
    "PAIR_COLUMNS",
    "agreement",
]

#: (label, attribute, level of measurement) that alpha is computed for.
ALPHA_ATTRIBUTES: tuple[tuple[str, str, str], ...] = (
    ("STANCE", "polarity", "nominal"),
    ("STANCE", "evidence", "nominal"),
    ("QUANTITY", "value", "interval"),
)
#: Columns of ``Agreement.pairs``.
PAIR_COLUMNS = [
    "annotator_a", "annotator_b", "label", "match", "precision", "recall", "f1", "support_a", "support_b",
    "matched", "documents",
]  # fmt: skip
#: Columns of ``Agreement.alpha``.
ALPHA_COLUMNS = ["attribute", "level", "alpha", "units", "annotators"]
#: What is said when no two annotators share a document.
NO_AGREEMENT = (
    "agreement needs two annotators on one document: annotate a document already annotated by someone"
    " else, with ANNOT_USER=<name> or --annotator <name>"
)
NONE = "none"
ALL = "all"


@dataclass(frozen=True)
class Agreement:
    """What ``agreement()`` found.

    Attributes:
        pairs: one row per pair of annotators, label (and ``all``) and match (``exact``, ``overlap``):
            ``PAIR_COLUMNS``; precision, recall and F1 are NaN where undefined (no span to divide by).
        alpha: one row per attribute of ``ALPHA_ATTRIBUTES`` (``LABEL.attribute``): ``ALPHA_COLUMNS``,
            ``annotators`` being how many gave a value in a unit.
        confusion: label x label counts (rows the pair's first annotator, ``none`` for unmatched).
        annotators: every annotator with an accepted span or a mark in the documents read, sorted.
        documents: how many documents at least two of them share.
    """

    pairs: pd.DataFrame
    alpha: pd.DataFrame
    confusion: pd.DataFrame
    annotators: tuple[str, ...] = ()
    documents: int = 0

    @property
    def empty(self) -> bool:
        """Whether there was nothing to compare (no two annotators share a document)."""
        return self.pairs.empty

    def summary(self) -> str:
        """A few lines for people: the annotators, the shared documents, overlap F1 of each pair, alpha."""
        if self.empty:
            names = ", ".join(self.annotators) or "nobody"
            return f"{NO_AGREEMENT} (annotators here: {names})"
        lines = [f"{len(self.annotators)} annotators ({', '.join(self.annotators)}), {self.documents} shared documents"]
        pooled = self.pairs[self.pairs["label"] == ALL]
        exact = {
            (r["annotator_a"], r["annotator_b"]): r["f1"] for r in pooled.to_dict("records") if r["match"] == "exact"
        }
        for row in pooled[pooled["match"] == "overlap"].to_dict("records"):
            a, b = row["annotator_a"], row["annotator_b"]
            lines.append(
                f"{a} vs {b}: F1 {_fmt(row['f1'])} overlap, {_fmt(exact[a, b])} exact"
                f" ({row['support_a']} vs {row['support_b']} spans in {row['documents']} documents)"
            )
        for row in self.alpha.to_dict("records"):
            lines.append(f"alpha {row['attribute']} ({row['level']}): {_fmt(row['alpha'])} over {row['units']} units")
        return "\n".join(lines)


def _fmt(value: Any) -> str:
    return "n/a" if value != value else f"{value:.3f}"


def agreement(
    store: Store, docs: Iterable[str] | None = None, *, annotators: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> Agreement:  # fmt: skip
    """Compare the annotators: span F1 per pair and label, alpha on attributes, the label confusion table.

    Args:
        store: the project (read only).
        docs: document references (ids, keys, titles ``document()`` accepts); every current document by default.
        annotators: only these annotators (every one by default).
        labels: only these labels (every label by default).

    Returns:
        An ``Agreement``; ``empty`` when no two annotators share a document (``summary()`` says what to do).

    Raises:
        NotFound: a document reference the store does not have, or an annotator with nothing in the documents.
        SpanError: an unknown label.
    """
    import numpy as np
    import pandas as pd

    from annot.errors import NotFound

    label_names = list(dict.fromkeys(labels)) if labels is not None else list(store.schema.names)
    label_index = {name: i for i, name in enumerate(label_names)}
    columns, worked = _read(store, docs, annotators, labels, label_index)
    names = sorted(worked)
    if annotators is not None:
        missing = [a for a in dict.fromkeys(annotators) if a not in worked]
        if missing:
            everyone = sorted(_read(store, docs, None, None)[1])
            raise NotFound(
                f"No accepted span or mark by {', '.join(map(repr, missing))} in these documents."
                f" Annotators: {', '.join(everyone) or 'none'}."
            )
    pair_rows: list[dict[str, Any]] = []
    edges: list[tuple[np.ndarray, np.ndarray]] = []
    confusion = np.zeros((len(label_names) + 1, len(label_names) + 1), dtype=np.int64)
    shared: set[int] = set()
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            both = worked[a] & worked[b]
            if not both:
                continue
            shared |= both
            rows_a, rows_b = columns.of(a, both), columns.of(b, both)
            exact = _match(columns, rows_a, rows_b, by_label=True, exact=True)
            overlap = _match(columns, rows_a, rows_b, by_label=True)
            edges.append(overlap)
            for kind, (ma, _) in (("exact", exact), ("overlap", overlap)):
                pair_rows += _scores(columns, label_names, a, b, kind, rows_a, rows_b, ma, len(both))
            confusion += _confusion(columns, rows_a, rows_b, len(label_names))
    pairs = pd.DataFrame(pair_rows, columns=PAIR_COLUMNS)
    axis = [*label_names, NONE]
    table = pd.DataFrame(confusion, index=pd.Index(axis, name="label_a"), columns=pd.Index(axis, name="label_b"))
    alpha = _alpha(store, columns, edges, label_index)
    return Agreement(pairs=pairs, alpha=alpha, confusion=table, annotators=tuple(names), documents=len(shared))


def _read(
    store: Store, docs: Iterable[str] | None, annotators: Sequence[str] | None, labels: Sequence[str] | None,
    label_index: dict[str, int] | None = None,
) -> tuple[_Columns, dict[str, set[int]]]:  # fmt: skip
    """The accepted spans of the current documents asked for, and the documents (codes) each annotator worked on.

    Read as plain columns (``Store.span_columns``): the frame's timestamps and dtypes cost more than the
    matching itself.
    """
    current = store.documents()["id"].tolist()
    if docs is not None:
        wanted = {store.resolve(ref) for ref in docs}
        current = [d for d in current if d in wanted]
    code = {doc_id: i for i, doc_id in enumerate(current)}
    from annot.model import Origin

    own = [origin.value for origin in Origin if origin != Origin.CURATED]  # the curated layer is nobody's own
    read = store.span_columns(status="accepted", label=labels, annotator=annotators, origin=own)
    # A label an older schema had and this one dropped has no row or column to count in.
    index = label_index if label_index is not None else {name: i for i, name in enumerate(store.schema.names)}
    keep = [i for i, (d, label) in enumerate(zip(read["doc_id"], read["label"])) if d in code and label in index]
    columns = _Columns(
        doc=[code[read["doc_id"][i]] for i in keep], label=[index[read["label"][i]] for i in keep],
        start=[read["start"][i] for i in keep], end=[read["end"][i] for i in keep],
        annotator=[read["annotator"][i] for i in keep], attrs=[read["attrs"][i] for i in keep],
    )  # fmt: skip
    worked: dict[str, set[int]] = {}
    for who, doc in zip(columns.annotator.tolist(), columns.doc.tolist()):
        worked.setdefault(who, set()).add(doc)
    marks = store.sentence_marks()
    if len(marks):
        marks = marks[marks["doc_id"].isin(code)]
        if annotators is not None:
            marks = marks[marks["annotator"].isin(annotators)]
        for who, doc_id in zip(marks["annotator"].tolist(), marks["doc_id"].tolist()):
            worked.setdefault(who, set()).add(code[doc_id])
    return columns, worked


class _Columns:
    """The spans as numpy columns, with each annotator's rows, for matching without a Python call per span."""

    def __init__(
        self, *, doc: list[int], label: list[int], start: list[int], end: list[int], annotator: list[str],
        attrs: list[dict[str, Any]],
    ) -> None:  # fmt: skip
        import numpy as np

        self.doc = np.array(doc, dtype=np.int64)
        self.label = np.array(label, dtype=np.int64)
        self.start = np.array(start, dtype=np.int64)
        self.end = np.array(end, dtype=np.int64)
        self.attrs = attrs
        self.annotator = np.array(annotator, dtype=object)
        self.width = int(self.end.max()) + 1 if len(self.end) else 1
        self._rows = {who: np.flatnonzero(self.annotator == who) for who in set(annotator)}

    def of(self, who: str, docs: set[int]) -> np.ndarray:
        import numpy as np

        rows = self._rows.get(who, np.empty(0, dtype=np.int64))
        return rows[np.isin(self.doc[rows], np.fromiter(docs, dtype=np.int64, count=len(docs)))]


def _candidates(
    cols: _Columns, rows_a: np.ndarray, rows_b: np.ndarray, *, by_label: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (a, b) pair of rows whose ranges overlap in one document (and label): rows and overlap lengths.

    A sweep over b sorted by start, never the cross product: for each a, the b's starting before a's end,
    from the first whose running maximum end passes a's start (nested spans keep that bound correct).
    """
    import numpy as np

    groups = int(cols.label.max()) + 2 if len(cols.label) else 1
    width = cols.width

    def group(rows: np.ndarray) -> np.ndarray:
        return cols.doc[rows] * groups + (cols.label[rows] + 1 if by_label else 0)

    b_sorted = rows_b[np.lexsort((cols.start[rows_b], group(rows_b)))]
    g_b = group(b_sorted) * width
    b_start_key = g_b + cols.start[b_sorted]
    b_end_max = np.maximum.accumulate(g_b + cols.end[b_sorted]) if len(b_sorted) else g_b
    g_a = group(rows_a) * width
    hi = np.searchsorted(b_start_key, g_a + cols.end[rows_a], side="left")
    lo = np.searchsorted(b_end_max, g_a + cols.start[rows_a], side="right")
    counts = np.clip(hi - lo, 0, None)
    total = int(counts.sum())
    a_idx = np.repeat(rows_a, counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    b_idx = b_sorted[offsets]
    overlap = np.minimum(cols.end[a_idx], cols.end[b_idx]) - np.maximum(cols.start[a_idx], cols.start[b_idx])
    keep = overlap > 0
    return a_idx[keep], b_idx[keep], overlap[keep]


def _match(
    cols: _Columns, rows_a: np.ndarray, rows_b: np.ndarray, *, by_label: bool, exact: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one matches (rows of a, rows of b), greedy by largest overlap; a same-label tie wins."""
    import numpy as np

    a_idx, b_idx, overlap = _candidates(cols, rows_a, rows_b, by_label=by_label)
    if exact:
        keep = (cols.start[a_idx] == cols.start[b_idx]) & (cols.end[a_idx] == cols.end[b_idx])
        a_idx, b_idx, overlap = a_idx[keep], b_idx[keep], overlap[keep]
    if not len(a_idx):
        return a_idx, b_idx
    # Candidates alone on both sides match without a contest: most of them, in real annotations.
    n = len(cols.doc)
    alone = (np.bincount(a_idx, minlength=n)[a_idx] == 1) & (np.bincount(b_idx, minlength=n)[b_idx] == 1)
    same = cols.label[a_idx] == cols.label[b_idx]
    contested = np.flatnonzero(~alone)
    order = contested[np.lexsort((b_idx[contested], a_idx[contested], ~same[contested], -overlap[contested]))]
    used_a: set[int] = set()
    used_b: set[int] = set()
    won = []
    for k, i, j in zip(order.tolist(), a_idx[order].tolist(), b_idx[order].tolist()):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            won.append(k)
    chosen = np.concatenate([np.flatnonzero(alone), np.array(won, dtype=np.int64)])
    return a_idx[chosen], b_idx[chosen]


def _scores(
    cols: _Columns, label_names: list[str], a: str, b: str, kind: str, rows_a: np.ndarray, rows_b: np.ndarray,
    matched_a: np.ndarray, documents: int,
) -> list[dict[str, Any]]:  # fmt: skip
    import numpy as np

    size = len(label_names) + 1  # the last bin holds spans of labels not asked for (none, when filtered)
    support_a = np.bincount(cols.label[rows_a], minlength=size)[: len(label_names)]
    support_b = np.bincount(cols.label[rows_b], minlength=size)[: len(label_names)]
    matched = np.bincount(cols.label[matched_a], minlength=size)[: len(label_names)]
    rows = []
    totals = (int(matched.sum()), int(support_a.sum()), int(support_b.sum()))
    for label, (m, sa, sb) in [*zip(label_names, zip(matched.tolist(), support_a.tolist(), support_b.tolist())),
                               (ALL, totals)]:  # fmt: skip
        if not (sa or sb):
            continue
        rows.append({
            "annotator_a": a, "annotator_b": b, "label": label, "match": kind,
            "precision": m / sb if sb else float("nan"), "recall": m / sa if sa else float("nan"),
            "f1": 2 * m / (sa + sb), "support_a": sa, "support_b": sb, "matched": m, "documents": documents,
        })  # fmt: skip
    return rows


def _confusion(cols: _Columns, rows_a: np.ndarray, rows_b: np.ndarray, labels: int) -> np.ndarray:
    import numpy as np

    ma, mb = _match(cols, rows_a, rows_b, by_label=False)
    size = labels + 1
    table = np.bincount(cols.label[ma] * size + cols.label[mb], minlength=size * size).reshape(size, size)
    unmatched_a = np.setdiff1d(rows_a, ma, assume_unique=True)
    unmatched_b = np.setdiff1d(rows_b, mb, assume_unique=True)
    table[:labels, labels] += np.bincount(cols.label[unmatched_a], minlength=labels)[:labels]
    table[labels, :labels] += np.bincount(cols.label[unmatched_b], minlength=labels)[:labels]
    return table


def _units(cols: _Columns, edges: list[tuple[np.ndarray, np.ndarray]], label: int) -> tuple[np.ndarray, np.ndarray]:
    """The spans of ``label`` in some overlap match, and their unit: the connected spans of every pair's matches.

    Connected components by propagating the smallest row of each edge, with pointer jumping: a few numpy
    passes (units hold one span per annotator, mostly), never a Python call per edge.
    """
    import numpy as np

    if not edges:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    ia, ib = np.concatenate([e[0] for e in edges]), np.concatenate([e[1] for e in edges])
    keep = cols.label[ia] == label
    ia, ib = ia[keep], ib[keep]
    comp = np.arange(len(cols.doc))
    while True:
        low = np.minimum(comp[ia], comp[ib])
        new = comp.copy()
        np.minimum.at(new, ia, low)
        np.minimum.at(new, ib, low)
        new = new[new]
        if np.array_equal(new, comp):
            break
        comp = new
    rows = np.unique(np.concatenate([ia, ib]))
    return rows, comp[rows]


def _alpha(
    store: Store, cols: _Columns, edges: list[tuple[np.ndarray, np.ndarray]], label_index: dict[str, int]
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    from annot.analysis.reliability import reliability_alpha, to_value, value_codes

    out = []
    units: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for label, attribute, level in ALPHA_ATTRIBUTES:
        if label not in label_index:
            continue
        if label not in units:
            units[label] = _units(cols, edges, label_index[label])
        rows, unit = units[label]
        names, who = np.unique(cols.annotator[rows].astype(str), return_inverse=True)
        ids, unit = np.unique(unit, return_inverse=True)
        # An annotator's first span (by row: by start) gives their value in a unit.
        order = np.lexsort((rows, who, unit))
        first = np.ones(len(order), dtype=bool)
        first[1:] = (unit[order][1:] != unit[order][:-1]) | (who[order][1:] != who[order][:-1])
        chosen = order[first]
        domain = value_codes(store.schema, label, attribute)
        data = np.full((len(names), len(ids)), np.nan)
        data[who[chosen], unit[chosen]] = [to_value(cols.attrs[r].get(attribute), level, domain) for r in rows[chosen]]
        keep = (~np.isnan(data)).sum(axis=0) >= 2
        data = data[:, keep]
        givers = int((~np.isnan(data)).any(axis=1).sum()) if data.size else 0
        out.append({
            "attribute": f"{label}.{attribute}", "level": level, "alpha": reliability_alpha(data, level),
            "units": int(keep.sum()), "annotators": givers,
        })  # fmt: skip
    return pd.DataFrame(out, columns=ALPHA_COLUMNS)
