"""The print text's baseline grid: blocks of any height (figures with their captions, a
part's hero art) padded to a whole number of the text's lines.

pdf.css gives every other vertical space in whole lines (14 pt); a picture's height comes
from its proportions and the text width, and a caption's from its words, so those blocks
are measured: laid out alone, with the book's stylesheet and placeholders of the pictures'
proportions (a few pages, no picture decoded), then given the padding that rounds their
height up to the grid. The text after a figure then sits on the same lines as on a page
without one, and facing pages end at the same depth.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import weasyprint
from lxml import etree, html
from weasyprint import Document

from make_book.core.files import digest, sha256_file
from make_book.core.model import Element
from make_book.core.store import ContentCache

# The text's line, in points (pdf.css: `line-height: 14pt`).
LINE_PT = 14.0
# WeasyPrint's boxes are measured in CSS pixels.
PT_PER_PX = 0.75
GRID = "data-grid"
# Part of the cached extents' key: bump it when measuring changes.
RECIPE = "grid-1"


def placeholder(width: int, height: int) -> str:
    """An empty SVG of a picture's proportions: laid out as the picture, never decoded."""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}"/>')
    return "data:image/svg+xml," + quote(svg)


class Measure(NamedTuple):
    """A block's vertical extent as laid out, in points."""

    margin_top: float
    padding_top: float
    height: float  # the border box: padding and borders included
    padding_bottom: float
    margin_bottom: float


def measure(blocks: list[tuple[str, Element]], css: str, lang: str,
            render: Callable[[str], Document], cache: Path | None = None,
            fonts: list[Path] | None = None) -> list[Measure]:
    """Each block's extent, laid out in a section of the given class (`chapter`,
    `part-intro`) of a document of `css`. A picture is measured by a placeholder of its
    width and height attributes. With a cache folder, the extents are kept in the content
    cache under the hash of the document measured and of `fonts` (the files it is set in):
    a build lays the PDF's source out more than once, and a rebuild after an edit mostly
    measures the same figures."""
    source = _source(blocks, css, lang)
    if cache is None:
        return _measured(source, len(blocks), render)
    key = digest(RECIPE, weasyprint.__version__, source,
                 *(f"{path.name}:{sha256_file(path)}" for path in fonts or []))
    made = ContentCache(cache).bytes(
        "grid", f"{key[:40]}.json",
        lambda: json.dumps([list(m) for m in _measured(source, len(blocks), render)]).encode())
    return [Measure(*values) for values in json.loads(made)]


def _source(blocks: list[tuple[str, Element]], css: str, lang: str) -> str:
    """The document the blocks are measured in."""
    sections: dict[str, html.HtmlElement] = {}
    body = html.Element("body")
    for index, (context, block) in enumerate(blocks):
        if context not in sections:
            sections[context] = etree.SubElement(body, "section", {"class": context})
        twin = copy.deepcopy(block)
        twin.set(GRID, str(index))
        twin.tail = None
        for img in twin.iter("img"):
            img.set("src", placeholder(int(img.get("width") or 1), int(img.get("height") or 1)))
        sections[context].append(twin)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<style>{css}</style></head>" + html.tostring(body, encoding="unicode")
            + "</html>")


def _measured(source: str, count: int, render: Callable[[str], Document]) -> list[Measure]:
    """The extents of the `count` blocks of the measuring document, laid out."""
    found: dict[int, list[float]] = {}
    for page in render(source).pages:
        on_page: set[int] = set()
        for box in page._page_box.descendants():  # noqa: SLF001 - the laid-out boxes
            element = getattr(box, "element", None)
            if element is None or element.get(GRID) is None:
                continue
            index = int(element.get(GRID))
            if index in on_page:  # the boxes inside it made for its lines
                continue
            on_page.add(index)
            if index in found:  # split across two pages: the rest of its height
                found[index][2] += box.border_height()
                found[index][3:] = [box.padding_bottom, box.margin_bottom]
            else:
                found[index] = [box.margin_top, box.padding_top, box.border_height(),
                                box.padding_bottom, box.margin_bottom]
    return [Measure(*(value * PT_PER_PX for value in found.get(i, [0.0] * 5)))
            for i in range(count)]


def fit(block: Element, size: Measure) -> None:
    """Pad a block to a whole number of lines, margins included: the extra space is padding
    (never truncated at a page's top, never collapsed with a neighbour's margin), shared
    above and below as the block's own space is."""
    total = size.margin_top + size.height + size.margin_bottom
    extra = math.ceil(total / LINE_PT - 1e-6) * LINE_PT - total
    if extra < 1e-3:
        return
    over = size.margin_top + size.padding_top
    under = size.margin_bottom + size.padding_bottom
    above = extra * over / (over + under) if over + under else extra / 2
    style = block.get("style", "")
    style = (style + "; " if style else "") + (
        f"padding-top: {size.padding_top + above:.3f}pt; "
        f"padding-bottom: {size.padding_bottom + extra - above:.3f}pt")
    block.set("style", style)
