"""What each printer accepts: one table per printer, from its published file-creation guide.

A new printer is a new `Printer` in PRINTERS. Lengths are in inches where the printer's guide
gives them in inches (KDP, IngramSpark), converted to millimetres by the helpers below; the
layout and the wrap cover ask this module for geometry, never the tables themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

IN = 25.4  # millimetres per inch
TRIM_TOLERANCE_MM = 0.5  # A5 is 148 × 210 mm, 5.83 × 8.27 in: the same trim


@dataclass(frozen=True)
class Printer:
    """One printer's requirements for a print interior and its wrap cover."""

    name: str
    label: str
    trims_in: dict[str, tuple[float, float]]  # name → (width, height); empty: any trim
    interior_bleed_mm: float  # added where the page bleeds, when an element bleeds
    gutter_bleed: bool  # whether the bleed also goes on the inside (binding) edge
    crop_marks: bool  # whether the print interior carries crop marks in its bleed
    cover_bleed_mm: float
    spine_in_per_page: dict[str, float]  # paper → thickness of one page (two sides: one leaf
    # is two pages); empty: [pdf] paper_thickness_mm
    pages: dict[str, tuple[int, int]]  # binding → (minimum, maximum) page count
    inside_margin_in: tuple[tuple[int, float], ...]  # (up to this many pages, minimum)
    outside_margin_in: float  # top, bottom and outer edge, nothing bleeding
    outside_margin_bleed_in: float  # the same when the page bleeds
    spine_text_min_pages: int  # thinner books carry no lettering on the spine
    spine_safety_in: float  # lettering keeps this far from each fold
    papers: tuple[str, ...]
    bindings: tuple[str, ...]
    even_pages: bool = True
    hardcover_trims_in: dict[str, tuple[float, float]] | None = None  # None: as paperback

    def trims(self, binding: str = "paperback") -> dict[str, tuple[float, float]]:
        """The trims the printer offers for a binding, by name."""
        if binding == "hardcover" and self.hardcover_trims_in is not None:
            return self.hardcover_trims_in
        return self.trims_in

    def trim_named(self, width_mm: float, height_mm: float,
                   binding: str = "paperback") -> str | None:
        """The name of the printer's trim that is this size, or None (always a name when the
        printer takes any trim)."""
        if not self.trims_in:
            return "custom"
        for name, (w, h) in self.trims(binding).items():
            if (abs(w * IN - width_mm) <= TRIM_TOLERANCE_MM
                    and abs(h * IN - height_mm) <= TRIM_TOLERANCE_MM):
                return name
        return None

    def page_range(self, binding: str) -> tuple[int, int]:
        """(minimum, maximum) page count for a binding."""
        return self.pages.get(binding, next(iter(self.pages.values())))

    def spine_mm(self, pages: int, paper: str, thickness_mm: float) -> float:
        """The spine of `pages` pages on `paper`; `thickness_mm` per page when the printer
        has no table of its own (offset: the paper the book is printed on)."""
        if not self.spine_in_per_page:
            return pages * thickness_mm
        return pages * self.spine_in_per_page[paper] * IN

    def min_inside_mm(self, pages: int) -> float:
        """The narrowest gutter the printer accepts for a book of `pages` pages."""
        for up_to, inches in self.inside_margin_in:
            if pages <= up_to:
                return inches * IN
        return self.inside_margin_in[-1][1] * IN if self.inside_margin_in else 0.0

    def min_outside_mm(self, bleeds: bool) -> float:
        """The narrowest top, bottom and outer margin."""
        return (self.outside_margin_bleed_in if bleeds else self.outside_margin_in) * IN


