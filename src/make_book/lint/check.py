"""Everything that can be known about a book without writing it, as located diagnostics.

The reader and the transform passes are the pipeline's own (pipeline.gather, which a build
runs too): every file is read and every pass runs even after errors, so that one `make-book
check` shows as much as a build would. Then come the checks only a linter makes: typography
hints (hints.py), empty chapters, chapters a forthcoming part hides, covers whose art or back
text will not fit (covers.py). EPUBCheck, on EPUBs
built elsewhere, maps its messages to the same form.
"""

from __future__ import annotations

import re
from pathlib import Path

from make_book.build.pipeline import gather
from make_book.core.diagnostics import Diagnostic, Report, line_of
from make_book.core.model import Book
from make_book.lint import covers, hints

_HEADING = re.compile(r"^#\s", re.M)


def collect(root: Path) -> tuple[Book | None, Report]:
    """Read and transform the book, gathering every diagnostic instead of stopping."""
    book, report = gather(root)
    if book is None:  # nothing could be read: no manuscript/, no chapters
        return None, report
    hints.run(book, report)
    empty_chapters(book, report)
    hidden_chapters(book, report)
    no_person(book, report)
    covers.run(book, report)
    return book, report


def no_person(book: Book, report: Report) -> None:
    """W004: a book that names no author; its editions credit the publisher instead."""
    config = book.config
    if config.authors:
        return
    toml = book.root / "manuscript" / "book.toml"
    credited = (f"the editions credit the publisher « {config.publisher} » as its corporate "
                "author" if config.publisher else "the editions credit no one")
    report.warn("W004", f"the book names no author: {credited}", toml,
                line_of(toml.read_text(encoding="utf-8"), "[book]"),
                hint='name the author in [book]: author = "Prénom Nom", or a list of names')


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


def one_line(diagnostic: Diagnostic, root: Path) -> str:
    """`path:line:col: CODE message (hint: …)` on a single line, for editors and grep."""
    where = diagnostic.location(root)
    if where == ".":
        where = str(root.resolve())  # the project folder itself: "." would say nothing
    text = f"{diagnostic.code} {diagnostic.message}"
    if diagnostic.hint:
        text += f" (hint: {diagnostic.hint})"
    return f"{where}: {text}" if where else text


