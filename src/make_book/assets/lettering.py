"""Lettering drawn with Pillow for the covers: the faces, measuring, tracking, fitting, wrapping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont, features

from make_book.core.files import PACKAGE_STYLES

FONTS_DIR = PACKAGE_STYLES / "fonts"

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


@lru_cache(maxsize=256)
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


class Fonts:
    """Resolve the shipped faces (or a caller's directory holding the same file names)."""

    def __init__(self, fonts_dir: Path | None) -> None:
        self.dir = Path(fonts_dir) if fonts_dir is not None else FONTS_DIR
        missing = [f for f in _FONT_FILES.values() if not (self.dir / f).is_file()]
        if missing:
            raise FileNotFoundError(f"cover fonts missing in {self.dir}: {', '.join(missing)}")

    def get(self, face: str, size: float) -> ImageFont.FreeTypeFont:
        return _load_font(str(self.dir / _FONT_FILES[face]), max(1, round(size)))


@dataclass(frozen=True)
class TextRun:
    """One piece of lettering as it would have been drawn: on which canvas (the id of its
    pixel store), its baseline's left end in pixels, its face and size, its colour."""

    canvas: int
    x: float
    baseline: float
    text: str
    font: str  # the font file's path
    size: int  # pixels
    fill: Color
    features: tuple[str, ...] = ()


_RUNS: ContextVar[list[TextRun] | None] = ContextVar("lettering_runs", default=None)


@contextmanager
def recording_text() -> Iterator[list[TextRun]]:
    """Within the block, lettering is recorded (and returned) instead of drawn: the wrap
    cover sets it as text in its PDF over a background drawn without it."""
    runs: list[TextRun] = []
    token = _RUNS.set(runs)
    try:
        yield runs
    finally:
        _RUNS.reset(token)


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str,
          font: ImageFont.FreeTypeFont, fill: Color, features: list[str] | None = None) -> None:
    """Draw text from the left end of its baseline, or record it (recording_text)."""
    runs = _RUNS.get()
    if runs is None:
        draw.text(xy, text, font=font, fill=fill, anchor="ls", features=features)
    else:
        runs.append(TextRun(id(draw.im), xy[0], xy[1], text, str(font.path), int(font.size),
                            tuple(fill[:3]), tuple(features or ())))


def _feats(*tags: str) -> list[str] | None:
    return list(tags) if _RAQM else None


def _ink_bbox(font: ImageFont.FreeTypeFont, text: str) -> tuple[int, int, int, int]:
    """Bounding box of the drawn glyphs relative to the left end of the baseline."""
    return font.getbbox(text, anchor="ls")


def text_width(font: ImageFont.FreeTypeFont, text: str) -> int:
    """Width including italic overhangs, so a line measured to fit really stays inside."""
    if not text:
        return 0
    left, _, right, _ = _ink_bbox(font, text)
    return max(right, round(font.getlength(text))) - min(left, 0)


def cap_height(font: ImageFont.FreeTypeFont) -> int:
    return -_ink_bbox(font, "H")[1]


def draw_line(
    draw: ImageDraw.ImageDraw,
    x: float,
    baseline: float,
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: Color,
) -> None:
    """Draw one line whose leftmost ink (italic overhang included) starts at ``x``."""
    left = min(_ink_bbox(font, text)[0], 0) if text else 0
    _text(draw, (x - left, baseline), text, font, fill)


def _spaced_caps(text: str) -> tuple[str, list[str] | None]:
    """Small caps when OpenType features work, plain capitals otherwise."""
    if _RAQM:
        return text, ["smcp", "c2sc", "onum"]
    return text.upper(), None


def tracked_width(text: str, font: ImageFont.FreeTypeFont, tracking: float) -> float:
    text, feats = _spaced_caps(text)
    advances = [font.getlength(ch, features=feats) for ch in text]
    return sum(advances) + tracking * max(len(text) - 1, 0)


