"""Fonts cut down to the characters an edition sets, with the OpenType features its CSS asks
for (fontTools' subsetter), made once per content and the same bytes at every build.

A subset keeps every glyph those features reach from the characters kept (the small capitals
of `smcp` and `c2sc`, the old-style figures of `onum`, the ligatures of `liga`), the layout
features fontTools keeps by default (kerning, marks, `ccmp`, `locl`...), the whole name table
(the copyright and licence travel with the font, as the OFL asks) and the hinting.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path

import fontTools
import tinycss2
from fontTools import subset
from fontTools.ttLib import TTFont

from make_book.core.store import ContentCache

# Part of every subset's cache key: bump it when the subsetting changes.
VERSION = "subset-2"  # 2: the word joiner mapped

# The OpenType features CSS properties turn on, by the keyword that asks for them.
_KEYWORD_FEATURES = {
    "small-caps": ("smcp",), "all-small-caps": ("smcp", "c2sc"), "petite-caps": ("pcap",),
    "all-petite-caps": ("pcap", "c2pc"), "unicase": ("unic",), "titling-caps": ("titl",),
    "oldstyle-nums": ("onum",), "lining-nums": ("lnum",), "tabular-nums": ("tnum",),
    "proportional-nums": ("pnum",), "diagonal-fractions": ("frac",),
    "stacked-fractions": ("afrc",), "ordinal": ("ordn",), "slashed-zero": ("zero",),
    "common-ligatures": ("liga", "clig"), "discretionary-ligatures": ("dlig",),
    "historical-ligatures": ("hlig",), "contextual": ("calt",), "super": ("sups",),
    "sub": ("subs",),
}
_FONT_PROPERTIES = ("font-variant", "font-variant-caps", "font-variant-numeric",
                    "font-variant-ligatures", "font-variant-position")


def css_features(css: str) -> set[str]:
    """The OpenType features a stylesheet turns on anywhere: by font-variant keywords and by
    font-feature-settings tags."""
    features: set[str] = set()

    def walk(rules: list) -> None:  # noqa: ANN001 - tinycss2 nodes
        for rule in rules:
            if rule.type not in ("qualified-rule", "at-rule") or not rule.content:
                continue
            if rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
                walk(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                              skip_whitespace=True))
                continue
            for item in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True):
                if item.type != "declaration":
                    continue
                if item.lower_name in _FONT_PROPERTIES:
                    for token in item.value:
                        if token.type == "ident":
                            features.update(_KEYWORD_FEATURES.get(token.lower_value, ()))
                elif item.lower_name == "font-feature-settings":
                    features.update(t.value for t in item.value
                                    if t.type == "string" and len(t.value) == 4)

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return features


def subset_bytes(data: bytes, chars: Iterable[str], features: Iterable[str],
                 flavor: str | None = None) -> bytes:
    """The font in data cut down to chars, keeping fontTools' default layout features and
    `features`; flavor "woff2" for the web, None for the font's own format."""
    options = subset.Options()
    options.layout_features = sorted(set(options.layout_features) | set(features))
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    # recalcTimestamp=False keeps head.modified: the same input gives the same bytes.
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    options.flavor = flavor if flavor is not None else font.flavor  # a WOFF2 stays one
    chars = set(chars)
    if "\u2060" in chars:
        _join_words(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars}))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


def _join_words(font: TTFont) -> None:
    """Give the word joiner (U+2060), which the typesetting puts between a dash and its
    word, the font's zero-width space glyph when the font has no glyph of its own for it:
    a reading system then finds it in the embedded face, never drawing a missing glyph."""
    for table in font["cmap"].tables:
        if table.isUnicode() and 0x2060 not in table.cmap and 0x200B in table.cmap:
            table.cmap[0x2060] = table.cmap[0x200B]


def subset_key(data: bytes, chars: Iterable[str], features: Iterable[str],
               flavor: str | None) -> str:
    """What a subset is made of: the font's bytes, the characters, the features, the format,
    the subsetting's version and fontTools'."""
    recipe = "\n".join([VERSION, fontTools.version, flavor or "-",
                        " ".join(sorted(set(features))),
                        "".join(sorted(set(chars)))])
    return hashlib.sha256(hashlib.sha256(data).digest() + recipe.encode()).hexdigest()


def cached_subset(font: Path, chars: Iterable[str], features: Iterable[str], cache: Path,
                  flavor: str | None = None) -> Path:
    """The subset of the font file, from the content cache when it was made before."""
    data = font.read_bytes()
    chars, features = sorted(set(chars)), sorted(set(features))
    suffix = ".woff2" if flavor == "woff2" else font.suffix.lower()
    name = f"{font.stem}-{subset_key(data, chars, features, flavor)[:20]}{suffix}"
    return ContentCache(cache).file("font-subsets", name,
                                    lambda: subset_bytes(data, chars, features, flavor))
