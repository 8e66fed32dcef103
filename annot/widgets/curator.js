// The curator widget's view: draws what Python syncs, sends intents back. Python decides.
// Plain DOM, no imports (it runs offline). Article text is untrusted: it is only ever set with
// textContent, never as HTML. The look, the keys and the keyboard handling follow annotator.js.
//
// Messages, Python -> browser (synced traitlets; their TypedDicts are in curator.py):
//   schema    {labels: [{name, key, color, description, sentence_wide}], keys: [{key, label, send, help}]}
//   sentences [{index, snippet, disagreement, curated, current}] in review order (disagreements first)
//   view      {index, text, place, record, rows: [row], curated: row}
//             row: {name, number, differs, spans: [{id, label, utf16_start, utf16_end, color, text, detail, sentence_wide}]}
//   selected  "sp-…" (the curated span selected) | ""
//   status    {text, kind: "saved" | "error" | "info", ack, at}      curator "cleo"
// Browser -> Python (custom messages, each with an `id` that status.ack echoes once handled):
//   nav {to: next | previous | next_open | index, index} · accept {number} · merge · empty · cycle {step}
//   select {span_id} · delete · relabel {label} · field {name, value} · undo · redo · clear · poll

const HELP = [
  ["j / ↓, k / ↑", "next / previous sentence in the list (disagreements first)"],
  ["n", "next disagreement not curated yet"],
  ["1 … 9", "accept annotator N's version as the curated one (no curated span selected)"],
  ["m", "merge the versions (identical spans once; a conflict goes to the majority, a tie keeps both)"],
  ["0", "nothing to annotate in this sentence"],
  ["Tab / Shift+Tab", "select the next / previous curated span"],
  ["Delete / Backspace", "delete the selected curated span"],
  ["label key (1 2 3 …)", "with a curated span selected: give it that label"],
  ["Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y", "undo, redo (a whole curation at a time)"],
  ["Escape", "clear the selection, close the help"],
  ["?", "this help"],
];
const WRITES = new Set(["accept", "merge", "empty", "delete", "relabel", "field", "undo", "redo"]);
const POLL_MS = 1000;

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

