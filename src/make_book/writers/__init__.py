"""One writer per format, all called alike (pandoc's Writers):

    write(book, edition, ctx, inputs) -> list[Artifact]

`inputs` are the records of what the writer builds on (the print PDF for the EPUB's page
list; every EPUB and PDF, wrap covers included, for the web edition's downloads); what it
returns are the records of what it wrote into ctx.staging.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from make_book.core.artifacts import Artifact
from make_book.core.editions import Edition
from make_book.core.model import Book
from make_book.writers import epub, html
from make_book.writers.context import BuildContext


class Writer(Protocol):
    def __call__(self, book: Book, edition: Edition, ctx: BuildContext,
                 inputs: list[Artifact]) -> list[Artifact]: ...


def _on_first_use(module: str) -> Writer:
    """`module.write`, imported when it is first called."""
    def write(book: Book, edition: Edition, ctx: BuildContext,
              inputs: list[Artifact]) -> list[Artifact]:
        return import_module(module).write(book, edition, ctx, inputs)

    return write


def _pdf(book: Book, edition: Edition, ctx: BuildContext,
         inputs: list[Artifact]) -> list[Artifact]:
    """The PDF writer [pdf] layout asks for: in pieces, or the edition as one document."""
    module = ("make_book.writers.pieces.layout" if book.config.pdf.layout == "pieces"
              else "make_book.writers.pdf")
    return import_module(module).write(book, edition, ctx, inputs)


WRITERS: dict[str, Writer] = {
    "epub": epub.write,
    # Imported on first use: WeasyPrint takes most of a second and Pango's C libraries to
    # load, which a build of the EPUB or the web edition alone needs neither of.
    "pdf": _pdf,
    "html": html.write,
    # pandoc and python-docx, for the editor's DOCX: imported when a build asks for it.
    "docx": _on_first_use("make_book.writers.docx"),
}
