"""Terminal output shared by the commands: consoles, step progress, sizes.

rich honours NO_COLOR and TERM=dumb by itself; on a non-terminal (a CI log, a pipe) progress
is written as plain lines, one per step, instead of animated bars.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from make_book.core.workers import JOBS_VARIABLE


def err_console() -> Console:
    """Messages, progress and summaries: stderr, so that stdout stays the command's data."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def out_console() -> Console:
    """The command's data (findings, tables, JSON) on stdout. Piped, it is not folded at 80
    columns (rich's default without a terminal): a table row stays one line."""
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 200
    return console


@dataclass
class Step:
    message: str
    started: float  # time.time(): compared with file modification times
    ended: float | None = None

    @property
    def seconds(self) -> float:
        return (self.ended or time.time()) - self.started


@dataclass
class Steps:
    """The progress callback handed to the pipeline; remembers when each step ran."""

    console: Console
    progress: Progress | None = None
    done: list[Step] = field(default_factory=list)
    _task: int | None = None

    def __call__(self, message: str) -> None:
        self.finish()
        self.done.append(Step(message, time.time()))
        if self.progress is not None:
            self._task = self.progress.add_task(message, total=None)
        else:
            self.console.print(f"• {message}", markup=False)

    def finish(self, failed: bool = False) -> None:
        """Close the running step (its bar stops and shows the time it took)."""
        if self.done and self.done[-1].ended is None:
            self.done[-1].ended = time.time()
        if self.progress is not None and self._task is not None:
            self.progress.update(self._task, total=1, completed=1, failed=failed)
            self._task = None


class _Mark(SpinnerColumn):
    """A spinner while a step runs, then ✓, or ✗ for the step that failed."""

    def render(self, task: Task) -> RenderableType:
        if task.fields.get("failed"):
            return Text("✗", style="red")
        return super().render(task)


@contextmanager
def steps(console: Console) -> Iterator[Steps]:
    """Animated bars on a terminal, plain `• step` lines elsewhere."""
    if not console.is_terminal:
        tracker = Steps(console)
        yield tracker
        tracker.finish()
        return
    columns = (_Mark(finished_text="[green]✓[/]"), TextColumn("{task.description}"),
               BarColumn(bar_width=24), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tracker = Steps(console, progress)
        try:
            yield tracker
        except BaseException:
            tracker.finish(failed=True)
            raise
        tracker.finish()


def size_of(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size


def human_size(size: int) -> str:
    """1.4 MiB, 812 KiB, 96 B: binary units, as file managers show them."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} B"


def shown(path: Path, base: Path | None = None) -> str:
    """A path as the user will recognise it: relative to base (or the current folder)."""
    base = (base or Path.cwd()).resolve()
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)


F = TypeVar("F", bound=Callable[..., Any])


def _set_jobs(_ctx: click.Context, _param: click.Parameter, value: int | None) -> None:
    if value is not None:
        # Every pool of the build reads it (core/workers.py), as do the processes it starts.
        os.environ[JOBS_VARIABLE] = str(value)


def jobs_option(function: F) -> F:
    """--jobs N: at most N things at once for the build (default: every core). Not bound to
    MAKE_BOOK_JOBS as click's envvar: a value there that is no positive number falls back to
    the cores, as it always has, rather than stopping the command."""
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                        expose_value=False, callback=_set_jobs,
                        help="Processes and threads to build with at once (MAKE_BOOK_JOBS)  "
                        "[default: the number of cores]")(function)
