"""Latency of the annotation widget in a real browser: key to painted sentence, label key to painted span, opening.

JupyterLab runs in chromium (Playwright, Debian's /usr/bin/chromium) on a
scratch project holding the seed article (14 sentences) and a synthetic
5,000-sentence article made of its sentences repeated. Both are translated into
Portuguese by every installed engine first (``annot.translate``, as the
annotation notebook does; the long one from the store's cache), so the widget
shows stored translations and has nothing to translate in the background.

Every time is taken inside the page with ``performance.now()``: from the key
event (a capture-phase listener on the widget, or on the window for a cell run)
to the first ``requestAnimationFrame`` callback after a ``MutationObserver``
saw the expected DOM (the frame that paints it). Playwright's own round trips
are outside the interval. Baselines, measured in the same run and interleaved:
the seed article, so the 5k/seed ratio shows what grows with document length;
an "echo" anywidget whose key sends a message and whose Python handler sets one
number, the floor of any key that goes through the kernel; and, for opening, a
cell that prints a number. The Python cost of opening and of each intent (``Annotator.handle``
without a browser or kernel) shows how much of a latency is the widget's own work.

Run: ``.venv/bin/python benchmarks/bench_annotator_browser.py [--quick]``
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common as C

N_SENTENCES = 5_000
TARGET = "pt"  # the widget's default target language
ANNOTATOR = "bench"
TARGET_KEY_P95_MS = 50.0
TARGET_LABEL_P95_MS = 50.0
TARGET_OVERVIEW_MS = 300.0
N_SPANS = 20_000  # on the 5k article, away from the sentences the sweeps tag
FIRST_TAGGED = 20
TARGET_OPEN_S = 2.0
TARGET_OPEN_RATIO = 1.5
SWEEP = 13  # j from sentence 0 to 13 of either document, then k back: both stay in step
CELL_FLOOR, CELL_SEED, CELL_BIG = 1, 3, 4  # cell 2 is the echo widget


def sizes(quick: bool) -> dict[str, int]:
    if quick:
        return {"nav": 2 * SWEEP, "label": 14, "open": 3, "py": 20}
    return {"nav": 8 * SWEEP, "label": 52, "open": 8, "py": 100}


# -- the scratch project -----------------------------------------------------------


def synthetic_text(n: int = N_SENTENCES) -> str:
    """The seed's units repeated to ``n``: 4 sentences a paragraph, headings on their own line.

    Verbatim, so the store's translation cache fills this document's
    translations from the seed's (translating 5,000 sentences would take minutes).
    """
    from annot.segment import split

    text = C.SEED.read_text(encoding="utf-8")
    units = [(text[s:e], heading) for s, e, heading in split(text, "en")]
    paragraphs: list[str] = []
    current: list[str] = []
    for i in range(n):
        unit, heading = units[i % len(units)]
        # "Categorized in:" and headings would be glued to the next sentence inside a paragraph.
        if heading or not unit.endswith((".", "!", "?", "”", '"')):
            paragraphs.extend([" ".join(current), unit] if current else [unit])
            current = []
        else:
            current.append(unit)
            if len(current) == 4:
                paragraphs.append(" ".join(current))
                current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs) + "\n"


def build_project(root: Path) -> tuple[Path, dict[str, str]]:
    """The project (seed + synthetic article, ingested and translated once; reused from a kept ``--workdir``)."""
    import annot

    template = root / f"tpl-annotator-{N_SENTENCES}-{N_SPANS}"
    ids_file = template / "doc-ids.json"
    if not (template / ".built").exists():
        shutil.rmtree(template, ignore_errors=True)
        (template / "corpus").mkdir(parents=True)
        big_path = template / "corpus" / f"synthetic-{N_SENTENCES}.en.txt"
        big_path.write_text(synthetic_text(), encoding="utf-8")
        with annot.open_project(template / "project", annotator=ANNOTATOR) as store:
            t0 = time.perf_counter()
            ids = {"seed": annot.ingest(C.SEED, store).results[0].doc_id,
                   "big": annot.ingest(big_path, store).results[0].doc_id}  # fmt: skip
            counts = {name: len(store.get_sentences(doc_id)) for name, doc_id in ids.items()}
            t1 = time.perf_counter()
            # Every installed engine, as the annotation notebook does: the widget then has nothing to translate.
            report = annot.translate([ids["seed"], ids["big"]], store, to=TARGET)
            t2 = time.perf_counter()
            spans = add_spans(store, ids["big"])
            t3 = time.perf_counter()
        print(f"ingested the seed ({counts['seed']} sentences) and the synthetic article ({counts['big']:,}"
              f" sentences) in {t1 - t0:.1f} s; translated into {TARGET} in {t2 - t1:.1f} s:"
              f" {report.summary()}; {spans:,} spans added in {t3 - t2:.1f} s")  # fmt: skip
        ids_file.write_text(json.dumps(ids))
        (template / ".built").touch()
    return template / "project", json.loads(ids_file.read_text())


def add_spans(store: Any, doc_id: str) -> int:
    """``N_SPANS`` spans on the long article from sentence ``FIRST_TAGGED`` on, by annotator "corpus": up to
    five words of each sentence as ACTORs and QUANTITYs, with canonical names from a set of 300, so the entity
    list has groups of every size (the sweeps tag sentences 0..13, apart from these)."""
    import annot
    from annot.store import new_span_id

    doc = store.document(doc_id)
    spans = []
    for sentence in store.get_sentences(doc)[FIRST_TAGGED:]:
        for n, word in enumerate(C.WORD.finditer(sentence.text)):
            if n == 5 or len(spans) == N_SPANS:
                break
            start, end = sentence.start + word.start(), sentence.start + word.end()
            label, attrs = (("ACTOR", {"canonical": f"actor {len(spans) % 300}"}) if n % 2 == 0
                            else ("QUANTITY", {"value": len(spans) % 500, "unit": "troops"}))  # fmt: skip
            spans.append(annot.Span(new_span_id(), doc.id, start, end, label, attrs, word.group(), "corpus"))
    store.add_spans(spans)
    return len(spans)


def stored_translations(project: Path) -> int:
    import annot

    with annot.open_project(project, create=False) as store:
        return len(store.translations())


# The floor of a key's round trip: an anywidget that sends a message on any key,
# whose Python handler sets one synced number, drawn as text. Same path as the
# annotator (keydown -> comm -> kernel -> traitlet update -> DOM), no work at either end.
ECHO = '''import anywidget, traitlets

class Echo(anywidget.AnyWidget):
    _esm = """
    export default { render({ model, el }) {
      const root = document.createElement("div"), out = document.createElement("span");
      root.className = "bench-echo"; root.tabIndex = 0; root.setAttribute("data-lm-suppress-shortcuts", "true");
      out.className = "bench-echo-n"; out.textContent = String(model.get("n"));
      root.append("echo: ", out); el.append(root);
      root.addEventListener("keydown", (e) => {
        e.stopPropagation(); e.preventDefault(); model.send({n: model.get("n") + 1});
      });
      model.on("change:n", () => { out.textContent = String(model.get("n")); });
    } };"""
    n = traitlets.Int(0).tag(sync=True)

    def __init__(self):
        super().__init__()
        self.on_msg(lambda _widget, content, _buffers: setattr(self, "n", content["n"]))

Echo()'''


def write_notebook(path: Path, project: Path, ids: dict[str, str]) -> None:
    setup = (
        "import annot\nfrom annot.widgets import Annotator\n"
        f"store = annot.open_project({str(project)!r}, annotator={ANNOTATOR!r})\n"
        # Both documents were ingested by the benchmark; ingesting 5,000 sentences again would be a slow no-op.
        f"seed, big = store.document({ids['seed']!r}).id, store.document({ids['big']!r}).id"
    )
    # Suggestions are bench_suggest's to measure: a background run here would only blur these figures.
    cells = [setup, "import time\ntime.perf_counter_ns()", ECHO, "Annotator(store, seed, suggest=False)",
             "Annotator(store, big, suggest=False)"]  # fmt: skip
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None} for s in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path.write_text(json.dumps(notebook), encoding="utf-8")


# -- in-page probes ------------------------------------------------------------------

# Arms a probe: t0 at the trigger key (capture phase, before the widget or JupyterLab
# sees it), then the rAF after the first mutation that makes ``check`` true.
# ``renders`` counts rebuilds of the sentence list before that frame.
ARM = """([scope, mode, arg, key]) => {
  const st = {t0: null, painted: null, renders: 0};
  const sentences = scope.querySelector('.annot-reading');
  const cellRun = mode === 'open' || mode === 'floor';
  const old = mode === 'open' ? scope.querySelector('.annot-annotator') : scope.querySelector('.jp-OutputArea-output');
  const check = {
    nav: () => scope.querySelector('.annot-current')?.dataset.index === String(arg),
    echo: () => scope.querySelector('.bench-echo-n')?.textContent === String(arg),
    span: () => scope.querySelectorAll('.annot-current .annot-span').length > arg,
    open: () => {
      const r = scope.querySelector('.annot-annotator'); return r && r !== old && r.querySelector('.annot-current');
    },
    floor: () => {
      const o = scope.querySelector('.jp-OutputArea-output'); return o && o !== old && o.textContent.trim();
    },
  }[mode];
  const target = cellRun ? window : scope;
  let resolve;
  st.done = new Promise((r) => { resolve = r; });
  const timer = setTimeout(() => { finish(); resolve({timeout: true}); }, 20000);
  const onKey = (e) => { if (st.t0 === null && e.key === key && (!cellRun || e.ctrlKey)) st.t0 = performance.now(); };
  // A move (nav) is drawn at once from the window the browser has, then again when Python's
  // answer arrives (the root's data-moving attribute goes): both moments are timed.
  const settledCheck = () => check() && !(scope.dataset && scope.dataset.moving);
  let seen = null, settledSeen = null;
  const maybeDone = () => {
    if (!st.painted || (mode === 'nav' && !st.settled)) return;
    const texts = [...scope.querySelectorAll('.annot-current .annot-span')].map((s) => s.textContent);
    finish();
    resolve({ms: st.painted - st.t0, dom: seen - st.t0, settled: (st.settled || st.painted) - st.t0,
             renders: st.renders, texts});
  };
  const obs = new MutationObserver((records) => {
    for (const r of records) if (r.target === sentences && r.type === 'childList') st.renders++;
    if (st.t0 === null) return;
    if (st.painted === null && check()) {
      st.painted = 0;
      seen = performance.now();
      requestAnimationFrame(() => { st.painted = performance.now(); maybeDone(); });
    }
    if (mode === 'nav' && settledSeen === null && settledCheck()) {
      settledSeen = performance.now();
      requestAnimationFrame(() => { st.settled = performance.now(); maybeDone(); });
    }
  });
  function finish() {
    clearTimeout(timer); obs.disconnect(); target.removeEventListener('keydown', onKey, {capture: true});
  }
  target.addEventListener('keydown', onKey, {capture: true});
  obs.observe(scope, {childList: true, subtree: true, attributes: true, characterData: true});
  window.__annotBench = st;
}"""

# Selects the ``pass``-th plain word of the current sentence (a Range over the
# segments' text nodes) and releases the mouse on the widget, as a drag would.
SELECT_WORD = """([root, pass]) => {
  const textEl = root.querySelector('.annot-current .annot-text');
  const text = textEl.textContent, words = [];
  for (const m of text.matchAll(/[A-Za-z]{3,}/g)) {
    const end = m.index + m[0].length;
    if (/[\\w'’-]/.test(text[m.index - 1] || ' ') || /[\\w'’-]/.test(text[end] || ' ')) continue;
    words.push([m.index, end, m[0]]);
  }
  if (pass >= words.length) return null;
  const [start, end, word] = words[pass];
  const range = document.createRange(), walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT);
  let pos = 0, node, started = false;
  while ((node = walker.nextNode())) {
    const len = node.data.length;
    if (!started && start < pos + len) { range.setStart(node, start - pos); started = true; }
    if (started && end <= pos + len) { range.setEnd(node, end - pos); break; }
    pos += len;
  }
  const spans = root.querySelectorAll('.annot-current .annot-span').length;
  window.getSelection().removeAllRanges();
  window.getSelection().addRange(range);
  root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
  return {word, spans};
}"""


# The duration of the newest User Timing measure `name` (the widget records its outline and entity
# list draws, up to the frame that paints them), once there is one.
MEASURE = """async (name) => {
  for (;;) {
    const found = performance.getEntriesByName(name, 'measure');
    if (found.length) return found[found.length - 1].duration;
    await new Promise((r) => requestAnimationFrame(r));
  }
}"""


def measure_entities(page: Any, root: Any, runs: int) -> list[float]:
    """Open the entity list of ``root``'s widget ``runs`` times (its tab, then back to the outline): ms each."""
    out = []
    for _ in range(runs + 1):
        page.evaluate("() => performance.clearMeasures('annot:entities')")
        root.query_selector('.annot-tab:has-text("Entities")').click()
        out.append(page.evaluate(MEASURE, "annot:entities"))
        root.query_selector('.annot-tab:has-text("Outline")').click()
    return out[1:]


