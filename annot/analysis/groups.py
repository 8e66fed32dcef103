"""Claims about the same thing, across documents and languages, and where they disagree.

Two steps, both over the ledger's rows only:

1. **Events.** Documents tell the same event when they are linked (one is a
   version of the other), or when both were published within ``window`` of
   each other and name at least ``shared_actors`` of the same actors. Events
   are the connected parts of that relation (a union-find over documents; each
   document is joined to the next one naming the same ``shared_actors`` actors
   when that one is within the window, so the work grows with the documents and
   their sets of actors, not with the pairs published within a window).
2. **Groups.** Within an event, the claims that count the same thing
   (``annot.analysis.things``) form a group.

A discrepancy is found by comparing each variant of a group with the group's
most common one (so a group of a thousand claims costs as much as its distinct
variants, not their pairs):

- ``value``: a different value, or a range against a point ("up to 9,000" and
  "10,500"; "between 8,000 and 9,000" and "9,000");
- ``qualifier``: the same value with another qualifier ("up to 9,000" and "9,000",
  a qualifier dropped; "up to" and "approximately", a qualifier changed);
- ``holder``: the same value said by different holders (claims no stance holds,
  the outlet's own, are compared by value only; a holder whose name holds
  another's, "Ministry of Defence of Belarus" and "Belarus", is the same side);
- ``evidence``: the same value reported as fact (asserted, reported, quoted) by one
  and as alleged by another.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from annot.names import name_key

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DISCREPANCY_KINDS",
    "claim_groups",
    "describe_value",
    "discrepancies",
    "events",
    "group_rows",
]

#: The kinds of discrepancy within a claim group.
DISCREPANCY_KINDS = ("value", "qualifier", "holder", "evidence")
DISCREPANCY_COLUMNS = [
    "group", "group_label", "kind", "detail", "claim", "doc_id", "outlet", "lang", "quote", "against",
    "against_doc", "against_outlet", "against_quote",
]  # fmt: skip


class _Events:
    """Union-find over document ids."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def events(
    documents: Sequence[Any],
    links: Iterable[tuple[str, str]],
    actors: Mapping[str, frozenset[str]],
    *,
    window: timedelta | None,
    shared_actors: int,
) -> dict[str, str]:
    """Document id -> its event's id (the id of its earliest-listed document).

    Args:
        documents: objects with ``id`` and ``published`` (a UTC timestamp or NaT).
        links: linked document pairs.
        actors: document id -> the actors it names (one name each across languages).
        window: the most two documents' publication times may differ; ``None`` ignores dates.
        shared_actors: how many actors they must both name.
    """
    found = _Events(d.id for d in documents)
    for a, b in links:
        if a in found.parent and b in found.parent:
            found.join(a, b)
    if window is None:
        dated = [(0.0, d.id) for d in documents]
        span = float("inf")
    else:
        dated = sorted((d.published.timestamp(), d.id) for d in documents if _has_time(d.published))
        span = window.total_seconds()
    # Two documents share ``shared_actors`` actors when they share a set of that many: documents are put in a
    # bucket per such set they name, and within a bucket (in time order) each is joined to the next when that
    # one is within the window. The events are the same as joining every pair of the bucket within the window
    # (a pair within it has every document between them within it too), at the cost of the buckets' sizes,
    # not of the pairs within the window (250 x 10,000 for 10,000 articles over four months).
    buckets: dict[tuple[str, ...], list[tuple[float, str]]] = {}
    size = max(shared_actors, 0)
    for time, doc in dated:
        mine = actors.get(doc, frozenset())
        if len(mine) < size:
            continue
        for common in itertools.combinations(sorted(mine), size):
            buckets.setdefault(common, []).append((time, doc))
    for bucket in buckets.values():  # each in time order already, as ``dated`` is
        for (time, doc), (later, other) in itertools.pairwise(bucket):
            if later <= time + span:
                found.join(doc, other)
    return {d.id: found.find(d.id) for d in documents}


def _has_time(value: Any) -> bool:
    # A Timestamp equal to itself is a time (NaT is not equal to itself): str() only for other types (slow).
    return value is not None and value == value and (type(value).__name__ == "Timestamp" or str(value) != "NaT")


