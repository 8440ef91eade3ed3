"""The build: read once, transform, then run the writers for each edition, atomically."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from make_book.build.output import publish, staging_dir
from make_book.build.store import OutputStore
from make_book.core.artifacts import Artifact
from make_book.core.diagnostics import BookError, MakeBookError, Report, weasyprint_missing
from make_book.core.editions import editions, select_editions
from make_book.core.settings_schema import DEFAULT_FORMATS, FORMATS
from make_book.core.store import cache_dir

# The modules that load WeasyPrint (and Pango), Pillow and pandoc's wrapper are imported in
# the functions that use them: a build that finds nothing changed answers without them.
if TYPE_CHECKING:
    from make_book.core.model import Book

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    artifacts: list[Artifact] = field(default_factory=list)  # the outputs, in out
    report: Report = field(default_factory=Report)
    seconds: float = 0.0
    book: Book | None = None
    reused: list[Path] = field(default_factory=list)  # carried over unchanged from last build

    @property
    def outputs(self) -> list[Path]:
        return [artifact.path for artifact in self.artifacts]


def gather(root: Path) -> tuple[Book | None, Report]:
    """Read and transform the manuscript, every diagnostic of every file in the report: the
    reader and the passes go on after an error (None: nothing could be read at all)."""
    from make_book.read.reader import read_book
    from make_book.transforms import run_all

    try:
        book, report = read_book(root)
    except BookError as exc:  # no book to walk (no manuscript/, no chapters, a link out)
        return None, Report(list(exc.diagnostics))
    run_all(book, report, keep_going=True)
    return book, report


def load(root: Path) -> tuple[Book, Report]:
    """Read and transform the manuscript; the manuscript's errors are one BookError, which
    carries them all, errors first, then the warnings found with them."""
    book, report = gather(root)
    if book is None or report.errors:
        raise BookError(report.errors + report.warnings, root)
    return book, report


def source_epoch(book: Book) -> int:
    """SOURCE_DATE_EPOCH when set, else the book's own date: never the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value and value.isdigit():
        return int(value)
    return book.config.source_epoch


def build(root: Path, out: Path | None = None, formats: tuple[str, ...] = DEFAULT_FORMATS,
          edition: str = "all", progress: Progress | None = None,
          strict: bool = False) -> BuildResult:
    """Build the chosen editions and formats of the project at root into out (root/dist).

    Outputs whose inputs did not change since the last build are carried over rather than
    rendered again (incremental.py); when nothing changed at all, the manuscript is not even
    read and `book` is None in the result."""
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    root = root.resolve()
    out = (out or root / "dist").resolve()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise MakeBookError(f"unknown format {', '.join(unknown)}: choose among "
                            f"{', '.join(FORMATS)}")
    say("reading the manuscript")
    store = OutputStore(root)
    name = store.build_name(out, formats, edition)
    unchanged = store.unchanged(root, name)
    if unchanged is not None:
        artifacts, warnings = unchanged
        if strict and warnings:
            raise BookError(warnings, root)
        say("nothing changed since the last build")
        return BuildResult(artifacts, Report(list(warnings)), time.perf_counter() - started,
                           reused=[a.path for a in artifacts])
    preload = _Preload("pdf" in formats)
    book, report = load(root)
    if strict and report.warnings:
        raise BookError(report.warnings, root)
    Outputs, BuildContext = preload.writers()  # noqa: N806
    # Deferred for start-up speed: they load Pillow, which a build that changed nothing skips.
    from make_book.build.covers import make_wrap_cover, plan_covers

    chosen = select_editions(book, edition)
    result = BuildResult(report=report, book=book)
    cache = cache_dir(root)
    with staging_dir(out) as staging, _fixed_epoch(source_epoch(book)):
        ctx = BuildContext(book=book, staging=staging, cache=cache, epoch=source_epoch(book))
        covers = plan_covers(book, ctx, editions(book))
        # The print PDF before the EPUB: its page breaks go into the EPUB's page list.
        plan = Outputs(book, chosen, formats, ctx, out, store, make_wrap_cover, say, covers)
        made = plan.run()
        final = [plan.published(o) for o in made]
        publish(staging, out)
    plan.remember(made)
    store.remember_build(root, name, [image.source for image in book.images.values()],
                         [a.path for a in final], report.warnings)
    store.save()
    result.artifacts = final
    result.reused = [a.path for a, o in zip(final, made, strict=True) if o.reused]
    result.seconds = time.perf_counter() - started
    return result


@contextmanager
def _fixed_epoch(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to the book's date for the build (jobs inherit it): fontTools
    stamps each font subset WeasyPrint embeds with the clock otherwise, and two builds of one
    manuscript would differ by those bytes."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


class _Preload:
    """The writers' modules imported in a thread while the manuscript is read: WeasyPrint's
    import (most of a second, much of it spent waiting for the C libraries to be found and
    loaded) then overlaps with pandoc's runs and the reading of files, instead of adding to
    the build. The thread is joined before any job is forked."""

    def __init__(self, pdf: bool) -> None:
        # The reader and the passes first, in this thread: the two threads then import no
        # module of the reading side at the same time (nor the libraries it shares with the
        # writers, Pillow and lxml), and cannot wait on each other's import locks.
        import make_book.read.reader
        import make_book.transforms  # noqa: F401

        self.pdf = pdf
        self.loaded: tuple[type, type] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._load, name="preload", daemon=True)
        self.thread.start()

    def _load(self) -> None:
        try:
            self.loaded = _writers(self.pdf)
            from make_book.writers.common import compiled_templates

            compiled_templates()  # once here, rather than in each job
        except BaseException as exc:  # noqa: BLE001  # raised again, in the build's thread
            self.error = exc

    def writers(self) -> tuple[type, type]:
        """incremental.Outputs and BuildContext, once the thread has imported them."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.loaded is not None
        return self.loaded


def _writers(pdf: bool) -> tuple[type, type]:
    """incremental.Outputs and BuildContext, imported on first use, and WeasyPrint when a PDF
    is wanted: it loads Pango's C libraries, and a machine without them should get the
    install command, not a traceback."""
    try:
        from make_book.build.plan import Outputs
        from make_book.writers.context import BuildContext

        if pdf:
            from make_book.writers import pdf as _pdf_writer  # noqa: F401
    except OSError as exc:  # cannot load library 'libpango-1.0-0' …
        raise weasyprint_missing(exc) from None
    return Outputs, BuildContext


