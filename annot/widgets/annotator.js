// The annotation widget's view: renders what Python syncs and sends intents back.
// Plain DOM, no imports (it runs offline). Article text is untrusted: it is only
// ever set with textContent, never as HTML.

const HELP = [
  ["select words", "mark them as pending (snapped to whole words)"],
  ["1 / 2 / 3", "tag the pending words with a label (STANCE: the sentence)"],
  ["click a span", "select it; edit its attributes below"],
  ["Delete", "delete the selected span"],
  ["j / ↓", "next sentence"],
  ["k / ↑", "previous sentence"],
  ["n", "next unannotated sentence"],
  ["Ctrl+Z", "undo"],
  ["Ctrl+Shift+Z / Ctrl+Y", "redo"],
  ["Escape", "clear the selection"],
  ["?", "this help"],
];

function h(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function describe(span) {
  const attrs = Object.entries(span.attrs || {}).map(([k, v]) => `${k}: ${v}`);
  return attrs.length ? `${span.label} (${attrs.join(", ")})` : span.label;
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

  let selectedId = null; // the span whose attribute form is shown (view state only)

  const send = (intent) => model.send(intent);
  const labelSpec = (name) => (model.get("labels") || []).find((l) => l.name === name);
  const allSpans = () => (model.get("window") || []).flatMap((s) => s.spans);

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
      button.addEventListener("click", () => { send({ type: "label", label: label.name }); root.focus(); });
      labelBar.append(button);
    }
  }

  // -- sentences -----------------------------------------------------------------
  function paintSentence(sentence, pending) {
    const box = h("div", "annot-sentence");
    box.classList.add(sentence.current ? "annot-current" : "annot-context");
    if (sentence.heading) box.classList.add("annot-heading");
    box.dataset.index = String(sentence.index);
    const textEl = h("div", "annot-text");
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
        seg.style.backgroundColor = covering[0].color + "33";
        seg.style.boxShadow = covering.map((s, depth) => `inset 0 -${3 * (depth + 1)}px 0 ${s.color}`).join(", ");
        seg.style.paddingBottom = `${3 * covering.length}px`;
        seg.title = covering.map(describe).join("\n");
        const inner = covering[covering.length - 1];
        seg.dataset.spanId = inner.id;
        if (covering.some((s) => s.id === selectedId)) seg.classList.add("annot-selected");
        seg.addEventListener("click", (event) => {
          if (!window.getSelection().isCollapsed) return; // a drag, not a click
          event.stopPropagation();
          selectedId = inner.id;
          renderAll();
          root.focus({ preventScroll: true });
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
      chip.addEventListener("click", () => { selectedId = s.id; renderAll(); root.focus({ preventScroll: true }); });
      box.append(chip);
    }
    if (!sentence.current) {
      box.addEventListener("dblclick", () => send({ type: "nav", to: "index", index: sentence.index }));
    }
    return box;
  }

  function renderSentences() {
    const form = model.get("form") || {};
    sentences.replaceChildren(...(model.get("window") || []).map((s) => paintSentence(s, form.pending)));
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
    selectedId = null;
    send({ type: "select", sentence: Number(startText.dataset.index), utf16_start: utf16Start, utf16_end: utf16End });
    root.focus({ preventScroll: true });
  });

  // -- attribute form --------------------------------------------------------------
  function renderForm() {
    formBox.replaceChildren();
    const form = model.get("form") || {};
    if (form.pending) {
      formBox.append(h("span", "annot-form-title", "pending: "), h("q", "annot-pending-text", form.pending.text),
        h("span", "annot-hint", " — press a label key (1/2/3) or Escape"));
      return;
    }
    const span = allSpans().find((s) => s.id === selectedId);
    if (!span) return;
    const spec = labelSpec(span.label);
    const title = h("div", "annot-form-title");
    const badge = h("span", "annot-badge", span.label);
    badge.style.backgroundColor = span.color;
    title.append(badge, h("q", null, span.text));
    const del = h("button", "annot-delete", "delete");
    del.addEventListener("click", () => { send({ type: "delete", span_id: span.id }); selectedId = null; root.focus(); });
    title.append(del);
    formBox.append(title);
    const fields = h("div", "annot-fields");
    const inputs = {};
    for (const attr of spec ? spec.attributes : []) {
      const field = h("label", "annot-field");
      field.append(h("span", null, attr.name));
      let input;
      const value = span.attrs[attr.name];
      if (attr.type === "enum") {
        input = h("select");
        input.append(h("option", null, ""));
        for (const choice of attr.choices) {
          const option = h("option", null, choice);
          option.value = choice;
          input.append(option);
        }
        input.value = value ?? "";
      } else if (attr.type === "span") {
        input = h("select");
        input.append(h("option", null, ""));
        for (const other of allSpans()) {
          if (other.id === span.id || (attr.labels.length && !attr.labels.includes(other.label))) continue;
          const option = h("option", null, `${other.label}: ${other.text}`);
          option.value = other.id;
          input.append(option);
        }
        input.value = value ?? "";
      } else {
        input = h("input");
        input.type = attr.type === "number" ? "number" : "text";
        input.step = "any";
        input.value = value ?? "";
      }
      input.title = attr.description || attr.name;
      input.dataset.attr = attr.name;
      inputs[attr.name] = [attr, input];
      field.append(input);
      fields.append(field);
    }
    const save = h("button", "annot-save", "save");
    const submit = () => {
      const attrs = {};
      for (const [name, [attr, input]] of Object.entries(inputs)) {
        if (input.value === "") continue;
        attrs[name] = attr.type === "number" ? Number(input.value) : input.value;
      }
      send(span.label === "STANCE" ? { type: "stance", ...attrs } : { type: "attrs", span_id: span.id, attrs });
      root.focus({ preventScroll: true });
    };
    save.addEventListener("click", submit);
    fields.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); submit(); } });
    fields.append(save);
    formBox.append(fields);
  }

  // -- machine translation ----------------------------------------------------------
  function renderTranslation() {
    mt.replaceChildren();
    for (const tr of model.get("translation") || []) {
      const row = h("div", "annot-mt-row");
      const engine = h("span", "annot-mt-engine", tr.engine);
      engine.title = tr.route;
      row.append(engine, h("span", "annot-mt-text", tr.text));
      mt.append(row);
    }
  }

  function renderHeader() {
    position.textContent = model.get("position") || "";
    const text = model.get("status") || "";
    status.textContent = text;
    status.classList.toggle("annot-error", text !== "" && !text.startsWith("saved") && !text.startsWith("nothing"));
  }

  function renderAll() {
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
      if (event.key === "Escape") { event.preventDefault(); root.focus(); }
      return;
    }
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    let handled = true;
    if (ctrl && (key === "z" || key === "Z")) {
      send({ type: event.shiftKey ? "redo" : "undo" });
    } else if (ctrl && (key === "y" || key === "Y")) {
      send({ type: "redo" });
    } else if (ctrl || event.altKey) {
      handled = false;
    } else if (key === "j" || key === "ArrowDown") {
      selectedId = null;
      send({ type: "nav", to: "next" });
    } else if (key === "k" || key === "ArrowUp") {
      selectedId = null;
      send({ type: "nav", to: "previous" });
    } else if (key === "n") {
      selectedId = null;
      send({ type: "nav", to: "next_unannotated" });
    } else if (key === "Escape") {
      selectedId = null;
      help.hidden = true;
      send({ type: "clear" });
      renderAll();
    } else if ((key === "Delete" || key === "Backspace") && selectedId) {
      send({ type: "delete", span_id: selectedId });
      selectedId = null;
    } else if (key === "?") {
      toggleHelp();
    } else {
      const label = (model.get("labels") || []).find((l) => l.key && l.key === key);
      if (label) send({ type: "label", label: label.name });
      else handled = false;
    }
    if (handled) event.preventDefault();
  });
  // Keep keyup/keypress from reaching the notebook too.
  for (const type of ["keyup", "keypress"]) root.addEventListener(type, (event) => event.stopPropagation());

  model.on("change:form", () => {
    const form = model.get("form") || {};
    if (form.span_id) selectedId = form.span_id;
    renderAll();
  });
  for (const name of ["window", "position", "status", "translation"]) model.on(`change:${name}`, renderAll);
  model.on("change:labels", () => { renderLabels(); renderAll(); });

  renderLabels();
  renderAll();
  return () => root.remove();
}

export { render };
export default { render };
