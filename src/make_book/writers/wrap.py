"""The wrap cover as a vector PDF/X-4: the sheet wrapcover.py draws, its lettering set as
text in the embedded cover fonts, and the ISBN's barcode as vector bars.

The layout is wrapcover.py's own: the sheet is drawn once with the lettering recorded
instead of drawn (lettering.recording_text), the drawing without it becomes the background
image at 300 ppi, and each recorded run is set by WeasyPrint where Pillow would have drawn
it, its baseline on Pillow's baseline. The page is the trim of the three faces with the
cover's bleed around it, so that its TrimBox and BleedBox say where to cut.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from weasyprint import HTML

from make_book import __version__
from make_book.assets.barcode import ADDON_TOP_MM, Barcode, isbn_barcode
from make_book.assets.covers import DRAWING_VERSION
from make_book.assets.lettering import FONTS_DIR, TextRun, recording_text
from make_book.assets.wrapcover import DPI, Placement, WrapSpec, barcode_box, render_wrap
from make_book.core.files import digest
from make_book.core.isbn import hyphenless_display
from make_book.core.store import ContentCache
from make_book.writers.printing import (
    OUTPUT_INTENT,
    PRINT_VARIANT,
    date_document,
    stable_document_id,
)

WRAP_VERSION = "vector-1"  # part of the cache key: bump it when the PDF's making changes
INK = "#1f1b16"
SANS = str(FONTS_DIR / "SourceSans3-Regular.otf")  # the barcode's lettering


def write_wrap_pdf(spec: WrapSpec, out: Path, cache: ContentCache, title: str, epoch: int,
                   price_code: str | None = None, font_config: object = None) -> Path:
    """Write the wrap cover PDF to `out`, from the cache when the same sheet was made."""
    key = sheet_key(spec, title, epoch, price_code)
    cached = cache.file("covers", f"wrap-{key[:20]}.pdf",
                        lambda: wrap_pdf(spec, title, epoch, price_code, font_config))
    out.write_bytes(cached.read_bytes())  # into the staging folder, published by a rename
    return out


def sheet_key(spec: WrapSpec, title: str, epoch: int, price_code: str | None) -> str:
    """Return the digest of what the sheet shows: the art by its bytes, not its path, so
    that the same book in another folder makes the same sheet and the same PDF."""
    art = [path.read_bytes() if path else b"" for path in (spec.front.art, spec.front_art)]
    pathless = dataclasses.replace(spec, front=dataclasses.replace(spec.front, art=None),
                                   front_art=None)
    return digest(repr(pathless), title, *art, str(epoch), price_code or "", DRAWING_VERSION,
                  WRAP_VERSION, __version__)


def wrap_pdf(spec: WrapSpec, title: str, epoch: int, price_code: str | None = None,
             font_config: object = None) -> bytes:
    """The wrap cover as PDF/X-4 bytes."""
    document = HTML(string=wrap_html(spec, title, price_code)).render(font_config=font_config)
    date_document(document, epoch)
    # An identifier of the content, not WeasyPrint's random one: the same sheet, the same bytes.
    identifier = sheet_key(spec, title, epoch, price_code)[:32].encode()
    with stable_document_id(identifier):
        return document.write_pdf(pdf_variant=PRINT_VARIANT, output_intent=OUTPUT_INTENT,
                                  uncompressed_pdf=False, pdf_identifier=identifier)


def wrap_html(spec: WrapSpec, title: str, price_code: str | None = None) -> str:
    """The sheet as one HTML page: background image, lettering, barcode."""
    placements: dict[int, Placement] = {}
    with recording_text() as runs:
        sheet = render_wrap(spec, DPI, placements=placements)
    buffer = io.BytesIO()
    sheet.save(buffer, "JPEG", quality=92, subsampling=0, dpi=(DPI, DPI))
    image = base64.b64encode(buffer.getvalue()).decode("ascii")
    width, height = spec.size_mm
    bleed = spec.bleed_mm
    fonts = sorted({run.font for run in runs} | {SANS})
    faces = "\n".join(f'@font-face {{ font-family: "{_family(f)}"; '
                      f'src: url("{Path(f).as_uri()}"); }}' for f in fonts)
    pieces = [_run(run, placements[run.canvas], bleed) for run in runs
              if run.canvas in placements]
    if spec.isbn:
        pieces.append(_barcode(spec, isbn_barcode(spec.isbn, price_code)))
    return f"""<!DOCTYPE html>
