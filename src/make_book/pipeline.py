"""The build: read once, transform, then run the writers for each edition, atomically."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .covers import CoverSpec, render_cover, save_jpeg
from .diagnostics import BookError, MakeBookError, Report
from .locales import strings
from .model import Book
from .output import publish, staging_dir
from .reader import read_book
from .renditions import cache_dir
from .transforms import run_all
from .wrapcover import page_count, wrap_spec, write_wrap_cover
from .writers import WRITERS
from .writers.common import Edition, editions, select_editions
from .writers.context import BuildContext

FORMATS = ("epub", "pdf", "html")
Progress = Callable[[str], None]


@dataclass
class BuildResult:
    outputs: list[Path] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    seconds: float = 0.0
    book: Book | None = None


def load(root: Path) -> tuple[Book, Report]:
    """Read and transform the manuscript; every manuscript error is a BookError."""
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
    """Build the chosen editions and formats of the project at root into out (root/dist)."""
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    root = root.resolve()
    out = (out or root / "dist").resolve()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise MakeBookError(f"unknown format {', '.join(unknown)}: choose among "
                            f"{', '.join(FORMATS)}")
    say("reading the manuscript")
    book, report = load(root)
    if strict and report.warnings:
        raise BookError(report.warnings, root)
    chosen = select_editions(book, edition)
    result = BuildResult(report=report, book=book)
    cache = cache_dir(root)
    with staging_dir(out) as staging:
        ctx = BuildContext(book=book, staging=staging, cache=cache, epoch=source_epoch(book))
        say("drawing the covers")
        make_covers(book, ctx, editions(book))
        # The print PDF first: its page breaks go into the EPUB's page list.
        for fmt in ("pdf", "epub"):
            if fmt not in formats:
                continue
            for ed in chosen:
                say(f"writing {fmt.upper()}: {ed.title}")
                written = _as_list(WRITERS[fmt](book, ed, ctx))
                result.outputs.extend(written)
                if fmt == "pdf":
                    say(f"drawing the wrap cover: {ed.title}")
                    result.outputs.append(make_wrap_cover(book, ed, ctx, written))
        if "html" in formats:
            say("writing the web edition")
            result.outputs.extend(_as_list(WRITERS["html"](book, chosen, ctx)))
        final = [out / p.relative_to(staging) for p in result.outputs]
        publish(staging, out)
    result.outputs = final
    result.seconds = time.perf_counter() - started
    return result


def _as_list(value: Path | list[Path]) -> list[Path]:
    return value if isinstance(value, list) else [value]


def make_wrap_cover(book: Book, ed: Edition, ctx: BuildContext, written: list[Path]) -> Path:
    """`<print pdf>-cover.pdf`: the wrap-around cover, its spine sized by the page count."""
    print_pdf = next(p for p in written if not p.stem.endswith("-screen"))
    spec = wrap_spec(book, ed, cover_spec(book, ed), page_count(print_pdf),
                     strings(book.config.lang)["forthcoming"])
    return write_wrap_cover(spec, print_pdf.with_name(f"{print_pdf.stem}-cover.pdf"),
                            ctx.cache, ed.title)


def cover_spec(book: Book, ed: Edition) -> CoverSpec:
    """What an edition's front cover shows."""
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
    """A cover per edition and per forthcoming part, cached by the content of its inputs."""
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
    covers_py = Path(__file__).with_name("covers.py").read_bytes()
    for key, spec in specs.items():
        art = spec.art.read_bytes() if spec.art else b""
        # Keyed by the art's bytes, not its path: the same book in another folder gives the
        # same cover name, so its editions stay byte-identical.
        fields = repr(dataclasses.replace(spec, art=None)).encode()
        digest = hashlib.sha256(fields + art + covers_py
                                + __version__.encode()).hexdigest()[:16]
        path = ctx.cache / "covers" / f"{key}-{digest}.jpg"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            save_jpeg(render_cover(spec), tmp)
            os.replace(tmp, path)
        ctx.covers[key] = path