def _trims(*sizes: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """Trims in inches named as [pdf] trim accepts them: "a5", "a4", else "6in x 9in"."""
    named = {(5.83, 8.27): "a5", (8.27, 11.69): "a4"}
    return {named.get(size, f"{size[0]:g}in x {size[1]:g}in"): size for size in sizes}


@dataclass(frozen=True)
class InteriorGeometry:
    """The print interior's page: trim plus bleed on the sides that bleed, in mm."""

    trim_mm: tuple[float, float]
    bleed_mm: float  # the width of the bleed where there is one
    gutter_bleed: bool  # False: no bleed on the inside edge
    crop_marks: bool

    @property
    def page_mm(self) -> tuple[float, float]:
        """The PDF page (MediaBox) size."""
        sides = 2 if self.gutter_bleed else 1
        return (self.trim_mm[0] + sides * self.bleed_mm, self.trim_mm[1] + 2 * self.bleed_mm)


def interior_geometry(printer: Printer, trim_mm: tuple[float, float], bleeds: bool,
                      offset_bleed_mm: float) -> InteriorGeometry:
    """The interior page for `printer`: the trim exactly when nothing bleeds (KDP and
    IngramSpark refuse a bleed that nothing uses); when an element bleeds, the printer's
    bleed on the outer edge, top and bottom (and the gutter too for offset, with marks).
    Offset keeps the bleed book.toml asks for even when nothing bleeds: a press sheet is cut
    to the marks, and a bleed costs nothing there."""
    if printer.gutter_bleed:
        bleed = offset_bleed_mm or (printer.interior_bleed_mm if bleeds else 0.0)
        return InteriorGeometry(trim_mm, bleed, True, printer.crop_marks and bleed > 0)
    return InteriorGeometry(trim_mm, printer.interior_bleed_mm if bleeds else 0.0, False,
                            False)


def cover_size_mm(printer: Printer, trim_mm: tuple[float, float],
                  spine_mm: float) -> tuple[float, float]:
    """The wrap cover: bleed + back + spine + front + bleed, by trim height + 2 × bleed."""
    bleed = printer.cover_bleed_mm
    return (2 * (trim_mm[0] + bleed) + spine_mm, trim_mm[1] + 2 * bleed)


# -- the printers ------------------------------------------------------------------------------

# KDP: the Kindle Direct Publishing help's paperback guides (kdp.amazon.com/help: « Set trim
# size, bleed, and margins », « Create a paperback cover », the cover calculator): bleed
# 0.125 in on top, bottom and outside only, the page then trim + 0.125 in wide and + 0.25 in
# tall; margins by page count; spine
# 0.002252 in a page (white), 0.0025 (cream), 0.002347 (colour); spine text from 79 pages,
# 0.0625 in clear of each fold; 24 to 828 pages (776 on cream); hardcover 75 to 550 pages in
# five trims only.
KDP = Printer(
    name="kdp", label="Amazon KDP",
    trims_in=_trims((5.0, 8.0), (5.06, 7.81), (5.25, 8.0), (5.5, 8.5), (5.83, 8.27),
                       (6.0, 9.0), (6.14, 9.21), (6.69, 9.61), (7.0, 10.0), (7.44, 9.69),
                       (7.5, 9.25), (8.0, 10.0), (8.25, 6.0), (8.25, 8.25), (8.5, 8.5),
                       (8.5, 11.0), (8.27, 11.69)),
    interior_bleed_mm=0.125 * IN, gutter_bleed=False, crop_marks=False,
    cover_bleed_mm=0.125 * IN,
    spine_in_per_page={"white": 0.002252, "cream": 0.0025, "color": 0.002347},
    pages={"paperback": (24, 828), "hardcover": (75, 550)},
    inside_margin_in=((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (10**6, 0.875)),
    outside_margin_in=0.25, outside_margin_bleed_in=0.375,
    spine_text_min_pages=79, spine_safety_in=0.0625,
    papers=("white", "cream", "color"), bindings=("paperback", "hardcover"),
    hardcover_trims_in=_trims((5.5, 8.5), (6.0, 9.0), (6.14, 9.21), (7.0, 10.0),
                              (8.25, 11.0)))

# IngramSpark: "File Creation Guide" (ingramspark.com, help.ingramspark.com « Creating and
# designing print-ready digital files »; its trim-size tables and spine width table): interior
# bleed 0.125 in on top, bottom and outside only, no crop or printer marks, margins at least
# 0.5 in on all sides, an even page count (a blank last page), 18 pages at least, cover bleed
# 0.125 in. Spine by pages per inch of its papers: 444 (white 50 lb), 426 (creme 50 lb), 350
# (colour 70 lb), as its spine calculator gave them when this table was written (the cover
# template generator of the IngramSpark account is the last word); spine text from 48 pages,
# 0.0625 in clear of each fold.
INGRAMSPARK = Printer(
    name="ingramspark", label="IngramSpark",
    trims_in=_trims((4.0, 6.0), (4.25, 7.0), (5.0, 8.0), (5.06, 7.81), (5.25, 8.0), (5.5, 8.5),
                       (5.83, 8.27), (6.0, 9.0), (6.14, 9.21), (6.69, 9.61), (7.0, 10.0),
                       (7.44, 9.69), (7.5, 9.25), (8.0, 10.0), (8.25, 11.0), (8.5, 8.5),
                       (8.5, 11.0), (8.27, 11.69)),
    interior_bleed_mm=0.125 * IN, gutter_bleed=False, crop_marks=False,
    cover_bleed_mm=0.125 * IN,
    spine_in_per_page={"white": 1 / 444, "cream": 1 / 426, "color": 1 / 350},
    pages={"paperback": (18, 1200), "hardcover": (24, 1200)},
    inside_margin_in=((10**6, 0.5),),
    outside_margin_in=0.5, outside_margin_bleed_in=0.5,
    spine_text_min_pages=48, spine_safety_in=0.0625,
    papers=("white", "cream", "color"), bindings=("paperback", "hardcover"))

# Offset: a press cuts to crop marks, so the bleed goes on all four sides, gutter included
# (the sheet is imposed before it is folded); the spine is pages × [pdf] paper_thickness_mm;
# ISO 12647-2 practice: 3 mm of bleed, lettering 1/16 in clear of the folds. Any trim.
OFFSET = Printer(
    name="offset", label="offset press",
    trims_in=_trims(), interior_bleed_mm=3.0, gutter_bleed=True, crop_marks=True,
    cover_bleed_mm=3.0, spine_in_per_page={},
    pages={"paperback": (4, 10**6), "hardcover": (4, 10**6)},
    inside_margin_in=(), outside_margin_in=0.0, outside_margin_bleed_in=0.0,
    spine_text_min_pages=0, spine_safety_in=0.0625,
    papers=("white", "cream", "color"), bindings=("paperback", "hardcover"))

PRINTERS: dict[str, Printer] = {p.name: p for p in (OFFSET, KDP, INGRAMSPARK)}


def printer(name: str) -> Printer:
    """The printer called `name` (a [print] target)."""
    return PRINTERS[name]
