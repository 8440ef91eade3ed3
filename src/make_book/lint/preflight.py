"""The print files checked against their printer ([print] target), as located findings.

Each finding names the PDF and, for the `line`, the page it is on (1 for a cover). What is
checked: the interior's page size (trim, and bleed where the printer wants one), its page
count (even, within the printer's range), fonts embedded, the images' resolution at the size
they are placed (300 ppi; below 200 is an error), the output intent, no annotation; the wrap
cover's size against the spine of the interior's real page count, and its barcode, decoded,
when the book has an ISBN.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pikepdf

from make_book.assets.wrapcover import MIN_SPINE_TEXT_MM, isbn_of
from make_book.core.artifacts import Artifact, find
from make_book.core.diagnostics import Report, ToolMissingError
from make_book.core.editions import editions
from make_book.core.isbn import ean13
from make_book.core.model import Book
from make_book.core.printers import IN, Printer, cover_size_mm, interior_geometry, printer

MM = 72 / 25.4  # points per millimetre
SIZE_TOLERANCE_MM = 0.25  # a page size within this of the expected one is that size
COVER_TOLERANCE_IN = 0.01
GOOD_PPI, LOWEST_PPI = 300, 200


def preflight_build(book: Book, artifacts: list[Artifact]) -> Report:
    """Every finding on the print files of a build: each edition's interior and cover."""
    report = Report()
    for edition in editions(book):
        printed = find(artifacts, edition.key, "pdf", "print")
        if printed is None:
            continue
        cover = find(artifacts, edition.key, "pdf", "cover")
        # As the wrap cover has it: [book] isbn is the omnibus's, a volume's is its own.
        isbn = isbn_of(edition.identifier)
        if not edition.is_volume and book.config.isbn:
            isbn = book.config.isbn
        price = book.config.price_code if not edition.is_volume else None
        report.items += preflight(book, printed.path, cover.path if cover else None,
                                  isbn, price).items
    return report


def preflight(book: Book, interior: Path, cover: Path | None, isbn: str | None,
              price_code: str | None = None) -> Report:
    """Every finding on one edition's print interior and wrap cover (its barcode read for
    `isbn`, and its EAN-5 add-on for `price_code`)."""
    report = Report()
    target = printer(book.config.print.target)
    with pikepdf.open(interior) as pdf:
        pages = len(pdf.pages)
        _interior_size(book, target, pdf, interior, report)
        _page_count(book, target, pages, interior, report)
        _common(pdf, interior, report)
    if cover is not None:
        with pikepdf.open(cover) as pdf:
            _cover_size(book, target, pages, pdf, cover, report)
            _common(pdf, cover, report)
        _spine_text(book, target, pages, cover, report)
        if isbn:
            found = decode_barcodes(cover, add_on=bool(price_code))
            if ean13(isbn) + (price_code or "") not in found:
                seen = ", ".join(sorted(found)) or "no barcode"
                report.error("E088", f"the back cover has no barcode of the ISBN {isbn} "
                             f"({seen} found)", cover, 1,
                             hint="set [book] isbn and build again")
    return report


def _box_mm(page: pikepdf.Page, name: str) -> tuple[float, float]:
    """Width and height of a page box in mm (TrimBox and BleedBox default to the media)."""
    box = page.obj.get(name) or page.obj.get("/MediaBox") or page.mediabox
    x0, y0, x1, y1 = (float(v) for v in box)
    return (abs(x1 - x0) / MM, abs(y1 - y0) / MM)


def _near(a: tuple[float, float], b: tuple[float, float], tolerance: float) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _interior_size(book: Book, target: Printer, pdf: pikepdf.Pdf, path: Path,
                   report: Report) -> None:
    """E080: a page whose trim or media size is not what the printer expects."""
    trim = (book.config.pdf.width_mm, book.config.pdf.height_mm)
    geometry = interior_geometry(target, trim, bleeds=False,
                                 offset_bleed_mm=book.config.pdf.bleed_mm)
    for number, page in enumerate(pdf.pages, 1):
        media, trimmed = _box_mm(page, "/MediaBox"), _box_mm(page, "/TrimBox")
        if not _near(trimmed, trim, SIZE_TOLERANCE_MM) or not _near(
                media, geometry.page_mm, SIZE_TOLERANCE_MM):
            report.error("E080", f"page {number} is {media[0]:.1f} × {media[1]:.1f} mm, trim "
                         f"{trimmed[0]:.1f} × {trimmed[1]:.1f}: {target.label} wants "
                         f"{geometry.page_mm[0]:.1f} × {geometry.page_mm[1]:.1f} mm "
                         f"(trim {trim[0]:g} × {trim[1]:g})", path, number)
            return  # one page says it for all: the layout gives every page one size


