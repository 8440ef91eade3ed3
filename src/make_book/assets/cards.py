"""The web edition's pictures drawn from the cover system: the social card and the favicon."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from make_book import __version__
from make_book.assets.covers import (
    DRAWING_VERSION,
    INK,
    PAPER,
    CoverSpec,
    draw_badge,
    draw_foot,
    draw_titles,
    draw_top_band,
    jpeg_bytes,
    palette,
    place_art,
)
from make_book.assets.lettering import (
    FONTS_DIR,
    Fonts,
    cap_height,
    draw_line,
    roman,
)
from make_book.core.files import digest
from make_book.core.store import ContentCache


def render_social_card(
    spec: CoverSpec,
    size: tuple[int, int] = (1200, 630),
    fonts_dir: Path | None = None,
) -> Image.Image:
    """Open Graph image: the cover's grid turned landscape (art left, type right)."""
    w, h = size
    fonts = Fonts(fonts_dir)
    pal = palette(spec)
    canvas = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(canvas)

    m = round(h * 0.085)
    line = max(1, round(h / 420))
    art_box = (m, m, m + round(w * 0.40), h - m)
    col_left = art_box[2] + round(w * 0.045)
    col_right = w - m
    small = h * 0.030
    band_base = m + round(small * 0.75)
    band_rule = m + round(h * 0.065)
    foot_rule = h - m - round(h * 0.075)
    foot_base = h - m

    place_art(canvas, draw, spec, art_box, line)
    if spec.muted and spec.badge:
        draw_badge(draw, fonts, spec.badge, art_box, small * 0.95)
    draw.line((col_left, band_rule, col_right, band_rule), fill=pal.rule, width=line)
    draw.line((col_left, foot_rule, col_right, foot_rule), fill=pal.rule, width=line)

    draw_top_band(draw, fonts, spec, pal, (col_left, col_right), band_base, small)

    top = band_rule + round(h * 0.075)
    if spec.number is not None:
        numeral_font = fonts.get("display_it", h * 0.20)
        cap = cap_height(numeral_font)
        draw_line(draw, col_left, top + cap, roman(spec.number), numeral_font, pal.accent)
        top += cap + round(h * 0.075)

    draw_titles(
        draw,
        fonts,
        spec,
        pal,
        (col_left, top, col_right, foot_rule - round(h * 0.04)),
        h * 0.105,
        h * 0.042,
    )
    draw_foot(draw, fonts, spec, pal, col_left, col_right, foot_base, small)
    return canvas


def social_card(spec: CoverSpec, cache: ContentCache) -> Path:
    """The Open Graph image (1200 × 630): the edition's cover turned landscape, made once per
    content like the covers."""
    art = spec.art.read_bytes() if spec.art else b""
    key = digest(repr(dataclasses.replace(spec, art=None)), art, DRAWING_VERSION, __version__)
    return cache.file("web-social", f"card-{key[:20]}.jpg",
                      lambda: jpeg_bytes(render_social_card(spec)))


def icon(title: str) -> bytes:
    """A 64 px favicon: the title's initial in the display italic on the paper colour. Having
    one also stops browsers asking the server for /favicon.ico."""
    size = 64
    image = Image.new("RGB", (size, size), PAPER)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONTS_DIR / "SourceSerif4Display-It.otf"), 50)
    initial = (title.strip() or "?")[0].upper()
    draw.text((size / 2, size / 2 + 2), initial, font=font, fill=INK, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
