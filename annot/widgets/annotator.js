// The annotation widget's view: renders what Python syncs and sends intents back.
// Plain DOM, no imports (it runs offline). Article text is untrusted: it is only
// ever set with textContent, never as HTML.

const HELP = [
  ["select words", "mark them as pending (snapped to whole words; double-click: one word)"],
  ["1 / 2 / 3", "tag the pending words with a label (STANCE: the whole sentence)"],
  ["click a span", "select it: its attributes show below, saved as you change them"],
  ["Delete", "delete the selected span"],
  ["j / ↓", "next sentence"],
  ["k / ↑", "previous sentence"],
  ["n", "next unannotated sentence"],
  ["h", "stance: next holder (actors here, earlier, the author)"],
  ["+ - = ~", "stance: supports, opposes, neutral, unclear"],
  ["a r l q", "stance: asserted, reported, alleged, quoted"],
  ["e", "next translation engine"],
  ["Ctrl+Z", "undo"],
  ["Ctrl+Shift+Z / Ctrl+Y", "redo"],
  ["Escape", "clear the selection"],
  ["?", "this help"],
];
const POLARITY_KEYS = { "+": "supports", "-": "opposes", "=": "neutral", "~": "unclear" };
const EVIDENCE_KEYS = { a: "asserted", r: "reported", l: "alleged", q: "quoted" };
const WRITES = new Set(["label", "attrs", "delete", "undo", "redo", "stance_set", "holder"]);
const POLL_MS = 1000;

