"""The sentences of a comparison side by side, as escaped HTML: source, reference, each engine's words that differ.

Shared by the report page and the comparison notebook. Every piece of text is
HTML-escaped; the only markup is the table's own, diff's ``<del>``/``<ins>``
and the ``<mark>`` around a flagged range (``annot.compare.diff.marked_html``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annot.compare.diff import Mark, diff_html, marked_html
from annot.compare.flags import COMPARE_KINDS, kind_slug
from annot.compare.plots import engines_of
from annot.htmlreport import esc

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EVERY", "FLAGS", "TABLE_CSS", "filter_choices", "flag_list", "flags_of", "side_by_side_html", "side_by_side_table",
]  # fmt: skip

#: Values of ``side_by_side_html(flag=...)``: sentences where a shown engine has a flag of that kind
#: (``annot.compare.flags.COMPARE_KINDS``), or any flag.
FLAGS = (*COMPARE_KINDS, "any")

#: The value of ``engine`` and ``flag`` that filters nothing, as a dropdown gives it. Not ``None``: ipywidgets shows
#: an option whose value is ``None`` as no selection at all. No engine can be called ``""``.
EVERY = ""
_FLAG_LABELS = {EVERY: "every sentence", **{k: k for k in COMPARE_KINDS}, "failed": "engine failed",
                "any": "any flag"}  # fmt: skip

_SENTENCE_SCORES = [("chrf", "chrF"), ("bleu", "BLEU"), ("ter", "TER"), ("agreement", "agreement"),
                    ("roundtrip", "round trip"), ("length_ratio", "length")]  # fmt: skip

#: The table's style, scoped under ``table.annot-cmp.side`` so that it keeps its look inside a JupyterLab output too.
#: Its table rules outrank JupyterLab's (two classes, and more type selectors than theirs):
#: ``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`` right-aligns cells (specificity 0,2,1) and
#: ``.jp-RenderedHTMLCommon tbody tr:hover`` and ``tr:nth-child(even)`` colour rows (0,2,2). Colours are JupyterLab's
#: theme variables (Light, Dark, High Contrast), each with the standalone report's colour as its fallback. ``del``,
#: ``ins`` and the red flag keep literal pairs: each sets its own text and background, which read on any page.
TABLE_CSS = """
table.annot-cmp.side { border-collapse: collapse; width: 100%; min-width: 40rem; table-layout: fixed; font-size: 14px; }
table.annot-cmp.side th, table.annot-cmp.side td { text-align: left; line-height: 1.45; white-space: normal;
                                                   overflow-wrap: break-word; }
