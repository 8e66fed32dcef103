// The annotation widget's view: draws what Python syncs, sends intents back. Python decides.
// Plain DOM, no imports (it runs offline). Article text is untrusted: it is only ever
// set with textContent, never as HTML.
//
// Messages, Python -> browser (synced traitlets; their TypedDicts are in annotator.py):
//   schema   {labels: [{name, key, color, description, sentence_wide}], keys: [{key, label, send, help}]}
//   window   [{index, text, heading, current, spans: [{id, label, utf16_start, utf16_end, color, attrs, text, status}]}]
//            (no suggestion rejected among the spans: it left the text; a span someone rejected is drawn struck through)
//   position "sentence 4 · 14 sentences · 9 annotated"
//   status   {text, kind: "saved" | "error" | "info", ack, at}
//   form     {} | {sentence, pending: {sentence, utf16_start, utf16_end, text}} |
//            {sentence, span: {id, label, text, status, annotator}, fields: [{name, kind, value, options, suggestions,
//             hint, description}], cue}
//   targets  {lang: [engine, ...]} (best first)   mt {target, engine, rows, job, index, reference}
//            rows: [{engine, base, kind, route, text, model, signature, flags, projected, checked, ...}]
//            flags: [{id, kind, value, text, title, aliasable, dismissed, start, end, span_id}]
//            projected: [{start, end, label, part, span_id, status, source_text, detail}] (code points in text)
//            reference: {text, doc_id, sentences, plural, label, flags, projected, checked, shared} | null
//   outline  {labels, counts: [[n per label] per sentence], marks: ["done" | "empty" | ""],
//            pending: [pending spans (suggestions to review) per sentence], progress,
//            differ: [spans that differ per sentence] (compare layer only)}
//   snippets [first words of each sentence]        entities [{label, name, count, sentences}]
//   search   {query, matches: [index]}             annotator "ana"
//   layers   {value: "all" | "mine" | "annotator:bob" | "compare:bob", read_only, label, options: [[value, text]]}
//   compare  {} | {annotator, index, text, spans (as window's), differ: {span_id: "only" | "changed"},
//            counts: {mine, theirs, changed}}: the other annotator's version of the current sentence (compare layer)
// Browser -> Python (custom messages, each with an `id` that status.ack echoes once handled):
//   select {sentence, utf16_start, utf16_end} · label {label} · focus {span_id} · field {span_id, name, value}
//   delete {span_id} · review {span_id, status} · accept_all (the current sentence's pending spans) · nav {to, index} · mark {status} · search {query}
//   annotator {name} · layer {layer} · tab {tab} · mt {target, engine} · flag {action, route, flag, alias} · undo ·
//   redo · clear · poll · next_engine · next_layer · holder

const HELP = [
  ["j / ↓, k / ↑", "next / previous sentence"],
  ["n", "next sentence without annotations (unreviewed suggestions do not count)"],
  ["g 12 Enter", "go to sentence 12"],
  ["/", "search the article (Enter: next match, Shift+Enter: previous)"],
  ["← / →", "select the previous / next word (Shift: extend the selection)"],
  ["select words", "with the mouse: a drag, or a double-click for one word"],
  ["1 2 3 …", "tag the selected words with a label (the buttons show each label's key)"],
  ["Tab / Shift+Tab", "select the next / previous suggestion of the sentence (dashed); none left: the next / previous span"],
  ["Enter", "accept the selected suggestion (its form stays open to correct it); on a span: edit its attributes (Enter or Escape: back to the text)"],
  ["y / x", "accept / reject the selected span (a suggestion rejected leaves the text; Ctrl+Z brings it back)"],
  ["Shift+A", "accept every suggestion of the sentence (one Ctrl+Z undoes them all)"],
  ["Delete", "delete the selected span (a suggestion is rejected)"],
  ["d / Shift+D", "mark the sentence done / nothing to annotate (again: unmark)"],
  ["e", "next translation engine"],
  ["Shift+L", "next layer: all annotators, mine, each other annotator's (read-only), compare mine with each (the menu at the top too)"],
  ["Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y", "undo, redo"],
  ["Escape", "clear the selection, close search and help"],
  ["?", "this help"],
];
const WRITES = new Set(["label", "field", "delete", "review", "accept_all", "undo", "redo", "holder", "mark", "flag", "annotator"]);
const POLL_MS = 1000;
// Flags shown on a translation before "+N more": a sentence left untranslated has one per word.
const FLAGS_SHOWN = 6;
const FIELD_TAGS = "input, select, textarea";

// -- small DOM helpers --------------------------------------------------------------

