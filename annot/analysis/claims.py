"""The claims ledger: every quantity claim of the corpus, who made it, how sure, grouped across sources.

``claims(store)`` reads the store and never writes it. One row per claim:

- **Annotated claims**: each accepted QUANTITY span, with its value, bounds,
  qualifier and counted thing (``annot.analysis.things``); a counted word the
  table does not list is read through the sentence's stored English translation
  (the words the same number counts there: the ``gloss``).
- **Projected claims**: a QUANTITY that projection (``annot project``,
  ``refresh_projection``) carried into a linked version with no accepted
  QUANTITY of its own there, read again in that version's language.
- **The stance around it**: the innermost accepted STANCE span holding the
  quantity gives the holder (its ACTOR's one name across languages,
  ``annot.analysis.actors``), evidence and polarity. A claim no stance holds is
  the outlet's own: evidence ``asserted``, no holder.
- **Where it is**: document, outlet, author, language, publication time, sentence,
  quote, and the sentence's English (a stored translation of it) when there is one.

Claims are then grouped (``annot.analysis.groups``): documents about the same
event (linked, or published within ``window`` of each other and naming at least
``shared_actors`` of the same actors), and within an event the claims that count
the same thing. Discrepancies within a group are marked on each claim.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from annot.analysis.actors import ActorNames
from annot.analysis.things import Thing, ThingTable, load_things, thing_of
from annot.model import Origin
from annot.store.spanframe import collector_paused

if TYPE_CHECKING:
    import pandas as pd

    from annot.store import Store

__all__ = ["CLAIM_COLUMNS", "Corpus", "claims", "read_corpus"]

#: The ledger's columns, in order.
CLAIM_COLUMNS = [
    "claim", "doc_id", "title", "outlet", "author", "lang", "published", "url", "sentence", "quote",
    "sentence_text", "translation", "value", "low", "high", "qualifier", "unit", "thing", "thing_label", "lemma",
    "gloss", "holder", "holder_text", "evidence", "polarity", "stance", "origin", "via", "event", "event_label",
    "group", "group_label", "discrepancies",
]  # fmt: skip
_AUTHOR = "author"


@dataclass(slots=True)
class _Doc:
    id: str
    title: str
    lang: str
    outlet: str | None
    author: str | None
    url: str | None
    published: Any  # pandas Timestamp (UTC) or NaT


def claims(
    store: Store,
    docs: Iterable[str] | None = None,
    *,
    window: timedelta | None = timedelta(days=3),
    shared_actors: int = 2,
    projected: bool = True,
) -> pd.DataFrame:
    """The ledger: one row per quantity claim, grouped across documents and languages, discrepancies marked.

    Args:
        store: the project (read only).
        docs: document references (ids, keys, titles ``document()`` accepts); every current document by default.
        window: how far apart two documents' publication times may be to tell the same event (with
            ``shared_actors``); ``None`` ignores dates. Linked documents are one event whatever their dates.
        shared_actors: how many actors two documents must both name to tell the same event.
        projected: add the claims projection carried into linked versions (stored projections only).

    Returns:
        A DataFrame with ``CLAIM_COLUMNS``: ``value``/``low``/``high`` floats (``low``/``high`` set for a
        range), ``published`` UTC, ``origin`` "annotated" or "projected" (``via``: the source document),
        ``evidence`` "asserted" when no stance holds the claim, ``discrepancies`` the kinds in which the
        claim differs from its group's most common version, comma-separated ("" for none and for the common
        version itself): ``value``, ``qualifier``, ``holder``, ``evidence``.

    Raises:
        NotFound: a document reference the store does not have.
    """
    # The ledger allocates a few containers per claim (a million for 100,000 claims) and no reference cycles.
    with collector_paused():
        return _ledger(store, docs, window=window, shared_actors=shared_actors, projected=projected)


def _ledger(
    store: Store, docs: Iterable[str] | None, *, window: timedelta | None, shared_actors: int, projected: bool
) -> pd.DataFrame:
    from annot.analysis.groups import group_rows
    from annot.schema import PROJECT_FILE, read_project_file

    project = read_project_file(store.path / PROJECT_FILE) if (store.path / PROJECT_FILE).is_file() else {}
    table = load_things(project)
    corpus = read_corpus(store, docs)
    documents, actor_of = corpus.documents, corpus.actor_of
    english = _english_sentences(store, documents)
    things = _Things(table)
    rows = _annotated(corpus.columns, documents, actor_of, english, things)
    actors = _actors_by_doc(corpus.columns, actor_of)
    # The spans read are the largest thing held: gone before the ledger's frame is built (peak memory).
    del corpus, english
    if projected:
        rows += _projected(store, documents, rows, things)
    # Only the claims' sentences, read at once (store.sentences() reads every document one by one).
    texts = store.sentence_texts((row["doc_id"], row["sentence"]) for row in rows)
    for row in rows:
        row["sentence_text"] = texts.get((row["doc_id"], row["sentence"]))
    del texts
    rows = group_rows(
        rows, documents=list(documents.values()), links=_links(store, documents), actors=actors, window=window,
        shared_actors=shared_actors,
    )  # fmt: skip
    return _frame(rows)


@dataclass(slots=True)
class Corpus:
    """What the ledger and the stance matrix read: documents, their accepted spans, each actor's one name."""

    documents: dict[str, _Doc]
    #: The accepted spans as column lists (``Store.span_columns``'s: ``attrs`` holds dicts), for bulk readers.
    columns: dict[str, list[Any]]
    actor_of: dict[str, str]  # ACTOR span id -> the actor's one name

    @property
    def spans(self) -> pd.DataFrame:
        """The accepted spans as a frame, attributes as ``attr_<name>`` columns (``None`` where a span has none)."""
        import pandas as pd

        attrs = self.columns["attrs"]
        names = dict.fromkeys(name for found in attrs for name in found)
        names.update(dict.fromkeys(_READ_ATTRS))
        spread: dict[str, list[Any]] = {name: [None] * len(attrs) for name in names}
        for i, found in enumerate(attrs):  # one pass over the set attributes (a span sets 2 or 3 of a dozen)
            for name, value in found.items():
                spread[name][i] = value
        plain = {name: values for name, values in self.columns.items() if name != "attrs"}
        frame = {**plain, "attrs": attrs, **{f"attr_{name}": values for name, values in spread.items()}}
        return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in frame.items()})


