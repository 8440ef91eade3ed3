"""The shipped fonts cover French fully and carry the features the design relies on."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from make_book.writers.common import PACKAGE_STYLES

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
