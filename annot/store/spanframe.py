"""Reading spans into a typed DataFrame at the speed of the disk: Arrow-backed columns, chunk by chunk.

``Store.spans()`` used to fetch every row as a Python tuple and let pandas
infer each column before retyping it: two copies of a million rows of Python
objects. Here rows come from SQLite in chunks of ``CHUNK``; each chunk is turned
at once into Arrow arrays (strings packed in one buffer, numbers in numpy) and
its tuples freed, so the peak holds one chunk of Python objects, not the table.
Only the SQL columns the asked frame columns need are read (``columns=``).

SQLite is read through Python's ``sqlite3`` module, not ADBC or connectorx:
those bundle their own SQLite library, and two SQLite libraries in one process
do not share their POSIX locks, so the other one closing its handle on the
file would drop the locks of this process's ``sqlite3`` connections (see
``annot.store.db._check_existing``).
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from annot.errors import SpanError
from annot.model import ANCHORS, Origin, Status

if TYPE_CHECKING:
    import pandas as pd

    from annot.schema import LabelSchema

__all__ = ["CHUNK", "SPAN_FRAME_COLUMNS", "collector_paused", "read_spans_frame", "span_frame_columns"]

CHUNK = 50_000  # rows of Python objects alive at once; larger chunks gain nothing measurable

# The frame's columns, in order; ``deleted`` only with ``include_deleted``.
SPAN_FRAME_COLUMNS = (
    "id", "doc_id", "start", "end", "sentence", "sent_start", "sent_end", "label", "attrs", "text",
    "annotator", "origin", "status", "anchor", "created_at", "updated_at", "confidence", "deleted",
)  # fmt: skip

# What each frame column reads from SQL (the sentence columns are derived from doc_id, start and end).
_NEEDS: dict[str, tuple[str, ...]] = {
    "sentence": ("doc_id", "start"),
    "sent_start": ("doc_id", "start"),
    "sent_end": ("doc_id", "start", "end"),
}
_FIXED = {"origin": [o.value for o in Origin], "status": [s.value for s in Status], "anchor": list(ANCHORS)}
_STRINGS = ("id", "doc_id", "text")
_INTS = ("start", "end", "deleted")
_SORT_KEY = {"doc_id", "start", "end", "id"}
_DERIVED = ("sentence", "sent_start", "sent_end")


def span_frame_columns(columns: Sequence[str] | None, *, include_deleted: bool) -> list[str]:
    """The frame columns asked for, checked: all of them (in order) when ``columns`` is None.

    Raises:
        SpanError: an unknown or repeated column, or ``deleted`` without ``include_deleted``.
    """
    valid = [c for c in SPAN_FRAME_COLUMNS if include_deleted or c != "deleted"]
    if columns is None:
        return valid
    if isinstance(columns, str):
        columns = [columns]
    asked = list(columns)
    unknown = [c for c in asked if c not in valid]
    if unknown:
        hint = " (add include_deleted=True)" if unknown == ["deleted"] else ""
        raise SpanError(f"Unknown span column(s) {', '.join(map(repr, unknown))}{hint}. Valid: {', '.join(valid)}.")
    if len(set(asked)) != len(asked):
        raise SpanError(f"Span columns repeated in {asked}; name each once.")
    return asked


def _sql_columns(asked: Sequence[str], flatten: bool) -> list[str]:
    """The span table's columns to read for the frame columns ``asked``, in a fixed order."""
    needed = set(asked) - set(_DERIVED) - {"confidence"}
    if "confidence" in asked:
        needed.add("id")  # to find each span's confidence
    for column in asked:
        needed.update(_NEEDS.get(column, ()))
    if flatten:
        needed.add("attrs")
    return [c for c in SPAN_FRAME_COLUMNS if c in needed]


