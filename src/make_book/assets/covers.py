"""Series cover system drawn with Pillow.

Every volume of a series (and its omnibus) shares one grid: a letter-spaced series line at
the top, the hero art in a framed block, the part's roman numeral, the title in the display
italic, and author / publisher at the foot. Forthcoming parts use the same grid, muted.
The same system is laid out in landscape for the Open Graph social card.

Rendering is deterministic: no randomness, no timestamps, so the same spec gives the same
pixels and (through :func:`jpeg_bytes`) the same bytes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from make_book.assets.lettering import (
    Box,
    Color,
    Fonts,
    block_height,
    cap_height,
    draw_line,
    draw_tracked,
    fit_block,
    fit_tracked,
    mix,
    roman,
    tracked_width,
)
from make_book.core.editions import Edition
from make_book.core.model import Book

# Part of every cover's name: bump it when a change to the drawing changes the pixels. The
# name goes into the EPUB and the PDF, so it must not change when the code merely moves.
DRAWING_VERSION = "1"

ART_BOX = (0.08, 0.112, 0.92, 0.53)  # the front's art block in fractions of the trim

# Palette: warm paper and ink, with one accent per volume so the parts tell apart on a shelf.
PAPER = (243, 237, 226)
INK = (31, 27, 22)
OCHRE = (184, 134, 59)
TERRACOTTA = (164, 85, 58)
SLATE = (74, 90, 102)
MOSS = (96, 110, 74)
ACCENTS = (SLATE, OCHRE, TERRACOTTA, MOSS)


@dataclass(frozen=True)
class CoverSpec:
    """What goes on one cover; all text arrives typeset and localised by the caller."""

    title: str
    subtitle: str | None
    series: str | None
    number: int | None
    total: int | None
    publisher: str | None
    author: str | None
    art: Path | None
    muted: bool = False
    badge: str | None = None
    lang: str = "fr"


def jpeg_bytes(image: Image.Image) -> bytes:
    """``image`` as a progressive RGB JPEG (quality 90) with no metadata."""
    rgb = image.convert("RGB")
    # A fresh image drops info (EXIF, ICC, DPI), so nothing but pixels reaches the file.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=90, optimize=True, progressive=True, subsampling="4:2:0")
    return buffer.getvalue()


def save_jpeg(image: Image.Image, path: Path) -> None:
    """Write ``image`` to ``path`` as :func:`jpeg_bytes` makes it."""
    Path(path).write_bytes(jpeg_bytes(image))


# ---------------------------------------------------------------------------------------------
# Art


def _accent(spec: CoverSpec) -> Color:
    if spec.number is None:
        return INK
    return ACCENTS[(spec.number - 1) % len(ACCENTS)]


def _load_art(path: Path, size: tuple[int, int]) -> Image.Image:
    """Open any image, flatten transparency onto paper and crop it to fill ``size``."""
    with Image.open(path) as src:
        src = ImageOps.exif_transpose(src)
        if src.mode in ("RGBA", "LA", "PA") or (src.mode == "P" and "transparency" in src.info):
            rgba = src.convert("RGBA")
            flat = Image.new("RGB", rgba.size, PAPER)
            flat.paste(rgba, mask=rgba.getchannel("A"))
            src = flat
        else:
            src = src.convert("RGB")
        return ImageOps.fit(src, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _pattern(size: tuple[int, int], accent: Color, seed: int) -> Image.Image:
    """A quiet halftone field standing in for missing art, different (but stable) per part.

    Dots swell along a diagonal whose direction turns with the part number, so the
    forthcoming covers are related but not identical. Pure arithmetic: no randomness.
    """
    w, h = size
    scale = 3  # supersample so the dots come out round once reduced
    big = Image.new("RGB", (w * scale, h * scale), mix(PAPER, accent, 0.08))
    draw = ImageDraw.Draw(big)
    step = max(w, h) / 34
    angle = math.radians(35 + 90 * seed)
    dx, dy = math.cos(angle), math.sin(angle)
    half = (abs(dx) * w + abs(dy) * h) / 2  # distance from the centre to the far corner
    dot = mix(accent, PAPER, 0.2)
    for row in range(int(h / step) + 2):
        for col in range(int(w / step) + 2):
            x = (col + (0.5 if row % 2 else 0.0)) * step
            y = row * step
            # 0 at one corner, 1 at the opposite one, with a slow wave across the swell.
            t = ((x - w / 2) * dx + (y - h / 2) * dy) / (2 * half) + 0.5
            t += 0.06 * math.sin(2 * math.pi * ((x * dy - y * dx) / (2 * half)) + seed)
            t = min(max(t, 0.0), 1.0)
            r = step * 0.44 * t * t * (3 - 2 * t)  # smoothstep: soft start, soft finish
            if r * scale < 1.5:
                continue
            cx, cy, rr = x * scale, y * scale, r * scale
            draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=dot)
    return big.resize(size, Image.Resampling.LANCZOS)


def _mute(image: Image.Image) -> Image.Image:
    """Forthcoming look: grey, low contrast, washed toward the paper."""
    grey = ImageOps.grayscale(image).convert("RGB")
    return Image.blend(grey, Image.new("RGB", image.size, PAPER), 0.55)


def _art_block(spec: CoverSpec, size: tuple[int, int]) -> Image.Image:
    if spec.art is not None:
        art = _load_art(spec.art, size)
    else:
        art = _pattern(size, _accent(spec), spec.number or 0)
    return _mute(art) if spec.muted else art


def place_art(
    canvas: Image.Image,
    draw: ImageDraw.ImageDraw,
    spec: CoverSpec,
    box: Box,
    line: int,
) -> None:
    """Paste the art into ``box`` with a hairline frame (the frame is part of the grid)."""
    x0, y0, x1, y1 = box
    canvas.paste(_art_block(spec, (x1 - x0, y1 - y0)), (x0, y0))
    frame = mix(INK, PAPER, 0.45 if spec.muted else 0.0)
    draw.rectangle((x0, y0, x1 - 1, y1 - 1), outline=frame, width=line)


def draw_badge(
    draw: ImageDraw.ImageDraw,
    fonts: Fonts,
    text: str,
    box: Box,
    size: float,
) -> None:
    """The "À paraître" band: a small ink label hung from the top edge of the art block."""
    x0, y0, x1, _ = box
    tracking = 0.2
    font = fit_tracked(fonts, "sans_semibold", text, size, tracking, (x1 - x0) * 0.6)
    pad_x, band_h = font.size * 1.2, font.size * 2.3
    text_w = tracked_width(text, font, font.size * tracking)
    left = x0 + font.size * 1.6
    draw.rectangle((left, y0, left + text_w + 2 * pad_x, y0 + band_h), fill=INK)
    baseline = y0 + (band_h + cap_height(font)) / 2
    draw_tracked(draw, (left + pad_x, baseline), text, font, PAPER, font.size * tracking)


# ---------------------------------------------------------------------------------------------
# Shared pieces of the grid


def series_position(spec: CoverSpec) -> str | None:
    """Place in the series: "3 / 4" for a part, "1–4" for the omnibus that holds them all.

    Thin spaces keep the figures apart but bound together.
    """
    if spec.total is None:
        return None
    if spec.number is None:
        return f"1\u2013{spec.total}" if spec.series else None
    return f"{spec.number}\u2009/\u2009{spec.total}"


def series_line(spec: CoverSpec) -> str | None:
    """The series name for the top band, unless it is already the (omnibus) title."""
    if not spec.series:
        return None
    if spec.number is None and spec.series.casefold() == spec.title.casefold():
        return None
    return spec.series


@dataclass
class Palette:
    ink: Color
    soft: Color
    accent: Color
    rule: Color


def palette(spec: CoverSpec) -> Palette:
    accent = _accent(spec)
    if spec.muted:
        # Forthcoming parts keep their colour identity, but only as a whisper of it.
        accent = mix(mix(accent, (120, 120, 120), 0.55), PAPER, 0.1)
        ink = mix(INK, PAPER, 0.2)
        return Palette(ink, mix(INK, PAPER, 0.45), accent, mix(INK, PAPER, 0.6))
    return Palette(INK, mix(INK, PAPER, 0.3), accent, mix(INK, PAPER, 0.35))


# ---------------------------------------------------------------------------------------------
# Portrait cover


def draw_top_band(
    draw: ImageDraw.ImageDraw,
    fonts: Fonts,
    spec: CoverSpec,
    pal: Palette,
    column: tuple[float, float],
    baseline: float,
    small: float,
) -> None:
    """Draw the cover's top band on `baseline` across `column` (left, right): the series on
    the left, shrunk to the room the position in the series leaves it on the right."""
    left, right = column
    position = series_position(spec)
    pos_font = fonts.get("sans", small * 1.15)
    pos_w = tracked_width(position, pos_font, small * 0.1) if position else 0
    series = series_line(spec)
    if series:
        room = right - left - pos_w - (small * 2 if position else 0)
        font = fit_tracked(fonts, "sans_semibold", series, small, 0.22, room)
        draw_tracked(draw, (left, baseline), series, font, pal.ink, font.size * 0.22)
    if position:
        draw_tracked(draw, (right, baseline), position, pos_font, pal.soft, small * 0.1, "right")


def render_cover(
    spec: CoverSpec,
    size: tuple[int, int] = (1600, 2560),
    fonts_dir: Path | None = None,
    draw_text: bool = True,
) -> Image.Image:
    """Draw the front cover of ``spec`` as an RGB image of ``size`` (portrait).

    ``draw_text=False`` leaves out every letter (the art, rules and badge band stay), which
    is handy for checks and for reusing the background.
    """
    w, h = size
    fonts = Fonts(fonts_dir)
    pal = palette(spec)
    canvas = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(canvas)

    # The grid, in fractions of the page so that other sizes keep the proportions.
    mx = round(w * 0.08)
    line = max(1, round(w / 800))
    band_base = round(h * 0.068)  # baseline of the series line
    band_rule = round(h * 0.088)
    art_box = (mx, round(h * ART_BOX[1]), w - mx, round(h * ART_BOX[3]))
    numeral_top = round(h * 0.574)  # cap line of the numeral
    title_top = round(h * 0.683)  # cap line of the title (omnibus: the numeral's line)
    foot_rule = round(h * 0.905)
    foot_base = round(h * 0.948)
    small = w * 0.026  # letter-spaced small caps size

    draw.line((mx, band_rule, w - mx, band_rule), fill=pal.rule, width=line)
    place_art(canvas, draw, spec, art_box, line)
    draw.line((mx, foot_rule, w - mx, foot_rule), fill=pal.rule, width=line)
    if spec.muted and spec.badge and draw_text:
        draw_badge(draw, fonts, spec.badge, art_box, small * 0.95)
    if not draw_text:
        return canvas

    draw_top_band(draw, fonts, spec, pal, (mx, w - mx), band_base, small)

    # Numeral: the part's identity, big enough to survive a 150 px thumbnail.
    if spec.number is not None:
        numeral_font = fonts.get("display_it", h * 0.118)
        cap = cap_height(numeral_font)
        draw_line(draw, mx, numeral_top + cap, roman(spec.number), numeral_font, pal.accent)
    else:
        title_top = numeral_top

    # Title, then subtitle, in the space left above the foot rule.
    draw_titles(draw, fonts, spec, pal, (mx, title_top, w - mx, foot_rule - round(h * 0.03)),
                w * 0.112, w * 0.037)
    draw_foot(draw, fonts, spec, pal, mx, w - mx, foot_base, small)
    return canvas


def draw_titles(
    draw: ImageDraw.ImageDraw,
    fonts: Fonts,
    spec: CoverSpec,
    pal: Palette,
    box: Box,
    title_size: float,
    sub_size: float,
) -> None:
    """Title in the display italic from the top of ``box``, subtitle below, both fitted."""
    left, top, right, bottom = box
    width = right - left
    leading, sub_leading = 1.1, 1.3
    sub_font, sub_lines = None, []
    if spec.subtitle:
        sub_font, sub_lines = fit_block(
            fonts,
            "serif_it",
            spec.subtitle,
            sub_size,
            sub_size * 0.75,
            width,
            sub_size * 2.6,
            sub_leading,
            2,
        )
    # The subtitle is short and fixed; the title gets whatever height remains.
    gap = sub_size * 0.9
    sub_h = block_height(sub_font, len(sub_lines), sub_leading) + gap if sub_font else 0
    title_font, lines = fit_block(
        fonts,
        "display_it",
        spec.title,
        title_size,
        title_size * 0.5,
        width,
        bottom - top - sub_h,
        leading,
    )
    baseline = top + cap_height(title_font)
    for text in lines:
        draw_line(draw, left, baseline, text, title_font, pal.ink)
        baseline += title_font.size * leading
    if sub_font:
        baseline += -title_font.size * leading + title_font.size * 0.25 + gap
        baseline += cap_height(sub_font)
        for text in sub_lines:
            draw_line(draw, left, baseline, text, sub_font, pal.soft)
            baseline += sub_font.size * sub_leading


def draw_foot(
    draw: ImageDraw.ImageDraw,
    fonts: Fonts,
    spec: CoverSpec,
    pal: Palette,
    left: float,
    right: float,
    baseline: float,
    small: float,
) -> None:
    """Author on the left, publisher on the right; a long author name gets the spare room."""
    tracking, gap = 0.16, small * 2
    width = right - left
    pub_room = 0.0
    if spec.publisher:
        natural = tracked_width(spec.publisher, fonts.get("sans", small), small * tracking)
        pub_room = min(natural, width * 0.4) if spec.author else width
    if spec.author:
        room = width - pub_room - (gap if spec.publisher else 0)
        font = fit_tracked(fonts, "sans_semibold", spec.author, small * 1.05, tracking, room)
        draw_tracked(draw, (left, baseline), spec.author, font, pal.ink, font.size * tracking)
    if spec.publisher:
        font = fit_tracked(fonts, "sans", spec.publisher, small, tracking, pub_room)
        draw_tracked(
            draw, (right, baseline), spec.publisher, font, pal.soft, font.size * tracking, "right"
        )


# ---------------------------------------------------------------------------------------------
# What each cover shows


def cover_spec(book: Book, ed: Edition) -> CoverSpec:
    """What an edition's front cover shows."""
    config = book.config
    heroes = [p.hero for p in book.parts if p.hero is not None]
    part = ed.parts[0] if ed.is_volume else None
    hero = part.hero if part else (heroes[0] if heroes else None)
    return CoverSpec(
        title=ed.title, subtitle=ed.subtitle, series=config.series if ed.is_volume else None,
        number=ed.number, total=len(book.parts) if ed.is_volume else None,
        publisher=config.publisher, author=", ".join(config.authors) or None,
        art=hero.source if hero else None, lang=config.lang)
