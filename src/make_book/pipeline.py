"""The build: read once, transform, then run the writers for each edition, atomically."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cache import OutputStore
from .diagnostics import BookError, MakeBookError, Report, ToolMissingError
from .output import publish, staging_dir
from .parallel import Job, run_jobs

# The modules that load WeasyPrint (and Pango), Pillow and pandoc's wrapper are imported in
# the functions that use them: a build that finds nothing changed answers without them.
if TYPE_CHECKING:
    from .covers import CoverSpec
    from .model import Book
    from .writers.common import Edition
    from .writers.context import BuildContext

FORMATS = ("epub", "pdf", "html")
Progress = Callable[[str], None]


@dataclass
class BuildResult:
    outputs: list[Path] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    seconds: float = 0.0
    book: Book | None = None
    reused: list[Path] = field(default_factory=list)  # carried over unchanged from last build


def load(root: Path) -> tuple[Book, Report]:
    """Read and transform the manuscript; every manuscript error is a BookError."""
    from .reader import read_book
    from .transforms import run_all

    try:
        book, report = read_book(root)
        run_all(book, report)
    except BookError as exc:
        raise exc.with_root(root) from None
    return book, report


def source_epoch(book: Book) -> int:
    """SOURCE_DATE_EPOCH when set, else the book's own date: never the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value and value.isdigit():
        return int(value)
    return book.config.source_epoch


def build(root: Path, out: Path | None = None, formats: tuple[str, ...] = FORMATS,
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
        outputs, warnings = unchanged
        if strict and warnings:
            raise BookError(warnings, root)
        say("nothing changed since the last build")
        return BuildResult(outputs, Report(list(warnings)), time.perf_counter() - started,
                           reused=list(outputs))
    book, report = load(root)
    if strict and report.warnings:
        raise BookError(report.warnings, root)
    Outputs, BuildContext = _writers("pdf" in formats)  # noqa: N806
    from .renditions import cache_dir
    from .writers.common import editions, select_editions

    chosen = select_editions(book, edition)
    result = BuildResult(report=report, book=book)
    cache = cache_dir(root)
    with staging_dir(out) as staging, _fixed_epoch(source_epoch(book)):
        ctx = BuildContext(book=book, staging=staging, cache=cache, epoch=source_epoch(book))
        covers = plan_covers(book, ctx, editions(book))
        # The print PDF before the EPUB: its page breaks go into the EPUB's page list.
        plan = Outputs(book, chosen, formats, ctx, out, store, make_wrap_cover, say, covers)
        made = plan.run()
        final = [out / o.path.relative_to(staging) for o in made]
        publish(staging, out)
    plan.remember(made)
    store.remember_build(root, name, [image.source for image in book.images.values()], final,
                         report.warnings)
    store.save()
    result.outputs = final
    result.reused = [path for path, o in zip(final, made, strict=True) if o.reused]
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


def _writers(pdf: bool) -> tuple[type, type]:
    """incremental.Outputs and BuildContext, imported on first use, and WeasyPrint when a PDF
    is wanted: it loads Pango's C libraries, and a machine without them should get the
    install command, not a traceback."""
    try:
        from .incremental import Outputs
        from .writers.context import BuildContext

        if pdf:
            from .writers import pdf as _pdf_writer  # noqa: F401
    except OSError as exc:  # cannot load library 'libpango-1.0-0' …
        raise ToolMissingError(
            f"WeasyPrint cannot load its system libraries ({exc}): install them with "
            "`apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`") from None
    return Outputs, BuildContext


def make_wrap_cover(book: Book, ed: Edition, ctx: BuildContext, written: list[Path]) -> Path:
    """`<print pdf>-cover.pdf`: the wrap-around cover, its spine sized by the page count."""
    from .locales import strings
    from .wrapcover import page_count, wrap_spec, write_wrap_cover

    print_pdf = next(p for p in written if not p.stem.endswith("-screen"))
    spec = wrap_spec(book, ed, cover_spec(book, ed), page_count(print_pdf),
                     strings(book.config.lang)["forthcoming"])
    return write_wrap_cover(spec, print_pdf.with_name(f"{print_pdf.stem}-cover.pdf"),
                            ctx.cache, ed.title)


def cover_spec(book: Book, ed: Edition) -> CoverSpec:
    """What an edition's front cover shows."""
    from .covers import CoverSpec

    config = book.config
    heroes = [p.hero for p in book.parts if p.hero is not None]
    part = ed.parts[0] if ed.is_volume else None
    hero = part.hero if part else (heroes[0] if heroes else None)
    return CoverSpec(
        title=ed.title, subtitle=ed.subtitle, series=config.series if ed.is_volume else None,
        number=ed.number, total=len(book.parts) if ed.is_volume else None,
        publisher=config.publisher, author=", ".join(config.authors) or None,
        art=hero.source if hero else None, lang=config.lang)


def make_covers(book: Book, ctx: BuildContext, every: list[Edition]) -> None:
    """Draw the covers plan_covers finds missing, side by side."""
    run_jobs(plan_covers(book, ctx, every))


def plan_covers(book: Book, ctx: BuildContext, every: list[Edition]) -> list[Job]:
    """A cover per edition and per forthcoming part, cached by the content of its inputs: its
    path goes into ctx.covers now, and a job to draw it (a second of Pillow drawing) is
    returned when the cache lacks it. The path's name is the digest of all it is made from."""
    from .covers import CoverSpec
    from .locales import strings

    t = strings(book.config.lang)
    config = book.config
    specs: dict[str, CoverSpec] = {ed.key: cover_spec(book, ed) for ed in every}
    if book.has_parts:
        for part in book.parts:
            if part.forthcoming:
                specs[f"part-{part.number}"] = CoverSpec(
                    title=part.title, subtitle=part.subtitle, series=config.series,
                    number=part.number, total=len(book.parts), publisher=config.publisher,
                    author=", ".join(config.authors) or None,
                    art=part.hero.source if part.hero else None, muted=True,
                    badge=t["forthcoming"], lang=config.lang)
    from .covers import DRAWING_VERSION

    missing: list[Job] = []
    for key, spec in specs.items():
        art = spec.art.read_bytes() if spec.art else b""
        # Keyed by the art's bytes, not its path: the same book in another folder gives the
        # same cover name, so its editions stay byte-identical.
        fields = repr(dataclasses.replace(spec, art=None)).encode()
        digest = hashlib.sha256(fields + art + DRAWING_VERSION.encode()
                                + __version__.encode()).hexdigest()[:16]
        path = ctx.cache / "covers" / f"{key}-{digest}.jpg"
        if not path.exists():
            missing.append(Job(f"cover {key}", partial(_draw_cover, spec, path),
                               label=None if missing else "drawing the covers"))
        ctx.covers[key] = path
    return missing


def _draw_cover(spec: CoverSpec, path: Path) -> None:
    from .covers import render_cover, save_jpeg

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}-{os.getpid()}.tmp")
    save_jpeg(render_cover(spec), tmp)
    os.replace(tmp, path)