def _page_count(book: Book, target: Printer, pages: int, path: Path, report: Report) -> None:
    """E081: an odd page count for a printer that binds leaves; E082: outside its range."""
    if target.even_pages and pages % 2:
        report.error("E081", f"{pages} pages: {target.label} wants an even page count", path,
                     pages, hint="make-book adds a blank last page: build again")
    low, high = target.page_range(book.config.print.binding)
    if not low <= pages <= high:
        report.error("E082", f"{pages} pages: {target.label} prints {low} to {high} pages "
                     f"({book.config.print.binding})", path, pages)


def _common(pdf: pikepdf.Pdf, path: Path, report: Report) -> None:
    """What every print file owes: an output intent (E085), no annotation (E086), fonts
    embedded (E083), images of 300 ppi at their size (W080; E084 below 200)."""
    if not pdf.Root.get("/OutputIntents"):
        report.error("E085", "no output intent: a print file is PDF/X with one", path, 1)
    annotated = [n for n, page in enumerate(pdf.pages, 1) if page.obj.get("/Annots")]
    if annotated:
        report.error("E086", f"{len(annotated)} page(s) carry annotations or links, which "
                     "PDF/X forbids", path, annotated[0])
    for number, page in enumerate(pdf.pages, 1):
        bare = [name for name, embedded in page_fonts(page) if not embedded]
        if bare:
            report.error("E083", "font(s) not embedded: " + ", ".join(sorted(set(bare))),
                         path, number)
            break
    for number, page in enumerate(pdf.pages, 1):
        lowest = min(image_resolutions(page), default=None)
        if lowest is not None and lowest < LOWEST_PPI:
            report.error("E084", f"an image prints at {lowest:.0f} ppi (at least "
                         f"{LOWEST_PPI}, {GOOD_PPI} for print)", path, number)
            break
        if lowest is not None and lowest < GOOD_PPI - 1:
            report.warn("W080", f"an image prints at {lowest:.0f} ppi, under {GOOD_PPI}",
                        path, number)
            break


def _cover_size(book: Book, target: Printer, pages: int, pdf: pikepdf.Pdf, path: Path,
                report: Report) -> None:
    """E087: a wrap cover whose size is not the printer's formula for the interior's pages."""
    trim = (book.config.pdf.width_mm, book.config.pdf.height_mm)
    spine = target.spine_mm(pages, book.config.print.paper, book.config.pdf.paper_thickness_mm)
    if target.gutter_bleed:  # offset: the cover bleeds as the interior does
        bleed = book.config.pdf.bleed_mm or target.cover_bleed_mm
        expected = (2 * (trim[0] + bleed) + spine, trim[1] + 2 * bleed)
    else:
        expected = cover_size_mm(target, trim, spine)
    media = _box_mm(pdf.pages[0], "/MediaBox")
    if not _near(media, expected, COVER_TOLERANCE_IN * IN):
        report.error("E087", f"the cover is {media[0] / IN:.3f} × {media[1] / IN:.3f} in: "
                     f"{target.label} wants {expected[0] / IN:.3f} × {expected[1] / IN:.3f} in "
                     f"for {pages} pages (spine {spine / IN:.4f} in)", path, 1,
                     hint="build the cover from this interior again")


