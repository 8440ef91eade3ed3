"""The font subsets the assembly merges (writers/pieces/fonts.py): each glyph kept at its
id with its own outline, the others emptied, the layout tables dropped, and a cached subset
the same bytes as a fresh one."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from make_book.assets.fonts import PACKAGE_STYLES
from make_book.writers.pieces.fonts import _cached_subset, subset_font


def _outline(font: TTFont, glyph_id: int) -> list[tuple[str, tuple]]:
    """The drawing operations of a glyph, by id."""
    pen = RecordingPen()
    font.getGlyphSet()[font.getGlyphOrder()[glyph_id]].draw(pen)
    return pen.value


def _serif() -> Path:
    return next(p for p in sorted((PACKAGE_STYLES / "fonts").glob("*.otf"))
                if "Serif" in p.name and "Italic" not in p.name)


def test_subset_keeps_glyph_ids_and_outlines() -> None:
    path = _serif()
    original = TTFont(path)
    cmap = original.getBestCmap()
    order = original.getGlyphOrder()
    wanted = sorted({order.index(cmap[ord(c)]) for c in "Léa fit"} | {0})
    cut = TTFont(BytesIO(subset_font(path, wanted)))
    assert len(cut.getGlyphOrder()) > max(wanted)
    for glyph in wanted:
        assert _outline(cut, glyph) == _outline(original, glyph), glyph
    # A glyph between those kept: at its id, the subset has an empty glyph.
    left_out = next(order.index(cmap[ord(c)]) for c in "bcdeghjkmnopqrsuvwxyz"
                    if order.index(cmap[ord(c)]) < max(wanted))
    assert left_out not in wanted and _outline(original, left_out)
    assert _outline(cut, left_out) == []
    assert "GSUB" not in cut and "GPOS" not in cut


def test_cached_subset_is_the_fresh_one(tmp_path: Path) -> None:
    path = _serif()
    glyphs = [0, 3, 40, 41]
    def entries() -> int:
        return sum(1 for f in tmp_path.rglob("*") if f.is_file() and f.suffix != ".sha256")

    first = _cached_subset(path, glyphs, tmp_path)
    assert entries() == 1
    assert _cached_subset(path, glyphs, tmp_path) == first == subset_font(path, glyphs)
    _cached_subset(path, [0, 3], tmp_path)
    assert entries() == 2
