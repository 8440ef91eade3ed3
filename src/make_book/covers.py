"""Series cover system drawn with Pillow.

Every volume of a series (and its omnibus) shares one grid: a letter-spaced series line at
the top, the hero art in a framed block, the part's roman numeral, the title in the display
italic, and author / publisher at the foot. Forthcoming parts use the same grid, muted.
The same system is laid out in landscape for the Open Graph social card.

Rendering is deterministic: no randomness, no timestamps, so the same spec gives the same
pixels and (through :func:`save_jpeg`) the same bytes.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, features

__all__ = ["CoverSpec", "render_cover", "render_social_card", "save_jpeg", "roman"]

FONTS_DIR = Path(__file__).parent / "styles" / "fonts"
# Part of every cover's name: bump it when a change to the drawing changes the pixels. The
# name goes into the EPUB and the PDF, so it must not change when the code merely moves.
DRAWING_VERSION = "1"

# Palette: warm paper and ink, with one accent per volume so the parts tell apart on a shelf.
PAPER = (243, 237, 226)
INK = (31, 27, 22)
OCHRE = (184, 134, 59)
TERRACOTTA = (164, 85, 58)
SLATE = (74, 90, 102)
MOSS = (96, 110, 74)
ACCENTS = (SLATE, OCHRE, TERRACOTTA, MOSS)

_FONT_FILES = {
    "display_it": "SourceSerif4Display-It.otf",
    "serif": "SourceSerif4SmText-Regular.otf",
    "serif_it": "SourceSerif4SmText-It.otf",
    "sans": "SourceSans3-Regular.otf",
    "sans_semibold": "SourceSans3-Semibold.otf",
}

# OpenType features need the raqm layout engine; without it small caps fall back to capitals.
_RAQM = features.check("raqm")
# Only ordinary spaces break lines: U+00A0 and U+202F are the typesetter's no-break spaces.
_BREAKING_SPACE = re.compile(r"[ \t\r\n]+")

Color = tuple[int, int, int]
Box = tuple[int, int, int, int]


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


def roman(n: int) -> str:
    """Return ``n`` (1..3999) in upper-case roman numerals: 3 → ``"III"``."""
    if not 0 < n < 4000:
        raise ValueError(f"roman numerals cover 1..3999, not {n}")
    out = []
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def save_jpeg(image: Image.Image, path: Path) -> None:
    """Write ``image`` as a progressive RGB JPEG (quality 90) with no metadata."""
    rgb = image.convert("RGB")
    # A fresh image drops info (EXIF, ICC, DPI), so nothing but pixels reaches the file.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=90, optimize=True, progressive=True, subsampling="4:2:0")
    Path(path).write_bytes(buffer.getvalue())


# ---------------------------------------------------------------------------------------------
# Fonts and text measurement


@lru_cache(maxsize=256)
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


class _Fonts:
    """Resolve the shipped faces (or a caller's directory holding the same file names)."""

    def __init__(self, fonts_dir: Path | None) -> None:
        self.dir = Path(fonts_dir) if fonts_dir is not None else FONTS_DIR
        missing = [f for f in _FONT_FILES.values() if not (self.dir / f).is_file()]
        if missing:
            raise FileNotFoundError(f"cover fonts missing in {self.dir}: {', '.join(missing)}")

    def get(self, face: str, size: float) -> ImageFont.FreeTypeFont:
        return _load_font(str(self.dir / _FONT_FILES[face]), max(1, round(size)))


def _feats(*tags: str) -> list[str] | None:
    return list(tags) if _RAQM else None


def _ink_bbox(font: ImageFont.FreeTypeFont, text: str) -> tuple[int, int, int, int]:
    """Bounding box of the drawn glyphs relative to the left end of the baseline."""
    return font.getbbox(text, anchor="ls")


def _text_width(font: ImageFont.FreeTypeFont, text: str) -> int:
    """Width including italic overhangs, so a line measured to fit really stays inside."""
    if not text:
        return 0
    left, _, right, _ = _ink_bbox(font, text)
    return max(right, round(font.getlength(text))) - min(left, 0)


def _cap_height(font: ImageFont.FreeTypeFont) -> int:
    return -_ink_bbox(font, "H")[1]


def _draw_line(
    draw: ImageDraw.ImageDraw,
    x: float,
    baseline: float,
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: Color,
) -> None:
    """Draw one line whose leftmost ink (italic overhang included) starts at ``x``."""
    left = min(_ink_bbox(font, text)[0], 0) if text else 0
    draw.text((x - left, baseline), text, font=font, fill=fill, anchor="ls")


def _spaced_caps(text: str) -> tuple[str, list[str] | None]:
    """Small caps when OpenType features work, plain capitals otherwise."""
    if _RAQM:
        return text, ["smcp", "c2sc", "onum"]
    return text.upper(), None


def _tracked_width(text: str, font: ImageFont.FreeTypeFont, tracking: float) -> float:
    text, feats = _spaced_caps(text)
    advances = [font.getlength(ch, features=feats) for ch in text]
    return sum(advances) + tracking * max(len(text) - 1, 0)


def _draw_tracked(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: Color,
    tracking: float,
    align: str = "left",
) -> None:
    """Letter-spaced small caps; Pillow has no tracking, so glyphs are placed one by one."""
    x, baseline = xy
    if align == "right":
        x -= _tracked_width(text, font, tracking)
    elif align == "center":
        x -= _tracked_width(text, font, tracking) / 2
    text, feats = _spaced_caps(text)
    for ch in text:
        draw.text((x, baseline), ch, font=font, fill=fill, anchor="ls", features=feats)
        x += font.getlength(ch, features=feats) + tracking


def _fit_tracked(
    fonts: _Fonts,
    face: str,
    text: str,
    size: float,
    tracking_em: float,
    width: float,
) -> ImageFont.FreeTypeFont:
    """Shrink a letter-spaced line until it fits ``width``."""
    while True:
        font = fonts.get(face, size)
        if size <= 6 or _tracked_width(text, font, tracking_em * size) <= width:
            return font
        size *= 0.94


# ---------------------------------------------------------------------------------------------
# Wrapping


def _balanced_lines(words: list[str], font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Fewest lines that fit, then the break set with the most even line lengths.

    Greedy filling leaves a lone short word on the last line; titles read better balanced.
    """
    n = len(words)
    widths: dict[tuple[int, int], int] = {}

    def line_w(i: int, j: int) -> int:
        if (i, j) not in widths:
            widths[(i, j)] = _text_width(font, " ".join(words[i:j]))
        return widths[(i, j)]

    # best[k][j]: (cost, previous break) for words[:j] set in k lines.
    inf = float("inf")
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, 0)}]
    for k in range(1, n + 1):
        row: dict[int, tuple[float, int]] = {}
        for j in range(1, n + 1):
            for i in range(j - 1, -1, -1):
                w = line_w(i, j)
                if w > width:
                    break  # adding words in front only makes the line longer
                if i not in best[k - 1]:
                    continue
                total = best[k - 1][i][0] + (width - w) ** 2
                if total < row.get(j, (inf, 0))[0]:
                    row[j] = (total, i)
        best.append(row)
        if n in row:
            lines, j = [], n
            for kk in range(k, 0, -1):
                i = best[kk][j][1]
                lines.append(" ".join(words[i:j]))
                j = i
            return lines[::-1]
    return [" ".join(words)]  # unreachable when every word fits on its own


def _split_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Last resort for a word wider than the measure: cut it where it overflows."""
    pieces, current = [], ""
    for ch in word:
        if current and _text_width(font, current + ch) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return pieces + [current] if current else pieces


def _block_height(font: ImageFont.FreeTypeFont, lines: int, leading: float) -> float:
    """Cap line of the first line to the descenders of the last."""
    return _cap_height(font) + (lines - 1) * font.size * leading + font.size * 0.25


def _fit_block(
    fonts: _Fonts,
    face: str,
    text: str,
    size: float,
    min_size: float,
    width: float,
    height: float,
    leading: float,
    max_lines: int = 99,
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Largest size ≤ ``size`` at which ``text`` wraps into ``width`` × ``height``.

    Words are never broken above ``min_size``; below it the text keeps shrinking (and words
    are cut) so that nothing can ever be drawn outside the block.
    """
    words = [w for w in _BREAKING_SPACE.split(text.strip()) if w]
    if not words:
        return fonts.get(face, size), []
    while True:
        font = fonts.get(face, size)
        if size <= min_size:
            pieces = [p for w in words for p in _split_word(w, font, width)]
        elif max(_text_width(font, w) for w in words) <= width:
            pieces = words
        else:
            size *= 0.95
            continue
        lines = _balanced_lines(pieces, font, width)
        fits = len(lines) <= max_lines and _block_height(font, len(lines), leading) <= height
        if fits or size <= 8:
            if not fits:  # absurdly long: keep inside the block and mark the cut
                keep = min(max_lines, len(lines))
                while keep > 1 and _block_height(font, keep, leading) > height:
                    keep -= 1
                lines = lines[:keep]
                lines[-1] = lines[-1].rstrip() + "…"
            return font, lines
        size *= 0.95


# ---------------------------------------------------------------------------------------------
# Art


def _mix(a: Color, b: Color, t: float) -> Color:
    """Blend colour ``a`` toward ``b`` by ``t`` (0 → a, 1 → b)."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


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
    big = Image.new("RGB", (w * scale, h * scale), _mix(PAPER, accent, 0.08))
    draw = ImageDraw.Draw(big)
    step = max(w, h) / 34
    angle = math.radians(35 + 90 * seed)
    dx, dy = math.cos(angle), math.sin(angle)
    half = (abs(dx) * w + abs(dy) * h) / 2  # distance from the centre to the far corner
    dot = _mix(accent, PAPER, 0.2)
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


def _place_art(
    canvas: Image.Image,
    draw: ImageDraw.ImageDraw,
    spec: CoverSpec,
    box: Box,
    line: int,
) -> None:
    """Paste the art into ``box`` with a hairline frame (the frame is part of the grid)."""
    x0, y0, x1, y1 = box
    canvas.paste(_art_block(spec, (x1 - x0, y1 - y0)), (x0, y0))
    frame = _mix(INK, PAPER, 0.45 if spec.muted else 0.0)
    draw.rectangle((x0, y0, x1 - 1, y1 - 1), outline=frame, width=line)


def _draw_badge(
    draw: ImageDraw.ImageDraw,
    fonts: _Fonts,
    text: str,
    box: Box,
    size: float,
) -> None:
    """The "À paraître" band: a small ink label hung from the top edge of the art block."""
    x0, y0, x1, _ = box
    tracking = 0.2
    font = _fit_tracked(fonts, "sans_semibold", text, size, tracking, (x1 - x0) * 0.6)
    pad_x, band_h = font.size * 1.2, font.size * 2.3
    text_w = _tracked_width(text, font, font.size * tracking)
    left = x0 + font.size * 1.6
    draw.rectangle((left, y0, left + text_w + 2 * pad_x, y0 + band_h), fill=INK)
    baseline = y0 + (band_h + _cap_height(font)) / 2
    _draw_tracked(draw, (left + pad_x, baseline), text, font, PAPER, font.size * tracking)


# ---------------------------------------------------------------------------------------------
# Shared pieces of the grid


def _position(spec: CoverSpec) -> str | None:
    """Place in the series: "3 / 4" for a part, "1–4" for the omnibus that holds them all.

    Thin spaces keep the figures apart but bound together.
    """
    if spec.total is None:
        return None
    if spec.number is None:
        return f"1\u2013{spec.total}" if spec.series else None
    return f"{spec.number}\u2009/\u2009{spec.total}"


def _series_line(spec: CoverSpec) -> str | None:
    """The series name for the top band, unless it is already the (omnibus) title."""
    if not spec.series:
        return None
    if spec.number is None and spec.series.casefold() == spec.title.casefold():
        return None
    return spec.series


@dataclass
class _Palette:
    ink: Color
    soft: Color
    accent: Color
    rule: Color


def _palette(spec: CoverSpec) -> _Palette:
    accent = _accent(spec)
    if spec.muted:
        # Forthcoming parts keep their colour identity, but only as a whisper of it.
        accent = _mix(_mix(accent, (120, 120, 120), 0.55), PAPER, 0.1)
        ink = _mix(INK, PAPER, 0.2)
        return _Palette(ink, _mix(INK, PAPER, 0.45), accent, _mix(INK, PAPER, 0.6))
    return _Palette(INK, _mix(INK, PAPER, 0.3), accent, _mix(INK, PAPER, 0.35))


# ---------------------------------------------------------------------------------------------
# Portrait cover


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
    fonts = _Fonts(fonts_dir)
    pal = _palette(spec)
    canvas = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(canvas)

    # The grid, in fractions of the page so that other sizes keep the proportions.
    mx = round(w * 0.08)
    content_w = w - 2 * mx
    line = max(1, round(w / 800))
    band_base = round(h * 0.068)  # baseline of the series line
    band_rule = round(h * 0.088)
    art_box = (mx, round(h * 0.112), w - mx, round(h * 0.53))
    numeral_top = round(h * 0.574)  # cap line of the numeral
    title_top = round(h * 0.683)  # cap line of the title (omnibus: the numeral's line)
    foot_rule = round(h * 0.905)
    foot_base = round(h * 0.948)
    small = w * 0.026  # letter-spaced small caps size

    draw.line((mx, band_rule, w - mx, band_rule), fill=pal.rule, width=line)
    _place_art(canvas, draw, spec, art_box, line)
    draw.line((mx, foot_rule, w - mx, foot_rule), fill=pal.rule, width=line)
    if spec.muted and spec.badge and draw_text:
        _draw_badge(draw, fonts, spec.badge, art_box, small * 0.95)
    if not draw_text:
        return canvas

    # Top band: series on the left, position in the series on the right.
    position = _position(spec)
    pos_font = fonts.get("sans", small * 1.15)
    pos_w = _tracked_width(position, pos_font, small * 0.1) if position else 0
    series = _series_line(spec)
    if series:
        room = content_w - pos_w - (small * 2 if position else 0)
        font = _fit_tracked(fonts, "sans_semibold", series, small, 0.22, room)
        _draw_tracked(draw, (mx, band_base), series, font, pal.ink, font.size * 0.22)
    if position:
        _draw_tracked(draw, (w - mx, band_base), position, pos_font, pal.soft, small * 0.1, "right")

    # Numeral: the part's identity, big enough to survive a 150 px thumbnail.
    if spec.number is not None:
        numeral_font = fonts.get("display_it", h * 0.118)
        cap = _cap_height(numeral_font)
        _draw_line(draw, mx, numeral_top + cap, roman(spec.number), numeral_font, pal.accent)
    else:
        title_top = numeral_top

    # Title, then subtitle, in the space left above the foot rule.
    _draw_titles(
        draw,
        fonts,
        spec,
        pal,
        (mx, title_top, w - mx, foot_rule - round(h * 0.03)),
        w * 0.112,
        w * 0.037,
    )
    _draw_foot(draw, fonts, spec, pal, mx, w - mx, foot_base, small)
    return canvas


def _draw_titles(
    draw: ImageDraw.ImageDraw,
    fonts: _Fonts,
    spec: CoverSpec,
    pal: _Palette,
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
        sub_font, sub_lines = _fit_block(
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
    sub_h = _block_height(sub_font, len(sub_lines), sub_leading) + gap if sub_font else 0
    title_font, lines = _fit_block(
        fonts,
        "display_it",
        spec.title,
        title_size,
        title_size * 0.5,
        width,
        bottom - top - sub_h,
        leading,
    )
    baseline = top + _cap_height(title_font)
    for text in lines:
        _draw_line(draw, left, baseline, text, title_font, pal.ink)
        baseline += title_font.size * leading
    if sub_font:
        baseline += -title_font.size * leading + title_font.size * 0.25 + gap
        baseline += _cap_height(sub_font)
        for text in sub_lines:
            _draw_line(draw, left, baseline, text, sub_font, pal.soft)
            baseline += sub_font.size * sub_leading


def _draw_foot(
    draw: ImageDraw.ImageDraw,
    fonts: _Fonts,
    spec: CoverSpec,
    pal: _Palette,
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
        natural = _tracked_width(spec.publisher, fonts.get("sans", small), small * tracking)
        pub_room = min(natural, width * 0.4) if spec.author else width
    if spec.author:
        room = width - pub_room - (gap if spec.publisher else 0)
        font = _fit_tracked(fonts, "sans_semibold", spec.author, small * 1.05, tracking, room)
        _draw_tracked(draw, (left, baseline), spec.author, font, pal.ink, font.size * tracking)
    if spec.publisher:
        font = _fit_tracked(fonts, "sans", spec.publisher, small, tracking, pub_room)
        _draw_tracked(
            draw, (right, baseline), spec.publisher, font, pal.soft, font.size * tracking, "right"
        )


# ---------------------------------------------------------------------------------------------
# Landscape social card


def render_social_card(
    spec: CoverSpec,
    size: tuple[int, int] = (1200, 630),
    fonts_dir: Path | None = None,
) -> Image.Image:
    """Open Graph image: the cover's grid turned landscape (art left, type right)."""
    w, h = size
    fonts = _Fonts(fonts_dir)
    pal = _palette(spec)
    canvas = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(canvas)

    m = round(h * 0.085)
    line = max(1, round(h / 420))
    art_box = (m, m, m + round(w * 0.40), h - m)
    col_left = art_box[2] + round(w * 0.045)
    col_right = w - m
    col_w = col_right - col_left
    small = h * 0.030
    band_base = m + round(small * 0.75)
    band_rule = m + round(h * 0.065)
    foot_rule = h - m - round(h * 0.075)
    foot_base = h - m

    _place_art(canvas, draw, spec, art_box, line)
    if spec.muted and spec.badge:
        _draw_badge(draw, fonts, spec.badge, art_box, small * 0.95)
    draw.line((col_left, band_rule, col_right, band_rule), fill=pal.rule, width=line)
    draw.line((col_left, foot_rule, col_right, foot_rule), fill=pal.rule, width=line)

    position = _position(spec)
    pos_font = fonts.get("sans", small * 1.15)
    pos_w = _tracked_width(position, pos_font, small * 0.1) if position else 0
    series = _series_line(spec)
    if series:
        room = col_w - pos_w - (small * 2 if position else 0)
        font = _fit_tracked(fonts, "sans_semibold", series, small, 0.22, room)
        _draw_tracked(draw, (col_left, band_base), series, font, pal.ink, font.size * 0.22)
    if position:
        _draw_tracked(
            draw, (col_right, band_base), position, pos_font, pal.soft, small * 0.1, "right"
        )

    top = band_rule + round(h * 0.075)
    if spec.number is not None:
        numeral_font = fonts.get("display_it", h * 0.20)
        cap = _cap_height(numeral_font)
        _draw_line(draw, col_left, top + cap, roman(spec.number), numeral_font, pal.accent)
        top += cap + round(h * 0.075)

    _draw_titles(
        draw,
        fonts,
        spec,
        pal,
        (col_left, top, col_right, foot_rule - round(h * 0.04)),
        h * 0.105,
        h * 0.042,
    )
    _draw_foot(draw, fonts, spec, pal, col_left, col_right, foot_base, small)
    return canvas
