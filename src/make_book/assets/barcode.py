"""The ISBN's EAN-13 barcode as vector bars (python-barcode's SVG writer), with the EAN-5
price add-on beside it when a price code is given.

The bars only: the human-readable ISBN above them and the digits below are set as text by
the cover (writers/wrap.py), in the book's own fonts, embedded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from barcode import EAN13
from barcode.writer import SVGWriter

from make_book.core.isbn import ean13

# 80 % of the nominal EAN-13 (0.33 mm a module, 22.85 mm bars): the usual size on a book,
# which every retail scanner reads; the quiet zones are the standard's 11 and 7 modules.
MODULE_MM = 0.264
BAR_MM = 18.3
QUIET_LEFT, QUIET_RIGHT = 11, 7
ADDON_GAP = 9  # modules between the EAN-13 and its add-on (the standard asks 7 to 12)
ADDON_TOP_MM = 3.2  # the add-on's bars start lower: its digits sit above them

# EAN-5: the parity of each digit by the add-on's checksum, and the digits' patterns.
_ADDON_PARITY = ("GGLLL", "GLGLL", "GLLGL", "GLLLG", "LGGLL", "LLGGL", "LLLGG", "LGLGL",
                 "LGLLG", "LLGLG")
_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011",
      "0110111", "0001011")
_G = ("0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001",
      "0001001", "0010111")


@dataclass(frozen=True)
class Barcode:
    """The bars as one SVG, its size, and where the digits go under them (mm from the left)."""

    svg: str
    width_mm: float
    height_mm: float
    digits: str  # the 13 digits
    first_x: float  # the lone first digit, left of the bars
    left_x: float  # the centres of the two groups of six
    right_x: float
    addon: str | None = None
    addon_x: float = 0.0  # the add-on's centre, its digits above its bars


def isbn_barcode(isbn: str, price_code: str | None = None) -> Barcode:
    """The EAN-13 of an ISBN (and the EAN-5 of a price code) as SVG bars."""
    digits = ean13(isbn)
    writer = SVGWriter()
    options = {"module_width": MODULE_MM, "module_height": BAR_MM, "quiet_zone": 0,
               "write_text": False, "background": "white", "foreground": "black",
               "margin_top": 0, "margin_bottom": 0}
    writer.with_doctype = False
    code = EAN13(digits, writer=writer, guardbar=False)
    bars = code.render(options).decode("utf-8")
    modules = len(code.build()[0])
    rects = re.findall(r"<rect [^>]*/>", bars)[1:]  # the first one is the white background
    shift = QUIET_LEFT * MODULE_MM
    body = [_moved(rect, shift) for rect in rects]
    width = (QUIET_LEFT + modules + QUIET_RIGHT) * MODULE_MM
    addon_x = 0.0
    if price_code:
        start = QUIET_LEFT + modules + ADDON_GAP
        pattern = addon_pattern(price_code)
        body += _bars(pattern, start * MODULE_MM, ADDON_TOP_MM, BAR_MM)
        addon_x = (start + len(pattern) / 2) * MODULE_MM
        width = (start + len(pattern) + 5) * MODULE_MM
    height = BAR_MM
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.3f}mm" '
           f'height="{height:.3f}mm" viewBox="0 0 {width:.3f} {height:.3f}">'
           f'<rect width="100%" height="100%" fill="white"/>{"".join(body)}</svg>')
    return Barcode(svg, width, height, digits, first_x=(QUIET_LEFT - 4) * MODULE_MM,
                   left_x=shift + (3 + 21) * MODULE_MM, right_x=shift + (50 + 21) * MODULE_MM,
                   addon=price_code, addon_x=addon_x)


def _moved(rect: str, shift: float) -> str:
    """A bar of python-barcode's SVG (in mm) in the viewBox's millimetres, `shift` right."""
    values = {k: float(v) for k, v in re.findall(r'(x|y|width|height)="([\d.]+)mm"', rect)}
    return (f'<rect x="{values["x"] + shift:.3f}" y="{values["y"]:.3f}" '
            f'width="{values["width"]:.3f}" height="{values["height"]:.3f}" fill="black"/>')


def addon_pattern(price_code: str) -> str:
    """The modules of an EAN-5 add-on: start 01011, then each digit (L or G parity by the
    checksum), the digits parted by 01."""
    digits = [int(d) for d in price_code]
    check = (3 * (digits[0] + digits[2] + digits[4]) + 9 * (digits[1] + digits[3])) % 10
    parts = [(_L if parity == "L" else _G)[d] for d, parity in zip(digits, _ADDON_PARITY[check],
                                                                     strict=True)]
    return "01011" + "01".join(parts)


def _bars(pattern: str, x: float, top: float, bottom: float) -> list[str]:
    """SVG rectangles for the 1s of a module pattern."""
    rects, i = [], 0
    while i < len(pattern):
        if pattern[i] == "1":
            j = i
            while j < len(pattern) and pattern[j] == "1":
                j += 1
            rects.append(f'<rect x="{x + i * MODULE_MM:.3f}" y="{top:.3f}" '
                         f'width="{(j - i) * MODULE_MM:.3f}" height="{bottom - top:.3f}" '
                         'fill="black"/>')
            i = j
        else:
            i += 1
    return rects
