"""Progress bars for long work (ingest, translate, export), in a terminal or a notebook.

Library functions take a ``progress(done, total, what)`` callback; passing
``progress=True`` asks for this module's bar instead.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress

__all__ = ["Progress", "progress_bar", "resolve_progress"]

#: ``progress(done, total, what)``: called after each unit of long work.
Progress = Callable[[int, int, str], None]

_NOTEBOOK_REFRESH = 0.2  # seconds between two redraws of a notebook's bar (the last state is always drawn)
_NOTEBOOK_WIDTH = 100


def _rich_progress(console: object, **options: object) -> RichProgress:
    """rich's bar with annot's columns: description, bar, n/total, rate, elapsed, what."""
    from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Units per second (sentences/s when translating), once rich has measured it."""

        def render(self, task: object) -> Text:
            speed = getattr(task, "speed", None)
            return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")

    return RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[what]}", markup=False),  # file names are not markup
        console=console,  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


@contextmanager
def _notebook_bar(description: str) -> Iterator[Progress]:
    """A bar drawn as plain text in the cell's output, updated in place.

    Not rich's own Jupyter display: it draws into an ipywidgets ``Output`` and
    closes it at the end, so a notebook saved with that output shows "Error
    displaying widget: model not found" after a reload. Plain text outputs are
    saved with the notebook and survive reloads and kernel restarts.
    """
    from IPython.display import display
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=_NOTEBOOK_WIDTH, force_terminal=False, force_jupyter=False,
                      color_system=None, highlight=False)  # fmt: skip
    bar = _rich_progress(console, auto_refresh=False)
    task = bar.add_task(description, total=None, what="")

    def text() -> dict[str, str]:
        buffer.seek(0)
        buffer.truncate()
        console.print(bar.get_renderable())
        return {"text/plain": buffer.getvalue().rstrip()}

    handle = display(text(), raw=True, display_id=True)
    drawn = time.monotonic()

    def update(done: int, total: int, what: str) -> None:
        nonlocal drawn
        bar.update(task, completed=done, total=total, what=what[-60:])
        now = time.monotonic()
        if now - drawn >= _NOTEBOOK_REFRESH or done >= total:
            handle.update(text(), raw=True)
            drawn = now

    try:
        yield update
    finally:
        bar.stop_task(task)
        handle.update(text(), raw=True)


@contextmanager
def progress_bar(description: str) -> Iterator[Progress]:
    """Yield a callback that drives a progress bar.

    In a terminal, a rich bar on stderr that disappears when done; in a
    notebook, a plain-text bar in the cell's output that stays, with the final
    count and time; hidden when output goes to a file or a pipe, so logs and
    captured CLI output stay clean.
    """
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    if console.is_jupyter:
        with _notebook_bar(description) as update:
            yield update
        return
    with _rich_progress(console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=None, what="")

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, what=what[-60:])

        yield update


def resolve_progress(progress: Progress | bool | None, description: str) -> AbstractContextManager[Progress | None]:
    """A context giving the callback to use: ``True`` -> a progress bar, falsy -> ``None``."""
    if progress is True:
        return progress_bar(description)
    return nullcontext(progress or None)
