"""A DataFrame view that stays current: it re-reads the store after every commit, in this kernel or elsewhere.

The tables under the annotator (``store.spans(doc)``, ``store.stats()``) used to
go stale until their cell was run again. ``LiveFrame(store, lambda:
store.spans(doc.id, flatten=True))`` shows the frame the function returns and
draws it again when an Annotator of this kernel commits to the same store (at
once) or when anyone else does (the view polls the store's revision about once
a second). Cells are sent as text and drawn with ``textContent``: article text
is never HTML here.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import anywidget
import pandas as pd
import traitlets

from annot.errors import AnnotError

if TYPE_CHECKING:
    from annot.store import Store

__all__ = ["LiveFrame"]

_ESM = """
const POLL_MS = 1000;
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "annot-live";
  el.appendChild(root);
  let asked = 0, answered = 0;
  function draw() {
    const head = document.createElement("div");
    head.className = "annot-live-head";
    head.textContent = model.get("caption");
    const table = document.createElement("table");
    const tr = document.createElement("tr");
    for (const name of model.get("columns")) {
      const th = document.createElement("th");
      th.textContent = name;
      tr.append(th);
    }
    const thead = document.createElement("thead");
    thead.append(tr);
    const tbody = document.createElement("tbody");
    for (const row of model.get("rows")) {
      const line = document.createElement("tr");
      for (const cell of row) {
        const td = document.createElement("td");
        td.textContent = cell;
        line.append(td);
      }
      tbody.append(line);
    }
    table.append(thead, tbody);
    root.replaceChildren(head, table);
  }
  for (const name of ["rows", "columns", "caption"]) model.on(`change:${name}`, draw);
  model.on("change:answered", () => { answered = model.get("answered"); });
  const poller = setInterval(() => {
    if (!root.isConnected || document.visibilityState !== "visible" || asked > answered) return;
    asked += 1;
    model.send({ type: "poll", id: asked });
  }, POLL_MS);
  draw();
  return () => { clearInterval(poller); root.remove(); };
}
export default { render };
"""

_CSS = """
.annot-live { font-size: 12px; color: var(--jp-content-font-color1, rgba(0,0,0,.87));
  background: var(--jp-layout-color1, #fff); max-height: 24em; overflow: auto; }
.annot-live-head { color: var(--jp-ui-font-color1, rgba(0,0,0,.87)); margin-bottom: 4px; }
.annot-live table { border-collapse: collapse; }
.annot-live th, .annot-live td { text-align: left; vertical-align: top; padding: 2px 8px;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); white-space: pre-wrap; }
.annot-live th { position: sticky; top: 0; background: var(--jp-layout-color1, #fff); }
"""


class LiveFrame(anywidget.AnyWidget):
    """Show ``frame()`` as a table and draw it again whenever the store changes.

    Args:
        store: the project store whose commits trigger a redraw.
        frame: returns the DataFrame to show (called again after each commit).
        max_rows: at most this many rows are shown; the caption says how many there are.

    Example:
        ``LiveFrame(store, lambda: store.spans(doc.id, flatten=True))``
    """

    _esm = _ESM
    _css = _CSS
    _open: ClassVar[weakref.WeakSet[LiveFrame]] = weakref.WeakSet()

    columns = traitlets.List().tag(sync=True)
    rows = traitlets.List().tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)
    answered = traitlets.Int(0).tag(sync=True)

    def __init__(self, store: Store, frame: Callable[[], pd.DataFrame], *, max_rows: int = 200) -> None:
        super().__init__()
        self.store = store
        self._frame = frame
        self._max_rows = max(1, max_rows)
        self._revision: tuple[int, int] | None = None
        self.on_msg(self._on_msg)
        LiveFrame._open.add(self)
        self.refresh()

    def refresh(self) -> None:
        """Read the frame again and send it to the browser."""
        self._revision = self.store.revision()
        try:
            df = self._frame()
        except AnnotError as exc:
            self.caption = str(exc)
            return
        shown = df.head(self._max_rows)
        index = shown.index.name is not None or not isinstance(shown.index, pd.RangeIndex)
        if index:
            shown = shown.reset_index()
        with self.hold_sync():
            self.columns = [str(c) for c in shown.columns]
            self.rows = [[_cell(v) for v in row] for row in shown.itertuples(index=False, name=None)]
            more = f", the first {len(shown)} shown" if len(df) > len(shown) else ""
            self.caption = f"{len(df)} rows{more} · updated {pd.Timestamp.now():%H:%M:%S}"

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "poll":
            return
        try:
            if self.store.revision() != self._revision:
                self.refresh()
        except AnnotError as exc:  # the store was closed
            self.caption = str(exc)
        self.answered = int(content.get("id", 0) or 0)

    @classmethod
    def store_changed(cls, path: Path) -> None:
        """Redraw every live view of the store at ``path`` (an Annotator of this kernel just committed)."""
        path = Path(path).resolve()
        for view in list(cls._open):
            try:
                if view.store.path.resolve() == path:
                    view.refresh()
            except AnnotError:
                cls._open.discard(view)

    def close(self) -> None:
        """Stop updating and close the view."""
        LiveFrame._open.discard(self)
        super().close()


def _cell(value: Any) -> str:
    """A cell as text: missing values empty, dicts as ``key: value`` pairs."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return str(value)