def draw_tracked(
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
        x -= tracked_width(text, font, tracking)
    elif align == "center":
        x -= tracked_width(text, font, tracking) / 2
    text, feats = _spaced_caps(text)
    for ch in text:
        _text(draw, (x, baseline), ch, font, fill, feats)
        x += font.getlength(ch, features=feats) + tracking


def fit_tracked(
    fonts: Fonts,
    face: str,
    text: str,
    size: float,
    tracking_em: float,
    width: float,
) -> ImageFont.FreeTypeFont:
    """Shrink a letter-spaced line until it fits ``width``."""
    while True:
        font = fonts.get(face, size)
        if size <= 6 or tracked_width(text, font, tracking_em * size) <= width:
            return font
        size *= 0.94


def balanced_lines(words: list[str], font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Fewest lines that fit, then the break set with the most even line lengths.

    Greedy filling leaves a lone short word on the last line; titles read better balanced.
    The fewest lines are those of greedy filling; then only the breaks that can begin a
    setting in that many lines are tried (from the greedy fill of the lines before and of
    the lines after), which keeps a back cover's long summary to a few thousand
    measurements instead of hundreds of thousands.
    """
    n = len(words)
    widths: dict[tuple[int, int], int] = {}

    def line_w(i: int, j: int) -> int:
        if (i, j) not in widths:
            widths[(i, j)] = text_width(font, " ".join(words[i:j]))
        return widths[(i, j)]

    if n == 0 or any(line_w(i, i + 1) > width for i in range(n)):
        return [" ".join(words)]  # a word wider than the measure: no setting fits
    reach = [0]  # reach[k]: the words greedy filling sets in k lines
    while reach[-1] < n:
        j = reach[-1] + 1
        while j < n and line_w(reach[-1], j + 1) <= width:
            j += 1
        reach.append(j)
    lines_needed = len(reach) - 1
    rest = [n]  # rest[m]: the first word from which the last m lines can hold the rest
    while len(rest) <= lines_needed:
        i = rest[-1] - 1
        while i > 0 and line_w(i - 1, rest[-1]) <= width:
            i -= 1
        rest.append(max(i, 0))
    # best[k][j]: (cost, previous break) for words[:j] set in k lines.
    inf = float("inf")
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, 0)}]
    for k in range(1, lines_needed + 1):
        row: dict[int, tuple[float, int]] = {}
        for j in range(max(rest[lines_needed - k], 1), reach[k] + 1):
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
    lines, j = [], n
    for kk in range(lines_needed, 0, -1):
        i = best[kk][j][1]
        lines.append(" ".join(words[i:j]))
        j = i
    return lines[::-1]


def _split_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Last resort for a word wider than the measure: cut it where it overflows."""
    pieces, current = [], ""
    for ch in word:
        if current and text_width(font, current + ch) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return pieces + [current] if current else pieces


def block_height(font: ImageFont.FreeTypeFont, lines: int, leading: float) -> float:
    """Cap line of the first line to the descenders of the last."""
    return cap_height(font) + (lines - 1) * font.size * leading + font.size * 0.25


def fit_block(
    fonts: Fonts,
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
        elif max(text_width(font, w) for w in words) <= width:
            pieces = words
        else:
            size *= 0.95
            continue
        lines = balanced_lines(pieces, font, width)
        fits = len(lines) <= max_lines and block_height(font, len(lines), leading) <= height
        if fits or size <= 8:
            if not fits:  # absurdly long: keep inside the block and mark the cut
                keep = min(max_lines, len(lines))
                while keep > 1 and block_height(font, keep, leading) > height:
                    keep -= 1
                lines = lines[:keep]
                lines[-1] = lines[-1].rstrip() + "…"
            return font, lines
        size *= 0.95


def mix(a: Color, b: Color, t: float) -> Color:
    """Blend colour ``a`` toward ``b`` by ``t`` (0 → a, 1 → b)."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]
