"""The claims ledger: every quantity claim of the corpus, who made it, how sure, grouped across sources.

``claims(store)`` reads the store and never writes it. One row per claim:

- **Annotated claims**: each accepted QUANTITY span, with its value, bounds,
  qualifier and counted thing (``annot.analysis.things``).
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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from annot.analysis.actors import ActorNames
from annot.analysis.things import ThingTable, load_things, thing_of

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
    import pandas as pd

    from annot.analysis.groups import group_claims
    from annot.schema import PROJECT_FILE, read_project_file

    project = read_project_file(store.path / PROJECT_FILE) if (store.path / PROJECT_FILE).is_file() else {}
    table = load_things(project)
    corpus = read_corpus(store, docs)
    documents, spans, actor_of = corpus.documents, corpus.spans, corpus.actor_of
    english = _english_sentences(store, documents)
    sentences = _sentence_texts(store, documents)
    rows = _annotated(spans, documents, actor_of, english, sentences, table)
    if projected:
        rows += _projected(store, documents, sentences, rows, table)
    frame = pd.DataFrame.from_records(rows, columns=[c for c in CLAIM_COLUMNS if c not in _GROUP_COLUMNS])
    return group_claims(
        frame, documents=list(documents.values()), links=_links(store, documents),
        actors=_actors_by_doc(spans, actor_of), window=window, shared_actors=shared_actors,
    )  # fmt: skip


@dataclass(slots=True)
class Corpus:
    """What the ledger and the stance matrix read: documents, their accepted spans, each actor's one name."""

    documents: dict[str, _Doc]
    spans: pd.DataFrame  # accepted spans, attributes as ``attr_<name>`` columns
    actor_of: dict[str, str]  # ACTOR span id -> the actor's one name


def read_corpus(store: Store, docs: Iterable[str] | None = None) -> Corpus:
    """The documents (all current ones by default), their accepted spans and their actors' names.

    Raises:
        NotFound: a document reference the store does not have.
    """
    from annot.names import read_aliases

    documents = _documents(store, docs)
    spans = _accepted_spans(store, documents)
    names = ActorNames(
        [c for c in spans["attr_canonical"] if isinstance(c, str)],
        {d.lang for d in documents.values()} | {"en"},
        read_aliases(store.path),
    )
    return Corpus(documents, spans, _actor_names(spans, documents, names))


_GROUP_COLUMNS = {"event", "event_label", "group", "group_label", "discrepancies"}


def _documents(store: Store, docs: Iterable[str] | None) -> dict[str, _Doc]:
    import pandas as pd

    frame = store.documents()
    if docs is not None:
        wanted = {store.resolve(ref) for ref in docs}
        frame = frame[frame["id"].isin(wanted)]
    published = pd.to_datetime(frame["published"], utc=True) if len(frame) else frame["published"]
    found = {}
    for i, row in enumerate(frame.itertuples(index=False)):
        found[row.id] = _Doc(
            id=row.id, title=row.title, lang=row.lang, outlet=_text(getattr(row, "outlet", None)),
            author=_text(getattr(row, "author", None)), url=_text(getattr(row, "url", None)),
            published=published.iloc[i],
        )  # fmt: skip
    return found


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _accepted_spans(store: Store, documents: Mapping[str, _Doc]) -> pd.DataFrame:
    """Accepted spans of the documents, attributes flattened to ``attr_<name>`` columns (so tuples carry them)."""
    spans = store.spans(status="accepted", flatten=True)
    spans = spans[spans["doc_id"].isin(set(documents))].reset_index(drop=True)
    for name in ("canonical", "value", "low", "high", "qualifier", "unit", "holder", "holder_span", "evidence",
                 "polarity", "target", "target_span"):  # fmt: skip
        if f"attr.{name}" not in spans:
            spans[f"attr.{name}"] = None
    return spans.rename(columns=lambda c: c.replace(".", "_"))


def _actor_names(spans: pd.DataFrame, documents: Mapping[str, _Doc], names: ActorNames) -> dict[str, str]:
    """ACTOR span id -> the actor's one name."""
    actors = spans[spans["label"] == "ACTOR"]
    return {
        span_id: names.name(text, documents[doc_id].lang, _text(canon))
        for span_id, doc_id, text, canon in zip(
            actors["id"], actors["doc_id"], actors["text"], actors["attr_canonical"]
        )
    }


