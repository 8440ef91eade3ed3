"""`make-book check`: print every finding as one located line; exit 1 when the book has errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from make_book.commands.build import count, pipeline_build
from make_book.commands.ui import steps
from make_book.core.diagnostics import Diagnostic, Severity
from make_book.core.model import Book
from make_book.lint.check import collect, one_line
from make_book.lint.epubcheck import epubcheck, require_epubcheck


def run(root: Path, out: Console, err: Console, strict: bool = False, epub: bool = False,
        ignore: frozenset[str] = frozenset(), printed: bool = False) -> int:
    """Check the book at root; return the exit code (0 clean, 1 errors, or warnings if strict).
    `printed`: also build the print PDFs and their covers (into the output folder, as
    `make-book build` does) and preflight them against the [print] target."""
    book, report = collect(root)  # book.toml's [build] table included (settings_schema)
    if epub and not report.errors:
        report.items.extend(_epubcheck(root, err))
    if printed and book is not None and not report.errors:
        report.items.extend(_preflight(root, book, err))
    findings = sorted((d for d in report.items if d.code not in ignore),
                      key=lambda d: d.sort_key(root))
    for diagnostic in findings:
        colour = "red" if diagnostic.severity is Severity.ERROR else "yellow"
        text = escape(one_line(diagnostic, root))
        out.print(text.replace(f" {diagnostic.code} ", f" [{colour}]{diagnostic.code}[/] ", 1))
    errors = sum(1 for d in findings if d.severity is Severity.ERROR)
    warnings = len(findings) - errors
    err.print(_summary(errors, warnings, epub and not report.errors), markup=False)
    return 1 if errors or (strict and warnings) else 0


def _epubcheck(root: Path, err: Console) -> list[Diagnostic]:
    """Build every EPUB edition into a temporary folder (dist/ is left alone) and check it."""
    require_epubcheck()  # before a build that would be for nothing
    build = pipeline_build()
    with tempfile.TemporaryDirectory(prefix="make-book-check-") as tmp:
        with steps(err) as tracker:
            result = build(root, Path(tmp) / "dist", ("epub",), "all", tracker, False)
            tracker("running EPUBCheck")
            return epubcheck(result.outputs)


def _preflight(root: Path, book: Book, err: Console) -> list[Diagnostic]:
    """Build the PDFs into the book's output folder, as `make-book build` does (what is up
    to date is kept), and preflight their print files."""
    from make_book.lint.preflight import preflight_build

    build = pipeline_build()
    with steps(err) as tracker:
        result = build(root, None, ("pdf",), "all", tracker, False)
        tracker("preflight of the print files")
        return preflight_build(result.book or book, result.artifacts).items


def _summary(errors: int, warnings: int, epub: bool) -> str:
    if not errors and not warnings:
        return "no problems found" + (" (EPUBCheck included)" if epub else "")
    return count(errors, warnings)