function render({ model, el }) {
  const state = { nextId: 1, lastWrite: 0, lastIntent: 0, lastPoll: 0 };
  const get = (name, fallback) => model.get(name) ?? fallback;
  const ack = () => get("status", {}).ack || 0;
  const schema = () => get("schema", { labels: [], keys: [] });

  const root = h("div", "annot-curator");
  root.tabIndex = 0;
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  el.appendChild(root);
  const ui = {
    keyboard: h("div", "annot-keyboard-hint", "⌨ click here to curate — the keys go to the notebook now"),
    header: h("div", "annot-header"),
    place: h("span", "annot-position"),
    who: h("span", "annot-who"),
    status: h("span", "annot-status"),
    actions: h("div", "annot-actions"),
    body: h("div", "annot-body"),
    list: h("ol", "annot-list"),
    main: h("div", "annot-main"),
    help: h("div", "annot-help"),
  };
  const helpButton = button("annot-help-button", "?", "keyboard shortcuts (?)", () => toggleHelp());
  ui.header.append(ui.place, ui.who, ui.status, helpButton);
  ui.body.append(ui.list, ui.main);
  ui.help.hidden = true;
  root.append(ui.keyboard, ui.header, ui.actions, ui.body, ui.help);

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

  // -- keyboard ownership, as in the annotator ------------------------------------------------------
  const hasKeyboard = () => root.contains(document.activeElement);
  const renderKeyboard = () => { root.dataset.keyboard = hasKeyboard() ? "yes" : "no"; };
  root.addEventListener("focusin", renderKeyboard);
  root.addEventListener("focusout", () => queueMicrotask(renderKeyboard));
  ui.keyboard.addEventListener("click", refocus);
  root.addEventListener("click", () => { if (window.getSelection().isCollapsed) refocus(); });

  // -- help --------------------------------------------------------------------------------------------
  const helpTable = h("table");
  const helpExtra = h("table", "annot-help-keys");
  for (const [keys, what] of HELP) {
    const row = h("tr");
    row.append(h("th", null, keys), h("td", null, what));
    helpTable.append(row);
  }
  ui.help.append(h("div", "annot-help-title", "Curator keys (click or press ? to close)"), helpTable, helpExtra);
  const toggleHelp = (show) => { ui.help.hidden = show === undefined ? !ui.help.hidden : !show; };
  ui.help.addEventListener("click", () => toggleHelp(false));

  function renderSchema() {
    helpExtra.replaceChildren();
    for (const k of schema().keys) {
      const row = h("tr");
      row.append(h("th", null, k.key), h("td", null, `${k.help} (a curated ${k.label} selected)`));
      helpExtra.append(row);
    }
    ui.actions.replaceChildren(
      button("annot-merge-button", "m merge", "merge the versions (m)", () => send({ type: "merge" })),
      button("annot-empty-button", "0 nothing", "nothing to annotate here (0)", () => send({ type: "empty" })),
      button("annot-next-button", "n next open", "next disagreement not curated (n)", () => send({ type: "nav", to: "next_open" })),
      h("span", "annot-spacer"),
      ...schema().labels.map((label) => {
        const b = button("annot-label-button", label.key ? `${label.key} ${label.name}` : label.name,
          `relabel the selected curated span as ${label.name}`, () => send({ type: "relabel", label: label.name }));
        b.style.setProperty("--annot-color", label.color);
        return b;
      }),
    );
  }

  // -- the review list ---------------------------------------------------------------------------------
  function renderList() {
    ui.list.replaceChildren();
    for (const item of get("sentences", [])) {
      const li = h("li", "annot-list-item");
      li.dataset.index = String(item.index);
      if (item.current) li.classList.add("annot-current");
      if (item.curated) li.classList.add("annot-curated");
      const badge = h("span", "annot-badge", item.curated ? "✓" : item.disagreement ? String(item.disagreement) : "=");
      badge.title = item.curated ? "curated" : item.disagreement ? `${item.disagreement} spans differ` : "all versions agree";
      li.append(badge, h("span", "annot-list-index", item.index), h("span", "annot-list-text", item.snippet));
      li.addEventListener("click", () => send({ type: "nav", to: "index", index: item.index }));
      ui.list.append(li);
    }
    ui.list.querySelector(".annot-current")?.scrollIntoView({ block: "nearest" });
  }

  // -- one version of the sentence: its text with spans painted, its stance chips -----------------------
  function paintText(text, spans, selected) {
    const textEl = h("div", "annot-text");
    textEl.dir = "auto";
    const inline = spans.filter((s) => !s.sentence_wide);
    const cuts = new Set([0, text.length]);
    for (const s of inline) { cuts.add(s.utf16_start); cuts.add(s.utf16_end); }
    const points = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      if (a === b) continue;
      const seg = h("span", "annot-seg", text.slice(a, b));
      const covering = inline.filter((s) => s.utf16_start <= a && s.utf16_end >= b)
        .sort((x, y) => (y.utf16_end - y.utf16_start) - (x.utf16_end - x.utf16_start));
      if (covering.length) {
        // Outermost first: the widest span gives the background, each one an underline at its depth.
        seg.classList.add("annot-span");
        if (covering.length > 1) seg.classList.add("annot-overlap");
        seg.style.setProperty("--annot-color", covering[0].color);
        seg.style.boxShadow = covering.map((s, depth) => `inset 0 -${3 * (depth + 1)}px 0 ${s.color}`).join(", ");
        seg.style.paddingBottom = `${3 * covering.length}px`;
        seg.title = covering.map((s) => (s.detail ? `${s.label} (${s.detail})` : s.label)).join("\n");
        const inner = covering[covering.length - 1];
        seg.dataset.spanId = inner.id;
        seg.dataset.label = inner.label;
        if (covering.some((s) => s.id === selected)) seg.classList.add("annot-selected");
      }
      textEl.append(seg);
    }
    return textEl;
  }

  function paintRow(row, text, selected, curated) {
    const box = h("div", "annot-row");
    box.classList.add(curated ? "annot-curated-row" : "annot-version");
    if (row.differs) box.classList.add("annot-differs");
    box.dataset.name = row.name;
    const head = h("div", "annot-row-head");
    head.append(h("span", "annot-row-key", curated ? "→" : String(row.number)), h("span", "annot-row-name", row.name));
    if (!curated) {
      head.append(button("annot-accept-button", "accept", `accept ${row.name}'s version (${row.number})`,
        () => send({ type: "accept", number: row.number })));
    }
    const textEl = paintText(text, row.spans, selected);
    const chips = h("div", "annot-chips");
    for (const s of row.spans) {
      // Every span listed with its attributes (a quantity's value and unit, a stance's holder, polarity, evidence).
      const chip = h("span", "annot-chip", s.detail ? `${s.label} ${s.sentence_wide ? "" : `“${s.text}” `}· ${s.detail}` : `${s.label} “${s.text}”`);
      chip.style.setProperty("--annot-color", s.color);
      chip.dataset.spanId = s.id;
      chip.dataset.label = s.label;
      if (s.id === selected) chip.classList.add("annot-selected");
      if (curated) chip.addEventListener("click", (event) => { event.stopPropagation(); send({ type: "select", span_id: s.id }); refocus(); });
      chips.append(chip);
    }
    if (curated && !row.spans.length) chips.append(h("span", "annot-none", "no curated span"));
    box.append(head, textEl, chips);
    return box;
  }

  function renderView() {
    const view = get("view", {});
    ui.main.replaceChildren();
    ui.place.textContent = view.index === undefined ? "no sentence" : `sentence ${view.index} · ${view.place}`;
    ui.who.textContent = `curating as ${get("curator", "")}`;
    if (view.index === undefined) return;
    const selected = get("selected", "");
    for (const row of view.rows) ui.main.append(paintRow(row, view.text, selected, false));
    const curated = paintRow(view.curated, view.text, selected, true);
    curated.append(h("div", "annot-record", view.record || "not curated yet: 1…9 accept, m merge, 0 nothing"));
    ui.main.append(curated);
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
    el.textContent = st.kind === "saved" ? `✓ saved ${st.at || ""}`.trim() + (st.text ? ` · ${st.text}` : "") : st.text || "";
    el.dataset.kind = st.kind || "info";
    if (st.kind === "error") el.classList.add("annot-error");
    if (st.kind === "saved") el.classList.add("annot-saved");
  }

  function renderAll() {
    const had = hasKeyboard();
    renderList();
    renderView();
    renderStatus();
    if (had && !hasKeyboard()) refocus();
  }

  // -- keys ----------------------------------------------------------------------------------------------
  function onKey(event) {
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    const selected = get("selected", "");
    const view = get("view", {});
    const selectedLabel = (view.curated?.spans || []).find((s) => s.id === selected)?.label;
    if (ctrl && (key === "z" || key === "Z")) send({ type: event.shiftKey ? "redo" : "undo" });
    else if (ctrl && (key === "y" || key === "Y")) send({ type: "redo" });
    else if (ctrl || event.altKey) return false;
    else if (key === "j" || key === "ArrowDown") send({ type: "nav", to: "next" });
    else if (key === "k" || key === "ArrowUp") send({ type: "nav", to: "previous" });
    else if (key === "n") send({ type: "nav", to: "next_open" });
    else if (key === "m") send({ type: "merge" });
    else if (key === "0") send({ type: "empty" });
    else if (key === "Tab") send({ type: "cycle", step: event.shiftKey ? -1 : 1 });
    else if ((key === "Delete" || key === "Backspace") && selected) send({ type: "delete" });
    else if (key === "?") toggleHelp();
    else if (key === "Escape") { toggleHelp(false); send({ type: "clear" }); }
    else {
      // With a curated span selected, a label's key relabels it and its label's keys set a field;
      // without one, a digit accepts that annotator's version.
      const own = schema().keys.find((k) => k.key === key && selected && k.label === selectedLabel);
      const label = schema().labels.find((l) => l.key && l.key === key);
      if (own) send({ ...own.send });
      else if (selected && label) send({ type: "relabel", label: label.name });
      else if (/^[1-9]$/.test(key)) send({ type: "accept", number: Number(key) });
      else return false;
    }
    return true;
  }

  root.addEventListener("keydown", (event) => {
    // JupyterLab's notebook shortcuts (a, b, d d, j, k...) never see keys typed here.
    event.stopPropagation();
    if (onKey(event)) event.preventDefault();
  });
  for (const type of ["keyup", "keypress"]) root.addEventListener(type, (event) => event.stopPropagation());

  // -- edits made elsewhere show up within a second -------------------------------------------------------
  const poller = setInterval(() => {
    if (!root.isConnected || document.visibilityState !== "visible" || state.lastPoll > ack()) return;
    state.lastPoll = send({ type: "poll" });
  }, POLL_MS);

  let queued = false;
  const renderSoon = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; renderAll(); });
  };
  for (const name of ["sentences", "view", "selected", "curator"]) model.on(`change:${name}`, renderSoon);
  model.on("change:status", () => {
    if (ack() >= state.lastIntent) delete root.dataset.waiting;
    renderStatus();
  });
  model.on("change:schema", () => { renderSchema(); renderAll(); });

  renderSchema();
  renderAll();
  renderKeyboard();
  return () => { clearInterval(poller); root.remove(); };
}

export { render };
export default { render };