def _timed(page: Any, scope: Any, mode: str, arg: Any, key: str) -> dict[str, Any]:
    """Arm a probe on ``scope``, press ``key``, and return the page's measurement."""
    page.evaluate(ARM, [scope, mode, arg, key.split("+")[-1]])
    page.keyboard.press(key)
    result = page.evaluate("() => window.__annotBench.done")
    if result.get("timeout"):
        raise RuntimeError(f"nothing painted within 20 s after {key!r} ({mode}, {arg!r})")
    return result


class Walker:
    """Moves one widget back and forth over sentences 0..SWEEP with j/k, timing each move."""

    def __init__(self, page: Any, root: Any) -> None:
        self.page, self.root, self.index, self.step = page, root, 0, 1

    def move(self) -> dict[str, Any]:
        if not 0 <= self.index + self.step <= SWEEP:
            self.step = -self.step
        key = "j" if self.step > 0 else "k"
        self.root.focus()
        result = _timed(self.page, self.root, "nav", self.index + self.step, key)
        self.index += self.step
        return result


class Echo:
    """Presses j on the echo widget: the round trip of a key without the annotator's work."""

    def __init__(self, page: Any, root: Any) -> None:
        self.page, self.root, self.count = page, root, 0

    def move(self) -> dict[str, Any]:
        self.root.focus()
        result = _timed(self.page, self.root, "echo", self.count + 1, "j")
        self.count += 1
        return result


