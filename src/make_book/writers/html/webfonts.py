"""The web edition's fonts: each face cut down to the characters the site's pages show.

One subset a face serves the whole site (a reader's browser caches it from page to page);
a browser fetches a face only for a page whose text it sets, so a page never loads the
faces it does not use. The characters are taken from the pages as written, with the
scripts' (the search page writes its messages and results with them) and the printable
ASCII a reader may type in the search box.
"""

from __future__ import annotations

from pathlib import Path

from lxml import html

from make_book.assets.fonts import write_web_fonts
from make_book.assets.subset import css_features

_HIDDEN = ("script", "style", "template")
# Attributes whose text a browser shows: a field's placeholder, a button's value.
_SHOWN_ATTRIBUTES = ("placeholder", "value")
_TYPED = {chr(code) for code in range(0x20, 0x7F)}
# What a browser may add: hyphens where it breaks words, list bullets, the no-break spaces.
_ADDED = set("-\u2010\u2022\u00a0\u202f")


def site_characters(site: Path) -> set[str]:
    """Every character the site's pages and scripts may show."""
    chars = set(_TYPED) | _ADDED
    for page in sorted(site.rglob("*.html")):
        tree = html.fromstring(page.read_bytes())
        for element in tree.iter(*_HIDDEN):
            element.drop_tree()
        chars |= set(tree.text_content())
        for attribute in _SHOWN_ATTRIBUTES:
            for element in tree.xpath(f"//*[@{attribute}]"):
                chars |= set(element.get(attribute))
    for script in sorted(site.rglob("*.js")):
        chars |= set(script.read_text("utf-8"))
    # A face without small capitals of its own (the italics) has them drawn from its
    # capitals: every letter's capital is shown by some small-caps text.
    chars |= set("".join(c.upper() for c in chars))
    return {c for c in chars if c.isprintable() or c in _ADDED}


def write_site_fonts(fonts: list[Path], site: Path, css: str, cache: Path) -> None:
    """Write fonts/ of the site at `site`, whose pages are written: the subsets of the fonts
    to what they show, with the features the site's stylesheet `css` uses."""
    write_web_fonts(fonts, site_characters(site), css_features(css), cache, site / "fonts")
