"""Fidelity flags of machine translations, read from projection: what each translation lost, changed or added.

One rule for the MT pane and compare alike. Per route and sentence:

- ``lost``: a source unit nothing in the translation stands for;
- ``changed``: a value, qualifier, name or attribution changed (the projection row's ``detail`` says how);
- ``wrong language``: a name or word left in the source's or a pivot's language
  ("Belarusian", "Bielorrússia" in Spanish): a projected name in such a form, or
  any such word of the sentence (``annot.project.detect.wrong_language``);
- ``number style``: a digit group a reader of the target language reads
  otherwise ("9,000" in Spanish reads as nine; "10/17/2022" in Portuguese);
- ``time lost``: a weekday or date of the source missing;
- ``added``: a number, weekday, date or named place with no source counterpart;
- ``disputed``: a word every other translation of the sentence renders otherwise
  (``annot.project.agree``: "planos" where the others write "aviones"), a hint
  of a word taken in the wrong sense rather than a certainty: synonyms raise it too;
- ``failed``: the engine failed on the sentence (``failed_flag``).

One flag per place: a word flagged by a projected span is not flagged again by
the sentence-wide detectors. A flag's id (``annot.model.flag_id``) is its kind
and what it is about, so a dismissal (``Store.dismiss_flag``) survives a
recomputation and lapses when the translation changes there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annot.project.dates import time_changes
from annot.project.detect import number_style, overlaps, wrong_language

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DISPUTED", "FIDELITY_KINDS", "FidelityFlag", "dismissed_flags", "fidelity", "flags_frame", "sentence_flags"]

#: Flags read from projection, in the order a sentence shows them.
FIDELITY_KINDS = ("lost", "changed", "wrong language", "number style", "time lost", "added", "disputed")
#: The kind of a word the other translations render otherwise (``annot.project.agree``).
DISPUTED = "disputed"


@dataclass(frozen=True, slots=True)
class FidelityFlag:
    """One fidelity flag of one translation of one sentence.

    Attributes:
        kind: one of ``FIDELITY_KINDS``.
        value: what it is about, the part of its id after the kind: ``Minsk authorities -> Minsk las potestades``.
        detail: one line for a person: what is wrong.
        start: offset in the translation (``None`` when nothing is there: lost).
        end: offset after it.
        text: the translation's text there.
        span_id: the source span it concerns, if any.
    """

    kind: str
    value: str
    detail: str
    start: int | None = None
    end: int | None = None
    text: str = ""
    span_id: str | None = None


def sentence_flags(
    source: str, source_lang: str, translation: str, target_lang: str, others: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
) -> list[FidelityFlag]:  # fmt: skip
    """The fidelity flags of one translation of one sentence, from its projection rows and the detectors.

    Args:
        source: the source sentence.
        source_lang: its language.
        translation: the translation.
        target_lang: its language.
        others: the other languages of its route (the source's, a pivot's).
        rows: the sentence's projection rows for this translation (``project``'s columns, offsets relative to
            ``translation``), with a ``problem`` key (``Placement.problem``) for kept/changed/lost rows.
    """
    flags: list[FidelityFlag] = []
    seen: set[tuple[str, int | None, int | None]] = set()
    flagged: list[tuple[int, int]] = []
    for row in rows:
        problem = "added" if row["status"] == "added" else str(row.get("problem") or "")
        if not problem:
            continue
        start, end = row.get("target_start"), row.get("target_end")
        start = None if start is None or start != start else int(start)  # NA/NaN: lost
        end = None if end is None or end != end else int(end)
        key = (problem, start, end) if start is not None else (problem, hash(row.get("span_id")), None)
        if key in seen:
            continue  # a STANCE holder placed where its ACTOR span is: one flag
        seen.add(key)
        text = str(row.get("target_text") or "")
        value = f"{row.get('source_text') or ''} -> {text}" if problem != "added" else text
        flags.append(FidelityFlag(problem, value, str(row.get("detail") or ""), start, end, text, row.get("span_id")))
        if start is not None and end is not None:
            flagged.append((start, end))
    for finding in wrong_language(translation, target_lang, others, skip=flagged):
        flags.append(FidelityFlag("wrong language", finding.text, finding.detail, finding.start, finding.end,
                                  finding.text))  # fmt: skip
    for finding in number_style(translation, target_lang):
        if not overlaps(finding.start, finding.end, flagged):
            flags.append(FidelityFlag("number style", finding.text, finding.detail, finding.start, finding.end,
                                      finding.text))  # fmt: skip
    for finding in time_changes(source, source_lang, translation, target_lang):
        if finding.kind == "added" and overlaps(finding.start, finding.end, flagged):
            continue
        if finding.kind == "added" and any(f.kind == "added" and f.start == finding.start for f in flags):
            continue
        value = finding.text or finding.source_text
        flags.append(FidelityFlag(finding.kind, value, finding.detail, finding.start, finding.end, finding.text))
    order = {kind: i for i, kind in enumerate(FIDELITY_KINDS)}
    return sorted(flags, key=lambda f: (order.get(f.kind, 99), f.start if f.start is not None else -1))


def flags_frame(
    flags: Iterable[tuple[str, int, Sequence[FidelityFlag]]], dismissed: Collection[str] = ()
) -> pd.DataFrame:
    """(target, sentence, its flags) -> one row per flag: target, sentence, kind, flag_id, value, detail,
    target_start, target_end, target_text, span_id, dismissed."""
    import pandas as pd

    from annot.model import flag_id

    rows = [
        (
            target,
            sentence,
            f.kind,
            flag_id(f.kind, f.value),
            f.value,
            f.detail,
            f.start,
            f.end,
            f.text,
            f.span_id,
            flag_id(f.kind, f.value) in dismissed,
        )
        for target, sentence, found in flags
        for f in found
    ]
    cols = ["target", "sentence", "kind", "flag_id", "value", "detail", "target_start", "target_end", "target_text",
            "span_id", "dismissed"]  # fmt: skip
    frame = pd.DataFrame.from_records(rows, columns=cols)
    for col in ("sentence", "target_start", "target_end"):
        frame[col] = frame[col].astype("Int64")
    frame["kind"] = pd.Categorical(frame["kind"], categories=list(FIDELITY_KINDS))
    return frame


def fidelity(store: Any, doc: Any, target: str, *, engines: Sequence[str] | None = None) -> pd.DataFrame:
    """Every fidelity flag of the document's stored translations into ``target``: one row per flag.

    Args:
        store: the project.
        doc: the source document (any reference ``Store.document`` takes).
        target: ISO 639-1 code of the translations.
        engines: only these routes (``argos``, ``argos+apertium``, or a whole name ``apertium en>es>pt``).

    Returns:
        ``flags_frame``'s columns plus ``engine`` (the route name the store keys dismissals by, after
        ``target``); ``dismissed`` says an annotator dismissed the flag on that translation
        (``Store.dismiss_flag``).
    """
    from annot.project.cached import document_projection

    found = document_projection(store, doc, target)
    decided = dismissed_flags(store, found.doc_id)
    routes = [t for t in found.targets if t.kind == "route"]
    if engines is not None:
        routes = [t for t in routes if t.engine in engines or t.name in engines]
    per = [(t.name, index, found.flags.get((index, t.engine), ())) for t in routes for index in sorted(t.texts)]
    out = flags_frame(per)
    out.insert(1, "engine", out["target"].map({t.name: t.engine for t in routes}).astype("string"))
    engine_of = {t.name: t.engine for t in routes}
    out["dismissed"] = [
        ident in decided.get((int(index), engine_of[name]), frozenset())
        for name, index, ident in zip(out["target"], out["sentence"], out["flag_id"])
    ]
    return out


def dismissed_flags(store: Any, doc_id: str, index: int | None = None) -> Mapping[tuple[int, str], frozenset[str]]:
    """(sentence, route name) -> the ids of the flags dismissed on that translation of document ``doc_id``.

    Args:
        store: the project.
        doc_id: the document version.
        index: only this sentence's.
    """
    return store.dismissed_flag_ids(doc_id, index)