function h(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function describe(span) {
  // Span references are ids: the name next to them (holder) says who it is.
  const attrs = Object.entries(span.attrs || {}).filter(([k]) => !k.endsWith("_span")).map(([k, v]) => `${k}: ${v}`);
  return attrs.length ? `${span.label} (${attrs.join(", ")})` : span.label;
}

function option(value, text) {
  const node = h("option", null, text);
  node.value = value;
  return node;
}

function render({ model, el }) {
  const root = h("div", "annot-annotator");
  root.tabIndex = 0;
  // Lumino (JupyterLab >= 4.1) skips its shortcuts for events from such elements.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  el.appendChild(root);

  const header = h("div", "annot-header");
  const position = h("span", "annot-position");
  const status = h("span", "annot-status");
  const helpButton = h("button", "annot-help-button", "?");
  helpButton.title = "keyboard shortcuts";
  header.append(position, status, helpButton);
  const labelBar = h("div", "annot-labels");
  const sentences = h("div", "annot-sentences");
  const mt = h("div", "annot-mt");
  const formBox = h("div", "annot-form");
  const help = h("div", "annot-help");
  help.hidden = true;
  root.append(header, labelBar, sentences, formBox, mt, help);

  let nextId = 1;
  let lastWrite = 0; // id of the last write intent sent: "saving…" until Python acknowledges it
  let lastPoll = 0;
  let othersOpen = false; // the MT pane's "other engines" fold (view state only)

  const ack = () => (model.get("status") || {}).ack || 0;
  const send = (intent) => {
    const id = nextId++;
    if (WRITES.has(intent.type)) lastWrite = id;
    model.send({ ...intent, id });
    if (WRITES.has(intent.type)) renderHeader();
    return id;
  };
  const form = () => model.get("form") || {};
  const labelSpec = (name) => (model.get("labels") || []).find((l) => l.name === name);
  const allSpans = () => (model.get("window") || []).flatMap((s) => s.spans);
  const refocus = () => root.focus({ preventScroll: true });

  // -- help -----------------------------------------------------------------
  const helpTable = h("table");
  for (const [keys, what] of HELP) {
    const row = h("tr");
    row.append(h("th", null, keys), h("td", null, what));
    helpTable.append(row);
  }
  help.append(h("div", "annot-help-title", "Keyboard shortcuts (click or press ? to close)"), helpTable);
  const toggleHelp = () => { help.hidden = !help.hidden; };
  help.addEventListener("click", toggleHelp);
  helpButton.addEventListener("click", toggleHelp);

  // -- labels ------------------------------------------------------------------
  function renderLabels() {
    labelBar.replaceChildren();
    for (const label of model.get("labels") || []) {
      const button = h("button", "annot-label-button", label.key ? `${label.key} ${label.name}` : label.name);
      button.style.borderColor = label.color;
      button.style.setProperty("--annot-color", label.color);
      button.title = label.description || label.name;
      button.addEventListener("click", () => { send({ type: "label", label: label.name }); refocus(); });
      labelBar.append(button);
    }
  }

  // -- sentences -----------------------------------------------------------------
  function paintSentence(sentence, pending, selectedId) {
    const box = h("div", "annot-sentence");
    box.classList.add(sentence.current ? "annot-current" : "annot-context");
    if (sentence.heading) box.classList.add("annot-heading");
    box.dataset.index = String(sentence.index);
    const textEl = h("div", "annot-text");
    textEl.dir = "auto"; // right-to-left scripts read right to left; offsets are unaffected
    textEl.dataset.index = String(sentence.index);
    const text = sentence.text;
    // Sentence-wide STANCE spans are chips, not paint over every word.
    const stances = sentence.spans.filter((s) => s.label === "STANCE");
    const spans = sentence.spans.filter((s) => s.label !== "STANCE");
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
        seg.style.backgroundColor = covering[0].color + "33";
        seg.style.boxShadow = covering.map((s, depth) => `inset 0 -${3 * (depth + 1)}px 0 ${s.color}`).join(", ");
        seg.style.paddingBottom = `${3 * covering.length}px`;
        seg.title = covering.map(describe).join("\n");
        const inner = covering[covering.length - 1];
        seg.dataset.spanId = inner.id;
        seg.dataset.label = inner.label;
        if (covering.some((s) => s.id === selectedId)) seg.classList.add("annot-selected");
        seg.addEventListener("click", (event) => {
          if (!window.getSelection().isCollapsed) return; // a drag, not a click
          event.stopPropagation();
          send({ type: "focus", span_id: inner.id });
          refocus();
        });
      }
      if (pend && pend.utf16_start <= a && pend.utf16_end >= b) seg.classList.add("annot-pending");
      textEl.append(seg);
    }
    box.append(textEl);
    for (const s of stances) {
      const chip = h("span", "annot-chip", describe(s));
      chip.style.borderColor = s.color;
      chip.dataset.spanId = s.id;
      if (s.id === selectedId) chip.classList.add("annot-selected");
      chip.addEventListener("click", () => { send({ type: "focus", span_id: s.id }); refocus(); });
      box.append(chip);
    }
    if (!sentence.current) {
      box.addEventListener("dblclick", () => send({ type: "nav", to: "index", index: sentence.index }));
    }
    return box;
  }

  // Moving to a neighbour already in the window is drawn at once, before Python answers (a kernel
  // round trip is ~50 ms); Python's window replaces this guess when it arrives. Only the view moves:
  // the position, spans and form come from Python as always.
  let ahead = null; // {index, id}: the sentence shown as current until Python has handled nav intent `id`

  function shownWindow() {
    const win = model.get("window") || [];
    if (ahead === null || !win.some((s) => s.index === ahead.index)) return win;
    return win.map((s) => ({ ...s, current: s.index === ahead.index }));
  }

  function moveAhead(step) {
    const win = model.get("window") || [];
    const from = ahead !== null ? ahead.index : (win.find((s) => s.current) || {}).index;
    if (from === undefined || !win.some((s) => s.index === from + step)) return;
    ahead = { index: from + step, id: nextId }; // the id the nav intent sent next gets
    sentences.replaceChildren(...shownWindow().map((s) => paintSentence(s, null, null)));
    formBox.replaceChildren();
    mt.classList.add("annot-stale");
    root.dataset.moving = "true"; // until Python answers (tests and benchmarks wait on it)
    position.textContent = positionText();
  }

  function positionText() {
    const text = model.get("position") || "";
    return ahead === null ? text : text.replace(/^sentence \d+/, `sentence ${ahead.index}`);
  }

  function renderSentences() {
    const f = form();
    sentences.replaceChildren(...shownWindow().map((s) => paintSentence(s, f.pending, f.span_id)));
  }

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
    let utf16End;
    if (endText === startText) {
      utf16End = offsetIn(startText, range.endContainer, range.endOffset);
    } else {
      utf16End = startText.textContent.length; // a drag past the sentence stops at its end
    }
    const utf16Start = offsetIn(startText, range.startContainer, range.startOffset);
    selection.removeAllRanges();
    send({ type: "select", sentence: Number(startText.dataset.index), utf16_start: utf16Start, utf16_end: utf16End });
    refocus();
  });

  // -- attribute form: every change is saved at once, no save button ----------------
  function field(name, input, hint) {
    const box = h("label", "annot-field");
    box.append(h("span", null, hint ? `${name} (${hint})` : name), input);
    return box;
  }

  function selectOf(values, current) {
    const input = h("select");
    input.append(option("", ""));
    for (const [value, text] of values) input.append(option(value, text));
    input.value = current ?? "";
    return input;
  }

  function datalistFor(input, names, key) {
    const list = h("datalist");
    list.id = `annot-names-${key}-${Math.random().toString(36).slice(2)}`;
    for (const name of names || []) list.append(option(name, name));
    input.setAttribute("list", list.id);
    return list;
  }

  function renderStanceFields(f, span, fields) {
    const attrs = span.attrs || {};
    const holders = f.holders || [];
    const holderValue = attrs.holder_span ? `span:${attrs.holder_span}` : attrs.holder === "author" ? "author" : "";
    const holder = selectOf([["author", "the author"], ...holders.map((a) => [`span:${a.id}`, a.name === a.text ? a.text : `${a.text} → ${a.name}`])], holderValue);
    if (attrs.holder && attrs.holder !== "author" && !attrs.holder_span) holder.append(option("text", attrs.holder));
    if (attrs.holder && attrs.holder !== "author" && !attrs.holder_span) holder.value = "text";
    holder.dataset.attr = "holder";
    holder.addEventListener("change", () => {
      const v = holder.value;
      if (v === "text") return;
      send({ type: "stance_set", ...(v.startsWith("span:") ? { holder_span: v.slice(5) } : { holder: v || null }) });
      refocus();
    });
    fields.append(field("holder", holder, "h"));
    const target = h("input");
    target.type = "text";
    target.value = attrs.target ?? "";
    target.dataset.attr = "target";
    fields.append(datalistFor(target, holders.map((a) => a.name), "target"));
    target.addEventListener("change", () => { send({ type: "stance_set", target: target.value.trim() || null }); });
    fields.append(field("target", target));
    const spec = labelSpec("STANCE");
    for (const [name, keys] of [["polarity", "+ - = ~"], ["evidence", "a r l q"]]) {
      const attr = spec.attributes.find((a) => a.name === name);
      const input = selectOf(attr.choices.map((c) => [c, c]), attrs[name]);
      input.dataset.attr = name;
      input.addEventListener("change", () => { send({ type: "stance_set", [name]: input.value || null }); refocus(); });
      fields.append(field(name, input, keys));
    }
    if (f.cue) fields.append(h("span", "annot-hint", `cue: “${f.cue}”`));
  }

  function renderForm() {
    formBox.replaceChildren();
    const f = form();
    if (f.pending) {
      formBox.append(h("span", "annot-form-title", "pending: "), h("q", "annot-pending-text", f.pending.text),
        h("span", "annot-hint", " — press a label key (1/2/3) or Escape"));
      return;
    }
    if (!f.span_id) return;
    const span = allSpans().find((s) => s.id === f.span_id) || { id: f.span_id, label: f.label, attrs: f.attrs, text: "" };
    const spec = labelSpec(span.label);
    const title = h("div", "annot-form-title");
    const badge = h("span", "annot-badge", span.label);
    badge.style.backgroundColor = spec ? spec.color : "#777";
    title.append(badge, h("q", null, span.text));
    const del = h("button", "annot-delete", "delete");
    del.addEventListener("click", () => { send({ type: "delete", span_id: span.id }); refocus(); });
    title.append(del);
    formBox.append(title);
    const fields = h("div", "annot-fields");
    formBox.append(fields);
    if (span.label === "STANCE") { renderStanceFields(f, { ...span, attrs: f.attrs || span.attrs }, fields); return; }
    const attrs = f.attrs || span.attrs || {};
    const inputs = {};
    const submit = () => {
      const out = {};
      for (const [name, [attr, input]] of Object.entries(inputs)) {
        if (input.value === "") continue;
        out[name] = attr.type === "number" ? Number(input.value) : input.value;
      }
      send({ type: "attrs", span_id: span.id, attrs: out });
    };
    for (const attr of spec ? spec.attributes : []) {
      let input;
      const value = attrs[attr.name];
      if (attr.type === "enum") {
        input = selectOf(attr.choices.map((c) => [c, c]), value);
      } else if (attr.type === "span") {
        const others = allSpans().filter((o) => o.id !== span.id && (!attr.labels.length || attr.labels.includes(o.label)));
        input = selectOf(others.map((o) => [o.id, `${o.label}: ${o.text}`]), value);
      } else {
        input = h("input");
        input.type = attr.type === "number" ? "number" : "text";
        input.step = "any";
        input.value = value ?? "";
        if (attr.name === "canonical" && f.names) fields.append(datalistFor(input, f.names, attr.name));
      }
      input.title = attr.description || attr.name;
      input.dataset.attr = attr.name;
      inputs[attr.name] = [attr, input];
      input.addEventListener("change", () => { submit(); if (input.tagName === "SELECT") refocus(); });
      fields.append(field(attr.name, input));
    }
    fields.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); event.target.blur(); refocus(); }
    });
  }

  // -- machine translation ----------------------------------------------------------
  function flagsOf(row) {
    const flags = h("span", "annot-mt-flags");
    if (!row.numbers_ok) {
      const flag = h("span", "annot-flag annot-flag-numbers", `numbers: ${row.numbers}`);
      flag.title = "numbers differ between the sentence and this translation";
      flags.append(flag);
    }
    for (const name of row.missing_names || []) {
      const flag = h("span", "annot-flag annot-flag-name", `name? ${name}`);
      flag.title = "a tagged actor's name was not found in this translation";
      flags.append(flag);
    }
    return flags;
  }

  function mtRow(row, main) {
    const line = h("div", main ? "annot-mt-row annot-mt-main" : "annot-mt-row");
    const engine = h("span", "annot-mt-engine", row.engine);
    engine.title = `${row.route} · ${row.model}`;
    const body = h("div", "annot-mt-body");
    const text = h("div", "annot-mt-text", row.text);
    text.dir = "auto";
    body.append(text, flagsOf(row));
    line.append(engine, body);
    if (!main) {
      line.title = "click to show this engine first";
      line.addEventListener("click", () => { send({ type: "mt", engine: row.base }); refocus(); });
    }
    return line;
  }

  function renderTranslation() {
    mt.replaceChildren();
    const state = model.get("mt") || {};
    const targets = model.get("targets") || {};
    const head = h("div", "annot-mt-head");
    const langs = Object.keys(targets);
    if (!langs.length) {
      mt.append(h("span", "annot-hint", "no translation engine installed (annot engines)"));
      return;
    }
    const target = selectOf(langs.map((l) => [l, `→ ${l}`]), state.target);
    target.firstChild.remove();
    target.className = "annot-mt-target";
    target.addEventListener("change", () => { send({ type: "mt", target: target.value }); refocus(); });
    const engine = selectOf((targets[state.target] || []).map((e) => [e, e]), state.engine);
    engine.firstChild.remove();
    engine.className = "annot-mt-engine-select";
    engine.title = "engine (e: next)";
    engine.addEventListener("change", () => { send({ type: "mt", engine: engine.value }); refocus(); });
    head.append(h("span", "annot-mt-title", "MT"), target, engine);
    const job = state.job;
    const rows = state.rows || [];
    const main = rows.find((r) => r.base === state.engine); // base: "argos" for "argos+apertium"
    if (job && job.status === "running") {
      const spin = h("span", "annot-mt-job", `translating ${job.done}/${job.total}`);
      spin.prepend(h("span", "annot-spinner"));
      head.append(spin);
    } else if (job && job.status === "error") {
      head.append(h("span", "annot-mt-job annot-error", job.error));
    }
    mt.append(head);
    const ref = state.reference;
    if (ref) {
      // A linked version (annot link), through the sentence alignment: "reference", or "human" when marked so.
      const line = h("div", "annot-mt-row annot-mt-reference");
      const label = h("span", "annot-mt-engine", ref.label === "human translation" ? "human" : "reference");
      label.title = `${ref.label}: ${ref.doc_id}, sentence${ref.plural ? "s" : ""} ${ref.sentences}` +
        (ref.shared ? " (matches this sentence and its neighbour together)" : "");
      const body = h("div", "annot-mt-body");
      const text = h("div", "annot-mt-text", ref.text);
      text.dir = "auto";
      body.append(text, flagsOf({ numbers_ok: ref.numbers_ok, numbers: ref.numbers, missing_names: [] }));
      line.append(label, body);
      mt.append(line);
    }
    if (main) mt.append(mtRow(main, true));
    else if (job && job.status === "running") mt.append(h("div", "annot-mt-row annot-hint", "translation on its way…"));
    else if (!job) mt.append(h("div", "annot-mt-row annot-hint", `no ${state.engine} translation stored (annot translate)`));
    const others = rows.filter((r) => r !== main);
    if (others.length) {
      const fold = h("details", "annot-mt-others");
      fold.open = othersOpen;
      fold.addEventListener("toggle", () => { othersOpen = fold.open; });
      fold.append(h("summary", null, `other engines (${others.length})`), ...others.map((r) => mtRow(r, false)));
      mt.append(fold);
    }
  }

  function renderHeader() {
    position.textContent = positionText();
    const st = model.get("status") || {};
    status.className = "annot-status";
    if (lastWrite > ack()) {
      status.textContent = "saving…";
      status.classList.add("annot-saving");
    } else {
      status.textContent = st.kind === "saved" ? `✓ saved ${st.at || ""}`.trim() : st.text || "";
      status.dataset.kind = st.kind || "info";
      if (st.kind === "error") status.classList.add("annot-error");
      if (st.kind === "saved") status.classList.add("annot-saved");
    }
  }

  function renderAll() {
    if (ahead !== null && ack() >= ahead.id) ahead = null;
    mt.classList.toggle("annot-stale", ahead !== null);
    if (ahead === null) delete root.dataset.moving;
    renderHeader();
    renderSentences();
    renderForm();
    renderTranslation();
  }

  // -- keys ------------------------------------------------------------------------
  root.addEventListener("keydown", (event) => {
    // Whatever happens, JupyterLab's notebook shortcuts (a, b, d d, j, k...) never see keys typed here.
    event.stopPropagation();
    const inField = event.target.closest && event.target.closest("input, select, textarea");
    if (inField) {
      if (event.key === "Escape") { event.preventDefault(); refocus(); }
      return;
    }
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    const f = form();
    const stance = f.label === "STANCE" && f.span_id;
    let handled = true;
    if (ctrl && (key === "z" || key === "Z")) {
      send({ type: event.shiftKey ? "redo" : "undo" });
    } else if (ctrl && (key === "y" || key === "Y")) {
      send({ type: "redo" });
    } else if (ctrl || event.altKey) {
      handled = false;
    } else if (key === "j" || key === "ArrowDown") {
      moveAhead(1);
      send({ type: "nav", to: "next" });
    } else if (key === "k" || key === "ArrowUp") {
      moveAhead(-1);
      send({ type: "nav", to: "previous" });
    } else if (key === "n") {
      send({ type: "nav", to: "next_unannotated" });
    } else if (key === "e") {
      send({ type: "next_engine" });
    } else if (key === "Escape") {
      help.hidden = true;
      send({ type: "clear" });
    } else if ((key === "Delete" || key === "Backspace") && f.span_id) {
      send({ type: "delete", span_id: f.span_id });
    } else if (key === "?") {
      toggleHelp();
    } else if (stance && key === "h") {
      send({ type: "holder" });
    } else if (stance && key in POLARITY_KEYS) {
      send({ type: "stance_set", polarity: POLARITY_KEYS[key] });
    } else if (stance && key in EVIDENCE_KEYS) {
      send({ type: "stance_set", evidence: EVIDENCE_KEYS[key] });
    } else {
      const label = (model.get("labels") || []).find((l) => l.key && l.key === key);
      if (label) send({ type: "label", label: label.name });
      else handled = false;
    }
    if (handled) event.preventDefault();
  });
  // Keep keyup/keypress from reaching the notebook too.
  for (const type of ["keyup", "keypress"]) root.addEventListener(type, (event) => event.stopPropagation());

  // -- edits made elsewhere (another widget, notebook or process) show up within a second --------
  const poller = setInterval(() => {
    if (!root.isConnected || document.visibilityState !== "visible" || lastPoll > ack()) return;
    lastPoll = send({ type: "poll" });
  }, POLL_MS);

  // One message from Python changes several traitlets: draw once, after the last of them.
  let queued = false;
  const renderSoon = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; renderAll(); });
  };
  for (const name of ["window", "position", "form", "mt"]) model.on(`change:${name}`, renderSoon);
  model.on("change:status", () => {
    if (ahead !== null && ack() >= ahead.id) renderSoon(); // the move is answered: draw Python's state
    else renderHeader();
  });
  model.on("change:targets", renderTranslation);
  model.on("change:labels", () => { renderLabels(); renderAll(); });

  renderLabels();
  renderAll();
  return () => { clearInterval(poller); root.remove(); };
}

export { render };
export default { render };
