"""Progress bars for long work (ingest, export), in a terminal or a notebook.

Library functions take a ``progress(done, total, what)`` callback; passing
``progress=True`` asks for this module's bar instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import ContextManager

__all__ = ["Progress", "progress_bar", "resolve_progress"]

#: ``progress(done, total, what)``: called after each unit of long work.
Progress = Callable[[int, int, str], None]


@contextmanager
def progress_bar(description: str) -> Iterator[Progress]:
    """Yield a callback that drives a rich progress bar on stderr.

    Shown in terminals and in Jupyter; hidden when output goes to a file or a
    pipe, so logs and captured CLI output stay clean.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Units per second (sentences/s when translating), once rich has measured it."""

        def render(self, task: object) -> Text:
            speed = getattr(task, "speed", None)
            return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")

    console = Console(stderr=True, highlight=False)
    with RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[what]}", markup=False),  # file names are not markup
        console=console,
        transient=True,
        disable=not (console.is_terminal or console.is_jupyter),
    ) as bar:
        task = bar.add_task(description, total=None, what="")

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, what=what[-60:])

        yield update


def resolve_progress(progress: Progress | bool | None, description: str) -> ContextManager[Progress | None]:
    """A context giving the callback to use: ``True`` -> a progress bar, falsy -> ``None``."""
    if progress is True:
        return progress_bar(description)
    return nullcontext(progress or None)