def read_corpus(store: Store, docs: Iterable[str] | None = None) -> Corpus:
    """The documents (all current ones by default), their accepted spans and their actors' names.

    Raises:
        NotFound: a document reference the store does not have.
    """
    from annot.names import read_aliases

    documents = _documents(store, docs)
    columns = _accepted_spans(store, documents)
    names = ActorNames(
        [c for a in columns["attrs"] if isinstance(c := a.get("canonical"), str)],
        {d.lang for d in documents.values()} | {"en"},
        read_aliases(store.path),
    )
    return Corpus(documents, columns, _actor_names(columns, documents, names))


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame.from_records(rows, columns=CLAIM_COLUMNS)
    if not rows:  # no claim: every column of no type, as ``pd.Series(dtype=object)``
        frame = frame.astype(object)
    return frame


def _documents(store: Store, docs: Iterable[str] | None) -> dict[str, _Doc]:
    import pandas as pd

    frame = store.documents()
    if docs is not None:
        wanted = {store.resolve(ref) for ref in docs}
        frame = frame[frame["id"].isin(wanted)]
    published = pd.to_datetime(frame["published"], utc=True) if len(frame) else frame["published"]
    # Whole columns as lists: iterating a pandas string column (pyarrow) costs a Python call per cell.
    none = [None] * len(frame)
    columns = [frame[c].tolist() if c in frame else none for c in ("id", "title", "lang", "outlet", "author", "url")]
    found = {}
    for (doc_id, title, lang, outlet, author, url), when in zip(zip(*columns), published.tolist()):
        found[doc_id] = _Doc(
            id=doc_id, title=title, lang=lang, outlet=_text(outlet), author=_text(author), url=_text(url),
            published=when,
        )  # fmt: skip
    return found


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _accepted_spans(store: Store, documents: Mapping[str, _Doc]) -> dict[str, list[Any]]:
    """Accepted spans of the documents as column lists (``Store.span_columns``: no timestamps or dtypes).

    A curated sentence (a curation record, or curated spans) is read in its curated version only, every other
    sentence in all its annotators' spans: an analysis counts each claim once, as the curator settled it.

    The ledger reads them as lists, never as a frame: a frame of 150,000 spans and a dozen attribute columns,
    filtered by label and read back with ``tolist()``, was a fifth of a ledger.
    """
    read = store.span_columns(status="accepted")
    wanted = set(documents)
    curated = store.curated_sentences()
    curated.update((d, n) for d, n, o in zip(read["doc_id"], read["sentence"], read["origin"]) if o == _CURATED)
    if curated:  # where a curator settled a sentence, its curated version stands for the annotators'
        keep = [i for i, (d, n, o) in enumerate(zip(read["doc_id"], read["sentence"], read["origin"]))
                if d in wanted and ((d, n) in curated) == (o == _CURATED)]  # fmt: skip
    else:
        keep = [i for i, doc in enumerate(read["doc_id"]) if doc in wanted]
    if len(keep) < len(read["doc_id"]):  # spans of older versions, of documents not asked for, or curated away
        read = {name: [values[i] for i in keep] for name, values in read.items()}
    return read