<html lang="{html.escape(spec.front.lang)}"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
{faces}
@page {{ size: {width - 2 * bleed:.3f}mm {height - 2 * bleed:.3f}mm; bleed: {bleed:.3f}mm;
         margin: 0; }}
body {{ margin: 0; }}
.sheet {{ position: absolute; left: {-bleed:.3f}mm; top: {-bleed:.3f}mm;
          width: {width:.3f}mm; height: {height:.3f}mm; }}
.run {{ position: absolute; margin: 0; white-space: pre; line-height: 1; }}
</style></head>
<body><img class="sheet" alt="" src="data:image/jpeg;base64,{image}">
{"".join(pieces)}
</body></html>"""


def _mm(pixels: float) -> float:
    return pixels / DPI * 25.4


def _family(font: str) -> str:
    return "cover-" + Path(font).stem


@lru_cache(maxsize=16)
def _baseline_em(font: str) -> float:
    """Where the baseline falls in a line box one em tall, from its top, in em: the half
    leading (negative: the face is taller than an em) plus the ascent, by the hhea metrics
    the layout engine (HarfBuzz) reads."""
    face = TTFont(font, lazy=True)
    upm, hhea = face["head"].unitsPerEm, face["hhea"]
    ascent, descent = hhea.ascent / upm, -hhea.descent / upm
    return (1 - ascent - descent) / 2 + ascent


def _run(run: TextRun, where: Placement, bleed: float) -> str:
    """A positioned span whose baseline starts where Pillow would have drawn the run,
    turned with the spine (about that point) when it is on the spine."""
    x, y = where.to_sheet(run.x, run.baseline)
    size = _mm(run.size)
    drop = _baseline_em(run.font) * size
    colour = "#{:02x}{:02x}{:02x}".format(*run.fill)
    style = (f"left: {_mm(x) - bleed:.3f}mm; top: {_mm(y) - bleed - drop:.3f}mm; "
             f"font-family: '{_family(run.font)}'; font-size: {size:.3f}mm; color: {colour};")
    if run.features:
        style += " font-feature-settings: " + ", ".join(f"'{f}'" for f in run.features) + ";"
    if where.angle:
        # Pillow turns counter-clockwise for a positive angle, CSS clockwise.
        style += (f" transform-origin: 0 {drop:.3f}mm; "
                  f"transform: rotate({-where.angle}deg);")
    return f'<div class="run" style="{style}">{html.escape(run.text)}</div>'


def _barcode(spec: WrapSpec, code: Barcode) -> str:
    """The barcode in the back's white box: the ISBN above the bars, the digits below."""
    x0, y0, x1, y1 = (_mm(v) - spec.bleed_mm for v in barcode_box(spec, DPI))
    left = x0 + ((x1 - x0) - code.width_mm) / 2
    bars_top = y0 + 6.0
    size = 2.9  # mm: the digits' size, about 8 pt
    ean_centre = left + (code.left_x + code.right_x) / 2
    pieces = [_label(ean_centre, y0 + 4.2, hyphenless_display(spec.isbn or ""), 2.6,
                     width=x1 - x0)]
    uri = "data:image/svg+xml;base64," + base64.b64encode(code.svg.encode()).decode("ascii")
    pieces.append(f'<img alt="" src="{uri}" style="position: absolute; left: {left:.3f}mm; '
                  f'top: {bars_top:.3f}mm; width: {code.width_mm:.3f}mm; '
                  f'height: {code.height_mm:.3f}mm;">')
    digits_y = bars_top + code.height_mm + 2.8
    for centre, digits in ((code.first_x, code.digits[0]), (code.left_x, code.digits[1:7]),
                           (code.right_x, code.digits[7:])):
        pieces.append(_label(left + centre, digits_y, digits, size))
    if code.addon:
        pieces.append(_label(left + code.addon_x, bars_top + ADDON_TOP_MM - 0.6, code.addon,
                             size))
    return "".join(pieces)


def _label(centre: float, baseline: float, text: str, size: float,
           width: float = 30.0) -> str:
    """Text centred on `centre`, its baseline at `baseline`, in the cover's sans (mm)."""
    drop = _baseline_em(SANS) * size
    return (f'<div class="run" style="left: {centre - width / 2:.3f}mm; '
            f'top: {baseline - drop:.3f}mm; width: {width:.3f}mm; text-align: center; '
            f"font-family: '{_family(SANS)}'; font-size: {size:.3f}mm; color: {INK};\">"
            f"{html.escape(text)}</div>")