def group_rows(
    rows: list[dict[str, Any]],
    *,
    documents: Sequence[Any],
    links: Iterable[tuple[str, str]],
    actors: Mapping[str, frozenset[str]],
    window: timedelta | None,
    shared_actors: int,
) -> list[dict[str, Any]]:
    """The ledger's rows with ``event``, ``event_label``, ``group``, ``group_label`` and ``discrepancies`` set.

    Works on the rows before they are a frame (the rows are filled in place; the returned list is sorted by
    group, publication time, document and sentence): a hundred thousand claims cost a quarter less than
    filling and sorting the columns of a frame of pyarrow strings. Groups are numbered ``g1``, ``g2``... by
    event (earliest first) and then by size (largest first); a claim with no counted thing is a group of its
    own.
    """
    if not rows:
        return rows
    event_of = events(documents, links, actors, window=window, shared_actors=shared_actors)
    published = {d.id: d.published for d in documents}
    members: dict[str, list[str]] = {}
    for doc, event in event_of.items():
        members.setdefault(event, []).append(doc)
    event_labels = {event: _event_label(docs, actors, published) for event, docs in members.items()}
    keys = []
    for row in rows:
        event = row["event"] = event_of[row["doc_id"]]
        row["event_label"] = event_labels[event]
        thing = row["thing"]
        keys.append((event, thing if isinstance(thing, str) and thing else f"claim:{row['claim']}"))
    first_time = {event: min((published[d] for d in docs if _has_time(published[d])), default=None)
                  for event, docs in members.items()}  # fmt: skip
    sizes = Counter(keys)
    order = sorted(sizes, key=lambda k: (_sort_time(first_time.get(k[0])), k[0], -sizes[k], k[1]))
    number = {key: f"g{i}" for i, key in enumerate(order, start=1)}
    names: dict[tuple[str, str], Counter[str]] = {}
    for key, row in zip(keys, rows):
        thing_label = row["thing_label"]
        label = row["quote"] if key[1].startswith("claim:") or not isinstance(thing_label, str) else thing_label
        names.setdefault(key, Counter())[str(label)] += 1
    labels = {key: f"{names[key].most_common(1)[0][0]} · {event_labels[key[0]]}" for key in order}
    for key, row in zip(keys, rows):
        row["group"], row["group_label"] = number[key], labels[key]
    kinds: dict[str, set[str]] = {}
    for found in _discrepancies_of(rows, described=False):
        kinds.setdefault(found["claim"], set()).add(found["kind"])  # the claim that differs, not the usual one
    for row in rows:
        marked = kinds.get(row["claim"], ())
        row["discrepancies"] = ", ".join(k for k in DISCREPANCY_KINDS if k in marked)
    # The frame's order (pandas' sort is stable, and so is this): group number, time (none last), document,
    # sentence.
    return sorted(rows, key=lambda r: (int(r["group"][1:]), *_time_key(r["published"]), r["doc_id"], r["sentence"]))


def _time_key(value: Any) -> tuple[int, Any]:
    return (0, value) if _has_time(value) else (1, 0)


def _sort_time(value: Any) -> float:
    return value.timestamp() if value is not None else float("inf")


def _event_label(docs: Sequence[str], actors: Mapping[str, frozenset[str]], published: Mapping[str, Any]) -> str:
    """The actors most of the event's documents name, and its dates: "Belarus, Russia, Ukraine · 17–19 Oct 2022"."""
    counts = Counter(a for d in docs for a in actors.get(d, ()))
    names = ", ".join(sorted(counts, key=lambda name: (-counts[name], name))[:3]) or "no actors"
    times = sorted(published[d] for d in docs if _has_time(published[d]))
    if not times:
        return names
    first, last = times[0], times[-1]
    if first.date() == last.date():
        dates = f"{first.day} {first:%b %Y}"
    elif (first.year, first.month) == (last.year, last.month):
        dates = f"{first.day}–{last.day} {last:%b %Y}"
    else:
        dates = f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    return f"{names} · {dates}"


