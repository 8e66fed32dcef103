"""Turning store rows into pandas DataFrames with proper dtypes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annot.model import MARK_STATUSES

if TYPE_CHECKING:
    import pandas as pd

    from annot.model import Document, Sentence
    from annot.schema import LabelSchema

__all__ = ["documents_frame", "history_frame", "marks_frame", "sentence_of", "sentences_frame", "stats_frame"]


def _dt(values: Any) -> pd.Series:
    import pandas as pd

    # A fixed unit: pandas would infer seconds for an empty column, microseconds otherwise.
    return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601", utc=True).astype("datetime64[us, UTC]")


def documents_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Documents: id, key, title, lang, source, published, outlet, author, url, ingested_at, superseded_by,
    chars, sentences, spans.

    ``published`` is UTC (``datetime64[us, UTC]``): a date alone is its midnight UTC, a
    time without an offset is taken as UTC (see ``Store.documents``).
    """
    import pandas as pd

    cols = ["id", "key", "title", "lang", "source", "published", "outlet", "author", "url", "ingested_at",
            "superseded_by", "chars", "sentences", "spans"]  # fmt: skip
    df = pd.DataFrame.from_records(list(rows), columns=cols)
    for col in ("id", "key", "title", "source", "outlet", "author", "url", "superseded_by"):
        df[col] = df[col].astype("string")
    df["lang"] = df["lang"].astype("category")
    df["published"] = _dt(df["published"])
    df["ingested_at"] = _dt(df["ingested_at"])
    for col in ("chars", "sentences", "spans"):
        df[col] = df[col].astype("Int64")
    return df


def sentences_frame(docs: Sequence[tuple[Document, Sequence[Sentence]]]) -> pd.DataFrame:
    """Sentences: doc_id, index, start, end, text, heading."""
    import pandas as pd

    records = [(s.doc_id, s.index, s.start, s.end, s.text, s.heading) for _, sents in docs for s in sents]
    df = pd.DataFrame.from_records(records, columns=["doc_id", "index", "start", "end", "text", "heading"])
    df["doc_id"] = df["doc_id"].astype("string")
    df["text"] = df["text"].astype("string")
    for col in ("index", "start", "end"):
        df[col] = df[col].astype("Int64")
    df["heading"] = df["heading"].astype("bool")
    return df


def sentence_of(doc_ids: Sequence[str], starts: Any, sentence_rows: Sequence[Sequence[Any]]) -> tuple[Any, Any]:
    """The sentence holding each span's start, and that sentence's document offset (numpy arrays).

    A span belongs to the last sentence starting at or before it (so one in the whitespace after a sentence
    belongs to that sentence), or to the first sentence if it starts before every sentence; a span of a
    document without sentences gets -1.

    Args:
        doc_ids: each span's document (a sequence of str, or an Arrow string array).
        starts: each span's start (an int64 numpy array).
        sentence_rows: (doc_id, index, start) of the documents' sentences.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    sentence = np.full(len(doc_ids), -1, dtype="int64")
    offset = np.zeros(len(doc_ids), dtype="int64")
    if not len(doc_ids) or not len(sentence_rows):
        return sentence, offset
    sent_docs, sent_numbers, sent_offsets = (list(column) for column in zip(*sentence_rows))
    # Documents numbered by their place among the sentences' documents; a span's document without
    # sentences gets -1, which no sentence has. Each (document, offset) is then one integer key.
    docs = pa.array(sent_docs, pa.large_string()).dictionary_encode()
    sent_codes = docs.indices.to_numpy().astype("int64")
    if not isinstance(doc_ids, (pa.Array, pa.ChunkedArray)):
        doc_ids = pa.array(doc_ids, pa.large_string())
    span_codes = pc.index_in(doc_ids, value_set=docs.dictionary).fill_null(-1).to_numpy().astype("int64")
    sent_numbers = np.asarray(sent_numbers, dtype="int64")
    sent_offsets = np.asarray(sent_offsets, dtype="int64")
    width = int(max(sent_offsets.max(initial=0), np.max(starts, initial=0))) + 2
    order = np.lexsort((sent_offsets, sent_codes))
    sent_codes, sent_numbers, sent_offsets = sent_codes[order], sent_numbers[order], sent_offsets[order]
    keys = sent_codes * width + sent_offsets
    pos = np.searchsorted(keys, span_codes * width + np.asarray(starts, dtype="int64"), "right") - 1
    # The last sentence starting at or before the span, if it is the span's document's; else (a span before
    # every sentence: the export's rule too) the document's first sentence, the next one, if it is its.
    own = (pos >= 0) & (sent_codes[np.maximum(pos, 0)] == span_codes)
    after = np.minimum(pos + 1, len(keys) - 1)
    first = ~own & (sent_codes[after] == span_codes)
    pick = np.where(own, pos, after)
    found = own | first
    sentence[found] = sent_numbers[pick[found]]
    offset[found] = sent_offsets[pick[found]]
    return sentence, offset


def history_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """History: seq, span_id, annotator, op, at, state (done/undone/dropped/system), step (Int64), before, after."""
    import pandas as pd

    df = pd.DataFrame.from_records(
        list(rows), columns=["seq", "span_id", "annotator", "op", "at", "state", "step", "before", "after"]
    )
    df["seq"] = df["seq"].astype("int64")
    df["step"] = df["step"].astype("Int64")
    df["at"] = _dt(df["at"])
    df["state"] = pd.Categorical(
        df["state"].map({0: "done", 1: "undone", 2: "dropped", 3: "system"}),
        categories=["done", "undone", "dropped", "system"],
    )
    df["op"] = df["op"].astype("category")
    for col in ("before", "after"):
        values = [json.loads(v) if isinstance(v, str) else None for v in df[col]]
        df[col] = pd.Series(values, index=df.index, dtype="object")
    return df


def marks_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """Sentence marks: doc_id, sentence, annotator, status (done/empty), marked_at."""
    import pandas as pd

    df = pd.DataFrame.from_records(list(rows), columns=["doc_id", "sentence", "annotator", "status", "marked_at"])
    df["doc_id"] = df["doc_id"].astype("string")
    df["sentence"] = df["sentence"].astype("Int64")
    df["annotator"] = df["annotator"].astype("category")
    df["status"] = pd.Categorical(df["status"], categories=list(MARK_STATUSES))
    df["marked_at"] = _dt(df["marked_at"])
    return df


def stats_frame(rows: Sequence[Sequence[Any]], schema: LabelSchema) -> pd.DataFrame:
    """A count table: annotators as rows, labels as columns, with a ``total`` row and column."""
    import pandas as pd

    df = pd.DataFrame.from_records(list(rows), columns=["annotator", "label", "count"])
    table = df.pivot_table(index="annotator", columns="label", values="count", aggfunc="sum", fill_value=0)
    labels = list(schema.labels) + sorted(set(table.columns) - set(schema.labels))
    table = table.reindex(columns=labels, fill_value=0).astype("int64")
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table.columns.name = None
    return table