def _actors_by_doc(spans: pd.DataFrame, actor_of: Mapping[str, str]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for span_id, doc_id in zip(spans["id"], spans["doc_id"]):
        if span_id in actor_of:
            found.setdefault(doc_id, set()).add(actor_of[span_id])
    return {doc: frozenset(names) for doc, names in found.items()}


def _english_sentences(store: Store, documents: Mapping[str, _Doc]) -> dict[tuple[str, int], str]:
    """(document, sentence) -> the sentence in English: the document's own for English, else a stored translation."""
    wanted = {doc_id for doc_id, doc in documents.items() if doc.lang != "en"}
    if not wanted:
        return {}
    found: dict[tuple[str, int], str] = {}
    translations = store.translations(target="en")
    translations = translations[translations["doc_id"].isin(wanted)]
    # One translation per sentence, the same engine order every time (the frame is sorted by engine).
    for doc_id, index, text in zip(translations["doc_id"], translations["index"], translations["text"]):
        found.setdefault((doc_id, int(index)), text)
    return found


def _stances_by_doc(spans: pd.DataFrame) -> dict[str, list[tuple[int, int, Any]]]:
    stances = spans[spans["label"] == "STANCE"]
    found: dict[str, list[tuple[int, int, Any]]] = {}
    for row in stances.itertuples(index=False):
        found.setdefault(row.doc_id, []).append((int(row.start), int(row.end), row))
    return found


def _holding(stances: Sequence[tuple[int, int, Any]], start: int, end: int) -> Any:
    """The innermost stance span holding [start, end), or ``None``."""
    best = None
    for s, e, row in stances:
        if s <= start and end <= e and (best is None or e - s < best[1] - best[0]):
            best = (s, e, row)
    return None if best is None else best[2]


def _attr(row: Any, name: str) -> Any:
    """A span tuple's attribute, ``None`` when unset (a missing value reads as NaN or NA in the frame)."""
    value = getattr(row, f"attr_{name}", None)
    if value is None or (isinstance(value, (str, int, float)) and value != value):
        return None
    return None if type(value).__name__ == "NAType" else value


def _annotated(
    spans: pd.DataFrame,
    documents: Mapping[str, _Doc],
    actor_of: Mapping[str, str],
    english: Mapping[tuple[str, int], str],
    sentences: Mapping[tuple[str, int], str],
    table: ThingTable,
) -> list[dict[str, Any]]:
    stances = _stances_by_doc(spans)
    quantities = spans[spans["label"] == "QUANTITY"]
    rows = []
    for row in quantities.itertuples(index=False):
        doc = documents[row.doc_id]
        stance = _holding(stances.get(row.doc_id, ()), int(row.start), int(row.end))
        translation = doc_translation = english.get((row.doc_id, int(row.sentence)))
        if doc.lang == "en":
            doc_translation = None
        rows.append(
            _claim_row(
                claim=row.id,
                doc=doc,
                sentence=int(row.sentence),
                quote=row.text,
                sentence_text=sentences.get((row.doc_id, int(row.sentence))),
                translation=doc_translation,
                attrs={k: _attr(row, k) for k in ("value", "low", "high", "qualifier", "unit")},
                stance=_stance_fields(stance, actor_of),
                origin="annotated",
                via=None,
                table=table,
                english=translation,
            )
        )
    return rows


def _sentence_texts(store: Store, documents: Mapping[str, _Doc]) -> dict[tuple[str, int], str]:
    """(document, sentence) -> the sentence's text."""
    frame = store.sentences()
    frame = frame[frame["doc_id"].isin(set(documents))]
    return {(d, int(i)): t for d, i, t in zip(frame["doc_id"], frame["index"], frame["text"])}


def _stance_fields(stance: Any, actor_of: Mapping[str, str]) -> dict[str, Any]:
    if stance is None:
        return {"holder": None, "holder_text": None, "evidence": "asserted", "polarity": None, "stance": None}
    holder_span = _attr(stance, "holder_span")
    holder_text = _attr(stance, "holder")
    if not holder_span and isinstance(holder_text, str) and holder_text.strip().casefold() == _AUTHOR:
        holder_text = None  # the schema's word for the outlet's own voice
    holder = actor_of.get(holder_span) if holder_span else None
    return {
        "holder": holder or holder_text, "holder_text": holder_text, "evidence": _attr(stance, "evidence"),
        "polarity": _attr(stance, "polarity"), "stance": stance.id,
    }  # fmt: skip


def _claim_row(
    *, claim: str, doc: _Doc, sentence: int, quote: str, sentence_text: str | None, translation: str | None,
    attrs: Mapping[str, Any], stance: Mapping[str, Any], origin: str, via: str | None, table: ThingTable,
    english: str | None,
) -> dict[str, Any]:  # fmt: skip
    unit = attrs.get("unit")
    value = _number(attrs.get("value"))
    gloss = _gloss(english, value, attrs) if doc.lang != "en" else None
    thing = thing_of(unit if isinstance(unit, str) and unit.strip() else quote, doc.lang, gloss=gloss, table=table)
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
    from annot.suggest.quantity_finder import find_quantities

    wanted = {value, _number(attrs.get("low")), _number(attrs.get("high"))} - {None}
    for guess in find_quantities(english, "en"):
        if float(guess.value) in wanted and guess.unit:
            return guess.unit
    return None


def _links(store: Store, documents: Mapping[str, _Doc]) -> list[tuple[str, str]]:
    return [(link.doc_a, link.doc_b) for link in store.links() if link.doc_a in documents and link.doc_b in documents]


def _projected(
    store: Store, documents: Mapping[str, _Doc], sentences: Mapping[tuple[str, int], str],
    annotated: list[dict[str, Any]], table: ThingTable,
) -> list[dict[str, Any]]:  # fmt: skip
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
                sentence_text=sentences.get((target_doc, sentence)),
                translation=None,
                attrs=attrs,
                stance=stance,
                origin="projected",
                via=source["doc_id"],
                table=table,
                english=source["quote"] if documents[source["doc_id"]].lang == "en" else None,
            )
        )
    return rows