function h(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function button(className, text, title, onClick) {
  const node = h("button", className, text);
  node.type = "button";
  if (title) node.title = title;
  node.addEventListener("click", onClick);
  return node;
}

function option(value, text) {
  const node = h("option", null, text);
  node.value = value;
  return node;
}

function describe(span) {
  // Span references are ids: the name next to them (holder) says who it is.
  const attrs = Object.entries(span.attrs || {}).filter(([k]) => !k.endsWith("_span")).map(([k, v]) => `${k}: ${v}`);
  return attrs.length ? `${span.label} (${attrs.join(", ")})` : span.label;
}

// Word boundaries for keyboard selection: the browser's own segmenter (every script), Python snaps again.
function wordsOf(text, lang) {
  if (typeof Intl === "undefined" || !Intl.Segmenter) return [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => [m.index, m.index + m[0].length]);
  const seg = new Intl.Segmenter(lang || undefined, { granularity: "word" });
  return [...seg.segment(text)].filter((s) => s.isWordLike).map((s) => [s.index, s.index + s.segment.length]);
}

// Run `draw` and record, as a User Timing measure called `name`, the time until the frame that paints
// it (benchmarks/bench_annotator_browser.py reads these; they cost nothing when nobody reads them).
function timed(name, draw) {
  const start = performance.now();
  draw();
  requestAnimationFrame(() => performance.measure(name, { start }));
}

// Where `child` starts inside the scrolling `box`, in the box's scroll coordinates.
function topIn(box, child) {
  return child.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
}

// -- the view ------------------------------------------------------------------------

function render({ model, el }) {
  // All the view's own state (what Python does not know): one object, read by the render functions.
  const state = {
    nextId: 1,
    lastWrite: 0, // id of the last write sent: "saving…" until Python acknowledges it
    lastPoll: 0,
    lastIntent: 0, // id of the last intent sent, polls aside
    ahead: null, // {index, id}: a move drawn before Python answered nav intent `id`
    optimistic: null, // {id, span, sentence}: a tag drawn before Python answered label intent `id`
    othersOpen: false, // the MT pane's "other engines" fold
    tab: "outline", // the side panel's tab
    search: null, // {query, at} while the search box is open
    goto: null, // the digits typed after `g`
    cursor: null, // {sentence, start, end} word indexes of a keyboard selection
    tabbed: null, // {id, sentence, start, end}: the span last in the form, where Tab goes on from once it is gone
    shownIndex: null, // the current sentence the reading column was last scrolled to
    outlineRows: [], // one element per sentence, drawn once, updated in place
    editingAnnotator: false,
    drawnOutline: null, // the outline message the rows show
    drawnEntities: null, // the entities message the list shows
    hotSource: null, // {index, ids}: source spans shown for a projected span clicked in the translation
    hotFlag: null, // {route, id, index}: the flag whose place in the translation stays shown (a click on its chip)
    allFlags: new Set(), // "index|route" of the rows whose every flag shows (else the first FLAGS_SHOWN)
  };
  const get = (name, fallback) => model.get(name) ?? fallback;
  const ack = () => get("status", {}).ack || 0;
  const form = () => get("form", {});
  const schema = () => get("schema", { labels: [], keys: [] });

  // -- the frame --------------------------------------------------------------------
  const root = h("div", "annot-annotator");
  root.tabIndex = 0;
  // Lumino (JupyterLab >= 4.1) skips its shortcuts for events from such elements.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  el.appendChild(root);
  const ui = {
    header: h("div", "annot-header"),
    position: h("span", "annot-position"),
    who: h("span", "annot-who"),
    layer: h("span", "annot-layer"),
    status: h("span", "annot-status"),
    finder: h("span", "annot-finder"),
    labels: h("div", "annot-labels"),
    keyboard: h("div", "annot-keyboard-hint", "⌨ click here to annotate — the keys go to the notebook now"),
    body: h("div", "annot-body"),
    reading: h("div", "annot-reading"),
    side: h("div", "annot-side"),
    form: h("div", "annot-form"),
    mt: h("div", "annot-mt"),
    help: h("div", "annot-help"),
  };
  const helpButton = button("annot-help-button", "?", "keyboard shortcuts (?)", () => toggleHelp());
  ui.header.append(ui.position, ui.who, ui.layer, ui.finder, ui.status, helpButton);
  ui.body.append(ui.reading, ui.side);
  ui.help.hidden = true;
  root.append(ui.keyboard, ui.header, ui.labels, ui.body, ui.help);

  const refocus = () => root.focus({ preventScroll: true });
  const send = (intent) => {
    const id = state.nextId++;
    if (WRITES.has(intent.type)) state.lastWrite = id;
    if (intent.type !== "poll") {
      state.lastIntent = id;
      root.dataset.waiting = "true"; // until Python has answered every intent sent (tests wait on it)
    }
    model.send({ ...intent, id });
    if (WRITES.has(intent.type)) renderStatus();
    return id;
  };

  // -- keyboard ownership ---------------------------------------------------------------
  // The widget has the keyboard when focus is on it or inside it; it says so when it has not.
  const hasKeyboard = () => root.contains(document.activeElement);
  const renderKeyboard = () => { root.dataset.keyboard = hasKeyboard() ? "yes" : "no"; };
  root.addEventListener("focusin", renderKeyboard);
  root.addEventListener("focusout", () => queueMicrotask(renderKeyboard));
  ui.keyboard.addEventListener("click", refocus);
  // A click on anything that is not a form field gives the keyboard back to the widget (buttons,
  // disclosures, rows and text take no focus of their own here).
  root.addEventListener("click", (event) => {
    const active = document.activeElement;
    if (root.contains(active) && active.closest(FIELD_TAGS)) return; // a field took the keys on purpose
    if (!event.target.closest(FIELD_TAGS) && window.getSelection().isCollapsed) refocus();
  });
  // Redrawing removes the element that had focus (a button, a fold): the widget keeps it.
  const redraw = (fn) => {
    const had = hasKeyboard();
    fn();
    if (had && !hasKeyboard()) refocus();
  };

  // -- help -----------------------------------------------------------------------------
  const helpTable = h("table");
  for (const [keys, what] of HELP) {
    const row = h("tr");
    row.append(h("th", null, keys), h("td", null, what));
    helpTable.append(row);
  }
  const helpExtra = h("table", "annot-help-keys");
  ui.help.append(h("div", "annot-help-title", "Keyboard shortcuts (click or press ? to close)"), helpTable, helpExtra);
  const toggleHelp = (show) => { ui.help.hidden = show === undefined ? !ui.help.hidden : !show; };
  ui.help.addEventListener("click", () => toggleHelp(false));

  // -- labels (from the project's schema) -------------------------------------------------
  function renderLabels() {
    ui.labels.replaceChildren();
    for (const label of schema().labels) {
      const b = button("annot-label-button", label.key ? `${label.key} ${label.name}` : label.name,
        label.description || label.name, () => tagWith(label));
      b.style.setProperty("--annot-color", label.color);
      b.dataset.label = label.name;
      ui.labels.append(b);
    }
    ui.labels.append(h("span", "annot-spacer"));
    ui.labels.append(button("annot-mark-button", "✓ done (d)", "mark this sentence done (d)", () => mark("done")));
    ui.labels.append(button("annot-mark-button", "∅ nothing (D)", "nothing to annotate in this sentence (Shift+D)",
      () => mark("empty")));
    helpExtra.replaceChildren();
    for (const k of schema().keys) {
      const row = h("tr");
      row.append(h("th", null, k.key), h("td", null, k.help));
      helpExtra.append(row);
    }
  }

  function mark(status) { send({ type: "mark", status }); }

  // -- the reading column ---------------------------------------------------------------------
  const labelOf = (name) => schema().labels.find((l) => l.name === name);
  const sentenceWide = (name) => Boolean(labelOf(name)?.sentence_wide);

  function shownWindow() {
    let win = get("window", []);
    if (state.ahead !== null && win.some((s) => s.index === state.ahead.index)) {
      win = win.map((s) => ({ ...s, current: s.index === state.ahead.index }));
    }
    const opt = state.optimistic;
    if (opt) win = win.map((s) => (s.index === opt.sentence ? { ...s, spans: [...s.spans, opt.span] } : s));
    return win;
  }

  const isHot = (index, ids) => Boolean(state.hotSource && state.hotSource.index === index
    && ids.some((id) => state.hotSource.ids.includes(id)));

  // The spans of the compare layer that differ between the two versions of the current sentence: id -> kind.
  const differ = (index) => {
    const c = get("compare", {});
    return c.index === index ? c.differ || {} : {};
  };

  // A sentence's text with its spans painted; `readOnly` (the compare row): no clicks, and no selecting in it.
  function paintText(sentence, pending, selectedId, readOnly = false) {
    const textEl = h("div", readOnly ? "annot-compare-text" : "annot-text");
    textEl.dir = "auto"; // right-to-left scripts read right to left; offsets are unaffected
    textEl.dataset.index = String(sentence.index);
    const text = sentence.text;
    const spans = sentence.spans.filter((s) => !sentenceWide(s.label));
    const cuts = new Set([0, text.length]);
    for (const s of spans) { cuts.add(s.utf16_start); cuts.add(s.utf16_end); }
    const pend = pending && pending.sentence === sentence.index ? pending : null;
    if (pend) { cuts.add(pend.utf16_start); cuts.add(pend.utf16_end); }
    const points = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      if (a === b) continue;
      const seg = h("span", "annot-seg", text.slice(a, b));
      // Outermost first: the widest span gives the background, each one an underline at its depth.
      const covering = spans.filter((s) => s.utf16_start <= a && s.utf16_end >= b)
        .sort((x, y) => (y.utf16_end - y.utf16_start) - (x.utf16_end - x.utf16_start));
      if (covering.length) {
        seg.classList.add("annot-span");
        if (covering.length > 1) seg.classList.add("annot-overlap");
        seg.style.setProperty("--annot-color", covering[0].color);
        seg.style.boxShadow = covering.map((s, depth) => `inset 0 -${3 * (depth + 1)}px 0 ${s.color}`).join(", ");
        seg.style.paddingBottom = `${3 * covering.length}px`;
        seg.title = covering.map(describe).join("\n");
        const inner = covering[covering.length - 1];
        seg.dataset.spanId = inner.id;
        seg.dataset.spans = covering.map((s) => s.id).join(" ");
        seg.dataset.label = inner.label;
        if (isHot(sentence.index, covering.map((s) => s.id))) seg.classList.add("annot-source-hot");
        // The status drawn (a pending suggestion's dashes) is the innermost span's, in its own label's colour.
        seg.style.setProperty("--annot-inner-color", inner.color);
        if (inner.status && inner.status !== "accepted") seg.dataset.status = inner.status;
        if (covering.some((s) => s.id === selectedId)) seg.classList.add("annot-selected");
        const differs = [...covering].reverse().find((s) => differ(sentence.index)[s.id]);
        if (differs) seg.dataset.diff = differ(sentence.index)[differs.id];
        if (!readOnly) seg.addEventListener("click", (event) => {
          if (!window.getSelection().isCollapsed) return; // a drag, not a click
          event.stopPropagation();
          send({ type: "focus", span_id: inner.id });
          refocus();
        });
      }
      if (pend && pend.utf16_start <= a && pend.utf16_end >= b) seg.classList.add("annot-pending");
      textEl.append(seg);
    }
    return textEl;
  }

  // A sentence's stance chips (sentence-wide labels): clicked, the form opens on the span (not on the compare row).
  function paintChips(box, sentence, selectedId, readOnly = false) {
    for (const s of sentence.spans.filter((x) => sentenceWide(x.label))) {
      const chip = h("span", "annot-chip", describe(s));
      chip.style.setProperty("--annot-color", s.color);
      chip.dataset.spanId = s.id;
      chip.dataset.label = s.label;
      if (s.status && s.status !== "accepted") chip.dataset.status = s.status;
      if (differ(sentence.index)[s.id]) chip.dataset.diff = differ(sentence.index)[s.id];
      if (s.id === selectedId) chip.classList.add("annot-selected");
      if (isHot(sentence.index, [s.id])) chip.classList.add("annot-source-hot");
      if (!readOnly) chip.addEventListener("click", (event) => { event.stopPropagation(); send({ type: "focus", span_id: s.id }); });
      box.append(chip);
    }
  }

  // The compare layer: the other annotator's version of the current sentence, under it, read-only.
  function paintCompare(sentence) {
    const c = get("compare", {});
    const box = h("div", "annot-compare");
    box.dataset.index = String(sentence.index);
    box.dataset.annotator = c.annotator;
    const who = h("span", "annot-compare-who", c.annotator);
    who.title = `${c.annotator}'s version of this sentence (read-only)`;
    const other = { index: sentence.index, text: c.text, spans: c.spans || [] };
    box.append(who, paintText(other, null, null, true));
    paintChips(box, other, null, true);
    const n = c.counts || {};
    const parts = [[n.mine, "only in mine"], [n.theirs, `only in ${c.annotator}'s`], [n.changed, "with another label or attributes"]]
      .filter(([k]) => k).map(([k, what]) => `${k} ${what}`);
    box.append(h("span", "annot-hint annot-compare-summary", parts.length ? parts.join(" · ") : "the same spans"));
    return box;
  }

  function paintSentence(sentence, pending, selectedId) {
    const box = h("div", "annot-sentence");
    box.classList.add(sentence.current ? "annot-current" : "annot-context");
    if (sentence.heading) box.classList.add("annot-heading");
    box.dataset.index = String(sentence.index);
    const mark = get("outline", {}).marks?.[sentence.index];
    if (mark) box.dataset.mark = mark;
    box.append(h("span", "annot-number", String(sentence.index)), paintText(sentence, pending, selectedId));
    paintChips(box, sentence, selectedId);
    if (!sentence.current) {
      box.addEventListener("dblclick", (event) => {
        if (!event.target.closest(".annot-text")) send({ type: "nav", to: "index", index: sentence.index });
      });
      box.querySelector(".annot-number").addEventListener("click", () => go(sentence.index));
    }
    return box;
  }

  // The reading column: the window's sentences, the form right under the sentence it edits, the
  // translation under the current sentence. Its height is the frame's, whatever the sentence.
  function renderReading() {
    const f = form();
    const win = shownWindow();
    const boxes = [];
    const currentIndex = win.find((s) => s.current)?.index;
    const formAt = f.sentence ?? currentIndex;
    for (const s of win) {
      boxes.push(paintSentence(s, f.pending, f.span?.id));
      if (s.current && state.ahead === null && get("compare", {}).index === s.index) boxes.push(paintCompare(s));
      if (s.index === formAt && state.ahead === null) boxes.push(ui.form);
      if (s.current) boxes.push(ui.mt);
    }
    ui.reading.replaceChildren(...boxes);
    if (state.hotSource && state.hotSource.index !== currentIndex) state.hotSource = null;
    keepCurrentInView(currentIndex);
  }

  // Scroll the column (never the page) so that the current sentence, the form and the first translation
  // show: on a move, the current sentence comes near the top (a little of the one before it above); after
  // that, the column scrolls only as much as needed, so the annotator can scroll it to read on.
  function keepCurrentInView(index) {
    const column = ui.reading;
    const current = column.querySelector(".annot-current");
    if (index === undefined || !current || !column.clientHeight) return;
    const top = topIn(column, current);
    if (index !== state.shownIndex) {
      state.shownIndex = index;
      const before = current.previousElementSibling;
      const lead = Math.min(before ? before.offsetHeight : 0, column.clientHeight * 0.2);
      column.scrollTop = Math.max(0, top - lead);
    }
    let bottom = top + current.offsetHeight;
    for (const el of [ui.form, ui.mt.querySelector(".annot-mt-head"), ui.mt.querySelector(".annot-mt-main")]) {
      if (el && el.isConnected && !el.hidden) bottom = Math.max(bottom, topIn(column, el) + el.offsetHeight);
    }
    const low = bottom + 4 - column.clientHeight; // the least scroll that shows the bottom
    column.scrollTop = Math.max(Math.min(column.scrollTop, top), Math.min(low, top));
  }

  // -- moves and tags are drawn at once; Python's answer replaces the guess ----------------------
  function moveAhead(step) {
    const win = get("window", []);
    const from = state.ahead !== null ? state.ahead.index : win.find((s) => s.current)?.index;
    if (from === undefined || !win.some((s) => s.index === from + step)) return;
    state.ahead = { index: from + step, id: state.nextId }; // the id the nav intent sent next gets
    state.cursor = null;
    root.dataset.moving = "true"; // until Python answers (tests and benchmarks wait on it)
    ui.mt.classList.add("annot-stale");
    renderReading();
    renderPosition();
    renderOutlineCurrent();
  }

  function go(index) {
    state.cursor = null;
    send({ type: "nav", to: "index", index });
  }

  function tagWith(label) {
    const f = form();
    const win = get("window", []);
    const current = win.find((s) => s.current);
    if (label.sentence_wide && current) {
      drawTag(label, current.index, 0, current.text.length);
    } else if (f.pending) {
      drawTag(label, f.pending.sentence, f.pending.utf16_start, f.pending.utf16_end);
    }
    send({ type: "label", label: label.name });
  }

  function drawTag(label, sentence, start, end) {
    if (label.sentence_wide) {
      const win = get("window", []).find((s) => s.index === sentence);
      if (win && win.spans.some((s) => s.label === label.name)) return; // Python reopens the one there
    }
    const span = { id: "annot-unsaved", label: label.name, utf16_start: start, utf16_end: end, color: label.color,
      attrs: {}, text: "", status: "accepted" };
    state.optimistic = { id: state.nextId, span, sentence };
    state.cursor = null;
    renderReading();
  }

  // -- keyboard selection: a word cursor over the current sentence ------------------------------
  function selectWords(step, extend) {
    const current = shownWindow().find((s) => s.current);
    if (!current) return;
    const words = wordsOf(current.text, get("lang", ""));
    if (!words.length) return;
    let cur = state.cursor && state.cursor.sentence === current.index ? state.cursor : null;
    if (!cur) {
      const first = step > 0 ? 0 : words.length - 1;
      cur = { sentence: current.index, start: first, end: first };
    } else if (extend) {
      cur = { ...cur, end: Math.max(cur.start, Math.min(words.length - 1, cur.end + step)) };
    } else {
      const at = Math.max(0, Math.min(words.length - 1, (step > 0 ? cur.end : cur.start) + step));
      cur = { ...cur, start: at, end: at };
    }
    state.cursor = cur;
    send({ type: "select", sentence: current.index, utf16_start: words[cur.start][0], utf16_end: words[cur.end][1] });
  }

  // -- mouse selection ------------------------------------------------------------------------------
  // UTF-16 offset of a DOM position inside a sentence's text element: the length of the text before it.
  function offsetIn(textEl, node, offset) {
    const range = document.createRange();
    range.setStart(textEl, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  root.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const startText = range.startContainer.parentElement?.closest(".annot-text");
    const endText = range.endContainer.parentElement?.closest(".annot-text");
    if (!startText || !root.contains(startText)) return;
    // A drag past the sentence stops at its end.
    const utf16End = endText === startText ? offsetIn(startText, range.endContainer, range.endOffset)
      : startText.textContent.length;
    const utf16Start = offsetIn(startText, range.startContainer, range.startOffset);
    selection.removeAllRanges();
    state.cursor = null;
    send({ type: "select", sentence: Number(startText.dataset.index), utf16_start: utf16Start, utf16_end: utf16End });
    refocus();
  });

  // `changed()` on each change of a field; a dropdown choice made with the mouse gives the keys back at once
  // (from the keyboard, Enter does: a text field keeps them while it is typed in).
  function onChoice(input, changed) {
    let pointer = false;
    input.addEventListener("pointerdown", () => { pointer = true; });
    input.addEventListener("keydown", () => { pointer = false; });
    input.addEventListener("change", () => {
      changed();
      if (input.tagName === "SELECT" && pointer) refocus();
    });
  }

  // -- the span's form: every change is saved at once, no save button ------------------------------
  function fieldInput(spec, spanId) {
    let input;
    if (spec.kind === "select") {
      input = h("select");
      input.append(option("", ""));
      for (const [value, text] of spec.options || []) input.append(option(value, text));
      input.value = spec.value ?? "";
    } else {
      input = h("input");
      input.type = spec.kind === "number" ? "number" : "text";
      if (spec.kind === "number") input.step = "any";
      input.value = spec.value ?? "";
      input._stored = input.value;
      if (spec.suggestions?.length) {
        const list = h("datalist");
        list.id = `annot-list-${spec.name}-${Math.random().toString(36).slice(2)}`;
        for (const name of spec.suggestions) list.append(option(name, name));
        input.setAttribute("list", list.id);
        input.after(list);
        input._list = list;
      }
    }
    input.dataset.attr = spec.name;
    input.title = spec.description || spec.name;
    onChoice(input, () => send({ type: "field", span_id: spanId, name: spec.name, value: input.value.trim() }));
    return input;
  }

  function renderForm() {
    const f = form();
    ui.form.replaceChildren();
    ui.form.hidden = !f.pending && !f.span;
    if (f.pending) {
      const keys = schema().labels.filter((l) => l.key && !l.sentence_wide).map((l) => l.key).join("/");
      ui.form.append(h("span", "annot-form-title", "selected: "), h("q", "annot-pending-text", f.pending.text),
        h("span", "annot-hint", ` — press a label key (${keys}), ← → to move, Escape to clear`));
      return;
    }
    if (!f.span) return;
    const span = f.span;
    remember(span.id);
    const title = h("div", "annot-form-title");
    const badge = h("span", "annot-badge", span.label);
    badge.style.setProperty("--annot-color", labelOf(span.label)?.color || "#777");
    title.append(badge, h("q", null, span.text));
    if (span.status && span.status !== "accepted") title.append(h("span", "annot-hint", `(${span.status})`));
    if (span.annotator) title.append(h("span", "annot-hint", `by ${span.annotator}`));
    title.append(h("span", "annot-spacer"));
    if (f.read_only) title.append(h("span", "annot-hint annot-read-only", "read-only: another annotator's layer"));
    else if (span.status !== "accepted") {
      const keys = span.status === "pending" ? "Enter, y" : "y";
      title.append(button("annot-accept", `accept (${keys})`, "accept this span, keeping its fields",
        () => send({ type: "review", span_id: span.id, status: "accepted" })));
    }
    if (span.status === "pending" && !f.read_only) {
      title.append(button("annot-reject", "reject (x)", "reject this suggestion (it will not be suggested again)",
        () => send({ type: "review", span_id: span.id, status: "rejected" })));
    }
    if (!f.read_only) title.append(button("annot-delete", "delete", "delete this span (Delete)", () => send({ type: "delete", span_id: span.id })));
    ui.form.append(title);
    const fields = h("div", "annot-fields");
    for (const spec of f.fields || []) {
      const box = h("label", "annot-field");
      const input = fieldInput(spec, span.id);
      input.disabled = Boolean(f.read_only);
      box.append(h("span", null, spec.hint ? `${spec.name} (${spec.hint})` : spec.name), input);
      if (input._list) box.append(input._list);
      fields.append(box);
    }
    if (f.cue) fields.append(h("span", "annot-hint annot-cue", `cue: “${f.cue}”`));
    ui.form.append(fields);
  }

  // Enter or Escape in a field gives the keyboard back.
  ui.form.addEventListener("keydown", (event) => {
    if (!event.target.closest(FIELD_TAGS)) return;
    if (event.key === "Enter" || event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      // Escape leaves the stored value; leaving the field after Enter commits a changed one (its change event).
      if (event.key === "Escape" && event.target.tagName === "INPUT") event.target.value = event.target._stored ?? "";
      refocus();
    }
  });

  // -- the translation pane ---------------------------------------------------------------------------
  // A flag: what a translation may have lost. On an engine's row it can be dismissed ("the translation is
  // fine", stored), shown again, or, for a name, answered with the name as the translation writes it (a
  // project alias): typed, or taken from words selected in the translation.
  function flagChips(flags, route, textEl, index) {
    const box = h("span", "annot-mt-flags");
    const key = `${index}|${route}`;
    const all = flags || [];
    const shown = state.allFlags.has(key) || all.length <= FLAGS_SHOWN + 1 ? all : all.slice(0, FLAGS_SHOWN);
    for (const flag of shown) {
      // The kind as one word, as compare spells it (annot.compare.flags.kind_slug): annot-flag-wrong_language.
      const chip = h("span", `annot-flag annot-flag-${flag.kind.split(/\s+/).join("_")}`);
      chip.title = flag.title || "";
      chip.dataset.flag = flag.id;
      chip.dataset.kind = flag.kind;
      const hot = state.hotFlag;
      if (hot && hot.id === flag.id && hot.route === route && hot.index === index) chip.classList.add("annot-flag-kept");
      const placed = flag.start !== null && flag.start !== undefined && flag.end > flag.start;
      if (placed) chip.classList.add("annot-flag-placed");
      // Hovering a chip shows its place in the translation; a click keeps it shown (and shows its source span).
      chip.addEventListener("mouseenter", () => showRange(textEl, flag, true));
      chip.addEventListener("mouseleave", () => showRange(textEl, null, true));
      chip.addEventListener("click", (event) => {
        if (event.target.closest("button, input")) return;
        const again = state.hotFlag && state.hotFlag.id === flag.id && state.hotFlag.route === route;
        state.hotFlag = again ? null : { id: flag.id, route, index };
        for (const other of chip.parentElement.children) other.classList.toggle("annot-flag-kept", other === chip && !again);
        showRange(textEl, state.hotFlag ? flag : null, false);
        if (flag.span_id && !again) showSource(index, [flag.span_id]);
      });
      if (flag.dismissed) {
        chip.classList.add("annot-flag-dismissed");
        chip.append(h("span", null, `fine: ${flag.text}`));
        if (route) chip.append(button("annot-flag-action", "undo", "show this flag again",
          () => send({ type: "flag", action: "undismiss", route, flag: flag.id })));
        box.append(chip);
        continue;
      }
      chip.append(h("span", null, flag.text));
      if (route) {
        chip.append(button("annot-flag-action", "✓ fine", "the translation is fine: hide this flag (stored)",
          () => send({ type: "flag", action: "dismiss", route, flag: flag.id })));
        if (flag.aliasable) {
          chip.append(button("annot-flag-action", "+ alias",
            "the translation names this actor otherwise: add that name to the project's aliases",
            () => askAlias(chip, flag, route, textEl)));
        }
      }
      box.append(chip);
    }
    if (shown.length < all.length) {
      box.append(button("annot-flag-more", `+${all.length - shown.length} more`, "show every flag of this translation",
        () => { state.allFlags.add(key); renderTranslation(); }));
    }
    return box;
  }

  // Mark the translation's segments inside a flag's place (hovered: `hover`, else the kept one); null clears.
  function showRange(textEl, flag, hover) {
    const cls = hover ? "annot-flag-hover" : "annot-flag-hot";
    for (const seg of textEl.querySelectorAll(".annot-mt-seg")) {
      const a = Number(seg.dataset.start), b = Number(seg.dataset.end);
      const inside = flag && flag.start !== null && flag.start !== undefined && flag.start <= a && b <= flag.end;
      seg.classList.toggle(cls, Boolean(inside));
    }
  }

  // Show the source spans `ids` of sentence `index` in the text (a projected span or a flag was clicked),
  // scrolling the reading column (never the page) when they are out of view.
  function showSource(index, ids) {
    state.hotSource = { index, ids };
    let first = null;
    for (const el of ui.reading.querySelectorAll(".annot-span, .annot-chip")) {
      const own = (el.dataset.spans || el.dataset.spanId || "").split(" ");
      const hot = isHot(index, own) && el.closest(".annot-sentence")?.dataset.index === String(index);
      el.classList.toggle("annot-source-hot", hot);
      if (hot && !first) first = el;
    }
    if (!first) return;
    const column = ui.reading;
    const top = topIn(column, first);
    if (top < column.scrollTop || top + first.offsetHeight > column.scrollTop + column.clientHeight) {
      column.scrollTop = Math.max(0, top - column.clientHeight / 3);
    }
  }

  // What a projected span is, for its tooltip: its label, the source's words, what became of them.
  function describeProjected(p) {
    if (p.part === "added") return `added ${p.label.toLowerCase()}: not in the source${p.detail ? ` (${p.detail})` : ""}`;
    const part = p.part === "span" ? "" : ` ${p.part}`;
    return `${p.label}${part} “${p.source_text}”: ${p.status}${p.detail ? ` — ${p.detail}` : ""}`;
  }

  // Outer first: an added thing, then a STANCE's holder or cue, then a span itself (the innermost is drawn).
  const PART_ORDER = { added: 0, holder: 1, cue: 2, span: 3 };

  // A translation's text, the source's spans painted where projection found them, each in its label's colour.
  // Offsets are code points (Python's); Array.from splits the text so. Text only ever goes in as textContent.
  function paintTranslation(text, projected, flags, index, route) {
    const el = h("div", "annot-mt-text");
    el.dir = "auto";
    const chars = Array.from(text || "");
    const ranges = (projected || []).filter((p) => p.end > p.start && p.start >= 0 && p.end <= chars.length);
    const cuts = new Set([0, chars.length]);
    for (const p of ranges) { cuts.add(p.start); cuts.add(p.end); }
    for (const f of flags || []) {
      if (f.start !== null && f.start !== undefined && f.end > f.start) { cuts.add(f.start); cuts.add(f.end); }
    }
    const hot = state.hotFlag;
    const kept = hot && hot.route === route && hot.index === index ? (flags || []).find((f) => f.id === hot.id) : null;
    const points = [...cuts].filter((c) => c >= 0 && c <= chars.length).sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const seg = h("span", "annot-mt-seg", chars.slice(a, b).join(""));
      seg.dataset.start = String(a);
      seg.dataset.end = String(b);
      if (kept && kept.start !== null && kept.start <= a && b <= kept.end) seg.classList.add("annot-flag-hot");
      const covering = ranges.filter((p) => p.start <= a && p.end >= b)
        .sort((x, y) => (y.end - y.start) - (x.end - x.start) || PART_ORDER[x.part] - PART_ORDER[y.part]);
      if (covering.length) {
        const inner = covering[covering.length - 1];
        seg.classList.add("annot-proj");
        seg.style.setProperty("--annot-color", labelOf(inner.label)?.color || "var(--annot-line)");
        seg.dataset.label = inner.label;
        seg.dataset.status = inner.status;
        seg.dataset.part = inner.part;
        const sources = [...new Set(covering.filter((p) => p.span_id).map((p) => p.span_id))];
        if (sources.length) seg.dataset.source = sources.join(" ");
        seg.title = covering.map(describeProjected).join("\n");
        seg.addEventListener("click", (event) => {
          if (!window.getSelection().isCollapsed) return; // words selected for an alias, not a click
          if (sources.length) showSource(index, sources);
        });
      }
      el.append(seg);
    }
    return el;
  }

  function askAlias(chip, flag, route, textEl) {
    const picked = window.getSelection();
    const selected = picked && !picked.isCollapsed && textEl.contains(picked.anchorNode) ? picked.toString().trim() : "";
    // Else the flag's own place: the name as the translation writes it.
    const placed = flag.start !== null && flag.start !== undefined ? Array.from(textEl.textContent).slice(flag.start, flag.end).join("") : "";
    const input = h("input", "annot-alias-input");
    input.value = selected || placed;
    input.placeholder = "the name in this translation";
    input.title = "the name as the translation writes it (Enter: add the alias, Escape: cancel)";
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== "Escape") return;
      event.preventDefault();
      event.stopPropagation();
      if (event.key === "Enter" && input.value.trim()) {
        send({ type: "flag", action: "alias", route, flag: flag.id, alias: input.value.trim() });
      }
      input.remove();
      refocus();
    });
    chip.append(input);
    input.focus();
  }

  function mtRow(row, main) {
    const line = h("div", main ? "annot-mt-row annot-mt-main" : "annot-mt-row");
    const engine = h("span", "annot-mt-engine", row.engine);
    engine.title = `${row.route} · ${row.model}`;
    const body = h("div", "annot-mt-body");
    const index = get("mt", {}).index;
    const text = paintTranslation(row.text, row.projected, row.flags, index, row.engine);
    body.append(text, flagChips(row.flags, row.engine, text, index));
    if (row.checked === false && row.text) body.append(h("span", "annot-hint annot-mt-checking", "checking the translation…"));
    line.dataset.engine = row.engine;
    line.append(engine, body);
    if (!main) {
      const show = button("annot-mt-show", "show first", "show this engine first", () => send({ type: "mt", engine: row.base }));
      line.append(show);
    }
    return line;
  }

  function select(values, current, className, title, onChange) {
    const input = h("select", className);
    for (const [value, text] of values) input.append(option(value, text));
    input.value = current ?? "";
    input.title = title;
    onChoice(input, () => onChange(input.value));
    return input;
  }

  function renderTranslation() {
    ui.mt.replaceChildren();
    const st = get("mt", {});
    const targets = get("targets", {});
    const langs = Object.keys(targets);
    if (!langs.length) {
      ui.mt.append(h("span", "annot-hint annot-mt-none", st.hint || "no translation engine installed (annot engines)"));
      return;
    }
    const head = h("div", "annot-mt-head");
    head.append(h("span", "annot-mt-title", "MT"),
      select(langs.map((l) => [l, `→ ${l}`]), st.target, "annot-mt-target", "target language",
        (value) => send({ type: "mt", target: value })),
      select((targets[st.target] || []).map((e) => [e, e]), st.engine, "annot-mt-engine-select",
        "engine (e: next; best first)", (value) => send({ type: "mt", engine: value })));
    const job = st.job;
    if (job && job.status === "running") {
      const spin = h("span", "annot-mt-job", `translating ${job.done}/${job.total}`);
      spin.prepend(h("span", "annot-spinner"));
      head.append(spin);
    } else if (job && job.status === "error") {
      head.append(h("span", "annot-mt-job annot-error", job.error));
    }
    ui.mt.append(head);
    const ref = st.reference;
    if (ref) {
      // A linked version (annot link), through the sentence alignment: "reference", or "human" when marked so.
      const line = h("div", "annot-mt-row annot-mt-reference");
      const label = h("span", "annot-mt-engine", ref.label === "human translation" ? "human" : "reference");
      label.title = `${ref.label}: ${ref.doc_id}, sentence${ref.plural ? "s" : ""} ${ref.sentences}` +
        (ref.shared ? " (matches this sentence and its neighbour together)" : "");
      const body = h("div", "annot-mt-body");
      const text = paintTranslation(ref.text, ref.projected, ref.flags, st.index, null);
      body.append(text, flagChips(ref.flags, null, text, st.index));
      line.append(label, body);
      ui.mt.append(line);
    }
    const rows = st.rows || [];
    const main = rows.find((r) => r.base === st.engine); // base: "argos" for "argos+apertium"
    if (main) ui.mt.append(mtRow(main, true));
    else if (job && job.status === "running") ui.mt.append(h("div", "annot-mt-row annot-hint", "translation on its way…"));
    else if (!job) ui.mt.append(h("div", "annot-mt-row annot-hint", `no ${st.engine} translation stored (annot translate)`));
    const others = rows.filter((r) => r !== main);
    if (others.length) {
      const fold = h("details", "annot-mt-others");
      fold.open = state.othersOpen;
      // The view's state follows the click itself: a redraw before the fold's (later) toggle event keeps it.
      const summary = h("summary", null, `other engines (${others.length})`);
      summary.addEventListener("click", () => { state.othersOpen = !fold.open; });
      fold.addEventListener("toggle", () => { state.othersOpen = fold.open; });
      fold.append(summary, ...others.map((r) => mtRow(r, false)));
      ui.mt.append(fold);
    }
  }

  // -- the header: where, who, saving -------------------------------------------------------------------
  function renderPosition() {
    const text = get("position", "");
    ui.position.textContent = state.ahead === null ? text : text.replace(/^sentence \d+/, `sentence ${state.ahead.index}`);
    ui.position.title = ui.position.textContent; // whole, when a narrow header cuts it
  }

  function renderStatus() {
    const st = get("status", {});
    const el = ui.status;
    el.className = "annot-status";
    if (state.lastWrite > ack()) {
      el.textContent = "saving…";
      el.classList.add("annot-saving");
      return;
    }
    el.textContent = st.kind === "saved" ? `✓ saved ${st.at || ""}`.trim() + (st.text && st.text !== "saved" ? ` · ${st.text}` : "") : st.text || "";
    el.dataset.kind = st.kind || "info";
    if (st.kind === "error") el.classList.add("annot-error");
    if (st.kind === "saved") el.classList.add("annot-saved");
  }

  function renderWho() {
    ui.who.replaceChildren();
    const name = get("annotator", "");
    if (state.editingAnnotator) {
      const input = h("input", "annot-who-input");
      input.value = name;
      input.title = "who is annotating (Enter: set, Escape: cancel)";
      input.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== "Escape") return;
        event.preventDefault();
        event.stopPropagation();
        state.editingAnnotator = false;
        if (event.key === "Enter" && input.value.trim() && input.value.trim() !== name) {
          send({ type: "annotator", name: input.value.trim() });
        }
        renderWho();
        refocus();
      });
      ui.who.append(input);
      input.focus();
      return;
    }
    ui.who.append(button("annot-who-button", `annotating as ${name}`, "change who is annotating", () => {
      state.editingAnnotator = true;
      renderWho();
    }));
  }

  // The layer menu: whose spans the view shows (Python lists the choices and their counts).
  function renderLayer() {
    const layers = get("layers", { value: "all", options: [] });
    root.dataset.layer = layers.value;
    if (layers.read_only) root.dataset.readOnly = "true"; else delete root.dataset.readOnly;
    if (ui.layer.contains(document.activeElement)) return; // the annotator is choosing: not redrawn under them
    const menu = select(layers.options || [], layers.value, "annot-layer-select",
      "whose spans to show (L: next layer)", (value) => send({ type: "layer", layer: value }));
    ui.layer.replaceChildren(menu);
  }

  function renderFinder() {
    ui.finder.replaceChildren();
    if (state.goto !== null) {
      ui.finder.append(h("span", "annot-goto", `go to sentence: ${state.goto}▏ (Enter)`));
      return;
    }
    if (!state.search) return;
    const input = h("input", "annot-search-input");
    input.type = "search";
    input.placeholder = "search the article";
    input.value = state.search.query;
    const found = get("search", { query: "", matches: [] });
    const count = h("span", "annot-search-count",
      found.query === state.search.query && state.search.query ? `${found.matches.length} sentences` : "");
    input.addEventListener("input", () => {
      state.search.query = input.value;
      send({ type: "search", query: input.value });
    });
    input.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Escape") {
        event.preventDefault();
        state.search = null;
        renderFinder();
        refocus();
      } else if (event.key === "Enter") {
        event.preventDefault();
        jumpToMatch(event.shiftKey ? -1 : 1);
      }
    });
    ui.finder.append(input, count);
    return input;
  }

  function jumpToMatch(step) {
    const matches = get("search", { matches: [] }).matches;
    if (!matches.length) return;
    const here = state.ahead?.index ?? get("window", []).find((s) => s.current)?.index ?? 0;
    const next = step > 0 ? matches.find((i) => i > here) ?? matches[0]
      : [...matches].reverse().find((i) => i < here) ?? matches[matches.length - 1];
    go(next);
  }

  // -- the side panel: outline and entities ---------------------------------------------------------------
  const sideTabs = h("div", "annot-tabs");
  const progress = h("div", "annot-progress");
  const sideList = h("div", "annot-side-list");
  ui.side.append(progress, sideTabs, sideList);
  const outlineList = h("div", "annot-outline");
  const entityList = h("div", "annot-entities");

  function renderTabs() {
    sideTabs.replaceChildren();
    for (const [tab, text] of [["outline", "Outline"], ["entities", "Entities"]]) {
      const b = button("annot-tab", text, `show the ${tab}`, () => {
        state.tab = tab;
        send({ type: "tab", tab }); // Python sends the entity list only while it shows
        renderTabs();
      });
      b.setAttribute("aria-selected", String(state.tab === tab));
      sideTabs.append(b);
    }
    sideList.replaceChildren(state.tab === "outline" ? outlineList : entityList);
    state.drawnEntities = null;
    renderEntities();
  }

  function renderProgress() {
    const p = get("outline", {}).progress || {};
    const total = p.sentences || 0;
    const reviewed = (p.done || 0) + (p.empty || 0);
    const bar = h("div", "annot-progress-bar");
    const fill = h("div", "annot-progress-fill");
    fill.style.width = total ? `${(100 * reviewed) / total}%` : "0";
    bar.append(fill);
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuenow", String(reviewed));
    bar.setAttribute("aria-valuemax", String(total));
    const pending = (get("outline", {}).pending || []).reduce((a, b) => a + b, 0);
    const differing = (get("outline", {}).differ || []).filter((n) => n).length;
    progress.replaceChildren(bar, h("div", "annot-progress-text",
      `${reviewed} of ${total} reviewed · ${p.annotated || 0} annotated` + (pending ? ` · ${pending} to review` : "")
      + (differing ? ` · ${differing} differ` : "")));
  }

  // One row per sentence, drawn once and updated in place (a 5,000-sentence outline stays cheap).
  function outlineSignature(i, outline) {
    return `${(outline.counts?.[i] || []).join(",")}|${outline.marks?.[i] || ""}|${outline.pending?.[i] || 0}|${outline.differ?.[i] || 0}`;
  }

  function paintOutlineRow(row, i, outline) {
    const labels = outline.labels || [];
    const counts = outline.counts?.[i] || [];
    const marks = h("span", "annot-outline-marks");
    counts.forEach((n, k) => {
      if (!n) return;
      const dot = h("span", "annot-dot", n > 1 ? String(n) : "");
      const spec = labelOf(labels[k]);
      dot.style.setProperty("--annot-color", spec?.color || "#777");
      dot.title = `${n} ${labels[k]}`;
      marks.append(dot);
    });
    const m = outline.marks?.[i] || "";
    const state_ = h("span", "annot-outline-state", m === "done" ? "✓" : m === "empty" ? "∅" : "");
    state_.title = m === "done" ? "done" : m === "empty" ? "nothing to annotate" : "not reviewed";
    const snippet = h("span", "annot-outline-text", get("snippets", [])[i] || "");
    const left = outline.pending?.[i] || 0;
    const pending = h("span", "annot-outline-pending", left ? String(left) : "");
    if (left) pending.title = `${left} suggestion${left > 1 ? "s" : ""} to review`;
    const differs = outline.differ?.[i] || 0; // compare layer: the two versions of the sentence differ
    const differ = h("span", "annot-outline-differ", differs ? `≠${differs}` : "");
    if (differs) differ.title = `${differs} span${differs > 1 ? "s" : ""} differ between the two versions`;
    row.replaceChildren(h("span", "annot-outline-index", String(i)), state_, marks, pending, differ, snippet);
    row.dataset.sig = outlineSignature(i, outline);
    if (m) row.dataset.mark = m; else delete row.dataset.mark;
  }

  function renderOutline() {
    const outline = get("outline", {});
    const n = (outline.marks || []).length;
    if (state.outlineRows.length !== n) {
      timed("annot:outline", () => {
        const rows = [];
        for (let i = 0; i < n; i++) {
          const row = h("div", "annot-outline-row");
          row.dataset.index = String(i);
          paintOutlineRow(row, i, outline);
          rows.push(row);
        }
        state.outlineRows = rows;
        outlineList.replaceChildren(...rows);
      });
    } else if (outline !== state.drawnOutline) {
      for (let i = 0; i < n; i++) {
        const row = state.outlineRows[i];
        if (row.dataset.sig !== outlineSignature(i, outline)) paintOutlineRow(row, i, outline);
      }
    }
    state.drawnOutline = outline;
    renderProgress();
    renderMatches();
    renderOutlineCurrent();
  }

  outlineList.addEventListener("click", (event) => {
    const row = event.target.closest(".annot-outline-row");
    if (row) go(Number(row.dataset.index));
  });

  let outlineCurrent = null;
  function renderOutlineCurrent() {
    const index = state.ahead?.index ?? get("window", []).find((s) => s.current)?.index;
    const row = state.outlineRows[index];
    if (row === outlineCurrent) return;
    outlineCurrent?.classList.remove("annot-outline-current");
    outlineCurrent = row || null;
    if (!row) return;
    row.classList.add("annot-outline-current");
    // Keep the row in view inside the list, never scrolling the page.
    const top = topIn(sideList, row);
    if (top < sideList.scrollTop || top + row.offsetHeight > sideList.scrollTop + sideList.clientHeight) {
      sideList.scrollTop = Math.max(0, top - sideList.clientHeight / 3);
    }
  }

  let matched = [];
  function renderMatches() {
    for (const row of matched) row.classList.remove("annot-match");
    const found = state.search ? get("search", { matches: [] }).matches : [];
    matched = found.map((i) => state.outlineRows[i]).filter(Boolean);
    for (const row of matched) row.classList.add("annot-match");
  }

  function renderEntities() {
    if (state.tab !== "entities" || get("entities", null) === state.drawnEntities) return;
    state.drawnEntities = get("entities", null);
    timed("annot:entities", drawEntities);
  }

  function drawEntities() {
    const groups = get("entities", []);
    const out = [];
    let label = null;
    for (const e of groups) {
      if (e.label !== label) {
        label = e.label;
        const head = h("div", "annot-entity-label", `${label} (${groups.filter((g) => g.label === label).length})`);
        head.style.setProperty("--annot-color", labelOf(label)?.color || "#777");
        out.push(head);
      }
      const row = h("div", "annot-entity");
      row.dataset.sentences = e.sentences.join(",");
      row.title = `sentences ${e.sentences.join(", ")} (click: the next one)`;
      row.append(h("span", "annot-entity-name", e.name), h("span", "annot-entity-count", `×${e.count}`));
      out.push(row);
    }
    if (!out.length) out.push(h("div", "annot-hint", "no actors or quantities tagged yet"));
    entityList.replaceChildren(...out);
    entityList.dataset.count = String(groups.length);
  }

  entityList.addEventListener("click", (event) => {
    const row = event.target.closest(".annot-entity");
    if (!row) return;
    const sentences = row.dataset.sentences.split(",").map(Number);
    const here = get("window", []).find((s) => s.current)?.index ?? -1;
    go(sentences.find((i) => i > here) ?? sentences[0]);
  });

  // -- drawing everything, once per message from Python -----------------------------------------------
  function renderAll() {
    if (state.ahead !== null && ack() >= state.ahead.id) state.ahead = null;
    if (state.optimistic !== null && ack() >= state.optimistic.id) state.optimistic = null;
    ui.mt.classList.toggle("annot-stale", state.ahead !== null);
    if (state.ahead === null) delete root.dataset.moving;
    redraw(() => {
      renderPosition();
      renderStatus();
      if (!state.editingAnnotator) renderWho();
      renderLayer();
      renderForm();
      renderTranslation();
      renderReading();
      renderOutline();
      renderEntities();
    });
  }

  // -- keys ---------------------------------------------------------------------------------------------
  function onKey(event) {
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    const f = form();
    const spanId = f.span?.id;
    if (state.goto !== null) {
      if (/^[0-9]$/.test(key)) state.goto += key;
      else if (key === "Backspace") state.goto = state.goto.slice(0, -1);
      else if (key === "Enter") { if (state.goto) go(Number(state.goto)); state.goto = null; }
      else state.goto = null; // Escape, or any other key, cancels
      renderFinder();
      return true;
    }
    if (ctrl && (key === "z" || key === "Z")) send({ type: event.shiftKey ? "redo" : "undo" });
    else if (ctrl && (key === "y" || key === "Y")) send({ type: "redo" });
    else if (ctrl || event.altKey) return false;
    else if (key === "j" || key === "ArrowDown") { moveAhead(1); send({ type: "nav", to: "next" }); }
    else if (key === "k" || key === "ArrowUp") { moveAhead(-1); send({ type: "nav", to: "previous" }); }
    else if (key === "ArrowRight" || key === "ArrowLeft") selectWords(key === "ArrowRight" ? 1 : -1, event.shiftKey);
    else if (key === "n") { state.cursor = null; send({ type: "nav", to: "next_unannotated" }); }
    else if (key === "g") { state.goto = ""; renderFinder(); }
    else if (key === "/") { state.search = { query: get("search", {}).query || "" }; renderFinder()?.focus(); }
    else if (key === "e") send({ type: "next_engine" });
    else if (key === "L") send({ type: "next_layer" });
    else if (key === "d") mark("done");
    else if (key === "D") mark("empty");
    else if (key === "Tab") cycleSpans(event.shiftKey ? -1 : 1);
    // Enter on a suggestion accepts it (the form stays open on it, prefilled); on any other span it opens the form.
    else if (key === "Enter" && spanId && f.span.status === "pending") send({ type: "review", span_id: spanId, status: "accepted" });
    else if (key === "Enter" && spanId) ui.form.querySelector(FIELD_TAGS)?.focus();
    else if (key === "A") send({ type: "accept_all" });
    else if (key === "y" && spanId) send({ type: "review", span_id: spanId, status: "accepted" });
    else if (key === "x" && spanId) send({ type: "review", span_id: spanId, status: "rejected" });
    else if ((key === "Delete" || key === "Backspace") && spanId) send({ type: "delete", span_id: spanId });
    else if (key === "?") toggleHelp();
    else if (key === "Escape") { toggleHelp(false); state.search = null; state.cursor = null; renderFinder(); send({ type: "clear" }); }
    else {
      // Keys of the project's schema: a label's key, or a key of the selected span's label (stance: + - h ...).
      const own = schema().keys.find((k) => k.key === key && spanId && k.label === f.span.label);
      const label = schema().labels.find((l) => l.key && l.key === key);
      if (own) send({ ...own.send, span_id: spanId });
      else if (label) tagWith(label);
      else return false;
    }
    return true;
  }

  // Tab goes through the sentence's pending suggestions first: from the selected span (pending or just
  // reviewed) to the next pending one in reading order. Once none is left, through all its spans.
  // A suggestion rejected (x) leaves the text and the form: Tab goes on from where it was (remember).
  function cycleSpans(step) {
    const current = shownWindow().find((s) => s.current);
    if (!current || !current.spans.length) return;
    const spans = current.spans;
    let at = spans.findIndex((s) => s.id === form().span?.id);
    const last = state.tabbed;
    if (at < 0 && last && last.sentence === current.index && !spans.some((s) => s.id === last.id)) {
      // The spans are in reading order: the gone span sat just before the first one starting after it.
      const next = spans.findIndex((s) => s.utf16_start > last.start || (s.utf16_start === last.start && s.utf16_end > last.end));
      at = (next < 0 ? spans.length : next) - (step > 0 ? 1 : 0);
    }
    const pending = spans.some((s) => s.status === "pending");
    for (let k = 1; k <= spans.length; k++) {
      const i = at < 0 || at >= spans.length ? (step > 0 ? k - 1 : spans.length - k)
        : (at + step * k + spans.length * k) % spans.length;
      if (!pending || spans[i].status === "pending") {
        send({ type: "focus", span_id: spans[i].id });
        return;
      }
    }
  }

  // Where the span in the form sits (however it was selected: Tab, a click), for Tab to go on from once it is gone.
  function remember(spanId) {
    for (const sentence of shownWindow()) {
      const s = sentence.spans.find((x) => x.id === spanId);
      if (s) state.tabbed = { id: s.id, sentence: sentence.index, start: s.utf16_start, end: s.utf16_end };
    }
  }

  root.addEventListener("keydown", (event) => {
    // Whatever happens, JupyterLab's notebook shortcuts (a, b, d d, j, k...) never see keys typed here.
    event.stopPropagation();
    const field = event.target.closest && event.target.closest(FIELD_TAGS);
    if (field) {
      // A dropdown gives the keys back on Escape or Enter (its choice is made); a text field on Escape or
      // Enter (handled by the form's listener) — every other key is the field's.
      if (field.tagName === "SELECT" && (event.key === "Enter" || event.key === "Escape")) {
        event.preventDefault();
        refocus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        refocus();
      }
      return;
    }
    if (onKey(event)) event.preventDefault();
  });
  // Keep keyup/keypress from reaching the notebook too.
  for (const type of ["keyup", "keypress"]) root.addEventListener(type, (event) => event.stopPropagation());

  // -- edits made elsewhere (another widget, notebook or process) show up within a second -----------------
  const poller = setInterval(() => {
    if (!root.isConnected || document.visibilityState !== "visible" || state.lastPoll > ack()) return;
    state.lastPoll = send({ type: "poll" });
  }, POLL_MS);

  // One message from Python changes several traitlets: draw once, after the last of them.
  let queued = false;
  const renderSoon = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; renderAll(); });
  };
  for (const name of ["window", "position", "form", "mt", "targets", "outline", "entities", "annotator", "snippets",
    "layers", "compare"]) {
    model.on(`change:${name}`, renderSoon);
  }
  model.on("change:search", () => { renderFinder(); renderMatches(); });
  model.on("change:status", () => {
    if (ack() >= state.lastIntent) delete root.dataset.waiting;
    // A move or tag drawn ahead is answered (or refused): draw Python's state.
    if ((state.ahead !== null && ack() >= state.ahead.id) || (state.optimistic !== null && ack() >= state.optimistic.id)) renderSoon();
    else renderStatus();
  });
  model.on("change:schema", () => { renderLabels(); renderAll(); });

  renderLabels();
  renderTabs();
  renderAll();
  renderKeyboard();
  return () => { clearInterval(poller); root.remove(); };
}

export { render };
export default { render };
