"""The print edition's full wrap-around cover: back, spine and front on one sheet, with bleed.

The sheet is `2 × (trim width + bleed) + spine` wide and `trim height + 2 × bleed` tall; the
spine is the print PDF's page count times the paper's thickness per page (the printer's, by
[print] paper, or [pdf] paper_thickness_mm for offset). It is drawn with Pillow at 300 dpi
in the series' cover system (the front is `covers.render_cover` itself); writers/wrap.py
sets its lettering as text over that drawing, in a PDF/X-4 whose TrimBox and BleedBox tell
the printer where to cut. The spine carries text only when the printer allows it for the
page count and it is wide enough to hold it; the back keeps a white zone for the barcode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps
from pypdf import PdfReader

from make_book.assets.covers import (
    INK,
    PAPER,
    CoverSpec,
    palette,
    render_cover,
    series_line,
)
from make_book.assets.lettering import (
    Fonts,
    balanced_lines,
    cap_height,
    draw_line,
    draw_tracked,
    fit_tracked,
    mix,
    roman,
    text_width,
    tracked_width,
)
from make_book.core.editions import Edition
from make_book.core.model import Book
from make_book.core.printers import printer

DPI = 300
MIN_SPINE_TEXT_MM = 6.0  # below this a printer cannot keep lettering off the folds
SPINE_MARGIN_MM = 1.6  # lettering stays this far from each fold (1/16 in)
DEFAULT_BLEED_MM = 3.0  # a cover always bleeds, even when the interior does not
BARCODE_MM = (50.8, 30.5)  # the usual EAN-13 label area (2 × 1.2 in)
WHITE = (255, 255, 255)
_ISBN = re.compile(r"^(?:urn:)?(?:isbn:?)?\s*((?:97[89])?[\d-]{9,16}[\dXx])$", re.I)


@dataclass(frozen=True)
class Entry:
    """One volume of the series as listed on the back."""

    number: int
    title: str
    summary: str | None = None
    forthcoming: bool = False
    current: bool = False


@dataclass(frozen=True)
class Placement:
    """Where a canvas drawn on its own lands on the sheet: shifted by (dx, dy) pixels, and
    for the spine turned by `angle` degrees (Pillow's sense, counter-clockwise) after being
    drawn lying down, `length` × `thick` pixels."""

    dx: float
    dy: float
    angle: int = 0
    length: float = 0.0
    thick: float = 0.0

    def to_sheet(self, x: float, y: float) -> tuple[float, float]:
        """A point of the canvas, in sheet pixels."""
        if self.angle == 90:  # counter-clockwise: the strip's left end goes to the bottom
            x, y = y, self.length - x
        elif self.angle == -90:
            x, y = self.thick - y, x
        return x + self.dx, y + self.dy


@dataclass(frozen=True)
class WrapSpec:
    """Everything the wrap cover shows; text arrives typeset and localised."""

    front: CoverSpec
    trim_mm: tuple[float, float]
    bleed_mm: float
    spine_mm: float
    blurb: str | None = None  # the back's main text: the part's (or the book's) summary
    entries: tuple[Entry, ...] = field(default=())  # the series, listed under the blurb
    forthcoming_label: str = "forthcoming"
    isbn: str | None = None
    spine_text: bool = True  # the printer allows lettering on a spine of this page count
    front_art: Path | None = None  # the author's own front cover: the front panel as made

    @property
    def size_mm(self) -> tuple[float, float]:
        return wrap_size_mm(self.trim_mm, self.bleed_mm, self.spine_mm)


def wrap_spec(book: Book, edition: Edition, front: CoverSpec, pages: int,
              forthcoming_label: str) -> WrapSpec:
    """The wrap cover of an edition whose print PDF has `pages` pages.

    A volume's back carries its part's summary, then the series with this volume marked; the
    omnibus's carries the book's description, then every part with its summary.
    """
    config = book.config
    target = printer(config.print.target)
    parts = [p for p in book.parts if not p.implicit]
    if edition.is_volume:
        blurb = edition.parts[0].summary
        entries = tuple(Entry(p.number, p.title, None, p.forthcoming, p is edition.parts[0])
                        for p in parts) if len(parts) > 1 else ()
    else:
        blurb = config.description
        entries = tuple(Entry(p.number, p.title, p.summary, p.forthcoming) for p in parts)
    # Offset covers bleed what the interior does (3 mm at least); KDP and IngramSpark want
    # their own 0.125 in.
    bleed = (config.pdf.bleed_mm or DEFAULT_BLEED_MM) if target.gutter_bleed \
        else target.cover_bleed_mm
    # The print ISBN of [book] is the omnibus's; a volume's is in its own identifier.
    isbn = isbn_of(edition.identifier)
    if not edition.is_volume and config.isbn:
        isbn = config.isbn
    return WrapSpec(
        front=front, trim_mm=(config.pdf.width_mm, config.pdf.height_mm), bleed_mm=bleed,
        spine_mm=round(target.spine_mm(pages, config.print.paper,
                                       config.pdf.paper_thickness_mm), 3),
        blurb=blurb, entries=entries, forthcoming_label=forthcoming_label,
        isbn=isbn, spine_text=pages >= target.spine_text_min_pages)


def page_count(pdf: Path) -> int:
    """Pages of a PDF (the print edition's, for its spine)."""
    return len(PdfReader(pdf).pages)


def spine_width_mm(pages: int, paper_thickness_mm: float) -> float:
    """The spine of a book of `pages` printed pages on paper this thick per page."""
    return pages * paper_thickness_mm


def wrap_size_mm(trim: tuple[float, float], bleed: float, spine: float) -> tuple[float, float]:
    """Width 2 × (trim + bleed) + spine, height trim + 2 × bleed."""
    return 2 * (trim[0] + bleed) + spine, trim[1] + 2 * bleed


def isbn_of(identifier: str) -> str | None:
    """The ISBN in a book identifier such as `urn:isbn:978-…`, else None."""
    match = _ISBN.match(identifier.strip())
    digits = re.sub(r"[^\dXx]", "", match.group(1)) if match else ""
    return match.group(1) if len(digits) in (10, 13) else None


def _px(mm: float, dpi: int = DPI) -> int:
    return round(mm / 25.4 * dpi)


def _pt(points: float, dpi: int = DPI) -> float:
    return points * dpi / 72


# ---------------------------------------------------------------------------------------------
# Drawing


def spine_lettered(spec: WrapSpec) -> bool:
    """Whether the spine carries lettering: the printer allows it for the page count, and
    it is wide enough to hold it."""
    return spec.spine_text and spec.spine_mm >= MIN_SPINE_TEXT_MM


def render_wrap(spec: WrapSpec, dpi: int = DPI, draw_text: bool = True,
                fonts_dir: Path | None = None,
                placements: dict[int, Placement] | None = None) -> Image.Image:
    """The whole sheet as an RGB image at `dpi`. `placements`, when given, receives where
    each canvas that carries lettering lands on the sheet (by the id of its pixel store,
    as lettering.TextRun names it)."""
    width_mm, height_mm = spec.size_mm
    trim_w, trim_h = _px(spec.trim_mm[0], dpi), _px(spec.trim_mm[1], dpi)
    bleed, spine = _px(spec.bleed_mm, dpi), _px(spec.spine_mm, dpi)
    sheet = Image.new("RGB", (2 * (trim_w + bleed) + spine, trim_h + 2 * bleed), PAPER)
    fonts = Fonts(fonts_dir)
    back = _render_back(spec, (trim_w, trim_h), fonts, dpi, draw_text)
    sheet.paste(back, (bleed, bleed))
    if spec.front_art is not None:
        # The author's cover, never lettered over: it fills the front panel and its bleed
        # (top, bottom and outer edge), scaled, centred.
        with Image.open(spec.front_art) as art:
            panel = ImageOps.fit(ImageOps.exif_transpose(art).convert("RGB"),
                                 (trim_w + bleed, trim_h + 2 * bleed), Image.Resampling.LANCZOS)
        sheet.paste(panel, (bleed + trim_w + spine, 0))
        front = None
    else:
        front = render_cover(spec.front, size=(trim_w, trim_h), fonts_dir=fonts_dir,
                             draw_text=draw_text)
        sheet.paste(front, (bleed + trim_w + spine, bleed))
    if placements is not None:
        placements[id(back.im)] = Placement(bleed, bleed)
        if front is not None:
            placements[id(front.im)] = Placement(bleed + trim_w + spine, bleed)
    if draw_text and spine_lettered(spec):
        strip = _render_spine(spec, (trim_h, spine), fonts, dpi)
        # French spines read upwards, English ones downwards (the title readable when the
        # book lies face up).
        angle = 90 if spec.front.lang.startswith("fr") else -90
        turned = strip.rotate(angle, expand=True)
        sheet.paste(turned, (bleed + trim_w, bleed))
        if placements is not None:
            placements[id(strip.im)] = Placement(bleed + trim_w, bleed, angle, trim_h, spine)
    return sheet


def barcode_box(spec: WrapSpec, dpi: int = DPI) -> tuple[int, int, int, int]:
    """The empty zone for the barcode on the back, in sheet pixels."""
    bleed = _px(spec.bleed_mm, dpi)
    x0, y0, x1, y1 = _barcode_in_panel(_px(spec.trim_mm[0], dpi), _px(spec.trim_mm[1], dpi), dpi)
    return (x0 + bleed, y0 + bleed, x1 + bleed, y1 + bleed)


def _barcode_in_panel(w: int, h: int, dpi: int) -> tuple[int, int, int, int]:
    """Bottom right of the back panel, on the grid's margin and foot line (well inside the
    6 mm a printer keeps clear of the trim and the fold)."""
    right, bottom = w - round(w * 0.08), round(h * 0.948)
    return (right - _px(BARCODE_MM[0], dpi), bottom - _px(BARCODE_MM[1], dpi), right, bottom)


def spine_box(spec: WrapSpec, dpi: int = DPI) -> tuple[int, int, int, int]:
    trim_w, trim_h = _px(spec.trim_mm[0], dpi), _px(spec.trim_mm[1], dpi)
    bleed, spine = _px(spec.bleed_mm, dpi), _px(spec.spine_mm, dpi)
    return (bleed + trim_w, bleed, bleed + trim_w + spine, bleed + trim_h)


def _render_back(spec: WrapSpec, size: tuple[int, int], fonts: Fonts, dpi: int,
                 draw_text: bool) -> Image.Image:
    """The back panel (trim size): series band, blurb, the series' volumes, barcode zone."""
    w, h = size
    pal = palette(spec.front)
    canvas = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(canvas)
    # The same grid as the front, so that the two faces line up when the book lies open.
    mx = round(w * 0.08)
    line = max(1, round(w / 800))
    band_base, band_rule = round(h * 0.068), round(h * 0.088)
    small = w * 0.026
    draw.line((mx, band_rule, w - mx, band_rule), fill=pal.rule, width=line)
    box = _barcode_in_panel(w, h, dpi)
    draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=WHITE)
    if not draw_text:
        return canvas
    series = series_line(spec.front) or spec.front.title
    font = fit_tracked(fonts, "sans_semibold", series, small, 0.22, w - 2 * mx)
    draw_tracked(draw, (mx, band_base), series, font, pal.ink, font.size * 0.22)

    for op in _fitted_back_text(spec, fonts, (w, h), dpi)[0]:
        op(draw)

    foot = round(h * 0.948)
    if spec.front.publisher:
        font = fonts.get("sans", small)
        draw_tracked(draw, (mx, foot), spec.front.publisher, font, pal.soft,
                      font.size * 0.16)
    return canvas


def _fitted_back_text(spec: WrapSpec, fonts: Fonts, size: tuple[int, int], dpi: int):  # noqa: ANN202
    """The blurb and the list, shrunk together until they fit between the band and the
    barcode zone (to 56 % at most), and whether they fit."""
    w, h = size
    mx = round(w * 0.08)
    top = round(h * 0.088) + round(h * 0.06)
    bottom = _barcode_in_panel(w, h, dpi)[1] - round(h * 0.04)
    for scale in (1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.62, 0.56):
        ops, end = _back_text(spec, fonts, palette(spec.front), mx, w - 2 * mx, top, dpi,
                              scale)
        if end <= bottom:
            return ops, True
    return ops, False


def back_text_fits(spec: WrapSpec, dpi: int = 100) -> bool:
    """Whether the back's blurb and list fit their panel (else they run into the barcode
    zone, even at their smallest)."""
    size = (_px(spec.trim_mm[0], dpi), _px(spec.trim_mm[1], dpi))
    return _fitted_back_text(spec, Fonts(None), size, dpi)[1]


def _back_text(spec: WrapSpec, fonts: Fonts, pal, left: int, width: int, top: int,  # noqa: ANN001
               dpi: int, scale: float):
    """Drawing operations for the blurb and the series list at `scale`, and where they end."""
    ops = []
    y = float(top)
    if spec.blurb:
        # A one-sentence blurb is set larger, like a pull quote; a long one as book text.
        font = fonts.get("serif", _pt(14 if len(spec.blurb) < 280 else 11.5, dpi) * scale)
        leading = font.size * 1.42
        y += cap_height(font)
        for text in _paragraph_lines(spec.blurb, font, width):
            ops.append(lambda d, y=y, text=text, font=font: draw_line(
                d, left, y, text, font, pal.ink))
            y += leading
        y += leading * 0.6
    if spec.entries:
        accent = pal.accent
        if spec.blurb:  # a short accent rule parts the blurb from the list
            rule_y = round(y)
            ops.append(lambda d, y=rule_y: d.line((left, y, left + _px(14, dpi), y),
                                                fill=accent, width=max(1, round(dpi / 150))))
            y += _pt(16, dpi) * scale
        else:
            y += _pt(8, dpi) * scale
        numeral = fonts.get("display_it", _pt(15, dpi) * scale)
        title_font = fonts.get("serif_it", _pt(11.5, dpi) * scale)
        summary_font = fonts.get("serif", _pt(9.5, dpi) * scale)
        label_font = fonts.get("sans", _pt(7.5, dpi) * scale)
        column = round(text_width(numeral, "VIII") * 1.25)
        for entry in spec.entries:
            soft = mix(INK, PAPER, 0.5) if entry.forthcoming else pal.ink
            mark = accent if entry.current else soft
            ops.append(lambda d, y=y, e=entry, c=mark: draw_line(
                d, left, y, roman(e.number), numeral, c))
            lines = _paragraph_lines(entry.title, title_font, width - column)
            for i, text in enumerate(lines):
                ops.append(lambda d, y=y, t=text, c=soft: draw_line(
                    d, left + column, y, t, title_font, c))
                if i < len(lines) - 1:
                    y += title_font.size * 1.3
            if entry.forthcoming:
                y += title_font.size * 1.25
                ops.append(lambda d, y=y: draw_tracked(
                    d, (left + column, y), spec.forthcoming_label, label_font,
                    mix(INK, PAPER, 0.45), label_font.size * 0.18))
            if entry.summary:
                for text in _paragraph_lines(entry.summary, summary_font, width - column):
                    y += summary_font.size * 1.38
                    ops.append(lambda d, y=y, t=text, c=soft: draw_line(
                        d, left + column, y, t, summary_font, c))
            y += title_font.size * (2.0 if spec.blurb is None else 1.7)
    return ops, y


def _paragraph_lines(text: str, font, width: float) -> list[str]:  # noqa: ANN001
    """Ragged-right lines, balanced so the last one is not a lone word."""
    words = [w for w in re.split(r"[ \t\r\n]+", text.strip()) if w]
    return balanced_lines(words, font, width) if words else []


def _render_spine(spec: WrapSpec, size: tuple[int, int], fonts: Fonts,
                  dpi: int) -> Image.Image:
    """The spine drawn lying down (length × spine width): numeral and title from the
    start, publisher at the end; turned by the caller."""
    length, thick = size
    pal = palette(spec.front)
    strip = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(strip)
    room = thick - 2 * _px(SPINE_MARGIN_MM, dpi)  # the lettering's height across the spine
    cap = min(room * 0.62, _px(4.2, dpi))
    end_margin = round(length * 0.068)
    x = float(end_margin)
    title_font = fonts.get("display_it", cap / 0.67)
    baseline = (thick + cap_height(title_font)) / 2
    if spec.front.number is not None:
        draw_line(draw, x, baseline, roman(spec.front.number), title_font, pal.accent)
        x += text_width(title_font, roman(spec.front.number)) + cap * 1.6
    publisher_w = 0.0
    if spec.front.publisher:
        font = fonts.get("sans_semibold", cap * 0.72 / 0.66)
        publisher_w = tracked_width(spec.front.publisher, font, font.size * 0.2)
        draw_tracked(draw, (length - end_margin, (thick + cap_height(font)) / 2),
                      spec.front.publisher, font, pal.soft, font.size * 0.2, "right")
    available = length - end_margin - publisher_w - cap * 3 - x
    size = title_font.size
    while size > 6 and text_width(fonts.get("display_it", size), spec.front.title) > available:
        size *= 0.95
    font = fonts.get("display_it", size)
    draw_line(draw, x, (thick + cap_height(font)) / 2, spec.front.title, font, pal.ink)
    return strip