def _codes_sql(column: str, categories: Sequence[str], otherwise: str) -> tuple[str, list[str]]:
    """SQL giving each value's place in ``categories`` (a small int: no Python object per row), else ``otherwise``."""
    cases = " ".join(f"WHEN ? THEN {i}" for i in range(len(categories)))
    return (f"CASE p.{column} {cases} ELSE {otherwise} END" if categories else otherwise), list(categories)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector paused, for bulk readers: the million dicts they make and keep are no garbage.

    Each collection would walk every dict made so far; at a million spans that was a quarter of the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_spans_frame(
    conn: sqlite3.Connection, *, where: str, args: Sequence[Any], confidences: bool,
    sentence_filter: tuple[str, Sequence[Any]], schema: LabelSchema, columns: Sequence[str],
    flatten: bool,
) -> pd.DataFrame:  # fmt: skip
    """The spans matching ``where`` as a DataFrame of ``columns`` (checked by ``span_frame_columns``).

    Args:
        conn: a connection inside a read transaction.
        where: the SQL condition on ``spans p`` (``args`` fill its placeholders).
        args: its parameters.
        confidences: whether the file has the ``span_confidence`` table (else every confidence is ``<NA>``).
        sentence_filter: (a WHERE clause on ``sentences``, its parameters) for the sentence columns.
        schema: the project's labels, the label column's categories.
        columns: the frame columns, in the frame's order.
        flatten: add one ``attr.<name>`` column per attribute.

    Returns:
        The frame: see ``Store.spans`` for its dtypes.
    """
    sql_cols = _sql_columns(columns, flatten)
    select, params = [], []
    # PostgreSQL's CASE cannot mix codes and text: there labels come as text, coded in _fetch.
    coded_labels = isinstance(conn, sqlite3.Connection)
    for name in sql_cols:
        if name in _FIXED or (name == "label" and coded_labels):
            # Labels outside the schema (a label since removed from it) come as text, the rest as codes.
            categories = schema.labels if name == "label" else _FIXED[name]
            sql, values = _codes_sql(name, categories, "p.label" if name == "label" else "-1")
            select.append(sql)
            params.extend(values)
        else:
            select.append(f'p."{name}"')
    # The whole key in SQL makes SQLite sort in a temporary b-tree (a tenth of the time at a million spans);
    # the index gives (doc_id, start) order, and _sorted orders the rare ties when their columns are read.
    order = "doc_id, start" if set(sql_cols) >= _SORT_KEY else 'doc_id, start, "end", id'
    with collector_paused():
        sql = f"SELECT {', '.join(select) or '1'} FROM spans p WHERE {where} ORDER BY {order}"
        # PostgreSQL's connection streams (a server-side cursor): its execute() would hold every row in this
        # process before the first chunk.
        stream = getattr(conn, "stream", None)
        cursor = conn.execute(sql, [*params, *args]) if stream is None else stream(sql, [*params, *args])
        raw = _fetch(cursor, sql_cols, list(schema.labels))
        if raw.keys() >= _SORT_KEY:
            _sorted(raw)
        sentence_rows: list[Any] = []
        if set(columns) & set(_DERIVED):
            sentence_rows = conn.execute(
                f"SELECT doc_id, idx, start FROM sentences {sentence_filter[0]}", sentence_filter[1]
            ).fetchall()
        if "confidence" in columns:
            raw["confidence"] = _confidences(conn, where, args, confidences, raw["id"])
        return _frame(raw, sentence_rows, schema, columns, flatten)


def _confidences(conn: sqlite3.Connection, where: str, args: Sequence[Any], present: bool, ids: Any) -> Any:
    """The confidence of each span of ``ids`` (``Float64``), read apart: only suggested spans have one.

    A join in the main query would look up every span in ``span_confidence``.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = (
        conn.execute(
            f"SELECT c.span_id, c.confidence FROM span_confidence c JOIN spans p ON p.id = c.span_id WHERE {where}",
            args,
        ).fetchall()
        if present else []
    )  # fmt: skip
    if not rows:
        return pd.array([None] * len(ids), dtype="Float64")
    span_ids, values = zip(*rows)
    where_found = pc.index_in(ids, value_set=pa.array(span_ids, pa.large_string()))
    found = pa.array(values, pa.float64()).take(where_found)
    return pd.array(found, dtype="Float64")


def _fetch(cursor: sqlite3.Cursor, sql_cols: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Every row of ``cursor``, as one Arrow chunked array per column (``attrs``: one list of dicts).

    ``label`` comes as codes into the schema's ``labels`` (or as text, coded here), with labels outside
    them numbered on in order of appearance (their names in ``raw["other_labels"]``).
    """
    import pyarrow as pa

    known = {label: code for code, label in enumerate(labels)}

    chunks: dict[str, list[Any]] = {c: [] for c in sql_cols}
    attrs: list[Any] = []
    other_labels: dict[str, int] = {}
    rows = 0
    while batch := cursor.fetchmany(CHUNK):
        rows += len(batch)
        for name, values in zip(sql_cols, zip(*batch)):
            if name == "attrs":
                # One JSON document per chunk: a third faster than a json.loads per span.
                attrs.extend(json.loads(f"[{','.join(values)}]"))
            elif name == "label":
                try:
                    chunks[name].append(pa.array(values, pa.int64()))
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    codes = [
                        v if isinstance(v, int) else known[v] if v in known
                        else other_labels.setdefault(v, len(known) + len(other_labels))
                        for v in values
                    ]  # fmt: skip
                    chunks[name].append(pa.array(codes, pa.int64()))
            else:
                chunks[name].append(pa.array(values, _arrow_type(name)))
        del batch
    out: dict[str, Any] = {"rows": rows, "other_labels": list(other_labels)}
    for name in sql_cols:
        if name == "attrs":
            out[name] = attrs
        else:
            out[name] = pa.chunked_array(chunks[name], _arrow_type(name))
    return out


def _arrow_type(name: str) -> Any:
    """How a span column is held once read: numbers and category codes as int64, texts as large strings."""
    import pyarrow as pa

    return pa.int64() if name in _INTS or name in _FIXED or name == "label" else pa.large_string()