def measure_nav(page: Any, walkers: dict[str, Walker | Echo], n: int) -> dict[str, list[dict[str, Any]]]:
    """``n`` timed key round trips per widget after a warm-up sweep, interleaved a sweep at a time."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in walkers}
    for walker in walkers.values():
        for _ in range(SWEEP):
            walker.move()
    while min(len(v) for v in out.values()) < n:
        for name, walker in walkers.items():
            out[name].extend(walker.move() for _ in range(SWEEP))
    return {name: v[:n] for name, v in out.items()}


def measure_label(page: Any, walkers: dict[str, Walker], n: int) -> dict[str, list[dict[str, Any]]]:
    """Tag one fresh word as ACTOR (select it, press 1) in each sentence of the sweep, ``n`` per widget.

    Each pass over a sentence takes its next plain word, so every tag is a new
    row; a sentence with no word left is skipped. Returns the samples, each with
    the word tagged.
    """
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in walkers}
    passes = {name: 0 for name in walkers}
    while min(len(v) for v in out.values()) < n:
        for name, walker in walkers.items():
            for _ in range(SWEEP):
                if len(out[name]) >= n:
                    break
                if not 0 <= walker.index + walker.step <= SWEEP:
                    passes[name] += 1  # turning round: the next visit to a sentence takes its next word
                picked = page.evaluate(SELECT_WORD, [walker.root, passes[name]])
                if picked is not None:
                    page.wait_for_function(
                        "([root, word]) => root.querySelector('.annot-pending-text')?.textContent === word",
                        arg=[walker.root, picked["word"]], timeout=20_000,
                    )  # fmt: skip
                    walker.root.focus()
                    result = _timed(page, walker.root, "span", picked["spans"], "1")
                    if picked["word"] not in result["texts"]:
                        raise RuntimeError(f"tagged {picked['word']!r} but the painted spans are {result['texts']}")
                    out[name].append({**result, "word": picked["word"]})
                walker.move()
    return out


def measure_open(page: Any, runs: int) -> dict[int, list[dict[str, Any]]]:
    """Run the floor cell and each Annotator cell ``runs`` times (Ctrl+Enter), interleaved, after one warm-up."""
    cells = page.locator(".jp-Notebook .jp-Cell")
    out: dict[int, list[dict[str, Any]]] = {CELL_FLOOR: [], CELL_SEED: [], CELL_BIG: []}
    for run in range(runs + 1):
        for index, samples in out.items():
            cell = cells.nth(index)
            prompt = cell.locator(".jp-InputPrompt")
            before = prompt.inner_text()
            prompt.click()
            page.keyboard.press("Escape")
            mode = "floor" if index == CELL_FLOOR else "open"
            page.evaluate("() => performance.clearMeasures('annot:outline')")
            result = _timed(page, cell.element_handle(), mode, None, "Control+Enter")
            page.wait_for_function(
                "([p, before]) => /\\[\\d+\\]/.test(p.textContent) && p.textContent !== before",
                arg=[prompt.element_handle(), before], timeout=60_000,
            )  # fmt: skip
            if mode == "open":  # the outline of every sentence, drawn as the widget opens
                result["outline_ms"] = page.evaluate(MEASURE, "annot:outline")
            if run:
                samples.append(result)
    return out


def run_browser(scratch: Path, project: Path, ids: dict[str, str], n: dict[str, int]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    spec = importlib.util.spec_from_file_location("annot_screenshot", C.ROOT / "scripts" / "screenshot.py")
    shot = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(shot)  # type: ignore[union-attr]

    (scratch / "root").mkdir(parents=True)
    write_notebook(scratch / "root" / "bench.ipynb", project, ids)
    token = secrets.token_hex(16)
    t0 = time.perf_counter()
    proc, port = shot.start_lab(scratch, token)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=shot.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            shot.open_and_run_all(page, port, token, "bench.ipynb")
            widgets = page.locator(".annot-annotator")
            widgets.nth(1).wait_for(timeout=120_000)
            page.wait_for_function("() => document.querySelectorAll('.annot-annotator .annot-current').length === 2")
            print(f"JupyterLab up and the notebook run in {time.perf_counter() - t0:.1f} s; chromium {browser.version}",
                  flush=True)  # fmt: skip
            walkers = {"seed": Walker(page, widgets.nth(0).element_handle()),
                       "5k": Walker(page, widgets.nth(1).element_handle())}  # fmt: skip
            echo = Echo(page, page.locator(".bench-echo").element_handle())
            t = time.perf_counter()
            nav = measure_nav(page, {"echo": echo, **walkers}, n["nav"])
            print(f"[key to sentence: {time.perf_counter() - t:.0f} s]", flush=True)
            t = time.perf_counter()
            label = measure_label(page, walkers, n["label"])
            print(f"[label key to span: {time.perf_counter() - t:.0f} s]", flush=True)
            t = time.perf_counter()
            entities = {"seed": measure_entities(page, walkers["seed"].root, n["open"]),
                        "5k": measure_entities(page, walkers["5k"].root, n["open"])}  # fmt: skip
            print(f"[entity lists: {time.perf_counter() - t:.0f} s]", flush=True)
            t = time.perf_counter()
            opened = measure_open(page, n["open"])
            print(f"[opening: {time.perf_counter() - t:.0f} s]", flush=True)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"nav": nav, "label": label, "open": opened, "entities": entities}


def stored_actors(project: Path, ids: dict[str, str]) -> dict[str, list[str]]:
    """The live ACTOR rows the widgets wrote, per document, read by a second store on the same folder."""
    import annot

    with annot.open_project(project, create=False) as store:
        return {name: list(store.spans(ids[doc], label="ACTOR", annotator=ANNOTATOR)["text"])
                for name, doc in (("seed", "seed"), ("5k", "big"))}  # fmt: skip


# -- the Python side alone -------------------------------------------------------------


def python_costs(project: Path, doc_id: str, n: int) -> dict[str, float]:
    """p50 ms of ``Annotator.handle`` per intent, without a browser (the comm is a no-op outside a kernel)."""
    import annot
    from annot.widgets import Annotator

    out: dict[str, float] = {}
    with annot.open_project(project, annotator="py") as store:
        # The first one in a process also finds the installed engines; suggestions are bench_suggest's to measure.
        Annotator(store, doc_id, suggest=False).close()
        opened = []
        for _ in range(5):
            t0 = time.perf_counter()
            widget = Annotator(store, doc_id, suggest=False)
            opened.append(time.perf_counter() - t0)
            widget.close()
        out["open"] = C.percentile(opened, 50) * 1e3
        widget = Annotator(store, doc_id, suggest=False)
        step = 1
        nav: list[float] = []
        select: list[float] = []
        label: list[float] = []
        undo: list[float] = []
        for _ in range(n):
            if not 0 <= widget.session.index + step <= SWEEP:
                step = -step
            t0 = time.perf_counter()
            widget.handle({"type": "nav", "to": "next" if step > 0 else "previous"})
            nav.append(time.perf_counter() - t0)
            index = widget.session.index
            word = C.WORD.search(widget.session.sentences[index].text)  # the seed's text is all in the BMP
            for times, intent in (
                (select, {"type": "select", "sentence": index, "utf16_start": word.start(), "utf16_end": word.end()}),
                (label, {"type": "label", "label": "ACTOR"}),
                (undo, {"type": "undo"}),
            ):
                t0 = time.perf_counter()
                widget.handle(intent)  # type: ignore[arg-type]
                times.append(time.perf_counter() - t0)
                if intent["type"] == "label" and not (widget.form.get("span") or {}).get("id"):
                    raise RuntimeError(f"tagging {word.group()!r} in sentence {index} failed: {widget.status}")
        for name, times in (("nav", nav), ("select", select), ("label", label), ("undo", undo)):
            out[name] = C.percentile(times, 50) * 1e3
        widget.close()
    return out


# -- report ----------------------------------------------------------------------------


def _ms(samples: Sequence[dict[str, Any]], field: str = "ms") -> dict[str, float]:
    return C.summary_ms([s[field] / 1e3 for s in samples])


def report(results: dict[str, Any], py: dict[str, dict[str, float]], checks: list[str]) -> None:
    nav = {name: _ms(v) for name, v in results["nav"].items()}
    label = {name: _ms(v) for name, v in results["label"].items()}
    floor = nav["echo"]
    rows = [("j -> echo number (floor)", "", *(f"{floor[k]:.1f}" for k in ("p50", "p95", "max")), "", "",
             f"{_ms(results['nav']['echo'], 'dom')['p50']:.1f}")]  # fmt: skip
    for what, key, series in (("j/k -> sentence", "nav", nav), ("1 -> ACTOR span", "label", label)):
        for name in ("seed", "5k"):
            s = series[name]
            rows.append((what, name, *(f"{s[k]:.1f}" for k in ("p50", "p95", "max")),
                         C.ratio(s["p95"], series["seed"]["p95"]) if name == "5k" else "",
                         C.ratio(s["p50"], floor["p50"]), f"{_ms(results[key][name], 'dom')['p50']:.1f}"))  # fmt: skip
    for name in ("seed", "5k"):
        settled = _ms(results["nav"][name], "settled")
        rows.append(("j/k -> Python's answer drawn", name, *(f"{settled[k]:.1f}" for k in ("p50", "p95", "max")),
                     "", C.ratio(settled["p50"], floor["p50"]), ""))  # fmt: skip
    print("\nkey to its result painted (ms); the floor is the echo widget's round trip, interleaved with the others."
          "\nA move is painted at once from the sentences the browser holds; Python's answer (position, MT pane)"
          " follows:")  # fmt: skip
    print(C.table(["action", "document", "p50", "p95", "max", "p95 5k/seed", "p50 vs floor", "p50 to DOM"], rows))
    renders = {name: C.percentile([s["renders"] for s in results["nav"][name]], 50) for name in ("seed", "5k")}
    print("('to DOM': from the key until the MutationObserver sees the change, before the frame that paints it;"
          f" sentence-list rebuilds per j/k: seed {renders['seed']:.1f}, 5k {renders['5k']:.1f})")  # fmt: skip

    opened = {index: [s["ms"] / 1e3 for s in v] for index, v in results["open"].items()}
    med = {index: C.percentile(v, 50) for index, v in opened.items()}
    print("\nCtrl+Enter on a cell to its output painted (s):")
    print(C.table(["cell", "median", "min", "max", "vs seed"], [
        (what, f"{med[i]:.2f}", f"{min(opened[i]):.2f}", f"{max(opened[i]):.2f}", C.ratio(med[i], med[CELL_SEED]))
        for what, i in (("time.perf_counter_ns() (floor)", CELL_FLOOR), ("Annotator(store, seed)", CELL_SEED),
                        ("Annotator(store, big) (5k)", CELL_BIG))
    ]))  # fmt: skip

    outline = {i: [s["outline_ms"] for s in results["open"][i]] for i in (CELL_SEED, CELL_BIG)}
    entities = results["entities"]
    print(f"\nthe overview drawn, up to the frame that paints it (ms; the 5k article holds {N_SPANS:,} spans):")
    med_outline = {i: C.percentile(v, 50) for i, v in outline.items()}
    med_entities = {name: C.percentile(v, 50) for name, v in entities.items()}
    print(C.table(["what", "document", "median", "max", "5k/seed"], [
        ("outline (every sentence)", "seed", f"{med_outline[CELL_SEED]:.1f}", f"{max(outline[CELL_SEED]):.1f}", ""),
        ("outline (every sentence)", "5k", f"{med_outline[CELL_BIG]:.1f}", f"{max(outline[CELL_BIG]):.1f}",
         C.ratio(med_outline[CELL_BIG], med_outline[CELL_SEED])),
        ("entity list", "seed", f"{med_entities['seed']:.1f}", f"{max(entities['seed']):.1f}", ""),
        ("entity list", "5k", f"{med_entities['5k']:.1f}", f"{max(entities['5k']):.1f}",
         C.ratio(med_entities["5k"], med_entities["seed"])),
    ]))  # fmt: skip

    print("\nPython side: Annotator(...) and Annotator.handle per intent, p50 ms (no browser, no kernel):")
    print(C.table(["document", "open", "nav", "select", "label", "undo"], [
        (name, *(f"{py[name][k]:.2f}" for k in ("open", "nav", "select", "label", "undo"))) for name in ("seed", "5k")
    ]))  # fmt: skip
    print("\n".join(checks))

    print()
    print(C.verdict(nav["5k"]["p95"] < TARGET_KEY_P95_MS, f"j/k p95 < {TARGET_KEY_P95_MS:g} ms on 5,000 sentences:"
                    f" {nav['5k']['p95']:.1f} ms (seed {nav['seed']['p95']:.1f} ms,"
                    f" echo floor {floor['p95']:.1f} ms)"))  # fmt: skip
    print(C.verdict(label["5k"]["p95"] < TARGET_LABEL_P95_MS, f"label p95 < {TARGET_LABEL_P95_MS:g} ms on 5,000"
                    f" sentences: {label['5k']['p95']:.1f} ms (seed {label['seed']['p95']:.1f} ms)"))  # fmt: skip
    worst = max(max(outline[CELL_BIG]), max(entities["5k"]))
    print(C.verdict(worst < TARGET_OVERVIEW_MS, f"outline and entity list of 5,000 sentences with {N_SPANS:,} spans"
                    f" drawn in < {TARGET_OVERVIEW_MS:g} ms: worst {worst:.1f} ms"))  # fmt: skip
    print(C.verdict(med[CELL_BIG] < TARGET_OPEN_S, f"opening < {TARGET_OPEN_S:g} s with the outline showing:"
                    f" {med[CELL_BIG]:.2f} s ({C.ratio(med[CELL_BIG], med[CELL_SEED])} the seed's)"))  # fmt: skip
    # The seed has 14 sentences and no spans: the 5k article's 20,000 spans are read when it opens.
    print(C.verdict(med[CELL_BIG] <= TARGET_OPEN_RATIO * med[CELL_SEED],
                    f"opening <= {TARGET_OPEN_RATIO:g}x the seed's: {C.ratio(med[CELL_BIG], med[CELL_SEED])}"
                    f" (Python reads the {N_SPANS:,} spans: {py['5k']['open']:.0f} ms of the open)"))  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    n = sizes(args.quick)
    C.header(f"annotator in the browser: {n['nav']} key presses and {n['label']} tags per document,"
             f" {n['open']} openings each")  # fmt: skip
    print(C.machine_line())
    with C.workdir(args.workdir) as root:
        source, ids = build_project(root)
        run = root / f"annotator-run-{secrets.token_hex(4)}"
        try:
            project = shutil.copytree(source, run / "project")
            before = stored_translations(project)
            py = {name: python_costs(shutil.copytree(source, run / f"py-{name}"), ids[doc], n["py"])
                  for name, doc in (("seed", "seed"), ("5k", "big"))}  # fmt: skip
            results = run_browser(run / "lab", project, ids, n)
            actors = stored_actors(project, ids)
            after = stored_translations(project)
        finally:
            shutil.rmtree(run, ignore_errors=True)

    checks = []
    for name, samples in results["label"].items():
        painted = sorted(s["word"] for s in samples)
        same = sorted(actors[name]) == painted
        mismatch = "" if same else " -- MISMATCH: " + repr(sorted(set(actors[name]) ^ set(painted)))
        checks.append(f"store check ({name}): {len(actors[name])} ACTOR rows by {ANNOTATOR!r} for {len(painted)} tags"
                      f" painted{mismatch}")  # fmt: skip
    moved = "" if after == before else " -- the widget translated in the background during the run"
    checks.append(f"stored translations: {before:,} before the browser run, {after:,} after{moved}")
    report(results, py, checks)
    print(f"\n{C.machine_line()}")


if __name__ == "__main__":
    main()
