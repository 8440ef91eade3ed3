"""Transform passes over the Book model, run in this explicit order.

Each pass is `run(book, report) -> None`, mutating the model in place; a pass that finds
manuscript errors records them in the report. The pipeline (build and check alike) runs the
later passes too, so that one run reports every error, and stops before the writers.
"""

from __future__ import annotations

from collections.abc import Callable

from make_book.core.diagnostics import BookError, Report
from make_book.core.model import Book
from make_book.transforms import (
    citations,
    formats,
    glyphs,
    ids,
    images,
    indexing,
    lead_in,
    notes,
    ordinals,
    sanitize,
    titles,
    typeset,
    xrefs,
)

Pass = Callable[[Book, Report], None]

PASSES: list[tuple[str, Pass]] = [
    ("sanitize", sanitize.run),  # raw HTML that could run code is gone before anything else
    ("formats", formats.run),  # `{.only-web}` passages marked for the writers to leave out
    ("images", images.run),  # paths resolved and contained, files checked
    # Keys checked, each edition's bibliography made; before ids, which would rename the
    # entries each chapter's citeproc run appended, and before notes (a note style's notes).
    ("citations", citations.run),
    ("ids", ids.run),  # every id unique in the whole book, labels recorded
    ("notes", notes.run),  # footnotes moved into the model, numbered per chapter
    ("xrefs", xrefs.run),  # labels numbered, references and links resolved
    ("typeset", typeset.run),  # language typography on every text node and title
    ("ordinals", ordinals.run),  # French ordinals' superior letters, on the typeset text
    ("titles", titles.run),  # chapter titles broken by sense, once typeset
    ("index", indexing.run),  # marked terms collected, after typeset: as they are printed
    # The first words of each chapter in small capitals: last of the passes that reshape the
    # text, so that its spans wrap the words as they are printed.
    ("lead_in", lead_in.run),
    ("glyphs", glyphs.run),  # every character typeset is in a font of the book
]


def run_all(book: Book, report: Report, keep_going: bool = False) -> None:
    """Run every pass in order; a build stops at the first pass that recorded errors.

    `keep_going` (make-book check) runs the later passes too, so that one check reports as
    much as it can; it stops only at a pass that cannot go on (it raised), and a pass that
    trips over what an earlier error left is not a crash: that error explains it."""
    for _name, apply in PASSES:
        try:
            apply(book, report)
        except BookError as exc:
            if not keep_going:
                raise
            report.items.extend(exc.diagnostics)
            return
        except Exception:
            if keep_going and report.errors:
                return
            raise
        if not keep_going:
            report.raise_if_errors()
