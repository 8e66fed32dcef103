"""The claims ledger as a shareable report: one static HTML page (and the ledger as CSV or Parquet), written atomically.

The page stands alone like compare's (``annot.htmlreport``): inline CSS, plots
as inline SVG, no script, no external resource and no link out of the page, so
it opens the same offline. Every piece of article text (quotes, sentences,
translations, outlets, titles, holders, URLs) is HTML-escaped; the only markup
is annot's own. Colours follow JupyterLab's theme variables when the page is
shown inside JupyterLab, and the reader's light or dark preference elsewhere.

What it shows: counts, then the discrepancies (what differs, between which
sources), then every claim group with its claims side by side (a card per
claim: source, language, time, holder and evidence, the quote highlighted in
its sentence in the original language, the sentence's English below), then the
plots.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.analysis.groups import DISCREPANCY_KINDS, claim_groups, describe_value, discrepancies
from annot.analysis.plots import KIND_COLOURS, source_name
from annot.htmlreport import Output, esc, figure_svg, page_html, write_together

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ClaimsReportFiles", "claims_html", "write_claims_report"]

_KIND_HELP = {
    "value": "a different value (or a range against a point)",
    "qualifier": "the same value with a qualifier dropped or changed",
    "holder": "the same value attributed to another holder",
    "evidence": "the same value reported as fact by one source and as alleged by another",
}
_KIND_CSS = "\n".join(f".k-{k} {{ --kind: {c}; }} .chip.k-{k} {{ background: {c}; }}" for k, c in KIND_COLOURS.items())
# Theme variables inside JupyterLab; elsewhere the reader's light or dark preference. Kind chips are white on
# their kind's colour, which reads on either background.
_CSS = """
:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #555; --bg: #fff; --card: #f6f6f9; --line: #ccc;
        --hl: #ffe97a; --hl-fg: #1d1d1f; --agree: #1f5fa8; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8ea; --muted: #b4b4bc; --bg: #1c1c20; --card: #2a2a31; --line: #55555e; --hl: #7a6500;
          --hl-fg: #fff; --agree: #7fb0f0; } }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; margin: 1.5rem auto; max-width: 1400px;
       padding: 0 1.5rem; line-height: 1.45; background: var(--jp-layout-color0, var(--bg));
       color: var(--jp-content-font-color1, var(--fg)); }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--jp-border-color1, var(--line)); }
