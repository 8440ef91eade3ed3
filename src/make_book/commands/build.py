"""`make-book build`: run the pipeline with progress, then summarise what was written."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from make_book.commands.ui import Step, human_size, shown, size_of, steps
from make_book.core.diagnostics import BookError, Diagnostic, Severity

if TYPE_CHECKING:
    from make_book.build.pipeline import BuildResult

INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C


def pipeline_build():  # type: ignore[no-untyped-def]
    """pipeline.build, imported on first use (a module the tests replace it in)."""
    from make_book.build import pipeline

    return pipeline.build


def run(root: Path, out: Path | None, formats: tuple[str, ...], edition: str, strict: bool,
        console: Console) -> BuildResult:
    """Build, print the warnings and a summary of every file written; errors propagate."""
    build = pipeline_build()
    try:
        with steps(console) as tracker:
            result = build(root, out, formats, edition, tracker, strict)
    except KeyboardInterrupt:
        console.print("interrupted: dist/ is as the last good build left it", markup=False)
        raise click.exceptions.Exit(INTERRUPTED) from None
    except BookError as exc:
        print_failure(console, exc.diagnostics, root)
        exc.printed = True
        raise
    print_warnings(console, result.report.warnings, root)
    for artifact in result.artifacts:
        for note in artifact.notes:
            console.print(f"note {escape(shown(artifact.path))}: {escape(note)}")
    summarise(console, result.outputs, tracker.done, result.seconds)
    return result


def print_warnings(console: Console, warnings: list[Diagnostic], root: Path) -> None:
    """Each warning, located, after the word « warning »."""
    for warning in warnings:
        console.print(f"[yellow]warning[/yellow] {escape(warning.format(root.resolve()))}")


def print_failure(console: Console, diagnostics: list[Diagnostic], root: Path) -> None:
    """Why nothing was built: every error, then every warning, each kind in file order, and
    their count (« 3 errors, 1 warning »)."""
    found = sorted(diagnostics, key=lambda d: d.sort_key(root))
    for diagnostic in found:
        error = diagnostic.severity is Severity.ERROR
        label = "[red]error[/red]" if error else "[yellow]warning[/yellow]"
        console.print(f"{label} {escape(diagnostic.format(root.resolve()))}")
    errors = sum(1 for d in found if d.severity is Severity.ERROR)
    console.print(f"{count(errors, len(found) - errors)}: nothing was built, the output folder "
                  "is as the last good build left it", markup=False)


def count(errors: int, warnings: int) -> str:
    """« 3 errors, 1 warning », « 1 error », or « no problems found »."""
    parts = [f"{n} {noun}" + ("s" if n > 1 else "")
             for n, noun in ((errors, "error"), (warnings, "warning")) if n]
    return ", ".join(parts) or "no problems found"


def summarise(console: Console, outputs: list[Path], done: list[Step], seconds: float) -> None:
    """Each file with its size and the time it took, then the total."""
    took = file_times(outputs, done)
    rows = [(shown(p), human_size(size_of(p)), f"{took[p]:.1f} s" if p in took else "–")
            for p in outputs]
    if console.is_terminal:
        table = Table(show_edge=False, box=None, pad_edge=False)
        table.add_column("file")
        table.add_column("size", justify="right")
        table.add_column("time", justify="right")
        for row in rows:
            table.add_row(*map(escape, row))
        console.print(table)
    else:
        width = max((len(r[0]) for r in rows), default=0)
        for name, size, spent in rows:
            console.print(f"  {name:<{width}}  {size:>9}  {spent:>6}", markup=False)
    noun = "file" if len(outputs) == 1 else "files"
    console.print(f"built {len(outputs)} {noun} in {seconds:.1f} s", markup=False)


def file_times(outputs: list[Path], done: list[Step]) -> dict[Path, float]:
    """Seconds spent on each output, from when it was finished (its modification time) back
    to whichever came last: the start of the step that wrote it, or the previous file.

    The pipeline reports steps, not files (a PDF step writes a print and a screen file), so
    the files' own timestamps are what ties them to the clock."""
    if not done:
        return {}
    start, now = done[0].started, time.time()
    finished: dict[Path, float] = {}
    for path in outputs:
        try:
            files = [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else [path]
            finished[path] = max(f.stat().st_mtime for f in files)
        except (OSError, ValueError):
            continue
    took: dict[Path, float] = {}
    previous = start
    for path, mtime in sorted(finished.items(), key=lambda item: item[1]):
        if not start <= mtime <= now + 1:
            continue  # a timestamp that was not written by this build: say nothing
        step = max((s.started for s in done if s.started <= mtime), default=start)
        took[path] = max(0.0, mtime - max(step, previous))
        previous = mtime
    return took