def _discrepancies(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Every discrepancy of every group of a ledger frame (``_discrepancies_of`` over its compared columns)."""
    # Only the columns compared and reported, as lists: ``to_dict("records")`` of the whole ledger costs ten
    # times more (every column, and a Python call per cell of a pyarrow string column).
    names = [c for c in _COMPARED if c in frame]
    return _discrepancies_of([dict(zip(names, values)) for values in zip(*(frame[c].tolist() for c in names))])


def _discrepancies_of(records: Sequence[Mapping[str, Any]], *, described: bool = True) -> list[dict[str, Any]]:
    """Every discrepancy of every group: each variant against the group's most common one (see the module).

    With ``described=False`` each row holds only ``kind``, ``claim`` and ``against`` (what marking the ledger
    needs: the other columns and the detail text are most of the work).
    """
    found: list[dict[str, Any]] = []
    by_group: dict[str, list[dict[str, Any]]] = {}
    for row in records:
        by_group.setdefault(row["group"], []).append(row)
    for claims in by_group.values():
        if len({c["doc_id"] for c in claims}) < 2:
            continue
        found += _compare(claims, "value", _value_of, describe_value, described)
        by_value: dict[Any, list[dict[str, Any]]] = {}
        for claim in claims:
            by_value.setdefault(_value_of(claim), []).append(claim)
        for same in by_value.values():
            found += _compare(same, "qualifier", lambda c: c["qualifier"], lambda c: str(c["qualifier"]), described)
            held = [c for c in same if isinstance(c["holder"], str) and c["holder"]]  # NaN: no holder
            if len(held) > 1:  # one holder differs from nothing
                found += _compare(held, "holder", _holder_variant(held), lambda c: str(c["holder"]), described)
            found += _compare(same, "evidence", _alleged, lambda c: "alleged" if _alleged(c) else "as fact", described)
    return found


_COMPARED = ("group", "group_label", "claim", "doc_id", "outlet", "lang", "quote", "value", "low", "high",
             "qualifier", "holder", "evidence")  # fmt: skip


def _compare(
    claims: Sequence[dict[str, Any]], kind: str, variant: Any, describe: Any, described: bool = True
) -> list[dict[str, Any]]:
    """One discrepancy per claim of a variant other than the most common one, against a claim of that one.

    Claims of the same document are never compared: an article repeating itself is no discrepancy.
    """
    if len(claims) < 2:  # one variant at most (most value buckets hold a single claim)
        return []
    keys = [variant(c) for c in claims]  # once each: a group holds hundreds of claims
    variants = Counter(keys)
    if len(variants) < 2:
        return []
    # The most common variant; on a tie, the one of the earliest claim (the ledger is in publication order).
    first_seen: dict[Any, int] = {}
    for i, key in enumerate(keys):
        first_seen.setdefault(key, i)
    common = max(variants, key=lambda v: (variants[v], -first_seen[v]))
    # The claim each other is compared with: the first of the common variant, or of another document than it.
    usual = [c for c, key in zip(claims, keys) if key == common]
    other = next((c for c in usual if c["doc_id"] != usual[0]["doc_id"]), None)
    rows = []
    for claim, key in zip(claims, keys):
        if key == common:
            continue
        against = usual[0] if usual[0]["doc_id"] != claim["doc_id"] else other
        if against is None:
            continue
        if not described:
            rows.append({"kind": kind, "claim": claim["claim"], "against": against["claim"]})
            continue
        rows.append({
            "group": claim["group"], "group_label": claim["group_label"], "kind": kind,
            "detail": f"{describe(claim)} against {describe(against)}", "claim": claim["claim"],
            "doc_id": claim["doc_id"], "outlet": claim["outlet"], "lang": claim["lang"], "quote": claim["quote"],
            "against": against["claim"], "against_doc": against["doc_id"], "against_outlet": against["outlet"],
            "against_quote": against["quote"],
        })  # fmt: skip
    return rows


def _holder_variant(claims: Sequence[Mapping[str, Any]]) -> Any:
    """A claim's holder, where a holder whose name holds another's whole name is that one.

    "Ministry of Defence of Belarus" speaks for "Belarus" (the same side of the claim), so they are one
    variant; "the Kremlin" and "Belarus" are two.
    """
    words = {c["holder"]: frozenset(name_key(c["holder"]).split()) for c in claims}
    shortest = sorted(words, key=lambda h: (len(words[h]), h))
    same: dict[str, str] = {}
    for holder in words:
        same[holder] = next((h for h in shortest if words[h] and words[h] <= words[holder]), holder)
    return lambda c: same[c["holder"]]


def _value_of(claim: Mapping[str, Any]) -> tuple[Any, ...]:
    if claim["qualifier"] == "range" and claim["low"] is not None and claim["high"] is not None:
        return ("range", claim["low"], claim["high"])
    return ("point", claim["value"])


def describe_value(claim: Mapping[str, Any]) -> str:
    """A claim's value as people read it: "up to 9,000", "9,000" (exact), "8,000–9,000" (a range)."""
    kind, *numbers = _value_of(claim)
    shown = [_format(n) for n in numbers]
    if kind == "range":
        return f"{shown[0]}–{shown[1]}"
    qualifier = claim["qualifier"]
    return shown[0] if qualifier in (None, "exact") else f"{qualifier} {shown[0]}"


def _format(number: Any) -> str:
    if number is None or number != number:
        return "?"
    return f"{int(number):,}" if float(number).is_integer() else f"{number:,}"


def _alleged(claim: Mapping[str, Any]) -> bool:
    return claim["evidence"] == "alleged"


def discrepancies(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger's discrepancies, one row per claim that differs from its group's most common variant.

    Columns: group, group_label, kind (``DISCREPANCY_KINDS``), detail ("9,000 against up to 9,000"), the claim
    (claim, doc_id, outlet, lang, quote) and the claim it differs from (against, against_doc, against_outlet,
    against_quote).

    Args:
        ledger: ``annot.claims(...)``, or any filter of it (groups are compared within what is given).
    """
    import pandas as pd

    return pd.DataFrame.from_records(_discrepancies(ledger), columns=DISCREPANCY_COLUMNS)


def claim_groups(ledger: pd.DataFrame) -> pd.DataFrame:
    """One row per claim group: what it counts, who claimed what, and the discrepancies within it.

    Columns: group, group_label, thing, event_label, claims, documents, outlets and languages (counts),
    values (each distinct value as claimed, most common first: "up to 9,000 (3) · 9,000 (1)"), holders
    (distinct, "" for the outlet's own voice), first and last (publication times), discrepancies (kinds
    found, comma-separated). Most disputed first: by number of discrepancy kinds, then claims.

    Args:
        ledger: ``annot.claims(...)``.
    """
    import pandas as pd

    columns = ["group", "group_label", "thing", "event_label", "claims", "documents", "outlets", "languages",
               "values", "holders", "first", "last", "discrepancies"]  # fmt: skip
    rows = []
    for group, claims in ledger.groupby("group", sort=False):
        records = claims.to_dict("records")
        values = Counter(describe_value(c) for c in records)
        kinds = {k for found in claims["discrepancies"] for k in str(found).split(", ") if k}
        rows.append({
            "group": group, "group_label": records[0]["group_label"], "thing": records[0]["thing"],
            "event_label": records[0]["event_label"], "claims": len(records),
            "documents": claims["doc_id"].nunique(), "outlets": claims["outlet"].nunique(),
            "languages": claims["lang"].nunique(),
            "values": " · ".join(f"{v} ({n})" for v, n in values.most_common()),
            "holders": ", ".join(sorted({str(h) for h in claims["holder"].dropna()})),
            "first": claims["published"].min(), "last": claims["published"].max(),
            "discrepancies": ", ".join(k for k in DISCREPANCY_KINDS if k in kinds),
        })  # fmt: skip
    frame = pd.DataFrame.from_records(rows, columns=columns)
    disputed = frame["discrepancies"].map(lambda k: len([x for x in k.split(", ") if x]))
    order = sorted(range(len(frame)), key=lambda i: (-disputed.iloc[i], -frame["claims"].iloc[i], i))
    return frame.iloc[order].reset_index(drop=True)
