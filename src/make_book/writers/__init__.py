"""One writer per format, each `write(book, edition(s), ctx)`, as a table (pandoc's Writers).

The PDF writer is not in the table: it imports WeasyPrint, which takes most of a second and
Pango's C libraries, and a build of the EPUB or the web edition alone needs neither
(incremental.py imports it when a PDF is wanted).
"""

from __future__ import annotations

from make_book.writers import epub, html

WRITERS = {
    "epub": epub.write,
    "html": html.write,
}