def _spine_text(book: Book, target: Printer, pages: int, path: Path, report: Report) -> None:
    """W081: lettering on a spine the printer keeps bare for this page count (KDP: under 79
    pages), or too narrow to keep it off the folds."""
    spine = target.spine_mm(pages, book.config.print.paper, book.config.pdf.paper_thickness_mm)
    if pages >= target.spine_text_min_pages and spine >= MIN_SPINE_TEXT_MM:
        return
    from pypdf import PdfReader

    page = PdfReader(path).pages[0]
    left = float(page.mediabox.left)
    bleed = float(page.trimbox.left) - left
    x0 = left + bleed + book.config.pdf.width_mm * MM
    x1 = x0 + spine * MM
    found: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], *_args: object) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        if text.strip() and x0 - 0.5 <= x <= x1 + 0.5:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    if found:
        report.warn("W081", f"the spine ({spine:.1f} mm, {pages} pages) carries lettering "
                    f"(« {' '.join(found)[:40]} »): {target.label} wants a bare spine under "
                    f"{max(target.spine_text_min_pages, 1)} pages, and it needs "
                    f"{MIN_SPINE_TEXT_MM:g} mm", path, 1)


def page_fonts(page: pikepdf.Page) -> list[tuple[str, bool]]:
    """(name, embedded) for each font of a page and of the forms it draws."""
    found = []
    for resources in _resources(page.obj.get("/Resources")):
        for _key, font in (resources.get("/Font") or {}).items():
            name = str(font.get("/BaseFont", "?"))
            if font.get("/Subtype") == "/Type3":
                found.append((name, True))  # its glyphs are drawn in the file itself
                continue
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0] if descendant else font).get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((name.lstrip("/"), embedded))
    return found


def _resources(resources: pikepdf.Object | None, depth: int = 0) -> list[pikepdf.Object]:
    """A resource dictionary and those of the form XObjects under it."""
    if resources is None or depth > 8:
        return []
    found = [resources]
    for _key, xobject in (resources.get("/XObject") or {}).items():
        if xobject.get("/Subtype") == "/Form":
            found += _resources(xobject.get("/Resources"), depth + 1)
    return found


def image_resolutions(page: pikepdf.Page) -> list[float]:
    """The resolution (pixels per inch, the lower of the two axes) of each image as drawn
    on the page, from the transformation in force where it is drawn."""
    return _walk(page.obj, pikepdf.Matrix(), page.obj.get("/Resources"), 0)


def _walk(stream: pikepdf.Object, matrix: pikepdf.Matrix, resources: pikepdf.Object | None,
          depth: int) -> list[float]:
    found: list[float] = []
    if resources is None or depth > 8:
        return found
    xobjects = resources.get("/XObject") or {}
    stack, ctm = [], matrix
    for operands, operator in pikepdf.parse_content_stream(stream):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm":
            ctm = pikepdf.Matrix(*[float(v) for v in operands]) @ ctm
        elif op == "Do":
            xobject = xobjects.get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                width_in = abs(ctm.a) + abs(ctm.c)
                height_in = abs(ctm.b) + abs(ctm.d)
                if width_in and height_in:
                    found.append(min(int(xobject.Width) / (width_in / 72),
                                     int(xobject.Height) / (height_in / 72)))
            elif xobject.get("/Subtype") == "/Form":
                inner = pikepdf.Matrix(*[float(v) for v in xobject.get("/Matrix",
                                                                        [1, 0, 0, 1, 0, 0])])
                found += _walk(xobject, inner @ ctm, xobject.get("/Resources"), depth + 1)
    return found


def decode_barcodes(pdf: Path, dpi: int = 300, add_on: bool = False) -> set[str]:
    """The barcodes zxing-cpp reads on the PDF's first page, rendered at `dpi`; with
    `add_on`, an EAN-13 is read with its add-on's digits after its own."""
    import zxingcpp  # a second to import: only when a cover is checked
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        raise ToolMissingError("the preflight renders the cover with pdftoppm: install it "
                               "with `apt-get install -y poppler-utils`")
    with tempfile.TemporaryDirectory(prefix="make-book-preflight-") as tmp:
        prefix = Path(tmp) / "cover"
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf),
                        str(prefix)], check=True, capture_output=True)
        image = Image.open(next(Path(tmp).glob("cover*.png")))
        symbol = zxingcpp.EanAddOnSymbol.Read if add_on else zxingcpp.EanAddOnSymbol.Ignore
        return {result.text for result in zxingcpp.read_barcodes(image,
                                                                 ean_add_on_symbol=symbol)}
