"""Writes notebooks/*.ipynb from the cell sources below (run after editing them).

Keeping the sources here makes notebook diffs reviewable; the .ipynb files are
committed without outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

ANNOTATE = [
    new_markdown_cell(
        "# Annotate\n\n"
        "Opens the project (the `ANNOT_PROJECT` folder, or `../project`), makes sure the articles in "
        "`../corpus/` are ingested (a no-op when they already are), and shows the seed article sentence by "
        "sentence with its annotations as pandas DataFrames. Every edit made through `store` is saved the "
        "moment the call returns."
    ),
    new_code_cell(
        "import os\n"
        "from pathlib import Path\n\n"
        "import pandas as pd\n\n"
        "import annot\n\n"
        'pd.set_option("display.max_colwidth", None)  # show whole sentences\n'
        "# annot lab sets both; a project's own copy of this notebook (PROJECT/notebooks/) finds it one level up.\n"
        'PROJECT = Path(os.environ.get("ANNOT_PROJECT") or (".." if Path("../annot.db").exists() else "../project"))\n'
        'CORPUS = Path(os.environ.get("ANNOT_CORPUS", "../corpus"))\n\n'
        "store = annot.open_project(PROJECT)\n"
        "report = annot.ingest(CORPUS, store, progress=True)  # a progress bar for big folders\n"
        "print(store, '-', report.summary())\n"
        'store.documents()[["id", "title", "lang", "published", "sentences", "spans"]]'
    ),
    new_markdown_cell(
        "## The seed article, sentence by sentence\n\nHeadings are flagged; offsets slice the document text exactly."
    ),
    new_code_cell(
        'doc = store.document("belarus-russian-grouping")\n'
        "sentences = store.sentences(doc.id)\n"
        "print(doc.title, '|', doc.lang, '|', doc.published, '|', len(sentences), 'sentences')\n"
        'sentences[["index", "start", "end", "heading", "text"]].set_index("index")'
    ),
    new_markdown_cell(
        "## Machine translation\n\n"
        "Every installed engine translates the article into Portuguese (Apertium through Spanish). "
        "Translations are stored with their provenance; running this again translates nothing new."
    ),
    new_code_cell(
        'report = annot.translate(doc, store, to="pt", progress=True)\n'
        "print(report.summary())\n"
        'tr = store.translations(doc.id, target="pt")\n'
        'side = tr.pivot(index="index", columns="engine", values="text")\n'
        'side.insert(0, "source", sentences.set_index("index")["text"])\n'
        "side"
    ),
    new_markdown_cell(
        "## Annotate\n\n"
        "Click into the annotator once; from then on everything works from the keyboard (`?` lists the keys):\n\n"
        "- `j`/`k` next/previous sentence, `n` the next one without annotations, `g 12 Enter` sentence 12, "
        "`/` search; the outline on the right shows every sentence (click one to go there), the Entities tab "
        "every actor and quantity tagged;\n"
        "- select words with the mouse (a double-click takes one word) or with `←` `→` (`Shift` extends), and "
        "press `1` ACTOR, `2` QUANTITY (value, unit and qualifier prefilled from the words), or click a label;\n"
        '- `3` STANCE on the current sentence, prefilled from the text ("says Minsk": reported, held by Minsk '
        "when Minsk is tagged); then `h` next holder, `+` `-` `=` `~` polarity, `a` `r` `l` `q` evidence;\n"
        "- suggestions (actors, quantities) appear dashed by themselves: `Tab` selects the next one, `Enter` "
        "accepts it (its attributes stay, open to correct), `x` rejects it, `Shift+A` accepts the sentence's; "
        "the outline counts those left; accepting or tagging an actor suggests it further on;\n"
        "- `Tab` selects the next span, `Enter` edits its attributes under it (saved as you change them; "
        "`Enter` or `Escape` back to the text), `y` accepts, `Delete` deletes;\n"
        "- `d` marks the sentence done, `Shift+D` nothing to annotate: the progress bar counts them;\n"
        "- `Ctrl+Z` undo, `Ctrl+Shift+Z` redo, `Escape` clear, `e` next translation engine.\n\n"
        "Every edit is in the store when the widget says *saved*; reopening the article goes back to where you "
        "left off. The header says who is annotating (`ANNOT_USER`, or click the name to change it). The "
        "translation pane shows the best engine first (neural before rule-based) and flags numbers that "
        "changed and tagged actors a translation lost; a flag can be dismissed or its name made a project alias."
    ),
    new_code_cell(
        'from annot.widgets import Annotator, LiveFrame\n\nannotator = Annotator(store, doc, target="pt")\nannotator'
    ),
    new_markdown_cell("Numbers that did not survive a translation (locale-aware: 9,000 = 9.000 = 9 000):"),
    new_code_cell(
        'tr["numbers"] = [annot.check_numbers(s, t).describe() for s, t in zip(tr["source"], tr["text"])]\n'
        'tr[tr["numbers"] != "ok"][["index", "engine", "route", "numbers", "text"]]'
    ),
    new_markdown_cell(
        "## Annotations\n\n"
        "Spans of the article and counts per label and annotator. These views follow every edit, made in the "
        "widget above or anywhere else (`store.spans(...)` and `store.stats()` are the DataFrames behind them)."
    ),
    new_code_cell("LiveFrame(store, lambda: store.spans(doc.id, flatten=True))"),
    new_code_cell("LiveFrame(store, store.stats)"),
    new_markdown_cell(
        "## Tagging from Python\n\n"
        "Everything the widget does is a call on the store, open to code too. Offsets are document offsets "
        "(`doc.text[start:end]`); `find` locates a phrase:\n\n"
        "```python\n"
        'start = doc.text.find("up to 9,000 military personnel")\n'
        'span = store.add_span(doc.id, start, start + len("up to 9,000 military personnel"), "QUANTITY",\n'
        '                      {"value": 9000, "unit": "military personnel", "qualifier": "up to"})\n'
        'store.update_span(span.id, status="pending")\n'
        "store.undo()          # undo your last edit\n"
        "```\n\n"
        "See `tour.ipynb` for a full walk through the API on a scratch project."
    ),
]

TOUR = [
    new_markdown_cell(
        "# A tour of the annot API\n\n"
        "Works on a scratch project in a temporary folder, so running it changes nothing of yours."
    ),
    new_code_cell(
        "import os\n"
        "import tempfile\n"
        "from pathlib import Path\n\n"
        "import annot\n\n"
        "scratch = Path(tempfile.mkdtemp(prefix='annot-tour-'))\n"
        'store = annot.open_project(scratch / "project", annotator="tour")\n'
        'report = annot.ingest(os.environ.get("ANNOT_CORPUS", "../corpus"), store)\n'
        "print(report.summary())\n"
        'doc = store.document("belarus-russian-grouping")\n'
        "store.sentences(doc.id).head()"
    ),
    new_markdown_cell("## Tag actors, quantities and stance"),
    new_code_cell(
        "def tag(phrase, label, attrs=None, occurrence=0):\n"
        "    start = -1\n"
        "    for _ in range(occurrence + 1):\n"
        "        start = doc.text.index(phrase, start + 1)\n"
        "    return store.add_span(doc.id, start, start + len(phrase), label, attrs)\n\n"
        'minsk = tag("Minsk", "ACTOR", {"type": "government body", "canonical": "Belarus"})\n'
        'troops = tag("up to 9,000 military personnel", "QUANTITY",\n'
        '             {"value": 9000, "unit": "military personnel", "qualifier": "up to"})\n'
        'tanks = tag("some 170 tanks", "QUANTITY", {"value": 170, "unit": "tanks", "qualifier": "approximately"})\n'
        'russia = tag("Russia", "ACTOR", {"type": "state"}, occurrence=1)\n'
        'claim = tag("The deployment of up to 9,000 military personnel is for “purely defensive” purposes",\n'
        '            "STANCE", {"holder_span": minsk.id, "target": "deployment", "polarity": "supports",\n'
        '                       "evidence": "reported"})\n'
        "columns = ['label', 'text', 'sentence', 'sent_start', 'sent_end', 'attr.value', 'attr.qualifier']\n"
        "store.spans(doc.id, flatten=True)[columns]"
    ),
    new_markdown_cell("## Edit, delete, undo\n\nEvery edit is in the history; deletes can be restored."),
    new_code_cell(
        'store.update_span(tanks.id, status="pending")\n'
        "store.delete_span(russia.id)\n"
        "store.undo()  # brings the deleted span back\n"
        "store.history()[['seq', 'op', 'span_id', 'annotator', 'state']]"
    ),
    new_markdown_cell("## Analyse with pandas"),
    new_code_cell("spans = store.spans(flatten=True)\nspans.groupby('label', observed=True).size()"),
    new_code_cell("spans[spans.label == 'QUANTITY'][['text', 'attr.value', 'attr.unit', 'attr.qualifier', 'status']]"),
    new_markdown_cell("## Export and import\n\nThe annot/1 JSONL round-trips exactly."),
    new_code_cell(
        'exported = annot.export_jsonl(store, scratch / "corpus.jsonl")\n'
        "print(exported)\n"
        'copy = annot.open_project(scratch / "copy")\n'
        "annot.import_jsonl(copy, exported.path)\n"
        'again = annot.export_jsonl(copy, scratch / "again.jsonl")\n'
        "assert exported.path.read_bytes() == again.path.read_bytes()\n"
        "print('identical after export -> import -> export')"
    ),
]


COMPARE = [
    new_markdown_cell(
        "# Compare translations\n\n"
        "Opens the project (the `ANNOT_PROJECT` folder, or `../project`), ingests the articles in `../corpus/` "
        "(`ANNOT_CORPUS`), links the seed article with its Spanish version and aligns their sentences. That "
        "version was written by hand for annot's tests, not published by anyone (see `corpus/README.md`), so it "
        "is linked as a *reference*, not as a human translation. Then every installed engine translates the "
        "article into Spanish and is scored against that reference: corpus scores with confidence intervals, "
        "the sentences the engines disagree on most with their words that differ, each translation's fidelity "
        "flags, two plots. Then Portuguese, which has no reference: the engines are scored by round trip and by "
        "agreement with each other.\n\n"
        "Every installed engine is used (on a fresh machine argos, bergamot and Apertium; argos and bergamot "
        "reach Spanish through Portuguese and Apertium's pt->es, shown as `argos+apertium`). On a fresh project "
        "the whole notebook runs in well under two minutes on two cores; translations and back-translations are "
        'stored, so running it again translates nothing. Pass `engines=["apertium"]` to `compare` for the '
        "quickest run."
    ),
    new_code_cell(
        "%matplotlib inline\n"
        "import os\n"
        "from pathlib import Path\n\n"
        "import ipywidgets as widgets\n"
        "import pandas as pd\n"
        "from IPython.display import HTML, display\n\n"
        "import annot\n"
        "from annot.compare import (compare, corpus_scores, corpus_table, filter_choices, link_documents,\n"
        "                           plot_score_distribution, plot_scores_along, side_by_side_html, write_report)\n"
        "from annot.translate import engine_names, get_engine\n\n"
        'pd.set_option("display.max_colwidth", None)  # show whole sentences\n'
        "# annot lab sets both; a project's own copy of this notebook (PROJECT/notebooks/) finds it one level up.\n"
        'PROJECT = Path(os.environ.get("ANNOT_PROJECT") or (".." if Path("../annot.db").exists() else "../project"))\n'
        'CORPUS = Path(os.environ.get("ANNOT_CORPUS", "../corpus"))\n\n'
        "store = annot.open_project(PROJECT)\n"
        "report = annot.ingest(CORPUS, store, progress=True)\n"
        "print(store, '-', report.summary())\n\n"
        "ENGINES = []\n"
        "for name in engine_names():\n"
        "    try:\n"
        "        engine = get_engine(name)\n"
        "    except annot.AnnotError as exc:\n"
        '        print(f"{name} is not installed: {exc}")\n'
        "        continue\n"
        "    if engine.pairs():\n"
        "        ENGINES.append(name)\n"
        "    else:  # opus, until you bring a model\n"
        '        print(f"{name} has no model yet: {engine.add_model_hint}")\n'
        'print("engines:", ", ".join(ENGINES))'
    ),
    new_markdown_cell(
        "## The seed article and its Spanish version\n\n"
        "`link_documents` links the two documents and aligns their sentences (the Spanish is machine-translated "
        "into English to find which sentences say the same; one English sentence is two in Spanish, two are one). "
        "The beads that are not one-to-one:"
    ),
    new_code_cell(
        'seed = store.document("belarus-russian-grouping")\n'
        'spanish = store.document("belarus-agrupacion-rusa")\n'
        "aligned = link_documents(store, seed.id, spanish.id, progress=True)\n"
        "print(aligned.summary())\n\n\n"
        "def text_of(doc, indexes):\n"
        '    return " ".join(store.get_sentences(doc)[i].text for i in indexes)\n\n\n'
        "beads = pd.DataFrame([\n"
        '    {"kind": bead.kind, "en": bead.a, "es": bead.b, "chrF": bead.score,\n'
        '     "English": text_of(seed, bead.a), "Spanish": text_of(spanish, bead.b)}\n'
        "    for bead in aligned.beads\n"
        "])\n"
        'beads[beads["kind"] != "1-1"]'
    ),
    new_markdown_cell(
        "## Spanish: every engine against the reference\n\n"
        "Corpus chrF, BLEU and TER with their 95% confidence intervals (sacrebleu's bootstrap), agreement "
        "between engines, round trip, and the fidelity flags counted: the share of sentences flagged, then the flags "
        "by kind:"
    ),
    new_code_cell(
        'es = compare(seed, store, target="es", engines=ENGINES, reference=spanish.id, progress=True)\n'
        "es_scores = corpus_scores(es)\n"
        'print("engines:", ", ".join(es.attrs["engines"]))\n'
        'print("reference:", es.attrs["reference_doc"])\n'
        "corpus_table(es_scores)"
    ),
    new_markdown_cell(
        "### Side by side, most disputed first\n\n"
        "Each engine's Spanish with the words that differ from the reference: ~~struck~~ only in the "
        "reference, underlined only in the translation. Red flags, read from projection, mark what a translation "
        'lost, changed or added, a word left in another language (Apertium\'s "Belarusian" in Spanish), a number '
        'written in another language\'s style ("9,000" reads as nine in Spanish) and a weekday or date lost; the '
        "flagged words are highlighted in the translation (tag actors and quantities in `annotate.ipynb` to have "
        'them followed too). `view(frame, engine=..., flag=...)` filters by engine and by kind of flag (`"lost"`, '
        '`"changed"`, `"wrong language"`, `"number style"`, `"time lost"`, `"added"`, `"failed"`, `"any"`); the '
        "dropdowns below drive it."
    ),
    new_code_cell(
        "def view(frame, engine=None, flag=None, limit=None):\n"
        '    """The sentences side by side: every engine or one, every sentence or those with a flag."""\n'
        "    return HTML(side_by_side_html(frame, engine=engine, flag=flag, limit=limit))\n\n\n"
        "def dropdowns(frame):\n"
        '    """Engine and flag dropdowns (choices from filter_choices) above the sentences they select."""\n'
        "    menus = {key: widgets.Dropdown(options=choices, description=key)\n"
        "             for key, choices in filter_choices(frame).items()}\n"
        "    # An HTML widget rather than an Output: side_by_side_html escapes the article text, and no output\n"
        "    # capture is left for a later cell to wait on.\n"
        "    page = widgets.HTML()\n\n"
        "    def show(_change=None):\n"
        "        page.value = side_by_side_html(frame, **{key: menu.value for key, menu in menus.items()})\n\n"
        "    for menu in menus.values():\n"
        '        menu.observe(show, names="value")\n'
        "    show()\n"
        "    return widgets.VBox([widgets.HBox(list(menus.values())), page])\n\n\n"
        "view(es, limit=3)"
    ),
    new_code_cell("dropdowns(es)"),
    new_markdown_cell("### Sentence scores per engine, and along the article"),
    new_code_cell("display(plot_score_distribution(es))\ndisplay(plot_scores_along(es))"),
    new_markdown_cell(
        "## Portuguese: no reference\n\n"
        "Without a reference each engine is scored by its **round trip** (its Portuguese translated back into "
        "English by the same engine, chrF against the English source) and by its **agreement** with the other "
        "engines (mean chrF against their Portuguese). Differences are shown against the first engine."
    ),
    new_code_cell(
        'pt = compare(seed, store, target="pt", engines=ENGINES, progress=True)\n'
        "pt_scores = corpus_scores(pt)\n"
        'print("engines:", ", ".join(pt.attrs["engines"]))\n'
        'print("reference:", pt.attrs["reference_doc"])\n'
        "corpus_table(pt_scores)"
    ),
    new_code_cell("view(pt, limit=3)"),
    new_code_cell("dropdowns(pt)"),
    new_code_cell("display(plot_score_distribution(pt))\ndisplay(plot_scores_along(pt))"),
    new_markdown_cell(
        "## A report to share\n\n"
        "The same comparison as one static HTML page (no script, nothing loaded from elsewhere) and the frame "
        "as CSV. From a terminal: `annot compare belarus-russian --to es --reference belarus-agrupacion "
        "--out exports/compare.html`."
    ),
    new_code_cell(
        'EXPORTS = PROJECT.parent / "exports"\n'
        "for frame, scores in ((es, es_scores), (pt, pt_scores)):\n"
        "    name = f\"compare-{frame.attrs['target']}\"\n"
        '    files = write_report(frame, scores, EXPORTS / f"{name}.html", out_csv=EXPORTS / f"{name}.csv",\n'
        "                         doc_title=seed.title)\n"
        '    print("wrote", files.html, "and", files.csv)'
    ),
]


EXPLORE = [
    new_markdown_cell(
        "# Explore: claims across sources\n\n"
        "Opens the project (the `ANNOT_PROJECT` folder, or `../project`), ingests the articles in `../corpus/` "
        "(`ANNOT_CORPUS`) and imports the annotations of the five outlets' versions in `corpus/outlets/` "
        "(written for annot, not published articles: see `corpus/README.md`). Both are no-ops when already "
        "done. Then the **claims ledger**: every quantity claim of every document with who made it and how sure "
        "(`annot.claims`), the claims about the same thing grouped across outlets and languages, and where they "
        "disagree: another value, a qualifier dropped or changed, another holder, a fact against an allegation. "
        "Then who supports, opposes or doubts whom, who reports whom, and the time line. The ledger only reads "
        "the store."
    ),
    new_code_cell(
        "%matplotlib inline\n"
        "import os\n"
        "from pathlib import Path\n\n"
        "import pandas as pd\n"
        "from IPython.display import display\n\n"
        "import annot\n"
        "from annot.analysis import reporting, stance_matrix\n"
        "from annot.analysis.plots import plot_discrepancies, plot_reporting, plot_stance_matrix, plot_timeline\n\n"
        'pd.set_option("display.max_colwidth", 80)\n'
        "# annot lab sets both; a project's own copy of this notebook (PROJECT/notebooks/) finds it one level up.\n"
        'PROJECT = Path(os.environ.get("ANNOT_PROJECT") or (".." if Path("../annot.db").exists() else "../project"))\n'
        'CORPUS = Path(os.environ.get("ANNOT_CORPUS", "../corpus"))\n\n'
        "store = annot.open_project(PROJECT)\n"
        "print(annot.ingest(CORPUS, store, progress=True).summary())\n"
        'OUTLETS = CORPUS / "outlets" / "outlets.annot.jsonl"\n'
        "if OUTLETS.is_file():\n"
        "    imported = annot.import_jsonl(store, OUTLETS)\n"
        '    print(f"{OUTLETS.name}: {imported.spans_written} spans written")\n'
        'store.documents()[["title", "lang", "outlet", "published", "spans"]]'
    ),
    new_markdown_cell(
        "## The ledger\n\n"
        "One row per quantity claim: what was counted (the `thing`, one key across languages, with the word's "
        "lemma), the value and its qualifier, the stance holding it (holder, evidence: *asserted* when the "
        "outlet says it in its own voice, *reported*, *quoted* or *alleged*), and where it is. `group` puts "
        "together the claims about the same thing in the same event (documents published within three days "
        "naming the same actors, or linked); `discrepancies` says how a claim differs from its group."
    ),
    new_code_cell(
        "ledger = annot.claims(store)\n"
        'print(len(ledger), "claims in", ledger["group"].nunique(), "groups from", ledger["doc_id"].nunique(), '
        '"documents in", ledger["lang"].nunique(), "languages")\n'
        'ledger[["group", "outlet", "lang", "quote", "value", "qualifier", "thing", "holder", "evidence", '
        '"discrepancies"]]'
    ),
    new_markdown_cell(
        "## Where the sources disagree\n\n"
        "The groups, most disputed first, then each discrepancy: the claim, and the claim of its group it "
        "differs from (the group's most common version)."
    ),
    new_code_cell("annot.claim_groups(ledger)"),
    new_code_cell(
        "found = annot.discrepancies(ledger)\n"
        'found[["group_label", "kind", "detail", "outlet", "quote", "against_outlet", "against_quote"]]'
    ),
    new_code_cell("display(plot_discrepancies(ledger))"),
    new_markdown_cell(
        "## Who supports, opposes or doubts whom\n\n"
        "Each annotated stance of a holder towards an actor, and each outlet's stance towards whom it reports: "
        "an outlet that marks a statement as *alleged* doubts its holder. The matrix is the mean polarity "
        "(+1 supports, -1 opposes or doubts)."
    ),
    new_code_cell(
        "stances = annot.actor_stance(store)\ndisplay(stance_matrix(stances))\ndisplay(plot_stance_matrix(stances))"
    ),
    new_markdown_cell("## Who reports whom\n\nOutlets and the holders they report; dashed: reported as alleged."),
    new_code_cell("display(reporting(stances))\ndisplay(plot_reporting(stances))"),
    new_markdown_cell("## When\n\nEach claim group's claims by publication time, one row per outlet."),
    new_code_cell(
        "display(annot.timeline(ledger, stances).head(20))\n"
        'display(plot_timeline(ledger, group=annot.claim_groups(ledger)["group"].iloc[0]))'
    ),
    new_markdown_cell(
        "## A report to share\n\n"
        "The same ledger as one static HTML page (no script, nothing loaded from elsewhere), with CSV. From a "
        "terminal: `annot claims --out exports/claims.html --csv exports/claims.csv`."
    ),
    new_code_cell(
        "from annot.analysis.report import write_claims_report\n\n"
        'EXPORTS = PROJECT.parent / "exports"\n'
        'files = write_claims_report(ledger, EXPORTS / "claims.html", stances=stances,\n'
        '                            out_csv=EXPORTS / "claims.csv")\n'
        "print(files)"
    ),
    new_markdown_cell(
        "## Agreement between annotators\n\n"
        "When several people annotate the same documents (each edit records its annotator: set it with "
        "`ANNOT_USER`), how far they agree: span F1 per pair of annotators and label, exact (same start, end "
        "and label) and by overlap; Krippendorff's alpha for stance polarity and evidence and quantity values "
        "over the spans they matched; and which label each gave to the spans they both marked. Only their own "
        "accepted spans count. From a terminal: `annot agreement --csv exports/agreement.csv`. This project has "
        "one annotator per document, so there is nothing to compare yet: the cell says so."
    ),
    new_code_cell(
        "from annot.analysis.plots import plot_agreement\n\n"
        "agreement = annot.agreement(store)\n"
        "print(agreement.summary())\n"
        "if not agreement.empty:\n"
        "    pairs = agreement.pairs\n"
        '    display(pairs.pivot_table(index=["annotator_a", "annotator_b", "label"], columns="match", values="f1"))\n'
        "    display(agreement.alpha)\n"
        "    display(agreement.confusion)\n"
        "    display(plot_agreement(agreement))"
    ),
    new_markdown_cell(
        "## Adjudicate\n\n"
        "Where annotators disagree, a curator settles each sentence: the `Curator` widget shows every "
        "annotator's version of a sentence, disagreements first, and the curated version below them (`1`-`9` "
        "accept a version, `m` merges them, Tab and Delete or a label key edit the result, Ctrl+Z undoes; `?` "
        "lists the keys). The result is the *curated* layer, stored beside the originals: "
        "`annot export --layer curated` writes it alone. The cell shows the first document two people annotated."
    ),
    new_code_cell(
        "from annot.annotate.curation import curation_status\n"
        "from annot.widgets import Curator\n\n"
        "status = curation_status(store)\n"
        'shared = status[status["annotators"] > 1]\n'
        "if shared.empty:\n"
        '    print("No document has two annotators yet: nothing to adjudicate.")\n'
        "else:\n"
        '    display(shared.sort_values("disagreement", ascending=False).head(10))\n'
        '    display(Curator(store, shared["doc_id"].iloc[0]))'
    ),
]


def write(name: str, cells: list, folder: Path = ROOT / "notebooks") -> None:
    for number, cell in enumerate(cells):
        cell.id = f"{name.removesuffix('.ipynb')}-{number:02d}"  # stable ids: regenerating changes no line by itself
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, folder / name)


NOTEBOOKS = {"annotate.ipynb": ANNOTATE, "tour.ipynb": TOUR, "compare.ipynb": COMPARE, "explore.ipynb": EXPLORE}


if __name__ == "__main__":
    for notebook_name, notebook_cells in NOTEBOOKS.items():
        write(notebook_name, notebook_cells)
