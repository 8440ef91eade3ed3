"""Everything that can be known about a book without writing it, as located diagnostics.

The reader and the transform passes are the pipeline's own (pipeline.load runs the same), but
here every pass runs even after one has found errors, so that one `make-book check` shows as
much as it can. Then come the checks only a linter makes: typography hints (hints.py), empty
chapters, chapters a forthcoming part hides, covers whose art or back text will not fit
(covers.py). EPUBCheck, on EPUBs built elsewhere, maps its messages to the same form.
"""

from __future__ import annotations

import re
from pathlib import Path

from make_book.core.diagnostics import (
    BookError,
    Diagnostic,
    Report,
    line_of,
)
from make_book.core.model import Book
from make_book.lint import covers, hints
from make_book.read.reader import read_book
from make_book.transforms import run_all

_HEADING = re.compile(r"^#\s", re.M)


def collect(root: Path) -> tuple[Book | None, Report]:
    """Read and transform the book, gathering every diagnostic instead of stopping."""
    try:
        book, report = read_book(root)
    except BookError as exc:  # the reader stops at a file it cannot read: nothing to walk
        return None, Report(list(exc.diagnostics))
    run_all(book, report, keep_going=True)
    hints.run(book, report)
    empty_chapters(book, report)
    hidden_chapters(book, report)
    covers.run(book, report)
    return book, report


def empty_chapters(book: Book, report: Report) -> None:
    """W060: a chapter with a title and nothing else (scaffolded, never written)."""
    for chapter in book.chapters():
        body = chapter.body
        has_media = any(True for _ in body.iter("img", "table", "figure", "svg"))
        if body.text_content().strip() or has_media:
            continue
        match = _HEADING.search(chapter.text)
        line = chapter.text.count("\n", 0, match.start()) + 1 if match else 0
        report.warn("W060", f"chapter « {chapter.title} » is empty: it has a title and no text",
                    chapter.source, chapter.line_offset + max(line, 1),
                    hint="write it, or remove the file until it is ready")


def hidden_chapters(book: Book, report: Report) -> None:
    """W061: chapter files in a forthcoming part, which no edition includes."""
    for part in book.parts:
        if not part.forthcoming or part.source is None:
            continue
        files = [p for p in sorted(part.source.parent.glob("[0-9]*.md"))]
        if files:
            text = part.source.read_text(encoding="utf-8")
            report.warn("W061", f"part « {part.title} » is forthcoming: its {len(files)} chapter "
                        f"file(s) ({files[0].name}…) are left out of every edition",
                        part.source, line_of(text, "status:") or 1,
                        hint="set `status: published` in _part.md when the part is ready")


def sort_key(diagnostic: Diagnostic, root: Path) -> tuple[str, int, int, str]:
    """Findings in file order, then line and column: the order an editor walks them."""
    return (diagnostic.location(root).split(":")[0], diagnostic.line or 0, diagnostic.col or 0,
            diagnostic.code)


def one_line(diagnostic: Diagnostic, root: Path) -> str:
    """`path:line:col: CODE message (hint: …)` on a single line, for editors and grep."""
    where = diagnostic.location(root)
    if where == ".":
        where = str(root.resolve())  # the project folder itself: "." would say nothing
    text = f"{diagnostic.code} {diagnostic.message}"
    if diagnostic.hint:
        text += f" (hint: {diagnostic.hint})"
    return f"{where}: {text}" if where else text


