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


# -- subsets ---------------------------------------------------------------------------------

REGULAR = PACKAGE_STYLES / "fonts" / "SourceSerif4SmText-Regular.otf"


def _features(font: TTFont) -> set[str]:
    return {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}


def test_a_subset_keeps_the_characters_and_the_features_asked():
    import io

    from make_book.assets.subset import subset_bytes

    made = TTFont(io.BytesIO(subset_bytes(REGULAR.read_bytes(), "Été fin 1914",
                                          {"smcp", "onum", "lnum"})))
    assert set(made.getBestCmap()) == {ord(c) for c in "Été fin 1914"}
    assert {"smcp", "onum", "lnum", "liga"} <= _features(made)
    assert "c2sc" not in _features(made)  # asked by no one
    assert len(made.getGlyphOrder()) < 60
    # The whole name table (copyright, licence) travels with the subset.
    assert made["name"].getDebugName(13) == TTFont(REGULAR)["name"].getDebugName(13)


def test_subsets_are_reproducible_and_cached(tmp_path):
    from make_book.assets.subset import cached_subset

    first = cached_subset(REGULAR, "abc", {"smcp"}, tmp_path / "a")
    second = cached_subset(REGULAR, "cba", {"smcp"}, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    woff2 = cached_subset(REGULAR, "abc", {"smcp"}, tmp_path / "a", flavor="woff2")
    assert woff2.read_bytes()[:4] == b"wOF2"
    assert cached_subset(REGULAR, "abc", {"smcp"}, tmp_path / "a") == first
    # A WOFF2 font (a [fonts] face may be one) is cut down as a WOFF2.
    again = cached_subset(woff2, "ab", set(), tmp_path / "c")
    assert again.suffix == ".woff2" and again.read_bytes()[:4] == b"wOF2"


def test_the_features_a_stylesheet_asks_for():
    from make_book.assets.subset import css_features

    css = (PACKAGE_STYLES / "epub.css").read_text("utf-8")
    assert {"smcp", "onum", "lnum", "tnum"} <= css_features(css)
    html_css = (PACKAGE_STYLES / "html.css").read_text("utf-8")
    assert {"smcp", "c2sc", "onum", "pnum", "liga", "clig"} <= css_features(html_css)
    assert css_features('p { font-feature-settings: "ss01" 1, "zero"; }') == {"ss01", "zero"}


CSS = """
@font-face { font-family: "Book"; font-style: normal; font-weight: normal;
  src: url("../fonts/Regular.otf"); }
@font-face { font-family: "Book"; font-style: italic; font-weight: normal;
  src: url("../fonts/Italic.otf"); }
@font-face { font-family: "Book"; font-style: normal; font-weight: bold;
  src: url("../fonts/Bold.otf"); }
@font-face { font-family: "Sans"; font-style: normal; font-weight: normal;
  src: url("../fonts/Sans.otf"); }
@font-face { font-family: "Sans"; font-style: italic; font-weight: normal;
  src: url("../fonts/SansItalic.otf"); }
body { font-family: "Book", serif; }
figcaption { font-family: "Sans", sans-serif; }
.label { font-weight: bold; }
h1 + p::first-line { font-variant: small-caps; }
.mark::after { content: "\\2042"; }
code { font-family: monospace; }
"""
PAGE = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Titre ignoré</title></head>
<body><h1>Zèbre</h1><p>abc <em>déf</em> <strong>gh</strong> <code>xyz</code></p>
<figure><figcaption><span class="label">Fig.</span> légende</figcaption></figure>
<p class="mark">k</p><ol><li>un</li></ol></body></html>"""


def test_each_face_gets_the_characters_it_sets():
    from make_book.assets.font_usage import font_usage

    usage = font_usage([PAGE.encode()], CSS)
    text = {name: "".join(sorted(chars - set("-\u2010 \u00a0")))
            for name, chars in usage.text.items()}
    assert set(text) == {"Regular.otf", "Italic.otf", "Bold.otf", "Sans.otf"}
    assert "SansItalic.otf" not in usage.text  # no italic sans anywhere
    # The h1 is bold by HTML's own sheet; the first line in small caps also needs capitals.
    assert set("Zèbr") <= set(text["Bold.otf"]) and set("gh") <= set(text["Bold.otf"])
    assert set("abcABCk") <= set(text["Regular.otf"])
    assert "\u2042" in text["Regular.otf"]  # generated content
    assert set("0123456789.") <= set(text["Regular.otf"])  # the list's numbers
    assert set(text["Italic.otf"]) == set("déf")
    # Bold in the caption's family, which has no bold: its nearest face, the regular.
    assert set("Fig.légende") <= set(text["Sans.otf"])
    assert not set("xyzT") & set(text["Regular.otf"])  # monospace and the <title>: no face


def test_a_subset_draws_the_word_joiner_with_no_width() -> None:
    """The typesetting binds an aside's dash to its word with U+2060, which Source Serif 4
    has no glyph for: the subset maps it to the font's zero-width space, so that a reading
    system finds it in the embedded face."""
    import io

    from fontTools.ttLib import TTFont

    from make_book.assets.subset import subset_bytes
    from make_book.core.files import PACKAGE_STYLES

    source = PACKAGE_STYLES / "fonts" / "SourceSerif4SmText-Regular.otf"
    assert 0x2060 not in TTFont(source).getBestCmap()
    cut = TTFont(io.BytesIO(subset_bytes(source.read_bytes(), "a\u2013\u2060\u00a0b", ())))
    glyph = cut.getBestCmap()[0x2060]
    assert cut["hmtx"][glyph][0] == 0
