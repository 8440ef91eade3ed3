"""What the print PDF owes its printer ([print] target, core/printers.py): the page geometry,
a gutter wide enough for the page count, an even page count, PDF/X-4 and no annotations.

The screen PDF is drawn from the same layout and keeps its links: only the pages handed to
the print file are stripped.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from weasyprint import HTML, Document, Page
from weasyprint.pdf import metadata as weasy_metadata

from make_book.core.log import log
from make_book.core.model import Book
from make_book.core.printers import InteriorGeometry, Printer, interior_geometry, printer

# pdf.css's inside margin (`@page :right` left margin, `@page :left` right margin), in mm:
# the gutter a printer's minimum is measured against.
INSIDE_MARGIN_MM = 21.0
# The print files' standard: PDF/X-4 keeps RGB images and transparency as they are, and
# wants an output intent; ours is the ICC's sRGB2014.icc that WeasyPrint ships (the ICC
# lets it be copied, embedded and distributed without restriction), an RGB characterisation
# that KDP and IngramSpark convert from, since make-book's images are RGB.
PRINT_VARIANT = "pdf/x-4"
OUTPUT_INTENT = "srgb"


def target(book: Book) -> Printer:
    """The printer the book is made for."""
    return printer(book.config.print.target)


def geometry(book: Book) -> InteriorGeometry:
    """The print interior's page. Nothing in make-book's layout bleeds (no element reaches
    the trim), so KDP and IngramSpark get the trim exactly; offset keeps [pdf] bleed."""
    pdf = book.config.pdf
    return interior_geometry(target(book), (pdf.width_mm, pdf.height_mm), bleeds=False,
                             offset_bleed_mm=pdf.bleed_mm)


def geometry_css(book: Book) -> str:
    """The @page rules for size, bleed and crop marks."""
    geo = geometry(book)
    width, height = geo.trim_mm
    css = f"@page {{ size: {width:g}mm {height:g}mm; }}\n"
    # KDP's bleed leaves the gutter out, which WeasyPrint (one bleed for every side) cannot
    # draw; geometry() asks for it only when an element bleeds, and none does.
    assert geo.gutter_bleed or not geo.bleed_mm, "a bleed without the gutter"
    if geo.bleed_mm:
        css += f"@page {{ bleed: {geo.bleed_mm:g}mm; }}\n"
    marks = book.config.pdf.marks
    if marks if marks is not None else geo.crop_marks:
        css += "@page { marks: crop; }\n"
    return css


def gutter_css(book: Book, pages: int) -> tuple[str, str | None]:
    """A wider inside margin when the printer wants more than pdf.css gives for `pages`
    pages (KDP: 0.875 in beyond 700 pages), and the sentence that says so; else ("", None)."""
    needed = target(book).min_inside_mm(pages)
    if needed <= INSIDE_MARGIN_MM + 1e-6:
        return "", None
    note = (f"inside margin widened from {INSIDE_MARGIN_MM:g} to {needed:.1f} mm: "
            f"{target(book).label} wants {needed / 25.4:.3f} in for {pages} pages")
    log.debug(note)
    return (f"@page :right {{ margin-left: {needed:.2f}mm; }}\n"
            f"@page :left {{ margin-right: {needed:.2f}mm; }}\n"), note


def print_document(book: Book, document: Document, epoch: int) -> Document:
    """The layout as the print file: print_pages, dated, with metadata and colour profiles
    of its own (writing PDF/X adds an output intent and dates that the screen must not get)."""
    blank = None if has_blank(document) else blank_document(geometry_css(book))
    printed = document.copy(print_pages(book, document, blank))
    printed.metadata = copy.copy(document.metadata)
    printed.color_profiles = dict(document.color_profiles)
    date_document(printed, epoch)
    return printed


def print_pages(book: Book, document: Document, blank: Document | None = None) -> list[Page]:
    """The pages of the print file: with no link annotation (PDF/X forbids them), and a blank
    page at the end when the count is odd (a printer binds leaves, two pages each)."""
    pages = [_unlinked(page) for page in document.pages]
    if target(book).even_pages and len(pages) % 2:
        pages.append(_blank_page(document, blank))
    return pages


def _unlinked(page: Page) -> Page:
    bare = copy.copy(page)
    bare.links = []
    return bare


def _blank_page(document: Document, blank: Document | None) -> Page:
    """A blank verso of the book itself (no running head, no folio), else `blank`'s page."""
    for page in reversed(document.pages):
        if page._page_box.page_type.blank:  # noqa: SLF001 - what WeasyPrint knows of a page
            return _unlinked(page)
    assert blank is not None, "no blank page in the book: render one"
    return _unlinked(blank.pages[0])


def has_blank(document: Document) -> bool:
    """Whether the layout has a blank page to copy."""
    return any(p._page_box.page_type.blank for p in document.pages)  # noqa: SLF001


def blank_document(css: str) -> Document:
    """One empty page of the book's geometry, when the book has no blank verso to copy."""
    return HTML(string=f"<html><head><style>{css}</style></head><body></body></html>").render()


def print_options(book: Book) -> dict[str, object]:
    """write_pdf's options for the print file: PDF/X-4 with its output intent, unless an
    offset book asks for another standard in [pdf] variant."""
    variant = book.config.pdf.variant
    if variant and book.config.print.target == "offset":
        return {"pdf_variant": variant}
    return {"pdf_variant": PRINT_VARIANT, "output_intent": OUTPUT_INTENT}


def date_document(document: Document, epoch: int) -> None:
    """Creation and modification dates from the build's epoch: PDF/X wants both, and
    WeasyPrint would otherwise write the clock into them."""
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    document.metadata.created = document.metadata.created or stamp
    document.metadata.modified = document.metadata.modified or stamp


@contextmanager
def stable_document_id(seed: bytes) -> Iterator[None]:
    """Within the block, the XMP DocumentID WeasyPrint writes into a PDF/X is a UUID made
    from `seed`, not a random one: the same book must give the same bytes. WeasyPrint calls
    uuid4 from its metadata module and offers no option; builds write PDFs one at a time in
    each process (jobs are forked), so replacing it for the block is safe."""
    original = weasy_metadata.uuid4
    weasy_metadata.uuid4 = lambda: uuid.uuid5(uuid.NAMESPACE_URL, seed.hex())
    try:
        yield
    finally:
        weasy_metadata.uuid4 = original


@contextmanager
def backgrounds_kept(document: Document) -> Iterator[None]:
    """Within the block, drawing the pages leaves their backgrounds as they were: WeasyPrint
    draws crop marks by inserting a layer into the page's background each time it draws it,
    and the screen edition draws the same pages again, without marks."""
    kept = [(box.background, list(box.background.layers)) for box in
            (page._page_box for page in document.pages)  # noqa: SLF001
            if box.background is not None]
    try:
        yield
    finally:
        for background, layers in kept:
            background.layers[:] = layers