h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
a { color: var(--jp-content-link-color, var(--agree)); }
nav.toc a { margin-right: .8rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: bold; } dl.meta dd { margin: 0; }
.note, figcaption { color: var(--jp-content-font-color2, var(--muted)); font-size: .9em; }
.chip { display: inline-block; font-size: .78em; padding: 0 .45em; margin-right: .25rem; border-radius: 3px;
        color: #fff; font-weight: bold; white-space: nowrap; }
.tag { display: inline-block; font-size: .75em; padding: 0 .4em; border-radius: 3px; margin-left: .3rem;
       background: var(--jp-layout-color2, var(--line)); color: var(--jp-content-font-color1, var(--fg)); }
table.disc { border-collapse: collapse; width: 100%; font-size: .92em; }
table.disc th, table.disc td { text-align: left; vertical-align: top; padding: .35rem .5rem;
                               border-bottom: 1px solid var(--jp-border-color2, var(--line)); }
table.disc q, .card q { quotes: "“" "”"; }
section.group { margin: 1.2rem 0 1.8rem; padding: .8rem 1rem; border-radius: 6px;
                border: 1px solid var(--jp-border-color1, var(--line)); }
section.group.disputed { border-left: 5px solid #d62728; }
.values { margin: .2rem 0 .6rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); gap: .8rem; }
.card { background: var(--jp-layout-color2, var(--card)); border-radius: 5px; padding: .6rem .75rem;
        border-left: 5px solid var(--agree); }
.card.disc { border-left-color: var(--kind, #d62728); }
.card .source { font-weight: bold; } .card .when, .card .who, .card .url { font-size: .82em;
        color: var(--jp-content-font-color2, var(--muted)); overflow-wrap: anywhere; }
.card .value { font-size: 1.15em; font-weight: bold; margin: .25rem 0; }
.card .sentence { margin: .35rem 0; }
.card mark.quote { background: var(--hl); color: var(--hl-fg); padding: 0 .1em; border-radius: 2px; }
.card .translation { margin: .35rem 0 0; padding-left: .5rem; font-size: .92em;
                     border-left: 3px solid var(--jp-border-color1, var(--line));
                     color: var(--jp-content-font-color2, var(--muted)); }
figure { margin: 1rem 0 2rem; background: #fff; border-radius: 4px; } figure svg { max-width: 100%; height: auto; }
"""


@dataclass(frozen=True, slots=True)
class ClaimsReportFiles:
    """What ``write_claims_report`` wrote: the page, and the ledger as CSV and Parquet (``None``: not asked for)."""

    html: Path
    csv: Path | None
    parquet: Path | None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _when(value: Any) -> str:
    """A publication time as people read it: the date, and the time (UTC) when it is not midnight."""
    if value is None or str(value) in ("NaT", "nan", "None"):
        return "undated"
    if value.hour == 0 and value.minute == 0:
        return f"{value:%Y-%m-%d}"
    return f"{value:%Y-%m-%d %H:%M} UTC"


def _chips(kinds: Any) -> str:
    found = [k for k in str(kinds or "").split(", ") if k in DISCREPANCY_KINDS]
    return "".join(f'<span class="chip k-{k}" title="{esc(_KIND_HELP[k])}">⚠ {k}</span>' for k in found)


def _highlighted(sentence: Any, quote: str) -> str:
    """The sentence, escaped, with the quote marked inside it (the quote alone when the sentence is not known)."""
    text = _text(sentence)
    at = text.find(quote) if text and quote else -1
    if at < 0:
        return f'<mark class="quote">{esc(quote)}</mark>'
    end = at + len(quote)
    return f'{esc(text[:at])}<mark class="quote">{esc(quote)}</mark>{esc(text[end:])}'


def _card(claim: dict[str, Any]) -> str:
    kinds = [k for k in str(claim.get("discrepancies") or "").split(", ") if k]
    classes = "card" + (f" disc k-{kinds[0]}" if kinds else "") + "".join(f" has-{k}" for k in kinds)
    lang = esc(claim.get("lang") or "")
    holder = _text(claim.get("holder")) or "the outlet itself"
    who = f"holder: <b>{esc(holder)}</b> · evidence: <b>{esc(claim.get('evidence') or 'asserted')}</b>"
    if _text(claim.get("polarity")):
        who += f" · {esc(claim['polarity'])}"
    parts = [
        f'<div class="{classes}" id="c-{esc(claim["claim"])}">',
        f'<div><span class="source">{esc(source_name(claim))}</span><span class="tag">{lang}</span>'
        f'<span class="when"> · {esc(_when(claim.get("published")))}</span></div>',
    ]
    if _text(claim.get("author")):
        parts.append(f'<div class="when">by {esc(claim["author"])}</div>')
    if _text(claim.get("outlet")) and _text(claim.get("title")):
        parts.append(f'<div class="when">{esc(claim["title"])}</div>')
    parts.append(f'<div class="value">{esc(describe_value(claim))} {_chips(claim.get("discrepancies"))}</div>')
    parts.append(f'<div class="who">{who}</div>')
    parts.append(f'<p class="sentence" lang="{lang}">{_highlighted(claim.get("sentence_text"), claim["quote"])}</p>')
    if _text(claim.get("translation")):
        parts.append(f'<p class="translation" lang="en">{esc(claim["translation"])}</p>')
    if claim.get("origin") == "projected":
        parts.append(f'<div class="who">projected from {esc(claim.get("via") or "?")}</div>')
    if _text(claim.get("url")):
        parts.append(f'<div class="url">{esc(claim["url"])}</div>')  # text, never a link out of the page
    parts.append("</div>")
    return "".join(parts)


def _group_html(row: dict[str, Any], claims: pd.DataFrame) -> str:
    disputed = bool(row["discrepancies"])
    records = claims.sort_values("published", na_position="last", kind="stable").to_dict("records")
    return (
        f'<section class="group{" disputed" if disputed else ""}" id="{esc(row["group"])}">'
        f"<h3>{esc(row['group'])} · {esc(row['group_label'])}</h3>"
        f'<p class="values">{esc(row["values"])} {_chips(row["discrepancies"])}<br><span class="note">'
        f"{row['claims']} claims · {row['documents']} documents · {row['languages']} languages</span></p>"
        f'<div class="cards">{"".join(_card(c) for c in records)}</div></section>'
    )


def _discrepancies_html(found: pd.DataFrame, ledger: pd.DataFrame) -> str:
    if found.empty:
        return '<p class="note">No discrepancy: where several sources tell the same number, they agree.</p>'
    names = {c: source_name(r) for c, r in zip(ledger["claim"], ledger.to_dict("records"))}
    rows = []
    for d in found.to_dict("records"):
        rows.append(
            f'<tr class="k-{esc(d["kind"])}"><td><a href="#{esc(d["group"])}">{esc(d["group"])}</a></td>'
            f"<td>{_chips(d['kind'])}</td><td>{esc(d['detail'])}</td>"
            f'<td>{esc(names.get(d["claim"], "?"))} <span class="tag">{esc(d["lang"])}</span><br>'
            f"<q>{esc(d['quote'])}</q></td>"
            f"<td>{esc(names.get(d['against'], '?'))}<br><q>{esc(d['against_quote'])}</q></td></tr>"
        )
    head = "<tr><th>group</th><th>kind</th><th>what differs</th><th>claim</th><th>against</th></tr>"
    return f'<table class="disc"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _header(ledger: pd.DataFrame, groups: pd.DataFrame, found: pd.DataFrame, title: str) -> str:
    outlets = sorted({str(o) for o in ledger["outlet"].dropna() if _text(o)})
    languages = sorted({str(lang) for lang in ledger["lang"].dropna()})
    shared = int((groups["documents"] > 1).sum()) if len(groups) else 0
    by_kind = ", ".join(f"{k} {n}" for k in DISCREPANCY_KINDS if (n := int((found["kind"] == k).sum())))
    items = [
        ("documents", str(ledger["doc_id"].nunique())),
        ("outlets", f"{len(outlets)}: {', '.join(outlets)}" if outlets else "0 (not recorded: titles name sources)"),
        ("languages", f"{len(languages)}: {', '.join(languages)}"),
        ("claims", str(len(ledger))),
        ("groups", f"{len(groups)} ({shared} told by several documents)"),
        ("discrepancies", f"{len(found)}" + (f" ({by_kind})" if by_kind else "")),
    ]
    meta = "".join(f'<dt>{name}</dt><dd class="count-{name}">{esc(value)}</dd>' for name, value in items)
    return f'<header><h1>{esc(title)}</h1><dl class="meta">{meta}</dl></header>'


def _plots_html(ledger: pd.DataFrame, stances: pd.DataFrame | None) -> str:
    from annot.analysis.plots import plot_discrepancies, plot_reporting, plot_stance_matrix, plot_timeline

    figures = [
        ("discrepancies", plot_discrepancies(ledger), "The values each source claims, group by group."),
        ("timeline", plot_timeline(ledger), "Each group's claims by publication time, a row per source."),
    ]
    if stances is not None:
        figures += [
            ("stances", plot_stance_matrix(stances), "Who supports, opposes or doubts whom."),
            ("reporting", plot_reporting(stances), "Who reports whom; dashed red: reported as alleged."),
        ]
    return "".join(
        f'<figure id="plot-{name}">{figure_svg(fig, prefix=f"{name}-")}<figcaption>{caption}</figcaption></figure>'
        for name, fig, caption in figures
    )


def claims_html(
    ledger: pd.DataFrame, stances: pd.DataFrame | None = None, *, title: str = "Claims across sources"
) -> str:
    """The report page as text (see ``write_claims_report``).

    Args:
        ledger: ``annot.claims(...)``, or a filter of it.
        stances: ``annot.actor_stance(...)``: adds the stance heatmap and the network of who reports whom.
        title: the page's title.

    Returns:
        The whole page, every text of the ledger escaped.
    """
    groups = claim_groups(ledger) if len(ledger) else None
    found = discrepancies(ledger)
    if groups is None or groups.empty:
        body = f'{_header(ledger, ledger.iloc[:0].assign(documents=0), found, title)}<p class="note">No claims.</p>'
        return page_html(title, _CSS + _KIND_CSS, body)
    by_group = dict(iter(ledger.groupby("group", sort=False)))
    body = (
        _header(ledger, groups, found, title)
        + '<nav class="toc"><a href="#discrepancies">discrepancies</a><a href="#groups">claim groups</a>'
        '<a href="#plots">plots</a></nav>'
        '<section id="discrepancies"><h2>Discrepancies</h2><p class="note">Within each group, every claim that'
        " differs from the group's most common version: "
        + "; ".join(f"<b>{k}</b>: {esc(v)}" for k, v in _KIND_HELP.items())
        + f".</p>{_discrepancies_html(found, ledger)}</section>"
        '<section id="groups"><h2>Claim groups, most disputed first</h2><p class="note">A card per claim, its'
        " quote highlighted in its sentence in the original language, the sentence's English below.</p>"
        + "".join(_group_html(row, by_group[row["group"]]) for row in groups.to_dict("records"))
        + f'</section><section id="plots"><h2>Plots</h2>{_plots_html(ledger, stances)}</section>'
    )
    return page_html(title, _CSS + _KIND_CSS, body)


def write_claims_report(
    ledger: pd.DataFrame,
    out_html: str | Path,
    *,
    stances: pd.DataFrame | None = None,
    out_csv: str | Path | None = None,
    out_parquet: str | Path | None = None,
    title: str = "Claims across sources",
) -> ClaimsReportFiles:
    """Write the ledger as a static HTML report, and optionally as CSV and Parquet, each file atomically.

    Args:
        ledger: ``annot.claims(...)``.
        out_html: the page (its folder is created).
        stances: ``annot.actor_stance(...)``, for the stance heatmap and the reporting network.
        out_csv: also write the ledger here as UTF-8 CSV (``published`` in ISO 8601 with its UTC offset).
        out_parquet: also write the ledger here as Parquet (pyarrow; dtypes kept).
        title: the page's title.

    Returns:
        The paths written.

    Raises:
        ValueError: two of the files at one path.
        OutputError: a file cannot be written (a folder, no permission, disk full); found before any is replaced.
    """
    page = claims_html(ledger, stances, title=title)
    outputs = [Output(Path(out_html), lambda f: f.write(page))]
    if out_csv is not None:
        table = ledger.to_csv(index=False, lineterminator="\n")
        outputs.append(Output(Path(out_csv), lambda f: f.write(table)))
    if out_parquet is not None:
        outputs.append(Output(Path(out_parquet), lambda f: ledger.to_parquet(f, index=False), binary=True))
    write_together(outputs)
    return ClaimsReportFiles(
        Path(out_html), Path(out_csv) if out_csv is not None else None,
        Path(out_parquet) if out_parquet is not None else None,
    )  # fmt: skip
