"""One writer per format, each `write(book, edition(s), ctx)`, as a table (pandoc's Writers)."""

from __future__ import annotations

from . import epub, html, pdf

WRITERS = {
    "epub": epub.write,
    "pdf": pdf.write,
    "html": html.write,
}