_CURATED = Origin.CURATED.value  # as span_columns reads it


def _of_label(columns: Mapping[str, list[Any]], label: str, names: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The spans of one label: a tuple of the named columns' values each (``attrs`` gives the dict)."""
    picked = [columns[name] for name in names]
    for i, found in enumerate(columns["label"]):
        if found == label:
            yield tuple(values[i] for values in picked)


_READ_ATTRS = ("canonical", "value", "low", "high", "qualifier", "unit", "holder", "holder_span", "evidence",
               "polarity", "target", "target_span")  # fmt: skip


def _actor_names(columns: Mapping[str, list[Any]], documents: Mapping[str, _Doc], names: ActorNames) -> dict[str, str]:
    """ACTOR span id -> the actor's one name."""
    return {
        span_id: names.name(text, documents[doc_id].lang, _text(attrs.get("canonical")))
        for span_id, doc_id, text, attrs in _of_label(columns, "ACTOR", ("id", "doc_id", "text", "attrs"))
    }


def _actors_by_doc(columns: Mapping[str, list[Any]], actor_of: Mapping[str, str]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for span_id, doc_id in _of_label(columns, "ACTOR", ("id", "doc_id")):
        if span_id in actor_of:
            found.setdefault(doc_id, set()).add(actor_of[span_id])
    return {doc: frozenset(names) for doc, names in found.items()}


def _english_sentences(store: Store, documents: Mapping[str, _Doc]) -> dict[tuple[str, int], str]:
    """(document, sentence) -> the sentence in English: the document's own for English, else a stored translation."""
    wanted = {doc_id for doc_id, doc in documents.items() if doc.lang != "en"}
    if not wanted:
        return {}
    # One translation per sentence, the same engine order every time (by engine name, then signature).
    return store.translation_texts("en", docs=wanted)


_STANCE_ATTRS = ("holder_span", "holder", "evidence", "polarity")
_NO_STANCE = {"holder": None, "holder_text": None, "evidence": "asserted", "polarity": None, "stance": None}


def _stances_by_doc(
    columns: Mapping[str, list[Any]], actor_of: Mapping[str, str]
) -> dict[str, list[tuple[int, int, dict[str, Any]]]]:
    """Document -> its stance spans (start, end, the fields a claim they hold takes), in span order."""
    found: dict[str, list[tuple[int, int, dict[str, Any]]]] = {}
    for stance_id, doc_id, start, end, attrs in _of_label(columns, "STANCE", ("id", "doc_id", "start", "end", "attrs")):
        holder_span, holder_text, evidence, polarity = (_missing(attrs.get(name)) for name in _STANCE_ATTRS)
        if not holder_span and isinstance(holder_text, str) and holder_text.strip().casefold() == _AUTHOR:
            holder_text = None  # the schema's word for the outlet's own voice
        holder = actor_of.get(holder_span) if holder_span else None
        fields = {
            "holder": holder or holder_text, "holder_text": holder_text, "evidence": evidence, "polarity": polarity,
            "stance": stance_id,
        }  # fmt: skip
        found.setdefault(doc_id, []).append((int(start), int(end), fields))
    return found


def _holding(stances: Sequence[tuple[int, int, Any]], start: int, end: int) -> Any:
    """The innermost stance span holding [start, end), or ``None``."""
    best = None
    for s, e, row in stances:
        if s <= start and end <= e and (best is None or e - s < best[1] - best[0]):
            best = (s, e, row)
    return None if best is None else best[2]


def _missing(value: Any) -> Any:
    """A span attribute as read from the frame, ``None`` when unset (a missing value reads as NaN or NA)."""
    if value is None or (isinstance(value, (str, int, float)) and value != value):
        return None
    return None if type(value).__name__ == "NAType" else value


_QUANTITY_COLUMNS = ("id", "doc_id", "start", "end", "sentence", "text", "attrs")
_QUANTITY_ATTRS = ("value", "low", "high", "qualifier", "unit")


def _annotated(
    columns: Mapping[str, list[Any]],
    documents: Mapping[str, _Doc],
    actor_of: Mapping[str, str],
    english: Mapping[tuple[str, int], str],
    things: _Things,
) -> list[dict[str, Any]]:
    """One row per accepted QUANTITY span (``sentence_text`` left to the caller, which reads them at once)."""
    stances = _stances_by_doc(columns, actor_of)
    rows = []
    for claim, doc_id, start, end, sentence, quote, attrs in _of_label(columns, "QUANTITY", _QUANTITY_COLUMNS):
        doc = documents[doc_id]
        sentence = int(sentence)
        stance = _holding(stances.get(doc_id, ()), int(start), int(end))
        translation = english.get((doc_id, sentence))
        rows.append(
            _claim_row(
                claim=claim, doc=doc, sentence=sentence, quote=quote, sentence_text=None,
                translation=None if doc.lang == "en" else translation,
                attrs={name: _missing(attrs.get(name)) for name in _QUANTITY_ATTRS},
                stance=_NO_STANCE if stance is None else stance, origin="annotated", via=None, things=things,
                english=translation,
            )
        )  # fmt: skip
    return rows


class _Things:
    """The thing each claim counts (``thing_of``), each distinct (words, language, gloss) read once per ledger."""

    def __init__(self, table: ThingTable) -> None:
        self.table = table
        self._seen: dict[tuple[str, str, str | None], Thing] = {}

    def of(self, words: str, lang: str, gloss: str | None) -> Thing:
        key = (words, lang, gloss)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = thing_of(words, lang, gloss=gloss, table=self.table)
        return found


def _claim_row(
    *, claim: str, doc: _Doc, sentence: int, quote: str, sentence_text: str | None, translation: str | None,
    attrs: Mapping[str, Any], stance: Mapping[str, Any], origin: str, via: str | None, things: _Things,
    english: str | None,
) -> dict[str, Any]:  # fmt: skip
    unit = attrs.get("unit")
    value = _number(attrs.get("value"))
    words = unit if isinstance(unit, str) and unit.strip() else quote
    thing, gloss = things.of(words, doc.lang, None), None
    # The English is read only for a counted word the table does not list (a listed one has its English label):
    # the quantity finder over every translated sentence would be a quarter of a first ledger.
    if not thing.known and doc.lang != "en":
        gloss = _gloss(english, value, attrs)
        if gloss:
            thing = things.of(words, doc.lang, gloss)
    return {
        "claim": claim, "doc_id": doc.id, "title": doc.title, "outlet": doc.outlet, "author": doc.author,
        "lang": doc.lang, "published": doc.published, "url": doc.url, "sentence": sentence, "quote": quote,
        "sentence_text": sentence_text, "translation": translation, "value": value,
        "low": _number(attrs.get("low")), "high": _number(attrs.get("high")),
        "qualifier": attrs.get("qualifier") or "exact", "unit": unit, "thing": thing.key or None,
        "thing_label": thing.label or None, "lemma": thing.lemma or None, "gloss": gloss, **stance,
        "origin": origin, "via": via,
    }  # fmt: skip


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _gloss(english: str | None, value: float | None, attrs: Mapping[str, Any]) -> str | None:
    """The counted words of the same number in the sentence's English translation, when it has that number."""
    if not english or value is None:
        return None
    wanted = {value, _number(attrs.get("low")), _number(attrs.get("high"))} - {None}
    for number, unit in _counted_in_english(english):
        if number in wanted:
            return unit
    return None


@functools.lru_cache(maxsize=1 << 18)
def _counted_in_english(text: str) -> tuple[tuple[float, str], ...]:
    """The quantities of an English sentence that count something: (value, counted words), in text order.

    Cached across ledgers: the quantity finder takes ~0.07 ms a sentence, and a notebook builds the ledger of
    the same translations again and again.
    """
    from annot.suggest.quantity_finder import find_quantities

    return tuple((float(guess.value), guess.unit) for guess in find_quantities(text, "en") if guess.unit)


def _links(store: Store, documents: Mapping[str, _Doc]) -> list[tuple[str, str]]:
    return [(link.doc_a, link.doc_b) for link in store.links() if link.doc_a in documents and link.doc_b in documents]


def _projected(
    store: Store, documents: Mapping[str, _Doc], annotated: list[dict[str, Any]], things: _Things
) -> list[dict[str, Any]]:
    """Claims projection carried into linked versions, where the version has no accepted QUANTITY in that sentence."""
    from annot.project.targets import REFERENCE
    from annot.suggest.quantity_finder import parse_quantity

    stored = store.projections()
    if stored.empty:
        return []
    stored = stored[
        (stored["label"] == "QUANTITY")
        & stored["status"].isin(["kept", "changed"])
        & stored["target"].astype("string").str.startswith(REFERENCE)
        & stored["doc_id"].isin(set(documents))
    ]
    by_claim = {row["claim"]: row for row in annotated}
    own = {(row["doc_id"], row["sentence"]) for row in annotated if row["origin"] == "annotated"}
    rows = []
    for row in stored.itertuples(index=False):
        target_doc = str(row.target)[len(REFERENCE) :]
        source = by_claim.get(row.span_id)
        if target_doc not in documents or source is None or row.target_sentence is None:
            continue
        sentence = int(row.target_sentence)
        if (target_doc, sentence) in own:
            continue
        doc = documents[target_doc]
        text = str(row.target_text or "")
        guess = parse_quantity(text, doc.lang) if text else None
        attrs = {
            "value": guess.value if guess else source["value"], "low": guess.low if guess else source["low"],
            "high": guess.high if guess else source["high"],
            "qualifier": guess.qualifier if guess else source["qualifier"],
            "unit": guess.unit if guess and guess.unit else source["unit"],
        }  # fmt: skip
        stance = {k: source[k] for k in ("holder", "holder_text", "evidence", "polarity", "stance")}
        rows.append(
            _claim_row(
                claim=f"{row.span_id}@{target_doc}",
                doc=doc,
                sentence=sentence,
                quote=text,
                sentence_text=None,
                translation=None,
                attrs=attrs,
                stance=stance,
                origin="projected",
                via=source["doc_id"],
                things=things,
                english=source["quote"] if documents[source["doc_id"]].lang == "en" else None,
            )
        )
    return rows
