"""The shipped fonts cover French fully and carry the features the design relies on."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from make_book.core.files import PACKAGE_STYLES

FRENCH = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
          "àâäæçéèêëîïôœùûüÿÀÂÄÆÇÉÈÊËÎÏÔŒÙÛÜŸ"
          "\u00a0\u202f«»‘’“”…–—.,;:!?()[]'\"%€°")
TEXT_FONTS = sorted((PACKAGE_STYLES / "fonts").glob("*.otf"))


@pytest.mark.parametrize("path", TEXT_FONTS, ids=lambda p: p.name)
def test_font_covers_french(path):
    cmap = TTFont(path).getBestCmap()
    missing = [f"U+{ord(c):04X}" for c in FRENCH if ord(c) not in cmap]
    assert not missing, f"{path.name} lacks {missing}"


@pytest.mark.parametrize("path", [p for p in TEXT_FONTS if "SmText" in p.name],
                         ids=lambda p: p.name)
def test_text_font_has_small_caps_and_oldstyle_figures(path):
    features = {r.FeatureTag for r in TTFont(path)["GSUB"].table.FeatureList.FeatureRecord}
    assert {"onum", "lnum", "liga"} <= features
    if "It" not in path.stem:
        assert "smcp" in features


def test_fonts_are_ofl_with_licence():
    licences = list((PACKAGE_STYLES / "fonts").glob("LICENSE*"))
    assert len(licences) == 2
    for licence in licences:
        assert "SIL Open Font License" in licence.read_text(encoding="utf-8")


def test_default_fonts_ship_their_web_conversion(tmp_path, monkeypatch):
    """Each default font has its WOFF2 in make_book/web_fonts, named after the font's content
    and the conversion's version, and it is what the conversion makes: a font or a conversion
    changed without `scripts/make_web_fonts.py` fails here, not silently in the build."""
    from make_book.assets import fonts as web_fonts
    from make_book.assets.fonts import SHIPPED_WEB_FONTS, convert_fonts, web_font_name
    from make_book.core.files import PACKAGE_STYLES

    fonts = sorted(p for p in (PACKAGE_STYLES / "fonts").iterdir() if p.suffix == ".otf")
    expected = {web_font_name(f.stem, f.read_bytes()) for f in fonts}
    shipped = {p.name for p in SHIPPED_WEB_FONTS.glob("*.woff2")}
    assert shipped == expected, "run scripts/make_web_fonts.py"
    smallest = min(fonts, key=lambda f: f.stat().st_size)
    monkeypatch.setattr(web_fonts, "SHIPPED_WEB_FONTS", tmp_path / "none")  # convert, for real
    convert_fonts([smallest], tmp_path / "cache", tmp_path / "out")
    made = tmp_path / "out" / f"{smallest.stem}.woff2"
    name = web_font_name(smallest.stem, smallest.read_bytes())
    assert made.read_bytes() == (SHIPPED_WEB_FONTS / name).read_bytes()