def _sorted(raw: dict[str, Any]) -> None:
    """Order ``raw``'s rows, read in (doc_id, start) order, by (doc_id, start, end, id) in place."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = raw["rows"]
    if n < 2:
        return
    docs, starts, ends = raw["doc_id"], _ints(raw["start"]), _ints(raw["end"])
    same = np.asarray(pc.equal(docs[1:], docs[:-1]).to_numpy(zero_copy_only=False), dtype=bool) & (
        starts[1:] == starts[:-1]
    )
    if not same.any():
        return
    tied = np.zeros(n, dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    rows = np.flatnonzero(tied)
    group = np.cumsum(~np.concatenate([[False], same]))[rows]  # one number per (doc_id, start)
    ids = raw["id"].take(pa.array(rows)).to_pylist()
    ranked = sorted(range(len(rows)), key=lambda i: (group[i], ends[rows[i]], ids[i]))
    order = np.arange(n)
    order[rows] = rows[ranked]
    if (order[rows] == rows).all():
        return
    take = pa.array(order)
    for name, values in raw.items():
        if name == "attrs":
            raw[name] = [values[i] for i in order.tolist()]
        elif isinstance(values, pa.ChunkedArray):
            raw[name] = values.take(take)


def _ints(values: Any) -> Any:
    """An Arrow (or numpy) integer array without nulls as a numpy int64 array."""
    import numpy as np

    return np.asarray(values, dtype="int64")


def _categorical(codes: Any, categories: Sequence[str]) -> pd.Categorical:
    import pandas as pd

    return pd.Categorical.from_codes(_ints(codes), categories=list(categories))


def _timestamps(values: Any) -> Any:
    """ISO 8601 texts as ``datetime64[us, UTC]``: Arrow's parser, pandas' for forms it does not take."""
    import pandas as pd
    import pyarrow as pa

    try:
        return values.cast(pa.timestamp("us", tz="UTC")).to_pandas().array
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # Not every text is ``to_timestamp``'s form (a date alone, no offset): pandas' ISO parser, as before.
        parsed = pd.to_datetime(pd.Series(values.to_pylist(), dtype="object"), format="ISO8601", utc=True)
        return parsed.astype("datetime64[us, UTC]").array


def _frame(
    raw: dict[str, Any], sentence_rows: Sequence[Sequence[Any]], schema: LabelSchema, columns: Sequence[str],
    flatten: bool,
) -> pd.DataFrame:  # fmt: skip
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from annot.store.frames import sentence_of

    n = raw["rows"]
    out: dict[str, Any] = {}
    if set(columns) & set(_DERIVED):
        sentence, offset = sentence_of(raw["doc_id"], _ints(raw["start"]), sentence_rows)
        missing = sentence < 0
        if "sentence" in columns:
            out["sentence"] = pd.arrays.IntegerArray(np.where(missing, 0, sentence), missing.copy())
        if "sent_start" in columns:
            out["sent_start"] = pd.arrays.IntegerArray(_ints(raw["start"]) - offset, missing.copy())
        if "sent_end" in columns:
            out["sent_end"] = pd.arrays.IntegerArray(_ints(raw["end"]) - offset, missing.copy())
    for name in columns:
        if name in _DERIVED:
            continue
        values = raw[name]
        if name in _STRINGS:
            out[name] = pd.arrays.ArrowStringArray(values)
        elif name in ("start", "end"):
            out[name] = pd.arrays.IntegerArray(_ints(values), np.zeros(n, dtype=bool))
        elif name == "label":
            # Labels outside the schema after its own, sorted (numbered in order of appearance when read).
            other = raw["other_labels"]
            codes = _ints(values)
            if other:
                ranks = np.argsort(np.argsort(np.array(other, dtype=object)))
                remap = np.concatenate([np.arange(len(schema.labels)), len(schema.labels) + ranks])
                codes = remap[codes]
            out[name] = _categorical(codes, [*schema.labels, *sorted(other)])
        elif name == "annotator":
            categories = sorted(pc.unique(values).to_pylist())
            codes = pc.index_in(values, value_set=pa.array(categories, pa.large_string()))
            out[name] = _categorical(codes, categories)
        elif name in _FIXED:
            out[name] = _categorical(values, _FIXED[name])
        elif name == "attrs":
            dicts = np.empty(n, dtype=object)
            dicts[:] = values  # an array of dicts: pandas would read a list of dicts as records
            out[name] = dicts
        elif name in ("created_at", "updated_at"):
            out[name] = _timestamps(values)
        elif name == "confidence":
            out[name] = values
        elif name == "deleted":
            out[name] = _ints(values).astype(bool)
    df = pd.DataFrame({name: out[name] for name in columns}, index=pd.RangeIndex(n), copy=False)
    if flatten and n:
        flat = pd.json_normalize(raw["attrs"]).add_prefix("attr.")
        flat.index = df.index
        df = pd.concat([df, flat], axis=1)
    return df
