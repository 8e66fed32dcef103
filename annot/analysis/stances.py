"""Who supports, opposes or doubts whom, who reports whom, and when: the stances of a corpus as frames.

``actor_stance(store)`` gives one row per stance: an accepted STANCE span's
holder and target (each actor's one name across languages, or the free text
when no ACTOR span is named), polarity and evidence, with its document's
outlet and time. Two kinds of row:

- ``stated``: the holder's stance towards the target, as annotated;
- ``reporting``: the outlet's stance towards the holder it reports. An outlet
  that marks a statement as alleged *doubts* its holder; one that reports or
  quotes it without doubt is ``neutral`` towards it.

``stance_matrix`` turns those rows into the actor x target matrix (mean of
+1 supports, -1 opposes and doubts, 0 neutral or unclear), per outlet or per
period if asked; ``reporting`` gives the edges of who reports whom;
``timeline`` puts claims and stances on the publication time line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from annot.analysis.claims import read_corpus
from annot.analysis.groups import describe_value

if TYPE_CHECKING:
    import pandas as pd

    from annot.store import Store

__all__ = ["POLARITY_SCORE", "STANCE_COLUMNS", "actor_stance", "reporting", "stance_matrix", "timeline"]

STANCE_COLUMNS = [
    "stance", "kind", "holder", "target", "target_actor", "polarity", "evidence", "doc_id", "title", "outlet",
    "lang", "published", "sentence", "quote",
]  # fmt: skip
#: How a polarity counts in ``stance_matrix``.
POLARITY_SCORE = {"supports": 1.0, "opposes": -1.0, "doubts": -1.0, "neutral": 0.0, "unclear": 0.0}


def actor_stance(store: Store, docs: Iterable[str] | None = None) -> pd.DataFrame:
    """Every stance of the corpus, stated and reporting (see the module), one row each.

    Args:
        store: the project (read only).
        docs: document references; every current document by default.

    Returns:
        A DataFrame with ``STANCE_COLUMNS``. ``target_actor`` says whether the target is an actor (an ACTOR
        span the stance names) rather than free text ("the deployment"). ``holder`` of a reporting row is
        the outlet (its name, or the document's title when no outlet is recorded) and ``target`` the holder
        it reports; ``polarity`` "doubts" when the statement is marked alleged, else "neutral".

    Raises:
        NotFound: a document reference the store does not have.
    """
    import pandas as pd

    corpus = read_corpus(store, docs)
    stances = corpus.spans[corpus.spans["label"] == "STANCE"]
    rows = []
    for row in stances.itertuples(index=False):
        doc = corpus.documents[row.doc_id]
        holder = _actor(row.attr_holder_span, row.attr_holder, corpus.actor_of)
        target = _actor(row.attr_target_span, row.attr_target, corpus.actor_of)
        target_actor = isinstance(row.attr_target_span, str) and row.attr_target_span in corpus.actor_of
        where = {
            "stance": row.id, "doc_id": doc.id, "title": doc.title, "outlet": doc.outlet, "lang": doc.lang,
            "published": doc.published, "sentence": int(row.sentence), "quote": row.text,
            "evidence": _value(row.attr_evidence),
        }  # fmt: skip
        if holder or target:
            rows.append({**where, "kind": "stated", "holder": holder, "target": target, "target_actor": target_actor,
                         "polarity": _value(row.attr_polarity)})  # fmt: skip
        if holder:
            doubts = where["evidence"] == "alleged"
            rows.append({**where, "kind": "reporting", "holder": doc.outlet or doc.title, "target": holder,
                         "target_actor": True, "polarity": "doubts" if doubts else "neutral"})  # fmt: skip
    return pd.DataFrame.from_records(rows, columns=STANCE_COLUMNS)


def _value(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _actor(span_id: Any, text: Any, actor_of: dict[str, str]) -> str | None:
    if isinstance(span_id, str) and span_id in actor_of:
        return actor_of[span_id]
    return _value(text)


def stance_matrix(
    stances: pd.DataFrame, *, by: str | None = None, kind: str | None = "stated", actors_only: bool = True
) -> pd.DataFrame:
    """The holder x target matrix: the mean of each pair's polarity scores (``POLARITY_SCORE``), NaN for none.

    Args:
        stances: ``actor_stance(...)`` or a filter of it.
        by: a column to split by ("outlet", "lang"), giving a column level above the targets; or a pandas
            offset alias ("D", "W", "M") to split by publication period.
        kind: only "stated" or "reporting" rows; ``None`` for both.
        actors_only: only targets that are actors (``target_actor``), not free-text targets.

    Returns:
        Holders as the index, targets as the columns (under ``by``'s values when given), scores in [-1, 1].
    """
    import pandas as pd

    rows = stances if kind is None else stances[stances["kind"] == kind]
    if actors_only:
        rows = rows[rows["target_actor"].astype(bool)]
    rows = rows.dropna(subset=["holder", "target"]).assign(score=lambda f: f["polarity"].map(POLARITY_SCORE))
    rows = rows.dropna(subset=["score"])
    if rows.empty:
        return pd.DataFrame(dtype=float)
    columns: list[Any] = ["target"]
    if by is not None:
        if by in rows:
            columns = [by, "target"]
        else:
            rows = rows.assign(period=rows["published"].dt.tz_convert(None).dt.to_period(by).astype(str))
            columns = ["period", "target"]
    return rows.pivot_table(index="holder", columns=columns, values="score", aggfunc="mean")


def reporting(stances: pd.DataFrame) -> pd.DataFrame:
    """Who reports whom: one row per (reporter, source) with how often and how often as alleged.

    A reporter is an outlet; its sources are the holders of the statements it reports (``reporting`` rows
    of ``actor_stance``).

    Columns: reporter, source, statements, alleged, outlets' languages (comma-separated).
    """
    import pandas as pd

    rows = stances[stances["kind"] == "reporting"]
    if rows.empty:
        return pd.DataFrame(columns=["reporter", "source", "statements", "alleged", "languages"])
    grouped = rows.groupby(["holder", "target"], sort=True)
    frame = grouped.agg(
        statements=("stance", "size"),
        alleged=("polarity", lambda p: int((p == "doubts").sum())),
        languages=("lang", lambda langs: ", ".join(sorted(set(langs)))),
    ).reset_index()
    return frame.rename(columns={"holder": "reporter", "target": "source"}).sort_values(
        ["statements", "reporter", "source"], ascending=[False, True, True], ignore_index=True
    )


def timeline(ledger: pd.DataFrame, stances: pd.DataFrame | None = None) -> pd.DataFrame:
    """Claims (and stances, if given) by publication time, one row each, earliest first.

    Columns: published, outlet, lang, kind ("claim" or "stance"), what (the claim group's label, or
    "holder -> target"), value (a claim's number), detail (the claim as written with its qualifier and holder,
    or the stance's polarity and evidence), doc_id, quote.

    Args:
        ledger: ``annot.claims(...)``.
        stances: ``actor_stance(...)``; its ``stated`` rows are added.
    """
    import pandas as pd

    claims = pd.DataFrame({
        "published": ledger["published"], "outlet": ledger["outlet"], "lang": ledger["lang"], "kind": "claim",
        "what": ledger["group_label"], "value": ledger["value"],
        "detail": [_claim_detail(c) for c in ledger[_DETAIL].to_dict("records")],
        "doc_id": ledger["doc_id"], "quote": ledger["quote"],
    })  # fmt: skip
    frames = [claims]
    if stances is not None and not stances.empty:
        stated = stances[stances["kind"] == "stated"]
        frames.append(pd.DataFrame({
            "published": stated["published"], "outlet": stated["outlet"], "lang": stated["lang"], "kind": "stance",
            "what": [f"{_value(h) or '?'} -> {_value(t) or '?'}" for h, t in zip(stated["holder"], stated["target"])],
            "value": float("nan"),
            "detail": [f"{_value(p) or 'unclear'}, {_value(e) or 'asserted'}"
                       for p, e in zip(stated["polarity"], stated["evidence"])],
            "doc_id": stated["doc_id"], "quote": stated["quote"],
        }))  # fmt: skip
    frame = pd.concat([f for f in frames if not f.empty] or frames, ignore_index=True)
    return frame.sort_values(["published", "outlet", "kind"], na_position="last", ignore_index=True)


_DETAIL = ["qualifier", "value", "low", "high", "holder"]


def _claim_detail(claim: dict[str, Any]) -> str:
    said, holder = describe_value(claim), claim["holder"]
    return f"{said} ({holder})" if isinstance(holder, str) and holder else said