table.annot-cmp.side th { border-bottom: 2px solid var(--jp-border-color0, #444); padding: .4rem .5rem; }
table.annot-cmp.side td { vertical-align: top; border-top: 1px solid var(--jp-border-color1, #bbb);
                          padding: .6rem .5rem; }
table.annot-cmp.side tbody tr, table.annot-cmp.side tbody tr:hover { background: transparent; }
table.annot-cmp.side col.idx { width: 7.5rem; } table.annot-cmp.side col.src { width: 36%; }
.annot-cmp .num { font-size: 1.1em; font-weight: bold; }
.annot-cmp .dis { color: var(--jp-content-font-color2, #555); font-size: .85em; }
.annot-cmp .tag { display: inline-block; font-size: .75em; padding: 0 .4em; border-radius: 3px;
                  background: var(--jp-layout-color2, #e8e8ee); color: var(--jp-content-font-color1, #333); }
.annot-cmp .source { margin: 0 0 .5rem; }
.annot-cmp .ref { margin: 0; padding-left: .5rem; border-left: 3px solid var(--jp-border-color0, #777);
                  color: var(--jp-content-font-color1, #223); }
.annot-cmp .label { display: block; font-size: .75em; color: var(--jp-content-font-color2, #666);
                    text-transform: uppercase; letter-spacing: .03em; }
.annot-cmp .note { color: var(--jp-content-font-color2, #666); font-size: .9em; }
.annot-cmp .mt { margin: 0 0 .7rem; padding-left: .5rem; border-left: 3px solid var(--jp-brand-color2, #9ecae1); }
.annot-cmp .mt.flagged { border-left-color: var(--jp-error-color1, #d62728); }
.annot-cmp .mt-head { font-size: .8em; color: var(--jp-content-font-color2, #555); }
.annot-cmp .engine { font-weight: bold; color: var(--jp-content-font-color1, #1d1d1f); }
.annot-cmp del { background: #fde0de; color: #8a1c1c; }
.annot-cmp del + ins { margin-left: .15em; }
.annot-cmp ins { background: #d9f2d9; color: #145214; text-decoration: none; border-bottom: 1px solid #2ca02c; }
.annot-cmp .flag { display: inline-block; font-size: .8em; padding: 0 .45em; margin: .15rem .3rem 0 0;
                   border-radius: 3px; }
.annot-cmp .flag.bad { background: #d62728; color: #fff; font-weight: bold; }
.annot-cmp .flag.ok { color: var(--jp-success-color1, #2a7a2a); }
.annot-cmp .flag-note { font-size: .8em; margin-right: .5rem; color: var(--jp-content-font-color2, #555); }
.annot-cmp mark.flag-range { background: var(--jp-warn-color3, #fff1c2); color: inherit;
                             text-decoration: underline wavy var(--jp-error-color1, #d62728); }
"""


def missing(value: object) -> bool:
    """None, NaN, ``pd.NA`` or ``NaT``."""
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return value.__class__.__name__ in ("NAType", "NaTType")


def fmt(value: object, digits: int = 1) -> str:
    """A score with ``digits`` decimals, or a dash when there is none."""
    return "–" if missing(value) else f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def _true(value: object) -> bool:
    try:
        return not missing(value) and bool(value)
    except TypeError:
        return False


def _text(value: object) -> str:
    return "" if missing(value) else str(value)


def _listed(value: object) -> list[str]:
    """A list column's value: a list, or the CSV's ``"; "``-joined text."""
    if isinstance(value, str):
        return [n for n in value.split("; ") if n]
    if value is None or missing(value):
        return []
    return [str(n) for n in value]  # type: ignore[union-attr]


def flag_list(row: Any, engine: str) -> list[dict[str, Any]]:
    """The flags of one engine on one row (``flags.E``: ``ReportFlag`` dicts), or [] when the row has none."""
    value = row.get(f"flags.{engine}")
    return [f for f in value if isinstance(f, dict)] if isinstance(value, list) else []


def flags_of(row: Any, engine: str) -> set[str]:
    """The kinds of fidelity flag of one engine on one row (a dict or Series): ``lost``, ..., ``failed``."""
    found = set(_listed(row.get(f"flag_kinds.{engine}")))
    found.update(f["kind"] for f in flag_list(row, engine))
    if not missing(row.get(f"failed.{engine}")):
        found.add("failed")
    return found & set(COMPARE_KINDS)


def _classes(kinds: set[str]) -> list[str]:
    """CSS classes of a row or block with flags of ``kinds``: ``f-<kind>`` each, and ``flagged``."""
    return [*(f"f-{kind_slug(k)}" for k in COMPARE_KINDS if k in kinds), *(["flagged"] if kinds else [])]


@dataclass(slots=True)
class _Context:
    engines: list[str]
    shown: list[str]
    has_reference: bool
    records: dict[Any, dict[str, Any]]
    label: str = "reference"  # or "human translation", as the link says
    members: dict[Any, list[Any]] = field(default_factory=dict)  # bead's first sentence -> its sentences


def _context(frame: pd.DataFrame, shown: Sequence[str]) -> _Context:
    records = {index: row.to_dict() for index, row in frame.iterrows()}
    ctx = _Context(engines_of(frame), list(shown), frame.attrs.get("reference_doc") is not None, records,
                   label=frame.attrs.get("reference_label", "reference"))  # fmt: skip
    for index, row in records.items():
        if "bead" in row and not missing(row["bead"]):
            ctx.members.setdefault(row["bead"], []).append(index)
    return ctx


def _ordered(frame: pd.DataFrame) -> list[Any]:
    """Sentence indexes by disagreement, highest first; unscored ones last, in article order."""
    if "disagreement" not in frame.columns:
        return list(frame.index)
    key = frame["disagreement"].astype("float64").fillna(-math.inf)
    return list(frame.assign(_key=-key).sort_values("_key", kind="stable").index)


def _placed(flags: Sequence[tuple[int, dict[str, Any]]]) -> list[Mark]:
    """Highlights of flags placed in the shown text: (start, end, classes, tooltip), offsets moved by ``at``."""
    out = []
    for at, f in flags:
        start, end = f.get("start"), f.get("end")
        if not missing(start) and not missing(end):
            tip = f"{f['kind']}: {f.get('detail') or f.get('value') or ''}"
            out.append((at + int(start), at + int(end), f"flag-range k-{kind_slug(str(f['kind']))}", tip))
    return out


def _chip(f: dict[str, Any], sentence: Any | None) -> str:
    where = f"#{esc(sentence)} " if sentence is not None else ""
    detail = f.get("detail") or ""
    note = f' <span class="flag-note">{esc(detail)}</span>' if detail and f["kind"] != "failed" else ""
    return (f'<span class="flag bad k-{kind_slug(str(f["kind"]))}" title="{esc(f.get("title", ""))}">⚠ {where}'
            f"{esc(f.get('text') or f['kind'])}</span>{note}")  # fmt: skip


def _engine_block(
    row: dict[str, Any], engine: str, n: int, text: object, baseline: str | None, is_baseline: bool,
    flags: Sequence[tuple[int, Any, dict[str, Any]]], kinds: set[str],
) -> str:  # fmt: skip
    """One engine's translation: its head (route, scores), its text with the flagged ranges marked, its flags.

    ``flags`` are (offset of the sentence's translation in ``text``, the sentence when ``text`` joins several
    else None, flag).
    """
    scores = " · ".join(
        f"{label} {fmt(row.get(f'{metric}.{engine}'), 2 if metric == 'length_ratio' else 1)}"
        for metric, label in _SENTENCE_SCORES
        if not missing(row.get(f"{metric}.{engine}"))
    )
    head = f'<span class="engine">{esc(engine)}</span>'
    if not missing(row.get(f"route.{engine}")):
        head += f" <code>{esc(row[f'route.{engine}'])}</code>"
    if scores:
        head += f" · {scores}"
    highlights = _placed([(at, f) for at, _, f in flags])
    if missing(text):
        body = '<span class="note">(no translation)</span>'
    elif baseline is None or is_baseline:
        body = marked_html(str(text), highlights)
    else:
        body = diff_html(baseline, str(text), highlights)
    marks = [_chip(f, sentence) for _, sentence, f in flags]
    if "failed" in kinds and not any(f["kind"] == "failed" for _, _, f in flags):  # a frame without flags.E
        marks.append(f'<span class="flag bad k-failed">⚠ engine failed: {esc(row.get(f"failed.{engine}"))}</span>')
    if not kinds and not missing(text):
        marks.append('<span class="flag ok">✓ no flag</span>')
    if is_baseline:
        marks.append('<span class="tag">baseline of the differences</span>')
    classes = " ".join(["mt", f"e{n}", *_classes(kinds)])
    return (
        f'<div class="{classes}"><div class="mt-head">{head}</div><div class="text">{body}</div>{"".join(marks)}</div>'
    )


def _sentence_row(index: Any, ctx: _Context) -> str:
    row = ctx.records[index]
    reference, bead = row.get("reference"), row.get("bead")
    texts = {e: row.get(f"text.{e}") for e in ctx.engines}
    src = f'<p class="source"><span class="label">source</span>{esc(row.get("source"))}</p>'
    baseline_engine = None
    shown = [index]  # the sentences whose translations are shown
    if not missing(reference):
        members = ctx.members.get(bead, [index])
        if len(members) > 1:
            shown = members
            # Shown as scored: the bead's sentences and their translations joined.
            texts = {e: " ".join(_text(ctx.records[m].get(f"text.{e}")) for m in members) for e in ctx.engines}
            joined = " ".join(_text(ctx.records[m].get("source")) for m in members)
            which = f"sentences {esc(members[0])}–{esc(members[-1])}"
            src = f'<p class="source"><span class="label">source · {which}</span>{esc(joined)}</p>'
            against = f"the {ctx.label} (translations of {which} joined)"
        else:
            against = f"the {ctx.label}"
        where = row.get("reference_sentences")
        plural = "s" if any(c in str(where) for c in "-–,") else ""
        label = ctx.label + ("" if missing(where) else f" · sentence{plural} {esc(where)}")
        src += f'<p class="ref"><span class="label">{label}</span>{esc(reference)}</p>'
        baseline: str | None = str(reference)
    else:
        if not missing(bead) and bead != index:
            src += f'<p class="ref note">{ctx.label}: with sentence #{esc(bead)}</p>'
        elif ctx.has_reference:
            src += f'<p class="ref note">no {ctx.label} sentence aligned</p>'
        baseline_engine = next((e for e in ctx.engines if not missing(texts[e])), None)
        baseline = None if baseline_engine is None else str(texts[baseline_engine])
        against = esc(baseline_engine or "nothing")
    idx = f'<div class="num">#{esc(index)}</div>'
    if not missing(row.get("disagreement")):
        idx += f'<div class="dis">disagreement {fmt(row.get("disagreement"))}</div>'
    if _true(row.get("heading")):
        idx += '<span class="tag">heading</span>'
    blocks = []
    for e in ctx.shown:
        flags, at = [], 0
        for m in shown:
            member = ctx.records[m]
            flags += [(at, m if len(shown) > 1 else None, f) for f in flag_list(member, e)]
            at += len(_text(member.get(f"text.{e}"))) + 1
        kinds = set().union(*(flags_of(ctx.records[m], e) for m in shown))
        blocks.append(_engine_block(row, e, ctx.engines.index(e), texts[e], baseline, e == baseline_engine, flags,
                                    kinds))  # fmt: skip
    kinds = set().union(*(flags_of(ctx.records[m], e) for m in shown for e in ctx.engines))
    classes = " ".join(["sentence", *_classes(kinds)])
    note = f'<div class="label">differences from {against}</div>'
    return f'<tr class="{classes}" id="s{esc(index)}"><td>{idx}</td><td>{src}</td><td>{note}{"".join(blocks)}</td></tr>'


def filter_choices(frame: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """The filters of ``side_by_side_html`` as dropdown choices: its keyword -> ``(label, value)`` pairs.

    Args:
        frame: a comparison frame (``annot.compare``).

    Returns:
        ``{"engine": [("every engine", ""), ("apertium", "apertium"), ...], "flag": [("every sentence", ""),
        ("lost", "lost"), ...]}``. The first choice of each, ``EVERY``, filters nothing; every
        value is a string, so a dropdown shows its first choice selected. In a notebook::

            widgets.interactive(lambda engine, flag: display(HTML(side_by_side_html(frame, engine=engine, flag=flag))),
                                **{key: widgets.Dropdown(options=choices, description=key)
                                   for key, choices in filter_choices(frame).items()})
    """
    return {
        "engine": [("every engine", EVERY), *((name, name) for name in engines_of(frame))],
        "flag": [(label, value) for value, label in _FLAG_LABELS.items()],
    }


def _check(frame: pd.DataFrame, engine: str | None, flag: str | None) -> None:
    engines = engines_of(frame)
    if engine and engine not in engines:
        raise ValueError(f"No engine {engine!r} in this comparison. Engines: {', '.join(engines) or 'none'}.")
    if flag and flag not in FLAGS:
        raise ValueError(
            f"Unknown flag {flag!r}. Valid flags: {', '.join(FLAGS)} (or None or {EVERY!r} for every sentence)."
        )


def side_by_side_table(
    frame: pd.DataFrame, *, engine: str | None = None, flag: str | None = None, limit: int | None = None
) -> str:
    """The ``<table>`` of ``side_by_side_html``, without its style (for pages that carry ``TABLE_CSS``)."""
    _check(frame, engine, flag)
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive number of sentences or None, got {limit!r}.")
    ctx = _context(frame, [engine] if engine else engines_of(frame))
    rows = []
    for index in _ordered(frame):
        flags = set().union(*(flags_of(ctx.records[index], e) for e in ctx.shown))
        if (flag == "any" and not flags) or (flag and flag != "any" and flag not in flags):
            continue
        rows.append(_sentence_row(index, ctx))
        if len(rows) == limit:
            break
    if not rows:
        rows.append('<tr><td colspan="3" class="note">No sentence matches.</td></tr>')
    against = f"the {ctx.label}" if ctx.has_reference else (ctx.engines[0] if ctx.engines else "the baseline")
    return (
        '<table class="annot-cmp side"><colgroup><col class="idx"><col class="src"><col class="mts"></colgroup>'
        f"<thead><tr><th>sentence</th><th>source{f' and {ctx.label}' if ctx.has_reference else ''}</th>"
        f"<th>translations: <del>only in {esc(against)}</del> <ins>only in the translation</ins></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def side_by_side_html(
    frame: pd.DataFrame, *, engine: str | None = None, flag: str | None = None, limit: int | None = None
) -> str:
    """The sentences of a comparison side by side, most disputed first, as an HTML fragment with its style.

    Each row shows the source, the reference (when there is one) and each
    engine's translation with its word-level differences from the reference
    (or, without one, from the first engine), its scores and its fidelity flags
    (``annot.compare.flags``, read from projection), each with its detail and
    the range it concerns highlighted in the translation.
    When one reference sentence covers several source sentences, the first
    row shows their translations joined, as they were scored.

    Args:
        frame: a comparison frame (``annot.compare``).
        engine: show only this engine's translations; ``None`` or ``""`` for every engine.
        flag: only sentences where a shown engine has a flag of this kind (``FLAGS``: ``"lost"``,
            ``"changed"``, ``"wrong language"``, ``"number style"``, ``"time lost"``, ``"added"``,
            ``"failed"``), or ``"any"`` flag; ``None`` or ``""`` for every sentence.
        limit: at most this many sentences (the most disputed).

    Returns:
        A ``<style>`` scoped to the table, then the table; all text escaped.
        In a notebook: ``IPython.display.HTML(side_by_side_html(frame))``; ``filter_choices``
        gives dropdowns for ``engine`` and ``flag``.

    Raises:
        ValueError: unknown engine or flag (the message lists the valid ones), or a ``limit`` below 1.
    """
    return f"<style>{TABLE_CSS}</style>{side_by_side_table(frame, engine=engine, flag=flag, limit=limit)}"
