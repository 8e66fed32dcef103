"""A comparison as a shareable report: one static HTML file (and the frame as CSV), written atomically.

The HTML page stands alone: inline CSS, plots as inline SVG, no script, no
external resource, no URL at all, so it opens the same offline, in a mail
attachment or on an air-gapped machine. Every piece of article or translation
text is HTML-escaped; the only markup around it is annot's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annot.compare.flags import COMPARE_KINDS, kind_slug
from annot.compare.plots import engines_of, figure_svg, plot_metrics, plot_score_distribution, plot_scores_along
from annot.compare.side_by_side import TABLE_CSS, flag_list, flags_of, fmt, missing, side_by_side_table
from annot.htmlreport import Output, esc, page_html, write_together
from annot.project.fidelity import FIDELITY_KINDS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ReportFiles", "corpus_table", "to_csv_frame", "to_report_html", "write_report"]

_CORPUS_COLUMNS = [
    # (column, header, higher is better, with a confidence interval)
    ("chrf", "chrF", True, True),
    ("bleu", "BLEU", True, True),
    ("ter", "TER ↓", False, True),
    ("agreement", "agreement", True, False),
    ("roundtrip", "round trip", True, False),
    ("flagged_pct", "flagged %", False, False),
]
#: Flag counts of the corpus table, (column, header): the total, then each kind.
_COUNT_COLUMNS = [("flags", "flags"), *((kind_slug(k), k) for k in COMPARE_KINDS)]
_PAGE_CSS = """
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; margin: 1.5rem auto;
       max-width: 1400px; padding: 0 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h1 .doc-id { display: block; font-size: .8rem; font-weight: normal; color: #555; margin-top: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
nav.toc a, nav.filters a { margin-right: .8rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: bold; } dl.meta dd { margin: 0; } dl.meta ul { margin: 0; padding-left: 1.1rem; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .85em; background: #f3f3f6; padding: 0 .25em;
       border-radius: 3px; overflow-wrap: anywhere; }
table.corpus { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.corpus th, table.corpus td { padding: .3rem .7rem; border-bottom: 1px solid #ddd; text-align: right; }
table.corpus th:first-child, table.corpus td:first-child { text-align: left; }
table.corpus .ci { color: #666; font-size: .85em; } table.corpus .best { font-weight: bold; }
figure { margin: 1rem 0 2rem; } figure svg { max-width: 100%; height: auto; }
figcaption, .note { color: #555; font-size: .9em; }
nav.filters { margin: .8rem 0; padding: .5rem .7rem; background: #f3f3f6; border-radius: 4px; }
nav.filters a { text-decoration: none; color: #0b57a4; padding: .1rem .4rem; border-radius: 3px; }
"""


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """What ``write_report`` wrote: the HTML page and the CSV (``None`` when not asked for)."""

    html: Path
    csv: Path | None


def _engine_index(corpus: pd.DataFrame) -> pd.DataFrame:
    return corpus.set_index("engine") if "engine" in corpus.columns else corpus


def _scored_columns(corpus: pd.DataFrame) -> list[tuple[str, str, bool, bool]]:
    return [c for c in _CORPUS_COLUMNS if c[0] in corpus.columns and corpus[c[0]].notna().any()]


def _score_text(row: pd.Series, col: str, interval: bool) -> str:
    text = fmt(row[col])
    if interval and not missing(row.get(f"{col}_low")) and not missing(row.get(f"{col}_high")):
        text += f" [{fmt(row[f'{col}_low'])}–{fmt(row[f'{col}_high'])}]"
    return text


def corpus_table(corpus: pd.DataFrame) -> pd.DataFrame:
    """Corpus scores to read: one row per engine, each score as text with its interval, ``"61.2 [58.0–64.1]"``.

    Args:
        corpus: ``annot.compare.corpus_scores(frame)``.

    Returns:
        Index ``engine``; the columns that hold a score (chrF, BLEU and TER
        only with a reference; ``flagged %``: the sentences with a flag), then
        the flags counted (``flags``, and each kind some engine has: ``lost``,
        ``wrong language`` ...), ``sentences`` and (with a reference) ``scored`` as numbers.
    """
    import pandas as pd

    corpus = _engine_index(corpus)
    out = pd.DataFrame(index=corpus.index)
    for col, label, _, interval in _scored_columns(corpus):
        out[label] = [_score_text(row, col, interval) for _, row in corpus.iterrows()]
    for col, label in _COUNT_COLUMNS:
        # The total always; a kind only when some engine has one.
        if col in corpus.columns and (col == "flags" or corpus[col].fillna(0).astype("float64").gt(0).any()):
            out[label] = corpus[col].astype("Int64")
    for col in ("sentences", "scored"):
        # Without a reference nothing is scored: no column of zeros.
        if col in corpus.columns and (col == "sentences" or corpus[col].fillna(0).astype("float64").gt(0).any()):
            out[col] = corpus[col].astype("Int64")
    return out


def _corpus_html(corpus: pd.DataFrame) -> str:
    corpus = _engine_index(corpus)
    columns = _scored_columns(corpus)
    table = corpus_table(corpus)
    best = {}
    for col, _, higher, _ in columns:
        values = corpus[col].astype("float64")
        best[col] = values.max() if higher else values.min()
    head = "".join(f"<th>{esc(label)}</th>" for label in table.columns)
    scored = {label for _, label, _, _ in columns}
    body = []
    for engine, row in corpus.iterrows():
        cells = [f"<td>{esc(engine)}</td>"]
        for col, label, _, _ in columns:
            text = esc(table.at[engine, label]).replace(" [", ' <span class="ci">[', 1)
            text += "</span>" if '<span class="ci">' in text else ""
            strong = len(corpus) > 1 and not missing(row[col]) and float(row[col]) == best[col]
            cells.append(f'<td class="best">{text}</td>' if strong else f"<td>{text}</td>")
        cells += [f"<td>{esc(table.at[engine, c])}</td>" for c in table.columns if c not in scored]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="corpus"><thead><tr><th>engine</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _corpus_note(corpus: pd.DataFrame) -> str:
    notes = []
    if any(f"{m}_low" in corpus.columns and corpus[f"{m}_low"].notna().any() for m in ("chrf", "bleu", "ter")):
        notes.append("[low–high]: the confidence interval of the corpus score.")
    notes.append(
        "Agreement: chrF against the other engines; round trip: chrF of the back-translation against the source."
    )
    if "flagged_pct" in corpus.columns:
        notes.append(
            "Flagged %: the sentences with a fidelity flag (read from projection; a flag an annotator dismissed is"
            " not counted); then the flags, in all and by kind."
        )
    if "scored" in corpus.columns:
        notes.append("Scored: sentences (or groups of sentences) with a reference.")
    if len(corpus) > 1:
        notes.append("Bold: the best engine.")
    out = " ".join(notes)
    signatures = corpus.attrs.get("signatures") or {}
    if signatures:
        out += "<br>Corpus signatures: " + "; ".join(
            f"{esc(metric)} <code>{esc(sig)}</code>" for metric, sig in signatures.items()
        )
    return out


def _engine_item(frame: pd.DataFrame, engine: str) -> str:
    col = f"route.{engine}"
    routes = sorted({str(r) for r in frame[col].dropna()}) if col in frame.columns else []
    parts = [f"<b>{esc(engine)}</b>"]
    if routes:
        parts.append(f"route <code>{esc(', '.join(routes))}</code>")
    signatures = (frame.attrs.get("engine_signatures") or {}).get(engine) or []
    parts += [f"<code>{esc(sig)}</code>" for sig in signatures]
    back = (frame.attrs.get("round_trip") or {}).get(engine, "")
    if back != "":
        parts.append(f"back <code>{esc(back)}</code>" if back else "no route back: no round trip")
    return f"<li>{' · '.join(parts)}</li>"


def _default_title(frame: pd.DataFrame, doc_title: str | None) -> str:
    """The default title: the article's title and the target language (the document id without a title)."""
    target = frame.attrs.get("target", "?")
    if doc_title:
        return f"Translations of “{doc_title}” into {target}"
    return f"Translations of {frame.attrs.get('doc_id', 'a document')} into {target}"


def _header(frame: pd.DataFrame, title: str, doc_title: str | None) -> str:
    attrs = frame.attrs
    reference = attrs.get("reference_doc")
    languages = f"{attrs['source']} → {attrs.get('target', '?')}" if attrs.get("source") else attrs.get("target", "?")
    doc_id = f"<code>{esc(attrs.get('doc_id', '?'))}</code>"
    items = [
        ("document", f"{esc(doc_title) + ' · ' if doc_title else ''}{doc_id} · {len(frame)} sentences"),
        ("languages", esc(languages)),
        (
            attrs.get("reference_label", "reference"),
            f"<code>{esc(reference)}</code>" if reference else "none: scores are round trip and agreement",
        ),
        ("engines", f"<ul>{''.join(_engine_item(frame, e) for e in engines_of(frame))}</ul>"),
    ]
    flags = _flag_counts(frame)
    if flags:
        items.append(("flags", flags))
    for engine, why in (attrs.get("skipped") or {}).items():
        items.append((f"skipped {esc(engine)}", esc(why)))
    for metric, signature in (attrs.get("signatures") or {}).items():
        items.append((f"{esc(metric)} (sentences)", f"<code>{esc(signature)}</code>"))
    meta = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in items)
    # The id, small, under the title: what to type in annot's commands, and which version of the article it was.
    heading = f'{esc(title)}<small class="doc-id">{doc_id}</small>' if "doc_id" in attrs else esc(title)
    return f'<header><h1>{heading}</h1><dl class="meta">{meta}</dl></header>'


def _plots(frame: pd.DataFrame) -> str:
    if not plot_metrics(frame):
        return '<p class="note">No per-sentence scores to plot.</p>'
    figures = [
        (plot_score_distribution(frame), "Per-sentence scores of each engine: a box per engine, a dot per sentence."),
        (plot_scores_along(frame), "The same scores sentence by sentence, in article order."),
    ]
    out = []
    for n, (fig, caption) in enumerate(figures, 1):
        out.append(
            f'<figure id="plot{n}">{figure_svg(fig, prefix=f"plot{n}-")}<figcaption>{caption}</figcaption></figure>'
        )
    return "".join(out)


def _flag_counts(frame: pd.DataFrame) -> str:
    """The header's line on flags: each engine's flags by kind (not dismissed), and how many were dismissed."""
    parts = []
    records = [row.to_dict() for _, row in frame.iterrows()]
    for engine in engines_of(frame):
        if f"text.{engine}" not in frame.columns:
            continue
        flags = [f for r in records for f in flag_list(r, engine)]
        kinds = [f"{k} {n}" for k in COMPARE_KINDS if (n := sum(f["kind"] == k for f in flags))]
        dismissed = sum(len(v) for v in frame.get(f"dismissed.{engine}", []) if isinstance(v, list))
        line = ", ".join(kinds) if kinds else "none"
        line += f" ({dismissed} dismissed)" if dismissed else ""
        parts.append(f"<li><b>{esc(engine)}</b>: {esc(line)}</li>")
    return f"<ul>{''.join(parts)}</ul>" if parts else ""


def _filters(frame: pd.DataFrame) -> tuple[str, str]:
    """CSS-only filters: links to empty anchors; the anchor that is the URL's #target hides rows through CSS.

    One link per flag kind with the number of sentences that have it (any engine), one for any flag, one per
    engine.
    """
    engines = engines_of(frame)
    records = [row.to_dict() for _, row in frame.iterrows()]
    kinds = list(COMPARE_KINDS)
    counts = {k: sum(any(k in flags_of(r, e) for e in engines) for r in records) for k in kinds}
    counts["any"] = sum(any(flags_of(r, e) for e in engines) for r in records)
    labels = {**{k: k for k in kinds}, "failed": "engine failed", "any": "any flag"}
    filters = [*kinds, "any"]
    anchors = {k: f"only-{kind_slug(k)}" for k in filters}
    targets = [f'<span id="{anchors[k]}"></span>' for k in filters]
    targets += [f'<span id="only-e{n}"></span>' for n in range(len(engines))]
    links = ['<a href="#all">all sentences</a>']
    links += [f'<a href="#{anchors[k]}">{esc(labels[k])} ({counts[k]})</a>' for k in filters]
    links += ["· only", *(f'<a href="#only-e{n}">{esc(e)}</a>' for n, e in enumerate(engines))]
    rules = [
        f"#{anchors[k]}:target ~ table.side tr.sentence:not(.{'flagged' if k == 'any' else f'f-{kind_slug(k)}'})"
        " { display: none; }"
        for k in filters
    ]
    for n in range(len(engines)):
        rules.append(f"#only-e{n}:target ~ table.side .mt:not(.e{n}) {{ display: none; }}")
    for target in [*anchors.values(), *(f"only-e{n}" for n in range(len(engines)))]:
        rules.append(f'#{target}:target ~ nav.filters a[href="#{target}"] {{ background: #0b57a4; color: #fff; }}')
    nav = "".join(targets) + f'<nav class="filters">Show: {" ".join(links)}</nav>'
    return nav, "\n".join(rules)


def to_report_html(
    frame: pd.DataFrame, corpus: pd.DataFrame, *, title: str | None = None, doc_title: str | None = None
) -> str:
    """The report page as text (see ``write_report``)."""
    title = title or _default_title(frame, doc_title)
    nav, filter_css = _filters(frame)
    label = frame.attrs.get("reference_label", "reference")
    against = f"the {label}" if frame.attrs.get("reference_doc") else "the first engine's translation"
    body = (
        f"{_header(frame, title, doc_title)}"
        '<nav class="toc"><a href="#corpus">corpus scores</a><a href="#plots">plots</a>'
        '<a href="#sentences">sentences</a></nav>'
        f'<section id="corpus"><h2>Corpus scores</h2>{_corpus_html(corpus)}<p class="note">{_corpus_note(corpus)}</p>'
        "</section>"
        f'<section id="plots"><h2>Plots</h2>{_plots(frame)}</section>'
        '<section id="sentences"><h2>Sentences, most disputed first</h2>'
        f'<p class="note">Differences are from {against}. Flags, read from projection, mark what a translation'
        " lost, changed or added, words left in another language, numbers written in another language's style and"
        " weekdays or dates lost; each flagged range is highlighted in the translation.</p>"
        f"{nav}{side_by_side_table(frame)}</section>"
    )
    return page_html(title, f"{_PAGE_CSS}{TABLE_CSS}{filter_css}", body)


def to_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` flat, for CSV: the sentence index as a column, lists joined with ``"; "``, flags by kind.

    Each engine's ``flags.E`` becomes the number of its flags, followed by one column per kind of the
    projection (``lost.E``, ``changed.E``, ``wrong_language.E``, ``number_style.E``, ``time_lost.E``,
    ``added.E``: each flag's value and detail, ``"; "``-joined; empty without one); an engine's failure is
    ``failed.E`` already.
    """
    flat = frame.reset_index()
    for engine in engines_of(frame):
        col = f"flags.{engine}"
        if col not in flat.columns:
            continue
        lists = [v if isinstance(v, list) else None for v in flat[col]]
        at = flat.columns.get_loc(col)
        for n, kind in enumerate(FIDELITY_KINDS, 1):
            texts = [
                None if flags is None else "; ".join(_flag_text(f) for f in flags if f["kind"] == kind)
                for flags in lists
            ]
            flat.insert(at + n, f"{kind_slug(kind)}.{engine}", texts)
        flat[col] = [None if flags is None else len(flags) for flags in lists]
        flat[col] = flat[col].astype("Int64")
    for col in flat.columns:
        if flat[col].dtype == object and flat[col].map(lambda v: isinstance(v, (list, tuple))).any():
            flat[col] = flat[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return flat


def _flag_text(flag: dict) -> str:
    """A flag in a CSV cell: what it is about, and what is wrong (``Belarusian (left in English: ...)``)."""
    value = " ".join(str(flag.get("value") or "").split()).removesuffix(" ->")  # lost: nothing on the right
    detail = " ".join(str(flag.get("detail") or "").split())
    return f"{value} ({detail})" if detail else value


def write_report(
    frame: pd.DataFrame,
    corpus: pd.DataFrame,
    out_html: Path,
    *,
    out_csv: Path | None = None,
    title: str | None = None,
    doc_title: str | None = None,
) -> ReportFiles:
    """Write a comparison as a static HTML report (and optionally the frame as CSV), each atomically.

    The page holds: what was compared (document, target, engines and routes,
    reference, metric signatures), the corpus scores with their confidence
    intervals, two plots, and every sentence side by side, most disputed
    first, with word-level differences and fidelity flags (the flagged range
    highlighted, the flag's detail beside it); links filter it by kind of
    flag or by engine without any script.

    Args:
        frame: a comparison frame (``annot.compare``).
        corpus: its corpus scores (``annot.compare.corpus_scores(frame)``).
        out_html: the page to write (its folder is created).
        out_csv: also write the frame here as UTF-8 CSV (``to_csv_frame``: lists joined with ``"; "``, each
            engine's flags counted and written out by kind).
        title: the page title; default names the article by ``doc_title`` (else by its id) and the target.
        doc_title: the compared article's title, ``store.document(frame.attrs["doc_id"]).title``: shown in
            the default title and the header, the document id small under it.

    Returns:
        The paths written.

    Raises:
        ValueError: ``out_csv`` is the same file as ``out_html``.
        OutputError: a file cannot be written (a folder, no permission, disk full); found before either is replaced.
    """
    out_html = Path(out_html)
    if out_csv is not None and Path(out_csv).resolve() == out_html.resolve():
        raise ValueError(f"The report and the CSV would both be {out_html}; give the CSV another name.")
    page = to_report_html(frame, corpus, title=title, doc_title=doc_title)
    outputs = [Output(out_html, lambda f: f.write(page))]
    if out_csv is not None:
        table = to_csv_frame(frame).to_csv(index=False, lineterminator="\n")
        outputs.append(Output(Path(out_csv), lambda f: f.write(table)))
    write_together(outputs)
    return ReportFiles(out_html, Path(out_csv) if out_csv is not None else None)
