"""Transform passes over the Book model, run in this explicit order.

Each pass is `run(book, report) -> None`, mutating the model in place; a pass that finds
manuscript errors records them in the report, and the pipeline stops after the pass.
"""

from __future__ import annotations

from collections.abc import Callable

from make_book.core.diagnostics import Report
from make_book.core.model import Book
from make_book.transforms import ids, images, notes, sanitize, typeset, xrefs

Pass = Callable[[Book, Report], None]

PASSES: list[tuple[str, Pass]] = [
    ("sanitize", sanitize.run),  # raw HTML that could run code is gone before anything else
    ("images", images.run),  # paths resolved and contained, files checked
    ("ids", ids.run),  # every id unique in the whole book, labels recorded
    ("notes", notes.run),  # footnotes moved into the model, numbered per chapter
    ("xrefs", xrefs.run),  # labels numbered, references and links resolved
    ("typeset", typeset.run),  # language typography on every text node and title
]


def run_all(book: Book, report: Report) -> None:
    """Run every pass in order; stop at the first pass that recorded errors."""
    for _name, apply in PASSES:
        apply(book, report)
        report.raise_if_errors()
